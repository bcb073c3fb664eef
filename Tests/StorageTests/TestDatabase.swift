import Foundation
import Logging
import PovertyCore
@_spi(Simulation) @testable import Storage
import SQLKit
import Testing

/// The databases every storage test runs on: a fresh SQLite file, and a fresh PostgreSQL
/// database when `GIAMNGHEO_TEST_POSTGRES_URL` points at a server (scripts/test.sh starts one).
/// Under CI the PostgreSQL server is required, so a missing one fails instead of skipping.
enum TestDatabase: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres

    var testDescription: String { rawValue }

    static let adminURL = ProcessInfo.processInfo.environment["GIAMNGHEO_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }

    /// SQLite always; PostgreSQL when configured (and always under CI).
    static var available: [TestDatabase] {
        if adminURL != nil || ProcessInfo.processInfo.environment["CI"] != nil { return [.sqlite, .postgres] }
        return [.sqlite]
    }

    /// Warnings and errors only: migrations log each step at info level.
    static let logger: Logger = {
        var logger = Logger(label: "giamngheo.test")
        logger.logLevel = .warning
        return logger
    }()

    /// A fixed clock: tests never read the real time.
    static let t0 = Date(timeIntervalSince1970: 1_796_090_400)

    /// Runs `body` with a freshly migrated store of its own (its clock stopped at `now`), then removes it.
    func withStore<T>(now: Date = TestDatabase.t0, _ body: (Store) async throws -> T) async throws -> T {
        switch self {
        case .sqlite:
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("giamngheo-test-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            let store = try Store(.sqlite(path: dir.appendingPathComponent("test.sqlite").path), logger: TestDatabase.logger, clock: .fixed(now), passwords: PlainHasher())
            do {
                try await store.migrate()
                let result = try await body(store)
                await store.shutdown()
                return result
            } catch {
                await store.shutdown()
                throw error
            }
        case .postgres:
            guard let admin = TestDatabase.adminURL else {
                Issue.record("GIAMNGHEO_TEST_POSTGRES_URL is not set: run the tests through scripts/test.sh")
                throw CancellationError()
            }
            let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            let adminStore = try Store(.postgres(url: admin), logger: TestDatabase.logger)
            try await adminStore.sql.raw("CREATE DATABASE \(unsafeRaw: name)").run()
            let url = admin.replacingOccurrences(of: #"/[^/?]*(\?|$)"#, with: "/\(name)$1", options: .regularExpression)
            let store = try Store(.postgres(url: url), logger: TestDatabase.logger, clock: .fixed(now), passwords: PlainHasher())
            func drop() async {
                await store.shutdown()
                try? await adminStore.sql.raw("DROP DATABASE IF EXISTS \(unsafeRaw: name)").run()
                await adminStore.shutdown()
            }
            do {
                try await store.migrate()
                let result = try await body(store)
                await drop()
                return result
            } catch {
                await drop()
                throw error
            }
        }
    }
}


/// Passwords "hashed" as themselves with a prefix: the tests check the rules around them,
/// not Bcrypt (which the web tests run).
struct PlainHasher: PasswordHashing {
    func hash(_ password: String) async throws -> String { "plain:" + password }
    func verify(_ password: String, against hash: String) async throws -> Bool { hash == "plain:" + password }
}

extension Store {
    /// The command-line operator "test": the whole province, audited as such.
    var op: Actor { get async throws { try await self.operator("test") } }

    /// An officer of the unit `code` (no account), with the branch an account of it has.
    func officer(_ code: String, role: Role = .branchOfficer) async throws -> Actor {
        let history = try await units.history()
        guard let unit = history.unit(code: code) else { throw StorageError.notFound(.unit, code) }
        return try await simulatedOfficer("officer-\(code)", role: role, unitID: unit.id)
    }
}

extension Store {
    /// An actor limited to `scope` (a branch worked out by the test itself).
    func actor(_ scope: Scope, role: Role = .branchOfficer) async throws -> Actor {
        let (history, version) = try await snapshot()
        return Actor(accountID: nil, name: "test-branch", role: role, unitID: nil, scope: scope, channel: .cli, history: history, dataVersion: version)
    }
}
