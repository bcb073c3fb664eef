import Foundation
import PovertyCore
import Storage
import Vapor

/// The reports page of a unit: its own report, the reports owed by the units below it
/// (submitted, late, missing), the reporting rate, deadlines and downloads.
struct ReportBoard {
    struct Line: Encodable {
        let unit: String
        let code: String
        let state: String
        let stateCode: String
        let submitted: String
        let late: Bool
        let covers: String
        /// The deadline this line is held to, shown where it is not the board's own.
        let deadline: String
        let ownDeadline: Bool
    }
    struct Body: Encodable {
        let years: [Option]
        let year: Int
        let unitName: String
        let unitCode: String
        let ownStatus: String
        let ownStatusCode: String
        let ownDeadline: String
        let hasParent: Bool
        let hasChildren: Bool
        let lines: [Line]
        let directRate: String
        let branchRate: String
        let counts: String
        let notes: [String]
        let deadline: String
        let deadlineField: String
        let mayChange: Bool
        let isTop: Bool
        let error: String?
        let downloadXLSX: String
        let downloadCSV: String
    }

    let body: (String?) -> Body
    /// The board's lines as a list to download.
    let list: ListDownload

    func body(error: String?) -> Body { body(error) }

    /// The board of the year asked for in the address, or of `year` (the year a refused
    /// deadline form was for, whatever the address says).
    static func make(_ req: Request, user: CurrentUser, year shownYear: Int? = nil) async throws -> ReportBoard {
        let lang = req.language
        let today = req.store.today
        let history = user.history
        var unitID = user.account.unitID
        if let code = req.query[String.self, at: "unit"] {
            guard let u = history.unit(code: code), user.scope.contains(u.id) else { throw StorageError.notFound(.unit, code) }
            unitID = u.id
        }
        let latest = try await req.store.browse.latestYear(user.actor) ?? today.year
        let asked = shownYear ?? req.query[Int.self, at: "year"]
        if let asked, !(2000...2100).contains(asked) { throw Abort(.badRequest) }
        let year = asked ?? latest
        let reports = req.store.reports
        let direct = try await reports.board(user.actor, unit: unitID, year: year, direct: true)
        let branch = try await reports.board(user.actor, unit: unitID, year: year, direct: false)
        let own = try await reports.statuses(user.actor, year: year)[unitID]
        let ownDeadline = try await reports.deadline(user.actor, for: unitID, year: year)
        let name = { (id: Int) in unitName(id, history, today) }
        let lines = direct.lines.map { l in
            Line(unit: name(l.reporter), code: history.units[l.reporter]?.code ?? "", state: req.t("reporting_state." + l.state.rawValue),
                 stateCode: l.state.rawValue, submitted: l.report?.submittedOn?.vietnamese ?? "", late: l.submittedLate,
                 covers: l.covers.filter { $0 != l.reporter }.map(name).joined(separator: "; "),
                 deadline: l.deadline.vietnamese, ownDeadline: l.deadline == direct.deadline)
        }.sorted { VietnameseCollation.sortKey($0.unit) < VietnameseCollation.sortKey($1.unit) }
        var notes: [String] = []
        if !direct.dissolved.isEmpty { notes.append(req.t("reports.note_dissolved", direct.dissolved.map(name).joined(separator: "; "))) }
        if !direct.absorbed.isEmpty { notes.append(req.t("reports.note_absorbed", direct.absorbed.map(name).joined(separator: "; "))) }
        let counts = ReportingState.allCases.compactMap { s -> String? in
            let n = direct.count(s)
            return n == 0 ? nil : "\(req.t("reporting_state." + s.rawValue)): \(Format.number(n, lang))"
        }.joined(separator: " · ")
        let years = req.yearOptions(latest: latest, selected: year, through: today.year)
        let hasParent = history.parent(of: unitID, on: today) != nil
        var list = ListDownload(title: req.t("reports.download_title", String(year), name(unitID)), fileStem: "tinh-hinh-bao-cao-\(year)",
                                columns: [(req.t("common.unit"), 40), (req.t("reports.state_col"), 20), (req.t("reports.submitted_col"), 14),
                                          (req.t("reports.deadline_col"), 14), (req.t("reports.late_flag"), 10), (req.t("reports.covers_col"), 40)])
        list.rows = lines.map {
            [.text($0.unit), .text($0.state), .text($0.submitted), .text($0.deadline), .text($0.late ? req.t("reports.late_flag") : ""), .text($0.covers)]
        }
        let links = ListDownload.links(req)
        return ReportBoard(body: { error in
            Body(years: years, year: year, unitName: name(unitID), unitCode: history.units[unitID]?.code ?? "",
                 ownStatus: req.t("report_status." + (own?.status.rawValue ?? "missing")), ownStatusCode: own?.status.rawValue ?? "missing",
                 ownDeadline: ownDeadline.vietnamese, hasParent: hasParent, hasChildren: direct.expected > 0, lines: lines,
                 directRate: req.rateLine(direct), branchRate: req.rateLine(branch), counts: counts, notes: notes,
                 deadline: direct.deadline.vietnamese, deadlineField: req.echo(["due": direct.deadline.vietnamese], refused: error)["due"] ?? "",
                 mayChange: user.permissions.allows(.reportSetDeadline, at: unitID) && unitID == user.account.unitID, isTop: !hasParent, error: error,
                 downloadXLSX: links.xlsx, downloadCSV: links.csv)
        }, list: list)
    }
}

extension Request {
    /// The review years offered in a report filter: 2021 (the plan's baseline) to the latest
    /// (or `through`), newest first, `selected` chosen.
    func yearOptions(latest: Int, selected: Int, through last: Int? = nil) -> [Option] {
        (min(2021, latest, selected)...max(latest, selected, last ?? latest)).reversed()
            .map { Option(value: String($0), label: String($0), selected: $0 == selected) }
    }

    /// "accepted of expected (share)" in the page language.
    func rateLine(_ r: ReportingRate) -> String {
        t("reports.rate_line", Format.number(r.accepted, language), Format.number(r.expected, language), Format.percent(r.accepted, r.expected, language))
    }
}
