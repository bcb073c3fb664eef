import Foundation
import PovertyCore
@testable import Storage
import SQLKit
import Testing

/// The SQLite journal's sessions end when they must, even when the second of the two steps
/// (the journal after the database) does not happen, and never outlive the database they
/// belonged to.
@Suite("SQLite journal: sessions", .serialized)
struct JournalStoreTests {
    static func store(at path: String) throws -> Store {
        try Store(.sqlite(path: path), logger: TestDatabase.logger, clock: .fixed(TestDatabase.t0), passwords: PlainHasher())
    }

    static func account(_ store: Store) async throws -> Account {
        _ = try await store.importUnits(Files.smallTree)
        _ = try await store.accounts.create(try await store.op, NewAccount(username: "admin", displayName: "Quản trị", password: "mat-khau-dai",
                                                                          role: .administrator, unitCode: "T"))
        guard case .accepted(let account) = try await store.accounts.signIn(username: "admin", password: "mat-khau-dai", from: "test", channel: .web) else {
            throw StorageError.corrupt("sign-in refused")
        }
        return account
    }

    @Test("a session older than the account's last reset is refused, even if the journal kept it")
    func refusedAfterReset() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try Self.store(at: dir.appendingPathComponent("a.sqlite").path)
        do {
            try await store.migrate()
            let account = try await Self.account(store)
            try await store.accounts.openSession(account, tokenHash: "cu", csrfToken: "c", lifetime: 3600, from: "test")
            #expect(try await store.accounts.session(tokenHash: "cu") != nil)
            try await store.accounts.resetPassword(try await store.op, id: account.id, to: "mat-khau-moi-dai")
            #expect(try await store.accounts.session(tokenHash: "cu") == nil)
            // As if the journal's step had not happened: the old session is still there.
            try await store.sessionTransaction { db in
                try await db.raw("""
                    INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at)
                    VALUES ('cu', \(bind: account.id), 'c', '2000-01-01T00:00:00Z', '2999-01-01T00:00:00Z')
                    """).run()
            }
            #expect(try await store.accounts.session(tokenHash: "cu") == nil)
            // A session of the sign-in before the reset is not opened; one signed in after it counts.
            await #expect(throws: AccountRefusal.passwordChangedMeanwhile) {
                try await store.accounts.openSession(account, tokenHash: "muon", csrfToken: "c", lifetime: 3600, from: "test")
            }
            #expect(try await store.accounts.session(tokenHash: "muon") == nil)
            guard case .accepted(let again) = try await store.accounts.signIn(username: "admin", password: "mat-khau-moi-dai", from: "test", channel: .web) else {
                throw StorageError.corrupt("sign-in refused")
            }
            try await store.accounts.openSession(again, tokenHash: "moi", csrfToken: "c", lifetime: 3600, from: "test")
            #expect(try await store.accounts.session(tokenHash: "moi")?.account.id == account.id)
        } catch {
            await store.shutdown()
            throw error
        }
        await store.shutdown()
    }

    @Test("a database restored where its journal was left starts without sessions")
    func restoredSignsEveryoneOut() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("a.sqlite").path, backup = dir.appendingPathComponent("sao-luu.bak").path
        let store = try Self.store(at: path)
        do {
            try await store.migrate()
            let account = try await Self.account(store)
            try await store.backup(try await store.op, to: backup)
            try await store.accounts.openSession(account, tokenHash: "sau-sao-luu", csrfToken: "c", lifetime: 3600, from: "test")
            #expect(try await store.accounts.session(tokenHash: "sau-sao-luu") != nil)
        } catch {
            await store.shutdown()
            throw error
        }
        await store.shutdown()
        // The database is lost; its journal stays beside the path.
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        #expect(FileManager.default.fileExists(atPath: Store.journalPath(path)))
        _ = try await Store.restore(.sqlite(path: path), from: backup, logger: TestDatabase.logger)
        let restored = try Self.store(at: path)
        do {
            try await restored.migrate()
            #expect(try await restored.accounts.session(tokenHash: "sau-sao-luu") == nil)
        } catch {
            await restored.shutdown()
            throw error
        }
        await restored.shutdown()
    }
}
