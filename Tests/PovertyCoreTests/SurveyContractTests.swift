import Foundation
import Testing
import Texts
@testable import PovertyCore

/// Builds in-memory survey sheets: a header, then data rows whose cells are given by
/// the folded column name (so the same values fit any spelling of the header).
enum Sheet {
    static let basic = ["ma_ho", "nam", "khu_vuc", "so_nhan_khau", "tong_thu_nhap_nam"]
    /// Every contract column needed for any year: the basics and all 14 indicators.
    static let header = basic + Spec.indicatorTable

    /// The same header as an office would write it, in Vietnamese.
    static let vietnameseHeader = [
        "Mã hộ", "Năm", "Khu vực", "Số nhân khẩu", "Tổng thu nhập năm",
        "Việc làm", "Phụ thuộc", "Tiếp cận y tế", "Dinh dưỡng", "BHYT", "Giáo dục người lớn", "Đi học trẻ em",
        "Chất lượng nhà", "Diện tích nhà", "Nước sinh hoạt", "Nhà tiêu", "Rác thải", "Viễn thông", "Phương tiện thông tin",
    ]

    static func defaultValue(_ folded: String) -> String {
        switch folded {
        case "ma_ho": "HO001"
        case "nam": "2022"
        case "khu_vuc": "nong_thon"
        case "so_nhan_khau": "4"
        case "tong_thu_nhap_nam": "60.000.000"
        case "thu_nhap_binh_quan_thang": "1.250.000"
        case _ where Spec.indicatorTable.contains(folded): "0"
        default: ""
        }
    }

    /// A data row for `header`: `values` by folded column name, defaults elsewhere.
    static func row(_ header: [String] = header, _ values: [String: String] = [:]) -> [String] {
        header.map { h in
            let key = TextFolding.fold(h)
            return values[key] ?? defaultValue(key)
        }
    }

    struct Scanned {
        var scan: SurveyScan
        var records: [SurveyRecord]
        var shown: [SurveyIssue]
        var total: Int
    }

    /// Feeds `rows` (header first, numbered from 1), runs the duplicate pass when asked for.
    static func scan(_ rows: [[String]], standard: PovertyStandard? = nil, limit: Int = 200) -> Scanned {
        var scan = SurveyScan(standardOverride: standard, limit: limit)
        var records: [SurveyRecord] = []
        for (i, cells) in rows.enumerated() {
            if let r = scan.consume(row: i + 1, cells: cells) { records.append(r) }
        }
        if scan.needsDuplicateCheck {
            scan.confirmDuplicates { visit in
                for (i, cells) in rows.enumerated() { visit(i + 1, cells) }
            }
        }
        let (shown, total) = scan.issues()
        return Scanned(scan: scan, records: records, shown: shown, total: total)
    }

    static func mask(_ codes: [String]) -> UInt64 {
        codes.reduce(0) { $0 | 1 << StandardCatalog.builtIn.indicator(code: $1)!.index }
    }
}

@Suite("Survey contract")
struct SurveyContractTests {
    /// The names the reports give the columns are the template's headers, and the blank
    /// template offers every column the contract reads (one income column is enough).
    @Test func theTemplateNamesEveryColumn() throws {
        for column in SurveyColumn.allCases { #expect(TextFolding.fold(column.header.vi) == column.rawValue, "\(column)") }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("Examples/mau-khao-sat-trong.csv"), encoding: .utf8)
        let header = text.split(separator: "\n").first.map { $0.split(separator: ",").map(String.init) } ?? []
        let layout = SurveyLayout(header: header)
        #expect(layout.unknownColumns.isEmpty && layout.headerIssues.isEmpty)
        let folded = Set(header.map { TextFolding.fold($0) })
        for column in SurveyColumn.allCases where column != .monthlyIncome { #expect(folded.contains(column.rawValue), "\(column)") }
    }

    // MARK: - A valid file

    @Test func validRowsBecomeRecords() throws {
        let result = Sheet.scan([
            Sheet.header,
            Sheet.row(Sheet.header, ["ma_ho": "HO001", "nam": "2022", "khu_vuc": "Nông thôn", "so_nhan_khau": "4",
                                     "tong_thu_nhap_nam": "60.000.000", "viec_lam": "1", "bhyt": "có", "nha_tieu": "Có"]),
            Sheet.row(Sheet.header, ["ma_ho": "HO002", "nam": "2019", "khu_vuc": "thanh_thi", "so_nhan_khau": "1",
                                     "tong_thu_nhap_nam": "10 800 000", "tiep_can_y_te": "1"]),
        ])
        #expect(result.total == 0)
        #expect(result.shown.isEmpty)
        #expect(!result.scan.hasIssues)
        #expect(result.scan.unknownColumns.isEmpty)
        #expect(result.scan.recordCount == 2)
        try #require(result.records.count == 2)
        let a = result.records[0]
        #expect(a.rowNumber == 2)
        #expect(a.householdCode == "HO001")
        #expect(a.year == 2022)
        #expect(a.standardCode == "vn-2022")
        #expect(a.answers.area == .rural)
        #expect(a.answers.income == .yearlyTotal(60_000_000, size: 4))
        #expect(a.answers.deprivations == Sheet.mask(["viec_lam", "bhyt", "nha_tieu"]))
        let b = result.records[1]
        #expect(b.rowNumber == 3)
        #expect(b.year == 2019)
        #expect(b.standardCode == "vn-2016")
        #expect(b.answers.area == .urban)
        #expect(b.answers.income == .yearlyTotal(10_800_000, size: 1))
        #expect(b.answers.deprivations == Sheet.mask(["tiep_can_y_te"]))
        #expect(result.scan.parser?.standard(of: b).code == "vn-2016")
    }

    @Test func cellsAreTrimmed() throws {
        let result = Sheet.scan([
            Sheet.header,
            Sheet.row(Sheet.header, ["ma_ho": "  HO 7 ", "nam": " 2023 ", "khu_vuc": "\u{00A0}Thành thị ", "so_nhan_khau": " 3",
                                     "tong_thu_nhap_nam": " 1.000.000 đ ", "bhyt": " 1 ", "vien_thong": " có "]),
        ])
        #expect(result.total == 0)
        let r = try #require(result.records.first)
        #expect(r.householdCode == "HO 7")
        #expect(r.year == 2023)
        #expect(r.answers.area == .urban)
        #expect(r.answers.income == .yearlyTotal(1_000_000, size: 3))
        #expect(r.answers.deprivations == Sheet.mask(["bhyt", "vien_thong"]))
    }

    @Test func monthlyIncomeAloneNeedsNoHouseholdSize() throws {
        let header = ["ma_ho", "nam", "khu_vuc", "thu_nhap_binh_quan_thang"] + Spec.vn2022Indicators
        let result = Sheet.scan([header, Sheet.row(header, ["thu_nhap_binh_quan_thang": "1,500,000"])])
        #expect(result.total == 0)
        #expect(try #require(result.records.first).answers.income == .monthlyPerCapita(1_500_000))
    }

    // MARK: - Header

    /// Each header spells the contract differently; every one must give the same record.
    @Test(arguments: [
        Sheet.vietnameseHeader,
        Sheet.vietnameseHeader.map { $0.uppercased() },
        Sheet.header.map { $0.uppercased() },
        Sheet.header.map { $0.replacing("_", with: " ") },
        Sheet.vietnameseHeader.map { "  " + $0.replacing(" ", with: "  ") + " " },
        Array(Sheet.vietnameseHeader.reversed()),
        ["\u{FEFF}Mã hộ"] + Sheet.vietnameseHeader.dropFirst(),  // a UTF-8 BOM left on the first cell
        [
            "Viễn thông", "MÃ HỘ", "Tổng thu nhập năm", "nha_tieu", "KHU VỰC", "Bhyt", "Năm", "so nhan khau",
            "Việc làm", "Phụ thuộc", "Dinh dưỡng", "Giáo dục người lớn", "ĐI HỌC TRẺ EM", "chất lượng nhà",
            "Diện tích nhà", "Nước sinh hoạt", "Phương tiện thông tin",
        ],
    ])
    func headerSpellings(_ header: [String]) throws {
        let values = ["ma_ho": "HO009", "nam": "2023", "khu_vuc": "Thành thị", "so_nhan_khau": "2",
                      "tong_thu_nhap_nam": "48.000.000", "viec_lam": "1", "bhyt": "1", "nha_tieu": "1"]
        let result = Sheet.scan([header, Sheet.row(header, values)])
        #expect(result.total == 0, "\(result.shown)")
        #expect(result.scan.unknownColumns.isEmpty)
        let r = try #require(result.records.first)
        #expect(r.householdCode == "HO009")
        #expect(r.year == 2023)
        #expect(r.answers.area == .urban)
        #expect(r.answers.income == .yearlyTotal(48_000_000, size: 2))
        #expect(r.answers.deprivations == Sheet.mask(["viec_lam", "bhyt", "nha_tieu"]))
    }

    @Test func unknownColumnsAreReportedAsWrittenAndIgnored() throws {
        let header = Sheet.vietnameseHeader + ["Ghi chú", "Số điện thoại", "GHI CHU 2"]
        let result = Sheet.scan([header, Sheet.row(header, ["ghi_chu": "hộ khó khăn", "so_dien_thoai": "0912345678"])])
        #expect(result.scan.unknownColumns == ["Ghi chú", "Số điện thoại", "GHI CHU 2"])
        #expect(result.total == 0)
        #expect(result.records.count == 1)
    }

    @Test func duplicateColumnIsARowOneIssue() {
        let header = Sheet.vietnameseHeader + ["ma_ho"]
        let result = Sheet.scan([header, Sheet.row(header)])
        #expect(result.total == 1)
        let issue = result.shown.first
        #expect(issue?.row == 1)
        #expect(issue?.column == "ma_ho")  // the second one, as written
        #expect(issue?.message.text(.vi).contains("'Mã hộ'") == true)  // names the first one
        #expect(issue?.message.text(.vi).contains("cột A ") == true)  // …and its column letter
    }

    @Test func duplicateIndicatorColumnIsARowOneIssue() {
        let header = Sheet.header + ["B H Y T", " BHYT "]
        let result = Sheet.scan([header])
        // "B H Y T" folds to b_h_y_t (unknown); " BHYT " folds to bhyt (duplicate).
        #expect(result.scan.unknownColumns == ["B H Y T"])
        #expect(result.total == 1)
        #expect(result.shown.first?.row == 1)
        #expect(result.shown.first?.column == " BHYT ")
    }

    @Test(arguments: ["ma_ho", "nam", "khu_vuc"])
    func missingRequiredColumnIsReportedOnceOnRowOne(_ column: String) {
        let header = Sheet.header.filter { $0 != column }
        let rows = [header] + (1...6).map { Sheet.row(header, ["ma_ho": "HO\($0)"]) }
        let result = Sheet.scan(rows)
        #expect(result.total == 1, "\(result.shown)")
        #expect(result.shown.map(\.row) == [1])
        #expect(result.shown.map(\.column) == [column])
        #expect(result.scan.hasIssues)
    }

    @Test func missingBothIncomeColumns() {
        let header = ["ma_ho", "nam", "khu_vuc"] + Spec.vn2022Indicators
        let result = Sheet.scan([header, Sheet.row(header), Sheet.row(header, ["ma_ho": "HO2"])])
        #expect(result.total == 1)
        #expect(result.shown.first?.row == 1)
        #expect(["tong_thu_nhap_nam", "thu_nhap_binh_quan_thang"].contains(result.shown.first?.column ?? ""))
    }

    @Test func yearlyTotalWithoutHouseholdSizeColumn() {
        let header = Sheet.header.filter { $0 != "so_nhan_khau" }
        let result = Sheet.scan([header, Sheet.row(header), Sheet.row(header, ["ma_ho": "HO2"])])
        #expect(result.total == 1)
        #expect(result.shown.first?.row == 1)
        #expect(result.shown.first?.column == "so_nhan_khau")
    }

    @Test func missingIndicatorOfTheYearsStandardIsReportedOnce() {
        // A 2019 review uses vn-2016, which needs tiep_can_y_te; 2022 rows (vn-2022) do not.
        let header = Sheet.header.filter { $0 != "tiep_can_y_te" }
        var rows = [header]
        for i in 1...8 { rows.append(Sheet.row(header, ["ma_ho": "HO\(i)", "nam": i % 2 == 0 ? "2019" : "2022"])) }
        let result = Sheet.scan(rows)
        #expect(result.total == 1, "\(result.shown)")
        #expect(result.shown.first?.row == 1)
        #expect(result.shown.first?.column == "tiep_can_y_te")
        #expect(result.shown.first?.message.text(.vi).contains("vn-2016") == true)
    }

    @Test func missingIndicatorIsNotRequiredWhenNoRowUsesIt() {
        let header = Sheet.header.filter { $0 != "tiep_can_y_te" && $0 != "rac_thai" }
        let result = Sheet.scan([header, Sheet.row(header, ["nam": "2021"]), Sheet.row(header, ["ma_ho": "HO2", "nam": "2025"])])
        #expect(result.total == 0)
        #expect(result.records.count == 2)
    }

    @Test func indicatorMissingForTwoStandardsIsStillReportedOnce() {
        // bhyt is in every standard: 2019, 2022 and 2027 rows all need it. One column, one report.
        let header = Sheet.header.filter { $0 != "bhyt" }
        let rows = [header] + ["2019", "2022", "2027", "2019"].enumerated().map { i, year in
            Sheet.row(header, ["ma_ho": "HO\(i)", "nam": year])
        }
        let result = Sheet.scan(rows)
        #expect(result.total == 1, "\(result.shown)")
        #expect(result.shown.map(\.row) == [1])
        #expect(result.shown.map(\.column) == ["bhyt"])
    }

    @Test func everyMissingIndicatorColumnIsReported() {
        // Only the basics: a 2027 review needs all 12 vn-2027 indicator columns.
        let result = Sheet.scan([Sheet.basic, Sheet.row(Sheet.basic, ["nam": "2027"]), Sheet.row(Sheet.basic, ["ma_ho": "B", "nam": "2028"])])
        #expect(result.total == 12)
        #expect(Set(result.shown.map(\.column)) == Set(Spec.vn2027Indicators))
        #expect(result.shown.allSatisfy { $0.row == 1 })
    }

    @Test func standardOverrideDecidesTheRequiredIndicators() {
        // --standard vn-2027 for 2022 rows: rac_thai is now required, phuong_tien_thong_tin is not.
        let header = Sheet.header.filter { $0 != "rac_thai" }
        let result = Sheet.scan([header, Sheet.row(header), Sheet.row(header, ["ma_ho": "HO2"])], standard: standard("vn-2027"))
        #expect(result.total == 1)
        #expect(result.shown.first?.column == "rac_thai")
        #expect(result.shown.first?.message.text(.vi).contains("vn-2027") == true)
    }

    // MARK: - Cell errors: exact row, column as written

    struct BadCell: Sendable, CustomTestStringConvertible {
        let column: String  // folded
        let value: String
        var testDescription: String { "\(column) = '\(value)'" }
    }

    static let badCells: [BadCell] = [
        BadCell(column: "ma_ho", value: ""),
        BadCell(column: "ma_ho", value: "   "),
        BadCell(column: "ma_ho", value: String(repeating: "H", count: 65)),
        BadCell(column: "ma_ho", value: String(repeating: "Đ", count: 65)),
        BadCell(column: "nam", value: ""),
        BadCell(column: "nam", value: "hai nghìn"),
        BadCell(column: "nam", value: "2022.0"),
        BadCell(column: "nam", value: "2014"),
        BadCell(column: "nam", value: "2036"),
        BadCell(column: "nam", value: "2031"),  // in range, but no standard covers it
        BadCell(column: "nam", value: "2035"),
        BadCell(column: "khu_vuc", value: ""),
        BadCell(column: "khu_vuc", value: "miền núi"),
        BadCell(column: "khu_vuc", value: "thanh"),
        BadCell(column: "so_nhan_khau", value: ""),
        BadCell(column: "so_nhan_khau", value: "0"),
        BadCell(column: "so_nhan_khau", value: "51"),
        BadCell(column: "so_nhan_khau", value: "ba"),
        BadCell(column: "so_nhan_khau", value: "-2"),
        BadCell(column: "so_nhan_khau", value: "2.5"),
        BadCell(column: "bhyt", value: "2"),
        BadCell(column: "bhyt", value: "x"),
        BadCell(column: "bhyt", value: "yes"),
        BadCell(column: "bhyt", value: "10"),
        BadCell(column: "nha_tieu", value: "-1"),
    ]
    + ["", "-5", "1500000.5", "1.500.000,50", "1,5", "15.00.000", "1.5000", "abc", "$1500000", "1e6", "1.500.000 đồng",
       "99999999999999999999"].map { BadCell(column: "tong_thu_nhap_nam", value: $0) }

    @Test(arguments: badCells)
    func badCellIsReportedAtItsRowAndColumnAsWritten(_ bad: BadCell) throws {
        let header = Sheet.vietnameseHeader
        let written = try #require(header.first { TextFolding.fold($0) == bad.column })
        var values = ["ma_ho": "HO3"]
        values[bad.column] = bad.value
        let result = Sheet.scan([
            header,
            Sheet.row(header, ["ma_ho": "HO1"]),
            Sheet.row(header, ["ma_ho": "HO2"]),
            Sheet.row(header, values),
            Sheet.row(header, ["ma_ho": "HO4"]),
        ])
        #expect(result.total == 1, "\(result.shown)")
        let issue = try #require(result.shown.first)
        #expect(issue.row == 4)
        #expect(issue.column == written)
        #expect(issue.description.hasPrefix("dòng 4, cột \(written): "))
        #expect(result.records.map(\.householdCode) == ["HO1", "HO2", "HO4"])
        #expect(result.scan.hasIssues)
    }

    @Test(arguments: ["", " ", "\u{00A0}"])
    func emptyIndicatorCellIsAnErrorNeverASilentZero(_ value: String) throws {
        let header = Sheet.vietnameseHeader
        let result = Sheet.scan([header, Sheet.row(header, ["bhyt": value])])
        #expect(result.records.isEmpty)
        #expect(result.total == 1)
        let issue = try #require(result.shown.first)
        #expect(issue.row == 2)
        #expect(issue.column == "BHYT")
        #expect(issue.message.text(.vi).contains("trống"))
    }

    @Test func shortRowMissingIndicatorCellsIsAnError() {
        // A row that stops after the basic columns: its indicator cells are empty, not 0.
        let result = Sheet.scan([Sheet.header, Array(Sheet.row().prefix(5))])
        #expect(result.records.isEmpty)
        #expect(result.total == Spec.vn2022Indicators.count)
        #expect(Set(result.shown.map(\.column)) == Set(Spec.vn2022Indicators))
        #expect(result.shown.allSatisfy { $0.row == 2 })
    }

    @Test(arguments: [
        ("1", true), ("0", false), ("có", true), ("không", false), ("co", true), ("khong", false), ("Có", true),
        ("KHÔNG", false), ("CO", true), (" 1 ", true), ("\u{00A0}0", false),
    ])
    func acceptedFlags(_ value: String, _ deprived: Bool) throws {
        let result = Sheet.scan([Sheet.header, Sheet.row(Sheet.header, ["dinh_duong": value])])
        #expect(result.total == 0)
        let r = try #require(result.records.first)
        #expect(r.answers.deprivations == (deprived ? Sheet.mask(["dinh_duong"]) : 0))
    }

    @Test(arguments: ["Nông thôn", "NONG THON", "nong_thon", "nông thôn", "rural", "RURAL", "Nong  thon"])
    func ruralSpellings(_ value: String) throws {
        let result = Sheet.scan([Sheet.header, Sheet.row(Sheet.header, ["khu_vuc": value])])
        #expect(result.total == 0)
        #expect(try #require(result.records.first).answers.area == .rural)
    }

    @Test(arguments: ["Thành thị", "THANH THI", "thanh_thi", "thành thị", "urban", "Urban"])
    func urbanSpellings(_ value: String) throws {
        let result = Sheet.scan([Sheet.header, Sheet.row(Sheet.header, ["khu_vuc": value])])
        #expect(result.total == 0)
        #expect(try #require(result.records.first).answers.area == .urban)
    }

    @Test(arguments: [("1", 1), ("50", 50), ("7", 7)])
    func householdSizeLimits(_ value: String, _ size: Int) throws {
        let result = Sheet.scan([Sheet.header, Sheet.row(Sheet.header, ["so_nhan_khau": value, "tong_thu_nhap_nam": "12000000"])])
        #expect(result.total == 0)
        #expect(try #require(result.records.first).answers.income == .yearlyTotal(12_000_000, size: size))
    }

    @Test func householdCodeOfSixtyFourCharactersIsAccepted() throws {
        let code = String(repeating: "Đ", count: 64)  // 64 characters, 128 bytes
        let result = Sheet.scan([Sheet.header, Sheet.row(Sheet.header, ["ma_ho": code])])
        #expect(result.total == 0)
        #expect(try #require(result.records.first).householdCode == code)
    }

    @Test(arguments: [2015, 2020, 2021, 2025, 2026, 2029])
    func yearsWithAStandard(_ year: Int) throws {
        let result = Sheet.scan([Sheet.header, Sheet.row(Sheet.header, ["nam": String(year)])])
        #expect(result.total == 0)
        let expected = year <= 2020 ? "vn-2016" : year <= 2025 ? "vn-2022" : "vn-2027"
        #expect(try #require(result.records.first).standardCode == expected)
    }

    @Test(arguments: ["2031", "2035", "2019", "2030"])
    func standardOverrideMakesAnyYearInRangeValid(_ year: String) throws {
        let result = Sheet.scan([Sheet.header, Sheet.row(Sheet.header, ["nam": year])], standard: standard("vn-2027"))
        #expect(result.total == 0, "\(result.shown)")
        let r = try #require(result.records.first)
        #expect(r.standardCode == "vn-2027")
        #expect(r.year == Int(year))
        #expect(result.scan.parser?.standard(of: r).code == "vn-2027")
    }

    @Test func standardOverrideStillRefusesYearsOutOfRange() {
        let result = Sheet.scan([Sheet.header, Sheet.row(Sheet.header, ["nam": "2036"])], standard: standard("vn-2027"))
        #expect(result.total == 1)
        #expect(result.shown.first?.column == "nam")
    }

    @Test func everyProblemOfARowIsReportedInColumnOrder() {
        let header = Sheet.vietnameseHeader
        let result = Sheet.scan([
            header,
            Sheet.row(header, ["nam": "2040", "khu_vuc": "x", "tong_thu_nhap_nam": "-1"]),
            Sheet.row(header, ["ma_ho": "", "so_nhan_khau": "0", "bhyt": "?", "vien_thong": ""]),
        ])
        #expect(result.total == 7)
        #expect(result.shown.map(\.row) == [2, 2, 2, 3, 3, 3, 3])
        #expect(result.shown.map(\.column) == ["Năm", "Khu vực", "Tổng thu nhập năm", "Mã hộ", "Số nhân khẩu", "BHYT", "Viễn thông"])
        #expect(result.records.isEmpty)
    }

    // MARK: - Optional columns

    @Test func optionalColumnsAreRead() throws {
        let header = Sheet.vietnameseHeader + ["Đơn vị", "Mã đoàn viên", "Họ tên chủ hộ", "Dân tộc thiểu số",
                                               "Phân loại công nhận", "Nguyên nhân nghèo"]
        let result = Sheet.scan([
            header,
            Sheet.row(header, ["don_vi": "CDCS001", "ma_doan_vien": "037185001234", "ho_ten_chu_ho": "Nguyễn Văn An",
                               "dan_toc_thieu_so": "có", "phan_loai_cong_nhan": "Hộ nghèo",
                               "nguyen_nhan_ngheo": "thieu_von; Ốm đau, thiếu_vốn"]),
            Sheet.row(header, ["ma_ho": "HO2", "dan_toc_thieu_so": "0", "phan_loai_cong_nhan": "Cận nghèo"]),
            Sheet.row(header, ["ma_ho": "HO3", "phan_loai_cong_nhan": "hộ có mức sống trung bình"]),
            Sheet.row(header, ["ma_ho": "HO4", "phan_loai_cong_nhan": "Không nghèo"]),
        ])
        #expect(result.total == 0, "\(result.shown)")
        try #require(result.records.count == 4)
        let a = result.records[0]
        #expect(a.unitCode == "CDCS001")
        #expect(a.memberCode == "037185001234")
        #expect(a.headName == "Nguyễn Văn An")
        #expect(a.ethnicMinority == true)
        #expect(a.officialStatus == .poor)
        #expect(a.causes == [.lackCapital, .illness])
        let b = result.records[1]
        #expect(b.unitCode == nil)
        #expect(b.headName == nil)
        #expect(b.ethnicMinority == false)
        #expect(b.officialStatus == .nearPoor)
        #expect(b.causes.isEmpty)
        #expect(result.records[2].officialStatus == .average)
        #expect(result.records[3].officialStatus == .notPoor)
    }

    @Test(arguments: [
        ("dan_toc_thieu_so", "x", "Dân tộc thiểu số"),
        ("dan_toc_thieu_so", "2", "Dân tộc thiểu số"),
        ("phan_loai_cong_nhan", "giàu", "Phân loại công nhận"),
        ("nguyen_nhan_ngheo", "thieu_von; mat_mua", "Nguyên nhân nghèo"),
    ])
    func badOptionalCells(_ column: String, _ value: String, _ written: String) throws {
        let header = Sheet.vietnameseHeader + ["Dân tộc thiểu số", "Phân loại công nhận", "Nguyên nhân nghèo"]
        let result = Sheet.scan([header, Sheet.row(header), Sheet.row(header, ["ma_ho": "HO2", column: value])])
        #expect(result.total == 1)
        let issue = try #require(result.shown.first)
        #expect(issue.row == 3)
        #expect(issue.column == written)
        if column == "nguyen_nhan_ngheo" { #expect(issue.message.text(.vi).contains("mat_mua")) }
    }

    // MARK: - Income columns

    @Test func yearlyTotalDecidesWhenBothIncomeColumnsAreGiven() throws {
        let header = Sheet.header + ["thu_nhap_binh_quan_thang"]
        let result = Sheet.scan([
            header,
            Sheet.row(header, ["tong_thu_nhap_nam": "60.000.000", "so_nhan_khau": "4", "thu_nhap_binh_quan_thang": "9.000.000"]),
            // Without a yearly total in the row, the monthly figure is the income.
            Sheet.row(header, ["ma_ho": "HO2", "tong_thu_nhap_nam": "", "so_nhan_khau": "", "thu_nhap_binh_quan_thang": "9.000.000"]),
        ])
        #expect(result.total == 0, "\(result.shown)")
        try #require(result.records.count == 2)
        #expect(result.records[0].answers.income == .yearlyTotal(60_000_000, size: 4))
        #expect(result.records[1].answers.income == .monthlyPerCapita(9_000_000))
    }

    @Test func emptyIncomeIsAnError() {
        let header = Sheet.header + ["thu_nhap_binh_quan_thang"]
        let result = Sheet.scan([header, Sheet.row(header, ["tong_thu_nhap_nam": "", "thu_nhap_binh_quan_thang": ""])])
        #expect(result.total == 1)
        #expect(result.shown.first?.row == 2)
        #expect(result.shown.first?.column == "tong_thu_nhap_nam")
    }

    @Test(arguments: ["1.500.000,50", "-1", "abc", "1500000.5"])
    func badMonthlyIncome(_ value: String) {
        let header = ["ma_ho", "nam", "khu_vuc", "Thu nhập bình quân tháng"] + Spec.vn2022Indicators
        let result = Sheet.scan([header, Sheet.row(header, ["thu_nhap_binh_quan_thang": value])])
        #expect(result.total == 1)
        #expect(result.shown.first?.row == 2)
        #expect(result.shown.first?.column == "Thu nhập bình quân tháng")
    }

    // MARK: - Indicators of another standard

    @Test func indicatorColumnsOfAnotherStandardAreIgnoredForTheRow() throws {
        let result = Sheet.scan([
            Sheet.header,
            // 2019 → vn-2016, which has no viec_lam, dinh_duong, rac_thai: bad or set cells there do not matter.
            Sheet.row(Sheet.header, ["nam": "2019", "viec_lam": "x", "dinh_duong": "1", "rac_thai": "", "phu_thuoc": "1",
                                     "bhyt": "1"]),
            // 2022 → vn-2022, which has no tiep_can_y_te nor rac_thai.
            Sheet.row(Sheet.header, ["ma_ho": "HO2", "nam": "2022", "tiep_can_y_te": "abc", "rac_thai": "1", "viec_lam": "1"]),
            // 2027 → vn-2027, which has no phuong_tien_thong_tin.
            Sheet.row(Sheet.header, ["ma_ho": "HO3", "nam": "2027", "phuong_tien_thong_tin": "", "tiep_can_y_te": "1",
                                     "rac_thai": "có"]),
        ])
        #expect(result.total == 0, "\(result.shown)")
        try #require(result.records.count == 3)
        #expect(result.records[0].answers.deprivations == Sheet.mask(["bhyt"]))
        #expect(result.records[1].answers.deprivations == Sheet.mask(["viec_lam"]))
        #expect(result.records[2].answers.deprivations == Sheet.mask(["rac_thai"]))
    }

    // MARK: - Empty rows and empty files

    @Test func allEmptyRowsAreSkipped() {
        let result = Sheet.scan([
            Sheet.header,
            Sheet.row(Sheet.header, ["ma_ho": "HO1"]),
            Sheet.header.map { _ in "" },
            Sheet.header.map { _ in "  " },
            [],
            [""],
            Sheet.row(Sheet.header, ["ma_ho": "HO2"]),
        ])
        #expect(result.total == 0)
        #expect(result.records.map(\.rowNumber) == [2, 7])
    }

    @Test func headerOnlyIsValidAndEmpty() {
        let result = Sheet.scan([Sheet.header])
        #expect(result.total == 0)
        #expect(result.records.isEmpty)
    }

    @Test func emptyFileIsOneProblem() {
        let result = Sheet.scan([])
        #expect(result.scan.hasIssues)
        #expect(result.total == 1)
        #expect(result.shown.count == 1)
        #expect(result.shown.first?.row == 1)
    }

    // MARK: - Household codes repeated within a year

    @Test func repeatedHouseholdCodeWithinAYearNeedsTheSecondPass() throws {
        let rows = [
            Sheet.vietnameseHeader,
            Sheet.row(Sheet.vietnameseHeader, ["ma_ho": "HO1", "nam": "2022"]),  // row 2
            Sheet.row(Sheet.vietnameseHeader, ["ma_ho": "HO2", "nam": "2022"]),  // row 3
            Sheet.row(Sheet.vietnameseHeader, ["ma_ho": "HO1", "nam": "2023"]),  // row 4: another year, fine
            Sheet.row(Sheet.vietnameseHeader, ["ma_ho": " HO1 ", "nam": "2022"]),  // row 5: same code once trimmed
            Sheet.row(Sheet.vietnameseHeader, ["ma_ho": "HO2", "nam": "2021"]),  // row 6: another year, fine
            Sheet.row(Sheet.vietnameseHeader, ["ma_ho": "HO1", "nam": "2022"]),  // row 7
        ]
        var scan = SurveyScan()
        for (i, cells) in rows.enumerated() { _ = scan.consume(row: i + 1, cells: cells) }
        // The first pass only suspects.
        #expect(scan.needsDuplicateCheck)
        #expect(!scan.hasIssues)
        scan.confirmDuplicates { visit in
            for (i, cells) in rows.enumerated() { visit(i + 1, cells) }
        }
        #expect(!scan.needsDuplicateCheck)
        let (shown, total) = scan.issues()
        #expect(total == 2)
        #expect(shown.map(\.row) == [5, 7])
        #expect(shown.allSatisfy { $0.column == "Mã hộ" })
        for issue in shown {
            #expect(issue.message.text(.vi).contains("dòng 2"), "cites the first row: \(issue.message.text(.vi))")
            #expect(issue.message.text(.vi).contains("2022"))
            #expect(issue.message.text(.vi).contains("HO1"))
        }
    }

    @Test func sameCodeInDifferentYearsIsFine() {
        let rows = [Sheet.header] + (2019...2028).map { Sheet.row(Sheet.header, ["ma_ho": "HO1", "nam": String($0)]) }
        let result = Sheet.scan(rows)
        #expect(!result.scan.needsDuplicateCheck)
        #expect(result.total == 0)
        #expect(result.records.count == 10)
    }

    @Test func manyDistinctCodesAreNotDuplicates() {
        let rows = [Sheet.header] + (0..<3_000).map { Sheet.row(Sheet.header, ["ma_ho": "HO\($0)", "nam": $0 % 2 == 0 ? "2022" : "2023"]) }
        let result = Sheet.scan(rows)
        #expect(result.total == 0)
        #expect(result.records.count == 3_000)
    }

    // MARK: - The first 200 problems, and the count

    @Test func twoHundredFiftyBadRowsShowTheFirstTwoHundred() {
        let rows = [Sheet.header] + (0..<250).map { Sheet.row(Sheet.header, ["ma_ho": "HO\($0)", "khu_vuc": "vùng cao"]) }
        let result = Sheet.scan(rows)
        #expect(result.total == 250)
        #expect(result.scan.totalIssues == 250)
        #expect(result.shown.count == 200)
        #expect(result.shown.map(\.row) == Array(2...201))
        #expect(result.shown.allSatisfy { $0.column == "khu_vuc" })
    }

    @Test func limitCountsIssuesNotRows() {
        // 150 rows with two problems each: the first 200 problems are those of rows 2…101.
        let rows = [Sheet.header] + (0..<150).map { Sheet.row(Sheet.header, ["ma_ho": "HO\($0)", "khu_vuc": "x", "bhyt": "?"]) }
        let result = Sheet.scan(rows)
        #expect(result.total == 300)
        #expect(result.shown.count == 200)
        #expect(result.shown.first?.row == 2)
        #expect(result.shown.last?.row == 101)
        // khu_vuc comes before bhyt in the header, so it is listed first in each row.
        #expect(result.shown.prefix(4).map(\.column) == ["khu_vuc", "bhyt", "khu_vuc", "bhyt"])
    }

    @Test func headerProblemsComeFirstAndCountTowardsTheLimit() {
        let header = Sheet.header.filter { $0 != "khu_vuc" } + ["ma_ho"]
        let rows = [header] + (0..<250).map { Sheet.row(header, ["ma_ho": "HO\($0)", "nam": "2040"]) }
        let result = Sheet.scan(rows)
        #expect(result.total == 252)
        #expect(result.shown.count == 200)
        #expect(result.shown.prefix(2).map(\.row) == [1, 1])
        #expect(result.shown.last?.row == 199)
    }

    @Test func descriptionIsRowColumnMessage() {
        let issue = SurveyIssue(row: 12, column: "Khu vực", message: Message("survey.nong_thon_rural_thanh", "x"))
        #expect(issue.description == "dòng 12, cột Khu vực: survey.nong_thon_rural_thanh(x)")
        #expect(issue.message.text(.vi) == "'x' không hợp lệ, cần 'nông thôn' hoặc 'thành thị'")
    }

    @Test(arguments: [(0, "A"), (1, "B"), (25, "Z"), (26, "AA"), (27, "AB"), (51, "AZ"), (52, "BA"), (701, "ZZ"), (702, "AAA")])
    func columnLetters(_ index: Int, _ letters: String) {
        #expect(SurveyLayout.columnLetter(index) == letters)
    }
}
