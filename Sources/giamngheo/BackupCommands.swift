import ArgumentParser
import Foundation
import Logging
import Storage

// `giamngheo backup FILE` and `giamngheo restore FILE`: the whole database, while the app keeps
// serving (SQLite: a consistent copy; PostgreSQL: pg_dump's custom format), and back into an
// empty database (then migrated to this version).

struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Sao lưu toàn bộ cơ sở dữ liệu khi ứng dụng vẫn chạy / Back up the whole database while the app runs.",
        discussion: """
        SQLite: một bản sao nhất quán (VACUUM INTO). PostgreSQL: pg_dump định dạng custom. Bản sao có dữ liệu cá nhân: giữ kín, được ghi nhật ký.
        SQLite: a consistent copy (VACUUM INTO). PostgreSQL: pg_dump's custom format. The copy holds personal data: keep it safe; it is audited.
        """
    )
    @Argument(help: "Tệp sao lưu (chưa có) / The backup file (must not exist).") var file: String
    @OptionGroup var db: DatabaseOptions

    func run() async throws {
        let path = URL(fileURLWithPath: file).path
        // The database as it is: a new version backs up before it migrates anything.
        try await db.withStore(migrating: false) { store, actor in
            do { try await store.backup(actor, to: path) } catch let failure as Backup.Failure {
                Terminal.error(failure.description)
                throw Exit.cannotWrite
            }
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            print("đã sao lưu / backed up: \(path) (\(size) byte)")
        }
    }
}

struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Khôi phục bản sao lưu vào cơ sở dữ liệu trống / Restore a backup into an empty database.",
        discussion: """
        Đích là SQLITE_PATH (tệp chưa có) hoặc DATABASE_URL (cơ sở dữ liệu chưa có bảng); sau đó nâng cấp lên phiên bản này.
        The target is SQLITE_PATH (a new file) or DATABASE_URL (a database without tables); it is then migrated to this version.
        """
    )
    @Argument(help: "Tệp sao lưu / The backup file.") var file: String
    @Option(name: .customLong("user"), help: "Người thực hiện, ghi vào nhật ký / Who is acting, for the audit log.")
    var user: String = DatabaseOptions.defaultUser

    func run() async throws {
        let config = try DatabaseOptions.configFromEnvironment()
        let logger = DatabaseOptions.logger
        do {
            let migrated = try await Store.restore(config, from: URL(fileURLWithPath: file).path, by: user, logger: logger)
            print("đã khôi phục / restored \(file) → \(config)" + (migrated.isEmpty ? "" : "; nâng cấp / migrated: \(migrated.joined(separator: ", "))"))
        } catch let failure as Backup.Failure {
            Terminal.error(failure.description)
            throw Exit.dataError
        }
    }
}
