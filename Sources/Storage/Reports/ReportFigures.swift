import FluentKit
import Foundation
import PovertyCore
import SQLKit

/// The figures of one unit's branch for one review year, as an annual report shows them:
/// the review, the moves since last year, support, funds and NEF loans. Computed from the
/// kept roll-ups and the ledgers; frozen (as JSON) into a report when it is submitted, so an
/// accepted report keeps the figures it was accepted with.
public struct ReportFigures: Sendable, Hashable, Codable {
    public struct PolicyLine: Sendable, Hashable, Codable {
        public let code: String
        public let nameVi: String
        public let nameEn: String
        public let records: Int
        public let households: Int
        public let value: Dong
    }

    public var unitID: Int
    public var year: Int
    /// When the figures were computed (ISO 8601).
    public var computedAt: String
    public var households = 0, poor = 0, nearPoor = 0, average = 0, notPoor = 0
    /// The previous review round's counts in the same branch (today's tree): the round the
    /// moves compare with (`previousYear`, the latest earlier year with reviews).
    public var previousPoor = 0, previousNearPoor = 0
    /// The households reviewed in that round (nil in figures frozen before it was kept).
    public var previousHouseholds: Int?
    /// The previous review round (nil: none before `year`, or figures frozen before it was kept).
    public var previousYear: Int?
    /// Moves of poor households against the previous year (`YearMoves`); `entered` = fell back + newly poor.
    public var escaped = 0, entered = 0, fellBack = 0, left = 0
    /// Nothing to compare with: there is no previous round, the branch reviewed nobody in it,
    /// or it was reviewed under another standard (the branch's most used one each year) — the
    /// first year of a new standard. The moves then compare nothing (they are kept only
    /// between years of one standard) and every output says "not compared" instead of four
    /// zeros, as Biểu 2 and 3 and the dashboard do. Nil in figures frozen before it was kept.
    public var isBaseline: Bool?
    /// The standard most of the branch's households were reviewed under in `previousYear`
    /// (nil: none reviewed then, or figures frozen before it was kept).
    public var previousStandard: String?
    /// Why the moves compare nothing (nil: they do, or figures frozen before it was kept).
    public var notComparedBecause: NotCompared?

    public enum NotCompared: String, Sendable, Hashable, Codable {
        /// No review round before the year.
        case noPreviousRound
        /// The branch reviewed nobody in the previous round.
        case noneReviewedPrevious
        /// The branch reviewed nobody in the year itself.
        case noneReviewedThisYear
        /// The first year of a new standard: the previous round was under another.
        case newStandard
    }
    /// Whether the moves are a comparison with the previous round (figures frozen before
    /// `isBaseline` was kept showed them, and still do).
    public var movesCompared: Bool { isBaseline != true }
    public var supportRecords = 0, supportHouseholds = 0
    public var supportValue: Dong = 0
    public var supportByPolicy: [PolicyLine] = []
    /// Poor households of the year whose every need is addressed (the plan's 100% figure).
    public var coveragePoor = 0, coverageComplete = 0
    /// Support funds of the branch over the calendar year.
    public var fundsOpening: Dong = 0, fundsRaised: Dong = 0, fundsReceived: Dong = 0, fundsSpent: Dong = 0, fundsClosing: Dong = 0
    /// NEF loans: disbursed in the year, repaid in the year, and the portfolio at year end.
    public var loansDisbursed = 0
    public var loansDisbursedAmount: Dong = 0
    public var loansRepaid: Dong = 0
    public var loansActive = 0
    public var loansOutstanding: Dong = 0
    public var loansOverdue: Dong = 0
    /// Jobs the branch's loans had created by the year's end (their latest counts then): a
    /// running total since the first loan.
    public var jobsCreated = 0
    /// Jobs counted during the year: the loans' counts at its end less those at the end of the
    /// year before, so that yearly reports add up. Nil in figures frozen before it was kept.
    public var jobsCreatedInYear: Int?
    /// The year's proposal list (`HardshipRegister.proposals`), counted; nil in figures frozen
    /// before the list was part of the report.
    public var proposals: Proposals?

    /// The proposal list's size: every household (or member) proposed, those with a hardship,
    /// and those proposed for a hardship alone (neither poor nor near-poor that year).
    public struct Proposals: Sendable, Hashable, Codable {
        public var total = 0, hardship = 0, added = 0
    }

    public var poorShare: Ratio { Ratio(poor, households) }
    public var nearPoorShare: Ratio { Ratio(nearPoor, households) }
    public var coverageShare: Ratio { Ratio(coverageComplete, coveragePoor) }
    /// Newly poor: poor this year, not poor (or not reviewed) last year, never poor before under the standard.
    public var newlyPoor: Int { entered - fellBack }
}

extension AnnualReports {
    /// The figures a report shows: those frozen when it was submitted (while it is submitted
    /// or accepted), else computed now (never submitted, or returned for correction).
    public func shownFigures(_ actor: Actor, _ stored: AnnualReport?, unit unitID: Int, year: Int) async throws
        -> (figures: ReportFigures, frozen: Bool) {
        try actor.require(.readReports, unit: unitID)
        return try await shownFigures(stored, unitID: unitID, year: year, history: actor.history, today: store.today, within: actor.scope)
    }

    func shownFigures(_ stored: AnnualReport?, unitID: Int, year: Int, history: OrgHistory, today: Day, within access: Scope = .province) async throws
        -> (figures: ReportFigures, frozen: Bool) {
        if let frozen = stored?.frozenFigures, stored?.status != .returned { return (frozen, true) }
        return (try await figures(unitID: unitID, year: year, history: history, today: today, within: access), false)
    }

    /// The province's review counts of a year from the kept totals.
    func totals(year: Int) async throws -> StatusCounts {
        var c = StatusCounts()
        for row in try await store.sql.raw("SELECT status, households FROM rollup_totals WHERE year = \(bind: year)").all() {
            c.add(try row.string("status"), try row.int("households"))
        }
        return c
    }

    /// The figures of `unitID`'s branch (on today's tree, predecessors included; an ended
    /// unit's on its last day) for `year`,
    /// for an actor of that branch; with `reviewsOnly`, only the review counts and moves.
    public func figures(_ actor: Actor, unit unitID: Int, year: Int, reviewsOnly: Bool = false) async throws -> ReportFigures {
        try actor.require(.readReports, unit: unitID)
        try Self.check(year: year)
        return try await figures(unitID: unitID, year: year, history: actor.history, today: store.today, reviewsOnly: reviewsOnly, within: actor.scope)
    }

    /// `access`: the reader's branch, which the figures never go beyond (an ended unit's branch
    /// as it last was may reach units now in other branches).
    func figures(unitID: Int, year: Int, history: OrgHistory, today: Day, reviewsOnly: Bool = false, within access: Scope = .province) async throws -> ReportFigures {
        let scope = Scope.figures(of: unitID, in: history, on: today).intersection(access), day = history.lastStanding(of: unitID, on: today)
        var f = ReportFigures(unitID: unitID, year: year, computedAt: store.now())
        let current: StatusCounts?, previous: StatusCounts?
        let last = try await Rollups.previousRound(before: year, store.sql)
        f.previousYear = last
        if scope.isWholeProvince, try await Rollups.hasTotals(store.sql) {
            // The whole province: its kept totals per year, a few rows however many units.
            current = try await totals(year: year)
            if let last { previous = try await totals(year: last) } else { previous = nil }
        } else {
            current = try await store.reviews.rolledUp(year: year, basis: .rebased(onto: day), history: history, scope: scope).totals[unitID]
            if let last {
                previous = try await store.reviews.rolledUp(year: last, basis: .rebased(onto: day), history: history, scope: scope).totals[unitID]
            } else {
                previous = nil
            }
        }
        if let c = current {
            f.households = c.households; f.poor = c.poor; f.nearPoor = c.nearPoor; f.average = c.average; f.notPoor = c.notPoor
        }
        if let p = previous { f.previousPoor = p.poor; f.previousNearPoor = p.nearPoor; f.previousHouseholds = p.households }
        let moves = try await store.rollups.moves(scope: scope)[year] ?? [:]
        f.escaped = moves[.escaped] ?? 0; f.fellBack = moves[.fellBack] ?? 0; f.left = moves[.left] ?? 0
        f.entered = f.fellBack + (moves[.newly] ?? 0)
        if let last {
            if let now = try await mostUsedStandard(year: year, scope: scope) {
                f.previousStandard = try await mostUsedStandard(year: last, scope: scope)
                f.notComparedBecause = f.previousStandard == nil ? .noneReviewedPrevious : f.previousStandard != now ? .newStandard : nil
            } else {
                f.notComparedBecause = .noneReviewedThisYear
            }
        } else {
            f.notComparedBecause = .noPreviousRound
        }
        f.isBaseline = f.notComparedBecause != nil
        if reviewsOnly { return f }

        // Support, funds and loans from their kept roll-ups (`SupportRollups`), a few rows per unit.
        let db = try store.sql
        var support: SQLQueryString = """
            SELECT r.policy_code, p.name_vi, p.name_en, p.position, CAST(SUM(r.records) AS BIGINT) AS records,
                   CAST(SUM(r.households) AS BIGINT) AS households, CAST(SUM(r.value) AS BIGINT) AS value
            FROM rollup_support r JOIN policies p ON p.code = r.policy_code
            WHERE r.year = \(bind: year)
            """
        if scope.append(to: &support, column: "r.unit_id") {
            support.appendInterpolation(" GROUP BY r.policy_code, p.name_vi, p.name_en, p.position ORDER BY p.position" as SQLQueryString)
            for row in try await db.raw(support).all() {
                let line = ReportFigures.PolicyLine(code: try row.string("policy_code"), nameVi: try row.string("name_vi"),
                                                    nameEn: try row.string("name_en"), records: try row.int("records"),
                                                    households: try row.int("households"), value: try row.int("value"))
                f.supportByPolicy.append(line)
                f.supportRecords += line.records
                f.supportValue += line.value
            }
            var distinct: SQLQueryString = "SELECT COUNT(DISTINCT household_id) AS n FROM rollup_support_households WHERE year = \(bind: year)"
            _ = scope.append(to: &distinct, column: "unit_id")
            f.supportHouseholds = try await db.raw(distinct).first()?.int("n") ?? 0
        }
        (f.coveragePoor, f.coverageComplete) = try await store.support.coverageCounts(year: year, scope: scope)

        // Support funds: flows of the branch's units by kind, before and within the year (a
        // reversal counts with the kind of the entry it reverses).
        var funds: SQLQueryString = """
            SELECT r.kind, CASE WHEN r.year < \(bind: year) THEN 0 ELSE 1 END AS inyear, CAST(SUM(r.amount) AS BIGINT) AS amount
            FROM rollup_fund_flows r JOIN funds f ON f.id = r.fund_id
            WHERE f.kind = 'support' AND r.year <= \(bind: year)
            """
        if scope.append(to: &funds, column: "r.unit_id") {
            funds.appendInterpolation(" GROUP BY 1, 2" as SQLQueryString)
            for row in try await db.raw(funds).all() {
                let amount = try row.int("amount")
                guard try row.int("inyear") == 1 else { f.fundsOpening += amount; continue }
                f.fundsClosing += amount
                switch EntryKind(rawValue: try row.string("kind")) {
                case .contribution: f.fundsRaised += amount
                case .allocationIn, .allocationOut: f.fundsReceived += amount
                case .disbursement, .reversal, .loanOut, .loanRepaid, .none: f.fundsSpent -= amount
                }
            }
            f.fundsClosing += f.fundsOpening
        }

        // NEF loans of the branch: disbursed and repaid in the year (kept), the portfolio aged at year end.
        var loans: SQLQueryString = """
            SELECT CAST(COALESCE(SUM(disbursed), 0) AS BIGINT) AS n, CAST(COALESCE(SUM(disbursed_amount), 0) AS BIGINT) AS amount,
                   CAST(COALESCE(SUM(repaid), 0) AS BIGINT) AS repaid
            FROM rollup_loans WHERE year = \(bind: year)
            """
        if scope.append(to: &loans, column: "unit_id"), let row = try await db.raw(loans).first() {
            f.loansDisbursed = try row.int("n")
            f.loansDisbursedAmount = try row.int("amount")
            f.loansRepaid = try row.int("repaid")
        }
        let end = Day.endOfYear(year)
        let files = try await store.loans.loans(scope: scope)
        let ageing = LoanBook.ageing(files, on: min(end, today)).report
        let before = Day.endOfYear(year - 1)
        f.jobsCreatedInYear = ageing.jobsCreated - files.reduce(0) { $0 + ($1.jobsCreated(by: before) ?? 0) }
        f.loansActive = ageing.activeLoans
        f.loansOutstanding = ageing.outstanding
        f.loansOverdue = ageing.buckets.reduce(0) { $0 + $1.overdue }
        f.jobsCreated = ageing.jobsCreated
        f.proposals = try await store.hardships.proposalCounts(year: year, scope: scope, poorAndNearPoor: f.poor + f.nearPoor)
        return f
    }
}
