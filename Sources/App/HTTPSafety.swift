import Foundation
import PovertyCore
import Storage
import Vapor

/// Where a redirect may send the browser: a page of this site, never another site, and never
/// bytes that would end the header (`back=`, `next=` and every `Location` the app sends go
/// through `target`).
public enum LocalRedirect {
    /// The characters a local target may hold, as sent: a path and a query, percent-encoded.
    private static let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/?&=%+,:@!$'()*;".unicodeScalars)

    /// `raw` if it is a path of this site (`/households?q=an`), else nil. Refused: anything not
    /// starting with one `/`, a scheme or an authority (`//evil`, `/\evil`, `/%2f%2fevil`,
    /// `/%09/evil` once decoded), control characters, spaces, backslashes, non-ASCII (Unicode
    /// slashes) and malformed percent escapes.
    public static func target(_ raw: String) -> String? {
        guard raw.hasPrefix("/"), raw.utf8.count <= 2048, raw.unicodeScalars.allSatisfy({ allowed.contains($0) }) else { return nil }
        // Decode as a browser might (more than once, for %252f), then look again at the start.
        var decoded = raw
        for _ in 0..<3 {
            guard let once = decoded.removingPercentEncoding else { return nil }  // a broken escape
            if once == decoded { break }
            decoded = once
        }
        if decoded.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || $0 == "\\" }) { return nil }
        let path = decoded.drop { $0 == "/" || $0 == " " || $0 == "\t" }
        // More than one leading slash (after dropping blanks) names another host.
        guard decoded.prefix(decoded.count - path.count).filter({ $0 == "/" }).count == 1 else { return nil }
        guard let url = URLComponents(string: raw), url.scheme == nil, url.host == nil, url.user == nil, url.port == nil else { return nil }
        return raw
    }

    /// `raw` when it is local, else the home page.
    public static func orHome(_ raw: String?) -> String { raw.flatMap(target) ?? "/" }
}

/// `Content-Disposition` for a download: the name reduced to safe ASCII for old clients, and
/// the UTF-8 name in `filename*` (RFC 6266); nothing from the name can end the header.
public enum Attachment {
    public static func disposition(_ name: String) -> String {
        let ascii = String(name.unicodeScalars.map { s -> Character in
            (s.isASCII && (CharacterSet.alphanumerics.contains(s) || "._-".unicodeScalars.contains(s))) ? Character(s) : "_"
        })
        let encoded = name.addingPercentEncoding(withAllowedCharacters: PathTag.unreserved) ?? ascii
        return "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)"
    }

    /// A file to download, never kept by a cache (the files name households and people).
    static func response(_ data: Data, name: String, contentType: String) -> Response {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: contentType)
        headers.replaceOrAdd(name: .contentDisposition, value: disposition(name))
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return Response(status: .ok, headers: headers, body: .init(data: data))
    }
}

/// Every `Location` the app sends is a local target; anything else becomes the home page.
struct LocationGuard {
    static func check(_ response: Response) {
        guard let location = response.headers.first(name: .location) else { return }
        if LocalRedirect.target(location) == nil { response.headers.replaceOrAdd(name: .location, value: "/") }
    }
}

/// Text from outside holds no control characters: a path, a query, a form or a JSON body with
/// one is refused here with 400 in the catalogue's words (PostgreSQL would refuse a NUL in
/// text with an error of its own, and nothing downstream expects them). A form's text may hold
/// line breaks and tabs (a comment); an uploaded file is read by the importers' own rules. A
/// path longer than a browser would send is refused too (414).
struct InputGuardMiddleware: AsyncMiddleware {
    static let maxURI = 4096
    /// The largest form or JSON body (1 MiB, far above any page's form): it is read here before
    /// anyone has signed in, so a stranger's request is not held in memory at an upload's size.
    /// Only the survey and members files (multipart, signed in) may be larger (`CSRFMiddleware.maxBody`).
    static let maxTextBody = 1 << 20
    static let methods: [HTTPMethod] = [.GET, .HEAD, .POST, .PUT, .PATCH, .DELETE, .OPTIONS]

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        // Methods no route answers: 405, saying which ones the app uses.
        if !Self.methods.contains(request.method) {
            throw Abort(.methodNotAllowed, headers: ["Allow": Self.methods.map(\.rawValue).joined(separator: ", ")])
        }
        let uri = request.url.string
        if uri.utf8.count > Self.maxURI { throw Abort(.uriTooLong) }
        if Self.hasControl(request.url.path.removingPercentEncoding ?? request.url.path, allowBreaks: false)
            || Self.hasControl((request.url.query ?? "").replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "\u{0}", allowBreaks: false) {
            throw StorageError.invalid(Message("input.control_characters"))
        }
        if let type = request.headers.contentType, request.method != .GET, request.method != .HEAD {
            if type == .urlEncodedForm || type == .json {
                let body = try await request.body.collect(max: Self.maxTextBody).get()
                if let body {
                    let text = String(decoding: body.readableBytesView, as: UTF8.self)
                    let decoded = type == .json ? text : (text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "\u{0}")
                    if Self.hasControl(decoded, allowBreaks: true) || (type == .json && Self.jsonEscapesControl(text)) {
                        throw StorageError.invalid(Message("input.control_characters"))
                    }
                }
            }
        }
        return try await next.respond(to: request)
    }

    /// C0 controls and DEL; with `allowBreaks`, tab, line feed and carriage return are text.
    static func hasControl(_ s: String, allowBreaks: Bool) -> Bool {
        s.unicodeScalars.contains { c in
            (c.value < 0x20 && !(allowBreaks && (c == "\t" || c == "\n" || c == "\r"))) || c.value == 0x7F
        }
    }

    /// `\u0000`…`\u001f` written as JSON escapes (other than tab, line feed, carriage return).
    static func jsonEscapesControl(_ text: String) -> Bool {
        guard text.contains("\\u") else { return false }
        let pattern = #"\\u00(0[0-8bBcCeEfF]|1[0-9a-fA-F])|\\u007[fF]"#
        return text.range(of: pattern, options: .regularExpression) != nil
    }
}
