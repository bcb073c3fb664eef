import Foundation
import Leaf
import LeafKit
import PovertyCore
import Vapor

/// The interface languages: Vietnamese first, English second.
public enum Language: String, CaseIterable, Sendable, Codable {
    case vi, en
}

/// Every text the interface shows, per language, read from `Resources/Localization/<lang>.json`.
/// Both catalogues must hold the same keys (checked on load and by a test).
public struct Catalogue: Sendable {
    public let texts: [Language: [String: String]]

    public struct Mismatch: Error, CustomStringConvertible {
        public let missing: [String]
        public var description: String { "catalogue keys missing in one language: \(missing.joined(separator: ", "))" }
    }

    public init(directory: String) throws {
        var texts: [Language: [String: String]] = [:]
        for lang in Language.allCases {
            let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + lang.rawValue + ".json"))
            texts[lang] = try JSONDecoder().decode([String: String].self, from: data)
        }
        let vi = Set(texts[.vi]!.keys), en = Set(texts[.en]!.keys)
        if vi != en { throw Mismatch(missing: Array(vi.symmetricDifference(en)).sorted()) }
        self.texts = texts
    }

    /// The text of a key; a missing key shows as ⟦key⟧ so a test can find it on any page.
    public func text(_ key: String, _ lang: Language) -> String {
        texts[lang]?[key] ?? "⟦\(key)⟧"
    }

    /// A text with `{0}`, `{1}`… replaced by the arguments.
    public func text(_ key: String, _ lang: Language, _ args: [String]) -> String {
        var s = text(key, lang)
        for (i, a) in args.enumerated() { s = s.replacingOccurrences(of: "{\(i)}", with: a) }
        return s
    }
}

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

extension Request {
    /// The page language: the `lang` cookie, else Vietnamese.
    var language: Language {
        (cookies["lang"]?.string).flatMap { Language(rawValue: $0) } ?? .vi
    }

    func t(_ key: String, _ args: String...) -> String {
        web.catalogue.text(key, language, args)
    }

    /// A message of the storage layer ("tiếng Việt / English") in the page language.
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

    /// A ratio as a percentage with one decimal: 12,5% (vi) or 12.5% (en).
    static func percent(_ part: Int, _ whole: Int, _ lang: Language = .vi) -> String {
        guard whole > 0 else { return "–" }
        let tenths = (part * 1000 + whole / 2) / whole
        return "\(tenths / 10)\(lang == .vi ? "," : ".")\(tenths % 10)%"
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
