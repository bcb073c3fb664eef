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
        api.get("loans", "ageing", use: ageing)
        api.get("loans", ":code", use: loan)
        api.post("loans", ":code", ":action", use: loanAction)
        api.get("campaigns", use: campaigns)
        api.get("campaigns", ":code", use: campaign)
        api.post("campaigns", ":code", "approval", use: approve)
    }

    private func day(_ text: String?, _ req: Request) throws -> Day { try SupportAPIController().day(text, req) }

    // MARK: loans

    /// The day asked for with `?date=`, or nil (the book as it stands).
    private func asked(_ req: Request) throws -> Day? {
        try SupportAPIController().optionalDay(req.query[String.self, at: "date"], req)
    }

    func ageing(req: Request) async throws -> AgeingResource {
        let user = try req.requireUser()
        let (report, lines) = try await req.store.loans.ageing(user.actor, on: try day(req.query[String.self, at: "date"], req))
        return AgeingResource(report, lines: lines, history: user.history)
    }

    /// The branch's loans, as at `?date=` (each in its state then, those applied for by then)
    /// or as the book stands, in `?state=` — as the loans page lists them.
    func loans(req: Request) async throws -> [LoanResource] {
        let user = try req.requireUser()
        let asked = try asked(req)
        let state = req.query[String.self, at: "state"].flatMap(LoanState.init(rawValue:))
        let files = try await req.store.loans.loans(user.actor, state: asked == nil ? state : nil)
        return LoanStanding.listed(files, asAt: asked, today: req.store.today, state: state)
            .map { LoanResource($0, history: user.history, asAt: asked, detail: false) }
    }

    /// One loan, as at `?date=` or as the book stands; not found before it was applied for.
    func loan(req: Request) async throws -> LoanResource {
        let user = try req.requireUser()
        let code = req.parameters.get("code") ?? ""
        let asked = try asked(req)
        let f = try await req.store.loans.file(user.actor, code)
        guard let standing = LoanStanding(f, asAt: asked, today: req.store.today) else { throw StorageError.notFound(.loan, code) }
        return LoanResource(standing, history: user.history, asAt: asked, detail: true)
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
        /// nguoi_lao_dong, co_so_san_xuat or di_lam_viec_nuoc_ngoai (by default from the purpose).
        var borrower: String?
        var contractCost: Dong?
        var contractMonths: Int?
    }

    func apply(req: Request) async throws -> SupportAPIController.Created {
        let user = try req.requireUser()
        try user.require(.loanApply)
        let b = try req.content.decode(ApplyRequest.self)
        let application = LoanApplication(member: b.member, household: b.household, unit: b.unit, purpose: b.purpose, workers: b.workers ?? 1,
                                          jobsPlanned: b.jobsPlanned, amount: b.amount, termMonths: b.termMonths, everyMonths: b.everyMonths ?? 3,
                                          appliedOn: try day(b.appliedOn, req), borrower: try b.borrower.map { text in
                                              guard let kind = BorrowerKind(rawValue: text) else {
                                                  throw StorageError.invalid(Message("api.expected_one_of", "borrower", .text(BorrowerKind.allCases.map(\.rawValue).joined(separator: ", "))))
                                              }
                                              return kind
                                          }, contractCost: b.contractCost, contractMonths: b.contractMonths)
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
        /// The repayment a repayment-reversal undoes.
        var repayment: Int?
    }

    func loanAction(req: Request) async throws -> LoanResource {
        let user = try req.requireUser()
        let code = req.parameters.get("code") ?? ""
        let b = try req.content.decode(LoanActionRequest.self)
        let loans = req.store.loans
        let actor = user.actor
        let ops: [String: StorageOperation] = ["approval": .loanDecide, "rejection": .loanDecide, "disbursement": .loanDisburse, "repayments": .loanRepay,
                                        "extensions": .loanExtend, "write-off": .loanWriteOff, "jobs": .loanRecordJobs,
                                        "repayment-reversal": .loanRepay, "disbursement-reversal": .loanDisburse]
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
        case "jobs": try await loans.recordJobs(actor, code, created: b.jobsCreated ?? -1, on: d)
        // A correction with no date is dated on the step it undoes.
        case "repayment-reversal":
            try await loans.reverseRepayment(actor, code, repayment: b.repayment ?? 0, on: try SupportAPIController().optionalDay(b.date, req), reason: b.reason ?? "")
        case "disbursement-reversal":
            try await loans.reverseDisbursement(actor, code, on: try SupportAPIController().optionalDay(b.date, req), reason: b.reason ?? "")
        default: throw Abort(.notFound)
        }
        let f = try await loans.file(actor, code)
        guard let standing = LoanStanding(f, asAt: nil, today: req.store.today) else { throw StorageError.notFound(.loan, code) }
        return LoanResource(standing, history: user.history, asAt: nil, detail: true)
    }

    // MARK: campaigns

    private func json(_ c: Campaign, _ user: CurrentUser, proposals: [Proposal]?) -> CampaignResource {
        CampaignResource(c, proposals: proposals, history: user.history)
    }

    func campaigns(req: Request) async throws -> [CampaignResource] {
        let user = try req.requireUser()
        return try await req.store.campaigns.campaigns(user.actor).map { json($0, user, proposals: nil) }
    }

    func campaign(req: Request) async throws -> CampaignResource {
        let user = try req.requireUser()
        let code = req.parameters.get("code") ?? ""
        let c = try await req.store.campaigns.campaign(user.actor, code)
        let proposals = try await req.store.campaigns.proposals(user.actor, code)
        return json(c, user, proposals: proposals)
    }

    struct ApproveRequest: Content { var unit: String; var date: String? }

    func approve(req: Request) async throws -> CampaignResource {
        let user = try req.requireUser()
        try user.require(.campaignApprove)
        let code = req.parameters.get("code") ?? ""
        let b = try req.content.decode(ApproveRequest.self)
        _ = try await req.store.campaigns.approve(user.actor, code, unit: b.unit, day: try SupportAPIController().optionalDay(b.date, req))
        return try await campaign(req: req)
    }
}
