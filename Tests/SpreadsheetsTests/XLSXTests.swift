import Foundation
import Testing
@testable import Spreadsheets

/// One yielded row, comparable in expectations.
struct Row: Equatable, CustomStringConvertible {
    var number: Int
    var cells: [String]

    init(_ number: Int, _ cells: [String]) {
        self.number = number
        self.cells = cells
    }

    var description: String { "\(number): \(cells)" }
}

func readRows(_ source: some RowSource) throws -> [Row] {
    var rows: [Row] = []
    try source.forEachRow { rows.append(Row($0, $1)) }
    return rows
}

/// A row of `count` cells, all "" but those given by index.
func sparse(_ count: Int, _ values: [Int: String]) -> [String] {
    (0..<count).map { values[$0] ?? "" }
}

func fixturePath(_ name: String, _ ext: String = "xlsx") throws -> String {
    let url = Bundle.module.url(forResource: name, withExtension: ext, subdirectory: "Fixtures")
    return try #require(url, "missing fixture \(name).\(ext)").path
}

/// A fresh folder under the temporary directory, removed by the caller.
func makeTemporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("spreadsheets-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

@Suite("XLSXReader on files from real spreadsheet programs")
struct XLSXFixtureTests {
    /// mixed.xlsx as openpyxl wrote it (inline strings, no cached formula result).
    static let mixedRows: [Row] = [
        Row(1, ["Mã hộ", "Chủ hộ", "Thu nhập", "Tỷ lệ", "Có BHYT", "Ghi chú", "Xã"] + sparse(21, [20: "Cột AB"])),
        Row(2, ["H001", "Nguyễn Văn An", "1500000", "0.5", "1", "", "Đặng"]),
        Row(3, ["H002", "Đặng Thị Bình", "18000000", "0.25", "0", "  hai khoảng trắng  "] + sparse(22, [21: "xa"])),
        Row(4, ["H003", "Lê Văn Cường", "1500000", "#N/A"]),
        Row(6, ["H005", "Dòng một\nDòng hai", "999999999999999", "-42", "", "<&>\"'"]),
    ]

    @Test func openpyxlWorkbook() throws {
        let rows = try readRows(XLSXReader(path: fixturePath("mixed")))
        #expect(rows == Self.mixedRows)
        #expect(rows[0].cells.count == 28)  // column AB is index 27
        #expect(rows[0].cells[27] == "Cột AB")
        #expect(rows[2].cells[27] == "xa")
    }

    @Test func libreOfficeResavedWorkbook() throws {
        // Same content through LibreOffice's shared strings; Calc computed =1+1.
        var expected = Self.mixedRows
        expected[3].cells.append("2")
        let rows = try readRows(XLSXReader(path: fixturePath("mixed-libreoffice-resaved")))
        #expect(rows == expected)
    }

    @Test func libreOfficeFromCSV() throws {
        let rows = try readRows(XLSXReader(path: fixturePath("mixed-libreoffice")))
        #expect(rows == [
            Row(1, ["Mã hộ", "Chủ hộ", "Thu nhập", "Tỷ lệ", "Ghi chú", "Xã"]),
            Row(2, ["H001", "Nguyễn Văn An", "1500000", "0.5", "", "Đặng"]),
            Row(3, ["H002", "Đặng Thị Bình", "18000000", "0.25", "có, dấu phẩy", "Đặng"]),
            Row(4, ["H003", "Nguyễn Văn An"]),
            Row(5, ["H004", "Trần \"Tí\"", "999999999999999", "-42", "", "Mường Tè"]),
        ])
    }

    @Test func libreOfficeAgreesWithTheCSVItCameFrom() throws {
        let fromXLSX = try readRows(XLSXReader(path: fixturePath("mixed-libreoffice")))
        var fromCSV = try readRows(CSVReader(path: fixturePath("mixed-libreoffice", "csv")))
        for i in fromCSV.indices {  // XLSXReader trims trailing empty cells; CSVReader does not
            while fromCSV[i].cells.last == "" { fromCSV[i].cells.removeLast() }
        }
        #expect(fromXLSX == fromCSV)
    }

    @Test func handWrittenEdgeCases() throws {
        let rows = try readRows(XLSXReader(path: fixturePath("handmade")))
        #expect(rows == [
            // cells without r follow the previous one; rich runs joined, phonetic runs
            // left out; _x000D_ decoded, _x005F_ keeps a literal _xHHHH_.
            Row(1, ["Mã hộ", "Nguyễn Văn An", "", "Rich inline", "dòng\r\nhai & _x0041_"]),
            Row(2, ["1500000", "1500000", "1000000000000000", "0.1", "0", "2.50E-1", "123456789012345", "-125"]),
            Row(3, ["Mã hộ!", "#DIV/0!", "1", "0"]),
            Row(8, []),
            Row(9, ["", "", "7"]),
        ])
    }

    @Test func spreadsheetOpenPicksXLSXByContent() throws {
        let source = try Spreadsheet.open(path: fixturePath("mixed"))
        #expect(source is XLSXReader)
        #expect(try readRows(source) == Self.mixedRows)
    }

    @Test func consumerErrorsStopTheReadAndPassThrough() throws {
        struct Stop: Error, Equatable {}
        var seen: [Int] = []
        #expect(throws: Stop()) {
            try XLSXReader(path: fixturePath("mixed")).forEachRow { number, _ in
                seen.append(number)
                if number == 3 { throw Stop() }
            }
        }
        #expect(seen == [1, 2, 3])
    }

    @Test func readingTwiceGivesTheSameRows() throws {
        let reader = XLSXReader(path: try fixturePath("handmade"))
        #expect(try readRows(reader) == readRows(reader))
    }
}

@Suite("XLSXReader errors")
struct XLSXErrorTests {
    /// The reason of a `notAnXLSX` error thrown by `body`, or nil.
    func notAnXLSXReason(_ body: () throws -> Void) -> String? {
        do {
            try body()
        } catch let SpreadsheetError.notAnXLSX(_, reason) {
            return reason
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
        Issue.record("no error thrown")
        return nil
    }

    @Test func plainTextRenamedToXLSX() throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("danh-sach.xlsx").path
        try Data("Mã hộ,Chủ hộ\nH001,An\n".utf8).write(to: URL(fileURLWithPath: path))
        let reason = notAnXLSXReason { _ = try readRows(XLSXReader(path: path)) }
        #expect(reason?.contains("not a ZIP archive") == true)
    }

    @Test func oldExcelOrPasswordProtectedFile() throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("mat-khau.xlsx").path
        try Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + [UInt8](repeating: 0, count: 504))
            .write(to: URL(fileURLWithPath: path))
        let reason = notAnXLSXReason { _ = try readRows(XLSXReader(path: path)) }
        #expect(reason?.contains("password-protected") == true)
    }

    @Test func zipWithoutWorkbook() throws {
        let reason = notAnXLSXReason { _ = try readRows(XLSXReader(path: fixturePath("no-workbook"))) }
        #expect(reason?.contains("no workbook xl/workbook.xml") == true)
    }

    @Test func wordDocumentRenamedToXLSX() throws {
        let reason = notAnXLSXReason { _ = try readRows(XLSXReader(path: fixturePath("word-document"))) }
        #expect(reason?.contains("word/document.xml is not an Excel workbook") == true)
    }

    @Test func missingFirstSheet() throws {
        let reason = notAnXLSXReason { _ = try readRows(XLSXReader(path: fixturePath("missing-sheet"))) }
        #expect(reason?.contains("'Trang 1' (xl/worksheets/sheet9.xml) is missing") == true)
    }

    @Test func malformedSheetXMLNamesPartAndLine() throws {
        var rows: [Row] = []
        let reason = notAnXLSXReason {
            try XLSXReader(path: fixturePath("malformed")).forEachRow { rows.append(Row($0, $1)) }
        }
        #expect(reason?.contains("malformed XML in xl/worksheets/sheet1.xml at line 5, column ") == true)
        // Rows before the damage were already handed over, as with any streaming reader.
        #expect(rows == [Row(1, ["tốt"]), Row(2, ["1"])])
    }

    @Test func missingFile() {
        #expect(throws: SpreadsheetError.cannotOpen(path: "/nonexistent/x.xlsx", reason: "không có tệp này / no such file")) {
            try XLSXReader(path: "/nonexistent/x.xlsx").forEachRow { _, _ in }
        }
    }

    @Test func errorMessagesAreBilingual() {
        let error = SpreadsheetError.notAnXLSX(path: "a.xlsx", reason: "không phải tệp nén ZIP / not a ZIP archive")
        #expect(error.description.contains("không phải tệp Excel .xlsx hợp lệ"))
        #expect(error.description.contains("is not a valid .xlsx file"))
    }
}

@Suite("XLSX values")
struct XLSXValueTests {
    @Test(arguments: [
        ("1500000", "1500000"), ("1500000.0", "1500000"), ("1.5E6", "1500000"), ("1.5e+6", "1500000"),
        ("18000000", "18000000"), ("1E15", "1000000000000000"), ("999999999999999", "999999999999999"),
        ("9.99999999999999E14", "999999999999999"), ("-42", "-42"), ("-1.25E2", "-125"), ("+7", "7"),
        ("0", "0"), ("-0", "0"), ("0.0", "0"), ("007", "7"), (" 12 ", "12"), ("1200E-2", "12"),
        ("0.5", "0.5"), ("0.25", "0.25"), ("2.50E-1", "2.50E-1"), ("1.5E-3", "1.5E-3"), (".5", ".5"),
        ("0.30000000000000004", "0.30000000000000004"), ("", ""), ("abc", "abc"), ("1E", "1E"),
        ("NaN", "NaN"), ("1E400", "1E400"),
    ])
    func numberRendering(literal: String, expected: String) {
        #expect(XLSXNumber.render(literal) == expected)
    }

    @Test func columnReferences() {
        #expect(CellReference.columnIndex(in: "A1") == 0)
        #expect(CellReference.columnIndex(in: "C7") == 2)
        #expect(CellReference.columnIndex(in: "Z9") == 25)
        #expect(CellReference.columnIndex(in: "AA10") == 26)
        #expect(CellReference.columnIndex(in: "AB3") == 27)
        #expect(CellReference.columnIndex(in: "$AZ$1") == 51)
        #expect(CellReference.columnIndex(in: "XFD1048576") == 16_383)
        #expect(CellReference.columnIndex(in: "12") == nil)
        for index in [0, 25, 26, 27, 51, 52, 701, 702, 16_383] {
            #expect(CellReference.columnIndex(in: CellReference.columnName(index) + "1") == index)
        }
        #expect(CellReference.columnName(27) == "AB")
        #expect(CellReference.columnName(16_383) == "XFD")
    }

    @Test func ooxmlEscapes() {
        #expect(OOXMLText.decodeEscapes("a_x000D_b") == "a\rb")
        #expect(OOXMLText.decodeEscapes("_x005F_x0041_") == "_x0041_")
        #expect(OOXMLText.decodeEscapes("_x00e9_t_x00C9_") == "étÉ")
        #expect(OOXMLText.decodeEscapes("_x12_ _xZZZZ_ x_") == "_x12_ _xZZZZ_ x_")
    }

    @Test func partPaths() {
        #expect(PartPath.resolve("worksheets/sheet1.xml", relativeTo: "xl") == "xl/worksheets/sheet1.xml")
        #expect(PartPath.resolve("/xl/worksheets/sheet1.xml", relativeTo: "xl") == "xl/worksheets/sheet1.xml")
        #expect(PartPath.resolve("../xl/./a%20b.xml", relativeTo: "xl") == "xl/a b.xml")
        #expect(PartPath.resolve("xl/workbook.xml", relativeTo: "") == "xl/workbook.xml")
        #expect(PartPath.relationshipsPart(for: "xl/workbook.xml") == "xl/_rels/workbook.xml.rels")
        #expect(PartPath.relationshipsPart(for: "workbook.xml") == "_rels/workbook.xml.rels")
    }
}

@Suite("XLSXWriter")
struct XLSXWriterTests {
    @Test func roundTrip() throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("báo cáo.xlsx").path

        let writer = XLSXWriter(path: path, sheetName: "Hộ nghèo", columnWidths: [10, 30, 0, 14], freezeHeaderRow: true)
        writer.appendRow([.bold("Mã hộ"), .bold("Chủ hộ"), .bold("Thu nhập"), .bold("Ghi chú")])
        writer.appendRow([.text("H001"), .text("Nguyễn Văn An"), .integer(1_500_000), .text("<&>\"' và\ndòng mới")])
        writer.appendRow([.text("H002"), .empty, .integer(18_000_000), .text("Đặng")])
        writer.appendRow([])
        writer.appendRow([.text("  cách  "), .text("tab\there"), .integer(-42), .integer(0), .integer(1_000_000_000_000_000)])
        writer.appendRow([.text("cr\r\nlf"), .text("bell\u{7}gone\u{0}"), .text("_x0041_ stays"), .empty, .empty])
        writer.appendRow([.empty, .text(""), .bold("")])
        writer.appendRow(Array(repeating: XLSXWriter.Cell.empty, count: 29) + [.text("cột AD")])
        #expect(writer.rowCount == 8)
        #expect(!FileManager.default.fileExists(atPath: path))  // nothing until close()
        try writer.close()
        try writer.close()  // a second close does nothing

        let rows = try readRows(XLSXReader(path: path))
        #expect(rows == [
            Row(1, ["Mã hộ", "Chủ hộ", "Thu nhập", "Ghi chú"]),
            Row(2, ["H001", "Nguyễn Văn An", "1500000", "<&>\"' và\ndòng mới"]),
            Row(3, ["H002", "", "18000000", "Đặng"]),
            Row(4, []),
            Row(5, ["  cách  ", "tab\there", "-42", "0", "1000000000000000"]),
            Row(6, ["cr\r\nlf", "bellgone", "_x0041_ stays"]),
            Row(7, []),
            Row(8, sparse(30, [29: "cột AD"])),
        ])
    }

    @Test func writesAValidPackage() throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("out.xlsx").path
        let writer = XLSXWriter(path: path, sheetName: "Tổng hợp")
        writer.appendRow([.text("a")])
        try writer.close()

        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]))
        // The part names every .xlsx consumer looks for are stored in the ZIP.
        let text = String(decoding: bytes, as: UTF8.self)
        for part in ["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                     "xl/styles.xml", "xl/worksheets/sheet1.xml"] {
            #expect(text.contains(part), "missing \(part)")
        }
        #expect(try readRows(Spreadsheet.open(path: path)) == [Row(1, ["a"])])
        // No temporary files are left next to the result.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["out.xlsx"])
    }

    @Test func replacesAnExistingFile() throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("out.xlsx").path
        try Data("old".utf8).write(to: URL(fileURLWithPath: path))
        let writer = XLSXWriter(path: path, sheetName: "S")
        writer.appendRow([.integer(1)])
        try writer.close()
        #expect(try readRows(XLSXReader(path: path)) == [Row(1, ["1"])])
    }

    @Test func manyRowsStreamThroughBothWays() throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("big.xlsx").path
        let count = 20_000
        let writer = XLSXWriter(path: path, sheetName: "Lớn")
        writer.appendRow([.bold("STT"), .bold("Tên"), .bold("Số")])
        for i in 1...count {
            writer.appendRow([.integer(i), .text("Hộ số \(i) – Nguyễn Thị Ánh"), .integer(i * 1_000)])
        }
        try writer.close()

        var seen = 0
        var ok = true
        try XLSXReader(path: path).forEachRow { number, cells in
            if number > 1 {
                let i = number - 1
                ok = ok && cells == [String(i), "Hộ số \(i) – Nguyễn Thị Ánh", String(i * 1_000)]
            }
            seen += 1
        }
        #expect(seen == count + 1)
        #expect(ok)
    }

    @Test func unwritableDestinationFailsAtClose() throws {
        let writer = XLSXWriter(path: "/nonexistent-folder/out.xlsx", sheetName: "S")
        writer.appendRow([.text("a")])
        let error = #expect(throws: SpreadsheetError.self) { try writer.close() }
        guard case .cannotWrite(let path, _)? = error else {
            Issue.record("expected cannotWrite, got \(String(describing: error))")
            return
        }
        #expect(path == "/nonexistent-folder/out.xlsx")
    }

    @Test func tooManyColumnsIsReportedAtClose() throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("wide.xlsx").path
        let writer = XLSXWriter(path: path, sheetName: "S")
        writer.appendRow(Array(repeating: .integer(1), count: XLSXWriter.maxColumns + 1))
        #expect(throws: SpreadsheetError.self) { try writer.close() }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func abandonedWriterLeavesNothing() throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("never.xlsx").path
        do {
            let writer = XLSXWriter(path: path, sheetName: "S")
            writer.appendRow([.text("x")])
        }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func sheetNamesAreMadeValid() {
        #expect(XLSXWriter.validSheetName("Hộ nghèo") == "Hộ nghèo")
        #expect(XLSXWriter.validSheetName("a/b:c*d?e[f]g\\h") == "abcdefgh")
        #expect(XLSXWriter.validSheetName("") == "Sheet1")
        #expect(XLSXWriter.validSheetName("'quoted'") == "quoted")
        #expect(XLSXWriter.validSheetName(String(repeating: "Đ", count: 40)) == String(repeating: "Đ", count: 31))
        #expect(XLSXWriter.validSheetName("history") == "History_")
    }

    @Test func escaping() {
        var out: [UInt8] = []
        XLSXWriter.appendEscaped("a<b>&\"c\"\r\n\t\u{1}_x00AB_\u{FFFE}ễ", to: &out, attribute: false)
        #expect(String(decoding: out, as: UTF8.self) == "a&lt;b&gt;&amp;\"c\"&#13;\n\t_x005F_x00AB_ễ")
        out = []
        XLSXWriter.appendEscaped("say \"hi\"\n", to: &out, attribute: true)
        #expect(String(decoding: out, as: UTF8.self) == "say &quot;hi&quot;&#10;")
    }
}
