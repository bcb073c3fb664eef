import Foundation
import PovertyCore
import Storage

/// Texts of a report shared by the page and the documents.
enum ReportFigureText {
    static func figureLines(_ f: ReportFigures, lang: Language, t: (String, String...) -> String) -> [FigureLine] {
        let n = { Format.number($0, lang) }
        let pct = { Format.percent($0, $1, lang) }
        let money = { Format.money($0, lang) }
        func line(_ key: String, _ value: String) -> FigureLine { FigureLine(label: t("figures." + key), value: value) }
        return [
            line("households", n(f.households)),
            line("poor", "\(n(f.poor)) (\(pct(f.poor, f.households)))"),
            line("near_poor", "\(n(f.nearPoor)) (\(pct(f.nearPoor, f.households)))"),
            line("previous_poor", n(f.previousPoor)),
        ] + (f.movesCompared ? [
            line("escaped", n(f.escaped)),
            line("newly_poor", n(f.newlyPoor)),
            line("fell_back", n(f.fellBack)),
            line("left", n(f.left)),
        ] : [line("moves", t("figures.moves_not_compared"))]) + [
            line("coverage", f.coveragePoor > 0 ? "\(n(f.coverageComplete))/\(n(f.coveragePoor)) (\(pct(f.coverageComplete, f.coveragePoor)))"
                                                : t("figures.no_poor_to_cover")),
            line("support", "\(n(f.supportHouseholds)) · \(n(f.supportRecords)) · \(money(f.supportValue))"),
            line("funds", "\(money(f.fundsOpening)) → \(money(f.fundsClosing))"),
            line("funds_raised", money(f.fundsRaised)),
            line("funds_received", money(f.fundsReceived)),
            line("funds_spent", money(f.fundsSpent)),
            line("loans_disbursed", "\(n(f.loansDisbursed)) · \(money(f.loansDisbursedAmount))"),
            line("loans_repaid", money(f.loansRepaid)),
            line("loans_portfolio", "\(n(f.loansActive)) · \(money(f.loansOutstanding))"),
            line("loans_overdue", money(f.loansOverdue)),
            line("jobs", f.jobsCreatedInYear.map { $0 >= 0 ? t("figures.jobs_value", n($0), n(f.jobsCreated)) : t("figures.jobs_fewer", n(-$0), n(f.jobsCreated)) }
                ?? t("figures.jobs_total", n(f.jobsCreated))),
        ] + (f.proposals.map { [line("proposals", t("figures.proposals_value", n($0.total), n($0.hardship), n($0.added)))] } ?? [])
    }
}
