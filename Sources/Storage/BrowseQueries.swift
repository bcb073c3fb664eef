import FluentKit
import Foundation
import PovertyCore
import SQLKit
import NIOConcurrencyHelpers

/// One line of a list of households: the household's review of one year.
public struct HouseholdLine: Sendable, Hashable, Codable {
    public let code: String
    public let primaryMember: String?
    public let unitID: Int
    public let year: Int
    public let status: LivingStandard
    public let official: LivingStandard?
    public let perCapitaMonthly: Dong
    public let deprivationCount: Int
}

/// What to list: a review year, optionally a class, a unit's branch and a search text.
public struct HouseholdFilter: Sendable, Hashable {
    public var year: Int
    public var status: LivingStandard?
    /// Only households counted in this unit's branch (its subtree today, with its
    /// predecessors), within the actor's branch.
    public var unit: Int?
    /// A name (diacritics and case ignored), a household code or a member code.
    public var text: String?
    public var mismatchesOnly = false
    public init(year: Int, status: LivingStandard? = nil, unit: Int? = nil, text: String? = nil, mismatchesOnly: Bool = false) {
        self.year = year; self.status = status; self.unit = unit; self.text = text; self.mismatchesOnly = mismatchesOnly
    }
    /// A key of the filter for caches.
    public var key: String { "\(year)|\(status?.rawValue ?? "")|\(unit.map(String.init) ?? "")|\(mismatchesOnly)|\(text ?? "")" }
}

/// A page of a longer list.
public struct Page<Item: Sendable>: Sendable {
    public let items: [Item]
    public let total: Int
    public let page: Int
    public let perPage: Int
    public var pages: Int { max(1, (total + perPage - 1) / perPage) }
}

/// A year's counts and the moves since the year before (same standard only).
public struct YearFigures: Sendable, Hashable, Codable {
    public let year: Int
    public let standardCodes: [String]
    public let households: Int
    public let poor: Int
    public let nearPoor: Int
    /// Poor last year, not poor this year (nil where last year was under another standard or absent).
    public let escaped: Int?
    /// Not poor (or not reviewed) last year, poor this year.
    public let enteredPoverty: Int?
}

/// The queries behind the web app's lists and dashboard. Every one takes a scope.
public struct BrowseQueries: Sendable {
    let store: Store

    /// The newest review year in the actor's branch, if any review is there.
    public func latestYear(_ actor: Actor) async throws -> Int? {
        try actor.require(.readRegistry)
        return try await latestYear(scope: actor.scope)
    }

    func latestYear(scope: Scope, upTo last: Int? = nil) async throws -> Int? {
        var q: SQLQueryString = "SELECT MAX(year) AS y FROM reviews WHERE 1 = 1"
        if let last { q.appendInterpolation(" AND year <= \(bind: last)" as SQLQueryString) }
        if !scope.append(to: &q, column: "unit_id") { return nil }
        return try await store.sql.raw(q).first()?.optionalInt("y")
    }

    /// Households of a review year in the actor's branch, in Vietnamese order of their primary
    /// member's name (given name first; households without one last), a page at a time.
    /// Audited as a read of named households.
    public func households(_ actor: Actor, _ filter: HouseholdFilter, page: Int, perPage: Int = 50) async throws -> Page<HouseholdLine> {
        let total = try await householdCount(actor, filter)
        return try await households(actor, filter, page: page, perPage: perPage, total: total)
    }

    /// The part of the actor's branch a filter lists: the branch, or a unit's branch inside it.
    func scope(of filter: HouseholdFilter, for actor: Actor) async throws -> Scope {
        guard let unit = filter.unit else { return actor.scope }
        try actor.requireInBranch(unit, .unit, String(unit))
        let today = store.today
        let branch = try await store.scopes.value("b/\(unit)/\(today.iso)", version: actor.dataVersion) {
            Scope.predecessorsIncluded(of: unit, in: actor.history, on: today)
        }
        return actor.scope.intersection(branch)
    }

    /// How many households `filter` selects in the actor's branch (callers may keep it until the data changes).
    public func householdCount(_ actor: Actor, _ filter: HouseholdFilter) async throws -> Int {
        try actor.require(.readRegistry)
        let scope = try await scope(of: filter, for: actor)
        let searching = !(filter.text ?? "").trimmingCharacters(in: .whitespaces).isEmpty
        guard let whereClause = householdWhere(filter, scope: scope, householdsFirst: searching) else { return 0 }
        // Only a search needs the households; other filters count reviews alone.
        var count: SQLQueryString = searching ? "SELECT COUNT(*) AS n FROM households h CROSS JOIN reviews r" : "SELECT COUNT(*) AS n FROM reviews r"
        count.appendInterpolation(whereClause)
        return try await store.sql.raw(count).first()?.int("n") ?? 0
    }

    /// One page of `filter`'s households, `total` being their count. The order is an index's
    /// (`households.sort_key`, `code`), so a page costs the same early or late in a big list.
    /// Audited as a read of named households.
    public func households(_ actor: Actor, _ filter: HouseholdFilter, page: Int, perPage: Int, total: Int) async throws -> Page<HouseholdLine> {
        try actor.require(.readRegistry)
        let scope = try await scope(of: filter, for: actor)
        let result = try await households(filter, scope: scope, page: page, perPage: perPage, total: total)
        try await store.audit.read("xem_danh_sach", entity: "household",
                                   detail: "năm \(filter.year) trang \(result.page): \(result.items.count)/\(result.total) hộ", by: actor)
        return result
    }

    func households(_ filter: HouseholdFilter, scope: Scope, page: Int, perPage: Int, total: Int) async throws -> Page<HouseholdLine> {
        let pageNumber = max(1, min(page, max(1, (total + perPage - 1) / perPage)))
        // Households first when searching (the matching households drive) or when the whole year
        // is listed (walk the households in key order and stop after the page); otherwise take
        // the matching reviews of the branch or class first and sort those.
        let searching = !(filter.text ?? "").trimmingCharacters(in: .whitespaces).isEmpty
        let walk = searching || (scope.unitIDs == nil && filter.status == nil && !filter.mismatchesOnly)
        guard total > 0, let whereClause = householdWhere(filter, scope: scope, householdsFirst: walk) else {
            return Page(items: [], total: 0, page: 1, perPage: perPage)
        }
        var list: SQLQueryString = """
            SELECT h.code, m.full_name, r.unit_id, r.year, r.status, r.official_status, r.per_capita_income, r.deprivation_count
            FROM \(unsafeRaw: walk ? "households h CROSS JOIN reviews r" : "reviews r JOIN households h ON h.id = r.household_id")
            LEFT JOIN members m ON m.id = h.primary_member_id
            """
        list.appendInterpolation(whereClause)
        let collate = store.dialect == .postgres ? " COLLATE \"C\"" : ""
        // A search sorts its matches: SQLite must not walk every household in key order
        // checking each against the matches (`+` keeps it off the index).
        let key = searching && store.dialect == .sqlite ? "+h.sort_key" : "h.sort_key"
        list.appendInterpolation(" ORDER BY \(unsafeRaw: key)\(unsafeRaw: collate), h.code\(unsafeRaw: collate) LIMIT \(literal: perPage) OFFSET \(literal: (pageNumber - 1) * perPage)" as SQLQueryString)
        let items = try await store.sql.raw(list).all().map { row in
            HouseholdLine(code: try row.string("code"), primaryMember: try row.optionalString("full_name"), unitID: try row.int("unit_id"),
                          year: try row.int("year"), status: try row.status("status"), official: try row.optionalStatus("official_status"),
                          perCapitaMonthly: try row.int("per_capita_income"), deprivationCount: try row.int("deprivation_count"))
        }
        return Page(items: items, total: total, page: pageNumber, perPage: perPage)
    }

    /// ` WHERE …` of a household filter; nil when nothing can match (an empty scope).
    private func householdWhere(_ filter: HouseholdFilter, scope: Scope, householdsFirst: Bool) -> SQLQueryString? {
        var whereClause: SQLQueryString = " WHERE r.year = \(bind: filter.year)"
        if householdsFirst { whereClause.appendInterpolation(" AND r.household_id = h.id" as SQLQueryString) }
        if !scope.append(to: &whereClause, column: "r.unit_id") { return nil }
        if let status = filter.status { whereClause.appendInterpolation(" AND r.status = \(bind: status.rawValue)" as SQLQueryString) }
        if filter.mismatchesOnly { whereClause.appendInterpolation(" AND r.official_status IS NOT NULL AND r.official_status <> r.status" as SQLQueryString) }
        if let text = filter.text?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            let folded = TextFolding.foldForSearch(text)
            // The matching members first, then their households: by the trigram index on SQLite
            // (three letters or more, no wildcard characters), else one pass over folded names.
            let plain = !folded.contains { $0 == "%" || $0 == "_" || $0 == "\\" }
            let names: SQLQueryString
            if store.dialect == .sqlite && plain && folded.count >= 3 {
                names = "SELECT hm.household_id FROM members_fts f CROSS JOIN household_members hm WHERE hm.member_id = f.rowid AND f.name_folded LIKE \(bind: "%" + folded + "%")"
            } else {
                let pattern = "%" + likeLiteral(folded) + "%"
                names = "SELECT hm.household_id FROM members m2 CROSS JOIN household_members hm WHERE hm.member_id = m2.id AND m2.name_folded LIKE \(bind: pattern) ESCAPE '\\'"
            }
            whereClause.appendInterpolation(" AND h.id IN (" as SQLQueryString)
            whereClause.appendInterpolation(names)
            whereClause.appendInterpolation("""
                 UNION SELECT hm.household_id FROM members m3 CROSS JOIN household_members hm WHERE hm.member_id = m3.id AND m3.code = \(bind: text)
                 UNION SELECT id FROM households WHERE code = \(bind: text))
                """ as SQLQueryString)
        }
        return whereClause
    }

    /// Counts per review year in the actor's branch, with escapes from and entries into
    /// poverty, read from the counts kept beside the reviews (`Rollups`): a few rows per unit
    /// and year, however many households there are.
    public func yearFigures(_ actor: Actor) async throws -> [YearFigures] {
        try actor.require(.readRegistry)
        return try await yearFigures(scope: actor.scope)
    }

    func yearFigures(scope: Scope) async throws -> [YearFigures] {
        var q: SQLQueryString = """
            SELECT year, standard_code, CAST(SUM(households) AS BIGINT) AS n,
                   CAST(SUM(CASE WHEN status = 'ngheo' THEN households ELSE 0 END) AS BIGINT) AS poor,
                   CAST(SUM(CASE WHEN status = 'can_ngheo' THEN households ELSE 0 END) AS BIGINT) AS near_poor
            FROM \(unsafeRaw: scope.unitIDs == nil ? "rollup_totals" : "rollup_reviews") WHERE 1 = 1
            """
        if !scope.append(to: &q, column: "unit_id") { return [] }
        q.appendInterpolation(" GROUP BY year, standard_code ORDER BY year" as SQLQueryString)
        var byYear: [Int: (codes: [String], main: (code: String, n: Int), n: Int, poor: Int, near: Int)] = [:]
        for row in try await store.sql.raw(q).all() {
            let y = try row.int("year"), code = try row.string("standard_code"), n = try row.int("n")
            var e = byYear[y] ?? ([], ("", -1), 0, 0, 0)
            e.codes.append(code)
            // The year's standard is the one most of its households were reviewed under, as reports take it.
            if n > e.main.n || (n == e.main.n && code < e.main.code) { e.main = (code, n) }
            e.n += n; e.poor += try row.int("poor"); e.near += try row.int("near_poor")
            byYear[y] = e
        }
        let moves = try await store.rollups.moves(scope: scope)
        // Each year compares with the previous review round, as its moves do.
        let rounds = try await Rollups.reviewRounds(store.sql)
        var last: [Int: Int] = [:]
        for y in byYear.keys { last[y] = Rollups.round(before: y, in: rounds) }
        return byYear.keys.sorted().compactMap { y in
            guard let e = byYear[y] else { return nil }
            // Moves compare with the previous round only under one standard (`ReportFigures.isBaseline`).
            let comparable = last[y].flatMap { byYear[$0] }.map { $0.main.code == e.main.code } ?? false
            return YearFigures(year: y, standardCodes: e.codes.sorted(), households: e.n, poor: e.poor, nearPoor: e.near,
                               escaped: comparable ? moves[y]?[.escaped] ?? 0 : nil, enteredPoverty: comparable ? (moves[y]?[.fellBack] ?? 0) + (moves[y]?[.newly] ?? 0) : nil)
        }
    }

    /// The audit log, newest first, filtered by who, action, entity and the days (in Vietnam,
    /// both included) it happened on (the audit's readers: administrators and auditors of the
    /// whole province). Audited as a read of named people.
    public func auditEntries(_ actor: Actor, by name: String? = nil, action: String? = nil, entity: String? = nil, from: Day? = nil, to: Day? = nil,
                             page: Int, perPage: Int = 100) async throws -> Page<Audit.Entry> {
        try actor.require(.readAudit)
        try? await store.flushJournal(waiting: false)
        var w: SQLQueryString = " WHERE 1 = 1"
        if let name, !name.isEmpty { w.appendInterpolation(" AND actor = \(bind: name)" as SQLQueryString) }
        if let action, !action.isEmpty { w.appendInterpolation(" AND action = \(bind: action)" as SQLQueryString) }
        if let entity, !entity.isEmpty { w.appendInterpolation(" AND entity = \(bind: entity)" as SQLQueryString) }
        if let from { w.appendInterpolation(" AND at >= \(bind: Clock.start(of: from))" as SQLQueryString) }
        // Up to the end of `to` (the last day a `Day` holds has no end to give: everything after `from`).
        if let after = to?.next { w.appendInterpolation(" AND at < \(bind: Clock.start(of: after))" as SQLQueryString) }
        var c: SQLQueryString = "SELECT COUNT(*) AS n FROM audit_log"
        c.appendInterpolation(w)
        let total = try await store.sql.raw(c).first()?.int("n") ?? 0
        let p = max(1, min(page, max(1, (total + perPage - 1) / perPage)))
        var q: SQLQueryString = "SELECT at, actor, channel, action, entity, entity_id, detail FROM audit_log"
        q.appendInterpolation(w)
        // By time: entries of reads reach the log from the SQLite journal a moment after they happened.
        q.appendInterpolation(" ORDER BY at DESC, id DESC LIMIT \(literal: perPage) OFFSET \(literal: (p - 1) * perPage)" as SQLQueryString)
        let items = try await store.sql.raw(q).all().map(Audit.Entry.init)
        // Its details name members, households and reasons: reading it is a read of named people.
        let filters = [("người", name), ("thao tác", action), ("đối tượng", entity), ("từ ngày", from?.vietnamese), ("đến ngày", to?.vietnamese)].compactMap { label, value in
            value.flatMap { $0.isEmpty ? nil : "\(label) \($0)" }
        }
        try await store.audit.read("xem_danh_sach", entity: "audit_log",
                                   detail: (filters + ["trang \(p): \(items.count)/\(total) dòng"]).joined(separator: ", "), by: actor)
        return Page(items: items, total: total, page: p, perPage: perPage)
    }

    /// The user names of the accounts, for the audit page's choice of who acted.
    public func auditActors(_ actor: Actor) async throws -> [String] {
        try actor.require(.readAudit)
        return try await store.sql.raw("SELECT username FROM users ORDER BY username").all().map { try $0.string("username") }
    }

    /// How many households of a year differ from the commune's list, per unit of the actor's
    /// branch (counts only, from `Rollups`).
    public func mismatchCounts(_ actor: Actor, year: Int) async throws -> [Int: Int] {
        try actor.require(.readRegistry)
        let scope = actor.scope
        var q: SQLQueryString = "SELECT unit_id, CAST(SUM(mismatched) AS BIGINT) AS n FROM rollup_reviews WHERE year = \(bind: year)"
        if !scope.append(to: &q, column: "unit_id") { return [:] }
        q.appendInterpolation(" GROUP BY unit_id" as SQLQueryString)
        var out: [Int: Int] = [:]
        for row in try await store.sql.raw(q).all() where try row.int("n") > 0 { out[try row.int("unit_id")] = try row.int("n") }
        return out
    }

}

extension SQLRow {
    func status(_ column: String) throws -> LivingStandard {
        let text = try string(column)
        guard let s = LivingStandard(rawValue: text) else { throw StorageError.corrupt("\(column) = \(text)") }
        return s
    }
    func optionalStatus(_ column: String) throws -> LivingStandard? {
        guard let text = try optionalString(column) else { return nil }
        guard let s = LivingStandard(rawValue: text) else { throw StorageError.corrupt("\(column) = \(text)") }
        return s
    }
}

/// The union tree's history, read once and kept until the tree changes (its revision tells),
/// so a request does not reload thousands of units.
public final class HistoryCache: Sendable {
    private let cached = NIOLockedValueBox<(key: String, history: OrgHistory)?>(nil)
    public init() {}

    /// The history and a version of the data: it changes whenever the tree changes, an import
    /// commits (reviews are written only by imports), a target is set or a member changes, so
    /// figures computed from the registry can be kept until it changes.
    func snapshot(of store: Store) async throws -> (history: OrgHistory, version: String) {
        // The revisions every write bumps in its own transaction (`Store.bump`), read from the
        // database: every instance of the app sees every other's changes.
        var revision: [String: Int] = [:]
        for row in try await store.sql.raw("SELECT name, revision FROM data_revisions").all() {
            revision[try row.string("name")] = try row.int("revision")
        }
        guard let tree = revision["tree"], let reviews = revision["reviews"], let targets = revision["targets"] else {
            throw StorageError.corrupt("data_revisions")
        }
        let key = "t\(tree)"
        let version = "\(key)/r\(reviews)/g\(targets)/m\(revision["members"] ?? 0)"
        if let c = cached.withLockedValue({ $0 }), c.key == key { return (c.history, version) }
        let history = try await store.units.history()
        cached.withLockedValue { $0 = (key, history) }
        return (history, version)
    }
}

/// Values computed from the registry, kept per key until the data version changes.
public final class FiguresCache<Value: Sendable>: Sendable {
    private let entries = NIOLockedValueBox<[String: (version: String, value: Value)]>([:])
    public init() {}

    public func value(_ key: String, version: String, compute: () async throws -> Value) async throws -> Value {
        if let e = entries.withLockedValue({ $0[key] }), e.version == version { return e.value }
        let value = try await compute()
        entries.withLockedValue { all in
            if all.count > 1000 { all.removeAll() }
            all[key] = (version, value)
        }
        return value
    }
}

extension Store {
    public var browse: BrowseQueries { BrowseQueries(store: self) }

    /// The tree and the data version (it changes whenever the tree, the reviews or the targets
    /// change), read once and kept until the version moves.
    public func snapshot() async throws -> (history: OrgHistory, version: String) {
        try await histories.snapshot(of: self)
    }
}

extension Store {
    /// Sets every household's `sort_key` to its primary member's Vietnamese name key, or
    /// after every name (`~` and the code) when it has none; touches only rows that differ.
    static func refreshHouseholdSortKeys(on db: any SQLDatabase) async throws {
        let differs = db.dialect.name == "postgresql" ? "IS DISTINCT FROM" : "IS NOT"
        // In slices of ids: one UPDATE of a million rows keeps a statement journal of them all
        // (in memory during imports), and the import's memory would grow with the file.
        let last = try await db.raw("SELECT COALESCE(MAX(id), 0) AS n FROM households").first()?.int("n") ?? 0
        var from = 0
        while from < last {
            try await db.raw("""
                UPDATE households SET sort_key = \(unsafeRaw: wanted)
                WHERE id > \(bind: from) AND id <= \(bind: from + 50_000) AND sort_key \(unsafeRaw: differs) \(unsafeRaw: wanted)
                """).run()
            from += 50_000
        }
    }

    /// The sort keys of the households one member represents (after their name changed): the
    /// households that member's name orders, found by index, not every household.
    static func refreshHouseholdSortKeys(ofMember memberID: Int, on db: any SQLDatabase) async throws {
        let differs = db.dialect.name == "postgresql" ? "IS DISTINCT FROM" : "IS NOT"
        try await db.raw("""
            UPDATE households SET sort_key = \(unsafeRaw: wanted)
            WHERE primary_member_id = \(bind: memberID) AND sort_key \(unsafeRaw: differs) \(unsafeRaw: wanted)
            """).run()
    }

    /// A household's sort key: its representative's name as sorted, else its code after every name.
    private static let wanted = "COALESCE((SELECT m.name_sort FROM members m WHERE m.id = households.primary_member_id), '~' || households.code)"
}
