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

    /// The year's moves of poor households as `YearMoves` (PovertyCore) defines them, kept per
    /// unit (`rollup_moves`), with households poor in two units kept apart (`rollup_transfers`,
    /// from the old unit to the new one): a unit counts them as left or newly poor, a branch
    /// holding both units as nothing. These queries are the fast path of that definition;
    /// `check()` recounts through `YearMoves` itself.
    public typealias Move = YearMove

    private static func statusQuery(year: Int) -> SQLQueryString {
        """
        SELECT unit_id, year, standard_code, status, COUNT(*) AS households,
               SUM(CASE WHEN official_status IS NOT NULL AND official_status <> status THEN 1 ELSE 0 END) AS mismatched
        FROM reviews WHERE year = \(bind: year) GROUP BY year, standard_code, status, unit_id
        """
    }

    /// Whether anyone was reviewed in `year` under the standard of `column`'s row.
    private static func reviewed(_ year: Int, standardOf column: String) -> SQLQueryString {
        "EXISTS (SELECT 1 FROM reviews y WHERE y.year = \(bind: year) AND y.standard_code = \(unsafeRaw: column))"
    }

    /// Poor this year, and last year not reviewed or not poor under the same standard (and not
    /// reviewed under another one: two standards are not compared), in a year whose standard
    /// was reviewed last year; `earlier`: whether it was poor in an earlier review of that standard.
    private static func enteredQuery(year: Int, last: Int, earlier: Bool) -> SQLQueryString {
        """
        SELECT c.unit_id, COUNT(*) AS households FROM reviews c
        WHERE c.year = \(bind: year) AND c.status = 'ngheo' AND \(Self.reviewed(last, standardOf: "c.standard_code"))
          AND NOT EXISTS (SELECT 1 FROM reviews p WHERE p.household_id = c.household_id AND p.year = \(bind: last)
                          AND (p.standard_code <> c.standard_code OR p.status = 'ngheo'))
          AND \(unsafeRaw: earlier ? "" : "NOT ")EXISTS (SELECT 1 FROM reviews e WHERE e.household_id = c.household_id AND e.year < \(bind: last)
                          AND e.standard_code = c.standard_code AND e.status = 'ngheo')
        GROUP BY c.unit_id
        """
    }

    /// The moves of `year` against the review round `last` (the latest earlier year with reviews).
    private static func moveQuery(_ move: Move, year: Int, last: Int) -> SQLQueryString {
        switch move {
        case .escaped:
            return """
                SELECT p.unit_id, COUNT(*) AS households FROM reviews p
                JOIN reviews c ON c.household_id = p.household_id AND c.year = \(bind: year) AND c.standard_code = p.standard_code AND c.status <> 'ngheo'
                WHERE p.status = 'ngheo' AND p.year = \(bind: last) GROUP BY p.unit_id
                """
        case .left:
            return """
                SELECT p.unit_id, COUNT(*) AS households FROM reviews p
                WHERE p.status = 'ngheo' AND p.year = \(bind: last) AND \(Self.reviewed(year, standardOf: "p.standard_code"))
                  AND NOT EXISTS (SELECT 1 FROM reviews c WHERE c.household_id = p.household_id AND c.year = \(bind: year))
                GROUP BY p.unit_id
                """
        case .fellBack: return enteredQuery(year: year, last: last, earlier: true)
        case .newly: return enteredQuery(year: year, last: last, earlier: false)
        }
    }

    /// Households poor both rounds under one standard, in another unit this year.
    private static func transferQuery(year: Int, last: Int) -> SQLQueryString {
        """
        SELECT p.unit_id AS from_unit_id, c.unit_id AS to_unit_id, COUNT(*) AS households FROM reviews p
        JOIN reviews c ON c.household_id = p.household_id AND c.year = \(bind: year) AND c.standard_code = p.standard_code
             AND c.status = 'ngheo' AND c.unit_id <> p.unit_id
        WHERE p.status = 'ngheo' AND p.year = \(bind: last) GROUP BY p.unit_id, c.unit_id
        """
    }

    /// Recomputes the counts of `years` (and the moves of the years after them), in the caller's transaction.
    static func refresh(years: Set<Int>, on db: any SQLDatabase) async throws {
        for year in years.sorted() {
            try await db.raw("DELETE FROM rollup_reviews WHERE year = \(bind: year)").run()
            var insert: SQLQueryString = "INSERT INTO rollup_reviews (unit_id, year, standard_code, status, households, mismatched) "
            insert.appendInterpolation(Self.statusQuery(year: year))
            try await db.raw(insert).run()
        }
        // A move compares a round with the one before; falling back also looks at every earlier
        // round, so a change in year y can change the moves of y and of every later round.
        let rounds = try await reviewYears(db).sorted()
        let from = years.min() ?? .max
        let transfers = try await tableExists("rollup_transfers", db)
        var touched = Set<Int>()
        for (i, year) in rounds.enumerated() where year >= from {
            touched.insert(year)
            try await db.raw("DELETE FROM rollup_moves WHERE year = \(bind: year)").run()
            if transfers { try await db.raw("DELETE FROM rollup_transfers WHERE year = \(bind: year)").run() }
            guard i > 0 else { continue }
            let last = rounds[i - 1]
            for move in Move.allCases {
                var insert: SQLQueryString = "INSERT INTO rollup_moves (unit_id, year, kind, households) SELECT unit_id, \(bind: year), \(bind: move.rawValue), households FROM ("
                insert.appendInterpolation(Self.moveQuery(move, year: year, last: last))
                insert.appendInterpolation(") m" as SQLQueryString)
                try await db.raw(insert).run()
            }
            if transfers {
                var insert: SQLQueryString = "INSERT INTO rollup_transfers (year, from_unit_id, to_unit_id, households) SELECT \(bind: year), from_unit_id, to_unit_id, households FROM ("
                insert.appendInterpolation(Self.transferQuery(year: year, last: last))
                insert.appendInterpolation(") t" as SQLQueryString)
                try await db.raw(insert).run()
            }
        }
        let later = touched
        if try await hasTotals(db) {
            try await refreshTotals(years: years.union(later), on: db)
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
        if try await tableExists("rollup_transfers", db) { try await db.raw("DELETE FROM rollup_transfers").run() }
        if try await hasTotals(db) {
            try await db.raw("DELETE FROM rollup_totals").run()
            try await db.raw("DELETE FROM rollup_move_totals").run()
        }
        try await refresh(years: try await reviewYears(db), on: db)
    }

    /// The review round before `year`: the latest earlier year with reviews anywhere in the
    /// province, which the moves of `year` compare with (nil: `year` is the first).
    static func previousRound(before year: Int, _ db: any SQLDatabase) async throws -> Int? {
        round(before: year, in: try await reviewRounds(db))
    }

    /// The review rounds, oldest first: the years with reviews anywhere in the province, read
    /// from the kept totals (a row per year and class; `check-rollups` holds them to the
    /// reviews), one small query for every year's previous round.
    static func reviewRounds(_ db: any SQLDatabase) async throws -> [Int] {
        try await db.raw("SELECT DISTINCT year FROM rollup_totals ORDER BY year").all().map { try $0.int("year") }
    }

    /// The round before `year` among `rounds` (sorted, oldest first).
    static func round(before year: Int, in rounds: [Int]) -> Int? { rounds.last { $0 < year } }

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
        let db = try store.sql
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
        // The recount does not reuse the maintaining queries: it walks every household's reviews
        // through `YearMoves` (PovertyCore), the definition `giamngheo summary` uses too.
        let (freshMoves, freshTransfers) = try await Self.recountMoves(db)
        if try await Self.tableExists("rollup_transfers", db) {
            var keptTransfers: [String: Int] = [:]
            for row in try await db.raw("SELECT year, from_unit_id, to_unit_id, households FROM rollup_transfers").all() where try row.int("households") != 0 {
                keptTransfers["\(try row.int("year"))/\(try row.int("from_unit_id"))→\(try row.int("to_unit_id"))"] = try row.int("households")
            }
            for key in Set(keptTransfers.keys).union(freshTransfers.keys).sorted() where keptTransfers[key] != freshTransfers[key] {
                differences.append("rollup_transfers \(key): giữ / kept \(keptTransfers[key].map(String.init) ?? "–"), tính lại / recomputed \(freshTransfers[key].map(String.init) ?? "–")")
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

    /// Every year's moves of poor households from the raw reviews, household by household,
    /// through `YearMoves`: per `unit/year/kind` (moves within a unit pair apart, as
    /// `year/from→to` transfers).
    static func recountMoves(_ db: any SQLDatabase) async throws -> (moves: [String: Int], transfers: [String: Int]) {
        var reviewedPairs = Set<String>()
        for row in try await db.raw("SELECT DISTINCT year, standard_code FROM reviews").all() {
            reviewedPairs.insert("\(try row.int("year"))/\(try row.string("standard_code"))")
        }
        let reviewed = { (year: Int, standard: String) in reviewedPairs.contains("\(year)/\(standard)") }
        var moves: [String: Int] = [:], transfers: [String: Int] = [:]
        let rounds = try await reviewYears(db).sorted()
        var index: [Int: Int] = [:]
        for (i, y) in rounds.enumerated() { index[y] = i }
        var household = -1
        var points: [ReviewPoint<Int>] = []
        func flush() {
            var asked = Set<Int>()
            for p in points {
                guard let i = index[p.year] else { continue }
                asked.insert(i)
                if i + 1 < rounds.count { asked.insert(i + 1) }
            }
            for i in asked {
                let year = rounds[i]
                for event in YearMoves.moves(of: points, in: year, last: i > 0 ? rounds[i - 1] : nil, reviewed: reviewed) {
                    if let other = event.counterpart {
                        if event.move == .left { transfers["\(year)/\(event.unit)→\(other)", default: 0] += 1 }
                    } else {
                        moves["\(event.unit)/\(year)/\(event.move.rawValue)", default: 0] += 1
                    }
                }
            }
            points.removeAll(keepingCapacity: true)
        }
        for row in try await db.raw("SELECT household_id, year, standard_code, status, unit_id FROM reviews ORDER BY household_id, year").all() {
            let id = try row.int("household_id")
            if id != household { flush(); household = id }
            points.append(ReviewPoint(year: try row.int("year"), standard: try row.string("standard_code"),
                                      inClass: try row.string("status") == LivingStandard.poor.rawValue, unit: try row.int("unit_id")))
        }
        flush()
        return (moves, transfers)
    }

    /// Moves per year in a scope, by kind: the units' kept moves, and the transfers that cross
    /// the scope's edge (out: left, in: newly poor); a transfer inside the scope is no move.
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
        if let units = scope.unitIDs, !units.isEmpty {
            let crossing: SQLQueryString = """
                SELECT year, from_unit_id, to_unit_id, households FROM rollup_transfers
                WHERE from_unit_id IN (\(binds: units.sorted())) OR to_unit_id IN (\(binds: units.sorted()))
                """
            for row in try await store.sql.raw(crossing).all() {
                let from = units.contains(try row.int("from_unit_id")), to = units.contains(try row.int("to_unit_id"))
                guard from != to else { continue }
                out[try row.int("year"), default: [:]][from ? .left : .newly, default: 0] += try row.int("households")
            }
        }
        return out
    }
}

extension Store {
    public var rollups: Rollups { Rollups(store: self) }
}
