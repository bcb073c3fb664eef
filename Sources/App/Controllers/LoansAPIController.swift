import Foundation
import PovertyCore
import Storage
import Vapor

/// National Employment Fund loans and gift campaigns under `/api/v1`: the same Storage
/// functions, branch scope and audit as the pages.
struct LoansAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let api = routes.grouped("api", "v1").grouped(BearerAuthenticator())
        api.get("loans", use: loans)
        api.post("loans", use: apply)
        api.get("loans", ":code", use: loan)
        api.post("loans", ":code", ":action", use: loanAction)
        api.get("campaigns", use: campaigns)
        api.get("campaigns", ":code", use: campaign)
        api.post("campaigns", ":code", "approval", use: approve)
    }

    private func day(_ text: String?, _ req: Request) throws -> Day { try SupportAPIController().day(text, req) }

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

    func apply(req: Request) async throws -> SupportAPIController.Created {
        let user = try req.requireUser()
        try user.require(.loanApply)
        let b = try req.content.decode(ApplyRequest.self)
        let application = LoanApplication(member: b.member, household: b.household, unit: b.unit, purpose: b.purpose, workers: b.workers ?? 1,
                                          jobsPlanned: b.jobsPlanned, amount: b.amount, termMonths: b.termMonths, everyMonths: b.everyMonths ?? 3,
                                          appliedOn: try day(b.appliedOn, req))
        let code = try await req.store.loans.apply(user.actor, application)
        return SupportAPIController.Created(id: nil, code: code)
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
}
