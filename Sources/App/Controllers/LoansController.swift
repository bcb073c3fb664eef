import Foundation
import PovertyCore
import Storage
import Vapor

/// National Employment Fund loans: the portfolio with its ageing, one loan's file and its steps.
struct LoansController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("loans", use: loans)
        routes.post("loans", use: applyLoan)
        routes.get("loans", ":code", use: loan)
        routes.post("loans", ":code", use: loanAction)
    }

    func loans(req: Request) async throws -> Response { try await renderLoans(req, error: nil) }

    func renderLoans(_ req: Request, error: String?) async throws -> Response {
        let user = try req.requireUser()
        let text = req.pageText
        let asked = try req.queryDay("date")
        let day = asked ?? req.store.today
        let stateFilter = req.query[String.self, at: "state"].flatMap(LoanState.init(rawValue:))
        // Every loan of the branch, read once: which are listed, and in which state, is decided as at the day asked for.
        let (report, files) = try await req.store.loans.portfolio(user.actor, on: day)
        if let format = try ListDownload.format(req) {
            // Balances and arrears as they stood on the day asked for, as on the page.
            var list = ListDownload(
                title: req.t("loans.download_title", day.vietnamese, user.history.name(of: user.account.unitID, on: req.store.today) ?? ""),
                fileStem: "khoan-vay-\(day.iso)",
                columns: [(req.t("loans.code"), 16), (req.t("loans.member"), 28), (req.t("common.household_code"), 14), (req.t("common.unit"), 36),
                          (req.t("funds.amount"), 16), (req.t("loans.state"), 16), (req.t("loans.outstanding"), 16),
                          (req.t("loans.days_overdue"), 12), (req.t("loans.group"), 20)])
            list.sheet = req.t("loans.sheet_name", day.iso)
            list.rows = LoanStanding.listed(files, asAt: asked, today: req.store.today, state: stateFilter).map { s in
                let f = s.file, late = LoansBody.lateness(s, text: text)
                return [.text(f.code), .text(f.memberName), .text(f.householdCode ?? ""), .text(req.unitLabel(f.unitID, user)),
                        .money(f.amount), .text(text.t("loan.state." + s.state.rawValue)), .money(s.outstanding),
                        .number(late.days), .text(late.bucket)]
            }
            return try await list.response(req, format, what: "danh sách khoản vay ngày \(day.iso)", actor: user.actor)
        }
        let fields = req.echo(LoansBody.applicationForm(today: req.store.today), refused: error)
        let body = LoansBody(report: report, files: files, asked: asked, stateFilter: stateFilter, fields: fields,
                             units: try await req.formUnits(user, selected: fields["unit"].flatMap { $0.isEmpty ? nil : $0 }),
                             mayChange: user.permissions.allows(.loanApply), history: user.history, today: req.store.today, error: error,
                             downloads: ListDownload.links(req), text: text)
        return try await req.page("loans", title: req.t("loans.title"), active: "loans", status: error == nil ? .ok : .badRequest, body)
    }

    func applyLoan(req: Request) async throws -> Response {
        let user = try req.requireUser()
        try user.require(.loanApply)
        let input = try req.content.decode(LoanApplicationInput.self)
        var code = ""
        let response = try await req.change(redirect: "/loans", notice: "loan_applied", render: { try await renderLoans(req, error: $0) }) {
            code = try await req.store.loans.apply(user.actor, try input.application(req))
        }
        if response.status == .seeOther { return req.redirect(to: "/loans/\(req.encodePath(code))?notice=loan_applied", redirectType: .normal) }
        return response
    }

    func loan(req: Request) async throws -> Response { try await renderLoan(req, error: nil) }

    func renderLoan(_ req: Request, error: String?) async throws -> Response {
        let user = try req.requireUser()
        let f = try await req.store.loans.file(user.actor, req.parameters.get("code") ?? "")
        let today = req.store.today
        let text = req.pageText
        let forms = LoanBody.stepForms(today: today, text: text).mapValues { req.echo($0.defaults, refused: error, action: $0.action) }
        let body = LoanBody(file: f, permissions: user.permissions, mayWriteOff: req.store.loans.mayWriteOff(user.actor, f),
                            history: user.history, today: today, forms: forms, error: error, text: text)
        return try await req.page("loan", title: req.t("loan.title", f.code), active: "loans", status: error == nil ? .ok : .badRequest, body)
    }

    /// One step of the loan's life; the step's own input, parsed before Storage checks the rest.
    func loanAction(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let code = req.parameters.get("code") ?? ""
        let action = try req.content.decode(ActionField.self).action ?? ""
        guard let operation = LoanStepInput.operations[action] else { throw Abort(.badRequest) }
        try user.require(operation)
        let loans = req.store.loans, actor = user.actor, today = req.store.today
        return try await req.change(redirect: "/loans/\(req.encodePath(code))", notice: "loan_changed", subject: .loan, render: { try await renderLoan(req, error: $0) }) {
            switch action {
            case "approve", "reject":
                let input = try req.content.decode(LoanStepInput.Decision.self)
                let day = try req.formDay(input.date, "funds.date", default: today)
                if action == "approve" { try await loans.approve(actor, code, on: day, note: input.note ?? "") }
                else { try await loans.reject(actor, code, on: day, note: try req.formText(input.note, "form.reason")) }
            case "disburse":
                try await loans.disburse(actor, code, on: try req.formDay(try req.content.decode(LoanStepInput.Disbursement.self).date, "loans.disbursed_on", default: today))
            case "repay":
                let input = try req.content.decode(LoanStepInput.Repayment.self)
                try await loans.repay(actor, code, on: try req.formDay(input.date, "funds.date", default: today), amount: try req.formMoney(input.amount, "funds.amount"))
            case "extend":
                let input = try req.content.decode(LoanStepInput.Extension.self)
                try await loans.extend(actor, code, granted: try req.formDay(input.date, "funds.date", default: today),
                                       months: try req.formInt(input.months, "loans.months", 1...600), reason: try req.formText(input.reason, "form.reason"))
            case "write_off":
                let input = try req.content.decode(LoanStepInput.WriteOff.self)
                guard input.confirm == "1" else { throw FormRefusal(message: req.t("form.confirm_required")) }
                try await loans.writeOff(actor, code, on: try req.formDay(input.date, "funds.date", default: today), reason: try req.formText(input.reason, "form.reason"))
            case "reverse_repayment", "reverse_disbursement":
                let input = try req.content.decode(LoanStepInput.Reversal.self)
                guard input.confirm == "1" else { throw FormRefusal(message: req.t("form.confirm_required")) }
                // No day: the step's own (the ledger then reads as if it had never been recorded).
                let day = try req.formOptionalDay(input.date, "loans.undo_date"), reason = try req.formText(input.reason, "form.reason")
                if action == "reverse_disbursement" { try await loans.reverseDisbursement(actor, code, on: day, reason: reason) }
                else { try await loans.reverseRepayment(actor, code, repayment: try req.formInt(input.repayment, "loans.which_repayment", 1...Int.max), on: day, reason: reason) }
            default:
                let input = try req.content.decode(LoanStepInput.Jobs.self)
                try await loans.recordJobs(actor, code, created: try req.formInt(input.jobs, "loans.jobs_created", LoanBook.headcount),
                                           on: try req.formDay(input.date, "loans.jobs_counted_on", default: today))
            }
        }
    }
}
