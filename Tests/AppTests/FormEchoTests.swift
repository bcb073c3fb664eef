import App
import Demo
import Foundation
import PovertyCore
import SQLKit
@_spi(Simulation) @testable import Storage
import Testing
import Vapor
import VaporTesting

/// A refused form comes back with what was typed into it (and only into it), on the funds,
/// loans, campaigns and unit pages; units are chosen by name, not typed as codes.
@Suite("Refused forms keep what was typed", .serialized)
struct FormEchoTests {
    @Test("funds, loan application, campaign and unit forms keep their fields after a refusal", arguments: WebDatabase.available)
    func echo(db: WebDatabase) async throws {
        try await db.withApp { app, _ in
            let store = app.web.store
            let officer = try await store.account(named: "xaphuong")
            let history = try await store.units.history()
            let commune = try #require(history.units[officer.unitID]?.code)
            let web = WebClient(app)
            try await web.login("xaphuong")
            let csrf = try #require(try await web.get("/funds").csrf)

            // Funds: a contribution with an amount in words. The contribution form shows it all
            // again; the allocation and disbursement forms beside it stay empty.
            let funds = try await web.post("/funds", form: ["_csrf": csrf, "action": "contribute", "fund": "mai_am", "unit": commune,
                                                           "contributor": "Công ty May Hoa Lư", "amount": "hai triệu", "date": "05/03/2026",
                                                           "note": "ủng hộ <Tết>"])
            #expect(funds.status == .badRequest)
            #expect(funds.body.contains("id=\"form-error\"") && funds.body.contains("hai triệu"))
            // The tab's title says first that the form came back with a problem; the page's heading does not.
            #expect(funds.body.contains("<title>Lỗi: ") && !funds.body.contains("<h1 class=\"h3\">Lỗi"))
            #expect(funds.body.contains("id=\"ct-contributor\" name=\"contributor\" required value=\"Công ty May Hoa Lư\""))
            #expect(funds.body.contains("id=\"ct-amount\" name=\"amount\" inputmode=\"numeric\" required placeholder=\"1.000.000\" value=\"hai triệu\""))
            #expect(funds.body.contains("id=\"ct-date\" name=\"date\" type=\"text\" placeholder=\"dd/mm/yyyy\" maxlength=\"10\" value=\"05/03/2026\""))
            #expect(funds.body.contains("value=\"ủng hộ &lt;Tết&gt;\""), "typed text is escaped")
            #expect(funds.body.contains("<option value=\"mai_am\" selected>"))
            #expect(funds.body.contains("id=\"al-amount\" name=\"amount\" inputmode=\"numeric\" required value=\"\""))
            #expect(funds.body.contains("id=\"ds-amount\" name=\"amount\" inputmode=\"numeric\" required value=\"\""))
            // The allocation's receiving unit is chosen by name among the branch's units.
            #expect(funds.body.contains("<select class=\"form-select mb-1\" id=\"al-toUnit\" name=\"toUnit\" required>"))

            // A loan application with a bad amount keeps the member, the purpose, the borrower and the terms.
            let loan = try await web.post("/loans", form: ["_csrf": csrf, "member": "DV-XYZ", "household": "", "unit": commune,
                                                           "purpose": "chan_nuoi", "amount": "năm mươi triệu", "term": "24", "every": "6",
                                                           "workers": "2", "jobs": "2", "borrower": "co_so_san_xuat", "contractCost": "",
                                                           "contractMonths": "", "date": "10/03/2026"])
            #expect(loan.status == .badRequest)
            #expect(loan.body.contains("id=\"la-member\" name=\"member\" required value=\"DV-XYZ\""))
            #expect(loan.body.contains("value=\"năm mươi triệu\"") && loan.body.contains("id=\"la-term\" name=\"term\" type=\"number\" min=\"1\" required value=\"24\""))
            #expect(loan.body.contains("<option value=\"chan_nuoi\" selected>") && loan.body.contains("<option value=\"co_so_san_xuat\" selected>"))
            #expect(loan.body.contains("value=\"10/03/2026\""))
            // Untouched, the form shows its defaults.
            let fresh = try await web.get("/loans")
            #expect(fresh.body.contains("id=\"la-term\" name=\"term\" type=\"number\" min=\"1\" required value=\"36\""))
            #expect(fresh.body.contains("<option value=\"nguoi_lao_dong\" selected>"))

            // A campaign with a budget in words keeps its name, dates and the near-poor box as left.
            let campaign = try await web.post("/campaigns", form: ["_csrf": csrf, "kind": "tet_sum_vay", "name": "Tết sum vầy 2027", "unit": commune,
                                                                   "fund": "xa_hoi", "year": "2025", "from": "01/01/2027", "to": "31/01/2027",
                                                                   "budget": "mười triệu", "gift": "500.000"])
            #expect(campaign.status == .badRequest)
            #expect(campaign.body.contains("id=\"cp-name\" name=\"name\" required value=\"Tết sum vầy 2027\""))
            #expect(campaign.body.contains("value=\"mười triệu\"") && campaign.body.contains("value=\"01/01/2027\"") && campaign.body.contains("value=\"31/01/2027\""))
            #expect(campaign.body.contains("<option value=\"tet_sum_vay\" selected>"))
            #expect(campaign.body.contains("name=\"nearPoor\" value=\"1\">"), "the near-poor box left unticked stays unticked")
            #expect(try await web.get("/campaigns").body.contains("name=\"nearPoor\" value=\"1\" checked>"))

            // The administrator's unit forms: a rename dated before the unit existed keeps the name typed.
            let admin = WebClient(app)
            try await admin.login("quantri")
            let unitPage = try await admin.get("/units/\(commune)")
            let adminCSRF = try #require(unitPage.csrf)
            let rename = try await admin.post("/units/\(commune)/rename", form: ["_csrf": adminCSRF, "name": "Công đoàn phường Mới", "date": "01/01/1990"])
            #expect(rename.status == .badRequest)
            #expect(rename.body.contains("id=\"rn-name\" name=\"name\" required value=\"Công đoàn phường Mới\""))
            #expect(rename.body.contains("value=\"01/01/1990\""))
            #expect(rename.body.contains("id=\"mg-name\" name=\"name\" required value=\"\""), "the merge form beside it stays empty")
        }
    }
}
