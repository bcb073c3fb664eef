import FluentKit
import SQLKit

/// Version 10: who borrows (a worker, an establishment, a worker going abroad under contract),
/// and a contract's costs and length for working abroad; loans filed before stay a worker's.
struct V010LoanBorrowers: AsyncMigration {
    var name: String { "v010_loan_borrowers" }

    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { throw StorageError.corrupt("not an SQL database") }
        for statement in [
            "ALTER TABLE loans ADD COLUMN borrower_kind TEXT NOT NULL DEFAULT 'nguoi_lao_dong'",
            "ALTER TABLE loans ADD COLUMN contract_cost BIGINT",
            "ALTER TABLE loans ADD COLUMN contract_months BIGINT",
        ] { try await sql.raw("\(unsafeRaw: statement)").run() }
        // A loan for working abroad filed before is that scheme's.
        try await sql.raw("UPDATE loans SET borrower_kind = 'di_lam_viec_nuoc_ngoai' WHERE purpose = 'di_lam_viec_nuoc_ngoai'").run()
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { throw StorageError.corrupt("not an SQL database") }
        for column in ["contract_months", "contract_cost", "borrower_kind"] {
            try await sql.raw("ALTER TABLE loans DROP COLUMN \(unsafeRaw: column)").run()
        }
    }
}
