import Testing
@testable import PovertyCore

/// One line or band limit of a standard and the classes on each side of it, written by
/// hand from `poverty-standards.md` for a household deprived in 2 and in 3 indicators.
struct Boundary: Sendable, CustomTestStringConvertible {
    let standard: String
    let area: Area
    let limit: Dong
    /// Class at or just below the limit, with d = 2 and d = 3.
    let atOrBelow: (d2: LivingStandard, d3: LivingStandard)
    /// Class just above the limit, with d = 2 and d = 3.
    let above: (d2: LivingStandard, d3: LivingStandard)

    var testDescription: String { "\(standard) \(area.rawValue) \(limit)" }

    static let all: [Boundary] = [
        // vn-2016: poor below the income line whatever d; between it and the upper line poor iff d ≥ 3.
        Boundary(standard: "vn-2016", area: .rural, limit: 700_000, atOrBelow: (.poor, .poor), above: (.nearPoor, .poor)),
        Boundary(standard: "vn-2016", area: .rural, limit: 1_000_000, atOrBelow: (.nearPoor, .poor), above: (.average, .average)),
        Boundary(standard: "vn-2016", area: .rural, limit: 1_500_000, atOrBelow: (.average, .average), above: (.notPoor, .notPoor)),
        Boundary(standard: "vn-2016", area: .urban, limit: 900_000, atOrBelow: (.poor, .poor), above: (.nearPoor, .poor)),
        Boundary(standard: "vn-2016", area: .urban, limit: 1_300_000, atOrBelow: (.nearPoor, .poor), above: (.average, .average)),
        Boundary(standard: "vn-2016", area: .urban, limit: 1_950_000, atOrBelow: (.average, .average), above: (.notPoor, .notPoor)),
        // vn-2022: poor iff I ≤ line and d ≥ 3; average up to the upper bound.
        Boundary(standard: "vn-2022", area: .rural, limit: 1_500_000, atOrBelow: (.nearPoor, .poor), above: (.average, .average)),
        Boundary(standard: "vn-2022", area: .rural, limit: 2_250_000, atOrBelow: (.average, .average), above: (.notPoor, .notPoor)),
        Boundary(standard: "vn-2022", area: .urban, limit: 2_000_000, atOrBelow: (.nearPoor, .poor), above: (.average, .average)),
        Boundary(standard: "vn-2022", area: .urban, limit: 3_000_000, atOrBelow: (.average, .average), above: (.notPoor, .notPoor)),
        // vn-2027: no average band, so above the line is "not poor".
        Boundary(standard: "vn-2027", area: .rural, limit: 2_200_000, atOrBelow: (.nearPoor, .poor), above: (.notPoor, .notPoor)),
        Boundary(standard: "vn-2027", area: .urban, limit: 2_800_000, atOrBelow: (.nearPoor, .poor), above: (.notPoor, .notPoor)),
    ]
}

/// Deprivation sets used by the edge tests: `d` indicators of the standard, plus
/// flags in indicators the standard does not use (which must never count).
enum Deprivations {
    static func of(_ standard: String, count d: Int) -> [String] {
        switch (standard, d) {
        case ("vn-2016", 2): ["bhyt", "nha_tieu"]
        case ("vn-2016", 3): ["tiep_can_y_te", "bhyt", "phuong_tien_thong_tin"]
        case (_, 2): ["viec_lam", "nha_tieu"]
        default: ["viec_lam", "dinh_duong", "vien_thong"]
        }
    }

    static func notUsed(by standard: String) -> [String] {
        switch standard {
        case "vn-2016": ["viec_lam", "phu_thuoc", "dinh_duong", "rac_thai"]
        case "vn-2022": ["tiep_can_y_te", "rac_thai"]
        default: ["tiep_can_y_te", "phuong_tien_thong_tin"]
        }
    }
}

@Suite("Classifier")
struct ClassifierTests {
    // MARK: - Every rule at its edges

    /// Per-capita monthly income: limit − 1 and limit are "at or below", limit + 1 is above.
    @Test(arguments: Boundary.all, [2, 3])
    func monthlyPerCapitaAtEachLimit(_ b: Boundary, _ d: Int) {
        let s = standard(b.standard)
        let below = d == 2 ? b.atOrBelow.d2 : b.atOrBelow.d3
        let above = d == 2 ? b.above.d2 : b.above.d3
        for (income, expected) in [(b.limit - 1, below), (b.limit, below), (b.limit + 1, above)] {
            for extra in [[], Deprivations.notUsed(by: b.standard)] {
                let c = Classifier.classify(
                    answers(b.area, .monthlyPerCapita(income), deprived: Deprivations.of(b.standard, count: d) + extra), under: s)
                #expect(c.status == expected, "I = \(income), d = \(d), extra flags \(extra)")
                #expect(c.deprivationCount == d)
                #expect(c.perCapitaMonthly == income)
                #expect(c.area == b.area)
            }
        }
    }

    /// Yearly total T for n people: `T ≤ limit × n × 12` exactly, with T = limit·n·12 − 1, exact, + 1.
    @Test(arguments: Boundary.all, [1, 7])
    func yearlyTotalAtEachLimit(_ b: Boundary, _ n: Int) {
        let s = standard(b.standard)
        let exact = b.limit * n * 12
        for d in [2, 3] {
            let below = d == 2 ? b.atOrBelow.d2 : b.atOrBelow.d3
            let above = d == 2 ? b.above.d2 : b.above.d3
            for (total, expected) in [(exact - 1, below), (exact, below), (exact + 1, above)] {
                let c = Classifier.classify(
                    answers(b.area, .yearlyTotal(total, size: n), deprived: Deprivations.of(b.standard, count: d)), under: s)
                #expect(c.status == expected, "T = \(total), n = \(n), d = \(d)")
                #expect(c.deprivationCount == d)
                // Shown figure: T / (12n) rounded down.
                #expect(c.perCapitaMonthly == (total == exact - 1 ? b.limit - 1 : b.limit), "T = \(total), n = \(n)")
            }
        }
    }

    @Test func roundedDownFigureIsShownButTheExactTotalDecides() {
        // vn-2022 rural line 1,500,000; n = 1: line × 12 = 18,000,000.
        let c = Classifier.classify(answers(.rural, .yearlyTotal(18_000_011, size: 1), deprived: Deprivations.of("vn-2022", count: 3)),
                                    under: standard("vn-2022"))
        #expect(c.perCapitaMonthly == 1_500_000)  // 18,000,011 / 12 = 1,500,000.9…
        #expect(c.status == .average)  // above the line: T > 18,000,000
        #expect(c.bandIndex == 1)
    }

    @Test(arguments: [
        // (T, n, shown per capita): T / (12 n) rounded down, by hand.
        (18_000_011, 1, 1_500_000), (17_999_999, 1, 1_499_999), (83_999_999, 7, 999_999), (84_000_000, 7, 1_000_000),
        (84_000_083, 7, 1_000_000), (84_000_084, 7, 1_000_001), (0, 3, 0), (11, 1, 0), (12, 1, 1), (35, 3, 0), (36, 3, 1),
    ])
    func perCapitaMonthlyIsRoundedDown(_ total: Dong, _ n: Int, _ shown: Dong) {
        #expect(Income.yearlyTotal(total, size: n).perCapitaMonthly == shown)
    }

    @Test(arguments: ["vn-2016", "vn-2022", "vn-2027"], [Area.rural, .urban])
    func zeroIncomeWithNoDeprivation(_ code: String, _ area: Area) {
        // vn-2016: below the income line is poor whatever d. Others: I ≤ line and d < 3 → near-poor.
        let c = Classifier.classify(answers(area, .monthlyPerCapita(0)), under: standard(code))
        #expect(c.status == (code == "vn-2016" ? .poor : .nearPoor))
        #expect(c.deprivationCount == 0)
        #expect(c.deprivedMask == 0)
    }

    @Test(arguments: ["vn-2016", "vn-2022", "vn-2027"])
    func veryHighIncomeIsNotPoorEvenWhenDeprivedEverywhere(_ code: String) {
        let s = standard(code)
        let all = Spec.indicators(of: code)
        let c = Classifier.classify(answers(.urban, .monthlyPerCapita(50_000_000), deprived: all), under: s)
        #expect(c.status == .notPoor)
        #expect(c.deprivationCount == all.count)
        #expect(c.bandIndex == nil)
        // Same for a yearly total for 50 people.
        let y = Classifier.classify(answers(.urban, .yearlyTotal(900_000_000_000, size: 50), deprived: all), under: s)
        #expect(y.status == .notPoor)
    }

    @Test func ruralAndUrbanUseTheirOwnLines() {
        // 1,800,000 a month, 3 deprivations under vn-2022: rural line 1,500,000 (above → average),
        // urban line 2,000,000 (at or below → poor).
        let d = Deprivations.of("vn-2022", count: 3)
        #expect(Classifier.classify(answers(.rural, .monthlyPerCapita(1_800_000), deprived: d), under: standard("vn-2022")).status == .average)
        #expect(Classifier.classify(answers(.urban, .monthlyPerCapita(1_800_000), deprived: d), under: standard("vn-2022")).status == .poor)
    }

    // MARK: - Deprivations that do not count

    @Test func employmentFlagDoesNotCountUnder2016() {
        // Between the vn-2016 rural lines (700,000 < 800,000 ≤ 1,000,000): 2 real deprivations + viec_lam.
        let s = standard("vn-2016")
        let c = Classifier.classify(answers(.rural, .monthlyPerCapita(800_000), deprived: ["bhyt", "nha_tieu", "viec_lam"]), under: s)
        #expect(c.deprivationCount == 2)
        #expect(c.status == .nearPoor)
        #expect(c.deprivedIndicators(in: s).map(\.code) == ["bhyt", "nha_tieu"])
        // The same flags under vn-2022, which uses viec_lam: 3 deprivations, and 800,000 ≤ 1,500,000 → poor.
        let c22 = Classifier.classify(answers(.rural, .monthlyPerCapita(800_000), deprived: ["bhyt", "nha_tieu", "viec_lam"]),
                                      under: standard("vn-2022"))
        #expect(c22.deprivationCount == 3)
        #expect(c22.status == .poor)
    }

    @Test func onlyUnusedIndicatorsMeansNoDeprivation() {
        // vn-2027 does not use tiep_can_y_te nor phuong_tien_thong_tin.
        let c = Classifier.classify(answers(.rural, .monthlyPerCapita(1_000_000), deprived: ["tiep_can_y_te", "phuong_tien_thong_tin"]),
                                    under: standard("vn-2027"))
        #expect(c.deprivationCount == 0)
        #expect(c.deprivedMask == 0)
        #expect(c.status == .nearPoor)
        // vn-2022 does not use rac_thai: rac_thai + 2 used ones is 2, near-poor.
        let c22 = Classifier.classify(answers(.rural, .monthlyPerCapita(1_000_000), deprived: ["rac_thai", "bhyt", "vien_thong"]),
                                      under: standard("vn-2022"))
        #expect(c22.deprivationCount == 2)
        #expect(c22.status == .nearPoor)
    }

    @Test func rawMaskBitsOutsideTheStandardAreIgnored() {
        // Every bit set, including bits beyond the 14 catalogue indicators.
        let s = standard("vn-2022")
        let c = Classifier.classify(HouseholdAnswers(area: .rural, income: .monthlyPerCapita(1), deprivations: .max), under: s)
        #expect(c.deprivationCount == 12)
        #expect(c.deprivedIndicators(in: s).map(\.code) == Spec.vn2022Indicators)
        #expect(c.status == .poor)
    }

    @Test func unknownCodesAreIgnoredWhenBuildingAnswers() {
        let a = HouseholdAnswers(area: .rural, income: .monthlyPerCapita(1), deprived: ["khong_ton_tai", "bhyt"])
        let bhyt = StandardCatalog.builtIn.indicator(code: "bhyt")!.index
        #expect(a.deprivations == 1 << bhyt)
    }

    @Test(arguments: ["vn-2016", "vn-2022", "vn-2027"])
    func deprivedIndicatorsFollowTheTableOrder(_ code: String) {
        let s = standard(code)
        let used = Spec.indicators(of: code)
        // Given in reverse order, with an unused flag mixed in, listed back in table order.
        let c = Classifier.classify(answers(.urban, .monthlyPerCapita(1), deprived: used.reversed() + Deprivations.notUsed(by: code)), under: s)
        #expect(c.deprivedIndicators(in: s).map(\.code) == used)
        let some = [used[used.count - 1], used[0], used[4]]
        let c2 = Classifier.classify(answers(.urban, .monthlyPerCapita(1), deprived: some), under: s)
        #expect(c2.deprivedIndicators(in: s).map(\.code) == [used[0], used[4], used[used.count - 1]])
    }

    // MARK: - Reason text

    @Test func reasonPoorUnder2022Urban() {
        let s = standard("vn-2022")
        let c = Classifier.classify(answers(.urban, .monthlyPerCapita(2_000_000), deprived: ["viec_lam", "bhyt", "nha_tieu"]), under: s)
        #expect(c.status == .poor)
        let vi = Reason.text(c, standard: s, language: .vi)
        expect(vi, contains: ["2.000.000", "chuẩn nghèo", "thành thị", "3/12", "(≥ 3)"])
        #expect(vi.hasSuffix("hộ nghèo"))
        #expect(!vi.contains("tổng năm"))
        let en = Reason.text(c, standard: s, language: .en)
        expect(en, contains: ["2,000,000", "poverty line", "urban", "3/12", "(≥ 3)"])
        #expect(en.hasSuffix(" poor") && !en.hasSuffix("near-poor"))
        #expect(Reason.text(c, standard: s) == vi)  // Vietnamese by default
    }

    @Test func reasonNearPoorUnder2022Rural() {
        let s = standard("vn-2022")
        let c = Classifier.classify(answers(.rural, .monthlyPerCapita(1_499_999), deprived: ["viec_lam", "bhyt"]), under: s)
        #expect(c.status == .nearPoor)
        let vi = Reason.text(c, standard: s, language: .vi)
        expect(vi, contains: ["1.499.999", "chuẩn nghèo", "nông thôn", "1.500.000", "2/12", "(< 3)"])
        #expect(vi.hasSuffix("hộ cận nghèo"))
        let en = Reason.text(c, standard: s, language: .en)
        expect(en, contains: ["1,499,999", "poverty line", "rural", "1,500,000", "2/12", "(< 3)"])
        #expect(en.hasSuffix("near-poor"))
    }

    @Test func reasonAboveTheLineWithARoundedFigure() {
        // T = 18,000,011, n = 1: shows 1,500,000 but is above the 1,500,000 line → average.
        let s = standard("vn-2022")
        let c = Classifier.classify(answers(.rural, .yearlyTotal(18_000_011, size: 1), deprived: ["viec_lam", "bhyt", "nha_tieu"]), under: s)
        let vi = Reason.text(c, standard: s, language: .vi)
        expect(vi, contains: ["1.500.000", "(tổng năm 18.000.011 đ, 1 người)", "nông thôn", "chuẩn nghèo", "2.250.000",
                              "mức sống trung bình"])
        #expect(vi.hasSuffix("hộ có mức sống trung bình"))
        // No deprivation count in the average band: it does not depend on d.
        #expect(!vi.contains("/12"))
        let en = Reason.text(c, standard: s, language: .en)
        expect(en, contains: ["1,500,000", "(yearly total 18,000,011 VND, 1 person)", "rural", "2,250,000"])
        #expect(en.hasSuffix("average living standard"))
    }

    @Test func reasonBetweenThe2016LinesForSevenPeople() {
        // T = 700,000 × 7 × 12 + 1 = 58,800,001 → shows 700,000 (rounded), above the 700,000 income line,
        // at or below the 1,000,000 upper line, d = 2 → near-poor.
        let s = standard("vn-2016")
        let c = Classifier.classify(answers(.rural, .yearlyTotal(58_800_001, size: 7), deprived: ["bhyt", "nha_tieu"]), under: s)
        #expect(c.status == .nearPoor)
        #expect(c.perCapitaMonthly == 700_000)
        let vi = Reason.text(c, standard: s, language: .vi)
        expect(vi, contains: ["700.000", "(tổng năm 58.800.001 đ, 7 người)", "chuẩn nghèo về thu nhập", "nông thôn",
                              "1.000.000", "2/10", "(< 3)"])
        #expect(vi.hasSuffix("hộ cận nghèo"))
        let en = Reason.text(c, standard: s, language: .en)
        expect(en, contains: ["700,000", "(yearly total 58,800,001 VND, 7 people)", "income poverty line", "rural",
                              "1,000,000", "2/10", "(< 3)"])
        #expect(en.hasSuffix("near-poor"))
    }

    @Test func reasonOmitsTheYearlyTotalWhenNothingIsRounded() {
        // T = 84,000,000 for 7 people is exactly 1,000,000 a month: nothing is rounded.
        let s = standard("vn-2016")
        let c = Classifier.classify(answers(.urban, .yearlyTotal(84_000_000, size: 7), deprived: Deprivations.of("vn-2016", count: 3)), under: s)
        #expect(c.status == .poor)
        let vi = Reason.text(c, standard: s, language: .vi)
        #expect(!vi.contains("tổng năm"))
        expect(vi, contains: ["1.000.000", "thành thị", "900.000", "1.300.000", "3/10", "(≥ 3)"])
        #expect(vi.hasSuffix("hộ nghèo"))
        #expect(!Reason.text(c, standard: s, language: .en).contains("yearly total"))
    }

    @Test func reasonBelowThe2016IncomeLineNeedsNoCount() {
        let s = standard("vn-2016")
        let c = Classifier.classify(answers(.urban, .monthlyPerCapita(900_000)), under: s)
        #expect(c.status == .poor)
        let vi = Reason.text(c, standard: s, language: .vi)
        expect(vi, contains: ["900.000", "chuẩn nghèo về thu nhập", "thành thị"])
        #expect(vi.hasSuffix("hộ nghèo"))
        let en = Reason.text(c, standard: s, language: .en)
        expect(en, contains: ["900,000", "income poverty line", "urban"])
        #expect(en.hasSuffix(" poor"))
    }

    @Test func reasonAboveTheOnlyLineOf2027() {
        let s = standard("vn-2027")
        let c = Classifier.classify(answers(.urban, .monthlyPerCapita(2_800_001), deprived: Deprivations.of("vn-2027", count: 3)), under: s)
        #expect(c.status == .notPoor)
        let vi = Reason.text(c, standard: s, language: .vi)
        expect(vi, contains: ["2.800.001", "chuẩn nghèo", "thành thị", "2.800.000"])
        #expect(!vi.contains("mức sống trung bình"))
        #expect(vi.hasSuffix("không nghèo"))
        let en = Reason.text(c, standard: s, language: .en)
        expect(en, contains: ["2,800,001", "poverty line", "urban", "2,800,000"])
        #expect(en.hasSuffix("not poor"))
    }

    @Test func reasonAboveTheAverageBound() {
        let s = standard("vn-2016")
        let c = Classifier.classify(answers(.urban, .yearlyTotal(23_400_013, size: 1)), under: s)
        // 1,950,000 × 12 = 23,400,000 < 23,400,013 → not poor; shown 1,950,001.
        #expect(c.status == .notPoor)
        #expect(c.perCapitaMonthly == 1_950_001)
        let vi = Reason.text(c, standard: s, language: .vi)
        expect(vi, contains: ["1.950.001", "1.950.000", "(tổng năm 23.400.013 đ, 1 người)", "thành thị"])
        #expect(vi.hasSuffix("không nghèo"))
    }

    private func expect(_ text: String, contains parts: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        for part in parts {
            #expect(text.contains(part), "'\(part)' missing from: \(text)", sourceLocation: sourceLocation)
        }
    }
}
