import PovertyCore
import Storage

extension DemoProvince {
    /// The commune/ward union the demo's local logins work in: the one with the most poor
    /// households in the last review year (then the most grassroots unions, then the earliest
    /// code), so that its officer has households to support, units to review and loans to follow.
    public static func visitorCommune(store: Store, actor: Actor) async throws -> OrgUnit? {
        let history = try await store.units.history()
        guard let root = history.unit(code: rootCode), let day = Day(year: lastYear, month: 11, day: 30) else { return nil }
        let tree = history.tree(on: day)
        let counts = try await store.reviews.rolledUp(actor, year: lastYear, basis: .rebased(onto: day)).totals
        func key(_ u: OrgUnit) -> (Int, Int) { (counts[u.id]?.poor ?? 0, (tree.children[u.id] ?? []).count) }
        return (tree.children[root.id] ?? []).compactMap { history.units[$0] }
            .filter { $0.kind == .communeUnion && !(tree.children[$0.id] ?? []).isEmpty }
            .min { a, b in key(a) != key(b) ? key(a) > key(b) : a.code < b.code }
    }

    /// The header of the shipped example survey, in Vietnamese as an office writes it; every
    /// name folds to a column of the survey contract.
    public static let exampleHeader: [String] = DemoSurveyGenerator.header.dropLast()
        + ["Dân tộc thiểu số", "Dân tộc", "Phân loại công nhận", "Nguyên nhân nghèo", "Tỉnh", "Xã phường", "Địa chỉ"]

    /// The example survey shipped as `Examples/khao-sat-mau.csv` (and its `.xlsx` twin): the
    /// reviews of 2024–2026 of this province's first `count` households reviewed in all three
    /// years, as an office would write them — Vietnamese headers, grouped money, the member by
    /// citizen ID. Being the province's own answers, it imports into the demo province of the
    /// same size and seed (what `giamngheo serve --demo` builds) with every row unchanged; an
    /// officer changes a cell to see a correction.
    public func exampleSurvey(count: Int = 60, years: ClosedRange<Int> = 2024...2026) -> [[String]] {
        let plan = DemoPlan(households: households, seed: seed)
        var byHousehold: [Int: [Int: DemoPlan.Review]] = [:]
        for r in plan.reviews where years.contains(Int(r.year)) { byHousehold[Int(r.household), default: [:]][Int(r.year)] = r }
        let chosen = byHousehold.filter { $0.value.count == years.count }.keys
            .sorted { plan.households[$0].code < plan.households[$1].code }.prefix(count)
        let catalog = StandardCatalog.builtIn
        let bits = DemoPlan.indicatorColumns.map { UInt64(1) << catalog.indicator(code: $0)!.index }
        var rows = [Self.exampleHeader]
        for year in years {
            for h in chosen {
                guard let r = byHousehold[h]?[year] else { continue }
                let household = plan.households[h]
                let member = plan.members[household.primary]
                var cells = [household.code, String(year), plan.units[Int(r.unit)].code, member.citizenID, member.name,
                             household.urban ? "Thành thị" : "Nông thôn", String(r.size), Money.format(r.total)]
                for b in bits { cells.append(r.mask & b != 0 ? "1" : "0") }
                cells += [household.minority ? "1" : "0", household.ethnicity, r.official?.rawValue ?? "",
                          r.status == .poor ? household.causes : "", "Ninh Bình", DemoGeography.communes[household.commune].name,
                          household.address]
                rows.append(cells)
            }
        }
        return rows
    }
}
