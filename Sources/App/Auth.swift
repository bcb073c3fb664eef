
import Foundation
import PovertyCore
import Storage
import Vapor

/// The signed-in account of a request, and the Storage `Actor` it acts as.
struct CurrentUser: Sendable {
    let account: Account
    /// Who acts in Storage: the account, its branch and the channel (page or API).
    let actor: Actor
    /// The session's CSRF token (nil for API tokens).
    let csrfToken: String?
    /// Hash of the session cookie (nil for API tokens).
    let sessionHash: String?

    /// The unit's subtree today and the units whose history leads into it.
    var scope: Scope { actor.scope }
    var history: OrgHistory { actor.history }
    /// Changes whenever the tree, the reviews or the targets change (for cached figures).
    var dataVersion: String { actor.dataVersion }
    /// What the account may do (the rules Storage enforces).
    var permissions: Permissions { Permissions(actor: actor) }
    var mayReadAudit: Bool { permissions.allows(.readAudit) }

    /// Refuses (403) before reading a form an operation the role may not do at all: the same
    /// rule Storage enforces again inside the operation.
    func require(_ op: StorageOperation) throws {
        guard permissions.allows(op) else { throw StorageError.forbidden(op) }
    }

    /// A key of what a page shows this user, for caches: the scope follows from the unit and
    /// whether it is the whole province, on the tree of `dataVersion`.
    func pageKey(_ req: Request) -> String {
        "\(account.unitID)-\(scope.isWholeProvince ? "all" : "branch")/\(req.language.rawValue)/\(req.store.today.iso)"
    }
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

    /// The acting Storage actor of the signed-in user.
    func actor() throws -> Actor { try requireUser().actor }

    /// The client's address for logs and the login throttle: the peer's, or — when the peer is
    /// a reverse proxy the server was told to trust (`--trusted-proxy`) — the one `X-Forwarded-For`
    /// names (`ClientAddress.resolve`).
    var clientAddress: String {
        ClientAddress.resolve(peer: remoteAddress?.ipAddress ?? "?", forwardedFor: headers[.xForwardedFor], trusted: web.settings.trustedProxies)
    }

    /// Whether the client wants a page (not JSON).
    var wantsHTML: Bool { !url.path.hasPrefix("/api/") }
}

/// Which address a request comes from, behind reverse proxies.
enum ClientAddress {
    /// Each trusted proxy appends to `X-Forwarded-For` the address it was reached from, so the
    /// list is read from the right: trusted proxies (nginx in front of HAProxy, say) are
    /// stepped over, and the first address that is not one is the client. Whatever lies left of
    /// it is the client's own claim and is ignored, as is the header of an untrusted peer; a
    /// malformed entry ends the walk at the last proxy.
    static func resolve(peer: String, forwardedFor: [String], trusted: Set<String>) -> String {
        let trusted = Set(trusted.map(plain))
        let peer = plain(peer)
        guard trusted.contains(peer) else { return peer }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { plain($0.trimmingCharacters(in: .whitespaces)) }
        var client = peer
        for hop in hops.reversed() {
            guard !hop.isEmpty, hop.count <= 45, hop.allSatisfy({ $0.isHexDigit || $0 == "." || $0 == ":" }) else { break }
            client = hop
            if !trusted.contains(hop) { break }
        }
        return client
    }

    /// An IPv4 address as itself when written IPv4-mapped (`::ffff:10.0.0.5`), lower case.
    static func plain(_ address: String) -> String {
        let lower = address.lowercased()
        return lower.hasPrefix("::ffff:") && lower.contains(".") ? String(lower.dropFirst(7)) : lower
    }
}

/// Bcrypt, as Storage hashes and checks passwords.
public struct BcryptHasher: PasswordHashing {
    public let cost: Int
    public init(cost: Int = 11) { self.cost = cost }
    public func hash(_ password: String) async throws -> String { try Bcrypt.hash(password, cost: cost) }
    public func verify(_ password: String, against hash: String) async throws -> Bool {
        (try? Bcrypt.verify(password, created: hash)) ?? false
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
                request.currentUser = CurrentUser(account: account, actor: try await request.store.actor(for: account, via: .web),
                                                  csrfToken: csrf, sessionHash: hash)
            }
        }
        return try await next.respond(to: request)
    }
}

/// Pages need a signed-in user: others go to the login page.
struct RequireAccount: AsyncMiddleware {
    /// The account's own pages (password, tokens, sign-out) stay open to an account whose unit has ended.
    var ownAccountPages = false

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.currentUser != nil else {
            let back = request.url.path == "/" ? "" : "?next=" + (request.url.string.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
            return request.redirect(to: "/login" + back)
        }
        // An account whose unit has ended sees nothing (`Store.actor(for:via:)`): every page says
        // why instead of answering "not found" for its own unit. Its own password and tokens stay open.
        if !ownAccountPages, let user = request.currentUser, user.actor.scope.isEmpty {
            return try await request.page("error", title: request.t("account.ended_title"), status: .forbidden,
                                          ErrorBody(code: 403, message: request.t("account.ended_title")))
        }
        return try await next.respond(to: request)
    }
}

/// Refuses state-changing requests from other sites: a session's CSRF token must come back in
/// the form's `_csrf` field (compared in constant time), and `Sec-Fetch-Site` / `Origin`, when
/// the browser sends them, must say the same site.
struct CSRFMiddleware: AsyncMiddleware {
    /// The largest form a signed-in user may send (survey files included): 64 MiB, what the
    /// reverse proxies of docs/deploy.md let through, and about 800,000 survey rows of CSV (a
    /// larger file goes in with `giamngheo import`). Held in memory while it is read.
    static let maxBody = 64 << 20

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.method != .GET && request.method != .HEAD else { return try await next.respond(to: request) }
        try CSRFMiddleware.checkOrigin(request)
        // A large body (an uploaded file) still streams at this point: collect it so the
        // form's token can be read (the route takes the same collected body).
        if request.body.data == nil {
            let upload = request.headers.contentType?.type == "multipart"
            _ = try await request.body.collect(max: upload ? CSRFMiddleware.maxBody : InputGuardMiddleware.maxTextBody).get()
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
        let actor = try await request.store.actor(for: account, via: .api)
        request.currentUser = CurrentUser(account: account, actor: actor, csrfToken: nil, sessionHash: nil)
        // An account whose unit has ended sees nothing: the API says why (403), not an empty
        // branch a client could take for "everything was deleted". `/me` and its tokens stay open.
        let path = request.url.path.split(separator: "/")
        if actor.scope.isEmpty, path != ["api", "v1", "me"], !path.starts(with: ["api", "v1", "tokens"]) {
            let response = Response(status: .forbidden)
            try response.content.encode(APIError(error: .init(code: 403, message: request.unitEndedNotice(account, actor.history) ?? request.t("error.403"))))
            return response
        }
        return try await next.respond(to: request)
    }
}

/// A sliding one-minute window of attempts per key (client address).
public actor RateLimiter {
    let perMinute: Int
    private var attempts: [String: [Date]] = [:]
    private var lastSwept = Date.distantPast
    /// How many addresses are kept before the quiet ones are forgotten.
    static let keysKept = 10_000
    public init(perMinute: Int) { self.perMinute = perMinute }

    /// How many addresses are remembered (for tests).
    var remembered: Int { attempts.count }

    /// Records an attempt; false when the key has used up its minute.
    public func allow(_ key: String, now: Date = Date()) -> Bool {
        let recent = (attempts[key] ?? []).filter { now.timeIntervalSince($0) < 60 }
        guard recent.count < perMinute else { attempts[key] = recent; return false }
        attempts[key] = recent + [now]
        // Many addresses: forget those with no attempt in the last minute (each list is in
        // time order, so its last attempt says), at most once a minute.
        if attempts.count > Self.keysKept, now.timeIntervalSince(lastSwept) >= 60 {
            attempts = attempts.filter { $0.value.last.map { now.timeIntervalSince($0) < 60 } ?? false }
            lastSwept = now
        }
        return true
    }
}

struct SecurityHeadersMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        LocationGuard.check(response)
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        response.headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY")
        response.headers.replaceOrAdd(name: "Referrer-Policy", value: "same-origin")
        response.headers.replaceOrAdd(name: "Content-Security-Policy",
                                      value: "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
        return response
    }
}
