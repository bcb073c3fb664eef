import Foundation
import PovertyCore
import Spreadsheets
import Storage
import Vapor

/// A working list as a file: the rows the page lists with its filters applied (every page of
/// them), as an XLSX workbook (title, header row kept in view, widths, printable) or a CSV
/// (UTF-8 with a byte-order mark, so that Excel reads the Vietnamese letters, and codes of digits
/// kept as text: `CSV.spreadsheetText`). Every download
/// is audited as an export: the lists name households and people.
struct ListDownload {
    enum Cell {
        case text(String)
        case number(Int)
        case money(Dong)
    }

    enum Format: String {
        case xlsx, csv
    }

    /// The list's title, written above the header ("Danh sách hộ năm 2025 — Công đoàn phường …").
    let title: String
    /// The file name without extension (ASCII, e.g. `danh-sach-ho-2025`).
    let fileStem: String
    /// Column headers and widths (characters).
    let columns: [(String, Double)]
    var rows: [[Cell]] = []
    /// The sheet's tab, when the title does not make a good one (`sheetName(_:)`).
    var sheet: String?
    /// The row number's header, in the page's language ("STT", "No."; set by `response`).
    var rowNumber = "STT"

    /// The format asked for in `?format=`, nil for the page itself.
    static func format(_ req: Request) throws -> Format? {
        guard let text = req.query[String.self, at: "format"], !text.isEmpty else { return nil }
        guard let format = Format(rawValue: text) else { throw Abort(.badRequest, reason: "format") }
        return format
    }

    /// The page's own query with `format` set: the download links of a list page.
    static func links(_ req: Request) -> (xlsx: String, csv: String) {
        let kept = queryItems(req.url).filter { $0.name != "format" && $0.name != "page" && $0.name != "notice" }
        func link(_ f: Format) -> String { req.url.path + queryString(kept + [("format", f.rawValue)]) }
        return (link(.xlsx), link(.csv))
    }

    /// The file, after an audit entry naming what was exported (`what`) and the file.
    func response(_ req: Request, _ format: Format, what: String, actor: Actor) async throws -> Response {
        let name = fileStem + "." + format.rawValue
        var file = self
        file.rowNumber = req.t("common.row_no")
        let data: Data
        switch format {
        case .xlsx: data = try file.workbook()
        case .csv: data = file.csv()
        }
        try await req.store.audit.export(what + " (\(rows.count) dòng)", file: name, by: actor)
        return Attachment.response(data, name: name, contentType: format == .xlsx ? XLSXWorkbook.contentType : "text/csv; charset=utf-8")
    }

    func workbook() throws -> Data {
        let book = XLSXWorkbook()
        let width = columns.count + 1
        let sheet = book.addSheet(self.sheet ?? Self.sheetName(title), columnWidths: [6] + columns.map(\.1), freezeRows: 3,
                                  pageSetup: XLSXPageSetup(orientation: columns.count > 6 ? .landscape : .portrait, repeatedRows: 3))
        sheet.appendTitle(title, span: width)
        sheet.appendRow([])
        sheet.appendRow([.header(rowNumber)] + columns.map { .header($0.0) }, height: 30)
        for (i, row) in rows.enumerated() {
            sheet.appendRow([.number(i + 1)] + row.map { cell in
                switch cell {
                case .text(let s): .label(s)
                case .number(let n): .number(n)
                case .money(let d): .number(d)
                }
            })
        }
        try book.close()
        return try book.data()
    }

    /// A sheet's tab (at most 31 characters) from the list's title: the part before " — " (the
    /// unit's name is in the title row), "năm" dropped before a year if it is too long, then cut
    /// at a word, the year kept: "Hộ còn thiếu chính sách 2026", never "… năm 202".
    static func sheetName(_ title: String) -> String {
        var name = title.components(separatedBy: " — ").first ?? title
        if name.count > 31 { name = name.replacingOccurrences(of: " năm ", with: " ").replacingOccurrences(of: " in ", with: " ") }
        guard name.count > 31 else { return name }
        let words = name.split(separator: " ")
        let year = words.last.flatMap { $0.count == 4 && $0.allSatisfy(\.isNumber) ? String($0) : nil }
        let room = 31 - (year.map { $0.count + 1 } ?? 0)
        var out = ""
        for word in (year == nil ? words : words.dropLast()) {
            let next = out.isEmpty ? String(word) : out + " " + word
            if next.count > room { break }
            out = next
        }
        if out.isEmpty { out = String(name.prefix(room)) }
        return year.map { out + " " + $0 } ?? out
    }

    /// Text cells as `CSV.spreadsheetText` leaves them: never a formula in the office that opens
    /// the file, and a citizen ID or code of digits keeps its leading zeros there.
    static func inert(_ s: String) -> String { CSV.spreadsheetText(s) }

    func csv() -> Data {
        var out: [UInt8] = [0xEF, 0xBB, 0xBF]
        CSV.appendRow([rowNumber] + columns.map(\.0), to: &out)
        for (i, row) in rows.enumerated() {
            CSV.appendRow([String(i + 1)] + row.map { cell in
                switch cell {
                case .text(let s): Self.inert(s)
                case .number(let n): String(n)
                case .money(let d): String(d)
                }
            }, to: &out)
        }
        return Data(out)
    }
}
