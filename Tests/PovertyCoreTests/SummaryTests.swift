import Testing
@testable import PovertyCore

/// Hand-built review histories for `SummaryBuilder`.
enum History {
    /// A classification of the given class under `code`, made by the classifier from chosen answers.
    static func classified(_ status: LivingStandard, under code: String) -> Classification {
        let three = Deprivations.of(code, count: 3)
        let a: HouseholdAnswers = switch (status, code) {
        // Rural, 1 đồng a month and 3 deprivations: poor under every standard.
        case (.poor, _): answers(.rural, .monthlyPerCapita(1), deprived: three)
        // vn-2016: between the 700,000 and 1,000,000 rural lines with d < 3.
        case (.nearPoor, "vn-2016"): answers(.rural, .monthlyPerCapita(800_000))
        case (.nearPoor, _): answers(.rural, .monthlyPerCapita(1_000_000), deprived: ["bhyt"])
        // vn-2016 rural 1,000,000 < I ≤ 1,500,000; vn-2022 rural 1,500,000 < I ≤ 2,250,000.
        case (.average, "vn-2016"): answers(.rural, .monthlyPerCapita(1_200_000), deprived: three)
        case (.average, _): answers(.rural, .monthlyPerCapita(2_000_000), deprived: three)
        case (.notPoor, _): answers(.urban, .monthlyPerCapita(10_000_000), deprived: three)
        }
        let c = Classifier.classify(a, under: standard(code))
        precondition(c.status == status, "fixture \(status) under \(code) classified as \(c.status)")
        return c
    }

    struct Review {
        var code: String
        var year: Int
        var status: LivingStandard
        var unit: String? = nil
    }

    /// Summary rows of `reviews`, each classified under the built-in standard of its year.
    static func summary(_ reviews: [Review], byUnit: Bool = false) throws -> [SummaryRow] {
        var builder = SummaryBuilder(byUnit: byUnit)
        for r in reviews {
            let code = try #require(StandardCatalog.builtIn.standard(forReviewYear: r.year)).code
            try builder.add(householdCode: r.code, unit: r.unit, year: r.year, standard: standard(code),
                            classification: classified(r.status, under: code))
        }
        return builder.build()
    }

    static func row(_ rows: [SummaryRow], _ year: Int, unit: String = "") throws -> SummaryRow {
        try #require(rows.first { $0.year == year && $0.unit == unit }, "no row for \(year) \(unit)")
    }
}

/// The four transition counts of a row, for compact comparisons.
struct Moves: Equatable, CustomStringConvertible {
    var escaped = 0, left = 0, fellBack = 0, newlyPoor = 0
    init(escaped: Int = 0, left: Int = 0, fellBack: Int = 0, newlyPoor: Int = 0) {
        self.escaped = escaped; self.left = left; self.fellBack = fellBack; self.newlyPoor = newlyPoor
    }
    init(_ r: SummaryRow) { self.init(escaped: r.escaped, left: r.left, fellBack: r.fellBack, newlyPoor: r.newlyPoor) }
    var description: String { "escaped \(escaped), left \(left), fell back \(fellBack), newly poor \(newlyPoor)" }
}

@Suite("Summary")
struct SummaryTests {
    typealias R = History.Review

    // MARK: - Transitions by hand

    @Test func escaped() throws {
        let rows = try History.summary([
            R(code: "H1", year: 2022, status: .poor), R(code: "H1", year: 2023, status: .nearPoor),
            R(code: "H2", year: 2022, status: .poor), R(code: "H2", year: 2023, status: .notPoor),
            R(code: "H3", year: 2022, status: .poor), R(code: "H3", year: 2023, status: .poor),
            R(code: "H4", year: 2022, status: .average), R(code: "H4", year: 2023, status: .average),
        ])
        #expect(rows.map(\.year) == [2022, 2023])
        let r = try History.row(rows, 2023)
        #expect(Moves(r) == Moves(escaped: 2))
        #expect(r.poorLastReview == 3)
        #expect(r.poor == 1)
        #expect(!r.isBaseline)
        #expect(r.counts == [.poor: 1, .nearPoor: 1, .notPoor: 1, .average: 1])
        #expect(r.households == 4)
        #expect(r.standardCode == "vn-2022")
        #expect(r.unit == "")
    }

    @Test func left() throws {
        let rows = try History.summary([
            R(code: "H1", year: 2022, status: .poor),  // absent in 2023
            R(code: "H2", year: 2022, status: .nearPoor),  // absent in 2023, but not poor: not "left"
            R(code: "H3", year: 2022, status: .notPoor), R(code: "H3", year: 2023, status: .notPoor),
        ])
        let r = try History.row(rows, 2023)
        #expect(Moves(r) == Moves(left: 1))
        #expect(r.poorLastReview == 1)
        #expect(r.poor == 0)
        #expect(r.households == 1)
    }

    @Test func fellBack() throws {
        let rows = try History.summary([
            R(code: "H1", year: 2021, status: .poor), R(code: "H1", year: 2022, status: .notPoor), R(code: "H1", year: 2023, status: .poor),
            R(code: "H2", year: 2021, status: .notPoor), R(code: "H2", year: 2022, status: .notPoor), R(code: "H2", year: 2023, status: .notPoor),
        ])
        #expect(Moves(try History.row(rows, 2021)) == Moves())
        #expect(try History.row(rows, 2021).isBaseline)
        #expect(Moves(try History.row(rows, 2022)) == Moves(escaped: 1))
        let r = try History.row(rows, 2023)
        #expect(Moves(r) == Moves(fellBack: 1))
        #expect(r.poorLastReview == 0)
        #expect(r.poor == 1)
    }

    @Test func newlyPoor() throws {
        let rows = try History.summary([
            R(code: "H1", year: 2021, status: .nearPoor), R(code: "H1", year: 2022, status: .poor),
            // Not surveyed in 2021 and never poor before: newly poor too.
            R(code: "H2", year: 2022, status: .poor),
            R(code: "H3", year: 2021, status: .notPoor), R(code: "H3", year: 2022, status: .notPoor),
        ])
        let r = try History.row(rows, 2022)
        #expect(Moves(r) == Moves(newlyPoor: 2))
        #expect(r.poorLastReview == 0)
        #expect(r.poor == 2)
    }

    @Test func poorAfterAnAbsenceFallsBack() throws {
        // Poor 2021, absent 2022 (left), poor 2023: not poor last review and poor in an earlier
        // review under the same standard → fell back (it cannot be newly poor).
        let rows = try History.summary([
            R(code: "H1", year: 2021, status: .poor), R(code: "H1", year: 2023, status: .poor),
            R(code: "H2", year: 2021, status: .notPoor), R(code: "H2", year: 2022, status: .notPoor), R(code: "H2", year: 2023, status: .notPoor),
        ])
        #expect(Moves(try History.row(rows, 2022)) == Moves(left: 1))
        #expect(Moves(try History.row(rows, 2023)) == Moves(fellBack: 1))
    }

    @Test func firstYearOfTheFileIsABaseline() throws {
        let rows = try History.summary([
            R(code: "H1", year: 2023, status: .poor), R(code: "H2", year: 2023, status: .poor),
            R(code: "H3", year: 2023, status: .nearPoor),
        ])
        let r = try #require(rows.first)
        #expect(rows.count == 1)
        #expect(r.isBaseline)
        #expect(Moves(r) == Moves())
        #expect(r.poor == 2)
        #expect(r.poorLastReview == 0)
    }

    @Test func changeOfStandardIsANewBaseline() throws {
        let rows = try History.summary([
            R(code: "H1", year: 2025, status: .poor), R(code: "H1", year: 2026, status: .poor),  // poor in both
            R(code: "H2", year: 2025, status: .poor),  // absent in 2026: not "left"
            R(code: "H3", year: 2025, status: .notPoor), R(code: "H3", year: 2026, status: .poor),  // not "newly poor"
            R(code: "H4", year: 2025, status: .poor), R(code: "H4", year: 2026, status: .nearPoor),  // not "escaped"
            R(code: "H1", year: 2027, status: .notPoor),  // compared with 2026: escaped
            R(code: "H3", year: 2027, status: .poor),
            R(code: "H4", year: 2027, status: .poor),  // near-poor 2026, never poor under vn-2027: newly poor
        ])
        let r2026 = try History.row(rows, 2026)
        #expect(r2026.standardCode == "vn-2027")
        #expect(r2026.isBaseline)
        #expect(Moves(r2026) == Moves())
        #expect(r2026.poor == 2)
        let r2027 = try History.row(rows, 2027)
        #expect(!r2027.isBaseline)
        #expect(Moves(r2027) == Moves(escaped: 1, newlyPoor: 1))
        #expect(r2027.poorLastReview == 2)
        #expect(r2027.poor == 2)
    }

    @Test func changeFrom2016To2022IsANewBaseline() throws {
        let rows = try History.summary([
            R(code: "H1", year: 2020, status: .poor), R(code: "H1", year: 2021, status: .nearPoor),
            R(code: "H2", year: 2020, status: .poor),
        ])
        let r = try History.row(rows, 2021)
        #expect(r.standardCode == "vn-2022")
        #expect(r.isBaseline)
        #expect(Moves(r) == Moves())
    }

    @Test func fellBackLooksOnlyAtReviewsUnderTheSameStandard() throws {
        let rows = try History.summary([
            // Poor under vn-2022 (2024), not poor 2025 and 2026, poor 2027: the earlier poverty was
            // under another standard, so 2027 counts as newly poor.
            R(code: "H1", year: 2024, status: .poor), R(code: "H1", year: 2025, status: .notPoor),
            R(code: "H1", year: 2026, status: .notPoor), R(code: "H1", year: 2027, status: .poor),
            // Poor 2026, not poor 2027, poor 2028: fell back within vn-2027.
            R(code: "H2", year: 2026, status: .poor), R(code: "H2", year: 2027, status: .nearPoor),
            R(code: "H2", year: 2028, status: .poor),
        ])
        #expect(try History.row(rows, 2024).isBaseline)
        #expect(Moves(try History.row(rows, 2025)) == Moves(escaped: 1))
        #expect(try History.row(rows, 2026).isBaseline)
        #expect(Moves(try History.row(rows, 2026)) == Moves())
        #expect(Moves(try History.row(rows, 2027)) == Moves(escaped: 1, newlyPoor: 1))
        // H1, poor in 2027, is absent in 2028: left.
        #expect(Moves(try History.row(rows, 2028)) == Moves(left: 1, fellBack: 1))
    }

    @Test func lastReviewIsTheGreatestEarlierYearInTheFile() throws {
        // No 2023 in the file: 2024 is compared with 2022.
        let rows = try History.summary([
            R(code: "H1", year: 2022, status: .poor), R(code: "H1", year: 2024, status: .nearPoor),
            R(code: "H2", year: 2022, status: .poor),
            R(code: "H3", year: 2022, status: .notPoor), R(code: "H3", year: 2024, status: .poor),
        ])
        #expect(rows.map(\.year) == [2022, 2024])
        let r = try History.row(rows, 2024)
        #expect(Moves(r) == Moves(escaped: 1, left: 1, newlyPoor: 1))
        #expect(r.poorLastReview == 2)
    }

    @Test func byUnitAHouseholdMovingUnitLeavesOneAndIsNewInTheOther() throws {
        let reviews = [
            R(code: "H1", year: 2022, status: .poor, unit: "A"), R(code: "H1", year: 2023, status: .poor, unit: "B"),
            R(code: "H2", year: 2022, status: .notPoor, unit: "B"), R(code: "H2", year: 2023, status: .notPoor, unit: "B"),
        ]
        let rows = try History.summary(reviews, byUnit: true)
        #expect(rows.map { "\($0.year) \($0.unit)" } == ["2022 A", "2022 B", "2023 A", "2023 B"])
        let a = try History.row(rows, 2023, unit: "A")
        #expect(Moves(a) == Moves(left: 1))
        #expect(a.households == 0)
        #expect(a.poorLastReview == 1)
        let b = try History.row(rows, 2023, unit: "B")
        #expect(Moves(b) == Moves(newlyPoor: 1))
        #expect(b.poorLastReview == 0)
        #expect(b.poor == 1)
        // Without --by, the same household is simply poor in both years.
        let whole = try History.summary(reviews)
        #expect(Moves(try History.row(whole, 2023)) == Moves())
        #expect(try History.row(whole, 2023).poorLastReview == 1)
    }

    /// `survey-format.md`: by unit, a household that changed unit is left in its old unit (even
    /// when it is no longer poor) and not surveyed last review in its new one: newly poor there,
    /// or fell back if it was poor in an earlier review (in any unit: the moves are defined per household).
    @Test func byUnitAMovedHouseholdIsComparedWithinEachUnit() throws {
        let reviews = [
            R(code: "H1", year: 2022, status: .poor, unit: "A"), R(code: "H1", year: 2023, status: .notPoor, unit: "B"),
            R(code: "H2", year: 2021, status: .poor, unit: "A"), R(code: "H2", year: 2022, status: .nearPoor, unit: "A"),
            R(code: "H2", year: 2023, status: .poor, unit: "B"),
            R(code: "H3", year: 2022, status: .poor, unit: "A"), R(code: "H3", year: 2023, status: .poor, unit: "B"),
        ]
        let rows = try History.summary(reviews, byUnit: true)
        #expect(Moves(try History.row(rows, 2023, unit: "A")) == Moves(left: 2))
        #expect(Moves(try History.row(rows, 2023, unit: "B")) == Moves(fellBack: 1, newlyPoor: 1))
        // The whole file compares each household across units: H1 escaped, H2 fell back, H3 stayed poor.
        let whole = try History.summary(reviews)
        #expect(Moves(try History.row(whole, 2023)) == Moves(escaped: 1, fellBack: 1))
    }

    @Test func twoStandardsInOneYearAreRefused() throws {
        var builder = SummaryBuilder(byUnit: false)
        try builder.add(householdCode: "H1", unit: nil, year: 2022, standard: standard("vn-2022"),
                        classification: History.classified(.poor, under: "vn-2022"))
        #expect(throws: SummaryBuilder.Error.mixedStandards(year: 2022, "vn-2022", "vn-2027")) {
            try builder.add(householdCode: "H2", unit: nil, year: 2022, standard: standard("vn-2027"),
                            classification: History.classified(.poor, under: "vn-2027"))
        }
    }

    @Test func povertyRate() throws {
        let rows = try History.summary([
            R(code: "H1", year: 2022, status: .poor), R(code: "H2", year: 2022, status: .nearPoor),
            R(code: "H3", year: 2022, status: .notPoor),
        ])
        let r = try #require(rows.first)
        // 1 poor of 3: 33.333… → 33.33
        #expect(r.povertyRate.formatted(decimals: 2, scale: 100) == "33.33")
    }

    // MARK: - Property: the identity, on random histories

    /// An independent reading of the transition rules of `poverty-standards.md`.
    struct Oracle {
        struct Counts: Equatable { var moves = Moves(); var poorLast = 0; var poor = 0; var households = 0 }

        /// The first year of the file and the first review under a new standard are baselines.
        static func baselines(_ reviews: [R]) -> Set<Int> {
            let years = Set(reviews.map(\.year)).sorted()
            func std(_ y: Int) -> String? { StandardCatalog.builtIn.standard(forReviewYear: y)?.code }
            return Set(years.indices.filter { $0 == 0 || std(years[$0 - 1]) != std(years[$0]) }.map { years[$0] })
        }

        /// Households by code; by unit, by code within each unit (`survey-format.md`: "the
        /// comparison is made within each unit: a household that changed unit counts as left in
        /// its old unit and as not surveyed last review in its new one"). Against the previous
        /// round, poor then → left (absent now), escaped (reviewed, not poor); poor now and not
        /// poor (or absent) then → fell back if poor (in any unit) in an earlier round of the
        /// standard, else newly poor.
        static func counts(_ reviews: [R], byUnit: Bool) -> [String: Counts] {
            let years = Set(reviews.map(\.year)).sorted()
            func std(_ y: Int) -> String { StandardCatalog.builtIn.standard(forReviewYear: y)!.code }
            func unit(_ r: R) -> String { byUnit ? r.unit ?? "" : "" }
            var history: [String: [Int: R]] = [:], household: [String: [Int: R]] = [:]
            for r in reviews {
                history[r.code + "|" + unit(r), default: [:]][r.year] = r
                household[r.code, default: [:]][r.year] = r
            }
            var out: [String: Counts] = [:]
            for r in reviews {
                out["\(r.year) \(unit(r))", default: Counts()].households += 1
                if r.status == .poor { out["\(r.year) \(unit(r))", default: Counts()].poor += 1 }
            }
            for (i, y) in years.enumerated() {
                guard i > 0, std(years[i - 1]) == std(y) else { continue }  // baseline: no moves
                let last = years[i - 1]
                for (_, h) in history {
                    let p = h[last], c = h[y]
                    if let p, p.status == .poor {
                        out["\(y) \(unit(p))", default: Counts()].poorLast += 1
                        if c == nil { out["\(y) \(unit(p))", default: Counts()].moves.left += 1 }
                        if let c, c.status != .poor { out["\(y) \(unit(p))", default: Counts()].moves.escaped += 1 }
                    }
                    if let c, c.status == .poor, p?.status != .poor {
                        // Earlier reviews of the household, in any unit.
                        let before = household[c.code, default: [:]].contains { $0.key < last && std($0.key) == std(y) && $0.value.status == .poor }
                        if before { out["\(y) \(unit(c))", default: Counts()].moves.fellBack += 1 } else { out["\(y) \(unit(c))", default: Counts()].moves.newlyPoor += 1 }
                    }
                }
            }
            return out
        }
    }

    static func randomHistory(_ rng: inout SeededRandom) -> (reviews: [(R, Classification)], byUnit: Bool) {
        let years = (2019...2028).filter { _ in rng.chance(700) }
        let fileYears = years.isEmpty ? [rng.int(in: 2019...2028)] : years
        let units = ["A", "B", "C"]
        let byUnit = rng.chance(500)
        var reviews: [(R, Classification)] = []
        for h in 0..<rng.int(in: 1...24) {
            var unit: String? = rng.chance(100) ? nil : rng.pick(units)
            for year in fileYears where rng.chance(800) {
                if rng.chance(150) { unit = rng.pick(units) }
                // Random answers near the lines, classified by the classifier.
                let code = StandardCatalog.builtIn.standard(forReviewYear: year)!.code
                var mask: UInt64 = 0
                for i in 0..<14 where rng.chance(260) { mask |= 1 << i }
                let area: Area = rng.chance(600) ? .rural : .urban
                let income: Income
                if rng.chance(500) {
                    income = .monthlyPerCapita(rng.int(in: 0...3_500_000))
                } else {
                    let n = rng.int(in: 1...7)
                    income = .yearlyTotal(rng.int(in: 0...3_500_000) * 12 * n + rng.int(in: 0...(12 * n)), size: n)
                }
                let c = Classifier.classify(HouseholdAnswers(area: area, income: income, deprivations: mask), under: standard(code))
                reviews.append((R(code: "H\(h)", year: year, status: c.status, unit: unit), c))
            }
        }
        return (reviews.shuffled(using: &rng), byUnit)
    }

    @Test func identityHoldsOnRandomHistories() throws {
        var rng = SeededRandom(seed: 2021_07)
        var checkedRows = 0
        var seen = Moves()
        for trial in 0..<400 {
            let (classified, byUnit) = Self.randomHistory(&rng)
            let reviews = classified.map(\.0)
            var builder = SummaryBuilder(byUnit: byUnit)
            var added: [String: Int] = [:]
            var mdPoor: [String: Int] = [:]
            for (r, c) in classified {
                let s = try #require(StandardCatalog.builtIn.standard(forReviewYear: r.year))
                try builder.add(householdCode: r.code, unit: r.unit, year: r.year, standard: s, classification: c)
                let g = "\(r.year) \(byUnit ? r.unit ?? "" : "")"
                added[g, default: 0] += 1
                if c.deprivationCount >= 3 { mdPoor[g, default: 0] += 1 }
            }
            let rows = builder.build()
            let oracle = Oracle.counts(reviews, byUnit: byUnit)
            let baselines = Oracle.baselines(reviews)
            // Years ascending, then units.
            #expect(rows.map { [String($0.year), $0.unit] } == rows.map { [String($0.year), $0.unit] }.sorted { ($0[0], $0[1]) < ($1[0], $1[1]) })
            for row in rows {
                let g = "\(row.year) \(row.unit)"
                #expect(row.households == (added[g] ?? 0), "trial \(trial) \(g)")
                #expect(row.counts.values.reduce(0, +) == row.households)
                #expect(row.alkireFoster.households == row.households)
                #expect(row.alkireFoster.poor == (mdPoor[g] ?? 0))
                #expect(row.standardCode == StandardCatalog.builtIn.standard(forReviewYear: row.year)?.code)
                if row.isBaseline {
                    #expect(Moves(row) == Moves(), "trial \(trial) \(g)")
                } else {
                    checkedRows += 1
                    #expect(row.poor == row.poorLastReview - row.escaped - row.left + row.fellBack + row.newlyPoor,
                            "trial \(trial) \(g): \(Moves(row))")
                }
                let expected = oracle[g] ?? Oracle.Counts()
                #expect(Moves(row) == expected.moves, "trial \(trial) \(g)")
                #expect(row.isBaseline == baselines.contains(row.year), "trial \(trial) \(g)")
                #expect(row.poor == expected.poor)
                if !row.isBaseline { #expect(row.poorLastReview == expected.poorLast, "trial \(trial) \(g)") }
                seen.escaped += row.escaped; seen.left += row.left; seen.fellBack += row.fellBack; seen.newlyPoor += row.newlyPoor
            }
            // Every group with households or a move in the oracle has its row.
            let produced = Set(rows.map { "\($0.year) \($0.unit)" })
            for (g, c) in oracle where c.households > 0 || c.moves != Moves() {
                #expect(produced.contains(g), "trial \(trial): missing row \(g)")
            }
        }
        // The generator must exercise every kind of move, or the property proves little.
        #expect(checkedRows > 300)
        #expect(seen.escaped > 20 && seen.left > 20 && seen.fellBack > 20 && seen.newlyPoor > 20, "\(seen)")
    }

    // MARK: - Alkire–Foster, worked by hand

    /// Five households under vn-2022 (D = 12, k = 3), deprivations chosen by hand:
    ///
    ///   h1: none                                                    d = 0  not MD-poor
    ///   h2: viec_lam, bhyt (+ rac_thai, not a vn-2022 indicator)     d = 2  not MD-poor
    ///   h3: viec_lam, bhyt, nha_tieu                                d = 3  MD-poor
    ///   h4: viec_lam, phu_thuoc, bhyt, chat_luong_nha, vien_thong   d = 5  MD-poor (income far above the line)
    ///   h5: bhyt, nha_tieu, vien_thong, phuong_tien_thong_tin       d = 4  MD-poor
    ///
    /// n = 5, q = 3            → H  = 3/5 = 0.6000
    /// Σ cᵢ over the q = (3 + 5 + 4)/12 = 12/12 = 1 → A = 1/3 = 0.3333
    /// M0 = H × A = 3/5 × 1/3 = 1/5 = 0.2000
    /// Censored counts (MD-poor and deprived; h2 is censored out):
    ///   viec_lam 2 (h3, h4), phu_thuoc 1 (h4), bhyt 3 (h3, h4, h5), chat_luong_nha 1 (h4),
    ///   nha_tieu 2 (h3, h5), vien_thong 2 (h4, h5), phuong_tien_thong_tin 1 (h5), others 0 — sum 12.
    ///   hⱼ = count/5; contribution = (hⱼ/12)/M0 = (count/60)/(1/5) = count/12 — sum 12/12 = 1.
    static let workedExample: [(income: Dong, deprived: [String])] = [
        (5_000_000, []),
        (1_000_000, ["viec_lam", "bhyt", "rac_thai"]),
        (1_000_000, ["viec_lam", "bhyt", "nha_tieu"]),
        (9_000_000, ["viec_lam", "phu_thuoc", "bhyt", "chat_luong_nha", "vien_thong"]),
        (1_200_000, ["bhyt", "nha_tieu", "vien_thong", "phuong_tien_thong_tin"]),
    ]
    static let censoredByHand: [String: Int] = [
        "viec_lam": 2, "phu_thuoc": 1, "bhyt": 3, "chat_luong_nha": 1, "nha_tieu": 2, "vien_thong": 2, "phuong_tien_thong_tin": 1,
    ]

    @Test func alkireFosterWorkedExample() throws {
        let s = standard("vn-2022")
        var builder = SummaryBuilder(byUnit: false)
        for (i, h) in Self.workedExample.enumerated() {
            let c = Classifier.classify(answers(.rural, .monthlyPerCapita(h.income), deprived: h.deprived), under: s)
            try builder.add(householdCode: "H\(i + 1)", unit: nil, year: 2022, standard: s, classification: c)
        }
        let row = try #require(builder.build().first)
        let af = row.alkireFoster
        #expect(af.indicatorCount == 12)
        #expect(af.cutoff == 3)
        #expect(af.households == 5)
        #expect(af.poor == 3)
        #expect(sameValue(af.headcount, 3, 5))
        #expect(sameValue(af.intensity, 1, 3))
        #expect(sameValue(af.adjustedHeadcount, 1, 5))
        #expect(af.headcount.formatted(decimals: 4) == "0.6000")
        #expect(af.intensity.formatted(decimals: 4) == "0.3333")
        #expect(af.adjustedHeadcount.formatted(decimals: 4) == "0.2000")
        // M0 = H × A exactly.
        let h = af.headcount, a = af.intensity, m = af.adjustedHeadcount
        #expect(h.numerator * a.numerator * m.denominator == m.numerator * h.denominator * a.denominator)

        var numerators = 0
        var denominator: Int?
        for ind in s.indicators {
            let count = Self.censoredByHand[ind.code] ?? 0
            if count == 0 {
                #expect(af.censoredHeadcount(ind).numerator == 0, "\(ind.code)")
            } else {
                #expect(sameValue(af.censoredHeadcount(ind), count, 5), "\(ind.code)")
            }
            let contribution = af.contribution(ind)
            if count > 0 { #expect(sameValue(contribution, count, 12), "\(ind.code)") } else { #expect(contribution.numerator == 0) }
            numerators += contribution.numerator
            if let d = denominator { #expect(contribution.denominator == d) } else { denominator = contribution.denominator }
        }
        // Contributions share one denominator, and their numerators sum to it: exactly 1.
        #expect(numerators == denominator)
        #expect(af.contribution(try #require(StandardCatalog.builtIn.indicator(code: "bhyt"))).formatted(decimals: 4) == "0.2500")
        #expect(af.contribution(try #require(StandardCatalog.builtIn.indicator(code: "viec_lam"))).formatted(decimals: 4) == "0.1667")
        #expect(af.contribution(try #require(StandardCatalog.builtIn.indicator(code: "phu_thuoc"))).formatted(decimals: 4) == "0.0833")
        // Income does not enter: h4 is not poor by income but is multidimensionally poor.
        #expect(row.counts[.poor] == 2)  // h3 and h5 (I ≤ 1,500,000 and d ≥ 3)
    }

    @Test func alkireFosterWithNobodyPoorIsUndefinedWhereItShouldBe() {
        var af = AlkireFoster(standard: standard("vn-2027"), catalogSize: 14)
        af.add(deprivedMask: 0)
        af.add(deprivedMask: Sheet.mask(["viec_lam", "bhyt"]))
        #expect(af.headcount.isDefined && af.headcount.numerator == 0)  // H = 0/2
        #expect(af.headcount.formatted(decimals: 4) == "0.0000")
        #expect(!af.intensity.isDefined)  // A = 0/0
        #expect(af.intensity.formatted(decimals: 4) == "0.0000")
        #expect(af.adjustedHeadcount.numerator == 0)
        #expect(af.adjustedHeadcount.formatted(decimals: 4) == "0.0000")
        #expect(af.contribution(StandardCatalog.builtIn.indicator(code: "bhyt")!).formatted(decimals: 4) == "0.0000")
    }

    @Test func alkireFosterWithNoHouseholds() {
        let af = AlkireFoster(standard: standard("vn-2016"), catalogSize: 14)
        #expect(af.headcount.formatted(decimals: 4) == "0.0000")
        #expect(af.adjustedHeadcount.formatted(decimals: 4) == "0.0000")
    }

    // MARK: - Ratio

    @Test(arguments: [
        (1, 8, 2, 1, "0.13"),  // 0.125 → half up
        (1, 3, 2, 100, "33.33"),
        (2, 3, 4, 1, "0.6667"),
        (2, 3, 2, 100, "66.67"),
        (1, 6, 2, 100, "16.67"),
        (3, 8, 2, 1, "0.38"),
        (1, 32, 4, 1, "0.0313"),  // 0.03125 → half up
        (1, 16, 4, 1, "0.0625"),
        (5, 1000, 2, 1, "0.01"),  // 0.005 → half up
        (4, 1000, 2, 1, "0.00"),
        (1, 1, 4, 1, "1.0000"),
        (7, 4, 2, 1, "1.75"),
        (0, 5, 2, 1, "0.00"),
        (3, 2, 0, 1, "2"),
        (5, 5, 2, 100, "100.00"),
        (0, 0, 2, 1, "0.00"),
        (0, 0, 4, 1, "0.0000"),
        (3, 0, 4, 1, "0.0000"),
        (0, 0, 0, 1, "0"),
    ] as [(Int, Int, Int, Int, String)])
    func ratioFormatting(_ n: Int, _ d: Int, _ decimals: Int, _ scale: Int, _ text: String) {
        #expect(Ratio(n, d).formatted(decimals: decimals, scale: scale) == text)
    }

    @Test func ratioBasics() {
        #expect(Ratio(1, 3).description == "1/3")
        #expect(Ratio(1, 0).isDefined == false)
        #expect(Ratio(0, 1).isDefined)
    }
}
