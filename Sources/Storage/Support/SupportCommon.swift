import FluentKit
import PovertyCore
import SQLKit

/// What a fund is for: support for households, or the union's share of the National
/// Employment Fund's capital, lent to members.
public enum FundKind: String, Sendable, Codable, CaseIterable {
    case support, nef

    /// The funds the federation keeps (the plan's tasks 2.3 and 2.4), stored by the migration.
    static let bundledFunds: [FundInfo] = [
        FundInfo(id: 0, code: "mai_am", nameVi: "Quỹ Mái ấm Công đoàn", nameEn: "Union Shelter Fund", kind: .support),
        FundInfo(id: 0, code: "tro_von", nameVi: "Quỹ trợ vốn Công đoàn", nameEn: "Union micro-capital fund", kind: .support),
        FundInfo(id: 0, code: "xa_hoi", nameVi: "Quỹ Xã hội Công đoàn (quà Tết, Tháng Công nhân, trợ cấp khó khăn)",
                 nameEn: "Union social fund (Tết and Workers' Month gifts, hardship allowances)", kind: .support),
        FundInfo(id: 0, code: "vi_nguoi_ngheo", nameVi: "Ủng hộ Quỹ \"Vì người nghèo\"", nameEn: "Contributions to the \"For the Poor\" Fund", kind: .support),
        FundInfo(id: 0, code: "den_on_dap_nghia", nameVi: "Ủng hộ Quỹ \"Đền ơn đáp nghĩa – An sinh xã hội\"",
                 nameEn: "Contributions to the \"Gratitude – Social Security\" Fund", kind: .support),
        FundInfo(id: 0, code: "nef", nameVi: "Nguồn vốn Quỹ quốc gia về việc làm do Công đoàn quản lý",
                 nameEn: "National Employment Fund capital managed by the union", kind: .nef),
    ]
}

public struct FundInfo: Sendable, Hashable, Codable {
    public let id: Int
    public let code: String
    public let nameVi: String
    public let nameEn: String
    public let kind: FundKind
}

/// A household as the support tables see it: its id and the unit and class of its latest review.
struct HouseholdRef: Sendable {
    let id: Int
    let code: String
    let unitID: Int?
    let year: Int?
    let status: LivingStandard?
}

extension SQLDatabase {
    func unitID(code: String) async throws -> Int {
        guard let row = try await raw("SELECT id FROM units WHERE code = \(bind: code)").first() else { throw StorageError.notFound(.unit, code) }
        return try row.int("id")
    }

    /// Refuses a unit named for a day it did not stand: not yet founded, or already merged,
    /// split or dissolved. Money comes in or goes out, support is given and a loan is applied
    /// for at a unit that existed that day. The branch is checked first, by the caller, so a
    /// unit of another branch tells nothing of its dates.
    func requireStanding(_ unitID: Int, _ code: String? = nil, on day: Day) async throws {
        guard try await stands(unitID, on: day) else {
            let label: String
            if let code { label = code } else { label = try await unitCode(id: unitID) }
            throw StorageError.unitNotActive(label, day)
        }
    }

    /// Writers that lock households batch after batch (an import of surveys or of members,
    /// which also re-sorts households) and writers that lock many households at once (a Mái ấm
    /// approval) could each hold what the other waits for, since id order holds only within
    /// one statement. On PostgreSQL an import holds this lock shared for its whole transaction
    /// and an approval holds it alone, from before it reads its list: the approval waits for
    /// imports running (and they for it) instead of the two deadlocking and one being aborted.
    /// This lock does not make imports wait for each other (rows they both write still do).
    func lockHouseholdBatches(alone: Bool) async throws {
        guard dialect.name == "postgresql" else { return }
        let function = alone ? "pg_advisory_xact_lock" : "pg_advisory_xact_lock_shared"
        try await raw("SELECT \(unsafeRaw: function)(\(bind: Store.householdBatchesLock))").run()
    }

    /// Locks rows of `table` by id for the caller's transaction, in id order, on PostgreSQL
    /// (SQLite's writer holds the whole file): writers that lock the same rows so queue one
    /// behind the other instead of deadlocking. `shared`: others may read-lock them too.
    func lockRows(_ table: LockedTable, _ ids: some Sequence<Int>, shared: Bool = false) async throws {
        let sorted = Set(ids).sorted()
        guard dialect.name == "postgresql", !sorted.isEmpty else { return }
        try await raw("""
            SELECT id FROM \(unsafeRaw: table.rawValue) WHERE id IN (\(binds: sorted)) ORDER BY id \(unsafeRaw: shared ? "FOR SHARE" : "FOR UPDATE")
            """).run()
    }

    /// Whether a unit stood on `day`: founded by then and not yet ended. On PostgreSQL the
    /// unit's row is share-locked for the caller's transaction: a merger or dissolution of it
    /// then waits for this write (and hands on what it wrote), or is seen by it.
    func stands(_ unitID: Int, on day: Day) async throws -> Bool {
        let lock = dialect.name == "postgresql" ? " FOR SHARE" : ""
        guard let row = try await raw("SELECT valid_from, valid_to FROM units WHERE id = \(bind: unitID)\(unsafeRaw: lock)").first() else {
            throw StorageError.corrupt("units.id = \(unitID)")
        }
        let from = try row.day("valid_from"), to = try row.optionalDay("valid_to")
        return from <= day && (to.map { day < $0 } ?? true)
    }

    func unitCode(id: Int) async throws -> String {
        guard let row = try await raw("SELECT code FROM units WHERE id = \(bind: id)").first() else { throw StorageError.corrupt("units.id = \(id)") }
        return try row.string("code")
    }

    /// A household with its latest review: its unit there is where it counts now.
    func household(code: String) async throws -> HouseholdRef {
        try await household(where: "h.code = \(bind: code)", named: code)
    }

    /// The same, by id (a record naming it: support, a hardship, a proposal).
    func household(id: Int) async throws -> HouseholdRef {
        try await household(where: "h.id = \(bind: id)", named: "#\(id)")
    }

    private func household(where filter: SQLQueryString, named: String) async throws -> HouseholdRef {
        var q: SQLQueryString = "SELECT h.id, h.code, r.unit_id, r.year, r.status FROM households h LEFT JOIN reviews r ON r.household_id = h.id WHERE "
        q.appendInterpolation(filter)
        q.appendInterpolation(" ORDER BY r.year DESC LIMIT 1" as SQLQueryString)
        guard let row = try await raw(q).first() else { throw StorageError.notFound(.household, named) }
        var status: LivingStandard?
        if let text = try row.optionalString("status") {
            guard let s = LivingStandard(rawValue: text) else { throw StorageError.corrupt("reviews.status = \(text)") }
            status = s
        }
        return HouseholdRef(id: try row.int("id"), code: try row.string("code"), unitID: try row.optionalInt("unit_id"),
                            year: try row.optionalInt("year"), status: status)
    }

    func fund(code: String) async throws -> FundInfo {
        guard let row = try await raw("SELECT id, code, name_vi, name_en, kind FROM funds WHERE code = \(bind: code)").first() else {
            throw StorageError.notFound(.fund, code)
        }
        return try FundInfo(row)
    }

    /// The days of the Mái ấm houses (new or repaired, `mai_am…`) a household was given and
    /// that stand (not cancelled): what the once-in-so-many-years rule compares with.
    func maiAmHouses(_ householdID: Int) async throws -> [Day] {
        try await raw("""
            SELECT day FROM support WHERE household_id = \(bind: householdID) AND policy_code LIKE \(bind: SupportRegistry.maiAmPolicyPrefix + "%")
              AND cancelled_at IS NULL
            """).all().map { try $0.day("day") }
    }

    /// Refuses a Mái ấm house for a household (`household`, its code) given one too near `day`
    /// under `rules`, naming that one's day: the one refusal, by hand or by a campaign.
    func requireMaiAmAllowed(_ householdID: Int, _ household: String, on day: Day, rules: SupportRules) async throws {
        if let other = rules.maiAmConflict(given: try await maiAmHouses(householdID), on: day) {
            throw StorageError.invalid(Message("refusal.support.mai_am_repeat", .text(household), .day(other), .number(rules.maiAmRepeatYears)))
        }
    }

    func member(code: String) async throws -> (id: Int, name: String) {
        guard let row = try await raw("SELECT id, full_name FROM members WHERE code = \(bind: code) OR citizen_id = \(bind: code)").first() else {
            throw StorageError.notFound(.member, code)
        }
        return (try row.int("id"), try row.string("full_name"))
    }
}

extension FundInfo {
    init(_ row: any SQLRow) throws {
        let kind = try row.string("kind")
        guard let k = FundKind(rawValue: kind) else { throw StorageError.corrupt("funds.kind = \(kind)") }
        self.init(id: try row.int("id"), code: try row.string("code"), nameVi: try row.string("name_vi"), nameEn: try row.string("name_en"), kind: k)
    }
}

/// How long a typed text may be: a name (a person, a giver, a campaign) or a note (a reason,
/// a description). Every channel is held to it here, with the field named.
enum TextBound: Int {
    case name = 500, note = 2000
}

/// Refuses a text longer than its bound, naming the field (`vi`, `en`).
func requireText(_ text: String?, _ vi: String, _ en: String, _ bound: TextBound) throws {
    guard let text else { return }
    // Every channel's free text: a control character (an escape that would drive the terminal
    // that prints it) is refused here too, not only by the web's input guard.
    if TextFolding.controlCharacter(in: text) != nil { throw StorageError.invalid(Message("input.control_characters")) }
    guard text.count > bound.rawValue else { return }
    throw StorageError.invalid(Message("refusal.text_too_long", .both(vi: vi, en: en), .number(bound.rawValue)))
}

/// Positive whole đồng, at most `Money.maximum`.
func requirePositive(_ amount: Dong, _ what: String = "số tiền / amount") throws {
    guard amount > 0, amount <= Money.maximum else {
        throw StorageError.invalid(Message("refusal.positive_money", .text(what)))
    }
}

/// Tables whose rows writers lock by id (`SQLDatabase.lockRows`).
enum LockedTable: String { case units, members, households }
