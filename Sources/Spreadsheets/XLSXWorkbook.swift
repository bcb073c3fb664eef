import Foundation
import ZIPFoundation

/// One cell of a row (`XLSXWriter.Cell`).
public typealias XLSXCell = XLSXWriter.Cell

/// How a sheet is printed: paper, orientation, scaling, rows repeated on every page.
public struct XLSXPageSetup: Sendable, Hashable {
    public enum Orientation: String, Sendable, Hashable {
        case portrait, landscape
    }

    public var orientation: Orientation
    /// Excel's paper size code: 9 is A4, 1 is Letter.
    public var paperSize: Int
    /// Scales the sheet down so that all its columns fit the page width (rows go on as many pages as needed).
    public var fitToWidth: Bool
    /// Centres the table horizontally on the page.
    public var centerHorizontally: Bool
    /// Rows 1...n printed again at the top of every page (title and header rows); 0 for none.
    public var repeatedRows: Int

    public init(
        orientation: Orientation = .landscape, paperSize: Int = 9, fitToWidth: Bool = true,
        centerHorizontally: Bool = true, repeatedRows: Int = 0
    ) {
        self.orientation = orientation
        self.paperSize = paperSize
        self.fitToWidth = fitToWidth
        self.centerHorizontally = centerHorizontally
        self.repeatedRows = repeatedRows
    }

    /// A4 landscape, fitted to the page width.
    public static let a4Landscape = XLSXPageSetup()
    /// A4 portrait, fitted to the page width.
    public static let a4Portrait = XLSXPageSetup(orientation: .portrait)
}

/// An `.xlsx` workbook of one or more sheets, each written row by row.
///
/// Every sheet streams its rows to its own temporary file, so memory stays flat
/// however long the sheets are; `close()` puts them into one package. The sheets
/// share the workbook's styles. This is the type for reports made of several tables
/// (one sheet per table); `XLSXWriter` is the one-sheet shorthand.
///
/// ```swift
/// let book = XLSXWorkbook()  // no path: for an HTTP download
/// let sheet = book.addSheet("Biểu 1 - Kết quả rà soát", columnWidths: [8, 30, 14, 12],
///                           freezeRows: 3, pageSetup: XLSXPageSetup(repeatedRows: 3))
/// sheet.appendTitle("KẾT QUẢ RÀ SOÁT HỘ NGHÈO NĂM 2025", span: 4)
/// sheet.appendRow([])
/// sheet.appendRow([.header("STT"), .header("Đơn vị"), .header("Số hộ"), .header("Tỷ lệ")])
/// sheet.appendRow([.number(1), .label("Xã Đặng"), .number(1_234_567), .percent(numerator: 12, denominator: 96)])
/// sheet.appendRow([.empty, .totalLabel("Tổng cộng"), .total(1_234_567), .percent(0.125, bold: true)])
/// let bytes = try book.data()
/// ```
///
/// As with `XLSXWriter`, appending never throws: the first failure of a sheet is kept
/// and thrown by `close()`. The file at `path` appears only when `close()` succeeds.
public final class XLSXWorkbook {
    /// The media type to send with the bytes of an `.xlsx` file.
    public static let contentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    /// Where `close()` writes the workbook; nil for a workbook only read back with `data()`.
    public let path: String?
    /// The sheets in tab order.
    public private(set) var sheets: [XLSXSheet] = []

    let styles = XLSXStyleTable()
    private let outputURL: URL
    private var closed = false
    private var failure: SpreadsheetError?

    /// Starts a workbook; nothing is written at `path` until `close()`. Without a path
    /// the workbook goes to a temporary file, removed with the workbook, that `data()` reads.
    public init(path: String? = nil) {
        self.path = path
        outputURL = path.map { URL(fileURLWithPath: $0) }
            ?? TemporaryFiles.url("book", ending: ".xlsx")
    }

    deinit {
        if path == nil { try? FileManager.default.removeItem(at: outputURL) }
    }

    /// The path used in error messages.
    var displayPath: String { outputURL.path }

    /// Adds a sheet after the others. Its tab name is made valid for Excel (see
    /// `XLSXWriter.validSheetName`) and unique in the workbook, ignoring case: a clash
    /// gets " (2)", " (3)", ... within the 31 characters. After `close()` the returned
    /// sheet ignores what is appended to it.
    ///
    /// - Parameters:
    ///   - columnWidths: widths in characters, first entry for column A; zero or negative skips a column.
    ///   - freezeRows: rows 1...n stay visible while scrolling down (title and header rows).
    ///   - freezeColumns: columns A... stay visible while scrolling right (the label column).
    ///   - pageSetup: printing; nil leaves Excel's defaults.
    @discardableResult
    public func addSheet(
        _ name: String, columnWidths: [Double] = [], freezeRows: Int = 0, freezeColumns: Int = 0,
        pageSetup: XLSXPageSetup? = nil
    ) -> XLSXSheet {
        let unique = Self.uniqueSheetName(
            XLSXWriter.validSheetName(name, fallback: "Sheet\(sheets.count + 1)"), taken: sheets.map(\.name))
        let sheet = XLSXSheet(
            name: unique, displayPath: displayPath, styles: styles, columnWidths: columnWidths,
            freezeRows: freezeRows, freezeColumns: freezeColumns, pageSetup: pageSetup, open: !closed)
        if !closed { sheets.append(sheet) }
        return sheet
    }

    /// Finishes every sheet and writes the workbook (replacing any file at `path`).
    /// A workbook without sheets gets an empty "Sheet1". Calling it again does nothing.
    public func close() throws {
        guard !closed else { return }
        if sheets.isEmpty { addSheet("Sheet1") }
        closed = true
        defer { sheets.forEach { $0.discard() } }
        for sheet in sheets {
            if let error = sheet.finish(), failure == nil { failure = error }
        }
        if let failure { throw failure }

        let temporary = outputURL.deletingLastPathComponent()
            .appendingPathComponent(".\(outputURL.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            try writePackage(to: temporary)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            let error = SpreadsheetError.cannotWrite(path: displayPath, reason: "\(error)")
            failure = error
            throw error
        }
        guard rename(temporary.path, outputURL.path) == 0 else {
            let error = SpreadsheetError.cannotWrite(path: displayPath, reason: String(cString: strerror(errno)))
            try? FileManager.default.removeItem(at: temporary)
            failure = error
            throw error
        }
    }

    /// Closes the workbook if needed and returns the bytes of the `.xlsx` file, e.g. for
    /// an HTTP response (with `contentType`). Throws what `close()` threw.
    public func data() throws -> Data {
        try close()
        if let failure { throw failure }
        do {
            return try Data(contentsOf: outputURL)
        } catch {
            throw SpreadsheetError.cannotOpen(path: displayPath, reason: "\(error)")
        }
    }

    /// `name`, or `name (2)`, `name (3)`, ... cut to fit 31 characters, whichever no sheet
    /// in `taken` has (Excel compares tab names ignoring case).
    static func uniqueSheetName(_ name: String, taken: [String]) -> String {
        let used = Set(taken.map { $0.lowercased() })
        guard used.contains(name.lowercased()) else { return name }
        var number = 2
        while true {
            let suffix = " (\(number))"
            var base = ""
            var length = 0
            for character in name {
                length += character.utf16.count
                if length + suffix.utf16.count > XLSXWriter.maxSheetNameLength { break }
                base.append(character)
            }
            let candidate = base + suffix
            if !used.contains(candidate.lowercased()) { return candidate }
            number += 1
        }
    }

    // MARK: - Package

    static let mainNamespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let relationshipsNamespace = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    private static let xmlDeclaration = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"

    private static func escaped(_ text: String) -> String {
        var out: [UInt8] = []
        XLSXWriter.appendEscaped(text, to: &out, attribute: true)
        return String(decoding: out, as: UTF8.self)
    }

    private func writePackage(to url: URL) throws {
        let archive = try Archive(url: url, accessMode: .create)
        func add(_ part: String, _ xml: String) throws {
            let data = Data((Self.xmlDeclaration + xml).utf8)
            try archive.addEntry(
                with: part, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate,
                provider: { position, size in
                    let start = Int(position)
                    return data.subdata(in: start..<min(start + size, data.count))
                })
        }
        let officeRelationships = Self.relationshipsNamespace
        let contentType = "application/vnd.openxmlformats-officedocument.spreadsheetml"
        let numbers = sheets.indices.map { $0 + 1 }
        try add("[Content_Types].xml", #"""
            <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\#
            <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\#
            <Default Extension="xml" ContentType="application/xml"/>\#
            <Override PartName="/xl/workbook.xml" ContentType="\#(contentType).sheet.main+xml"/>\#
            \#(numbers.map { #"<Override PartName="/xl/worksheets/sheet\#($0).xml" ContentType="\#(contentType).worksheet+xml"/>"# }.joined())\#
            <Override PartName="/xl/styles.xml" ContentType="\#(contentType).styles+xml"/>\#
            </Types>
            """#)
        try add("_rels/.rels", #"""
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\#
            <Relationship Id="rId1" Type="\#(officeRelationships)/officeDocument" Target="xl/workbook.xml"/>\#
            </Relationships>
            """#)
        var sheetList = ""
        var definedNames = ""
        for (index, sheet) in sheets.enumerated() {
            sheetList += #"<sheet name="\#(Self.escaped(sheet.name))" sheetId="\#(index + 1)" r:id="rId\#(index + 1)"/>"#
            if let rows = sheet.pageSetup?.repeatedRows, rows > 0 {
                let quoted = "'" + sheet.name.replacingOccurrences(of: "'", with: "''") + "'"
                definedNames += #"<definedName name="_xlnm.Print_Titles" localSheetId="\#(index)">"#
                    + Self.escaped("\(quoted)!$1:$\(min(rows, XLSXWriter.maxRows))") + "</definedName>"
            }
        }
        if !definedNames.isEmpty { definedNames = "<definedNames>" + definedNames + "</definedNames>" }
        try add("xl/workbook.xml", #"""
            <workbook xmlns="\#(Self.mainNamespace)" xmlns:r="\#(Self.relationshipsNamespace)">\#
            <bookViews><workbookView activeTab="0"/></bookViews>\#
            <sheets>\#(sheetList)</sheets>\#(definedNames)\#
            </workbook>
            """#)
        try add("xl/_rels/workbook.xml.rels", #"""
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\#
            \#(numbers.map { #"<Relationship Id="rId\#($0)" Type="\#(officeRelationships)/worksheet" Target="worksheets/sheet\#($0).xml"/>"# }.joined())\#
            <Relationship Id="rId\#(sheets.count + 1)" Type="\#(officeRelationships)/styles" Target="styles.xml"/>\#
            </Relationships>
            """#)
        try add("xl/styles.xml", styles.xml(namespace: Self.mainNamespace))
        for (index, sheet) in sheets.enumerated() {
            try archive.addEntry(
                with: "xl/worksheets/sheet\(index + 1).xml", fileURL: sheet.sheetURL, compressionMethod: .deflate)
        }
    }
}

/// One sheet of an `XLSXWorkbook`, written row by row (see `XLSXWorkbook.addSheet`).
public final class XLSXSheet {
    /// The tab name, valid for Excel and unique in its workbook.
    public let name: String
    public let columnWidths: [Double]
    /// Rows 1...freezeRows stay visible while scrolling.
    public let freezeRows: Int
    /// Columns A... (this many) stay visible while scrolling right.
    public let freezeColumns: Int
    public let pageSetup: XLSXPageSetup?
    /// Rows appended so far (row numbers are 1...rowCount).
    public private(set) var rowCount = 0

    let sheetURL: URL
    private let displayPath: String
    private let styles: XLSXStyleTable
    private var handle: FileHandle?
    private var buffer: [UInt8] = []
    private var failure: SpreadsheetError?
    private var finished: Bool
    private var columnNames: [[UInt8]] = []
    private var merges: [(rows: ClosedRange<Int>, columns: ClosedRange<Int>)] = []

    private static let flushThreshold = 1 << 16

    init(
        name: String, displayPath: String, styles: XLSXStyleTable, columnWidths: [Double], freezeRows: Int,
        freezeColumns: Int, pageSetup: XLSXPageSetup?, open: Bool
    ) {
        self.name = name
        self.displayPath = displayPath
        self.styles = styles
        self.columnWidths = columnWidths
        self.freezeRows = min(max(freezeRows, 0), XLSXWriter.maxRows - 1)
        self.freezeColumns = min(max(freezeColumns, 0), XLSXWriter.maxColumns - 1)
        self.pageSetup = pageSetup
        finished = !open
        sheetURL = TemporaryFiles.url("sheet", ending: ".xml")
        guard open else { return }
        buffer.reserveCapacity(Self.flushThreshold + 4096)
        if FileManager.default.createFile(atPath: sheetURL.path, contents: nil),
           let handle = try? FileHandle(forWritingTo: sheetURL) {
            self.handle = handle
            append(worksheetHeader())
        } else {
            failure = .cannotWrite(
                path: sheetURL.path, reason: "không tạo được tệp tạm / cannot create a temporary file")
        }
    }

    deinit {
        discard()
    }

    /// Appends the next row (row 1 first). `.empty` cells, and empty `.text`/`.bold`,
    /// write nothing; styled cells without a value still show their borders and fill.
    /// `height` sets the row height in points (Excel's default is 15).
    public func appendRow(_ cells: [XLSXCell], height: Double? = nil) {
        guard !finished, failure == nil else { return }
        guard rowCount < XLSXWriter.maxRows else {
            fail("quá \(XLSXWriter.maxRows) dòng, giới hạn của Excel / more than \(XLSXWriter.maxRows) rows, Excel's limit")
            return
        }
        guard cells.count <= XLSXWriter.maxColumns else {
            fail("dòng \(rowCount + 1) có \(cells.count) ô, quá \(XLSXWriter.maxColumns) cột của Excel / "
                + "row \(rowCount + 1) has \(cells.count) cells, more than Excel's \(XLSXWriter.maxColumns) columns")
            return
        }
        rowCount += 1
        let rowDigits = Array(String(rowCount).utf8)
        append("<row r=\"")
        buffer.append(contentsOf: rowDigits)
        if let height, height.isFinite, height > 0 {
            append("\" ht=\"\(XLSXStyleTable.number(min(height, 409)))\" customHeight=\"1")
        }
        append("\">")
        for (index, cell) in cells.enumerated() {
            switch cell {
            case .empty:
                continue
            case .integer(let value):
                startCell(column: index, row: rowDigits)
                append("\"><v>")
                append(String(value))
                append("</v></c>")
            case .text(let text), .bold(let text):
                guard !text.isEmpty else { continue }
                var bold = false
                if case .bold = cell { bold = true }
                let wraps = text.utf8.contains(UInt8(ascii: "\n"))
                let style = bold
                    ? (wraps ? XLSXStyleTable.boldWrapped : XLSXStyleTable.bold)
                    : (wraps ? XLSXStyleTable.wrapped : XLSXStyleTable.normal)
                writeText(text, style: style, column: index, row: rowDigits)
            case .styled(let value, var style):
                switch value {
                case .text(let text) where !text.isEmpty:
                    if text.utf8.contains(UInt8(ascii: "\n")) { style.wraps = true }
                    writeText(text, style: styles.id(for: style), column: index, row: rowDigits)
                case .integer(let number):
                    writeNumber(String(number), style: styles.id(for: style), column: index, row: rowDigits)
                case .number(let number) where number.isFinite:
                    writeNumber(Self.literal(number), style: styles.id(for: style), column: index, row: rowDigits)
                default:  // blank, empty text, NaN or infinity: the style alone
                    let id = styles.id(for: style)
                    guard id != XLSXStyleTable.normal else { continue }
                    startCell(column: index, row: rowDigits)
                    append("\" s=\"\(id)\"/>")
                }
            }
        }
        append("</row>")
        if buffer.count >= Self.flushThreshold { flush() }
    }

    /// Appends a row holding `text` in column A, styled `style`, merged across the first
    /// `span` columns (the width of the table below it) and centred there.
    public func appendTitle(_ text: String, span: Int, style: XLSXStyle = .title, height: Double? = nil) {
        guard !finished, failure == nil else { return }
        let rowHeight = height ?? (style.fontSize > 11 ? (style.fontSize * 1.5).rounded() : nil)
        appendRow([.styled(.text(text), style)], height: rowHeight)
        if span > 1, failure == nil { mergeCells(rows: rowCount...rowCount, columns: 0...(span - 1)) }
    }

    /// Merges a block of cells, shown as one with the content of its top-left cell.
    /// `rows` are row numbers (1 is the first), `columns` 0-based column indices as in
    /// `appendRow` (0 is column A). Merges are written when the workbook is closed, so
    /// they may name rows not appended yet. A block of one cell is ignored; a block
    /// outside Excel's grid or overlapping an earlier one is an error thrown by `close()`.
    /// To give a merged block borders or fill everywhere, write its other cells as
    /// styled blanks (e.g. `.header("")`).
    public func mergeCells(rows: ClosedRange<Int>, columns: ClosedRange<Int>) {
        guard !finished, failure == nil else { return }
        let reference = Self.rangeReference(rows: rows, columns: columns)
        guard rows.lowerBound >= 1, rows.upperBound <= XLSXWriter.maxRows,
              columns.lowerBound >= 0, columns.upperBound < XLSXWriter.maxColumns else {
            fail("vùng gộp ô \(reference) nằm ngoài trang tính / merged range \(reference) is outside the sheet")
            return
        }
        guard rows.count > 1 || columns.count > 1 else { return }
        if let other = merges.first(where: { $0.rows.overlaps(rows) && $0.columns.overlaps(columns) }) {
            let otherReference = Self.rangeReference(rows: other.rows, columns: other.columns)
            fail("vùng gộp ô \(reference) chồng lên \(otherReference) / merged range \(reference) overlaps \(otherReference)")
            return
        }
        merges.append((rows, columns))
    }

    /// Merges a block given in A1 notation, such as `"A1:F1"` (see `mergeCells(rows:columns:)`).
    public func mergeCells(_ range: String) {
        guard !finished, failure == nil else { return }
        guard let (rows, columns) = Self.parseRange(range) else {
            fail("vùng gộp ô không hợp lệ '\(range)' / invalid merged range '\(range)'")
            return
        }
        mergeCells(rows: rows, columns: columns)
    }

    // MARK: - Workbook side

    /// Ends the sheet XML; returns the sheet's failure, if any.
    func finish() -> SpreadsheetError? {
        guard !finished else { return failure }
        finished = true
        if failure == nil {
            append("</sheetData>")
            append(worksheetFooter())
            flush()
        }
        try? handle?.close()
        handle = nil
        return failure
    }

    /// Closes and removes the temporary file.
    func discard() {
        finished = true
        try? handle?.close()
        handle = nil
        try? FileManager.default.removeItem(at: sheetURL)
    }

    // MARK: - Sheet XML

    private func fail(_ reason: String) {
        if failure == nil { failure = .cannotWrite(path: displayPath, reason: reason) }
    }

    private func append(_ text: String) {
        buffer.append(contentsOf: text.utf8)
    }

    /// Writes `<c r="B7` (the caller closes the attribute).
    private func startCell(column: Int, row: [UInt8]) {
        while columnNames.count <= column {
            columnNames.append(Array(CellReference.columnName(columnNames.count).utf8))
        }
        append("<c r=\"")
        buffer.append(contentsOf: columnNames[column])
        buffer.append(contentsOf: row)
    }

    private func writeText(_ text: String, style: Int, column: Int, row: [UInt8]) {
        startCell(column: column, row: row)
        append(style == 0 ? "\" t=\"inlineStr\"><is><t" : "\" s=\"\(style)\" t=\"inlineStr\"><is><t")
        if XLSXWriter.needsPreserve(text) { append(" xml:space=\"preserve\"") }
        append(">")
        XLSXWriter.appendEscaped(XLSXWriter.truncated(text), to: &buffer, attribute: false)
        append("</t></is></c>")
    }

    private func writeNumber(_ literal: String, style: Int, column: Int, row: [UInt8]) {
        startCell(column: column, row: row)
        append(style == 0 ? "\"><v>" : "\" s=\"\(style)\"><v>")
        append(literal)
        append("</v></c>")
    }

    /// A finite double as an XML number: integral values as plain digits, others in
    /// Swift's shortest round-trip form (`0.125`, `1e-05`).
    static func literal(_ number: Double) -> String {
        if number == number.rounded(), abs(number) < 9_007_199_254_740_992 { return String(Int64(number)) }
        return String(number)
    }

    private func flush() {
        guard failure == nil, let handle, !buffer.isEmpty else { return }
        do {
            try handle.write(contentsOf: buffer)
        } catch {
            failure = .cannotWrite(path: sheetURL.path, reason: "\(error)")
        }
        buffer.removeAll(keepingCapacity: true)
    }

    private func worksheetHeader() -> String {
        var xml = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"
        xml += #"<worksheet xmlns="\#(XLSXWorkbook.mainNamespace)" xmlns:r="\#(XLSXWorkbook.relationshipsNamespace)">"#
        if pageSetup?.fitToWidth == true {
            xml += #"<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>"#
        }
        if freezeRows > 0 || freezeColumns > 0 {
            let topLeft = CellReference.columnName(freezeColumns) + String(freezeRows + 1)
            xml += #"<sheetViews><sheetView workbookViewId="0"><pane"#
            if freezeColumns > 0 { xml += #" xSplit="\#(freezeColumns)""# }
            if freezeRows > 0 { xml += #" ySplit="\#(freezeRows)""# }
            let panes: [String]
            switch (freezeRows > 0, freezeColumns > 0) {
            case (true, true): panes = ["topRight", "bottomLeft", "bottomRight"]
            case (true, false): panes = ["bottomLeft"]
            default: panes = ["topRight"]
            }
            xml += #" topLeftCell="\#(topLeft)" activePane="\#(panes.last!)" state="frozen"/>"#
            for pane in panes {
                xml += #"<selection pane="\#(pane)" activeCell="\#(topLeft)" sqref="\#(topLeft)"/>"#
            }
            xml += "</sheetView></sheetViews>"
        }
        xml += #"<sheetFormatPr defaultRowHeight="15"/>"#
        let widths = columnWidths.prefix(XLSXWriter.maxColumns).enumerated()
            .filter { $0.element > 0 && $0.element.isFinite }
        if !widths.isEmpty {
            xml += "<cols>"
            for (index, width) in widths {
                xml += #"<col min="\#(index + 1)" max="\#(index + 1)" width="\#(min(width, 255))" customWidth="1"/>"#
            }
            xml += "</cols>"
        }
        xml += "<sheetData>"
        return xml
    }

    /// What follows `</sheetData>`, in the order the schema requires.
    private func worksheetFooter() -> String {
        var xml = ""
        if !merges.isEmpty {
            xml += #"<mergeCells count="\#(merges.count)">"#
            for merge in merges {
                xml += #"<mergeCell ref="\#(Self.rangeReference(rows: merge.rows, columns: merge.columns))"/>"#
            }
            xml += "</mergeCells>"
        }
        if let pageSetup {
            if pageSetup.centerHorizontally { xml += #"<printOptions horizontalCentered="1"/>"# }
            xml += #"<pageMargins left="0.4" right="0.4" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>"#
            xml += #"<pageSetup paperSize="\#(pageSetup.paperSize)" orientation="\#(pageSetup.orientation.rawValue)""#
            if pageSetup.fitToWidth { xml += #" fitToWidth="1" fitToHeight="0""# }
            xml += "/>"
        }
        xml += "</worksheet>"
        return xml
    }

    static func rangeReference(rows: ClosedRange<Int>, columns: ClosedRange<Int>) -> String {
        func cell(_ row: Int, _ column: Int) -> String {
            (column >= 0 ? CellReference.columnName(column) : "?") + String(row)
        }
        return cell(rows.lowerBound, columns.lowerBound) + ":" + cell(rows.upperBound, columns.upperBound)
    }

    /// `"B2:D5"` (or `"$B$2:$D$5"`, `"C3"`) as rows and 0-based columns, corners in any order.
    static func parseRange(_ text: String) -> (rows: ClosedRange<Int>, columns: ClosedRange<Int>)? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2 else { return nil }
        var corners: [(row: Int, column: Int)] = []
        for part in parts {
            var letters = ""
            var digits = ""
            for character in part where character != "$" {
                if character.isASCII, character.isLetter, digits.isEmpty {
                    letters.append(character)
                } else if character.isASCII, character.isNumber {
                    digits.append(character)
                } else {
                    return nil
                }
            }
            guard (1...3).contains(letters.count), (1...7).contains(digits.count),
                  let column = CellReference.columnIndex(in: letters), let row = Int(digits) else { return nil }
            corners.append((row, column))
        }
        let first = corners[0], last = corners[corners.count - 1]
        return (min(first.row, last.row)...max(first.row, last.row),
                min(first.column, last.column)...max(first.column, last.column))
    }
}
