import PovertyCore
import Texts

/// What a "not found" names. An actor gets the same answer for a thing outside their branch
/// as for a thing that does not exist, so a code tells nothing about other branches.
public enum NotFound {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case unit, household, member, loan, campaign, fundEntry, support, report, account, token, fund, policy, hardship, repayment

        /// The catalogue key of the thing's name (`notfound.kind.unit`…).
        var key: String { "notfound.kind." + rawValue }
    }
}

/// Errors of the storage layer, each with a message of the catalogues (Vietnamese and English).
public enum StorageError: Refusal, Equatable {
    case unknownUnit(String)
    case duplicateUnit(String)
    case unitNotActive(String, Day)
    case kindNotAllowed(UnitKind, Day)
    case cycle(String)
    case retroactive(String, Day)
    case badCitizenID(String, CitizenID.Problem)
    case corrupt(String)
    /// A refusal of the rules: what was wrong, in the catalogues' words.
    case invalid(Message)
    /// A thing that does not exist or is outside the actor's branch (pages and the API answer 404, the same either way).
    case notFound(NotFound.Kind, String)
    /// The actor's role may not do this at all, or only a province-wide actor may (403).
    case forbidden(StorageOperation)
    /// Someone else changed the record since it was read (optimistic version): nothing was written.
    case conflict(String)

    /// What the error says, in the catalogues' words.
    public var message: Message {
        switch self {
        case .unknownUnit(let c): Message("refusal.unit.unknown", .text(c))
        case .duplicateUnit(let c): Message("refusal.unit.duplicate", .text(c))
        case let .unitNotActive(c, d): Message("refusal.unit.not_active", .text(c), .day(d))
        case let .kindNotAllowed(k, d): Message("refusal.unit.kind_not_allowed", .both(vi: k.vietnamese, en: k.english), .day(d))
        case .cycle(let c): Message("refusal.unit.cycle", .text(c))
        case let .retroactive(c, d): Message("refusal.unit.retroactive", .text(c), .day(d))
        case let .badCitizenID(id, why): Message("refusal.member.bad_citizen_id", .text(id), .key(why.key))
        case .corrupt(let what): Message("refusal.corrupt", .text(what))
        case .invalid(let message): message
        case let .notFound(kind, code): Message("refusal.not_found", .key(kind.key), .text(code))
        case .forbidden: Message("refusal.forbidden")
        case .conflict(let what): Message("refusal.conflict", .text(what))
        }
    }

}

/// An error people read: what was refused and why, in the catalogues' words. Pages and the API
/// show `message` in the reader's language; the command line and logs print `description`,
/// Vietnamese then English.
public protocol Refusal: Error, CustomStringConvertible {
    var message: Message { get }
}

extension Refusal {
    public var description: String { message.bilingual }
}
