import FluentKit
import SQLKit

/// Version 5: the province's totals per year beside the per-unit counts of version 4, so a
/// province-wide figure reads a few rows per year however many units there are.
struct V005RollupTotals: AsyncMigration {
    var name: String { "v005_rollup_totals" }

    func prepare(on database: any Database) async throws {
        let sql = try database.sqlDatabase
        for statement in [
            """
            CREATE TABLE rollup_totals (
                year BIGINT NOT NULL,
                standard_code TEXT NOT NULL,
                status TEXT NOT NULL,
                households BIGINT NOT NULL,
                mismatched BIGINT NOT NULL,
                PRIMARY KEY (year, standard_code, status)
            )
            """,
            """
            CREATE TABLE rollup_move_totals (
                year BIGINT NOT NULL,
                kind TEXT NOT NULL,
                households BIGINT NOT NULL,
                PRIMARY KEY (year, kind)
            )
            """,
        ] { try await sql.raw("\(unsafeRaw: statement)").run() }
        let years = try await sql.raw("SELECT DISTINCT year FROM rollup_reviews UNION SELECT DISTINCT year FROM rollup_moves").all()
        try await Rollups.refreshTotals(years: Set(try years.map { try $0.decode(column: "year", as: Int.self) }), on: sql)
    }

    func revert(on database: any Database) async throws {
        let sql = try database.sqlDatabase
        try await sql.raw("DROP TABLE rollup_move_totals").run()
        try await sql.raw("DROP TABLE rollup_totals").run()
    }
}
