import Documents
import Foundation
import Leaf
import PovertyCore
import Storage
import Vapor

/// Who is signed in, as the page header shows it.
struct UserBadge: Encodable {
    let name: String
    let username: String
    let role: String
    let unit: String
    let mayAdminister: Bool
    let mayReadAudit: Bool
    let mayImport: Bool
}

/// The context of every page: language, user, CSRF token, and the page's own content.
struct PageContext<Body: Encodable>: Encodable {
    let lang: String
    let otherLang: String
    let title: String
    /// The tab's title: `title`, after "Lỗi:" on a form sent back with its problems.
    let tabTitle: String
    let user: UserBadge?
    let csrf: String
    let back: String
    let active: String
    let notice: String?
    /// The database holds the fictional demo province: every page says so.
    let demo: Bool
    let body: Body
}

extension Request {
    /// Why an account sees nothing, when its unit has ended (nil while it stands).
    func unitEndedNotice(_ account: Account, _ history: OrgHistory) -> String? {
        guard let unit = history.units[account.unitID], !unit.isActive(on: store.today) else { return nil }
        return t("account.unit_ended", history.lastName(of: unit.id) ?? unit.code, unit.to?.vietnamese ?? "")
    }

    /// Renders `Resources/Views/<template>.leaf` with the page context around `body`.
    func page<Body: Encodable>(_ template: String, title: String, active: String = "", status: HTTPStatus = .ok,
                               notice: String? = nil, _ body: Body) async throws -> Response {
        let lang = language
        var badge: UserBadge?
        var ended: String?
        if let u = currentUser {
            // An account of a unit that has ended sees nothing: every page says why.
            ended = unitEndedNotice(u.account, u.history)
            let unit = u.history.name(of: u.account.unitID, on: store.today) ?? u.history.lastName(of: u.account.unitID) ?? ""
            badge = UserBadge(name: u.account.displayName, username: u.account.username, role: t("role." + u.account.role.rawValue), unit: unit,
                              mayAdminister: u.permissions.allows(.manageAccounts), mayReadAudit: u.mayReadAudit,
                              mayImport: u.permissions.allows(.importSurvey))
        }
        // A form sent back with its problems says so first in the tab's title (what a screen
        // reader reads on arrival); app.js then brings the keyboard to the problem.
        let tab = status == .badRequest ? t("common.error_title", title) : title
        let context = PageContext(lang: lang.rawValue, otherLang: lang == .vi ? "en" : "vi", title: title, tabTitle: tab, user: badge,
                                  csrf: currentUser?.csrfToken ?? "", back: url.string.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/", active: active,
                                  notice: notice ?? query[String.self, at: "notice"].map { t("notice." + $0) } ?? ended,
                                  demo: (try? await web.isDemo()) ?? false, body: body)
        let view = try await view.render(template, context)
        var headers = HTTPHeaders()
        headers.contentType = .html
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return Response(status: status, headers: headers, body: .init(buffer: view.data))
    }
}

/// The API's one error body: `{"error": {"code": 404, "message": "…"}}`, the message in the catalogue's words.
struct APIError: Content {
    struct Detail: Content { let code: Int; let message: String }
    let error: Detail
}

struct ErrorBody: Encodable {
    let code: Int
    let message: String
}

/// Errors as a page in the user's language (or JSON under /api). Details of unexpected
/// errors go to the log, not to the page.
struct ErrorPageMiddleware: AsyncMiddleware {
    /// What a body that does not decode lacks, by field.
    static func message(_ error: DecodingError) -> Message {
        func path(_ context: DecodingError.Context, _ key: (any CodingKey)? = nil) -> String {
            let keys = context.codingPath + (key.map { [$0] } ?? [])
            return keys.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case let .keyNotFound(key, context): return Message("input.missing_field", .text(path(context, key)))
        case let .typeMismatch(_, context), let .valueNotFound(_, context):
            return context.codingPath.isEmpty ? Message("input.bad_body") : Message("input.wrong_type", .text(path(context)))
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? Message("input.bad_body") : Message("input.wrong_type", .text(path(context)))
        @unknown default: return Message("input.bad_body")
        }
    }

    /// The methods the routes for `path` answer: those of the routes that match it most
    /// closely (most constant segments, as the router prefers), parameters matching any segment.
    static func methods(for path: String, in routes: [Route]) -> [HTTPMethod] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        var best = -1
        var found: [HTTPMethod] = []
        for route in routes where route.path.count == segments.count {
            var constants = 0
            let matches = zip(route.path, segments).allSatisfy { component, segment in
                switch component {
                case .constant(let c): constants += 1; return c == segment
                case .parameter, .anything, .catchall: return true
                }
            }
            guard matches, constants >= best else { continue }
            if constants > best { best = constants; found = [] }
            if !found.contains(route.method) { found.append(route.method) }
        }
        return found.sorted { $0.rawValue < $1.rawValue }
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch let thrown {
            // A refusal of the storage layer is the client's mistake (400, with its reason);
            // another branch's thing is not found (404) — for pages and the API alike.
            let error: any Error = switch thrown {
            // Outside the branch and nonexistent answer alike: the same 404, the same body.
            case StorageError.notFound: Abort(.notFound)
            case StorageError.forbidden: Abort(.forbidden)
            // A row the database gives back that makes no sense is the server's fault, never
            // the officer's: 500, and logged with what it was.
            case StorageError.corrupt: thrown
            case let refused as any Refusal: Abort(.badRequest, reason: request.text(refused.message))
            // A body that does not decode: which field, in the catalogue's words (never the decoder's text).
            case let failed as DecodingError: Abort(.badRequest, reason: request.text(Self.message(failed)))
            // No LibreOffice on the server, or a conversion that failed: the PDF cannot be made
            // now (503, with the reason); the DOCX still can.
            case let failed as DocumentError:
                { () -> Abort in
                    request.logger.error("\(request.method) \(request.url.path): \(failed.description)")
                    return Abort(.serviceUnavailable, reason: failed.publicDescription)
                }()
            default: thrown
            }
            var status: HTTPStatus
            var reason: String
            var allow: [HTTPMethod] = []
            if let abort = error as? any AbortError {
                status = abort.status
                reason = abort.reason
                // No route for this method, but the path has others: 405, saying which.
                if status == .notFound, request.route == nil {
                    allow = Self.methods(for: request.url.path, in: request.application.routes.all)
                    if !allow.isEmpty { status = .methodNotAllowed; reason = "" }
                }
            } else {
                status = .internalServerError
                reason = ""
                request.logger.error("\(request.method) \(request.url.path): \(String(reflecting: error))")
            }
            let known = [400: "error.400", 401: "error.401", 403: "error.403", 404: "error.404", 405: "error.405", 413: "error.413",
                         414: "error.414", 415: "error.415", 422: "error.422", 429: "error.429"]
            let message: String
            if reason == "csrf" { message = request.t("error.csrf") }
            else if (status == .badRequest || status == .serviceUnavailable) && !reason.isEmpty && reason != status.reasonPhrase {
                message = request.localized(reason)
            }
            else { message = request.t(known[Int(status.code)] ?? "error.500") }
            reason = message
            if !request.wantsHTML {
                let response = Response(status: status)
                try response.content.encode(APIError(error: .init(code: Int(status.code), message: reason)))
                if !allow.isEmpty { response.headers.replaceOrAdd(name: .allow, value: allow.map(\.rawValue).joined(separator: ", ")) }
                if let abort = error as? any AbortError { for (name, value) in abort.headers { response.headers.replaceOrAdd(name: name, value: value) } }
                return response
            }
            return try await request.page("error", title: request.t("error.title"), status: status, ErrorBody(code: Int(status.code), message: message))
        }
    }
}
