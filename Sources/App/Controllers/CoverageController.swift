import Foundation
import PovertyCore
import Storage
import Vapor


struct CoverageBody: Encodable {
    struct UnitRow: Encodable { let name: String; let code: String; let households: String; let complete: String; let share: String }
    struct Gap: Encodable { let code: String; let name: String; let unit: String; let status: String; let missing: [String]; let suggested: [String] }
    let years: [Option]
    let nearPoor: Bool
    let summary: String
    let units: [UnitRow]
    let gaps: [Gap]
    let gapSummary: String
    let hasData: Bool
    let downloadXLSX: String
    let downloadCSV: String
}


/// The plan's "100%": the coverage worklist, and the support forms of a household's page.
struct CoverageController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("coverage", use: coverage)
        routes.post("households", ":code", "support", use: recordSupport)
        routes.post("support", ":id", "cancel", use: cancelSupport)
    }

    func coverage(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let lang = req.language
        let latest = try await req.store.browse.latestYear(user.actor)
        let asked = req.query[Int.self, at: "year"]
        if let asked, !(2000...2100).contains(asked) { throw Abort(.badRequest) }
        let year = asked ?? latest
        let nearPoor = req.query[String.self, at: "near"] == "1"
        let format = try ListDownload.format(req)
        // The download holds every household still lacking support, the page the first 200.
        let report = try await req.store.support.coverage(user.actor, year: year, includeNearPoor: nearPoor, limit: format == nil ? 200 : 1_000_000)
        let catalogue = try await req.store.support.catalogue()
        let day = Day.endOfYear(report.year ?? req.store.today.year)
        if let format {
            let shownYear = report.year.map(String.init) ?? "–"
            var list = ListDownload(
                title: req.t("coverage.download_title", shownYear, user.history.name(of: user.account.unitID, on: req.store.today) ?? ""),
                fileStem: "ho-chua-du-ho-tro-\(shownYear)",
                columns: [(req.t("common.household_code"), 14), (req.t("households.member"), 28), (req.t("common.unit"), 36), (req.t("common.status"), 16),
                          (req.t("coverage.missing"), 40), (req.t("coverage.suggested"), 48)])
            list.rows = report.gaps.map { g in
                [.text(g.householdCode), .text(g.primaryName), .text(unitName(g.unitID, user.history, day)),
                 .text(Format.status(g.status, req.web.catalogue, lang)),
                 .text(g.coverage.missingIndicators.map(req.indicatorName).joined(separator: "; ")),
                 .text(g.coverage.suggestedPolicies.map { req.policyName($0, catalogue) }.joined(separator: "; "))]
            }
            return try await list.response(req, format, what: "danh sách hộ chưa đủ hỗ trợ năm \(shownYear)", actor: user.actor)
        }
        let units = report.units.map { u in
            CoverageBody.UnitRow(name: unitName(u.unitID, user.history, day), code: user.history.units[u.unitID]?.code ?? "",
                                 households: Format.number(u.households, lang), complete: Format.number(u.complete, lang),
                                 share: Format.percent(u.complete, u.households, lang))
        }.sorted { VietnameseCollation.sortKey($0.name) < VietnameseCollation.sortKey($1.name) }
        let gaps = report.gaps.map { g in
            CoverageBody.Gap(code: g.householdCode, name: g.primaryName, unit: unitName(g.unitID, user.history, day),
                             status: Format.status(g.status, req.web.catalogue, lang),
                             missing: g.coverage.missingIndicators.map(req.indicatorName),
                             suggested: g.coverage.suggestedPolicies.map { req.policyName($0, catalogue) })
        }
        let years = latest.map { l in (min(2021, l, year ?? l)...max(l, year ?? l)).reversed().map { Option(value: String($0), label: String($0), selected: $0 == year) } } ?? []
        let body = CoverageBody(
            years: years, nearPoor: nearPoor,
            summary: req.t("coverage.summary", Format.number(report.complete, lang), Format.number(report.households, lang),
                           Format.percent(report.complete, report.households, lang), report.year.map(String.init) ?? "–"),
            units: units, gaps: gaps, gapSummary: req.t("coverage.gap_summary", Format.number(report.gapCount, lang), Format.number(gaps.count, lang)),
            hasData: report.households > 0, downloadXLSX: ListDownload.links(req).xlsx, downloadCSV: ListDownload.links(req).csv)
        return try await req.page("coverage", title: req.t("coverage.title"), active: "coverage", body)
    }

    // MARK: support on the household page

    func recordSupport(req: Request) async throws -> Response {
        let user = try req.requireUser()
        try user.require(.recordSupport)
        let code = req.parameters.get("code") ?? ""
        let input = try req.content.decode(SupportRecordInput.self)
        return try await req.change(redirect: "/households/\(req.encodePath(code))", notice: "support_recorded",
                                    render: { try await HouseholdController().render(req, code: code, error: $0) }) {
            try await req.store.support.record(user.actor, try input.support(for: code, req))
        }
    }

    func cancelSupport(req: Request) async throws -> Response {
        let user = try req.requireUser()
        try user.require(.cancelSupport)
        guard let id = req.parameters.get("id", as: Int.self) else { throw Abort(.notFound) }
        let input = try req.content.decode(SupportCancelInput.self)
        let household = input.household ?? ""
        return try await req.change(redirect: "/households/\(req.encodePath(household))", notice: "support_cancelled",
                                    render: { try await HouseholdController().render(req, code: household, error: $0) }) {
            try await req.store.support.cancel(user.actor, id, reason: try req.formText(input.reason, "form.reason"), on: req.store.today)
        }
    }
}
