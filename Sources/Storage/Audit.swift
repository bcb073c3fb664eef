import FluentKit
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
        try await AuditEntryModel(at: store.now(), actor: actor, action: action, entity: entity, entityID: id, detail: detail)
            .create(on: db.fluent)
    }

    public func entries(entity: String? = nil, id: Int? = nil, on db: (any SQLDatabase)? = nil) async throws -> [Entry] {
        var query = AuditEntryModel.query(on: (db ?? store.sql).fluent)
        if let entity { query = query.filter(\.$entity == entity) }
        if let id { query = query.filter(\.$entityID == id) }
        return try await query.sort(\.$id).all().map {
            Entry(at: $0.at, actor: $0.actor, action: $0.action, entity: $0.entity, entityID: $0.entityID, detail: $0.detail)
        }
    }
}

extension Store {
    public var audit: Audit { Audit(store: self) }
}
