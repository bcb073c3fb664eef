import Foundation
import Testing

/// `giamngheo backup` while the database is being written, then `giamngheo restore` into a new
/// database: the same report, the kept counts clean, on SQLite and (when the tests have a
/// server) PostgreSQL.
@Suite("giamngheo backup and restore", .serialized)
struct BackupCLITests {
    /// Runs `body` with two fresh databases of the kind asked for: the source and the restore target.
    static func databases(postgres: Bool, _ body: ([String: String], [String: String]) throws -> Void) throws {
        if postgres {
            guard let admin = ProcessInfo.processInfo.environment["GIAMNGHEO_TEST_POSTGRES_URL"], !admin.isEmpty else { return }
            let names = ["b_" + UUID().uuidString.prefix(8).lowercased(), "r_" + UUID().uuidString.prefix(8).lowercased()]
            func psql(_ sql: String) throws {
                let p = Process()
                p.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
                p.arguments = [admin, "-q", "-c", sql]
                p.standardOutput = FileHandle.nullDevice
                try p.run()
                p.waitUntilExit()
            }
            for n in names { try psql("CREATE DATABASE \(n)") }
            defer { for n in names { try? psql("DROP DATABASE IF EXISTS \(n) WITH (FORCE)") } }
            let url = { (n: String) in admin.replacingOccurrences(of: #"/[^/?]*(\?|$)"#, with: "/\(n)$1", options: .regularExpression) }
            try body(["DATABASE_URL": url(names[0])], ["DATABASE_URL": url(names[1])])
        } else {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("giamngheo-backup-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            try body(["SQLITE_PATH": dir.appendingPathComponent("a.sqlite").path], ["SQLITE_PATH": dir.appendingPathComponent("b.sqlite").path])
        }
    }

    /// Runs the command line on the database `env` names.
    static func run(_ args: [String], _ env: [String: String]) throws -> CLI.Result {
        try CLI.run(args, env: env)
    }

    /// One SQL statement on the database `env` names (psql; for SQLite, Python's sqlite3),
    /// its rows as `a|b` lines.
    static func sql(_ statement: String, _ env: [String: String]) throws -> String {
        let p = Process(), out = Pipe()
        if let url = env["DATABASE_URL"] {
            p.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
            p.arguments = [url, "-qAt", "-c", statement]
        } else {
            p.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
            p.arguments = ["-c", """
                import sqlite3, sys
                c = sqlite3.connect(sys.argv[1]); rows = c.execute(sys.argv[2]).fetchall(); c.commit()
                print("\\n".join("|".join(map(str, r)) for r in rows))
                """, env["SQLITE_PATH"] ?? "", statement]
        }
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A new version backs up before it upgrades: `backup` copies the database as it is and
    /// runs no migration (before: every command migrated first, the backup of the old schema
    /// was lost to it); the copy, restored by the new version, is migrated then. The source is
    /// put back to the schema before version 22 (its indexes dropped, its record and the later
    /// one's removed).
    @Test(arguments: [false, true])
    func backupRunsNoMigrationAndRestoreMigratesTheOlderSchema(postgres: Bool) throws {
        try Self.databases(postgres: postgres) { source, target in
            #expect(try Self.run(["migrate"], source).status == 0)
            let record = "SELECT count(*) FROM _fluent_migrations WHERE name = 'v022_daily_indexes'"
            let index = postgres ? "SELECT count(*) FROM pg_indexes WHERE indexname = 'audit_log_actor_time'"
                                 : "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'audit_log_actor_time'"
            #expect(try Self.sql(record, source) == "1" && Self.sql(index, source) == "1")
            for statement in ["DROP INDEX IF EXISTS households_sort_c", "DROP INDEX campaign_proposals_sums", "DROP INDEX fund_entries_ledger_amounts",
                              "DROP INDEX audit_log_entity_time", "DROP INDEX audit_log_action_time", "DROP INDEX audit_log_actor_time",
                              "DELETE FROM _fluent_migrations WHERE name IN ('v022_daily_indexes', 'v023_english_names')"] {
                _ = try Self.sql(statement, source)
            }
            #expect(try Self.sql(record, source) == "0" && Self.sql(index, source) == "0")
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("giamngheo-bk-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            let backup = dir.appendingPathComponent("cu.bak").path
            let taken = try Self.run(["backup", backup], source)
            #expect(taken.status == 0, "\(taken.err)")
            #expect(!taken.err.contains("migrat"), "\(taken.err)")
            #expect(try Self.sql(record, source) == "0" && Self.sql(index, source) == "0")
            // The older copy restored by this version comes back on the current schema.
            let restored = try Self.run(["restore", backup], target)
            #expect(restored.status == 0, "\(restored.err)")
            #expect(try Self.sql(record, target) == "1" && Self.sql(index, target) == "1")
        }
    }

    @Test(arguments: [false, true])
    func backupWhileWritingThenRestore(postgres: Bool) throws {
        try Self.databases(postgres: postgres) { source, target in
            #expect(try Self.run(["demo", "--households", "300"], source).status == 0)
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("giamngheo-bk-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            let backup = dir.appendingPathComponent("sao-luu.bak").path
            // Writers keep going while the backup is taken.
            let writer = Thread {
                for i in 0..<6 {
                    _ = try? Self.run(["fund", "contribute", "--fund", "xa_hoi", "--unit", "LDLD-NB", "--date", "02/01/2026",
                                       "--amount", "\(100_000 + i)", "--contributor", "Ủng hộ \(i)"], source)
                }
            }
            writer.start()
            let taken = try Self.run(["backup", backup], source)
            #expect(taken.status == 0, "\(taken.err)")
            // The copy of every household's data is its owner's alone.
            #expect((try FileManager.default.attributesOfItem(atPath: backup)[.posixPermissions] as? Int) == 0o600)
            while !writer.isFinished { Thread.sleep(forTimeInterval: 0.1) }
            // A second backup to the same name is refused: nothing is overwritten.
            #expect(try Self.run(["backup", backup], source).status != 0)

            if let path = target["SQLITE_PATH"] {
                // A write-ahead log beside the target (a running server's, or a lost database's) would be
                // replayed onto the copy: refused, nothing written.
                #expect(FileManager.default.createFile(atPath: path + "-wal", contents: Data("not ours".utf8)))
                let refused = try Self.run(["restore", backup], target)
                #expect(refused.status == 65 && refused.err.contains("-wal"), "\(refused.err)")
                #expect(!FileManager.default.fileExists(atPath: path))
                try FileManager.default.removeItem(atPath: path + "-wal")
                // A copy cut short (half the file, as on a full disk) fails its check under a name of
                // its own: nothing is left where the server would open it, and the restore can be tried again.
                let whole = try Data(contentsOf: URL(fileURLWithPath: backup))
                let cut = dir.appendingPathComponent("cat-ngang.bak").path
                #expect(FileManager.default.createFile(atPath: cut, contents: whole.prefix(whole.count / 2)))
                let damaged = try Self.run(["restore", cut], target)
                #expect(damaged.status != 0, "\(damaged.out)")
                let folder = (path as NSString).deletingLastPathComponent
                let left = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix("b.sqlite") }
                #expect(left.isEmpty, "\(left)")
            }
            // Nothing but the backup itself beside it: no part written under another name is left.
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".") }.isEmpty)
            let restored = try Self.run(["restore", backup], target)
            #expect(restored.status == 0, "\(restored.err)")
            #expect(try Self.run(["restore", backup], target).status == 65)   // not into a database with data
            #expect(try Self.run(["check-rollups"], target).status == 0)
            // The poverty tables (not touched by the writers) are the same, byte for byte.
            let a = dir.appendingPathComponent("a.csv").path, b = dir.appendingPathComponent("b.csv").path
            #expect(try Self.run(["report", "tables", "--year", "2025", "--format", "csv", "-o", a], source).status == 0)
            #expect(try Self.run(["report", "tables", "--year", "2025", "--format", "csv", "-o", b], target).status == 0)
            #expect(try Data(contentsOf: URL(fileURLWithPath: a)) == Data(contentsOf: URL(fileURLWithPath: b)))
        }
    }
}
