import FluentKit
import Foundation
import SQLKit

extension DatabaseID {
    /// SQLite: the journal file beside the database (`Store.journalPath`).
    static let journal = DatabaseID(string: "journal")
    /// SQLite: the database again, with a pool of its own for imports (`Store.importTransaction`):
    /// Fluent's SQLite pool has one connection per event loop, and an import holding one for
    /// seconds would hold up every request that reads on that loop.
    static let bulk = DatabaseID(string: "bulk")
}

/// SQLite lets one connection of a file write at a time, and an import holds the database's
/// write lock for its whole transaction (seconds for a large file). The app's own small writes
/// — sessions, sign-in failures, the audit entries of reads — therefore go to a second file,
/// the journal (`<database>.journal`), whose lock an import never takes: signing in and
/// reading pages do not wait behind an import.
///
/// The journal keeps `sessions`, `login_throttle` and an `audit_log` of its own. Its audit
/// entries are moved into the database's audit log (`flushJournal`) every few seconds by the
/// web app, before the audit log is read or backed up, and when a command ends; a journal
/// entry is moved once (`journal_flushes` in the database records how far each journal was
/// moved, in the same transaction as the move), and a journal left by another database at the
/// same path (`identity`) is emptied, not moved. The audit of a write stays in that write's own
/// transaction, in the database. PostgreSQL locks rows, not the database: there, all of this
/// is in the database itself and `flushJournal` does nothing.
extension Store {
    /// The journal file of the SQLite database at `path`.
    public static func journalPath(_ path: String) -> String { path + ".journal" }

    /// The journal (SQLite) or the database itself (PostgreSQL), through SQLKit.
    var sessionSQL: any SQLDatabase {
        get throws {
            guard dialect == .sqlite else { return try sql }
            return try database(.journal) as! any SQLDatabase
        }
    }

    /// A transaction on the journal (SQLite: queued in the journal file's own gate, never behind
    /// the database's writers) or, on PostgreSQL, a write transaction of the database.
    func sessionTransaction<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        guard dialect == .sqlite, let journalGate else { return try await writeTransaction(body) }
        let journal = try database(.journal)
        return try await journalGate.run {
            try await Store.sqliteTransaction(journal, lock: "UPDATE journal_meta SET value = value WHERE 0 = 1", body)
        }
    }

    /// Creates the journal's tables if they are missing, and empties a journal another database
    /// left at this path. Run by `migrate`.
    func prepareJournal() async throws {
        guard dialect == .sqlite else { return }
        let journal = try sessionSQL
        for statement in [
            "PRAGMA journal_mode = WAL",
            "PRAGMA synchronous = NORMAL",
            "CREATE TABLE IF NOT EXISTS journal_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
            """
            CREATE TABLE IF NOT EXISTS sessions (token_hash TEXT PRIMARY KEY, user_id BIGINT NOT NULL, csrf_token TEXT NOT NULL,
                                                 created_at TEXT NOT NULL, expires_at TEXT NOT NULL)
            """,
            "CREATE INDEX IF NOT EXISTS sessions_user ON sessions (user_id)",
            "CREATE TABLE IF NOT EXISTS login_throttle (key TEXT PRIMARY KEY, failures BIGINT NOT NULL, last_failed_at TEXT NOT NULL)",
            """
            CREATE TABLE IF NOT EXISTS audit_log (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, actor TEXT NOT NULL,
                channel TEXT NOT NULL, action TEXT NOT NULL, entity TEXT NOT NULL, entity_id BIGINT, detail TEXT NOT NULL)
            """,
        ] { try await journal.raw("\(unsafeRaw: statement)").run() }
        let identity = try await databaseIdentity()
        let openSessions = try await sql.raw("SELECT token_hash, user_id, csrf_token, created_at, expires_at FROM sessions WHERE expires_at > \(bind: now())").all()
        try await sessionTransaction { db in
            try await db.raw("INSERT INTO journal_meta (key, value) VALUES ('id', \(bind: UUID().uuidString)) ON CONFLICT (key) DO NOTHING").run()
            let owner = try await db.raw("SELECT value FROM journal_meta WHERE key = 'database'").first()?.string("value")
            if owner != identity {
                // Another database's journal (its file was replaced, or restored from a backup): its
                // sessions and entries are not this one's.
                if owner != nil {
                    for table in ["sessions", "login_throttle", "audit_log"] { try await db.raw("DELETE FROM \(unsafeRaw: table)").run() }
                    try await db.raw("UPDATE journal_meta SET value = \(bind: UUID().uuidString) WHERE key = 'id'").run()
                } else {
                    // A new journal beside a database that kept its sessions itself (before v013): they move here.
                    for row in openSessions {
                        try await db.raw("""
                            INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at)
                            VALUES (\(bind: try row.string("token_hash")), \(bind: try row.int("user_id")), \(bind: try row.string("csrf_token")),
                                    \(bind: try row.string("created_at")), \(bind: try row.string("expires_at")))
                            ON CONFLICT (token_hash) DO NOTHING
                            """).run()
                    }
                }
                try await db.raw("""
                    INSERT INTO journal_meta (key, value) VALUES ('database', \(bind: identity))
                    ON CONFLICT (key) DO UPDATE SET value = excluded.value
                    """).run()
            }
        }
    }

    private func databaseIdentity() async throws -> String {
        guard let row = try await sql.raw("SELECT revision FROM data_revisions WHERE name = 'identity'").first() else {
            throw StorageError.corrupt("data_revisions.identity")
        }
        return String(try row.int("revision"))
    }

    /// Moves the journal's audit entries into the database's audit log, oldest first, each once
    /// (SQLite; nothing to do on PostgreSQL). Safe to run from several tasks and processes at once.
    /// `waiting: false` moves them only if the database is free now (a reader of the audit log,
    /// a backup or a command ending does not wait behind an import: what is not moved now is
    /// moved later); errors are then not worth reporting either, so callers use `try?`.
    public func flushJournal(waiting: Bool = true) async throws {
        guard dialect == .sqlite else { return }
        let journal = try sessionSQL
        guard let id = try await journal.raw("SELECT value FROM journal_meta WHERE key = 'id'").first()?.string("value") else { return }
        while true {
            let rows = try await journal.raw("""
                SELECT id, at, actor, channel, action, entity, entity_id, detail FROM audit_log ORDER BY id LIMIT 5000
                """).all()
            guard let last = try rows.last?.int("id") else { return }
            let move: @Sendable (any SQLDatabase) async throws -> Void = { db in
                let upto = try await db.raw("SELECT upto FROM journal_flushes WHERE journal = \(bind: id)").first()?.int("upto") ?? 0
                let entries = try rows.filter { try $0.int("id") > upto }.map { row -> [BulkValue] in
                    [.text(try row.string("at")), .text(try row.string("actor")), .text(try row.string("channel")), .text(try row.string("action")),
                     .text(try row.string("entity")), BulkValue(try row.optionalInt("entity_id")), .text(try row.string("detail"))]
                }
                try await BulkWriter(db: db).insert(into: "audit_log", columns: ["at", "actor", "channel", "action", "entity", "entity_id", "detail"],
                                                    rows: entries)
                try await db.raw("""
                    INSERT INTO journal_flushes (journal, upto) VALUES (\(bind: id), \(bind: max(upto, last)))
                    ON CONFLICT (journal) DO UPDATE SET upto = excluded.upto
                    """).run()
            }
            if waiting {
                try await writeTransaction(move)
            } else if try await writeTransactionIfFree(busyTimeout: 200, move) == nil {
                return
            }
            try await sessionTransaction { db in try await db.raw("DELETE FROM audit_log WHERE id <= \(bind: last)").run() }
            if rows.count < 5000 { return }
        }
    }

    /// Ends sessions of an account in the journal (SQLite) after the database's transaction that
    /// ended them there (a password change, a reset, a disabled account), and renews the one
    /// kept. That transaction also set the account's `sessions_from`, which `Accounts.session`
    /// checks: should this second step not happen (a crash between the two), the sessions it
    /// would have removed are refused all the same. Nothing on PostgreSQL, where that
    /// transaction did it all.
    func closeJournalSessions(of userID: Int, except tokenHash: String?) async throws {
        guard dialect == .sqlite else { return }
        let now = self.now()
        try await sessionTransaction { db in
            try await db.raw("DELETE FROM sessions WHERE user_id = \(bind: userID) AND token_hash <> \(bind: tokenHash ?? "")").run()
            if let tokenHash { try await db.raw("UPDATE sessions SET created_at = \(bind: now) WHERE token_hash = \(bind: tokenHash)").run() }
        }
    }
}
