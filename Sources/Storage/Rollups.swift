import FluentKit
import PovertyCore
import SQLKit

/// Counts kept beside the reviews so that figures for a whole province are read from a few
/// thousand rows instead of every household: per unit, review year, standard and class (with
/// how many differ from the commune's list), and the moves between consecutive years per unit.
/// The survey import — the only writer of reviews — refreshes the years it touched in its own
/// transaction, so the counts never lag. Tree changes need nothing: a review keeps the unit it
/// was counted in, and figures are rolled up the tree of the day when read.
/// `check()` recomputes everything from the reviews and lists any difference.
public struct Rollups: Sendable {
    let store: Store

    /// The moves of year `y` (each against `y - 1`, same standard), attributed to a unit:
    /// - `escaped`: poor last year, reviewed and not poor this year (this year's unit);
    /// - `entered`: reviewed and not poor last year, poor this year (this year's unit);
    /// - `fell_back`: the part of `entered` that had been poor in an earlier year;
    /// - `left`: poor last year and not reviewed this year (last year's unit), counted only for
    ///   a year that has reviews at all.
    public enum Move: String, Sendable, CaseIterable {
        case escaped, entered, fellBack = "fell_back", left
    }

    private static func statusQuery(year: Int) -> SQLQueryString {
        """
        SELECT unit_id, year, standard_code, status, COUNT(*) AS households,
               SUM(CASE WHEN official_status IS NOT NULL AND official_status <> status THEN 1 ELSE 0 END) AS mismatched
        FROM reviews WHERE year = \(bind: year) GROUP BY year, standard_code, status, unit_id
        """
    }

    private static func moveQuery(_ move: Move, year: Int) -> SQLQueryString {
        switch move {
        case .escaped:
            return """
                SELECT c.unit_id, COUNT(*) AS households FROM reviews p
                JOIN reviews c ON c.household_id = p.household_id AND c.year = p.year + 1 AND c.standard_code = p.standard_code AND c.status <> 'ngheo'
                WHERE p.status = 'ngheo' AND p.year = \(bind: year - 1) GROUP BY c.unit_id
                """
        case .entered:
            return """
                SELECT c.unit_id, COUNT(*) AS households FROM reviews c
                JOIN reviews p ON p.household_id = c.household_id AND p.year = c.year - 1 AND p.standard_code = c.standard_code AND p.status <> 'ngheo'
                WHERE c.status = 'ngheo' AND c.year = \(bind: year) GROUP BY c.unit_id
                """
        case .fellBack:
            return """
                SELECT c.unit_id, COUNT(*) AS households FROM reviews c
                JOIN reviews p ON p.household_id = c.household_id AND p.year = c.year - 1 AND p.standard_code = c.standard_code AND p.status <> 'ngheo'
                WHERE c.status = 'ngheo' AND c.year = \(bind: year)
                  AND EXISTS (SELECT 1 FROM reviews e WHERE e.household_id = c.household_id AND e.year < c.year - 1 AND e.status = 'ngheo')
                GROUP BY c.unit_id
                """
        case .left:
            return """
                SELECT p.unit_id, COUNT(*) AS households FROM reviews p
                WHERE p.status = 'ngheo' AND p.year = \(bind: year - 1)
                  AND EXISTS (SELECT 1 FROM reviews y WHERE y.year = \(bind: year))
                  AND NOT EXISTS (SELECT 1 FROM reviews c WHERE c.household_id = p.household_id AND c.year = \(bind: year))
                GROUP BY p.unit_id
                """
        }
    }

    /// Recomputes the counts of `years` (and the moves of the years after them), in the caller's transaction.
    static func refresh(years: Set<Int>, on db: any SQLDatabase) async throws {
        for year in years.sorted() {
            try await db.raw("DELETE FROM rollup_reviews WHERE year = \(bind: year)").run()
            var insert: SQLQueryString = "INSERT INTO rollup_reviews (unit_id, year, standard_code, status, households, mismatched) "
            insert.appendInterpolation(Self.statusQuery(year: year))
            try await db.raw(insert).run()
        }
        // A move compares a year with the year before; falling back also looks at every earlier
        // year, so a change in year y can change the falls back of any later year.
        let later = (try await reviewYears(db)).filter { $0 > (years.min() ?? .max) + 1 }
        for year in years.union(years.map { $0 + 1 }).union(later).sorted() {
            let moves: [Move] = years.contains(year) || years.contains(year - 1) ? Move.allCases : [.fellBack]
            try await db.raw("DELETE FROM rollup_moves WHERE year = \(bind: year) AND kind IN (\(binds: moves.map(\.rawValue)))").run()
            for move in moves {
                var insert: SQLQueryString = "INSERT INTO rollup_moves (unit_id, year, kind, households) SELECT unit_id, \(bind: year), \(bind: move.rawValue), households FROM ("
                insert.appendInterpolation(Self.moveQuery(move, year: year))
                insert.appendInterpolation(") m" as SQLQueryString)
                try await db.raw(insert).run()
            }
        }
        if try await hasTotals(db) {
            try await refreshTotals(years: years.union(years.map { $0 + 1 }).union(later), on: db)
        }
    }

    /// Whether the totals' tables exist yet (they come with version 5; version 4 fills the
    /// per-unit counts before them).
    static func hasTotals(_ db: any SQLDatabase) async throws -> Bool { try await tableExists("rollup_totals", db) }

    /// Whether a migration has made `table` yet (earlier migrations recount roll-ups before later ones exist).
    static func tableExists(_ table: String, _ db: any SQLDatabase) async throws -> Bool {
        let query: SQLQueryString = db.dialect.name == "postgresql"
            ? "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_name = \(bind: table)"
            : "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = \(bind: table)"
        return try await db.raw(query).first()?.int("n") ?? 0 > 0
    }

    /// The province's totals of `years` from the per-unit counts (a handful of rows per year,
    /// so a province-wide figure does not depend on how many units there are).
    static func refreshTotals(years: Set<Int>, on db: any SQLDatabase) async throws {
        for year in years.sorted() {
            try await db.raw("DELETE FROM rollup_totals WHERE year = \(bind: year)").run()
            try await db.raw("""
                INSERT INTO rollup_totals (year, standard_code, status, households, mismatched)
                SELECT year, standard_code, status, SUM(households), SUM(mismatched) FROM rollup_reviews WHERE year = \(bind: year)
                GROUP BY year, standard_code, status
                """).run()
            try await db.raw("DELETE FROM rollup_move_totals WHERE year = \(bind: year)").run()
            try await db.raw("""
                INSERT INTO rollup_move_totals (year, kind, households)
                SELECT year, kind, SUM(households) FROM rollup_moves WHERE year = \(bind: year) GROUP BY year, kind
                """).run()
        }
    }

    /// Every year, from scratch (`check-rollups --repair`). Audited.
    public func rebuild(_ actor: Actor) async throws {
        try actor.require(.maintain)
        try await store.writeTransaction { db in
            try await Rollups.fill(on: db)
            try await store.audit.record("tinh_lai_tong_hop", entity: "rollups", id: nil, detail: "mọi năm", by: actor, on: db)
        }
    }

    /// Empties the tables and counts every year again, in the caller's transaction.
    static func fill(on db: any SQLDatabase) async throws {
        if try await SupportRollups.exist(db) { try await SupportRollups.fill(on: db) }
        try await db.raw("DELETE FROM rollup_reviews").run()
        try await db.raw("DELETE FROM rollup_moves").run()
        if try await hasTotals(db) {
            try await db.raw("DELETE FROM rollup_totals").run()
            try await db.raw("DELETE FROM rollup_move_totals").run()
        }
        try await refresh(years: try await reviewYears(db), on: db)
    }

    private static func reviewYears(_ db: any SQLDatabase) async throws -> Set<Int> {
        Set(try await db.raw("SELECT DISTINCT year FROM reviews").all().map { try $0.int("year") })
    }

    /// Recomputes every count from the reviews and returns each difference with the kept
    /// counts, as readable lines (none when all agree). Fund balances are checked against
    /// their ledgers too.
    public func check(_ actor: Actor) async throws -> [String] {
        try actor.require(.maintain)
        return try await check()
    }

    func check() async throws -> [String] {
        let db = store.sql
        var differences: [String] = []
        var kept: [String: (Int, Int)] = [:]
        for row in try await db.raw("SELECT unit_id, year, standard_code, status, households, mismatched FROM rollup_reviews").all() {
            kept["\(try row.int("unit_id"))/\(try row.int("year"))/\(try row.string("standard_code"))/\(try row.string("status"))"] =
                (try row.int("households"), try row.int("mismatched"))
        }
        var fresh: [String: (Int, Int)] = [:]
        let years = try await Self.reviewYears(db)
        for year in years {
            for row in try await db.raw(Self.statusQuery(year: year)).all() {
                fresh["\(try row.int("unit_id"))/\(year)/\(try row.string("standard_code"))/\(try row.string("status"))"] =
                    (try row.int("households"), try row.int("mismatched"))
            }
        }
        for key in Set(kept.keys).union(fresh.keys).sorted() where kept[key].map({ [$0.0, $0.1] }) != fresh[key].map({ [$0.0, $0.1] }) {
            differences.append("rollup_reviews \(key): giữ / kept \(kept[key].map { "\($0.0) (\($0.1) lệch)" } ?? "–"), tính lại / recomputed \(fresh[key].map { "\($0.0) (\($0.1) lệch)" } ?? "–")")
        }
        var keptMoves: [String: Int] = [:]
        for row in try await db.raw("SELECT unit_id, year, kind, households FROM rollup_moves").all() where try row.int("households") != 0 {
            keptMoves["\(try row.int("unit_id"))/\(try row.int("year"))/\(try row.string("kind"))"] = try row.int("households")
        }
        var freshMoves: [String: Int] = [:]
        for year in years.union(years.map { $0 + 1 }) {
            for move in Move.allCases {
                for row in try await db.raw(Self.moveQuery(move, year: year)).all() {
                    freshMoves["\(try row.int("unit_id"))/\(year)/\(move.rawValue)"] = try row.int("households")
                }
            }
        }
        for key in Set(keptMoves.keys).union(freshMoves.keys).sorted() where keptMoves[key] != freshMoves[key] {
            differences.append("rollup_moves \(key): giữ / kept \(keptMoves[key].map(String.init) ?? "–"), tính lại / recomputed \(freshMoves[key].map(String.init) ?? "–")")
        }
        // The province's totals against the recount.
        // Each value is [households, mismatched] (moves: [households]).
        var keptTotals: [String: [Int]] = [:], freshTotals: [String: [Int]] = [:]
        for row in try await db.raw("SELECT year, standard_code, status, households, mismatched FROM rollup_totals").all() {
            keptTotals["\(try row.int("year"))/\(try row.string("standard_code"))/\(try row.string("status"))"] = [try row.int("households"), try row.int("mismatched")]
        }
        for (key, value) in fresh {
            let total = key.split(separator: "/").dropFirst().joined(separator: "/")
            let sum = freshTotals[total] ?? [0, 0]
            freshTotals[total] = [sum[0] + value.0, sum[1] + value.1]
        }
        for row in try await db.raw("SELECT year, kind, households FROM rollup_move_totals").all() where try row.int("households") != 0 {
            keptTotals["\(try row.int("year"))/\(try row.string("kind"))"] = [try row.int("households")]
        }
        for (key, value) in freshMoves {
            let total = key.split(separator: "/").dropFirst().joined(separator: "/")
            freshTotals[total] = [(freshTotals[total]?[0] ?? 0) + value]
        }
        for key in Set(keptTotals.keys).union(freshTotals.keys).sorted() where keptTotals[key] != freshTotals[key] {
            differences.append("rollup_totals \(key): giữ / kept \(keptTotals[key].map { "\($0)" } ?? "–"), tính lại / recomputed \(freshTotals[key].map { "\($0)" } ?? "–")")
        }
        differences += try await SupportRollups.check(db)
        for line in try await store.funds.reconciliation(from: nil, to: nil, scope: .province) where !line.agrees {
            differences.append("fund_balances \(line.fund.code)/\(line.unitID): giữ / kept \(line.storedBalance), sổ / ledger \(line.ledgerSum)")
        }
        return differences
    }

    /// Moves per year in a scope, by kind.
    func moves(scope: Scope) async throws -> [Int: [Move: Int]] {
        var q: SQLQueryString = scope.unitIDs == nil
            ? "SELECT year, kind, CAST(SUM(households) AS BIGINT) AS n FROM rollup_move_totals WHERE 1 = 1"
            : "SELECT year, kind, CAST(SUM(households) AS BIGINT) AS n FROM rollup_moves WHERE 1 = 1"
        guard scope.append(to: &q, column: "unit_id") else { return [:] }
        q.appendInterpolation(" GROUP BY year, kind" as SQLQueryString)
        var out: [Int: [Move: Int]] = [:]
        for row in try await store.sql.raw(q).all() {
            guard let move = Move(rawValue: try row.string("kind")) else { continue }
            out[try row.int("year"), default: [:]][move] = try row.int("n")
        }
        return out
    }
}

extension Store {
    public var rollups: Rollups { Rollups(store: self) }
}
