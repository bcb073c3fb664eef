import App
import Demo
import Foundation
import PovertyCore
import Spreadsheets
@_spi(Simulation) @testable import Storage
import Testing
import Vapor
import VaporTesting

/// A code typed into a form (a member, a household, a unit) that is not found in the officer's
/// branch: the form again with the field's thing named and what was typed kept, in the same
/// words whether it is another branch's or exists nowhere. A refused step writes nothing, and
/// where a page goes next is decided by what Storage changed, not by the form.
@Suite("Codes typed into forms", .serialized)
struct TypedCodeTests {
    @Test("a member or household typed that is not in the branch: the form again, the same for another branch's and for none", arguments: WebDatabase.available)
    func typedCodes(db: WebDatabase) async throws {
        try await db.withApp { app, _ in
            let store = app.web.store
            let coso = try await store.account(named: "coso")
            let unitCode = try #require(try await store.units.history().units[coso.unitID]?.code)
            let theirs = try await MemberPageTests.member(store, of: "coso", inside: false)
            let household = try await BranchBoundaryWebTests.outsider(store, of: "coso").code
            let unknown = "ZZ-KHONG-CO"
            let web = WebClient(app)
            try await web.login("coso")
            let csrf = try #require(try await web.get("/loans").csrf)
            let loansBefore = try await store.sql.raw("SELECT COUNT(*) AS n FROM loans").first()?.int("n")

            // A loan applied for another branch's member, and for a member who does not exist.
            func apply(_ member: String) async throws -> WebClient.Page {
                try await web.post("/loans", form: ["_csrf": csrf, "member": member, "unit": unitCode, "purpose": "chan_nuoi",
                                                    "amount": "30.000.000", "term": "24", "every": "3", "workers": "1", "jobs": "1"])
            }
            let away = try await apply(theirs), none = try await apply(unknown)
            #expect(away.status == .badRequest && none.status == .badRequest)
            #expect(away.body.contains("form-error") && away.body.contains("không tìm thấy đoàn viên"))
            // What was typed stays on the form.
            #expect(away.body.contains("value=\"30.000.000\""))
            #expect(ExistenceOracleTests.same((away.status, PageSnapshotTests.stable(away.body)), (none.status, PageSnapshotTests.stable(none.body)), theirs, unknown))
            #expect(try await store.sql.raw("SELECT COUNT(*) AS n FROM loans").first()?.int("n") == loansBefore)

            // A hardship recorded for another branch's household, and for one that does not exist.
            func record(_ code: String) async throws -> WebClient.Page {
                try await web.post("/hardship", form: ["_csrf": csrf, "household": code, "kind": "benh_hiem_ngheo", "note": "nằm viện", "verifiedBy": "Nguyễn Văn A"])
            }
            let hAway = try await record(household), hNone = try await record(unknown)
            #expect(hAway.status == .badRequest && hAway.body.contains("không tìm thấy hộ"))
            #expect(ExistenceOracleTests.same((hAway.status, PageSnapshotTests.stable(hAway.body)), (hNone.status, PageSnapshotTests.stable(hNone.body)), household, unknown))

            // An allocation naming a unit of another branch, then one that exists nowhere: the
            // same answer (the unit giving is checked before the one receiving is looked up).
            let officer = try await store.actor(for: coso, via: .web)
            let outsideUnit = try #require(officer.history.units.values.sorted { $0.code < $1.code }.first { !officer.scope.contains($0.id) }?.code)
            func allocate(from: String) async throws -> WebClient.Page {
                try await web.post("/funds", form: ["_csrf": csrf, "action": "allocate", "fund": "xa_hoi", "unit": from, "toUnit": "ZZ-NHAN",
                                                    "amount": "1.000"])
            }
            let fromTheirs = try await allocate(from: outsideUnit), fromNone = try await allocate(from: unknown)
            #expect(fromTheirs.status == .badRequest && fromTheirs.body.contains("không tìm thấy đơn vị"))
            #expect(ExistenceOracleTests.same((fromTheirs.status, PageSnapshotTests.stable(fromTheirs.body)),
                                              (fromNone.status, PageSnapshotTests.stable(fromNone.body)), outsideUnit, unknown))

            // A member moved to a unit outside the branch: the member's page again, the unit named.
            let ours = try await MemberPageTests.member(store, of: "coso", inside: true)
            let root = DemoProvince.rootCode
            let moved = try await web.post("/members/\(ours)/move", form: ["_csrf": csrf, "unit": root, "date": "01/01/2026"])
            #expect(moved.status == .badRequest && moved.body.contains("không tìm thấy đơn vị"))
            // The page's own thing not found stays a 404.
            #expect(try await web.post("/members/\(theirs)/move", form: ["_csrf": csrf, "unit": unitCode, "date": "01/01/2026"]).status == .notFound)
        }
    }

    @Test("cancelling support goes back to the household Storage cancelled it for, whatever the form says", arguments: WebDatabase.available)
    func cancelGoesToTheSupportsHousehold(db: WebDatabase) async throws {
        try await db.withApp { app, _ in
            let store = app.web.store
            let coso = try await store.account(named: "coso")
            let actor = try await store.actor(for: coso, via: .web)
            let unitCode = try #require(actor.history.units[coso.unitID]?.code)
            let year = try #require(try await store.browse.latestYear(actor))
            let rows = try await store.sql.raw("""
                SELECT h.code, r.unit_id FROM reviews r JOIN households h ON h.id = r.household_id WHERE r.year = \(bind: year) ORDER BY h.code
                """).all()
            let inside = try rows.filter { actor.scope.contains(try $0.int("unit_id")) }.map { try $0.string("code") }
            #expect(inside.count >= 2)
            let (home, other) = (inside[0], inside[1])
            let id = try await store.support.record(actor, NewSupport(household: home, policy: "ho_tro_bhyt", day: store.today, value: 100_000,
                                                                      source: .state, sourceName: "BHXH", unit: unitCode))
            let web = WebClient(app)
            try await web.login("coso")
            let csrf = try #require(try await web.get("/households/\(home)").csrf)
            // Refused (no reason): the page the form names, with the reason asked for.
            let refused = try await web.post("/support/\(id)/cancel", form: ["_csrf": csrf, "household": home, "reason": " "])
            #expect(refused.status == .badRequest)
            // A reason refused (too long) stays in that row's form.
            let long = String(repeating: "nhầm ", count: 450)
            let tooLong = try await web.post("/support/\(id)/cancel", form: ["_csrf": csrf, "household": home, "reason": long])
            #expect(tooLong.status == .badRequest && tooLong.body.contains("value=\"\(long)\""))
            let cancelled = try await web.post("/support/\(id)/cancel", form: ["_csrf": csrf, "household": other, "reason": "ghi nhầm"])
            #expect(cancelled.status == .seeOther)
            #expect(cancelled.location == "/households/\(home)?notice=support_cancelled")
        }
    }

    @Test("a refused submission saves none of the text sent with it", arguments: WebDatabase.available)
    func refusedSubmissionSavesNothing(db: WebDatabase) async throws {
        try await db.withApp { app, _ in
            let store = app.web.store
            let coso = try await store.account(named: "coso")
            let actor = try await store.actor(for: coso, via: .web)
            let code = try #require(actor.history.units[coso.unitID]?.code)
            let year = try #require(try await store.browse.latestYear(actor))
            try await store.reports.save(actor, unit: coso.unitID, year: year, narrative: ReportNarrative(results: "Bản nháp đã lưu.", shortcomings: "", proposals: ""))
            let web = WebClient(app)
            try await web.login("coso")
            let path = "/reports/\(code)/\(year)"
            let csrf = try #require(try await web.get(path).csrf)
            // The results part emptied and sent with "Gửi": refused, the form keeps what was typed, the stored draft is unchanged.
            let refused = try await web.post(path, form: ["_csrf": csrf, "action": "submit", "results": " ", "shortcomings": "Thiếu vốn mới gõ", "proposals": ""])
            #expect(refused.status == .badRequest && refused.body.contains("phần kết quả đạt được còn trống") && refused.body.contains("Thiếu vốn mới gõ"))
            let stored = try await store.reports.report(actor, unit: coso.unitID, year: year)
            #expect(stored?.narrative.results == "Bản nháp đã lưu." && stored?.narrative.shortcomings == "" && stored?.status == .draft)
            // Sent with text, it is saved and submitted at once.
            let sent = try await web.post(path, form: ["_csrf": csrf, "action": "submit", "results": "Đã hỗ trợ 3 hộ.", "shortcomings": "", "proposals": ""])
            #expect(sent.status == .seeOther)
            let submitted = try await store.reports.report(actor, unit: coso.unitID, year: year)
            #expect(submitted?.status == .submitted && submitted?.narrative.results == "Đã hỗ trợ 3 hộ.")
        }
    }

    @Test("a refused deadline shows the board of the year it was for, with the date typed", arguments: WebDatabase.available)
    func refusedDeadlineKeepsItsYear(db: WebDatabase) async throws {
        try await db.withApp { app, _ in
            let store = app.web.store
            let latest = try #require(try await store.browse.latestYear(try await store.op))
            let earlier = latest - 1
            let web = WebClient(app)
            try await web.login("xaphuong")
            let page = try await web.get("/reports?year=\(earlier)")
            #expect(page.body.contains("id=\"deadline-form\""))
            let refused = try await web.post("/reports/deadline", form: ["_csrf": page.csrf ?? "", "year": String(earlier), "due": "31/13/\(latest)"])
            // The message names the field.
            #expect(refused.status == .badRequest && refused.body.contains("Hạn nộp: &#39;31/13/\(latest)&#39; không phải ngày hợp lệ"))
            // The year is still the one the officer chose, and the typed date is there to correct.
            #expect(refused.body.contains("name=\"year\" value=\"\(earlier)\"") && refused.body.contains("value=\"31/13/\(latest)\""))
            #expect(refused.body.contains("<option value=\"\(earlier)\" selected>"))
        }
    }
    @Test("a code holding '/', '&', '#', '?', a space or a Vietnamese letter is linked as one path segment and reaches its page",
          arguments: WebDatabase.available)
    func awkwardCodesAreLinkedSafely(db: WebDatabase) async throws {
        try await db.withApp { app, _ in
            let store = app.web.store
            let coso = try await store.account(named: "coso")
            let unitCode = try #require(try await store.units.history().units[coso.unitID]?.code)
            let code = "HỘ 7/B&C#1?x"
            let sheet = ReviewSheet(householdCode: code, year: "2025", area: "nong_thon", householdSize: "4", yearlyIncome: "12.000.000",
                                    deprived: ["bhyt", "nha_tieu", "viec_lam"], unitCode: unitCode)
            _ = try await SurveyImporter(store: store, actor: try await store.actor(for: coso, via: .cli), fileName: "mot-dong.csv").run(InMemoryRows(sheet.table()))
            let web = WebClient(app)
            try await web.login("coso")
            let encoded = "H%E1%BB%98%207%2FB%26C%231%3Fx"
            let list = try await web.get("/households?year=2025&q=\(encoded)")
            #expect(list.body.contains("href=\"/households/\(encoded)\""), "the list links the code percent-encoded")
            let page = try await web.get("/households/\(encoded)")
            #expect(page.status == .ok && page.body.contains("HỘ 7/B&amp;C#1?x"))
            #expect(page.body.contains("action=\"/households/\(encoded)/support\""), "the support form posts to the same household")
        }
    }
}
