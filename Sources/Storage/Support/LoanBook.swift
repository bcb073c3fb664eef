import FluentKit
import Foundation
import PovertyCore
import Texts
import SQLKit

/// Where a National Employment Fund loan stands.
public enum LoanState: String, Sendable, Codable, CaseIterable {
    case applied, approved, rejected, disbursed, repaid, writtenOff = "written_off"

    public var vietnamese: String {
        switch self {
        case .applied: "Đã nộp hồ sơ"
        case .approved: "Đã phê duyệt"
        case .rejected: "Không phê duyệt"
        case .disbursed: "Đang vay"
        case .repaid: "Đã trả hết"
        case .writtenOff: "Đã xoá nợ"
        }
    }
}

/// A loan application as an officer enters it.
public struct LoanApplication: Sendable, Hashable {
    public var member: String
    public var household: String?
    /// The unit that manages the loan (its share of the fund's capital lends it).
    public var unit: String
    public var purpose: String
    public var workers: Int
    public var jobsPlanned: Int
    public var amount: Dong
    public var termMonths: Int
    public var everyMonths: Int
    public var appliedOn: Day
    public var borrower: BorrowerKind
    /// Working abroad: the contract's costs and length in months.
    public var contractCost: Dong?
    public var contractMonths: Int?

    public init(member: String, household: String? = nil, unit: String, purpose: String, workers: Int = 1, jobsPlanned: Int,
                amount: Dong, termMonths: Int, everyMonths: Int = 3, appliedOn: Day, borrower: BorrowerKind? = nil,
                contractCost: Dong? = nil, contractMonths: Int? = nil) {
        self.member = member; self.household = household; self.unit = unit; self.purpose = purpose; self.workers = workers
        self.jobsPlanned = jobsPlanned; self.amount = amount; self.termMonths = termMonths; self.everyMonths = everyMonths; self.appliedOn = appliedOn
        // Without a kind given, a loan for working abroad is that scheme's, any other a worker's.
        self.borrower = borrower ?? (purpose == BorrowerKind.abroadPurpose ? .abroad : .worker)
        self.contractCost = contractCost; self.contractMonths = contractMonths
    }
}

/// A loan refused by the rules in force on its application day; the message lists every reason.
public struct LoanRefused: Refusal, Sendable {
    public let reasons: [LoanIneligibility]

    /// "not eligible: " and every reason.
    public var message: Message {
        let list = { (lang: Language) in reasons.map { $0.message.text(lang) }.joined(separator: "; ") }
        return Message("refusal.loan.not_eligible", .both(vi: list(.vi), en: list(.en)))
    }
}

/// One loan with its schedule, repayments and extensions.
public struct LoanFile: Sendable, Hashable {
    public struct Payment: Sendable, Hashable {
        public let id: Int
        public let day: Day
        public let amount: Dong
        public let enteredBy: String
    }
    public struct Extension: Sendable, Hashable {
        public let granted: Day
        public let months: Int
        public let reason: String
    }
    /// The jobs it created, as counted on a day.
    public struct JobCount: Sendable, Hashable {
        public let day: Day
        public let jobs: Int
    }
    public let id: Int
    public let code: String
    public let borrower: BorrowerKind
    public let contractCost: Dong?
    public let contractMonths: Int?
    public let memberCode: String
    public let memberName: String
    public let householdCode: String?
    public let unitID: Int
    public let purpose: String
    public let workers: Int
    public let jobsPlanned: Int
    public let jobsCreated: Int?
    public let amount: Dong
    public let termMonths: Int
    public let everyMonths: Int
    public let appliedOn: Day
    public let state: LoanState
    public let decidedOn: Day?
    /// The day it was approved (kept when a rejection follows).
    public let approvedOn: Day?
    public let decidedBy: String?
    public let decisionNote: String?
    public let disbursedOn: Day?
    public let closedOn: Day?
    public let writtenOff: Dong
    /// Why it was written off (the decision's note is kept apart).
    public let writeOffNote: String?
    public let payments: [Payment]
    public let extensions: [Extension]
    /// Every count of the jobs it created, by day (`jobsCreated` is the latest).
    public let jobCounts: [JobCount]

    /// The jobs it had created as last counted by the end of `day` (nil: not counted yet).
    public func jobsCreated(by day: Day) -> Int? { jobCounts.last { $0.day <= day }?.jobs }

    /// The repayment schedule today (empty until the money is out).
    public var schedule: [Instalment] { schedule(asOf: .latest) }

    /// The schedule as it stood at the end of `day`: only the extensions granted by then.
    public func schedule(asOf day: Day) -> [Instalment] {
        guard let disbursedOn, disbursedOn <= day else { return [] }
        return LoanSchedule.make(amount: amount, disbursed: disbursedOn, termMonths: termMonths, everyMonths: everyMonths,
                                 extensions: extensions.filter { $0.granted <= day }.map { LoanExtension(granted: $0.granted, months: $0.months) })
    }

    /// What is owed, due and overdue on a day, from what had happened by then (the money out,
    /// repayments and extensions up to that day).
    public func position(on day: Day) -> LoanPosition {
        LoanPosition.position(amount: isOut(on: day) ? amount : 0, schedule: schedule(asOf: day),
                              repayments: payments.map { Repayment(day: $0.day, amount: $0.amount) }, on: day)
    }

    /// The loan's state at the end of `day`, from the days its steps were taken (nil before it
    /// was applied for): what a list "as at" that day shows and filters by. Steps are dated in
    /// order (each operation refuses a day before the previous step's).
    public func state(on day: Day) -> LoanState? {
        guard appliedOn <= day else { return nil }
        if let closedOn, closedOn <= day { return state }
        if let disbursedOn, disbursedOn <= day { return .disbursed }
        if state == .rejected, let decidedOn, decidedOn <= day { return .rejected }
        if let approvedOn, approvedOn <= day { return .approved }
        return .applied
    }

    /// Whether the money was out at the end of `day`: disbursed by then and not yet repaid in
    /// full or written off.
    public func isOut(on day: Day) -> Bool {
        guard let disbursedOn, disbursedOn <= day else { return false }
        return closedOn.map { $0 > day } ?? true
    }

    /// Still owed at the end of `day`.
    public func outstanding(on day: Day) -> Dong {
        isOut(on: day) ? amount - payments.lazy.filter { $0.day <= day }.reduce(0) { $0 + $1.amount } : 0
    }

    /// Written off by the end of `day`.
    public func writtenOff(by day: Day) -> Dong { state == .writtenOff && (closedOn.map { $0 <= day } ?? false) ? writtenOff : 0 }

    public var repaid: Dong { payments.reduce(0) { $0 + $1.amount } }
    public var outstanding: Dong { state == .disbursed ? amount - repaid : 0 }
}

/// A loan as a list shows it. As at a day asked for: its state then, what was still owed at
/// the end of that day and, when the money was out, how late it was, from what had happened by
/// then (`state(on:)`, `position(on:)`). Without a day: as the book stands (steps dated ahead
/// included), late as of today. The loans page, its download, the API and the command line
/// all list loans by it.
public struct LoanStanding: Sendable, Hashable {
    public let file: LoanFile
    public let state: LoanState
    public let outstanding: Dong
    /// Overdue, how late and its ageing group, when the money was out on the day; nil otherwise.
    public let position: LoanPosition?

    /// nil for a loan not yet applied for on the day asked for.
    public init?(_ f: LoanFile, asAt asked: Day?, today: Day) {
        file = f
        if let asked {
            guard let state = f.state(on: asked) else { return nil }
            self.state = state
            outstanding = f.outstanding(on: asked)
        } else {
            state = f.state
            outstanding = f.outstanding
        }
        let day = asked ?? today
        position = state == .disbursed && f.isOut(on: day) ? f.position(on: day) : nil
    }

    /// The loans listed as at the day asked for (those applied for by then) or as the book
    /// stands, in `state` then when one is asked for.
    public static func listed(_ files: [LoanFile], asAt asked: Day?, today: Day, state: LoanState?) -> [LoanStanding] {
        files.compactMap { LoanStanding($0, asAt: asked, today: today) }.filter { s in state.map { $0 == s.state } ?? true }
    }
}

/// A loan in a list, with its position on the day asked.
public struct LoanLine: Sendable, Hashable {
    public let file: LoanFile
    public let position: LoanPosition
}

/// The loans of a branch aged on a day.
public struct AgeingReport: Sendable, Hashable {
    public struct Bucket: Sendable, Hashable {
        public let bucket: AgeingBucket
        public var loans = 0
        public var overdue: Dong = 0
        public var outstanding: Dong = 0
    }
    public let day: Day
    public var activeLoans = 0
    public var outstanding: Dong = 0
    public var current = 0
    public var buckets: [Bucket] = AgeingBucket.allCases.map { Bucket(bucket: $0) }
    public var jobsPlanned = 0
    /// Jobs created by the loans disbursed by `day`, as last counted by that day.
    public var jobsCreated = 0
    public var writtenOff: Dong = 0
}

/// National Employment Fund loans managed by the union: application, eligibility by the
/// dated rules (`LoanRules`), approval, disbursement out of the managing unit's capital,
/// repayments back into it (lent again), extensions, write-off and jobs created.
public struct LoanBook: Sendable {
    let store: Store
    public let rules: LoanRules

    static let fundCode = "nef"

    /// Files an application after checking it against the rules of its day; returns the loan's code.
    public func apply(_ actor: Actor, _ a: LoanApplication) async throws -> String {
        try actor.require(.loanApply)
        return try await store.writeTransaction { db in
            let unitID = try await db.unitID(code: a.unit)
            try actor.scope.require(unitID, .unit, a.unit)
            try requireNotAhead(a.appliedOn)
            try await db.requireStanding(unitID, a.unit, on: a.appliedOn)
            let member = try await db.member(code: a.member)
            // A member of another branch is not this officer's to lend to (nor to look up).
            if !actor.scope.isWholeProvince {
                try actor.scope.require(try await MemberRegistry.homeUnit(of: member.id, on: db), .member, a.member)
            }
            var householdID: Int?
            if let code = a.household, !code.isEmpty {
                let h = try await db.household(code: code)
                try actor.scope.require(h.unitID, .household, code)
                householdID = h.id
            }
            // The managing unit lends to its own members (of it or a unit below it on the day),
            // and the household the loan serves is the borrower's: one they live in, or lived in
            // on the day they applied (its support record counts for that household).
            if let home = try await store.members.unit(ofMember: member.id, on: a.appliedOn, db: db),
               !Scope.predecessorsIncluded(of: unitID, in: actor.history, on: a.appliedOn).contains(home) {
                throw StorageError.invalid(Message("refusal.loan.member_not_under_unit", .text(a.member), .text(a.unit), .day(a.appliedOn)))
            }
            if let householdID, try await db.raw("""
                SELECT 1 FROM household_members WHERE member_id = \(bind: member.id) AND household_id = \(bind: householdID)
                  AND (unlinked_on IS NULL OR (unlinked_on > \(bind: a.appliedOn.iso) AND (linked_on IS NULL OR linked_on <= \(bind: a.appliedOn.iso))))
                """).first() == nil {
                throw StorageError.invalid(Message("refusal.loan.household_not_members", .text(a.household ?? ""), .text(a.member)))
            }
            guard a.everyMonths >= 1, a.everyMonths <= 12 else {
                throw StorageError.invalid(Message("refusal.loan.repayments_must_fall_every"))
            }
            guard LoanBook.headcount.contains(a.jobsPlanned) else { throw StorageError.invalid(Message("refusal.invalid_jobs")) }
            guard (1...LoanBook.headcount.upperBound).contains(a.workers) else { throw StorageError.invalid(Message("refusal.loan.invalid_workers")) }
            try await check(Terms(amount: a.amount, term: a.termMonths, purpose: a.purpose, workers: a.workers, borrower: a.borrower,
                                  contractCost: a.contractCost, contractMonths: a.contractMonths), memberID: member.id, on: a.appliedOn, db: db)
            let row = try await db.raw("""
                INSERT INTO loans (code, member_id, household_id, unit_id, purpose, workers, jobs_planned, amount, term_months, every_months,
                                   applied_on, state, entered_by, entered_at, borrower_kind, contract_cost, contract_months)
                VALUES (\(bind: "moi-" + UUID().uuidString), \(bind: member.id), \(bind: householdID), \(bind: unitID), \(bind: a.purpose),
                        \(bind: a.workers), \(bind: a.jobsPlanned), \(bind: a.amount), \(bind: a.termMonths), \(bind: a.everyMonths),
                        \(bind: a.appliedOn.iso), 'applied', \(bind: actor.name), \(bind: store.now()), \(bind: a.borrower.rawValue),
                        \(bind: a.contractCost), \(bind: a.contractMonths))
                RETURNING id
                """).first()
            guard let id = try row?.int("id") else { throw StorageError.corrupt("loans: no id returned") }
            let code = "VV\(a.appliedOn.year)-\(String(format: "%05d", id))"
            try await db.raw("UPDATE loans SET code = \(bind: code) WHERE id = \(bind: id)").run()
            try await store.audit.record("vay_nop_ho_so", entity: "loan", id: id,
                                         detail: "\(code) \(a.member) \(Money.format(a.amount)) đ \(a.termMonths) tháng, \(a.purpose)", by: actor, on: db)
            return code
        }
    }

    /// The rules of `day`: good standing (a member of a unit that day), purpose, amount per
    /// worker and term.
    /// What the rules weigh of an application.
    struct Terms {
        let amount: Dong, term: Int, purpose: String, workers: Int, borrower: BorrowerKind, contractCost: Dong?, contractMonths: Int?
    }

    /// The rules of the application's day: union standing and working age from the registry
    /// (the member's birth date, when known), the limits by kind of borrower.
    private func check(_ t: Terms, memberID: Int, on day: Day, db: any SQLDatabase) async throws {
        let standing = try await store.members.unit(ofMember: memberID, on: day, db: db) != nil
        let born = try await db.raw("SELECT birth_date FROM members WHERE id = \(bind: memberID)").first()?.optionalDay("birth_date")
        let age = born.map { b in day.year - b.year - ((day.month, day.day) < (b.month, b.day) ? 1 : 0) }
        let request = LoanRequest(amount: t.amount, termMonths: t.term, purpose: t.purpose, appliedOn: day, workers: max(1, t.workers),
                                  memberInGoodStanding: standing, borrower: t.borrower, age: age,
                                  contractCost: t.contractCost, contractMonths: t.contractMonths)
        let reasons = rules.check(request)
        if !reasons.isEmpty { throw LoanRefused(reasons: reasons) }
    }

    /// A change to one loan of the actor's branch: one transaction, the loan locked and read
    /// afresh in it; a loan of another branch is not found.
    private func changing<T: Sendable>(_ actor: Actor, _ code: String,
                                       _ body: @escaping @Sendable (LoanFile, any SQLDatabase) async throws -> T) async throws -> T {
        try await store.writeTransaction { db in
            try await lock(code, db: db)
            let loan = try await file(code, db: db)
            try actor.scope.require(loan.unitID, .loan, code)
            return try await body(loan, db)
        }
    }

    /// Approves an application: the rules again, and the managing unit's capital must cover it.
    public func approve(_ actor: Actor, _ code: String, on day: Day, note: String = "") async throws {
        try actor.require(.loanDecide)
        try requireText(note, "ghi chú", "note", .note)
        try await changing(actor, code) { loan, db in
            guard loan.state == .applied else { throw badState(loan, "approve") }
            try await requireManagingUnit(loan, on: day, db: db)
            let member = try await db.member(code: loan.memberCode)
            try await check(Terms(amount: loan.amount, term: loan.termMonths, purpose: loan.purpose, workers: loan.workers, borrower: loan.borrower,
                                  contractCost: loan.contractCost, contractMonths: loan.contractMonths), memberID: member.id, on: loan.appliedOn, db: db)
            // The capital is spoken for by loans approved and not yet paid out: two approvals
            // do not both count on the same money (the second would fail at disbursement).
            // The unit's capital row is read locked (PostgreSQL), so approvals and payouts of
            // one unit queue and each sees the others' (SQLite writes one at a time anyway).
            let pool = try await poolBalance(unitID: loan.unitID, db: db, locked: true)
            let committed = try await db.raw("""
                SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) AS n FROM loans WHERE unit_id = \(bind: loan.unitID) AND state = 'approved'
                """).first()?.int("n") ?? 0
            guard pool >= loan.amount else {
                throw StorageError.invalid(Message("refusal.loan.capital_short", .money(pool), .money(loan.amount)))
            }
            guard pool - committed >= loan.amount else {
                throw StorageError.invalid(Message("refusal.loan.capital_committed", .money(pool), .money(committed), .money(loan.amount)))
            }
            try await decide(loan, state: .approved, on: day, note: note, actor: actor, db: db)
        }
    }

    public func reject(_ actor: Actor, _ code: String, on day: Day, note: String) async throws {
        try actor.require(.loanDecide)
        try requireText(note, "ghi chú", "note", .note)
        guard !note.trimmingCharacters(in: .whitespaces).isEmpty else { throw StorageError.invalid(Message("refusal.reason_required")) }
        try await changing(actor, code) { loan, db in
            guard loan.state == .applied || loan.state == .approved else { throw badState(loan, "reject") }
            try await decide(loan, state: .rejected, on: day, note: note, actor: actor, db: db)
        }
    }

    private func decide(_ loan: LoanFile, state: LoanState, on day: Day, note: String, actor: Actor, db: any SQLDatabase) async throws {
        // A loan's steps are dated in order, so its state on any day can be read back (`LoanFile.state(on:)`).
        guard day >= loan.appliedOn, loan.decidedOn.map({ day >= $0 }) ?? true else {
            throw StorageError.invalid(Message("refusal.loan.step_before_previous", .day(day), .day(loan.decidedOn ?? loan.appliedOn)))
        }
        try requireNotAhead(day)
        try await db.raw("""
            UPDATE loans SET state = \(bind: state.rawValue), decided_on = \(bind: day.iso), decided_by = \(bind: actor.name), decision_note = \(bind: note),
                approved_on = \(bind: state == .approved ? day.iso : loan.approvedOn?.iso)
            WHERE id = \(bind: loan.id)
            """).run()
        try await store.audit.record(state == .approved ? "vay_phe_duyet" : "vay_tu_choi", entity: "loan", id: loan.id,
                                     detail: "\(loan.code) \(day.iso) \(note)", by: actor, on: db)
    }

    /// A loan is approved and paid out by a managing unit that stands on the day: one that has
    /// ended hands its capital on to what it became, where the application is made again
    /// (repayments of loans already out still come back to it).
    private func requireManagingUnit(_ loan: LoanFile, on day: Day, db: any SQLDatabase) async throws {
        guard try await db.stands(loan.unitID, on: day) else {
            throw StorageError.invalid(Message("refusal.loan.unit_ended", .text(try await db.unitCode(id: loan.unitID)), .day(day)))
        }
    }

    /// Pays an approved loan out of the managing unit's capital (refused if it is short).
    public func disburse(_ actor: Actor, _ code: String, on day: Day) async throws {
        try actor.require(.loanDisburse)
        try await changing(actor, code) { loan, db in
            guard loan.state == .approved else { throw badState(loan, "disburse") }
            guard day >= loan.appliedOn else { throw StorageError.invalid(Message("refusal.loan.disbursed_before_applying")) }
            if let approved = loan.approvedOn, day < approved {
                throw StorageError.invalid(Message("refusal.loan.step_before_previous", .day(day), .day(approved)))
            }
            try requireNotAhead(day)
            try await requireManagingUnit(loan, on: day, db: db)
            let fund = try await db.fund(code: Self.fundCode)
            var householdID: Int?
            if let code = loan.householdCode { householdID = try await db.household(code: code).id }
            _ = try await store.funds.post(db, fund: fund, unitID: loan.unitID, day: day, kind: .loanOut, amount: -loan.amount,
                                           householdID: householdID, loanID: loan.id, note: "giải ngân \(loan.code)", actor: actor)
            try await db.raw("UPDATE loans SET state = 'disbursed', disbursed_on = \(bind: day.iso) WHERE id = \(bind: loan.id)").run()
            // The household's support record (it addresses the employment deprivation); the
            // money's entry is the loan's, so cancelling the record does not touch the ledger.
            if let householdID {
                try await db.raw("""
                    INSERT INTO support (household_id, policy_code, day, year, value, in_kind, source_kind, source_name, unit_id,
                                         entered_by, entered_at)
                    VALUES (\(bind: householdID), 'vay_quy_viec_lam', \(bind: day.iso), \(bind: day.year), \(bind: loan.amount), '',
                            'state', \(bind: Self.supportSource(loan.code)), \(bind: loan.unitID), \(bind: actor.name), \(bind: store.now()))
                    """).run()
                try await SupportRollups.support(db, unitID: loan.unitID, year: day.year, policy: "vay_quy_viec_lam", householdID: householdID,
                                                 value: loan.amount, sign: 1)
            }
            try await SupportRollups.loan(db, unitID: loan.unitID, year: day.year, disbursed: 1, amount: loan.amount)
            // The household's file shows the support it got, as a record entered by hand does.
            if let householdID {
                try await store.audit.record("ho_tro", entity: "household", id: householdID,
                                             detail: "vay_quy_viec_lam \(day.iso) \(Money.format(loan.amount)) đ (state: khoản vay \(loan.code))", by: actor, on: db)
            }
            try await store.audit.record("vay_giai_ngan", entity: "loan", id: loan.id, detail: "\(loan.code) \(day.iso) \(Money.format(loan.amount)) đ",
                                         by: actor, on: db)
        }
    }

    /// A repayment of principal: it goes back into the managing unit's capital, to be lent
    /// again. The last one closes the loan.
    public func repay(_ actor: Actor, _ code: String, on day: Day, amount: Dong) async throws {
        try actor.require(.loanRepay)
        try requirePositive(amount)
        try await changing(actor, code) { loan, db in
            guard loan.state == .disbursed, let disbursed = loan.disbursedOn else { throw badState(loan, "repay") }
            guard day >= disbursed else { throw StorageError.invalid(Message("refusal.loan.repaid_before_money_was")) }
            try requireNotAhead(day)
            guard amount <= loan.outstanding else {
                throw StorageError.invalid(Message("refusal.loan.overpaid", .money(amount), .money(loan.outstanding)))
            }
            let fund = try await db.fund(code: Self.fundCode)
            let entry = try await store.funds.post(db, fund: fund, unitID: loan.unitID, day: day, kind: .loanRepaid, amount: amount,
                                                   loanID: loan.id, note: "thu nợ \(loan.code)", actor: actor)
            try await db.raw("""
                INSERT INTO loan_repayments (loan_id, day, amount, fund_entry_id, entered_by, entered_at)
                VALUES (\(bind: loan.id), \(bind: day.iso), \(bind: amount), \(bind: entry), \(bind: actor.name), \(bind: store.now()))
                """).run()
            try await SupportRollups.loan(db, unitID: loan.unitID, year: day.year, repaid: amount)
            if amount == loan.outstanding {
                // Repaid in full on the day of its latest repayment (one may be recorded late, dated earlier).
                let closed = ([day] + loan.payments.map(\.day)).max() ?? day
                try await db.raw("UPDATE loans SET state = 'repaid', closed_on = \(bind: closed.iso) WHERE id = \(bind: loan.id)").run()
            }
            try await store.audit.record("vay_tra_no", entity: "loan", id: loan.id, detail: "\(loan.code) \(day.iso) \(Money.format(amount)) đ",
                                         by: actor, on: db)
        }
    }

    /// Undoes a repayment recorded by mistake (a wrong amount, the wrong loan): the money goes
    /// back out of the managing unit's capital by a reversal dated `day` (none: the repayment's
    /// own day, so the ledger as at every day reads as if it had not been recorded; on or after
    /// the repayment, not after today; refused if that capital has been lent again meanwhile), the
    /// repayment leaves the loan's history (its as-at figures read as if it had not been
    /// recorded; the ledger keeps both entries), and a loan it closed is open again. A
    /// written-off loan is not reopened. Audited with what was undone.
    public func reverseRepayment(_ actor: Actor, _ code: String, repayment repaymentID: Int, on asked: Day? = nil, reason: String) async throws {
        try actor.require(.loanRepay)
        let reason = try correctionReason(reason)
        try await changing(actor, code) { loan, db in
            guard let payment = loan.payments.first(where: { $0.id == repaymentID }) else {
                throw StorageError.notFound(.repayment, "#\(repaymentID)")
            }
            guard loan.state == .disbursed || loan.state == .repaid else { throw badState(loan, "reverse_repayment") }
            let day = asked ?? payment.day
            try requireNotAhead(day)
            guard let entryID = try await db.raw("SELECT fund_entry_id FROM loan_repayments WHERE id = \(bind: payment.id)").first()?
                .optionalInt("fund_entry_id") else { throw StorageError.corrupt("loan_repayments.fund_entry_id of #\(payment.id)") }
            let entry = try await store.funds.entry(entryID, db: db)
            _ = try await store.funds.reverse(entry, day: day, reason: "huỷ lần trả nợ \(loan.code) ngày \(payment.day.iso): \(reason)", actor: actor, db: db)
            try await db.raw("DELETE FROM loan_repayments WHERE id = \(bind: payment.id)").run()
            try await SupportRollups.loan(db, unitID: loan.unitID, year: payment.day.year, repaid: -payment.amount)
            if loan.state == .repaid {
                try await db.raw("UPDATE loans SET state = 'disbursed', closed_on = NULL WHERE id = \(bind: loan.id)").run()
            }
            try await store.audit.record("vay_huy_tra_no", entity: "loan", id: loan.id,
                                         detail: "\(loan.code) \(payment.day.iso) \(Money.format(payment.amount)) đ (\(payment.enteredBy)), huỷ ngày \(day.iso): \(reason)",
                                         by: actor, on: db)
        }
    }

    /// Undoes a disbursement recorded by mistake (the wrong loan or day): the money comes back
    /// into the managing unit's capital by a reversal dated `day` (none: the payout's own day, so
    /// it can be paid out again on the right day before it), the loan is approved again
    /// (to be paid out on the right day, or rejected), the support record the payout made for
    /// the household is cancelled, and the extensions and job counts recorded on it go too.
    /// Repayments are undone first (`reverseRepayment`). Audited.
    public func reverseDisbursement(_ actor: Actor, _ code: String, on asked: Day? = nil, reason: String) async throws {
        try actor.require(.loanDisburse)
        let reason = try correctionReason(reason)
        try await changing(actor, code) { loan, db in
            guard loan.state == .disbursed, let disbursed = loan.disbursedOn else { throw badState(loan, "reverse_disbursement") }
            guard loan.payments.isEmpty else { throw StorageError.invalid(Message("refusal.loan.repayments_first")) }
            let day = asked ?? disbursed
            try requireNotAhead(day)
            guard let entryID = try await db.raw("""
                SELECT id FROM fund_entries WHERE loan_id = \(bind: loan.id) AND kind = \(bind: EntryKind.loanOut.rawValue) ORDER BY id DESC LIMIT 1
                """).first()?.int("id") else { throw StorageError.corrupt("fund_entries: no payout of loan \(loan.code)") }
            let entry = try await store.funds.entry(entryID, db: db)
            _ = try await store.funds.reverse(entry, day: day, reason: "huỷ giải ngân \(loan.code) ngày \(disbursed.iso): \(reason)", actor: actor, db: db)
            // Extensions and job counts belong to money that was out: they go with it (the audit keeps them).
            try await db.raw("DELETE FROM loan_extensions WHERE loan_id = \(bind: loan.id)").run()
            try await db.raw("DELETE FROM loan_job_counts WHERE loan_id = \(bind: loan.id)").run()
            try await db.raw("UPDATE loans SET state = 'approved', disbursed_on = NULL, jobs_created = NULL WHERE id = \(bind: loan.id)").run()
            try await SupportRollups.loan(db, unitID: loan.unitID, year: disbursed.year, disbursed: -1, amount: -loan.amount)
            for row in try await db.raw("""
                SELECT id, household_id, unit_id, year, policy_code, value FROM support
                WHERE policy_code = 'vay_quy_viec_lam' AND source_name = \(bind: Self.supportSource(loan.code)) AND cancelled_at IS NULL
                """).all() {
                try await store.support.markCancelled(try row.int("id"), row, reason: reason, note: "\(loan.code) \(reason)", actor: actor, db: db)
            }
            try await store.audit.record("vay_huy_giai_ngan", entity: "loan", id: loan.id,
                                         detail: "\(loan.code) \(disbursed.iso) \(Money.format(loan.amount)) đ, huỷ ngày \(day.iso): \(reason)"
                                            + (loan.extensions.isEmpty ? "" : "; gia hạn " + loan.extensions.map { "\($0.granted.iso) +\($0.months) tháng" }.joined(separator: ", "))
                                            + (loan.jobCounts.isEmpty ? "" : "; việc làm " + loan.jobCounts.map { "\($0.jobs) ngày \($0.day.iso)" }.joined(separator: ", ")),
                                         by: actor, on: db)
        }
    }

    /// A correction says why (it is read in the ledger and the audit log).
    private func correctionReason(_ reason: String) throws -> String {
        try requireText(reason, "lý do", "reason", .note)
        let reason = reason.trimmingCharacters(in: .whitespaces)
        guard !reason.isEmpty else { throw StorageError.invalid(Message("refusal.reason_required")) }
        return reason
    }

    /// The source named by the support record a loan's payout makes.
    static func supportSource(_ code: String) -> String { "Quỹ quốc gia về việc làm – khoản vay \(code)" }

    /// Moves every instalment due on or after `granted` later by `months`.
    public func extend(_ actor: Actor, _ code: String, granted: Day, months: Int, reason: String) async throws {
        try actor.require(.loanExtend)
        try requireText(reason, "lý do", "reason", .note)
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw StorageError.invalid(Message("refusal.reason_required")) }
        try await changing(actor, code) { loan, db in
            guard loan.state == .disbursed else { throw badState(loan, "extend") }
            // Granted after the money was out and after any earlier extension.
            if let previous = ([loan.disbursedOn].compactMap { $0 } + loan.extensions.map(\.granted)).max(), granted < previous {
                throw StorageError.invalid(Message("refusal.loan.step_before_previous", .day(granted), .day(previous)))
            }
            try requireNotAhead(granted)
            // An extension may at most double the term; the longest term is the rule's of the application day.
            let most = min(loan.termMonths - loan.extensions.reduce(0) { $0 + $1.months }, rules.rule(on: loan.appliedOn)?.maxTermMonths ?? 0)
            guard months >= 1, months <= most else {
                throw StorageError.invalid(Message("refusal.loan.extension_months", .number(max(most, 0))))
            }
            try await db.raw("""
                INSERT INTO loan_extensions (loan_id, granted, months, reason, entered_by, entered_at)
                VALUES (\(bind: loan.id), \(bind: granted.iso), \(bind: months), \(bind: reason), \(bind: actor.name), \(bind: store.now()))
                """).run()
            try await store.audit.record("vay_gia_han", entity: "loan", id: loan.id, detail: "\(loan.code) \(granted.iso) +\(months) tháng: \(reason)",
                                         by: actor, on: db)
        }
    }

    /// Writes off what is still owed (the capital does not come back): the managing unit's
    /// decision, taken by its own officers (or an administrator), not by a unit below it.
    public func writeOff(_ actor: Actor, _ code: String, on day: Day, reason: String) async throws {
        try actor.require(.loanWriteOff)
        try requireText(reason, "lý do", "reason", .note)
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw StorageError.invalid(Message("refusal.reason_required")) }
        try await changing(actor, code) { loan, db in
            if let refusal = Self.writeOffRefusal(actor, loan) { throw refusal }
            guard loan.state == .disbursed else { throw badState(loan, "write_off") }
            let previous = ([loan.disbursedOn].compactMap { $0 } + loan.payments.map(\.day) + loan.extensions.map(\.granted)).max()
            if let previous, day < previous {
                throw StorageError.invalid(Message("refusal.loan.step_before_previous", .day(day), .day(previous)))
            }
            try requireNotAhead(day)
            try await db.raw("""
                UPDATE loans SET state = 'written_off', closed_on = \(bind: day.iso), written_off = \(bind: loan.outstanding),
                       write_off_note = \(bind: reason) WHERE id = \(bind: loan.id)
                """).run()
            try await store.audit.record("vay_xoa_no", entity: "loan", id: loan.id, detail: "\(loan.code) \(day.iso) \(Money.format(loan.outstanding)) đ: \(reason)",
                                         by: actor, on: db)
        }
    }

    /// Why `actor` may not write `loan` off: it is the managing unit's decision, taken by its
    /// own officers (or an administrator), not by a unit below or beside it.
    static func writeOffRefusal(_ actor: Actor, _ loan: LoanFile) -> StorageError? {
        if let refusal = AccessRules.refusal(actor, .loanWriteOff, unit: loan.unitID) { return refusal }
        if let own = actor.actingUnit, own != loan.unitID {
            return .invalid(Message("refusal.loan.write_off_decided_managing"))
        }
        return nil
    }

    /// Whether `actor` may write `loan` off now (pages show the button only then).
    public func mayWriteOff(_ actor: Actor, _ loan: LoanFile) -> Bool {
        loan.state == .disbursed && Self.writeOffRefusal(actor, loan) == nil
    }

    /// Jobs planned or created, and workers, of one loan: the form's bounds, for every channel
    /// (a count beyond them would only overflow the sums of a branch's loans).
    public static let headcount = 0...1000

    /// Jobs the loan actually created, as counted on `day` (checked after disbursement, never
    /// in the future). Each count is kept: the loans as at a day count the jobs last counted
    /// by then, so a later count never changes an earlier year's figures.
    public func recordJobs(_ actor: Actor, _ code: String, created: Int, on day: Day) async throws {
        try actor.require(.loanRecordJobs)
        guard LoanBook.headcount.contains(created) else { throw StorageError.invalid(Message("refusal.invalid_jobs")) }
        guard day <= store.today else { throw StorageError.invalid(Message("refusal.loan.jobs_future", .day(day))) }
        try await changing(actor, code) { loan, db in
            guard let out = loan.disbursedOn else { throw badState(loan, "record_jobs") }
            guard day >= out else { throw StorageError.invalid(Message("refusal.loan.step_before_previous", .day(day), .day(out))) }
            try await db.raw("""
                INSERT INTO loan_job_counts (loan_id, day, jobs, entered_by, entered_at)
                VALUES (\(bind: loan.id), \(bind: day.iso), \(bind: created), \(bind: actor.name), \(bind: store.now()))
                """).run()
            // The loan's own column keeps the latest count, by day.
            try await db.raw("""
                UPDATE loans SET jobs_created = (SELECT jobs FROM loan_job_counts WHERE loan_id = \(bind: loan.id) ORDER BY day DESC, id DESC LIMIT 1)
                WHERE id = \(bind: loan.id)
                """).run()
            try await store.audit.record("vay_viec_lam", entity: "loan", id: loan.id, detail: "\(loan.code): \(created) ngày \(day.iso)", by: actor, on: db)
        }
    }

    /// Locks the loan's row for the rest of the transaction (PostgreSQL; SQLite's write
    /// transaction already holds the database), so two disbursements or repayments of one
    /// loan queue and the second sees what the first did.
    private func lock(_ code: String, db: any SQLDatabase) async throws {
        try await db.raw("UPDATE loans SET state = state WHERE code = \(bind: code)").run()
    }

    /// A loan's steps are recorded once they have happened, as its money's are (the ledger
    /// keeps no day after today): a step dated ahead would change the loan's state at once
    /// while every "as at today" figure still read the state before it.
    private func requireNotAhead(_ day: Day) throws {
        guard day <= store.today else { throw StorageError.invalid(Message("refusal.loan.day_ahead", .day(day))) }
    }

    /// A step the loan's state does not allow; `action` names it in the catalogue (`loan.action.approve`…).
    private func badState(_ loan: LoanFile, _ action: String) -> StorageError {
        .invalid(Message("refusal.loan.bad_state", .key("loan.action." + action), .text(loan.code), .both(vi: loan.state.vietnamese, en: loan.state.rawValue)))
    }

    /// The capital the unit holds now.
    func poolBalance(unitID: Int, db: any SQLDatabase, locked: Bool = false) async throws -> Dong {
        var query: SQLQueryString = """
            SELECT b.balance FROM fund_balances b JOIN funds f ON f.id = b.fund_id WHERE f.code = \(bind: Self.fundCode) AND b.unit_id = \(bind: unitID)
            """
        if locked && store.dialect == .postgres { query.appendInterpolation(" FOR UPDATE OF b" as SQLQueryString) }
        return try await db.raw(query).first()?.int("balance") ?? 0
    }

    /// One loan of the actor's branch. Audited.
    public func file(_ actor: Actor, _ code: String) async throws -> LoanFile {
        try actor.require(.readLoans)
        let loan = try await file(code, db: store.sql)
        try actor.scope.require(loan.unitID, .loan, code)
        try await store.audit.read("xem", entity: "loan", id: loan.id, detail: loan.code, by: actor)
        return loan
    }

    func file(_ code: String, db: any SQLDatabase) async throws -> LoanFile {
        guard let file = try await files(where: "l.code = \(bind: code)", db: db).first else {
            throw StorageError.notFound(.loan, code)
        }
        return file
    }

    /// The loans of the actor's branch (optionally of one household or in one state), newest first. Audited.
    public func loans(_ actor: Actor, household: String? = nil, state: LoanState? = nil) async throws -> [LoanFile] {
        try actor.require(.readLoans)
        let found = try await loans(scope: actor.scope, household: household, state: state)
        try await store.audit.read("xem_danh_sach", entity: "loan", detail: "\(household.map { "hộ \($0): " } ?? "")\(found.count) khoản vay", by: actor)
        return found
    }

    func loans(scope: Scope, household: String? = nil, state: LoanState? = nil) async throws -> [LoanFile] {
        var filter: SQLQueryString = "1 = 1"
        guard scope.append(to: &filter, column: "l.unit_id") else { return [] }
        if let household { filter.appendInterpolation(" AND h.code = \(bind: household)" as SQLQueryString) }
        if let state { filter.appendInterpolation(" AND l.state = \(bind: state.rawValue)" as SQLQueryString) }
        return try await files(where: filter, db: store.sql)
    }

    private func files(where filter: SQLQueryString, db: any SQLDatabase) async throws -> [LoanFile] {
        var query: SQLQueryString = """
            SELECT l.*, m.code AS member_code, m.full_name, h.code AS household_code
            FROM loans l JOIN members m ON m.id = l.member_id LEFT JOIN households h ON h.id = l.household_id WHERE
            """
        query.appendInterpolation(" " as SQLQueryString)
        query.appendInterpolation(filter)
        query.appendInterpolation(" ORDER BY l.applied_on DESC, l.id DESC" as SQLQueryString)
        let rows = try await db.raw(query).all()
        guard !rows.isEmpty else { return [] }
        let ids = try rows.map { try $0.int("id") }
        var payments: [Int: [LoanFile.Payment]] = [:]
        var extensions: [Int: [LoanFile.Extension]] = [:]
        var jobCounts: [Int: [LoanFile.JobCount]] = [:]
        for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
            for row in try await db.raw("SELECT id, loan_id, day, amount, entered_by FROM loan_repayments WHERE loan_id IN (\(binds: chunk)) ORDER BY day, id").all() {
                payments[try row.int("loan_id"), default: []].append(.init(id: try row.int("id"), day: try row.day("day"), amount: try row.int("amount"),
                                                                         enteredBy: try row.string("entered_by")))
            }
            for row in try await db.raw("SELECT loan_id, granted, months, reason FROM loan_extensions WHERE loan_id IN (\(binds: chunk)) ORDER BY granted, id").all() {
                extensions[try row.int("loan_id"), default: []].append(.init(granted: try row.day("granted"), months: try row.int("months"),
                                                                           reason: try row.string("reason")))
            }
            for row in try await db.raw("SELECT loan_id, day, jobs FROM loan_job_counts WHERE loan_id IN (\(binds: chunk)) ORDER BY day, id").all() {
                jobCounts[try row.int("loan_id"), default: []].append(.init(day: try row.day("day"), jobs: try row.int("jobs")))
            }
        }
        return try rows.map { row in
            let id = try row.int("id")
            let state = try row.string("state")
            guard let s = LoanState(rawValue: state) else { throw StorageError.corrupt("loans.state = \(state)") }
            let kind = try row.string("borrower_kind")
            guard let borrower = BorrowerKind(rawValue: kind) else { throw StorageError.corrupt("loans.borrower_kind = \(kind)") }
            return LoanFile(id: id, code: try row.string("code"), borrower: borrower, contractCost: try row.optionalInt("contract_cost"),
                            contractMonths: try row.optionalInt("contract_months"), memberCode: try row.string("member_code"), memberName: try row.string("full_name"),
                            householdCode: try row.optionalString("household_code"), unitID: try row.int("unit_id"), purpose: try row.string("purpose"),
                            workers: try row.int("workers"), jobsPlanned: try row.int("jobs_planned"), jobsCreated: try row.optionalInt("jobs_created"),
                            amount: try row.int("amount"), termMonths: try row.int("term_months"), everyMonths: try row.int("every_months"),
                            appliedOn: try row.day("applied_on"), state: s, decidedOn: try row.optionalDay("decided_on"),
                            approvedOn: try row.optionalDay("approved_on"),
                            decidedBy: try row.optionalString("decided_by"), decisionNote: try row.optionalString("decision_note"),
                            disbursedOn: try row.optionalDay("disbursed_on"), closedOn: try row.optionalDay("closed_on"),
                            writtenOff: try row.int("written_off"), writeOffNote: try row.optionalString("write_off_note"), payments: payments[id] ?? [], extensions: extensions[id] ?? [],
                            jobCounts: jobCounts[id] ?? [])
        }
    }

    /// Loans of the actor's branch that are out, aged on `day` (1–30, 31–90, 91–180, over 180
    /// days overdue). Audited (the lines name borrowers).
    public func ageing(_ actor: Actor, on day: Day) async throws -> (report: AgeingReport, lines: [LoanLine]) {
        try actor.require(.readLoans)
        let result = try await ageing(scope: actor.scope, on: day)
        try await store.audit.read("xuat", entity: "loan", detail: "tuổi nợ ngày \(day.iso): \(result.lines.count) khoản", by: actor)
        return result
    }

    /// The branch's loans out on `day`, how many are on time and the amount overdue, naming
    /// nobody (the worklist's line): not audited, unlike `ageing`, which lists the borrowers.
    public func loansOut(_ actor: Actor, on day: Day) async throws -> LoansOut {
        try actor.require(.readLoans)
        // Only the loans out that day are read (a province keeps thousands closed, with their
        // repayments); their figures are `ageing`'s, which counts nothing else for these.
        var filter: SQLQueryString = """
            l.disbursed_on IS NOT NULL AND l.disbursed_on <= \(bind: day.iso) AND (l.closed_on IS NULL OR l.closed_on > \(bind: day.iso))
            """
        guard actor.scope.append(to: &filter, column: "l.unit_id") else { return LoansOut(out: 0, current: 0, overdue: 0) }
        let report = Self.ageing(try await files(where: filter, db: store.sql), on: day).report
        return LoansOut(out: report.activeLoans, current: report.current, overdue: report.buckets.reduce(0) { $0 + $1.overdue })
    }

    /// The branch's loans (every state) and their ageing on `day`, read once: what the loans
    /// page lists and sums. Audited once (the list names borrowers).
    public func portfolio(_ actor: Actor, on day: Day) async throws -> (report: AgeingReport, files: [LoanFile]) {
        try actor.require(.readLoans)
        let files = try await loans(scope: actor.scope)
        let report = Self.ageing(files, on: day).report
        try await store.audit.read("xem_danh_sach", entity: "loan", detail: "\(files.count) khoản vay, tuổi nợ ngày \(day.iso): \(report.activeLoans) khoản",
                                   by: actor)
        return (report, files)
    }

    func ageing(scope: Scope, on day: Day) async throws -> (report: AgeingReport, lines: [LoanLine]) {
        Self.ageing(try await loans(scope: scope), on: day)
    }

    /// The ageing of `files` on `day`, with the loans out that day, most overdue first.
    static func ageing(_ files: [LoanFile], on day: Day) -> (report: AgeingReport, lines: [LoanLine]) {
        var report = AgeingReport(day: day)
        var lines: [LoanLine] = []
        // Everything as it stood at the end of `day`: a loan disbursed later, a repayment,
        // extension or write-off after it changes nothing of this day's figures.
        for loan in files {
            guard let out = loan.disbursedOn, out <= day else { continue }
            report.jobsPlanned += loan.jobsPlanned
            report.jobsCreated += loan.jobsCreated(by: day) ?? 0
            report.writtenOff += loan.writtenOff(by: day)
            guard loan.isOut(on: day) else { continue }
            let p = loan.position(on: day)
            let owed = loan.outstanding(on: day)
            lines.append(LoanLine(file: loan, position: p))
            report.activeLoans += 1
            report.outstanding += owed
            if let bucket = p.bucket, let i = report.buckets.firstIndex(where: { $0.bucket == bucket }) {
                report.buckets[i].loans += 1
                report.buckets[i].overdue += p.overdue
                report.buckets[i].outstanding += owed
            } else {
                report.current += 1
            }
        }
        lines.sort { ($0.position.daysOverdue, $0.file.code) > ($1.position.daysOverdue, $1.file.code) }
        return (report, lines)
    }
}

/// Loans out on a day: how many, how many on time, and the amount overdue of the others.
public struct LoansOut: Sendable, Hashable {
    public let out: Int
    public let current: Int
    public let overdue: Dong
    public var behind: Int { out - current }
    public init(out: Int, current: Int, overdue: Dong) { self.out = out; self.current = current; self.overdue = overdue }
}

extension Store {
    public var loans: LoanBook { LoanBook(store: self, rules: .bundled) }
}
