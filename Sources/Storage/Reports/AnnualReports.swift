import FluentKit
import Foundation
import PovertyCore
import SQLKit

/// A unit's annual report as stored, with the steps of its workflow.
public struct AnnualReport: Sendable, Hashable {
    public struct Event: Sendable, Hashable {
        public let at: String
        public let actor: String
        public let action: String
        public let comment: String
    }
    public let id: Int
    public let unitID: Int
    public let year: Int
    public let status: AnnualReportStatus
    public let narrative: ReportNarrative
    /// The figures frozen when the report was last submitted (nil while never submitted).
    public let frozenFigures: ReportFigures?
    public let submittedOn: Day?
    public let submittedBy: String?
    public let reviewedOn: Day?
    public let reviewedBy: String?
    public let reviewComment: String?
    public let updatedBy: String
    public let updatedAt: String
    public let events: [Event]
}

/// The narrative parts of an annual report.
public struct ReportNarrative: Sendable, Hashable, Codable {
    /// Kết quả đạt được.
    public var results: String
    /// Tồn tại, hạn chế và nguyên nhân.
    public var shortcomings: String
    /// Đề xuất, kiến nghị.
    public var proposals: String
    public init(results: String = "", shortcomings: String = "", proposals: String = "") {
        self.results = results; self.shortcomings = shortcomings; self.proposals = proposals
    }
    /// Each part at most this many characters (a few printed pages).
    public static let maxLength = 20_000
}

/// Annual reports climbing the tree: each unit below the province writes one report a
/// year for its branch and submits it to the unit above, which returns it with comments or
/// accepts it. Deadlines are set by a unit for its branch (the nearest one above applies).
/// Every step is checked against the caller's branch here, and leaves an audit entry.
public struct AnnualReports: Sendable {
    let store: Store

    /// The period a year's report describes ends on 31 December: the tree of that day says
    /// which reports are expected.
    public static func periodDate(_ year: Int) -> Day { Day.endOfYear(year) }
    /// When no unit above has set one: 20 December of the year.
    public static func defaultDeadline(_ year: Int) -> Day { Day(year: year, month: 12, day: 20) ?? Day.endOfYear(year) }

    static let years = 2000...2100

    /// A unit's report of a year, for an actor of its branch (nil when none was written yet).
    public func report(_ actor: Actor, unit unitID: Int, year: Int) async throws -> AnnualReport? {
        try actor.require(.readReports)
        try actor.requireInBranch(unitID, .unit, String(unitID))
        return try await report(unit: unitID, year: year, db: store.sql)
    }

    func report(unit unitID: Int, year: Int, db: any SQLDatabase) async throws -> AnnualReport? {
        guard let row = try await db.raw("SELECT * FROM annual_reports WHERE unit_id = \(bind: unitID) AND year = \(bind: year)").first() else { return nil }
        let id = try row.int("id")
        let statusText = try row.string("status")
        guard let status = AnnualReportStatus(rawValue: statusText) else { throw StorageError.corrupt("annual_reports.status = \(statusText)") }
        // Frozen figures that no longer decode are a corrupt row, never the reader's mistake.
        let figures = try row.optionalString("figures").map { text in
            do { return try JSONDecoder().decode(ReportFigures.self, from: Data(text.utf8)) } catch { throw StorageError.corrupt("annual_reports.figures #\(id)") }
        }
        let events = try await db.raw("SELECT at, actor, action, comment FROM report_events WHERE report_id = \(bind: id) ORDER BY id").all().map {
            AnnualReport.Event(at: try $0.string("at"), actor: try $0.string("actor"), action: try $0.string("action"), comment: try $0.string("comment"))
        }
        return AnnualReport(
            id: id, unitID: unitID, year: year, status: status,
            narrative: ReportNarrative(results: try row.string("results"), shortcomings: try row.string("shortcomings"), proposals: try row.string("proposals")),
            frozenFigures: figures, submittedOn: try row.optionalDay("submitted_on"), submittedBy: try row.optionalString("submitted_by"),
            reviewedOn: try row.optionalDay("reviewed_on"), reviewedBy: try row.optionalString("reviewed_by"),
            reviewComment: try row.optionalString("review_comment"), updatedBy: try row.string("updated_by"),
            updatedAt: try row.string("updated_at"), events: events)
    }

    /// The steps of the workflow, each with its rule (`refusal`).
    public enum Step: String, Sendable, CaseIterable {
        case write, submit, review
    }

    /// Why `actor` may not take `step` on `unitID`'s report as it stands (`report`, nil when
    /// none was written), on `day`; nil when they may. The rules, once, for the operations and
    /// for pages showing their buttons: a report is written and submitted by its own unit (an
    /// administrator of the whole province may act for any: `Actor.actingUnit`), never by the
    /// top unit (it has no unit above); it is reviewed by the unit directly above (or such an
    /// administrator), never by whoever submitted it.
    /// The top unit may keep a narrative of its own, but has nobody to submit it to.
    func refusal(_ step: Step, _ actor: Actor, unit unitID: Int, report: AnnualReport?, history: OrgHistory, on day: Day) -> StorageError? {
        let op: StorageOperation = switch step {
        case .write: .reportWrite
        case .submit: .reportSubmit
        case .review: .reportReview
        }
        if let refusal = AccessRules.refusal(actor, op, unit: unitID) { return refusal }
        switch step {
        case .write, .submit:
            if let own = actor.actingUnit, own != unitID {
                return .invalid(Message("refusal.report.report_written_submitted_own"))
            }
            if step == .submit, history.parent(of: unitID, on: day) == nil {
                return .invalid(Message("refusal.report.top_unit_has_unit"))
            }
            if let report, !report.status.isEditable {
                return .invalid(Message("refusal.report.closed", .both(vi: report.status.vietnamese, en: report.status.english)))
            }
        case .review:
            if let reviewer = actor.actingUnit, Self.reviewingUnit(of: unitID, history: history, on: day) != reviewer {
                return .invalid(Message("refusal.report.reviewed_by_parent"))
            }
            guard let report, report.status == .submitted else {
                return .invalid(Message("refusal.report.submitted_report_reviewed"))
            }
            if report.submittedBy == actor.name {
                return .invalid(Message("refusal.report.whoever_submitted_report_does"))
            }
        }
        return nil
    }

    /// The unit that reviews a unit's reports on `day`: the unit directly above it; for a unit
    /// that has ended (a district federation after 01/07/2025, its last report still to be
    /// reviewed), the unit that was above it on its last day, or what that unit has become.
    public static func reviewingUnit(of unitID: Int, history: OrgHistory, on day: Day) -> Int? {
        let last = history.lastStanding(of: unitID, on: day)
        guard let parent = history.parent(of: unitID, on: last) else { return nil }
        return last == day ? parent : history.successor(of: parent, on: day)
    }

    /// Which steps `actor` may take now on a unit's report (pages show those buttons only).
    public func steps(_ actor: Actor, unit unitID: Int, report: AnnualReport?) -> Set<Step> {
        let today = store.today
        return Set(Step.allCases.filter { refusal($0, actor, unit: unitID, report: report, history: actor.history, on: today) == nil })
    }

    /// Saves the narrative of a unit's report (created as a draft on first save). Only a
    /// draft or a returned report can change.
    @discardableResult
    public func save(_ actor: Actor, unit unitID: Int, year: Int, narrative: ReportNarrative) async throws -> AnnualReport {
        try Self.check(year: year)
        try Self.check(narrative)
        let today = store.today
        if let refusal = refusal(.write, actor, unit: unitID, report: nil, history: actor.history, on: today) { throw refusal }
        return try await store.writeTransaction { db in
            let existing = try await draft(unitID, year, actor: actor, db: db)
            if let refusal = refusal(.write, actor, unit: unitID, report: existing, history: actor.history, on: today) { throw refusal }
            try await write(narrative, to: existing, actor: actor, db: db)
            guard let saved = try await report(unit: unitID, year: year, db: db) else { throw StorageError.corrupt("annual_reports \(existing.id)") }
            return saved
        }
    }

    static func check(_ narrative: ReportNarrative) throws {
        for (text, name) in [(narrative.results, "kết quả / results"), (narrative.shortcomings, "tồn tại, hạn chế / shortcomings"),
                             (narrative.proposals, "đề xuất / proposals")] where text.count > ReportNarrative.maxLength {
            throw StorageError.invalid(Message("refusal.report.part_too_long", .text(name), .number(ReportNarrative.maxLength)))
        }
    }

    /// The report's row, created as a draft when none exists, locked: it exists before it is
    /// locked, so a save and a review of the same report queue on PostgreSQL.
    private func draft(_ unitID: Int, _ year: Int, actor: Actor, db: any SQLDatabase) async throws -> AnnualReport {
        try await db.raw("""
            INSERT INTO annual_reports (unit_id, year, status, results, shortcomings, proposals, updated_by, updated_at)
            VALUES (\(bind: unitID), \(bind: year), 'draft', '', '', '', \(bind: actor.name), \(bind: store.now()))
            ON CONFLICT (unit_id, year) DO NOTHING
            """).run()
        try await lock(unitID, year, db: db)
        guard let existing = try await report(unit: unitID, year: year, db: db) else {
            throw StorageError.corrupt("annual_reports \(unitID)/\(year)")
        }
        return existing
    }

    /// Writes the narrative of a draft or returned report (its rule already checked), with its event and audit.
    private func write(_ narrative: ReportNarrative, to existing: AnnualReport, actor: Actor, db: any SQLDatabase) async throws {
        try await db.raw("""
            UPDATE annual_reports SET results = \(bind: narrative.results), shortcomings = \(bind: narrative.shortcomings),
            proposals = \(bind: narrative.proposals), updated_by = \(bind: actor.name), updated_at = \(bind: store.now())
            WHERE id = \(bind: existing.id) AND status IN ('draft', 'returned')
            """).run()
        try await event(existing.id, "luu", "", actor: actor, db: db)
        try await store.audit.record("luu_bao_cao", entity: "annual_report", id: existing.id, detail: "đơn vị \(actor.history.units[existing.unitID]?.code ?? String(existing.unitID)) năm \(existing.year)",
                                     by: actor, on: db)
    }

    /// Submits a unit's report to the unit above, freezing its figures as of `day`. With a
    /// `narrative` (the form's text, sent with "Gửi"), it is saved and submitted at once: a
    /// refused submission saves nothing.
    public func submit(_ actor: Actor, unit unitID: Int, year: Int, narrative: ReportNarrative? = nil, on day: Day) async throws {
        try Self.check(year: year)
        if let narrative { try Self.check(narrative) }
        try requireNotAhead(day)
        let history = actor.history
        if let refusal = refusal(.submit, actor, unit: unitID, report: nil, history: history, on: day) { throw refusal }
        if narrative != nil, let refusal = refusal(.write, actor, unit: unitID, report: nil, history: history, on: day) { throw refusal }
        guard history.units[unitID]?.isActive(on: day) == true else {
            throw StorageError.invalid(Message("refusal.report.unit_ended", .day(day)))
        }
        let figures = try await figures(unitID: unitID, year: year, history: history, today: day)
        let json = String(decoding: try JSONEncoder().encode(figures), as: UTF8.self)
        try await store.writeTransaction { db in
            let r: AnnualReport
            if let narrative {
                r = try await draft(unitID, year, actor: actor, db: db)
                if let refusal = refusal(.submit, actor, unit: unitID, report: r, history: history, on: day) { throw refusal }
                try await write(narrative, to: r, actor: actor, db: db)
            } else {
                try await lock(unitID, year, db: db)
                guard let stored = try await report(unit: unitID, year: year, db: db) else {
                    throw StorageError.invalid(Message("refusal.report.nothing_to_submit", .number(year)))
                }
                r = stored
                if let refusal = refusal(.submit, actor, unit: unitID, report: r, history: history, on: day) { throw refusal }
            }
            guard !(narrative ?? r.narrative).results.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw StorageError.invalid(Message("refusal.report.results_part_empty"))
            }
            try await db.raw("""
                UPDATE annual_reports SET status = 'submitted', figures = \(bind: json), submitted_on = \(bind: day.iso),
                submitted_by = \(bind: actor.name), updated_by = \(bind: actor.name), updated_at = \(bind: store.now()) WHERE id = \(bind: r.id)
                """).run()
            CrashPoint.reach(.reportSubmission)
            try await event(r.id, "gui", "", actor: actor, db: db)
            try await store.audit.record("gui_bao_cao", entity: "annual_report", id: r.id, detail: "đơn vị \(history.units[unitID]?.code ?? String(unitID)) năm \(year) ngày \(day.iso)", by: actor, on: db)
        }
    }

    /// A report is sent and judged on a day that has come: its frozen figures are those of that day.
    private func requireNotAhead(_ day: Day) throws {
        guard day <= store.today else { throw StorageError.invalid(Message("refusal.report.day_ahead", .day(day))) }
    }

    /// The unit above returns a submitted report with comments, or accepts it. The reviewer
    /// is an officer of the reporting unit's parent (`reviewerUnitID`), or an administrator of
    /// the whole province; a unit never reviews its own report, and nobody reviews a report they submitted.
    public func review(_ actor: Actor, unit unitID: Int, year: Int, accept: Bool, comment: String, on day: Day) async throws {
        try Self.check(year: year)
        try actor.require(.reportReview, unit: unitID)
        let comment = comment.trimmingCharacters(in: .whitespacesAndNewlines)
        if !accept && comment.isEmpty {
            throw StorageError.invalid(Message("refusal.report.returning_report_needs_comment"))
        }
        guard comment.count <= ReportNarrative.maxLength else { throw StorageError.invalid(Message("refusal.report.comment_too_long")) }
        try requireNotAhead(day)
        let history = actor.history
        // A unit that has ended cannot send its report again: returned, it would stay so for good.
        if !accept, history.units[unitID]?.isActive(on: day) == false {
            throw StorageError.invalid(Message("refusal.report.ended_unit_accept_only"))
        }
        try await store.writeTransaction { db in
            try await lock(unitID, year, db: db)
            let r = try await report(unit: unitID, year: year, db: db)
            if let refusal = refusal(.review, actor, unit: unitID, report: r, history: history, on: day) { throw refusal }
            guard let r else { throw StorageError.corrupt("annual_reports \(unitID)/\(year)") }
            try await db.raw("""
                UPDATE annual_reports SET status = \(bind: accept ? "accepted" : "returned"), reviewed_on = \(bind: day.iso),
                reviewed_by = \(bind: actor.name), review_comment = \(bind: comment), updated_by = \(bind: actor.name), updated_at = \(bind: store.now())
                WHERE id = \(bind: r.id)
                """).run()
            try await event(r.id, accept ? "chap_nhan" : "tra_lai", comment, actor: actor, db: db)
            try await store.audit.record(accept ? "chap_nhan_bao_cao" : "tra_lai_bao_cao", entity: "annual_report", id: r.id,
                                         detail: "đơn vị \(history.units[unitID]?.code ?? String(unitID)) năm \(year)\(comment.isEmpty ? "" : ": \(comment)")", by: actor, on: db)
        }
    }

    /// Sets the deadline for the reports of `unitID`'s branch for `year`.
    public func setDeadline(_ actor: Actor, unit unitID: Int, year: Int, due: Day) async throws {
        try Self.check(year: year)
        try actor.require(.reportSetDeadline, unit: unitID)
        guard due.year == year || due.year == year + 1 else {
            throw StorageError.invalid(Message("refusal.report.deadline_year", .number(year), .number(year + 1)))
        }
        try await store.writeTransaction { db in
            try await db.raw("""
                INSERT INTO report_deadlines (unit_id, year, due, set_by, set_at)
                VALUES (\(bind: unitID), \(bind: year), \(bind: due.iso), \(bind: actor.name), \(bind: store.now()))
                ON CONFLICT (unit_id, year) DO UPDATE SET due = excluded.due, set_by = excluded.set_by, set_at = excluded.set_at
                """).run()
            try await store.audit.record("dat_han_bao_cao", entity: "unit", id: unitID, detail: "năm \(year) hạn \(due.iso)", by: actor, on: db)
        }
    }

    /// The deadline of a unit's own report (a unit of the actor's branch): the one its parent
    /// gives the units below it.
    public func deadline(_ actor: Actor, for unitID: Int, year: Int) async throws -> Day {
        try actor.require(.readReports, unit: unitID)
        return try await deadline(for: unitID, year: year, history: actor.history, on: store.today)
    }

    /// The deadline a unit of the actor's branch gives the reports below it.
    public func deadline(_ actor: Actor, below unitID: Int, year: Int) async throws -> Day {
        try actor.require(.readReports, unit: unitID)
        return try await deadline(below: unitID, year: year, history: actor.history, on: store.today)
    }

    /// The year of the reports a unit of the actor's branch works on today — its own, or with
    /// `below` those it reviews: last year's while their deadline has not passed (a deadline
    /// may fall in the next year), else this year's. Which reports are due does not depend on
    /// which reviews have been entered.
    public func currentYear(_ actor: Actor, unit unitID: Int, below: Bool = false) async throws -> Int {
        try actor.require(.readReports, unit: unitID)
        let today = store.today, history = actor.history
        // Last year's reports concern a unit only if it, or a unit it has taken over, stood on
        // 31 December (the tree they are expected from); one founded since owes and reviews none.
        let period = Self.periodDate(today.year - 1)
        let owes = history.units[unitID]?.isActive(on: period) == true
            || history.units.values.contains { $0.isActive(on: period) && history.successor(of: $0.id, on: today) == unitID }
        if !owes { return today.year }
        let due = below || history.parent(of: unitID, on: today) == nil
            ? try await deadline(below: unitID, year: today.year - 1, history: history, on: today)
            : try await deadline(for: unitID, year: today.year - 1, history: history, on: today)
        return today <= due ? today.year - 1 : today.year
    }

    /// The deadline a unit's report of `year` is held to: the one set above it on the period
    /// date (31 December of the year, the tree the report is for; today's for a unit that came
    /// later), so a deadline set by a unit since merged still holds.
    func deadline(for unitID: Int, year: Int, history: OrgHistory, on day: Day) async throws -> Day {
        let period = Self.periodDate(year)
        let then = history.units[unitID]?.isActive(on: period) == true ? period : day
        guard let parent = history.parent(of: unitID, on: then) else { return Self.defaultDeadline(year) }
        return Self.deadline(below: parent, year: year, history: history, on: then, set: try await deadlinesSet(year: year))
    }

    /// The deadline a unit gives the reports of the units below it: its own, else the one set
    /// by the nearest unit above, else the default.
    func deadline(below unitID: Int, year: Int, history: OrgHistory, on day: Day) async throws -> Day {
        Self.deadline(below: unitID, year: year, history: history, on: day, set: try await deadlinesSet(year: year))
    }

    private static func deadline(below unitID: Int, year: Int, history: OrgHistory, on day: Day, set: [Int: Day]) -> Day {
        for id in history.ancestry(of: unitID, on: day) { if let due = set[id] { return due } }
        return defaultDeadline(year)
    }

    /// The deadlines units have set for `year`, by unit.
    private func deadlinesSet(year: Int) async throws -> [Int: Day] {
        var set: [Int: Day] = [:]
        for row in try await store.sql.raw("SELECT unit_id, due FROM report_deadlines WHERE year = \(bind: year)").all() {
            set[try row.int("unit_id")] = try row.day("due")
        }
        return set
    }

    /// Who owes `unitID` a report for `year` (its children, or its whole branch), and where
    /// each stands on `today`: the expected reporters come from the tree of 31 December of
    /// the year, followed to their successors (see `ReportingRate`).
    public func board(_ actor: Actor, unit unitID: Int, year: Int, direct: Bool) async throws -> ReportingRate {
        try actor.require(.readReports, unit: unitID)
        return try await board(unit: unitID, year: year, direct: direct, history: actor.history, on: store.today)
    }

    func board(unit unitID: Int, year: Int, direct: Bool, history: OrgHistory, on today: Day) async throws -> ReportingRate {
        try Self.check(year: year)
        let set = try await deadlinesSet(year: year)
        let deadline = Self.deadline(below: unitID, year: year, history: history, on: today, set: set)
        // Each unit of the period's tree is held to the deadline set above it then.
        let period = Self.periodDate(year), tree = history.tree(on: period)
        var deadlines: [Int: Day] = [:]
        if history.units[unitID]?.isActive(on: period) == true {
            for unit in tree.subtree(of: unitID).dropFirst() {
                if let parent = history.parent(of: unit, on: period) {
                    deadlines[unit] = Self.deadline(below: parent, year: year, history: history, on: period, set: set)
                }
            }
        }
        return ReportingRate(history: history, scope: unitID, direct: direct, periodDate: period, asOf: today,
                             deadline: deadline, deadlines: deadlines, reports: try await statuses(year: year, scope: .province))
    }

    /// Reports of units that have since ended, sent and still waiting for the actor's unit to
    /// review them (it was above them on their last day, or is what that unit became): no
    /// board of its own years lists them. Oldest year first.
    public func awaitingReviewFromEndedUnits(_ actor: Actor) async throws -> [(unitID: Int, year: Int)] {
        try actor.require(.readReports)
        guard let reviewer = actor.actingUnit else { return [] }
        let history = actor.history, today = store.today
        var q: SQLQueryString = "SELECT unit_id, year FROM annual_reports WHERE status = 'submitted'"
        guard actor.scope.append(to: &q, column: "unit_id") else { return [] }
        q.appendInterpolation(" ORDER BY year, unit_id" as SQLQueryString)
        return try await store.sql.raw(q).all().compactMap { row in
            let unitID = try row.int("unit_id")
            guard history.units[unitID]?.isActive(on: today) == false,
                  Self.reviewingUnit(of: unitID, history: history, on: today) == reviewer else { return nil }
            return (unitID, try row.int("year"))
        }
    }

    /// Status of every stored report of a year in the actor's branch, by unit.
    public func statuses(_ actor: Actor, year: Int) async throws -> [Int: FiledReport] {
        try actor.require(.readReports)
        return try await statuses(year: year, scope: actor.scope)
    }

    func statuses(year: Int, scope: Scope) async throws -> [Int: FiledReport] {
        var q: SQLQueryString = "SELECT unit_id, status, submitted_on FROM annual_reports WHERE year = \(bind: year)"
        guard scope.append(to: &q, column: "unit_id") else { return [:] }
        var out: [Int: FiledReport] = [:]
        for row in try await store.sql.raw(q).all() {
            let text = try row.string("status")
            guard let status = AnnualReportStatus(rawValue: text) else { throw StorageError.corrupt("annual_reports.status = \(text)") }
            out[try row.int("unit_id")] = FiledReport(status, submittedOn: try row.optionalDay("submitted_on"))
        }
        return out
    }

    private func event(_ id: Int, _ action: String, _ comment: String, actor: Actor, db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO report_events (report_id, at, actor, action, comment) VALUES (\(bind: id), \(bind: store.now()), \(bind: actor.name), \(bind: action), \(bind: comment))
            """).run()
    }

    /// Locks the report's row for the rest of the transaction (PostgreSQL; SQLite's write
    /// transactions are serial already), so a submission and a review cannot cross.
    private func lock(_ unitID: Int, _ year: Int, db: any SQLDatabase) async throws {
        if store.dialect == .postgres {
            try await db.raw("SELECT id FROM annual_reports WHERE unit_id = \(bind: unitID) AND year = \(bind: year) FOR UPDATE").run()
        }
    }

    static func check(year: Int) throws {
        guard years.contains(year) else { throw StorageError.invalid(Message("refusal.year_out_of_range", .number(year), .number(years.lowerBound), .number(years.upperBound))) }
    }
}

extension Store {
    public var reports: AnnualReports { AnnualReports(store: self) }
}

extension Scope {
    /// The branch a unit's figures cover: the whole province for a root of today's tree
    /// (what its accounts see, and no list of every unit id in the queries), else the unit's
    /// subtree with its predecessors; for a unit that has ended, as they were on its last day.
    static func figures(of unitID: Int, in history: OrgHistory, on day: Day) -> Scope {
        let last = history.lastStanding(of: unitID, on: day)
        // An ended unit (even a province merged into another) covers its own branch, never the province.
        return last == day ? branch(of: unitID, in: history, on: day) : predecessorsIncluded(of: unitID, in: history, on: last)
    }

}
