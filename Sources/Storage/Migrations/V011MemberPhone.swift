import FluentKit
import SQLKit

/// Version 11: a member's phone number, kept and edited on the member's page.
struct V011MemberPhone: AsyncMigration {
    var name: String { "v011_member_phone" }

    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { throw StorageError.corrupt("not an SQL database") }
        try await sql.raw("ALTER TABLE members ADD COLUMN phone TEXT").run()
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { throw StorageError.corrupt("not an SQL database") }
        try await sql.raw("ALTER TABLE members DROP COLUMN phone").run()
    }
}
