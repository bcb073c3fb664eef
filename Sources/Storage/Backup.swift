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

    /// Gives a finished file its name, never over a file that came meanwhile: `link` refuses an
    /// existing name; where the disk has no hard links (a FAT or exFAT stick, some network
    /// shares) the name is checked, then taken by `rename`.
    static func publish(_ partial: String, as path: String) throws {
        if link(partial, path) == 0 { return }
        let failure = errno
        if failure == EEXIST { throw Failure.exists(path) }
        guard [EPERM, ENOTSUP, EOPNOTSUPP, EMLINK, ENOSYS].contains(failure) else {
            throw Failure.tool("link", String(cString: strerror(failure)))
        }
        guard !FileManager.default.fileExists(atPath: path) else { throw Failure.exists(path) }
        guard rename(partial, path) == 0 else { throw Failure.tool("rename", String(cString: strerror(errno))) }
    }

    /// Removes what a backup or restore stopped outright left in `folder` (names with `prefix`
    /// and `suffix`): untouched for an hour, so not one being written now.
    static func removeStale(in folder: String, prefix: String, suffix: String = "") {
        let fm = FileManager.default
        let hourAgo = Date().addingTimeInterval(-3600)
        for name in (try? fm.contentsOfDirectory(atPath: folder)) ?? [] where name.hasPrefix(prefix) && name.hasSuffix(suffix) {
            let path = folder + "/" + name
            guard let attributes = try? fm.attributesOfItem(atPath: path), attributes[.type] as? FileAttributeType == .typeRegular,
                  let modified = attributes[.modificationDate] as? Date, modified < hourAgo else { continue }
            try? fm.removeItem(atPath: path)
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
    /// the app keeps working. The copy holds personal data: audited as an export. It is written
    /// beside `path` under a hidden name, readable by its owner only from its first byte, and
    /// takes its name only once it is whole; the audit entry follows (if it cannot be written,
    /// the copy is removed): a backup that fails (a full disk, a lost connection) leaves no part
    /// of itself under the name, and no copy without its audit entry. What a backup stopped
    /// outright (killed, a power cut) left beside the name is removed by the next one.
    public func backup(_ actor: Actor, to path: String) async throws {
        try actor.require(.maintain)
        let fm = FileManager.default
        guard !fm.fileExists(atPath: path) else { throw Backup.Failure.exists(path) }
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent()
        Backup.removeStale(in: folder.path, prefix: ".\(url.lastPathComponent).", suffix: ".partial")
        let partial = folder.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).partial").path
        // Created empty and private first: `VACUUM INTO` and `pg_dump` write into it as it is.
        let fd = open(partial, O_CREAT | O_EXCL | O_WRONLY, 0o600)
        guard fd >= 0 else { throw Backup.Failure.tool("open", "\(partial): \(String(cString: strerror(errno)))") }
        close(fd)
        defer { try? fm.removeItem(atPath: partial) }
        switch config {
        case .sqlite:
            // The journal's audit entries first, if the database is free now (sessions are not copied:
            // a restore signs everyone out); entries still in the journal move into this database later.
            try? await flushJournal(waiting: false)
            // One read transaction: the copy is the database as of one moment, writers go on.
            try await sql.raw("VACUUM INTO \(bind: partial)").run()
        case .postgres(let url):
            guard let dump = Backup.tool("pg_dump") else { throw Backup.Failure.tool("pg_dump", "not installed (Debian: postgresql-client)") }
            let (source, password) = Backup.withoutPassword(url)
            try Backup.run(dump, ["--format=custom", "--no-owner", "--no-privileges", "--file=\(partial)", "--dbname=\(source)"], password: password)
        }
        // A copy of every household's income and health: readable by its owner only.
        try fm.setAttributes([.posixPermissions: 0o600], ofItemAtPath: partial)
        let size = (try? fm.attributesOfItem(atPath: partial)[.size] as? Int) ?? 0
        try Backup.publish(partial, as: path)
        do {
            try await audit.export("sao_luu", file: path + " (\(size) byte)", by: actor)
        } catch {
            try? fm.removeItem(atPath: path)
            throw error
        }
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
        case .postgres(let url):
            guard head.starts(with: Data("PGDMP".utf8)) else { throw Backup.Failure.notABackup(backup) }
            let probe = try Store(config, logger: logger)
            do {
                let tables = try await probe.sql.raw("SELECT COUNT(*) AS n FROM pg_tables WHERE schemaname = 'public'").first()?.int("n") ?? 0
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
        // SQLite: the copy is checked and migrated under a name of its own beside the path, and
        // takes the path only then. A copy cut short (a full disk) or failing its check or its
        // migration is never where the server would open it.
        var working = config
        var staging: String?
        if case .sqlite(let path) = config {
            let url = URL(fileURLWithPath: path)
            Backup.removeStale(in: url.deletingLastPathComponent().path, prefix: url.lastPathComponent + ".restoring-")
            let name = path + ".restoring-" + UUID().uuidString
            staging = name
            working = .sqlite(path: name)
        }
        func discard(_ path: String) {
            for file in [path, path + "-wal", path + "-shm"] + ["", "-wal", "-shm"].map({ Store.journalPath(path) + $0 }) {
                try? FileManager.default.removeItem(atPath: file)
            }
        }
        if let staging {
            do { try FileManager.default.copyItem(atPath: backup, toPath: staging) } catch {
                discard(staging)
                throw Backup.Failure.tool("copy", "\(error.localizedDescription)")
            }
        }
        let store: Store
        do { store = try Store(working, logger: logger) } catch {
            if let staging { discard(staging) } else { try? await Self.emptyPostgres(config, logger: logger) }
            throw error
        }
        var open = true
        do {
            if staging != nil {
                let verdict = try await store.sql.raw("PRAGMA integrity_check").all().map { try $0.string("integrity_check") }
                guard verdict == ["ok"] else { throw Backup.Failure.damaged(verdict.prefix(5).joined(separator: "; ")) }
            }
            // A database of its own, not the one backed up: a journal that one left is not this one's.
            try? await store.sql.raw("UPDATE data_revisions SET revision = \(bind: Int64.random(in: 1...Int64.max / 2)) WHERE name = 'identity'").run()
            let migrated = try await store.migrate()
            try await store.audit.record("khoi_phuc", entity: "database", id: nil, detail: (backup as NSString).lastPathComponent,
                                         by: try await store.operator(operatorName), on: store.sql)
            if staging != nil { try await store.sql.raw("PRAGMA wal_checkpoint(TRUNCATE)").run() }
            await store.shutdown()
            open = false
            if let staging, case .sqlite(let path) = config {
                // The whole copy, its log with it should one be left, takes the path.
                for suffix in ["-wal", ""] where FileManager.default.fileExists(atPath: staging + suffix) {
                    guard rename(staging + suffix, path + suffix) == 0 else { throw Backup.Failure.tool("rename", String(cString: strerror(errno))) }
                }
                try? FileManager.default.removeItem(atPath: staging + "-shm")
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: Store.journalPath(staging) + suffix) }
            }
            return migrated
        } catch {
            if open { await store.shutdown() }
            if let staging {
                discard(staging)
            } else {
                // PostgreSQL: the database was empty before the restore; it is emptied again so
                // that the restore can be tried again (the failure says why).
                try? await Self.emptyPostgres(config, logger: logger)
            }
            throw error
        }
    }

    /// Drops every table of the public schema (a restore that failed after `pg_restore`).
    private static func emptyPostgres(_ config: StorageConfig, logger: Logger) async throws {
        let store = try Store(config, logger: logger)
        do {
            // The tables the emptiness check counts, all in one statement (none or all go).
            let tables = try await store.sql.raw("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").all().map { try $0.string("tablename") }
            if !tables.isEmpty {
                var drop: SQLQueryString = "DROP TABLE IF EXISTS "
                for (i, table) in tables.enumerated() { drop.appendInterpolation("\(unsafeRaw: i == 0 ? "" : ", ")\(ident: table)" as SQLQueryString) }
                drop.appendInterpolation(" CASCADE" as SQLQueryString)
                try await store.sql.raw(drop).run()
            }
        } catch {
            await store.shutdown()
            throw error
        }
        await store.shutdown()
    }
}
