import FluentKit
import SQLKit

/// Version 8: the channel of every audit entry (web, api, cli; empty for entries written
/// before it was kept), and the login throttle per user name and client address (kept in the
/// database, so every instance of the app sees the same).
struct V008Access: AsyncMigration {
    var name: String { "v008_access" }

    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { throw StorageError.corrupt("not an SQL database") }
        for statement in [
            "ALTER TABLE audit_log ADD COLUMN channel TEXT NOT NULL DEFAULT ''",
            """
            CREATE TABLE login_throttle (
                key TEXT PRIMARY KEY,
                failures BIGINT NOT NULL,
                last_failed_at TEXT NOT NULL
            )
            """,
        ] { try await sql.raw("\(unsafeRaw: statement)").run() }
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { throw StorageError.corrupt("not an SQL database") }
        for statement in ["DROP TABLE login_throttle", "ALTER TABLE audit_log DROP COLUMN channel"] {
            try await sql.raw("\(unsafeRaw: statement)").run()
        }
    }
}
