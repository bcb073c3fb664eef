
import Foundation
import PovertyCore
import Storage
import Vapor

/// The signed-in account of a request, with the branch it may see.
struct CurrentUser: Sendable {
    let account: Account
    /// The unit's subtree today and the units whose history leads into it.
    let scope: Scope
    /// The session's CSRF token (nil for API tokens).
    let csrfToken: String?
    /// Hash of the session cookie (nil for API tokens).
    let sessionHash: String?
    let history: OrgHistory
    /// Changes whenever the tree changes or an import commits (for cached figures).
    let dataVersion: String
    /// The audit log names people and households of every branch: only administrators and
    /// auditors of the whole province read it.
    var mayReadAudit: Bool { account.role.mayReadAudit && scope.unitIDs == nil }

    /// A key of what a page shows this user, for caches: the scope follows from the unit and
    /// whether it is the whole province, on the tree of `dataVersion`.
    func pageKey(_ req: Request) -> String {
        "\(account.unitID)-\(scope.unitIDs == nil ? "all" : "branch")/\(req.language.rawValue)/\(req.store.today.iso)"
    }
}

extension CurrentUser {
    /// The unit the account acts for in the report workflow; nil for an administrator, who
    /// may act for any unit of the tree.
    var actingUnit: Int? { account.role == .administrator ? nil : account.unitID }
}

struct CurrentUserKey: StorageKey { typealias Value = CurrentUser }

extension Request {
    var currentUser: CurrentUser? {
        get { storage[CurrentUserKey.self] }
        set { storage[CurrentUserKey.self] = newValue }
    }

    func requireUser() throws -> CurrentUser {
        guard let u = currentUser else { throw Abort(.unauthorized) }
        return u
    }

    /// The client address for logs and the login limiter.
    var clientAddress: String { remoteAddress?.ipAddress ?? "?" }

    /// A unit's branch today: its subtree and the units whose line leads into it. Working it
    /// out walks the whole tree, so it is kept until the data changes.
    func branch(of unitID: Int, history: OrgHistory, version: String) async throws -> Scope {
        let today = store.today
        return try await web.scopes.value("\(unitID)/\(today.iso)", version: version) { .today(of: unitID, in: history, on: today) }
    }

    /// Whether the client wants a page (not JSON).
    var wantsHTML: Bool { !url.path.hasPrefix("/api/") }
}

/// What a user name and password come to, for the login form and the API alike.
enum CredentialCheck {
    case accepted(Account)
    /// Refused; `locked` when the account is (now) locked.
    case refused(locked: Bool)
}

extension Request {
    /// Checks a user name and password. An unknown name costs the same hashing as a known
    /// one (timing tells nothing); every failure is audited and counts towards the lock.
    func checkCredentials(_ username: String, _ password: String) async throws -> CredentialCheck {
        let accounts = store.accounts
        guard let (account, hash) = try await accounts.credentials(username: username) else {
            _ = try? await self.password.async.verify(password, created: web.dummyHash)
            try await accounts.unknownLogin(username: username, from: clientAddress)
            return .refused(locked: false)
        }
        if accounts.isLocked(account) {
            try await accounts.loginFailed(account, from: clientAddress)
            return .refused(locked: true)
        }
        guard account.active, try await self.password.async.verify(password, created: hash) else {
            return .refused(locked: try await accounts.loginFailed(account, from: clientAddress))
        }
        return .accepted(account)
    }
}

enum Tokens {
    /// 32 random bytes, URL-safe Base64.
    static func random() -> String {
        var rng = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// What is stored of a token: its SHA-256, hex.
    static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Equal strings, compared in constant time.
    static func same(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<x.count { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}

enum SessionCookie {
    static let name = "gn_session"
    static let lifetime: TimeInterval = 12 * 3600

    static func make(_ value: String, secure: Bool, maxAge: Int? = Int(lifetime)) -> HTTPCookies.Value {
        HTTPCookies.Value(string: value, maxAge: maxAge, path: "/", isSecure: secure, isHTTPOnly: true, sameSite: .lax)
    }
}

/// Resolves the session cookie into the current user.
struct SessionAuthenticator: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let token = request.cookies[SessionCookie.name]?.string, !token.isEmpty {
            let hash = Tokens.hash(token)
            if let (account, csrf) = try await request.store.accounts.session(tokenHash: hash) {
                request.currentUser = try await CurrentUser.make(account, csrf: csrf, sessionHash: hash, request)
            }
        }
        return try await next.respond(to: request)
    }
}

extension CurrentUser {
    static func make(_ account: Account, csrf: String?, sessionHash: String?, _ request: Request) async throws -> CurrentUser {
        let (history, version) = try await request.web.history.snapshot(of: request.store)
        let today = request.store.today
        // An account of the province itself (a root of today's tree) sees everything.
        let tree = try await request.web.dayTrees.value(today.iso, version: version) { history.tree(on: today) }
        let scope = tree.roots.contains(account.unitID) ? .everything
            : try await request.branch(of: account.unitID, history: history, version: version)
        return CurrentUser(account: account, scope: scope, csrfToken: csrf, sessionHash: sessionHash, history: history, dataVersion: version)
    }
}

/// Pages need a signed-in user: others go to the login page.
struct RequireAccount: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.currentUser != nil else {
            let back = request.url.path == "/" ? "" : "?next=" + (request.url.string.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
            return request.redirect(to: "/login" + back)
        }
        return try await next.respond(to: request)
    }
}

/// Refuses state-changing requests from other sites: a session's CSRF token must come back in
/// the form's `_csrf` field (compared in constant time), and `Sec-Fetch-Site` / `Origin`, when
/// the browser sends them, must say the same site.
struct CSRFMiddleware: AsyncMiddleware {
    /// The largest form a signed-in user may send (survey files included).
    static let maxBody = 256 << 20

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.method != .GET && request.method != .HEAD else { return try await next.respond(to: request) }
        try CSRFMiddleware.checkOrigin(request)
        // A large body (an uploaded file) still streams at this point: collect it so the
        // form's token can be read (the route takes the same collected body).
        if request.body.data == nil {
            _ = try await request.body.collect(max: CSRFMiddleware.maxBody).get()
        }
        let expected = request.currentUser?.csrfToken ?? ""
        let sent = (try? request.content.get(String.self, at: "_csrf")) ?? request.headers.first(name: "X-CSRF-Token") ?? ""
        guard !expected.isEmpty, Tokens.same(sent, expected) else {
            throw Abort(.forbidden, reason: "csrf")
        }
        return try await next.respond(to: request)
    }

    static func checkOrigin(_ request: Request) throws {
        if let site = request.headers.first(name: "Sec-Fetch-Site"), site != "same-origin" && site != "none" {
            throw Abort(.forbidden, reason: "csrf")
        }
        if let origin = request.headers.first(name: .origin), origin != "null",
           let host = URL(string: origin)?.host, let own = request.headers.first(name: .host)?.split(separator: ":").first,
           host != String(own) {
            throw Abort(.forbidden, reason: "csrf")
        }
    }
}

/// Bearer tokens for `/api/v1`.
struct BearerAuthenticator: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let bearer = request.headers.bearerAuthorization,
              let account = try await request.store.accounts.account(tokenHash: Tokens.hash(bearer.token)) else {
            throw Abort(.unauthorized, headers: ["WWW-Authenticate": "Bearer"])
        }
        request.currentUser = try await CurrentUser.make(account, csrf: nil, sessionHash: nil, request)
        return try await next.respond(to: request)
    }
}

/// A sliding one-minute window of attempts per key (client address).
public actor RateLimiter {
    let perMinute: Int
    private var attempts: [String: [Date]] = [:]
    public init(perMinute: Int) { self.perMinute = perMinute }

    /// Records an attempt; false when the key has used up its minute.
    public func allow(_ key: String, now: Date = Date()) -> Bool {
        let recent = (attempts[key] ?? []).filter { now.timeIntervalSince($0) < 60 }
        guard recent.count < perMinute else { attempts[key] = recent; return false }
        attempts[key] = recent + [now]
        if attempts.count > 10_000 { attempts = attempts.filter { !$0.value.isEmpty } }
        return true
    }
}

struct SecurityHeadersMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        response.headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY")
        response.headers.replaceOrAdd(name: "Referrer-Policy", value: "same-origin")
        response.headers.replaceOrAdd(name: "Content-Security-Policy",
                                      value: "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
        return response
    }
}
