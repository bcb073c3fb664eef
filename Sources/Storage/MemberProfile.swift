import FluentKit
import PovertyCore
import SQLKit

/// A member as their page shows them: what is stored, where they have been, and the
/// households of the reader's branch they live in.
public struct MemberProfile: Sendable {
    public struct Membership: Sendable, Hashable {
        public let unitID: Int
        public let joined: Day
        public let left: Day?
    }
    public let record: MemberRecord
    /// The record's version (when it was last changed): an edit names it, and is refused if
    /// someone changed the member since.
    public let version: String
    /// Oldest first.
    public let memberships: [Membership]
    /// The unit they belong to today (nil once they left the union).
    public let currentUnitID: Int?
    public let households: [String]
}

extension MemberRegistry {
    /// A member of the actor's branch by code, with their memberships and households.
    /// Another branch's member is not found. Audited as a read of a named person.
    public func profile(_ actor: Actor, code: String) async throws -> MemberProfile {
        try actor.require(.readRegistry)
        let db = try store.sql
        guard let model = try await MemberModel.query(on: db.fluent).filter(\.$code == code).first(), let id = model.id else {
            throw StorageError.notFound(.member, code)
        }
        try actor.requireInBranch(try await Self.homeUnit(of: id, on: db), .member, code)
        let record = try MemberRecord(model)
        let memberships = try await db.raw("SELECT unit_id, joined, left_on FROM memberships WHERE member_id = \(bind: id) ORDER BY joined, id")
            .all().map { row in
                MemberProfile.Membership(unitID: try row.int("unit_id"), joined: try Day(stored: try row.string("joined"), column: "memberships.joined"),
                                         left: try row.optionalString("left_on").map { try Day(stored: $0, column: "memberships.left_on") })
            }
        let households = try await store.reviews.households(ofMembers: [id], scope: actor.scope)[id] ?? []
        try await store.audit.read("xem", entity: "member", id: id, detail: code, by: actor)
        return MemberProfile(record: record, version: model.updatedAt, memberships: memberships,
                             currentUnitID: memberships.last(where: { $0.left == nil })?.unitID, households: households)
    }

    /// Changes a member's name, citizen ID, birth date, sex, ethnicity and phone. `version` is
    /// the one the officer's form was filled from: if the member changed since, nothing is
    /// written and the officer is told (`StorageError.conflict`). The audit entry says what
    /// each changed field was and is. Returns whether anything changed.
    @discardableResult
    public func update(_ actor: Actor, code: String, to wanted: MemberRecord, version: String) async throws -> Bool {
        try actor.require(.editMembers)
        try requireText(wanted.fullName, "họ tên", "full name", .name)
        try requireText(wanted.ethnicity, "dân tộc", "ethnicity", .name)
        if let cid = wanted.citizenID, let problem = CitizenID.check(cid, birthYear: wanted.birthDate?.year, sex: wanted.sex) {
            throw StorageError.badCitizenID(cid, problem)
        }
        guard !wanted.fullName.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw StorageError.invalid(Message("refusal.member.name_required"))
        }
        if let born = wanted.birthDate, born > store.today { throw StorageError.invalid(Message("refusal.member.born_ahead", .day(born))) }
        do {
            return try await write(actor, code: code, to: wanted, version: version)
        } catch let StorageError.invalid(message) where message.key == "refusal.member.citizen_id_taken" {
            try await traceTakenCitizenID(actor, code: code, wanted.citizenID)
            throw StorageError.invalid(message)
        } catch let error where (error as? any DatabaseError)?.isConstraintFailure == true {
            // Two edits racing for one citizen ID: the later reaches the unique index, not the
            // check above; it is the same refusal, with the same trace.
            guard let cid = wanted.citizenID,
                  try await store.sql.raw("SELECT 1 AS x FROM members WHERE citizen_id = \(bind: cid) AND code <> \(bind: code)").first() != nil
            else { throw error }
            try await traceTakenCitizenID(actor, code: code, cid)
            throw StorageError.invalid(Message("refusal.member.citizen_id_taken", .text(cid)))
        }
    }

    /// Which citizen IDs are in the registry is personal: an attempt that finds one taken
    /// leaves a trace (the edit itself is rolled back).
    private func traceTakenCitizenID(_ actor: Actor, code: String, _ citizenID: String?) async throws {
        try await store.audit.read("thu_cccd_trung", entity: "member", detail: "\(code): CCCD \(citizenID ?? "") đã thuộc đoàn viên khác", by: actor)
    }

    private func write(_ actor: Actor, code: String, to wanted: MemberRecord, version: String) async throws -> Bool {
        try await store.writeTransaction { db in
            // Two officers saving at once: the second waits for the first and then sees its
            // version (SQLite's write transaction already runs one at a time).
            if store.dialect == .postgres {
                try await db.raw("SELECT id FROM members WHERE code = \(bind: code) FOR UPDATE").run()
            }
            guard let model = try await MemberModel.query(on: db.fluent).filter(\.$code == code).first(), let id = model.id else {
                throw StorageError.notFound(.member, code)
            }
            try actor.requireInBranch(try await Self.homeUnit(of: id, on: db), .member, code)
            guard model.updatedAt == version else { throw StorageError.conflict(code) }
            if let cid = wanted.citizenID, cid != model.citizenID,
               try await db.raw("SELECT 1 AS x FROM members WHERE citizen_id = \(bind: cid) AND id <> \(bind: id)").first() != nil {
                throw StorageError.invalid(Message("refusal.member.citizen_id_taken", .text(cid)))
            }
            let before = try MemberRecord(model)
            guard !wanted.changes(from: before).isEmpty else { return false }
            model.apply(wanted)
            model.phone = wanted.phone
            // A new version even within the same second, so a form read before this edit is stale.
            var now = store.now()
            if now <= model.updatedAt { now = model.updatedAt + "+" }
            model.updatedAt = now
            try await model.update(on: db.fluent)
            if before.fullName != wanted.fullName { try await Store.refreshHouseholdSortKeys(ofMember: id, on: db) }
            try await store.bump(.members, on: db)
            try await store.audit.record("sua", entity: "member", id: id,
                                         detail: wanted.changeDetail(from: before), by: actor, on: db)
            return true
        }
    }
}
