import FluentKit
import PovertyCore
import SQLKit

/// What a target counts. Extensible: each measure names the class it counts.
public enum TargetMeasure: String, Sendable, Codable, CaseIterable {
    /// Poor households among members (the plan's measure).
    case poorHouseholds = "ho_ngheo"

    var status: LivingStandard { .poor }
}

/// A target as stored: for a unit's branch, from a baseline year to a target year.
public struct Target: Sendable, Hashable {
    public let id: Int
    public let unitID: Int
    public let measure: TargetMeasure
    public let baselineYear: Int
    public let targetYear: Int
    public let reductionPermille: Int?
    public let level: Int?
    /// The tree the baseline was frozen on.
    public let frozenOn: Day
    public let note: String
}

/// A branch against a target: the frozen baseline re-based onto today's tree, the path, the
/// latest count and whether it is on course.
public struct TargetProgress: Sendable, Hashable {
    public let target: Target
    public let unitID: Int
    public let path: TargetPath
    /// The latest review year with counts in the branch, and its count.
    public let latestYear: Int?
    public let latest: Int?
    /// Whether part of the frozen baseline belonged to a unit since split between this branch
    /// and another: the count of each part in the baseline year is not known (the frozen count
    /// follows the split's primary part), so the branch's baseline is not its own.
    public var baselineDivided = false
    /// Whether the latest count is under the baseline year's standard, on a baseline that is
    /// the branch's own: counts under two standards are not compared (`poverty-standards.md`,
    /// a new standard is a new baseline), nor a count with half of a split unit's baseline.
    public var comparable: Bool {
        guard let y = latestYear, !baselineDivided else { return false }
        return Self.sameStandard(y, target.baselineYear)
    }

    /// Whether two review years are under one standard (their counts may be compared).
    public static func sameStandard(_ year: Int, _ other: Int) -> Bool {
        let catalog = StandardCatalog.builtIn
        return catalog.standard(forReviewYear: year)?.code == catalog.standard(forReviewYear: other)?.code
    }
    /// On course at the latest count; nil without a count, or with one under another standard.
    public var onCourse: Bool? {
        guard comparable else { return nil }
        return latestYear.flatMap { y in latest.map { path.onCourse(actual: $0, in: y) } }
    }
}

extension Array where Element == TargetProgress {
    /// The target of `measure` in force in `year`: the first whose target year has not passed
    /// (2030's from 2026 on, once it is set), else the last one set (judged in its own year).
    public func inForce(_ measure: TargetMeasure, in year: Int) -> TargetProgress? {
        let ofMeasure = filter { $0.target.measure == measure }.sorted { ($0.target.targetYear, $0.target.id) < ($1.target.targetYear, $1.target.id) }
        return ofMeasure.first { $0.target.targetYear >= year } ?? ofMeasure.last
    }
}

/// Targets as data. When a target is set, the baseline year's count of each unit of the
/// tree is stored (re-based onto the tree of that day): the baseline is **frozen**, so later
/// corrections of the baseline year's reviews change nothing, and a later merger or
/// dissolution only moves the frozen counts to the successors.
public struct Targets: Sendable {
    let store: Store

    /// Sets (or replaces) the target of a unit's branch; give a reduction in thousandths (700 =
    /// down 70%) or a level. Returns the id.
    @discardableResult
    public func set(_ actor: Actor, unit code: String, measure: TargetMeasure = .poorHouseholds, baselineYear: Int, targetYear: Int,
                    reductionPermille: Int? = nil, level: Int? = nil, note: String = "", on day: Day) async throws -> Int {
        try actor.require(.setTarget)
        guard targetYear > baselineYear else { throw StorageError.invalid(Message("refusal.target.target_year_must_follow")) }
        guard (reductionPermille == nil) != (level == nil) else {
            throw StorageError.invalid(Message("refusal.target.give_reduction_level_both"))
        }
        if let r = reductionPermille, !(1...1000).contains(r) { throw StorageError.invalid(Message("refusal.target.reduction_0_1_100")) }
        if let l = level, l < 0 { throw StorageError.invalid(Message("refusal.target.level_negative")) }
        let history = try await store.units.history()
        guard let unit = history.unit(code: code) else { throw StorageError.notFound(.unit, code) }
        try actor.requireInBranch(unit.id, .unit, code)
        // Each unit's own count of the baseline year, moved onto the tree of `day`.
        let own = try await store.reviews.countsByUnit(year: baselineYear, scope: .province)
        let frozen = history.rebase(own, onto: day, combine: +).counts
        let subtree = Set(history.tree(on: day).subtree(of: unit.id))
        // A baseline is a finished round of the branch: a year reviewed, not one to come (its
        // count would freeze as 0 and every later year would read as a rise).
        guard baselineYear <= day.year, subtree.contains(where: { (frozen[$0]?.households ?? 0) > 0 }) else {
            throw StorageError.invalid(Message("refusal.target.baseline_unreviewed", .number(baselineYear), .text(code)))
        }
        return try await store.writeTransaction { db in
            try await store.bump(.targets, on: db)
            var replaced = ""
            if let old = try await db.raw("""
                SELECT id, baseline_year, reduction_permille, level, frozen_on FROM targets
                WHERE unit_id = \(bind: unit.id) AND measure = \(bind: measure.rawValue) AND target_year = \(bind: targetYear)
                """).first() {
                // Set again: the one it replaces, baseline and all, is kept in the audit log.
                let oldID = try old.int("id")
                let oldTotal = try await db.raw("SELECT CAST(COALESCE(SUM(households), 0) AS BIGINT) AS n FROM target_baselines WHERE target_id = \(bind: oldID)")
                    .first()?.int("n") ?? 0
                let oldGoal = try old.optionalInt("reduction_permille").map { "giảm \($0)‰" } ?? "mức \(try old.optionalInt("level") ?? 0)"
                replaced = "; thay mục tiêu #\(oldID): \(try old.int("baseline_year"))→\(targetYear) \(oldGoal), chốt \(try old.string("frozen_on")), gốc (cả tỉnh) \(oldTotal)"
                try await db.raw("DELETE FROM target_baselines WHERE target_id = \(bind: oldID)").run()
                try await db.raw("DELETE FROM targets WHERE id = \(bind: oldID)").run()
            }
            let row = try await db.raw("""
                INSERT INTO targets (unit_id, measure, baseline_year, target_year, reduction_permille, level, frozen_on, note, entered_by, entered_at)
                VALUES (\(bind: unit.id), \(bind: measure.rawValue), \(bind: baselineYear), \(bind: targetYear), \(bind: reductionPermille),
                        \(bind: level), \(bind: day.iso), \(bind: note), \(bind: actor.name), \(bind: store.now()))
                RETURNING id
                """).first()
            guard let id = try row?.int("id") else { throw StorageError.corrupt("targets: no id returned") }
            // Every unit's count is frozen, not only this branch's of today: a unit that joins the
            // branch later (a province merged into this one) brings its baseline with it, as its
            // households come into the latest count. The audit says the branch's own.
            var total = 0
            var rows: [(unitID: Int, households: Int)] = []
            for (unitID, counts) in frozen.sorted(by: { $0.key < $1.key }) {
                let n = counts.count(of: measure.status)
                guard n > 0 else { continue }
                if subtree.contains(unitID) { total += n }
                rows.append((unitID, n))
            }
            for chunk in rows.chunked(300) {
                var insert: SQLQueryString = "INSERT INTO target_baselines (target_id, unit_id, households) VALUES "
                for (i, row) in chunk.enumerated() {
                    insert.appendInterpolation("\(unsafeRaw: i == 0 ? "" : ", ")(\(bind: id), \(bind: row.unitID), \(bind: row.households))" as SQLQueryString)
                }
                try await db.raw(insert).run()
            }
            try await store.audit.record("dat_muc_tieu", entity: "target", id: id,
                                         detail: "\(code) \(measure.rawValue) \(baselineYear)→\(targetYear) \(reductionPermille.map { "giảm \($0)‰" } ?? "mức \(level ?? 0)"); gốc \(total)" + replaced,
                                         by: actor, on: db)
            return id
        }
    }

    /// Every target set (targets are not personal data).
    public func all(_ actor: Actor) async throws -> [Target] {
        try actor.require(.readRegistry)
        return try await all()
    }

    func all() async throws -> [Target] {
        try await store.sql.raw("SELECT * FROM targets ORDER BY target_year, unit_id").all().map { row in
            let measure = try row.string("measure")
            guard let m = TargetMeasure(rawValue: measure) else { throw StorageError.corrupt("targets.measure = \(measure)") }
            return Target(id: try row.int("id"), unitID: try row.int("unit_id"), measure: m, baselineYear: try row.int("baseline_year"),
                          targetYear: try row.int("target_year"), reductionPermille: try row.optionalInt("reduction_permille"),
                          level: try row.optionalInt("level"), frozenOn: try row.day("frozen_on"), note: try row.string("note"))
        }
    }

    /// The targets that apply to a unit's branch — its own, else its nearest ancestor's (the
    /// same reduction, on the branch's own frozen baseline) — with the branch's progress at its
    /// latest review no later than the target's year (and `year` when given: a report of that
    /// year says where it stood then).
    public func progress(_ actor: Actor, of unitID: Int, upTo year: Int? = nil) async throws -> [TargetProgress] {
        try actor.require(.readRegistry, unit: unitID)
        return try await progress(of: unitID, history: actor.history, on: store.today, upTo: year)
    }

    func progress(of unitID: Int, history: OrgHistory, on day: Day, upTo year: Int? = nil) async throws -> [TargetProgress] {
        let targets = try await all()
        let chain = history.ancestry(of: unitID, on: day)
        var chosen: [String: Target] = [:]
        for target in targets {
            // A target set for a unit that has since ended (a province merged into another)
            // applies through what that unit became.
            guard let rank = chain.firstIndex(of: target.unitID)
                    ?? history.successor(of: target.unitID, on: day).flatMap({ chain.firstIndex(of: $0) }) else { continue }
            let key = "\(target.measure.rawValue)/\(target.targetYear)"
            if let current = chosen[key], let currentRank = chain.firstIndex(of: current.unitID), currentRank <= rank { continue }
            chosen[key] = target
        }
        let tree = history.tree(on: day)
        var out: [TargetProgress] = []
        for target in chosen.values.sorted(by: { ($0.targetYear, $0.id) < ($1.targetYear, $1.id) }) {
            var frozen: [Int: Int] = [:]
            for row in try await store.sql.raw("SELECT unit_id, households FROM target_baselines WHERE target_id = \(bind: target.id)").all() {
                frozen[try row.int("unit_id")] = try row.int("households")
            }
            let rolled = history.rollUp(history.rebase(frozen, onto: day, combine: +).counts, on: tree, zero: 0, combine: +)
            let baseline = rolled[unitID] ?? 0
            let owner = history.units[target.unitID]?.isActive(on: day) == true ? target.unitID : history.successor(of: target.unitID, on: day)
            let path = target.level.map { level in
                // A level set for a larger branch applies in proportion to this one's baseline,
                // rounded down (the shares never sum to more than the level).
                let whole = owner.flatMap { rolled[$0] } ?? frozen.values.reduce(0, +)
                let share = owner == unitID || whole == 0 ? level : TargetPath.divideDown(level * baseline, whole)
                return TargetPath(baselineYear: target.baselineYear, baseline: baseline, targetYear: target.targetYear, level: share)
            } ?? TargetPath(baselineYear: target.baselineYear, baseline: baseline, targetYear: target.targetYear,
                            reductionPermille: target.reductionPermille ?? 0)
            // The latest year's count in the branch, re-based onto today's tree; no later than
            // the target's year (a target is judged in its year, and later years are the next
            // target's, often under another standard).
            let scope = Scope.predecessorsIncluded(of: unitID, in: history, on: day)
            let latestYear = try await store.browse.latestYear(scope: scope, upTo: min(year ?? target.targetYear, target.targetYear))
            var latest: Int?
            if let y = latestYear {
                let rolled = try await store.reviews.rolledUp(year: y, basis: .rebased(onto: day), history: history, scope: scope)
                latest = rolled.totals[unitID]?.count(of: target.measure.status) ?? 0
            }
            var progress = TargetProgress(target: target, unitID: unitID, path: path, latestYear: latestYear, latest: latest)
            progress.baselineDivided = Self.divided(frozen.filter { $0.value > 0 }.map(\.key), branch: Set(tree.subtree(of: unitID)), history: history, on: day)
            out.append(progress)
        }
        return out
    }
}

extension Targets {
    /// Whether a unit with a frozen count has since passed, by a split, to units both inside and
    /// outside `branch` (standing on `day`).
    static func divided(_ frozenUnits: [Int], branch: Set<Int>, history: OrgHistory, on day: Day) -> Bool {
        frozenUnits.contains { id in
            guard history.units[id]?.isActive(on: day) != true else { return false }
            let standing = history.heirs(of: id, on: day).filter { history.units[$0]?.isActive(on: day) == true }
            return standing.contains { branch.contains($0) } && standing.contains { !branch.contains($0) }
        }
    }
}

extension StatusCounts {
    func count(of status: LivingStandard) -> Int {
        switch status {
        case .poor: poor
        case .nearPoor: nearPoor
        case .average: average
        case .notPoor: notPoor
        }
    }
}

extension Store {
    public var targets: Targets { Targets(store: self) }
}
