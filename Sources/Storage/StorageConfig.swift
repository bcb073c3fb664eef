import Foundation

/// Where the data lives: an SQLite file (the default) or PostgreSQL.
public enum StorageConfig: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(url: String)

    public enum Error: Swift.Error, CustomStringConvertible, Equatable {
        case badDatabaseURL(String)
        public var description: String {
            switch self {
            case .badDatabaseURL(let why):
                "DATABASE_URL không hợp lệ: \(why) (dạng postgres://người_dùng:mật_khẩu@máy:cổng/tên_csdl) / invalid DATABASE_URL: \(why) (expected postgres://user:password@host:port/database)"
            }
        }
    }

    /// `DATABASE_URL` (PostgreSQL) when set, else `SQLITE_PATH` (default `giamngheo.sqlite`).
    /// Refuses a malformed `DATABASE_URL` rather than falling back.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> StorageConfig {
        if let url = env["DATABASE_URL"], !url.isEmpty {
            try validatePostgresURL(url)
            return .postgres(url: url)
        }
        return .sqlite(path: env["SQLITE_PATH"].flatMap { $0.isEmpty ? nil : $0 } ?? "giamngheo.sqlite")
    }

    static func validatePostgresURL(_ url: String) throws {
        guard let components = URLComponents(string: url) else { throw Error.badDatabaseURL("không đọc được / unparseable") }
        guard let scheme = components.scheme, ["postgres", "postgresql"].contains(scheme) else {
            throw Error.badDatabaseURL("phải bắt đầu bằng postgres:// / must start with postgres://")
        }
        guard let host = components.host, !host.isEmpty else { throw Error.badDatabaseURL("thiếu tên máy / no host") }
        guard components.path.count > 1 else { throw Error.badDatabaseURL("thiếu tên cơ sở dữ liệu / no database name") }
    }

    public var description: String {
        switch self {
        case .sqlite(let path): return "SQLite \(path)"
        case .postgres(let url):
            // Never print the password.
            if var c = URLComponents(string: url) { if c.password != nil { c.password = "***" }; return "PostgreSQL \(c.string ?? "")" }
            return "PostgreSQL"
        }
    }
}
