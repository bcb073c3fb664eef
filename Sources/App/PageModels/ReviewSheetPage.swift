import Foundation
import PovertyCore
import Storage

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
    /// What the sheet was drawn from, posted back on saving (a stale sheet is refused).
    let revision: String
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

extension ReviewFormBody {
    /// The sheet as the page shows it: the years of the contract up to this year (or the year
    /// typed), each with its standard; every indicator, those of the chosen year's standard
    /// shown; the units of the branch today (the sheet's own kept even when it has ended);
    /// and the preview when asked for or when the registry refused the sheet (`issues`).
    init(sheet: ReviewSheet, revision: String, codeFixed: Bool, note: String, showPreview: Bool, issues: [SurveyIssue]?,
         history: OrgHistory, scope: Scope, today: Day, text: PageText) {
        let lang = text.language
        let catalog = StandardCatalog.builtIn
        let chosen = Int(TextFolding.trim(sheet.year))
        let standard = sheet.standard(in: catalog)
        // The years offered: the contract's, up to this year (a typed year outside them is not looped over).
        let lastYear = min(max(today.year, chosen ?? today.year), SurveyLayout.lastYear)
        let years = (SurveyLayout.firstYear...max(SurveyLayout.firstYear, lastYear)).reversed().compactMap { y -> Year? in
            guard let s = catalog.standard(forReviewYear: y) else { return nil }
            return Year(value: String(y), selected: y == chosen, standard: s.code, standardName: Self.standardName(s, lang))
        }
        let indicators = catalog.indicators.map { i in
            let standards = catalog.standards.filter { $0.indicators.contains(where: { $0.code == i.code }) }.map(\.code)
            return Indicator(code: i.code, label: lang == .vi ? i.vi : i.en, help: lang == .vi ? i.helpVi : i.helpEn,
                             checked: sheet.deprived.contains(i.code), standards: standards.joined(separator: " "),
                             shown: standard.map { standards.contains($0.code) } ?? false)
        }
        let area = Area(rawValue: TextFolding.fold(sheet.area))
        let areas = [Area.rural, Area.urban].map { a in Option(value: a.rawValue, label: lang == .vi ? a.vietnamese : a.english, selected: a == area) }
        let officialCode = TextFolding.fold(sheet.officialStatus)
        let officials = [Option(value: "", label: text.t("review.official_unknown"), selected: officialCode.isEmpty)]
            + LivingStandard.allCases.map { s in Option(value: s.rawValue, label: text.status(s), selected: s.rawValue == officialCode) }
        self.init(code: sheet.householdCode, codeFixed: codeFixed, years: years, standardName: standard.map { Self.standardName($0, lang) } ?? "",
                  areas: areas, yearlyBasis: sheet.incomeBasis == .yearly, size: sheet.householdSize, yearly: sheet.yearlyIncome,
                  monthly: sheet.monthlyIncome, indicators: indicators,
                  units: Self.branchUnits(history: history, scope: scope, today: today, selected: sheet.unitCode),
                  member: sheet.member, minority: sheet.ethnicMinority, officials: officials, note: note, revision: revision,
                  preview: showPreview || issues != nil ? ReviewPreview(sheet, issues: issues, text: text) : .empty)
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
    static func branchUnits(history: OrgHistory, scope: Scope, today: Day, selected: String) -> [Option] {
        history.units.values.compactMap { u -> (code: String, name: String)? in
            guard scope.contains(u.id) else { return nil }
            guard let name = history.name(of: u.id, on: today) ?? (u.code == selected ? history.lastName(of: u.id) : nil) else { return nil }
            return (u.code, name)
        }
        .sorted { VietnameseCollation.sortKey($0.name) < VietnameseCollation.sortKey($1.name) }
        .map { Option(value: $0.code, label: $0.name, selected: $0.code == selected) }
    }
}

extension ReviewPreview {
    static let empty = ReviewPreview(ready: false, status: "", statusCode: "", reason: "", income: "", standard: "", problems: [], hasProblems: false)

    /// The class and reason of the sheet (PovertyCore, exactly as the import computes them),
    /// or the problems of the contract; `issues` are those the registry found on saving.
    init(_ sheet: ReviewSheet, issues: [SurveyIssue]?, text: PageText) {
        let lang = text.language
        func problems(_ list: [SurveyIssue]) -> ReviewPreview {
            let shown = list.map { Problem(field: Self.fieldName($0.column, text), message: text.catalogue.text($0.message, lang)) }
            return ReviewPreview(ready: false, status: "", statusCode: "", reason: "", income: "", standard: "", problems: shown, hasProblems: !shown.isEmpty)
        }
        if let issues, !issues.isEmpty { self = problems(issues); return }
        switch sheet.check(language: lang == .vi ? .vi : .en) {
        case .refused(let list): self = problems(list)
        case let .classified(record, c, reason):
            self.init(ready: true, status: text.status(c.status), statusCode: c.status.rawValue, reason: reason, income: text.money(c.perCapitaMonthly),
                      standard: ReviewFormBody.standardName(record.standard, lang), problems: [], hasProblems: false)
        }
    }

    /// A problem's column as the form's field label.
    static func fieldName(_ column: String, _ text: PageText) -> String {
        if let indicator = StandardCatalog.builtIn.indicator(code: column) { return text.language == .vi ? indicator.vi : indicator.en }
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
        return text.t(key)
    }
}
