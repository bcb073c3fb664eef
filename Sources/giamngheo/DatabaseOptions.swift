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
    var user: String = DatabaseOptions.defaultUser

    /// Who runs the command: the person behind `sudo -u giamngheo …` (SUDO_USER), else the
    /// login (USER), so that the audit log names a person rather than the service account.
    static var defaultUser: String {
        let environment = ProcessInfo.processInfo.environment
        for key in ["SUDO_USER", "USER"] { if let name = environment[key], !name.isEmpty { return name } }
        return "cli"
    }

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

    /// Opens the store named by DATABASE_URL / SQLITE_PATH and runs pending migrations
    /// (`migrating: false`: as it is — a backup taken by a new version before it upgrades).
    func open(migrating: Bool = true) async throws -> Store {
        let config = try DatabaseOptions.configFromEnvironment()
        let logger = DatabaseOptions.logger
        let store = try Store(config, logger: logger, passwords: BcryptHasher())
        do {
            if migrating {
                for name in try await store.migrate() { Terminal.error("đã chạy migration / migrated: \(name)") }
            }
        } catch {
            await store.shutdown()
            Terminal.error("không mở được cơ sở dữ liệu \(config) / cannot open the database: \(String(reflecting: error))")
            throw ExitCode(69)
        }
        return store
    }

    /// Opens the store, runs `body` and shuts the store down, whatever `body` throws.
    func using<T>(migrating: Bool = true, _ body: (Store) async throws -> T) async throws -> T {
        let store = try await open(migrating: migrating)
        do {
            let value = try await body(store)
            await store.shutdown()
            return value
        } catch {
            await store.shutdown()
            throw error
        }
    }

    /// Opens the store, runs `body` as the command-line operator `--user` (every audit entry
    /// names them and the channel), and always shuts the store down; a refused operation
    /// prints its message and exits 65.
    func withStore(migrating: Bool = true, _ body: (Store, Actor) async throws -> Void) async throws {
        do {
            try await using(migrating: migrating) { store in try await body(store, try await store.operator(user)) }
        } catch let refusal as any Refusal {
            Terminal.error("\(refusal.description)\nkhông thay đổi gì / nothing was changed")
            throw Exit.dataError
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
        try await db.using { store in print("cơ sở dữ liệu sẵn sàng / database ready: \(store.config)") }
    }
}

func parseDay(_ text: String?) throws -> Day {
    guard let text else { return Clock.system.today }
    guard let d = Day(text) else { throw ValidationError("'\(text)': cần ngày dd/mm/yyyy / expected a date dd/mm/yyyy") }
    return d
}
