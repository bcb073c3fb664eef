import Foundation
import Testing
@testable import Spreadsheets

/// The two-table report used by the tests below, written to `path` (or kept in memory).
enum SampleReport {
    static let sheet1Name = "Biểu 1 - Kết quả rà soát hộ nghèo năm 2025"  // 42 characters
    static let sheet1Tab = "Biểu 1 - Kết quả rà soát hộ ngh"  // cut to Excel's 31
    static let sheet2Name = "Biểu 2: Hộ cận nghèo [2025]"
    static let sheet2Tab = "Biểu 2 Hộ cận nghèo 2025"
    static let title = "KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO NĂM 2025"
    static let headers = [
        "STT", "Đơn vị", "Tổng số hộ", "Hộ nghèo", "Tỷ lệ hộ nghèo", "Tăng/giảm so với năm trước",
        "Thu nhập bình quân\n(nghìn đồng)",
    ]
    static let multiLine = "Ghi chú: số liệu\nđến ngày 31/12"

    static func build(_ book: XLSXWorkbook) {
        let table = book.addSheet(
            sheet1Name, columnWidths: [6, 28, 14, 12, 12, 16, 18], freezeRows: 3,
            pageSetup: XLSXPageSetup(repeatedRows: 3))
        table.appendTitle(title, span: 7)
        table.appendRow([.styled(.text("(Kèm theo Báo cáo số 12/BC-LĐLĐ ngày 05/01/2026)"), XLSXStyle(horizontal: .center))])
        table.mergeCells("A2:G2")
        table.appendRow(headers.map { .header($0) }, height: 45)
        table.appendRow([
            .number(1), .label("Xã Đặng"), .number(1_234_567), .number(154_321),
            .percent(numerator: 154_321, denominator: 1_234_567), .number(-1_234_567), .decimal(1_234.5),
        ])
        table.appendRow([
            .number(2), .label("Phường Mường Tè – Lai Châu"), .number(0), .number(0),
            .percent(numerator: 0, denominator: 0), .number(0), .decimal(0.125, decimals: 3),
        ])
        table.appendRow([
            .styled(.blank, .tableText), .totalLabel("Tổng cộng"), .total(1_234_567), .total(154_321),
            .percent(0.125, bold: true), .total(-1_234_567), .decimal(617.25, bold: true),
        ])
        table.appendRow([])
        table.appendRow([.empty, .text(multiLine)])

        // Two header rows with merged blocks, first column frozen too.
        let second = book.addSheet(sheet2Name, columnWidths: [30, 12, 12], freezeRows: 2, freezeColumns: 1)
        second.appendRow([.header("Đơn vị"), .header("Hộ cận nghèo"), .header("")])
        second.appendRow([.header(""), .header("Số hộ"), .header("Tỷ lệ")])
        second.mergeCells(rows: 1...2, columns: 0...0)
        second.mergeCells(rows: 1...1, columns: 1...2)
        second.appendRow([.label("Xã Đặng"), .number(98_765), .percent(0.08, decimals: 2)])
        second.appendRow([.totalLabel("Tổng cộng"), .total(98_765), .percent(0.08, decimals: 2, bold: true)])
    }
}

@Suite("XLSX reports")
struct XLSXReportTests {
    @Test func reportReadsBackThroughXLSXReader() throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("bao-cao.xlsx").path
        let book = XLSXWorkbook(path: path)
        SampleReport.build(book)
        #expect(book.sheets.map(\.name) == [SampleReport.sheet1Tab, SampleReport.sheet2Tab])
        try book.close()
        try book.close()  // a second close does nothing

        let rows = try readRows(XLSXReader(path: path))  // the first sheet
        #expect(rows.count == 8)
        #expect(rows[0] == Row(1, [SampleReport.title]))
        #expect(rows[2] == Row(3, SampleReport.headers))
        #expect(rows[3].cells == ["1", "Xã Đặng", "1234567", "154321", "\(154_321.0 / 1_234_567.0)", "-1234567", "1234.5"])
        #expect(rows[4].cells == ["2", "Phường Mường Tè – Lai Châu", "0", "0", "", "0", "0.125"])
        #expect(rows[5].cells == ["", "Tổng cộng", "1234567", "154321", "0.125", "-1234567", "617.25"])
        #expect(rows[6] == Row(7, []))
        #expect(rows[7] == Row(8, ["", SampleReport.multiLine]))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["bao-cao.xlsx"])
    }

    @Test func dataForADownload() throws {
        let book = XLSXWorkbook()
        let sheet = book.addSheet("Tổng hợp")
        sheet.appendRow([.header("Số hộ")])
        sheet.appendRow([.number(1_234_567)])
        let bytes = try book.data()
        #expect(bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]))
        #expect(try book.data() == bytes)
        #expect(XLSXWorkbook.contentType == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("download.xlsx")
        try bytes.write(to: url)
        #expect(try readRows(XLSXReader(path: url.path)) == [Row(1, ["Số hộ"]), Row(2, ["1234567"])])
        // Appending after close is ignored; so is a sheet added then.
        sheet.appendRow([.number(1)])
        #expect(sheet.rowCount == 2)
        _ = book.addSheet("Muộn")
        #expect(book.sheets.count == 1)
    }

    @Test func emptyWorkbookGetsOneSheet() throws {
        let book = XLSXWorkbook()
        let bytes = try book.data()
        #expect(bytes.starts(with: [0x50, 0x4B]))
        #expect(book.sheets.map(\.name) == ["Sheet1"])
    }

    @Test func sheetNamesAreUniqueIgnoringCase() {
        let book = XLSXWorkbook()
        for name in ["Biểu 1", "BIỂU 1", "biểu 1", "", "?", String(repeating: "Đ", count: 40), String(repeating: "Đ", count: 35)] {
            book.addSheet(name)
        }
        #expect(book.sheets.map(\.name) == [
            "Biểu 1", "BIỂU 1 (2)", "biểu 1 (3)", "Sheet4", "Sheet5",
            String(repeating: "Đ", count: 31), String(repeating: "Đ", count: 27) + " (2)",
        ])
        #expect(book.sheets.allSatisfy { $0.name.utf16.count <= 31 })
        #expect(XLSXWorkbook.uniqueSheetName("Sheet1", taken: ["sheet1", "Sheet1 (2)"]) == "Sheet1 (3)")
    }

    @Test func vietnameseSheetNamesAreComposedAndCutBetweenLetters() {
        // Decomposed input (as from macOS file names) counts its accents separately;
        // the name is composed first, so 31 letters fit.
        let decomposed = SampleReport.sheet1Name.decomposedStringWithCanonicalMapping
        #expect(decomposed.utf16.count > 42)
        let valid = XLSXWriter.validSheetName(decomposed)
        #expect(Array(valid.unicodeScalars) == Array(SampleReport.sheet1Tab.unicodeScalars))
        // A letter with an accent that does not compose is not split from it.
        let name = String(repeating: "a", count: 30) + "x\u{0301}\u{0323}"
        #expect(XLSXWriter.validSheetName(name) == String(repeating: "a", count: 30))
        #expect(XLSXWriter.validSheetName(SampleReport.sheet2Name) == SampleReport.sheet2Tab)
    }

    @Test func numberFormatCodes() {
        typealias Format = XLSXStyle.NumberFormat
        #expect(Format.grouped(decimals: 0).code == "[$-42A]#,##0")
        #expect(Format.grouped(decimals: 2).code == "[$-42A]#,##0.00")
        #expect(Format.percent(decimals: 1).code == "[$-42A]#,##0.0%")
        #expect(Format.percent(decimals: 0).code == "[$-42A]#,##0%")
        #expect(Format.grouped(decimals: 99).code == "[$-42A]#,##0.0000000000")
        #expect(Format.general.code == nil)
        #expect(Format.custom("General").code == nil)
        #expect(Format.custom("0.0").code == "0.0")
    }

    @Test func stylesAreNumberedOnceAndLegacyOnesKeepTheirNumbers() {
        let table = XLSXStyleTable()
        #expect(table.id(for: XLSXStyle()) == 0)
        #expect(table.id(for: XLSXStyle(bold: true)) == 1)
        #expect(table.id(for: XLSXStyle(vertical: .top, wraps: true)) == 2)
        #expect(table.id(for: XLSXStyle(bold: true, vertical: .top, wraps: true)) == 3)
        let header = table.id(for: .header)
        #expect(header == 4)
        #expect(table.id(for: .header) == header)
        #expect(table.id(for: XLSXStyle(fontSize: .nan)) == 0)
        _ = table.id(for: XLSXStyle(fillColor: "not a colour"))
        _ = table.id(for: .tableNumber)
        _ = table.id(for: XLSXStyle(numberFormat: .custom(#"0.0" đ""#)))
        let xml = table.xml(namespace: XLSXWorkbook.mainNamespace)
        #expect(xml.contains(#"<numFmt numFmtId="164" formatCode="[$-42A]#,##0"/>"#))
        #expect(xml.contains(#"formatCode="0.0&quot; đ&quot;""#))
        #expect(xml.contains(#"<fgColor rgb="FFDDEBF7"/>"#))
        #expect(xml.contains(#"<fills count="3">"#))  // the malformed colour adds no fill
        #expect(xml.contains(#"<cellXfs count="8">"#))
    }

    @Test func numbersAreWrittenAsXMLNumbers() {
        #expect(XLSXSheet.literal(1_234_567) == "1234567")
        #expect(XLSXSheet.literal(-0.0) == "0")
        #expect(XLSXSheet.literal(0.125) == "0.125")
        #expect(XLSXSheet.literal(1e-5) == "1e-05")
        #expect(XLSXSheet.literal(1e20) == "1e+20")
    }

    @Test func rangesInA1Notation() throws {
        let range = try #require(XLSXSheet.parseRange("A1:F1"))
        #expect(range.rows == 1...1 && range.columns == 0...5)
        let swapped = try #require(XLSXSheet.parseRange("$D$5:B2"))
        #expect(swapped.rows == 2...5 && swapped.columns == 1...3)
        #expect(XLSXSheet.parseRange("AB3")?.columns == 27...27)
        for bad in ["", "A", "1", "A1:", "A1:B2:C3", "1A", "A1B", "ÂB1", "AAAA1", "A0x"] {
            #expect(XLSXSheet.parseRange(bad) == nil, "\(bad)")
        }
        #expect(XLSXSheet.rangeReference(rows: 1...3, columns: 0...27) == "A1:AB3")
    }

    @Test(arguments: [
        ("A1:B2", "C3:B2", "overlaps"), ("A1:B2", "zz", "invalid merged range"),
        ("A1:B2", "A1:XFE1", "outside the sheet"),
    ])
    func badMergesAreReportedAtClose(first: String, second: String, message: String) throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("merge.xlsx").path
        let writer = XLSXWriter(path: path)
        writer.appendRow([.text("a")])
        writer.mergeCells(first)
        writer.mergeCells(second)
        let error = #expect(throws: SpreadsheetError.self) { try writer.close() }
        #expect(error?.description.contains(message) == true, "\(String(describing: error))")
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func writerOptions() throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("w.xlsx").path
        let writer = XLSXWriter(
            path: path, sheetName: "Hộ nghèo", freezeHeaderRow: true, freezeColumns: 1, pageSetup: .a4Portrait)
        #expect(writer.freezeRows == 1 && writer.freezeColumns == 1 && writer.freezeHeaderRow)
        writer.appendTitle("Danh sách", span: 3)
        writer.mergeCells(rows: 2...2, columns: 0...0)  // one cell: ignored
        writer.appendRow([.number(5), .styled(.number(.nan), .tableNumber), .styled(.text(""), .header)])
        try writer.close()
        #expect(try readRows(XLSXReader(path: path)) == [Row(1, ["Danh sách"]), Row(2, ["5"])])
        #expect(XLSXWriter(path: path, freezeRows: 3).freezeHeaderRow)
        #expect(!XLSXWriter(path: path).freezeHeaderRow)
    }
}

// MARK: - With real office software

/// Runs the programs that check a workbook the way users open it: openpyxl and LibreOffice.
enum OfficeTools {
    static let skipVariable = "GIAMNGHEO_SKIP_OFFICE_TESTS"
    static var skipped: Bool { ProcessInfo.processInfo.environment[skipVariable] == "1" }
    static let howToSkip = "(set \(skipVariable)=1 to skip the tests that need office software)"

    struct Result {
        var status: Int32
        var output: String
        var errors: String
    }

    static func executable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for folder in path.split(separator: ":") + ["/usr/bin", "/usr/local/bin", "/opt/libreoffice/program"] {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// A Python that can import openpyxl: `GIAMNGHEO_PYTHON`, then the system's, then the
    /// first on PATH (a pyenv or venv python often lacks the Debian python3-openpyxl).
    static func pythonWithOpenpyxl() -> String? {
        var candidates = ["/usr/bin/python3"]
        if let chosen = ProcessInfo.processInfo.environment["GIAMNGHEO_PYTHON"] { candidates.insert(chosen, at: 0) }
        if let onPath = executable("python3") { candidates.append(onPath) }
        return candidates.first { candidate in
            FileManager.default.isExecutableFile(atPath: candidate)
                && (try? run(candidate, ["-c", "import openpyxl"]).status) == 0
        }
    }

    static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], timeout: TimeInterval = 60
    ) throws -> Result {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let outURL = folder.appendingPathComponent("out"), errURL = folder.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        defer {
            try? out.close()
            try? err.close()
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            if Date() > deadline {
                process.terminate()
                process.waitUntilExit()
                throw SpreadsheetError.cannotOpen(path: executable, reason: "timed out after \(Int(timeout)) s")
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            output: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
            errors: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }
}

/// What openpyxl reports about a workbook.
struct OpenpyxlWorkbook: Decodable {
    struct Cell: Decodable {
        var value: String?
        var type: String
        var format: String
        var bold: Bool
        var size: Double
        var fill: String?
        var border: String?
        var horizontal: String?
        var wrap: Bool
    }

    struct Sheet: Decodable {
        var freeze: String?
        var merged: [String]
        var printTitleRows: String?
        var orientation: String?
        var paperSize: Int?
        var fitToPage: Bool
        var fitToWidth: Int?
        var fitToHeight: Int?
        var centered: Bool
        var cells: [String: Cell]
    }

    var sheetNames: [String]
    var sheets: [Sheet]

    static let script = #"""
        import json, sys, openpyxl
        wb = openpyxl.load_workbook(sys.argv[1])
        out = {"sheetNames": wb.sheetnames, "sheets": []}
        for ws in wb.worksheets:
            cells = {}
            for row in ws.iter_rows():
                for c in row:
                    if c.value is None and not c.has_style:
                        continue
                    fill = c.fill.fgColor.rgb if c.fill is not None and c.fill.fill_type == "solid" else None
                    cells[c.coordinate] = {
                        "value": None if c.value is None else str(c.value),
                        "type": type(c.value).__name__, "format": c.number_format,
                        "bold": bool(c.font.b), "size": float(c.font.sz or 11), "fill": fill,
                        "border": c.border.left.style if c.border is not None else None,
                        "horizontal": c.alignment.horizontal, "wrap": bool(c.alignment.wrap_text),
                    }
            pr = ws.sheet_properties.pageSetUpPr
            out["sheets"].append({
                "freeze": ws.freeze_panes,
                "merged": sorted(str(r) for r in ws.merged_cells.ranges),
                "printTitleRows": ws.print_title_rows,
                "orientation": ws.page_setup.orientation,
                "paperSize": None if ws.page_setup.paperSize is None else int(ws.page_setup.paperSize),
                "fitToPage": bool(pr is not None and pr.fitToPage),
                "fitToWidth": ws.page_setup.fitToWidth, "fitToHeight": ws.page_setup.fitToHeight,
                "centered": bool(ws.print_options.horizontalCentered),
                "cells": cells,
            })
        print(json.dumps(out))
        """#
}

@Suite("XLSX reports in office software", .disabled(if: OfficeTools.skipped, "\(OfficeTools.skipVariable)=1"))
struct XLSXOfficeTests {
    @Test func openpyxlReadsTheReport() throws {
        let python = try #require(
            OfficeTools.pythonWithOpenpyxl(),
            "no python3 with openpyxl found: install python3-openpyxl (or set GIAMNGHEO_PYTHON) \(OfficeTools.howToSkip)")
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("báo cáo.xlsx").path
        let book = XLSXWorkbook(path: path)
        SampleReport.build(book)
        try book.close()
        let script = folder.appendingPathComponent("check_xlsx_with_openpyxl.py")
        try Data(OpenpyxlWorkbook.script.utf8).write(to: script)

        let result = try OfficeTools.run(python, [script.path, path])
        try #require(result.status == 0, "openpyxl could not load the workbook: \(result.errors)")
        let workbook = try JSONDecoder().decode(OpenpyxlWorkbook.self, from: Data(result.output.utf8))

        #expect(workbook.sheetNames.map { Array($0.unicodeScalars) }
            == [SampleReport.sheet1Tab, SampleReport.sheet2Tab].map { Array($0.unicodeScalars) })
        try #require(workbook.sheets.count == 2)
        let table = workbook.sheets[0]
        func cell(_ reference: String, in sheet: OpenpyxlWorkbook.Sheet = table) throws -> OpenpyxlWorkbook.Cell {
            try #require(sheet.cells[reference], "no cell \(reference)")
        }
        /// Exact text, not merely canonically equivalent.
        func expectText(_ reference: String, _ text: String, in sheet: OpenpyxlWorkbook.Sheet = table) throws {
            let value = try cell(reference, in: sheet).value ?? ""
            #expect(Array(value.unicodeScalars) == Array(text.unicodeScalars), "\(reference): \(value)")
        }

        // Title: merged across the table, bold and larger.
        try expectText("A1", SampleReport.title)
        #expect(try cell("A1").bold && cell("A1").size == 14 && cell("A1").horizontal == "center")
        #expect(table.merged == ["A1:G1", "A2:G2"])
        try expectText("A2", "(Kèm theo Báo cáo số 12/BC-LĐLĐ ngày 05/01/2026)")

        // Header row: bold, centred, wrapped, light blue, bordered.
        for (column, header) in zip("ABCDEFG", SampleReport.headers) {
            let reference = "\(column)3"
            try expectText(reference, header)
            let headerCell = try cell(reference)
            #expect(headerCell.bold && headerCell.wrap && headerCell.horizontal == "center", "\(reference)")
            #expect(headerCell.fill == "FFDDEBF7" && headerCell.border == "thin", "\(reference)")
        }

        // Numbers are numbers, with the Vietnamese-tagged formats.
        let numberCases: [(String, String, String)] = [
            ("A4", "1", "int"), ("C4", "1234567", "int"), ("D4", "154321", "int"), ("F4", "-1234567", "int"),
            ("C5", "0", "int"), ("C6", "1234567", "int"), ("F6", "-1234567", "int"),
            ("G4", "1234.5", "float"), ("G5", "0.125", "float"), ("E6", "0.125", "float"),
        ]
        for (reference, value, type) in numberCases {
            let number = try cell(reference)
            #expect(number.value == value && number.type == type, "\(reference): \(number)")
            #expect(number.border == "thin", "\(reference)")
        }
        #expect(try cell("E4").type == "float")
        #expect(try Double(#require(cell("E4").value)).map { abs($0 - 0.125) < 1e-6 } == true)
        for reference in ["A4", "C4", "D4", "F4", "C5", "C6", "F6"] {
            #expect(try cell(reference).format == "[$-42A]#,##0", "\(reference)")
        }
        #expect(try cell("E4").format == "[$-42A]#,##0.0%")
        #expect(try cell("G4").format == "[$-42A]#,##0.00")
        #expect(try cell("G5").format == "[$-42A]#,##0.000")
        // 0 of 0 households: a blank, still bordered, percentage cell.
        #expect(try cell("E5").value == nil && cell("E5").border == "thin" && cell("E5").format == "[$-42A]#,##0.0%")

        // Total row in bold; ordinary rows not.
        try expectText("B6", "Tổng cộng")
        for reference in ["B6", "C6", "D6", "E6", "F6", "G6"] { #expect(try cell(reference).bold, "\(reference)") }
        for reference in ["B4", "C4", "E4"] { #expect(try !cell(reference).bold, "\(reference)") }
        #expect(try cell("A6").value == nil && cell("A6").border == "thin")
        try expectText("B4", "Xã Đặng")
        try expectText("B5", "Phường Mường Tè – Lai Châu")
        try expectText("B8", SampleReport.multiLine)
        #expect(try cell("B8").wrap && cell("B8").border == nil)

        // Frozen title and header rows; printing.
        #expect(table.freeze == "A4")
        #expect(table.printTitleRows == "1:3" || table.printTitleRows == "$1:$3")
        #expect(table.orientation == "landscape" && table.paperSize == 9 && table.centered)
        #expect(table.fitToPage && table.fitToWidth == 1 && table.fitToHeight == 0)

        // Second sheet: two header rows with merged blocks, first column frozen.
        let second = workbook.sheets[1]
        #expect(second.freeze == "B3")
        #expect(second.merged == ["A1:A2", "B1:C1"])
        try expectText("A1", "Đơn vị", in: second)
        try expectText("B1", "Hộ cận nghèo", in: second)
        #expect(try cell("C3", in: second).format == "[$-42A]#,##0.00%")
        #expect(try cell("B4", in: second).value == "98765" && cell("B4", in: second).bold)
        #expect(second.printTitleRows == nil && !second.fitToPage)
    }

    /// LibreOffice honours the `[$-42A]` locale of a format code, so the numbers print
    /// with `.` thousands and `,` decimals even on an English or C-locale machine.
    @Test func libreOfficePrintsDotThousands() throws {
        let soffice = try #require(
            OfficeTools.executable("soffice") ?? OfficeTools.executable("libreoffice"),
            "LibreOffice (soffice) not found: install libreoffice-calc \(OfficeTools.howToSkip)")
        let pdftotext = try #require(
            OfficeTools.executable("pdftotext"), "pdftotext not found: install poppler-utils \(OfficeTools.howToSkip)")
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("report.xlsx").path
        let book = XLSXWorkbook(path: path)
        SampleReport.build(book)
        try book.close()

        let english = ["LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "HOME": folder.path]
        let converted = try OfficeTools.run(
            soffice,
            ["-env:UserInstallation=file://\(folder.path)/profile", "--headless", "--norestore",
             "--convert-to", "pdf", "--outdir", folder.path, path],
            environment: english, timeout: 240)
        let pdf = folder.appendingPathComponent("report.pdf").path
        try #require(
            converted.status == 0 && FileManager.default.fileExists(atPath: pdf),
            "LibreOffice did not convert the workbook: \(converted.output) \(converted.errors)")
        let extracted = try OfficeTools.run(pdftotext, ["-layout", pdf, "-"], environment: english)
        try #require(extracted.status == 0, "pdftotext failed: \(extracted.errors)")
        let text = extracted.output

        for shown in ["1.234.567", "-1.234.567", "154.321", "12,5%", "1.234,50", "0,125", "617,25", "98.765", "8,00%"] {
            #expect(text.contains(shown), "LibreOffice did not print \(shown):\n\(text)")
        }
        #expect(!text.contains("1,234,567"), "grouped with commas:\n\(text)")
        #expect(text.contains("Tổng cộng") && text.contains("Phường Mường Tè"), "Vietnamese text lost:\n\(text)")
    }
}
