import App
import ArgumentParser
import Demo
import Foundation
import Logging
import PovertyCore
import Spreadsheets
import Storage


/// Options shared by every command that opens the database.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .customLong("user"), help: "Người thực hiện, ghi vào nhật ký / Who is acting, for the audit log.")
    var user: String = ProcessInfo.processInfo.environment["USER"] ?? "cli"

    /// The database named by DATABASE_URL / SQLITE_PATH; a wrong one ends the command (exit 78).
    static func configFromEnvironment() throws -> StorageConfig {
        do { return try StorageConfig.fromEnvironment() } catch {
            Terminal.error("\(error)")
            throw ExitCode(78)
        }
    }

    /// The command line's log: warnings and worse, on standard error.
    static var logger: Logger {
        var logger = Logger(label: "giamngheo")
        logger.logLevel = .warning
        return logger
    }

    /// Opens the store named by DATABASE_URL / SQLITE_PATH and runs pending migrations.
    func open() async throws -> Store {
        let config = try DatabaseOptions.configFromEnvironment()
        let logger = DatabaseOptions.logger
        let store = try Store(config, logger: logger, passwords: BcryptHasher())
        do {
            for name in try await store.migrate() { Terminal.error("đã chạy migration / migrated: \(name)") }
        } catch {
            await store.shutdown()
            Terminal.error("không mở được cơ sở dữ liệu \(config) / cannot open the database: \(String(reflecting: error))")
            throw ExitCode(69)
        }
        return store
    }

    /// Opens the store, runs `body` as the command-line operator `--user` (every audit entry
    /// names them and the channel), and always shuts the store down; a refused operation
    /// prints its message and exits 65.
    func withStore(_ body: (Store, Actor) async throws -> Void) async throws {
        let store = try await open()
        do {
            try await body(store, try await store.operator(user))
            await store.shutdown()
        } catch let error as StorageError {
            await store.shutdown()
            Terminal.error("\(error.description)\nkhông thay đổi gì / nothing was changed")
            throw Exit.dataError
        } catch let error as LoanRefused {
            await store.shutdown()
            Terminal.error("\(error.description)\nkhông thay đổi gì / nothing was changed")
            throw Exit.dataError
        } catch let error as AccountRefusal {
            await store.shutdown()
            Terminal.error("\(error.description)\nkhông thay đổi gì / nothing was changed")
            throw Exit.dataError
        } catch {
            await store.shutdown()
            throw error
        }
    }
}

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Tạo hoặc nâng cấp cơ sở dữ liệu / Create or upgrade the database.",
        discussion: "SQLite: tệp SQLITE_PATH (mặc định giamngheo.sqlite). PostgreSQL: đặt DATABASE_URL=postgres://…"
    )
    @OptionGroup var db: DatabaseOptions

    func run() async throws {
        let store = try await db.open()
        print("cơ sở dữ liệu sẵn sàng / database ready: \(store.config)")
        await store.shutdown()
    }
}

func parseDay(_ text: String?) throws -> Day {
    guard let text else { return Clock.system.today }
    guard let d = Day(text) else { throw ValidationError("'\(text)': cần ngày dd/mm/yyyy / expected a date dd/mm/yyyy") }
    return d
}
