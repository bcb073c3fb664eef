import App
import Demo
import Foundation
import PovertyCore
import SQLKit
@_spi(Simulation) @testable import Storage
import Testing
import Vapor
import VaporTesting

/// The support pages and API (coverage, funds, loans, campaigns) on the demo province, on
/// SQLite and PostgreSQL: every page in both languages, forms that record and refuse, scope.
@Suite("Support pages and API")
struct SupportWebTests {
    func firstMatch(_ pattern: String, in text: String) -> String? {
        guard let r = text.range(of: pattern, options: .regularExpression) else { return nil }
        return String(text[r])
    }

    @Test("the support form offers the household's own union as the giving unit, for an officer above it too",
          arguments: WebDatabase.available)
    func givingUnitIsTheHouseholds(db: WebDatabase) async throws {
        try await db.withApp { app, _ in
            let store = app.web.store
            let coso = try await store.account(named: "coso")
            let code = try #require(try await store.units.history().units[coso.unitID]?.code)
            let household = try #require(try await store.sql.raw("""
                SELECT h.code FROM reviews r JOIN households h ON h.id = r.household_id
                WHERE r.unit_id = \(bind: coso.unitID) AND r.year = (SELECT MAX(year) FROM reviews r2 WHERE r2.household_id = r.household_id)
                ORDER BY h.code LIMIT 1
                """).first()?.decode(column: "code", as: String.self))
            for login in ["bancs", "xaphuong", "coso"] {
                let web = WebClient(app)
                try await web.login(login)
                let page = try await web.get("/households/\(household)")
                #expect(page.status == .ok)
                let select = try #require(page.body.components(separatedBy: "id=\"sp-unit\"").dropFirst().first?.components(separatedBy: "</select>").first)
                // One option chosen, and it is the household's union (before: none for the province, so the first listed).
                #expect(select.components(separatedBy: " selected>").count == 2, "\(login): \(select)")
                #expect(select.contains("value=\"\(code)\" selected>"), "\(login): \(select)")
            }
        }
    }

    @Test("every support page renders in both languages", arguments: WebDatabase.available)
    func pages(db: WebDatabase) async throws {
        try await db.withApp { app, _ in
            let web = WebClient(app)
            try await web.login("quantri")
            let loans = try await web.get("/loans")
            let loan = try #require(firstMatch(#"/loans/VV[0-9]{4}-[0-9]+"#, in: loans.body))
            let campaigns = try await web.get("/campaigns")
            let campaign = try #require(firstMatch(#"/campaigns/DQ[0-9]{4}-[0-9]+"#, in: campaigns.body))
            let funds = try await web.get("/funds")
            let ledger = try #require(firstMatch(#"/funds/ledger\?fund=[a-z_]+&amp;unit=[A-Z0-9-]+"#, in: funds.body)).replacingOccurrences(of: "&amp;", with: "&")
            let coverage = try await web.get("/coverage?near=1")
            let household = try #require(firstMatch(#"/households/HO[0-9]+"#, in: coverage.body))
            let paths = ["/coverage", "/coverage?near=1", "/funds", ledger, "/funds/reconciliation", "/loans", "/loans?state=disbursed", loan,
                         "/campaigns", campaign, household]
            for lang in ["vi", "en"] {
                try await web.get("/lang/\(lang)")
                for path in paths {
                    let page = try await web.get(path)
                    #expect(page.status == .ok, "\(path) \(lang)")
                    #expect(!page.body.contains("⟦"), "untranslated key on \(path) (\(lang))")
                }
            }
            try await web.get("/lang/vi")
            // A year out of range is a bad request, not a crash.
            #expect(try await web.get("/coverage?year=99999").status == .badRequest)
            #expect(try await web.get("/households?year=-5").status == .badRequest)
            // The dashboard draws the stored target's path and says where the province stands.
            let dashboard = try await web.get("/")
            #expect(dashboard.body.contains("Lộ trình mục tiêu") && dashboard.body.contains("giảm 70,0%"))
            // The demo's ledgers agree with their balances, and the coverage page has gaps to work on.
            #expect(try await web.get("/funds/reconciliation").body.contains("id=\"reconciled\">Số dư mọi quỹ khớp"))
            #expect(coverage.body.contains("coverage-gaps"))
            #expect(try await web.get(household).body.contains("id=\"needs\""))
        }
    }

    @Test("support, funds, loans and campaigns through the forms, within the branch", arguments: WebDatabase.available)
    func forms(db: WebDatabase) async throws {
        try await db.withApp { app, _ in
            let store = app.web.store
            let coso = try await store.account(named: "coso")
            let history = try await store.units.history()
            let unitCode = try #require(history.units[coso.unitID]?.code)
            let scope = Scope.predecessorsIncluded(of: coso.unitID, in: history, on: store.today)
            let units = try #require(scope.unitIDs)
            let year = try #require(try await store.browse.latestYear(try await store.op))
            let rows = try await store.sql.raw("SELECT h.code, r.unit_id FROM reviews r JOIN households h ON h.id = r.household_id WHERE r.year = \(bind: year) ORDER BY h.code").all()
            var inside: String?, outside: String?
            for row in rows {
                let code = try row.decode(column: "code", as: String.self), unit = try row.decode(column: "unit_id", as: Int.self)
                if units.contains(unit) { inside = inside ?? code } else { outside = outside ?? code }
            }
            let home = try #require(inside), away = try #require(outside)

            let web = WebClient(app)
            try await web.login("coso")
            var page = try await web.get("/households/\(home)")
            #expect(page.body.contains("form-support"))
            let csrf = try #require(page.csrf)
            // A support from the grassroots union, recorded and shown.
            let recorded = try await web.post("/households/\(home)/support", form: [
                "_csrf": csrf, "policy": "ho_tro_bhyt", "date": "\(year)-10-01", "value": "1.250.000", "source": "state",
                "sourceName": "Bảo hiểm xã hội", "unit": unitCode])
            #expect(recorded.status == .seeOther)
            page = try await web.get("/households/\(home)")
            #expect(page.body.contains("1.250.000 đ"))
            // A bad amount: the form again, with which field and what was wrong.
            let bad = try await web.post("/households/\(home)/support", form: [
                "_csrf": csrf, "policy": "ho_tro_bhyt", "value": "mười nghìn", "source": "partner", "sourceName": "Hội Chữ thập đỏ", "unit": unitCode])
            #expect(bad.status == .badRequest)
            #expect(bad.body.contains("form-error") && bad.body.contains("mười nghìn"))
            // What was typed is kept: the amount, the source and its name, the policy chosen.
            #expect(bad.body.contains("id=\"sp-value\" name=\"value\" inputmode=\"numeric\" value=\"mười nghìn\""))
            #expect(bad.body.contains("value=\"Hội Chữ thập đỏ\"") && bad.body.contains("<option value=\"partner\" selected>"))
            #expect(bad.body.contains("<option value=\"ho_tro_bhyt\" selected>"))
            // From a fund the unit does not have: refused with the balance.
            let short = try await web.post("/households/\(home)/support", form: [
                "_csrf": csrf, "policy": "tro_cap_kho_khan", "value": "500.000", "source": "fund", "fund": "mai_am", "unit": unitCode])
            #expect(short.status == .badRequest)
            #expect(short.body.contains("không đủ"))
            // Another branch's household: not found, for the page and the form.
            #expect(try await web.get("/households/\(away)").status == .notFound)
            let foreign = try await web.post("/households/\(away)/support", form: [
                "_csrf": csrf, "policy": "ho_tro_bhyt", "value": "1", "source": "state", "sourceName": "x", "unit": unitCode])
            #expect(foreign.status == .notFound)
            // The province's ledger is not the grassroots officer's.
            #expect(try await web.get("/funds/ledger?fund=xa_hoi&unit=\(DemoProvince.rootCode)").status == .notFound)
            #expect(!(try await web.get("/funds").body.contains("unit=\(DemoProvince.rootCode)\"")))

            // A contribution and a disbursement through the funds page; an overdraw is refused.
            #expect(try await web.post("/funds", form: ["_csrf": csrf, "action": "contribute", "fund": "xa_hoi", "unit": unitCode, "amount": "2.000.000",
                                                        "contributor": "Ban giám đốc công ty", "date": "\(year)-03-01"]).status == .seeOther)
            let overdraw = try await web.post("/funds", form: ["_csrf": csrf, "action": "disburse", "fund": "xa_hoi", "unit": unitCode,
                                                               "amount": "2.000.001", "note": "thăm hỏi"])
            #expect(overdraw.status == .badRequest && overdraw.body.contains("2.000.000"))
            #expect(try await web.post("/funds", form: ["_csrf": csrf, "action": "disburse", "fund": "xa_hoi", "unit": unitCode,
                                                        "amount": "500.000", "note": "thăm hỏi đoàn viên ốm"]).status == .seeOther)
            let ledger = try await web.get("/funds/ledger?fund=xa_hoi&unit=\(unitCode)")
            #expect(ledger.body.contains("1.500.000 đ"))
            // Reversing the contribution would leave the fund negative: refused. Reversing the disbursement gives the money back.
            let contribution = try #require(firstMatch(#"/funds/entries/[0-9]+/reverse"#, in: ledger.body))
            let unconfirmed = try await web.post(contribution, form: ["_csrf": csrf, "reason": "nhập nhầm"])
            #expect(unconfirmed.status == .badRequest && unconfirmed.body.contains("đánh dấu ô xác nhận") && unconfirmed.body.contains("value=\"nhập nhầm\""))
            let negative = try await web.post(contribution, form: ["_csrf": csrf, "reason": "nhập nhầm", "confirm": "1"])
            #expect(negative.status == .badRequest && negative.body.contains("không đủ"))
            let after = ledger.body[ledger.body.range(of: contribution)!.upperBound...]
            let disbursement = try #require(firstMatch(#"/funds/entries/[0-9]+/reverse"#, in: String(after)))
            #expect(try await web.post(disbursement, form: ["_csrf": csrf, "reason": "chi nhầm", "confirm": "1"]).status == .seeOther)
            #expect(try await store.funds.balance(try await store.op, fund: "xa_hoi", unit: unitCode) == 2_000_000)

            // A loan application through the form lands on the loan's page.
            let members = try await store.sql.raw("""
                SELECT m.code FROM memberships ms JOIN members m ON m.id = ms.member_id WHERE ms.unit_id = \(bind: coso.unitID) AND ms.left_on IS NULL ORDER BY m.code
                """).all()
            let member = try #require(members.first).decode(column: "code", as: String.self)
            let applied = try await web.post("/loans", form: ["_csrf": csrf, "member": member, "unit": unitCode, "purpose": "chan_nuoi",
                                                              "amount": "30.000.000", "term": "24", "every": "3", "workers": "1", "jobs": "1"])
            #expect(applied.status == .seeOther)
            let loanPath = try #require(applied.location).components(separatedBy: "?").first!
            #expect(try await web.get(loanPath).body.contains("id=\"approve\""))
            // The unit holds no capital: approval is refused with the reason.
            let refused = try await web.post(loanPath, form: ["_csrf": csrf, "action": "approve"])
            #expect(refused.status == .badRequest && refused.body.contains("nguồn vốn"))
            // Over the limit of its day: refused by the rules, with the limit.
            let tooMuch = try await web.post("/loans", form: ["_csrf": csrf, "member": member, "unit": unitCode, "purpose": "chan_nuoi",
                                                              "amount": "900.000.000", "term": "24", "jobs": "1"])
            #expect(tooMuch.status == .badRequest && tooMuch.body.contains("200.000.000"))

            // The auditor reads but never changes.
            let auditor = WebClient(app)
            try await auditor.login("kiemtra")
            let read = try await auditor.get("/funds")
            #expect(read.status == .ok && !read.body.contains("form-contribute"))
            #expect(try await auditor.post("/funds", form: ["_csrf": read.csrf ?? "", "action": "contribute"]).status == .forbidden)

            // Campaigns: the commune officer draws and approves the grassroots list; the grassroots officer cannot approve its own.
            let desk = store.campaigns
            let code = try await desk.create(try await store.op, NewCampaign(kind: .tet, name: "Tết thử", unit: DemoProvince.rootCode, fund: "xa_hoi", year: year,
                                                         startsOn: store.today, endsOn: store.today, budget: 1_000_000_000, giftValue: 100_000))
            let drawn = try await web.post("/campaigns/\(code)", form: ["_csrf": csrf, "action": "draw", "unit": unitCode])
            let cosoOfficer = try await store.actor(for: coso, via: .web)
            let proposed = try await desk.proposals(cosoOfficer, code)
            // Nothing drawn is said so, not "list updated".
            #expect(drawn.status == (proposed.isEmpty ? .badRequest : .seeOther))
            // A grassroots officer is offered no approval; one posted anyway is refused, saying why.
            #expect(!(try await web.get("/campaigns/\(code)").body.contains("id=\"form-approve\"")))
            let own = try await web.post("/campaigns/\(code)", form: ["_csrf": csrf, "action": "approve", "unit": unitCode])
            if proposed.isEmpty {
                #expect(own.status == .badRequest && own.body.contains("không có hộ nào đang chờ phê duyệt"))
            } else {
                #expect(own.status == .badRequest && own.body.contains("cấp trên"))
                // A row's new amount refused keeps what was typed in that row.
                let first = try #require(proposed.first).householdCode
                let badAmount = try await web.post("/campaigns/\(code)", form: ["_csrf": csrf, "action": "amount", "household": first,
                                                                                "amount": "mười nghìn", "reason": "thử lại"])
                #expect(badAmount.status == .badRequest && badAmount.body.contains("value=\"mười nghìn\"") && badAmount.body.contains("value=\"thử lại\""))
                let commune = WebClient(app)
                try await commune.login("xaphuong")
                let c = try await commune.get("/campaigns/\(code)")
                #expect(try await commune.post("/campaigns/\(code)", form: ["_csrf": c.csrf ?? "", "action": "approve", "unit": unitCode]).status == .seeOther)
                #expect(try await desk.proposals(cosoOfficer, code).allSatisfy { $0.state == .approved })
            }
            #expect(try await store.audit.entries(try await app.web.store.op).contains { $0.actor == "coso" && $0.action == "ho_tro" })
        }
    }

    @Test("the support API: same functions, scope and refusals", arguments: WebDatabase.available)
    func api(db: WebDatabase) async throws {
        try await db.withApp { app, _ in
            func token(_ user: String) async throws -> HTTPHeaders {
                let r = try await app.testing().sendRequest(.POST, "/api/v1/tokens", headers: ["Content-Type": "application/json"],
                                                            body: ByteBuffer(string: #"{"username":"\#(user)","password":"\#(DemoSeed.password)"}"#))
                struct Token: Decodable { let token: String }
                let t = try JSONDecoder().decode(Token.self, from: Data(r.body.readableBytesView)).token
                return ["Authorization": "Bearer \(t)", "Content-Type": "application/json"]
            }
            let admin = try await token("quantri")
            for path in ["/api/v1/coverage", "/api/v1/funds", "/api/v1/loans", "/api/v1/campaigns"] {
                #expect(try await app.testing().sendRequest(.GET, path, headers: admin).status == .ok, "\(path)")
            }
            let loans = try await app.testing().sendRequest(.GET, "/api/v1/loans?state=disbursed", headers: admin)
            struct LoanLine: Decodable { let code: String; let unitCode: String; let outstanding: Int }
            let list = try JSONDecoder().decode([LoanLine].self, from: Data(loans.body.readableBytesView))
            let loan = try #require(list.first)
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/loans/\(loan.code)", headers: admin).body.string.contains("\"schedule\""))
            // A grassroots officer sees no province loans and cannot open one.
            let coso = try await token("coso")
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/loans/\(loan.code)", headers: coso).status == .notFound)
            let store = app.web.store
            // As at a day, the API lists each loan as the loans page does: a loan repaid later
            // is listed as out then, owing what it owed that day, with the schedule and
            // repayments of that day; before it was applied for it is not found.
            let files = try await store.loans.loans(try await store.op, state: .repaid)
            let repaid = try #require(files.first { f in f.disbursedOn.map { out in f.closedOn.map { out < $0 } ?? false } ?? false })
            let during = try #require(repaid.disbursedOn)
            struct Standing: Decodable { let code: String; let state: String; let outstanding: Int; let payments: [Payment]? }
            struct Payment: Decodable { let day: String }
            let then = try JSONDecoder().decode([Standing].self, from: Data(try await app.testing().sendRequest(
                .GET, "/api/v1/loans?state=disbursed&date=\(during.iso)", headers: admin).body.readableBytesView))
            let owed = repaid.amount - repaid.payments.filter { $0.day <= during }.reduce(0) { $0 + $1.amount }
            #expect(then.first { $0.code == repaid.code }.map { ($0.state, $0.outstanding) } ?? ("", 0) == ("disbursed", owed))
            let one = try JSONDecoder().decode(Standing.self, from: Data(try await app.testing().sendRequest(
                .GET, "/api/v1/loans/\(repaid.code)?date=\(during.iso)", headers: admin).body.readableBytesView))
            #expect(one.state == "disbursed" && one.outstanding == owed && (one.payments ?? []).allSatisfy { $0.day <= during.iso })
            let book = try await app.testing().sendRequest(.GET, "/api/v1/loans?state=repaid", headers: admin).body.string
            #expect(book.contains("\"code\":\"\(repaid.code)\""))
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/loans/\(repaid.code)?date=\(repaid.appliedOn.adding(days: -1).iso)",
                                                        headers: admin).status == .notFound)
            // An overdraw is refused with the reason; nothing is written.
            let before = try await store.funds.balance(try await store.op, fund: "xa_hoi", unit: DemoProvince.rootCode)
            let over = try await app.testing().sendRequest(.POST, "/api/v1/funds/xa_hoi/disbursements", headers: admin,
                                                           body: ByteBuffer(string: #"{"unit":"\#(DemoProvince.rootCode)","amount":\#(before + 1),"note":"x"}"#))
            #expect(over.status == .badRequest)
            #expect(over.body.string.contains("không đủ"))
            let paid = try await app.testing().sendRequest(.POST, "/api/v1/funds/xa_hoi/disbursements", headers: admin,
                                                           body: ByteBuffer(string: #"{"unit":"\#(DemoProvince.rootCode)","amount":1000,"note":"quà"}"#))
            #expect(paid.status == .ok)
            #expect(try await store.funds.balance(try await store.op, fund: "xa_hoi", unit: DemoProvince.rootCode) == before - 1000)
            // A repayment through the API moves the loan and the pool.
            let repay = try await app.testing().sendRequest(.POST, "/api/v1/loans/\(loan.code)/repayments", headers: admin,
                                                            body: ByteBuffer(string: #"{"amount":1}"#))
            #expect(repay.status == .ok)
            #expect(repay.body.string.contains("\"outstanding\":\(loan.outstanding - 1)"))
            // Twenty disbursement requests racing for a fund that covers seven: exactly seven are paid.
            let xaphuong = try await store.account(named: "xaphuong")
            let commune = try #require(try await store.units.history().units[xaphuong.unitID]?.code)
            let start = try await store.funds.balance(try await store.op, fund: "den_on_dap_nghia", unit: commune)
            try await store.funds.contribute(try await store.op, fund: "den_on_dap_nghia", unit: commune, day: store.today, amount: 7 * 100_000 - start % 100_000,
                                             contributor: "đoàn viên")
            let covered = (start + 7 * 100_000 - start % 100_000) / 100_000
            let officer = try await token("xaphuong")
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for i in 0..<(covered + 13) {
                    group.addTask {
                        try await app.testing().sendRequest(.POST, "/api/v1/funds/den_on_dap_nghia/disbursements", headers: officer,
                                                            body: ByteBuffer(string: #"{"unit":"\#(commune)","amount":100000,"note":"lần \#(i)"}"#)).status
                    }
                }
                var all: [HTTPStatus] = []
                for try await status in group { all.append(status) }
                return all
            }
            #expect(statuses.filter { $0 == .ok }.count == covered)
            #expect(statuses.filter { $0 == .badRequest }.count == 13)
            #expect(try await store.funds.balance(try await store.op, fund: "den_on_dap_nghia", unit: commune) == 0)
            #expect(try await store.funds.reconciliation(try await store.op, from: nil, to: nil).allSatisfy(\.agrees))
            // The auditor cannot write through the API either.
            let auditor = try await token("kiemtra")
            #expect(try await app.testing().sendRequest(.POST, "/api/v1/funds/xa_hoi/contributions", headers: auditor,
                                                        body: ByteBuffer(string: #"{"unit":"x","amount":1}"#)).status == .forbidden)
        }
    }
}
