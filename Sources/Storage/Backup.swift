import Foundation
import PovertyCore
import Logging
import SQLKit

/// Backups of the whole database and their restoring: an SQLite file copied consistently while
/// the app writes (`VACUUM INTO`, a snapshot in one read transaction), or PostgreSQL's
/// `pg_dump` in its custom format; restored only into an empty database, then migrated.
public enum Backup {
    public enum Failure: Error, CustomStringConvertible {
        case exists(String)
        case notEmpty
        case notABackup(String)
        case tool(String, String)
        case inUse(String)
        case damaged(String)

        public var description: String {
            switch self {
            case .exists(let path): "tệp \(path) đã có; chọn tên khác / \(path) already exists; choose another name"
            case .notEmpty: "cơ sở dữ liệu đích đã có dữ liệu; chỉ khôi phục vào cơ sở dữ liệu trống / the target database is not empty; restore only into an empty one"
            case .notABackup(let path): "\(path) không phải bản sao lưu của giamngheo / \(path) is not a giamngheo backup"
            case let .tool(name, output): "\(name) thất bại / \(name) failed: \(output)"
            case .inUse(let path):
                "có tệp \(path) bên cạnh cơ sở dữ liệu: dừng máy chủ; nếu máy chủ đã dừng và cơ sở dữ liệu đã mất, chuyển tệp đó đi rồi khôi phục lại / "
                + "\(path) lies beside the database: stop the server; if it is stopped and the database is lost, move that file away, then restore again"
            case .damaged(let detail): "bản khôi phục bị hỏng / the restored copy is damaged: \(detail)"
            }
        }
    }

    /// The PostgreSQL client tool `name` from PATH or Debian's versioned folders.
    static func tool(_ name: String) -> String? {
        let fm = FileManager.default
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") where fm.isExecutableFile(atPath: "\(dir)/\(name)") { return "\(dir)/\(name)" }
        let versions = ((try? fm.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []).sorted { (Int($0) ?? 0) > (Int($1) ?? 0) }
        return versions.map { "/usr/lib/postgresql/\($0)/bin/\(name)" }.first { fm.isExecutableFile(atPath: $0) }
    }

    /// The connection URL without its password, and the password: a tool's arguments are
    /// readable by every user of the machine (`ps`), its environment is not.
    static func withoutPassword(_ url: String) -> (url: String, password: String?) {
        guard var parts = URLComponents(string: url), let password = parts.password else { return (url, nil) }
        parts.password = nil
        return (parts.string ?? url, password)  // already percent-decoded
    }

    /// Runs a tool and waits; its output is the failure's text. A password goes to it in
    /// `PGPASSWORD`, never in its arguments.
    static func run(_ executable: String, _ arguments: [String], password: String? = nil) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let password {
            var environment = ProcessInfo.processInfo.environment
            environment["PGPASSWORD"] = password
            process.environment = environment
        }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure.tool((executable as NSString).lastPathComponent, String(decoding: data.suffix(2000), as: UTF8.self))
        }
    }
}

extension Store {
    /// Writes a consistent copy of the whole database to `path` (which must not exist) while
    /// the app keeps working. The copy holds personal data: audited as an export.
    public func backup(_ actor: Actor, to path: String) async throws {
        try actor.require(.maintain)
        guard !FileManager.default.fileExists(atPath: path) else { throw Backup.Failure.exists(path) }
        switch config {
        case .sqlite:
            // The journal's audit entries first, if the database is free now (sessions are not copied:
            // a restore signs everyone out); entries still in the journal move into this database later.
            try? await flushJournal(waiting: false)
            // One read transaction: the copy is the database as of one moment, writers go on.
            try await sql.raw("VACUUM INTO \(bind: path)").run()
        case .postgres(let url):
            guard let dump = Backup.tool("pg_dump") else { throw Backup.Failure.tool("pg_dump", "not installed (Debian: postgresql-client)") }
            let (source, password) = Backup.withoutPassword(url)
            try Backup.run(dump, ["--format=custom", "--no-owner", "--no-privileges", "--file=\(path)", "--dbname=\(source)"], password: password)
        }
        // A copy of every household's income and health: readable by its owner only.
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        try await audit.export("sao_luu", file: path + " (\(size) byte)", by: actor)
    }

    /// Restores a backup into this store's database, which must be empty (a new SQLite file,
    /// or a PostgreSQL database without tables), then brings it to this version's schema.
    /// Returns the migrations run after restoring.
    public static func restore(_ config: StorageConfig, from backup: String, by operatorName: String = "restore",
                               logger: Logger = Logger(label: "giamngheo.storage")) async throws -> [String] {
        guard let head = FileHandle(forReadingAtPath: backup)?.readData(ofLength: 16) else { throw Backup.Failure.notABackup(backup) }
        switch config {
        case .sqlite(let path):
            guard head.starts(with: Data("SQLite format 3".utf8)) else { throw Backup.Failure.notABackup(backup) }
            if let size = try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int, size > 0 { throw Backup.Failure.notEmpty }
            // A write-ahead log beside the path is a running server's, or a lost database's: SQLite
            // would replay its pages onto the restored copy.
            for suffix in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) { throw Backup.Failure.inUse(path + suffix) }
            try? FileManager.default.removeItem(atPath: path)
            // No journal of another database here: the restored one starts without sessions.
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: Store.journalPath(path) + suffix) }
            try FileManager.default.copyItem(atPath: backup, toPath: path)
        case .postgres(let url):
            guard head.starts(with: Data("PGDMP".utf8)) else { throw Backup.Failure.notABackup(backup) }
            let probe = try Store(config, logger: logger)
            do {
                let tables = try await probe.sql.raw("""
                    SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = 'public'
                    """).first()?.int("n") ?? 0
                await probe.shutdown()
                guard tables == 0 else { throw Backup.Failure.notEmpty }
            } catch {
                await probe.shutdown()
                throw error
            }
            guard let restore = Backup.tool("pg_restore") else { throw Backup.Failure.tool("pg_restore", "not installed (Debian: postgresql-client)") }
            // One transaction: a restore that fails leaves the database empty, to be tried again.
            let (target, password) = Backup.withoutPassword(url)
            try Backup.run(restore, ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", "--dbname=\(target)", backup], password: password)
        }
        let store = try Store(config, logger: logger)
        // A copy that fails its check or its migration is not left where the server would open it.
        func discard() {
            guard case .sqlite(let path) = config else { return }
            for file in [path, path + "-wal", path + "-shm"] + ["", "-wal", "-shm"].map({ Store.journalPath(path) + $0 }) {
                try? FileManager.default.removeItem(atPath: file)
            }
        }
        do {
            if case .sqlite = config {
                let verdict = try await store.sql.raw("PRAGMA integrity_check").all().map { try $0.string("integrity_check") }
                guard verdict == ["ok"] else { throw Backup.Failure.damaged(verdict.prefix(5).joined(separator: "; ")) }
            }
            // A database of its own, not the one backed up: a journal that one left is not this one's.
            try? await store.sql.raw("UPDATE data_revisions SET revision = \(bind: Int64.random(in: 1...Int64.max / 2)) WHERE name = 'identity'").run()
            let migrated = try await store.migrate()
            try await store.audit.record("khoi_phuc", entity: "database", id: nil, detail: (backup as NSString).lastPathComponent,
                                         by: try await store.operator(operatorName), on: store.sql)
            await store.shutdown()
            return migrated
        } catch {
            await store.shutdown()
            discard()
            throw error
        }
    }
}
