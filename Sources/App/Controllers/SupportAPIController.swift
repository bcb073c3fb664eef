import Foundation
import PovertyCore
import Storage
import Vapor

extension CoverageResource: Content {}
extension SupportResource: Content {}
extension BalanceResource: Content {}
extension StatementResource: Content {}
extension LoanResource: Content {}
extension AgeingResource: Content {}
extension CampaignResource: Content {}

/// Support, funds, loans and campaigns under `/api/v1`: the same Storage functions, branch
/// scope and audit as the pages. A refusal is 400 with the reason and another branch's things
/// 404 (`ErrorPageMiddleware`).
struct SupportAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let api = routes.grouped("api", "v1").grouped(BearerAuthenticator())
        api.get("coverage", use: coverage)
        api.get("households", ":code", "support", use: support)
        api.post("households", ":code", "support", use: recordSupport)
        api.get("funds", use: balances)
        api.get("funds", ":fund", ":unit", use: statement)
        api.post("funds", ":fund", "contributions", use: contribute)
        api.post("funds", ":fund", "allocations", use: allocate)
        api.post("funds", ":fund", "disbursements", use: disburse)
        api.post("funds", "entries", ":id", "reversal", use: reverse)
    }


    func day(_ text: String?, _ req: Request) throws -> Day {
        guard let text, !text.isEmpty else { return req.store.today }
        guard let d = Day(text) else { throw StorageError.invalid(Message("api.bad_date", .text(text))) }
        return d
    }

    /// A bound of a period: absent or empty is none; anything else must be a date.
    func optionalDay(_ text: String?, _ req: Request) throws -> Day? {
        guard let text, !text.isEmpty else { return nil }
        return try day(text, req)
    }

    // MARK: coverage and support

    func coverage(req: Request) async throws -> CoverageResource {
        let user = try req.requireUser()
        let r = try await req.store.support.coverage(user.actor, year: try req.queryInt("year", 2000...2100), includeNearPoor: req.query[String.self, at: "near"] == "1",
                                                     limit: try req.queryInt("limit", 0...10_000) ?? 200)
        return CoverageResource(r, history: user.history, on: req.store.today)
    }

    func support(req: Request) async throws -> [SupportResource] {
        let user = try req.requireUser()
        let code = req.parameters.get("code") ?? ""
        return try await req.store.support.records(user.actor, household: code).map { SupportResource($0, history: user.history) }
    }

    struct SupportRequest: Content {
        var policy: String
        var date: String?
        var value: Dong
        var inKind: String?
        var source: String
        var sourceName: String?
        var unit: String
        var fund: String?
    }

    struct Created: Content { let id: Int? ; let code: String? }

    func recordSupport(req: Request) async throws -> Created {
        let user = try req.requireUser()
        try user.require(.recordSupport)
        let body = try req.content.decode(SupportRequest.self)
        guard let source = SupportSource(rawValue: body.source) else { throw StorageError.invalid(Message("api.expected_one_of", "source", "fund, partner, state")) }
        let support = NewSupport(household: req.parameters.get("code") ?? "", policy: body.policy, day: try day(body.date, req), value: body.value,
                                 inKind: body.inKind ?? "", source: source, sourceName: body.sourceName ?? "", unit: body.unit, fund: body.fund)
        let id = try await req.store.support.record(user.actor, support)
        return Created(id: id, code: nil)
    }

    // MARK: funds

    func balances(req: Request) async throws -> [BalanceResource] {
        let user = try req.requireUser()
        return try await req.store.funds.balances(user.actor).map { BalanceResource($0, history: user.history) }
    }

    func statement(req: Request) async throws -> StatementResource {
        let user = try req.requireUser()
        let from = try optionalDay(req.query[String.self, at: "from"], req)
        let to = try optionalDay(req.query[String.self, at: "to"], req)
        let s = try await req.store.funds.statement(user.actor, fund: req.parameters.get("fund") ?? "", unit: req.parameters.get("unit") ?? "", from: from, to: to)
        return StatementResource(s, history: user.history)
    }

    struct EntryRequest: Content {
        var unit: String
        var toUnit: String?
        var date: String?
        var amount: Dong
        var contributor: String?
        var household: String?
        var note: String?
        var reason: String?
    }

    func contribute(req: Request) async throws -> Created {
        let user = try req.requireUser()
        try user.require(.fundContribute)
        let b = try req.content.decode(EntryRequest.self)
        let id = try await req.store.funds.contribute(user.actor, fund: req.parameters.get("fund") ?? "", unit: b.unit, day: try day(b.date, req), amount: b.amount,
                                                      contributor: b.contributor ?? "", note: b.note ?? "")
        return Created(id: id, code: nil)
    }

    func allocate(req: Request) async throws -> Created {
        let user = try req.requireUser()
        try user.require(.fundAllocate)
        let b = try req.content.decode(EntryRequest.self)
        let ids = try await req.store.funds.allocate(user.actor, fund: req.parameters.get("fund") ?? "", from: b.unit, to: b.toUnit ?? "", day: try day(b.date, req),
                                                     amount: b.amount, note: b.note ?? "")
        return Created(id: ids.out, code: nil)
    }

    func disburse(req: Request) async throws -> Created {
        let user = try req.requireUser()
        try user.require(.fundDisburse)
        let b = try req.content.decode(EntryRequest.self)
        let id = try await req.store.funds.disburse(user.actor, fund: req.parameters.get("fund") ?? "", unit: b.unit, day: try day(b.date, req), amount: b.amount,
                                                    household: b.household, note: b.note ?? "")
        return Created(id: id, code: nil)
    }

    struct ReasonRequest: Content { var reason: String; var date: String? }

    func reverse(req: Request) async throws -> Created {
        let user = try req.requireUser()
        try user.require(.fundReverse)
        guard let entry = req.parameters.get("id", as: Int.self) else { throw Abort(.notFound) }
        let b = try req.content.decode(ReasonRequest.self)
        let id = try await req.store.funds.reverse(user.actor, entryID: entry, day: try day(b.date, req), reason: b.reason)
        return Created(id: id, code: nil)
    }
}
