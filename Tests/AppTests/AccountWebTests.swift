import App
import Demo
import Foundation
import PovertyCore
import SQLKit
@_spi(Simulation) @testable import Storage
import Testing
import Vapor
import VaporTesting

/// Accounts after a reorganisation, and corrections of a loan, through the pages on the demo
/// province (SQLite and PostgreSQL).
@Suite struct AccountWebTests {
    @Test("an account of an ended unit says why it sees nothing, and its administrator moves it; a branch's administrator gives no higher role",
          arguments: WebDatabase.available)
    func endedUnitAccounts(db: WebDatabase) async throws {
        try await db.withApp { app, _ in
            let store = app.web.store
            let op = try await store.op
            let history = try await store.units.history()
            let coso = try await store.account(named: "coso")
            let unitCode = try #require(history.units[coso.unitID]?.code)
            let parentID = try #require(history.parent(of: coso.unitID, on: store.today))
            let parentCode = try #require(history.units[parentID]?.code)
            // A second officer of the grassroots union, then the union is dissolved into its commune.
            let officerID = try await store.accounts.create(op, NewAccount(username: "cbmoi", displayName: "Cán bộ mới", password: "mat-khau-dai-1",
                                                                           role: .grassrootsOfficer, unitCode: unitCode))
            let officer = WebClient(app)
            #expect(try await officer.login("cbmoi", "mat-khau-dai-1").status == .seeOther)
            #expect(try await officer.get("/households").body.contains("<td>"))
            try await store.units.dissolve(op, unitCode, successor: parentCode, on: store.today, reason: "sáp nhập vào xã")
            // Every page says why it shows nothing (not "not found" for its own unit); its password page stays open.
            for path in ["/", "/households", "/reports", "/hardship", "/reports/tables"] {
                let page = try await officer.get(path)
                #expect(page.status == .forbidden, "\(path)")
                #expect(page.body.contains("đã kết thúc từ ngày \(store.today.vietnamese)") && page.body.contains("nhờ quản trị chuyển tài khoản"), "\(path)")
            }
            #expect(try await officer.get("/password").status == .ok)
            // The API says the same (403), not an empty branch; `/me` and tokens stay open.
            let bearer = try await BranchBoundaryWebTests.token(app, "cbmoi", "mat-khau-dai-1")
            let listed = try await officer.send(.GET, "/api/v1/households", headers: bearer, body: nil)
            #expect(listed.status == .forbidden && listed.body.contains("đã kết thúc từ ngày"))
            #expect(try await officer.send(.GET, "/api/v1/me", headers: bearer, body: nil).status == .ok)

            // The administrator sees which accounts to move, and moves one (its session ends).
            let admin = WebClient(app)
            try await admin.login("quantri")
            let users = try await admin.get("/users")
            #expect(users.body.contains("(đã kết thúc từ \(store.today.vietnamese))") && users.body.contains("action=\"/users/\(officerID)/move\""))
            // Its move form proposes what the unit became.
            #expect(users.body.contains("id=\"mv-unit-\(officerID)\" name=\"unit\" value=\"\(parentCode)\""))
            let moved = try await admin.post("/users/\(officerID)/move", form: ["_csrf": users.csrf ?? "", "role": "can_bo_xa_nganh", "unit": parentCode])
            #expect(moved.status == .seeOther)
            #expect(try await officer.get("/households").status == .seeOther)  // to sign in again
            #expect(try await officer.login("cbmoi", "mat-khau-dai-1").status == .seeOther)
            let after = try await officer.get("/")
            #expect(!after.body.contains("đã kết thúc từ ngày") && after.body.contains("Cán bộ công đoàn xã/phường, ngành"))
            let entries = try await store.audit.entries(op, entity: "user", id: officerID)
            #expect(entries.contains { $0.action == "chuyen_tai_khoan" && $0.actor == "quantri" && $0.detail.hasSuffix("→ can_bo_xa_nganh, \(parentCode)") })

            // A commune's administrator offers only its officers' and auditors' roles, and a posted
            // administrator's role is refused, saying why.
            _ = try await store.accounts.create(op, NewAccount(username: "qtxa", displayName: "Quản trị xã", password: "mat-khau-dai-2",
                                                               role: .administrator, unitCode: parentCode))
            let local = WebClient(app)
            #expect(try await local.login("qtxa", "mat-khau-dai-2").status == .seeOther)
            let page = try await local.get("/users")
            #expect(page.body.contains("<option value=\"can_bo_co_so\"") && !page.body.contains("<option value=\"quan_tri\""))
            let refused = try await local.post("/users", form: ["_csrf": page.csrf ?? "", "username": "qtxa2", "displayName": "x", "password": "mat-khau-dai-3",
                                                                "role": "quan_tri", "unit": parentCode])
            #expect(refused.status == .badRequest && refused.body.contains("Chỉ quản trị cấp tỉnh mới giao được vai trò"))
            // A form with several problems says them all at once and keeps what was typed.
            let several = try await local.post("/users", form: ["_csrf": page.csrf ?? "", "username": "qt xa", "displayName": " ", "password": "ngan",
                                                                "role": "can_bo_co_so", "unit": "KHONG-CO"])
            let problems = try await store.accounts.problems(op, NewAccount(username: "qt xa", displayName: " ", password: "ngan",
                                                                            role: .grassrootsOfficer, unitCode: "KHONG-CO"))
            #expect(problems == [.invalidUsername, .noDisplayName, .passwordTooShort(PasswordPolicy.minimumLength), .unknownUnit("KHONG-CO")])
            #expect(several.status == .badRequest)
            for said in ["Tên đăng nhập: 3–40 chữ cái", "Cần họ tên.", "Mật khẩu cần ít nhất \(PasswordPolicy.minimumLength) ký tự.",
                         "Không có đơn vị mã &#39;KHONG-CO&#39;"] {
                #expect(several.body.contains(said), "\(said)")
            }
            #expect(several.body.contains("value=\"qt xa\"") && several.body.contains("value=\"KHONG-CO\""))
            #expect(try await !store.accounts.list(op).contains { $0.username == "qt xa" })
            // Nor does it offer to change another administrator of its unit: no disable, no move, no revoke.
            let peerID = try await store.accounts.create(op, NewAccount(username: "qtxa-b", displayName: "Quản trị xã 2", password: "mat-khau-dai-4",
                                                                        role: .administrator, unitCode: parentCode))
            let peer = try await store.actor(for: try await store.account(named: "qtxa-b"), via: .api)
            try await store.accounts.createToken(peer, tokenHash: "peer-token", name: "máy", lifetime: 3600)
            let again = try await local.get("/users")
            #expect(!again.body.contains("action=\"/users/\(peerID)/active\"") && !again.body.contains("action=\"/users/\(peerID)/move\""))
            let tokens = try await local.get("/users/\(peerID)/tokens")
            #expect(tokens.status == .ok && tokens.body.contains("máy") && !tokens.body.contains("/revoke"))
            // A token is revoked from its own account's page only: named under another account, not found.
            let peerToken = try #require(try await store.accounts.tokens(peer).first?.id)
            let elsewhere = try await admin.post("/users/\(officerID)/tokens/\(peerToken)/revoke", form: ["_csrf": users.csrf ?? ""])
            let stillLive = try await store.accounts.account(tokenHash: "peer-token")
            #expect(elsewhere.status == .notFound && stillLive != nil)
        }
    }

    @Test("a repayment or a payout recorded by mistake is undone on the loan's page, with a reason and a confirmation", arguments: WebDatabase.available)
    func loanCorrections(db: WebDatabase) async throws {
        try await db.withApp { app, _ in
            let store = app.web.store
            let op = try await store.op
            let loans = try await store.loans.loans(op, state: .disbursed)
            let repaid = try #require(loans.first { !$0.payments.isEmpty })
            let web = WebClient(app)
            try await web.login("quantri")
            var page = try await web.get("/loans/\(repaid.code)")
            #expect(page.body.contains("id=\"form-undo-repayment\"") && !page.body.contains("id=\"form-undo-disbursement\""))
            let payment = try #require(repaid.payments.last)
            let form = ["_csrf": page.csrf ?? "", "action": "reverse_repayment", "repayment": String(payment.id), "reason": "nhập nhầm số tiền",
                        "date": store.today.vietnamese]
            let unconfirmed = try await web.post("/loans/\(repaid.code)", form: form)
            #expect(unconfirmed.status == .badRequest)
            #expect(try await store.loans.file(op, repaid.code).payments.count == repaid.payments.count)
            #expect(try await web.post("/loans/\(repaid.code)", form: form.merging(["confirm": "1"]) { $1 }).status == .seeOther)
            #expect(try await store.loans.file(op, repaid.code).payments.map(\.id) == repaid.payments.dropLast().map(\.id))

            // A payout with no repayment offers its undoing; the loan is approved again.
            if let fresh = loans.first(where: { $0.payments.isEmpty }) {
                page = try await web.get("/loans/\(fresh.code)")
                #expect(page.body.contains("id=\"form-undo-disbursement\""))
                let undone = try await web.post("/loans/\(fresh.code)", form: ["_csrf": page.csrf ?? "", "action": "reverse_disbursement",
                                                                               "reason": "nhầm khoản vay", "date": store.today.vietnamese, "confirm": "1"])
                #expect(undone.status == .seeOther)
                #expect(try await store.loans.file(op, fresh.code).state == .approved)
            }
            let differences = try await store.rollups.check(op)
            #expect(differences.isEmpty)
            #expect(try await store.audit.entries(op, entity: "loan").contains { $0.action == "vay_huy_tra_no" && $0.actor == "quantri" })
        }
    }
}
