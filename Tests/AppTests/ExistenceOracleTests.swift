import App
import Demo
import Foundation
import NIOCore
import PovertyCore
@_spi(Simulation) @testable import Storage
import Testing
import Vapor
import VaporTesting

/// For every route that takes a code, another branch's code and a code that exists nowhere get
/// the same answer — status and body, pages and API — so an officer cannot list what exists
/// in other branches.
@Suite("Outside the branch reads as nonexistent", .serialized)
struct ExistenceOracleTests {
    /// A code of `table` whose unit is outside the grassroots officer's branch (and, for a
    /// campaign, not organised above it, since those are readable).
    static func outside(_ store: Store, _ table: String, of actor: Actor) async throws -> String {
        let history = actor.history
        let rows = try await store.sql.raw("SELECT code, unit_id FROM \(unsafeRaw: table) ORDER BY code").all()
        for row in rows {
            let unit = try row.int("unit_id")
            let above = history.ancestry(of: actor.unitID ?? 0, on: store.today).contains(unit)
            if !actor.scope.contains(unit) && !above { return try row.string("code") }
        }
        throw StorageError.notFound(.unit, table)
    }

    /// The body with the code asked for (as written, and as the page's own links encode it) masked.
    static func masked(_ body: String, _ code: String) -> String {
        let encoded = code.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? code
        let twice = encoded.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? encoded
        return body.replacingOccurrences(of: twice, with: "⟨code⟩").replacingOccurrences(of: encoded, with: "⟨code⟩")
            .replacingOccurrences(of: code, with: "⟨code⟩")
    }

    static func same(_ a: (HTTPStatus, String), _ b: (HTTPStatus, String), _ codeA: String, _ codeB: String) -> Bool {
        a.0 == b.0 && masked(a.1, codeA) == masked(b.1, codeB)
    }

    @Test("pages and API answer another branch's code exactly as an unknown one", arguments: WebDatabase.available)
    func sameAnswer(db: WebDatabase) async throws {
        try await db.withApp { app, _ in
            let store = app.web.store
            let actor = try await store.actor(for: try await store.account(named: "coso"), via: .web)
            let household = try await BranchBoundaryWebTests.outsider(store, of: "coso").code
            let loan = try await Self.outside(store, "loans", of: actor)
            let unit = try #require(actor.history.units.values.sorted { $0.code < $1.code }.first { !actor.scope.contains($0.id) && actor.history.parent(of: $0.id, on: store.today) != nil }?.code)
            // The demo's campaigns are organised above every branch (readable to all): add one of another branch.
            let today = store.today
            let campaign = try await store.campaigns.create(try await store.op, NewCampaign(
                kind: .tet, name: "Tết của nhánh khác", unit: unit, fund: "xa_hoi", year: today.year - 1, startsOn: today, endsOn: today,
                budget: 1_000_000, giftValue: nil, statuses: [.poor]))
            let member = try await MemberPageTests.member(store, of: "coso", inside: false)
            let unknown = "ZZ-KHONG-CO"
            let web = WebClient(app)
            try await web.login("coso")
            let auth = try await BranchBoundaryWebTests.token(app, "coso")
            let year = store.today.year - 1
            let cases: [(String, String)] = [
                ("/households/{}", household), ("/households/{}/review?year=\(year)", household), ("/reviews/new?code={}", household), ("/members/{}", member), ("/loans/{}", loan), ("/campaigns/{}", campaign), ("/units/{}", unit),
                ("/reports/{}/\(year)", unit), ("/funds/ledger?fund=xa_hoi&unit={}", unit),
                ("/api/v1/households/{}", household), ("/api/v1/households/{}/support", household), ("/api/v1/loans/{}", loan),
                ("/api/v1/campaigns/{}", campaign), ("/api/v1/units/{}", unit), ("/api/v1/funds/xa_hoi/{}", unit),
                ("/api/v1/reports/{}/\(year)", unit),
            ]
            for (template, code) in cases {
                func ask(_ c: String) async throws -> (HTTPStatus, String) {
                    let path = template.replacingOccurrences(of: "{}", with: c)
                    if path.hasPrefix("/api/") {
                        let r = try await app.testing().sendRequest(.GET, path, headers: auth)
                        return (r.status, r.body.string)
                    }
                    let p = try await web.get(path)
                    return (p.status, PageSnapshotTests.stable(p.body))
                }
                let theirs = try await ask(code), nobody = try await ask(unknown)
                #expect(theirs.0 == .notFound, "\(template) with another branch's \(code) → \(theirs.0)")
                #expect(Self.same(theirs, nobody, code, unknown), "\(template): \(theirs.0) vs \(nobody.0)\n\(Self.masked(theirs.1, code).suffix(1200))\n---\n\(Self.masked(nobody.1, unknown).suffix(1200))")
            }
        }
    }
}
