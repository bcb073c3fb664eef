import FluentKit
import SQLKit

/// Version 16: the day a loan was approved, kept apart from the day of its last decision, so a
/// loan approved and later rejected reads as approved in between (`LoanFile.state(on:)`).
/// Loans approved before keep their decision's day as their approval's.
struct V016LoanApprovalDay: SQLMigration {
    var name: String { "v016_loan_approval_day" }

    func statements(_ sql: any SQLDatabase) -> [String] {
        ["ALTER TABLE loans ADD COLUMN approved_on TEXT",
         "UPDATE loans SET approved_on = decided_on WHERE state IN ('approved', 'disbursed', 'repaid', 'written_off')"]
    }

    var revertStatements: [String] { ["ALTER TABLE loans DROP COLUMN approved_on"] }
}
