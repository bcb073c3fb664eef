import Foundation
import PovertyCore
@testable import Storage
import SQLKit
import Testing

/// Annual reports: the draft → submitted → returned → accepted workflow, who may do what,
/// figures frozen at submission, deadlines set above, and every step audited.
@Suite struct ReportTests {
    @Test(arguments: TestDatabase.available)
    func workflowFromDraftToAccepted(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await store.importUnits(Files.smallTree)
            try await store.importMembers(Files.smallMembers)
            try await store.importSurvey([Files.surveyHeader,
                                          Files.poor("HO-01", 2024, unit: "C1"), Files.poor("HO-02", 2024, unit: "C2"),
                                          Files.poor("HO-01", 2025, unit: "C1"), Files.notPoor("HO-02", 2025, unit: "C2"),
                                          Files.nearPoor("HO-03", 2025, unit: "C1")])
            let history = try await store.units.history()
            let h1 = try await store.unitID("H1"), c1 = try await store.unitID("C1"), t = try await store.unitID("T")
            let today = day(2025, 12, 10)
            let h1Scope = Scope.today(of: h1, in: history, on: today)
            let c1Scope = Scope.today(of: c1, in: history, on: today)
            let reports = store.reports

            // The figures of H1's branch for 2025: two reviewed, one poor, one escaped since 2024.
            let f = try await reports.figures(unitID: h1, year: 2025, history: history, today: today)
            #expect(f.households == 3 && f.poor == 1 && f.nearPoor == 1 && f.previousPoor == 2 && f.escaped == 1)

            // Nothing to submit before a draft exists; an empty results part is refused.
            await #expect(throws: StorageError.self) {
                try await reports.submit(unit: h1, year: 2025, on: today, scope: h1Scope, actor: "h1")
            }
            try await reports.save(unit: h1, year: 2025, narrative: ReportNarrative(), scope: h1Scope, actor: "h1")
            await #expect(throws: StorageError.self) {
                try await reports.submit(unit: h1, year: 2025, on: today, scope: h1Scope, actor: "h1")
            }
            // Another branch's officer cannot touch it.
            await #expect(throws: StorageError.outOfScope("đơn vị / unit \(h1)")) {
                try await reports.save(unit: h1, year: 2025, narrative: ReportNarrative(results: "x"), scope: c1Scope, actor: "c1")
            }
            try await reports.save(unit: h1, year: 2025, narrative: ReportNarrative(results: "Giảm 1 hộ nghèo.", shortcomings: "Thiếu vốn.", proposals: "Tăng vốn vay."),
                                   scope: h1Scope, actor: "h1")
            try await reports.submit(unit: h1, year: 2025, on: today, scope: h1Scope, actor: "h1")
            var r = try #require(try await reports.report(unit: h1, year: 2025, scope: h1Scope))
            #expect(r.status == .submitted && r.submittedOn == today && r.frozenFigures?.poor == 1)

            // Submitted: no more edits; the unit cannot review itself; a return needs a comment.
            await #expect(throws: StorageError.self) {
                try await reports.save(unit: h1, year: 2025, narrative: ReportNarrative(results: "y"), scope: h1Scope, actor: "h1")
            }
            await #expect(throws: StorageError.self) {
                try await reports.review(unit: h1, year: 2025, accept: true, comment: "", on: today, reviewerUnitID: h1, scope: h1Scope, actor: "h1")
            }
            let tScope = Scope.today(of: t, in: history, on: today)
            await #expect(throws: StorageError.self) {
                try await reports.review(unit: h1, year: 2025, accept: false, comment: "  ", on: today, reviewerUnitID: t, scope: tScope, actor: "tinh")
            }
            try await reports.review(unit: h1, year: 2025, accept: false, comment: "Bổ sung nguyên nhân.", on: today, reviewerUnitID: t, scope: tScope, actor: "tinh")
            r = try #require(try await reports.report(unit: h1, year: 2025, scope: h1Scope))
            #expect(r.status == .returned && r.reviewComment == "Bổ sung nguyên nhân.")

            // A later import changes the live figures; the re-submission freezes the new ones.
            try await store.importSurvey([Files.surveyHeader, Files.poor("HO-02", 2025, unit: "C2")])
            try await reports.save(unit: h1, year: 2025, narrative: ReportNarrative(results: "Giảm 0 hộ.", shortcomings: "Thiếu vốn, thiên tai.", proposals: ""),
                                   scope: h1Scope, actor: "h1")
            try await reports.submit(unit: h1, year: 2025, on: day(2025, 12, 15), scope: h1Scope, actor: "h1")
            try await reports.review(unit: h1, year: 2025, accept: true, comment: "", on: day(2025, 12, 16), reviewerUnitID: t, scope: tScope, actor: "tinh")
            r = try #require(try await reports.report(unit: h1, year: 2025, scope: h1Scope))
            #expect(r.status == .accepted && r.frozenFigures?.poor == 2 && r.reviewedBy == "tinh")
            #expect(r.events.map(\.action) == ["luu", "luu", "gui", "tra_lai", "luu", "gui", "chap_nhan"])
            // Accepted is final; the province (top unit) has no unit above to submit to.
            await #expect(throws: StorageError.self) {
                try await reports.review(unit: h1, year: 2025, accept: false, comment: "x", on: today, reviewerUnitID: t, scope: tScope, actor: "tinh")
            }
            try await reports.save(unit: t, year: 2025, narrative: ReportNarrative(results: "Tỉnh"), scope: tScope, actor: "tinh")
            await #expect(throws: StorageError.self) {
                try await reports.submit(unit: t, year: 2025, on: today, scope: tScope, actor: "tinh")
            }
            #expect(try await store.audit.entries(entity: "annual_report").count == 8)
            #expect(try await reports.statuses(year: 2025, scope: h1Scope) == [h1: FiledReport(.accepted, submittedOn: day(2025, 12, 15))])
        }
    }

    @Test(arguments: TestDatabase.available)
    func deadlinesComeFromTheNearestUnitAbove(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await store.importUnits(Files.smallTree)
            let history = try await store.units.history()
            let t = try await store.unitID("T"), h1 = try await store.unitID("H1"), c1 = try await store.unitID("C1"), c3 = try await store.unitID("C3")
            let today = day(2025, 11, 1)
            #expect(try await store.reports.deadline(for: c1, year: 2025, history: history, on: today) == day(2025, 12, 20))
            try await store.reports.setDeadline(unit: t, year: 2025, due: day(2026, 1, 10), scope: .everything, actor: "tinh")
            try await store.reports.setDeadline(unit: h1, year: 2025, due: day(2025, 12, 25), scope: Scope.today(of: h1, in: history, on: today), actor: "h1")
            #expect(try await store.reports.deadline(for: c1, year: 2025, history: history, on: today) == day(2025, 12, 25))
            #expect(try await store.reports.deadline(for: c3, year: 2025, history: history, on: today) == day(2026, 1, 10))
            #expect(try await store.reports.deadline(for: h1, year: 2025, history: history, on: today) == day(2026, 1, 10))
            await #expect(throws: StorageError.self) {
                try await store.reports.setDeadline(unit: t, year: 2025, due: day(2027, 1, 1), scope: .everything, actor: "tinh")
            }
        }
    }
}
