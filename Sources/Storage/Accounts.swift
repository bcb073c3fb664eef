import FluentKit
import Foundation
import PovertyCore
import SQLKit

/// What an account may do. Every role is scoped to a unit and its subtree as the tree
/// stands today (`Accounts.scope`).
public enum Role: String, CaseIterable, Sendable, Codable {
    /// Provincial administrator: users, the tree, imports, the audit log.
    case administrator = "quan_tri"
    /// Provincial officer (Policy-Law and Labour Relations Board): imports and every page of their branch.
    case provincialOfficer = "can_bo_tinh"
    /// Officer of a commune/ward or sector union.
    case branchOfficer = "can_bo_xa_nganh"
    /// Officer of a grassroots union.
    case grassrootsOfficer = "can_bo_co_so"
    /// Reads everything in their branch and the audit log; changes nothing.
    case auditor = "kiem_tra"

    /// May import and change data of their branch.
    public var mayChangeData: Bool { self != .auditor }
    /// May manage users and change the tree.
    public var mayAdminister: Bool { self == .administrator }
    /// May read the audit log.
    public var mayReadAudit: Bool { self == .administrator || self == .auditor }
}

/// A user account as the app sees it (never with its password hash).
public struct Account: Sendable, Hashable, Codable {
    public let id: Int
    public let username: String
    public let displayName: String
    public let role: Role
    public let unitID: Int
    public let active: Bool
    public let failedLogins: Int
    /// Locked until this instant (ISO 8601, UTC) after too many failed logins.
    public let lockedUntil: String?
}

/// Accounts, their sessions and API tokens. Password and token hashing is the caller's
/// (the web app uses Bcrypt and SHA-256); this stores and compares what it is given.
public struct Accounts: Sendable {
    public let store: Store
    /// Failed logins in a row that lock an account, and for how long.
    public static let lockAfter = 5
    public static let lockSeconds: TimeInterval = 15 * 60

    public enum Failure: Error, Equatable, Sendable {
        case duplicateUsername(String)
        case invalidUsername
        case unknownUnit(String)
    }

    /// Creates an account for a unit that exists today. Audited.
    @discardableResult
    public func create(username: String, displayName: String, passwordHash: String, role: Role, unitCode: String, actor: String) async throws -> Int {
        let name = username.trimmingCharacters(in: .whitespaces).lowercased()
        guard (3...40).contains(name.count), name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }) else {
            throw Failure.invalidUsername
        }
        return try await store.transaction { db in
            let history = try await store.units.history(on: db)
            guard let unit = history.unit(code: unitCode), unit.isActive(on: store.today) else { throw Failure.unknownUnit(unitCode) }
            if try await db.raw("SELECT id FROM users WHERE username = \(bind: name)").first() != nil { throw Failure.duplicateUsername(name) }
            let now = store.now()
            let id = try await db.raw("""
                INSERT INTO users (username, display_name, password_hash, role, unit_id, active, failed_logins, created_at, updated_at)
                VALUES (\(bind: name), \(bind: displayName), \(bind: passwordHash), \(bind: role.rawValue), \(bind: unit.id), 1, 0, \(bind: now), \(bind: now))
                RETURNING id
                """).first()!.int("id")
            try await store.audit.record("tao_tai_khoan", entity: "user", id: id, detail: "\(name) (\(role.rawValue), \(unitCode))", actor: actor, on: db)
            return id
        }
    }

    /// The account and its password hash, by user name.
    public func credentials(username: String) async throws -> (account: Account, passwordHash: String)? {
        let name = username.trimmingCharacters(in: .whitespaces).lowercased()
        guard let row = try await store.sql.raw("SELECT * FROM users WHERE username = \(bind: name)").first() else { return nil }
        return (try Account(row), try row.string("password_hash"))
    }

    public func find(id: Int) async throws -> Account? {
        try await store.sql.raw("SELECT * FROM users WHERE id = \(bind: id)").first().map(Account.init)
    }

    /// Every account, by user name.
    public func all() async throws -> [Account] {
        try await store.sql.raw("SELECT * FROM users ORDER BY username").all().map(Account.init)
    }

    /// Whether the account is locked now.
    public func isLocked(_ account: Account) -> Bool {
        guard let until = account.lockedUntil else { return false }
        return until > store.now()
    }

    /// Records a failed login (audited); locks the account after `lockAfter` in a row. Returns whether it is locked now.
    @discardableResult
    public func loginFailed(_ account: Account, from address: String) async throws -> Bool {
        try await store.transaction { db in
            let failures = account.failedLogins + 1
            let locks = failures >= Accounts.lockAfter
            let until = locks ? Store.timestamp(store.clock().addingTimeInterval(Accounts.lockSeconds)) : nil
            try await db.raw("""
                UPDATE users SET failed_logins = \(bind: locks ? 0 : failures), locked_until = COALESCE(\(bind: until), locked_until)
                WHERE id = \(bind: account.id)
                """).run()
            try await store.audit.record(locks ? "khoa_tai_khoan" : "dang_nhap_sai", entity: "user", id: account.id,
                                         detail: "\(account.username) từ \(address)\(locks ? ", khoá đến \(until!)" : "")", actor: account.username, on: db)
            return locks
        }
    }

    /// Records a login attempt for a user name that does not exist (audited).
    public func unknownLogin(username: String, from address: String) async throws {
        try await store.transaction { db in
            try await store.audit.record("dang_nhap_sai", entity: "user", id: nil, detail: "không có tài khoản '\(username.prefix(60))' từ \(address)",
                                         actor: "?", on: db)
        }
    }

    /// Opens a session after a good password: resets the failure count, audited.
    public func openSession(_ account: Account, tokenHash: String, csrfToken: String, lifetime: TimeInterval, from address: String) async throws {
        try await store.transaction { db in
            let now = store.now()
            try await db.raw("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = \(bind: account.id)").run()
            try await db.raw("DELETE FROM sessions WHERE expires_at < \(bind: now)").run()
            try await db.raw("""
                INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at)
                VALUES (\(bind: tokenHash), \(bind: account.id), \(bind: csrfToken), \(bind: now),
                        \(bind: Store.timestamp(store.clock().addingTimeInterval(lifetime))))
                """).run()
            try await store.audit.record("dang_nhap", entity: "user", id: account.id, detail: "\(account.username) từ \(address)", actor: account.username, on: db)
        }
    }

    /// The active account of a live session, with the session's CSRF token.
    public func session(tokenHash: String) async throws -> (account: Account, csrfToken: String)? {
        guard let row = try await store.sql.raw("""
            SELECT u.*, s.csrf_token FROM sessions s JOIN users u ON u.id = s.user_id
            WHERE s.token_hash = \(bind: tokenHash) AND s.expires_at > \(bind: store.now()) AND u.active = 1
            """).first() else { return nil }
        return (try Account(row), try row.string("csrf_token"))
    }

    public func closeSession(tokenHash: String, account: Account) async throws {
        try await store.transaction { db in
            try await db.raw("DELETE FROM sessions WHERE token_hash = \(bind: tokenHash)").run()
            try await store.audit.record("dang_xuat", entity: "user", id: account.id, detail: account.username, actor: account.username, on: db)
        }
    }

    /// Sets a new password hash and closes the account's other sessions. Audited (without the hash).
    public func setPassword(_ account: Account, hash: String, keepSession tokenHash: String?, actor: String) async throws {
        try await store.transaction { db in
            try await db.raw("UPDATE users SET password_hash = \(bind: hash), updated_at = \(bind: store.now()) WHERE id = \(bind: account.id)").run()
            try await db.raw("DELETE FROM sessions WHERE user_id = \(bind: account.id) AND token_hash <> \(bind: tokenHash ?? "")").run()
            try await store.audit.record("doi_mat_khau", entity: "user", id: account.id, detail: account.username, actor: actor, on: db)
        }
    }

    /// Enables or disables an account; disabling closes its sessions and tokens. Audited.
    public func setActive(_ account: Account, _ active: Bool, actor: String) async throws {
        try await store.transaction { db in
            try await db.raw("UPDATE users SET active = \(bind: active ? 1 : 0), updated_at = \(bind: store.now()) WHERE id = \(bind: account.id)").run()
            if !active {
                try await db.raw("DELETE FROM sessions WHERE user_id = \(bind: account.id)").run()
                try await db.raw("DELETE FROM api_tokens WHERE user_id = \(bind: account.id)").run()
            }
            try await store.audit.record(active ? "mo_tai_khoan" : "khoa_tai_khoan", entity: "user", id: account.id, detail: account.username, actor: actor, on: db)
        }
    }

    /// Stores an API token's hash for an account. Audited.
    public func createToken(_ account: Account, tokenHash: String, name: String, lifetime: TimeInterval) async throws {
        try await store.transaction { db in
            try await db.raw("""
                INSERT INTO api_tokens (token_hash, user_id, name, created_at, expires_at)
                VALUES (\(bind: tokenHash), \(bind: account.id), \(bind: name), \(bind: store.now()),
                        \(bind: Store.timestamp(store.clock().addingTimeInterval(lifetime))))
                """).run()
            try await store.audit.record("tao_token_api", entity: "user", id: account.id, detail: name, actor: account.username, on: db)
        }
    }

    /// The active account of a live API token.
    public func account(tokenHash: String) async throws -> Account? {
        try await store.sql.raw("""
            SELECT u.* FROM api_tokens t JOIN users u ON u.id = t.user_id
            WHERE t.token_hash = \(bind: tokenHash) AND t.expires_at > \(bind: store.now()) AND u.active = 1
            """).first().map(Account.init)
    }
}

extension Account {
    init(_ row: any SQLRow) throws {
        let roleText = try row.string("role")
        guard let role = Role(rawValue: roleText) else { throw StorageError.corrupt("users.role = \(roleText)") }
        self.init(id: try row.int("id"), username: try row.string("username"), displayName: try row.string("display_name"), role: role,
                  unitID: try row.int("unit_id"), active: try row.int("active") != 0, failedLogins: try row.int("failed_logins"),
                  lockedUntil: try row.optionalString("locked_until"))
    }
}

extension Store {
    public var accounts: Accounts { Accounts(store: self) }
    /// Today's date by the store's clock, in Vietnam (UTC+7): an officer at 06:30 on 1 July
    /// is on 1 July, not on 30 June.
    public var today: Day {
        let c = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(secondsFromGMT: 7 * 3600)!, from: clock())
        return Day(year: c.year!, month: c.month!, day: c.day!)!
    }
}
