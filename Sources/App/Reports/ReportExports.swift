import Documents
import Foundation
import PovertyCore
import Spreadsheets
import Storage

/// The downloads of the reports pages and of `giamngheo report`: one function per file, so
/// the web app and the command line give the same bytes.
enum ReportExports {
    enum Format: String, CaseIterable, Sendable {
        case xlsx, csv, docx, pdf
        var contentType: String {
            switch self {
            case .xlsx: XLSXWorkbook.contentType
            case .csv: "text/csv; charset=utf-8"
            case .docx: OfficialDocument.docxMediaType
            case .pdf: "application/pdf"
            }
        }
    }

    /// One converter for the process: LibreOffice runs one conversion at a time.
    static let converter = PDFConverter()

    /// Biểu 1–13, and with `lists` the named lists 14 and 15 (personal data), of a branch.
    static func tables(store: Store, unitID: Int, year: Int, lists: Bool, history: OrgHistory, today: Day) async throws -> [ReportTable]? {
        guard let (standard, tables) = try await store.reports.standardTables(unitID: unitID, year: year, history: history, today: today) else { return nil }
        // The builder gives Biểu 14–15 as headers only; their rows are personal data, added on request.
        var out = tables.filter { ($0.number ?? 0) < 14 }
        guard lists else { return out }
        for status in [LivingStandard.nearPoor, .poor] {
            var table = ReportTable.namedList(of: status, standard: standard, year: year)
            var number = 0
            try await store.reports.namedHouseholds(status, unitID: unitID, year: year, history: history, today: today) { h in
                number += 1
                table.rows.append(ReportRow(key: h.householdCode, label: ReportText(String(number), String(number)), cells: [
                    .text(h.householdCode), .text(h.headName), .text(h.memberCode), .text(unitName(h.unitID, history, today)), .text(h.address),
                    .label(ReportText(h.area.vietnamese, h.area.english)), .text(h.ethnicity), h.size.map { .count($0) } ?? .none,
                    h.monthlyIncome.map { .money($0) } ?? .none, .count(h.deprivations.count),
                    .text(h.deprivations.compactMap { StandardCatalog.builtIn.indicator(code: $0)?.vi }.joined(separator: "; ")),
                    .text(h.causes.map(\.vietnamese).joined(separator: "; ")),
                ]))
            }
            out.append(table)
        }
        return out
    }

    static func workbook(_ tables: [ReportTable], _ lang: Language) throws -> Data {
        let book = XLSXWorkbook()
        for t in tables { TableRendering.sheet(t, in: book, lang) }
        try book.close()
        return try book.data()
    }

    /// All tables one after another in one CSV file (UTF-8 with a byte-order mark, so that
    /// Excel reads the Vietnamese letters), a blank line between tables.
    static func csv(_ tables: [ReportTable], _ lang: Language) -> Data {
        var out: [UInt8] = [0xEF, 0xBB, 0xBF]
        for (i, t) in tables.enumerated() {
            if i > 0 { out.append(0x0A) }
            for line in TableRendering.csv(t, lang) { CSV.appendRow(line, to: &out) }
        }
        return Data(out)
    }

    static func document(_ doc: OfficialDocument, _ format: Format) async throws -> Data {
        format == .pdf ? try await converter.pdfData(for: doc) : try doc.docxData()
    }

    /// The figures, board, profiles, targets and accepted reports the provincial summary reads.
    static func summary(store: Store, unitID: Int, year: Int, history: OrgHistory, today: Day) async throws -> ReportDocuments.Summary {
        let reports = store.reports
        let figures = try await reports.figures(unitID: unitID, year: year, history: history, today: today)
        let board = try await reports.board(unit: unitID, year: year, direct: true, history: history, on: today)
        let branch = try await reports.board(unit: unitID, year: year, direct: false, history: history, on: today)
        var profiles: ReportTable?
        if let p = try await reports.profiles(below: unitID, year: year, history: history, today: today) {
            profiles = ReportTable.alkireFoster(p.units, total: p.total, standard: p.standard, year: year)
        }
        let targets = try await store.targets.progress(of: unitID, history: history, on: today)
        var accepted: [(unit: String, narrative: ReportNarrative)] = []
        let scope = Scope.today(of: unitID, in: history, on: today)
        for line in board.lines where line.state == .accepted {
            let filer = line.filedBy ?? line.reporter
            if let r = try await reports.report(unit: filer, year: year, scope: scope) {
                accepted.append((unitName(line.reporter, history, today), r.narrative))
            }
        }
        accepted.sort { VietnameseCollation.sortKey($0.unit) < VietnameseCollation.sortKey($1.unit) }
        return ReportDocuments.Summary(unitID: unitID, year: year, figures: figures, board: board, branchBoard: branch,
                                       profiles: profiles, targets: targets, accepted: accepted)
    }

    /// A file name without diacritics or spaces: "bao-cao-2025-CD-XA-01.docx".
    static func fileName(_ parts: [String], _ format: Format) -> String {
        let joined = parts.joined(separator: "-")
        let folded = TextFolding.fold(joined).map { c -> Character in c.isLetter || c.isNumber || c == "-" || c == "_" ? c : "-" }
        return String(folded) + "." + format.rawValue
    }
}
