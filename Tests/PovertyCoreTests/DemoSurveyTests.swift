import Testing
@testable import PovertyCore

@Suite("Demo survey generator")
struct DemoSurveyTests {
    static func rows(_ g: DemoSurveyGenerator) -> [[String]] {
        var out: [[String]] = []
        g.generate { out.append($0) }
        return out
    }

    @Test func sameSeedSameRows() {
        let a = Self.rows(DemoSurveyGenerator(households: 150, firstYear: 2021, years: 4, seed: 7))
        let b = Self.rows(DemoSurveyGenerator(households: 150, firstYear: 2021, years: 4, seed: 7))
        #expect(a.count > 150)
        #expect(a == b)
    }

    @Test func differentSeedDifferentRows() {
        let a = Self.rows(DemoSurveyGenerator(households: 150, firstYear: 2021, years: 2, seed: 7))
        let b = Self.rows(DemoSurveyGenerator(households: 150, firstYear: 2021, years: 2, seed: 8))
        #expect(a.first == b.first)  // same header
        #expect(a != b)
        // Not a reshuffle of a few cells: most data rows differ.
        let differing = zip(a.dropFirst(), b.dropFirst()).filter { $0 != $1 }.count
        #expect(differing > 100)
    }

    @Test func seededRandomIsDeterministicAndSpreads() {
        var a = SeededRandom(seed: 42)
        var b = SeededRandom(seed: 42)
        var c = SeededRandom(seed: 43)
        let xs = (0..<100).map { _ in a.next() }
        #expect(xs == (0..<100).map { _ in b.next() })
        #expect(xs != (0..<100).map { _ in c.next() })
        #expect(Set(xs).count == 100)
        var r = SeededRandom(seed: 1)
        for _ in 0..<1_000 {
            #expect((3...9).contains(r.int(in: 3...9)))
        }
        #expect((0..<1_000).allSatisfy { _ in !r.chance(0) && r.chance(1000) })
    }

    @Test func headerFoldsToTheContract() {
        let folded = DemoSurveyGenerator.header.map { TextFolding.fold($0) }
        #expect(folded == ["ma_ho", "nam", "don_vi", "ma_doan_vien", "ho_ten_chu_ho", "khu_vuc", "so_nhan_khau", "tong_thu_nhap_nam"]
                + Spec.indicatorTable + ["dan_toc_thieu_so"])
        let known = Set(SurveyColumn.allCases.map(\.rawValue)).union(Spec.indicatorTable)
        #expect(folded.allSatisfy { known.contains($0) })
        #expect(Set(folded).count == folded.count)
        // The scan sees no unknown or duplicate column.
        var scan = SurveyScan()
        _ = scan.consume(row: 1, cells: DemoSurveyGenerator.header)
        #expect(scan.unknownColumns.isEmpty)
        #expect(!scan.hasIssues)
    }

    /// Years 2019–2028 cross all three standards.
    @Test(arguments: [(2019, 10, false, 2021), (2021, 5, true, 99), (2026, 4, false, 12345)] as [(Int, Int, Bool, UInt64)])
    func everyRowPassesTheContract(_ firstYear: Int, _ years: Int, _ grouped: Bool, _ seed: UInt64) throws {
        let g = DemoSurveyGenerator(households: 400, firstYear: firstYear, years: years, seed: seed, groupedMoney: grouped, units: 7)
        let rows = Self.rows(g)
        var scan = SurveyScan()
        var records: [SurveyRecord] = []
        for (i, cells) in rows.enumerated() {
            #expect(cells.count == DemoSurveyGenerator.header.count)
            if let r = scan.consume(row: i + 1, cells: cells) { records.append(r) }
        }
        if scan.needsDuplicateCheck {
            scan.confirmDuplicates { visit in for (i, cells) in rows.enumerated() { visit(i + 1, cells) } }
        }
        let (shown, total) = scan.issues()
        #expect(total == 0, "\(shown.prefix(5))")
        #expect(records.count == rows.count - 1)
        #expect(Set(records.map(\.year)) == Set(firstYear..<(firstYear + years)))
        #expect(Set(records.compactMap(\.unitCode)).count == 7)
        // Household codes are unique within each year.
        var seen = Set<String>()
        for r in records {
            #expect(seen.insert("\(r.year) \(r.householdCode)").inserted, "\(r.householdCode) twice in \(r.year)")
        }
        // Grouped money is written with dots, and parsed back to the same amounts as plain digits would be.
        if grouped {
            let totals = rows.dropFirst().map { $0[7] }
            #expect(totals.contains { $0.contains(".") })
            for t in totals.prefix(200) {
                let plain = t.replacing(".", with: "")
                #expect(Money.parse(t) == Money.parse(plain))
            }
        }
    }

    @Test func demoDataHasEveryClass() {
        // A demo should show all four classes and some transitions under vn-2022.
        let g = DemoSurveyGenerator(households: 2_000, firstYear: 2021, years: 3, seed: 2021)
        let rows = Self.rows(g)
        var scan = SurveyScan()
        var builder = SummaryBuilder(byUnit: false)
        for (i, cells) in rows.enumerated() {
            guard let r = scan.consume(row: i + 1, cells: cells), let parser = scan.parser else { continue }
            let s = parser.standard(of: r)
            try? builder.add(householdCode: r.householdCode, unit: r.unitCode, year: r.year, standard: s,
                             classification: Classifier.classify(r.answers, under: s))
        }
        let summary = builder.build()
        #expect(summary.map(\.year) == [2021, 2022, 2023])
        let all = summary.reduce(into: [LivingStandard: Int]()) { acc, row in
            for (k, v) in row.counts { acc[k, default: 0] += v }
        }
        for status in LivingStandard.allCases { #expect((all[status] ?? 0) > 0, "\(status)") }
        #expect(summary.dropFirst().contains { $0.escaped > 0 })
    }

    @Test func householdCodesAreStableAcrossYears() {
        let rows = Self.rows(DemoSurveyGenerator(households: 50, firstYear: 2022, years: 2, seed: 5))
        let byYear = Dictionary(grouping: rows.dropFirst(), by: { $0[1] }).mapValues { Set($0.map { $0[0] }) }
        let a = byYear["2022"] ?? [], b = byYear["2023"] ?? []
        #expect(a.count == 50)
        // About one household in a hundred leaves each year: most codes are in both years.
        #expect(a.intersection(b).count >= 45)
    }
}
