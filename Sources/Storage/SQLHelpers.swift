import FluentKit
import PovertyCore
import SQLKit

extension Store {
    /// Runs `body` in one transaction: everything or nothing. On SQLite the transaction first
    /// waits its turn in the file's `WriteGate`, before it takes a connection, and its connection
    /// waits for another process's writer (the command line beside a running server) by sleeping
    /// with a growing delay, up to `Store.sqliteBusyTimeout`, instead of SQLiteNIO's immediate
    /// retries, which keep a thread of the small blocking pool spinning meanwhile.
    public func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await transaction(on: nil, body)
    }

    /// The same on the database registered as `id` (SQLite: `.bulk`, the imports' own pool);
    /// `writeLockFirst`: on SQLite the write lock is taken before `body` reads (see `writeTransaction`).
    func transaction<T: Sendable>(on id: DatabaseID?, writeLockFirst: Bool = false,
                                  _ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let database = try id.map { try self.database($0) } ?? db
        guard let writeGate else { return try await database.transaction { db in try await body(db as! any SQLDatabase) } }
        return try await writeGate.run { try await Store.sqliteTransaction(database, lock: writeLockFirst ? Store.sqliteWriteLock : nil, body) }
    }

    /// A statement that takes SQLite's write lock and changes nothing.
    static let sqliteWriteLock = "UPDATE units SET id = id WHERE 0 = 1"

    /// SQLite: `body` in a transaction of `database` whose connection waits for another
    /// process's writer by sleeping, up to `busyTimeout` ms, and which takes the write lock
    /// with `lock` first when given (see `writeTransaction`). Callers queue it in a gate.
    static func sqliteTransaction<T: Sendable>(_ database: any Database, busyTimeout: Int = sqliteBusyTimeout, lock: String? = nil,
                                               _ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await database.transaction { db in
            let sql = db as! any SQLDatabase
            try await sql.raw("PRAGMA busy_timeout = \(unsafeRaw: String(busyTimeout))").run()
            if let lock { try await sql.raw("\(unsafeRaw: lock)").run() }
            return try await body(sql)
        }
    }

    /// How long (ms) an SQLite write waits for another process's writer before it fails.
    static let sqliteBusyTimeout = 30_000

    /// A write transaction only if the database is free: on SQLite, when no writer of this
    /// process holds it and another process's lets go within `busyTimeout` ms; nil otherwise
    /// (it did not run). On PostgreSQL it always runs.
    func writeTransactionIfFree<T: Sendable>(busyTimeout: Int, _ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T? {
        guard let writeGate else { return try await writeTransaction(body) }
        let database = try db
        return try await writeGate.runIfFree {
            try await Store.sqliteTransaction(database, busyTimeout: busyTimeout, lock: Store.sqliteWriteLock, body)
        }
    }

    /// A transaction that writes: on SQLite it takes the write lock with its first statement,
    /// so a concurrent writer waits for it instead of failing later with a stale snapshot
    /// (a deferred transaction that reads first cannot become a writer once another has
    /// committed). PostgreSQL locks rows as it goes.
    public func writeTransaction<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let sqlite = dialect == .sqlite
        return try await transaction { db in
            if sqlite { try await db.raw("\(unsafeRaw: Store.sqliteWriteLock)").run() }
            return try await body(db)
        }
    }
}

extension SQLDatabase {
    /// The same connection as a Fluent database, for the models (`Models/`). Every
    /// `any SQLDatabase` handed out by `Store` is a Fluent SQLite or PostgreSQL database.
    var fluent: any Database { self as! any Database }
}

extension SQLRow {
    func int(_ column: String) throws -> Int { try decode(column: column, as: Int.self) }
    func optionalInt(_ column: String) throws -> Int? { try decode(column: column, as: Int?.self) }
    func string(_ column: String) throws -> String { try decode(column: column, as: String.self) }
    func optionalString(_ column: String) throws -> String? { try decode(column: column, as: String?.self) }
    func day(_ column: String) throws -> Day { try Day(stored: try string(column), column: column) }
    func optionalDay(_ column: String) throws -> Day? { try Day(stored: try optionalString(column), column: column) }
}

extension Day {
    /// A day as stored (ISO `yyyy-mm-dd` text); anything else is corrupt data in `column`.
    init(stored text: String, column: String) throws {
        guard let d = Day(text) else { throw StorageError.corrupt("\(column) = \(text)") }
        self = d
    }

    init?(stored text: String?, column: String) throws {
        guard let text else { return nil }
        try self.init(stored: text, column: column)
    }
}

/// Text matched literally by `LIKE … ESCAPE '\'`: backslash, `%` and `_` escaped.
func likeLiteral(_ s: String) -> String {
    s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
}

/// A stable 64-bit FNV-1a hash (Swift's `Hasher` is seeded per process, so it cannot be stored).
struct StableHash {
    private(set) var value: UInt64 = 0xCBF2_9CE4_8422_2325
    mutating func add(_ s: String) {
        for b in s.utf8 { value = (value ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        value = (value ^ 0x1F) &* 0x0000_0100_0000_01B3
    }
    mutating func add(_ i: Int?) { add(i.map(String.init) ?? "∅") }
    var int64: Int { Int(Int64(bitPattern: value)) }
}

extension Dictionary {
    /// A value the importer put there itself: its absence is a defect, refused as corrupt data
    /// (the transaction rolls back) instead of stopping the server.
    func required(_ key: Key) throws -> Value {
        guard let value = self[key] else { throw StorageError.corrupt("\(key): missing from \(Value.self)") }
        return value
    }
}
