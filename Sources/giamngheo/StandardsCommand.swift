import ArgumentParser
import PovertyCore

struct StandardsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "standards",
        abstract: "Liệt kê các chuẩn nghèo hoặc xem một chuẩn / List the poverty standards or show one."
    )

    @Argument(help: "Mã chuẩn cần xem, vd. vn-2022 / A standard to show, e.g. vn-2022.")
    var code: String?

    func run() throws {
        let catalog = StandardCatalog.builtIn
        guard let code else {
            print("chuan     nam_ra_soat  ap_dung      can_cu / legal source")
            for s in catalog.standards {
                let review = "\(s.reviewYears.lowerBound)–\(s.reviewYears.upperBound)"
                let lists = "\(s.listYears.lowerBound)–\(s.listYears.upperBound)"
                let flag = s.provisional ? " [tạm tính / provisional]" : ""
                print("\(s.code.padding(9)) \(review.padding(12)) \(lists.padding(12)) \(s.source)\(flag)")
            }
            print("\nXem chi tiết / details: giamngheo standards <mã/code>")
            return
        }
        guard let s = try resolveStandard(code) else { return }
        print("\(s.code): \(s.nameVi) / \(s.nameEn)")
        print("Căn cứ / source: \(s.source) / \(s.sourceEn)")
        if s.provisional { print("Tạm tính, cần đối chiếu văn bản / provisional until checked against the decree") }
        print("Năm rà soát / review years: \(s.reviewYears.lowerBound)–\(s.reviewYears.upperBound); danh sách áp dụng / lists in force: \(s.listYears.lowerBound)–\(s.listYears.upperBound)")
        print("Hộ nghèo khi thiếu hụt từ \(s.deprivationCutoff) chỉ số / poor when deprived in \(s.deprivationCutoff) or more")
        for area in Area.allCases {
            print("\nKhu vực \(area.vietnamese) / \(area.english) (đ/người/tháng, per person per month):")
            var previous: Dong?
            for band in s.bands(for: area) {
                let range = previous.map { "> \(Money.format($0)) và ≤ \(Money.format(band.upTo))" } ?? "≤ \(Money.format(band.upTo))"
                let outcome: String
                switch band.outcome {
                case .fixed(let st): outcome = "\(st.vietnamese) / \(st.english)"
                case .poorIfDeprived: outcome = "hộ nghèo nếu thiếu hụt ≥ \(s.deprivationCutoff) chỉ số, còn lại hộ cận nghèo / poor with ≥ \(s.deprivationCutoff) deprivations, otherwise near-poor"
                }
                print("  \(range.padding(30)) \(band.lineVi): \(outcome)")
                previous = band.upTo
            }
            if let last = previous { print("  \("> \(Money.format(last))".padding(30)) không nghèo / not poor") }
        }
        print("\nChỉ số thiếu hụt / deprivation indicators (\(s.indicatorCount)):")
        for ind in s.indicators {
            let dim = s.dimensionOf[ind.code]!
            print("  \(ind.code.padding(22)) \(dim.vi) / \(dim.en): \(ind.vi) / \(ind.en)")
        }
    }
}

extension String {
    func padding(_ width: Int) -> String { count >= width ? self + " " : self + String(repeating: " ", count: width - count) }
}
