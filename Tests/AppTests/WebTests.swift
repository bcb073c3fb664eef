import App
import Demo
import Foundation
import PovertyCore
import SQLKit
@_spi(Simulation) @testable import Storage
import Testing
import Vapor
import VaporTesting

/// Request-level tests of the web app and the API on SQLite and PostgreSQL.
@Suite("Web app")
struct WebTests {
    /// Households of the demo visible to a unit's branch and one that is not.
    func households(_ app: Application, inBranchOf username: String) async throws -> (inside: String, outside: String) {
        let store = app.web.store
        let account = try await store.account(named: username)
        let history = try await store.units.history()
        let scope = Scope.predecessorsIncluded(of: account.unitID, in: history, on: store.today)
        let units = try #require(scope.unitIDs)
        let rows = try await store.sql.raw("SELECT h.code, r.unit_id FROM reviews r JOIN households h ON h.id = r.household_id ORDER BY h.code").all()
        var inside: String?, outside: String?
        var seenInside = Set<String>()
        for row in rows {
            let code = try row.decode(column: "code", as: String.self), unit = try row.decode(column: "unit_id", as: Int.self)
            if units.contains(unit) { seenInside.insert(code); inside = inside ?? code }
        }
        for row in rows {
            let code = try row.decode(column: "code", as: String.self)
            if !seenInside.contains(code) { outside = code; break }
        }
        return (try #require(inside), try #require(outside))
    }

    @Test("log in, every page in both languages, log out", arguments: WebDatabase.available)
    func pages(db: WebDatabase) async throws {
        try await db.withApp { app, logins in
            #expect(logins.count == Role.allCases.count)
            let web = WebClient(app)
            // Not signed in: pages send to the login page.
            let anonymous = try await web.get("/households")
            #expect(anonymous.status == .seeOther || anonymous.status == .found)
            #expect(anonymous.location?.hasPrefix("/login") == true)

            let login = try await web.login("quantri")
            #expect(login.status == .seeOther)
            #expect(web.cookies["gn_session"] != nil)
            let (inside, _) = try await households(app, inBranchOf: "coso")
            let unitCode = DemoProvince.rootCode
            let paths = ["/", "/households", "/households?q=nguyen&status=ngheo", "/households/\(inside)", "/members?q=nguyen",
                         "/units", "/units/\(unitCode)", "/import", "/audit", "/users", "/password"]
            for lang in ["vi", "en"] {
                try await web.get("/lang/\(lang)")
                for path in paths {
                    let page = try await web.get(path)
                    #expect(page.status == .ok, "\(path) \(lang)")
                    #expect(!page.body.contains("⟦"), "untranslated key on \(path) (\(lang))")
                    #expect(page.body.contains("<html lang=\"\(lang)\""), "\(path)")
                }
            }
            try await web.get("/lang/vi")
            let dashboard = try await web.get("/")
            #expect(dashboard.body.contains("<svg"))
            #expect(dashboard.body.contains("Hộ nghèo năm 2021 (mốc)"))
            let household = try await web.get("/households/\(inside)")
            #expect(household.body.contains("Thu nhập bình quân"))  // the reason of the classification
            let english = try await web.get("/lang/en?back=%2Fhouseholds")
            #expect(english.location == "/households")
            #expect(try await web.get("/households").body.contains("Households"))

            // Logging out ends the session.
            try await web.get("/lang/vi")
            let page = try await web.get("/")
            let out = try await web.post("/logout", form: ["_csrf": page.csrf ?? ""])
            #expect(out.location == "/login")
            #expect(try await web.get("/").location?.hasPrefix("/login") == true)
            let audit = try await app.web.store.audit.entries(try await app.web.store.op, entity: "user")
            #expect(audit.contains { $0.action == "dang_nhap" && $0.actor == "quantri" })
            #expect(audit.contains { $0.action == "dang_xuat" && $0.actor == "quantri" })
        }
    }

    @Test("an officer sees only their branch, in pages and the API", arguments: WebDatabase.available)
    func branchScope(db: WebDatabase) async throws {
        try await db.withApp { app, _ in
            let (inside, outside) = try await households(app, inBranchOf: "coso")
            let web = WebClient(app)
            try await web.login("coso")
            #expect(try await web.get("/households/\(inside)").status == .ok)
            #expect(try await web.get("/households/\(outside)").status == .notFound)
            #expect(try await web.get("/units/\(DemoProvince.rootCode)").status == .notFound)
            #expect(try await web.get("/users").status == .forbidden)
            #expect(try await web.get("/audit").status == .forbidden)
            // The list holds only the branch's households.
            let list = try await web.get("/households")
            #expect(!list.body.contains(">\(outside)<"))
            // Viewing a household is audited.
            #expect(try await app.web.store.audit.entries(try await app.web.store.op, entity: "household").contains { $0.action == "xem" && $0.actor == "coso" })

            // The API: the same scope with a bearer token.
            let tokenResponse = try await app.testing().sendRequest(.POST, "/api/v1/tokens", headers: ["Content-Type": "application/json"],
                                                                    body: ByteBuffer(string: #"{"username":"coso","password":"\#(DemoSeed.password)"}"#))
            #expect(tokenResponse.status == .ok)
            struct Token: Decodable { let token: String }
            let token = try JSONDecoder().decode(Token.self, from: Data(tokenResponse.body.readableBytesView)).token
            let auth: HTTPHeaders = ["Authorization": "Bearer \(token)"]
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/households/\(inside)", headers: auth).status == .ok)
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/households/\(outside)", headers: auth).status == .notFound)
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/audit", headers: auth).status == .forbidden)
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/households/\(inside)").status == .unauthorized)
            let list2 = try await app.testing().sendRequest(.GET, "/api/v1/households?page=1", headers: auth)
            #expect(list2.status == .ok)
            #expect(!list2.body.string.contains("\"\(outside)\""))
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/members?q=nguyen", headers: auth).status == .ok)
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/units", headers: auth).status == .ok)
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/dashboard", headers: auth).status == .ok)
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/me", headers: auth).body.string.contains("can_bo_co_so"))
        }
    }

    @Test("every state-changing form without a valid CSRF token is refused", arguments: WebDatabase.available)
    func csrf(db: WebDatabase) async throws {
        try await db.withApp { app, _ in
            let web = WebClient(app)
            try await web.login("quantri")
            let posts = app.routes.all.filter { $0.method == .POST && !$0.path.first.map { "\($0)" == "api" }! }
            #expect(posts.count >= 9)
            for route in posts {
                let path = "/" + route.path.map { component -> String in
                    switch component {
                    case .parameter(let name): return name == "kind" ? "khao-sat" : (name == "id" ? "1" : DemoProvince.rootCode)
                    default: return "\(component)"
                    }
                }.joined(separator: "/")
                let missing = try await web.post(path, form: ["x": "1"])
                #expect(missing.status == .forbidden, "\(path) without a token")
                let wrong = try await web.post(path, form: ["_csrf": "not-the-token"])
                #expect(wrong.status == .forbidden, "\(path) with a wrong token")
            }
            // The right token from another site is refused too.
            let page = try await web.get("/users")
            let crossSite = try await web.post("/logout", form: ["_csrf": page.csrf ?? ""], headers: ["Sec-Fetch-Site": "cross-site"])
            #expect(crossSite.status == .forbidden)
            let forged = try await web.post("/logout", form: ["_csrf": page.csrf ?? ""], headers: ["Origin": "http://evil.example", "Host": "localhost"])
            #expect(forged.status == .forbidden)
            #expect(try await web.get("/").status == .ok)  // still signed in
        }
    }

    @Test("survey import: errors by row and column, nothing written; fixed file previewed, confirmed, counted", arguments: WebDatabase.available)
    func surveyImport(db: WebDatabase) async throws {
        try await db.withApp { app, _ in
            let store = app.web.store
            let account = try await store.account(named: "coso")
            let unitCode = try #require(try await store.units.history().units[account.unitID]?.code)
            let header = "Mã hộ,Năm,Đơn vị,Mã đoàn viên,Họ tên chủ hộ,Khu vực,Số nhân khẩu,Tổng thu nhập năm,Việc làm,Phụ thuộc,Tiếp cận y tế,Dinh dưỡng,BHYT,Giáo dục người lớn,Đi học trẻ em,Chất lượng nhà,Diện tích nhà,Nước sinh hoạt,Nhà tiêu,Rác thải,Viễn thông,Phương tiện thông tin,Dân tộc thiểu số"
            func row(_ code: String, income: String) -> String {
                "\(code),2025,\(unitCode),,Thử Văn Nghiệm,Nông thôn,4,\(income),1,0,0,0,1,1,0,1,0,0,0,0,0,0,0"
            }
            let bad = [header, row("HOWEB001", income: "40.000.000"), row("HOWEB002", income: "nhiều")].joined(separator: "\n")
            let web = WebClient(app)
            try await web.login("coso")
            let form = try await web.get("/import")
            let uploaded = try await web.upload("/import/khao-sat", fileName: "khao-sat.csv", content: bad, csrf: form.csrf ?? "")
            #expect(uploaded.status == .seeOther)
            let jobPath = try #require(uploaded.location)
            let rejected = try await waitFor(web, jobPath, until: ["rejected", "failed", "ready"])
            #expect(rejected.body.contains("data-state=\"rejected\""))
            #expect(rejected.body.contains("<td>3</td><td>Tổng thu nhập năm</td>"))
            #expect(try await store.sql.raw("SELECT COUNT(*) AS n FROM households WHERE code LIKE 'HOWEB%'").first()!.decode(column: "n", as: Int.self) == 0)

            let good = [header, row("HOWEB001", income: "40.000.000"), row("HOWEB002", income: "30.000.000")].joined(separator: "\n")
            let again = try await web.upload("/import/khao-sat", fileName: "khao-sat.csv", content: good, csrf: form.csrf ?? "")
            let ready = try await waitFor(web, try #require(again.location), until: ["ready", "rejected", "failed"])
            #expect(ready.body.contains("data-state=\"ready\""))
            #expect(ready.body.contains("sẽ thêm 2"))
            // Nothing is written before the confirmation.
            #expect(try await store.sql.raw("SELECT COUNT(*) AS n FROM households WHERE code LIKE 'HOWEB%'").first()!.decode(column: "n", as: Int.self) == 0)
            let confirmed = try await web.post(try #require(again.location) + "/confirm", form: ["_csrf": ready.csrf ?? ""])
            #expect(confirmed.status == .seeOther)
            let done = try await waitFor(web, try #require(again.location), until: ["done", "failed"])
            #expect(done.body.contains("id=\"result\""))
            #expect(done.body.contains("thêm 2"))
            #expect(try await store.sql.raw("SELECT COUNT(*) AS n FROM households WHERE code LIKE 'HOWEB%'").first()!.decode(column: "n", as: Int.self) == 2)
            let household = try await web.get("/households/HOWEB002")
            #expect(household.status == .ok)
            #expect(household.body.contains("Thử Văn Nghiệm") || household.body.contains("HOWEB002"))
            // Another user cannot see the job.
            let other = WebClient(app)
            try await other.login("xaphuong")
            #expect(try await other.get(try #require(again.location)).status == .notFound)
            // A unit outside the officer's branch is refused by row and column.
            let outside = [header, "HOWEB003,2025,\(DemoProvince.rootCode),,Ngoài Phạm Vi,Nông thôn,4,30.000.000,1,0,0,0,1,1,0,1,0,0,0,0,0,0,0"].joined(separator: "\n")
            let third = try await web.upload("/import/khao-sat", fileName: "ngoai.csv", content: outside, csrf: form.csrf ?? "")
            let refused = try await waitFor(web, try #require(third.location), until: ["rejected", "ready", "failed"])
            #expect(refused.body.contains("<td>2</td><td>Đơn vị</td>"))
            // Members and units imports are not for grassroots officers.
            #expect(try await web.upload("/import/don-vi", fileName: "u.csv", content: "x", csrf: form.csrf ?? "").status == .forbidden)
        }
    }

    func waitFor(_ web: WebClient, _ path: String, until states: [String]) async throws -> WebClient.Page {
        for _ in 0..<300 {
            let page = try await web.get(path)
            if states.contains(where: { page.body.contains("data-state=\"\($0)\"") }) { return page }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("import job at \(path) did not reach \(states)")
        return try await web.get(path)
    }

    @Test("wrong passwords lock the account; users and passwords are managed and audited", arguments: WebDatabase.available)
    func accounts(db: WebDatabase) async throws {
        try await db.withApp { app, _ in
            // Failures are counted per name and address: after five, the name waits (the same
            // answer for a name that does not exist), and the wait is said in minutes.
            let web = WebClient(app)
            for _ in 0..<Accounts.freeFailures {
                #expect(try await web.login("xaphuong", "wrong-password").status == .unauthorized)
                #expect(try await web.login("no-such-user", "wrong-password").status == .unauthorized)
            }
            let held = try await web.login("xaphuong")
            let heldUnknown = try await web.login("no-such-user")
            #expect(held.status == .tooManyRequests && heldUnknown.status == .tooManyRequests)
            #expect(held.body.contains("hãy chờ khoảng 1 phút"))
            func message(_ page: WebClient.Page) -> String? {
                page.body.components(separatedBy: "id=\"login-error\">").dropFirst().first?.components(separatedBy: "</div>").first
            }
            #expect(message(held) != nil && message(held) == message(heldUnknown))
            let audit = try await app.web.store.audit.entries(try await app.web.store.op, entity: "user")
            #expect(audit.filter { $0.action == "dang_nhap_sai" }.count == 2 * Accounts.freeFailures)
            #expect(audit.filter { $0.action == "dang_nhap_bi_han_che" }.count == 2)

            // The administrator creates a user; the user logs in and changes the password.
            let admin = WebClient(app)
            try await admin.login("quantri")
            let usersPage = try await admin.get("/users")
            let bad = try await admin.post("/users", form: ["_csrf": usersPage.csrf ?? "", "username": "moi", "displayName": "Người Mới",
                                                            "password": "short", "role": "kiem_tra", "unit": DemoProvince.rootCode])
            #expect(bad.status == .badRequest)
            // The refused form keeps what was typed, except the password.
            #expect(bad.body.contains("value=\"Người Mới\"") && bad.body.contains("value=\"moi\"") && !bad.body.contains("value=\"short\""))
            #expect(bad.body.contains("<option value=\"kiem_tra\" selected>"))
            // Their own account offers no "disable"; a disable of it posted anyway is refused on the users page, saying why.
            let me = try await app.web.store.account(named: "quantri")
            #expect(!usersPage.body.contains("action=\"/users/\(me.id)/active\"") && usersPage.body.contains("tài khoản của bạn"))
            let selfDisable = try await admin.post("/users/\(me.id)/active", form: ["_csrf": usersPage.csrf ?? "", "active": "0"])
            #expect(selfDisable.status == .badRequest && selfDisable.body.contains("id=\"user-error\"") && selfDisable.body.contains("id=\"users\""))
            let created = try await admin.post("/users", form: ["_csrf": usersPage.csrf ?? "", "username": "moi", "displayName": "Người Mới",
                                                                "password": "mat-khau-dai-1", "role": "kiem_tra", "unit": DemoProvince.rootCode])
            #expect(created.status == .seeOther)
            let user = WebClient(app)
            #expect(try await user.login("moi", "mat-khau-dai-1").status == .seeOther)
            #expect(try await user.get("/audit?entity=user").status == .ok)  // auditors read the log, and that read is logged
            #expect(try await app.web.store.audit.entries(try await app.web.store.op, entity: "audit_log").contains {
                $0.actor == "moi" && $0.action == "xem_danh_sach" && $0.detail.hasPrefix("đối tượng user, trang 1: ")
            })
            #expect(!(try await user.get("/import").body.contains("survey-upload")))  // and import nothing
            let pw = try await user.get("/password")
            let changed = try await user.post("/password", form: ["_csrf": pw.csrf ?? "", "current": "mat-khau-dai-1", "new": "mat-khau-moi-2", "repeated": "mat-khau-moi-2"])
            #expect(changed.status == .seeOther)
            #expect(try await WebClient(app).login("moi", "mat-khau-dai-1").status == .unauthorized)
            #expect(try await WebClient(app).login("moi", "mat-khau-moi-2").status == .seeOther)
            #expect(try await app.web.store.audit.entries(try await app.web.store.op, entity: "user").contains { $0.action == "doi_mat_khau" })
            // An auditor of one commune reads its branch, but not the province's audit log.
            let commune = try await app.web.store.account(named: "xaphuong")
            let communeCode = try #require(try await app.web.store.units.history().units[commune.unitID]?.code)
            let usersAgain = try await admin.get("/users")
            #expect(try await admin.post("/users", form: ["_csrf": usersAgain.csrf ?? "", "username": "kiemtraxa", "displayName": "Kiểm tra xã",
                                                          "password": "mat-khau-dai-3", "role": "kiem_tra", "unit": communeCode]).status == .seeOther)
            let localAuditor = WebClient(app)
            #expect(try await localAuditor.login("kiemtraxa", "mat-khau-dai-3").status == .seeOther)
            #expect(try await localAuditor.get("/households").status == .ok)
            #expect(try await localAuditor.get("/audit").status == .forbidden)
        }
    }

    @Test("administrators change the tree on a date; a refused change says why", arguments: WebDatabase.available)
    func unitChanges(db: WebDatabase) async throws {
        try await db.withApp { app, _ in
            let store = app.web.store
            let account = try await store.account(named: "coso")
            let code = try #require(try await store.units.history().units[account.unitID]?.code)
            let admin = WebClient(app)
            try await admin.login("quantri")
            let page = try await admin.get("/units/\(code)")
            let renamed = try await admin.post("/units/\(code)/rename", form: ["_csrf": page.csrf ?? "", "name": "CĐCS Đổi Tên Thử", "date": store.today.iso])
            #expect(renamed.status == .seeOther)
            #expect(try await admin.get("/units/\(code)").body.contains("CĐCS Đổi Tên Thử"))
            let refused = try await admin.post("/units/\(code)/move", form: ["_csrf": page.csrf ?? "", "parent": "KHONG-CO", "date": store.today.iso])
            #expect(refused.status == .badRequest)
            #expect(refused.body.contains("KHONG-CO"))
            // Officers may not change the tree.
            let officer = WebClient(app)
            try await officer.login("coso")
            let own = try await officer.get("/units/\(code)")
            #expect(try await officer.post("/units/\(code)/rename", form: ["_csrf": own.csrf ?? "", "name": "X", "date": store.today.iso]).status == .forbidden)
            // A split needs two parts; then the old unit names its successors.
            let oneLine = try await admin.post("/units/\(code)/split", form: ["_csrf": page.csrf ?? "", "parts": "SPLIT-A; CĐCS A", "date": store.today.iso])
            #expect(oneLine.status == .badRequest)
            // Dated ahead: refused (its members would pass at once); recorded on its day.
            let tomorrow = store.today.adding(days: 1)
            let parts = "SPLIT-A; CĐCS Tách A\nSPLIT-B; CĐCS Tách B"
            let ahead = try await admin.post("/units/\(code)/split", form: ["_csrf": page.csrf ?? "", "parts": parts, "assign": "", "date": tomorrow.iso])
            #expect(ahead.status == .badRequest && ahead.body.contains("được ghi khi đã có hiệu lực"))
            let split = try await admin.post("/units/\(code)/split", form: ["_csrf": page.csrf ?? "", "parts": parts, "assign": "", "date": store.today.iso])
            #expect(split.status == .seeOther)
            var history = try await store.units.history()
            #expect(history.successions(of: try #require(history.unit(code: code)).id).count == 2)
            #expect(history.unit(code: "SPLIT-B") != nil)

            // A merger's new unit takes the parent and kind chosen, else the unit's own on the day.
            let other = try #require(history.units.values.filter { $0.kind == .grassrootsUnion && $0.isActive(on: store.today) && !$0.code.hasPrefix("SPLIT") }
                .map(\.code).sorted().first)
            let otherPage = try await admin.get("/units/\(other)")
            #expect(otherPage.body.contains(#"<option value="cong_doan_co_so" selected>"#))
            let merge = ["_csrf": page.csrf ?? "", "others": "", "code": "GOP-X", "name": "Công đoàn ngành Hợp nhất", "date": store.today.iso]
            let badKind = try await admin.post("/units/\(other)/merge", form: merge.merging(["kind": "khong_co"]) { $1 })
            #expect(badKind.status == .badRequest && badKind.body.contains("Loại đơn vị không hợp lệ"))
            let merged = try await admin.post("/units/\(other)/merge", form: merge.merging(["kind": "cong_doan_nganh", "parent": DemoProvince.rootCode]) { $1 })
            #expect(merged.status == .seeOther)
            history = try await store.units.history()
            let made = try #require(history.unit(code: "GOP-X"))
            #expect(made.kind == .sectorUnion && history.parent(of: made.id, on: store.today) == history.unit(code: DemoProvince.rootCode)?.id)
        }
    }

    @Test("the OpenAPI document describes every API route")
    func openAPI() async throws {
        try await WebDatabase.sqlite.withApp(households: 100) { app, _ in
            let response = try await app.testing().sendRequest(.GET, "/api/openapi.json")
            #expect(response.status == .ok)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
            let paths = try #require(json["paths"] as? [String: [String: Any]])
            let apiRoutes = app.routes.all.filter { $0.path.first.map { "\($0)" } == "api" }
            #expect(apiRoutes.count >= 10)
            for route in apiRoutes {
                let path = "/" + route.path.map { c -> String in
                    if case .parameter(let name) = c { return "{\(name)}" }
                    return "\(c)"
                }.joined(separator: "/")
                let operation = paths[path]?[route.method.rawValue.lowercased()]
                #expect(operation != nil, "\(route.method.rawValue) \(path) is not described")
            }
            #expect(paths.count == Set(apiRoutes.map { $0.path.map { "\($0)" }.joined(separator: "/") }).count)

            // What each GET without a path parameter answers is what the document says: the
            // status and the JSON's shape (object or array); errors have the one error body.
            let token = try await app.testing().sendRequest(.POST, "/api/v1/tokens", headers: ["Content-Type": "application/json"],
                                                            body: ByteBuffer(string: #"{"username":"quantri","password":"\#(DemoSeed.password)"}"#))
            struct Token: Decodable { let token: String }
            let auth: HTTPHeaders = ["Authorization": "Bearer \(try JSONDecoder().decode(Token.self, from: Data(token.body.readableBytesView)).token)"]
            var checked = 0
            for (path, operations) in paths where !path.contains("{") {
                guard let get = operations["get"] as? [String: Any], let responses = get["responses"] as? [String: Any],
                      let ok = responses["200"] as? [String: Any],
                      let content = ok["content"] as? [String: Any], let json = content["application/json"] as? [String: Any],
                      let schema = json["schema"] as? [String: Any], let type = schema["type"] as? String else { continue }
                let r = try await app.testing().sendRequest(.GET, path, headers: auth)
                #expect(r.status == .ok, "GET \(path) → \(r.status)")
                let body = try JSONSerialization.jsonObject(with: Data(r.body.readableBytesView))
                #expect(type == "array" ? body is [Any] : body is [String: Any], "GET \(path) is not an \(type)")
                checked += 1
            }
            #expect(checked >= 10)
            let bad = try await app.testing().sendRequest(.GET, "/api/v1/households?page=null", headers: auth)
            #expect(bad.status == .badRequest)
            let error = try #require(try JSONSerialization.jsonObject(with: Data(bad.body.readableBytesView)) as? [String: [String: Any]])
            #expect(error["error"]?["code"] as? Int == 400 && (error["error"]?["message"] as? String)?.contains("page") == true)
        }
    }

    @Test("every audit action and object the code writes has a name on the audit page")
    func auditNames() throws {
        let root = WebSettings.defaultRoot()
        let catalogue = Catalogue.standard
        // audit.record("a", …), audit.read("a", …), record(x ? "a" : "b", …), and the survey's correction entry.
        let action = try NSRegularExpression(pattern: #"(?:audit\.record|audit\.read|audit\.export)\((?:[^"()]*\?\s*)?"([a-z_]+)"(?:\s*:\s*"([a-z_]+)")?|\.text\("(sua_ra_soat)"\)"#)
        let entity = try NSRegularExpression(pattern: #"entity: "([a-z_]+)""#)
        var actions = Set<String>(), entities = Set<String>()
        let sources = try #require(FileManager.default.enumerator(atPath: root + "Sources/Storage"))
        while let f = sources.nextObject() as? String {
            guard f.hasSuffix(".swift") else { continue }
            let text = try String(contentsOfFile: root + "Sources/Storage/" + f, encoding: .utf8)
            for m in action.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                for i in 1...3 { if let r = Range(m.range(at: i), in: text) { actions.insert(String(text[r])) } }
            }
            for m in entity.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                if let r = Range(m.range(at: 1), in: text) { entities.insert(String(text[r])) }
            }
        }
        actions.remove("sao_luu")  // the backup's export entry is named by its file
        for kind in EntryKind.allCases { actions.insert("so_quy_" + kind.rawValue) }
        for kind in ["khao_sat", "doan_vien", "don_vi"] { actions.insert("nhap_" + kind) }
        #expect(actions.count > 40 && entities.count > 10)
        for a in actions.sorted() { #expect(catalogue.has("audit.action." + a), "audit action \(a) has no name") }
        for e in entities.sorted() { #expect(catalogue.has("audit.entity." + e), "audit object \(e) has no name") }
    }

    @Test("both catalogues hold every key the templates and the code use")
    func catalogue() throws {
        let root = WebSettings.defaultRoot()
        let catalogue = Catalogue.standard
        var used = Set<String>()
        let views = try FileManager.default.contentsOfDirectory(atPath: root + "Resources/Views")
        #expect(views.count >= 12)
        // Templates' #t("key"), pages' req.t("key"), and every Message("key") of every module.
        let pattern = try NSRegularExpression(pattern: #"#t\("([^"]+)"\)|req\.t\("([^"]+)"|FormProblem\(key: "([^"]+)"|Message\("([^"]+)"|\.key\("([^"]+)"\)"#)
        var files = views.map { root + "Resources/Views/" + $0 }
        let sources = try #require(FileManager.default.enumerator(atPath: root + "Sources"))
        while let f = sources.nextObject() as? String { if f.hasSuffix(".swift") { files.append(root + "Sources/" + f) } }
        for file in files {
            let text = try String(contentsOfFile: file, encoding: .utf8)
            for m in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                for i in 1...5 {
                    if let r = Range(m.range(at: i), in: text) { used.insert(String(text[r])) }
                }
            }
        }
        for role in Role.allCases { used.insert("role." + role.rawValue) }
        for kind in NotFound.Kind.allCases { used.insert("notfound.kind." + kind.rawValue) }
        for action in ["approve", "reject", "disburse", "repay", "extend", "write_off", "record_jobs"] { used.insert("loan.action." + action) }
        for kind in ["khao-sat", "doan-vien", "don-vi"] { used.insert("import.kind." + kind) }
        used = used.filter { !$0.hasSuffix(".") && $0 != "key" }  // "key": the doc comment of #t
        #expect(used.count > 250)
        for key in used.sorted() {
            for lang in Language.allCases {
                #expect(catalogue.texts[lang]?[key] != nil, "\(key) missing in \(lang.rawValue).json")
            }
        }
    }
}
