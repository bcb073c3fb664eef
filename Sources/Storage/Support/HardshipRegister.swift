import Foundation
import PovertyCore
import SQLKit

/// What kind of hardship a member or household is in (the plan: seriously ill members, job
/// loss, housing difficulty, and the like).
public enum HardshipKind: String, Sendable, Codable, CaseIterable {
    case seriousIllness = "benh_hiem_ngheo"
    case accident = "tai_nan"
    case disability = "khuyet_tat"
    case jobLoss = "mat_viec_lam"
    case housing = "kho_khan_nha_o"
    case disaster = "thien_tai"
    case other = "khac"
}

/// A circumstance to record: a member's (the household follows the member's) or a household's.
public struct NewHardship: Sendable {
    public var member: String?
    public var household: String?
    public var kind: HardshipKind
    public var from: Day
    public var note: String
    /// The officer who verified it (a name, as it will be signed).
    public var verifiedBy: String

    public init(member: String? = nil, household: String? = nil, kind: HardshipKind, from: Day, note: String, verifiedBy: String) {
        self.member = member; self.household = household; self.kind = kind; self.from = from; self.note = note; self.verifiedBy = verifiedBy
    }
}

/// A circumstance as recorded.
public struct Hardship: Sendable, Hashable {
    public let id: Int
    public let memberCode: String?
    public let memberName: String?
    public let householdCode: String?
    /// The household's id, for the proposal list (not shown).
    let householdID: Int?
    /// The unit it counts in for the year it was listed for: the member's unit at the end of
    /// that year (or when it ended, if earlier), else the household's unit in that year's
    /// review, else the unit it was recorded in.
    public let unitID: Int
    /// The units of whom it names now (the member's current or last unit; the household's
    /// latest review's): an officer whose branch holds them all may end it.
    public let holderUnitIDs: [Int]
    public let kind: HardshipKind
    public let from: Day
    public let until: Day?
    public let note: String
    public let verifiedBy: String

    public func isActive(on day: Day) -> Bool { from <= day && (until.map { day < $0 } ?? true) }
}

/// One line of a unit's yearly proposal list: a household proposed for support because it is
/// poor or near-poor that year, or because of a hardship that year, neediest first.
public struct ProposalLine: Sendable, Hashable {
    public let householdCode: String
    public let name: String
    public let unitID: Int
    public let status: LivingStandard?
    public let deprivationCount: Int
    public let perCapitaIncome: Dong?
    public let hardships: [HardshipKind]
}

/// The hardship register: circumstances per member or household, dated and verified, within
/// the officer's branch; every change and every named read audited.
public struct HardshipRegister: Sendable {
    let store: Store

    /// Records a circumstance. The member or household must be of the actor's branch; it is kept
    /// with the unit the member belongs to on the day (or the household's latest review's unit).
    @discardableResult
    public func record(_ actor: Actor, _ h: NewHardship) async throws -> Int {
        try actor.require(.recordSupport)
        try requireText(h.note, "ghi chú", "note", .note)
        try requireText(h.verifiedBy, "người xác minh", "verified by", .name)
        let note = h.note.trimmingCharacters(in: .whitespacesAndNewlines), verifier = h.verifiedBy.trimmingCharacters(in: .whitespaces)
        guard !verifier.isEmpty else { throw StorageError.invalid(Message("refusal.hardship.verifier_required")) }
        guard h.from <= store.today else { throw StorageError.invalid(Message("refusal.hardship.future", .day(h.from))) }
        return try await store.writeTransaction { db in
            var memberID: Int?, householdID: Int?, unitID: Int?
            if let code = h.member?.trimmingCharacters(in: .whitespaces), !code.isEmpty {
                guard let m = try await store.members.find(code: code, on: db), let id = m.id else { throw StorageError.notFound(.member, code) }
                // The member must be of the branch now (as for every member operation), and on
                // the day it began: a year's list places it in the member's unit of that year, so
                // one dated back to when they were in another branch would be that branch's.
                let home = try await MemberRegistry.homeUnit(of: id, on: db)
                try actor.requireInBranch(home, .member, code)
                let unit = try await store.members.unit(ofMember: id, on: h.from, db: db)
                if let unit, !actor.scope.contains(unit) {
                    throw StorageError.invalid(Message("refusal.hardship.member_elsewhere", .text(code), .day(h.from)))
                }
                memberID = id
                unitID = unit ?? home
                // The member's household, when they have one the actor's branch holds (a household
                // another branch holds is neither linked nor named).
                for row in try await db.raw("""
                    SELECT hm.household_id, (SELECT r.unit_id FROM reviews r WHERE r.household_id = hm.household_id ORDER BY r.year DESC LIMIT 1) AS unit_id
                    FROM household_members hm WHERE hm.member_id = \(bind: id) AND hm.unlinked_on IS NULL ORDER BY hm.household_id
                    """).all() where householdID == nil {
                    if let u = try row.optionalInt("unit_id"), actor.scope.contains(u) { householdID = try row.int("household_id") }
                }
            }
            if let code = h.household?.trimmingCharacters(in: .whitespaces), !code.isEmpty {
                let household = try await db.household(code: code)
                try actor.scope.require(household.unitID, .household, code)
                // A member's circumstance is linked to their household: the one they live in, or
                // lived in when it began.
                if let memberID, try await db.raw("""
                    SELECT 1 FROM household_members WHERE member_id = \(bind: memberID) AND household_id = \(bind: household.id)
                      AND (unlinked_on IS NULL OR (unlinked_on > \(bind: h.from.iso) AND (linked_on IS NULL OR linked_on <= \(bind: h.from.iso))))
                    """).first() == nil {
                    throw StorageError.invalid(Message("refusal.hardship.household_not_members", .text(code), .text(h.member ?? "")))
                }
                householdID = household.id
                unitID = unitID ?? household.unitID
            }
            guard let unitID, memberID != nil || householdID != nil else { throw StorageError.invalid(Message("refusal.hardship.who")) }
            let id = try await db.raw("""
                INSERT INTO hardships (household_id, member_id, unit_id, kind, started_on, note, verified_by, entered_by, entered_at)
                VALUES (\(bind: householdID), \(bind: memberID), \(bind: unitID), \(bind: h.kind.rawValue), \(bind: h.from.iso), \(bind: note),
                        \(bind: verifier), \(bind: actor.name), \(bind: store.now())) RETURNING id
                """).first()?.int("id") ?? 0
            try await store.audit.record("hoan_canh_ghi", entity: "hardship", id: id,
                                         detail: "\(h.member ?? h.household ?? ""): \(h.kind.rawValue) từ \(h.from.iso), xác minh: \(verifier)", by: actor, on: db)
            return id
        }
    }

    /// Records that a circumstance ended (recovered, back at work, house repaired…).
    public func end(_ actor: Actor, id: Int, on day: Day) async throws {
        try actor.require(.recordSupport)
        // Before the record is looked up: whether an id exists never shows to another branch.
        guard day <= store.today else { throw StorageError.invalid(Message("refusal.hardship.future", .day(day))) }
        try await store.writeTransaction { db in
            guard let row = try await db.raw("SELECT unit_id, member_id, household_id, started_on, ended_on FROM hardships WHERE id = \(bind: id)").first() else {
                throw StorageError.notFound(.hardship, String(id))
            }
            // Whom it names must be of the branch now: the member (who takes it along when they
            // move: the new unit's officers end it, not the old one's) and the household linked
            // (its campaign priority ends with it); one naming neither, its own unit.
            let member = try row.optionalInt("member_id"), household = try row.optionalInt("household_id")
            if let member {
                try actor.requireInBranch(try await MemberRegistry.homeUnit(of: member, on: db), .hardship, String(id))
            }
            if let household {
                try actor.requireInBranch(try await db.household(id: household).unitID, .hardship, String(id))
            }
            if member == nil && household == nil {
                try actor.requireInBranch(try row.int("unit_id"), .hardship, String(id))
            }
            // Once it is known to be the branch's: not ended on a day the member was another
            // branch's (that would change that branch's list of then).
            if let member, let then = try await store.members.unit(ofMember: member, on: day, db: db), !actor.scope.contains(then) {
                throw StorageError.invalid(Message("refusal.hardship.end_elsewhere", .day(day)))
            }
            guard try row.optionalString("ended_on") == nil else { throw StorageError.invalid(Message("refusal.hardship.already_ended")) }
            let from = try Day(stored: try row.string("started_on"), column: "hardships.started_on")
            guard from < day else { throw StorageError.invalid(Message("refusal.hardship.end_after_start", .day(day), .day(from))) }
            // Only one still open: two ends at once write one, the other is refused.
            guard try await db.raw("UPDATE hardships SET ended_on = \(bind: day.iso) WHERE id = \(bind: id) AND ended_on IS NULL RETURNING id").first() != nil else {
                throw StorageError.invalid(Message("refusal.hardship.already_ended"))
            }
            try await store.audit.record("hoan_canh_ket_thuc", entity: "hardship", id: id, detail: "đến \(day.iso)", by: actor, on: db)
        }
    }

    /// The circumstances of the actor's branch that were active at some time in `year`. Audited
    /// as a read of named people.
    public func list(_ actor: Actor, year: Int) async throws -> [Hardship] {
        try actor.require(.readSupport)
        let list = try await hardships(year: year, scope: actor.scope)
        try await store.audit.read("xem_danh_sach", entity: "hardship", detail: "năm \(year): \(list.count)", by: actor)
        return list
    }

    /// The circumstances active at some time in `year`, each in the unit it counts in that
    /// year (`Hardship.unitID`), those of `scope`'s units. A household is named only when it
    /// too is of `scope` (a member who moved on keeps their hardship, not their old unit's household).
    func hardships(year: Int, scope: Scope) async throws -> [Hardship] {
        // A member is placed in the unit they were last in by the year's end (or by the day
        // before it ended, if earlier), even if they have left the union since.
        let yearEnd = min(Day.endOfYear(year), store.today).iso
        var query: SQLQueryString = "SELECT * FROM (SELECT x.id, x.household_id, x.kind, x.started_on, x.ended_on, x.note, x.verified_by, "
        query.appendInterpolation("""
            m.code AS member, m.full_name, h.code AS household,
            COALESCE(
              (SELECT ms.unit_id FROM memberships ms WHERE ms.member_id = x.member_id AND ms.joined <= \(bind: yearEnd)
                 AND (x.ended_on IS NULL OR ms.joined < x.ended_on) ORDER BY ms.joined DESC, ms.id DESC LIMIT 1),
              (SELECT r.unit_id FROM reviews r WHERE x.member_id IS NULL AND r.household_id = x.household_id AND r.year = \(bind: year)),
              x.unit_id) AS year_unit,
            (SELECT ms.unit_id FROM memberships ms WHERE ms.member_id = x.member_id
               ORDER BY CASE WHEN ms.left_on IS NULL THEN 0 ELSE 1 END, ms.joined DESC, ms.id DESC LIMIT 1) AS member_now,
            (SELECT r.unit_id FROM reviews r WHERE r.household_id = x.household_id ORDER BY r.year DESC LIMIT 1) AS household_now,
            (SELECT r.unit_id FROM reviews r WHERE r.household_id = x.household_id AND r.year = \(bind: year)) AS household_then
            FROM hardships x LEFT JOIN members m ON m.id = x.member_id LEFT JOIN households h ON h.id = x.household_id
            WHERE x.started_on <= \(bind: "\(year)-12-31") AND (x.ended_on IS NULL OR x.ended_on > \(bind: "\(year)-01-01"))) t WHERE 1 = 1
            """ as SQLQueryString)
        guard scope.append(to: &query, column: "t.year_unit") else { return [] }
        query.appendInterpolation(" ORDER BY t.started_on DESC, t.id DESC" as SQLQueryString)
        return try await store.sql.raw(query).all().map { row in
            guard let kind = HardshipKind(rawValue: try row.string("kind")) else { throw StorageError.corrupt("hardships.kind") }
            let member = try row.optionalString("member")
            // A household of no unit of `scope` that year is not named (a member's hardship still counts, as the member's).
            // The household's unit that year, else its latest (read once, also for who may end it).
            let householdNow = try row.optionalInt("household_now")
            let householdShown = try (row.optionalInt("household_then") ?? householdNow).map(scope.contains) ?? (member == nil)
            var holders = try [row.optionalInt("member_now"), row.optionalInt("household_id") == nil ? nil : householdNow].compactMap { $0 }
            if holders.isEmpty { holders = [try row.int("year_unit")] }
            return Hardship(id: try row.int("id"), memberCode: member, memberName: try row.optionalString("full_name"),
                            householdCode: householdShown ? try row.optionalString("household") : nil,
                            householdID: householdShown ? try row.optionalInt("household_id") : nil,
                            unitID: try row.int("year_unit"), holderUnitIDs: holders, kind: kind,
                            from: try Day(stored: try row.string("started_on"), column: "hardships.started_on"),
                            until: try row.optionalString("ended_on").map { try Day(stored: $0, column: "hardships.ended_on") },
                            note: try row.string("note"), verifiedBy: try row.string("verified_by"))
        }
    }

    /// Households with a circumstance active on `day`, for ranking campaign lists by need.
    func householdsInHardship(on day: Day, db: any SQLDatabase) async throws -> Set<Int> {
        Set(try await db.raw("""
            SELECT DISTINCT household_id FROM hardships
            WHERE household_id IS NOT NULL AND started_on <= \(bind: day.iso) AND (ended_on IS NULL OR ended_on > \(bind: day.iso))
            """).all().map { try $0.int("household_id") })
    }

    /// How many the proposal list of a branch holds for `year`, for the annual report: the poor
    /// and near-poor households of the year's review (`poorAndNearPoor`, counted by the report),
    /// and those with a hardship during the year — of which `added` were neither poor nor
    /// near-poor that year (members without a household on record count one each).
    func proposalCounts(year: Int, scope: Scope, poorAndNearPoor: Int) async throws -> ReportFigures.Proposals {
        let active = try await hardships(year: year, scope: scope)
        let households = Set(active.compactMap(\.householdID))
        let membersOnly = Set(active.filter { $0.householdID == nil }.compactMap(\.memberCode))
        var listed = 0
        if !households.isEmpty {
            var query: SQLQueryString = "SELECT COUNT(DISTINCT household_id) AS n FROM reviews WHERE year = \(bind: year) AND status IN ('ngheo', 'can_ngheo')"
            query.appendInterpolation(" AND household_id IN (\(unsafeRaw: households.sorted().map(String.init).joined(separator: ",")))" as SQLQueryString)
            if scope.append(to: &query, column: "unit_id") { listed = try await store.sql.raw(query).first()?.int("n") ?? 0 }
        }
        let added = households.count - listed + membersOnly.count
        return ReportFigures.Proposals(total: poorAndNearPoor + added, hardship: households.count + membersOnly.count, added: added)
    }

    /// A unit's proposal list for `year` (tổng hợp đoàn viên, người lao động là hộ nghèo, hoàn
    /// cảnh khó khăn đề xuất hỗ trợ): the poor and near-poor households of its branch in that
    /// year's review, and the households with a hardship during the year, neediest first
    /// (`Need.order`). Audited as a read of named households.
    /// A household is named as Biểu 14/15 name it: the head its row gave that year, else that year's member, else its first.
    public func proposals(_ actor: Actor, unit unitID: Int, year: Int) async throws -> [ProposalLine] {
        try actor.require(.readSupport)
        try actor.requireInBranch(unitID, .unit, String(unitID))
        let branch = Scope.predecessorsIncluded(of: unitID, in: actor.history, on: store.today).intersection(actor.scope)
        var reviewed: SQLQueryString = """
            SELECT h.id, h.code, r.unit_id, r.status, r.deprivation_count, r.per_capita_income, COALESCE(r.head_name, m.full_name, '') AS name
            FROM reviews r JOIN households h ON h.id = r.household_id LEFT JOIN members m ON m.id = COALESCE(r.member_id, h.primary_member_id)
            WHERE r.year = \(bind: year) AND r.status IN ('ngheo', 'can_ngheo')
            """
        var lines: [Int: (code: String, name: String, unit: Int, status: LivingStandard?, count: Int, income: Dong?)] = [:]
        if branch.append(to: &reviewed, column: "r.unit_id") {
            for row in try await store.sql.raw(reviewed).all() {
                lines[try row.int("id")] = (try row.string("code"), try row.string("name"), try row.int("unit_id"),
                                            LivingStandard(rawValue: try row.string("status")), try row.int("deprivation_count"), try row.int("per_capita_income"))
            }
        }
        var kinds: [Int: [HardshipKind]] = [:]
        var memberOnly: [(key: Int, code: String, name: String, unit: Int)] = []
        for h in try await hardships(year: year, scope: branch) {
            if let code = h.householdCode, let id = h.householdID {
                kinds[id, default: []].append(h.kind)
                if lines[id] == nil {
                    // The year's review only when the branch holds it (a household gone elsewhere shows no class).
                    var reviewJoin: SQLQueryString = "LEFT JOIN reviews r ON r.household_id = hh.id AND r.year = \(bind: year)"
                    if !branch.append(to: &reviewJoin, column: "r.unit_id") { reviewJoin = "LEFT JOIN reviews r ON 1 = 0" }
                    var select: SQLQueryString = "SELECT r.status, r.deprivation_count, r.per_capita_income, COALESCE(r.head_name, m.full_name, '') AS name FROM households hh "
                    select.appendInterpolation(reviewJoin)
                    select.appendInterpolation(" LEFT JOIN members m ON m.id = COALESCE(r.member_id, hh.primary_member_id) WHERE hh.id = \(bind: id)" as SQLQueryString)
                    let r = try await store.sql.raw(select).first()
                    lines[id] = (code, try r?.string("name") ?? (h.memberName ?? ""), h.unitID, (try r?.optionalString("status")).flatMap(LivingStandard.init(rawValue:)),
                                 try r?.optionalInt("deprivation_count") ?? 0, try r?.optionalInt("per_capita_income"))
                }
            } else if let member = h.memberCode {
                // A member without a household on record: proposed by name, once however many
                // circumstances (as the annual report counts them).
                if let key = memberOnly.first(where: { $0.code == member })?.key {
                    kinds[key, default: []].append(h.kind)
                } else {
                    let key = -h.id
                    kinds[key, default: []].append(h.kind)
                    memberOnly.append((key, member, h.memberName ?? member, h.unitID))
                }
            }
        }
        for m in memberOnly where lines[m.key] == nil { lines[m.key] = ("", m.name, m.unit, nil, 0, nil) }
        let ordered = Need.order(lines.map { id, l in
            NeedCandidate(householdID: id, status: l.status?.rawValue ?? "", deprivationCount: l.count, perCapitaIncome: l.income ?? .max,
                          hardship: kinds[id] != nil)
        })
        let out = ordered.compactMap { c -> ProposalLine? in
            guard let l = lines[c.householdID] else { return nil }
            return ProposalLine(householdCode: l.code, name: l.name, unitID: l.unit, status: l.status, deprivationCount: l.count,
                                perCapitaIncome: l.income, hardships: kinds[c.householdID] ?? [])
        }
        try await store.audit.read("xem_danh_sach", entity: "hardship", detail: "danh sách đề xuất năm \(year) của đơn vị \(actor.history.units[unitID]?.code ?? String(unitID)): \(out.count)", by: actor)
        return out
    }
}

extension Store {
    public var hardships: HardshipRegister { HardshipRegister(store: self) }
}
