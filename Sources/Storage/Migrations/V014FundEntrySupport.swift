import FluentKit
import SQLKit

/// Version 14: support records found by the fund entry that paid them, so a ledger knows which
/// of its entries belong to a support record (corrected by cancelling the record, never
/// reversed by hand) without reading every record.
struct V014FundEntrySupport: SQLMigration {
    var name: String { "v014_fund_entry_support" }

    func statements(_ sql: any SQLDatabase) -> [String] { ["CREATE INDEX support_fund_entry ON support (fund_entry_id)"] }
    var revertStatements: [String] { ["DROP INDEX support_fund_entry"] }
}
