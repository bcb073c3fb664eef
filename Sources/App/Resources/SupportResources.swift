import Foundation
import PovertyCore
import Storage

// The JSON shapes of support, funds, loans and campaigns: what the API answers and what the
// command line prints with `--format json`, built from Storage's domain values by one
// initialiser each. Units are named by code, days as ISO 8601 (`2025-04-01`), money in whole
// đồng; keys are the API's (English, camelCase).

/// `GET /api/v1/coverage`, `giamngheo coverage --format json`.
public struct CoverageResource: Codable, Sendable, Equatable {
    public struct UnitLine: Codable, Sendable, Equatable {
        public let unitCode: String
        public let unitName: String
        public let households: Int
        public let complete: Int
    }
    public struct Gap: Codable, Sendable, Equatable {
        public let household: String
        public let name: String
        public let unitCode: String
        public let status: String
        public let missing: [String]
        public let suggested: [String]
    }
    public let year: Int?
    public let includesNearPoor: Bool
    public let households: Int
    public let complete: Int
    public let units: [UnitLine]
    public let gapCount: Int
    public let gaps: [Gap]

    /// Units named as at the end of the report's year (`namedOn`), as the page and its download name them.
    public init(_ r: CoverageReport, history: OrgHistory, on today: Day) {
        let day = r.namedOn ?? today
        year = r.year
        includesNearPoor = r.includesNearPoor
        households = r.households
        complete = r.complete
        units = r.units.map { .init(unitCode: history.code($0.unitID), unitName: history.name($0.unitID, on: day), households: $0.households, complete: $0.complete) }
        gapCount = r.gapCount
        gaps = r.gaps.map { .init(household: $0.householdCode, name: $0.primaryName, unitCode: history.code($0.unitID), status: $0.status.rawValue,
                                  missing: $0.coverage.missingIndicators, suggested: $0.coverage.suggestedPolicies) }
    }
}

/// One support given to a household.
public struct SupportResource: Codable, Sendable, Equatable {
    public let id: Int
    public let household: String
    public let policy: String
    public let day: String
    public let value: Dong
    public let inKind: String
    public let source: String
    public let sourceName: String
    public let unitCode: String
    public let fundEntry: Int?
    public let fromLoan: Bool
    public let cancelReason: String?
    public let enteredBy: String

    public init(_ r: SupportRecord, history: OrgHistory) {
        id = r.id
        household = r.householdCode
        policy = r.policyCode
        day = r.day.iso
        value = r.value
        inKind = r.inKind
        source = r.source.rawValue
        sourceName = r.sourceName
        unitCode = history.code(r.unitID)
        fundEntry = r.fundEntryID
        fromLoan = r.fromLoan
        cancelReason = r.cancelReason
        enteredBy = r.enteredBy
    }
}

/// A fund's balance at a unit.
public struct BalanceResource: Codable, Sendable, Equatable {
    public let fund: String
    public let fundName: String
    public let unitCode: String
    public let balance: Dong

    public init(_ b: FundBalance, history: OrgHistory) {
        fund = b.fund.code
        fundName = b.fund.nameVi
        unitCode = history.code(b.unitID)
        balance = b.balance
    }
}

/// One ledger entry; `amount` is signed (positive in, negative out).
public struct EntryResource: Codable, Sendable, Equatable {
    public let id: Int
    public let day: String
    public let kind: String
    public let amount: Dong
    public let contributor: String?
    public let counterpartUnitCode: String?
    public let household: String?
    public let reverses: Int?
    public let reversedBy: Int?
    public let note: String
    public let enteredBy: String

    public init(_ e: FundEntry, history: OrgHistory) {
        id = e.id
        day = e.day.iso
        kind = e.kind.rawValue
        amount = e.amount
        contributor = e.contributor
        counterpartUnitCode = e.counterpartUnitID.map { history.code($0) }
        household = e.householdCode
        reverses = e.reversesID
        reversedBy = e.reversedByID
        note = e.note
        enteredBy = e.enteredBy
    }
}

/// A fund's ledger at a unit over a period: opening, entries, closing.
public struct StatementResource: Codable, Sendable, Equatable {
    public let fund: String
    public let fundName: String
    public let unitCode: String
    public let from: String?
    public let to: String?
    public let opening: Dong
    public let closing: Dong
    public let byKind: [String: Dong]
    /// The balance kept beside the ledger today.
    public let storedBalance: Dong
    public let entries: [EntryResource]

    public init(_ s: FundStatement, history: OrgHistory) {
        fund = s.fund.code
        fundName = s.fund.nameVi
        unitCode = history.code(s.unitID)
        from = s.from?.iso
        to = s.to?.iso
        opening = s.totals.opening
        closing = s.totals.closing
        byKind = Dictionary(uniqueKeysWithValues: s.totals.byKind.map { ($0.key.rawValue, $0.value) })
        storedBalance = s.storedBalance
        entries = s.entries.map { EntryResource($0, history: history) }
    }
}

/// A National Employment Fund loan; `schedule` and `payments` only when one loan is asked for.
public struct LoanResource: Codable, Sendable, Equatable {
    public struct Instalment: Codable, Sendable, Equatable { public let number: Int; public let due: String; public let principal: Dong }
    public struct Payment: Codable, Sendable, Equatable { public let id: Int; public let day: String; public let amount: Dong }
    public let code: String
    public let borrower: String
    public let member: String
    public let household: String?
    public let unitCode: String
    public let purpose: String
    public let amount: Dong
    public let termMonths: Int
    public let state: String
    public let appliedOn: String
    public let approvedOn: String?
    public let disbursedOn: String?
    /// Why it was written off, once it was.
    public let writeOffNote: String?
    public let outstanding: Dong
    public let overdue: Dong
    public let daysOverdue: Int
    public let bucket: String?
    public let jobsPlanned: Int
    public let jobsCreated: Int?
    public let schedule: [Instalment]?
    public let payments: [Payment]?

    /// A loan as `LoanStanding` shows it (as at the day asked for, or as the book stands), with,
    /// in `detail`, its schedule as it stood on that day and its repayments made by then.
    public init(_ s: LoanStanding, history: OrgHistory, asAt asked: Day?, detail: Bool) {
        let f = s.file
        code = f.code
        borrower = f.borrower.rawValue
        member = f.memberCode
        household = f.householdCode
        unitCode = history.code(f.unitID)
        purpose = f.purpose
        amount = f.amount
        termMonths = f.termMonths
        state = s.state.rawValue
        appliedOn = f.appliedOn.iso
        func byThen(_ day: Day?) -> String? { day.flatMap { day in asked.map { day <= $0 } ?? true ? day.iso : nil } }
        approvedOn = byThen(f.approvedOn)
        disbursedOn = byThen(f.disbursedOn)
        writeOffNote = s.state == .writtenOff ? f.writeOffNote : nil
        outstanding = s.outstanding
        overdue = s.position?.overdue ?? 0
        daysOverdue = s.position?.daysOverdue ?? 0
        bucket = s.position?.bucket?.rawValue
        jobsPlanned = f.jobsPlanned
        jobsCreated = asked.map { f.jobsCreated(by: $0) } ?? f.jobsCreated
        schedule = detail ? (asked.map { f.schedule(asOf: $0) } ?? f.schedule).map { .init(number: $0.number, due: $0.due.iso, principal: $0.principal) } : nil
        payments = detail ? f.payments.filter { p in asked.map { p.day <= $0 } ?? true }.map { .init(id: $0.id, day: $0.day.iso, amount: $0.amount) } : nil
    }
}

/// The loans of a branch aged on a day, with the overdue ones.
public struct AgeingResource: Codable, Sendable, Equatable {
    public struct Bucket: Codable, Sendable, Equatable {
        public let bucket: String
        public let loans: Int
        public let overdue: Dong
        public let outstanding: Dong
    }
    public struct OverdueLoan: Codable, Sendable, Equatable {
        public let code: String
        public let member: String
        public let memberName: String
        public let household: String?
        public let unitCode: String
        public let daysOverdue: Int
        public let bucket: String?
        public let overdue: Dong
        public let outstanding: Dong
    }
    public let day: String
    public let activeLoans: Int
    public let outstanding: Dong
    public let current: Int
    public let buckets: [Bucket]
    public let jobsPlanned: Int
    public let jobsCreated: Int
    public let writtenOff: Dong
    public let overdueLoans: [OverdueLoan]

    public init(_ r: AgeingReport, lines: [LoanLine], history: OrgHistory) {
        day = r.day.iso
        activeLoans = r.activeLoans
        outstanding = r.outstanding
        current = r.current
        buckets = r.buckets.map { .init(bucket: $0.bucket.rawValue, loans: $0.loans, overdue: $0.overdue, outstanding: $0.outstanding) }
        jobsPlanned = r.jobsPlanned
        jobsCreated = r.jobsCreated
        writtenOff = r.writtenOff
        overdueLoans = lines.filter { $0.position.daysOverdue > 0 }.map { l in
            .init(code: l.file.code, member: l.file.memberCode, memberName: l.file.memberName, household: l.file.householdCode,
                  unitCode: history.code(l.file.unitID), daysOverdue: l.position.daysOverdue, bucket: l.position.bucket?.rawValue,
                  overdue: l.position.overdue, outstanding: l.file.outstanding(on: r.day))
        }
    }
}

/// A gift campaign; `proposals` (the branch's list in rank order) only when one campaign is asked for.
public struct CampaignResource: Codable, Sendable, Equatable {
    public struct ProposalLine: Codable, Sendable, Equatable {
        public let rank: Int
        public let household: String
        public let name: String
        public let unitCode: String
        public let status: String?
        public let deprivations: Int
        public let amount: Dong
        public let hardship: Bool
        public let state: String
        public let reason: String
        public let support: Int?
    }
    public let code: String
    public let kind: String
    public let name: String
    public let unitCode: String
    public let fund: String
    public let year: Int
    public let startsOn: String
    public let endsOn: String
    public let statuses: [String]
    public let budget: Dong
    public let giftValue: Dong
    public let approved: Dong
    public let proposed: Dong
    public let remaining: Dong
    public let proposals: [ProposalLine]?

    public init(_ c: Campaign, proposals list: [Proposal]?, history: OrgHistory) {
        code = c.code
        kind = c.kind.rawValue
        name = c.name
        unitCode = history.code(c.unitID)
        fund = c.fundCode
        year = c.year
        startsOn = c.startsOn.iso
        endsOn = c.endsOn.iso
        statuses = c.statuses.map(\.rawValue)
        budget = c.budget
        giftValue = c.giftValue
        approved = c.approved
        proposed = c.proposed
        remaining = c.remaining
        proposals = list?.map { p in
            .init(rank: p.rank, household: p.householdCode, name: p.primaryName, unitCode: history.code(p.unitID), status: p.status?.rawValue,
                  deprivations: p.deprivationCount, amount: p.amount, hardship: p.hardship, state: p.state.rawValue, reason: p.reason, support: p.supportID)
        }
    }
}

extension OrgHistory {
    /// A unit's code, or "" for none.
    public func code(_ id: Int?) -> String { id.flatMap { units[$0]?.code } ?? "" }
    /// A unit's name on a day, else its last name.
    public func name(_ id: Int, on day: Day) -> String { self.name(of: id, on: day) ?? lastName(of: id) ?? "" }
}
