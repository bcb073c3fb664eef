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

    struct LoansBody: Encodable {
        struct Bucket: Encodable { let label: String; let loans: String; let overdue: String; let outstanding: String }
        struct Row: Encodable {
            let code: String; let member: String; let household: String; let unit: String; let amount: String; let state: String
            let stateCode: String; let outstanding: String; let days: Int; let bucket: String
        }
        let day: String
        let active: String
        let outstanding: String
        let current: String
        let buckets: [Bucket]
        let jobs: String
        let writtenOff: String
        let rows: [Row]
        let hasRows: Bool
        let states: [Option]
        let purposes: [Option]
        let units: [Option]
        let borrowers: [Option]
        /// The application form's fields: defaults, or what was typed when it was refused.
        let fields: [String: String]
        let mayChange: Bool
        let error: String?
        let downloadXLSX: String
        let downloadCSV: String
    }

    func loans(req: Request) async throws -> Response { try await renderLoans(req, error: nil) }

    func renderLoans(_ req: Request, error: String?) async throws -> Response {
        let user = try req.requireUser()
        let lang = req.language
        let day = req.query[String.self, at: "date"].flatMap { Day($0) } ?? req.store.today
        let stateFilter = req.query[String.self, at: "state"].flatMap(LoanState.init(rawValue:))
        let (report, _) = try await req.store.loans.ageing(user.actor, on: day)
        let files = try await req.store.loans.loans(user.actor, state: stateFilter)
        if let format = try ListDownload.format(req) {
            // Balances and arrears as they stood on the day asked for.
            var list = ListDownload(
                title: req.t("loans.download_title", day.vietnamese, user.history.name(of: user.account.unitID, on: req.store.today) ?? ""),
                fileStem: "khoan-vay-\(day.iso)",
                columns: [(req.t("loans.code"), 16), (req.t("loans.member"), 28), (req.t("common.household_code"), 14), (req.t("common.unit"), 36),
                          (req.t("funds.amount"), 16), (req.t("loans.state"), 16), (req.t("loans.outstanding"), 16),
                          (req.t("loans.days_overdue"), 12), (req.t("loans.group"), 20)])
            list.rows = files.map { f in
                let p = f.position(on: day)
                let open = f.state == .disbursed
                return [.text(f.code), .text(f.memberName), .text(f.householdCode ?? ""), .text(req.unitLabel(f.unitID, user)),
                        .money(f.amount), .text(req.t("loan.state." + f.state.rawValue)), .money(f.outstanding(on: day)),
                        .number(open ? p.daysOverdue : 0),
                        .text(open ? (p.bucket.map { lang == .vi ? $0.label : $0.labelEn } ?? req.t("loans.current")) : "")]
            }
            return try await list.response(req, format, what: "danh sách khoản vay ngày \(day.iso)", actor: user.actor)
        }
        let rows = files.prefix(500).map { f in
            let p = f.position(on: day)
            return LoansBody.Row(code: f.code, member: f.memberName, household: f.householdCode ?? "", unit: req.unitLabel(f.unitID, user),
                                 amount: Format.money(f.amount, lang), state: req.t("loan.state." + f.state.rawValue), stateCode: f.state.rawValue,
                                 outstanding: Format.money(f.outstanding, lang), days: f.state == .disbursed ? p.daysOverdue : 0,
                                 bucket: f.state == .disbursed ? (p.bucket.map { lang == .vi ? $0.label : $0.labelEn } ?? req.t("loans.current")) : "")
        }
        let fields = req.echo(["member": "", "household": "", "unit": "", "purpose": "", "amount": "", "term": "36", "every": "3",
                               "workers": "1", "jobs": "1", "borrower": "nguoi_lao_dong", "contractCost": "", "contractMonths": "",
                               "date": req.store.today.vietnamese], refused: error)
        let body = LoansBody(
            day: day.vietnamese, active: Format.number(report.activeLoans, lang), outstanding: Format.money(report.outstanding, lang),
            current: Format.number(report.current, lang),
            buckets: report.buckets.map { LoansBody.Bucket(label: lang == .vi ? $0.bucket.label : $0.bucket.labelEn, loans: Format.number($0.loans, lang),
                                                           overdue: Format.money($0.overdue, lang), outstanding: Format.money($0.outstanding, lang)) },
            jobs: req.t("loans.jobs_summary", Format.number(report.jobsCreated, lang), Format.number(report.jobsPlanned, lang)),
            writtenOff: Format.money(report.writtenOff, lang), rows: Array(rows), hasRows: !rows.isEmpty,
            states: [Option(value: "", label: req.t("loans.all_states"), selected: stateFilter == nil)]
                + LoanState.allCases.map { Option(value: $0.rawValue, label: req.t("loan.state." + $0.rawValue), selected: $0 == stateFilter) },
            purposes: LoanRules.purposes.map { Option(value: $0.code, label: $0.vi, selected: $0.code == fields["purpose"]) },
            units: try await req.formUnits(user, selected: fields["unit"].flatMap { $0.isEmpty ? nil : $0 }),
            borrowers: ["nguoi_lao_dong", "co_so_san_xuat", "di_lam_viec_nuoc_ngoai"].map {
                Option(value: $0, label: req.t("loans.borrower." + $0), selected: $0 == fields["borrower"])
            },
            fields: fields, mayChange: user.permissions.allows(.loanApply), error: error,
            downloadXLSX: ListDownload.links(req).xlsx, downloadCSV: ListDownload.links(req).csv)
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

    struct LoanBody: Encodable {
        struct Line: Encodable { let number: Int; let due: String; let principal: String; let paid: Bool; let late: Bool }
        struct Payment: Encodable { let day: String; let amount: String; let by: String }
        struct Extension: Encodable { let granted: String; let months: Int; let reason: String }
        let code: String
        let member: String
        let memberCode: String
        let household: String
        let unit: String
        let purpose: String
        let amount: String
        let term: Int
        let every: Int
        let workers: Int
        let jobsPlanned: Int
        let jobsCreated: String
        let applied: String
        let state: String
        let stateCode: String
        let decision: String
        let disbursed: String
        let closed: String
        let writtenOff: String
        let repaid: String
        let outstanding: String
        let overdue: String
        let daysOverdue: Int
        let bucket: String
        let schedule: [Line]
        let hasSchedule: Bool
        let payments: [Payment]
        let hasPayments: Bool
        let extensions: [Extension]
        let hasExtensions: Bool
        let mayDecide: Bool
        let mayDisburse: Bool
        let mayService: Bool
        let mayWriteOff: Bool
        let mayRecordJobs: Bool
        /// Each step's form: its defaults, or what was typed into it when it was refused.
        let approve: [String: String]
        let reject: [String: String]
        let disburse: [String: String]
        let repay: [String: String]
        let extend: [String: String]
        let writeOff: [String: String]
        let jobs: [String: String]
        let error: String?
    }

    func loan(req: Request) async throws -> Response { try await renderLoan(req, error: nil) }

    func renderLoan(_ req: Request, error: String?) async throws -> Response {
        let user = try req.requireUser()
        let lang = req.language
        let code = req.parameters.get("code") ?? ""
        let f = try await req.store.loans.file(user.actor, code)
        let today = req.store.today
        let p = f.position(on: today)
        var covered = f.repaid
        let schedule = f.schedule.map { i -> LoanBody.Line in
            covered -= i.principal
            return LoanBody.Line(number: i.number, due: i.due.vietnamese, principal: Format.money(i.principal, lang), paid: covered >= 0,
                                 late: covered < 0 && i.due < today)
        }
        let may = user.permissions
        func form(_ action: String, _ defaults: [String: String]) -> [String: String] {
            req.echo(defaults.merging(["date": today.vietnamese]) { own, _ in own }, refused: error, action: action)
        }
        let body = LoanBody(
            code: f.code, member: f.memberName, memberCode: f.memberCode, household: f.householdCode ?? "", unit: req.unitLabel(f.unitID, user),
            purpose: LoanRules.purposeLabel(f.purpose) ?? f.purpose, amount: Format.money(f.amount, lang), term: f.termMonths, every: f.everyMonths,
            workers: f.workers, jobsPlanned: f.jobsPlanned, jobsCreated: f.jobsCreated.map(String.init) ?? "–", applied: f.appliedOn.vietnamese,
            state: req.t("loan.state." + f.state.rawValue), stateCode: f.state.rawValue,
            decision: [f.decidedOn?.vietnamese, f.decidedBy, f.decisionNote].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " · "),
            disbursed: f.disbursedOn?.vietnamese ?? "", closed: f.closedOn?.vietnamese ?? "", writtenOff: f.writtenOff > 0 ? Format.money(f.writtenOff, lang) : "",
            repaid: Format.money(f.repaid, lang), outstanding: Format.money(f.outstanding, lang), overdue: Format.money(f.state == .disbursed ? p.overdue : 0, lang),
            daysOverdue: f.state == .disbursed ? p.daysOverdue : 0,
            bucket: f.state == .disbursed ? (p.bucket.map { lang == .vi ? $0.label : $0.labelEn } ?? req.t("loans.current")) : "",
            schedule: schedule, hasSchedule: !schedule.isEmpty,
            payments: f.payments.map { LoanBody.Payment(day: $0.day.vietnamese, amount: Format.money($0.amount, lang), by: $0.enteredBy) },
            hasPayments: !f.payments.isEmpty,
            extensions: f.extensions.map { LoanBody.Extension(granted: $0.granted.vietnamese, months: $0.months, reason: $0.reason) },
            hasExtensions: !f.extensions.isEmpty,
            mayDecide: may.allows(.loanDecide, at: f.unitID) && f.state == .applied,
            mayDisburse: may.allows(.loanDisburse, at: f.unitID) && f.state == .approved,
            mayService: may.allows(.loanRepay, at: f.unitID) && f.state == .disbursed,
            mayWriteOff: req.store.loans.mayWriteOff(user.actor, f),
            mayRecordJobs: may.allows(.loanRecordJobs, at: f.unitID) && f.disbursedOn != nil,
            approve: form("approve", ["note": req.t("loans.right_people")]), reject: form("reject", ["note": ""]), disburse: form("disburse", [:]),
            repay: form("repay", ["amount": ""]), extend: form("extend", ["months": "6", "reason": ""]), writeOff: form("write_off", ["reason": ""]),
            jobs: form("jobs", ["jobs": ""]), error: error)
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
        return try await req.change(redirect: "/loans/\(req.encodePath(code))", notice: "loan_changed", render: { try await renderLoan(req, error: $0) }) {
            switch action {
            case "approve", "reject":
                let input = try req.content.decode(LoanStepInput.Decision.self)
                let day = try req.formDay(input.date, default: today)
                if action == "approve" { try await loans.approve(actor, code, on: day, note: input.note ?? "") }
                else { try await loans.reject(actor, code, on: day, note: try req.formText(input.note, "form.reason")) }
            case "disburse":
                try await loans.disburse(actor, code, on: try req.formDay(try req.content.decode(LoanStepInput.Disbursement.self).date, default: today))
            case "repay":
                let input = try req.content.decode(LoanStepInput.Repayment.self)
                try await loans.repay(actor, code, on: try req.formDay(input.date, default: today), amount: try req.formMoney(input.amount, "funds.amount"))
            case "extend":
                let input = try req.content.decode(LoanStepInput.Extension.self)
                try await loans.extend(actor, code, granted: try req.formDay(input.date, default: today),
                                       months: try req.formInt(input.months, "loans.months", 1...600), reason: try req.formText(input.reason, "form.reason"))
            case "write_off":
                let input = try req.content.decode(LoanStepInput.WriteOff.self)
                guard input.confirm == "1" else { throw FormRefusal(message: req.t("form.confirm_required")) }
                try await loans.writeOff(actor, code, on: try req.formDay(input.date, default: today), reason: try req.formText(input.reason, "form.reason"))
            default:
                let input = try req.content.decode(LoanStepInput.Jobs.self)
                try await loans.recordJobs(actor, code, created: try req.formInt(input.jobs, "loans.jobs_created", 0...1000))
            }
        }
    }
}
