import Foundation
import ZIPFoundation

/// Writes a one-sheet `.xlsx` workbook row by row, for reports and templates.
///
/// Rows are turned into worksheet XML as they come and streamed to a temporary file,
/// which `close()` compresses (deflate) into the package with ZIPFoundation, so memory
/// stays flat however many rows are written. Strings are written inline
/// (`t="inlineStr"`), so no shared-string table has to be kept either.
///
/// ```swift
/// let writer = XLSXWriter(path: "report.xlsx", sheetName: "Hộ nghèo", columnWidths: [12, 30])
/// writer.appendRow([.bold("Mã hộ"), .bold("Chủ hộ"), .bold("Thu nhập")])
/// writer.appendRow([.text("H001"), .text("Nguyễn Văn An"), .integer(1_500_000)])
/// try writer.close()
/// ```
///
/// `appendRow` does not throw: the first failure (disk full, more rows or columns than
/// Excel allows) is remembered, later rows are dropped, and `close()` throws it.
/// The file at `path` appears only when `close()` succeeds, in one atomic rename; a
/// writer dropped without `close()` leaves nothing behind.
///
/// Text is XML-escaped; control characters other than tab, line feed and carriage
/// return are removed (XML cannot carry them), text longer than Excel's 32,767
/// characters per cell is cut there, and a literal `_xHHHH_` is escaped as
/// `_x005F_xHHHH_` so that Excel shows it as typed. Text with a line break gets a
/// wrap-text style so that Excel shows the break.
public final class XLSXWriter {
    /// One cell of a row.
    public enum Cell: Sendable, Equatable {
        /// A string cell.
        case text(String)
        /// A number cell holding an integer (Excel stores numbers as doubles: exact up to 2^53).
        case integer(Int)
        /// No cell at all: the next cell moves one column to the right.
        case empty
        /// A string cell in bold, for header rows.
        case bold(String)
    }

    /// Excel's limits.
    public static let maxRows = 1_048_576
    public static let maxColumns = 16_384
    public static let maxCellLength = 32_767

    public let path: String
    /// The sheet's tab name, made valid for Excel: at most 31 characters, none of
    /// `[ ] : * ? / \`, not empty (then "Sheet1").
    public let sheetName: String
    /// Column widths in characters, first entry for column A; zero or negative skips a column.
    public let columnWidths: [Double]
    /// Keeps row 1 visible while scrolling.
    public let freezeHeaderRow: Bool
    /// Rows appended so far (row numbers are 1...rowCount).
    public private(set) var rowCount = 0

    private let sheetURL: URL
    private var handle: FileHandle?
    private var buffer: [UInt8] = []
    private var failure: SpreadsheetError?
    private var closed = false
    private var columnNames: [[UInt8]] = []

    private static let flushThreshold = 1 << 16

    /// Starts a workbook; nothing is written at `path` until `close()`.
    public init(
        path: String, sheetName: String = "Sheet1", columnWidths: [Double] = [], freezeHeaderRow: Bool = false
    ) {
        self.path = path
        self.sheetName = Self.validSheetName(sheetName)
        self.columnWidths = columnWidths
        self.freezeHeaderRow = freezeHeaderRow
        sheetURL = FileManager.default.temporaryDirectory
            .appendingPathComponent("xlsx-sheet-\(UUID().uuidString).xml")
        buffer.reserveCapacity(Self.flushThreshold + 4096)
        if FileManager.default.createFile(atPath: sheetURL.path, contents: nil),
           let handle = try? FileHandle(forWritingTo: sheetURL) {
            self.handle = handle
            buffer.append(contentsOf: worksheetHeader().utf8)
        } else {
            failure = .cannotWrite(
                path: sheetURL.path, reason: "không tạo được tệp tạm / cannot create a temporary file")
        }
    }

    deinit {
        if !closed {
            try? handle?.close()
            try? FileManager.default.removeItem(at: sheetURL)
        }
    }

    /// Appends the next row (row 1 first). `.empty` cells, and empty text, write nothing.
    public func appendRow(_ cells: [Cell]) {
        guard !closed, failure == nil else { return }
        guard rowCount < Self.maxRows else {
            failure = .cannotWrite(
                path: path,
                reason: "quá \(Self.maxRows) dòng, giới hạn của Excel / more than \(Self.maxRows) rows, Excel's limit")
            return
        }
        guard cells.count <= Self.maxColumns else {
            failure = .cannotWrite(
                path: path,
                reason: "dòng \(rowCount + 1) có \(cells.count) ô, quá \(Self.maxColumns) cột của Excel / "
                    + "row \(rowCount + 1) has \(cells.count) cells, more than Excel's \(Self.maxColumns) columns")
            return
        }
        rowCount += 1
        let rowDigits = Array(String(rowCount).utf8)
        append("<row r=\"")
        buffer.append(contentsOf: rowDigits)
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
                let style = (bold ? 1 : 0) + (wraps ? 2 : 0)
                startCell(column: index, row: rowDigits)
                append(style == 0 ? "\" t=\"inlineStr\"><is><t" : "\" s=\"\(style)\" t=\"inlineStr\"><is><t")
                if Self.needsPreserve(text) { append(" xml:space=\"preserve\"") }
                append(">")
                Self.appendEscaped(Self.truncated(text), to: &buffer, attribute: false)
                append("</t></is></c>")
            }
        }
        append("</row>")
        if buffer.count >= Self.flushThreshold { flush() }
    }

    /// Finishes the sheet and writes the workbook to `path` (replacing any file there).
    /// Calling it again does nothing.
    public func close() throws {
        guard !closed else { return }
        closed = true
        defer { try? FileManager.default.removeItem(at: sheetURL) }
        if failure == nil {
            append("</sheetData></worksheet>")
            flush()
        }
        try? handle?.close()
        handle = nil
        if let failure { throw failure }

        let destination = URL(fileURLWithPath: path)
        let temporary = destination.deletingLastPathComponent()
            .appendingPathComponent(".\(destination.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            try writePackage(to: temporary)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw SpreadsheetError.cannotWrite(path: path, reason: "\(error)")
        }
        guard rename(temporary.path, destination.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw SpreadsheetError.cannotWrite(path: path, reason: reason)
        }
    }

    // MARK: - Sheet XML

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
        xml += #"<worksheet xmlns="\#(Self.mainNamespace)" xmlns:r="\#(Self.relationshipsNamespace)">"#
        if freezeHeaderRow {
            xml += #"<sheetViews><sheetView workbookViewId="0">"#
                + #"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#
                + #"<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>"#
        }
        xml += #"<sheetFormatPr defaultRowHeight="15"/>"#
        let widths = columnWidths.prefix(Self.maxColumns).enumerated().filter { $0.element > 0 && $0.element.isFinite }
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

    /// Leading or trailing whitespace must be marked to survive.
    private static func needsPreserve(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last else { return false }
        return first.properties.isWhitespace || last.properties.isWhitespace
    }

    /// Cuts text to Excel's 32,767 characters (UTF-16 code units) per cell.
    private static func truncated(_ text: String) -> String {
        guard text.utf16.count > maxCellLength else { return text }
        var count = 0
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            count += scalar.utf16.count
            if count > maxCellLength { break }
            scalars.append(scalar)
        }
        return String(scalars)
    }

    /// XML-escapes `text` into `out`: `& < >` (and `"` in attributes), carriage return as
    /// `&#13;` (a raw one would be read back as a line feed), control characters and
    /// the non-characters U+FFFE/U+FFFF removed, `_xHHHH_` guarded as `_x005F_xHHHH_`.
    static func appendEscaped(_ text: String, to out: inout [UInt8], attribute: Bool) {
        let scalars = Array(text.unicodeScalars)
        for (i, scalar) in scalars.enumerated() {
            switch scalar {
            case "&": out.append(contentsOf: "&amp;".utf8)
            case "<": out.append(contentsOf: "&lt;".utf8)
            case ">": out.append(contentsOf: "&gt;".utf8)
            case "\"" where attribute: out.append(contentsOf: "&quot;".utf8)
            case "\r": out.append(contentsOf: "&#13;".utf8)
            case "\n" where attribute: out.append(contentsOf: "&#10;".utf8)
            case "\t" where attribute: out.append(contentsOf: "&#9;".utf8)
            case "\t", "\n": out.append(UInt8(scalar.value))
            case "_" where OOXMLText.startsEscape(scalars, at: i): out.append(contentsOf: "_x005F_".utf8)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
                if scalar.isASCII {
                    out.append(UInt8(scalar.value))
                } else {
                    out.append(contentsOf: String(scalar).utf8)
                }
            }
        }
    }

    static func validSheetName(_ name: String) -> String {
        let forbidden: Set<Unicode.Scalar> = ["[", "]", ":", "*", "?", "/", "\\"]
        var scalars = String.UnicodeScalarView()
        var length = 0
        for scalar in name.unicodeScalars {
            if forbidden.contains(scalar) || scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                continue
            }
            length += scalar.utf16.count
            if length > 31 { break }
            scalars.append(scalar)
        }
        var valid = String(scalars)
        while valid.hasPrefix("'") { valid.removeFirst() }
        while valid.hasSuffix("'") { valid.removeLast() }
        if valid.trimmingCharacters(in: .whitespaces).isEmpty { return "Sheet1" }
        if valid.lowercased() == "history" { return "History_" }  // reserved by Excel
        return valid
    }

    // MARK: - Package

    private static let mainNamespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    private static let relationshipsNamespace =
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    private static let xmlDeclaration = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"

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
        let officeRelationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        let contentType = "application/vnd.openxmlformats-officedocument.spreadsheetml"
        try add("[Content_Types].xml", #"""
            <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\#
            <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\#
            <Default Extension="xml" ContentType="application/xml"/>\#
            <Override PartName="/xl/workbook.xml" ContentType="\#(contentType).sheet.main+xml"/>\#
            <Override PartName="/xl/worksheets/sheet1.xml" ContentType="\#(contentType).worksheet+xml"/>\#
            <Override PartName="/xl/styles.xml" ContentType="\#(contentType).styles+xml"/>\#
            </Types>
            """#)
        try add("_rels/.rels", #"""
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\#
            <Relationship Id="rId1" Type="\#(officeRelationships)/officeDocument" Target="xl/workbook.xml"/>\#
            </Relationships>
            """#)
        var name: [UInt8] = []
        Self.appendEscaped(sheetName, to: &name, attribute: true)
        try add("xl/workbook.xml", #"""
            <workbook xmlns="\#(Self.mainNamespace)" xmlns:r="\#(Self.relationshipsNamespace)">\#
            <bookViews><workbookView/></bookViews>\#
            <sheets><sheet name="\#(String(decoding: name, as: UTF8.self))" sheetId="1" r:id="rId1"/></sheets>\#
            </workbook>
            """#)
        try add("xl/_rels/workbook.xml.rels", #"""
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\#
            <Relationship Id="rId1" Type="\#(officeRelationships)/worksheet" Target="worksheets/sheet1.xml"/>\#
            <Relationship Id="rId2" Type="\#(officeRelationships)/styles" Target="styles.xml"/>\#
            </Relationships>
            """#)
        // Cell styles: 0 normal, 1 bold, 2 wrapped text, 3 bold and wrapped.
        try add("xl/styles.xml", #"""
            <styleSheet xmlns="\#(Self.mainNamespace)">\#
            <fonts count="2">\#
            <font><sz val="11"/><name val="Calibri"/><family val="2"/></font>\#
            <font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>\#
            </fonts>\#
            <fills count="2"><fill><patternFill patternType="none"/></fill>\#
            <fill><patternFill patternType="gray125"/></fill></fills>\#
            <borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\#
            <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\#
            <cellXfs count="4">\#
            <xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\#
            <xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>\#
            <xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">\#
            <alignment wrapText="1" vertical="top"/></xf>\#
            <xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">\#
            <alignment wrapText="1" vertical="top"/></xf>\#
            </cellXfs>\#
            <cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\#
            </styleSheet>
            """#)
        try archive.addEntry(with: "xl/worksheets/sheet1.xml", fileURL: sheetURL, compressionMethod: .deflate)
    }
}
