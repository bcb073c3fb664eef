import App
import Demo
import Foundation
import Logging
import NIOCore
import PovertyCore
@_spi(Simulation) @testable import Storage
import Testing
import Vapor
import VaporTesting

/// The databases every web test runs on: a fresh SQLite file, and a fresh PostgreSQL database
/// when `GIAMNGHEO_TEST_POSTGRES_URL` is set (always under CI, where scripts/test.sh starts one).
enum WebDatabase: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres
    var testDescription: String { rawValue }

    static let adminURL = ProcessInfo.processInfo.environment["GIAMNGHEO_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    static var available: [WebDatabase] {
        if adminURL != nil || ProcessInfo.processInfo.environment["CI"] != nil { return [.sqlite, .postgres] }
        return [.sqlite]
    }

    /// Runs `body` with an app on a fresh database holding a small demo province and the demo accounts.
    func withApp(households: Int = 300, clock: Clock = .system, _ body: (Application, [DemoLogin]) async throws -> Void) async throws {
        try await withApp(households: households, clock: clock) { app, logins, _ in try await body(app, logins) }
    }

    /// The same, with the database's configuration (to point the command line at it).
    func withApp(households: Int = 300, clock: Clock = .system, _ body: (Application, [DemoLogin], StorageConfig) async throws -> Void) async throws {
        var config: StorageConfig
        var cleanup: () async -> Void = {}
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("giamngheo-web-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        switch self {
        case .sqlite:
            config = .sqlite(path: dir.appendingPathComponent("web.sqlite").path)
        case .postgres:
            guard let admin = WebDatabase.adminURL else {
                Issue.record("GIAMNGHEO_TEST_POSTGRES_URL is not set: run the tests through scripts/test.sh")
                throw CancellationError()
            }
            let name = "w_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            let adminStore = try Store(.postgres(url: admin))
            try await adminStore.sql.raw("CREATE DATABASE \(unsafeRaw: name)").run()
            config = .postgres(url: admin.replacingOccurrences(of: #"/[^/?]*(\?|$)"#, with: "/\(name)$1", options: .regularExpression))
            cleanup = {
                try? await adminStore.sql.raw("DROP DATABASE IF EXISTS \(unsafeRaw: name) WITH (FORCE)").run()
                await adminStore.shutdown()
            }
        }
        let app = try await Application.make(.testing)
        app.logger.logLevel = .warning
        do {
            try await configure(app, database: config, settings: WebSettings(bcryptCost: 4, uploadDirectory: dir.appendingPathComponent("uploads").path,
                                                                               loginsPerMinute: 1000, clock: clock))
            _ = try await DemoProvince(households: households).build(into: app.web.store, actor: try await app.web.store.operator("demo"))
            let logins = try await DemoSeed.createAccounts(app)
            try await body(app, logins, config)
        } catch {
            try? await app.asyncShutdown()
            await cleanup()
            try? FileManager.default.removeItem(at: dir)
            throw error
        }
        try await app.asyncShutdown()
        await cleanup()
        try? FileManager.default.removeItem(at: dir)
    }
}

/// A browser-like client: keeps cookies, knows the page's CSRF token, logs in.
final class WebClient: @unchecked Sendable {
    let app: Application
    var cookies: [String: String] = [:]
    init(_ app: Application) { self.app = app }

    struct Page {
        let status: HTTPStatus
        let headers: HTTPHeaders
        let body: String
        /// The body as sent (downloads).
        var bytes: Data = Data()
        var location: String? { headers.first(name: .location) }
        /// The value of the first hidden `_csrf` field.
        var csrf: String? {
            guard let r = body.range(of: #"name="_csrf" value=""#) else { return nil }
            return String(body[r.upperBound...].prefix { $0 != "\"" })
        }
    }

    @discardableResult
    func get(_ path: String, headers: HTTPHeaders = [:]) async throws -> Page {
        try await send(.GET, path, headers: headers, body: nil)
    }

    @discardableResult
    func post(_ path: String, form: [String: String], headers: HTTPHeaders = [:]) async throws -> Page {
        var h = headers
        h.contentType = .urlEncodedForm
        let body = form.map { "\(escape($0.key))=\(escape($0.value))" }.joined(separator: "&")
        return try await send(.POST, path, headers: h, body: ByteBuffer(string: body))
    }

    @discardableResult
    func upload(_ path: String, fileName: String, content: String, csrf: String) async throws -> Page {
        let boundary = "----giamngheo\(UUID().uuidString)"
        var body = "--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(csrf)\r\n"
        body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(fileName)\"\r\nContent-Type: text/csv\r\n\r\n\(content)\r\n--\(boundary)--\r\n"
        var h = HTTPHeaders()
        h.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
        return try await send(.POST, path, headers: h, body: ByteBuffer(string: body))
    }

    func send(_ method: HTTPMethod, _ path: String, headers: HTTPHeaders, body: ByteBuffer?) async throws -> Page {
        var h = headers
        if !cookies.isEmpty { h.replaceOrAdd(name: .cookie, value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")) }
        let response = try await app.testing().sendRequest(method, path, headers: h, body: body)
        for header in response.headers[.setCookie] {
            let pair = header.split(separator: ";").first.map(String.init) ?? ""
            guard let eq = pair.firstIndex(of: "=") else { continue }
            let name = String(pair[..<eq]), value = String(pair[pair.index(after: eq)...])
            if value.isEmpty || header.lowercased().contains("max-age=0") { cookies[name] = nil } else { cookies[name] = value }
        }
        return Page(status: response.status, headers: response.headers, body: response.body.string,
                    bytes: Data(response.body.readableBytesView))
    }

    /// Logs in through the form; returns the response to the POST.
    @discardableResult
    func login(_ username: String, _ password: String = DemoSeed.password) async throws -> Page {
        let form = try await get("/login")
        return try await post("/login", form: ["username": username, "password": password, "_csrf": form.csrf ?? ""])
    }

    private func escape(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? s
    }
}

extension Store {
    /// The command-line operator "test" (the whole province).
    var op: Actor { get async throws { try await self.operator("test") } }

    /// An account by user name (the demo's logins).
    func account(named username: String) async throws -> Account {
        guard let row = try await sql.raw("SELECT * FROM users WHERE username = \(bind: username)").first() else {
            throw StorageError.notFound(.account, username)
        }
        return try Account(row)
    }

    /// An actor limited to `scope`.
    func actor(_ scope: Scope, role: Role = .branchOfficer) async throws -> Actor {
        let (history, version) = try await snapshot()
        return Actor(accountID: nil, name: "test-branch", role: role, unitID: nil, scope: scope, channel: .cli, history: history, dataVersion: version)
    }
}
