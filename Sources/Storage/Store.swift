import FluentKit
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOConcurrencyHelpers
import PovertyCore
import SQLKit

/// The database of giamngheo: opens SQLite or PostgreSQL, runs migrations, and gives
/// out the Fluent and SQLKit handles. All SQL that differs between the two databases
/// asks `dialect`.
public final class Store: Sendable {
    public enum Dialect: Sendable { case sqlite, postgres }

    public let config: StorageConfig
    public let dialect: Dialect
    let databases: Databases
    private let migrations: Migrations
    /// SQLite: this file's writers queue here, one at a time (see `WriteGate`).
    let writeGate: WriteGate?
    /// SQLite: the writers of the journal file beside it (see `Journal.swift`).
    let journalGate: WriteGate?

    /// Whether `shutdown` closes the pool (not when the web app owns it).
    private nonisolated(unsafe) var ownsDatabases = false
    public let logger: Logger
    /// The one clock (tests pin it): every "now" and "today" of Storage, and of the web app, which reads it here.
    public let clock: Clock
    /// Hashes and checks passwords (the web app's Bcrypt); nil where no password is ever handled.
    let passwords: (any PasswordHashing)?
    /// The tree, read once and kept until the data version changes.
    let histories = HistoryCache()
    /// Actors' branches per unit and day, until the data version changes.
    let scopes = FiguresCache<Scope>()

    /// A store with a pool of its own (the command-line tool).
    public convenience init(_ config: StorageConfig, logger: Logger = Logger(label: "giamngheo.storage"),
                            clock: Clock = .system, passwords: (any PasswordHashing)? = nil) throws {
        let databases = Databases(threadPool: NIOThreadPool.singleton, on: MultiThreadedEventLoopGroup.singleton)
        try Store.register(config, in: databases, maxConnectionsPerEventLoop: 2)
        try self.init(config, sharing: databases, logger: logger, clock: clock, passwords: passwords)
        ownsDatabases = true
    }

    /// A store over databases someone else owns and configured with `register` (the web
    /// app's `app.databases`), so routes, the CLI's functions and tests share one pool.
    /// Each request's work picks an event loop of the group, so the pool of every loop is used.
    public init(_ config: StorageConfig, sharing databases: Databases, logger: Logger = Logger(label: "giamngheo.storage"),
                clock: Clock = .system, passwords: (any PasswordHashing)? = nil) throws {
        self.config = config
        self.logger = logger
        self.clock = clock
        self.passwords = passwords
        self.databases = databases
        switch config {
        case .sqlite(let path):
            dialect = .sqlite
            writeGate = WriteGate.gate(forFile: path)
            journalGate = WriteGate.gate(forFile: Store.journalPath(path))
        case .postgres:
            dialect = .postgres
            writeGate = nil
            journalGate = nil
        }
        migrations = Migrations()
        migrations.add(Schema.all.map { AtomicMigration(inner: $0) })
    }

    /// Registers the database of `config` as the default of `databases`. SQLite: one connection
    /// per event loop (SQLiteNIO retries on a busy database and turns foreign keys on for each).
    public static func register(_ config: StorageConfig, in databases: Databases, maxConnectionsPerEventLoop: Int) throws {
        switch config {
        case .sqlite(let path):
            // Writers queue in `WriteGate`, not in the pool; a burst of reads may wait up to 30 s.
            databases.use(.sqlite(.file(path), connectionPoolTimeout: .seconds(30), sqlLogLevel: .trace), as: .sqlite, isDefault: true)
            // Sessions, sign-in failures and audit entries of reads: never behind an import (`Journal.swift`).
            databases.use(.sqlite(.file(journalPath(path)), connectionPoolTimeout: .seconds(30), sqlLogLevel: .trace), as: .journal, isDefault: false)
            databases.use(.sqlite(.file(path), connectionPoolTimeout: .seconds(30), sqlLogLevel: .trace), as: .bulk, isDefault: false)
        case .postgres(let url):
            try StorageConfig.validatePostgresURL(url)
            // A burst of writes that lock one row (disbursements from one fund) queue for the
            // pool's connections: wait up to 30 s for one rather than fail the request at 10 s.
            databases.use(try .postgres(url: url, maxConnectionsPerEventLoop: maxConnectionsPerEventLoop,
                                        connectionPoolTimeout: .seconds(30), sqlLogLevel: .trace),
                          as: .psql, isDefault: true)
        }
    }

    /// A Fluent database handle (registered by `register`). Gone once the databases are shut
    /// down: work still under way then (an import job waiting its turn while the server stops)
    /// ends with `StoreClosed` instead of crashing the process.
    var db: any Database {
        get throws {
            guard let db = databases.database(logger: logger, on: databases.eventLoopGroup.any()) else { throw StoreClosed() }
            return db
        }
    }

    /// The database registered as `id` (SQLite: the journal, the imports' pool).
    func database(_ id: DatabaseID) throws -> any Database {
        guard let db = databases.database(id, logger: logger, on: databases.eventLoopGroup.any()) else { throw StoreClosed() }
        return db
    }

    /// The same database through SQLKit, for raw and bulk SQL: Storage's own, never handed out.
    var sql: any SQLDatabase { get throws { try db as! any SQLDatabase } }

    /// What changed, for caches: `tree`, `reviews`, `targets` or `members` (names, codes and
    /// household links a search finds households by).
    enum Revision: String { case tree, reviews, targets, members }

    /// Marks a kind of data changed, in the writing transaction: every instance of the app
    /// reads the revision and drops what it computed from the old data.
    func bump(_ revision: Revision, on db: any SQLDatabase) async throws {
        try await db.raw("UPDATE data_revisions SET revision = revision + 1 WHERE name = \(bind: revision.rawValue)").run()
    }

    /// Whether the database holds no unit yet (a new installation).
    public func isEmpty() async throws -> Bool {
        try await sql.raw("SELECT COUNT(*) AS n FROM units").first()?.int("n") ?? 0 == 0
    }

    /// Answers when the database does (a health check).
    public func ping() async throws {
        _ = try await sql.raw("SELECT 1 AS one").first()
    }

    /// Connection settings that make SQLite fast and safe: WAL, foreign keys.
    public func prepare() async throws {
        if dialect == .sqlite {
            try await sql.raw("PRAGMA journal_mode = WAL").run()
            try await sql.raw("PRAGMA synchronous = NORMAL").run()
            try await sql.raw("PRAGMA foreign_keys = ON").run()
        }
    }

    /// Runs pending migrations, logging each; returns their names. On PostgreSQL under an
    /// advisory lock held on one connection for the whole run: two instances starting at once
    /// migrate one after the other, the second finding nothing left to do (before, its
    /// transaction failed on the first's tables and it did not start).
    @discardableResult
    public func migrate() async throws -> [String] {
        guard dialect == .postgres else { return try await migrateNow() }
        return try await sql.withSession { session in
            try await session.raw("SELECT pg_advisory_lock(\(bind: Self.migrationLock))").run()
            do {
                let ran = try await self.migrateNow()
                try await session.raw("SELECT pg_advisory_unlock(\(bind: Self.migrationLock))").run()
                return ran
            } catch {
                try? await session.raw("SELECT pg_advisory_unlock(\(bind: Self.migrationLock))").run()
                throw error
            }
        }
    }

    /// The advisory lock migrations take on PostgreSQL ("giam" in ASCII).
    static let migrationLock: Int64 = 0x6769_616D
    /// The advisory lock of writers locking many households (`lockHouseholdBatches`; "hobt").
    static let householdBatchesLock: Int64 = 0x686F_6274

    private func migrateNow() async throws -> [String] {
        try await prepare()
        let migrator = Migrator(databases: databases, migrations: migrations, logger: logger, on: databases.eventLoopGroup.any())
        try await migrator.setupIfNeeded().get()
        // A database migrated by a newer version is not run by this one (it would ignore what
        // it does not know, and write beside it).
        let known = Set(Schema.all.map(\.name))
        let unknown = try await sql.raw("SELECT name FROM _fluent_migrations").all().map { try $0.string("name") }.filter { !known.contains($0) }
        guard unknown.isEmpty else {
            throw StorageError.invalid(Message("refusal.database.newer_schema", .text(unknown.sorted().joined(separator: ", "))))
        }
        let pending = try await migrator.previewPrepareBatch().get().map { $0.0.name }
        for name in pending { logger.info("migrating: \(name)") }
        try await migrator.prepareBatch().get()
        try await prepareJournal()
        return pending
    }

    /// Reverts every migration (tests check migrations both ways).
    public func revertAll() async throws {
        let migrator = Migrator(databases: databases, migrations: migrations, logger: logger, on: databases.eventLoopGroup.any())
        try await migrator.revertAllBatches().get()
    }

    public func shutdown() async {
        guard ownsDatabases else { return }
        // A command's audit entries of reads go into the audit log before it ends (or, if it
        // cannot now, with the next process's move).
        try? await flushJournal(waiting: false)
        await databases.shutdownAsync()
    }

    /// The current time as stored: ISO 8601 in UTC.
    public func now() -> String { Clock.timestamp(clock.now()) }

    static func timestamp(_ date: Date) -> String { Clock.timestamp(date) }

    /// Today in Vietnam, by the store's clock.
    public var today: Day { clock.today }
}

/// The store's databases were shut down (the server is stopping): nothing more is read or written.
public struct StoreClosed: Error, CustomStringConvertible {
    public var description: String { "cơ sở dữ liệu đã đóng (máy chủ đang dừng) / the database is closed (the server is stopping)" }
}
