import FluentKit
import SQLKit

/// Version 9: the year's moves as `poverty-standards.md` defines them (`YearMoves`):
/// fell back only under the same standard, households poor without a review last year counted
/// as fell back or newly poor, and households poor in two units kept apart as transfers
/// (left there, newly poor here, no move for a branch holding both). Every kept count is
/// counted again. Annual reports already submitted keep the figures frozen at submission.
struct V009YearMoves: AsyncMigration {
    var name: String { "v009_year_moves" }

    func prepare(on database: any Database) async throws {
        let sql = try database.sqlDatabase
        try await sql.raw("""
            CREATE TABLE rollup_transfers (
                year BIGINT NOT NULL,
                from_unit_id BIGINT NOT NULL REFERENCES units(id),
                to_unit_id BIGINT NOT NULL REFERENCES units(id),
                households BIGINT NOT NULL,
                PRIMARY KEY (year, from_unit_id, to_unit_id)
            )
            """).run()
        try await Rollups.fill(on: sql)
    }

    func revert(on database: any Database) async throws {
        let sql = try database.sqlDatabase
        try await sql.raw("DROP TABLE rollup_transfers").run()
    }
}
