/// A sentence for a person, as a catalogue key and the values that fill its `{0}`, `{1}`…:
/// what a refusal or a problem says, written once in the catalogues (Vietnamese and English)
/// and shown in the reader's language — a page in the page's language, the command line in both.
public struct Message: Sendable, Hashable, Codable, CustomStringConvertible {
    /// A value in a message, shown the way its language writes it.
    public enum Argument: Sendable, Hashable, Codable {
        /// Shown as it is (a code, a name typed by a user).
        case text(String)
        case number(Int)
        /// Whole đồng: `1.500.000 đ` / `1,500,000 đ`.
        case money(Dong)
        /// `01/04/2025` / `2025-04-01`.
        case day(Day)
        /// A word that differs by language (a fund's or a status's name).
        case both(vi: String, en: String)
        /// Another catalogue key's text.
        case key(String)
    }

    public let key: String
    public let args: [Argument]

    public init(_ key: String, _ args: Argument...) {
        self.key = key
        self.args = args
    }

    public init(_ key: String, arguments: [Argument]) {
        self.key = key
        self.args = arguments
    }

    /// The key and its values, for a log line; people read the catalogue's text.
    public var description: String {
        args.isEmpty ? key : key + "(" + args.map(\.plain).joined(separator: ", ") + ")"
    }
}

extension Message.Argument: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    /// A cell or part of one, as it was written.
    public static func text(_ s: Substring) -> Self { .text(String(s)) }

    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int) { self = .number(value) }

    var plain: String {
        switch self {
        case .text(let s): s
        case .number(let n): String(n)
        case .money(let m): String(m)
        case .day(let d): d.iso
        case .both(let vi, _): vi
        case .key(let k): k
        }
    }
}
