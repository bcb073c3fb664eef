import Foundation
import PovertyCore
import Storage
import Vapor

/// The fields of the review form as posted.
struct ReviewForm: Content {
    var code: String?
    var year: String?
    var area: String?
    var basis: String?
    var size: String?
    var yearly: String?
    var monthly: String?
    var ind: [String]?
    var unit: String?
    var member: String?
    var minority: String?
    var official: String?
    var action: String?
    /// What the sheet was drawn from (`ReviewDesk.Draft.revision`), given back on saving.
    var revision: String?
    /// `edit` when the sheet is a known household's (its code is not typed again), else `new`.
    var mode: String?

    var sheet: ReviewSheet {
        ReviewSheet(householdCode: code ?? "", year: year ?? "", area: area ?? "",
                    incomeBasis: ReviewSheet.IncomeBasis(rawValue: basis ?? "") ?? .yearly,
                    householdSize: size ?? "", yearlyIncome: yearly ?? "", monthlyIncome: monthly ?? "",
                    deprived: Set(ind ?? []), unitCode: unit ?? "", member: member ?? "",
                    ethnicMinority: minority == "1", officialStatus: official ?? "")
    }
}

/// One household's yearly review by form: the sheet, its live preview (the class and the
/// reason before saving), and saving it as an import of one row (`ReviewDesk`).
struct ReviewFormController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("reviews", "new", use: blank)
        routes.get("households", ":code", "review", use: edit)
        routes.post("reviews", "preview", use: previewFragment)
        routes.post("reviews", use: save)
    }

    /// A new household's sheet (or, with `?code=`, a known household's).
    func blank(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard user.permissions.allows(.importSurvey) else { throw StorageError.forbidden(.importSurvey) }
        let year = try req.queryInt("year", SurveyLayout.firstYear...SurveyLayout.lastYear) ?? req.store.today.year
        if let code = req.query[String.self, at: "code"], !code.isEmpty {
            return try await draftPage(req, user, code: code, year: year)
        }
        let unit = user.history.units[user.account.unitID]?.code ?? ""
        return try await render(req, user, ReviewSheet(year: String(year), unitCode: unit), revision: "", codeFixed: false, note: "", preview: false)
    }

    func edit(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let year = try req.queryInt("year", SurveyLayout.firstYear...SurveyLayout.lastYear) ?? req.store.today.year
        return try await draftPage(req, user, code: req.parameters.get("code") ?? "", year: year)
    }

    private func draftPage(_ req: Request, _ user: CurrentUser, code: String, year: Int) async throws -> Response {
        guard (SurveyLayout.firstYear...SurveyLayout.lastYear).contains(year) else { throw Abort(.badRequest) }
        let draft = try await req.store.reviewDesk.draft(user.actor, code: code, year: year)
        let note = draft.exists ? req.t("review.correcting", String(year))
            : draft.from.map { req.t("review.prefilled", String($0)) } ?? ""
        return try await render(req, user, draft.sheet, revision: draft.revision, codeFixed: true, note: note, preview: draft.from != nil)
    }

    /// The preview box alone, for the page's script: answered as the form changes.
    func previewFragment(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard user.permissions.allows(.importSurvey) else { throw StorageError.forbidden(.importSurvey) }
        let form = try req.content.decode(ReviewForm.self)
        let preview = ReviewPreview(form.sheet, issues: nil, text: req.pageText)
        struct Context: Encodable { let lang: String; let body: Body; struct Body: Encodable { let preview: ReviewPreview } }
        let rendered = try await req.view.render("review-preview", Context(lang: req.language.rawValue, body: .init(preview: preview)))
        var headers = HTTPHeaders()
        headers.contentType = .html
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return Response(status: .ok, headers: headers, body: .init(buffer: rendered.data))
    }

    /// "Xem trước" without the script shows the page again with the preview; "Lưu" saves.
    func save(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard user.permissions.allows(.importSurvey) else { throw StorageError.forbidden(.importSurvey) }
        let form = try req.content.decode(ReviewForm.self)
        let sheet = form.sheet
        let codeFixed = form.mode == "edit"
        let revision = form.revision ?? ""
        guard form.action == "save" else {
            return try await render(req, user, sheet, revision: revision, codeFixed: codeFixed, note: "", preview: true)
        }
        do {
            try await req.store.reviewDesk.enter(user.actor, sheet, drawnFrom: revision)
        } catch let rejected as ImportRejected {
            return try await render(req, user, sheet, revision: revision, codeFixed: codeFixed, note: "", preview: true, issues: rejected.issues, status: .badRequest)
        }
        let code = ReviewDesk.householdCode(of: sheet)
        let path = "/households/" + (code.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/", "?", "#"])) ?? "")
        return req.redirect(to: path + "?notice=review_saved", redirectType: .normal)
    }

    private func render(_ req: Request, _ user: CurrentUser, _ sheet: ReviewSheet, revision: String, codeFixed: Bool, note: String, preview: Bool,
                        issues: [SurveyIssue]? = nil, status: HTTPStatus = .ok) async throws -> Response {
        let body = ReviewFormBody(sheet: sheet, revision: revision, codeFixed: codeFixed, note: note, showPreview: preview, issues: issues,
                                  history: user.history, scope: user.scope, today: req.store.today, text: req.pageText)
        let title = codeFixed ? req.t("review.title", sheet.householdCode) : req.t("review.title_new")
        return try await req.page("review-form", title: title, active: "households", status: status, body)
    }
}
