import FluentKit
import SQLKit

/// Version 19: the jobs a loan created, counted on a day. A count recorded later (12 jobs
/// checked in December, 17 in June) no longer changes what a year's figures said: the loans
/// as at a day count the jobs last counted by that day. Counts recorded before carry the
/// loan's disbursement day, so every earlier figure stays as it was.
struct V019LoanJobCounts: SQLMigration {
    var name: String { "v019_loan_job_counts" }

    func statements(_ sql: any SQLDatabase) -> [String] {
        let t = DDL(sql)
        return [
            """
            CREATE TABLE loan_job_counts (
                id \(t.id),
                loan_id BIGINT NOT NULL REFERENCES loans(id),
                day TEXT NOT NULL,
                jobs BIGINT NOT NULL CHECK (jobs >= 0),
                entered_by TEXT NOT NULL,
                entered_at TEXT NOT NULL
            )
            """,
            "CREATE INDEX loan_job_counts_loan ON loan_job_counts (loan_id, day)",
            """
            INSERT INTO loan_job_counts (loan_id, day, jobs, entered_by, entered_at)
            SELECT id, COALESCE(disbursed_on, applied_on), jobs_created, 'v019', COALESCE(disbursed_on, applied_on) FROM loans WHERE jobs_created IS NOT NULL
            """,
        ]
    }

    var revertStatements: [String] { ["DROP TABLE loan_job_counts"] }
}
