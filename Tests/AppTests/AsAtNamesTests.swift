import App
import Demo
import Foundation
import PovertyCore
@_spi(Simulation) @testable import Storage
import Testing
import Vapor
import VaporTesting

/// A year's figures name units as they were at the end of that year, on every output.
@Suite("Names as at the year's end", .serialized)
struct AsAtNamesTests {
    @Test("coverage names a unit renamed since by its name of that year: page and API alike", arguments: WebDatabase.available)
    func coverageNamesUnitsAsTheyWere(db: WebDatabase) async throws {
        try await db.withApp { app, _ in
            let store = app.web.store
            let coso = try await store.account(named: "coso")
            let actor = try await store.actor(for: coso, via: .web)
            let code = try #require(actor.history.units[coso.unitID]?.code)
            // A past review year (the demo's latest is this year's).
            let year = try #require(try await store.browse.latestYear(actor)) - 1
            let then = try #require(actor.history.name(of: coso.unitID, on: Day.endOfYear(year)))
            #expect(Day.endOfYear(year) < store.today)
            try await store.units.rename(try await store.op, code, to: "CĐCS Tên Mới Sau Năm Rà Soát", on: store.today)
            let web = WebClient(app)
            try await web.login("coso")
            let page = try await web.get("/coverage?year=\(year)")
            // (The page's header names the officer's unit as it is today.)
            #expect(page.status == .ok && page.body.contains("<td>\(then)</td>"))
            let auth = try await BranchBoundaryWebTests.token(app, "coso")
            let api = try await app.testing().sendRequest(.GET, "/api/v1/coverage?year=\(year)", headers: auth)
            struct Coverage: Decodable { struct Unit: Decodable { let unitCode: String; let unitName: String }; let units: [Unit] }
            let units = try JSONDecoder().decode(Coverage.self, from: Data(api.body.readableBytesView)).units
            #expect(units.first { $0.unitCode == code }?.unitName == then)
        }
    }
}
