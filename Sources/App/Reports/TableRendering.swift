import Documents
import Foundation
import PovertyCore
import Spreadsheets

extension Language {
    var reason: Reason.Language { self == .vi ? .vi : .en }
}

/// One `ReportTable` (a standard table, the Alkire–Foster view, the reporting board) as
/// HTML for a page, a sheet of a workbook, CSV lines, or a table of an official document.
enum TableRendering {
    struct HTMLRow: Encodable {
        let label: String
        let kind: String
        let indent: Bool
        let cells: [String]
    }
    struct HTMLTable: Encodable {
        let id: String
        let caption: String
        let subtitle: String
        let labelHeader: String
        let columns: [String]
        let rows: [HTMLRow]
        let notes: [String]
    }

    static func kind(_ row: ReportRow) -> String {
        switch row.kind {
        case .item: "item"
        case .heading: "heading"
        case .total: "total"
        }
    }

    static func html(_ t: ReportTable, _ lang: Language, id: String? = nil) -> HTMLTable {
        let l = lang.reason
        return HTMLTable(
            id: id ?? t.number.map { "bieu-\($0)" } ?? "bang", caption: t.caption(l), subtitle: t.subtitle?.text(l) ?? "",
            labelHeader: t.labelHeader.text(l), columns: t.columns.map { $0.title.text(l) },
            rows: t.rows.map { HTMLRow(label: $0.label.text(l), kind: kind($0), indent: $0.level > 0, cells: $0.cells.map { $0.display(language: l) }) },
            notes: t.notes.map { $0.text(l) })
    }

    /// A sheet: the caption as a merged title, the subtitle, the header row (frozen with the
    /// label column), the rows with numbers as numbers, then the notes.
    static func sheet(_ t: ReportTable, in workbook: XLSXWorkbook, _ lang: Language) {
        let l = lang.reason
        let width = t.columns.count + 1
        let name = t.number.map { lang == .vi ? "Biểu \($0)" : "Table \($0)" } ?? String(t.title.text(l).prefix(31))
        let sheet = workbook.addSheet(name, columnWidths: [42] + t.columns.map { _ in 16 }, freezeRows: 3, freezeColumns: 1,
                                      pageSetup: t.columns.count > 5 ? .a4Landscape : .a4Portrait)
        sheet.appendTitle(t.caption(l), span: width)
        if let sub = t.subtitle { sheet.appendTitle(sub.text(l), span: width, style: XLSXStyle(horizontal: .center, vertical: .center)) } else { sheet.appendRow([]) }
        sheet.appendRow([.header(t.labelHeader.text(l))] + t.columns.map { .header($0.title.text(l)) }, height: 45)
        for row in t.rows {
            let bold = row.kind != .item
            let label = String(repeating: "   ", count: row.level) + row.label.text(l)
            let first: XLSXWriter.Cell = row.number.map { .number($0) } ?? (row.isTotal ? .totalLabel(label) : .label(label, bold: bold))
            sheet.appendRow([first] + row.cells.map { cell($0, bold: bold, l) })
        }
        for note in t.notes { sheet.appendRow([.text(note.text(l))]) }
    }

    static func cell(_ v: ReportValue, bold: Bool, _ l: Reason.Language) -> XLSXCell {
        switch v {
        case .count(let n): .number(n, bold: bold)
        case .money(let d): .number(d, bold: bold)
        case .share(let r): r.isDefined ? .percent(numerator: r.numerator, denominator: r.denominator, decimals: 1, bold: bold) : .label("–", bold: bold)
        case .ratio(let r): r.isDefined ? .decimal(r.doubleValue, decimals: 3, bold: bold) : .label("–", bold: bold)
        case .text, .label, .none: .label(v.display(language: l), bold: bold)
        }
    }

    /// CSV lines: caption, header, rows. Counts and money are plain digits (so that a
    /// spreadsheet reads them as numbers); shares and ratios as shown on the page.
    static func csv(_ t: ReportTable, _ lang: Language) -> [[String]] {
        let l = lang.reason
        var out: [[String]] = [[t.caption(l)]]
        if let sub = t.subtitle { out.append([sub.text(l)]) }
        out.append([t.labelHeader.text(l)] + t.columns.map { $0.title.text(l) })
        for row in t.rows {
            out.append([safe(row.label.text(l))] + row.cells.map { v in
                switch v {
                case .count(let n): String(n)
                case .money(let d): String(d)
                case .text, .label: safe(v.display(language: l))
                default: v.display(language: l)
                }
            })
        }
        for note in t.notes { out.append([note.text(l)]) }
        return out
    }

    /// Text that a spreadsheet would run as a formula (names and addresses come from imported
    /// files) gets a leading apostrophe, so it stays text.
    static func safe(_ text: String) -> String { CSV.inert(text) }

    /// A table of an official document: label column first, numbers right-aligned, total
    /// and heading rows bold.
    static func document(_ t: ReportTable) -> Documents.Table {
        let columns = [Documents.Table.Column(t.labelHeader.vi, width: 3.2, alignment: .left)]
            + t.columns.map { Documents.Table.Column($0.title.vi, width: 1.2, alignment: .right) }
        let rows = t.rows.map { row in
            // An amount as its number: its column's header names the đồng, and a narrow printed
            // column would part the number from its "đ".
            Documents.Table.Row([String(repeating: "  ", count: row.level) + row.label.vi] + row.cells.map { cell in
                if case .money(let d) = cell { return ReportFormat.integer(d, .vi) }
                return cell.display(language: .vi)
            }, bold: row.kind != .item)
        }
        return Documents.Table(columns: columns, rows: rows)
    }

    /// The blocks of an official document for a table: its caption, subtitle, table and notes.
    static func blocks(_ t: ReportTable) -> [Block] {
        var out: [Block] = [.heading(t.caption(.vi), level: 2)]
        // The subtitle stays with its table: a caption is never left alone at a page foot.
        if let sub = t.subtitle { out.append(.caption(sub.vi)) }
        out.append(.table(document(t)))
        out += t.notes.map { .note($0.vi) }
        return out
    }
}
