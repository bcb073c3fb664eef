import Foundation
import Leaf
import LeafKit
import PovertyCore
@_exported import Texts
import Vapor

/// `#t("key")` in a template: the key's text in the page's language (the context's `lang`).
struct TranslateTag: LeafTag {
    let catalogue: Catalogue
    func render(_ ctx: LeafContext) throws -> LeafData {
        guard let key = ctx.parameters.first?.string else { throw LeafError(.unknownError("#t(key) needs a key")) }
        let lang = (ctx.data["lang"]?.string).flatMap { Language(rawValue: $0) } ?? .vi
        // Further parameters fill {0}, {1}…: #t("loans.every_n", body.every).
        let args = ctx.parameters.dropFirst().map { $0.string ?? "" }
        return .string(catalogue.text(key, lang, args))
    }
}

/// `#path(code)` in a link or a form's address: a code (a household's, a unit's, a loan's…),
/// which may hold any character an officer typed ("HO/12", "A&B", "#3"), as one percent-encoded
/// path segment or query value, so the link reaches the thing it names.
struct PathTag: LeafTag {
    func render(_ ctx: LeafContext) throws -> LeafData {
        guard let value = ctx.parameters.first else { throw LeafError(.unknownError("#path(value) needs a value")) }
        let text = value.string ?? ""
        return .string(text.addingPercentEncoding(withAllowedCharacters: Self.unreserved) ?? text)
    }

    /// RFC 3986's unreserved characters: everything else is encoded.
    static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
}

extension Request {
    /// The page language: the `lang` cookie, else Vietnamese.
    var language: Language {
        (cookies["lang"]?.string).flatMap { Language(rawValue: $0) } ?? .vi
    }

    func t(_ key: String, _ args: String...) -> String {
        web.catalogue.text(key, language, args)
    }

    /// A message (a refusal, a problem) in the page language.
    func text(_ message: Message) -> String { web.catalogue.text(message, language) }

    /// A message of the survey contract ("tiếng Việt / English") in the page language.
    func localized(_ message: String) -> String { Format.pick(message, language) }
}

/// Vietnamese (and English) formats of numbers, money, dates and classes.
enum Format {
    /// 1500000 → "1.500.000" (vi) or "1,500,000" (en).
    static func number(_ n: Int, _ lang: Language = .vi) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(lang == .vi ? "." : ",") }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }

    static func money(_ d: Dong, _ lang: Language = .vi) -> String { number(d, lang) + " đ" }

    /// A ratio as a percentage with one decimal: 12,5% (vi) or 12.5% (en); a negative part (a
    /// reduction when the count grew) keeps its sign. The reports' own rule (`ReportFormat.decimal`),
    /// so a page and the document it prints show one share one way.
    static func percent(_ part: Int, _ whole: Int, _ lang: Language = .vi) -> String {
        guard whole > 0 else { return "–" }
        return ReportFormat.decimal(Ratio(part, whole), decimals: 1, scale: 100, lang == .vi ? .vi : .en) + "%"
    }

    /// ISO date or instant → 25/11/2026 (and the time, for instants, in Vietnam's time).
    static func date(_ iso: String) -> String {
        if iso.count >= 19, let date = ISO8601DateFormatter().date(from: iso) {
            let c = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(secondsFromGMT: 7 * 3600)!, from: date)
            return String(format: "%02d/%02d/%04d %02d:%02d", c.day!, c.month!, c.year!, c.hour!, c.minute!)
        }
        return Day(iso).map(\.vietnamese) ?? iso
    }

    /// A class as the catalogue names it ("Hộ nghèo", "Near-poor", …).
    static func status(_ s: LivingStandard, _ catalogue: Catalogue, _ lang: Language) -> String {
        catalogue.text("status." + s.rawValue, lang)
    }

    static func unitKind(_ k: UnitKind, _ lang: Language) -> String {
        lang == .vi ? k.vietnamese : k.english
    }

    /// The part of a bilingual "tiếng Việt / English" message in a language.
    static func pick(_ message: String, _ lang: Language) -> String {
        guard let r = message.range(of: " / ") else { return message }
        return lang == .vi ? String(message[..<r.lowerBound]) : String(message[r.upperBound...])
    }
}
