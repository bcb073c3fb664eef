import Foundation

/// How a cell looks: font weight and size, fill, borders, alignment and number format.
///
/// Styles are plain values; a workbook numbers each distinct style once and writes
/// them all into `xl/styles.xml` when it is closed. The presets (`.header`, `.title`,
/// `.tableText`, `.tableNumber`, ...) are what report tables use; the cell helpers
/// such as `XLSXCell.header(_:)` and `XLSXCell.number(_:)` pick them for you.
public struct XLSXStyle: Sendable, Hashable {
    /// How a number is shown. The value stored in the cell is never changed.
    ///
    /// ## Separators: `.` for thousands, `,` for decimals
    ///
    /// `grouped` and `percent` are written as format codes tagged with the Vietnamese
    /// locale, LCID 0x042A: `[$-42A]#,##0`, `[$-42A]#,##0.0%`, ... In a format code `,`
    /// and `.` only mean "group thousands" and "decimal point"; the characters shown for
    /// them come from a locale. LibreOffice (checked with 7.4 under `LANG=C.UTF-8` and
    /// `en_US.UTF-8`) takes the locale from the `[$-42A]` tag, so it shows `1.234.567`,
    /// `12,5%` and `0,123` whatever the computer's language. Excel accepts the tag (it
    /// writes such tags itself) but takes separators from the system settings (or
    /// File → Options → Advanced → "Use system separators"): Excel on a Vietnamese
    /// Windows shows `1.234.567`, an Excel set to English shows `1,234,567` and `12.5%`.
    /// The stored numbers are correct either way and stay numbers for sums and charts.
    /// Excel offers no format code that forces `.` grouping independent of the system
    /// (a literal such as `#\.##0` only inserts a dot at a fixed position), so this is
    /// as far as a number cell can go; text cells would print dots everywhere but would
    /// stop being numbers.
    public enum NumberFormat: Sendable, Hashable {
        /// Excel's "General": as typed, no grouping.
        case general
        /// Thousands grouped (`1.234.567`) with this many decimals (`1.234,50`), 0...10.
        case grouped(decimals: Int)
        /// A fraction shown as a percentage: 0.125 → `12,5%` with 1 decimal, 0...10.
        case percent(decimals: Int)
        /// Any Excel format code, written as given.
        case custom(String)

        /// The Vietnamese locale tag that makes LibreOffice show `.` and `,` (see above).
        public static let vietnameseLocaleTag = "[$-42A]"

        /// The format code written to `styles.xml`, or nil for "General".
        public var code: String? {
            switch self {
            case .general:
                return nil
            case .grouped(let decimals):
                return Self.vietnameseLocaleTag + "#,##0" + Self.decimalPart(decimals)
            case .percent(let decimals):
                return Self.vietnameseLocaleTag + "#,##0" + Self.decimalPart(decimals) + "%"
            case .custom(let code):
                return code.isEmpty || code.lowercased() == "general" ? nil : code
            }
        }

        private static func decimalPart(_ decimals: Int) -> String {
            let count = min(max(decimals, 0), 10)
            return count == 0 ? "" : "." + String(repeating: "0", count: count)
        }
    }

    public enum HorizontalAlignment: String, Sendable, Hashable {
        case general, left, center, right
    }

    public enum VerticalAlignment: String, Sendable, Hashable {
        case bottom, center, top
    }

    public var bold: Bool
    /// Font size in points (Excel's default is 11).
    public var fontSize: Double
    /// Solid background colour as `RRGGBB` hex (`"DDEBF7"`), or nil for none.
    /// Anything else than 6 (or 8, `AARRGGBB`) hex digits is ignored.
    public var fillColor: String?
    /// A thin border on all four sides.
    public var bordered: Bool
    public var horizontal: HorizontalAlignment
    public var vertical: VerticalAlignment
    /// Wraps long text inside the cell (text with a line break always wraps).
    public var wraps: Bool
    public var numberFormat: NumberFormat

    public init(
        bold: Bool = false, fontSize: Double = 11, fillColor: String? = nil, bordered: Bool = false,
        horizontal: HorizontalAlignment = .general, vertical: VerticalAlignment = .bottom, wraps: Bool = false,
        numberFormat: NumberFormat = .general
    ) {
        self.bold = bold
        self.fontSize = fontSize
        self.fillColor = fillColor
        self.bordered = bordered
        self.horizontal = horizontal
        self.vertical = vertical
        self.wraps = wraps
        self.numberFormat = numberFormat
    }

    /// The light blue of header cells.
    public static let headerFillColor = "DDEBF7"

    /// A report's title line: bold 14 pt, centred (across its merged cells).
    public static let title = XLSXStyle(bold: true, fontSize: 14, horizontal: .center, vertical: .center)
    /// A column header: bold, centred, wrapped, light blue fill, thin borders.
    public static let header = XLSXStyle(
        bold: true, fillColor: headerFillColor, bordered: true, horizontal: .center, vertical: .center, wraps: true)
    /// Text inside a table: thin borders, wrapped, vertically centred.
    public static let tableText = XLSXStyle(bordered: true, vertical: .center, wraps: true)
    /// A whole number inside a table: `1.234.567`, thin borders.
    public static let tableNumber = XLSXStyle(bordered: true, vertical: .center, numberFormat: .grouped(decimals: 0))

    /// This style in bold.
    public var emphasized: XLSXStyle {
        var copy = self
        copy.bold = true
        return copy
    }

    /// The fill colour as Excel writes it (`FFRRGGBB`), or nil when there is none or it is malformed.
    var argbFill: String? {
        guard let fillColor else { return nil }
        let hex = fillColor.hasPrefix("#") ? String(fillColor.dropFirst()) : fillColor
        guard hex.utf8.allSatisfy({ $0 < 0x80 && Character(Unicode.Scalar($0)).isHexDigit }) else { return nil }
        switch hex.utf8.count {
        case 6: return "FF" + hex.uppercased()
        case 8: return hex.uppercased()
        default: return nil
        }
    }
}

/// The distinct styles of one workbook, numbered in the order first used, and the
/// `styles.xml` that declares them. Shared by all sheets of a workbook.
final class XLSXStyleTable {
    private(set) var styles: [XLSXStyle] = []
    private var ids: [XLSXStyle: Int] = [:]

    /// Excel's limit on cell formats per workbook.
    static let maxStyles = 64_000

    /// The styles that `XLSXWriter`'s plain cells have always used, with fixed numbers:
    /// 0 normal, 1 bold, 2 wrapped text, 3 bold and wrapped.
    static let normal = 0, bold = 1, wrapped = 2, boldWrapped = 3

    init() {
        _ = id(for: XLSXStyle())
        _ = id(for: XLSXStyle(bold: true))
        _ = id(for: XLSXStyle(vertical: .top, wraps: true))
        _ = id(for: XLSXStyle(bold: true, vertical: .top, wraps: true))
    }

    /// The cell format number (`s="…"`) of a style; beyond Excel's limit, the normal style.
    func id(for style: XLSXStyle) -> Int {
        var style = style
        if !(style.fontSize.isFinite && style.fontSize >= 1) { style.fontSize = 11 }  // NaN would never match
        style.fontSize = min(style.fontSize, 409)
        if let id = ids[style] { return id }
        guard styles.count < Self.maxStyles else { return Self.normal }
        let id = styles.count
        styles.append(style)
        ids[style] = id
        return id
    }

    /// `xl/styles.xml` without the XML declaration.
    func xml(namespace: String) -> String {
        struct FontKey: Hashable { var bold: Bool; var size: Double }
        var fonts: [FontKey] = [FontKey(bold: false, size: 11)]
        var fills: [String] = []  // after the two fills Excel reserves
        var formats: [String] = []  // custom codes, numbered from 164
        var cellXfs = ""
        for style in styles {
            let font = FontKey(bold: style.bold, size: style.fontSize)
            let fontId = Self.index(of: font, in: &fonts)
            var fillId = 0
            if let argb = style.argbFill { fillId = 2 + Self.index(of: argb, in: &fills) }
            let borderId = style.bordered ? 1 : 0
            var formatId = 0
            if let code = style.numberFormat.code { formatId = 164 + Self.index(of: code, in: &formats) }
            cellXfs += #"<xf numFmtId="\#(formatId)" fontId="\#(fontId)" fillId="\#(fillId)" borderId="\#(borderId)" xfId="0""#
            if formatId != 0 { cellXfs += #" applyNumberFormat="1""# }
            if fontId != 0 { cellXfs += #" applyFont="1""# }
            if fillId != 0 { cellXfs += #" applyFill="1""# }
            if borderId != 0 { cellXfs += #" applyBorder="1""# }
            var alignment = ""
            if style.horizontal != .general { alignment += #" horizontal="\#(style.horizontal.rawValue)""# }
            if style.vertical != .bottom { alignment += #" vertical="\#(style.vertical.rawValue)""# }
            if style.wraps { alignment += #" wrapText="1""# }
            if alignment.isEmpty {
                cellXfs += "/>"
            } else {
                cellXfs += #" applyAlignment="1"><alignment\#(alignment)/></xf>"#
            }
        }

        var xml = #"<styleSheet xmlns="\#(namespace)">"#
        if !formats.isEmpty {
            xml += #"<numFmts count="\#(formats.count)">"#
            for (i, code) in formats.enumerated() {
                var escaped: [UInt8] = []
                XLSXWriter.appendEscaped(code, to: &escaped, attribute: true)
                xml += #"<numFmt numFmtId="\#(164 + i)" formatCode="\#(String(decoding: escaped, as: UTF8.self))"/>"#
            }
            xml += "</numFmts>"
        }
        xml += #"<fonts count="\#(fonts.count)">"#
        for font in fonts {
            xml += "<font>" + (font.bold ? "<b/>" : "") + #"<sz val="\#(Self.number(font.size))"/>"#
                + #"<name val="Calibri"/><family val="2"/></font>"#
        }
        xml += "</fonts>"
        xml += #"<fills count="\#(2 + fills.count)"><fill><patternFill patternType="none"/></fill>"#
            + #"<fill><patternFill patternType="gray125"/></fill>"#
        for argb in fills {
            xml += #"<fill><patternFill patternType="solid"><fgColor rgb="\#(argb)"/><bgColor indexed="64"/>"#
                + "</patternFill></fill>"
        }
        xml += "</fills>"
        let thin = ["left", "right", "top", "bottom"].map { #"<\#($0) style="thin"><color auto="1"/></\#($0)>"# }
        xml += #"<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>"#
            + "<border>" + thin.joined() + "<diagonal/></border></borders>"
        xml += #"<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>"#
        xml += #"<cellXfs count="\#(styles.count)">"# + cellXfs + "</cellXfs>"
        xml += #"<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>"#
        xml += "</styleSheet>"
        return xml
    }

    private static func index<T: Equatable>(of item: T, in list: inout [T]) -> Int {
        if let index = list.firstIndex(of: item) { return index }
        list.append(item)
        return list.count - 1
    }

    /// `11`, `14`, `10.5`: as short as XML numbers can be.
    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return String(value)
    }
}
