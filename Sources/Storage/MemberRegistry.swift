import FluentKit
import PovertyCore
import SQLKit

/// A union member as stored.
public struct MemberRecord: Sendable, Hashable {
    public var id: Int?
    public var code: String
    public var fullName: String
    public var citizenID: String?
    public var birthDate: Day?
    public var sex: CitizenID.Sex?
    public var ethnicity: String?

    public init(id: Int? = nil, code: String, fullName: String, citizenID: String? = nil, birthDate: Day? = nil,
                sex: CitizenID.Sex? = nil, ethnicity: String? = nil) {
        self.id = id; self.code = code; self.fullName = fullName; self.citizenID = citizenID
        self.birthDate = birthDate; self.sex = sex; self.ethnicity = ethnicity
    }
}

/// A member found by a search, with the unit they belong to today.
public struct MemberHit: Sendable, Hashable {
    public let id: Int
    public let code: String
    public let fullName: String
    public let citizenID: String?
    public let unitID: Int?
}

/// Members and their membership of units over time (join, transfer, leave).
public struct MemberRegistry: Sendable {
    public let store: Store

    /// Creates or updates a member by code. Returns the id and whether anything changed.
    @discardableResult
    public func save(_ member: MemberRecord, actor: String) async throws -> (id: Int, changed: Bool) {
        try await store.transaction { db in try await save(member, actor: actor, on: db) }
    }

    func save(_ m: MemberRecord, actor: String, on db: any SQLDatabase) async throws -> (id: Int, changed: Bool) {
        if let cid = m.citizenID, let problem = CitizenID.check(cid, birthYear: m.birthDate?.year, sex: m.sex) {
            throw StorageError.badCitizenID(cid, problem.description)
        }
        let now = store.now()
        let model = try await MemberModel.query(on: db.fluent).filter(\.$code == m.code).first()
        if let model {
            let existing = try MemberRecord(model)
            let changedFields = [
                existing.fullName != m.fullName ? "họ tên" : nil, existing.citizenID != m.citizenID ? "CCCD" : nil,
                existing.birthDate != m.birthDate ? "ngày sinh" : nil, existing.sex != m.sex ? "giới tính" : nil,
                existing.ethnicity != m.ethnicity ? "dân tộc" : nil,
            ].compactMap { $0 }
            guard !changedFields.isEmpty else { return (existing.id!, false) }
            model.apply(m)
            model.updatedAt = now
            try await model.update(on: db.fluent)
            if existing.fullName != m.fullName { try await Store.refreshHouseholdSortKeys(on: db) }
            try await store.audit.record("sua", entity: "member", id: existing.id, detail: "\(m.code): \(changedFields.joined(separator: ", "))", actor: actor, on: db)
            return (existing.id!, true)
        }
        let created = MemberModel()
        created.code = m.code
        created.apply(m)
        created.createdAt = now
        created.updatedAt = now
        try await created.create(on: db.fluent)
        let id = try created.requireID()
        try await store.audit.record("tao", entity: "member", id: id, detail: m.code, actor: actor, on: db)
        return (id, true)
    }

    /// A member by code or by citizen ID.
    public func find(code: String, on db: (any SQLDatabase)? = nil) async throws -> MemberRecord? {
        let db = db ?? store.sql
        return try await MemberModel.query(on: db.fluent)
            .group(.or) { $0.filter(\.$code == code).filter(\.$citizenID == code) }
            .sort(\.$id).first()
            .map(MemberRecord.init)
    }

    /// Puts a member in a unit from a date: a first join, or a transfer that closes the
    /// current membership the same day. Nothing happens if they are already there.
    /// Returns true when something changed.
    @discardableResult
    public func assign(memberID: Int, unitID: Int, from day: Day, actor: String, on db: (any SQLDatabase)? = nil) async throws -> Bool {
        if let db { return try await assign(memberID: memberID, unitID: unitID, from: day, actor: actor, db: db) }
        return try await store.transaction { db in try await assign(memberID: memberID, unitID: unitID, from: day, actor: actor, db: db) }
    }

    private func assign(memberID: Int, unitID: Int, from day: Day, actor: String, db: any SQLDatabase) async throws -> Bool {
        let open = try await MembershipModel.query(on: db.fluent).filter(\.$memberID == memberID).filter(\.$leftOn == nil).first()
        if let open {
            if open.unitID == unitID { return false }
            let joined = try Day(stored: open.joined, column: "memberships.joined")
            guard joined < day else { throw StorageError.invalid("ngày chuyển \(day.vietnamese) phải sau ngày vào \(joined.vietnamese) / transfer date must be after the join date") }
            open.leftOn = day.iso
            try await open.update(on: db.fluent)
        }
        try await MembershipModel(memberID: memberID, unitID: unitID, joined: day.iso).create(on: db.fluent)
        try await store.audit.record(open == nil ? "vao_cong_doan" : "chuyen_sinh_hoat", entity: "member", id: memberID,
                                     detail: "đơn vị \(unitID) từ \(day.iso)", actor: actor, on: db)
        return true
    }

    /// The member leaves the union on a date.
    public func leave(memberID: Int, on day: Day, actor: String) async throws {
        try await store.transaction { db in
            try await MembershipModel.query(on: db.fluent).filter(\.$memberID == memberID).filter(\.$leftOn == nil)
                .set(\.$leftOn, to: day.iso).update()
            try await store.audit.record("ra_cong_doan", entity: "member", id: memberID, detail: "từ \(day.iso)", actor: actor, on: db)
        }
    }

    /// The unit a member belonged to on a day.
    public func unit(ofMember memberID: Int, on day: Day, db: (any SQLDatabase)? = nil) async throws -> Int? {
        let db = db ?? store.sql
        return try await MembershipModel.query(on: db.fluent)
            .filter(\.$memberID == memberID).filter(\.$joined <= day.iso)
            .group(.or) { $0.filter(\.$leftOn == nil).filter(\.$leftOn > day.iso) }
            .sort(\.$joined, .descending).first()?.unitID
    }

    /// Finds members by name (ignoring diacritics and case: `nguyen van an` finds `Nguyễn Văn An`,
    /// `dang` finds `Đặng`), by member code, or by citizen ID. Limited to `scope`'s branch.
    public func search(_ text: String, scope: Scope, limit: Int = 50) async throws -> [MemberHit] {
        // `%` and `_` are plain characters: fold around underscores (foldForSearch would turn them
        // into spaces) and escape both in every LIKE pattern, the citizen-ID prefix included.
        let folded = text.split(separator: "_", omittingEmptySubsequences: false).map { TextFolding.foldForSearch($0) }.joined(separator: "_")
        guard !folded.isEmpty else { return [] }
        let literal = likeLiteral
        let pattern = "%" + literal(folded) + "%"
        var query: SQLQueryString = """
            SELECT m.id, m.code, m.full_name, m.citizen_id, ms.unit_id FROM members m
            LEFT JOIN memberships ms ON ms.member_id = m.id AND ms.left_on IS NULL
            WHERE (m.name_folded LIKE \(bind: pattern) ESCAPE '\\' OR m.code = \(bind: text)
                   OR m.citizen_id LIKE \(bind: literal(text) + "%") ESCAPE '\\')
            """
        if !scope.append(to: &query, column: "ms.unit_id") { return [] }
        query.appendInterpolation(" ORDER BY m.name_folded, m.id LIMIT \(literal: limit)" as SQLQueryString)
        return try await store.sql.raw(query).all().map {
            MemberHit(id: try $0.int("id"), code: try $0.string("code"), fullName: try $0.string("full_name"),
                      citizenID: try $0.optionalString("citizen_id"), unitID: try $0.optionalInt("unit_id"))
        }
    }
}

/// The branch of the tree an officer may see: everything, or a set of units (a subtree).
/// Every query over personal data takes one, so scoping lives in one place.
public struct Scope: Sendable, Hashable {
    /// nil means everything.
    public let unitIDs: Set<Int>?
    public static let everything = Scope(unitIDs: nil)

    public init(unitIDs: Set<Int>?) { self.unitIDs = unitIDs }

    /// The subtree of a unit on a day.
    public static func branch(of unitID: Int, in history: OrgHistory, on day: Day) -> Scope {
        Scope(unitIDs: Set(history.tree(on: day).subtree(of: unitID)))
    }

    public func contains(_ unitID: Int) -> Bool { unitIDs?.contains(unitID) ?? true }

    /// Appends ` AND column IN (…)` for a limited scope; false when the scope is empty (nothing to see).
    func append(to query: inout SQLQueryString, column: String) -> Bool {
        guard let units = unitIDs else { return true }
        guard !units.isEmpty else { return false }
        query.appendInterpolation(" AND \(unsafeRaw: column) IN (\(binds: units.sorted()))" as SQLQueryString)
        return true
    }
}

extension MemberRecord {
    init(_ model: MemberModel) throws {
        self.init(id: model.id, code: model.code, fullName: model.fullName, citizenID: model.citizenID,
                  birthDate: try Day(stored: model.birthDate, column: "members.birth_date"), sex: model.sex.flatMap(CitizenID.Sex.init(rawValue:)),
                  ethnicity: model.ethnicity)
    }
}

extension MemberModel {
    /// Takes every field of a record but its code and timestamps.
    func apply(_ m: MemberRecord) {
        fullName = m.fullName
        nameFolded = TextFolding.foldForSearch(m.fullName)
        nameSort = VietnameseCollation.nameSortKey(m.fullName)
        citizenID = m.citizenID
        birthDate = m.birthDate?.iso
        sex = m.sex?.rawValue
        ethnicity = m.ethnicity
    }
}

extension Store {
    public var members: MemberRegistry { MemberRegistry(store: self) }
}
