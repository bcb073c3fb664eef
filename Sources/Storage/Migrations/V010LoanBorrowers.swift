import FluentKit
import SQLKit

/// Version 10: who borrows (a worker, an establishment, a worker going abroad under contract),
/// and a contract's costs and length for working abroad; loans filed before stay a worker's.
struct V010LoanBorrowers: SQLMigration {
    var name: String { "v010_loan_borrowers" }

    func statements(_ sql: any SQLDatabase) -> [String] {
        [
            "ALTER TABLE loans ADD COLUMN borrower_kind TEXT NOT NULL DEFAULT 'nguoi_lao_dong'",
            "ALTER TABLE loans ADD COLUMN contract_cost BIGINT",
            "ALTER TABLE loans ADD COLUMN contract_months BIGINT",
            // A loan for working abroad filed before is that scheme's.
            "UPDATE loans SET borrower_kind = 'di_lam_viec_nuoc_ngoai' WHERE purpose = 'di_lam_viec_nuoc_ngoai'",
        ]
    }

    var revertStatements: [String] { ["contract_months", "contract_cost", "borrower_kind"].map { "ALTER TABLE loans DROP COLUMN \($0)" } }
}
