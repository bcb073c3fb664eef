import Foundation
import PovertyCore
import Storage
import Vapor

/// JSON under `/api/v1`: the same resources, scoping and audit as the pages, with bearer tokens.
struct APIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("api", "openapi.json", use: openAPI)
        let api = routes.grouped("api", "v1")
        api.post("tokens", use: createToken)
        let authed = api.grouped(BearerAuthenticator())
        authed.get("me", use: me)
        authed.get("tokens", use: tokens)
        authed.delete("tokens", ":id", use: revokeToken)
        authed.get("dashboard", use: dashboard)
        authed.get("households", use: households)
        authed.get("households", ":code", use: household)
        authed.get("members", use: members)
        authed.get("units", use: units)
        authed.get("units", ":code", use: unit)
        authed.get("audit", use: audit)
    }

    struct TokenRequest: Content {
        var username: String
        var password: String
        var name: String?
    }

    struct TokenResponse: Content {
        let token: String
        let expiresInSeconds: Int
    }

    func createToken(req: Request) async throws -> TokenResponse {
        let body = try req.content.decode(TokenRequest.self)
        guard await req.web.loginLimiter.allow(req.clientAddress) else { throw Abort(.tooManyRequests) }
        let account: Account
        switch try await req.store.accounts.signIn(username: body.username, password: body.password, from: req.clientAddress, channel: .api) {
        case .accepted(let a): account = a
        case .refused: throw Abort(.unauthorized)
        case .throttled(let seconds): throw Abort(.tooManyRequests, headers: ["Retry-After": String(seconds)])
        }
        let token = Tokens.random()
        let lifetime = 30 * 24 * 3600
        let actor = try await req.store.actor(for: account, via: .api)
        do {
            try await req.store.accounts.createToken(actor, tokenHash: Tokens.hash(token), name: body.name ?? "api", lifetime: TimeInterval(lifetime))
        } catch AccountRefusal.passwordChangedMeanwhile { throw Abort(.unauthorized) } // changed while checked: as a wrong one
        return TokenResponse(token: token, expiresInSeconds: lifetime)
    }

    struct Me: Content {
        let username: String
        let displayName: String
        let role: String
        let unitCode: String
    }

    func me(req: Request) async throws -> Me {
        let user = try req.requireUser()
        return Me(username: user.account.username, displayName: user.account.displayName, role: user.account.role.rawValue,
                  unitCode: user.history.units[user.account.unitID]?.code ?? "")
    }

    func dashboard(req: Request) async throws -> [YearFigures] {
        try await req.store.browse.yearFigures(try req.actor())
    }

    struct TokenJSON: Content {
        let id: Int
        let name: String
        let createdAt: String
        let expiresAt: String
    }

    /// The caller's own live API tokens.
    func tokens(req: Request) async throws -> [TokenJSON] {
        try await req.store.accounts.tokens(try req.actor()).map {
            TokenJSON(id: $0.id, name: $0.name, createdAt: $0.createdAt, expiresAt: $0.expiresAt)
        }
    }

    /// Revokes one of the caller's tokens (the one in use too).
    func revokeToken(req: Request) async throws -> HTTPStatus {
        guard let id = req.parameters.get("id", as: Int.self) else { throw Abort(.notFound) }
        try await req.store.accounts.revokeToken(try req.actor(), id: id)
        return .noContent
    }

    struct HouseholdList: Content {
        let year: Int
        let total: Int
        let page: Int
        let pages: Int
        let items: [HouseholdLine]
    }

    func households(req: Request) async throws -> HouseholdList {
        let user = try req.requireUser()
        let year: Int
        if let y = try req.queryInt("year", 2000...2100) { year = y } else {
            guard let latest = try await req.store.browse.latestYear(user.actor) else { return HouseholdList(year: 0, total: 0, page: 1, pages: 1, items: []) }
            year = latest
        }
        var unit: Int?
        if let code = req.query[String.self, at: "unit"] {
            guard let u = user.history.unit(code: code), user.scope.contains(u.id) else { throw StorageError.notFound(.unit, code) }
            unit = u.id
        }
        var status: LivingStandard?
        if let s = req.query[String.self, at: "status"] {
            guard let parsed = LivingStandard(rawValue: s) else { throw StorageError.invalid(Message("api.expected_one_of", "status", "ngheo, can_ngheo, muc_song_trung_binh, khong_ngheo")) }
            status = parsed
        }
        let page = try await req.store.browse.households(user.actor, HouseholdFilter(year: year, status: status, unit: unit, text: req.query[String.self, at: "q"]),
                                                         page: try req.queryInt("page", 1...100_000) ?? 1)
        return HouseholdList(year: year, total: page.total, page: page.page, pages: page.pages, items: page.items)
    }

    struct HouseholdJSON: Content {
        struct Member: Content { let code: String; let fullName: String; let isPrimary: Bool }
        struct Review: Content {
            let year: Int; let unitCode: String; let standard: String; let status: String; let perCapitaMonthly: Int
            let deprivations: [String]; let reason: String; let official: String?
        }
        let code: String
        let area: String?
        let members: [Member]
        let reviews: [Review]
    }

    func household(req: Request) async throws -> HouseholdJSON {
        let user = try req.requireUser()
        let file = try await req.store.reviews.household(user.actor, code: req.parameters.get("code") ?? "")
        let catalog = StandardCatalog.builtIn
        return HouseholdJSON(
            code: file.code, area: file.area?.rawValue,
            members: file.members.map { .init(code: $0.code, fullName: $0.fullName, isPrimary: $0.isPrimary) },
            reviews: file.reviews.map { r in
                .init(year: r.year, unitCode: user.history.units[r.unitID]?.code ?? "", standard: r.standardCode, status: r.status.rawValue,
                      perCapitaMonthly: r.perCapitaMonthly,
                      deprivations: catalog.indicators.filter { r.deprivations & (1 << UInt64($0.index)) != 0 }.map(\.code),
                      reason: r.reason, official: r.official?.rawValue)
            })
    }

    /// `unitCode`: the member's unit now; `formerUnitCode`: for one who has left, their last unit.
    struct MemberJSON: Content { let code: String; let fullName: String; let unitCode: String?; let formerUnitCode: String?; let households: [String] }

    func members(req: Request) async throws -> [MemberJSON] {
        let user = try req.requireUser()
        // No search words: nobody (a search is never a list of every member).
        guard let q = req.query[String.self, at: "q"], !q.trimmingCharacters(in: .whitespaces).isEmpty else { return [] }
        let hits = try await req.store.members.search(user.actor, q, limit: 100)
        return hits.map { MemberJSON(code: $0.code, fullName: $0.fullName, unitCode: $0.unitID.flatMap { user.history.units[$0]?.code },
                                     formerUnitCode: $0.formerUnitID.flatMap { user.history.units[$0]?.code }, households: $0.households) }
    }

    struct UnitJSON: Content {
        let code: String
        let name: String
        let kind: String
        let parentCode: String?
        let validFrom: String
        let validTo: String?
    }

    func units(req: Request) async throws -> [UnitJSON] {
        let user = try req.requireUser()
        let today = req.store.today
        let tree = user.history.tree(on: today)
        let roots = user.scope.isWholeProvince ? tree.roots : [user.account.unitID]
        return roots.flatMap { tree.subtree(of: $0) }.compactMap { unitJSON($0, user.history, today) }
    }

    func unit(req: Request) async throws -> UnitJSON {
        let user = try req.requireUser()
        let code = req.parameters.get("code") ?? ""
        guard let u = user.history.unit(code: code), user.scope.contains(u.id),
              let json = unitJSON(u.id, user.history, u.isActive(on: req.store.today) ? req.store.today : u.to?.previous ?? u.from) else {
            throw StorageError.notFound(.unit, code)
        }
        return json
    }

    private func unitJSON(_ id: Int, _ history: OrgHistory, _ day: Day) -> UnitJSON? {
        guard let u = history.units[id], let v = history.version(of: id, on: day) else { return nil }
        return UnitJSON(code: u.code, name: v.name, kind: u.kind.rawValue, parentCode: v.parentID.flatMap { history.units[$0]?.code },
                        validFrom: u.from.iso, validTo: u.to?.iso)
    }

    struct AuditJSON: Content {
        let total: Int
        let page: Int
        let items: [Item]
        struct Item: Content { let at: String; let actor: String; let channel: String; let action: String; let entity: String; let entityID: Int?; let detail: String }
    }

    func audit(req: Request) async throws -> AuditJSON {
        let user = try req.requireUser()
        let page = try await req.store.browse.auditEntries(user.actor, by: req.query[String.self, at: "actor"], action: req.query[String.self, at: "action"],
                                                           entity: req.query[String.self, at: "entity"], from: try req.queryDay("from"), to: try req.queryDay("to"),
                                                           page: try req.queryInt("page", 1...100_000) ?? 1)
        return AuditJSON(total: page.total, page: page.page, items: page.items.map {
            .init(at: $0.at, actor: $0.actor, channel: $0.channel, action: $0.action, entity: $0.entity, entityID: $0.entityID, detail: $0.detail)
        })
    }

    func openAPI(req: Request) async throws -> Response {
        let data = try JSONSerialization.data(withJSONObject: OpenAPIDocument.document, options: [.sortedKeys, .prettyPrinted])
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: .ok, headers: headers, body: .init(data: data))
    }
}

extension YearFigures: Content {}

/// The OpenAPI 3.1 description of `/api/v1`; a test checks that every API route is in it.
enum OpenAPIDocument {
    /// What an operation answers when it succeeds: a JSON object, a JSON array, or nothing (204).
    enum Returns { case object, array, nothing }

    /// Every answer an operation can give: its success, and the errors the server sends — each
    /// error body `{"error": {"code", "message"}}`, the message in the catalogue's words.
    static func op(_ summary: String, params: [[String: Any]] = [], auth: Bool = true, body: [String: Any]? = nil,
                   returns: Returns = .object) -> [String: Any] {
        let error = { (text: String) -> [String: Any] in
            ["description": text, "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]]]
        }
        var responses: [String: Any] = [
            "400": error("Yêu cầu sai: tham số, dữ liệu hoặc quy tắc nghiệp vụ / a bad parameter, body or a refusal of the rules"),
            "404": error("Không có, hoặc ngoài phạm vi / not found or outside your branch"),
            "405": error("Phương thức không dùng / method not allowed"),
            "414": error("Địa chỉ quá dài / address too long"),
            "429": error("Quá nhiều yêu cầu / too many requests"),
        ]
        switch returns {
        case .object: responses["200"] = ["description": "OK", "content": ["application/json": ["schema": ["type": "object"]]]]
        case .array: responses["200"] = ["description": "OK", "content": ["application/json": ["schema": ["type": "array"]]]]
        case .nothing: responses["204"] = ["description": "Xong / done"]
        }
        responses["401"] = error("Chưa xác thực, hoặc sai tên đăng nhập/mật khẩu / not authenticated, or wrong credentials")
        if auth { responses["403"] = error("Vai trò không được làm việc này / your role may not do this") }
        if body != nil {
            responses["415"] = error("Cần application/json / application/json expected")
            responses["422"] = error("Nội dung không đọc được / the body cannot be read")
        }
        var o: [String: Any] = ["summary": summary, "parameters": params, "responses": responses]
        if auth { o["security"] = [["bearer": [String]()]] } else { o["security"] = [[String: [String]]]() }
        if let body { o["requestBody"] = ["required": true, "content": ["application/json": ["schema": body]]] }
        return o
    }
    static func query(_ name: String, _ type: String, _ description: String) -> [String: Any] {
        ["name": name, "in": "query", "required": false, "schema": ["type": type], "description": description]
    }
    static func path(_ name: String) -> [String: Any] { ["name": name, "in": "path", "required": true, "schema": ["type": "string"]] }
    static func year(_ description: String) -> [String: Any] {
        ["name": "year", "in": "query", "required": false, "schema": ["type": "integer", "minimum": 2000, "maximum": 2100], "description": description]
    }
    static func page() -> [String: Any] {
        ["name": "page", "in": "query", "required": false, "schema": ["type": "integer", "minimum": 1, "maximum": 100_000], "description": "trang / page"]
    }

    nonisolated(unsafe) static let document: [String: Any] = [
        "openapi": "3.1.0",
        "info": ["title": "giamngheo API", "version": "1",
                 "description": "Sổ hộ nghèo, cận nghèo trong đoàn viên; mọi truy vấn giới hạn trong nhánh của tài khoản / the registry, scoped to the account's branch"],
        "components": [
            "securitySchemes": ["bearer": ["type": "http", "scheme": "bearer"]],
            "schemas": ["Error": ["type": "object", "required": ["error"], "properties": [
                "error": ["type": "object", "required": ["code", "message"],
                          "properties": ["code": ["type": "integer"], "message": ["type": "string"]]]]]],
        ],
        "paths": [
            "/api/v1/tokens": ["get": op("Khoá API của mình / your API tokens", returns: .array), "post": op("Tạo token từ tên đăng nhập và mật khẩu / create a bearer token", auth: false,
                                          body: ["type": "object", "required": ["username", "password"],
                                                 "properties": ["username": ["type": "string"], "password": ["type": "string"], "name": ["type": "string"]]])],
            "/api/v1/me": ["get": op("Tài khoản hiện tại / the current account")],
            "/api/v1/tokens/{id}": ["delete": op("Thu hồi một khoá API của mình / revoke one of your tokens", params: [path("id")], returns: .nothing)],
            "/api/v1/dashboard": ["get": op("Số hộ theo năm, thoát nghèo, rơi vào nghèo / households by year, escapes and entries", returns: .array)],
            "/api/v1/households": ["get": op("Danh sách hộ của một năm / households of a review year", params: [
                year("năm rà soát / review year (default: latest)"), query("status", "string", "ngheo, can_ngheo, muc_song_trung_binh, khong_ngheo"),
                query("unit", "string", "mã đơn vị / unit code (its branch)"), query("q", "string", "tên, mã hộ, mã đoàn viên / name or code"),
                page()])],
            "/api/v1/households/{code}": ["get": op("Hồ sơ một hộ / one household", params: [path("code")])],
            "/api/v1/members": ["get": op("Tìm đoàn viên / search members", params: [query("q", "string", "tên không dấu, mã, CCCD; trống: không có ai / name, code or citizen ID; empty: nobody")],
                                          returns: .array)],
            "/api/v1/units": ["get": op("Cây đơn vị hôm nay / today's units of the branch", returns: .array)],
            "/api/v1/units/{code}": ["get": op("Một đơn vị / one unit", params: [path("code")])],
            "/api/v1/audit": ["get": op("Nhật ký / the audit log (administrators, auditors)", params: [
                query("actor", "string", "người làm / who"), query("action", "string", "việc / action"), query("entity", "string", "đối tượng / entity"),
                query("from", "string", "từ ngày (giờ Việt Nam) / from (Vietnam's day)"), query("to", "string", "đến ngày / to (included)"), page()])],
            "/api/openapi.json": ["get": op("Tài liệu này / this document", auth: false)],
        ].merging(SupportAPIController.paths) { a, _ in a }.merging(ReportsAPIController.paths) { a, _ in a },
    ]
}
