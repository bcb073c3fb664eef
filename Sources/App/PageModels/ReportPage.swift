import Foundation
import PovertyCore
import Storage

/// One unit's annual report: its figures (frozen when submitted), narrative, workflow and history.
struct ReportBody: Encodable {
    struct Event: Encodable { let at: String; let actor: String; let action: String; let comment: String }
    let unitCode: String
    let unitName: String
    let year: Int
    let status: String
    let statusCode: String
    let deadline: String
    let figuresNote: String
    let figures: [FigureLine]
    let policies: [FigureLine]
    let results: String
    let shortcomings: String
    let proposals: String
    let mayEdit: Bool
    let mayReview: Bool
    let reviewComment: String?
    /// The review's comment as typed (kept when the review was refused).
    let comment: String
    let events: [Event]
    let error: String?
    let hasPolicies: Bool
    let hasEvents: Bool
}

extension ReportBody {
    /// The report's forms before anything is typed: the narrative as stored, no comment.
    static func form(_ narrative: ReportNarrative) -> [String: String] {
        ["results": narrative.results, "shortcomings": narrative.shortcomings, "proposals": narrative.proposals, "comment": ""]
    }

    /// A report's page: `stored` (nil before anything was written), its figures and whether
    /// they are frozen, the steps Storage allows the reader (`AnnualReports.steps`), and the
    /// forms' `fields` (`form`, or what was typed into a refused one).
    init(unitCode: String, unitName: String, year: Int, stored: AnnualReport?, figures: ReportFigures, frozen: Bool, deadline: Day,
         steps: Set<AnnualReports.Step>, fields: [String: String], error: String?, text: PageText) {
        let lang = text.language
        let status = stored?.status
        let events = stored?.events ?? []
        self.init(
            unitCode: unitCode, unitName: unitName, year: year,
            status: status.map { text.t("report_status." + $0.rawValue) } ?? text.t("reports.not_started"),
            statusCode: status?.rawValue ?? "missing", deadline: deadline.vietnamese,
            figuresNote: frozen ? text.t("reports.figures_frozen", Format.date(figures.computedAt)) : text.t("reports.figures_live"),
            figures: ReportFigureText.figureLines(figures, lang: lang, t: text.t),
            policies: figures.supportByPolicy.map {
                FigureLine(label: lang == .vi ? $0.nameVi : $0.nameEn,
                           value: text.t("reports.policy_line", text.number($0.households), text.number($0.records), text.money($0.value)))
            },
            results: fields["results"] ?? "", shortcomings: fields["shortcomings"] ?? "", proposals: fields["proposals"] ?? "",
            mayEdit: steps.contains(.submit), mayReview: steps.contains(.review),
            reviewComment: stored?.reviewComment.flatMap { $0.isEmpty ? nil : $0 }, comment: fields["comment"] ?? "",
            events: events.map { Event(at: Format.date($0.at), actor: $0.actor, action: text.t("report_event." + $0.action), comment: $0.comment) },
            error: error, hasPolicies: !figures.supportByPolicy.isEmpty, hasEvents: !events.isEmpty)
    }
}
