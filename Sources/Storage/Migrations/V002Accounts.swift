import FluentKit
import PovertyCore
import SQLKit

/// Version 2: the web app's accounts, sessions and API tokens; a Vietnamese sort key
/// for members' names (`VietnameseCollation`) and for households (their primary member's
/// key, so a list walks an index instead of sorting), filled for rows already stored; an
/// index that covers the yearly counts.
struct V002Accounts: AsyncMigration {
    var name: String { "v002_accounts" }

    func prepare(on database: any Database) async throws {
        let sql = try database.sqlDatabase
        let t = DDL(sql)
        let statements = [
            """
            CREATE TABLE users (
                id \(t.id),
                username TEXT NOT NULL UNIQUE,
                display_name TEXT NOT NULL,
                password_hash TEXT NOT NULL,
                role TEXT NOT NULL,
                unit_id BIGINT NOT NULL REFERENCES units(id),
                active BIGINT NOT NULL DEFAULT 1,
                failed_logins BIGINT NOT NULL DEFAULT 0,
                locked_until TEXT,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )
            """,
            """
            CREATE TABLE sessions (
                id \(t.id),
                token_hash TEXT NOT NULL UNIQUE,
                user_id BIGINT NOT NULL REFERENCES users(id),
                csrf_token TEXT NOT NULL,
                created_at TEXT NOT NULL,
                expires_at TEXT NOT NULL
            )
            """,
            "CREATE INDEX sessions_user ON sessions (user_id)",
            """
            CREATE TABLE api_tokens (
                id \(t.id),
                token_hash TEXT NOT NULL UNIQUE,
                user_id BIGINT NOT NULL REFERENCES users(id),
                name TEXT NOT NULL,
                created_at TEXT NOT NULL,
                expires_at TEXT NOT NULL
            )
            """,
            "ALTER TABLE members ADD COLUMN name_sort TEXT NOT NULL DEFAULT ''",
            "CREATE INDEX members_name_sort ON members (name_sort)",
            "CREATE INDEX audit_log_at ON audit_log (id, actor)",
            "CREATE INDEX households_primary ON households (primary_member_id)",
            "ALTER TABLE households ADD COLUMN sort_key TEXT NOT NULL DEFAULT ''",
            "CREATE INDEX households_sort ON households (sort_key, code)",
            "CREATE INDEX reviews_year_standard ON reviews (year, standard_code, status, unit_id)",
        ]
        for statement in statements { try await sql.raw("\(unsafeRaw: statement)").run() }
        if !t.postgres {
            // SQLite: a trigram index of folded names, so "contains" searches of three letters or
            // more read the index, not every member; triggers keep it in step with `members`.
            for statement in [
                "CREATE VIRTUAL TABLE members_fts USING fts5(name_folded, content='members', content_rowid='id', tokenize='trigram')",
                "CREATE TRIGGER members_fts_insert AFTER INSERT ON members BEGIN INSERT INTO members_fts(rowid, name_folded) VALUES (new.id, new.name_folded); END",
                "CREATE TRIGGER members_fts_delete AFTER DELETE ON members BEGIN INSERT INTO members_fts(members_fts, rowid, name_folded) VALUES ('delete', old.id, old.name_folded); END",
                """
                CREATE TRIGGER members_fts_update AFTER UPDATE OF name_folded ON members BEGIN
                  INSERT INTO members_fts(members_fts, rowid, name_folded) VALUES ('delete', old.id, old.name_folded);
                  INSERT INTO members_fts(rowid, name_folded) VALUES (new.id, new.name_folded);
                END
                """,
                "INSERT INTO members_fts(members_fts) VALUES ('rebuild')",
            ] { try await sql.raw("\(unsafeRaw: statement)").run() }
        }
        // Members stored before this version get their key now, in batches.
        var after = 0
        while true {
            let rows = try await sql.raw("SELECT id, full_name FROM members WHERE id > \(bind: after) ORDER BY id LIMIT 1000").all()
            guard let last = rows.last else { break }
            for row in rows {
                try await sql.raw("UPDATE members SET name_sort = \(bind: VietnameseCollation.nameSortKey(try row.string("full_name"))) WHERE id = \(bind: try row.int("id"))").run()
            }
            after = try last.int("id")
        }
        try await Store.refreshHouseholdSortKeys(on: sql)
    }

    func revert(on database: any Database) async throws {
        let sql = try database.sqlDatabase
        if !DDL(sql).postgres {
            for statement in ["DROP TRIGGER members_fts_insert", "DROP TRIGGER members_fts_delete", "DROP TRIGGER members_fts_update", "DROP TABLE members_fts"] {
                try await sql.raw("\(unsafeRaw: statement)").run()
            }
        }
        for statement in ["DROP INDEX reviews_year_standard", "DROP INDEX households_sort", "ALTER TABLE households DROP COLUMN sort_key",
                          "DROP INDEX households_primary", "DROP INDEX audit_log_at", "DROP INDEX members_name_sort",
                          "ALTER TABLE members DROP COLUMN name_sort", "DROP TABLE api_tokens", "DROP TABLE sessions", "DROP TABLE users"] {
            try await sql.raw("\(unsafeRaw: statement)").run()
        }
    }
}
