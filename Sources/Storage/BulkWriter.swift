import FluentSQLiteDriver
import SQLiteKit
import SQLKit

/// A value for a bulk statement: only what the bulk paths need, so no encoder runs per value.
enum BulkValue: Sendable {
    case int(Int)
    case text(String)
    case null

    init(_ v: Int?) { self = v.map { .int($0) } ?? .null }
    init(_ v: String?) { self = v.map { .text($0) } ?? .null }

    var sqlite: SQLiteData {
        switch self {
        case .int(let i): .integer(i)
        case .text(let t): .text(t)
        case .null: .null
        }
    }
}

/// Multi-row INSERTs for the import paths, with one version per dialect: on SQLite the
/// values are bound straight through SQLiteNIO (SQLKit's serializer and encoder cost
/// more than SQLite itself at a million rows); elsewhere through SQLKit.
struct BulkWriter {
    let db: any SQLDatabase

    /// Rows per statement, kept under SQLite's bind limit (32,766).
    static func rowsPerStatement(columns: Int) -> Int { Swift.max(1, Swift.min(1000, 32_000 / Swift.max(1, columns))) }

    /// Runs `sql` with `?` placeholders bound to `values` in order (no encoder per value on SQLite).
    func query(_ sql: String, _ values: [BulkValue]) async throws -> [any SQLRow] {
        if let sqlite = db as? any SQLiteDatabase {
            return try await sqlite.query(sql, values.map(\.sqlite)).map { $0.sql() }
        }
        var query = SQLQueryString("")
        var parts = sql.split(separator: "?", omittingEmptySubsequences: false).makeIterator()
        query.appendLiteral(String(parts.next()!))
        for v in values {
            switch v {
            case .int(let i): query.appendInterpolation(bind: i)
            case .text(let t): query.appendInterpolation(bind: t)
            case .null: query.appendInterpolation(bind: Int?.none)
            }
            query.appendLiteral(String(parts.next()!))
        }
        return try await db.raw(query).all()
    }

    /// `?, ?, ?` for an `IN (…)` list of `count` values.
    static func placeholders(_ count: Int) -> String { Array(repeating: "?", count: count).joined(separator: ", ") }

    /// `INSERT INTO table (columns) VALUES … [ON CONFLICT (keys) DO UPDATE SET every other column] [RETURNING …]`.
    /// `valueSQL` gives, per column, the SQL for its value (default `?`), e.g.
    /// `(SELECT id FROM households WHERE code = ?)` to look a key up inside the database.
    func insert(into table: String, columns: [String], valueSQL: [String]? = nil, rows: [[BulkValue]],
                upsertOn keys: [String]? = nil, ignoreConflictsOn ignore: [String]? = nil,
                returning: [String] = []) async throws -> [any SQLRow] {
        guard !rows.isEmpty else { return [] }
        var out: [any SQLRow] = []
        for chunk in rows.chunked(Self.rowsPerStatement(columns: columns.count)) {
            var sql = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
            let tuple = "(" + (valueSQL ?? Array(repeating: "?", count: columns.count)).joined(separator: ", ") + ")"
            sql += Array(repeating: tuple, count: chunk.count).joined(separator: ", ")
            if let keys {
                let sets = columns.filter { !keys.contains($0) }.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
                sql += " ON CONFLICT (\(keys.joined(separator: ", "))) DO UPDATE SET \(sets)"
            } else if let ignore {
                sql += " ON CONFLICT (\(ignore.joined(separator: ", "))) DO NOTHING"
            }
            if !returning.isEmpty { sql += " RETURNING \(returning.joined(separator: ", "))" }
            out += try await query(sql, chunk.flatMap { $0 })
        }
        return out
    }
}
