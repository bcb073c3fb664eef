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
        api.get("loans", use: loans)
        api.post("loans", use: apply)
        api.get("loans", ":code", use: loan)
        api.post("loans", ":code", ":action", use: loanAction)
        api.get("campaigns", use: campaigns)
        api.get("campaigns", ":code", use: campaign)
        api.post("campaigns", ":code", "approval", use: approve)
    }


    private func day(_ text: String?, _ req: Request) throws -> Day {
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

    // MARK: loans

    struct LoanJSON: Content {
        struct Instalment: Content { let number: Int; let due: String; let principal: Dong }
        struct Payment: Content { let day: String; let amount: Dong }
        let code: String
        let member: String
        let household: String?
        let unitCode: String
        let purpose: String
        let amount: Dong
        let termMonths: Int
        let state: String
        let appliedOn: String
        let disbursedOn: String?
        let outstanding: Dong
        let overdue: Dong
        let daysOverdue: Int
        let bucket: String?
        let jobsPlanned: Int
        let jobsCreated: Int?
        let schedule: [Instalment]?
        let payments: [Payment]?
    }

    private func json(_ f: LoanFile, _ user: CurrentUser, on day: Day, detail: Bool) -> LoanJSON {
        let p = f.position(on: day)
        let out = f.state == .disbursed
        return LoanJSON(code: f.code, member: f.memberCode, household: f.householdCode, unitCode: user.history.units[f.unitID]?.code ?? "",
                        purpose: f.purpose, amount: f.amount, termMonths: f.termMonths, state: f.state.rawValue, appliedOn: f.appliedOn.iso,
                        disbursedOn: f.disbursedOn?.iso, outstanding: f.outstanding, overdue: out ? p.overdue : 0, daysOverdue: out ? p.daysOverdue : 0,
                        bucket: out ? p.bucket?.rawValue : nil, jobsPlanned: f.jobsPlanned, jobsCreated: f.jobsCreated,
                        schedule: detail ? f.schedule.map { .init(number: $0.number, due: $0.due.iso, principal: $0.principal) } : nil,
                        payments: detail ? f.payments.map { .init(day: $0.day.iso, amount: $0.amount) } : nil)
    }

    func loans(req: Request) async throws -> [LoanJSON] {
        let user = try req.requireUser()
        let on = try day(req.query[String.self, at: "date"], req)
        let state = req.query[String.self, at: "state"].flatMap(LoanState.init(rawValue:))
        let files = try await req.store.loans.loans(user.actor, state: state)
        return files.map { json($0, user, on: on, detail: false) }
    }

    func loan(req: Request) async throws -> LoanJSON {
        let user = try req.requireUser()
        let f = try await req.store.loans.file(user.actor, req.parameters.get("code") ?? "")
        return json(f, user, on: try day(req.query[String.self, at: "date"], req), detail: true)
    }

    struct ApplyRequest: Content {
        var member: String
        var household: String?
        var unit: String
        var purpose: String
        var workers: Int?
        var jobsPlanned: Int
        var amount: Dong
        var termMonths: Int
        var everyMonths: Int?
        var appliedOn: String?
    }

    func apply(req: Request) async throws -> Created {
        let user = try req.requireUser()
        try user.require(.loanApply)
        let b = try req.content.decode(ApplyRequest.self)
        let application = LoanApplication(member: b.member, household: b.household, unit: b.unit, purpose: b.purpose, workers: b.workers ?? 1,
                                          jobsPlanned: b.jobsPlanned, amount: b.amount, termMonths: b.termMonths, everyMonths: b.everyMonths ?? 3,
                                          appliedOn: try day(b.appliedOn, req))
        let code = try await req.store.loans.apply(user.actor, application)
        return Created(id: nil, code: code)
    }

    struct LoanActionRequest: Content {
        var date: String?
        var note: String?
        var reason: String?
        var amount: Dong?
        var months: Int?
        var jobsCreated: Int?
    }

    func loanAction(req: Request) async throws -> LoanJSON {
        let user = try req.requireUser()
        let code = req.parameters.get("code") ?? ""
        let b = try req.content.decode(LoanActionRequest.self)
        let loans = req.store.loans
        let actor = user.actor
        let ops: [String: StorageOperation] = ["approval": .loanDecide, "rejection": .loanDecide, "disbursement": .loanDisburse, "repayments": .loanRepay,
                                        "extensions": .loanExtend, "write-off": .loanWriteOff, "jobs": .loanRecordJobs]
        guard let op = ops[req.parameters.get("action") ?? ""] else { throw Abort(.notFound) }
        try user.require(op)
        let d = try day(b.date, req)
        switch req.parameters.get("action") {
        case "approval": try await loans.approve(actor, code, on: d, note: b.note ?? "")
        case "rejection": try await loans.reject(actor, code, on: d, note: b.note ?? b.reason ?? "")
        case "disbursement": try await loans.disburse(actor, code, on: d)
        case "repayments": try await loans.repay(actor, code, on: d, amount: b.amount ?? 0)
        case "extensions": try await loans.extend(actor, code, granted: d, months: b.months ?? 0, reason: b.reason ?? "")
        case "write-off": try await loans.writeOff(actor, code, on: d, reason: b.reason ?? "")
        case "jobs": try await loans.recordJobs(actor, code, created: b.jobsCreated ?? -1)
        default: throw Abort(.notFound)
        }
        let f = try await loans.file(actor, code)
        return json(f, user, on: req.store.today, detail: true)
    }

    // MARK: campaigns

    struct CampaignJSON: Content {
        struct ProposalJSON: Content {
            let rank: Int; let household: String; let unitCode: String; let status: String?; let amount: Dong; let state: String; let reason: String
        }
        let code: String
        let kind: String
        let name: String
        let unitCode: String
        let fund: String
        let startsOn: String
        let endsOn: String
        let budget: Dong
        let giftValue: Dong
        let approved: Dong
        let proposed: Dong
        let proposals: [ProposalJSON]?
    }

    private func json(_ c: Campaign, _ user: CurrentUser, proposals: [Proposal]?) -> CampaignJSON {
        CampaignJSON(code: c.code, kind: c.kind.rawValue, name: c.name, unitCode: user.history.units[c.unitID]?.code ?? "", fund: c.fundCode,
                     startsOn: c.startsOn.iso, endsOn: c.endsOn.iso, budget: c.budget, giftValue: c.giftValue, approved: c.approved, proposed: c.proposed,
                     proposals: proposals?.map { .init(rank: $0.rank, household: $0.householdCode, unitCode: user.history.units[$0.unitID]?.code ?? "",
                                                       status: $0.status?.rawValue, amount: $0.amount, state: $0.state.rawValue, reason: $0.reason) })
    }

    func campaigns(req: Request) async throws -> [CampaignJSON] {
        let user = try req.requireUser()
        return try await req.store.campaigns.campaigns(user.actor).map { json($0, user, proposals: nil) }
    }

    func campaign(req: Request) async throws -> CampaignJSON {
        let user = try req.requireUser()
        let code = req.parameters.get("code") ?? ""
        let c = try await req.store.campaigns.campaign(user.actor, code)
        let proposals = try await req.store.campaigns.proposals(user.actor, code)
        return json(c, user, proposals: proposals)
    }

    struct ApproveRequest: Content { var unit: String; var date: String? }

    func approve(req: Request) async throws -> CampaignJSON {
        let user = try req.requireUser()
        try user.require(.campaignApprove)
        let code = req.parameters.get("code") ?? ""
        let b = try req.content.decode(ApproveRequest.self)
        _ = try await req.store.campaigns.approve(user.actor, code, unit: b.unit, day: try day(b.date, req))
        return try await campaign(req: req)
    }

    // MARK: description

    static var paths: [String: Any] {
        typealias D = OpenAPIDocument
        let money: [String: Any] = ["type": "integer", "description": "đồng"]
        let entry: [String: Any] = ["type": "object", "required": ["unit", "amount"], "properties": [
            "unit": ["type": "string"], "toUnit": ["type": "string"], "date": ["type": "string", "format": "date"], "amount": money,
            "contributor": ["type": "string"], "household": ["type": "string"], "note": ["type": "string"]]]
        let loanAction: [String: Any] = ["type": "object", "properties": [
            "date": ["type": "string", "format": "date"], "note": ["type": "string"], "reason": ["type": "string"], "amount": money,
            "months": ["type": "integer"], "jobsCreated": ["type": "integer"]]]
        return [
            "/api/v1/coverage": ["get": D.op("Bao phủ chính sách hộ nghèo / policy coverage of poor households", params: [
                D.query("year", "integer", "năm rà soát / review year"), D.query("near", "string", "1: gồm hộ cận nghèo / include near-poor"),
                D.query("limit", "integer", "số hộ còn thiếu tối đa / most gaps listed")])],
            "/api/v1/households/{code}/support": [
                "get": D.op("Hỗ trợ hộ đã nhận / a household's support", params: [D.path("code")]),
                "post": D.op("Ghi nhận hỗ trợ / record support", params: [D.path("code")], body: ["type": "object", "required": ["policy", "value", "source", "unit"],
                    "properties": ["policy": ["type": "string"], "date": ["type": "string", "format": "date"], "value": money, "inKind": ["type": "string"],
                                   "source": ["type": "string", "enum": ["fund", "partner", "state"]], "sourceName": ["type": "string"],
                                   "unit": ["type": "string"], "fund": ["type": "string"]]])],
            "/api/v1/funds": ["get": D.op("Số dư quỹ theo đơn vị / fund balances by unit")],
            "/api/v1/funds/{fund}/{unit}": ["get": D.op("Sổ quỹ / a fund's ledger at a unit", params: [
                D.path("fund"), D.path("unit"), D.query("from", "string", "từ ngày / from"), D.query("to", "string", "đến ngày / to")])],
            "/api/v1/funds/{fund}/contributions": ["post": D.op("Ghi đóng góp / record a contribution", params: [D.path("fund")], body: entry)],
            "/api/v1/funds/{fund}/allocations": ["post": D.op("Phân bổ giữa đơn vị / allocate between units", params: [D.path("fund")], body: entry)],
            "/api/v1/funds/{fund}/disbursements": ["post": D.op("Chi quỹ (không vượt số dư) / disburse (never beyond the balance)", params: [D.path("fund")], body: entry)],
            "/api/v1/funds/entries/{id}/reversal": ["post": D.op("Đảo bút toán / reverse an entry", params: [D.path("id")],
                                                                 body: ["type": "object", "required": ["reason"], "properties": ["reason": ["type": "string"], "date": ["type": "string"]]])],
            "/api/v1/loans": [
                "get": D.op("Khoản vay và nhóm nợ / loans with their ageing", params: [D.query("state", "string", "trạng thái / state"),
                                                                                     D.query("date", "string", "ngày tính / as of")]),
                "post": D.op("Nhận hồ sơ vay / file an application", body: ["type": "object",
                    "required": ["member", "unit", "purpose", "jobsPlanned", "amount", "termMonths"],
                    "properties": ["member": ["type": "string"], "household": ["type": "string"], "unit": ["type": "string"], "purpose": ["type": "string"],
                                   "workers": ["type": "integer"], "jobsPlanned": ["type": "integer"], "amount": money, "termMonths": ["type": "integer"],
                                   "everyMonths": ["type": "integer"], "appliedOn": ["type": "string", "format": "date"]]])],
            "/api/v1/loans/{code}": ["get": D.op("Một khoản vay với lịch trả nợ / one loan with its schedule", params: [D.path("code"), D.query("date", "string", "ngày tính / as of")])],
            "/api/v1/loans/{code}/{action}": ["post": D.op("approval, rejection, disbursement, repayments, extensions, write-off, jobs", params: [
                D.path("code"), ["name": "action", "in": "path", "required": true,
                                 "schema": ["type": "string", "enum": ["approval", "rejection", "disbursement", "repayments", "extensions", "write-off", "jobs"]]]],
                body: loanAction)],
            "/api/v1/campaigns": ["get": D.op("Các đợt quà / campaigns")],
            "/api/v1/campaigns/{code}": ["get": D.op("Một đợt và danh sách của nhánh / one campaign with the branch's list", params: [D.path("code")])],
            "/api/v1/campaigns/{code}/approval": ["post": D.op("Cấp trên phê duyệt danh sách của một đơn vị / approve a unit's list", params: [D.path("code")],
                                                                body: ["type": "object", "required": ["unit"], "properties": ["unit": ["type": "string"], "date": ["type": "string"]]])],
        ]
    }
}
