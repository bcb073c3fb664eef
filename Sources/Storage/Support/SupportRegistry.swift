import FluentKit
import PovertyCore
import SQLKit

/// Where the money or goods of a support came from.
public enum SupportSource: String, Sendable, Codable, CaseIterable {
    /// One of the union's funds: the support takes money out of it.
    case fund
    /// A business, charity or other partner.
    case partner
    /// A state programme (the Social Policy Bank, the commune, the health-insurance fund…).
    case state
}

/// What a household received.
public struct SupportRecord: Sendable, Hashable, Codable {
    public let id: Int
    public let householdCode: String
    public let policyCode: String
    public let day: Day
    public let value: Dong
    public let inKind: String
    public let source: SupportSource
    public let sourceName: String
    public let unitID: Int
    public let fundEntryID: Int?
    public let campaignID: Int?
    public let cancelReason: String?
    public let enteredBy: String
    public var cancelled: Bool { cancelReason != nil }
    /// Whether a loan's disbursement made it (it is then corrected on the loan, never by hand).
    public var fromLoan: Bool { Self.isLoanPolicy(policyCode) }
    /// The policy a loan's disbursement records: never recorded or cancelled by hand.
    public static func isLoanPolicy(_ code: String) -> Bool { code == SupportRegistry.loanPolicy }
}

/// A support to record. `fund` names the fund when `source` is `.fund`.
public struct NewSupport: Sendable, Hashable {
    public var household: String
    public var policy: String
    public var day: Day
    public var value: Dong
    public var inKind: String
    public var source: SupportSource
    public var sourceName: String
    public var unit: String
    public var fund: String?

    public init(household: String, policy: String, day: Day, value: Dong, inKind: String = "", source: SupportSource,
                sourceName: String = "", unit: String, fund: String? = nil) {
        self.household = household; self.policy = policy; self.day = day; self.value = value; self.inKind = inKind
        self.source = source; self.sourceName = sourceName; self.unit = unit; self.fund = fund
    }
}

/// A poor (or near-poor) household of a review year and what it still lacks.
public struct CoverageGap: Sendable, Hashable {
    public let householdCode: String
    public let primaryName: String
    public let unitID: Int
    public let status: LivingStandard
    public let coverage: HouseholdCoverage
}

/// The plan's "100%" figure for a branch and a year, per unit, with the worklist of gaps.
public struct CoverageReport: Sendable, Hashable {
    public struct UnitLine: Sendable, Hashable {
        public let unitID: Int
        public var households = 0
        public var complete = 0
        public var share: Ratio { Ratio(complete, households) }
    }
    public let year: Int?
    public let includesNearPoor: Bool
    /// The day its units are named as on every output: the end of its year (nil: no year, no units).
    public var namedOn: Day? { year.map(Day.endOfYear) }
    public let units: [UnitLine]
    public let households: Int
    public let complete: Int
    /// Households with a gap, newest review first (at most `limit`).
    public let gaps: [CoverageGap]
    public let gapCount: Int
    public var share: Ratio { Ratio(complete, households) }
}

/// Support records and the coverage of poor households' needs.
public struct SupportRegistry: Sendable {
    let store: Store

    /// The policy a loan's disbursement records for its household: made and undone only by the loan.
    static let loanPolicy = "vay_quy_viec_lam"
    /// The policies of a Mái ấm house (new build, repair): once in so many years (`SupportRules`).
    static let maiAmPolicyPrefix = "mai_am"

    /// The policy catalogue and the indicator → policy mapping as stored (public data).
    public func catalogue() async throws -> PolicyCatalogue {
        try await catalogue(on: store.sql)
    }

    func catalogue(on db: any SQLDatabase) async throws -> PolicyCatalogue {
        let policies = try await db.raw("SELECT code, name_vi, name_en, kind FROM policies ORDER BY position").all().map { row in
            let kind = try row.string("kind")
            guard let k = PolicyKind(rawValue: kind) else { throw StorageError.corrupt("policies.kind = \(kind)") }
            return Policy(code: try row.string("code"), nameVi: try row.string("name_vi"), nameEn: try row.string("name_en"), kind: k)
        }
        var addresses: [String: [String]] = [:]
        let order = Dictionary(uniqueKeysWithValues: policies.enumerated().map { ($0.element.code, $0.offset) })
        for row in try await db.raw("SELECT indicator, policy_code FROM policy_indicators").all() {
            addresses[try row.string("indicator"), default: []].append(try row.string("policy_code"))
        }
        for key in addresses.keys { addresses[key]?.sort { order[$0, default: .max] < order[$1, default: .max] } }
        return try PolicyCatalogue(policies: policies, addresses: addresses)
    }

    /// Records a support for a household of the actor's branch, given by a unit of the
    /// branch; one from a fund takes the money out of that fund at the giving unit in the same
    /// transaction (refused if the fund is short). The support a loan makes is the loan's.
    @discardableResult
    public func record(_ actor: Actor, _ s: NewSupport) async throws -> Int {
        try actor.require(.recordSupport)
        try requireText(s.inKind, "hiện vật", "in kind", .note)
        try requireText(s.sourceName, "tên nguồn", "source name", .name)
        // Support is recorded once given: never dated after today.
        guard s.day <= store.today else { throw StorageError.invalid(Message("refusal.support.future", .day(s.day))) }
        guard s.policy != Self.loanPolicy else {
            throw StorageError.invalid(Message("refusal.support.national_employment_fund_support"))
        }
        return try await store.writeTransaction { db in try await record(s, campaignID: nil, scope: actor.scope, actor: actor, db: db) }
    }

    func record(_ s: NewSupport, campaignID: Int?, scope: Scope, actor: Actor, db: any SQLDatabase, coveredAhead: Bool = false) async throws -> Int {
        guard s.value >= 0, s.value <= Money.maximum else { throw StorageError.invalid(Message("refusal.support.invalid_support_value")) }
        let inKind = s.inKind.trimmingCharacters(in: .whitespaces)
        guard s.value > 0 || !inKind.isEmpty else {
            throw StorageError.invalid(Message("refusal.support.support_needs_amount_description"))
        }
        guard let policyName = try await db.raw("SELECT name_vi FROM policies WHERE code = \(bind: s.policy)").first()?.string("name_vi") else {
            throw StorageError.notFound(.policy, s.policy)
        }
        let household = try await db.household(code: s.household)
        try scope.require(household.unitID, .household, s.household)
        let unitID = try await db.unitID(code: s.unit)
        try scope.require(unitID, .unit, s.unit)
        // The giving unit stood on the day (a campaign's gifts are paid by its organiser, which
        // `CampaignDesk.approve` checks once for the approval day).
        if campaignID == nil { try await db.requireStanding(unitID, s.unit, on: s.day) }
        // A Mái ấm house is once in so many years, given by hand or by a campaign (whose
        // approval checks its households together): the household is locked first on
        // PostgreSQL, so two given at once cannot both pass.
        if campaignID == nil, s.policy.hasPrefix(Self.maiAmPolicyPrefix) {
            try await db.lockRows(.households, [household.id])
            try await db.requireMaiAmAllowed(household.id, household.code, on: s.day, rules: .bundled)
        }
        var entryID: Int?
        var sourceName = s.sourceName.trimmingCharacters(in: .whitespaces)
        if s.source == .fund {
            guard let code = s.fund, !code.isEmpty else { throw StorageError.invalid(Message("refusal.support.choose_fund_that_pays")) }
            guard s.value > 0 else { throw StorageError.invalid(Message("refusal.support.support_paid_fund_needs")) }
            let fund = try await db.fund(code: code)
            guard fund.kind == .support else {
                throw StorageError.invalid(Message("refusal.nef_only_loans"))
            }
            if sourceName.isEmpty { sourceName = fund.nameVi }
            entryID = try await store.funds.post(db, fund: fund, unitID: unitID, day: s.day, kind: .disbursement, amount: -s.value,
                                                 householdID: household.id, campaignID: campaignID,
                                                 note: "\(policyName) — hộ \(household.code)", actor: actor, coveredAhead: coveredAhead)
        } else if sourceName.isEmpty {
            throw StorageError.invalid(Message("refusal.support.name_source_support"))
        }
        let row = try await db.raw("""
            INSERT INTO support (household_id, policy_code, day, year, value, in_kind, source_kind, source_name, unit_id, fund_entry_id,
                                 campaign_id, entered_by, entered_at)
            VALUES (\(bind: household.id), \(bind: s.policy), \(bind: s.day.iso), \(bind: s.day.year), \(bind: s.value), \(bind: inKind),
                    \(bind: s.source.rawValue), \(bind: sourceName), \(bind: unitID), \(bind: entryID), \(bind: campaignID),
                    \(bind: actor.name), \(bind: store.now()))
            RETURNING id
            """).first()
        guard let id = try row?.int("id") else { throw StorageError.corrupt("support: no id returned") }
        try await SupportRollups.support(db, unitID: unitID, year: s.day.year, policy: s.policy, householdID: household.id, value: s.value, sign: 1)
        try await store.audit.record("ho_tro", entity: "household", id: household.id,
                                     detail: "#\(id) \(s.policy) \(s.day.iso) \(Money.format(s.value)) đ \(inKind) (\(s.source.rawValue): \(sourceName))",
                                     by: actor, on: db)
        return id
    }

    /// Cancels a support of the actor's branch recorded by mistake; money taken from a fund
    /// goes back by a reversal. The support a loan made is undone on the loan, not here.
    /// Returns the household's code (where the page goes next).
    @discardableResult
    public func cancel(_ actor: Actor, _ id: Int, reason: String, on day: Day) async throws -> String {
        try actor.require(.cancelSupport)
        try requireText(reason, "lý do", "reason", .note)
        let reason = reason.trimmingCharacters(in: .whitespaces)
        guard !reason.isEmpty else { throw StorageError.invalid(Message("refusal.support.cancellation_needs_reason")) }
        return try await store.writeTransaction { db in
            // Locked on PostgreSQL: two cancellations at once — one waits, then sees it cancelled.
            guard let row = try await db.raw("""
                SELECT household_id, unit_id, fund_entry_id, cancelled_at, campaign_id, year, policy_code, value FROM support WHERE id = \(bind: id)
                \(unsafeRaw: store.dialect == .postgres ? "FOR UPDATE" : "")
                """).first() else { throw StorageError.notFound(.support, "#\(id)") }
            try actor.scope.require(try row.int("unit_id"), .support, "#\(id)")
            // The household too must be of the branch now (after it moved, its support is
            // corrected by an officer above both units).
            let household = try await db.household(id: try row.int("household_id"))
            try actor.scope.require(household.unitID, .support, "#\(id)")
            guard try row.string("policy_code") != Self.loanPolicy else {
                throw StorageError.invalid(Message("refusal.support.this_support_was_made"))
            }
            guard try row.optionalString("cancelled_at") == nil else { throw StorageError.invalid(Message("refusal.support.already_cancelled", .number(id))) }
            if let entryID = try row.optionalInt("fund_entry_id") {
                let entry = try await store.funds.entry(entryID, db: db)
                _ = try await store.funds.reverse(entry, day: day, reason: "huỷ hỗ trợ #\(id): \(reason)", actor: actor, db: db)
            }
            try await markCancelled(id, row, reason: reason, note: reason, actor: actor, db: db)
            if try row.optionalInt("campaign_id") != nil {
                try await db.raw("UPDATE campaign_proposals SET state = 'cancelled', reason = \(bind: reason) WHERE support_id = \(bind: id)").run()
            }
            return household.code
        }
    }

    /// Marks one support record cancelled, in the caller's transaction: its kept counts go down
    /// and the household's audit says so (`note`). `row` holds its unit_id, year, policy_code,
    /// household_id and value. Shared by a cancellation and an undone loan payout.
    func markCancelled(_ id: Int, _ row: any SQLRow, reason: String, note: String, actor: Actor, db: any SQLDatabase) async throws {
        let householdID = try row.int("household_id")
        // Only a record not yet cancelled: its counts go down once.
        guard try await db.raw("""
            UPDATE support SET cancelled_at = \(bind: store.now()), cancel_reason = \(bind: reason) WHERE id = \(bind: id) AND cancelled_at IS NULL RETURNING id
            """).first() != nil else { throw StorageError.invalid(Message("refusal.support.already_cancelled", .number(id))) }
        try await SupportRollups.support(db, unitID: try row.int("unit_id"), year: try row.int("year"), policy: try row.string("policy_code"),
                                         householdID: householdID, value: try row.int("value"), sign: -1)
        try await store.audit.record("huy_ho_tro", entity: "household", id: householdID, detail: "#\(id): \(note)", by: actor, on: db)
    }

    /// A household's support (a household of the actor's branch), newest first. Audited.
    public func records(_ actor: Actor, household code: String) async throws -> [SupportRecord] {
        try actor.require(.readSupport)
        let db = try store.sql
        let household = try await db.household(code: code)
        try actor.scope.require(household.unitID, .household, code)
        let records = try await records(householdID: household.id, db: db)
        try await store.audit.read("xem", entity: "support", id: household.id, detail: "\(code): \(records.count) lần hỗ trợ", by: actor)
        return records
    }

    /// Coverage of the poor (and, if asked, near-poor) households of a review year in a
    /// branch: what each lacks, and per unit the share with every need addressed. The year
    /// defaults to the branch's latest review year; support counts if given that year.
    func records(householdID: Int, db: any SQLDatabase) async throws -> [SupportRecord] {
        try await db.raw("""
            SELECT s.*, h.code AS household_code FROM support s JOIN households h ON h.id = s.household_id
            WHERE s.household_id = \(bind: householdID) ORDER BY s.day DESC, s.id DESC
            """).all().map(SupportRecord.init)
    }

    /// With a worklist (`limit` > 0) it names households: audited.
    public func coverage(_ actor: Actor, year: Int? = nil, includeNearPoor: Bool = false, unit: Int? = nil, limit: Int = 200) async throws -> CoverageReport {
        try actor.require(.readSupport)
        var scope = actor.scope
        if let unit {
            try actor.requireInBranch(unit, .unit, String(unit))
            scope = scope.intersection(.predecessorsIncluded(of: unit, in: actor.history, on: store.today))
        }
        let report = try await coverage(year: year, includeNearPoor: includeNearPoor, scope: scope, limit: limit)
        if limit > 0 {
            try await store.audit.read("xem_danh_sach", entity: "coverage",
                                       detail: "năm \(report.year.map(String.init) ?? "–"): \(report.gaps.count)/\(report.gapCount) hộ còn thiếu", by: actor)
        }
        return report
    }

    func coverage(year: Int?, includeNearPoor: Bool, scope: Scope, limit: Int) async throws -> CoverageReport {
        let db = try store.sql
        var chosen = year
        if chosen == nil { chosen = try await store.browse.latestYear(scope: scope) }
        guard let year = chosen else {
            return CoverageReport(year: nil, includesNearPoor: includeNearPoor, units: [], households: 0, complete: 0, gaps: [], gapCount: 0)
        }
        let catalogue = try await catalogue(on: db)
        let indicators = StandardCatalog.builtIn.indicators
        let statuses = includeNearPoor ? [LivingStandard.poor.rawValue, LivingStandard.nearPoor.rawValue] : [LivingStandard.poor.rawValue]
        // Without a worklist (limit 0: the counts only) no names are read.
        let wantGaps = limit > 0
        var query: SQLQueryString = wantGaps ? """
            SELECT r.household_id, h.code, r.unit_id, r.status, r.deprivations, r.id AS review_id, COALESCE(m.full_name, '') AS primary_name
            FROM reviews r JOIN households h ON h.id = r.household_id LEFT JOIN members m ON m.id = h.primary_member_id
            WHERE r.year = \(bind: year) AND r.status IN (\(binds: statuses))
            """ : """
            SELECT r.household_id, r.unit_id, r.deprivations FROM reviews r
            WHERE r.year = \(bind: year) AND r.status IN (\(binds: statuses))
            """
        var received: SQLQueryString = """
            SELECT s.household_id, s.policy_code FROM support s JOIN reviews r ON r.household_id = s.household_id AND r.year = \(bind: year)
            WHERE s.year = \(bind: year) AND s.cancelled_at IS NULL AND r.status IN (\(binds: statuses))
            """
        guard scope.append(to: &query, column: "r.unit_id"), scope.append(to: &received, column: "r.unit_id") else {
            return CoverageReport(year: year, includesNearPoor: includeNearPoor, units: [], households: 0, complete: 0, gaps: [], gapCount: 0)
        }
        var receivedBy: [Int: Set<String>] = [:]
        for row in try await db.raw(received).all() { receivedBy[try row.int("household_id"), default: []].insert(try row.string("policy_code")) }
        var units: [Int: CoverageReport.UnitLine] = [:]
        var gaps: [(reviewID: Int, line: CoverageGap)] = []
        var total = 0, complete = 0
        let supported: SQLQueryString = """
            EXISTS (SELECT 1 FROM support s WHERE s.household_id = r.household_id AND s.year = \(bind: year) AND s.cancelled_at IS NULL)
            """
        if !wantGaps {
            // Counts only: a household that received nothing that year cannot be complete, so
            // those are counted per unit in SQL and only the supported ones are read one by one.
            var unsupported: SQLQueryString = """
                SELECT r.unit_id, COUNT(*) AS n FROM reviews r
                WHERE r.year = \(bind: year) AND r.status IN (\(binds: statuses)) AND NOT \(supported)
                """
            _ = scope.append(to: &unsupported, column: "r.unit_id")
            unsupported.appendInterpolation(" GROUP BY r.unit_id" as SQLQueryString)
            for row in try await db.raw(unsupported).all() {
                let unitID = try row.int("unit_id"), n = try row.int("n")
                units[unitID, default: .init(unitID: unitID)].households += n
                total += n
            }
            query.appendInterpolation(" AND \(supported)" as SQLQueryString)
        }
        for row in try await db.raw(query).all() {
            let mask = UInt64(bitPattern: Int64(try row.int("deprivations")))
            let deprived = indicators.filter { mask & (1 << UInt64($0.index)) != 0 }.map(\.code)
            let householdID = try row.int("household_id")
            let cover = HouseholdCoverage.of(deprived: deprived, received: receivedBy[householdID] ?? [], catalogue: catalogue)
            let unitID = try row.int("unit_id")
            units[unitID, default: .init(unitID: unitID)].households += 1
            total += 1
            if cover.isComplete {
                units[unitID, default: .init(unitID: unitID)].complete += 1
                complete += 1
            } else if wantGaps {
                gaps.append((try row.int("review_id"), CoverageGap(householdCode: try row.string("code"), primaryName: try row.string("primary_name"),
                                                                    unitID: unitID, status: try row.status("status"), coverage: cover)))
            }
        }
        gaps.sort { $0.reviewID > $1.reviewID }
        return CoverageReport(year: year, includesNearPoor: includeNearPoor, units: units.values.sorted { $0.unitID < $1.unitID },
                              households: total, complete: complete, gaps: gaps.prefix(limit).map(\.line), gapCount: total - complete)
    }

    /// The plan's "100%" figure of the actor's branch and year: its poor households and those
    /// with every need addressed (the counts of `coverage`, from the kept counts; no names, not audited).
    public func coverageCounts(_ actor: Actor, year: Int) async throws -> (households: Int, complete: Int) {
        try actor.require(.readSupport)
        return try await coverageCounts(year: year, scope: actor.scope)
    }

    /// The plan's "100%" figure of a branch and year without the worklist: poor households
    /// from the kept review counts, and of them those with every need addressed — only the
    /// households that received something that year can be, so only those are checked, found
    /// from the support rather than by reading the year's reviews.
    func coverageCounts(year: Int, scope: Scope) async throws -> (households: Int, complete: Int) {
        let db = try store.sql
        let poor = LivingStandard.poor.rawValue
        var kept: SQLQueryString = scope.unitIDs == nil
            ? "SELECT CAST(COALESCE(SUM(households), 0) AS BIGINT) AS n FROM rollup_totals WHERE year = \(bind: year) AND status = \(bind: poor)"
            : "SELECT CAST(COALESCE(SUM(households), 0) AS BIGINT) AS n FROM rollup_reviews WHERE year = \(bind: year) AND status = \(bind: poor)"
        guard scope.append(to: &kept, column: "unit_id") else { return (0, 0) }
        let households = try await db.raw(kept).first()?.int("n") ?? 0
        var supported: SQLQueryString = """
            SELECT r.household_id, r.deprivations, s.policy_code FROM support s
            JOIN reviews r ON r.household_id = s.household_id AND r.year = s.year
            WHERE s.year = \(bind: year) AND s.cancelled_at IS NULL AND r.status = \(bind: poor)
            """
        _ = scope.append(to: &supported, column: "r.unit_id")
        var received: [Int: (mask: UInt64, policies: Set<String>)] = [:]
        for row in try await db.raw(supported).all() {
            let id = try row.int("household_id")
            let mask = UInt64(bitPattern: Int64(try row.int("deprivations")))
            let policy = try row.string("policy_code")
            received[id, default: (mask, [])].policies.insert(policy)
        }
        let catalogue = try await catalogue(on: db)
        let indicators = StandardCatalog.builtIn.indicators
        let complete = received.values.filter { entry in
            let deprived = indicators.filter { entry.mask & (1 << UInt64($0.index)) != 0 }.map(\.code)
            return HouseholdCoverage.of(deprived: deprived, received: entry.policies, catalogue: catalogue).isComplete
        }.count
        return (households, complete)
    }

    /// One household's coverage in its latest review year (nil when that review is not poor
    /// or near-poor), for a household of the actor's branch.
    public func coverage(_ actor: Actor, household code: String) async throws -> HouseholdCoverage? {
        try actor.require(.readSupport)
        let db = try store.sql
        let household = try await db.household(code: code)
        try actor.scope.require(household.unitID, .household, code)
        return try await coverage(of: household, db: db)
    }

    func coverage(of household: HouseholdRef, db: any SQLDatabase) async throws -> HouseholdCoverage? {
        guard let year = household.year, let status = household.status, status == .poor || status == .nearPoor,
              let row = try await db.raw("SELECT deprivations FROM reviews WHERE household_id = \(bind: household.id) AND year = \(bind: year)").first()
        else { return nil }
        let mask = UInt64(bitPattern: Int64(try row.int("deprivations")))
        let deprived = StandardCatalog.builtIn.indicators.filter { mask & (1 << UInt64($0.index)) != 0 }.map(\.code)
        let received = try await db.raw("""
            SELECT policy_code FROM support WHERE household_id = \(bind: household.id) AND year = \(bind: year) AND cancelled_at IS NULL
            """).all().map { try $0.string("policy_code") }
        return HouseholdCoverage.of(deprived: deprived, received: Set(received), catalogue: try await catalogue(on: db))
    }
}

extension SupportRecord {
    init(_ row: any SQLRow) throws {
        let source = try row.string("source_kind")
        guard let s = SupportSource(rawValue: source) else { throw StorageError.corrupt("support.source_kind = \(source)") }
        self.init(id: try row.int("id"), householdCode: try row.string("household_code"), policyCode: try row.string("policy_code"),
                  day: try row.day("day"), value: try row.int("value"), inKind: try row.string("in_kind"), source: s,
                  sourceName: try row.string("source_name"), unitID: try row.int("unit_id"), fundEntryID: try row.optionalInt("fund_entry_id"),
                  campaignID: try row.optionalInt("campaign_id"), cancelReason: try row.optionalString("cancel_reason"),
                  enteredBy: try row.string("entered_by"))
    }
}

extension Store {
    public var support: SupportRegistry { SupportRegistry(store: self) }
}
