import App
import Demo
import Foundation
import PovertyCore
import SQLKit
@_spi(Simulation) @testable import Storage
import Testing
import Vapor
import VaporTesting

/// Steps that cannot be undone from a page ask why and for a confirmation, and the audit
/// entry keeps the reason.
@Suite("Dangerous steps", .serialized)
struct DangerousStepsTests {
    @Test("dissolving a unit asks for a reason and a confirmation", arguments: WebDatabase.available)
    func dissolve(db: WebDatabase) async throws {
        try await db.withApp { app, _ in
            let store = app.web.store
            let history = try await store.units.history()
            let coso = try await store.account(named: "coso"), commune = try await store.account(named: "xaphuong")
            let code = try #require(history.units[coso.unitID]?.code), successor = try #require(history.units[commune.unitID]?.code)
            let web = WebClient(app)
            try await web.login("quantri")
            let page = try await web.get("/units/\(code)")
            #expect(page.body.contains("id=\"ds-confirm\"") && page.body.contains("id=\"ds-reason\""))
            let form = ["_csrf": page.csrf ?? "", "successor": successor, "date": store.today.vietnamese]
            let noReason = try await web.post("/units/\(code)/dissolve", form: form)
            #expect(noReason.status == .badRequest && noReason.body.contains("lý do giải thể"))
            var withReason = form
            withReason["reason"] = "Doanh nghiệp giải thể"
            let unconfirmed = try await web.post("/units/\(code)/dissolve", form: withReason)
            #expect(unconfirmed.status == .badRequest && unconfirmed.body.contains("ô xác nhận"))
            #expect(try await store.units.history().unit(code: code)?.isActive(on: store.today) == true)
            withReason["confirm"] = "1"
            #expect(try await web.post("/units/\(code)/dissolve", form: withReason).status == .seeOther)
            #expect(try await store.units.history().unit(code: code)?.isActive(on: store.today.adding(days: 1)) == false)
            let audit = try await store.sql.raw("SELECT detail FROM audit_log WHERE action = 'giai_the'").all().map { try $0.decode(column: "detail", as: String.self) }
            #expect(audit.contains { $0.hasSuffix(": Doanh nghiệp giải thể") })
        }
    }
}
