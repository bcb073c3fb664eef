import App
import Demo
import Foundation
import NIOCore
import PovertyCore
@_spi(Simulation) @testable import Storage
import Testing
import Vapor
import VaporTesting

/// The holes of issue 14 through the pages and the API (Storage's own tests are
/// `BranchBoundaryTests`): the same refusals, whichever door an officer tries.
@Suite("Branch boundaries, pages and API")
struct BranchBoundaryWebTests {
    static func token(_ app: Application, _ user: String, _ password: String = DemoSeed.password) async throws -> HTTPHeaders {
        let r = try await app.testing().sendRequest(.POST, "/api/v1/tokens", headers: ["Content-Type": "application/json"],
                                                    body: ByteBuffer(string: #"{"username":"\#(user)","password":"\#(password)"}"#))
        struct Token: Decodable { let token: String }
        let t = try JSONDecoder().decode(Token.self, from: Data(r.body.readableBytesView)).token
        return ["Authorization": "Bearer \(t)", "Content-Type": "application/json"]
    }

    /// A household whose latest review is outside `username`'s branch, with its latest year and class.
    static func outsider(_ store: Store, of username: String) async throws -> (code: String, year: Int, status: String) {
        let actor = try await store.actor(for: try await store.account(named: username), via: .web)
        let rows = try await store.sql.raw("""
            SELECT h.code, r.year, r.status, r.unit_id FROM reviews r JOIN households h ON h.id = r.household_id
            WHERE r.year = (SELECT MAX(year) FROM reviews r2 WHERE r2.household_id = h.id) ORDER BY h.code
            """).all()
        for row in rows where !actor.scope.contains(try row.int("unit_id")) {
            return (try row.string("code"), try row.int("year"), try row.string("status"))
        }
        throw StorageError.notFound(.household, "?")
    }

    @Test("an upload naming another branch's household is refused by row; nothing of it changes", arguments: WebDatabase.available)
    func importRows(db: WebDatabase) async throws {
        try await db.withApp { app, _ in
            let store = app.web.store
            let coso = try await store.account(named: "coso")
            let unitCode = try #require(try await store.units.history().units[coso.unitID]?.code)
            let other = try await Self.outsider(store, of: "coso")
            let header = "Mã hộ,Năm,Đơn vị,Khu vực,Số nhân khẩu,Tổng thu nhập năm,Việc làm,Phụ thuộc,Tiếp cận y tế,Dinh dưỡng,BHYT,Giáo dục người lớn,Đi học trẻ em,Chất lượng nhà,Diện tích nhà,Nước sinh hoạt,Nhà tiêu,Rác thải,Viễn thông,Phương tiện thông tin"
            let row = "\(other.code),\(other.year),\(unitCode),Nông thôn,4,500.000.000,0,0,0,0,0,0,0,0,0,0,0,0,0,0"
            let web = WebClient(app)
            try await web.login("coso")
            let form = try await web.get("/import")
            let uploaded = try await web.upload("/import/khao-sat", fileName: "x.csv", content: [header, row].joined(separator: "\n"), csrf: form.csrf ?? "")
            let path = try #require(uploaded.location)
            var page = try await web.get(path)
            for _ in 0..<300 where !page.body.contains("data-state=\"rejected\"") && !page.body.contains("data-state=\"ready\"") {
                try await Task.sleep(for: .milliseconds(100))
                page = try await web.get(path)
            }
            #expect(page.body.contains("data-state=\"rejected\""))
            #expect(page.body.contains("<td>2</td><td>Mã hộ</td>"))
            #expect(!page.body.contains("sửa 1"))
            let after = try await store.sql.raw("""
                SELECT r.status FROM reviews r JOIN households h ON h.id = r.household_id WHERE h.code = \(bind: other.code) AND r.year = \(bind: other.year)
                """).first()?.string("status")
            #expect(after == other.status)
            // And its page is as unknown to this officer as a household that does not exist.
            let hidden = try await web.get("/households/\(other.code)"), missing = try await web.get("/households/KHONG-CO-HO-NAY")
            #expect(hidden.status == .notFound && missing.status == .notFound)
        }
    }

    @Test("allocations leave no branch; ledgers keep to their dates; loan support is the loan's", arguments: WebDatabase.available)
    func fundsAndSupport(db: WebDatabase) async throws {
        try await db.withApp { app, _ in
            let store = app.web.store
            let op = try await store.op
            let xa = try await store.account(named: "xaphuong")
            let history = try await store.units.history()
            let own = try #require(history.units[xa.unitID]?.code)
            let xaActor = try await store.actor(for: xa, via: .web)
            let tree = history.tree(on: store.today)
            let outsideUnit = try #require(tree.roots.flatMap { tree.subtree(of: $0) }.first { !xaActor.scope.contains($0) }.flatMap { history.units[$0]?.code })
            try await store.funds.contribute(op, fund: "xa_hoi", unit: own, day: store.today, amount: 5_000_000, contributor: "thử")
            let web = WebClient(app)
            try await web.login("xaphuong")
            let funds = try await web.get("/funds")
            let csrf = try #require(funds.csrf)
            let today = store.today.iso
            let away = try await web.post("/funds", form: ["_csrf": csrf, "action": "allocate", "fund": "xa_hoi", "unit": own, "toUnit": outsideUnit,
                                                         "date": today, "amount": "1.000"])
            // The unit typed is not found in the branch: the form again saying so (the API: 404).
            #expect(away.status == .badRequest && away.body.contains("không tìm thấy đơn vị"))
            let api = try await Self.token(app, "xaphuong")
            let awayAPI = try await app.testing().sendRequest(.POST, "/api/v1/funds/xa_hoi/allocations", headers: api,
                                                              body: ByteBuffer(string: #"{"unit":"\#(own)","toUnit":"\#(outsideUnit)","amount":1000}"#))
            #expect(awayAPI.status == .notFound)
            // Dated 1900, 2200, or before the money came: refused with the reason.
            for date in ["1900-01-01", "2200-12-31"] {
                let page = try await web.post("/funds", form: ["_csrf": csrf, "action": "contribute", "fund": "xa_hoi", "unit": own, "date": date,
                                                             "amount": "1.000", "contributor": "x"])
                #expect(page.status == .badRequest && page.body.contains("ngày ghi sổ"), "\(date)")
                let viaAPI = try await app.testing().sendRequest(.POST, "/api/v1/funds/xa_hoi/contributions", headers: api,
                                                                 body: ByteBuffer(string: #"{"unit":"\#(own)","amount":1000,"contributor":"x","date":"\#(date)"}"#))
                #expect(viaAPI.status == .badRequest)
            }
            let early = try await web.post("/funds", form: ["_csrf": csrf, "action": "disburse", "fund": "xa_hoi", "unit": own,
                                                          "date": "2015-01-02", "amount": "1.000", "note": "x"])
            #expect(early.status == .badRequest)
            // A household of the branch: the loan's support is not a choice of the form, and is refused if sent.
            let year = try #require(try await store.browse.latestYear(xaActor))
            let household = try #require(try await store.browse.households(xaActor, HouseholdFilter(year: year), page: 1, perPage: 1).items.first).code
            let file = try await web.get("/households/\(household)")
            #expect(file.status == .ok && !file.body.contains("value=\"vay_quy_viec_lam\""))
            let forged = try await web.post("/households/\(household)/support", form: ["_csrf": file.csrf ?? "", "policy": "vay_quy_viec_lam",
                                                                                     "date": today, "value": "1.000.000", "source": "state",
                                                                                     "sourceName": "tay", "unit": own])
            #expect(forged.status == .badRequest)
            let forgedAPI = try await app.testing().sendRequest(.POST, "/api/v1/households/\(household)/support", headers: api, body: ByteBuffer(
                string: #"{"policy":"vay_quy_viec_lam","value":1000000,"source":"state","sourceName":"tay","unit":"\#(own)"}"#))
            #expect(forgedAPI.status == .badRequest)
        }
    }

    @Test("tokens end with a password change and are listed and revoked by their owner; search names only the branch's households",
          arguments: WebDatabase.available)
    func tokensAndSearch(db: WebDatabase) async throws {
        try await db.withApp { app, _ in
            let first = try await Self.token(app, "coso"), second = try await Self.token(app, "coso")
            let listed = try await app.testing().sendRequest(.GET, "/api/v1/tokens", headers: first)
            struct Line: Decodable { let id: Int; let name: String }
            let lines = try JSONDecoder().decode([Line].self, from: Data(listed.body.readableBytesView))
            #expect(lines.count == 2)
            let revoke = try await app.testing().sendRequest(.DELETE, "/api/v1/tokens/\(lines[1].id)", headers: first)
            #expect(revoke.status == .noContent)
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/me", headers: second).status == .unauthorized)
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/me", headers: first).status == .ok)
            // Another officer cannot revoke it (it is not theirs, and nothing says it exists).
            let stranger = try await Self.token(app, "xaphuong")
            #expect(try await app.testing().sendRequest(.DELETE, "/api/v1/tokens/\(lines[0].id)", headers: stranger).status != .noContent)
            // A new password, by the page, ends every token.
            let web = WebClient(app)
            try await web.login("coso")
            let page = try await web.get("/password")
            #expect(page.body.contains("id=\"tokens\""))
            let changed = try await web.post("/password", form: ["_csrf": page.csrf ?? "", "current": DemoSeed.password, "new": "mat-khau-moi-dai",
                                                                 "repeated": "mat-khau-moi-dai"])
            #expect(changed.status == .seeOther)
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/me", headers: first).status == .unauthorized)

            // Every household a search names to an officer is one the officer may open.
            let coso = try await Self.token(app, "coso", "mat-khau-moi-dai")
            let found = try await app.testing().sendRequest(.GET, "/api/v1/members?q=nguyen", headers: coso)
            struct Hit: Decodable { let households: [String] }
            let hits = try JSONDecoder().decode([Hit].self, from: Data(found.body.readableBytesView))
            for household in Set(hits.flatMap(\.households)) {
                #expect(try await app.testing().sendRequest(.GET, "/api/v1/households/\(household)", headers: coso).status == .ok, "\(household)")
            }
        }
    }
}

@Suite("Dashboard cache")
struct DashboardCacheTests {
    @Test("a target set after the dashboard was drawn shows at once", arguments: WebDatabase.available)
    func targetShows(db: WebDatabase) async throws {
        try await db.withApp { app, _ in
            let web = WebClient(app)
            try await web.login("bancs")
            let before = try await web.get("/")
            #expect(before.status == .ok && before.body.contains("giảm 70,0%"))
            // The province's target is replaced: 2021 → 2026, down 55%.
            let store = app.web.store
            _ = try await store.targets.set(try await store.op, unit: DemoProvince.rootCode, baselineYear: 2021, targetYear: 2025,
                                            reductionPermille: 550, on: store.today)
            let all = try await store.targets.all(try await store.op)
            #expect(all.map(\.reductionPermille) == [550], "\(all)")
            let after = try await web.get("/")
            #expect(after.body.contains("giảm 55,0%") && !after.body.contains("giảm 70,0%"),
                    "\(after.body.components(separatedBy: "id=\"target").dropFirst().first?.prefix(400) ?? "")")
            // The next plan's target, set as data: from 2026 on the dashboard speaks of it, not of 2025's.
            _ = try await store.targets.set(try await store.op, unit: DemoProvince.rootCode, baselineYear: 2025, targetYear: 2030,
                                            reductionPermille: 400, on: store.today)
            let next = try await web.get("/")
            let note = next.body.components(separatedBy: "id=\"target-note\"").dropFirst().first?.prefix(600) ?? ""
            #expect(note.contains("giảm 40,0%") && note.contains("năm 2030") && !note.contains("giảm 55,0%"), "\(note)")
        }
    }
}
