import Foundation
import PovertyCore
import Storage
import Vapor

struct LoginBody: Encodable {
    let username: String
    let next: String
    let csrf: String
    let error: String?
}

struct PasswordBody: Encodable {
    let error: String?
    let tokens: [TokensBody.Row]
}

/// Sign in and out, language switch, password change.
struct AuthController: RouteCollection {
    static let loginCSRFCookie = "gn_login_csrf"

    func boot(routes: any RoutesBuilder) throws {
        routes.get("login", use: loginPage)
        routes.post("login", use: login)
        routes.get("lang", ":code", use: switchLanguage)
        let signedIn = routes.grouped(RequireAccount(ownAccountPages: true), CSRFMiddleware())
        signedIn.post("logout", use: logout)
        signedIn.get("password", use: passwordPage)
        signedIn.post("password", use: changePassword)
        signedIn.post("password", "tokens", ":token", "revoke", use: revokeToken)
    }

    func loginPage(req: Request) async throws -> Response {
        if req.currentUser != nil { return req.redirect(to: "/") }
        return try await renderLogin(req, username: "", error: nil, status: .ok)
    }

    private func renderLogin(_ req: Request, username: String, error: String?, status: HTTPStatus) async throws -> Response {
        let token = Tokens.random()
        let next = LocalRedirect.orHome(req.query[String.self, at: "next"] ?? (try? req.content.get(String.self, at: "next")))
        let response = try await req.page("login", title: req.t("login.title"), status: status,
                                          LoginBody(username: username, next: next, csrf: token, error: error))
        response.cookies[Self.loginCSRFCookie] = HTTPCookies.Value(string: token, maxAge: 3600, path: "/login",
                                                                   isSecure: req.web.settings.secureCookies, isHTTPOnly: true, sameSite: .strict)
        return response
    }

    struct LoginForm: Content {
        var username: String
        var password: String
        var _csrf: String
        var next: String?
    }

    func login(req: Request) async throws -> Response {
        try CSRFMiddleware.checkOrigin(req)
        let sent = (try? req.content.get(String.self, at: "_csrf")) ?? ""
        guard let expected = req.cookies[Self.loginCSRFCookie]?.string, !expected.isEmpty, Tokens.same(sent, expected) else {
            throw Abort(.forbidden, reason: "csrf")
        }
        let form = try req.content.decode(LoginForm.self)
        guard await req.web.loginLimiter.allow(req.clientAddress) else {
            return try await renderLogin(req, username: form.username, error: req.t("login.too_many"), status: .tooManyRequests)
        }
        let account: Account
        switch try await req.store.accounts.signIn(username: form.username, password: form.password, from: req.clientAddress, channel: .web) {
        case .accepted(let a): account = a
        case .refused:
            return try await renderLogin(req, username: form.username, error: req.t("login.failed"), status: .unauthorized)
        case .throttled(let seconds):
            return try await renderLogin(req, username: form.username, error: req.t("login.throttled", String(max(1, (seconds + 59) / 60))),
                                         status: .tooManyRequests)
        }
        let token = Tokens.random()
        do {
            try await req.store.accounts.openSession(account, tokenHash: Tokens.hash(token), csrfToken: Tokens.random(),
                                                     lifetime: SessionCookie.lifetime, from: req.clientAddress)
        } catch AccountRefusal.passwordChangedMeanwhile {
            return try await renderLogin(req, username: form.username, error: req.text(AccountRefusal.passwordChangedMeanwhile.message), status: .unauthorized)
        }
        let response = req.redirect(to: LocalRedirect.orHome(form.next), redirectType: .normal)
        response.cookies[SessionCookie.name] = SessionCookie.make(token, secure: req.web.settings.secureCookies)
        response.cookies[Self.loginCSRFCookie] = HTTPCookies.Value(string: "", expires: Date(timeIntervalSince1970: 0), maxAge: 0, path: "/login")
        return response
    }

    func logout(req: Request) async throws -> Response {
        let user = try req.requireUser()
        if let hash = user.sessionHash { try await req.store.accounts.closeSession(user.actor, tokenHash: hash) }
        let response = req.redirect(to: "/login", redirectType: .normal)
        response.cookies[SessionCookie.name] = SessionCookie.make("", secure: req.web.settings.secureCookies, maxAge: 0)
        return response
    }

    func switchLanguage(req: Request) async throws -> Response {
        let lang = Language(rawValue: req.parameters.get("code") ?? "") ?? .vi
        let response = req.redirect(to: LocalRedirect.orHome(req.query[String.self, at: "back"]), redirectType: .normal)
        response.cookies["lang"] = HTTPCookies.Value(string: lang.rawValue, maxAge: 365 * 24 * 3600, path: "/", isHTTPOnly: true, sameSite: .lax)
        return response
    }

    func passwordPage(req: Request) async throws -> Response {
        try await renderPassword(req, error: nil, status: .ok)
    }

    private func renderPassword(_ req: Request, error: String?, status: HTTPStatus) async throws -> Response {
        let tokens = try await req.store.accounts.tokens(try req.actor())
        return try await req.page("password", title: req.t("password.title"), status: status,
                                  PasswordBody(error: error, tokens: tokens.map(TokensBody.Row.init)))
    }

    func revokeToken(req: Request) async throws -> Response {
        guard let token = req.parameters.get("token", as: Int.self) else { throw Abort(.notFound) }
        try await req.store.accounts.revokeToken(try req.actor(), id: token)
        return req.redirect(to: "/password?notice=token_revoked", redirectType: .normal)
    }

    struct PasswordForm: Content {
        var current: String
        var new: String
        var repeated: String
    }

    func changePassword(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let form = try req.content.decode(PasswordForm.self)
        func refuse(_ message: Message) async throws -> Response {
            try await renderPassword(req, error: req.text(message), status: .badRequest)
        }
        guard form.new == form.repeated else { return try await refuse(Message("password.mismatch")) }
        do {
            try await req.store.accounts.changePassword(user.actor, current: form.current, new: form.new, keepSession: user.sessionHash)
        } catch let refusal as AccountRefusal {
            return try await refuse(refusal.message)
        }
        // Back to the password page (open to every account, one whose unit has ended too).
        return req.redirect(to: "/password?notice=password_changed", redirectType: .normal)
    }
}
