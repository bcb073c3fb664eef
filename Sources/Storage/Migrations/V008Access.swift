import FluentKit
import SQLKit

/// Version 8: the channel of every audit entry (web, api, cli; empty for entries written
/// before it was kept); the login throttle per user name and client address; and a revision
/// per kind of data (the tree, the reviews, the targets), bumped in every write's transaction,
/// so caches of every instance of the app know when to read again.
struct V008Access: SQLMigration {
    var name: String { "v008_access" }

    func statements(_ sql: any SQLDatabase) -> [String] {
        [
            "ALTER TABLE audit_log ADD COLUMN channel TEXT NOT NULL DEFAULT ''",
            """
            CREATE TABLE login_throttle (
                key TEXT PRIMARY KEY,
                failures BIGINT NOT NULL,
                last_failed_at TEXT NOT NULL
            )
            """,
            "CREATE TABLE data_revisions (name TEXT PRIMARY KEY, revision BIGINT NOT NULL)",
            "INSERT INTO data_revisions (name, revision) VALUES ('tree', 0), ('reviews', 0), ('targets', 0)",
        ]
    }

    var revertStatements: [String] { ["DROP TABLE data_revisions", "DROP TABLE login_throttle", "ALTER TABLE audit_log DROP COLUMN channel"] }
}
