import Foundation
import PovertyCore
import Storage

/// The households of the branch in a year, filtered, one page of them with links to the others.
struct HouseholdListBody: Encodable {
    struct Row: Encodable {
        let code: String
        let member: String
        let unit: String
        let status: String
        let statusCode: String
        let official: String
        let mismatch: Bool
        let income: String
        let deprivations: Int
    }
    let q: String
    let years: [Option]
    let statuses: [Option]
    let units: [Option]
    let mismatchesOnly: Bool
    let rows: [Row]
    let summary: String
    let pages: [PageLink]
    let hasPages: Bool
    let mayEnterReview: Bool
    let downloadXLSX: String
    let downloadCSV: String
}

extension HouseholdListBody {
    /// One page of the list: each household's unit as at the end of the year, the filters as
    /// chosen (years from 2016 to the latest with reviews, the statuses, "all units" and the
    /// officer's `units`), and page links that keep every filter.
    init(page: Page<HouseholdLine>, filter: HouseholdFilter, unitCode: String, latest: Int, units: [Option], mayEnterReview: Bool,
         history: OrgHistory, downloads: (xlsx: String, csv: String), text: PageText) {
        let year = filter.year, endOfYear = Day.endOfYear(year)
        let rows = page.items.map { h in
            Row(code: h.code, member: h.primaryMember ?? "–", unit: unitName(h.unitID, history, endOfYear), status: text.status(h.status),
                statusCode: h.status.rawValue, official: h.official.map { text.status($0) } ?? "", mismatch: h.official != nil && h.official != h.status,
                income: text.money(h.perCapitaMonthly), deprivations: h.deprivationCount)
        }
        var items = [(name: "year", value: String(year))]
        if let status = filter.status { items.append(("status", status.rawValue)) }
        let q = filter.text ?? ""
        if !q.isEmpty { items.append(("q", q)) }
        if !unitCode.isEmpty { items.append(("unit", unitCode)) }
        if filter.mismatchesOnly { items.append(("mismatch", "1")) }
        let pages = pageLinks(current: page.page, count: page.pages) { p in "/households" + queryString(items + [("page", String(p))]) }
        self.init(
            q: q, years: (2016...max(latest, year)).reversed().map { Option(value: String($0), label: String($0), selected: $0 == year) },
            statuses: [Option(value: "", label: text.t("households.all_statuses"), selected: filter.status == nil)]
                + LivingStandard.allCases.map { Option(value: $0.rawValue, label: text.status($0), selected: $0 == filter.status) },
            units: [Option(value: "", label: text.t("households.all_units"), selected: unitCode.isEmpty)] + units,
            mismatchesOnly: filter.mismatchesOnly, rows: rows,
            summary: text.t("households.summary", text.number(page.total), String(year), String(page.page), String(page.pages)),
            pages: pages, hasPages: !pages.isEmpty, mayEnterReview: mayEnterReview, downloadXLSX: downloads.xlsx, downloadCSV: downloads.csv)
    }
}
