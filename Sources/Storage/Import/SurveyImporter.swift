import Foundation
import PovertyCore
import Spreadsheets
import SQLKit

/// Imports annual review rows (the survey contract, plus `don_vi` and `ma_doan_vien`)
/// into the registry. All or nothing: a first pass checks every row against the
/// contract and the registry without writing; the second writes everything in one
/// transaction. Idempotent: a review whose content did not change is left alone.
public struct SurveyImporter: Sendable {
    let store: Store
    let actor: Actor
    public let fileName: String
    public let standard: PovertyStandard?
    /// Rows per batch: by default 500 on SQLite and 5,000 on PostgreSQL, where every batch costs
    /// round trips (5,000 was 27% faster than 500 for 250,000 rows; SQLite showed no difference).
    public let batchSize: Int
    public let progress: (@Sendable (ImportProgress) -> Void)?
    /// About how many rows the file has, when known beforehand (for "time left").
    public let expectedRows: Int?
    /// Check and count everything, then roll back: the preview of a web import.
    public var dryRun = false
    /// The web app's import job running it: imported at most once (see `Store.finishedImport`).
    public var job: String?
    /// A form's sheet: the review of its household and year it was drawn from (`fingerprint`
    /// nil: there was none). Another review found there now — a second editor saved first, or
    /// a new sheet names a review already stored — refuses the row instead of overwriting it.
    var drawnFrom: (household: String, year: Int, fingerprint: Int?)?


    public init(store: Store, actor: Actor, fileName: String, standard: PovertyStandard? = nil, batchSize: Int? = nil,
                expectedRows: Int? = nil, progress: (@Sendable (ImportProgress) -> Void)? = nil) {
        self.expectedRows = expectedRows
        self.store = store
        self.actor = actor
        self.fileName = fileName
        self.standard = standard
        self.batchSize = batchSize ?? (store.dialect == .postgres ? 5000 : 500)
        self.progress = progress
    }

    /// One checked row, with what the registry resolved for it.
    struct Resolved {
        let record: SurveyRecord
        let unitID: Int
        let memberID: Int?
        let classification: Classification
        let reason: String
    }

    /// A checked batch: the records with their classification and reason.
    typealias Checked = SurveyPipeline<(classification: Classification, reason: String)>.Batch

    public func run(_ source: any RowSource & Sendable) async throws -> ImportResult {
        try actor.require(.importSurvey)
        // A job confirmed again after its process stopped finds the import it already ran
        // before the file is checked against today's data (and again under the write lock).
        if !dryRun, let job, let earlier = try await store.finishedImport(job: job, on: try store.sql) { return earlier }
        let started = Date()
        let history = try await store.units.history()
        let standard = self.standard
        // One pass inside one transaction: rows are checked and written batch by batch.
        // At the first problem writing stops, checking goes on to report every problem,
        // and the transaction is rolled back: the database is exactly as before.
        return try await transaction(source, history: history, standard: standard, started: started)
    }

    private func transaction(_ source: any RowSource & Sendable, history: OrgHistory, standard: PovertyStandard?, started: Date) async throws -> ImportResult {
        // A file, not one review sheet saved from its form (which looks up one household).
        if drawnFrom == nil { try await store.refreshStatistics() }
        return try await store.importTransaction { db in
            if !dryRun, let job, let earlier = try await store.finishedImport(job: job, on: db) { return earlier }
            try await store.prepareBulk(on: db)
            let importID = try await store.beginImport(kind: "khao_sat", fileName: fileName, job: dryRun ? nil : job, actor: actor, on: db)
            // Three stages (SurveyPipeline): a reader thread parses the file, a checking thread
            // applies the contract and classifies, and this task resolves and writes — so the
            // next batch is being prepared while the database writes this one.
            let pipeline = SurveyPipeline(source, standard: standard, batchSize: batchSize) { r -> (classification: Classification, reason: String) in
                let c = Classifier.classify(r.answers, under: r.standard)
                return (c, Reason.text(c, standard: r.standard))
            }
            var log = IssueLog()
            var result = ImportResult()
            var ids = IDs(nextHouseholdID: nil)
            if store.dialect == .sqlite {
                ids.nextHouseholdID = try await db.raw("SELECT COALESCE(MAX(id), 0) + 1 AS next FROM households").first()?.int("next") ?? 1
            }
            let enteredAt = store.now()
            var rows = 0
            // A household twice in one year is reported at the end (with both rows); once one is
            // seen inside a batch, nothing more is written (one statement cannot hold a key twice).
            var repeatsInBatch = false
            var years = Set<Int>()
            do {
                while let batch = try await pipeline.nextAsync() {
                    let resolved = try await resolve(batch, history: history, log: &log, on: db)
                    var seen = Set<Link>()
                    for r in batch.records where !seen.insert(Link(household: r.householdCode, member: r.year)).inserted { repeatsInBatch = true }
                    rows += batch.records.count
                    for r in batch.records { years.insert(r.year) }
                    if log.count == 0 && !batch.hasIssues && !repeatsInBatch {
                        try await write(resolved, importID: importID, enteredAt: enteredAt, history: history, ids: &ids, result: &result, on: db)
                        if !dryRun { CrashPoint.reach(.importBatch) }
                    }
                    progress?(ImportProgress(phase: log.count == 0 && !batch.hasIssues && !repeatsInBatch ? .writing : .checking, rows: rows,
                                             total: expectedRows.map { Swift.max($0, rows) }, elapsed: Date().timeIntervalSince(started)))
                }
            } catch {
                pipeline.cancel()
                throw error
            }
            let scan = try pipeline.finish()
            if scan.hasIssues || log.count > 0 || scan.parser == nil {
                throw log.merged(with: scan.issues())  // rolls the transaction back
            }
            result.ignoredColumns = scan.unknownColumns
            if dryRun { throw DryRunFinished(result: result) }
            // The counts of the years this file touched, in the same transaction. The bump comes
            // first: its row lock makes two saves of reviews recount one after the other, the
            // second reading the first's reviews and counts (on PostgreSQL both recounting at
            // once would insert the same count twice, and the second save would fail).
            if result.added + result.updated > 0 {
                try await store.bump(.reviews, on: db)
                try await Rollups.refresh(years: years, on: db)
            }
            try await store.finishImport(importID, kind: "khao_sat", fileName: fileName, result: result, actor: actor, on: db)
            return result
        }
    }

    /// Resolves units and members for a checked batch, refusing (as errors of their rows)
    /// whatever lies outside the importing actor's branch: a unit, a member found by code or
    /// citizen ID, a household that exists elsewhere, a review of another branch it would
    /// overwrite. Those rows read exactly like rows naming things that do not exist, and
    /// nothing of another branch's data reaches the messages.
    private func resolve(_ batch: Checked, history: OrgHistory, log: inout IssueLog, on db: any SQLDatabase) async throws -> [Resolved] {
        let records = batch.records
        guard let layout = batch.layout, !records.isEmpty else { return [] }
        let scope = actor.scope
        let members = try await lookupMembers(Set(records.compactMap(\.memberCode)), on: db)
        let homes = scope.isWholeProvince ? [:] : try await memberHomes(Set(members.values), on: db)
        let branches = scope.isWholeProvince ? [:] : try await householdBranches(Set(records.map(\.householdCode)), on: db)
        // Without a unit on the row, a household counts in the unit of its primary member
        // (the row's member when the household has none yet).
        let withoutUnit = records.filter { $0.unitCode == nil }
        var primary: [String: Int] = [:]
        if !withoutUnit.isEmpty {
            let bulk = BulkWriter(db: db)
            let byCode = bulk.anyOf("code", Array(Set(withoutUnit.map(\.householdCode))).map { .text($0) })
            for row in try await bulk.query("SELECT code, primary_member_id FROM households WHERE primary_member_id IS NOT NULL AND \(byCode.sql)",
                                            byCode.binds) {
                primary[try row.string("code")] = try row.int("primary_member_id")
            }
        }
        let needMemberships = Set(withoutUnit.compactMap { primary[$0.householdCode] ?? $0.memberCode.flatMap { members[$0] } })
        let memberships = needMemberships.isEmpty ? MembershipIndex() : try await MembershipIndex.load(needMemberships, on: db)
        func issue(_ r: SurveyRecord, _ column: SurveyColumn, _ message: Message) {
            log.add(SurveyIssue(row: r.rowNumber, column: layout.header(column), message: message,
                                columnIndex: layout.index(of: column) ?? .max))
        }
        var out: [Resolved] = []
        out.reserveCapacity(records.count)
        // A year's review is made in that year: a later one is a slip (2029 for 2026) that would
        // make it every page's latest year.
        let thisYear = store.today.year
        for (i, r) in records.enumerated() {
            guard r.year <= thisYear else {
                issue(r, .year, Message("survey.year_not_begun", .number(r.year), .number(thisYear)))
                continue
            }
            if let branch = branches[r.householdCode], !branch.allows(year: r.year, in: scope) {
                issue(r, .householdCode, Message("survey.household_code_belongs_household", .text(r.householdCode)))
                continue
            }
            if let drawn = drawnFrom, drawn.household == r.householdCode, drawn.year == r.year {
                // PostgreSQL: the household's row is locked first, so two editors saving at once
                // queue here — also for a year not reviewed yet — and the second reads the first's
                // review (SQLite writes one transaction at a time).
                if store.dialect == .postgres {
                    try await db.raw("SELECT id FROM households WHERE code = \(bind: r.householdCode) FOR UPDATE").run()
                }
                let stored = try await db.raw("""
                    SELECT r.fingerprint FROM reviews r JOIN households h ON h.id = r.household_id WHERE h.code = \(bind: r.householdCode) AND r.year = \(bind: r.year)
                    """).first()?.int("fingerprint")
                if stored != drawn.fingerprint {
                    issue(r, .year, Message(drawn.fingerprint == nil ? "survey.review_already_stored" : "survey.review_changed_meanwhile", .number(r.year)))
                    continue
                }
            }
            var memberID: Int?
            if let code = r.memberCode {
                memberID = members[code]
                if let m = memberID, !scope.isWholeProvince, !(homes[m].map(scope.contains) ?? false) { memberID = nil }
                if memberID == nil {
                    let eleven = code.utf8.count == 11 && code.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
                    issue(r, .member, Message(eleven ? "survey.member_citizen_id_11_digits" : "survey.member_code_citizen_id", .text(code)))
                    continue
                }
            }
            var unitID: Int?
            if let code = r.unitCode {
                guard let unit = history.unit(code: code), scope.contains(unit.id) else {
                    issue(r, .unit, Message("survey.unit_code_your_branch", .text(code)))
                    continue
                }
                guard unitExisted(unit, in: r.year) else {
                    issue(r, .unit, Message("survey.unit_did_exist", .text(code), .number(r.year)))
                    continue
                }
                unitID = unit.id
            } else if let m = primary[r.householdCode] ?? memberID {
                unitID = memberships.unit(of: m, on: Day.endOfYear(r.year)).flatMap { scope.contains($0) ? $0 : nil }
            }
            guard let unitID else {
                issue(r, .unit, Message("survey.unit_give_unit_code", .number(r.year)))
                continue
            }
            out.append(Resolved(record: r, unitID: unitID, memberID: memberID,
                                classification: batch.prepared[i].classification, reason: batch.prepared[i].reason))
        }
        return out
    }

    /// Where an existing household belongs, for branch checks: the unit of its latest review
    /// and of each year's review (a household with no review yet: its members' units).
    struct HouseholdBranch {
        var latest: (year: Int, unit: Int)?
        var reviewUnits: [Int: Int] = [:]
        var memberUnits: Set<Int> = []

        /// Whether a row of `year` may write this household: it is of the branch now (latest
        /// review, else a member), and the review it would overwrite is of the branch too.
        func allows(year: Int, in scope: Scope) -> Bool {
            if let unit = reviewUnits[year], !scope.contains(unit) { return false }
            if let latest { return scope.contains(latest.unit) }
            return memberUnits.contains(where: scope.contains)
        }
    }

    private func householdBranches(_ codes: Set<String>, on db: any SQLDatabase) async throws -> [String: HouseholdBranch] {
        var out: [String: HouseholdBranch] = [:]
        for chunk in Array(codes).chunked(400) {
            for row in try await db.raw("""
                SELECT h.code, r.year, r.unit_id FROM households h LEFT JOIN reviews r ON r.household_id = h.id
                WHERE h.code IN (\(binds: Array(chunk)))
                """).all() {
                let code = try row.string("code")
                var b = out[code] ?? HouseholdBranch()
                if let year = try row.optionalInt("year"), let unit = try row.optionalInt("unit_id") {
                    b.reviewUnits[year] = unit
                    if (b.latest?.year ?? .min) < year { b.latest = (year, unit) }
                }
                out[code] = b
            }
            let unreviewed = out.filter { chunk.contains($0.key) && $0.value.latest == nil }.map(\.key)
            guard !unreviewed.isEmpty else { continue }
            for row in try await db.raw("""
                SELECT h.code, ms.unit_id FROM households h JOIN household_members hm ON hm.household_id = h.id AND hm.unlinked_on IS NULL
                JOIN memberships ms ON ms.member_id = hm.member_id AND ms.left_on IS NULL
                WHERE h.code IN (\(binds: unreviewed))
                """).all() {
                out[try row.string("code")]?.memberUnits.insert(try row.int("unit_id"))
            }
        }
        return out
    }

    /// Each member's unit for branch checks (`MemberRegistry.homeUnit`), by id.
    private func memberHomes(_ ids: Set<Int>, on db: any SQLDatabase) async throws -> [Int: Int] {
        var out: [Int: Int] = [:]
        for chunk in Array(ids).chunked(400) {
            var best: [Int: (open: Int, joined: String, id: Int)] = [:]
            for row in try await db.raw("""
                SELECT id, member_id, unit_id, joined, left_on FROM memberships WHERE member_id IN (\(binds: Array(chunk)))
                """).all() {
                let member = try row.int("member_id")
                let candidate = (open: try row.optionalString("left_on") == nil ? 1 : 0, joined: try row.string("joined"), id: try row.int("id"))
                if let b = best[member], (b.open, b.joined, b.id) >= (candidate.open, candidate.joined, candidate.id) { continue }
                best[member] = candidate
                out[member] = try row.int("unit_id")
            }
        }
        return out
    }

    /// Writes one checked batch: households, their members, reviews.
    /// Ids handed out by the import itself (SQLite only; nil elsewhere).
    struct IDs { var nextHouseholdID: Int? }

    private func write(_ batch: [Resolved], importID: Int, enteredAt: String, history: OrgHistory, ids: inout IDs, result: inout ImportResult, on db: any SQLDatabase) async throws {
        guard !batch.isEmpty else { return }
        result.rows += batch.count
        // Households: the latest year's row in the batch decides their attributes.
        var latest: [String: Resolved] = [:]
        for r in batch where (latest[r.record.householdCode]?.record.year ?? .min) < r.record.year {
            latest[r.record.householdCode] = r
        }
        let codes = Array(latest.keys)
        var households: [String: (id: Int, primary: Int?, area: String, minority: Int, year: Int, province: String?, commune: String?, address: String?)] = [:]
        let bulk = BulkWriter(db: db)
        let byCode = bulk.anyOf("code", codes.map { .text($0) })
        // PostgreSQL: the batch's households are locked (in one order) before their reviews are
        // read, as a review form locks its household: a form saved during this import waits and
        // then compares its sheet with what the import wrote, never writes over it unseen.
        let lock = store.dialect == .postgres ? " ORDER BY id FOR UPDATE" : ""
        for row in try await bulk.query("""
            SELECT id, code, primary_member_id, area, ethnic_minority, attributes_year, province, commune, address
            FROM households WHERE \(byCode.sql)\(lock)
            """, byCode.binds) {
            households[try row.string("code")] = (try row.int("id"), try row.optionalInt("primary_member_id"), try row.optionalString("area") ?? "",
                                                  try row.int("ethnic_minority"), try row.int("attributes_year"),
                                                  try row.optionalString("province"), try row.optionalString("commune"), try row.optionalString("address"))
        }
        let fresh = codes.filter { households[$0] == nil }.sorted()
        // Households that existed before this batch: only they can have reviews to compare with.
        let known = codes.filter { households[$0] != nil }
        if !fresh.isEmpty {
            var columns = ["code", "area", "ethnic_minority", "attributes_year", "province", "commune", "address", "primary_member_id", "created_at", "updated_at"]
            var rows: [[BulkValue]] = try fresh.map { code in
                let r = try latest.required(code)
                return [.text(code), .text(r.record.answers.area.rawValue), .int((r.record.ethnicMinority ?? false) ? 1 : 0),
                        .int(r.record.year), BulkValue(r.record.province), BulkValue(r.record.commune), BulkValue(r.record.address),
                        BulkValue(r.memberID), .text(enteredAt), .text(enteredAt)]
            }
            func remember(_ code: String, _ id: Int) throws {
                let r = try latest.required(code)
                households[code] = (id, r.memberID, r.record.answers.area.rawValue, (r.record.ethnicMinority ?? false) ? 1 : 0,
                                    r.record.year, r.record.province, r.record.commune, r.record.address)
            }
            // Ids are given here, so nothing has to come back from the database: on SQLite this
            // transaction holds the write lock; on PostgreSQL they are drawn from the identity's sequence.
            let newIDs: [Int]
            if let first = ids.nextHouseholdID {
                newIDs = Array(first..<(first + rows.count))
                ids.nextHouseholdID = first + rows.count
            } else {
                newIDs = try await bulk.query("SELECT nextval(pg_get_serial_sequence('households', 'id')) AS id FROM generate_series(1, ?) ORDER BY 1",
                                              [.int(rows.count)]).map { try $0.int("id") }
            }
            columns.append("id")
            for i in rows.indices { rows[i].append(.int(newIDs[i])); try remember(fresh[i], newIDs[i]) }
            try await bulk.append(into: "households", columns: columns, rows: rows)
            result.created += fresh.count
        }
        // Existing households: newer attributes, and a primary member if they had none.
        for code in known {
            let r = try latest.required(code)
            let h = try households.required(code)
            let area = r.record.answers.area.rawValue
            let minority = (r.record.ethnicMinority ?? false) ? 1 : 0
            let province = r.record.province ?? h.province, commune = r.record.commune ?? h.commune, address = r.record.address ?? h.address
            let newer = r.record.year >= h.year && (area != h.area || minority != h.minority || r.record.year != h.year
                                                     || province != h.province || commune != h.commune || address != h.address)
            let primary = h.primary ?? r.memberID
            if newer || primary != h.primary {
                try await db.raw("""
                    UPDATE households SET area = \(bind: newer ? area : h.area), ethnic_minority = \(bind: newer ? minority : h.minority),
                      attributes_year = \(bind: Swift.max(h.year, r.record.year)), province = \(bind: province), commune = \(bind: commune),
                      address = \(bind: address), primary_member_id = \(bind: primary), updated_at = \(bind: enteredAt)
                    WHERE id = \(bind: h.id)
                    """).run()
            }
        }
        // Every member named for a household is linked to it; the household is visible from each.
        var links = Set<Link>()
        for r in batch { if let m = r.memberID { links.insert(Link(household: r.record.householdCode, member: m)) } }
        if !links.isEmpty {
            try await bulk.insert(
                into: "household_members", columns: ["household_id", "member_id", "import_id"],
                rows: try links.sorted { ($0.household, $0.member) < ($1.household, $1.member) }.map {
                    [.int(try households.required($0.household).id), .int($0.member), .int(importID)]
                },
                ignoreConflictsOn: ["household_id", "member_id"])
        }
        // Reviews: compare fingerprints, write only what is new or changed.
        let years = Set(batch.map(\.record.year))
        var existing: [Link: StoredReview] = [:]
        if !known.isEmpty {
            var codeOf: [Int: String] = [:]
            for code in known { codeOf[try households.required(code).id] = code }
            let byHousehold = bulk.anyOf("household_id", try known.map { .int(try households.required($0).id) })
            let byYear = bulk.anyOf("year", years.map { .int($0) })
            for row in try await bulk.query("""
                SELECT household_id, year, fingerprint, status, per_capita_income, deprivations, unit_id, address, head_name,
                       area, household_size, yearly_income, official_status FROM reviews
                WHERE \(byHousehold.sql) AND \(byYear.sql)
                """, byHousehold.binds + byYear.binds) {
                guard let code = codeOf[try row.int("household_id")] else { continue }
                existing[Link(household: code, member: try row.int("year"))] = StoredReview(
                    fingerprint: try row.int("fingerprint"), status: try row.string("status"),
                    perCapita: try row.int("per_capita_income"), deprivations: try row.int("deprivations"),
                    unitID: try row.int("unit_id"), address: try row.optionalString("address"), headName: try row.optionalString("head_name"),
                    area: try row.string("area"), size: try row.optionalInt("household_size"), yearly: try row.optionalInt("yearly_income"),
                    official: try row.optionalString("official_status"))
            }
        }
        var pending: [[BulkValue]] = []
        pending.reserveCapacity(batch.count)
        // When every review to write belongs to a household created in this batch, none can
        // conflict: they are appended (COPY on PostgreSQL), not upserted.
        let created = Set(fresh)
        var onlyNew = true
        // A changed review overwrites the stored one: the audit log keeps what it was.
        var changes: [[BulkValue]] = []
        var fills: [(household: Int, year: Int, address: String?, head: String?)] = []
        for r in batch {
            var review = ReviewRow(r, householdID: try households.required(r.record.householdCode).id)
            let stored = existing[Link(household: r.record.householdCode, member: r.record.year)]
            // A row without an address or a head's name keeps the year's stored ones.
            review.address = review.address ?? stored?.address
            review.headName = review.headName ?? stored?.headName
            switch stored {
            case .some(let old) where old.fingerprint == review.fingerprint && old.address == review.address && old.headName == review.headName:
                result.unchanged += 1; continue
            case .some(let old) where old.fingerprint == review.fingerprint && (old.address == nil || old.address == review.address)
                && (old.headName == nil || old.headName == review.headName):
                // Only what the year had not kept yet (an address or a head's name no file gave it
                // before, as for reviews from before v020): filled in, the review itself unchanged,
                // its import and who entered it kept.
                result.unchanged += 1
                fills.append((review.householdID, review.year, review.address, review.headName))
                continue
            case .some(let old):
                result.updated += 1
                onlyNew = false
                changes.append([.text(enteredAt), .text(actor.name), .text(actor.channel.rawValue), .text("sua_ra_soat"), .text("household"), .int(review.householdID),
                                .text(old.change(to: review, household: r.record.householdCode, importID: importID) { history.units[$0]?.code ?? "#\($0)" })])
            case .none:
                result.added += 1
                if !created.contains(r.record.householdCode) { onlyNew = false }
            }
            pending.append(review.values(importID: importID, enteredBy: actor.name, enteredAt: enteredAt))
        }
        if onlyNew {
            try await bulk.append(into: "reviews", columns: ReviewRow.columns, rows: pending)
        } else {
            try await bulk.insert(into: "reviews", columns: ReviewRow.columns, rows: pending, upsertOn: ["household_id", "year"])
        }
        if !changes.isEmpty {
            try await bulk.insert(into: "audit_log", columns: ["at", "actor", "channel", "action", "entity", "entity_id", "detail"], rows: changes)
        }
        for f in fills {
            try await db.raw("""
                UPDATE reviews SET address = COALESCE(address, \(bind: f.address)), head_name = COALESCE(head_name, \(bind: f.head))
                WHERE household_id = \(bind: f.household) AND year = \(bind: f.year)
                """).run()
        }
    }
}

/// What a stored review held, for the audit entry of its correction.
struct StoredReview {
    let fingerprint: Int
    let status: String
    let perCapita: Int
    /// The deprivations' bit mask (an indicator's `index`).
    let deprivations: Int
    let unitID: Int
    let address: String?
    let headName: String?
    let area: String
    let size: Int?
    let yearly: Int?
    let official: String?

    /// `HO-04 năm 2021: khong_ngheo → muc_song_trung_binh; thu nhập bq 3.125.000 → 2.083.333; …`:
    /// each answer that changed, old → new.
    func change(to new: ReviewRow, household: String, importID: Int, unitCode: (Int) -> String) -> String {
        var parts: [String] = []
        func text(_ n: Int?) -> String { n.map(String.init) ?? "–" }
        func money(_ n: Int?) -> String { n.map { Money.format($0) } ?? "–" }
        if status != new.status { parts.append("phân loại \(status) → \(new.status)") }
        if perCapita != new.perCapita { parts.append("thu nhập bq \(Money.format(perCapita)) → \(Money.format(new.perCapita))") }
        if deprivations != new.deprivations { parts.append("chỉ số thiếu hụt \(Self.indicators(deprivations)) → \(Self.indicators(new.deprivations))") }
        if unitID != new.unitID { parts.append("đơn vị \(unitCode(unitID)) → \(unitCode(new.unitID))") }
        if area != new.area { parts.append("khu vực \(area) → \(new.area)") }
        if size != new.size { parts.append("số nhân khẩu \(text(size)) → \(text(new.size))") }
        if yearly != new.yearly { parts.append("tổng thu nhập năm \(money(yearly)) → \(money(new.yearly))") }
        if official != new.official { parts.append("phân loại công nhận \(official ?? "–") → \(new.official ?? "–")") }
        if address != new.address { parts.append("địa chỉ \(address ?? "–") → \(new.address ?? "–")") }
        if headName != new.headName { parts.append("chủ hộ \(headName ?? "–") → \(new.headName ?? "–")") }
        if parts.isEmpty { parts.append("thông tin khác của kết quả rà soát") }
        return "\(household) năm \(new.year): " + parts.joined(separator: "; ") + " (lần nhập #\(importID))"
    }

    /// `bhyt, nha_tieu` (– for none): the indicators of a deprivation mask, by their codes.
    static func indicators(_ mask: Int) -> String {
        let bits = UInt64(bitPattern: Int64(mask))
        let codes = StandardCatalog.builtIn.indicators.filter { bits & (1 << UInt64($0.index)) != 0 }.map(\.code)
        return codes.isEmpty ? "–" : codes.joined(separator: ", ")
    }
}

/// A household (by code) with a number: a member id, or a year.
struct Link: Hashable { let household: String; let member: Int }

/// A review as stored, with the fingerprint of its content.
struct ReviewRow {
    static let columns = ["household_id", "year", "unit_id", "member_id", "standard_code", "area", "household_size",
                          "yearly_income", "monthly_income", "deprivations", "deprivation_count", "per_capita_income",
                          "status", "reason", "official_status", "ethnic_minority", "no_working_capacity", "ethnicity",
                          "causes", "fingerprint", "import_id", "entered_by", "entered_at", "address", "head_name"]
    let householdID: Int
    let year: Int
    /// The row's address and head's name for the year (not in `fingerprint`: compared as they are).
    var address: String?
    var headName: String?
    let unitID: Int
    let memberID: Int?
    let standardCode: String
    let area: String
    let size: Int?
    let yearly: Int?
    let monthly: Int?
    let deprivations: Int
    let deprivationCount: Int
    let perCapita: Int
    let status: String
    let reason: String
    let official: String?
    let minority: Int?
    let noCapacity: Int?
    let ethnicity: String?
    let causes: String?
    let fingerprint: Int

    init(_ r: SurveyImporter.Resolved, householdID: Int) {
        let rec = r.record
        let standard = rec.standard
        let c = r.classification
        self.householdID = householdID
        year = rec.year
        unitID = r.unitID
        memberID = r.memberID
        standardCode = standard.code
        area = rec.answers.area.rawValue
        switch rec.answers.income {
        case let .yearlyTotal(t, n): (size, yearly, monthly) = (n, t, nil)
        case let .monthlyPerCapita(i): (size, yearly, monthly) = (nil, nil, i)
        }
        deprivations = Int(bitPattern: UInt(c.deprivedMask))
        deprivationCount = c.deprivationCount
        perCapita = c.perCapitaMonthly
        status = c.status.rawValue
        reason = r.reason
        official = rec.officialStatus?.rawValue
        minority = rec.ethnicMinority.map { $0 ? 1 : 0 }
        noCapacity = rec.noWorkingCapacity.map { $0 ? 1 : 0 }
        ethnicity = rec.ethnicity
        causes = rec.causes.isEmpty ? nil : rec.causes.map(\.rawValue).joined(separator: ";")
        address = rec.address
        headName = rec.headName
        var h = StableHash()
        h.add(unitID); h.add(memberID); h.add(standardCode); h.add(area); h.add(size); h.add(yearly); h.add(monthly)
        h.add(deprivations); h.add(status); h.add(official ?? "∅"); h.add(minority); h.add(noCapacity)
        h.add(ethnicity ?? "∅"); h.add(causes ?? "∅")
        fingerprint = h.int64
    }

    func values(importID: Int, enteredBy: String, enteredAt: String) -> [BulkValue] {
        [.int(householdID), .int(year), .int(unitID), BulkValue(memberID), .text(standardCode), .text(area),
         BulkValue(size), BulkValue(yearly), BulkValue(monthly), .int(deprivations), .int(deprivationCount), .int(perCapita),
         .text(status), .text(reason), BulkValue(official), BulkValue(minority), BulkValue(noCapacity), BulkValue(ethnicity),
         BulkValue(causes), .int(fingerprint), .int(importID), .text(enteredBy), .text(enteredAt), BulkValue(address), BulkValue(headName)]
    }
}
