import FluentKit

// Fluent models of the registry's tables. They stay inside Storage: repositories take and
// give PovertyCore values (`OrgUnit`, `MemberRecord`, …), never these classes. Dates are
// stored as ISO `yyyy-mm-dd` text and timestamps as ISO 8601 text, the same on SQLite and
// PostgreSQL; bulk paths (imports, roll-ups) use SQL directly on the same tables.

/// `units`: a unit of the union tree, with the days it existed.
final class UnitModel: Model, @unchecked Sendable {
    static let schema = "units"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "code") var code: String
    @Field(key: "kind") var kind: String
    @Field(key: "valid_from") var validFrom: String
    @OptionalField(key: "valid_to") var validTo: String?
    @Field(key: "created_at") var createdAt: String

    init() {}

    init(code: String, kind: String, validFrom: String, validTo: String?, createdAt: String) {
        self.code = code; self.kind = kind; self.validFrom = validFrom; self.validTo = validTo; self.createdAt = createdAt
    }
}

/// `unit_versions`: one period of a unit with a constant name and parent.
final class UnitVersionModel: Model, @unchecked Sendable {
    static let schema = "unit_versions"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "unit_id") var unitID: Int
    @Field(key: "name") var name: String
    @Field(key: "name_folded") var nameFolded: String
    @OptionalField(key: "parent_id") var parentID: Int?
    @Field(key: "valid_from") var validFrom: String
    @OptionalField(key: "valid_to") var validTo: String?

    init() {}

    init(unitID: Int, name: String, nameFolded: String, parentID: Int?, validFrom: String, validTo: String?) {
        self.unitID = unitID; self.name = name; self.nameFolded = nameFolded; self.parentID = parentID
        self.validFrom = validFrom; self.validTo = validTo
    }
}

/// `unit_successions`: which unit took over from which, on what day, and how.
final class UnitSuccessionModel: Model, @unchecked Sendable {
    static let schema = "unit_successions"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "predecessor_id") var predecessorID: Int
    @Field(key: "successor_id") var successorID: Int
    @Field(key: "effective") var effective: String
    @Field(key: "kind") var kind: String
    @Field(key: "is_primary") var isPrimary: Int

    init() {}

    init(predecessorID: Int, successorID: Int, effective: String, kind: String, isPrimary: Bool) {
        self.predecessorID = predecessorID; self.successorID = successorID; self.effective = effective
        self.kind = kind; self.isPrimary = isPrimary ? 1 : 0
    }
}
