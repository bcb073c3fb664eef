import FluentKit
import Foundation
import PovertyCore
import SQLKit

/// How far an import has come, for a progress line on a terminal.
public struct ImportProgress: Sendable {
    public enum Phase: Sendable { case checking, writing }
    public let phase: Phase
    public let rows: Int
    /// Known in the writing phase (the checking pass counted them).
    public let total: Int?
    public let elapsed: TimeInterval
}

/// What an import did.
public struct ImportResult: Sendable, Equatable, Codable {
    public var rows = 0
    public var added = 0
    public var updated = 0
    public var unchanged = 0
    /// Households (or members, or units) created along the way.
    public var created = 0
    /// Citizen IDs of 11 digits given back the leading 0 Excel dropped (the members file).
    public var restoredCitizenIDs = 0
    /// Header cells the file's kind has no column for, as written: their cells were not read.
    /// Said in the preview, so that a misnamed column (`Mã đơn vị` in a survey) is seen before confirming.
    public var ignoredColumns: [String] = []
    public init() {}

    private enum CodingKeys: String, CodingKey { case rows, added, updated, unchanged, created, restoredCitizenIDs, ignoredColumns }

    /// Read back leniently (a result kept before a count was added reads it as 0).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        rows = try c.decodeIfPresent(Int.self, forKey: .rows) ?? 0
        added = try c.decodeIfPresent(Int.self, forKey: .added) ?? 0
        updated = try c.decodeIfPresent(Int.self, forKey: .updated) ?? 0
        unchanged = try c.decodeIfPresent(Int.self, forKey: .unchanged) ?? 0
        created = try c.decodeIfPresent(Int.self, forKey: .created) ?? 0
        restoredCitizenIDs = try c.decodeIfPresent(Int.self, forKey: .restoredCitizenIDs) ?? 0
        ignoredColumns = try c.decodeIfPresent([String].self, forKey: .ignoredColumns) ?? []
    }
}

/// A dry run's result, thrown out of the import's transaction so that it rolls back.
struct DryRunFinished: Error { let result: ImportResult }

extension Store {
    /// Runs an import's transaction; a dry run's result comes back after the rollback.
    func importTransaction(_ body: @escaping @Sendable (any SQLDatabase) async throws -> ImportResult) async throws -> ImportResult {
        do {
            // SQLite: on the imports' own pool, so the seconds it holds a connection hold up no
            // request; the write lock first, as the transaction reads (its job's earlier import)
            // before it writes.
            // PostgreSQL: before any household is locked, the lock a Mái ấm approval holds alone
            // (`lockHouseholdBatches`): the approval waits for imports running, or they for it.
            return try await transaction(on: dialect == .sqlite ? .bulk : nil, writeLockFirst: true) { db in
                try await db.lockHouseholdBatches(alone: false)
                return try await body(db)
            }
        } catch let finished as DryRunFinished {
            return finished.result
        }
    }
}

/// An import refused because of bad rows: nothing was written.
public struct ImportRejected: Error, Sendable, CustomStringConvertible {
    /// The first problems, by row then column.
    public let issues: [SurveyIssue]
    /// How many problems in all.
    public let total: Int
    public var description: String { issues.map(\.description).joined(separator: "\n") }
}

/// Collects problems beyond the survey contract (unknown unit, unknown member, …),
/// keeping the first `limit` and counting the rest, then merges them with the scan's.
struct IssueLog {
    let limit: Int
    private(set) var kept: [SurveyIssue] = []
    private(set) var count = 0
    init(limit: Int = 200) { self.limit = limit }
    mutating func add(_ issue: SurveyIssue) {
        count += 1
        if kept.count < limit { kept.append(issue) }
    }
    func merged(with other: (shown: [SurveyIssue], total: Int)) -> ImportRejected {
        var all = other.shown + kept
        all.sort { ($0.row, $0.columnIndex) < ($1.row, $1.columnIndex) }
        return ImportRejected(issues: Array(all.prefix(limit)), total: other.total + count)
    }
}

/// Chunks a list for `IN (…)` queries and multi-row statements.
extension Array {
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}

extension Store {
    /// Settings for a bulk load on this connection: on SQLite a larger page cache
    /// (32 MB, a fixed bound), so index pages are not spilled and re-read.
    func prepareBulk(on db: any SQLDatabase) async throws {
        guard dialect == .sqlite else { return }
        try await db.raw("PRAGMA cache_size = -32768").run()
        // Multi-row statements keep a statement journal: in memory (one statement's pages), not a temp file.
        try await db.raw("PRAGMA temp_store = MEMORY").run()
    }

    /// PostgreSQL: fresh statistics before a file is imported, so look-ups by code use their
    /// indexes however the tables grew. Outside the import's transaction: ANALYZE's lock is
    /// then held for the seconds it takes, not until the import commits (another import or a
    /// review saved meanwhile would wait for the whole import).
    func refreshStatistics() async throws {
        guard dialect == .postgres else { return }
        try await sql.raw("ANALYZE households, reviews").run()
    }

    /// Records the start of an import and returns its id. An import job's id is kept with it
    /// (unique: a job imports once, whatever happens to the process that ran it).
    func beginImport(kind: String, fileName: String, job: String? = nil, actor: Actor, on db: any SQLDatabase) async throws -> Int {
        let record = ImportModel(kind: kind, fileName: fileName, enteredBy: actor.name, startedAt: now(), job: job)
        try await record.create(on: db.fluent)
        return try record.requireID()
    }

    /// What the import of a job wrote, if it was committed: a job confirmed again after its
    /// process stopped between the commit and saying "done" is not imported twice.
    func finishedImport(job: String, on db: any SQLDatabase) async throws -> ImportResult? {
        guard let row = try await db.raw("SELECT result FROM imports WHERE job = \(bind: job)").first() else { return nil }
        guard let text = try row.optionalString("result"), let result = try? JSONDecoder().decode(ImportResult.self, from: Data(text.utf8)) else {
            throw StorageError.corrupt("imports.result of job \(job)")
        }
        return result
    }

    func finishImport(_ id: Int, kind: String, fileName: String, result: ImportResult, actor: Actor, on db: any SQLDatabase) async throws {
        // Households list in their primary member's name order: new households, new primary
        // members and renamed members get their key in the same transaction.
        if kind != "don_vi" { try await Store.refreshHouseholdSortKeys(on: db) }
        let whole = String(decoding: try JSONEncoder().encode(result), as: UTF8.self)
        try await ImportModel.query(on: db.fluent).filter(\.$id == id)
            .set(\.$added, to: result.added).set(\.$updated, to: result.updated).set(\.$unchanged, to: result.unchanged)
            .set(\.$result, to: whole)
            .update()
        try await audit.record("nhap_\(kind)", entity: "import", id: id,
                               detail: "\(fileName): \(result.rows) dòng, thêm \(result.added), sửa \(result.updated), không đổi \(result.unchanged)",
                               by: actor, on: db)
    }
}

/// Members by code or citizen ID, looked up in batches.
func lookupMembers(_ keys: Set<String>, on db: any SQLDatabase) async throws -> [String: Int] {
    var found: [String: Int] = [:]
    // A citizen ID Excel kept as a number lost its leading 0: 11 digits are also looked up with it.
    let shortened = keys.filter { $0.utf8.count == 11 && $0.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }
    for chunk in Array(keys.union(shortened.map { "0" + $0 })).chunked(400) {
        let list = Array(chunk)
        let rows = try await db.raw("""
            SELECT id, code, citizen_id FROM members WHERE code IN (\(binds: list)) OR citizen_id IN (\(binds: list))
            """).all()
        for row in rows {
            let id = try row.int("id")
            found[try row.string("code")] = id
            if let cid = try row.optionalString("citizen_id") { found[cid] = id }
        }
    }
    for key in shortened where found[key] == nil {
        if let id = found["0" + key] { found[key] = id }
    }
    return found
}

/// Memberships of members, to find the unit a member was in on a day.
struct MembershipIndex {
    struct Period { let unit: Int; let joined: Day; let left: Day? }
    var periods: [Int: [Period]] = [:]

    static func load(_ members: Set<Int>, on db: any SQLDatabase) async throws -> MembershipIndex {
        var index = MembershipIndex()
        for chunk in Array(members).chunked(400) {
            for row in try await db.raw("SELECT member_id, unit_id, joined, left_on FROM memberships WHERE member_id IN (\(binds: Array(chunk)))").all() {
                index.periods[try row.int("member_id"), default: []].append(
                    Period(unit: try row.int("unit_id"), joined: try row.day("joined"), left: try row.optionalDay("left_on")))
            }
        }
        return index
    }

    func unit(of member: Int, on day: Day) -> Int? {
        periods[member]?.last { $0.joined <= day && ($0.left.map { day < $0 } ?? true) }?.unit
    }
}

/// True when a unit existed on some day of `year`.
func unitExisted(_ unit: OrgUnit, in year: Int) -> Bool {
    unit.from <= Day.endOfYear(year) && (unit.to.map { $0 > Day(year: year, month: 1, day: 1)! } ?? true)
}
