import FluentKit
import SQLKit

/// Version 4: the counts kept beside the reviews (`Rollups`), filled from the reviews
/// already stored; targets with their frozen baselines (`Targets`).
struct V004Rollups: AsyncMigration {
    var name: String { "v004_rollups" }

    func prepare(on database: any Database) async throws {
        let sql = try database.sqlDatabase
        for statement in [
            """
            CREATE TABLE rollup_reviews (
                unit_id BIGINT NOT NULL REFERENCES units(id),
                year BIGINT NOT NULL,
                standard_code TEXT NOT NULL,
                status TEXT NOT NULL,
                households BIGINT NOT NULL,
                mismatched BIGINT NOT NULL,
                PRIMARY KEY (year, unit_id, standard_code, status)
            )
            """,
            """
            CREATE TABLE rollup_moves (
                unit_id BIGINT NOT NULL REFERENCES units(id),
                year BIGINT NOT NULL,
                kind TEXT NOT NULL,
                households BIGINT NOT NULL,
                PRIMARY KEY (year, unit_id, kind)
            )
            """,
            """
            CREATE TABLE targets (
                id \(DDL(sql).id),
                unit_id BIGINT NOT NULL REFERENCES units(id),
                measure TEXT NOT NULL,
                baseline_year BIGINT NOT NULL,
                target_year BIGINT NOT NULL,
                reduction_permille BIGINT,
                level BIGINT,
                frozen_on TEXT NOT NULL,
                note TEXT NOT NULL,
                entered_by TEXT NOT NULL,
                entered_at TEXT NOT NULL,
                UNIQUE (unit_id, measure, target_year)
            )
            """,
            """
            CREATE TABLE target_baselines (
                target_id BIGINT NOT NULL REFERENCES targets(id),
                unit_id BIGINT NOT NULL REFERENCES units(id),
                households BIGINT NOT NULL,
                PRIMARY KEY (target_id, unit_id)
            )
            """,
        ] { try await sql.raw("\(unsafeRaw: statement)").run() }
        try await Rollups.fill(on: sql)
    }

    func revert(on database: any Database) async throws {
        let sql = try database.sqlDatabase
        try await sql.raw("DROP TABLE target_baselines").run()
        try await sql.raw("DROP TABLE targets").run()
        try await sql.raw("DROP TABLE rollup_moves").run()
        try await sql.raw("DROP TABLE rollup_reviews").run()
    }
}
