import Foundation
import PovertyCore
@_spi(Simulation) @testable import Storage
import SQLKit
import Spreadsheets
import Testing

/// The counts kept beside the reviews equal a full recomputation after any sequence of
/// imports, corrections and tree changes, on SQLite and PostgreSQL; and the figures read from
/// them are the figures counted from the reviews.
@Suite struct RollupTests {
    /// Year figures counted straight from the reviews (the definition the kept counts must meet).
    static func naiveFigures(_ scope: Scope, _ store: Store) async throws -> [Int: [Int]] {
        var out: [Int: [Int]] = [:]
        var q: SQLQueryString = "SELECT year, status, COUNT(*) AS n FROM reviews WHERE 1 = 1"
        _ = scope.append(to: &q, column: "unit_id")
        q.appendInterpolation(" GROUP BY year, status" as SQLQueryString)
        for row in try await store.sql.raw(q).all() {
            let y = try row.int("year"), n = try row.int("n")
            var e = out[y] ?? [0, 0, 0]
            e[0] += n
            if try row.string("status") == "ngheo" { e[1] += n }
            if try row.string("status") == "can_ngheo" { e[2] += n }
            out[y] = e
        }
        return out
    }

    @Test(arguments: TestDatabase.available)
    func keptCountsEqualARecountAfterRandomImportsAndTreeChanges(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await store.importUnits(Files.smallTree)
            try await store.importMembers(Files.smallMembers)
            var rng = SeededRandom(seed: 9_2025)
            let households = (1...14).map { "HO-\($0 < 10 ? "0" : "")\($0)" }
            let officials = ["", "", "", "ngheo", "can_ngheo", "khong_ngheo"]
            var treeChanged = false
            for step in 0..<14 {
                // A file of one year: some households, each in a random class, some with the commune's own class.
                let year = 2021 + rng.int(in: 0...3)
                var rows = [Files.surveyHeader]
                for h in households where rng.chance(650) {
                    let unit = rng.pick(["C1", "C2", "C3"])
                    let official = rng.pick(officials)
                    rows.append(rng.pick([Files.poor, Files.nearPoor, Files.average, Files.notPoor])(h, year, unit, "", official))
                }
                if rows.count > 1 { try await store.importSurvey(rows, file: "buoc-\(step).csv") }
                // Halfway, the 2025 reform: the districts end and C1, C2 merge.
                if step == 7 && !treeChanged {
                    try await store.units.merge(try await store.op, ["C1", "C2"], into: NewUnit(code: "C12", name: "CĐCS Hoa Lư", kind: .grassrootsUnion, parentCode: "H1"),
                                                on: day(2025, 1, 1))
                    try await store.units.move(try await store.op, "C3", under: "T", on: day(2025, 2, 1))
                    treeChanged = true
                }
                let differences = try await store.rollups.check(try await store.op)
                #expect(differences.isEmpty, "step \(step): \(differences.prefix(5))")
            }
            // The figures read from the kept counts are the figures counted from the reviews.
            let history = try await store.units.history()
            for scope in [Scope.province, Scope.predecessorsIncluded(of: try await store.unitID("H1"), in: history, on: day(2024, 6, 1)),
                          Scope.predecessorsIncluded(of: try await store.unitID("C3"), in: history, on: day(2025, 6, 1))] {
                let figures = try await store.browse.yearFigures(scope: scope)
                let naive = try await Self.naiveFigures(scope, store)
                #expect(Dictionary(uniqueKeysWithValues: figures.map { ($0.year, [$0.households, $0.poor, $0.nearPoor]) }) == naive)
            }
            // Moves agree with a household-by-household count.
            let reviews = try await store.sql.raw("SELECT household_id, year, status FROM reviews").all()
            var status: [Int: [Int: String]] = [:]
            for r in reviews { status[try r.int("household_id"), default: [:]][try r.int("year")] = try r.string("status") }
            let moves = try await store.rollups.moves(scope: .province)
            for year in 2022...2024 {
                let escaped = status.values.filter { $0[year - 1] == "ngheo" && $0[year] != nil && $0[year] != "ngheo" }.count
                let entered = status.values.filter { $0[year] == "ngheo" && $0[year - 1] != nil && $0[year - 1] != "ngheo" }.count
                let fellBack = status.values.filter { s in s[year] == "ngheo" && s[year - 1] != nil && s[year - 1] != "ngheo"
                    && s.contains { $0.key < year - 1 && $0.value == "ngheo" } }.count
                let yearHasReviews = status.values.contains { $0[year] != nil }
                let left = yearHasReviews ? status.values.filter { $0[year - 1] == "ngheo" && $0[year] == nil }.count : 0
                #expect(moves[year]?[.escaped] ?? 0 == escaped, "\(year) escaped")
                #expect(moves[year]?[.entered] ?? 0 == entered, "\(year) entered")
                #expect(moves[year]?[.fellBack] ?? 0 == fellBack, "\(year) fell back")
                #expect(moves[year]?[.left] ?? 0 == left, "\(year) left")
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func checkFindsATamperedCountAndRebuildRepairsIt(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await store.importUnits(Files.smallTree)
            try await store.importMembers(Files.smallMembers)
            try await store.importSurvey([Files.surveyHeader, Files.poor("HO-01", 2021, member: "DV-01"), Files.notPoor("HO-01", 2022, member: "DV-01")])
            #expect(try await store.rollups.check(try await store.op).isEmpty)
            try await store.sql.raw("UPDATE rollup_reviews SET households = households + 1 WHERE year = 2021").run()
            try await store.sql.raw("DELETE FROM rollup_moves WHERE year = 2022").run()
            let differences = try await store.rollups.check(try await store.op)
            #expect(differences.count == 2)
            #expect(differences.contains { $0.hasPrefix("rollup_reviews") } && differences.contains { $0.hasPrefix("rollup_moves") })
            try await store.rollups.rebuild(try await store.op)
            #expect(try await store.rollups.check(try await store.op).isEmpty)
            // A dry run writes no counts either.
            let before = try await store.count("rollup_reviews")
            var preview = SurveyImporter(store: store, actor: try await store.op, fileName: "thu.csv")
            preview.dryRun = true
            _ = try await preview.run(InMemoryRows([Files.surveyHeader, Files.poor("HO-09", 2023, unit: "C3")]))
            #expect(try await store.count("rollup_reviews") == before)
        }
    }
}
