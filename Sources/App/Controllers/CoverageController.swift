import Foundation
import PovertyCore
import Storage
import Vapor

/// The plan's "100%": the coverage worklist, and the support forms of a household's page.
struct CoverageController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("coverage", use: coverage)
        routes.post("households", ":code", "support", use: recordSupport)
        routes.post("support", ":id", "cancel", use: cancelSupport)
    }

    func coverage(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let latest = try await req.store.browse.latestYear(user.actor)
        let asked = req.query[Int.self, at: "year"]
        if let asked, !(2000...2100).contains(asked) { throw Abort(.badRequest) }
        let year = asked ?? latest
        let nearPoor = req.query[String.self, at: "near"] == "1"
        let format = try ListDownload.format(req)
        // The download holds every household still lacking support, the page the first 200.
        let report = try await req.store.support.coverage(user.actor, year: year, includeNearPoor: nearPoor, limit: format == nil ? 200 : 1_000_000)
        let catalogue = try await req.store.support.catalogue()
        if let format {
            let shownYear = report.year.map(String.init) ?? "–"
            var list = ListDownload(
                title: req.t("coverage.download_title", shownYear, user.history.name(of: user.account.unitID, on: req.store.today) ?? ""),
                fileStem: "ho-chua-du-ho-tro-\(shownYear)",
                columns: [(req.t("common.household_code"), 14), (req.t("households.member"), 28), (req.t("common.unit"), 36), (req.t("common.status"), 16),
                          (req.t("coverage.missing"), 40), (req.t("coverage.suggested"), 48)])
            list.rows = CoverageBody.gaps(report, policies: catalogue, history: user.history, text: req.pageText).map { g in
                [.text(g.code), .text(g.name), .text(g.unit), .text(g.status), .text(g.missing.joined(separator: "; ")),
                 .text(g.suggested.joined(separator: "; "))]
            }
            return try await list.response(req, format, what: "danh sách hộ chưa đủ hỗ trợ năm \(shownYear)", actor: user.actor)
        }
        let body = CoverageBody(report: report, latest: latest, nearPoor: nearPoor, policies: catalogue, history: user.history,
                                downloads: ListDownload.links(req), text: req.pageText)
        return try await req.page("coverage", title: req.t("coverage.title"), active: "coverage", body)
    }

    // MARK: support on the household page

    func recordSupport(req: Request) async throws -> Response {
        let user = try req.requireUser()
        try user.require(.recordSupport)
        let code = req.parameters.get("code") ?? ""
        let input = try req.content.decode(SupportRecordInput.self)
        return try await req.change(redirect: "/households/\(req.encodePath(code))", notice: "support_recorded", subject: .household,
                                    render: { try await HouseholdController().render(req, code: code, error: $0) }) {
            try await req.store.support.record(user.actor, try input.support(for: code, req))
        }
    }

    func cancelSupport(req: Request) async throws -> Response {
        let user = try req.requireUser()
        try user.require(.cancelSupport)
        guard let id = req.parameters.get("id", as: Int.self) else { throw Abort(.notFound) }
        let input = try req.content.decode(SupportCancelInput.self)
        // A refusal shows the household page the form was on; success goes to the household
        // Storage cancelled the support of, never where the form says.
        var cancelledOf = ""
        let response = try await req.change(redirect: "/households", notice: "support_cancelled", subject: .support,
                                            render: { try await HouseholdController().render(req, code: input.household ?? "", error: $0) }) {
            cancelledOf = try await req.store.support.cancel(user.actor, id, reason: try req.formText(input.reason, "form.reason"), on: req.store.today)
        }
        guard response.status == .seeOther else { return response }
        return req.redirect(to: "/households/\(req.encodePath(cancelledOf))?notice=support_cancelled", redirectType: .normal)
    }
}
