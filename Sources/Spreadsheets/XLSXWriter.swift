import Foundation

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
///
/// For reports, the writer also has styled cells (`.header`, `.number`, `.percent`,
/// `.total`, ... with `.` thousands: see `XLSXStyle.NumberFormat`), several frozen
/// rows and columns, merged cells (`appendTitle(_:span:)`, `mergeCells`) and print
/// setup. A report of several tables is an `XLSXWorkbook` with one sheet per table.
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
        /// A value with a style of its own. The helpers below build the usual ones.
        case styled(Value, XLSXStyle)

        /// What a styled cell holds.
        public enum Value: Sendable, Equatable {
            case text(String)
            case integer(Int)
            /// A number; NaN and infinities, which Excel cannot store, leave the cell blank.
            case number(Double)
            /// Nothing, but the style (borders, fill) still shows.
            case blank
        }

        /// A title line: bold 14 pt, centred. `XLSXSheet.appendTitle` also merges it across the table.
        public static func title(_ text: String) -> Cell { .styled(.text(text), .title) }

        /// A column header: bold, centred, wrapped, light blue fill, thin borders.
        /// `.header("")` gives the other cells of a merged header block the same look.
        public static func header(_ text: String) -> Cell { .styled(.text(text), .header) }

        /// Text inside a table (row labels): thin borders, wrapped.
        public static func label(_ text: String, bold: Bool = false) -> Cell {
            .styled(.text(text), bold ? XLSXStyle.tableText.emphasized : .tableText)
        }

        /// A whole number inside a table, shown `1.234.567`, thin borders.
        public static func number(_ value: Int, bold: Bool = false) -> Cell {
            .styled(.integer(value), bold ? XLSXStyle.tableNumber.emphasized : .tableNumber)
        }

        /// A number with `decimals` decimals, shown `1.234,50`, thin borders.
        public static func decimal(_ value: Double, decimals: Int = 2, bold: Bool = false) -> Cell {
            .styled(.number(value), tableStyle(.grouped(decimals: decimals), bold: bold))
        }

        /// A fraction shown as a percentage: 0.125 → `12,5%` with 1 decimal, thin borders.
        public static func percent(_ fraction: Double, decimals: Int = 1, bold: Bool = false) -> Cell {
            .styled(.number(fraction), tableStyle(.percent(decimals: decimals), bold: bold))
        }

        /// `numerator / denominator` as a percentage (12 of 96 → `12,5%`); a bordered
        /// blank when the denominator is 0.
        public static func percent(numerator: Int, denominator: Int, decimals: Int = 1, bold: Bool = false) -> Cell {
            guard denominator != 0 else { return .styled(.blank, tableStyle(.percent(decimals: decimals), bold: bold)) }
            return percent(Double(numerator) / Double(denominator), decimals: decimals, bold: bold)
        }

        /// A number in a total row: bold, `1.234.567`, thin borders.
        public static func total(_ value: Int) -> Cell { number(value, bold: true) }

        /// The label of a total row ("Tổng cộng"): bold text, thin borders.
        public static func totalLabel(_ text: String) -> Cell { label(text, bold: true) }

        private static func tableStyle(_ format: XLSXStyle.NumberFormat, bold: Bool) -> XLSXStyle {
            var style = XLSXStyle.tableNumber
            style.numberFormat = format
            style.bold = bold
            return style
        }
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
    /// Rows kept visible while scrolling (1 for `freezeHeaderRow`).
    public var freezeRows: Int { sheet.freezeRows }
    /// Columns kept visible while scrolling right.
    public var freezeColumns: Int { sheet.freezeColumns }
    /// Keeps row 1 visible while scrolling (true whenever rows are frozen).
    public var freezeHeaderRow: Bool { sheet.freezeRows > 0 }
    /// Rows appended so far (row numbers are 1...rowCount).
    public var rowCount: Int { sheet.rowCount }

    private let workbook: XLSXWorkbook
    private let sheet: XLSXSheet

    /// Starts a workbook; nothing is written at `path` until `close()`.
    ///
    /// - Parameters:
    ///   - freezeHeaderRow: keeps row 1 visible, the same as `freezeRows: 1`.
    ///   - freezeRows: keeps rows 1...n visible (title and header rows); the larger of the two wins.
    ///   - freezeColumns: keeps the first n columns visible while scrolling right.
    ///   - pageSetup: printing (A4 landscape fitted to width: `.a4Landscape`); nil for Excel's defaults.
    public init(
        path: String, sheetName: String = "Sheet1", columnWidths: [Double] = [], freezeHeaderRow: Bool = false,
        freezeRows: Int = 0, freezeColumns: Int = 0, pageSetup: XLSXPageSetup? = nil
    ) {
        self.path = path
        self.columnWidths = columnWidths
        workbook = XLSXWorkbook(path: path)
        sheet = workbook.addSheet(
            sheetName, columnWidths: columnWidths, freezeRows: max(freezeRows, freezeHeaderRow ? 1 : 0),
            freezeColumns: freezeColumns, pageSetup: pageSetup)
        self.sheetName = sheet.name
    }

    /// Appends the next row (row 1 first). `.empty` cells, and empty `.text`/`.bold`,
    /// write nothing. `height` sets the row height in points.
    public func appendRow(_ cells: [Cell], height: Double? = nil) {
        sheet.appendRow(cells, height: height)
    }

    /// Appends a title row merged across `span` columns (see `XLSXSheet.appendTitle`).
    public func appendTitle(_ text: String, span: Int, style: XLSXStyle = .title, height: Double? = nil) {
        sheet.appendTitle(text, span: span, style: style, height: height)
    }

    /// Merges a block of cells (see `XLSXSheet.mergeCells(rows:columns:)`).
    public func mergeCells(rows: ClosedRange<Int>, columns: ClosedRange<Int>) {
        sheet.mergeCells(rows: rows, columns: columns)
    }

    /// Merges a block of cells given as `"A1:F1"` (see `XLSXSheet.mergeCells(_:)`).
    public func mergeCells(_ range: String) {
        sheet.mergeCells(range)
    }

    /// Finishes the sheet and writes the workbook to `path` (replacing any file there).
    /// Calling it again does nothing.
    public func close() throws {
        try workbook.close()
    }

    // MARK: - Text

    /// Leading or trailing whitespace must be marked to survive.
    static func needsPreserve(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last else { return false }
        return first.properties.isWhitespace || last.properties.isWhitespace
    }

    /// Cuts text to Excel's 32,767 characters (UTF-16 code units) per cell.
    static func truncated(_ text: String) -> String {
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

    /// The longest tab name Excel allows, in UTF-16 code units.
    public static let maxSheetNameLength = 31

    /// `name` made valid as an Excel tab name: `[ ] : * ? / \` and control characters
    /// removed, composed (NFC, so that Vietnamese letters count once), cut to 31
    /// characters without splitting a letter from its accents, no leading or trailing
    /// `'`, not "History" (reserved); `fallback` when nothing is left.
    static func validSheetName(_ name: String, fallback: String = "Sheet1") -> String {
        let forbidden: Set<Unicode.Scalar> = ["[", "]", ":", "*", "?", "/", "\\"]
        var cleaned = String.UnicodeScalarView()
        for scalar in name.unicodeScalars {
            if forbidden.contains(scalar) || scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                continue
            }
            cleaned.append(scalar)
        }
        var valid = ""
        var length = 0
        for character in String(cleaned).precomposedStringWithCanonicalMapping {
            length += character.utf16.count
            if length > maxSheetNameLength { break }
            valid.append(character)
        }
        while valid.hasPrefix("'") { valid.removeFirst() }
        while valid.hasSuffix("'") { valid.removeLast() }
        if valid.trimmingCharacters(in: .whitespaces).isEmpty { return fallback }
        if valid.lowercased() == "history" { return "History_" }  // reserved by Excel
        return valid
    }
}
