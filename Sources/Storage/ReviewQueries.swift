import FluentKit
import PovertyCore
import SQLKit

/// Households per living-standard class.
public struct StatusCounts: Sendable, Hashable {
    public var poor = 0, nearPoor = 0, average = 0, notPoor = 0
    public init() {}
    public var households: Int { poor + nearPoor + average + notPoor }
    public static func + (a: Self, b: Self) -> Self {
        var c = a
        c.poor += b.poor; c.nearPoor += b.nearPoor; c.average += b.average; c.notPoor += b.notPoor
        return c
    }
    mutating func add(_ status: String, _ n: Int) {
        switch LivingStandard(rawValue: status) {
        case .poor: poor += n
        case .nearPoor: nearPoor += n
        case .average: average += n
        case .notPoor, .none: notPoor += n
        }
    }
}

/// On which tree to show a year's counts.
public enum TreeBasis: Sendable, Hashable {
    /// The tree as it was at the end of the review year.
    case reviewDate
    /// Re-based onto the tree of this day (e.g. today), following successors.
    case rebased(onto: Day)
}

/// A household whose commune-approved class differs from the computed one.
public struct Mismatch: Sendable, Hashable {
    public let householdCode: String
    public let year: Int
    public let unitID: Int
    public let computed: LivingStandard
    public let official: LivingStandard
    public let reason: String
}

/// A member living in a poor or near-poor household.
public struct VulnerableMember: Sendable, Hashable {
    public let memberCode: String
    public let fullName: String
    public let householdCode: String
    public let unitID: Int
    public let status: LivingStandard
    /// First year of the current unbroken run of poor/near-poor reviews.
    public let since: Int
}

public struct ReviewQueries: Sendable {
    let store: Store

    /// Review counts by the unit each review was counted in (from `Rollups`).
    func countsByUnit(year: Int, scope: Scope) async throws -> [Int: StatusCounts] {
        var query: SQLQueryString = "SELECT unit_id, status, CAST(SUM(households) AS BIGINT) AS n FROM rollup_reviews WHERE year = \(bind: year)"
        if !scope.append(to: &query, column: "unit_id") { return [:] }
        query.appendInterpolation(" GROUP BY unit_id, status" as SQLQueryString)
        var out: [Int: StatusCounts] = [:]
        for row in try await store.sql.raw(query).all() {
            out[try row.int("unit_id"), default: StatusCounts()].add(try row.string("status"), try row.int("n"))
        }
        return out
    }

    /// A year's counts rolled up a tree: each unit's own reviews plus its subtree's.
    /// With `.rebased(onto:)`, counts of units that no longer exist move to their successors
    /// first, so e.g. the 2021 baseline counted under district federations shows under
    /// today's commune/ward and sector unions. Counts of units whose line ended without a
    /// successor are returned in `orphaned`.
    /// With `.reviewDate`, reviews of a unit that ended during the year (the importer accepts any
    /// unit that existed in the year) count under its successor on 31 December, not nowhere.
    /// `scope` applies to where the counts land, so a branch of today's tree also gets what its
    /// predecessors counted.
    public func rolledUp(_ actor: Actor, year: Int, basis: TreeBasis)
        async throws -> (tree: OrgTree, totals: [Int: StatusCounts], orphaned: [Int: StatusCounts]) {
        try actor.require(.readRegistry)
        return try await rolledUp(year: year, basis: basis, history: actor.history, scope: actor.scope)
    }

    func rolledUp(year: Int, basis: TreeBasis, history: OrgHistory, scope: Scope)
        async throws -> (tree: OrgTree, totals: [Int: StatusCounts], orphaned: [Int: StatusCounts]) {
        let own = try await countsByUnit(year: year, scope: .province)
        let day = switch basis {
        case .reviewDate: Day.endOfYear(year)
        case .rebased(let day): day
        }
        let tree = history.tree(on: day)
        let moved = history.rebase(own, onto: day, combine: +)
        let counts = moved.counts.filter { scope.contains($0.key) }
        let orphaned = moved.orphaned.filter { scope.contains($0.key) }
        return (tree, history.rollUp(counts, on: tree, zero: StatusCounts(), combine: +), orphaned)
    }

    /// Households of the actor's branch whose class on the commune's official list differs
    /// from ours. Audited as a read of named households.
    public func mismatches(_ actor: Actor, year: Int? = nil) async throws -> [Mismatch] {
        try actor.require(.readRegistry)
        let found = try await mismatches(year: year, scope: actor.scope)
        try await store.audit.read("xuat", entity: "household", detail: "hộ lệch danh sách xã \(year.map(String.init) ?? "mọi năm"): \(found.count) dòng", by: actor)
        return found
    }

    func mismatches(year: Int?, scope: Scope) async throws -> [Mismatch] {
        var query: SQLQueryString = """
            SELECT h.code, r.year, r.unit_id, r.status, r.official_status, r.reason FROM reviews r
            JOIN households h ON h.id = r.household_id
            WHERE r.official_status IS NOT NULL AND r.official_status <> r.status
            """
        if let year { query.appendInterpolation(" AND r.year = \(bind: year)" as SQLQueryString) }
        if !scope.append(to: &query, column: "r.unit_id") { return [] }
        query.appendInterpolation(" ORDER BY r.year, h.code" as SQLQueryString)
        return try await store.sql.raw(query).all().map {
            Mismatch(householdCode: try $0.string("code"), year: try $0.int("year"), unitID: try $0.int("unit_id"),
                     computed: try $0.status("status"),
                     official: try $0.status("official_status"), reason: try $0.string("reason"))
        }
    }

    /// Members of the actor's branch, in the union during `year` (or with no membership dates
    /// recorded), living in households that are poor or near-poor in `year`, with since which
    /// review round. Audited as a read of named people.
    public func vulnerableMembers(_ actor: Actor, year: Int) async throws -> [VulnerableMember] {
        try actor.require(.readRegistry)
        let found = try await vulnerableMembers(year: year, scope: actor.scope)
        try await store.audit.read("xuat", entity: "member", detail: "đoàn viên hộ nghèo, cận nghèo năm \(year): \(found.count) dòng", by: actor)
        return found
    }

    /// A member is in a household in `year` where that year's review names them; else where
    /// a link held at the year's end (v021: a members file dates a move between households),
    /// unless another household's review of the year names them.
    func vulnerableMembers(year: Int, scope: Scope) async throws -> [VulnerableMember] {
        var query: SQLQueryString = """
            SELECT m.code AS member_code, m.full_name, h.code AS household_code, h.id AS household_id, r.unit_id, r.status
            FROM reviews r
            JOIN households h ON h.id = r.household_id
            JOIN household_members hm ON hm.household_id = h.id
            JOIN members m ON m.id = hm.member_id
            LEFT JOIN (SELECT member_id, MIN(household_id) AS first_id, MAX(household_id) AS last_id FROM reviews
                       WHERE year = \(bind: year) AND member_id IS NOT NULL GROUP BY member_id) named ON named.member_id = m.id
            WHERE r.year = \(bind: year) AND r.status IN ('ngheo', 'can_ngheo')
              AND (r.member_id = m.id
                   OR ((hm.linked_on IS NULL OR hm.linked_on <= \(bind: Day.endOfYear(year).iso))
                       AND (hm.unlinked_on IS NULL OR hm.unlinked_on > \(bind: Day.endOfYear(year).iso))
                       AND (named.member_id IS NULL OR (named.first_id = h.id AND named.last_id = h.id))))
              AND (NOT EXISTS (SELECT 1 FROM memberships ms WHERE ms.member_id = m.id)
                   OR EXISTS (SELECT 1 FROM memberships ms WHERE ms.member_id = m.id AND ms.joined <= \(bind: Day.endOfYear(year).iso)
                              AND (ms.left_on IS NULL OR ms.left_on >= \(bind: Day.endOfYear(year - 1).adding(days: 1).iso))))
            """
        if !scope.append(to: &query, column: "r.unit_id") { return [] }
        query.appendInterpolation(" ORDER BY m.name_folded, m.code" as SQLQueryString)
        let rows = try await store.sql.raw(query).all()
        let householdIDs = Set(try rows.map { try $0.int("household_id") })
        // Each household's years in poverty or near-poverty, to find the start of the current run.
        var vulnerableYears: [Int: Set<Int>] = [:]
        for chunk in Array(householdIDs).chunked(400) {
            for row in try await store.sql.raw("""
                SELECT household_id, year FROM reviews WHERE status IN ('ngheo', 'can_ngheo') AND year <= \(bind: year)
                  AND household_id IN (\(binds: Array(chunk)))
                """).all() {
                vulnerableYears[try row.int("household_id"), default: []].insert(try row.int("year"))
            }
        }
        // The run goes back round by round (a year without reviews anywhere does not break it),
        // as far as any of these households' years reach.
        let earliest = vulnerableYears.values.compactMap { $0.min() }.min() ?? year
        let rounds = try await Rollups.reviewRounds(store.sql).filter { $0 >= earliest && $0 < year }.reversed()
        return try rows.map { row in
            let years = vulnerableYears[try row.int("household_id")] ?? [year]
            var since = year
            for round in rounds {
                guard years.contains(round) else { break }
                since = round
            }
            return VulnerableMember(memberCode: try row.string("member_code"), fullName: try row.string("full_name"),
                                    householdCode: try row.string("household_code"), unitID: try row.int("unit_id"),
                                    status: try row.status("status"), since: since)
        }
    }

    /// The households of `scope`'s branch each member lives in now (by member id; a link a
    /// members file ended is left out): a household
    /// counts where its latest review was counted, so another branch's household is never named.
    func households(ofMembers memberIDs: [Int], scope: Scope) async throws -> [Int: [String]] {
        var out: [Int: [String]] = [:]
        for chunk in memberIDs.chunked(400) {
            var q: SQLQueryString = """
                SELECT hm.member_id, h.code FROM household_members hm JOIN households h ON h.id = hm.household_id
                JOIN reviews r ON r.household_id = h.id
                  AND r.year = (SELECT MAX(r2.year) FROM reviews r2 WHERE r2.household_id = h.id)
                WHERE hm.member_id IN (\(binds: Array(chunk))) AND hm.unlinked_on IS NULL
                """
            guard scope.append(to: &q, column: "r.unit_id") else { return [:] }
            q.appendInterpolation(" ORDER BY h.code" as SQLQueryString)
            for row in try await store.sql.raw(q).all() { out[try row.int("member_id"), default: []].append(try row.string("code")) }
        }
        return out
    }
}

/// One household with its members and every review it had, oldest first.
public struct HouseholdFile: Sendable, Hashable {
    public struct Member: Sendable, Hashable {
        public let code: String
        public let fullName: String
        public let isPrimary: Bool
    }
    public struct Review: Sendable, Hashable {
        public let year: Int
        public let unitID: Int
        public let standardCode: String
        public let status: LivingStandard
        public let perCapitaMonthly: Dong
        public let deprivationCount: Int
        /// Deprived indicators, one bit per catalogue index (`Indicator.index`).
        public let deprivations: UInt64
        public let reason: String
        public let official: LivingStandard?
    }
    public let id: Int
    public let code: String
    public let area: Area?
    public let province: String?
    public let commune: String?
    public let members: [Member]
    public let reviews: [Review]
}

extension ReviewQueries {
    /// A household by code, with its members and the reviews counted in the actor's branch;
    /// not found when there is none, or when none of its reviews was counted in the branch
    /// (the same answer). Audited as a read of a named household.
    public func household(_ actor: Actor, code: String) async throws -> HouseholdFile {
        try actor.require(.readRegistry)
        guard let file = try await household(code: code, scope: actor.scope) else { throw StorageError.notFound(.household, code) }
        try await store.audit.read("xem", entity: "household", id: file.id, detail: file.code, by: actor)
        return file
    }

    func household(code: String, scope: Scope) async throws -> HouseholdFile? {
        let db = try store.sql.fluent
        guard let h = try await HouseholdModel.query(on: db).filter(\.$code == code).first() else { return nil }
        let id = try h.requireID()
        var reviews = try await ReviewModel.query(on: db).filter(\.$householdID == id).sort(\.$year).all()
        // Where it counts now: its latest review's unit. A branch it has left still reads its
        // own reviews, and of its members only those who are the branch's own.
        let now = reviews.last?.unitID
        if let units = scope.unitIDs {
            reviews = reviews.filter { units.contains($0.unitID) }
            if reviews.isEmpty { return nil }
        }
        var links = try await store.sql.raw("""
            SELECT m.code, m.full_name, m.id FROM household_members hm JOIN members m ON m.id = hm.member_id
            WHERE hm.household_id = \(bind: id) AND hm.unlinked_on IS NULL ORDER BY m.code
            """).all()
        if let now, !scope.contains(now) {
            var own: [any SQLRow] = []
            for row in links where try await MemberRegistry.homeUnit(of: try row.int("id"), on: store.sql).map(scope.contains) ?? false {
                own.append(row)
            }
            links = own
        }
        // The household's place and area are its latest review's: a branch it has left reads
        // the area of its own latest review, and no place (that of the branch holding it now).
        let left = now.map { !scope.contains($0) } ?? false
        var area: Area?
        if let text = left ? reviews.last?.area : h.area, !text.isEmpty {
            guard let a = Area(rawValue: text) else { throw StorageError.corrupt("households.area = \(text)") }
            area = a
        }
        return HouseholdFile(
            id: id, code: h.code, area: area, province: left ? nil : h.province, commune: left ? nil : h.commune,
            members: try links.map {
                HouseholdFile.Member(code: try $0.string("code"), fullName: try $0.string("full_name"),
                                     isPrimary: try $0.int("id") == h.primaryMemberID)
            },
            reviews: try reviews.map { r in
                guard let status = LivingStandard(rawValue: r.status) else { throw StorageError.corrupt("reviews.status = \(r.status)") }
                var official: LivingStandard?
                if let text = r.officialStatus {
                    guard let o = LivingStandard(rawValue: text) else { throw StorageError.corrupt("reviews.official_status = \(text)") }
                    official = o
                }
                return HouseholdFile.Review(year: r.year, unitID: r.unitID, standardCode: r.standardCode, status: status,
                                            perCapitaMonthly: r.perCapitaIncome, deprivationCount: r.deprivationCount,
                                            deprivations: UInt64(bitPattern: Int64(r.deprivations)), reason: r.reason, official: official)
            })
    }
}

extension Store {
    public var reviews: ReviewQueries { ReviewQueries(store: self) }
}
