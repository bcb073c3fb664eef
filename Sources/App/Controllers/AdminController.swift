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
        let locked: Bool
    }
    let rows: [Row]
    let roles: [Option]
    let error: String?
    let form: NewUserForm?
}

struct NewUserForm: Content {
    var username: String
    var displayName: String
    var password: String
    var role: String
    var unit: String
}

struct AuditBody: Encodable {
    struct Row: Encodable {
        let at: String
        let actor: String
        let action: String
        let entity: String
        let detail: String
    }
    let actor: String
    let action: String
    let entity: String
    let rows: [Row]
    let summary: String
    let pages: [PageLink]
    let hasPages: Bool
}

/// Users (administrators) and the audit log (administrators and auditors).
struct AdminController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("users", use: users)
        routes.post("users", use: createUser)
        routes.post("users", ":id", "active", use: setActive)
        routes.get("audit", use: audit)
    }

    private func administrator(_ req: Request) throws -> CurrentUser {
        let user = try req.requireUser()
        guard user.account.role.mayAdminister else { throw Abort(.forbidden) }
        return user
    }

    private func renderUsers(_ req: Request, error: String?, form: NewUserForm?, status: HTTPStatus) async throws -> Response {
        let user = try administrator(req)
        let today = req.store.today
        let accounts = try await req.store.accounts.all().filter { user.scope.contains($0.unitID) }
        let rows = accounts.map { a in
            UsersBody.Row(id: a.id, username: a.username, name: a.displayName, role: req.t("role." + a.role.rawValue),
                          unit: unitName(a.unitID, user.history, today), active: a.active, locked: req.store.accounts.isLocked(a))
        }
        let roles = Role.allCases.map { Option(value: $0.rawValue, label: req.t("role." + $0.rawValue), selected: $0.rawValue == form?.role) }
        return try await req.page("users", title: req.t("users.title"), active: "users", status: status,
                                  UsersBody(rows: rows, roles: roles, error: error, form: form))
    }

    func users(req: Request) async throws -> Response {
        try await renderUsers(req, error: nil, form: nil, status: .ok)
    }

    func createUser(req: Request) async throws -> Response {
        let user = try administrator(req)
        var form = try req.content.decode(NewUserForm.self)
        func refuse(_ key: String, _ args: String...) async throws -> Response {
            form.password = ""
            return try await renderUsers(req, error: req.web.catalogue.text(key, req.language, args), form: form, status: .badRequest)
        }
        guard let role = Role(rawValue: form.role) else { return try await refuse("users.bad_role") }
        guard form.password.count >= 10 else { return try await refuse("password.too_short") }
        guard !form.displayName.trimmingCharacters(in: .whitespaces).isEmpty else { return try await refuse("users.no_name") }
        guard let unit = user.history.unit(code: form.unit.trimmingCharacters(in: .whitespaces)), user.scope.contains(unit.id) else {
            return try await refuse("users.bad_unit", form.unit)
        }
        let hash = try await req.password.async.hash(form.password)
        do {
            try await req.store.accounts.create(username: form.username, displayName: form.displayName.trimmingCharacters(in: .whitespaces),
                                                passwordHash: hash, role: role, unitCode: unit.code, actor: user.account.username)
        } catch let failure as Accounts.Failure {
            switch failure {
            case .duplicateUsername(let name): return try await refuse("users.duplicate", name)
            case .invalidUsername: return try await refuse("users.bad_username")
            case .unknownUnit(let code): return try await refuse("users.bad_unit", code)
            }
        }
        return req.redirect(to: "/users?notice=user_created", redirectType: .normal)
    }

    func setActive(req: Request) async throws -> Response {
        let user = try administrator(req)
        guard let id = req.parameters.get("id", as: Int.self), let account = try await req.store.accounts.find(id: id),
              user.scope.contains(account.unitID) else { throw Abort(.notFound) }
        let active = (try? req.content.get(String.self, at: "active")) == "1"
        guard account.id != user.account.id || active else { throw Abort(.badRequest, reason: req.t("users.not_self")) }
        try await req.store.accounts.setActive(account, active, actor: user.account.username)
        return req.redirect(to: "/users", redirectType: .normal)
    }

    func audit(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard user.mayReadAudit else { throw Abort(.forbidden) }
        let actor = req.query[String.self, at: "actor"] ?? "", action = req.query[String.self, at: "action"] ?? ""
        let entity = req.query[String.self, at: "entity"] ?? ""
        let page = try await req.store.browse.auditEntries(actor: actor, action: action, entity: entity, page: req.query[Int.self, at: "page"] ?? 1)
        var components = URLComponents()
        let items = [("actor", actor), ("action", action), ("entity", entity)].filter { !$0.1.isEmpty }.map { URLQueryItem(name: $0.0, value: $0.1) }
        let pages = pageLinks(current: page.page, count: page.pages) { p in
            components.queryItems = items + [URLQueryItem(name: "page", value: String(p))]
            return "/audit" + (components.string ?? "")
        }
        let rows = page.items.map {
            AuditBody.Row(at: Format.date($0.at), actor: $0.actor, action: $0.action, entity: $0.entity + ($0.entityID.map { " #\($0)" } ?? ""), detail: $0.detail)
        }
        return try await req.page("audit", title: req.t("audit.title"), active: "audit",
                                  AuditBody(actor: actor, action: action, entity: entity, rows: rows,
                                            summary: req.t("audit.summary", Format.number(page.total, req.language), String(page.page), String(page.pages)),
                                            pages: pages, hasPages: !pages.isEmpty))
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
        routes.get("health") { req async throws -> [String: String] in
            _ = try await req.store.sql.raw("SELECT 1 AS one").first()
            return ["status": "ok"]
        }
    }
}
