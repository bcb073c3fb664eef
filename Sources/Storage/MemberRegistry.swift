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
    /// Kept and changed only on the member's page (`MemberRegistry.update`); imports leave it.
    public var phone: String?

    public init(id: Int? = nil, code: String, fullName: String, citizenID: String? = nil, birthDate: Day? = nil,
                sex: CitizenID.Sex? = nil, ethnicity: String? = nil, phone: String? = nil) {
        self.id = id; self.code = code; self.fullName = fullName; self.citizenID = citizenID
        self.birthDate = birthDate; self.sex = sex; self.ethnicity = ethnicity; self.phone = phone
    }

    /// What differs from `before`, field by field (name, old → new) as the audit log says it.
    func changes(from before: MemberRecord) -> [(field: String, old: String, new: String)] {
        func shown(_ v: String?) -> String { v.map { $0.isEmpty ? "–" : $0 } ?? "–" }
        return [
            ("họ tên", before.fullName, fullName), ("CCCD", shown(before.citizenID), shown(citizenID)),
            ("ngày sinh", shown(before.birthDate?.vietnamese), shown(birthDate?.vietnamese)),
            ("giới tính", shown(before.sex?.rawValue), shown(sex?.rawValue)),
            ("dân tộc", shown(before.ethnicity), shown(ethnicity)), ("điện thoại", shown(before.phone), shown(phone)),
        ].filter { $0.1 != $0.2 }
    }

    /// The audit detail of a change from `before`: "code: field old → new; …".
    func changeDetail(from before: MemberRecord) -> String {
        "\(code): " + changes(from: before).map { "\($0.field) \($0.old) → \($0.new)" }.joined(separator: "; ")
    }
}

/// A member found by a search, with the unit they belong to today and the households of
/// the searcher's branch they live in (never another branch's).
public struct MemberHit: Sendable, Hashable, Codable {
    public let id: Int
    public let code: String
    public let fullName: String
    public let citizenID: String?
    public let unitID: Int?
    public let households: [String]
    /// For a member who has left (no current membership): the unit they last belonged to,
    /// the one whose branch keeps their history.
    public var formerUnitID: Int? = nil
}

/// Members and their membership of units over time (join, transfer, leave).
public struct MemberRegistry: Sendable {
    let store: Store

    /// Creates or updates a member by code; a new one joins `joining` (a unit of the branch)
    /// from its day. An existing member must be of the actor's branch, and a member with no
    /// unit can be created only by a province-wide actor. Returns the id and whether
    /// anything changed. Audited.
    @discardableResult
    public func save(_ actor: Actor, _ member: MemberRecord, joining: (unitID: Int, from: Day)? = nil) async throws -> (id: Int, changed: Bool) {
        try actor.require(.editMembers, unit: joining?.unitID)
        try requireText(member.fullName, "họ tên", "full name", .name)
        try requireText(member.ethnicity, "dân tộc", "ethnicity", .name)
        return try await store.writeTransaction { db in
            if let existing = try await find(code: member.code, on: db), let id = existing.id {
                try actor.requireInBranch(try await Self.homeUnit(of: id, on: db), .member, member.code)
            } else if joining == nil && !actor.scope.isWholeProvince {
                throw StorageError.invalid(Message("refusal.member.new_member_needs_unit"))
            }
            let saved = try await save(member, actor: actor, on: db)
            if let joining { _ = try await assign(memberID: saved.id, unitID: joining.unitID, from: joining.from, actor: actor, db: db) }
            if saved.changed { try await store.bump(.members, on: db) }
            return saved
        }
    }

    func save(_ m: MemberRecord, actor: Actor, on db: any SQLDatabase) async throws -> (id: Int, changed: Bool) {
        if let cid = m.citizenID, let problem = CitizenID.check(cid, birthYear: m.birthDate?.year, sex: m.sex) {
            throw StorageError.badCitizenID(cid, problem)
        }
        let now = store.now()
        let model = try await MemberModel.query(on: db.fluent).filter(\.$code == m.code).first()
        if let model, let existingID = model.id {
            let existing = try MemberRecord(model)
            let changedFields = [
                existing.fullName != m.fullName ? "họ tên" : nil, existing.citizenID != m.citizenID ? "CCCD" : nil,
                existing.birthDate != m.birthDate ? "ngày sinh" : nil, existing.sex != m.sex ? "giới tính" : nil,
                existing.ethnicity != m.ethnicity ? "dân tộc" : nil,
            ].compactMap { $0 }
            guard !changedFields.isEmpty else { return (existingID, false) }
            model.apply(m)
            model.updatedAt = now
            try await model.update(on: db.fluent)
            if existing.fullName != m.fullName { try await Store.refreshHouseholdSortKeys(ofMember: existingID, on: db) }
            try await store.audit.record("sua", entity: "member", id: existingID, detail: "\(m.code): \(changedFields.joined(separator: ", "))", by: actor, on: db)
            return (existingID, true)
        }
        let created = MemberModel()
        created.code = m.code
        created.apply(m)
        created.createdAt = now
        created.updatedAt = now
        try await created.create(on: db.fluent)
        let id = try created.requireID()
        try await store.audit.record("tao", entity: "member", id: id, detail: m.code, by: actor, on: db)
        return (id, true)
    }

    /// A member by code or by citizen ID.
    func find(code: String, on db: any SQLDatabase) async throws -> MemberRecord? {
        try await MemberModel.query(on: db.fluent)
            .group(.or) { $0.filter(\.$code == code).filter(\.$citizenID == code) }
            .sort(\.$id).first()
            .map(MemberRecord.init)
    }

    /// A member of the actor's branch by code or citizen ID (another branch's is not found).
    public func member(_ actor: Actor, code: String) async throws -> MemberRecord {
        try actor.require(.readRegistry)
        let db = try store.sql
        guard let m = try await find(code: code, on: db), let id = m.id else { throw StorageError.notFound(.member, code) }
        try actor.requireInBranch(try await Self.homeUnit(of: id, on: db), .member, code)
        try await store.audit.read("xem", entity: "member", id: id, detail: m.code, by: actor)
        return m
    }

    /// The unit a member belongs to for branch checks: their current unit, else the last one
    /// they belonged to (nil for a member who never joined a unit: province-wide actors only).
    static func homeUnit(of memberID: Int, on db: any SQLDatabase) async throws -> Int? {
        try await db.raw("""
            SELECT unit_id FROM memberships WHERE member_id = \(bind: memberID) ORDER BY \(unsafeRaw: homeOrder) LIMIT 1
            """).first()?.int("unit_id")
    }

    /// Which membership is a member's home (the one whose branch holds them): the open one,
    /// else the last. One order for the page's check and the search.
    static let homeOrder = "CASE WHEN left_on IS NULL THEN 0 ELSE 1 END, joined DESC, id DESC"


    /// Puts a member of the branch in a unit of the branch from a date: a first join, or a
    /// transfer that closes the current membership the same day (a transfer to another branch
    /// is made by an officer above both). Nothing happens if they are already there. Audited.
    @discardableResult
    public func assign(_ actor: Actor, memberID: Int, unitID: Int, from day: Day) async throws -> Bool {
        try actor.require(.editMembers, unit: unitID)
        return try await store.writeTransaction { db in
            try await lockMember(memberID, db)
            let home = try await Self.homeUnit(of: memberID, on: db)
            if home != nil || !actor.scope.isWholeProvince { try actor.requireInBranch(home, .member, "#\(memberID)") }
            return try await assign(memberID: memberID, unitID: unitID, from: day, actor: actor, db: db)
        }
    }

    /// Locks a member's row for the transaction on PostgreSQL (SQLite's writer holds the whole
    /// file): two changes of one member's memberships at once run one after the other, the
    /// second reading what the first wrote — never two open memberships.
    func lockMember(_ memberID: Int, _ db: any SQLDatabase) async throws {
        try await db.lockRows(.members, [memberID])
    }

    func assign(memberID: Int, unitID: Int, from day: Day, actor: Actor, db: any SQLDatabase) async throws -> Bool {
        try await lockMember(memberID, db)
        // Recorded once it has happened, in a unit that stands that day (not one dissolved,
        // though its successor's branch still holds it).
        guard day <= store.today else { throw StorageError.invalid(Message("refusal.member.future", .day(day))) }
        let open = try await MembershipModel.query(on: db.fluent).filter(\.$memberID == memberID).filter(\.$leftOn == nil).first()
        if let open, open.unitID == unitID { return false }
        // It stands on the day, and still stands: a move dated back into a unit that has ended
        // since would leave the member there, outside today's tree (its successor takes them).
        try await db.requireStanding(unitID, on: day)
        try await db.requireStanding(unitID, on: store.today)
        if let open {
            let joined = try Day(stored: open.joined, column: "memberships.joined")
            guard joined < day else { throw StorageError.invalid(Message("refusal.member.transfer_after_join", .day(day), .day(joined))) }
            open.leftOn = day.iso
            try await open.update(on: db.fluent)
        } else if let left = try await db.raw("SELECT MAX(left_on) AS d FROM memberships WHERE member_id = \(bind: memberID)").first()?.optionalDay("d"),
                  day < left {
            // A member who left joins again from their leaving day on: periods never overlap.
            throw StorageError.invalid(Message("refusal.member.rejoin_before_leave", .day(day), .day(left)))
        }
        try await MembershipModel(memberID: memberID, unitID: unitID, joined: day.iso).create(on: db.fluent)
        var from: String?
        if let open { from = try await db.unitCode(id: open.unitID) }
        let to = try await db.unitCode(id: unitID)
        try await store.audit.record(open == nil ? "vao_cong_doan" : "chuyen_sinh_hoat", entity: "member", id: memberID,
                                     detail: (from.map { "\($0) → " } ?? "") + "\(to) từ \(day.iso)", by: actor, on: db)
        return true
    }

    /// A member of the branch leaves the union on a date. Audited.
    public func leave(_ actor: Actor, memberID: Int, on day: Day) async throws {
        try actor.require(.editMembers)
        try await store.writeTransaction { db in
            try await lockMember(memberID, db)
            try actor.requireInBranch(try await Self.homeUnit(of: memberID, on: db), .member, "#\(memberID)")
            guard day <= store.today else { throw StorageError.invalid(Message("refusal.member.future", .day(day))) }
            guard let open = try await MembershipModel.query(on: db.fluent).filter(\.$memberID == memberID).filter(\.$leftOn == nil).first() else {
                throw StorageError.invalid(Message("refusal.member.not_in_union"))
            }
            let joined = try Day(stored: open.joined, column: "memberships.joined")
            guard joined < day else { throw StorageError.invalid(Message("refusal.member.leave_after_join", .day(day), .day(joined))) }
            open.leftOn = day.iso
            try await open.update(on: db.fluent)
            try await store.audit.record("ra_cong_doan", entity: "member", id: memberID, detail: "từ \(day.iso)", by: actor, on: db)
        }
    }

    /// The unit a member belonged to on a day.
    func unit(ofMember memberID: Int, on day: Day, db: any SQLDatabase) async throws -> Int? {
        try await MembershipModel.query(on: db.fluent)
            .filter(\.$memberID == memberID).filter(\.$joined <= day.iso)
            .group(.or) { $0.filter(\.$leftOn == nil).filter(\.$leftOn > day.iso) }
            .sort(\.$joined, .descending).first()?.unitID
    }

    /// The unit a member belonged to on a day, for a member of the actor's branch.
    public func unit(_ actor: Actor, ofMember memberID: Int, on day: Day) async throws -> Int? {
        try actor.require(.readRegistry)
        try actor.requireInBranch(try await Self.homeUnit(of: memberID, on: store.sql), .member, "#\(memberID)")
        return try await unit(ofMember: memberID, on: day, db: store.sql)
    }

    /// Finds members of the actor's branch by name (ignoring diacritics and case: `nguyen van an`
    /// finds `Nguyễn Văn An`, `dang` finds `Đặng`), by member code, or by citizen ID, with the
    /// branch's households each lives in. Audited as a read of named people.
    public func search(_ actor: Actor, _ text: String, limit: Int = 50) async throws -> [MemberHit] {
        try actor.require(.readRegistry)
        // `%` and `_` are plain characters: fold around underscores (foldForSearch would turn them
        // into spaces) and escape both in every LIKE pattern, the citizen-ID prefix included.
        let folded = text.split(separator: "_", omittingEmptySubsequences: false).map { TextFolding.foldForSearch($0) }.joined(separator: "_")
        guard !folded.isEmpty else { return [] }
        let literal = likeLiteral
        let pattern = "%" + literal(folded) + "%"
        // A member is found in the branch of their home unit, as their page is: the current
        // membership, else the last one (someone who has left stays findable where their
        // history is).
        var query: SQLQueryString = """
            SELECT m.id, m.code, m.full_name, m.citizen_id, ms.unit_id, ms.left_on FROM members m
            LEFT JOIN memberships ms ON ms.id = (SELECT id FROM memberships WHERE member_id = m.id ORDER BY \(unsafeRaw: Self.homeOrder) LIMIT 1)
            """
        if store.dialect == .sqlite && !folded.contains(where: { $0 == "%" || $0 == "_" || $0 == "\\" }) && folded.count >= 3 {
            // SQLite: the same matches by indexes — names by the trigram index (as the household
            // list's search), the code and the citizen-ID prefix (digits) by their unique keys —
            // not by reading every member's name.
            query.appendInterpolation("""
                WHERE m.id IN (SELECT rowid FROM members_fts WHERE name_folded LIKE \(bind: "%" + folded + "%")
                               UNION SELECT id FROM members WHERE code = \(bind: text)
                               UNION SELECT id FROM members WHERE citizen_id >= \(bind: text) AND citizen_id < \(bind: text + ":")
                                 AND \(bind: text.isEmpty || !text.allSatisfy { $0 >= "0" && $0 <= "9" } ? 0 : 1) = 1)
                """ as SQLQueryString)
        } else {
            query.appendInterpolation("""
                WHERE (m.name_folded LIKE \(bind: pattern) ESCAPE '\\' OR m.code = \(bind: text)
                       OR m.citizen_id LIKE \(bind: literal(text) + "%") ESCAPE '\\')
                """ as SQLQueryString)
        }
        if !actor.scope.append(to: &query, column: "ms.unit_id") { return [] }
        query.appendInterpolation(" ORDER BY m.name_folded, m.id LIMIT \(literal: max(1, min(limit, 500)))" as SQLQueryString)
        let rows = try await store.sql.raw(query).all()
        let ids = try rows.map { try $0.int("id") }
        let households = try await store.reviews.households(ofMembers: ids, scope: actor.scope)
        let hits = try rows.map {
            // A leave recorded ahead of its day has not happened yet.
            let id = try $0.int("id"), unit = try $0.optionalInt("unit_id")
            let left = try Day(stored: try $0.optionalString("left_on"), column: "memberships.left_on").map { $0 <= store.today } ?? false
            return MemberHit(id: id, code: try $0.string("code"), fullName: try $0.string("full_name"),
                             citizenID: try $0.optionalString("citizen_id"), unitID: left ? nil : unit, households: households[id] ?? [],
                             formerUnitID: left ? unit : nil)
        }
        try await store.audit.read("tim_kiem", entity: "member", detail: "\"\(text.prefix(80))\": \(hits.count)", by: actor)
        return hits
    }
}

extension MemberRegistry {
    /// Every member of the actor's branch today (in a unit of it), in Vietnamese name order,
    /// with the branch's households each lives in: the members list to download. Audited as a
    /// read of named people.
    public func roster(_ actor: Actor) async throws -> [MemberHit] {
        try actor.require(.readRegistry)
        var query: SQLQueryString = """
            SELECT m.id, m.code, m.full_name, m.citizen_id, ms.unit_id FROM members m
            JOIN memberships ms ON ms.member_id = m.id AND ms.left_on IS NULL WHERE 1 = 1
            """
        guard actor.scope.append(to: &query, column: "ms.unit_id") else { return [] }
        query.appendInterpolation(" ORDER BY m.name_sort, m.id" as SQLQueryString)
        let rows = try await store.sql.raw(query).all()
        let households = try await store.reviews.households(ofMembers: try rows.map { try $0.int("id") }, scope: actor.scope)
        let hits = try rows.map {
            let id = try $0.int("id")
            return MemberHit(id: id, code: try $0.string("code"), fullName: try $0.string("full_name"),
                             citizenID: try $0.optionalString("citizen_id"), unitID: try $0.optionalInt("unit_id"), households: households[id] ?? [])
        }
        try await store.audit.read("xem_danh_sach", entity: "member", detail: "danh sách đoàn viên: \(hits.count)", by: actor)
        return hits
    }
}

extension MemberRecord {
    init(_ model: MemberModel) throws {
        self.init(id: model.id, code: model.code, fullName: model.fullName, citizenID: model.citizenID,
                  birthDate: try Day(stored: model.birthDate, column: "members.birth_date"), sex: model.sex.flatMap(CitizenID.Sex.init(rawValue:)),
                  ethnicity: model.ethnicity, phone: model.phone)
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
