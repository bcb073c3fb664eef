import App
import Foundation
import NIOConcurrencyHelpers
import SQLKit
@testable import Storage
import Testing
import Vapor

/// On SQLite an import holds the database's write lock for its whole transaction. Signing in,
/// reading pages of named people (whose reads are audited) and signing out write to the
/// journal beside it instead, so they never wait for it; the entries of reads reach the audit
/// log once the lock is free.
@Suite("SQLite journal: the app's own writes never wait behind an import", .serialized)
struct JournalTests {
    /// Opens when `open` is called; `wait` returns then.
    final class Latch: Sendable {
        private let state = NIOLockedValueBox<(open: Bool, waiting: [CheckedContinuation<Void, Never>])>((false, []))
        func open() {
            let waiting = state.withLockedValue { s -> [CheckedContinuation<Void, Never>] in
                s.open = true
                defer { s.waiting = [] }
                return s.waiting
            }
            for w in waiting { w.resume() }
        }
        func wait() async {
            await withCheckedContinuation { c in
                let now = state.withLockedValue { s -> Bool in
                    if s.open { return true }
                    s.waiting.append(c)
                    return false
                }
                if now { c.resume() }
            }
        }
    }

    @Test("sign in, read a household, sign out while an import holds the database")
    func notBehindAWriter() async throws {
        try await WebDatabase.sqlite.withApp { app, _ in
            let store = app.web.store
            let code = try await store.sql.raw("""
                SELECT h.code FROM households h JOIN reviews r ON r.household_id = h.id JOIN users u ON u.unit_id = r.unit_id
                WHERE u.username = 'coso' ORDER BY h.code LIMIT 1
                """).first()?.decode(column: "code", as: String.self)
            let household = try #require(code)
            let holding = Latch(), release = Latch()
            // An import's transaction, in miniature: it holds the write lock (and its connection) until released.
            let writer = Task {
                _ = try await store.importTransaction { db in
                    try await db.raw("UPDATE data_revisions SET revision = revision WHERE name = 'tree'").run()
                    holding.open()
                    await release.wait()
                    return ImportResult()
                }
            }
            await holding.wait()
            // Were the app's writes behind the lock, they would wait for the watchdog.
            let watchdog = Task {
                try await Task.sleep(for: .seconds(60))
                release.open()
                return true
            }
            let web = WebClient(app)
            try await web.login("coso")
            let page = try await web.get("/households/\(household)")
            let signedOut = try await web.post("/logout", form: ["_csrf": page.csrf ?? ""])
            watchdog.cancel()
            let timedOut = (try? await watchdog.value) ?? false
            release.open()
            try await writer.value
            #expect(!timedOut, "the sign-in or the page waited for the database's writer")
            #expect(page.status == .ok && signedOut.status == .seeOther)

            // The entries reach the audit log, in the order they happened.
            let auditor = try await store.actor(for: try await store.account(named: "quantri"), via: .web)
            let entries = try await store.audit.entries(auditor, entity: "household").filter { $0.actor == "coso" && $0.detail == household }
            #expect(entries.map(\.action) == ["xem"])
            // Left in the journal: only the auditor's own read of the log, just now.
            let journal = try await store.sessionSQL.raw("SELECT COUNT(*) AS n FROM audit_log WHERE entity <> 'audit_log'").first()?.decode(column: "n", as: Int.self)
            #expect(journal == 0)
            let signIns = try await store.sql.raw("SELECT action FROM audit_log WHERE actor = 'coso' AND action IN ('dang_nhap', 'dang_xuat') ORDER BY at, id").all()
                .map { try $0.decode(column: "action", as: String.self) }
            #expect(signIns == ["dang_nhap", "dang_xuat"])
        }
    }

    @Test("a journal entry moves once, from several movers at once; a journal another database left is emptied")
    func movedOnce() async throws {
        try await WebDatabase.sqlite.withApp(households: 60) { app, _, config in
            let store = app.web.store
            let auditor = try await store.actor(for: try await store.account(named: "quantri"), via: .web)
            for i in 0..<30 { try await store.audit.read("xem", entity: "probe", id: i, detail: "lần \(i)", by: auditor) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<4 { group.addTask { try await store.flushJournal() } }
                try await group.waitForAll()
            }
            let moved = try await store.audit.entries(auditor, entity: "probe")
            #expect(moved.map(\.entityID) == (0..<30).map { $0 })

            // The database replaced by another at the same path: the old journal's leftovers are not moved in.
            guard case .sqlite(let path) = config else { return }
            try await store.sessionTransaction { db in
                try await db.raw("INSERT INTO audit_log (at, actor, channel, action, entity, entity_id, detail) VALUES ('2026-01-01T00:00:00Z', 'x', 'web', 'xem', 'probe', 99, 'của cơ sở dữ liệu cũ')").run()
            }
            try await store.sql.raw("UPDATE data_revisions SET revision = revision + 1 WHERE name = 'identity'").run()
            let other = try Store(.sqlite(path: path))
            do {
                try await other.migrate()
                try await other.flushJournal()
                #expect(try await other.audit.entries(try await other.operator("kiem-tra"), entity: "probe", id: 99).isEmpty)
            } catch {
                await other.shutdown()
                throw error
            }
            await other.shutdown()
        }
    }
}
