import Foundation
import PovertyCore
import Storage
import Vapor

extension ReportFigures: Content {}

/// Annual reports under `/api/v1`: the board of a unit, one report with its figures, and the
/// workflow steps, through the same Storage functions as the pages.
struct ReportsAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let api = routes.grouped("api", "v1").grouped(BearerAuthenticator())
        api.get("reports", use: board)
        api.get("reports", ":unit", ":year", use: report)
        api.put("reports", ":unit", ":year", use: save)
        api.post("reports", ":unit", ":year", ":action", use: step)
    }

    struct LineJSON: Content {
        let unitCode: String
        let state: String
        let submittedOn: String?
        let submittedLate: Bool
        let covers: [String]
        /// The deadline the line is held to (set above it on 31 December of the year).
        let deadline: String
    }

    struct BoardJSON: Content {
        let unitCode: String
        let year: Int
        let deadline: String
        let expected: Int
        let accepted: Int
        let lines: [LineJSON]
        let dissolved: [String]
    }

    func unit(_ req: Request, _ user: CurrentUser, _ code: String?) throws -> Int {
        guard let code else { return user.account.unitID }
        guard let u = user.history.unit(code: code), user.scope.contains(u.id) else { throw StorageError.notFound(.unit, code) }
        return u.id
    }

    func year(_ text: String?) throws -> Int {
        guard let text, let y = Int(text), (2000...2100).contains(y) else {
            throw StorageError.invalid(Message("refusal.year_out_of_range", .text(text ?? ""), 2000, 2100))
        }
        return y
    }

    /// `GET /api/v1/reports?year=&unit=&branch=1`: who owes the unit a report and where each stands.
    func board(req: Request) async throws -> BoardJSON {
        let user = try req.requireUser()
        let unitID = try unit(req, user, req.query[String.self, at: "unit"])
        // Without a year: this year's reports.
        let year = try req.queryInt("year", 2000...2100) ?? req.store.today.year
        let b = try await req.store.reports.board(user.actor, unit: unitID, year: year, direct: req.query[String.self, at: "branch"] != "1")
        let code = { (id: Int) in user.history.units[id]?.code ?? "" }
        return BoardJSON(unitCode: code(unitID), year: year, deadline: b.deadline.iso, expected: b.expected, accepted: b.accepted,
                         lines: b.lines.map { line in
                             LineJSON(unitCode: code(line.reporter), state: line.state.rawValue, submittedOn: line.report?.submittedOn?.iso,
                                      submittedLate: line.submittedLate, covers: line.covers.filter { $0 != line.reporter }.map(code),
                                      deadline: line.deadline.iso)
                         },
                         dissolved: b.dissolved.map(code))
    }

    struct ReportJSON: Content {
        let unitCode: String
        let year: Int
        let status: String?
        let deadline: String
        let results: String
        let shortcomings: String
        let proposals: String
        let frozen: Bool
        let figures: ReportFigures
        let reviewComment: String?
    }

    /// `GET /api/v1/reports/{unit}/{year}`: the report, with its frozen figures once submitted
    /// (else computed now).
    func report(req: Request) async throws -> ReportJSON {
        let user = try req.requireUser()
        let unitID = try unit(req, user, req.parameters.get("unit"))
        let year = try year(req.parameters.get("year"))
        let stored = try await req.store.reports.report(user.actor, unit: unitID, year: year)
        let (figures, frozen) = try await req.store.reports.shownFigures(user.actor, stored, unit: unitID, year: year)
        return ReportJSON(unitCode: user.history.units[unitID]?.code ?? "", year: year, status: stored?.status.rawValue,
                          deadline: try await req.store.reports.deadline(user.actor, for: unitID, year: year).iso,
                          results: stored?.narrative.results ?? "", shortcomings: stored?.narrative.shortcomings ?? "",
                          proposals: stored?.narrative.proposals ?? "", frozen: frozen, figures: figures, reviewComment: stored?.reviewComment)
    }

    struct NarrativeRequest: Content {
        var results: String?
        var shortcomings: String?
        var proposals: String?
    }

    /// `PUT /api/v1/reports/{unit}/{year}`: saves the narrative (a draft or a returned report).
    func save(req: Request) async throws -> ReportJSON {
        let user = try req.requireUser()
        try user.require(.reportWrite)
        let unitID = try unit(req, user, req.parameters.get("unit"))
        let body = try req.content.decode(NarrativeRequest.self)
        let year = try year(req.parameters.get("year"))
        // A part left out keeps what is stored.
        let stored = try await req.store.reports.report(user.actor, unit: unitID, year: year)?.narrative ?? ReportNarrative()
        try await req.store.reports.save(user.actor, unit: unitID, year: year,
                                         narrative: ReportNarrative(results: body.results ?? stored.results, shortcomings: body.shortcomings ?? stored.shortcomings,
                                                                    proposals: body.proposals ?? stored.proposals))
        return try await report(req: req)
    }

    struct StepRequest: Content { var comment: String? }

    /// `POST /api/v1/reports/{unit}/{year}/submission|acceptance|return`.
    func step(req: Request) async throws -> ReportJSON {
        let user = try req.requireUser()
        try user.require(req.parameters.get("action") == "submission" ? .reportSubmit : .reportReview)
        let unitID = try unit(req, user, req.parameters.get("unit"))
        let year = try year(req.parameters.get("year"))
        let reports = req.store.reports
        switch req.parameters.get("action") {
        case "submission":
            try await reports.submit(user.actor, unit: unitID, year: year, on: req.store.today)
        case "acceptance", "return":
            // No body is no comment; a body that is not the request's shape is refused, not ignored.
            let comment = (req.body.data?.readableBytes ?? 0) == 0 ? "" : try req.content.decode(StepRequest.self).comment ?? ""
            try await reports.review(user.actor, unit: unitID, year: year, accept: req.parameters.get("action") == "acceptance", comment: comment,
                                     on: req.store.today)
        default:
            throw Abort(.notFound)
        }
        return try await report(req: req)
    }

    static var paths: [String: Any] {
        typealias D = OpenAPIDocument
        let params = [D.path("unit"), D.path("year")]
        return [
            "/api/v1/reports": ["get": D.op("Tình hình nộp báo cáo năm của các đơn vị cấp dưới / who has reported to a unit", params: [
                D.year("năm báo cáo / report year"), D.query("unit", "string", "mã đơn vị nhận báo cáo / the unit (default: the account's)"),
                D.query("branch", "string", "1: cả nhánh / 1: the whole branch")])],
            "/api/v1/reports/{unit}/{year}": [
                "get": D.op("Báo cáo năm của một đơn vị, kèm số liệu / a unit's annual report with its figures", params: params),
                "put": D.op("Lưu nội dung báo cáo; phần bỏ trống giữ nguyên / save the narrative; parts left out stay as stored", params: params, body: ["type": "object", "properties": [
                    "results": ["type": "string"], "shortcomings": ["type": "string"], "proposals": ["type": "string"]]]),
            ],
            "/api/v1/reports/{unit}/{year}/{action}": ["post": D.op(
                "Gửi (submission), chấp nhận (acceptance) hoặc trả lại (return, cần comment) / submit, accept or return (comment required)",
                params: params + [D.path("action")], body: ["type": "object", "properties": ["comment": ["type": "string"]]])],
        ]
    }
}
