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
            // Moves agree with a household-by-household count of the spec's definitions (one
            // standard here; province-wide, a household changing unit makes no move).
            let reviews = try await store.sql.raw("SELECT household_id, year, status FROM reviews").all()
            var status: [Int: [Int: String]] = [:]
            for r in reviews { status[try r.int("household_id"), default: [:]][try r.int("year")] = try r.string("status") }
            let moves = try await store.rollups.moves(scope: .province)
            for year in 2022...2024 {
                let escaped = status.values.filter { $0[year - 1] == "ngheo" && $0[year] != nil && $0[year] != "ngheo" }.count
                let entered = status.values.filter { $0[year] == "ngheo" && $0[year - 1] != "ngheo" }.count
                let fellBack = status.values.filter { s in s[year] == "ngheo" && s[year - 1] != "ngheo"
                    && s.contains { $0.key < year - 1 && $0.value == "ngheo" } }.count
                let yearHasReviews = status.values.contains { $0[year] != nil }
                let left = yearHasReviews ? status.values.filter { $0[year - 1] == "ngheo" && $0[year] == nil }.count : 0
                #expect(moves[year]?[.escaped] ?? 0 == escaped, "\(year) escaped")
                #expect((moves[year]?[.newly] ?? 0) + (moves[year]?[.fellBack] ?? 0) == entered, "\(year) entered")
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

/// The year's moves kept by the registry are those of `YearMoves` — the same standard for
/// falling back, first reviews and moves between units — and the figures of a branch add up.
@Suite("Kept moves follow the one definition", .serialized)
struct KeptMovesTests {
    @Test(arguments: TestDatabase.available)
    func fellBackOnlyUnderTheSameStandardAndUnitMovesAreTransfers(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await store.importUnits(Files.smallTree)
            try await store.importMembers(Files.smallMembers)
            try await store.importSurvey([Files.surveyHeader,
                // Poor in 2021 and 2023, not in 2022: fell back in 2023.
                Files.poor("HO-1", 2021, unit: "C1"), Files.notPoor("HO-1", 2022, unit: "C1"), Files.poor("HO-1", 2023, unit: "C1"),
                // First reviewed poor in 2023: newly poor (not a balancing line).
                Files.notPoor("HO-2", 2022, unit: "C1"), Files.poor("HO-3", 2023, unit: "C1"),
                // Poor both years, moving from C1 (branch H1) to C3 (branch T): left C1, newly poor in C3.
                Files.poor("HO-4", 2022, unit: "C1"), Files.poor("HO-4", 2023, unit: "C3"),
                // Poor both years, moving from C1 to C2 inside H1: no move for H1.
                Files.poor("HO-5", 2022, unit: "C1"), Files.poor("HO-5", 2023, unit: "C2"),
            ])
            #expect(try await store.rollups.check(try await store.op).isEmpty)
            let history = try await store.units.history()
            func moves(_ code: String) async throws -> [YearMove: Int] {
                try await store.rollups.moves(scope: Scope.predecessorsIncluded(of: try await store.unitID(code), in: history, on: day(2023, 6, 1)))[2023] ?? [:]
            }
            let c1 = try await moves("C1"), h1 = try await moves("H1"), c3 = try await moves("C3")
            #expect(c1[.fellBack] == 1 && c1[.newly] == 1 && c1[.left] == 2)   // HO-1; HO-3; HO-4 and HO-5 moved out of C1
            #expect(h1[.left] == 1 && h1[.fellBack] == 1 && h1[.newly] == 1)    // HO-5 stayed in H1
            #expect(c3[.newly] == 1)                                           // HO-4 moved in
            let province = try await store.rollups.moves(scope: .province)[2023] ?? [:]
            #expect(province[.left] == nil && province[.newly] == 1 && province[.fellBack] == 1)
            // The identity for each branch, from the same figures the report uses.
            for code in ["C1", "H1", "C3", "C2"] {
                let f = try await store.reports.figures(unitID: try await store.unitID(code), year: 2023, history: history, today: day(2023, 6, 1), reviewsOnly: true)
                #expect(f.poor == f.previousPoor - f.escaped - f.left + f.fellBack + f.newlyPoor, "\(code): \(f)")
            }
        }
    }

    @Test("a household poor under the old standard does not fall back under the new one", arguments: TestDatabase.available)
    func newStandardIsANewBaseline(db: TestDatabase) async throws {
        // In December 2027, when its review is done (a review year not begun is refused).
        try await db.withStore(now: TestDatabase.t0.addingTimeInterval(365 * 86_400)) { store in
            try await store.importUnits(Files.smallTree)
            try await store.importMembers(Files.smallMembers)
            // vn-2027 adds waste handling: one more column, 0 for every row.
            let rows = [Files.poor("HO-1", 2024, unit: "C1"), Files.notPoor("HO-1", 2025, unit: "C1"), Files.notPoor("HO-1", 2026, unit: "C1"),
                        Files.poor("HO-1", 2027, unit: "C1"), Files.poor("HO-2", 2025, unit: "C1"), Files.poor("HO-2", 2026, unit: "C1")]
            try await store.importSurvey([Files.surveyHeader + ["Rác thải"]] + rows.map { $0 + ["0"] })
            let moves = try await store.rollups.moves(scope: .province)
            // 2025 is reviewed under vn-2022, 2026 under vn-2027 (its first round: nothing compared,
            // HO-2 poor both years is no move); in 2027 HO-1 is newly poor, its 2024 poverty being
            // of another standard.
            #expect((moves[2026] ?? [:]).values.allSatisfy { $0 == 0 })
            #expect(moves[2027]?[.newly] == 1 && (moves[2027]?[.fellBack] ?? 0) == 0)
            #expect(try await store.rollups.check(try await store.op).isEmpty)
        }
    }

    @Test("check-rollups finds a wrong kept move through its own recount", arguments: TestDatabase.available)
    func independentRecount(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await store.importUnits(Files.smallTree)
            try await store.importMembers(Files.smallMembers)
            try await store.importSurvey([Files.surveyHeader,
                Files.poor("HO-1", 2022, unit: "C1"), Files.notPoor("HO-1", 2023, unit: "C1"), Files.poor("HO-1", 2024, unit: "C1")])
            #expect(try await store.rollups.check(try await store.op).isEmpty)
            // As if the maintaining query had counted HO-1 as newly poor in 2024.
            try await store.sql.raw("UPDATE rollup_moves SET kind = 'newly_poor' WHERE year = 2024 AND kind = 'fell_back'").run()
            let differences = try await store.rollups.check(try await store.op)
            #expect(differences.contains { $0.contains("/2024/fell_back") } && differences.contains { $0.contains("/2024/newly_poor") })
        }
    }
}

/// `giamngheo summary` (PovertyCore's `SummaryBuilder`, over the reviews as classified) and the
/// registry's figures give the same four moves: for the whole province every year, and for every
/// unit and year no household entered or left between units. Where one did, the two differ by
/// design: the summary by unit compares each unit within itself (`survey-format.md`: left in the
/// old unit, not surveyed last review in the new one), the registry compares a household across
/// the branch read (escaped where it was, so that a branch's figures are its own comparison).
@Suite("Summary and report figures agree")
struct SummaryAgreesWithFiguresTests {
    @Test(arguments: TestDatabase.available)
    func sameFourNumbers(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await store.importUnits(Files.smallTree)
            try await store.importMembers(Files.smallMembers)
            var rng = SeededRandom(seed: 15_2025)
            var rows = [Files.surveyHeader]
            for h in 1...40 {
                // Households stay in one unit, but for four that move from C1 to C2 in 2024.
                let moves = h > 36
                let unit = moves ? "C1" : rng.pick(["C1", "C2", "C3"])
                for year in 2021...2025 where (moves && (year == 2023 || year == 2024)) || rng.chance(800) {
                    rows.append(rng.pick([Files.poor, Files.nearPoor, Files.average, Files.notPoor])("HO-\(h)", year, moves && year >= 2024 ? "C2" : unit, "", ""))
                }
            }
            try await store.importSurvey(rows)
            // The summary, fed from the stored reviews through the classifier, by unit code.
            let history = try await store.units.history()
            var builder = SummaryBuilder(byUnit: true), whole = SummaryBuilder(byUnit: false)
            let reviews = try await store.sql.raw("""
                SELECT h.code, r.year, r.unit_id, r.standard_code, r.area, r.per_capita_income, r.deprivations
                FROM reviews r JOIN households h ON h.id = r.household_id
                """).all()
            var unitOf: [String: [Int: String]] = [:]
            for row in reviews {
                let standard = try #require(StandardCatalog.builtIn.standard(code: try row.string("standard_code")))
                let answers = HouseholdAnswers(area: Area(rawValue: try row.string("area")) ?? .rural,
                                               income: .monthlyPerCapita(try row.int("per_capita_income")),
                                               deprivations: UInt64(bitPattern: Int64(try row.int("deprivations"))))
                let code = try row.string("code"), year = try row.int("year"), unit = try #require(history.units[try row.int("unit_id")]?.code)
                unitOf[code, default: [:]][year] = unit
                let classification = Classifier.classify(answers, under: standard)
                try builder.add(householdCode: code, unit: unit, year: year, standard: standard, classification: classification)
                try whole.add(householdCode: code, unit: unit, year: year, standard: standard, classification: classification)
            }
            // The units a household entered or left between two consecutive rounds, by year.
            var crossed = Set<String>()
            for years in unitOf.values {
                for year in 2022...2025 {
                    guard let now = years[year], let then = years[year - 1], now != then else { continue }
                    crossed.formUnion(["\(now) \(year)", "\(then) \(year)"])
                }
            }
            let province = try await store.unitID("T")
            for line in whole.build() where !line.isBaseline {
                let f = try await store.reports.figures(unitID: province, year: line.year, history: history, today: day(2025, 6, 1), reviewsOnly: true)
                let registry: [Int] = [f.escaped, f.left, f.fellBack, f.newlyPoor], file: [Int] = [line.escaped, line.left, line.fellBack, line.newlyPoor]
                #expect(registry == file, "\(line.year)")
            }
            let summary = builder.build()
            var compared = 0, apart = 0
            for line in summary where !line.isBaseline {
                // Each unit's identity holds in the summary either way.
                #expect(line.poor == line.poorLastReview - line.escaped - line.left + line.fellBack + line.newlyPoor, "\(line.unit) \(line.year)")
                if crossed.contains("\(line.unit) \(line.year)") { apart += 1; continue }
                let unitID = try await store.unitID(line.unit)
                let f = try await store.reports.figures(unitID: unitID, year: line.year, history: history, today: day(2025, 6, 1), reviewsOnly: true)
                let registry: [Int] = [f.escaped, f.left, f.fellBack, f.newlyPoor]
                let file: [Int] = [line.escaped, line.left, line.fellBack, line.newlyPoor]
                #expect(registry == file, "\(line.unit) \(line.year)")
                #expect(f.poor == line.poor && f.previousPoor == line.poorLastReview, "\(line.unit) \(line.year)")
                compared += 1
            }
            #expect(compared >= 9 && apart == 2, "\(compared) compared, \(apart) apart")
        }
    }
}
