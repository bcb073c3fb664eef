import Foundation
import NIOConcurrencyHelpers
@testable import Storage
import SQLKit
import Testing

/// SQLite writers of one process queue in the file's `WriteGate` instead of spinning inside
/// SQLite on the shared blocking pool (as many threads as cores). Without the gate, a handful of
/// databases each with a transaction holding the lock across an `await` and a second writer
/// waiting left every pool thread spinning and the holders without a thread to finish on: the
/// whole process stopped (seen in CI as a run that stood still for eighteen minutes).
@Suite("SQLite write gate")
struct WriteGateTests {
    @Test("many writers on several SQLite files at once all finish, one at a time per file")
    func writersOnSeveralFilesFinish() async throws {
        let files = 4, writers = 12
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("giamngheo-gate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var opened: [Store] = []
        for i in 0..<files {
            let store = try Store(.sqlite(path: dir.appendingPathComponent("g\(i).sqlite").path), logger: TestDatabase.logger)
            try await store.migrate()
            opened.append(store)
        }
        let stores = opened
        let before = try await withThrowingTaskGroup(of: Int.self) { group in
            for store in stores { group.addTask { try await Self.revision(store) } }
            return try await group.reduce(0, +)
        }
        // Each writer holds the file's lock across an await, as a request's transaction does
        // between its statements. They run in a task of their own, watched: a regression fails
        // the test after two minutes instead of holding up the whole run.
        let work = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for store in stores {
                    for _ in 0..<writers {
                        group.addTask {
                            try await store.writeTransaction { db in
                                try await store.bump(.reviews, on: db)
                                try await Task.sleep(for: .milliseconds(3))
                                try await db.raw("SELECT COUNT(*) AS n FROM units").run()
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        let done = ManagedFlag()
        Task { _ = try? await work.value; done.set() }
        var finished = false
        for _ in 0..<1200 where !finished {
            try await Task.sleep(for: .milliseconds(100))
            finished = done.isSet
        }
        if finished { try await work.value }
        #expect(finished, "the writers did not finish within two minutes")
        guard finished else { return }
        let after = try await withThrowingTaskGroup(of: Int.self) { group in
            for store in stores { group.addTask { try await Self.revision(store) } }
            return try await group.reduce(0, +)
        }
        #expect(after - before == files * writers)
        for store in stores {
            #expect(store.writeGate?.waitingCount == 0)
            await store.shutdown()
        }
    }

    @Test("an SQLite transaction's connection waits for another process's writer by sleeping, with a bound")
    func busyTimeoutOnTransactions() async throws {
        try await TestDatabase.sqlite.withStore { store in
            for _ in 0..<4 {
                let timeout = try await store.transaction { db in
                    try await db.raw("PRAGMA busy_timeout").first()?.decode(column: "timeout", as: Int.self)
                }
                #expect(timeout == Store.sqliteBusyTimeout)
            }
        }
    }

    @Test("work that outlives the store (an import waiting its turn while the server stops) ends with an error, not a crash")
    func closedStoreThrows() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("giamngheo-gate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try Store(.sqlite(path: dir.appendingPathComponent("closed.sqlite").path), logger: TestDatabase.logger)
        try await store.migrate()
        await store.shutdown()
        await #expect(throws: StoreClosed.self) { try await store.units.history() }
        await #expect(throws: StoreClosed.self) { try await store.writeTransaction { db in try await db.raw("SELECT 1 AS one").run() } }
    }

    final class ManagedFlag: Sendable {
        private let value = NIOLockedValueBox(false)
        func set() { value.withLockedValue { $0 = true } }
        var isSet: Bool { value.withLockedValue { $0 } }
    }

    static func revision(_ store: Store) async throws -> Int {
        try await store.sql.raw("SELECT revision FROM data_revisions WHERE name = 'reviews'").first()?.int("revision") ?? -1
    }
}
