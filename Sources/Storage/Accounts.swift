import FluentKit
import Foundation
import NIOConcurrencyHelpers
import PovertyCore
import SQLKit

/// What an account may do. Every role is scoped to a unit and its subtree as the tree
/// stands today (see `Actor`); what each role may do is `AccessRules.table`.
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
}

/// A user account as the app sees it (never with its password hash).
public struct Account: Sendable, Hashable, Codable {
    public let id: Int
    public let username: String
    public let displayName: String
    public let role: Role
    public let unitID: Int
    public let active: Bool
    /// The password the account was read with (sign-in, a session's request): a session or an
    /// API token is opened only while it is still the account's. Never encoded nor shown.
    var credential: Credential? = nil

    private enum CodingKeys: String, CodingKey { case id, username, displayName, role, unitID, active }
}

/// An account's password hash as it was when the account was read (`Account.credential`).
struct Credential: Sendable, Hashable, CustomStringConvertible {
    let hash: String
    var description: String { "Credential(…)" }
}

/// An account to create.
public struct NewAccount: Sendable {
    public var username: String
    public var displayName: String
    public var password: String
    public var role: Role
    public var unitCode: String
    public init(username: String, displayName: String, password: String, role: Role, unitCode: String) {
        self.username = username; self.displayName = displayName; self.password = password; self.role = role; self.unitCode = unitCode
    }
}

/// An API token as its owner and administrators see it (never the token itself).
public struct APIToken: Sendable, Hashable, Codable {
    public let id: Int
    public let accountID: Int
    public let name: String
    public let createdAt: String
    public let expiresAt: String
}

/// Hashes and checks passwords; the web app gives its Bcrypt.
public protocol PasswordHashing: Sendable {
    func hash(_ password: String) async throws -> String
    func verify(_ password: String, against hash: String) async throws -> Bool
}

/// The password rule, once: long enough to resist guessing, short enough to hash, not the user name.
public enum PasswordPolicy {
    public static let minimumLength = 10
    /// In bytes of UTF-8 as well as in letters: bcrypt reads only the first 72 bytes, so a
    /// longer password would be checked on its start alone.
    public static let maximumLength = 72

    /// Why a password is refused; nil when it is acceptable.
    public static func problem(_ password: String, username: String) -> AccountRefusal? {
        if password.count < minimumLength { return .passwordTooShort(minimumLength) }
        if password.utf8.count > maximumLength { return .passwordTooLong(maximumLength) }
        if password.lowercased() == username.lowercased() { return .passwordIsUsername }
        return nil
    }
}

/// Why an account operation was refused.
public enum AccountRefusal: Refusal, Equatable, Sendable {
    case duplicateUsername(String)
    case invalidUsername
    case noDisplayName
    case unknownUnit(String)
    case passwordTooShort(Int)
    case passwordTooLong(Int)
    case passwordIsUsername
    case wrongPassword
    case notYourself
    /// A role only an administrator of the whole province gives (administrator, provincial officer).
    case roleForProvince(Role)
    /// An account of such a role: only an administrator of the whole province changes it.
    case accountForProvince(Role)
    /// Too many wrong current passwords in a row: wait this many seconds.
    case throttled(seconds: Int)
    /// The account's password was changed or reset (or the account disabled) while this sign-in
    /// or change was under way: sign in again.
    case passwordChangedMeanwhile

    /// What was wrong, in the catalogues' words.
    public var message: Message {
        switch self {
        case .duplicateUsername(let n): Message("users.duplicate", .text(n))
        case .invalidUsername: Message("users.bad_username")
        case .noDisplayName: Message("users.no_name")
        case .unknownUnit(let c): Message("users.bad_unit", .text(c))
        case .passwordTooShort(let n): Message("password.too_short", .number(n))
        case .passwordTooLong(let n): Message("password.too_long", .number(n))
        case .passwordIsUsername: Message("password.is_username")
        case .wrongPassword: Message("password.wrong_current")
        case .notYourself: Message("users.not_self")
        case .roleForProvince(let r): Message("users.role_for_province", .key("role." + r.rawValue))
        case .accountForProvince(let r): Message("users.account_for_province", .key("role." + r.rawValue))
        case .throttled(let seconds): Message("password.throttled", .number(max(1, (seconds + 59) / 60)))
        case .passwordChangedMeanwhile: Message("password.changed_meanwhile")
        }
    }
}

/// The outcome of a sign-in.
public enum SignIn: Sendable, Equatable {
    case accepted(Account)
    /// Wrong name or password: the same answer whether or not the name exists.
    case refused
    /// Too many failures for this name from this address: wait this many seconds. The same for
    /// existing and unknown names; another address (the owner's) is not held up.
    case throttled(seconds: Int)
}

/// Accounts, their sessions and API tokens, and sign-in with its throttle. Token hashing is
/// the caller's (SHA-256 in the web app); passwords are hashed with the store's `PasswordHashing`.
public struct Accounts: Sendable {
    let store: Store

    /// Failures in a row for one name from one address before each further attempt waits.
    public static let freeFailures = 5
    /// The longest wait between attempts (it doubles from thirty seconds).
    public static let longestWait = 15 * 60

    func hasher() throws -> any PasswordHashing {
        guard let h = store.passwords else { throw StorageError.invalid(Message("refusal.account.password_hasher_configured")) }
        return h
    }

    // MARK: sign-in (no actor yet)

    /// Checks a user name and password from a client address. An unknown name costs the same
    /// hashing as a known one and gets the same answer; failures are counted per name and
    /// address (so a stranger elsewhere cannot hold the owner up) and each failure beyond
    /// `freeFailures` doubles the wait (`wait(after:)`). Every failure is audited.
    public func signIn(username: String, password: String, from address: String, channel: Actor.Channel) async throws -> SignIn {
        let name = Self.normalise(username)
        let key = String(name.prefix(60)) + "|" + String(address.prefix(60))
        if let left = try await takeAttempt(key) {
            try await store.sessionTransaction { db in
                try await store.audit.record("dang_nhap_bi_han_che", entity: "user", id: nil,
                                             detail: "'\(name.prefix(60))' từ \(address): chờ \(left) giây", name: "?", channel: channel.rawValue, on: db)
            }
            return .throttled(seconds: left)
        }
        let hasher = try hasher()
        let found = try await store.sql.raw("SELECT * FROM users WHERE username = \(bind: name)").first()
        let account = try found.map(Account.init)
        let hash: String
        if let found { hash = try found.string("password_hash") } else { hash = try await dummyHash(hasher) }
        let good = try await hasher.verify(password, against: hash)
        if let account, account.active, good {
            try await clearFailures(key)
            return .accepted(account)
        }
        // The attempt was counted as a failure when it was taken.
        try await store.sessionTransaction { db in
            try await store.audit.record("dang_nhap_sai", entity: "user", id: account?.id, detail: "'\(name.prefix(60))' từ \(address)",
                                         name: "?", channel: channel.rawValue, on: db)
        }
        return .refused
    }

    /// Takes one attempt for `key`: nil when it may go on — it is then already counted as a
    /// failure, and a success clears the count (`clearFailures`) — or the seconds still to wait.
    /// The count is read and raised in one step (the update holds only if nobody raised it in
    /// between), so attempts sent together cannot all pass on one reading: each one that goes
    /// on has raised the count, and the one that reaches the limit makes the rest wait.
    private func takeAttempt(_ key: String) async throws -> Int? {
        for _ in 0..<8 {
            let now = store.now()
            let taken: (any SQLRow)?
            if let row = try await store.sessionSQL.raw("SELECT failures, last_failed_at FROM login_throttle WHERE key = \(bind: key)").first() {
                let failures = try row.int("failures")
                if failures >= Self.freeFailures {
                    guard let last = Clock.parse(try row.string("last_failed_at")) else {
                        throw StorageError.corrupt("login_throttle.last_failed_at")
                    }
                    let left = Int(last.addingTimeInterval(TimeInterval(Self.wait(after: failures))).timeIntervalSince(store.clock.now()).rounded(.up))
                    if left > 0 { return left }
                }
                taken = try await store.sessionTransaction { db in
                    try await db.raw("""
                        UPDATE login_throttle SET failures = failures + 1, last_failed_at = \(bind: now)
                        WHERE key = \(bind: key) AND failures = \(bind: failures) RETURNING failures
                        """).first()
                }
            } else {
                taken = try await store.sessionTransaction { db in
                    try await db.raw("""
                        INSERT INTO login_throttle (key, failures, last_failed_at) VALUES (\(bind: key), 1, \(bind: now))
                        ON CONFLICT (key) DO NOTHING RETURNING failures
                        """).first()
                }
            }
            if taken != nil { return nil }
            // Another attempt raised the count between the reading and the update: read it again.
        }
        // Still raced after eight readings: many attempts at once for one key — hold this one up.
        return Self.wait(after: Self.freeFailures)
    }

    /// Clears the failures counted for `key` (after a right password).
    private func clearFailures(_ key: String) async throws {
        try await store.sessionTransaction { db in try await db.raw("DELETE FROM login_throttle WHERE key = \(bind: key)").run() }
    }

    /// Seconds to wait after `failures` failures in a row: none for the first few, then 30 s,
    /// 1 min, 2 min… up to `longestWait` (a guesser gets a few dozen tries an hour per name).
    public static func wait(after failures: Int) -> Int {
        guard failures >= freeFailures else { return 0 }
        return min(longestWait, 30 << min(failures - freeFailures, 20))
    }

    private static let dummy = NIOLockedValueBox<String?>(nil)
    private func dummyHash(_ hasher: any PasswordHashing) async throws -> String {
        if let h = Self.dummy.withLockedValue({ $0 }) { return h }
        let h = try await hasher.hash(UUID().uuidString)
        Self.dummy.withLockedValue { $0 = h }
        return h
    }

    public static func normalise(_ username: String) -> String { username.trimmingCharacters(in: .whitespaces).lowercased() }

    /// Opens a session after an accepted sign-in. Audited. Refused (`passwordChangedMeanwhile`)
    /// when the account's password was changed or reset after the sign-in read it: the
    /// session would otherwise outlive the password it was opened with.
    public func openSession(_ account: Account, tokenHash: String, csrfToken: String, lifetime: TimeInterval, from address: String) async throws {
        try await store.sessionTransaction { db in
            // PostgreSQL: the sessions are in the database, checked under a share lock of the
            // account's row, taken first (as a change of password takes the row, then its
            // sessions) — a change of password either waits for this session (and removes it)
            // or is seen here.
            if store.dialect == .postgres { try await requireCredential(of: account.id, account.credential, on: db, lock: true) }
            let now = store.now()
            try await db.raw("DELETE FROM sessions WHERE expires_at < \(bind: now)").run()
            try await db.raw("""
                INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at)
                VALUES (\(bind: tokenHash), \(bind: account.id), \(bind: csrfToken), \(bind: now),
                        \(bind: Store.timestamp(store.clock.now().addingTimeInterval(lifetime))))
                """).run()
            try await store.audit.record("dang_nhap", entity: "user", id: account.id, detail: "\(account.username) từ \(address)",
                                         name: account.username, channel: Actor.Channel.web.rawValue, on: db)
        }
        // SQLite: the sessions are in the journal. A change of password writes the account, then
        // removes its sessions from the journal: read after this session was written, the
        // account either shows the change or the change's removal comes after this session.
        if store.dialect == .sqlite {
            do {
                try await requireCredential(of: account.id, account.credential, on: store.sql, lock: false)
            } catch {
                // The session goes, and the log says so after its sign-in.
                try await store.sessionTransaction { db in
                    try await db.raw("DELETE FROM sessions WHERE token_hash = \(bind: tokenHash)").run()
                    try await store.audit.record("dang_nhap_huy", entity: "user", id: account.id, detail: "\(account.username) từ \(address): mật khẩu vừa đổi",
                                                 name: account.username, channel: Actor.Channel.web.rawValue, on: db)
                }
                throw error
            }
        }
    }

    /// Refuses when the account's password is no longer `credential` (changed or reset since it
    /// was read) or the account is disabled. Nothing to compare (an account not read with its
    /// password, such as the operator's): nothing refused.
    private func requireCredential(of id: Int, _ credential: Credential?, on db: any SQLDatabase, lock: Bool) async throws {
        guard let credential else { return }
        let row = try await db.raw("SELECT password_hash, active FROM users WHERE id = \(bind: id)\(unsafeRaw: lock ? " FOR SHARE" : "")").first()
        guard let row, try row.string("password_hash") == credential.hash, try row.int("active") != 0 else {
            throw AccountRefusal.passwordChangedMeanwhile
        }
    }

    /// The active account of a live session, with the session's CSRF token.
    public func session(tokenHash: String) async throws -> (account: Account, csrfToken: String)? {
        // Two reads: on SQLite the sessions are in the journal, the accounts in the database. A
        // session opened before the account's `sessions_from` (a password changed or reset, the
        // account disabled) is over, even where removing it did not happen.
        guard let session = try await store.sessionSQL.raw("""
            SELECT user_id, csrf_token, created_at FROM sessions WHERE token_hash = \(bind: tokenHash) AND expires_at > \(bind: store.now())
            """).first(),
              let user = try await store.sql.raw("SELECT * FROM users WHERE id = \(bind: try session.int("user_id")) AND active = 1").first()
        else { return nil }
        if let from = try user.optionalString("sessions_from"), try session.string("created_at") < from { return nil }
        return (try Account(user), try session.string("csrf_token"))
    }

    /// The active account of a live API token.
    public func account(tokenHash: String) async throws -> Account? {
        try await store.sql.raw("""
            SELECT u.* FROM api_tokens t JOIN users u ON u.id = t.user_id
            WHERE t.token_hash = \(bind: tokenHash) AND t.expires_at > \(bind: store.now()) AND u.active = 1
              AND (u.sessions_from IS NULL OR t.created_at >= u.sessions_from)
            """).first().map(Account.init)
    }

    /// Ends the actor's session. Audited.
    public func closeSession(_ actor: Actor, tokenHash: String) async throws {
        try await store.sessionTransaction { db in
            try await db.raw("DELETE FROM sessions WHERE token_hash = \(bind: tokenHash)").run()
            try await store.audit.record("dang_xuat", entity: "user", id: actor.accountID, detail: actor.name, by: actor, on: db)
        }
    }

    // MARK: the actor's own account

    /// Changes the actor's own password after checking the current one; closes every other
    /// session and revokes every API token of the account (a stolen token dies with the old
    /// password). Audited (without the hash).
    public func changePassword(_ actor: Actor, current: String, new: String, keepSession tokenHash: String?) async throws {
        try actor.require(.ownAccount)
        guard let id = actor.accountID else { throw StorageError.forbidden(.ownAccount) }
        // Wrong current passwords are counted per session, as failed sign-ins are per name and
        // address: a stolen session cannot guess the password at leisure, and cannot hold up the
        // owner changing it from another. Each one is audited, and so is each attempt held up.
        let key = "password-change #\(id) " + String((tokenHash ?? actor.channel.rawValue).prefix(80))
        if let left = try await takeAttempt(key) {
            try await store.sessionTransaction { db in
                try await store.audit.record("doi_mat_khau_bi_han_che", entity: "user", id: id, detail: "\(actor.name): chờ \(left) giây", by: actor, on: db)
            }
            throw AccountRefusal.throttled(seconds: left)
        }
        let hasher = try hasher()
        guard let row = try await store.sql.raw("SELECT password_hash FROM users WHERE id = \(bind: id)").first() else {
            throw StorageError.notFound(.account, String(id))
        }
        let verified = try row.string("password_hash")
        guard try await hasher.verify(current, against: verified) else {
            // The attempt was counted as a failure when it was taken.
            try await store.sessionTransaction { db in
                try await store.audit.record("doi_mat_khau_sai", entity: "user", id: id, detail: actor.name, by: actor, on: db)
            }
            throw AccountRefusal.wrongPassword
        }
        try await clearFailures(key)
        if let problem = PasswordPolicy.problem(new, username: actor.name) { throw problem }
        let hash = try await hasher.hash(new)
        try await store.writeTransaction { db in
            // Only over the password just checked: a reset in between is not overwritten.
            try await setPassword(id, hash: hash, keepSession: tokenHash, replacing: verified, db: db)
            try await store.audit.record("doi_mat_khau", entity: "user", id: id, detail: actor.name, by: actor, on: db)
        }
        try await store.closeJournalSessions(of: id, except: tokenHash)
    }

    /// Sets the password and ends the account's other sessions and its tokens; with `replacing`,
    /// only if the password is still that one (else `passwordChangedMeanwhile`, nothing written).
    private func setPassword(_ id: Int, hash: String, keepSession tokenHash: String?, replacing old: String? = nil, db: any SQLDatabase) async throws {
        let now = store.now()
        let changed = try await db.raw("""
            UPDATE users SET password_hash = \(bind: hash), updated_at = \(bind: now), sessions_from = \(bind: now)
            WHERE id = \(bind: id) AND (\(bind: old == nil ? 1 : 0) = 1 OR password_hash = \(bind: old ?? "")) RETURNING id
            """).first()
        guard changed != nil else { throw AccountRefusal.passwordChangedMeanwhile }
        try await db.raw("DELETE FROM sessions WHERE user_id = \(bind: id) AND token_hash <> \(bind: tokenHash ?? "")").run()
        if let tokenHash { try await db.raw("UPDATE sessions SET created_at = \(bind: now) WHERE token_hash = \(bind: tokenHash)").run() }
        try await db.raw("DELETE FROM api_tokens WHERE user_id = \(bind: id)").run()
    }

    /// Stores a new API token's hash for the actor's own account. Audited.
    public func createToken(_ actor: Actor, tokenHash: String, name: String, lifetime: TimeInterval) async throws {
        try actor.require(.ownAccount)
        guard let id = actor.accountID else { throw StorageError.forbidden(.ownAccount) }
        let label = String(name.trimmingCharacters(in: .whitespaces).prefix(80))
        try await store.writeTransaction { db in
            // The password the actor signed in with is still the account's (a reset meanwhile
            // would otherwise leave a token made with the old one alive for its whole life).
            try await requireCredential(of: id, actor.credential, on: db, lock: store.dialect == .postgres)
            try await db.raw("""
                INSERT INTO api_tokens (token_hash, user_id, name, created_at, expires_at)
                VALUES (\(bind: tokenHash), \(bind: id), \(bind: label.isEmpty ? "api" : label), \(bind: store.now()),
                        \(bind: Store.timestamp(store.clock.now().addingTimeInterval(lifetime))))
                """).run()
            try await store.audit.record("tao_token_api", entity: "user", id: id, detail: label, by: actor, on: db)
        }
    }

    /// Live API tokens of an account: the actor's own, or (administrators) of an account of their branch.
    public func tokens(_ actor: Actor, of accountID: Int? = nil) async throws -> [APIToken] {
        let owner = try await tokenOwner(actor, accountID)
        return try await store.sql.raw("""
            SELECT id, user_id, name, created_at, expires_at FROM api_tokens WHERE user_id = \(bind: owner) AND expires_at > \(bind: store.now())
            ORDER BY id
            """).all().map {
            APIToken(id: try $0.int("id"), accountID: try $0.int("user_id"), name: try $0.string("name"), createdAt: try $0.string("created_at"),
                     expiresAt: try $0.string("expires_at"))
        }
    }

    /// Revokes one API token: the actor's own, or (administrators) one of an account of their branch. Audited.
    public func revokeToken(_ actor: Actor, id tokenID: Int) async throws {
        guard let row = try await store.sql.raw("SELECT user_id FROM api_tokens WHERE id = \(bind: tokenID)").first() else {
            throw StorageError.notFound(.token, String(tokenID))
        }
        // Another account's token, to one who may not manage accounts, is as unknown as one that does not exist.
        let owner: Int
        do { owner = try await tokenOwner(actor, try row.int("user_id"), changing: true) } catch StorageError.forbidden {
            throw StorageError.notFound(.token, String(tokenID))
        }
        try await store.writeTransaction { db in
            try await db.raw("DELETE FROM api_tokens WHERE id = \(bind: tokenID) AND user_id = \(bind: owner)").run()
            try await store.audit.record("thu_hoi_token_api", entity: "user", id: owner, detail: "#\(tokenID)", by: actor, on: db)
        }
    }

    /// The account whose tokens `actor` asks about: their own (any role), or one of their branch (administrators).
    private func tokenOwner(_ actor: Actor, _ accountID: Int?, changing: Bool = false) async throws -> Int {
        if accountID == nil || accountID == actor.accountID {
            try actor.require(.ownAccount)
            guard let own = actor.accountID else { throw StorageError.forbidden(.ownAccount) }
            return own
        }
        guard let accountID else { throw StorageError.notFound(.account, "?") }
        return try await managed(actor, accountID, changing: changing).id
    }

    // MARK: administration

    /// Creates an account for a unit of the administrator's branch that exists today. Audited.
    @discardableResult
    public func create(_ actor: Actor, _ new: NewAccount) async throws -> Int {
        try actor.require(.manageAccounts)
        if let first = try await problems(actor, new).first { throw first }
        let name = Self.normalise(new.username)
        let display = new.displayName.trimmingCharacters(in: .whitespaces)
        let code = new.unitCode.trimmingCharacters(in: .whitespaces)
        let unit = try await standingUnit(actor, code)
        let hash = try await hasher().hash(new.password)
        return try await store.writeTransaction { db in
            if try await db.raw("SELECT id FROM users WHERE username = \(bind: name)").first() != nil { throw AccountRefusal.duplicateUsername(name) }
            let now = store.now()
            guard let id = try await db.raw("""
                INSERT INTO users (username, display_name, password_hash, role, unit_id, active, failed_logins, created_at, updated_at)
                VALUES (\(bind: name), \(bind: display), \(bind: hash), \(bind: new.role.rawValue), \(bind: unit.id), 1, 0, \(bind: now), \(bind: now))
                RETURNING id
                """).first()?.int("id") else { throw StorageError.corrupt("users: no id returned") }
            try await store.audit.record("tao_tai_khoan", entity: "user", id: id, detail: "\(name) (\(new.role.rawValue), \(code))", by: actor, on: db)
            return id
        }
    }

    /// Everything wrong with a new account, in the form's order (name, display name, password,
    /// role, unit, a name already taken): a form shows them all at once; `create` refuses the
    /// first of them (and checks the name again in its write).
    public func problems(_ actor: Actor, _ new: NewAccount) async throws -> [AccountRefusal] {
        try actor.require(.manageAccounts)
        var found: [AccountRefusal] = []
        let name = Self.normalise(new.username)
        let nameIsValid = (3...40).contains(name.count) && name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) })
        if !nameIsValid { found.append(.invalidUsername) }
        let display = new.displayName.trimmingCharacters(in: .whitespaces)
        if display.isEmpty || display.count > 120 { found.append(.noDisplayName) }
        if let problem = PasswordPolicy.problem(new.password, username: name) { found.append(problem) }
        if !Self.roles(givenBy: actor).contains(new.role) { found.append(.roleForProvince(new.role)) }
        do { _ = try await standingUnit(actor, new.unitCode.trimmingCharacters(in: .whitespaces)) } catch let refusal as AccountRefusal { found.append(refusal) }
        if nameIsValid, try await store.sql.raw("SELECT id FROM users WHERE username = \(bind: name)").first() != nil {
            found.append(.duplicateUsername(name))
        }
        return found
    }

    /// The roles `actor` may give: every role for an administrator of the whole province; an
    /// administrator of a branch gives its officers' and auditors' roles, not its own nor the
    /// provincial officer's (a branch cannot raise its own rights).
    public static func roles(givenBy actor: Actor) -> [Role] {
        guard AccessRules.refusal(actor, .manageAccounts, unit: nil) == nil else { return [] }
        return actor.scope.isWholeProvince ? Role.allCases : [.branchOfficer, .grassrootsOfficer, .auditor]
    }

    /// A unit of the administrator's branch that stands today, by code (else "unknown unit").
    private func standingUnit(_ actor: Actor, _ code: String) async throws -> OrgUnit {
        let history = try await store.units.history()
        guard let unit = history.unit(code: code), unit.isActive(on: store.today), actor.scope.contains(unit.id) else {
            throw AccountRefusal.unknownUnit(code)
        }
        return unit
    }

    /// Moves an account of the branch to another unit of it that stands today, and gives it a
    /// role (one the administrator may give): after a merger, a unit's officers work for what
    /// it became. Its sessions and API tokens end (its reach changes). Audited, old → new.
    public func reassign(_ actor: Actor, id: Int, role: Role, unitCode: String) async throws {
        let account = try await managed(actor, id, changing: true)
        guard account.id != actor.accountID else { throw AccountRefusal.notYourself }
        guard Self.roles(givenBy: actor).contains(role) else { throw AccountRefusal.roleForProvince(role) }
        let code = unitCode.trimmingCharacters(in: .whitespaces)
        let unit = try await standingUnit(actor, code)
        guard unit.id != account.unitID || role != account.role else { return }
        let history = try await store.units.history()
        let old = history.units[account.unitID]?.code ?? String(account.unitID)
        try await store.writeTransaction { db in
            let now = store.now()
            try await db.raw("""
                UPDATE users SET unit_id = \(bind: unit.id), role = \(bind: role.rawValue), updated_at = \(bind: now), sessions_from = \(bind: now)
                WHERE id = \(bind: account.id)
                """).run()
            try await db.raw("DELETE FROM sessions WHERE user_id = \(bind: account.id)").run()
            try await db.raw("DELETE FROM api_tokens WHERE user_id = \(bind: account.id)").run()
            try await store.audit.record("chuyen_tai_khoan", entity: "user", id: account.id,
                                         detail: "\(account.username): \(account.role.rawValue), \(old) → \(role.rawValue), \(unit.code)", by: actor, on: db)
        }
        try await store.closeJournalSessions(of: account.id, except: nil)
    }

    /// Accounts of units of the administrator's branch, by user name.
    public func list(_ actor: Actor) async throws -> [Account] {
        try actor.require(.readAccounts)
        return try await store.sql.raw("SELECT * FROM users ORDER BY username").all().map(Account.init).filter { actor.scope.contains($0.unitID) }
    }

    /// One account of the administrator's branch.
    public func account(_ actor: Actor, id: Int) async throws -> Account {
        try actor.require(.readAccounts)
        return try await managed(actor, id)
    }

    /// An account of the administrator's branch (else "not found"); `changing` it (enabling,
    /// disabling, moving, a password, its tokens) also needs a role the administrator may give:
    /// a branch's administrator does not act on an administrator or provincial officer.
    private func managed(_ actor: Actor, _ id: Int, changing: Bool = false) async throws -> Account {
        try actor.require(.manageAccounts)
        guard let account = try await store.sql.raw("SELECT * FROM users WHERE id = \(bind: id)").first().map(Account.init),
              actor.scope.contains(account.unitID) else { throw StorageError.notFound(.account, String(id)) }
        if changing, account.id != actor.accountID, !Self.roles(givenBy: actor).contains(account.role) {
            throw AccountRefusal.accountForProvince(account.role)
        }
        return account
    }

    /// Enables or disables an account of the branch; disabling closes its sessions and tokens. Audited.
    public func setActive(_ actor: Actor, id: Int, _ active: Bool) async throws {
        let account = try await managed(actor, id, changing: true)
        guard account.id != actor.accountID || active else { throw AccountRefusal.notYourself }
        try await store.writeTransaction { db in
            try await db.raw("UPDATE users SET active = \(bind: active ? 1 : 0), updated_at = \(bind: store.now()) WHERE id = \(bind: account.id)").run()
            if !active {
                // Its sessions end for good: re-enabled later, it signs in afresh.
                try await db.raw("UPDATE users SET sessions_from = \(bind: store.now()) WHERE id = \(bind: account.id)").run()
                try await db.raw("DELETE FROM sessions WHERE user_id = \(bind: account.id)").run()
                try await db.raw("DELETE FROM api_tokens WHERE user_id = \(bind: account.id)").run()
            }
            try await store.audit.record(active ? "mo_tai_khoan" : "khoa_tai_khoan", entity: "user", id: account.id, detail: account.username, by: actor, on: db)
        }
        if !active { try await store.closeJournalSessions(of: account.id, except: nil) }
    }

    /// Sets another account's password (an administrator, for a user who forgot theirs): its
    /// sessions and API tokens end. Audited (without the hash).
    public func resetPassword(_ actor: Actor, id: Int, to password: String) async throws {
        let account = try await managed(actor, id, changing: true)
        if let problem = PasswordPolicy.problem(password, username: account.username) { throw problem }
        let hash = try await hasher().hash(password)
        try await store.writeTransaction { db in
            try await setPassword(account.id, hash: hash, keepSession: nil, db: db)
            try await store.audit.record("dat_lai_mat_khau", entity: "user", id: account.id, detail: account.username, by: actor, on: db)
        }
        try await store.closeJournalSessions(of: account.id, except: nil)
    }
}

extension Account {
    init(_ row: any SQLRow) throws {
        let roleText = try row.string("role")
        guard let role = Role(rawValue: roleText) else { throw StorageError.corrupt("users.role = \(roleText)") }
        self.init(id: try row.int("id"), username: try row.string("username"), displayName: try row.string("display_name"), role: role,
                  unitID: try row.int("unit_id"), active: try row.int("active") != 0,
                  credential: row.contains(column: "password_hash") ? Credential(hash: try row.string("password_hash")) : nil)
    }
}

extension Store {
    public var accounts: Accounts { Accounts(store: self) }
}
