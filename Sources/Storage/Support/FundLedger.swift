import FluentKit
import PovertyCore
import SQLKit

/// What an entry of a fund's ledger records. The sign of the stored amount follows the
/// kind: money in is positive, money out negative; a reversal is the opposite of the entry
/// it corrects.
public enum EntryKind: String, Sendable, Codable, CaseIterable {
    case contribution, allocationIn = "allocation_in", allocationOut = "allocation_out", disbursement
    case loanOut = "loan_out", loanRepaid = "loan_repaid", reversal

    public var vietnamese: String {
        switch self {
        case .contribution: "Đóng góp"
        case .allocationIn: "Nhận phân bổ"
        case .allocationOut: "Phân bổ đi"
        case .disbursement: "Chi"
        case .loanOut: "Giải ngân cho vay"
        case .loanRepaid: "Thu hồi nợ gốc"
        case .reversal: "Bút toán đảo"
        }
    }
}

/// One line of a ledger.
public struct FundEntry: Sendable, Hashable, Codable {
    public let id: Int
    public let fundCode: String
    public let unitID: Int
    public let day: Day
    public let kind: EntryKind
    /// Signed: positive in, negative out.
    public let amount: Dong
    public let contributor: String?
    public let counterpartUnitID: Int?
    public let householdCode: String?
    public let campaignID: Int?
    public let loanID: Int?
    public let reversesID: Int?
    /// For the receiving half of an allocation: the sending half.
    public let pairedID: Int?
    /// The reversal that corrected this entry, if any.
    public let reversedByID: Int?
    /// The support record this entry paid, if any.
    public let supportID: Int?
    public let note: String
    public let enteredBy: String

    /// Whether the entry names a household or a giver (personal data).
    public var namesSomeone: Bool { householdCode != nil || !(contributor ?? "").isEmpty }

    /// Why this entry cannot be reversed by hand, or nil when it can: a reversal is not
    /// reversed, an entry only once, and a loan's or a support record's entry is corrected on
    /// the loan or by cancelling the record. Pages offer the reversal by the same rule.
    public var reversalRefusal: Message? {
        if let refusal = correctionRefusal { return refusal }
        if loanID != nil { return Message("refusal.fund.loan_s_entries_corrected") }
        if supportID != nil { return Message("refusal.fund.this_entry_belongs_support") }
        return nil
    }

    /// Why `actor` cannot reverse this entry by hand, or nil when they can: `reversalRefusal`,
    /// and an allocation's other half must be of the actor's branch too. Pages offer the
    /// reversal by this rule, the one `FundLedger.reverse` enforces.
    public func reversalRefusal(by actor: Actor) -> Message? {
        if let refusal = reversalRefusal { return refusal }
        if kind == .allocationIn || kind == .allocationOut, let other = counterpartUnitID, !actor.scope.contains(other) {
            return Message("refusal.fund.allocation_reversed_by_both_branches", .number(id))
        }
        return nil
    }

    /// Why this entry cannot be corrected by any reversal, by hand or by cancelling its
    /// support record or loan step: a reversal is not reversed, and an entry only once.
    var correctionRefusal: Message? {
        if kind == .reversal { return Message("refusal.fund.reversal_reversed") }
        if reversedByID != nil { return Message("refusal.fund.already_reversed", .number(id)) }
        return nil
    }
}

/// The balance of one fund at one unit.
public struct FundBalance: Sendable, Hashable, Codable {
    public let fund: FundInfo
    public let unitID: Int
    public let balance: Dong
}

/// Totals of a period by kind, and the balances either side of it.
public struct PeriodTotals: Sendable, Hashable, Codable {
    public var opening: Dong = 0
    public var byKind: [EntryKind: Dong] = [:]
    public var closing: Dong = 0
    public var inflow: Dong { byKind.values.filter { $0 > 0 }.reduce(0, +) }
    public var outflow: Dong { -byKind.values.filter { $0 < 0 }.reduce(0, +) }
    public func total(_ kind: EntryKind) -> Dong { byKind[kind] ?? 0 }
}

/// A fund's ledger at a unit over a period.
public struct FundStatement: Sendable, Hashable {
    public let fund: FundInfo
    public let unitID: Int
    public let from: Day?
    public let to: Day?
    public let totals: PeriodTotals
    public let entries: [FundEntry]
    /// The balance kept beside the ledger (what a disbursement is checked against).
    public let storedBalance: Dong
}

/// One line of the reconciliation report: a fund at a unit over a period, and whether the
/// balance kept beside the ledger equals the sum of every entry.
public struct ReconciliationLine: Sendable, Hashable {
    public let fund: FundInfo
    public let unitID: Int
    public let totals: PeriodTotals
    public let ledgerSum: Dong
    public let storedBalance: Dong
    public var agrees: Bool { ledgerSum == storedBalance }
}

/// The funds' ledgers. Entries are only ever added: a correction is a reversal pointing to
/// the entry it corrects, and an entry can be reversed once. A balance per fund and unit is
/// kept in the same transaction as every entry and can never go negative: money goes out
/// through one conditional UPDATE, so two disbursements racing on the same fund cannot
/// both take the last đồng (PostgreSQL locks the row and re-checks the condition; SQLite
/// has one writer at a time). A CHECK constraint backs that up.
public struct FundLedger: Sendable {
    let store: Store

    /// The first day the ledgers keep: entries are dated from it to today, never later (a
    /// contribution dated in 2200 cannot be spent now, a disbursement dated 1900 cannot make
    /// the past negative).
    public static let opens = Day(year: 2015, month: 1, day: 1)!

    /// The funds the federation keeps (public data).
    public func funds() async throws -> [FundInfo] {
        try await store.sql.raw("SELECT id, code, name_vi, name_en, kind FROM funds ORDER BY id").all().map(FundInfo.init)
    }

    /// Money given to a fund at a unit of the branch (members, businesses, partners, the state).
    @discardableResult
    public func contribute(_ actor: Actor, fund fundCode: String, unit unitCode: String, day: Day, amount: Dong, contributor: String,
                           note: String = "") async throws -> Int {
        try actor.require(.fundContribute)
        try requireText(contributor, "người đóng góp", "contributor", .name)
        try requireText(note, "ghi chú", "note", .note)
        try requirePositive(amount)
        let contributor = contributor.trimmingCharacters(in: .whitespaces)
        guard !contributor.isEmpty else { throw StorageError.invalid(Message("refusal.fund.contributor_required")) }
        try requireKept(day)
        return try await store.writeTransaction { db in
            let fund = try await db.fund(code: fundCode)
            let unitID = try await db.unitID(code: unitCode)
            try actor.scope.require(unitID, .unit, unitCode)
            try await db.requireStanding(unitID, unitCode, on: day)
            return try await post(db, fund: fund, unitID: unitID, day: day, kind: .contribution, amount: amount, contributor: contributor,
                                  note: note, actor: actor)
        }
    }

    /// Money moved from one unit's fund to another's: two entries in one transaction. Both
    /// units are of the actor's branch: money for another branch goes through the officer of
    /// a unit above both. A unit that has ended hands its money on to what it became.
    @discardableResult
    public func allocate(_ actor: Actor, fund fundCode: String, from fromCode: String, to toCode: String, day: Day, amount: Dong,
                         note: String = "") async throws -> (out: Int, in: Int) {
        try actor.require(.fundAllocate)
        try requireText(note, "ghi chú", "note", .note)
        try requirePositive(amount)
        guard fromCode != toCode else { throw StorageError.invalid(Message("refusal.fund.allocation_needs_two_different")) }
        try requireKept(day)
        return try await store.writeTransaction { db in
            let fund = try await db.fund(code: fundCode)
            // Each unit is found and checked against the branch before the next is looked up:
            // whether a code exists outside the branch never shows.
            let from = try await db.unitID(code: fromCode)
            try actor.scope.require(from, .unit, fromCode)
            let to = try await db.unitID(code: toCode)
            try actor.scope.require(to, .unit, toCode)
            // Both stand on the day; or the money of a unit that has ended (merged, split,
            // dissolved) passes, from its end on, to a unit it became. On PostgreSQL both are
            // share-locked first in one order (their ids), as a merger locks the units it ends.
            try await db.lockRows(.units, [from, to], shared: true)
            try await db.requireStanding(to, toCode, on: day)
            if try await !db.stands(from, on: day) {
                guard try await store.units.history(on: db).heirs(of: from, on: day).contains(to) else {
                    throw StorageError.invalid(Message("refusal.fund.ended_unit_hands_on", .text(fromCode), .day(day)))
                }
            }
            let out = try await post(db, fund: fund, unitID: from, day: day, kind: .allocationOut, amount: -amount, counterpart: to, note: note, actor: actor)
            let inID = try await post(db, fund: fund, unitID: to, day: day, kind: .allocationIn, amount: amount, counterpart: from,
                                      paired: out, note: note, actor: actor)
            return (out, inID)
        }
    }

    /// Money paid out of a support fund to a household or for a campaign. Refused when the
    /// balance is short.
    @discardableResult
    public func disburse(_ actor: Actor, fund fundCode: String, unit unitCode: String, day: Day, amount: Dong, household: String? = nil,
                         note: String) async throws -> Int {
        try actor.require(.fundDisburse)
        try requireText(note, "ghi chú", "note", .note)
        try requirePositive(amount)
        try requireKept(day)
        return try await store.writeTransaction { db in
            let fund = try await db.fund(code: fundCode)
            guard fund.kind == .support else {
                throw StorageError.invalid(Message("refusal.nef_only_loans"))
            }
            let unitID = try await db.unitID(code: unitCode)
            try actor.scope.require(unitID, .unit, unitCode)
            try await db.requireStanding(unitID, unitCode, on: day)
            var householdID: Int?
            var detail = note
            if let household, !household.isEmpty {
                let h = try await db.household(code: household)
                try actor.scope.require(h.unitID, .household, household)
                householdID = h.id
                detail = "hộ \(h.code): \(note)"
            }
            return try await post(db, fund: fund, unitID: unitID, day: day, kind: .disbursement, amount: -amount,
                                  householdID: householdID, note: detail, actor: actor)
        }
    }

    /// Corrects an entry by adding its opposite. Each entry can be reversed once, a reversal
    /// cannot itself be reversed, and one half of an allocation takes the other with it.
    /// Entries made by a loan, a repayment or a support record are corrected there instead.
    @discardableResult
    public func reverse(_ actor: Actor, entryID: Int, day: Day, reason: String) async throws -> Int {
        try actor.require(.fundReverse)
        try requireText(reason, "lý do", "reason", .note)
        let reason = reason.trimmingCharacters(in: .whitespaces)
        guard !reason.isEmpty else { throw StorageError.invalid(Message("refusal.fund.reversal_needs_reason")) }
        return try await store.writeTransaction { db in
            let original = try await entry(entryID, db: db)
            try actor.scope.require(original.unitID, .fundEntry, "#\(entryID)")
            if let refusal = original.reversalRefusal(by: actor) { throw StorageError.invalid(refusal) }
            // An allocation is two entries; reversing either half reverses both.
            let other: Int? = switch original.kind {
            case .allocationIn: original.pairedID
            case .allocationOut: try await db.raw("SELECT id FROM fund_entries WHERE paired_id = \(bind: entryID)").first()?.int("id")
            default: nil
            }
            // The other half is in the other unit's ledger: both must be in the actor's branch
            // (a transfer between branches is undone by their common parent's officer).
            var half: FundEntry?
            if let other { half = try await entry(other, db: db) }
            if let half, !actor.scope.contains(half.unitID) {
                throw StorageError.invalid(Message("refusal.fund.allocation_reversed_by_both_branches", .number(original.id)))
            }
            let id = try await reverse(original, day: day, reason: reason, actor: actor, db: db)
            if let half {
                _ = try await reverse(half, day: day, reason: reason, actor: actor, db: db)
            }
            return id
        }
    }

    func reverse(_ original: FundEntry, day: Day, reason: String, actor: Actor, db: any SQLDatabase) async throws -> Int {
        if let refusal = original.correctionRefusal { throw StorageError.invalid(refusal) }
        // A correction comes after what it corrects: the ledger as at a day before it stays as it was.
        guard day >= original.day else {
            throw StorageError.invalid(Message("refusal.fund.reversal_before_entry", .day(day), .number(original.id), .day(original.day)))
        }
        let fund = try await db.fund(code: original.fundCode)
        return try await post(db, fund: fund, unitID: original.unitID, day: day, kind: .reversal, amount: -original.amount,
                              counterpart: original.counterpartUnitID, reverses: original.id, note: reason, actor: actor)
    }

    /// Adds one entry and moves the balance beside it, in the caller's transaction. Entries
    /// are dated between `opens` and today. Money out is taken only if the balance covers it
    /// now and covered it on its day and every later day of the ledger (money is not spent
    /// before it arrives).
    func post(_ db: any SQLDatabase, fund: FundInfo, unitID: Int, day: Day, kind: EntryKind, amount: Dong, contributor: String? = nil,
              counterpart: Int? = nil, householdID: Int? = nil, campaignID: Int? = nil, loanID: Int? = nil, reverses: Int? = nil,
              paired: Int? = nil, note: String, actor: Actor, coveredAhead: Bool = false) async throws -> Int {
        try requireKept(day)
        if amount < 0 {
            // `coveredAhead`: the caller checked a batch of entries of this ledger and day at
            // once (`requireCovered` with their total: the same as each in turn, not the whole
            // ledger read again for each).
            if !coveredAhead { try await requireCovered(db, fund: fund, unitID: unitID, day: day, amount: -amount) }
            let taken = try await db.raw("""
                UPDATE fund_balances SET balance = balance + \(bind: amount)
                WHERE fund_id = \(bind: fund.id) AND unit_id = \(bind: unitID) AND balance >= \(bind: -amount)
                RETURNING balance
                """).first()
            if taken == nil {
                let balance = try await db.raw("SELECT balance FROM fund_balances WHERE fund_id = \(bind: fund.id) AND unit_id = \(bind: unitID)")
                    .first()?.int("balance") ?? 0
                let unitCode = try await db.unitCode(id: unitID)
                throw StorageError.invalid(Message("refusal.fund.short", .both(vi: fund.nameVi, en: fund.nameEn), .text(unitCode), .money(balance), .money(-amount)))
            }
        } else {
            // A balance stays a whole number the databases can add: never above `Money.maximum`,
            // checked by the statement that raises it (two raised at once cannot both pass).
            guard amount <= Money.maximum else { throw StorageError.invalid(Message("refusal.fund.balance_too_large", .money(Money.maximum))) }
            let raised = try await db.raw("""
                INSERT INTO fund_balances (fund_id, unit_id, balance) VALUES (\(bind: fund.id), \(bind: unitID), \(bind: amount))
                ON CONFLICT (fund_id, unit_id) DO UPDATE SET balance = fund_balances.balance + excluded.balance
                WHERE fund_balances.balance <= \(bind: Money.maximum) - excluded.balance
                RETURNING balance
                """).first()
            guard raised != nil else { throw StorageError.invalid(Message("refusal.fund.balance_too_large", .money(Money.maximum))) }
        }
        let row = try await db.raw("""
            INSERT INTO fund_entries (fund_id, unit_id, day, kind, amount, contributor, counterpart_unit_id, household_id, campaign_id,
                                      loan_id, reverses_id, paired_id, note, entered_by, entered_at)
            VALUES (\(bind: fund.id), \(bind: unitID), \(bind: day.iso), \(bind: kind.rawValue), \(bind: amount), \(bind: contributor),
                    \(bind: counterpart), \(bind: householdID), \(bind: campaignID), \(bind: loanID), \(bind: reverses), \(bind: paired), \(bind: note),
                    \(bind: actor.name), \(bind: store.now()))
            RETURNING id
            """).first()
        guard let id = try row?.int("id") else { throw StorageError.corrupt("fund_entries: no id returned") }
        var rolledKind = kind.rawValue
        if let reverses, let original = try await db.raw("SELECT kind FROM fund_entries WHERE id = \(bind: reverses)").first() {
            rolledKind = try original.string("kind")
        }
        try await SupportRollups.fund(db, fundID: fund.id, unitID: unitID, year: day.year, kind: rolledKind, amount: amount)
        try await store.audit.record("so_quy_\(kind.rawValue)", entity: "fund_entry", id: id,
                                     detail: "\(fund.code) @\(unitID) \(day.iso) \(Money.format(amount)) đ\(reverses.map { " đảo #\($0)" } ?? "") \(note)",
                                     by: actor, on: db)
        return id
    }

    /// Entries are dated between `opens` and today.
    private func requireKept(_ day: Day) throws {
        let today = store.today
        guard day >= Self.opens, day <= today else {
            throw StorageError.invalid(Message("refusal.fund.day_out_of_range", .day(Self.opens), .day(today), .day(day)))
        }
    }

    /// Refuses money out of a fund on `day` that the ledger did not hold then, or that a
    /// later entry already counts on: the balance at the end of `day` and of every later day
    /// with entries must each cover `amount`. The kept balance row is locked first
    /// (PostgreSQL), so two writers to one ledger queue.
    func requireCovered(_ db: any SQLDatabase, fund: FundInfo, unitID: Int, day: Day, amount: Dong) async throws {
        if store.dialect == .postgres {
            try await db.raw("SELECT balance FROM fund_balances WHERE fund_id = \(bind: fund.id) AND unit_id = \(bind: unitID) FOR UPDATE").run()
        }
        let onDay = try await db.raw("""
            SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) AS s FROM fund_entries
            WHERE fund_id = \(bind: fund.id) AND unit_id = \(bind: unitID) AND day <= \(bind: day.iso)
            """).first()?.int("s") ?? 0
        let later = try await db.raw("""
            SELECT CAST(MIN(running) AS BIGINT) AS m FROM (
              SELECT day, SUM(SUM(amount)) OVER (ORDER BY day) AS running FROM fund_entries
              WHERE fund_id = \(bind: fund.id) AND unit_id = \(bind: unitID) GROUP BY day
            ) t WHERE day > \(bind: day.iso)
            """).first()?.optionalInt("m")
        let available = min(onDay, later ?? onDay)
        guard available >= amount else {
            let unitCode = try await db.unitCode(id: unitID)
            let now = try await db.raw("SELECT balance FROM fund_balances WHERE fund_id = \(bind: fund.id) AND unit_id = \(bind: unitID)")
                .first()?.int("balance") ?? 0
            if now < amount {
                throw StorageError.invalid(Message("refusal.fund.short", .both(vi: fund.nameVi, en: fund.nameEn), .text(unitCode), .money(now), .money(amount)))
            }
            throw StorageError.invalid(Message("refusal.fund.not_yet_available", .day(day), .both(vi: fund.nameVi, en: fund.nameEn), .text(unitCode), .money(max(available, 0)), .money(amount)))
        }
    }

    private static let entryColumns = """
        e.id, f.code AS fund_code, e.unit_id, e.day, e.kind, e.amount, e.contributor, e.counterpart_unit_id, h.code AS household_code,
        e.campaign_id, e.loan_id, e.reverses_id, e.paired_id, (SELECT r.id FROM fund_entries r WHERE r.reverses_id = e.id) AS reversed_by,
        (SELECT MIN(s.id) FROM support s WHERE s.fund_entry_id = e.id) AS support_id, e.note, e.entered_by
        FROM fund_entries e JOIN funds f ON f.id = e.fund_id LEFT JOIN households h ON h.id = e.household_id
        """

    func entry(_ id: Int, db: any SQLDatabase) async throws -> FundEntry {
        guard let row = try await db.raw("SELECT \(unsafeRaw: Self.entryColumns) WHERE e.id = \(bind: id)").first() else {
            throw StorageError.notFound(.fundEntry, "#\(id)")
        }
        return try FundEntry(row)
    }

    /// One entry of the actor's branch.
    public func entry(_ actor: Actor, _ id: Int) async throws -> FundEntry {
        try actor.require(.readFunds)
        let e = try await entry(id, db: store.sql)
        try actor.scope.require(e.unitID, .fundEntry, "#\(id)")
        if e.namesSomeone {
            try await store.audit.read("xem", entity: "fund_entry", id: id, detail: "#\(id) \(e.fundCode): \(e.householdCode.map { "hộ \($0)" } ?? e.contributor ?? "")", by: actor)
        }
        return e
    }

    /// Every fund's balance at every unit of the actor's branch that has one.
    public func balances(_ actor: Actor) async throws -> [FundBalance] {
        try actor.require(.readFunds)
        let scope = actor.scope
        var query: SQLQueryString = """
            SELECT f.id, f.code, f.name_vi, f.name_en, f.kind, b.unit_id, b.balance
            FROM fund_balances b JOIN funds f ON f.id = b.fund_id WHERE 1 = 1
            """
        guard scope.append(to: &query, column: "b.unit_id") else { return [] }
        query.appendInterpolation(" ORDER BY f.id, b.unit_id" as SQLQueryString)
        return try await store.sql.raw(query).all().map {
            FundBalance(fund: try FundInfo($0), unitID: try $0.int("unit_id"), balance: try $0.int("balance"))
        }
    }

    /// The balance kept for a fund at a unit of the actor's branch (0 when it has never had money).
    public func balance(_ actor: Actor, fund fundCode: String, unit unitCode: String) async throws -> Dong {
        try actor.require(.readFunds)
        let db = try store.sql
        let fund = try await db.fund(code: fundCode)
        let unitID = try await db.unitID(code: unitCode)
        try actor.scope.require(unitID, .unit, unitCode)
        return try await db.raw("SELECT balance FROM fund_balances WHERE fund_id = \(bind: fund.id) AND unit_id = \(bind: unitID)").first()?.int("balance") ?? 0
    }

    /// A fund's ledger at a unit between two days (either open), with the opening and
    /// closing balances and totals by kind.
    public func statement(_ actor: Actor, fund fundCode: String, unit unitCode: String, from: Day?, to: Day?) async throws -> FundStatement {
        try actor.require(.readFunds)
        let db = try store.sql
        let fund = try await db.fund(code: fundCode)
        let unitID = try await db.unitID(code: unitCode)
        try actor.scope.require(unitID, .unit, unitCode)
        let totals = try await periodTotals(fundID: fund.id, unitID: unitID, from: from, to: to, db: db)
        var query: SQLQueryString = "SELECT \(unsafeRaw: Self.entryColumns) WHERE e.fund_id = \(bind: fund.id) AND e.unit_id = \(bind: unitID)"
        if let from { query.appendInterpolation(" AND e.day >= \(bind: from.iso)" as SQLQueryString) }
        if let to { query.appendInterpolation(" AND e.day <= \(bind: to.iso)" as SQLQueryString) }
        query.appendInterpolation(" ORDER BY e.day, e.id" as SQLQueryString)
        let entries = try await db.raw(query).all().map(FundEntry.init)
        let stored = try await db.raw("SELECT balance FROM fund_balances WHERE fund_id = \(bind: fund.id) AND unit_id = \(bind: unitID)").first()?.int("balance") ?? 0
        // A ledger naming households or givers is a read of named people (page, API and command line alike).
        let named = entries.filter(\.namesSomeone).count
        if named > 0 {
            try await store.audit.read("xem_danh_sach", entity: "fund_entry",
                                       detail: "sổ quỹ \(fundCode) tại \(unitCode) \(from?.iso ?? "…")–\(to?.iso ?? "…"): \(entries.count) dòng, \(named) dòng có tên hộ/người đóng góp",
                                       by: actor)
        }
        return FundStatement(fund: fund, unitID: unitID, from: from, to: to, totals: totals, entries: entries, storedBalance: stored)
    }

    func periodTotals(fundID: Int, unitID: Int, from: Day?, to: Day?, db: any SQLDatabase) async throws -> PeriodTotals {
        var totals = PeriodTotals()
        if let from {
            totals.opening = try await db.raw("""
                SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) AS s FROM fund_entries WHERE fund_id = \(bind: fundID) AND unit_id = \(bind: unitID) AND day < \(bind: from.iso)
                """).first()?.int("s") ?? 0
        }
        var query: SQLQueryString = "SELECT kind, CAST(SUM(amount) AS BIGINT) AS s FROM fund_entries WHERE fund_id = \(bind: fundID) AND unit_id = \(bind: unitID)"
        if let from { query.appendInterpolation(" AND day >= \(bind: from.iso)" as SQLQueryString) }
        if let to { query.appendInterpolation(" AND day <= \(bind: to.iso)" as SQLQueryString) }
        query.appendInterpolation(" GROUP BY kind" as SQLQueryString)
        for row in try await db.raw(query).all() {
            let kind = try row.string("kind")
            guard let k = EntryKind(rawValue: kind) else { throw StorageError.corrupt("fund_entries.kind = \(kind)") }
            totals.byKind[k] = try row.int("s")
        }
        totals.closing = totals.opening + totals.byKind.values.reduce(0, +)
        return totals
    }

    /// For every fund and unit of the branch with entries: the period's totals, the sum of
    /// all its entries and the balance kept beside them. Every line must agree.
    public func reconciliation(_ actor: Actor, from: Day?, to: Day?) async throws -> [ReconciliationLine] {
        try actor.require(.readFunds)
        return try await reconciliation(from: from, to: to, scope: actor.scope)
    }

    func reconciliation(from: Day?, to: Day?, scope: Scope) async throws -> [ReconciliationLine] {
        let db = try store.sql
        var query: SQLQueryString = """
            SELECT f.id, f.code, f.name_vi, f.name_en, f.kind, e.unit_id, CAST(SUM(e.amount) AS BIGINT) AS ledger_sum,
                   COALESCE(MAX(b.balance), 0) AS stored
            FROM fund_entries e JOIN funds f ON f.id = e.fund_id
            LEFT JOIN fund_balances b ON b.fund_id = e.fund_id AND b.unit_id = e.unit_id WHERE 1 = 1
            """
        guard scope.append(to: &query, column: "e.unit_id") else { return [] }
        query.appendInterpolation(" GROUP BY f.id, f.code, f.name_vi, f.name_en, f.kind, e.unit_id ORDER BY f.id, e.unit_id" as SQLQueryString)
        var lines: [ReconciliationLine] = []
        for row in try await db.raw(query).all() {
            let fund = try FundInfo(row)
            let unitID = try row.int("unit_id")
            lines.append(ReconciliationLine(fund: fund, unitID: unitID,
                                            totals: try await periodTotals(fundID: fund.id, unitID: unitID, from: from, to: to, db: db),
                                            ledgerSum: try row.int("ledger_sum"), storedBalance: try row.int("stored")))
        }
        // A balance with no entries behind it is a difference too.
        var orphans: SQLQueryString = """
            SELECT f.id, f.code, f.name_vi, f.name_en, f.kind, b.unit_id, b.balance FROM fund_balances b JOIN funds f ON f.id = b.fund_id
            WHERE NOT EXISTS (SELECT 1 FROM fund_entries e WHERE e.fund_id = b.fund_id AND e.unit_id = b.unit_id)
            """
        if scope.append(to: &orphans, column: "b.unit_id") {
            for row in try await db.raw(orphans).all() {
                lines.append(ReconciliationLine(fund: try FundInfo(row), unitID: try row.int("unit_id"), totals: PeriodTotals(),
                                                ledgerSum: 0, storedBalance: try row.int("balance")))
            }
        }
        return lines
    }
}

extension FundEntry {
    init(_ row: any SQLRow) throws {
        let kind = try row.string("kind")
        guard let k = EntryKind(rawValue: kind) else { throw StorageError.corrupt("fund_entries.kind = \(kind)") }
        self.init(id: try row.int("id"), fundCode: try row.string("fund_code"), unitID: try row.int("unit_id"), day: try row.day("day"),
                  kind: k, amount: try row.int("amount"), contributor: try row.optionalString("contributor"),
                  counterpartUnitID: try row.optionalInt("counterpart_unit_id"), householdCode: try row.optionalString("household_code"),
                  campaignID: try row.optionalInt("campaign_id"), loanID: try row.optionalInt("loan_id"),
                  reversesID: try row.optionalInt("reverses_id"), pairedID: try row.optionalInt("paired_id"), reversedByID: try row.optionalInt("reversed_by"),
                  supportID: try row.optionalInt("support_id"), note: try row.string("note"), enteredBy: try row.string("entered_by"))
    }
}

extension Store {
    public var funds: FundLedger { FundLedger(store: self) }
}
