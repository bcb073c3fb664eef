import FluentKit
import SQLKit

/// Version 12: the hardship register — a member's or a household's circumstances (serious
/// illness, accident, disability, job loss, housing, disaster…) from a date, verified by an
/// officer; they put a household forward on campaign lists and the yearly proposal list.
struct V012Hardships: AsyncMigration {
    var name: String { "v012_hardships" }

    func prepare(on database: any Database) async throws {
        let sql = try database.sqlDatabase
        let t = DDL(sql)
        for statement in [
            """
            CREATE TABLE hardships (
                id \(t.id),
                household_id BIGINT REFERENCES households(id),
                member_id BIGINT REFERENCES members(id),
                unit_id BIGINT NOT NULL REFERENCES units(id),
                kind TEXT NOT NULL,
                started_on TEXT NOT NULL,
                ended_on TEXT,
                note TEXT NOT NULL,
                verified_by TEXT NOT NULL,
                entered_by TEXT NOT NULL,
                entered_at TEXT NOT NULL,
                CHECK (household_id IS NOT NULL OR member_id IS NOT NULL)
            )
            """,
            "CREATE INDEX hardships_unit ON hardships (unit_id, started_on)",
            "CREATE INDEX hardships_household ON hardships (household_id)",
        ] { try await sql.raw("\(unsafeRaw: statement)").run() }
    }

    func revert(on database: any Database) async throws {
        let sql = try database.sqlDatabase
        try await sql.raw("DROP TABLE hardships").run()
    }
}
