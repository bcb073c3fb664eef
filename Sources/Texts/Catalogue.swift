import Foundation
import PovertyCore

/// The interface languages: Vietnamese first, English second.
public enum Language: String, CaseIterable, Sendable, Codable {
    case vi, en
}

/// Every text people read — pages, refusals, problems — per language, from the catalogues
/// `Resources/vi.json` and `Resources/en.json` compiled into this module. Both hold the same
/// keys (checked when loaded and by a test).
public struct Catalogue: Sendable {
    public let texts: [Language: [String: String]]

    public struct Mismatch: Error, CustomStringConvertible {
        public let missing: [String]
        public var description: String { "catalogue keys missing in one language: \(missing.joined(separator: ", "))" }
    }

    /// The catalogues built into the program.
    public static let standard: Catalogue = {
        do { return try Catalogue(vi: Data(PackageResources.vi_json), en: Data(PackageResources.en_json)) } catch {
            preconditionFailure("the built-in catalogues are broken: \(error)")
        }
    }()

    public init(vi: Data, en: Data) throws {
        let decoder = JSONDecoder()
        let texts: [Language: [String: String]] = [.vi: try decoder.decode([String: String].self, from: vi),
                                                   .en: try decoder.decode([String: String].self, from: en)]
        let viKeys = Set(texts[.vi, default: [:]].keys), enKeys = Set(texts[.en, default: [:]].keys)
        if viKeys != enKeys { throw Mismatch(missing: Array(viKeys.symmetricDifference(enKeys)).sorted()) }
        self.texts = texts
    }

    /// The keys that start with `prefix`, sorted (e.g. every audit action the app names).
    public func keys(prefix: String) -> [String] {
        (texts[.vi] ?? [:]).keys.filter { $0.hasPrefix(prefix) }.sorted()
    }

    /// Whether the catalogue has a text for the key.
    public func has(_ key: String) -> Bool { texts[.vi]?[key] != nil }

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

    /// A message in one language, its values written as that language writes them.
    public func text(_ message: Message, _ lang: Language) -> String {
        text(message.key, lang, message.args.map { value($0, lang) })
    }

    /// A message for the command line and logs: Vietnamese, then English when it differs.
    public func bilingual(_ message: Message) -> String {
        let vi = text(message, .vi), en = text(message, .en)
        return vi == en ? vi : vi + " / " + en
    }

    func value(_ arg: Message.Argument, _ lang: Language) -> String {
        switch arg {
        case .text(let s): s
        case .number(let n): String(n)
        case .money(let m): Self.money(m, lang)
        case .day(let d): lang == .vi ? d.vietnamese : d.iso
        case .both(let vi, let en): lang == .vi ? vi : en
        case .key(let k): text(k, lang)
        }
    }

    /// `1.500.000 đ` (vi) or `1,500,000 đ` (en).
    public static func money(_ amount: Dong, _ lang: Language) -> String {
        Money.format(amount, separator: UInt8(ascii: lang == .vi ? "." : ",")) + " đ"
    }
}

extension Message {
    /// Vietnamese, then English when it differs (the command line's way).
    public var bilingual: String { Catalogue.standard.bilingual(self) }

    public func text(_ lang: Language) -> String { Catalogue.standard.text(self, lang) }
}
