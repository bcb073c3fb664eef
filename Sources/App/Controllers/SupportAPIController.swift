import Foundation
import PovertyCore
import Storage
import Vapor

extension FundInfo: Content {}
extension FundEntry: Content {}
extension SupportRecord: Content {}

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
        guard let d = Day(text) else { throw Abort(.badRequest, reason: "ngày '\(text)' không hợp lệ / invalid date '\(text)'") }
        return d
    }

    // MARK: coverage and support

    struct CoverageJSON: Content {
        struct UnitLine: Content { let unitCode: String; let households: Int; let complete: Int }
        struct Gap: Content { let household: String; let unitCode: String; let status: String; let missing: [String]; let suggested: [String] }
        let year: Int?
        let households: Int
        let complete: Int
        let units: [UnitLine]
        let gapCount: Int
        let gaps: [Gap]
    }

    func coverage(req: Request) async throws -> CoverageJSON {
        let user = try req.requireUser()
        let r = try await req.store.support.coverage(user.actor, year: req.query[Int.self, at: "year"], includeNearPoor: req.query[String.self, at: "near"] == "1",
                                                     limit: req.query[Int.self, at: "limit"].map { min(max($0, 0), 10_000) } ?? 200)
        let code = { (id: Int) in user.history.units[id]?.code ?? "" }
        return CoverageJSON(year: r.year, households: r.households, complete: r.complete,
                            units: r.units.map { .init(unitCode: code($0.unitID), households: $0.households, complete: $0.complete) },
                            gapCount: r.gapCount,
                            gaps: r.gaps.map { .init(household: $0.householdCode, unitCode: code($0.unitID), status: $0.status.rawValue,
                                                     missing: $0.coverage.missingIndicators, suggested: $0.coverage.suggestedPolicies) })
    }

    func support(req: Request) async throws -> [SupportRecord] {
        let user = try req.requireUser()
        let code = req.parameters.get("code") ?? ""
        return try await req.store.support.records(user.actor, household: code)
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
        guard let source = SupportSource(rawValue: body.source) else { throw Abort(.badRequest, reason: "source: fund, partner, state") }
        let support = NewSupport(household: req.parameters.get("code") ?? "", policy: body.policy, day: try day(body.date, req), value: body.value,
                                 inKind: body.inKind ?? "", source: source, sourceName: body.sourceName ?? "", unit: body.unit, fund: body.fund)
        let id = try await req.store.support.record(user.actor, support)
        return Created(id: id, code: nil)
    }

    // MARK: funds

    struct BalanceJSON: Content { let fund: String; let unitCode: String; let balance: Dong }

    func balances(req: Request) async throws -> [BalanceJSON] {
        let user = try req.requireUser()
        return try await req.store.funds.balances(user.actor).map {
            BalanceJSON(fund: $0.fund.code, unitCode: user.history.units[$0.unitID]?.code ?? "", balance: $0.balance)
        }
    }

    struct StatementJSON: Content {
        let fund: String
        let unitCode: String
        let from: String?
        let to: String?
        let opening: Dong
        let closing: Dong
        let byKind: [String: Dong]
        let storedBalance: Dong
        let entries: [FundEntry]
    }

    func statement(req: Request) async throws -> StatementJSON {
        let user = try req.requireUser()
        let from = req.query[String.self, at: "from"].flatMap { Day($0) }
        let to = req.query[String.self, at: "to"].flatMap { Day($0) }
        let s = try await req.store.funds.statement(user.actor, fund: req.parameters.get("fund") ?? "", unit: req.parameters.get("unit") ?? "", from: from, to: to)
        return StatementJSON(fund: s.fund.code, unitCode: req.parameters.get("unit") ?? "", from: from?.iso, to: to?.iso, opening: s.totals.opening,
                             closing: s.totals.closing, byKind: Dictionary(uniqueKeysWithValues: s.totals.byKind.map { ($0.key.rawValue, $0.value) }),
                             storedBalance: s.storedBalance, entries: s.entries)
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
