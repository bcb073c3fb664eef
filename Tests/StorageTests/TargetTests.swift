import Foundation
import PovertyCore
@_spi(Simulation) @testable import Storage
import SQLKit
import Testing

/// Targets as data: the baseline is frozen when the target is set, survives later corrections
/// of the baseline year and a 2025-style merger, and applies to branches below the unit.
@Suite struct TargetTests {
    @Test(arguments: TestDatabase.available)
    func baselineIsFrozenThroughEditsAndAMerger(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await store.importUnits(Files.smallTree)
            try await store.importMembers(Files.smallMembers)
            try await store.importSurvey([Files.surveyHeader,
                                          Files.poor("HO-01", 2021, unit: "C1"), Files.poor("HO-02", 2021, unit: "C2"),
                                          Files.poor("HO-03", 2021, unit: "C3"), Files.poor("HO-04", 2021, unit: "C3"),
                                          Files.nearPoor("HO-05", 2021, unit: "C1")])
            let id = try await store.targets.set(try await store.op, unit: "T", baselineYear: 2021, targetYear: 2025, reductionPermille: 700,
                                                 note: "Kế hoạch 44/KH-LĐLĐ", on: day(2024, 1, 1))
            #expect(id > 0)
            var history = try await store.units.history()
            let t = try await store.unitID("T"), h1 = try await store.unitID("H1")
            var province = try #require(try await store.targets.progress(of: t, history: history, on: day(2024, 1, 1)).first)
            #expect(province.path.baseline == 4 && province.path.goal == 1)  // 4 × 30% = 1.2 → 1
            // A branch without a target of its own follows the province's reduction on its own baseline.
            let district = try #require(try await store.targets.progress(of: h1, history: history, on: day(2024, 1, 1)).first)
            #expect(district.target.id == id && district.path.baseline == 2 && district.path.goal == 0)  // 0.6 → 0: at least 70% down

            // A later correction of 2021 changes the counts but not the frozen baseline.
            try await store.importSurvey([Files.surveyHeader, Files.notPoor("HO-04", 2021, unit: "C3")])
            #expect(try await store.reviews.countsByUnit(year: 2021, scope: .province)[try await store.unitID("C3")]?.poor == 1)
            history = try await store.units.history()
            province = try #require(try await store.targets.progress(of: t, history: history, on: day(2024, 1, 1)).first)
            #expect(province.path.baseline == 4)

            // The 2025 reform: C1 and C2 merge into C12, the district federations end.
            try await store.units.merge(try await store.op, ["C1", "C2"], into: NewUnit(code: "C12", name: "CĐCS Hoa Lư", kind: .grassrootsUnion, parentCode: "T"),
                                        on: day(2025, 7, 1))
            try await store.units.move(try await store.op, "C3", under: "T", on: day(2025, 7, 1))
            try await store.units.dissolve(try await store.op, "H1", successor: "T", on: day(2025, 7, 1))
            try await store.units.dissolve(try await store.op, "H2", successor: "T", on: day(2025, 7, 1))
            history = try await store.units.history()
            let c12 = try await store.unitID("C12")
            let merged = try #require(try await store.targets.progress(of: c12, history: history, on: day(2025, 12, 31)).first)
            #expect(merged.path.baseline == 2)  // C1's and C2's frozen counts moved to their successor

            // 2025: one poor household left in the province, at C3 — on course (goal 1).
            try await store.importSurvey([Files.surveyHeader, Files.notPoor("HO-01", 2025, unit: "C12"), Files.poor("HO-03", 2025, unit: "C3")])
            province = try #require(try await store.targets.progress(of: t, history: history, on: day(2025, 12, 31)).first)
            #expect(province.path.baseline == 4 && province.latestYear == 2025 && province.latest == 1)
            #expect(province.onCourse == true)
            // A report of 2021 says where the branch stood then, not at its latest review.
            let then = try #require(try await store.targets.progress(of: t, history: history, on: day(2025, 12, 31), upTo: 2021).first)
            #expect(then.latestYear == 2021 && then.latest == 3)
            #expect(province.path.reduction(actual: 1) == Ratio(3, 4))
            // Replacing the target freezes again (on the tree of its day), and both are audited.
            try await store.targets.set(try await store.op, unit: "T", baselineYear: 2021, targetYear: 2025, reductionPermille: 700, on: day(2025, 12, 31))
            #expect(try await store.targets.all().count == 1)
            #expect(try await store.targets.progress(of: t, history: history, on: day(2025, 12, 31)).first?.path.baseline == 3)
            let audit = try await store.audit.entries(try await store.op, entity: "target")
            #expect(audit.count == 2)
            // The replacement's entry keeps the one it replaced, its baseline included.
            #expect(audit.contains { $0.detail.contains("thay mục tiêu #") && $0.detail.contains("2021→2025 giảm 700‰") && $0.detail.contains("gốc (cả tỉnh) 4") })
            // A baseline year not yet reviewed is refused: it would freeze 0.
            await #expect(throws: StorageError.invalid(Message("refusal.target.baseline_unreviewed", .number(2026), .text("T")))) {
                try await store.targets.set(try await store.op, unit: "T", baselineYear: 2026, targetYear: 2030, reductionPermille: 500, on: day(2026, 12, 1))
            }
            await #expect(throws: StorageError.self) {
                try await store.targets.set(try await store.op, unit: "T", baselineYear: 2025, targetYear: 2025, reductionPermille: 500, on: day(2025, 12, 31))
            }

            // The next plan's target (2030, set as data): in force from 2026 on; 2025's until then.
            let next = try await store.targets.set(try await store.op, unit: "T", baselineYear: 2025, targetYear: 2030, reductionPermille: 500, on: day(2026, 1, 5))
            let both = try await store.targets.progress(of: t, history: history, on: day(2026, 1, 5))
            #expect(both.count == 2)
            #expect(both.inForce(.poorHouseholds, in: 2025)?.target.targetYear == 2025)
            #expect(both.inForce(.poorHouseholds, in: 2026)?.target.id == next)
            #expect(both.inForce(.poorHouseholds, in: 2031)?.target.id == next)  // past every target: the last one set
            #expect(both.inForce(.poorHouseholds, in: 2024)?.target.targetYear == 2025)
            #expect([TargetProgress]().inForce(.poorHouseholds, in: 2026) == nil)
        }
    }

    /// A unit split after its baseline was frozen: its count follows the primary part, so
    /// neither part's baseline is its own and neither is judged; a branch holding both is.
    @Test(arguments: TestDatabase.available)
    func aSplitUnitsPartsAreNotJudgedOnItsWholeBaseline(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await store.importUnits(Files.smallTree)
            try await store.importMembers(Files.smallMembers)
            try await store.importSurvey([Files.surveyHeader, Files.poor("HO-01", 2021, unit: "C1"),
                                          Files.poor("HO-03", 2021, unit: "C3"), Files.poor("HO-04", 2021, unit: "C3")])
            try await store.targets.set(try await store.op, unit: "T", baselineYear: 2021, targetYear: 2025, reductionPermille: 700, on: day(2024, 1, 1))
            try await store.units.split(try await store.op, "C3", into: [NewUnit(code: "C3A", name: "CĐCS A", kind: .grassrootsUnion, parentCode: "H2"),
                                                                         NewUnit(code: "C3B", name: "CĐCS B", kind: .grassrootsUnion, parentCode: "H2")],
                                        on: day(2025, 1, 1))
            try await store.importSurvey([Files.surveyHeader, Files.notPoor("HO-03", 2025, unit: "C3A"), Files.poor("HO-04", 2025, unit: "C3B"),
                                          Files.notPoor("HO-01", 2025, unit: "C1")])
            let history = try await store.units.history()
            func progress(_ code: String) async throws -> TargetProgress {
                try #require(try await store.targets.progress(of: try await store.unitID(code), history: history, on: day(2025, 12, 31)).first)
            }
            let a = try await progress("C3A"), b = try await progress("C3B")
            #expect(a.path.baseline == 2 && b.path.baseline == 0)  // the whole count follows the primary part
            #expect(a.baselineDivided && b.baselineDivided)
            #expect(a.onCourse == nil && b.onCourse == nil && !b.comparable)
            let branch = try await progress("H2"), province = try await progress("T")
            #expect(!branch.baselineDivided && branch.path.baseline == 2 && branch.latest == 1 && branch.onCourse == false)  // goal 0
            #expect(!province.baselineDivided && province.path.baseline == 3 && province.path.goal == 0 && province.latest == 1 && province.onCourse == false)
        }
    }
}
