import App
import Foundation
import Testing
import VaporTesting

/// Redirect targets and headers built from what outsiders send.
@Suite("Redirects and headers")
struct HTTPSafetyTests {
    /// Known ways to leave the site or split a header, as they arrive after URL decoding.
    static let bypasses = [
        "//evil.example", "/\\evil.example", "\\\\evil.example", "/\t/evil.example", "/%09/evil.example", "/%2f%2fevil.example",
        "/%2F/evil.example", "/%5cevil.example", "/%252f%252fevil.example", "https://evil.example", "http:/evil.example",
        "javascript:alert(1)", "/\r\nSet-Cookie: gn_session=x", "/%0d%0aSet-Cookie:%20gn_session=x", "/\u{0}x", "/ /evil.example",
        "/／evil.example", "/∕evil.example", "/⁄evil.example", "／／evil.example", "evil.example", "", "/%", "/%zz", "/\u{7F}",
        "/..//evil.example".replacingOccurrences(of: "..", with: ""), "///evil.example", "/.\\evil", "/x\u{2028}y",
    ]

    @Test("every known bypass is refused", arguments: bypasses)
    func refused(_ raw: String) {
        #expect(LocalRedirect.target(raw) == nil, "\(raw.debugDescription) was accepted")
        #expect(LocalRedirect.orHome(raw) == "/")
    }

    @Test("pages of this site pass unchanged")
    func local() {
        for path in ["/", "/households", "/households?q=nguyen&status=ngheo", "/households/HO-0001", "/login?next=%2Fhouseholds%3Fq%3Dan",
                     "/funds/ledger?fund=xa_hoi&unit=CD-P-HOALU", "/reports/CD%2DX/2025"] {
            #expect(LocalRedirect.target(path) == path)
        }
    }

    @Test("back= and next= cannot send a header or another site", arguments: WebDatabase.available)
    func throughTheApp(db: WebDatabase) async throws {
        try await db.withApp(households: 30) { app, _ in
            let web = WebClient(app)
            for raw in ["/%0d%0aSet-Cookie:%20gn_session=attacker", "/%09/evil.example", "//evil.example", "/%2f%2fevil.example"] {
                let lang = try await web.get("/lang/vi?back=" + raw)
                // Refused outright (a control character) or sent home: never elsewhere.
                #expect(lang.status == .badRequest || lang.location == "/", "back=\(raw) → \(lang.status) \(lang.location ?? "nil")")
                #expect(!lang.headers[.setCookie].contains { $0.contains("attacker") })
            }
            let form = try await web.get("/login?next=%2F%2Fevil.example")
            #expect(!form.body.contains("evil.example"))
            let login = try await web.post("/login", form: ["username": "quantri", "password": DemoSeed.password, "_csrf": form.csrf ?? "",
                                                            "next": "/\t/evil.example"])
            #expect(login.location == "/", "\(login.status) \(login.body.prefix(300))")
            let again = try await web.post("/logout", form: ["_csrf": (try await web.get("/")).csrf ?? ""])
            #expect(again.status == .seeOther || again.status == .found)
            let form2 = try await web.get("/login?next=%2Fhouseholds")
            let back = try await web.post("/login", form: ["username": "quantri", "password": DemoSeed.password, "_csrf": form2.csrf ?? "",
                                                           "next": "/households"])
            #expect(back.location == "/households")
        }
    }

    @Test("a download's file name cannot end the header")
    func disposition() {
        let header = Attachment.disposition("bao-cao\"\r\nSet-Cookie: x=1.docx")
        #expect(!header.contains("\r") && !header.contains("\n"))
        #expect(header.hasPrefix("attachment; filename=\"bao-cao___Set-Cookie__x_1.docx\""))
    }
}
