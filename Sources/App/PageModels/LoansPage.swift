import Foundation
import PovertyCore
import Storage

/// The loans page: the branch's portfolio aged on a day, its loans and the application form.
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

extension LoansBody {
    /// How late a listed loan was, as its row says it: days, and its ageing group or "current";
    /// 0 and empty when the money was not out on the day.
    static func lateness(_ s: LoanStanding, text: PageText) -> (days: Int, bucket: String) {
        guard let p = s.position else { return (0, "") }
        return (p.daysOverdue, p.bucket.map { text.language == .vi ? $0.label : $0.labelEn } ?? text.t("loans.current"))
    }

    /// The application form's fields before anything is typed.
    static func applicationForm(today: Day) -> [String: String] {
        ["member": "", "household": "", "unit": "", "purpose": "", "amount": "", "term": "36", "every": "3", "workers": "1", "jobs": "1",
         "borrower": BorrowerKind.worker.rawValue, "contractCost": "", "contractMonths": "", "date": today.vietnamese]
    }

    /// The page: the ageing on `report.day`, the first 500 loans `listed` (as at that day when
    /// it was `asked` for), the state filter and the application form (`fields`, typed values kept).
    init(report: AgeingReport, files: [LoanFile], asked: Day?, stateFilter: LoanState?, fields: [String: String], units: [Option], mayChange: Bool,
         history: OrgHistory, today: Day, error: String?, downloads: (xlsx: String, csv: String), text: PageText) {
        let lang = text.language, day = report.day
        let rows = LoanStanding.listed(files, asAt: asked, today: today, state: stateFilter).prefix(500).map { s in
            let f = s.file, late = Self.lateness(s, text: text)
            return Row(code: f.code, member: f.memberName, household: f.householdCode ?? "", unit: unitName(f.unitID, history, today),
                       amount: text.money(f.amount), state: text.t("loan.state." + s.state.rawValue), stateCode: s.state.rawValue,
                       outstanding: text.money(s.outstanding), days: late.days, bucket: late.bucket)
        }
        self.init(
            day: day.vietnamese, active: text.number(report.activeLoans), outstanding: text.money(report.outstanding), current: text.number(report.current),
            buckets: report.buckets.map { Bucket(label: lang == .vi ? $0.bucket.label : $0.bucket.labelEn, loans: text.number($0.loans),
                                                 overdue: text.money($0.overdue), outstanding: text.money($0.outstanding)) },
            jobs: text.t("loans.jobs_summary", text.number(report.jobsCreated), text.number(report.jobsPlanned)),
            writtenOff: text.money(report.writtenOff), rows: Array(rows), hasRows: !rows.isEmpty,
            states: [Option(value: "", label: text.t("loans.all_states"), selected: stateFilter == nil)]
                + LoanState.allCases.map { Option(value: $0.rawValue, label: text.t("loan.state." + $0.rawValue), selected: $0 == stateFilter) },
            purposes: LoanRules.purposes.map { Option(value: $0.code, label: $0.label(english: lang == .en), selected: $0.code == fields["purpose"]) },
            units: units,
            borrowers: BorrowerKind.allCases.map { Option(value: $0.rawValue, label: text.t("loans.borrower." + $0.rawValue), selected: $0.rawValue == fields["borrower"]) },
            fields: fields, mayChange: mayChange, error: error, downloadXLSX: downloads.xlsx, downloadCSV: downloads.csv)
    }
}

/// One loan's file: its terms, schedule, payments, extensions and the forms of its next steps.
struct LoanBody: Encodable {
    struct Line: Encodable { let number: Int; let due: String; let principal: String; let paid: Bool; let late: Bool }
    struct Payment: Encodable { let id: Int; let day: String; let amount: String; let by: String }
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
    /// Rejected while applied, or approved and not yet paid out (Storage's rule).
    let mayReject: Bool
    let mayDisburse: Bool
    let mayService: Bool
    let mayWriteOff: Bool
    let mayRecordJobs: Bool
    /// A repayment recorded by mistake may be undone (disbursed, or repaid by it).
    let mayReverseRepayment: Bool
    /// A payout recorded by mistake may be undone before any repayment.
    let mayReverseDisbursement: Bool
    /// Each step's form: its defaults, or what was typed into it when it was refused.
    let approve: [String: String]
    let reject: [String: String]
    let disburse: [String: String]
    let repay: [String: String]
    let extend: [String: String]
    let writeOff: [String: String]
    let jobs: [String: String]
    let reverseRepayment: [String: String]
    let reverseDisbursement: [String: String]
    let error: String?
}

extension LoanBody {
    /// Each step's form, by the page's name for it: the action it posts and its fields before
    /// anything is typed (every step is dated today unless changed).
    static func stepForms(today: Day, text: PageText) -> [String: (action: String, defaults: [String: String])] {
        let steps: [String: (String, [String: String])] = [
            "approve": ("approve", ["note": text.t("loans.right_people")]), "reject": ("reject", ["note": ""]), "disburse": ("disburse", [:]),
            "repay": ("repay", ["amount": ""]), "extend": ("extend", ["months": "6", "reason": ""]), "writeOff": ("write_off", ["reason": ""]),
            "jobs": ("jobs", ["jobs": ""]), "reverseRepayment": ("reverse_repayment", ["reason": "", "date": ""]),
            "reverseDisbursement": ("reverse_disbursement", ["reason": "", "date": ""]),
        ]
        // Every step is dated today unless changed; a correction, on the day of what it undoes.
        return steps.mapValues { ($0.0, $0.1.merging(["date": today.vietnamese]) { own, _ in own }) }
    }

    /// A loan's file as of `today`: the schedule's instalments are paid in order by what was
    /// repaid, an unpaid one past its due day is late; each step is offered only in the state
    /// it belongs to and to a role that may take it at the loan's unit (`mayWriteOff` is
    /// Storage's own rule). `forms` are `stepForms`, as shown.
    init(file f: LoanFile, permissions may: Permissions, mayWriteOff: Bool, history: OrgHistory, today: Day,
         forms: [String: [String: String]], error: String?, text: PageText) {
        let lang = text.language
        let p = f.position(on: today)
        var covered = f.repaid
        let schedule = f.schedule.map { i -> Line in
            covered -= i.principal
            return Line(number: i.number, due: i.due.vietnamese, principal: text.money(i.principal), paid: covered >= 0, late: covered < 0 && i.due < today)
        }
        let out = f.state == .disbursed
        // A managing unit approves and pays out on a day it stands (`LoanBook.requireManagingUnit`):
        // the steps are offered while such a day can still follow the step before.
        let stands = { (since: Day) -> Bool in
            guard let u = history.units[f.unitID] else { return false }
            let first = max(since, u.from)  // the first day it may be taken
            return first <= today && (u.to.map { first < $0 } ?? true)
        }
        self.init(
            code: f.code, member: f.memberName, memberCode: f.memberCode, household: f.householdCode ?? "", unit: unitName(f.unitID, history, today),
            purpose: LoanRules.purposeLabel(f.purpose, english: text.language == .en) ?? f.purpose, amount: text.money(f.amount), term: f.termMonths, every: f.everyMonths,
            workers: f.workers, jobsPlanned: f.jobsPlanned, jobsCreated: f.jobsCreated.map(String.init) ?? "–", applied: f.appliedOn.vietnamese,
            state: text.t("loan.state." + f.state.rawValue), stateCode: f.state.rawValue,
            decision: [f.decidedOn?.vietnamese, f.decidedBy, f.decisionNote].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " · "),
            disbursed: f.disbursedOn?.vietnamese ?? "", closed: f.closedOn?.vietnamese ?? "", writtenOff: f.writtenOff > 0 ? ([text.money(f.writtenOff)] + [f.writeOffNote ?? ""].filter { !$0.isEmpty }).joined(separator: " · ") : "",
            repaid: text.money(f.repaid), outstanding: text.money(f.outstanding), overdue: text.money(out ? p.overdue : 0),
            daysOverdue: out ? p.daysOverdue : 0,
            bucket: out ? (p.bucket.map { lang == .vi ? $0.label : $0.labelEn } ?? text.t("loans.current")) : "",
            schedule: schedule, hasSchedule: !schedule.isEmpty,
            payments: f.payments.map { Payment(id: $0.id, day: $0.day.vietnamese, amount: text.money($0.amount), by: $0.enteredBy) },
            hasPayments: !f.payments.isEmpty,
            extensions: f.extensions.map { Extension(granted: $0.granted.vietnamese, months: $0.months, reason: $0.reason) },
            hasExtensions: !f.extensions.isEmpty,
            mayDecide: may.allows(.loanDecide, at: f.unitID) && f.state == .applied && stands(f.appliedOn),
            mayReject: may.allows(.loanDecide, at: f.unitID) && [.applied, .approved].contains(f.state),
            mayDisburse: may.allows(.loanDisburse, at: f.unitID) && f.state == .approved && stands(f.approvedOn ?? f.appliedOn),
            mayService: may.allows(.loanRepay, at: f.unitID) && out,
            mayWriteOff: mayWriteOff,
            mayRecordJobs: may.allows(.loanRecordJobs, at: f.unitID) && f.disbursedOn != nil,
            mayReverseRepayment: may.allows(.loanRepay, at: f.unitID) && [.disbursed, .repaid].contains(f.state) && !f.payments.isEmpty,
            mayReverseDisbursement: may.allows(.loanDisburse, at: f.unitID) && f.state == .disbursed && f.payments.isEmpty,
            approve: forms["approve"] ?? [:], reject: forms["reject"] ?? [:], disburse: forms["disburse"] ?? [:], repay: forms["repay"] ?? [:],
            extend: forms["extend"] ?? [:], writeOff: forms["writeOff"] ?? [:], jobs: forms["jobs"] ?? [:],
            reverseRepayment: forms["reverseRepayment"] ?? [:], reverseDisbursement: forms["reverseDisbursement"] ?? [:], error: error)
    }
}
