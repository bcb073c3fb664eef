import Foundation
import PovertyCore
import Storage
import Vapor

// One input per form action: what the action reads and nothing else, parsed into Storage's
// own values. A field left empty or wrong is a `FormRefusal` naming the field in the page's
// language; Storage then checks everything about the data itself.

/// Which button of a page's forms was pressed.
struct ActionField: Content { var action: String? }

/// A support record on a household's page.
struct SupportRecordInput: Content {
    var policy: String?, date: String?, value: String?, inKind: String?, source: String?, sourceName: String?, unit: String?, fund: String?

    func support(for household: String, _ req: Request) throws -> NewSupport {
        guard let source = SupportSource(rawValue: source ?? "") else { throw FormRefusal(message: req.t("form.required", req.t("support.source"))) }
        return NewSupport(household: household, policy: try req.formText(policy, "support.policy"), day: try req.formDay(date, "funds.date", default: req.store.today),
                          value: try req.formMoney(value, "support.value", allowZero: true), inKind: inKind ?? "", source: source,
                          sourceName: sourceName ?? "", unit: try req.formText(unit, "common.unit"), fund: source == .fund ? fund : nil)
    }
}

/// Cancelling a support record: the household (to go back to) and the reason.
struct SupportCancelInput: Content { var household: String?, reason: String? }

/// The fields every ledger entry has.
struct LedgerEntryInput: Content {
    var fund: String?, unit: String?, date: String?, amount: String?

    func parsed(_ req: Request) throws -> (fund: String, unit: String, day: Day, amount: Dong) {
        (try req.formText(fund, "funds.fund"), try req.formText(unit, "common.unit"), try req.formDay(date, "funds.date", default: req.store.today),
         try req.formMoney(amount, "funds.amount"))
    }
}

struct ContributionInput: Content { var contributor: String?, note: String? }
struct AllocationInput: Content { var toUnit: String?, note: String? }
struct DisbursementInput: Content { var household: String?, note: String? }
struct ReversalInput: Content { var date: String?, reason: String?, confirm: String? }

/// A loan application.
struct LoanApplicationInput: Content {
    var member: String?, household: String?, unit: String?, purpose: String?, workers: String?, jobs: String?, amount: String?
    var term: String?, every: String?, date: String?
    /// Who borrows (`BorrowerKind`), and for working abroad the contract's costs and months.
    var borrower: String?, contractCost: String?, contractMonths: String?

    func application(_ req: Request) throws -> LoanApplication {
        let household = (household ?? "").trimmingCharacters(in: .whitespaces)
        let kind = try (borrower ?? "").isEmpty ? nil : BorrowerKind(rawValue: borrower ?? "") ?? { throw FormRefusal(message: req.t("loans.bad_borrower")) }()
        let cost = (contractCost ?? "").trimmingCharacters(in: .whitespaces).isEmpty ? nil : try req.formMoney(contractCost, "loans.contract_cost")
        let months = (contractMonths ?? "").trimmingCharacters(in: .whitespaces).isEmpty ? nil : try req.formInt(contractMonths, "loans.contract_months", 1...600)
        return LoanApplication(member: try req.formText(member, "loans.member"), household: household.isEmpty ? nil : household,
                               unit: try req.formText(unit, "common.unit"), purpose: try req.formText(purpose, "loans.purpose"),
                               workers: try req.formInt(workers ?? "1", "loans.workers", 1...LoanBook.headcount.upperBound),
                               jobsPlanned: try req.formInt(jobs, "loans.jobs_planned", LoanBook.headcount),
                               amount: try req.formMoney(amount, "funds.amount"), termMonths: try req.formInt(term, "loans.term", 1...600),
                               everyMonths: try req.formInt(every ?? "3", "loans.every", 1...12),
                               appliedOn: try req.formDay(date, "loans.applied_on", default: req.store.today), borrower: kind,
                               contractCost: cost, contractMonths: months)
    }
}

/// One step of a loan's life, each with what it needs.
enum LoanStepInput {
    struct Decision: Content { var date: String?, note: String? }
    struct Disbursement: Content { var date: String? }
    struct Repayment: Content { var date: String?, amount: String? }
    struct Extension: Content { var date: String?, months: String?, reason: String? }
    struct WriteOff: Content { var date: String?, reason: String?, confirm: String? }
    struct Jobs: Content { var jobs: String?; var date: String? }
    /// Undoing a repayment (which one) or the payout, recorded by mistake.
    struct Reversal: Content { var date: String?, reason: String?, repayment: String?, confirm: String? }

    /// The rule each step is checked against before its form is read.
    static let operations: [String: StorageOperation] = [
        "approve": .loanDecide, "reject": .loanDecide, "disburse": .loanDisburse, "repay": .loanRepay,
        "extend": .loanExtend, "write_off": .loanWriteOff, "jobs": .loanRecordJobs,
        "reverse_repayment": .loanRepay, "reverse_disbursement": .loanDisburse,
    ]
}

/// A new campaign.
struct CampaignInput: Content {
    var kind: String?, name: String?, unit: String?, fund: String?, year: String?, from: String?, to: String?, budget: String?, gift: String?
    var nearPoor: String?

    func campaign(_ req: Request) throws -> NewCampaign {
        guard let kind = CampaignKind(rawValue: kind ?? "") else { throw FormRefusal(message: req.t("form.required", req.t("campaigns.kind"))) }
        let gift = (gift ?? "").trimmingCharacters(in: .whitespaces)
        return NewCampaign(kind: kind, name: try req.formText(name, "campaigns.name"), unit: try req.formText(unit, "common.unit"),
                           fund: try req.formText(fund, "funds.fund"), year: try req.formInt(year, "common.year", 2000...2100),
                           startsOn: try req.formDay(from, "funds.from"), endsOn: try req.formDay(to, "funds.to"), budget: try req.formMoney(budget, "campaigns.budget"),
                           giftValue: gift.isEmpty ? nil : try req.formMoney(gift, "campaigns.gift"),
                           statuses: nearPoor == "1" ? [.poor, .nearPoor] : [.poor])
    }
}

/// The steps of a campaign's list.
enum CampaignStepInput {
    struct Unit: Content { var unit: String?, date: String? }
    struct Household: Content { var household: String?, amount: String?, reason: String? }
}
