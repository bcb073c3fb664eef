import Foundation
import PovertyCore
import Storage
import Vapor

struct ReportForm: Content {
    var results: String?
    var shortcomings: String?
    var proposals: String?
    var comment: String?
    var action: String?
    var due: String?
    var year: String?
    var unit: String?
}

/// One line of a report's figures: a label and the value, already formatted.
struct FigureLine: Encodable, Hashable {
    let label: String
    let value: String
}

/// The annual reports: each unit's report for a year, its workflow, and the board of the
/// units below (submitted, late, missing, the reporting rate).
struct ReportsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("reports", use: board)
        routes.post("reports", "deadline", use: setDeadline)
        routes.get("reports", "tables", use: tables)
        routes.get("reports", "summary", use: summary)
        routes.get("reports", ":unit", ":year", use: report)
        routes.get("reports", ":unit", ":year", ":file", use: document)
        routes.post("reports", ":unit", ":year", use: reportAction)
    }

    // MARK: one report

    func report(req: Request) async throws -> Response { try await render(req, error: nil) }

    /// The unit and year of a report's address, within the officer's branch (else 404).
    func target(_ req: Request, _ user: CurrentUser) throws -> (id: Int, code: String, year: Int) {
        let code = req.parameters.get("unit") ?? ""
        guard let unit = user.history.unit(code: code), user.scope.contains(unit.id) else { throw StorageError.notFound(.unit, code) }
        guard let year = req.parameters.get("year", as: Int.self), (2000...2100).contains(year) else { throw Abort(.notFound) }
        return (unit.id, code, year)
    }

    func render(_ req: Request, error: String?) async throws -> Response {
        let user = try req.requireUser()
        let (unitID, code, year) = try target(req, user)
        let reports = req.store.reports
        let stored = try await reports.report(user.actor, unit: unitID, year: year)
        let (figures, frozen) = try await reports.shownFigures(user.actor, stored, unit: unitID, year: year)
        let body = ReportBody(
            unitCode: code, unitName: unitName(unitID, user.history, req.store.today), year: year, stored: stored, figures: figures, frozen: frozen,
            deadline: try await reports.deadline(user.actor, for: unitID, year: year),
            // Who may take which step is Storage's rule (the same it enforces).
            steps: reports.steps(user.actor, unit: unitID, report: stored),
            fields: req.echo(ReportBody.form(stored?.narrative ?? ReportNarrative()), refused: error), error: error, text: req.pageText)
        return try await req.page("report", title: req.t("reports.report_title", body.unitName, String(year)), active: "reports",
                                  status: error == nil ? .ok : .badRequest, body)
    }

    func reportAction(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let (unitID, code, year) = try target(req, user)
        let form = try req.content.decode(ReportForm.self)
        let narrative = ReportNarrative(results: form.results ?? "", shortcomings: form.shortcomings ?? "", proposals: form.proposals ?? "")
        let action = form.action ?? ""
        let notice: String
        switch action {
        case "save": notice = "report_saved"; try user.require(.reportWrite)
        case "submit": notice = "report_submitted"; try user.require(.reportSubmit)
        case "return": notice = "report_returned"; try user.require(.reportReview)
        case "accept": notice = "report_accepted"; try user.require(.reportReview)
        default: throw Abort(.badRequest)
        }
        return try await req.change(redirect: "/reports/\(req.encodePath(code))/\(year)", notice: notice, subject: .unit,
                                    render: { try await render(req, error: $0) }) {
            let reports = req.store.reports
            let actor = user.actor
            switch action {
            case "save":
                try await reports.save(actor, unit: unitID, year: year, narrative: narrative)
            case "submit":
                // The text on the form is saved with the submission, or not at all.
                try await reports.submit(actor, unit: unitID, year: year, narrative: form.results == nil ? nil : narrative, on: req.store.today)
            default:
                try await reports.review(actor, unit: unitID, year: year, accept: action == "accept", comment: form.comment ?? "", on: req.store.today)
            }
        }
    }

    // MARK: the board

    func board(req: Request) async throws -> Response { try await renderBoard(req, error: nil) }

    func renderBoard(_ req: Request, error: String?, year: Int? = nil) async throws -> Response {
        let user = try req.requireUser()
        let board = try await ReportBoard.make(req, user: user, year: year)
        if error == nil, let format = try ListDownload.format(req) {
            return try await board.list.response(req, format, what: "tình hình báo cáo (\(board.list.title))", actor: user.actor)
        }
        return try await req.page("reports", title: req.t("reports.title"), active: "reports", status: error == nil ? .ok : .badRequest,
                                  board.body(error: error))
    }

    func setDeadline(req: Request) async throws -> Response {
        let user = try req.requireUser()
        try user.require(.reportSetDeadline)
        let form = try req.content.decode(ReportForm.self)
        // The year is the board's hidden field: anything else was not sent by the page.
        guard let year = Int(form.year ?? ""), (2000...2100).contains(year) else {
            throw Abort(.badRequest, reason: req.t("form.bad_number", req.t("common.year"), form.year ?? ""))
        }
        return try await req.change(redirect: "/reports?year=\(year)", notice: "deadline_set",
                                    render: { try await renderBoard(req, error: $0, year: year) }) {
            try await req.store.reports.setDeadline(user.actor, unit: user.account.unitID, year: year, due: try req.formDay(form.due, "reports.deadline_field"))
        }
    }
}

// MARK: - Documents, standard tables, provincial summary

extension ReportsController {
    /// Sends a report file (made and audited by `ReportFile`).
    func download(_ req: Request, _ kind: ReportFile.Kind, unitID: Int, year: Int, format: ExportFormat, user: CurrentUser) async throws -> Response {
        let file = try await ReportFile.make(kind, store: req.store, actor: user.actor, unitID: unitID, year: year, format: format, language: req.language)
        return Attachment.response(file.data, name: file.name, contentType: file.contentType)
    }

    /// `/reports/:unit/:year/document.docx` or `.pdf`: the unit's annual report as filed.
    func document(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let (unitID, _, year) = try target(req, user)
        let file = req.parameters.get("file") ?? ""
        guard file.hasPrefix("document."), let format = ExportFormat(rawValue: String(file.dropFirst("document.".count))),
              format == .docx || format == .pdf else { throw Abort(.notFound) }
        return try await download(req, .annual, unitID: unitID, year: year, format: format, user: user)
    }

    struct TablesBody: Encodable {
        let unitName: String
        let unitCode: String
        let years: [Option]
        let units: [Option]
        let year: Int
        let tables: [TableRendering.HTMLTable]
        let hasTables: Bool
        let standard: String
    }

    /// `/reports/tables?unit=&year=&format=`: Biểu 1–13 of a branch on screen, or as XLSX,
    /// CSV or PDF; `lists=1` adds the named lists (Biểu 14–15) to the XLSX and CSV.
    func tables(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let today = req.store.today
        var unitID = user.account.unitID
        if let code = req.query[String.self, at: "unit"], !code.isEmpty {
            guard let u = user.history.unit(code: code), user.scope.contains(u.id) else { throw StorageError.notFound(.unit, code) }
            unitID = u.id
        }
        let code = user.history.units[unitID]?.code ?? ""
        let latest = try await req.store.browse.latestYear(user.actor) ?? today.year
        let year = req.query[Int.self, at: "year"] ?? latest
        guard (2000...2100).contains(year) else { throw Abort(.badRequest) }
        let lists = req.query[String.self, at: "lists"] == "1"
        if let f = req.query[String.self, at: "format"] {
            guard let format = ExportFormat(rawValue: f) else { throw Abort(.badRequest) }
            return try await download(req, .tables(lists: lists), unitID: unitID, year: year, format: format, user: user)
        }
        let result = try await req.store.reports.standardTables(user.actor, unit: unitID, year: year)
        let years = req.yearOptions(latest: latest, selected: year)
        let body = TablesBody(unitName: unitName(unitID, user.history, today), unitCode: code, years: years,
                              units: try await req.formUnits(user, selected: code), year: year,
                              tables: (result?.tables ?? []).filter { ($0.number ?? 0) < 14 }.map { TableRendering.html($0, req.language) }, hasTables: result != nil,
                              standard: result.map { req.language == .vi ? $0.standard.nameVi : $0.standard.nameEn } ?? "")
        return try await req.page("report-tables", title: req.t("tables.title", body.unitName, String(year)), active: "reports", body)
    }

    struct SummaryBody: Encodable {
        let years: [Option]
        let year: Int
        let unitName: String
        let figures: [FigureLine]
        let rate: String
        let branchRate: String
        let profiles: [TableRendering.HTMLTable]
        let unitsChart: String
        let contributionsChart: String
        let accepted: Int
    }

    /// `/reports/summary?year=&format=`: the provincial summary for the People's Committee,
    /// on screen or as DOCX/PDF; for officers of the top unit (and administrators).
    func summary(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let today = req.store.today
        let unitID = user.scope.isWholeProvince ? (user.history.tree(on: today).roots.first ?? user.account.unitID) : user.account.unitID
        guard user.history.parent(of: unitID, on: today) == nil else { throw Abort(.forbidden) }
        let latest = try await req.store.browse.latestYear(user.actor) ?? today.year
        let year = req.query[Int.self, at: "year"] ?? latest
        guard (2000...2100).contains(year) else { throw Abort(.badRequest) }
        if let f = req.query[String.self, at: "format"] {
            guard let format = ExportFormat(rawValue: f), format == .docx || format == .pdf else { throw Abort(.badRequest) }
            return try await download(req, .summary, unitID: unitID, year: year, format: format, user: user)
        }
        let s = try await ReportExports.summary(store: req.store, actor: user.actor, unitID: unitID, year: year)
        let lang = req.language
        let profiles = s.profileSet
        let pct = { (r: Ratio) in r.isDefined ? Format.percent(r.numerator, r.denominator, lang) : "–" }
        var unitsChart = "", contributionsChart = ""
        if let p = profiles {
            unitsChart = Chart.horizontalBars(id: "chart-units", title: req.t("summary.chart_units", String(year)),
                                              description: req.t("summary.chart_units_desc"),
                                              labels: p.units.map(\.label), values: p.units.map(\.headcount), format: pct)
            let indicators = p.standard.indicators
            contributionsChart = Chart.horizontalBars(id: "chart-contributions", title: req.t("summary.chart_contributions", String(year)),
                                                      description: req.t("summary.chart_contributions_desc"),
                                                      labels: indicators.map { lang == .vi ? $0.vi : $0.en },
                                                      values: indicators.map { p.total.contribution(of: $0) }, color: "#dc3545", format: pct)
        }
        let years = req.yearOptions(latest: latest, selected: year)
        let body = SummaryBody(years: years, year: year, unitName: unitName(unitID, user.history, today),
                               figures: ReportFigureText.figureLines(s.figures, lang: lang, t: req.t),
                               rate: req.rateLine(s.board), branchRate: req.rateLine(s.branchBoard), profiles: [("bang-af", s.profiles), ("bang-af-chi-so", s.indicatorProfiles),
                                          ("bang-bao-cao", s.accepted.contains { $0.figures != nil } ? s.acceptedTable : nil)]
                                   .compactMap { id, t in t.map { TableRendering.html($0, lang, id: id) } },
                               unitsChart: unitsChart, contributionsChart: contributionsChart, accepted: s.accepted.count)
        return try await req.page("report-summary", title: req.t("summary.title", String(year)), active: "reports", body)
    }
}
