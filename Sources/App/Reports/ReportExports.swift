import Documents
import Foundation
import PovertyCore
import Spreadsheets
import Storage

/// The downloads of the reports pages and of `giamngheo report`: one function per file, so
/// the web app and the command line give the same bytes.
/// The formats a report is downloaded in.
public enum ExportFormat: String, CaseIterable, Sendable {
    case xlsx, csv, docx, pdf
    public var contentType: String {
        switch self {
        case .xlsx: XLSXWorkbook.contentType
        case .csv: "text/csv; charset=utf-8"
        case .docx: OfficialDocument.docxMediaType
        case .pdf: "application/pdf"
        }
    }
}

/// Every report file, made the same way for the web app and `giamngheo report`, within the
/// caller's branch, each leaving an audit entry (the files name households and people).
public enum ReportFile {
    public enum Kind: Sendable, Hashable {
        /// Biểu 1–13 of a branch; with `lists`, the named lists 14–15 too (XLSX and CSV).
        case tables(lists: Bool)
        /// A unit's annual report (DOCX or PDF).
        case annual
        /// The top unit's summary for the Provincial People's Committee (DOCX or PDF).
        case summary
    }

    public struct Output: Sendable {
        public let data: Data
        public let name: String
        public let contentType: String
    }

    public static func make(_ kind: Kind, store: Store, actor: Actor, unitID: Int, year: Int, format: ExportFormat,
                            language: Language = .vi) async throws -> Output {
        guard actor.scope.contains(unitID) else { throw StorageError.notFound(.unit, String(unitID)) }
        guard (2000...2100).contains(year) else { throw StorageError.invalid(Message("refusal.year_out_of_range", .number(year), 2000, 2100)) }
        let history = actor.history, today = store.today
        let code = history.units[unitID]?.code ?? String(unitID)
        let data: Data, name: String, what: String
        switch kind {
        case .tables(let lists):
            guard let tables = try await ReportExports.tables(store: store, actor: actor, unitID: unitID, year: year,
                                                              lists: lists && (format == .xlsx || format == .csv)) else {
                throw StorageError.invalid(Message("refusal.export.no_reviews", .number(year)))
            }
            switch format {
            case .xlsx: data = try ReportExports.workbook(tables, language)
            case .csv: data = ReportExports.csv(tables, language)
            case .docx, .pdf:
                data = try await ReportExports.document(ReportDocuments.standardTables(unitID: unitID, year: year, tables: tables, history: history, today: today), format)
            }
            let withLists = lists && (format == .xlsx || format == .csv)
            name = ReportExports.fileName(["bieu-tong-hop", String(year), code] + (withLists ? ["danh-sach"] : []), format)
            what = "biểu tổng hợp năm \(year) của \(code)\(withLists ? " kèm danh sách hộ" : "")"
        case .annual:
            guard format == .docx || format == .pdf else { throw StorageError.invalid(Message("refusal.export.annual_report_docx_pdf")) }
            let stored = try await store.reports.report(actor, unit: unitID, year: year)
            let figures = try await store.reports.shownFigures(actor, stored, unit: unitID, year: year).figures
            // A report sent (or accepted) is the document of the day it was sent: its letterhead,
            // recipient and date as they were then, however often it is downloaded again.
            let sent = stored.flatMap { $0.status == .submitted || $0.status == .accepted ? $0.submittedOn : nil }
            let doc = ReportDocuments.annualReport(unitID: unitID, year: year, figures: figures, narrative: stored?.narrative ?? ReportNarrative(),
                                                   status: stored?.status, history: history, dated: sent ?? today)
            data = try await ReportExports.document(doc, format)
            name = ReportExports.fileName(["bao-cao", String(year), code], format)
            what = "báo cáo năm \(year) của \(code)"
        case .summary:
            guard format == .docx || format == .pdf else { throw StorageError.invalid(Message("refusal.export.summary_docx_pdf")) }
            guard history.parent(of: unitID, on: today) == nil else {
                throw StorageError.invalid(Message("refusal.export.summary_top_unit_s"))
            }
            let s = try await ReportExports.summary(store: store, actor: actor, unitID: unitID, year: year)
            data = try await ReportExports.document(ReportDocuments.provincialSummary(s, history: history, today: today), format)
            name = ReportExports.fileName(["bao-cao-tong-hop", String(year)], format)
            what = "báo cáo tổng hợp năm \(year)"
        }
        try await store.audit.export(what, file: name, by: actor)
        return Output(data: data, name: name, contentType: format.contentType)
    }
}

enum ReportExports {
    typealias Format = ExportFormat

    /// One converter for the process: LibreOffice runs one conversion at a time.
    static let converter = PDFConverter()

    /// Biểu 1–13, and with `lists` the named lists 14 and 15 (personal data), of a branch.
    static func tables(store: Store, actor: Actor, unitID: Int, year: Int, lists: Bool) async throws -> [ReportTable]? {
        let history = actor.history, today = store.today
        guard let (standard, tables) = try await store.reports.standardTables(actor, unit: unitID, year: year) else { return nil }
        // The builder gives Biểu 14–15 as headers only; their rows are personal data, added on request.
        var out = tables.filter { ($0.number ?? 0) < 14 }
        guard lists else { return out }
        for status in [LivingStandard.nearPoor, .poor] {
            var table = ReportTable.namedList(of: status, standard: standard, year: year)
            var number = 0
            try await store.reports.namedHouseholds(actor, status, unit: unitID, year: year) { h in
                number += 1
                table.rows.append(ReportRow(key: h.householdCode, number: number, cells: [
                    .text(h.householdCode), .text(h.headName), .text(h.memberCode), .text(unitName(h.unitID, history, min(Day.endOfYear(year), today))), .text(h.address),
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
    static func summary(store: Store, actor: Actor, unitID: Int, year: Int) async throws -> ReportDocuments.Summary {
        let reports = store.reports
        let history = actor.history, today = store.today
        let figures = try await reports.figures(actor, unit: unitID, year: year)
        let board = try await reports.board(actor, unit: unitID, year: year, direct: true)
        let branch = try await reports.board(actor, unit: unitID, year: year, direct: false)
        let profileSet = try await reports.profiles(actor, below: unitID, year: year)
        let profiles = profileSet.map { ReportTable.alkireFoster($0.units, total: $0.total, standard: $0.standard, year: year) }
        let indicatorProfiles = profileSet.map { ReportTable.alkireFoster($0.units, total: $0.total, standard: $0.standard, year: year, by: .indicator) }
        let targets = try await store.targets.progress(actor, of: unitID, upTo: year)
        var accepted: [(unit: String, narrative: ReportNarrative, figures: ReportFigures?)] = []
        for line in board.lines where line.state == .accepted {
            // A line its predecessors' reports stand in for (units merged after the year) is
            // every one of them, each accepted with its own figures: one alone would leave the
            // others' households, support and funds out of the total.
            let filers = line.filedBy.map { $0 == line.reporter ? [$0] : line.covers } ?? [line.reporter]
            for filer in filers {
                if let r = try await reports.report(actor, unit: filer, year: year), r.status == .accepted {
                    let name = filers.count > 1 ? "\(unitName(filer, history, Day.endOfYear(year))) (nay là \(unitName(line.reporter, history, today)))"
                                                : unitName(line.reporter, history, today)
                    accepted.append((name, r.narrative, r.frozenFigures))
                }
            }
        }
        accepted.sort { VietnameseCollation.sortKey($0.unit) < VietnameseCollation.sortKey($1.unit) }
        return ReportDocuments.Summary(unitID: unitID, year: year, figures: figures, board: board, branchBoard: branch,
                                       profiles: profiles, profileSet: profileSet, targets: targets, accepted: accepted,
                                       indicatorProfiles: indicatorProfiles)
    }

    /// A file name without diacritics or spaces: "bao-cao-2025-CD-XA-01.docx".
    static func fileName(_ parts: [String], _ format: Format) -> String {
        let joined = parts.joined(separator: "-")
        let folded = TextFolding.fold(joined).map { c -> Character in c.isLetter || c.isNumber || c == "-" || c == "_" ? c : "-" }
        return String(folded) + "." + format.rawValue
    }
}
