import FluentKit
import PovertyCore
import SQLKit

/// The audit trail: every change to personal data, every read of named people and every
/// export, each under the actor's name and the channel it came through. Storage writes it
/// itself — a write's entry in the write's own transaction — so pages, the API and the
/// command line leave the same entries for the same operation.
public struct Audit: Sendable {
    let store: Store

    public struct Entry: Sendable, Equatable, Codable {
        public let at: String
        public let actor: String
        public let channel: String
        public let action: String
        public let entity: String
        public let entityID: Int?
        public let detail: String
    }

    /// An entry of `actor` in the caller's transaction.
    func record(_ action: String, entity: String, id: Int?, detail: String, by actor: Actor, on db: any SQLDatabase) async throws {
        try await record(action, entity: entity, id: id, detail: detail, name: actor.name, channel: actor.channel.rawValue, on: db)
    }

    /// An entry of someone not yet signed in (a login attempt), or of the system itself.
    func record(_ action: String, entity: String, id: Int?, detail: String, name: String, channel: String, on db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO audit_log (at, actor, channel, action, entity, entity_id, detail)
            VALUES (\(bind: store.now()), \(bind: String(name.prefix(120))), \(bind: channel), \(bind: action), \(bind: entity), \(bind: id),
                    \(bind: String(detail.prefix(2000))))
            """).run()
    }

    /// A read of named people (or an export) by `actor`, recorded on its own — on SQLite in the
    /// journal, so a page view never waits behind an import (`Journal.swift`).
    func read(_ action: String, entity: String, id: Int? = nil, detail: String, by actor: Actor) async throws {
        try await store.sessionTransaction { db in try await record(action, entity: entity, id: id, detail: detail, by: actor, on: db) }
    }

    /// An export of personal data made outside Storage's own readers (a document, a
    /// spreadsheet built by the web app or the command line from what Storage gave it).
    public func export(_ what: String, file: String, by actor: Actor) async throws {
        try actor.require(.readReports)
        try await read("xuat", entity: "export", detail: "\(what) → \(file)", by: actor)
    }

    /// The entries about one thing, oldest first (the audit's readers only). Audited as a read
    /// of named people, as the audit page is.
    public func entries(_ actor: Actor, entity: String? = nil, id: Int? = nil) async throws -> [Entry] {
        try actor.require(.readAudit)
        try? await store.flushJournal(waiting: false)
        var q: SQLQueryString = "SELECT at, actor, channel, action, entity, entity_id, detail FROM audit_log WHERE 1 = 1"
        if let entity { q.appendInterpolation(" AND entity = \(bind: entity)" as SQLQueryString) }
        if let id { q.appendInterpolation(" AND entity_id = \(bind: id)" as SQLQueryString) }
        q.appendInterpolation(" ORDER BY at, id" as SQLQueryString)
        let found = try await store.sql.raw(q).all().map(Entry.init)
        try await read("xem_danh_sach", entity: "audit_log",
                       detail: [entity.map { "đối tượng \($0)" }, id.map { "#\($0)" }, "\(found.count) dòng"].compactMap { $0 }.joined(separator: ", "), by: actor)
        return found
    }
}

extension Audit.Entry {
    init(_ row: any SQLRow) throws {
        self.init(at: try row.string("at"), actor: try row.string("actor"), channel: try row.string("channel"), action: try row.string("action"),
                  entity: try row.string("entity"), entityID: try row.optionalInt("entity_id"), detail: try row.string("detail"))
    }
}

extension Store {
    public var audit: Audit { Audit(store: self) }
}
