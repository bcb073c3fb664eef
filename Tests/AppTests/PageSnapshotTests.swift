import App
import Demo
import Foundation
import PovertyCore
import SnapshotTesting
import Testing

/// The main pages' HTML, as a branch officer sees them on a small demo province with the
/// clock pinned: a change to a template, a page model or a figure shows here as a diff of the
/// page (`__Snapshots__/PageSnapshotTests/`). Both databases must give the same pages. To
/// accept an intended change, delete the snapshot file and run the tests again (it is
/// recorded, and that run fails once).
@Suite("Page snapshots", .serialized)
struct PageSnapshotTests {
    /// 1 December 2026, 09:00 in Vietnam.
    static let clock = Clock.fixed(Date(timeIntervalSince1970: 1_796_090_400))

    /// What changes from run to run and says nothing about the page: form tokens.
    static func stable(_ html: String) -> String {
        html.replacingOccurrences(of: #"name="_csrf" value="[^"]*""#, with: #"name="_csrf" value="…""#, options: .regularExpression)
            .replacingOccurrences(of: #"<meta name="csrf-token" content="[^"]*""#, with: #"<meta name="csrf-token" content="…""#, options: .regularExpression)
    }

    @Test("the branch officer's main pages", arguments: WebDatabase.available)
    func branchPages(db: WebDatabase) async throws {
        try await db.withApp(households: 120, clock: Self.clock) { app, _ in
            let web = WebClient(app)
            #expect(try await web.login("xaphuong").status == .seeOther)
            let list = try await web.get("/households")
            let household = try #require(list.body.range(of: #"/households/[A-Z]+[0-9][0-9A-Z-]*"#, options: .regularExpression).map { String(list.body[$0]) })
            let pages = [("dashboard", "/"), ("households", "/households"), ("household", household), ("coverage", "/coverage"),
                         ("funds", "/funds"), ("loans", "/loans"), ("campaigns", "/campaigns"), ("reports", "/reports"), ("import", "/import"),
                         ("review-sheet", household + "/review?year=2026"), ("review-new", "/reviews/new?year=2026")]
            for (name, path) in pages {
                let page = try await web.get(path)
                #expect(page.status == .ok, "\(path)")
                #expect(page.body.contains("id=\"demo-banner\""), "the demo province says so on \(path)")
                assertSnapshot(of: Self.stable(page.body), as: .lines, named: name,
                               fileID: #fileID, file: #filePath, testName: "branchPages", line: #line, column: #column)
            }
            _ = try await web.get("/lang/en")
            let english = try await web.get("/")
            assertSnapshot(of: Self.stable(english.body), as: .lines, named: "dashboard-en",
                           fileID: #fileID, file: #filePath, testName: "branchPages", line: #line, column: #column)
        }
    }
}
