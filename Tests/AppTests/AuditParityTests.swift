import App
import Foundation
import NIOCore
@_spi(Simulation) @testable import Storage
import Testing
import Vapor
import VaporTesting

/// The same read through a page, the API and the command line leaves the same audit entry,
/// told apart only by its channel: Storage writes it, not the edges.
@Suite("Audit parity")
struct AuditParityTests {
    /// The built `giamngheo` next to the test bundle (as the CLI tests find it).
    static let binary: URL = {
        var candidates = [Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent(),
                          URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()]
        candidates += candidates.map { $0.deletingLastPathComponent() }
        for dir in candidates {
            let url = dir.appendingPathComponent("giamngheo")
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), !isDir.boolValue { return url }
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/debug/giamngheo")
    }()

    static func cli(_ arguments: [String], config: StorageConfig) throws -> Int32 {
        let p = Process()
        p.executableURL = binary
        p.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "DATABASE_URL")
        switch config {
        case .sqlite(let path): env["SQLITE_PATH"] = path
        case .postgres(let url): env["DATABASE_URL"] = url
        }
        p.environment = env
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        return p.terminationStatus
    }

    @Test("a household's file, a member search and the coverage worklist: one entry per channel, alike", arguments: WebDatabase.available)
    func sameReadSameEntry(db: WebDatabase) async throws {
        try await db.withApp { app, _, config in
            let store = app.web.store
            let coso = try await store.account(named: "coso")
            let actor = try await store.actor(for: coso, via: .web)
            let year = try #require(try await store.browse.latestYear(actor))
            let household = try #require(try await store.browse.households(actor, HouseholdFilter(year: year), page: 1, perPage: 1).items.first).code
            let member = try #require(try await store.reviews.household(actor, code: household).members.first)
            let name = member.fullName
            let web = WebClient(app)
            try await web.login("coso")
            let r = try await app.testing().sendRequest(.POST, "/api/v1/tokens", headers: ["Content-Type": "application/json"],
                                                        body: ByteBuffer(string: #"{"username":"coso","password":"\#(DemoSeed.password)"}"#))
            struct Token: Decodable { let token: String }
            let token = try JSONDecoder().decode(Token.self, from: Data(r.body.readableBytesView)).token
            let api: HTTPHeaders = ["Authorization": "Bearer \(token)"]
            let query = name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? name
            let reads: [(page: String, api: String, cli: [String], action: String, entity: String)] = [
                ("/households/\(household)", "/api/v1/households/\(household)", ["household", household], "xem", "household"),
                ("/members?q=\(query)", "/api/v1/members?q=\(query)", ["search", name], "tim_kiem", "member"),
                ("/coverage", "/api/v1/coverage", ["coverage", "--format", "csv"], "xem_danh_sach", "coverage"),
            ]
            let op = try await store.op
            for read in reads {
                let before = try await store.audit.entries(op, entity: read.entity).count
                #expect(try await web.get(read.page).status == .ok, "\(read.page)")
                #expect(try await app.testing().sendRequest(.GET, read.api, headers: api).status == .ok, "\(read.api)")
                #expect(try Self.cli(read.cli + ["--user", "coso"], config: config) == 0, "\(read.cli)")
                let entries = Array(try await store.audit.entries(op, entity: read.entity).dropFirst(before).filter { $0.action == read.action })
                #expect(entries.map(\.channel) == ["web", "api", "cli"], "\(read.action) \(read.entity)")
                #expect(Set(entries.map(\.actor)) == ["coso"])
                // The same thing read, described the same way, by whichever door it came.
                let described = Set(entries.map { "\($0.action)|\($0.entity)|\($0.entityID.map(String.init) ?? "")|\(read.entity == "coverage" ? "" : $0.detail)" })
                #expect(described.count == 1, "\(entries)")
            }
            // Written out as CSV, the command line's list is an export too, as a page's download is.
            let exports = try await store.audit.entries(op, entity: "export").filter { $0.channel == "cli" && $0.actor == "coso" }
            #expect(exports.contains { $0.detail.hasPrefix("hộ còn thiếu chính sách") && $0.detail.hasSuffix("dòng lệnh, csv") }, "\(exports)")
        }
    }
}
