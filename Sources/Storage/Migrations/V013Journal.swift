import FluentKit
import SQLKit

/// Version 13: what the SQLite journal (`Journal`) needs of the main database — how far its
/// audit entries have been moved in (per journal, so a copy is never moved twice) and this
/// database's identity (a journal left by another database at the same path is not moved in);
/// the audit log ordered by time (entries of reads arrive from the journal a moment late); and
/// the instant from which an account's sessions count (`users.sessions_from`).
struct V013Journal: SQLMigration {
    var name: String { "v013_journal" }

    func statements(_ sql: any SQLDatabase) -> [String] {
        [
            "CREATE TABLE journal_flushes (journal TEXT PRIMARY KEY, upto BIGINT NOT NULL)",
            "INSERT INTO data_revisions (name, revision) VALUES ('identity', \(Int64.random(in: 1...Int64.max / 2)))",
            "CREATE INDEX audit_log_time ON audit_log (at, id)",
            // Sessions opened before this instant are refused (a password changed or reset, an account disabled).
            "ALTER TABLE users ADD COLUMN sessions_from TEXT",
        ]
    }

    var revertStatements: [String] {
        ["ALTER TABLE users DROP COLUMN sessions_from", "DROP INDEX audit_log_time", "DELETE FROM data_revisions WHERE name = 'identity'", "DROP TABLE journal_flushes"]
    }
}
