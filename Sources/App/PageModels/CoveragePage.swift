import Foundation
import PovertyCore
import Storage

/// The coverage worklist: each unit's share of households whose needs are all met, and the
/// households still lacking support with what they lack and what would address it.
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

extension CoverageBody {
    /// The page of `report` (its year, or none yet): units in Vietnamese order of their names
    /// at the end of that year, the households still lacking support, and the years to choose
    /// from 2021 (or the year shown, if earlier) to the `latest` with reviews.
    init(report: CoverageReport, latest: Int?, nearPoor: Bool, policies: PolicyCatalogue, history: OrgHistory,
         downloads: (xlsx: String, csv: String), text: PageText) {
        // A report without a year has no units and no households.
        let day = report.namedOn ?? Day.endOfYear(latest ?? 2021)
        let units = report.units.map { u in
            UnitRow(name: unitName(u.unitID, history, day), code: history.units[u.unitID]?.code ?? "", households: text.number(u.households),
                    complete: text.number(u.complete), share: text.percent(u.complete, u.households))
        }.sorted { VietnameseCollation.sortKey($0.name) < VietnameseCollation.sortKey($1.name) }
        let gaps = Self.gaps(report, policies: policies, history: history, text: text)
        let year = report.year
        let years = latest.map { l in
            (min(2021, l, year ?? l)...max(l, year ?? l)).reversed().map { Option(value: String($0), label: String($0), selected: $0 == year) }
        } ?? []
        self.init(years: years, nearPoor: nearPoor,
                  summary: text.t("coverage.summary", text.number(report.complete), text.number(report.households),
                                  text.percent(report.complete, report.households), year.map(String.init) ?? "–"),
                  units: units, gaps: gaps, gapSummary: text.t("coverage.gap_summary", text.number(report.gapCount), text.number(gaps.count)),
                  hasData: report.households > 0, downloadXLSX: downloads.xlsx, downloadCSV: downloads.csv)
    }

    /// The households still lacking support as the page and its download show them: their
    /// unit at the end of the report's year, what they lack and what would address it.
    static func gaps(_ report: CoverageReport, policies: PolicyCatalogue, history: OrgHistory, text: PageText) -> [Gap] {
        let day = report.namedOn ?? Day.endOfYear(2021)
        return report.gaps.map { g in
            Gap(code: g.householdCode, name: g.primaryName, unit: unitName(g.unitID, history, day), status: text.status(g.status),
                missing: g.coverage.missingIndicators.map(text.indicatorName),
                suggested: g.coverage.suggestedPolicies.map { text.policyName($0, policies) })
        }
    }
}
