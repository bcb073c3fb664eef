import FluentPostgresDriver
import FluentSQLiteDriver
import NIOCore
import SQLiteKit
import SQLKit

/// A value for a bulk statement: only what the bulk paths need, so no encoder runs per value.
enum BulkValue: Sendable {
    case int(Int)
    case text(String)
    case null
    /// Lists for `= ANY(?)` on PostgreSQL (see `BulkWriter.anyOf`).
    case texts([String])
    case ints([Int])

    init(_ v: Int?) { self = v.map { .int($0) } ?? .null }
    init(_ v: String?) { self = v.map { .text($0) } ?? .null }

    var sqlite: SQLiteData {
        switch self {
        case .int(let i): .integer(i)
        case .text(let t): .text(t)
        case .null, .texts, .ints: .null
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

    /// PostgreSQL: one text array per column, unnested on the server, so a statement has as
    /// many binds as columns whatever the number of rows. NULL travels as the control
    /// character U+0001, which no cell of ours holds (text arrays here carry no NULLs).
    private func insertByArrays(into table: String, columns: [String], rows: [[BulkValue]], upsertOn keys: [String]?,
                                ignoreConflictsOn ignore: [String]?) async throws {
        let marker = "\u{1}"
        for chunk in rows.chunked(5000) {
            var arrays = [[String]](repeating: [], count: columns.count)
            var isInt = [Bool?](repeating: nil, count: columns.count)
            for row in chunk {
                for (i, v) in row.enumerated() {
                    switch v {
                    case .int(let n): arrays[i].append(String(n)); isInt[i] = isInt[i] ?? true
                    case .text(let t): arrays[i].append(t); isInt[i] = false
                    case .null, .texts, .ints: arrays[i].append(marker)
                    }
                }
            }
            let names = columns.indices.map { "c\($0)" }
            let select = columns.indices.map { i -> String in
                switch isInt[i] {
                case .some(true): return "NULLIF(c\(i), chr(1))::bigint"
                case .some(false): return "NULLIF(c\(i), chr(1))"
                case .none: return "NULL"
                }
            }
            let head = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) SELECT \(select.joined(separator: ", ")) FROM unnest("
            var query = SQLQueryString("")
            query.appendLiteral(head)
            for (i, array) in arrays.enumerated() {
                if i > 0 { query.appendLiteral(", ") }
                query.appendInterpolation(bind: array)
                query.appendLiteral("::text[]")
            }
            query.appendLiteral(") AS u(\(names.joined(separator: ", ")))")
            if let keys {
                let sets = columns.filter { !keys.contains($0) }.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
                query.appendLiteral(" ON CONFLICT (\(keys.joined(separator: ", "))) DO UPDATE SET \(sets)")
            } else if let ignore {
                query.appendLiteral(" ON CONFLICT (\(ignore.joined(separator: ", "))) DO NOTHING")
            }
            try await db.raw(query).run()
        }
    }

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
            case .texts(let list): query.appendInterpolation(bind: list)
            case .ints(let list): query.appendInterpolation(bind: list)
            }
            query.appendLiteral(String(parts.next()!))
        }
        return try await db.raw(query).all()
    }

    /// `column IN (?, ?, …)` on SQLite; `column = ANY(?)` with one array bind on PostgreSQL,
    /// whose planner slows down with hundreds of separate parameters.
    func anyOf(_ column: String, _ values: [BulkValue]) -> (sql: String, binds: [BulkValue]) {
        if db is any SQLiteDatabase {
            return ("\(column) IN (\(Array(repeating: "?", count: values.count).joined(separator: ", ")))", values)
        }
        if values.allSatisfy({ if case .int = $0 { true } else { false } }) {
            return ("\(column) = ANY(?)", [.ints(values.map { if case .int(let i) = $0 { i } else { 0 } })])
        }
        return ("\(column) = ANY(?)", [.texts(values.map { if case .text(let t) = $0 { t } else { "" } })])
    }

    /// Appends rows that cannot conflict with any stored row (new keys only): on PostgreSQL by
    /// `COPY … FROM STDIN` (text format, streamed in pieces of about 1 MiB), elsewhere by plain
    /// multi-row INSERTs. A constraint violation still fails the statement, and so the import.
    func append(into table: String, columns: [String], rows: [[BulkValue]]) async throws {
        guard !rows.isEmpty else { return }
        guard let postgres = db as? any PostgresDatabase else {
            try await insert(into: table, columns: columns, rows: rows)
            return
        }
        let logger = db.logger
        try await postgres.withConnection { connection in
            connection.eventLoop.makeFutureWithTask {
                try await connection.copyFrom(table: table, columns: columns, logger: logger) { writer in
                    var buffer = ByteBuffer()
                    buffer.reserveCapacity(1 << 20 + 4096)
                    for row in rows {
                        Self.appendCopyLine(row, to: &buffer)
                        if buffer.readableBytes >= 1 << 20 {
                            try await writer.write(buffer)
                            buffer.clear()
                        }
                    }
                    if buffer.readableBytes > 0 { try await writer.write(buffer) }
                }
            }
        }.get()
    }

    /// One row of COPY's text format: tab-separated, `\N` for NULL, and backslash, tab,
    /// newline and carriage return escaped inside text.
    static func appendCopyLine(_ row: [BulkValue], to buffer: inout ByteBuffer) {
        for (i, value) in row.enumerated() {
            if i > 0 { buffer.writeInteger(UInt8(ascii: "\t")) }
            switch value {
            case .int(let n): buffer.writeString(String(n))
            case .null, .texts, .ints: buffer.writeStaticString("\\N")
            case .text(let text):
                let special = text.utf8.contains { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }
                if !special { buffer.writeString(text); continue }
                for byte in text.utf8 {
                    switch byte {
                    case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
                    case UInt8(ascii: "\t"): buffer.writeStaticString("\\t")
                    case UInt8(ascii: "\n"): buffer.writeStaticString("\\n")
                    case UInt8(ascii: "\r"): buffer.writeStaticString("\\r")
                    default: buffer.writeInteger(byte)
                    }
                }
            }
        }
        buffer.writeInteger(UInt8(ascii: "\n"))
    }

    /// `INSERT INTO table (columns) VALUES … [ON CONFLICT (keys) DO UPDATE SET every other column]`.
    func insert(into table: String, columns: [String], rows: [[BulkValue]],
                upsertOn keys: [String]? = nil, ignoreConflictsOn ignore: [String]? = nil) async throws {
        guard !rows.isEmpty else { return }
        if !(db is any SQLiteDatabase) {
            return try await insertByArrays(into: table, columns: columns, rows: rows, upsertOn: keys, ignoreConflictsOn: ignore)
        }
        for chunk in rows.chunked(Self.rowsPerStatement(columns: columns.count)) {
            var sql = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
            let tuple = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
            sql += Array(repeating: tuple, count: chunk.count).joined(separator: ", ")
            if let keys {
                let sets = columns.filter { !keys.contains($0) }.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
                sql += " ON CONFLICT (\(keys.joined(separator: ", "))) DO UPDATE SET \(sets)"
            } else if let ignore {
                sql += " ON CONFLICT (\(ignore.joined(separator: ", "))) DO NOTHING"
            }
            _ = try await query(sql, chunk.flatMap { $0 })
        }
    }
}
