import App
import Demo
import Foundation
import PovertyCore
import SQLKit
@_spi(Simulation) @testable import Storage
import Testing
import Vapor
import VaporTesting

@Suite("Hardship register", .serialized)
struct HardshipTests {
    @Test("a member's hardship is recorded, verified and ended in the branch; it puts the household on the proposal list and first on a campaign's list",
          arguments: WebDatabase.available)
    func register(db: WebDatabase) async throws {
        try await db.withApp { app, _ in
            let store = app.web.store
            let account = try await store.account(named: "coso")
            let actor = try await store.actor(for: account, via: .web)
            let year = try #require(try await store.browse.latestYear(actor))
            // A member of the unit whose household's review this year is counted in the unit.
            let row = try #require(try await store.sql.raw("""
                SELECT m.code AS member, h.code AS household, r.status FROM household_members hm JOIN members m ON m.id = hm.member_id
                JOIN households h ON h.id = hm.household_id JOIN reviews r ON r.household_id = h.id AND r.year = \(bind: year)
                JOIN memberships ms ON ms.member_id = m.id AND ms.left_on IS NULL
                WHERE ms.unit_id = \(bind: account.unitID) AND r.unit_id = \(bind: account.unitID) ORDER BY CASE WHEN r.status = 'ngheo' THEN 1 ELSE 0 END, m.code
                """).first())
            let member = try row.decode(column: "member", as: String.self), household = try row.decode(column: "household", as: String.self)
            let web = WebClient(app)
            try await web.login("coso")
            let page = try await web.get("/hardship?year=\(year)")
            #expect(page.status == .ok && page.body.contains("id=\"hardship-form\""))
            let csrf = try #require(page.csrf)
            // Who verified it is required; what was typed stays.
            let refused = try await web.post("/hardship", form: ["_csrf": csrf, "member": member, "kind": "mat_viec_lam", "from": "01/03/\(year)",
                                                                 "note": "Công ty cắt giảm lao động", "verifiedBy": ""])
            #expect(refused.status == .badRequest && refused.body.contains("value=\"Công ty cắt giảm lao động\"") && refused.body.contains("value=\"\(member)\""))
            let saved = try await web.post("/hardship", form: ["_csrf": csrf, "member": member, "kind": "mat_viec_lam", "from": "01/03/\(year)",
                                                               "note": "Công ty cắt giảm lao động", "verifiedBy": "Lê Thị Mai"])
            #expect(saved.status == .seeOther)
            let list = try await web.get("/hardship?year=\(year)")
            #expect(list.body.contains("Mất việc làm") && list.body.contains("Lê Thị Mai") && list.body.contains(">\(household)</a>"))
            // On the unit's proposal list for the year, with its circumstance, neediest first.
            let proposals = try await store.hardships.proposals(actor, unit: account.unitID, year: year)
            let line = try #require(proposals.first { $0.householdCode == household })
            #expect(line.hardships == [.jobLoss])
            let classes = proposals.map { $0.status == .poor ? 0 : ($0.status == .nearPoor ? 1 : 2) }
            #expect(classes == classes.sorted())
            let csv = try await web.get("/hardship?year=\(year)&format=csv")
            #expect(csv.status == .ok && csv.body.split(separator: "\n").count - 1 == proposals.count && csv.body.contains("Mất việc làm"))
            #expect(try await store.sql.raw("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'hoan_canh_ghi' AND actor = 'coso'").first()?.decode(column: "n", as: Int.self) == 1)

            // The unit's annual report counts the list (frozen with it when submitted) and links
            // to it; the officer of the unit above opens it there, another branch cannot.
            let status = try row.decode(column: "status", as: String.self)
            let unitCode = try #require(actor.history.units[account.unitID]?.code)
            let counted = try #require(try await store.reports.figures(actor, unit: account.unitID, year: year).proposals)
            #expect(counted.total == proposals.count && counted.hardship == 1)
            #expect(counted.added == (["ngheo", "can_ngheo"].contains(status) ? 0 : 1))
            let report = try await web.get("/reports/\(unitCode)/\(year)")
            #expect(report.body.contains("id=\"proposal-list-link\"") && report.body.contains("Danh sách đề xuất hỗ trợ"))
            let above = WebClient(app)
            try await above.login("xaphuong")
            let fromAbove = try await above.get("/hardship?unit=\(unitCode)&year=\(year)")
            #expect(fromAbove.status == .ok && fromAbove.body.contains(">\(household)</a>"))
            #expect(fromAbove.body.contains("<option value=\"\(unitCode)\" selected>"), "the unit chosen shows in the page's unit filter")
            #expect(try await web.get("/hardship?unit=\(DemoProvince.rootCode)&year=\(year)").status == .notFound)
            #expect(try await web.get("/hardship?unit=KHONG-CO&year=\(year)").status == .notFound)

            // A member who has since moved to another branch cannot be reached by backdating.
            let moved = try #require(try await store.sql.raw("""
                SELECT m.id, m.code FROM members m JOIN memberships ms ON ms.member_id = m.id AND ms.left_on IS NULL
                WHERE ms.unit_id = \(bind: account.unitID) AND m.code <> \(bind: member) ORDER BY m.code
                """).first())
            let elsewhere = try #require(actor.history.units.values.sorted { $0.code < $1.code }.first {
                !actor.scope.contains($0.id) && $0.kind == .grassrootsUnion && $0.isActive(on: store.today)
            })
            _ = try await store.members.assign(try await store.op, memberID: try moved.decode(column: "id", as: Int.self), unitID: elsewhere.id, from: store.today)
            let backdated = try await web.post("/hardship", form: ["_csrf": csrf, "member": try moved.decode(column: "code", as: String.self),
                                                                   "kind": "khac", "from": "01/01/2022", "verifiedBy": "X"])
            #expect(backdated.status == .badRequest && backdated.body.contains("không tìm thấy đoàn viên"))
            // Another branch's member is not found (the form again, saying so); the auditor records nothing.
            let outsider = try await MemberPageTests.member(store, of: "coso", inside: false)
            let foreign = try await web.post("/hardship", form: ["_csrf": csrf, "member": outsider, "kind": "tai_nan", "verifiedBy": "X"])
            #expect(foreign.status == .badRequest && foreign.body.contains("không tìm thấy đoàn viên"))
            let auditor = WebClient(app)
            try await auditor.login("kiemtra")
            let auditorPage = try await auditor.get("/hardship")
            #expect(auditorPage.status == .ok && !auditorPage.body.contains("id=\"hardship-form\""))
            #expect(try await auditor.post("/hardship", form: ["_csrf": auditorPage.csrf ?? "", "member": member, "kind": "tai_nan", "verifiedBy": "X"]).status == .forbidden)

            // A campaign drawn over the household's class puts it first among its class, marked.
            let today = store.today
            let campaign = try await store.campaigns.create(try await store.op, NewCampaign(
                kind: .tet, name: "Thử hoàn cảnh", unit: unitCode, fund: "xa_hoi", year: year, startsOn: today, endsOn: today,
                budget: 100_000_000, giftValue: 500_000, statuses: [try #require(LivingStandard(rawValue: status))]))
            _ = try await store.campaigns.draw(try await store.op, campaign, unit: unitCode)
            let drawn = try await store.campaigns.proposals(try await store.op, campaign)
            #expect(drawn.first?.householdCode == household && drawn.first?.hardship == true, "\(household) \(status): \(drawn.prefix(3).map { "\($0.householdCode) \($0.rank) \($0.hardship) \($0.state)" })")
            #expect(drawn.dropFirst().allSatisfy { !$0.hardship })

            // Ended: kept in the year's list with its end.
            let id = try #require(try await store.sql.raw("SELECT id FROM hardships").first()?.decode(column: "id", as: Int.self))
            // A refused end keeps the date typed in its row.
            let early = try await web.post("/hardship/\(id)/end", form: ["_csrf": csrf, "date": "01/01/2000"])
            #expect(early.status == .badRequest && early.body.contains("value=\"01/01/2000\""))
            #expect(try await web.post("/hardship/\(id)/end", form: ["_csrf": csrf, "date": today.vietnamese]).status == .seeOther)
            #expect(try await web.get("/hardship?year=\(year)").body.contains(today.vietnamese))
        }
    }
}
