import FluentKit
import SQLKit

/// Version 11: a member's phone number, kept and edited on the member's page.
struct V011MemberPhone: SQLMigration {
    var name: String { "v011_member_phone" }

    func statements(_ sql: any SQLDatabase) -> [String] { ["ALTER TABLE members ADD COLUMN phone TEXT"] }
    var revertStatements: [String] { ["ALTER TABLE members DROP COLUMN phone"] }
}
