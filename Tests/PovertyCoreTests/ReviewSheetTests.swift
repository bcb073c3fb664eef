import Testing
@testable import PovertyCore

@Suite("Review sheet (the form's row)")
struct ReviewSheetTests {
    @Test("a sheet is the survey row of its year's standard: its indicator columns, nothing else")
    func table() throws {
        let sheet = ReviewSheet(householdCode: "HO-1", year: "2025", area: "Nông thôn", householdSize: "4", yearlyIncome: "12.000.000",
                                deprived: ["bhyt", "rac_thai"], unitCode: "CDCS-1")
        let rows = sheet.table()
        let vn2022 = try #require(StandardCatalog.builtIn.standard(code: "vn-2022"))
        #expect(rows[0].suffix(vn2022.indicators.count) == ArraySlice(vn2022.indicators.map(\.code)))
        #expect(!rows[0].contains("rac_thai"))  // not asked in 2025: a tick there is not read
        #expect(!rows[0].contains("thu_nhap_binh_quan_thang"))
        #expect(rows[1][rows[0].firstIndex(of: "bhyt")!] == "1" && rows[1][rows[0].firstIndex(of: "viec_lam")!] == "0")
    }

    @Test("checked and classified as the classifier does; monthly income works the same")
    func classified() throws {
        let standard = try #require(StandardCatalog.builtIn.standard(forReviewYear: 2025))
        for (sheet, income) in [
            (ReviewSheet(householdCode: "A", year: "2025", area: "nong_thon", householdSize: "4", yearlyIncome: "12.000.000",
                         deprived: ["bhyt", "nha_tieu", "viec_lam"]), Income.yearlyTotal(12_000_000, size: 4)),
            (ReviewSheet(householdCode: "A", year: "2025", area: "nong_thon", incomeBasis: .monthly, monthlyIncome: "250.000",
                         deprived: ["bhyt", "nha_tieu", "viec_lam"]), Income.monthlyPerCapita(250_000)),
        ] {
            guard case let .classified(record, c, reason) = sheet.check() else { Issue.record("refused"); continue }
            let expected = Classifier.classify(HouseholdAnswers(area: .rural, income: income, deprived: ["bhyt", "nha_tieu", "viec_lam"]), under: standard)
            #expect(c == expected)
            #expect(c.status == .poor && c.perCapitaMonthly == 250_000)
            #expect(record.standard.code == "vn-2022")
            #expect(reason == Reason.text(expected, standard: standard))
        }
    }

    @Test("problems name the contract column: a wrong amount, a year no standard covers, a missing code")
    func refused() {
        func columns(_ sheet: ReviewSheet) -> [String] {
            if case .refused(let issues) = sheet.check() { return issues.map(\.column) }
            return []
        }
        #expect(columns(ReviewSheet(householdCode: "A", year: "2025", area: "nong_thon", householdSize: "4", yearlyIncome: "nhiều")) == ["tong_thu_nhap_nam"])
        #expect(columns(ReviewSheet(householdCode: "A", year: "1999", area: "nong_thon", householdSize: "4", yearlyIncome: "1")).contains("nam"))
        #expect(columns(ReviewSheet(householdCode: "", year: "2025", area: "nong_thon", householdSize: "4", yearlyIncome: "1")) == ["ma_ho"])
        #expect(columns(ReviewSheet(householdCode: "A", year: "2025", area: "", householdSize: "0", yearlyIncome: "1")).sorted() == ["khu_vuc", "so_nhan_khau"])
    }
}
