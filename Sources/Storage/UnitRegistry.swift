import FluentKit
import PovertyCore
import SQLKit

/// A unit to create, as part of an operation.
public struct NewUnit: Sendable, Hashable {
    public var code: String
    public var name: String
    public var kind: UnitKind
    public var parentCode: String?
    public init(code: String, name: String, kind: UnitKind, parentCode: String? = nil) {
        self.code = code; self.name = name; self.kind = kind; self.parentCode = parentCode
    }
}

/// The union tree: operations effective on a date, and the history behind every query.
/// Operations run in one transaction each and leave an audit entry.
public struct UnitRegistry: Sendable {
    let store: Store

    /// Loads the whole history (units are few: thousands, not millions). The tree names units,
    /// not people: every actor may read it.
    public func history() async throws -> OrgHistory {
        try await history(on: store.sql)
    }

    func history(on sql: any SQLDatabase) async throws -> OrgHistory {
        let db = sql.fluent
        let units = try await UnitModel.query(on: db).all().map { u in
            guard let kind = UnitKind(rawValue: u.kind) else { throw StorageError.corrupt("units.kind = \(u.kind)") }
            return OrgUnit(id: try u.requireID(), code: u.code, kind: kind, from: try Day(stored: u.validFrom, column: "units.valid_from"),
                           to: try Day(stored: u.validTo, column: "units.valid_to"))
        }
        let versions = try await UnitVersionModel.query(on: db).all().map { v in
            OrgVersion(unitID: v.unitID, name: v.name, parentID: v.parentID, from: try Day(stored: v.validFrom, column: "unit_versions.valid_from"),
                       to: try Day(stored: v.validTo, column: "unit_versions.valid_to"))
        }
        let successions = try await UnitSuccessionModel.query(on: db).all().map { s in
            guard let kind = SuccessionKind(rawValue: s.kind) else { throw StorageError.corrupt("unit_successions.kind = \(s.kind)") }
            return OrgSuccession(predecessorID: s.predecessorID, successorID: s.successorID,
                                 effective: try Day(stored: s.effective, column: "unit_successions.effective"), kind: kind, primary: s.isPrimary != 0)
        }
        return OrgHistory(units: units, versions: versions, successions: successions)
    }

    // MARK: operations

    /// Creates a unit from `from` (until `to`, exclusive, if given).
    @discardableResult
    public func create(_ actor: Actor, _ unit: NewUnit, from: Day, to: Day? = nil) async throws -> Int {
        try await changeTree(actor) { db, _ in try await create(unit, from: from, to: to, actor: actor, on: db) }
    }

    /// Renames a unit from a date on.
    public func rename(_ actor: Actor, _ code: String, to name: String, on day: Day) async throws {
        try await changeTree(actor) { db, history in
            let id = try activeUnit(code, on: day, in: history)
            let parent = history.parent(of: id, on: day)
            try await changeVersion(id, code: code, name: name, parent: parent, on: day, in: history, db: db)
            try await store.audit.record("doi_ten", entity: "unit", id: id, detail: "\(code) → \(name) từ \(day.iso)", by: actor, on: db)
        }
    }

    /// Moves a unit under another parent from a date on.
    public func move(_ actor: Actor, _ code: String, under parentCode: String, on day: Day) async throws {
        try await changeTree(actor) { db, history in
            let id = try activeUnit(code, on: day, in: history)
            let parent = try activeUnit(parentCode, on: day, in: history)
            if history.ancestry(of: parent, on: day).contains(id) { throw StorageError.cycle(code) }
            guard let name = history.name(of: id, on: day) else { throw StorageError.unitNotActive(history.label(code), day) }
            try await changeVersion(id, code: code, name: name, parent: parent, on: day, in: history, db: db)
            try await store.audit.record("chuyen", entity: "unit", id: id, detail: "\(code) về \(parentCode) từ \(day.iso)", by: actor, on: db)
        }
    }

    /// Merges several units into one (a new unit, or an existing one that continues) from a date on.
    /// The merged units end the day before; their children and members pass to the successor.
    @discardableResult
    public func merge(_ actor: Actor, _ codes: [String], into target: NewUnit, on day: Day) async throws -> Int {
        try await changeTree(actor) { db, tree in
            var history = tree
            let targetID: Int
            if let existing = history.unit(code: target.code) {
                guard existing.isActive(on: day) else { throw StorageError.unitNotActive(history.label(target.code), day) }
                targetID = existing.id
            } else {
                targetID = try await create(target, from: day, to: nil, actor: actor, on: db)
                history = try await self.history(on: db)
            }
            // PostgreSQL: the units ended are locked in one order (their ids), as a transfer of
            // money between two units share-locks both: the two queue instead of deadlocking.
            try await db.lockRows(.units, try codes.filter { $0 != target.code }.map { try activeUnit($0, on: day, in: history) })
            var seen: Set<String> = []
            for code in codes where code != target.code && seen.insert(code).inserted {  // a code typed twice is one unit
                let id = try activeUnit(code, on: day, in: history)
                try await end(id, code: code, on: day, successors: [(targetID, true)], kind: .merge, in: history, db: db)
            }
            try await store.audit.record("sap_nhap", entity: "unit", id: targetID,
                                         detail: "\(codes.joined(separator: ", ")) → \(target.code) từ \(day.iso)", by: actor, on: db)
            return targetID
        }
    }

    /// Splits a unit into several new ones from a date on. Children go where `assign` says
    /// (child code → new unit code), the rest to the first (primary) part.
    @discardableResult
    public func split(_ actor: Actor, _ code: String, into parts: [NewUnit], assign: [String: String] = [:], on day: Day) async throws -> [Int] {
        try await changeTree(actor) { db, tree in
            guard !parts.isEmpty else { throw StorageError.invalid(Message("refusal.unit.at_least_new_unit")) }
            var history = tree
            let id = try activeUnit(code, on: day, in: history)
            var ids: [Int] = []
            for part in parts { ids.append(try await create(part, from: day, to: nil, actor: actor, on: db)) }
            history = try await self.history(on: db)
            var byCode: [String: Int] = [:]
            for (part, newID) in zip(parts, ids) { byCode[part.code] = newID }
            var childTarget: [Int: Int] = [:]
            for (child, part) in assign {
                guard let c = history.unit(code: child) else { throw StorageError.unknownUnit(child) }
                guard let p = byCode[part] else { throw StorageError.unknownUnit(part) }
                childTarget[c.id] = p
            }
            try await end(id, code: code, on: day, successors: ids.enumerated().map { ($1, $0 == 0) }, kind: .split,
                          childTarget: childTarget, in: history, db: db)
            try await store.audit.record("chia_tach", entity: "unit", id: id,
                                         detail: "\(code) → \(parts.map(\.code).joined(separator: ", ")) từ \(day.iso)", by: actor, on: db)
            return ids
        }
    }

    /// Ends a unit, handing its children and members to a successor.
    public func dissolve(_ actor: Actor, _ code: String, successor: String, on day: Day, reason: String = "") async throws {
        try await changeTree(actor) { db, history in
            let id = try activeUnit(code, on: day, in: history)
            let next = try activeUnit(successor, on: day, in: history)
            try await end(id, code: code, on: day, successors: [(next, true)], kind: .dissolve, in: history, db: db)
            try await store.audit.record("giai_the", entity: "unit", id: id, detail: "\(code) → \(successor) từ \(day.iso)" + (reason.isEmpty ? "" : ": \(reason)"), by: actor, on: db)
        }
    }

    // MARK: building blocks (inside a transaction)

    /// One change of the tree: the right is checked, then `body` runs in one write transaction
    /// that first bumps the tree's version, given the tree as it stands inside that transaction.
    private func changeTree<T: Sendable>(_ actor: Actor, _ body: @escaping @Sendable (any SQLDatabase, OrgHistory) async throws -> T) async throws -> T {
        try actor.require(.changeTree)
        return try await store.writeTransaction { db in
            try await store.bump(.tree, on: db)
            let before = try await history(on: db)
            let result = try await body(db, before)
            try Self.requireWhole(after: try await history(on: db), before: before)
            return result
        }
    }

    /// The tree after a change has no break it did not have before (a unit left under a unit
    /// that has ended, a loop), whatever path the change took (form, command, file): a unit
    /// created or moved under one whose end is recorded, past that end, is refused here.
    static func requireWhole(after: OrgHistory, before: OrgHistory) throws {
        let known = Set(before.breaks().map(\.unitID))
        guard let first = after.breaks().filter({ !known.contains($0.unitID) }).min(by: { ($0.day, $0.unitID) < ($1.day, $1.unitID) }) else { return }
        throw StorageError.invalid(Message("refusal.unit.tree_broken", .text(after.label(after.units[first.unitID]?.code ?? "")), .day(first.day)))
    }

    func create(_ unit: NewUnit, from: Day, to: Day?, actor: Actor, on db: any SQLDatabase) async throws -> Int {
        guard unit.kind.allows(from: from, to: to) else { throw StorageError.kindNotAllowed(unit.kind, from) }
        if try await UnitModel.query(on: db.fluent).filter(\.$code == unit.code).first() != nil {
            throw StorageError.duplicateUnit(unit.code)
        }
        guard unit.parentCode != nil || unit.kind == .provincialFederation else {
            throw StorageError.invalid(Message("refusal.unit.parent_required", .both(vi: unit.kind.vietnamese, en: unit.kind.english)))
        }
        var parentID: Int?
        if let parentCode = unit.parentCode {
            guard let row = try await UnitModel.query(on: db.fluent).filter(\.$code == parentCode).first() else {
                throw StorageError.unknownUnit(parentCode)
            }
            let parent = OrgUnit(id: try row.requireID(), code: parentCode, kind: .provincialFederation,
                                 from: try Day(stored: row.validFrom, column: "units.valid_from"),
                                 to: try Day(stored: row.validTo, column: "units.valid_to"))
            guard parent.isActive(on: from) else { throw StorageError.unitNotActive(parentCode, from) }
            parentID = parent.id
        }
        let created = UnitModel(code: unit.code, kind: unit.kind.rawValue, validFrom: from.iso, validTo: to?.iso, createdAt: store.now())
        try await created.create(on: db.fluent)
        let id = try created.requireID()
        try await UnitVersionModel(unitID: id, name: unit.name, nameFolded: TextFolding.foldForSearch(unit.name), parentID: parentID,
                                   validFrom: from.iso, validTo: to?.iso).create(on: db.fluent)
        try await store.audit.record("tao", entity: "unit", id: id, detail: "\(unit.code) \(unit.name) (\(unit.kind.rawValue)) từ \(from.iso)", by: actor, on: db)
        return id
    }

    private func activeUnit(_ code: String, on day: Day, in history: OrgHistory) throws -> Int {
        guard let unit = history.unit(code: code) else { throw StorageError.unknownUnit(code) }
        guard unit.isActive(on: day) else { throw StorageError.unitNotActive(history.label(code), day) }
        return unit.id
    }

    /// Closes the version covering `day` and opens a new one with this name and parent.
    private func changeVersion(_ id: Int, code: String, name: String, parent: Int?, on day: Day,
                               in history: OrgHistory, db: any SQLDatabase) async throws {
        guard let current = history.version(of: id, on: day) else { throw StorageError.unitNotActive(history.label(code), day) }
        if current.name == name && current.parentID == parent { return }
        if current.from == day {
            try await db.raw("""
                UPDATE unit_versions SET name = \(bind: name), name_folded = \(bind: TextFolding.foldForSearch(name)), parent_id = \(bind: parent)
                WHERE unit_id = \(bind: id) AND valid_from = \(bind: day.iso)
                """).run()
            return
        }
        try await db.raw("UPDATE unit_versions SET valid_to = \(bind: day.iso) WHERE unit_id = \(bind: id) AND valid_from = \(bind: current.from.iso)").run()
        try await db.raw("""
            INSERT INTO unit_versions (unit_id, name, name_folded, parent_id, valid_from, valid_to)
            VALUES (\(bind: id), \(bind: name), \(bind: TextFolding.foldForSearch(name)), \(bind: parent), \(bind: day.iso), \(bind: current.to?.iso))
            """).run()
    }

    /// Ends a unit on `day` (its last day is the day before), records its successors, and hands
    /// its active children and open memberships to them.
    private func end(_ id: Int, code: String, on day: Day, successors: [(Int, Bool)], kind: SuccessionKind,
                     childTarget: [Int: Int] = [:], in history: OrgHistory, db: any SQLDatabase) async throws {
        guard let unit = history.units[id], let current = history.version(of: id, on: day) else {
            throw StorageError.unitNotActive(history.label(code), day)
        }
        if let to = current.to, to > day { throw StorageError.retroactive(history.label(code), day) }
        if unit.from == day { throw StorageError.invalid(Message("refusal.unit.end_unit_day_starts")) }
        // Recorded once in force: its members pass to the successor as it is recorded, and a
        // member's unit now is their open membership (one dated ahead would take them out of
        // every branch until the day).
        guard day <= store.today else { throw StorageError.invalid(Message("refusal.unit.future_end", .text(history.label(code)), .day(day))) }
        // A unit does not pass to itself, nor to a unit of its own branch (that unit would
        // become its own parent, and every branch above it loop).
        let branch = Set(history.tree(on: day).subtree(of: id))
        for (successor, _) in successors where branch.contains(successor) {
            throw StorageError.cycle(history.units[successor]?.code ?? code)
        }
        try await db.raw("UPDATE units SET valid_to = \(bind: day.iso) WHERE id = \(bind: id)").run()
        try await db.raw("UPDATE unit_versions SET valid_to = \(bind: day.iso) WHERE unit_id = \(bind: id) AND valid_from = \(bind: current.from.iso)").run()
        for (successor, primary) in successors {
            try await db.raw("""
                INSERT INTO unit_successions (predecessor_id, successor_id, effective, kind, is_primary)
                VALUES (\(bind: id), \(bind: successor), \(bind: day.iso), \(bind: kind.rawValue), \(bind: primary ? 1 : 0))
                """).run()
        }
        guard let primary = successors.first(where: { $0.1 })?.0 ?? successors.first?.0 else {
            throw StorageError.invalid(Message("refusal.unit.successor_required"))
        }
        // Its children on the day move under the successor: those under it on the day (one moved
        // elsewhere from that very day stays where it was moved; one placed under it that day goes too).
        let tree = history.tree(on: day)
        for child in tree.children[id] ?? [] {
            let target = childTarget[child] ?? primary
            guard let childCode = history.units[child]?.code, let name = history.name(of: child, on: day) else { continue }
            try await changeVersion(child, code: childCode, name: name, parent: target, on: day, in: history, db: db)
        }
        // Open memberships pass to the primary successor: those this statement closes (one a
        // transfer or a leave closed meanwhile is that member's own, and stays so). On
        // PostgreSQL their members are locked first, in one order, as a transfer or a leave
        // locks its member before its membership: the two queue instead of deadlocking.
        if store.dialect == .postgres {
            try await db.raw("""
                SELECT id FROM members WHERE id IN (SELECT member_id FROM memberships WHERE unit_id = \(bind: id) AND left_on IS NULL)
                ORDER BY id FOR UPDATE
                """).run()
        }
        let closed = try await db.raw("UPDATE memberships SET left_on = \(bind: day.iso) WHERE unit_id = \(bind: id) AND left_on IS NULL RETURNING member_id").all()
        for member in Set(try closed.map { try $0.int("member_id") }).sorted() {
            try await db.raw("""
                INSERT INTO memberships (member_id, unit_id, joined) VALUES (\(bind: member), \(bind: primary), \(bind: day.iso))
                ON CONFLICT (member_id, joined) DO UPDATE SET unit_id = excluded.unit_id, left_on = NULL
                """).run()
        }
    }
}

extension Store {
    public var units: UnitRegistry { UnitRegistry(store: self) }
}

extension OrgHistory {
    /// A unit as a refusal names it: its last name with its code ("Công đoàn xã Gia Viễn (CDXP-GIAVIEN)"),
    /// or the code alone when no unit has it.
    func label(_ code: String) -> String {
        guard let unit = unit(code: code), let name = lastName(of: unit.id) else { return code }
        return "\(name) (\(code))"
    }
}
