import App
import Demo
import Foundation
import PovertyCore
import SQLKit
@_spi(Simulation) @testable import Storage
import Testing
import Vapor
import VaporTesting

@Suite("Member page and edit", .serialized)
struct MemberPageTests {
    /// A member belonging today to a unit inside (or outside) `username`'s branch.
    static func member(_ store: Store, of username: String, inside: Bool) async throws -> String {
        let actor = try await store.actor(for: try await store.account(named: username), via: .web)
        let rows = try await store.sql.raw("""
            SELECT m.code, ms.unit_id FROM members m JOIN memberships ms ON ms.member_id = m.id AND ms.left_on IS NULL ORDER BY m.code
            """).all()
        for row in rows where actor.scope.contains(try row.int("unit_id")) == inside { return try row.string("code") }
        throw StorageError.notFound(.member, "?")
    }

    static func version(_ page: WebClient.Page) -> String {
        page.body.components(separatedBy: #"name="version" value=""#).dropFirst().first?.components(separatedBy: "\"").first ?? ""
    }

    static func form(_ page: WebClient.Page, name: String, cid: String = "", birth: String = "", sex: String = "", phone: String = "") -> [String: String] {
        ["_csrf": page.csrf ?? "", "action": "record", "version": version(page), "fullName": name, "citizenID": cid, "birthDate": birth, "sex": sex,
         "ethnicity": "Kinh", "phone": phone]
    }

    @Test("an officer sees and corrects a member; the second of two editors is told, nothing overwritten; audited before and after",
          arguments: WebDatabase.available)
    func edit(db: WebDatabase) async throws {
        try await db.withApp { app, _ in
            let store = app.web.store
            let code = try await Self.member(store, of: "coso", inside: true)
            let coso = WebClient(app), commune = WebClient(app)
            try await coso.login("coso")
            try await commune.login("xaphuong")
            let page = try await coso.get("/members/\(code)")
            #expect(page.status == .ok)
            #expect(page.body.contains("id=\"member-form\"") && page.body.contains("id=\"memberships\""))
            let other = try await commune.get("/members/\(code)")  // read before coso's edit
            #expect(other.status == .ok)

            // 11 digits typed (Excel dropped the 0): given back when the number is then valid.
            let saved = try await coso.post("/members/\(code)", form: Self.form(page, name: "Nguyễn Thị Sửa", cid: "37085123456", birth: "15/03/1985", sex: "nam", phone: "0912 345 678"))
            #expect(saved.status == .seeOther)
            #expect(saved.location == "/members/\(code)?notice=member_saved_zero")
            let after = try await coso.get(try #require(saved.location))
            #expect(after.body.contains("Nguyễn Thị Sửa") && after.body.contains("037085123456") && after.body.contains("15/03/1985"))
            #expect(after.body.contains("thêm số 0 ở đầu") && after.body.contains("0912 345 678"))
            let audit = try await store.sql.raw("SELECT detail, channel FROM audit_log WHERE action = 'sua' AND entity = 'member' AND detail LIKE \(bind: code + ":%")").all()
            #expect(audit.count == 1)
            let detail = try #require(try audit.first?.decode(column: "detail", as: String.self))
            #expect(detail.contains("→ Nguyễn Thị Sửa") && detail.contains("CCCD") && detail.contains("→ 037085123456") && detail.contains("điện thoại – → 0912 345 678"))

            // The commune officer's form was read before: saving it is refused, nothing overwritten.
            let late = try await commune.post("/members/\(code)", form: Self.form(other, name: "Tên Ghi Đè"))
            #expect(late.status == .badRequest)
            #expect(late.body.contains("vừa được người khác sửa") && late.body.contains("value=\"Tên Ghi Đè\""))
            let stored = try await store.members.member(try await store.op, code: code)
            #expect(stored.fullName == "Nguyễn Thị Sửa" && stored.citizenID == "037085123456")
            // What is stored now is shown beside it, and the form now edits that version: saving
            // again is the officer's deliberate choice, and is written.
            #expect(late.body.contains("id=\"member-stored-now\"") && late.body.contains("<strong>Nguyễn Thị Sửa · ") && late.body.contains("037085123456 · 15/03/1985"))
            #expect(Self.version(late) == (try await store.members.profile(try await store.op, code: code)).version)
            let again = try await commune.post("/members/\(code)", form: Self.form(late, name: "Tên Ghi Đè"))
            #expect(again.status == .seeOther)
            #expect(try await store.members.member(try await store.op, code: code).fullName == "Tên Ghi Đè")
            try await store.members.update(try await store.op, code: code, to: stored, version: (try await store.members.profile(try await store.op, code: code)).version)

            // Two saves at the same moment from the same version: one is written, the other told.
            let op = try await store.op
            let profile = try await store.members.profile(op, code: code)
            var a = profile.record, b = profile.record
            a.ethnicity = "Mường"; b.ethnicity = "Tày"
            let (ra, rb) = (a, b)
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for wanted in [ra, rb] {
                    group.addTask { (try? await store.members.update(op, code: code, to: wanted, version: profile.version)) != nil }
                }
                var done: [Bool] = []
                for await o in group { done.append(o) }
                return done
            }
            #expect(outcomes.filter { $0 }.count == 1)
            // Refusals keep what was typed and say what is wrong.
            let fresh = try await coso.get("/members/\(code)")
            let badPhone = try await coso.post("/members/\(code)", form: Self.form(fresh, name: "Nguyễn Thị Sửa", phone: "gọi tôi"))
            #expect(badPhone.status == .badRequest && badPhone.body.contains("Số điện thoại") && badPhone.body.contains("value=\"gọi tôi\""))
            let badID = try await coso.post("/members/\(code)", form: Self.form(fresh, name: "Nguyễn Thị Sửa", cid: "999", birth: "15/03/1985", sex: "nam"))
            #expect(badID.status == .badRequest && badID.body.contains("CCCD"))
            // Every field's problem at once; the page's facts stay as stored.
            let all = try await coso.post("/members/\(code)", form: Self.form(fresh, name: "Nguyễn Thị Sửa", cid: "12345", birth: "31/02/1972", sex: "nam", phone: "abc"))
            let error = all.body.components(separatedBy: "id=\"form-error\"").dropFirst().first?.components(separatedBy: "</div>").first ?? ""
            #expect(all.status == .badRequest && error.contains("31/02/1972") && error.contains("abc") && error.contains("12345"), "\(error)")
            #expect(!all.body.contains("<dd class=\"col-sm-8\">31/02/1972</dd>") && all.body.contains("<dd class=\"col-sm-8\">037085123456</dd>"))
            #expect(try await store.members.member(try await store.op, code: code).citizenID == "037085123456")
        }
    }

    @Test("a member moves to another unit and leaves the union on a date, history kept; other branches and auditors cannot",
          arguments: WebDatabase.available)
    func moveAndLeave(db: WebDatabase) async throws {
        try await db.withApp { app, _ in
            let store = app.web.store
            let code = try await Self.member(store, of: "coso", inside: true)
            let commune = try await store.account(named: "xaphuong")
            let communeCode = try #require(try await store.units.history().units[commune.unitID]?.code)
            let web = WebClient(app)
            try await web.login("xaphuong")
            let page = try await web.get("/members/\(code)")
            // Moved yesterday, left today: neither is recorded ahead of its day.
            let day = store.today.adding(days: -1)
            let moved = try await web.post("/members/\(code)/move", form: ["_csrf": page.csrf ?? "", "unit": communeCode, "date": day.vietnamese])
            #expect(moved.status == .seeOther)
            let history = try await store.sql.raw("""
                SELECT ms.unit_id, ms.left_on FROM memberships ms JOIN members m ON m.id = ms.member_id WHERE m.code = \(bind: code) ORDER BY ms.joined, ms.id
                """).all()
            #expect(history.count >= 2)
            #expect(try history.last?.decode(column: "unit_id", as: Int.self) == commune.unitID)
            #expect(try history.dropLast().last?.decode(column: "left_on", as: String?.self) == day.iso)
            let shown = try await web.get("/members/\(code)")
            let communeName = try #require(try await store.units.history().name(of: commune.unitID, on: day))
            #expect(shown.body.contains("id=\"member-unit\">\(communeName)"))

            // Leaving asks for a confirmation, then closes the membership; the history stays.
            let unconfirmed = try await web.post("/members/\(code)/leave", form: ["_csrf": page.csrf ?? "", "date": day.adding(days: 1).vietnamese])
            #expect(unconfirmed.status == .badRequest && unconfirmed.body.contains("xác nhận"))
            // The date typed stays on the refused form: ticking the box and sending again keeps it.
            #expect(unconfirmed.body.contains("id=\"lv-date\" name=\"date\" value=\"\(day.adding(days: 1).vietnamese)\""))
            let badMove = try await web.post("/members/\(code)/move", form: ["_csrf": page.csrf ?? "", "unit": communeCode, "date": "31/02/2025"])
            #expect(badMove.status == .badRequest && badMove.body.contains("id=\"mv-date\" name=\"date\" value=\"31/02/2025\""))
            #expect(badMove.body.contains("<option value=\"\(communeCode)\" selected>"))
            let left = try await web.post("/members/\(code)/leave", form: ["_csrf": page.csrf ?? "", "date": day.adding(days: 1).vietnamese, "confirm": "1"])
            #expect(left.status == .seeOther)
            let gone = try await web.get("/members/\(code)")
            #expect(gone.body.contains("đã ra khỏi công đoàn") && !gone.body.contains("id=\"member-move\""))
            #expect(try await store.sql.raw("SELECT action FROM audit_log WHERE entity = 'member' AND action IN ('chuyen_sinh_hoat', 'ra_cong_doan')").all().count >= 2)

            // Another branch's member is not found, to read or to change.
            let outsider = try await Self.member(store, of: "coso", inside: false)
            let coso = WebClient(app)
            try await coso.login("coso")
            #expect(try await coso.get("/members/\(outsider)").status == .notFound)
            let token = try #require(try await coso.get("/members").csrf)
            #expect(try await coso.post("/members/\(outsider)", form: ["_csrf": token, "fullName": "X", "version": ""]).status == .notFound)
            #expect(try await coso.post("/members/\(outsider)/leave", form: ["_csrf": token, "date": day.vietnamese, "confirm": "1"]).status == .notFound)
            // The auditor reads, changes nothing.
            let auditor = WebClient(app)
            try await auditor.login("kiemtra")
            let read = try await auditor.get("/members/\(outsider)")
            #expect(read.status == .ok && !read.body.contains("id=\"member-form\""))
            #expect(try await auditor.post("/members/\(outsider)", form: ["_csrf": read.csrf ?? "", "fullName": "X", "version": ""]).status == .forbidden)
        }
    }
}
