import App
import Demo
import Foundation
import NIOCore
import PovertyCore
@_spi(Simulation) @testable import Storage
import Testing
import Vapor
import VaporTesting

/// Requests no form would send: NUL bytes and other controls, very long paths, odd methods,
/// broken bodies. On both databases, never a 5xx and never a Swift or SQL internal in the answer.
@Suite("Odd requests", .serialized)
struct OddRequestTests {
    static func token(_ app: Application, _ username: String) async throws -> String {
        let r = try await app.testing().sendRequest(.POST, "/api/v1/tokens", headers: ["Content-Type": "application/json"],
                                                    body: ByteBuffer(string: #"{"username":"\#(username)","password":"\#(DemoSeed.password)"}"#))
        struct Token: Decodable { let token: String }
        return try JSONDecoder().decode(Token.self, from: Data(r.body.readableBytesView)).token
    }

    static func noInternals(_ body: String) -> Bool {
        !["Swift.", "DecodingError", "sqlState", "PSQLError", "SQLITE", "Data corrupted", "Abort."].contains { body.contains($0) }
    }

    @Test("NUL and other controls in paths, queries, forms and JSON: 400 in the catalogue's words", arguments: WebDatabase.available)
    func controls(db: WebDatabase) async throws {
        try await db.withApp(households: 30) { app, _ in
            let web = WebClient(app)
            #expect(try await web.login("quantri").status == .seeOther)
            let csrf = try #require(try await web.get("/").csrf)
            for path in ["/households/%00", "/households?q=%00", "/members?q=%00", "/loans/%00", "/campaigns/%00", "/funds/ledger?fund=xa_hoi&unit=%00",
                         "/audit?actor=%00", "/households?q=a%01b", "/units/%7F"] {
                let page = try await web.get(path)
                #expect(page.status == .badRequest, "\(path) → \(page.status)")
                #expect(page.body.contains("ký tự điều khiển"), "\(path)")
            }
            // A mistyped day never shows today's figures under it: the page says the day is wrong.
            for path in ["/loans?date=31/02/2026", "/funds/ledger?fund=xa_hoi&unit=LDLD-NB&from=hom-qua", "/funds/reconciliation?to=2026-13-01"] {
                let page = try await web.get(path)
                #expect(page.status == .badRequest && page.body.contains("không hợp lệ (dd/mm/yyyy)"), "\(path) → \(page.status)")
            }
            #expect(try await web.get("/loans?date=").status == .ok, "an empty day is none")
            let form = try await web.post("/password", form: ["_csrf": csrf, "current": "a\u{0}b", "new": "x", "repeated": "x"])
            #expect(form.status == .badRequest)

            let auth: HTTPHeaders = ["Authorization": "Bearer \(try await Self.token(app, "quantri"))", "Content-Type": "application/json"]
            for path in ["/api/v1/households/%00", "/api/v1/households?q=%00", "/api/v1/loans/%00", "/api/v1/members?q=%00"] {
                let r = try await app.testing().sendRequest(.GET, path, headers: auth)
                #expect(r.status == .badRequest, "\(path) → \(r.status)")
            }
            let nulName = try await app.testing().sendRequest(.POST, "/api/v1/tokens", headers: ["Content-Type": "application/json"],
                                                              body: ByteBuffer(string: #"{"username":"quan\u0000tri","password":"x"}"#))
            #expect(nulName.status == .badRequest)
            let contribution = try await app.testing().sendRequest(.POST, "/api/v1/funds/xa_hoi/contributions", headers: auth,
                                                                   body: ByteBuffer(string: #"{"unit":"LDLD-NB","amount":1000,"contributor":"a\u0000b"}"#))
            #expect(contribution.status == .badRequest)
            #expect(Self.noInternals(contribution.body.string))
        }
    }

    @Test("a very long path, odd methods and broken bodies: 4xx, nothing internal", arguments: WebDatabase.available)
    func odd(db: WebDatabase) async throws {
        try await db.withApp(households: 30) { app, _ in
            let web = WebClient(app)
            #expect(try await web.login("quantri").status == .seeOther)
            let long = try await web.get("/households/" + String(repeating: "A", count: 5000))
            #expect(long.status == .uriTooLong)
            let fairlyLong = try await web.get("/households/" + String(repeating: "A", count: 3000))
            #expect(fairlyLong.status == .notFound)
            let trace = try await app.testing().sendRequest(.TRACE, "/")
            #expect(trace.status == .methodNotAllowed)
            // A method no route of the path answers: 405, with the ones that do.
            let put = try await app.testing().sendRequest(.PUT, "/api/v1/campaigns")
            #expect(put.status == .methodNotAllowed && put.headers.first(name: .allow) == "GET")
            let delete = try await app.testing().sendRequest(.DELETE, "/api/v1/funds/xa_hoi/contributions")
            #expect(delete.status == .methodNotAllowed && delete.headers.first(name: .allow) == "POST")
            #expect(try await app.testing().sendRequest(.GET, "/khong-co-trang-nay").status == .notFound)
            let auth: HTTPHeaders = ["Authorization": "Bearer \(try await Self.token(app, "quantri"))"]
            for (type, body) in [("application/json", "\u{0}"), ("application/json", "{"), ("text/plain", "hello"), ("application/json", "")] {
                var h = auth
                h.replaceOrAdd(name: .contentType, value: type)
                let r = try await app.testing().sendRequest(.POST, "/api/v1/funds/xa_hoi/contributions", headers: h, body: ByteBuffer(string: body))
                #expect((400..<500).contains(r.status.code), "\(type) \(body.debugDescription) → \(r.status)")
                #expect(Self.noInternals(r.body.string), "\(r.body.string)")
            }
        }
    }

    @Test("a row the database gives back that makes no sense is the server's fault: 500, no internals, not a refusal of the officer", arguments: WebDatabase.available)
    func corruptRow(db: WebDatabase) async throws {
        try await db.withApp(households: 30) { app, _ in
            let store = app.web.store
            let coso = try await store.account(named: "coso")
            let actor = try await store.actor(for: coso, via: .web)
            let code = try #require(actor.history.units[coso.unitID]?.code)
            let year = try #require(try await store.browse.latestYear(actor))
            try await store.reports.save(actor, unit: coso.unitID, year: year, narrative: ReportNarrative(results: "x", shortcomings: "", proposals: ""))
            try await store.sql.raw("UPDATE annual_reports SET status = 'submitted', figures = '{\"hong' WHERE unit_id = \(bind: coso.unitID)").run()
            let web = WebClient(app)
            try await web.login("coso")
            let page = try await web.get("/reports/\(code)/\(year)")
            #expect(page.status == .internalServerError && Self.noInternals(page.body) && !page.body.contains("hong") && !page.body.contains("figures"))
            let csrf = try #require(try await web.get("/").csrf)
            let posted = try await web.post("/reports/\(code)/\(year)", form: ["_csrf": csrf, "action": "save", "results": "y", "shortcomings": "", "proposals": ""])
            #expect(posted.status == .internalServerError)
        }
    }
}
