import FluentKit
import SQLKit

/// Version 7: support, fund flows and NEF loans kept per unit and year beside their
/// ledgers, refreshed in the same transaction as every write (see `SupportRollups`), so a
/// branch's report figures sum a few rows per unit instead of reading every record.
struct V007SupportRollups: AsyncMigration {
    var name: String { "v007_support_rollups" }

    func prepare(on database: any Database) async throws {
        let sql = try database.sqlDatabase
        for statement in [
            """
            CREATE TABLE rollup_support (
                unit_id BIGINT NOT NULL,
                year BIGINT NOT NULL,
                policy_code TEXT NOT NULL,
                records BIGINT NOT NULL,
                households BIGINT NOT NULL,
                value BIGINT NOT NULL,
                PRIMARY KEY (unit_id, year, policy_code)
            )
            """,
            """
            CREATE TABLE rollup_support_households (
                unit_id BIGINT NOT NULL,
                year BIGINT NOT NULL,
                policy_code TEXT NOT NULL,
                household_id BIGINT NOT NULL,
                records BIGINT NOT NULL,
                PRIMARY KEY (unit_id, year, policy_code, household_id)
            )
            """,
            "CREATE INDEX rollup_support_households_year ON rollup_support_households (year, unit_id, household_id)",
            """
            CREATE TABLE rollup_fund_flows (
                fund_id BIGINT NOT NULL,
                unit_id BIGINT NOT NULL,
                year BIGINT NOT NULL,
                kind TEXT NOT NULL,
                amount BIGINT NOT NULL,
                PRIMARY KEY (fund_id, unit_id, year, kind)
            )
            """,
            """
            CREATE TABLE rollup_loans (
                unit_id BIGINT NOT NULL,
                year BIGINT NOT NULL,
                disbursed BIGINT NOT NULL,
                disbursed_amount BIGINT NOT NULL,
                repaid BIGINT NOT NULL,
                PRIMARY KEY (unit_id, year)
            )
            """,
        ] { try await sql.raw("\(unsafeRaw: statement)").run() }
        try await SupportRollups.fill(on: sql)
    }

    func revert(on database: any Database) async throws {
        let sql = try database.sqlDatabase
        for table in ["rollup_loans", "rollup_fund_flows", "rollup_support_households", "rollup_support"] {
            try await sql.raw("DROP TABLE \(unsafeRaw: table)").run()
        }
    }
}
