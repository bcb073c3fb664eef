import Foundation
import PovertyCore
import Storage
import Vapor

struct UsersBody: Encodable {
    struct Row: Encodable {
        let id: Int
        let username: String
        let name: String
        let role: String
        let unit: String
        let active: Bool
        /// The administrator's own account: it cannot be disabled from here.
        let isSelf: Bool
        /// Its unit has ended: it sees nothing until moved to a unit that stands.
        let unitEnded: Bool
        /// The administrator may change it: enable, disable, move it to another unit and role
        /// (a branch's administrator does not change an administrator or provincial officer).
        let movable: Bool
        let roleCode: String
        let unitCode: String
    }
    let rows: [Row]
    let roles: [Option]
    let error: String?
    /// The new account's form: empty, or what was typed when it was refused (never the password).
    let form: [String: String]
}

struct MoveUserForm: Content {
    var role: String
    var unit: String
}

struct NewUserForm: Content {
    var username: String
    var displayName: String
    var password: String
    var role: String
    var unit: String
}

/// API tokens of one account (its owner's page, or an administrator's view of a user).
struct TokensBody: Encodable {
    struct Row: Encodable {
        let id: Int
        let name: String
        let created: String
        let expires: String
        init(_ t: APIToken) { id = t.id; name = t.name; created = Format.date(t.createdAt); expires = Format.date(t.expiresAt) }
    }
    let owner: String
    let rows: [Row]
    /// Where the revoke buttons post (`…/{id}/revoke`).
    let action: String
    /// Whether the viewer may revoke them (a branch's administrator does not change an
    /// administrator's or provincial officer's account).
    let mayRevoke: Bool
}


/// Users (administrators) and the audit log (administrators and auditors).
struct AdminController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("users", use: users)
        routes.post("users", use: createUser)
        routes.post("users", ":id", "active", use: setActive)
        routes.post("users", ":id", "move", use: moveUser)
        routes.get("users", ":id", "tokens", use: userTokens)
        routes.post("users", ":id", "tokens", ":token", "revoke", use: revokeUserToken)
        routes.get("audit", use: audit)
    }

    private func renderUsers(_ req: Request, error: String?, status: HTTPStatus) async throws -> Response {
        let user = try req.requireUser()
        let today = req.store.today
        let accounts = try await req.store.accounts.list(user.actor)
        let givable = Accounts.roles(givenBy: user.actor)
        let rows = accounts.map { a in
            let unit = user.history.units[a.unitID]
            let ended = unit.map { !$0.isActive(on: today) } ?? true
            var place = unitName(a.unitID, user.history, today)
            if ended, let end = unit?.to { place += " " + req.t("users.unit_ended_on", end.vietnamese) }
            return UsersBody.Row(id: a.id, username: a.username, name: a.displayName, role: req.t("role." + a.role.rawValue),
                                 unit: place, active: a.active, isSelf: a.id == user.account.id, unitEnded: ended,
                                 movable: a.id != user.account.id && givable.contains(a.role), roleCode: a.role.rawValue,
                                 // The move form proposes what an ended unit became.
                                 unitCode: (ended ? user.history.successor(of: a.unitID, on: today).flatMap { user.history.units[$0]?.code } : nil) ?? unit?.code ?? "")
        }
        let form = req.echo(["username": "", "displayName": "", "role": "", "unit": ""], refused: error, action: "users")
        let roles = givable.map { Option(value: $0.rawValue, label: req.t("role." + $0.rawValue), selected: $0.rawValue == form["role"]) }
        return try await req.page("users", title: req.t("users.title"), active: "users", status: status,
                                  UsersBody(rows: rows, roles: roles, error: error, form: form))
    }

    func users(req: Request) async throws -> Response {
        try await renderUsers(req, error: nil, status: .ok)
    }

    func createUser(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let form = try req.content.decode(NewUserForm.self)
        func refuse(_ message: Message) async throws -> Response {
            try await renderUsers(req, error: req.text(message), status: .badRequest)
        }
        guard let role = Role(rawValue: form.role) else { return try await refuse(Message("users.bad_role")) }
        let new = NewAccount(username: form.username, displayName: form.displayName, password: form.password, role: role, unitCode: form.unit)
        do {
            try await req.store.accounts.create(user.actor, new)
        } catch let refusal as AccountRefusal {
            // Refused: every problem of the form at once, not one per try.
            let problems = try await req.store.accounts.problems(user.actor, new)
            guard !problems.isEmpty else { return try await refuse(refusal.message) }
            return try await renderUsers(req, error: problems.map { req.text($0.message) }.joined(separator: " · "), status: .badRequest)
        }
        return req.redirect(to: "/users?notice=user_created", redirectType: .normal)
    }

    /// Moves an account to another unit and role (after a merger, its officers work for what their unit became).
    func moveUser(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard let id = req.parameters.get("id", as: Int.self) else { throw Abort(.notFound) }
        let form = try req.content.decode(MoveUserForm.self)
        guard let role = Role(rawValue: form.role) else { return try await renderUsers(req, error: req.t("users.bad_role"), status: .badRequest) }
        do {
            try await req.store.accounts.reassign(user.actor, id: id, role: role, unitCode: form.unit)
        } catch let refusal as AccountRefusal {
            return try await renderUsers(req, error: req.text(refusal.message), status: .badRequest)
        }
        return req.redirect(to: "/users?notice=user_moved", redirectType: .normal)
    }

    func setActive(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard let id = req.parameters.get("id", as: Int.self) else { throw Abort(.notFound) }
        // The form always says which: "1" enables, "0" disables; anything else is refused.
        guard let active = (try? req.content.get(String.self, at: "active")).flatMap({ ["1": true, "0": false][$0] }) else {
            throw Abort(.badRequest, reason: req.t("form.required", "active"))
        }
        do {
            try await req.store.accounts.setActive(user.actor, id: id, active)
        } catch let refusal as AccountRefusal {
            return try await renderUsers(req, error: req.text(refusal.message), status: .badRequest)
        }
        return req.redirect(to: "/users", redirectType: .normal)
    }

    func userTokens(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard let id = req.parameters.get("id", as: Int.self) else { throw Abort(.notFound) }
        let account = try await req.store.accounts.account(user.actor, id: id)
        let tokens = try await req.store.accounts.tokens(user.actor, of: id)
        return try await req.page("tokens", title: req.t("tokens.title"), active: "users",
                                  TokensBody(owner: account.username, rows: tokens.map(TokensBody.Row.init), action: "/users/\(id)/tokens",
                                             mayRevoke: account.id == user.account.id || Accounts.roles(givenBy: user.actor).contains(account.role)))
    }

    func revokeUserToken(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard let id = req.parameters.get("id", as: Int.self), let token = req.parameters.get("token", as: Int.self) else { throw Abort(.notFound) }
        // The token is this account's (the page it was offered on), else not found.
        guard try await req.store.accounts.tokens(user.actor, of: id).contains(where: { $0.id == token }) else {
            throw StorageError.notFound(.token, String(token))
        }
        try await req.store.accounts.revokeToken(user.actor, id: token)
        return req.redirect(to: "/users/\(id)/tokens?notice=token_revoked", redirectType: .normal)
    }

    func audit(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let actor = req.query[String.self, at: "actor"] ?? "", action = req.query[String.self, at: "action"] ?? ""
        let entity = req.query[String.self, at: "entity"] ?? ""
        let from = try req.queryDay("from"), to = try req.queryDay("to")
        let page = try await req.store.browse.auditEntries(user.actor, by: actor, action: action, entity: entity, from: from, to: to,
                                                           page: req.query[Int.self, at: "page"] ?? 1)
        return try await req.page("audit", title: req.t("audit.title"), active: "audit",
                                  AuditBody(page: page, actor: actor, action: action, entity: entity, from: from, to: to,
                                            actors: try await req.store.browse.auditActors(user.actor), text: req.pageText))
    }
}

/// Bootstrap from Debian's libjs-bootstrap5 and the app's own files.
struct StaticController: RouteCollection {
    static let bootstrapDirectory = "/usr/share/javascript/bootstrap5/"

    func boot(routes: any RoutesBuilder) throws {
        routes.get("static", "bootstrap.min.css") { req async throws -> Response in
            let path = Self.bootstrapDirectory + "css/bootstrap.min.css"
            guard FileManager.default.fileExists(atPath: path) else { throw Abort(.notFound) }
            let response = try await req.fileio.asyncStreamFile(at: path)
            response.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=86400")
            return response
        }
        // Bootstrap's own script (the navbar's toggler on a phone), from the same Debian package.
        routes.get("static", "bootstrap.bundle.min.js") { req async throws -> Response in
            let path = Self.bootstrapDirectory + "js/bootstrap.bundle.min.js"
            guard FileManager.default.fileExists(atPath: path) else { throw Abort(.notFound) }
            let response = try await req.fileio.asyncStreamFile(at: path)
            response.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=86400")
            response.headers.contentType = .init(type: "text", subType: "javascript", parameters: ["charset": "utf-8"])
            return response
        }
        routes.get("health") { req async throws -> [String: String] in
            try await req.store.ping()
            return ["status": "ok"]
        }
    }
}
