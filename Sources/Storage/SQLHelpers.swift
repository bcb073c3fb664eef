import FluentKit
import PovertyCore
import SQLKit

extension Store {
    /// Runs `body` in one transaction: everything or nothing.
    public func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await db.transaction { db in try await body(db as! any SQLDatabase) }
    }

    /// A transaction that writes: on SQLite it takes the write lock with its first statement,
    /// so a concurrent writer waits for it instead of failing later with a stale snapshot
    /// (a deferred transaction that reads first cannot become a writer once another has
    /// committed). PostgreSQL locks rows as it goes.
    public func writeTransaction<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let sqlite = dialect == .sqlite
        return try await transaction { db in
            if sqlite { try await db.raw("UPDATE units SET id = id WHERE 0 = 1").run() }
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

/// Errors of the storage layer, each with a Vietnamese and English message.
public enum StorageError: Error, Equatable, CustomStringConvertible {
    case unknownUnit(String)
    case duplicateUnit(String)
    case unitNotActive(String, Day)
    case kindNotAllowed(UnitKind, Day)
    case cycle(String)
    case retroactive(String, Day)
    case unknownMember(String)
    case badCitizenID(String, String)
    case corrupt(String)
    case invalid(String)
    /// A unit, household, fund entry or loan outside the caller's branch (pages answer 404).
    case outOfScope(String)

    public var description: String {
        switch self {
        case .unknownUnit(let c): "không có đơn vị mã '\(c)' / no unit with code '\(c)'"
        case .duplicateUnit(let c): "mã đơn vị '\(c)' đã có / unit code '\(c)' already exists"
        case let .unitNotActive(c, d): "đơn vị '\(c)' không hoạt động ngày \(d.vietnamese) / unit '\(c)' is not active on \(d.iso)"
        case let .kindNotAllowed(k, d): "loại '\(k.vietnamese)' không tồn tại vào ngày \(d.vietnamese) (LĐLĐ huyện kết thúc 30/06/2025; công đoàn xã/phường từ 01/07/2025) / a \(k.english) cannot exist on \(d.iso)"
        case .cycle(let c): "đặt '\(c)' dưới chính nhánh của nó tạo vòng lặp / moving '\(c)' under its own branch makes a cycle"
        case let .retroactive(c, d): "đơn vị '\(c)' đã có thay đổi sau ngày \(d.vietnamese); hãy thao tác theo thứ tự ngày / unit '\(c)' has later changes than \(d.iso); apply changes in date order"
        case .unknownMember(let c): "không có đoàn viên mã hoặc CCCD '\(c)' / no member with code or citizen ID '\(c)'"
        case let .badCitizenID(id, why): "số CCCD '\(id)' không hợp lệ: \(why) / invalid citizen ID '\(id)': \(why)"
        case .corrupt(let what): "dữ liệu hỏng / corrupt data: \(what)"
        case .invalid(let what): what
        case .outOfScope(let what): "'\(what)' không thuộc nhánh của bạn / '\(what)' is not in your branch"
        }
    }
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
