import Foundation
import PovertyCore
import Storage
import Vapor

/// The review sheet on the page: the form, with every indicator the standards ask about.
struct ReviewFormBody: Encodable {
    struct Year: Encodable {
        let value: String
        let selected: Bool
        let standard: String
        let standardName: String
    }
    struct Indicator: Encodable {
        let code: String
        let label: String
        let help: String
        let checked: Bool
        /// The standards that ask about it, space-separated (the page shows those of the chosen year).
        let standards: String
        let shown: Bool
    }
    let code: String
    /// The household is known: its code is not typed again.
    let codeFixed: Bool
    let years: [Year]
    let standardName: String
    let areas: [Option]
    let yearlyBasis: Bool
    let size: String
    let yearly: String
    let monthly: String
    let indicators: [Indicator]
    let units: [Option]
    let member: String
    let minority: Bool
    let officials: [Option]
    let note: String
    let preview: ReviewPreview
}

/// What the sheet gives, computed on the server as the import computes it: the class and
/// its reason, or the problems to fix (by field).
struct ReviewPreview: Encodable {
    struct Problem: Encodable {
        let field: String
        let message: String
    }
    let ready: Bool
    let status: String
    let statusCode: String
    let reason: String
    let income: String
    let standard: String
    let problems: [Problem]
    let hasProblems: Bool
}

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
        return try await render(req, user, ReviewSheet(year: String(year), unitCode: unit), codeFixed: false, note: "", preview: false)
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
        return try await render(req, user, draft.sheet, codeFixed: true, note: note, preview: draft.from != nil)
    }

    /// The preview box alone, for the page's script: answered as the form changes.
    func previewFragment(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard user.permissions.allows(.importSurvey) else { throw StorageError.forbidden(.importSurvey) }
        let form = try req.content.decode(ReviewForm.self)
        let preview = Self.preview(req, form.sheet, issues: nil)
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
        guard form.action == "save" else {
            return try await render(req, user, sheet, codeFixed: codeFixed, note: "", preview: true)
        }
        do {
            try await req.store.reviewDesk.enter(user.actor, sheet)
        } catch let rejected as ImportRejected {
            return try await render(req, user, sheet, codeFixed: codeFixed, note: "", preview: true, issues: rejected.issues, status: .badRequest)
        }
        let code = String(TextFolding.trim(sheet.householdCode))
        let path = "/households/" + (code.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/", "?", "#"])) ?? "")
        return req.redirect(to: path + "?notice=review_saved", redirectType: .normal)
    }

    private func render(_ req: Request, _ user: CurrentUser, _ sheet: ReviewSheet, codeFixed: Bool, note: String, preview: Bool,
                        issues: [SurveyIssue]? = nil, status: HTTPStatus = .ok) async throws -> Response {
        let lang = req.language
        let catalog = StandardCatalog.builtIn
        let chosen = Int(TextFolding.trim(sheet.year))
        let standard = sheet.standard(in: catalog)
        let today = req.store.today
        // The years offered: the contract's, up to this year (a typed year outside them is not looped over).
        let lastYear = min(max(today.year, chosen ?? today.year), SurveyLayout.lastYear)
        let years = (SurveyLayout.firstYear...max(SurveyLayout.firstYear, lastYear)).reversed().compactMap { y -> ReviewFormBody.Year? in
            guard let s = catalog.standard(forReviewYear: y) else { return nil }
            return ReviewFormBody.Year(value: String(y), selected: y == chosen, standard: s.code, standardName: Self.standardName(s, lang))
        }
        let indicators = catalog.indicators.map { i in
            let standards = catalog.standards.filter { $0.indicators.contains(where: { $0.code == i.code }) }.map(\.code)
            return ReviewFormBody.Indicator(code: i.code, label: lang == .vi ? i.vi : i.en, help: lang == .vi ? i.helpVi : i.helpEn,
                                            checked: sheet.deprived.contains(i.code), standards: standards.joined(separator: " "),
                                            shown: standard.map { standards.contains($0.code) } ?? false)
        }
        let area = Area(rawValue: TextFolding.fold(sheet.area))
        let areas = [Area.rural, Area.urban].map { a in Option(value: a.rawValue, label: lang == .vi ? a.vietnamese : a.english, selected: a == area) }
        let officialCode = TextFolding.fold(sheet.officialStatus)
        let officials = [Option(value: "", label: req.t("review.official_unknown"), selected: officialCode.isEmpty)]
            + LivingStandard.allCases.map { s in Option(value: s.rawValue, label: Format.status(s, req.web.catalogue, lang), selected: s.rawValue == officialCode) }
        let body = ReviewFormBody(
            code: sheet.householdCode, codeFixed: codeFixed, years: years, standardName: standard.map { Self.standardName($0, lang) } ?? "",
            areas: areas, yearlyBasis: sheet.incomeBasis == .yearly, size: sheet.householdSize, yearly: sheet.yearlyIncome,
            monthly: sheet.monthlyIncome, indicators: indicators, units: branchUnits(req, user, selected: sheet.unitCode),
            member: sheet.member, minority: sheet.ethnicMinority, officials: officials, note: note,
            preview: preview || issues != nil ? Self.preview(req, sheet, issues: issues) : Self.empty)
        let title = codeFixed ? req.t("review.title", sheet.householdCode) : req.t("review.title_new")
        return try await req.page("review-form", title: title, active: "households", status: status, body)
    }

    static let empty = ReviewPreview(ready: false, status: "", statusCode: "", reason: "", income: "", standard: "", problems: [], hasProblems: false)

    /// The class and reason of the sheet (PovertyCore, exactly as the import computes them),
    /// or the problems of the contract; `issues` are those the registry found on saving.
    static func preview(_ req: Request, _ sheet: ReviewSheet, issues: [SurveyIssue]?) -> ReviewPreview {
        let lang = req.language
        func problems(_ list: [SurveyIssue]) -> ReviewPreview {
            let shown = list.map { ReviewPreview.Problem(field: fieldName(req, $0.column), message: req.text($0.message)) }
            return ReviewPreview(ready: false, status: "", statusCode: "", reason: "", income: "", standard: "", problems: shown, hasProblems: !shown.isEmpty)
        }
        if let issues, !issues.isEmpty { return problems(issues) }
        switch sheet.check(language: lang == .vi ? .vi : .en) {
        case .refused(let list): return problems(list)
        case let .classified(record, c, reason):
            return ReviewPreview(ready: true, status: Format.status(c.status, req.web.catalogue, lang), statusCode: c.status.rawValue,
                                 reason: reason, income: Format.money(c.perCapitaMonthly, lang),
                                 standard: standardName(record.standard, lang), problems: [], hasProblems: false)
        }
    }

    /// A problem's column as the form's field label.
    static func fieldName(_ req: Request, _ column: String) -> String {
        if let indicator = StandardCatalog.builtIn.indicator(code: column) { return req.language == .vi ? indicator.vi : indicator.en }
        let key: String
        switch SurveyColumn(rawValue: column) {
        case .householdCode: key = "review.field.code"
        case .year: key = "review.field.year"
        case .area: key = "review.field.area"
        case .size: key = "review.field.size"
        case .yearlyIncome: key = "review.field.yearly"
        case .monthlyIncome: key = "review.field.monthly"
        case .unit: key = "review.field.unit"
        case .member: key = "review.field.member"
        case .ethnicMinority: key = "review.field.minority"
        case .officialStatus: key = "review.field.official"
        default: return column
        }
        return req.t(key)
    }

    /// "Chuẩn nghèo 2022–2025 (Nghị định 07/2021/NĐ-CP)": a standard by its name, never its code.
    static func standardName(_ s: PovertyStandard, _ lang: Language) -> String {
        // The legal act alone: the source's first clause ("Nghị định 07/2021/NĐ-CP; tiếp tục…").
        let source = lang == .vi ? s.source : s.sourceEn
        let act = source.components(separatedBy: CharacterSet(charactersIn: ";:(")).first?.trimmingCharacters(in: .whitespaces) ?? source
        return "\(lang == .vi ? s.nameVi : s.nameEn) (\(act))"
    }

    /// The units of the officer's branch as they stand today, by name; the sheet's unit is
    /// kept among them even when it no longer exists (a past year's review).
    func branchUnits(_ req: Request, _ user: CurrentUser, selected: String) -> [Option] {
        let today = req.store.today
        return user.history.units.values.compactMap { u -> (code: String, name: String)? in
            guard user.scope.contains(u.id) else { return nil }
            guard let name = user.history.name(of: u.id, on: today) ?? (u.code == selected ? user.history.lastName(of: u.id) : nil) else { return nil }
            return (u.code, name)
        }
        .sorted { VietnameseCollation.sortKey($0.name) < VietnameseCollation.sortKey($1.name) }
        .map { Option(value: $0.code, label: $0.name, selected: $0.code == selected) }
    }
}
