import FluentKit
import SQLKit

/// Version 6: annual reports climbing the tree. One report per unit and year, with its
/// narrative and, once submitted, a frozen copy of its figures; every step of the workflow
/// (saved, submitted, returned with comments, accepted) in `report_events`; and the
/// deadlines a unit sets for the reports of its branch.
struct V006AnnualReports: AsyncMigration {
    var name: String { "v006_annual_reports" }

    func prepare(on database: any Database) async throws {
        let sql = try database.sqlDatabase
        let t = DDL(sql)
        for statement in [
            """
            CREATE TABLE annual_reports (
                id \(t.id),
                unit_id BIGINT NOT NULL REFERENCES units(id),
                year BIGINT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'returned', 'accepted')),
                results TEXT NOT NULL,
                shortcomings TEXT NOT NULL,
                proposals TEXT NOT NULL,
                figures TEXT,
                submitted_on TEXT,
                submitted_by TEXT,
                reviewed_on TEXT,
                reviewed_by TEXT,
                review_comment TEXT,
                updated_by TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                UNIQUE (unit_id, year)
            )
            """,
            "CREATE INDEX annual_reports_year ON annual_reports (year, status)",
            """
            CREATE TABLE report_events (
                id \(t.id),
                report_id BIGINT NOT NULL REFERENCES annual_reports(id),
                at TEXT NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                comment TEXT NOT NULL
            )
            """,
            "CREATE INDEX report_events_report ON report_events (report_id, id)",
            """
            CREATE TABLE report_deadlines (
                unit_id BIGINT NOT NULL REFERENCES units(id),
                year BIGINT NOT NULL,
                due TEXT NOT NULL,
                set_by TEXT NOT NULL,
                set_at TEXT NOT NULL,
                PRIMARY KEY (unit_id, year)
            )
            """,
        ] { try await sql.raw("\(unsafeRaw: statement)").run() }
    }

    func revert(on database: any Database) async throws {
        let sql = try database.sqlDatabase
        for table in ["report_deadlines", "report_events", "annual_reports"] {
            try await sql.raw("DROP TABLE \(unsafeRaw: table)").run()
        }
    }
}
