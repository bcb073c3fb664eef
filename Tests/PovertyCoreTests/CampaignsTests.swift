import Foundation
import Testing
@testable import PovertyCore

private func day(_ iso: String) -> Day {
    guard let d = Day(iso) else { fatalError("bad test date \(iso)") }
    return d
}

@Suite("Campaigns, gift amounts and need")
struct CampaignsTests {
    let rules = SupportRules.bundled

    @Test func kindsAndTheirPolicies() {
        #expect(CampaignKind.allCases.map(\.rawValue) == ["thang_cong_nhan", "tet_sum_vay", "vi_nguoi_ngheo", "mai_am"])
        #expect(CampaignKind.tet.nameVi == "Tết Sum vầy")
        #expect(CampaignKind.maiAm.nameVi == "Mái ấm Công đoàn")
        #expect(CampaignKind.allCases.map(\.supportPolicy) == ["qua_thang_cong_nhan", "qua_tet", "tro_cap_kho_khan", "mai_am_xay_moi"])
        #expect(CampaignKind.allCases.allSatisfy { !$0.nameEn.isEmpty })
    }

    @Test func bundledAmounts() {
        #expect(rules.maiAmRepeatYears == 10)
        // The Ninh Bình federation's own amounts, for its units and their descendants.
        let ninhBinh = ["CDCS-001", "LDLD-NB-HL", "LDLD-NB"]
        #expect(rules.giftAmount(kind: .tet, unitCodes: ninhBinh) == 1_000_000)
        #expect(rules.giftAmount(kind: .workersMonth, unitCodes: ninhBinh) == 500_000)
        #expect(rules.giftAmount(kind: .forThePoor, unitCodes: ninhBinh) == 1_000_000)
        #expect(rules.giftAmount(kind: .maiAm, unitCodes: ninhBinh) == 60_000_000)
        // Elsewhere, the default table.
        for units in [["LDLD-HN"], []] {
            for kind in CampaignKind.allCases {
                #expect(rules.giftAmount(kind: kind, unitCodes: units) == rules.defaultAmounts[kind], "\(kind) \(units)")
            }
        }
        #expect(CampaignKind.allCases.allSatisfy { (rules.defaultAmounts[$0] ?? 0) > 0 })
    }

    @Test func nearestOverrideWinsPerKind() throws {
        let r = try SupportRules(
            maiAmRepeatYears: 5,
            defaultAmounts: [.tet: 100, .workersMonth: 200, .forThePoor: 300, .maiAm: 400],
            unitAmounts: ["CD-A": [.tet: 110], "LD-B": [.tet: 120, .maiAm: 420]])
        #expect(r.giftAmount(kind: .tet, unitCodes: ["CD-A", "LD-B"]) == 110)
        #expect(r.giftAmount(kind: .tet, unitCodes: ["CD-X", "LD-B"]) == 120)
        #expect(r.giftAmount(kind: .maiAm, unitCodes: ["CD-A", "LD-B"]) == 420)
        #expect(r.giftAmount(kind: .workersMonth, unitCodes: ["CD-A", "LD-B"]) == 200)
        #expect(r.giftAmount(kind: .forThePoor, unitCodes: []) == 300)
    }

    @Test func validation() {
        let full: [CampaignKind: Dong] = [.tet: 1, .workersMonth: 1, .forThePoor: 1, .maiAm: 1]
        #expect(throws: SupportRules.LoadError.missingDefault(.maiAm)) {
            try SupportRules(maiAmRepeatYears: 10, defaultAmounts: [.tet: 1, .workersMonth: 1, .forThePoor: 1])
        }
        #expect(throws: SupportRules.LoadError.badRepeatYears(0)) {
            try SupportRules(maiAmRepeatYears: 0, defaultAmounts: full)
        }
        #expect(throws: SupportRules.LoadError.badAmount(unit: "LD-B", kind: .tet)) {
            try SupportRules(maiAmRepeatYears: 10, defaultAmounts: full, unitAmounts: ["LD-B": [.tet: 0]])
        }
        let json = #"{"maiAmRepeatYears": 10, "giftAmounts": {"default": {"tet_sum_vay": 1, "thang_cong_nhan": 1, "vi_nguoi_ngheo": 1, "mai_am": 1}, "units": {"LD-B": {"trung_thu": 5}}}}"#
        #expect(throws: SupportRules.LoadError.unknownKind("trung_thu")) { try SupportRules(json: Data(json.utf8)) }
        #expect(throws: SupportRules.LoadError.self) { try SupportRules(json: Data("[]".utf8)) }
    }

    @Test func maiAmOnceInTenYears() {
        #expect(rules.maiAmAllowed(given: [], on: day("2025-06-01")))
        #expect(!rules.maiAmAllowed(given: [day("2016-03-15")], on: day("2026-03-14")))
        #expect(rules.maiAmAllowed(given: [day("2016-03-15")], on: day("2026-03-15")))
        #expect(!rules.maiAmAllowed(given: [day("2020-01-01")], on: day("2025-06-01")))
        // 29/02 ten years on is 28/02 (2026 is not a leap year).
        #expect(!rules.maiAmAllowed(given: [day("2016-02-29")], on: day("2026-02-27")))
        #expect(rules.maiAmAllowed(given: [day("2016-02-29")], on: day("2026-02-28")))
        // A house recorded late, before one already recorded: the later one is within ten years of it.
        #expect(rules.maiAmConflict(given: [day("2024-05-01")], on: day("2015-01-10")) == day("2024-05-01"))
        #expect(rules.maiAmConflict(given: [day("2025-05-01")], on: day("2015-05-01")) == nil)
        // Houses on both sides: the nearer-than-ten-years one is named, whichever side it is.
        #expect(rules.maiAmConflict(given: [day("2030-01-01"), day("2005-01-01")], on: day("2012-06-01")) == day("2005-01-01"))
        #expect(rules.maiAmConflict(given: [day("2036-06-01"), day("2005-01-01")], on: day("2026-06-01")) == nil)
    }

    @Test func needOrder() {
        let poor = LivingStandard.poor.rawValue, near = LivingStandard.nearPoor.rawValue
        let candidates = [
            NeedCandidate(householdID: 1, status: LivingStandard.notPoor.rawValue, deprivationCount: 5, perCapitaIncome: 100, hardship: true),
            NeedCandidate(householdID: 2, status: near, deprivationCount: 1, perCapitaIncome: 900_000, hardship: false),
            NeedCandidate(householdID: 3, status: poor, deprivationCount: 3, perCapitaIncome: 1_200_000, hardship: false),
            NeedCandidate(householdID: 4, status: poor, deprivationCount: 1, perCapitaIncome: 2_000_000, hardship: true),
            NeedCandidate(householdID: 5, status: poor, deprivationCount: 3, perCapitaIncome: 1_000_000, hardship: false),
            NeedCandidate(householdID: 6, status: poor, deprivationCount: 4, perCapitaIncome: 1_500_000, hardship: false),
            NeedCandidate(householdID: 7, status: near, deprivationCount: 0, perCapitaIncome: 1_000_000, hardship: true),
            NeedCandidate(householdID: 8, status: poor, deprivationCount: 3, perCapitaIncome: 1_000_000, hardship: false),
            NeedCandidate(householdID: 9, status: LivingStandard.average.rawValue, deprivationCount: 2, perCapitaIncome: 2_500_000, hardship: false),
            NeedCandidate(householdID: 10, status: near, deprivationCount: 2, perCapitaIncome: 1_100_000, hardship: false),
        ]
        // Poor: hardship (4); then 4 deprivations (6); then 3 at 1,000,000 by ID (5, 8); then 3 at 1,200,000 (3).
        // Near-poor: hardship (7); then 2 deprivations (10); then 1 (2). Others: hardship (1), then 9.
        let expected = [4, 6, 5, 8, 3, 7, 10, 2, 1, 9]
        #expect(Need.order(candidates).map(\.householdID) == expected)
        #expect(Need.order(candidates.reversed()).map(\.householdID) == expected)
        #expect(Need.order([]).isEmpty)
    }
}

@Suite struct TargetPathTests {
    @Test func seventyPercentDownFrom2021To2025() {
        let path = TargetPath(baselineYear: 2021, baseline: 1_234, targetYear: 2025, reductionPermille: 700)
        #expect(path.goal == 370)  // 1,234 × 30% = 370.2 → 370
        #expect(path.expected(in: 2020) == 1_234)
        #expect(path.expected(in: 2021) == 1_234)
        #expect(path.expected(in: 2022) == 1_018)  // 1,234 − 864/4 = 1,018
        #expect(path.expected(in: 2023) == 802)
        #expect(path.expected(in: 2024) == 586)
        #expect(path.expected(in: 2025) == 370)
        #expect(path.expected(in: 2030) == 370)
        #expect(path.onCourse(actual: 802, in: 2023))
        #expect(!path.onCourse(actual: 803, in: 2023))
        #expect(path.reduction(actual: 370) == Ratio(864, 1_234))
    }

    @Test func levelsAndRounding() {
        let level = TargetPath(baselineYear: 2025, baseline: 10, targetYear: 2030, level: 3)
        #expect(level.goal == 3)
        // Rounded down: at or under the exact line.
        #expect((2025...2030).map(level.expected) == [10, 8, 7, 5, 4, 3])  // 8.6 → 8, 7.2 → 7, 5.8 → 5, 4.4 → 4
        #expect(TargetPath(baselineYear: 2021, baseline: 5, targetYear: 2025, reductionPermille: 700).goal == 1)  // 1.5 left → 1
        // "Down 70%" is at least 70% down: 3 → 0.9 → 0 (not 1, 66.7% down); 13 → 3.9 → 3 (not 4, 69.2%).
        #expect(TargetPath(baselineYear: 2021, baseline: 3, targetYear: 2025, reductionPermille: 700).goal == 0)
        #expect(TargetPath(baselineYear: 2021, baseline: 13, targetYear: 2025, reductionPermille: 700).goal == 3)
        #expect(TargetPath(baselineYear: 2021, baseline: 10, targetYear: 2025, reductionPermille: 700).goal == 3)  // exactly 70%
        #expect(TargetPath.divideDown(-7, 2) == -4)
        #expect(TargetPath.divideDown(-8, 2) == -4)
        #expect(TargetPath.divideDown(7, 2) == 3)
        #expect(TargetPath(baselineYear: 2021, baseline: 0, targetYear: 2025, reductionPermille: 700).expected(in: 2023) == 0)
        #expect(TargetPath(baselineYear: 2025, baseline: 7, targetYear: 2025, level: 2).expected(in: 2025) == 2)
    }
}
