import Foundation
import PovertyCore
@_spi(Simulation) @testable import Storage
import Testing

/// A production start: no demo account ever, the first administrator with a generated password.
@Suite("First administrator and the demo mark")
struct InstanceTests {
    @Test(arguments: TestDatabase.available)
    func firstAdministratorOnlyOnATreeWithoutAccounts(db: TestDatabase) async throws {
        try await db.withStore { store in
            let op = try await store.op
            #expect(try await store.createFirstAdministrator(op) == nil)  // no tree yet
            try await store.importUnits(Files.smallTree)
            let first = try #require(try await store.createFirstAdministrator(op))
            #expect(first.username == "quantri" && first.unit == "T" && first.password.count == 20)
            #expect(first.password != (try #require(try await store.createFirstAdministrator(op)?.password ?? "again")))
            let account = try #require(try await store.accounts.list(op).first { $0.username == "quantri" })
            #expect(account.role == .administrator)
            // The password works, and is not the demo's.
            #expect(try await store.accounts.signIn(username: "quantri", password: first.password, from: "127.0.0.1", channel: .web) == .accepted(account))
            #expect(try await store.accounts.signIn(username: "quantri", password: "demo-giamngheo", from: "127.0.0.1", channel: .web) == .refused)
            #expect(try await store.isDemoDatabase() == false)
            try await store.markAsDemo(op)
            #expect(try await store.isDemoDatabase())
        }
    }
}

@Suite("Backups are audited exports")
struct BackupAuditTests {
    @Test func aBackupLeavesAnExportEntry() async throws {
        try await TestDatabase.sqlite.withStore { store in
            try await store.importUnits(Files.smallTree)
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("bk-\(UUID().uuidString).sqlite").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            try await store.backup(try await store.op, to: path)
            #expect(FileManager.default.fileExists(atPath: path))
            #expect(try await store.audit.entries(try await store.op, entity: "export").contains { $0.action == "xuat" && $0.detail.hasPrefix("sao_luu") })
            await #expect(throws: Backup.Failure.self) { try await store.backup(try await store.op, to: path) }
        }
    }
}
