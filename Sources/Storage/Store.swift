import FluentKit
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import Logging
import NIOCore
import NIOPosix
import PovertyCore
import SQLKit

/// The database of giamngheo: opens SQLite or PostgreSQL, runs migrations, and gives
/// out the Fluent and SQLKit handles. All SQL that differs between the two databases
/// asks `dialect`.
public final class Store: Sendable {
    public enum Dialect: Sendable { case sqlite, postgres }

    public let config: StorageConfig
    public let dialect: Dialect
    private let databases: Databases
    private let migrations: Migrations
    private let eventLoop: any EventLoop
    public let logger: Logger
    /// The clock; tests pin it.
    public let clock: @Sendable () -> Date

    public init(_ config: StorageConfig, logger: Logger = Logger(label: "giamngheo.storage"),
                clock: @escaping @Sendable () -> Date = { Date() }) throws {
        self.config = config
        self.logger = logger
        self.clock = clock
        databases = Databases(threadPool: NIOThreadPool.singleton, on: MultiThreadedEventLoopGroup.singleton)
        eventLoop = MultiThreadedEventLoopGroup.singleton.any()
        switch config {
        case .sqlite(let path):
            dialect = .sqlite
            databases.use(.sqlite(.file(path), sqlLogLevel: .trace), as: .sqlite)
        case .postgres(let url):
            dialect = .postgres
            try StorageConfig.validatePostgresURL(url)
            databases.use(try .postgres(url: url, maxConnectionsPerEventLoop: 2, sqlLogLevel: .trace), as: .psql)
        }
        migrations = Migrations()
        migrations.add(Schema.all)
    }

    /// A Fluent database handle.
    public var db: any Database {
        databases.database(logger: logger, on: eventLoop)!
    }

    /// The same database through SQLKit, for raw and bulk SQL.
    public var sql: any SQLDatabase { db as! any SQLDatabase }

    /// Connection settings that make SQLite fast and safe: WAL, foreign keys.
    public func prepare() async throws {
        if dialect == .sqlite {
            try await sql.raw("PRAGMA journal_mode = WAL").run()
            try await sql.raw("PRAGMA synchronous = NORMAL").run()
            try await sql.raw("PRAGMA foreign_keys = ON").run()
        }
    }

    /// Runs pending migrations, logging each; returns their names.
    @discardableResult
    public func migrate() async throws -> [String] {
        try await prepare()
        let migrator = Migrator(databases: databases, migrations: migrations, logger: logger, on: eventLoop)
        try await migrator.setupIfNeeded().get()
        let pending = try await migrator.previewPrepareBatch().get().map { $0.0.name }
        for name in pending { logger.info("migrating: \(name)") }
        try await migrator.prepareBatch().get()
        return pending
    }

    /// Reverts every migration (tests check migrations both ways).
    public func revertAll() async throws {
        let migrator = Migrator(databases: databases, migrations: migrations, logger: logger, on: eventLoop)
        try await migrator.revertAllBatches().get()
    }

    public func shutdown() async {
        await databases.shutdownAsync()
    }

    /// The current time as stored: ISO 8601 in UTC.
    public func now() -> String { Store.timestamp(clock()) }

    static func timestamp(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: date)
    }
}
