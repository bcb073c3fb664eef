import FluentKit
import Foundation
import PovertyCore
import SQLKit

/// A gift campaign to create.
public struct NewCampaign: Sendable, Hashable {
    public var kind: CampaignKind
    public var name: String
    /// The organising unit, whose fund pays.
    public var unit: String
    public var fund: String
    public var year: Int
    public var startsOn: Day
    public var endsOn: Day
    public var budget: Dong
    /// nil: the amount the support rules set for the organiser (or its nearest ancestor).
    public var giftValue: Dong?
    public var statuses: [LivingStandard]

    public init(kind: CampaignKind, name: String, unit: String, fund: String, year: Int, startsOn: Day, endsOn: Day, budget: Dong,
                giftValue: Dong? = nil, statuses: [LivingStandard] = [.poor, .nearPoor]) {
        self.kind = kind; self.name = name; self.unit = unit; self.fund = fund; self.year = year; self.startsOn = startsOn
        self.endsOn = endsOn; self.budget = budget; self.giftValue = giftValue; self.statuses = statuses
    }
}

public struct Campaign: Sendable, Hashable {
    public let id: Int
    public let code: String
    public let kind: CampaignKind
    public let name: String
    public let unitID: Int
    public let fundCode: String
    public let year: Int
    public let startsOn: Day
    public let endsOn: Day
    public let budget: Dong
    public let giftValue: Dong
    public let statuses: [LivingStandard]
    /// Sum of approved gifts.
    public let approved: Dong
    /// Sum of gifts still proposed.
    public let proposed: Dong
    /// The day it was entered.
    public let createdOn: Day
    public var remaining: Dong { budget - approved }
    /// The first day a gift may be approved and paid: the campaign's start, or the day it was
    /// entered when that is earlier (a list approved ahead of the campaign).
    public var firstApprovalDay: Day { min(startsOn, createdOn) }
}

public enum ProposalState: String, Sendable, Codable, CaseIterable {
    case proposed, removed, approved, cancelled
}

/// A household on a campaign's list.
public struct Proposal: Sendable, Hashable {
    public let id: Int
    public let householdCode: String
    public let primaryName: String
    public let unitID: Int
    public let status: LivingStandard?
    public let deprivationCount: Int
    public let amount: Dong
    public let rank: Int
    public let hardship: Bool
    public let state: ProposalState
    public let reason: String
    public let supportID: Int?
    public let decidedBy: String?
    /// Where the household counts now (its latest review's unit): a household that moved to
    /// another branch after it was listed is changed by an officer above both.
    public let householdUnitID: Int?
}

/// Campaigns (Tháng Công nhân, Tết Sum vầy, the "Vì người nghèo" month, Mái ấm rounds):
/// proposal lists drawn from the registry in order of need, edited with reasons, approved
/// by a unit above; an approved gift becomes a support record and a disbursement from the
/// campaign's fund in the same transaction.
public struct CampaignDesk: Sendable {
    let store: Store
    public let rules: SupportRules

    /// Opens a campaign organised by a unit of the actor's branch; returns its code.
    public func create(_ actor: Actor, _ c: NewCampaign) async throws -> String {
        try actor.require(.campaignCreate)
        try requireText(c.name, "tên đợt", "campaign name", .name)
        let name = c.name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { throw StorageError.invalid(Message("refusal.campaign.campaign_needs_name")) }
        guard c.startsOn <= c.endsOn else { throw StorageError.invalid(Message("refusal.campaign.campaign_ends_before_starts")) }
        guard c.budget >= 0, c.budget <= Money.maximum else { throw StorageError.invalid(Message("refusal.campaign.invalid_budget")) }
        guard !c.statuses.isEmpty else { throw StorageError.invalid(Message("refusal.campaign.choose_at_least_class")) }
        let history = try await store.units.history()
        return try await store.writeTransaction { db in
            let unitID = try await db.unitID(code: c.unit)
            try actor.scope.require(unitID, .unit, c.unit)
            try await db.requireStanding(unitID, c.unit, on: c.startsOn)
            let fund = try await db.fund(code: c.fund)
            guard fund.kind == .support else { throw StorageError.invalid(Message("refusal.campaign.campaign_pays_from_support")) }
            let chain = history.ancestry(of: unitID, on: c.startsOn).filter { $0 != unitID }.compactMap { history.units[$0]?.code }
            let gift = c.giftValue ?? rules.giftAmount(kind: c.kind, unitCodes: [c.unit] + chain)
            // Each gift is paid from the fund: more than 0 đ.
            guard gift > 0, gift <= Money.maximum else { throw StorageError.invalid(Message("refusal.campaign.invalid_gift_value")) }
            let row = try await db.raw("""
                INSERT INTO campaigns (code, kind, name, unit_id, fund_id, year, starts_on, ends_on, budget, gift_value, statuses, state, entered_by, entered_at)
                VALUES (\(bind: "moi-" + UUID().uuidString), \(bind: c.kind.rawValue), \(bind: name), \(bind: unitID), \(bind: fund.id), \(bind: c.year),
                        \(bind: c.startsOn.iso), \(bind: c.endsOn.iso), \(bind: c.budget), \(bind: gift),
                        \(bind: c.statuses.map(\.rawValue).joined(separator: ",")), 'open', \(bind: actor.name), \(bind: store.now()))
                RETURNING id
                """).first()
            guard let id = try row?.int("id") else { throw StorageError.corrupt("campaigns: no id returned") }
            let code = "DQ\(c.startsOn.year)-\(String(format: "%04d", id))"
            try await db.raw("UPDATE campaigns SET code = \(bind: code) WHERE id = \(bind: id)").run()
            try await store.audit.record("dot_qua_tao", entity: "campaign", id: id, detail: "\(code) \(name) \(Money.format(c.budget)) đ", by: actor, on: db)
            return code
        }
    }

    /// A campaign's list (proposed and approved) never sums above `Money.maximum`, so every
    /// total of it is a whole number the databases can add. Checked after each change to the
    /// list, in its transaction, by adding in Swift with overflow checked.
    func requireListTotalInRange(_ campaignID: Int, db: any SQLDatabase) async throws {
        var total: Dong = 0
        for row in try await db.raw("""
            SELECT amount FROM campaign_proposals WHERE campaign_id = \(bind: campaignID) AND state IN ('proposed', 'approved')
            """).all() {
            let (sum, overflow) = total.addingReportingOverflow(try row.int("amount"))
            guard !overflow, sum <= Money.maximum else {
                throw StorageError.invalid(Message("refusal.campaign.list_total_too_large", .money(Money.maximum)))
            }
            total = sum
        }
    }

    private static let campaignColumns = """
        c.*, f.code AS fund_code,
        (SELECT CAST(COALESCE(SUM(p.amount), 0) AS BIGINT) FROM campaign_proposals p WHERE p.campaign_id = c.id AND p.state = 'approved') AS approved_sum,
        (SELECT CAST(COALESCE(SUM(p.amount), 0) AS BIGINT) FROM campaign_proposals p WHERE p.campaign_id = c.id AND p.state = 'proposed') AS proposed_sum
        FROM campaigns c JOIN funds f ON f.id = c.fund_id
        """

    /// The campaigns the actor can take part in, newest first: those organised in their branch
    /// and those of a unit above that reach it. A campaign's name and budget are not personal:
    /// officers below the organiser see it so they can propose their households.
    public func campaigns(_ actor: Actor) async throws -> [Campaign] {
        try actor.require(.readCampaigns)
        let all = try await store.sql.raw("SELECT \(unsafeRaw: Self.campaignColumns) ORDER BY c.starts_on DESC, c.id DESC").all().map(Campaign.init)
        return all.filter { visible($0, to: actor) }
    }

    /// Whether `actor` takes part in `c`: organised in their branch or by a unit above them.
    /// Another campaign is, to them, as unknown as one that does not exist — to read or to change.
    private func visible(_ c: Campaign, to actor: Actor) -> Bool {
        guard !actor.scope.isWholeProvince else { return true }
        let mine = actor.unitID.map { Set(actor.history.ancestry(of: $0, on: store.today)) } ?? []
        return actor.scope.contains(c.unitID) || mine.contains(c.unitID)
    }

    /// A campaign `actor` takes part in, read inside a transaction (not found otherwise).
    private func campaign(_ code: String, for actor: Actor, db: any SQLDatabase) async throws -> Campaign {
        let c = try await campaign(code, db: db)
        guard visible(c, to: actor) else { throw StorageError.notFound(.campaign, code) }
        return c
    }

    /// One campaign the actor can take part in (see `campaigns`).
    public func campaign(_ actor: Actor, _ code: String) async throws -> Campaign {
        try actor.require(.readCampaigns)
        guard let c = try await campaigns(actor).first(where: { $0.code == code }) else { throw StorageError.notFound(.campaign, code) }
        return c
    }

    /// Locks the campaign's row for the rest of the transaction (PostgreSQL; SQLite's write
    /// transaction already holds the database), so two approvals or edits of one list queue.
    private func lock(_ code: String, db: any SQLDatabase) async throws {
        try await db.raw("UPDATE campaigns SET state = state WHERE code = \(bind: code)").run()
    }

    /// Refuses a unit outside the organiser's branch: a campaign only reaches households under it.
    private func requireUnderOrganiser(_ unitID: Int, _ c: Campaign, history: OrgHistory, on day: Day, what: String) throws {
        guard Scope.predecessorsIncluded(of: c.unitID, in: history, on: day).contains(unitID) else {
            throw StorageError.invalid(Message("refusal.campaign.not_under_organiser", .text(what), .text(c.code)))
        }
    }

    /// Locks a campaign and resolves the unit whose list is acted on: in the actor's branch and
    /// under the organiser on `day` (nil: the campaign's first day).
    private func locked(_ code: String, unit unitCode: String, on day: Day?, actor: Actor, history: OrgHistory,
                        db: any SQLDatabase) async throws -> (Campaign, Int) {
        let scope = actor.scope
        try await lock(code, db: db)
        let c = try await campaign(code, for: actor, db: db)
        let unitID = try await db.unitID(code: unitCode)
        try scope.require(unitID, .unit, unitCode)
        try requireUnderOrganiser(unitID, c, history: history, on: day ?? c.startsOn, what: unitCode)
        return (c, unitID)
    }

    func campaign(_ code: String, db: any SQLDatabase) async throws -> Campaign {
        guard let row = try await db.raw("SELECT \(unsafeRaw: Self.campaignColumns) WHERE c.code = \(bind: code)").first() else {
            throw StorageError.notFound(.campaign, code)
        }
        return try Campaign(row)
    }

    /// Adds to a campaign's list the households of a unit's branch whose latest review (up
    /// to the campaign's year) is in the campaign's classes, in order of need, skipping those
    /// already listed and, for Mái ấm, those that had a house within the rules' period.
    /// Returns how many were added.
    @discardableResult
    public func draw(_ actor: Actor, _ code: String, unit unitCode: String) async throws -> Int {
        try actor.require(.campaignEditList)
        let scope = actor.scope
        let history = try await store.units.history()
        return try await store.writeTransaction { db in
            let (c, unitID) = try await locked(code, unit: unitCode, on: nil, actor: actor, history: history, db: db)
            let branch = Scope.predecessorsIncluded(of: unitID, in: history, on: c.startsOn).intersection(scope)
            guard let units = branch.unitIDs, !units.isEmpty else { return 0 }
            // Where a household must count now to be drawn: the unit's branch today, within the
            // actor's (its list is approved above it, by officers of that branch).
            let now = Scope.predecessorsIncluded(of: unitID, in: history, on: store.today).intersection(scope)
            var candidates: [NeedCandidate] = []
            // The branch's latest review round up to the campaign's year (another branch's newer
            // round does not hide this one's; a household absent from it is not drawn).
            var latest: Int?
            for chunk in stride(from: 0, to: units.count, by: 500).map({ Array(units.sorted()[$0..<min($0 + 500, units.count)]) }) {
                let y = try await db.raw("SELECT MAX(year) AS y FROM reviews WHERE year <= \(bind: c.year) AND unit_id IN (\(binds: chunk))")
                    .first()?.optionalInt("y")
                latest = [latest, y].compactMap { $0 }.max()
            }
            guard let year = latest else { return 0 }
            var unitOf: [Int: Int] = [:]
            // Households in hardship when the campaign starts (the register) go first within their class.
            let hardship = try await store.hardships.householdsInHardship(on: c.startsOn, db: db)
            for chunk in stride(from: 0, to: units.count, by: 500).map({ Array(units.sorted()[$0..<min($0 + 500, units.count)]) }) {
                let rows = try await db.raw("""
                    SELECT r.household_id, r.unit_id, r.status, r.deprivation_count, r.per_capita_income,
                           (SELECT r4.unit_id FROM reviews r4 WHERE r4.household_id = r.household_id ORDER BY r4.year DESC LIMIT 1) AS now_unit
                    FROM reviews r
                    WHERE r.year = \(bind: year) AND r.status IN (\(binds: c.statuses.map(\.rawValue))) AND r.unit_id IN (\(binds: chunk))
                      AND NOT EXISTS (SELECT 1 FROM campaign_proposals p WHERE p.campaign_id = \(bind: c.id) AND p.household_id = r.household_id)
                    """).all()
                // Not a household that counts in another branch now (a later review moved it away).
                for row in rows where now.contains(try row.int("now_unit")) {
                    let id = try row.int("household_id")
                    unitOf[id] = try row.int("unit_id")
                    candidates.append(NeedCandidate(householdID: id, status: try row.string("status"), deprivationCount: try row.int("deprivation_count"),
                                                    perCapitaIncome: try row.int("per_capita_income"), hardship: hardship.contains(id)))
                }
            }
            if c.kind == .maiAm {
                var kept: [NeedCandidate] = []
                for candidate in candidates where try await maiAmAllowed(candidate.householdID, on: c.startsOn, db: db) { kept.append(candidate) }
                candidates = kept
            }
            let base = try await db.raw("SELECT COALESCE(MAX(rank), 0) AS r FROM campaign_proposals WHERE campaign_id = \(bind: c.id)").first()?.int("r") ?? 0
            for (i, candidate) in Need.order(candidates).enumerated() {
                try await db.raw("""
                    INSERT INTO campaign_proposals (campaign_id, household_id, unit_id, amount, rank, hardship, state, reason)
                    VALUES (\(bind: c.id), \(bind: candidate.householdID), \(bind: unitOf[candidate.householdID] ?? unitID), \(bind: c.giftValue),
                            \(bind: base + i + 1), \(bind: candidate.hardship ? 1 : 0), 'proposed',
                            \(bind: "theo danh sách rà soát \(year)" + (candidate.hardship ? ", có hoàn cảnh khó khăn" : "")))
                    """).run()
            }
            try await requireListTotalInRange(c.id, db: db)
            // Nothing drawn changes nothing, and leaves no entry.
            if !candidates.isEmpty {
                try await store.audit.record("dot_qua_lap_danh_sach", entity: "campaign", id: c.id, detail: "\(c.code) \(unitCode): \(candidates.count) hộ",
                                             by: actor, on: db)
            }
            return candidates.count
        }
    }

    private func maiAmAllowed(_ householdID: Int, on day: Day, db: any SQLDatabase) async throws -> Bool {
        rules.maiAmAllowed(given: try await db.maiAmHouses(householdID), on: day)
    }

    /// Adds one household by hand (a hardship such as serious illness, say), with the reason.
    public func add(_ actor: Actor, _ code: String, household: String, amount: Dong? = nil, reason: String, hardship: Bool = true) async throws {
        try actor.require(.campaignEditList)
        try requireText(reason, "lý do", "reason", .note)
        let scope = actor.scope
        let reason = reason.trimmingCharacters(in: .whitespaces)
        guard !reason.isEmpty else { throw StorageError.invalid(Message("refusal.campaign.proposal_reason_required")) }
        let history = try await store.units.history()
        try await store.writeTransaction { db in
            try await lock(code, db: db)
            let c = try await campaign(code, for: actor, db: db)
            let h = try await db.household(code: household)
            try scope.require(h.unitID, .household, household)
            guard let unitID = h.unitID else { throw StorageError.notFound(.household, household) }
            try requireUnderOrganiser(unitID, c, history: history, on: c.startsOn, what: household)
            // A household taken off the list, or whose gift was cancelled (a mistake), goes back on it.
            var revived: (id: Int, state: String)?
            if let row = try await db.raw("SELECT id, state, unit_id FROM campaign_proposals WHERE campaign_id = \(bind: c.id) AND household_id = \(bind: h.id)").first() {
                let state = try row.string("state")
                guard state == ProposalState.removed.rawValue || state == ProposalState.cancelled.rawValue else {
                    throw StorageError.invalid(Message("refusal.campaign.already_listed", .text(household), .text(c.code)))
                }
                // The row is the branch's it was listed under, as for a change of it.
                try scope.require(try row.int("unit_id"), .household, household)
                revived = (try row.int("id"), state)
            }
            if c.kind == .maiAm { try await db.requireMaiAmAllowed(h.id, household, on: c.startsOn, rules: rules) }
            let value = amount ?? c.giftValue
            try Self.requireGift(value)
            let rank = try await db.raw("SELECT COALESCE(MAX(rank), 0) AS r FROM campaign_proposals WHERE campaign_id = \(bind: c.id)").first()?.int("r") ?? 0
            if let revived {
                try await db.raw("""
                    UPDATE campaign_proposals SET state = 'proposed', unit_id = \(bind: unitID), amount = \(bind: value), rank = \(bind: rank + 1),
                        hardship = \(bind: hardship ? 1 : 0), reason = \(bind: reason), support_id = NULL, decided_by = NULL, decided_at = NULL
                    WHERE id = \(bind: revived.id)
                    """).run()
            } else {
                try await db.raw("""
                    INSERT INTO campaign_proposals (campaign_id, household_id, unit_id, amount, rank, hardship, state, reason)
                    VALUES (\(bind: c.id), \(bind: h.id), \(bind: unitID), \(bind: value), \(bind: rank + 1), \(bind: hardship ? 1 : 0), 'proposed', \(bind: reason))
                    """).run()
            }
            try await requireListTotalInRange(c.id, db: db)
            let again = revived.map { $0.state == ProposalState.cancelled.rawValue ? "thêm lại (quà cũ đã huỷ), " : "thêm lại (đã bỏ), " } ?? ""
            try await store.audit.record("dot_qua_them_ho", entity: "household", id: h.id,
                                         detail: "\(c.code): \(again)\(Money.format(value)) đ \(reason)", by: actor, on: db)
        }
    }

    /// A gift is paid from a fund: more than 0 đ (a household that gets nothing is taken off the list).
    static func requireGift(_ amount: Dong) throws {
        guard amount > 0 else { throw StorageError.invalid(Message("refusal.campaign.gift_positive")) }
        guard amount <= Money.maximum else { throw StorageError.invalid(Message("refusal.invalid_amount")) }
    }

    /// Takes a household off the list, or changes its amount, with the reason.
    public func edit(_ actor: Actor, _ code: String, household: String, remove: Bool, amount: Dong? = nil, reason: String) async throws {
        try actor.require(.campaignEditList)
        try requireText(reason, "lý do", "reason", .note)
        let scope = actor.scope
        let reason = reason.trimmingCharacters(in: .whitespaces)
        guard !reason.isEmpty else { throw StorageError.invalid(Message("refusal.reason_required")) }
        try await store.writeTransaction { db in
            try await lock(code, db: db)
            let c = try await campaign(code, for: actor, db: db)
            let h = try await db.household(code: household)
            guard let row = try await db.raw("""
                SELECT id, unit_id, state FROM campaign_proposals WHERE campaign_id = \(bind: c.id) AND household_id = \(bind: h.id)
                """).first() else { throw StorageError.notFound(.household, household) }
            try scope.require(try row.int("unit_id"), .household, household)
            try scope.require(h.unitID, .household, household)  // and where the household counts now
            guard try row.string("state") == ProposalState.proposed.rawValue else {
                throw StorageError.invalid(Message("refusal.campaign.proposed_households_changed"))
            }
            if remove {
                try await db.raw("UPDATE campaign_proposals SET state = 'removed', reason = \(bind: reason) WHERE id = \(bind: try row.int("id"))").run()
            } else {
                guard let amount else { throw StorageError.invalid(Message("refusal.invalid_amount")) }
                try Self.requireGift(amount)
                try await db.raw("UPDATE campaign_proposals SET amount = \(bind: amount), reason = \(bind: reason) WHERE id = \(bind: try row.int("id"))").run()
            }
            try await requireListTotalInRange(c.id, db: db)
            try await store.audit.record(remove ? "dot_qua_bo_ho" : "dot_qua_sua_muc", entity: "household", id: h.id,
                                         detail: "\(c.code): \(amount.map { Money.format($0) + " đ " } ?? "")\(reason)", by: actor, on: db)
        }
    }

    /// The list of a campaign in the actor's branch, in rank order. Audited.
    public func proposals(_ actor: Actor, _ code: String) async throws -> [Proposal] {
        let c = try await campaign(actor, code)
        let found = try await proposals(c, scope: actor.scope)
        try await store.audit.read("xem_danh_sach", entity: "campaign", id: c.id, detail: "\(c.code): \(found.count) hộ", by: actor)
        return found
    }

    func proposals(_ c: Campaign, scope: Scope) async throws -> [Proposal] {
        var query: SQLQueryString = """
            SELECT p.*, h.code AS household_code, COALESCE(m.full_name, '') AS primary_name, r.status, COALESCE(r.deprivation_count, 0) AS dep,
                   (SELECT r5.unit_id FROM reviews r5 WHERE r5.household_id = p.household_id ORDER BY r5.year DESC LIMIT 1) AS household_unit
            FROM campaign_proposals p JOIN households h ON h.id = p.household_id LEFT JOIN members m ON m.id = h.primary_member_id
            LEFT JOIN reviews r ON r.household_id = p.household_id
                 AND r.year = (SELECT MAX(r2.year) FROM reviews r2 WHERE r2.household_id = p.household_id AND r2.year <= \(bind: c.year))
            WHERE p.campaign_id = \(bind: c.id)
            """
        guard scope.append(to: &query, column: "p.unit_id") else { return [] }
        query.appendInterpolation(" ORDER BY p.rank" as SQLQueryString)
        return try await store.sql.raw(query).all().map { row in
            let state = try row.string("state")
            guard let s = ProposalState(rawValue: state) else { throw StorageError.corrupt("campaign_proposals.state = \(state)") }
            return Proposal(id: try row.int("id"), householdCode: try row.string("household_code"), primaryName: try row.string("primary_name"),
                            unitID: try row.int("unit_id"), status: try row.optionalStatus("status"),
                            deprivationCount: try row.int("dep"), amount: try row.int("amount"), rank: try row.int("rank"),
                            hardship: try row.int("hardship") != 0, state: s, reason: try row.string("reason"),
                            supportID: try row.optionalInt("support_id"), decidedBy: try row.optionalString("decided_by"),
                            householdUnitID: try row.optionalInt("household_unit"))
        }
    }

    /// Approves the proposed households of a unit's branch. The approver must sit above every
    /// proposing unit: a unit never approves its own households (`approverUnitID` nil: the
    /// command line, for the whole province). Each gift
    /// becomes a support record paid from the campaign's fund at the organiser, all in one
    /// transaction: if the budget or the fund is short, nothing is approved. Dated `day` (none:
    /// today, or the campaign's last day once it is over), within the campaign: from `Campaign.firstApprovalDay` to its last day.
    @discardableResult
    public func approve(_ actor: Actor, _ code: String, unit unitCode: String, day asked: Day?) async throws -> Int {
        try actor.require(.campaignApprove)
        let scope = actor.scope, approverUnitID = actor.actingUnit
        let history = try await store.units.history()
        return try await store.writeTransaction { db in
            // No day given: today, or the campaign's last day once it is over (as the form proposes).
            let day: Day
            if let asked { day = asked } else { day = min(store.today, try await campaign(code, db: db).endsOn) }
            let (c, unitID) = try await locked(code, unit: unitCode, on: day, actor: actor, history: history, db: db)
            // A Mái ấm house is once in so many years whichever campaign gives it: no import
            // runs while the list is read and given (`lockHouseholdBatches`), and on PostgreSQL
            // the households are locked (in one order) before their houses are read, so two
            // campaigns approved at once cannot both give one.
            if c.kind == .maiAm { try await db.lockHouseholdBatches(alone: true) }
            // Gifts are dated within the campaign: not before it, nor after its last day (nor
            // after today: the ledger refuses that).
            guard day >= c.firstApprovalDay else {
                throw StorageError.invalid(Message("refusal.campaign.day_before_campaign", .day(day), .day(c.firstApprovalDay)))
            }
            guard day <= c.endsOn else { throw StorageError.invalid(Message("refusal.campaign.day_after_campaign", .day(day), .day(c.endsOn))) }
            // The gifts are paid from the organiser's fund: the organiser stands on the day.
            try await db.requireStanding(c.unitID, on: day)
            // The unit's branch on the day, and only what is in the approver's own branch today.
            let branch = Scope.predecessorsIncluded(of: unitID, in: history, on: day).intersection(scope)
            var query: SQLQueryString = """
                SELECT p.id, p.household_id, p.amount, p.unit_id, h.code,
                       (SELECT r4.unit_id FROM reviews r4 WHERE r4.household_id = p.household_id ORDER BY r4.year DESC LIMIT 1) AS now_unit
                FROM campaign_proposals p JOIN households h ON h.id = p.household_id
                WHERE p.campaign_id = \(bind: c.id) AND p.state = 'proposed'
                """
            guard branch.append(to: &query, column: "p.unit_id") else { return 0 }
            query.appendInterpolation(" ORDER BY p.rank" as SQLQueryString)
            let rows = try await db.raw(query).all()
            // Proposals filed under a unit that has merged into the approver (by the day, or
            // since) are its own too.
            if let approver = approverUnitID, try rows.contains(where: { row in
                let unit = try row.int("unit_id")
                return unit == approver || [day, store.today].contains { history.successor(of: unit, on: $0) == approver }
            }) {
                throw StorageError.invalid(Message("refusal.campaign.list_approved_unit_above"))
            }
            // A household is given a gift by the branch it counts in now: one that has moved to a
            // unit outside the approver's branch since it was listed is named, to be taken off by
            // an officer above both branches (as its support is corrected).
            if let moved = try rows.first(where: { row in !scope.contains(try row.optionalInt("now_unit") ?? row.int("unit_id")) }) {
                throw StorageError.invalid(Message("refusal.campaign.household_moved", .text(try moved.string("code"))))
            }
            // A gift of 0 đ (listed before they were refused) is named, not a failure of the whole list.
            if let zero = try rows.first(where: { try $0.int("amount") <= 0 }) {
                throw StorageError.invalid(Message("refusal.campaign.gift_zero_listed", .text(try zero.string("code"))))
            }
            let total = try rows.reduce(0) { $0 + (try $1.int("amount")) }
            guard total <= c.remaining else {
                throw StorageError.invalid(Message("refusal.campaign.over_budget", .money(total), .money(c.remaining)))
            }
            let organiser = try await db.unitCode(id: c.unitID)
            let fund = try await db.fund(code: c.fundCode)
            let held = try await db.raw("SELECT balance FROM fund_balances WHERE fund_id = \(bind: fund.id) AND unit_id = \(bind: c.unitID)")
                .first()?.int("balance") ?? 0
            guard total <= held else {
                // The balance only to one whose branch holds the organiser's ledger.
                guard scope.contains(c.unitID) else {
                    throw StorageError.invalid(Message("refusal.campaign.fund_short_above", .both(vi: fund.nameVi, en: fund.nameEn), .text(organiser),
                                                       .money(total), .number(rows.count)))
                }
                throw StorageError.invalid(Message("refusal.campaign.fund_short", .both(vi: fund.nameVi, en: fund.nameEn), .text(organiser), .money(held), .money(total), .number(rows.count)))
            }
            if c.kind == .maiAm { try await db.lockRows(.households, try rows.map { try $0.int("household_id") }) }
            // The ledger covers the gifts on their day (and every later day's balance still
            // does): checked once for their total, as each in turn would be.
            if total > 0 { try await store.funds.requireCovered(db, fund: fund, unitID: c.unitID, day: day, amount: total) }
            for row in rows {
                let household = try row.string("code")
                let householdID = try row.int("household_id")
                if c.kind == .maiAm { try await db.requireMaiAmAllowed(householdID, household, on: day, rules: rules) }
                let supportID = try await store.support.record(
                    NewSupport(household: household, policy: c.kind.supportPolicy, day: day, value: try row.int("amount"),
                               inKind: c.name, source: .fund, unit: organiser, fund: c.fundCode),
                    campaignID: c.id, scope: .province, actor: actor, db: db, coveredAhead: true)
                try await db.raw("""
                    UPDATE campaign_proposals SET state = 'approved', support_id = \(bind: supportID), decided_by = \(bind: actor.name), decided_at = \(bind: store.now())
                    WHERE id = \(bind: try row.int("id"))
                    """).run()
                CrashPoint.reach(.campaignApproval)
            }
            if !rows.isEmpty {
                try await store.audit.record("dot_qua_phe_duyet", entity: "campaign", id: c.id,
                                             detail: "\(c.code) \(unitCode): \(rows.count) hộ, \(Money.format(total)) đ", by: actor, on: db)
            }
            return rows.count
        }
    }
}

extension Campaign {
    init(_ row: any SQLRow) throws {
        let kind = try row.string("kind")
        guard let k = CampaignKind(rawValue: kind) else { throw StorageError.corrupt("campaigns.kind = \(kind)") }
        // The day in Vietnam it was entered (stored in UTC: before 07:00 the UTC date is the day before).
        let entered = try row.string("entered_at")
        guard let createdAt = Clock.parse(entered) else { throw StorageError.corrupt("campaigns.entered_at = \(entered)") }
        self.init(id: try row.int("id"), code: try row.string("code"), kind: k, name: try row.string("name"), unitID: try row.int("unit_id"),
                  fundCode: try row.string("fund_code"), year: try row.int("year"), startsOn: try row.day("starts_on"), endsOn: try row.day("ends_on"),
                  budget: try row.int("budget"), giftValue: try row.int("gift_value"),
                  statuses: try row.string("statuses").split(separator: ",").map { text in
                      guard let s = LivingStandard(rawValue: String(text)) else { throw StorageError.corrupt("campaigns.statuses = \(text)") }
                      return s
                  },
                  approved: try row.int("approved_sum"), proposed: try row.int("proposed_sum"),
                  createdOn: Clock.day(of: createdAt))
    }
}

extension Store {
    public var campaigns: CampaignDesk { CampaignDesk(store: self, rules: .bundled) }
}
