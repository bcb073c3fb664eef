import PovertyCore
import SQLKit

/// The audit trail: every change to personal data and every export of it.
public struct Audit: Sendable {
    public let store: Store

    public struct Entry: Sendable, Equatable {
        public let at: String
        public let actor: String
        public let action: String
        public let entity: String
        public let entityID: Int?
        public let detail: String
    }

    public func record(_ action: String, entity: String, id: Int?, detail: String, actor: String, on db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO audit_log (at, actor, action, entity, entity_id, detail)
            VALUES (\(bind: store.now()), \(bind: actor), \(bind: action), \(bind: entity), \(bind: id), \(bind: detail))
            """).run()
    }

    public func entries(entity: String? = nil, id: Int? = nil, on db: (any SQLDatabase)? = nil) async throws -> [Entry] {
        let db = db ?? store.sql
        var query = SQLQueryString("SELECT at, actor, action, entity, entity_id, detail FROM audit_log WHERE 1 = 1")
        if let entity { query.appendInterpolation(" AND entity = \(bind: entity)" as SQLQueryString) }
        if let id { query.appendInterpolation(" AND entity_id = \(bind: id)" as SQLQueryString) }
        query.appendInterpolation(" ORDER BY id" as SQLQueryString)
        return try await db.raw(query).all().map {
            Entry(at: try $0.string("at"), actor: try $0.string("actor"), action: try $0.string("action"),
                  entity: try $0.string("entity"), entityID: try $0.optionalInt("entity_id"), detail: try $0.string("detail"))
        }
    }
}

extension Store {
    public var audit: Audit { Audit(store: self) }
}
