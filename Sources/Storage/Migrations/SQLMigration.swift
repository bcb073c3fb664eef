import FluentKit
import SQLKit

/// A migration that is SQL statements run in order, and the statements that undo it.
protocol SQLMigration: AsyncMigration {
    /// The statements, written for `sql`'s dialect where they differ (`DDL`).
    func statements(_ sql: any SQLDatabase) -> [String]
    /// What undoes them, in order.
    var revertStatements: [String] { get }
}

extension SQLMigration {
    func prepare(on database: any Database) async throws {
        let sql = try database.sqlDatabase
        for statement in statements(sql) { try await sql.raw("\(unsafeRaw: statement)").run() }
    }

    func revert(on database: any Database) async throws {
        let sql = try database.sqlDatabase
        for statement in revertStatements { try await sql.raw("\(unsafeRaw: statement)").run() }
    }
}

extension Database {
    /// This database as SQL (every database of ours is).
    var sqlDatabase: any SQLDatabase {
        get throws {
            guard let sql = self as? any SQLDatabase else { throw StorageError.corrupt("not an SQL database") }
            return sql
        }
    }
}

/// A migration run in one transaction: stopped half-way (Ctrl+C, a power cut during a long
/// recount), it leaves nothing behind, and the next start runs it again from the beginning.
/// (Fluent records a migration after it returns; only a stop between the two is left.)
/// Keeps the name of the migration it wraps, so databases migrated before it see no change.
struct AtomicMigration: AsyncMigration {
    let inner: any Migration
    var name: String { inner.name }

    func prepare(on database: any Database) async throws {
        try await database.transaction { tx in try await inner.prepare(on: tx).get() }
    }

    func revert(on database: any Database) async throws {
        try await database.transaction { tx in try await inner.revert(on: tx).get() }
    }
}
