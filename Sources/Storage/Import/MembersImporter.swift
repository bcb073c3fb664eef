import Foundation
import PovertyCore
import Spreadsheets
import SQLKit

/// Imports union members and where they belong: one row per member (columns in
/// `docs/doan-vien.md`). A member whose unit differs from the current one is
/// transferred on `ngay_vao`; `ngay_ra` ends their membership; `ma_ho` links them to a
/// household (created if new). All or nothing; idempotent.
public struct MembersImporter: Sendable {
    let store: Store
    let actor: Actor
    public let fileName: String
    public let batchSize: Int
    public let progress: (@Sendable (ImportProgress) -> Void)?
    /// Check and count everything, then roll back: the preview of a web import.
    public var dryRun = false
    /// The web app's import job running it: imported at most once (see `Store.finishedImport`).
    public var job: String?

    public init(store: Store, actor: Actor, fileName: String, batchSize: Int = 500,
                progress: (@Sendable (ImportProgress) -> Void)? = nil) {
        self.store = store; self.actor = actor; self.fileName = fileName; self.batchSize = batchSize; self.progress = progress
    }

    static let columns: [String: [String]] = [
        "ma_doan_vien": ["ma"], "ho_va_ten": ["ho_ten", "ten"], "so_cccd": ["cccd", "can_cuoc", "so_can_cuoc", "so_dinh_danh"],
        "ngay_sinh": [], "gioi_tinh": [], "dan_toc": [], "ma_don_vi": ["don_vi"], "ngay_vao": ["ngay_vao_cong_doan", "tu_ngay"],
        "ngay_ra": ["ngay_ra_cong_doan"], "ma_ho": [],
    ]

    struct Row {
        let row: Int
        let member: MemberRecord
        let unitCode: String?
        let joined: Day?
        let left: Day?
        let household: String?
        /// The citizen ID had 11 digits and was given back its leading 0.
        let restoredZero: Bool
    }

    public func run(_ source: any RowSource & Sendable) async throws -> ImportResult {
        try actor.require(.importMembers)
        // A job confirmed again after its process stopped finds the import it already ran
        // before the file is checked against today's data (and again under the write lock).
        if !dryRun, let job, let earlier = try await store.finishedImport(job: job, on: try store.sql) { return earlier }
        let started = Date()
        let history = try await store.units.history()
        var header: TableHeader?
        var log = IssueLog()
        var seenCodes: [String: Int] = [:]
        var seenCitizen: [String: Int] = [:]
        var rows = 0
        for try await batch in RowBatches(source, batchSize: batchSize) {
            let parsed = parse(batch, header: &header, history: history, log: &log)
            // Citizen IDs must be unique in the file and against other members already stored.
            var ids: [String: Row] = [:]
            for r in parsed {
                if let first = seenCodes[r.member.code] {
                    log.add(header!.issue(row: r.row, "ma_doan_vien", Message("import.members.code_already_row", .text(r.member.code), .number(first))))
                } else { seenCodes[r.member.code] = r.row }
                if let cid = r.member.citizenID {
                    if let first = seenCitizen[cid] {
                        log.add(header!.issue(row: r.row, "so_cccd", Message("import.members.citizen_id_already_row", .number(first))))
                    } else { seenCitizen[cid] = r.row; ids[cid] = r }
                }
            }
            if !ids.isEmpty {
                for row in try await store.sql.raw("SELECT code, citizen_id FROM members WHERE citizen_id IN (\(binds: Array(ids.keys)))").all() {
                    let cid = try row.string("citizen_id"), owner = try row.string("code")
                    if let r = ids[cid], owner != r.member.code {
                        log.add(header!.issue(row: r.row, "so_cccd", Message("import.members.citizen_id_belongs_member", .text(owner))))
                    }
                }
            }
            try await checkMemberships(parsed, header: header, history: history, log: &log)
            rows += batch.count
            progress?(ImportProgress(phase: .checking, rows: rows, total: nil, elapsed: Date().timeIntervalSince(started)))
        }
        guard let header else { throw ImportRejected(issues: [SurveyIssue(row: 1, column: "ma_doan_vien", message: Message("import.members.empty_file"))], total: 1) }
        if log.count > 0 { throw log.merged(with: ([], 0)) }
        let total = seenCodes.count
        let dryRun = self.dryRun, job = dryRun ? nil : self.job
        return try await store.importTransaction { db in
            if let job, let earlier = try await store.finishedImport(job: job, on: db) { return earlier }
            let importID = try await store.beginImport(kind: "doan_vien", fileName: fileName, job: job, actor: actor, on: db)
            try await store.bump(.members, on: db)
            var result = ImportResult()
            var h: TableHeader? = header
            var ignored = IssueLog()
            for try await batch in RowBatches(source, batchSize: batchSize) {
                let parsed = parse(batch, header: &h, history: history, log: &ignored, skipHeader: true)
                try await write(parsed, importID: importID, history: history, result: &result, on: db)
                progress?(ImportProgress(phase: .writing, rows: result.rows, total: total, elapsed: Date().timeIntervalSince(started)))
            }
            result.ignoredColumns = header.unknown
            if dryRun { throw DryRunFinished(result: result) }
            try await store.finishImport(importID, kind: "doan_vien", fileName: fileName, result: result, actor: actor, on: db)
            return result
        }
    }

    private func parse(_ batch: RowBatches.Element, header: inout TableHeader?, history: OrgHistory,
                       log: inout IssueLog, skipHeader: Bool = false) -> [Row] {
        var out: [Row] = []
        for (row, cells) in batch {
            guard let h = header else {
                let h = TableHeader(cells, row: row, columns: Self.columns, required: ["ma_doan_vien", "ho_va_ten"])
                h.issues.forEach { log.add($0) }
                header = h
                continue
            }
            if skipHeader && row == h.row { continue }
            guard cells.contains(where: { !TextFolding.trim($0).isEmpty }) else { continue }
            let before = log.count
            h.formulaErrors(row: row, cells).forEach { log.add($0) }
            guard log.count == before else { continue }
            let code = h.cell(cells, "ma_doan_vien")
            if code == nil { log.add(h.issue(row: row, "ma_doan_vien", Message("import.members.empty_member_code_required"))) }
            if let code, code.count > 64 { log.add(h.issue(row: row, "ma_doan_vien", Message("import.members.longer_than_64_characters"))) }
            let name = h.cell(cells, "ho_va_ten")
            if name == nil { log.add(h.issue(row: row, "ho_va_ten", Message("import.members.empty_full_name_required"))) }
            if let name, name.count > 200 { log.add(h.issue(row: row, "ho_va_ten", Message("import.text_longer_than", .number(200)))) }
            if let e = h.cell(cells, "dan_toc"), e.count > 100 { log.add(h.issue(row: row, "dan_toc", Message("import.text_longer_than", .number(100)))) }
            let birth = date(h, cells, "ngay_sinh", row: row, log: &log)
            var sex: CitizenID.Sex?
            if let s = h.cell(cells, "gioi_tinh") {
                sex = CitizenID.sex(s)
                if sex == nil { log.add(h.issue(row: row, "gioi_tinh", Message("import.members.nam_n", .text(s)))) }
            }
            var cid = h.cell(cells, "so_cccd")
            var padded = false
            if let typed = cid { (cid, padded) = CitizenID.restoringLeadingZero(typed, birthYear: birth?.year, sex: sex) }
            if let cid, let problem = CitizenID.check(cid, birthYear: birth?.year, sex: sex) {
                log.add(h.issue(row: row, "so_cccd", Message("import.members.bad_citizen_id", .text(cid), .key(problem.key))))
            }
            let unitCode = h.cell(cells, "ma_don_vi")
            let joined = date(h, cells, "ngay_vao", row: row, log: &log)
            let left = date(h, cells, "ngay_ra", row: row, log: &log)
            if let unitCode {
                if let unit = history.unit(code: unitCode) {
                    if let joined, !unit.isActive(on: joined) {
                        log.add(h.issue(row: row, "ngay_vao", Message("import.members.unit_active_that_day", .text(unitCode), .day(joined))))
                    }
                } else {
                    log.add(h.issue(row: row, "ma_don_vi", Message("import.members.unit_code", .text(unitCode))))
                }
                if joined == nil && h.cell(cells, "ngay_vao") == nil {
                    log.add(h.issue(row: row, "ngay_vao", Message("import.members.empty_date_joining_required")))
                }
            }
            if let joined, let left, left <= joined { log.add(h.issue(row: row, "ngay_ra", Message("import.members.leaves_before_joining"))) }
            // Births, joins, transfers and leaves are recorded once they have happened (one dated
            // ahead would put the member in a unit, or out of the union, before the day).
            for (column, day) in [("ngay_sinh", birth), ("ngay_vao", joined), ("ngay_ra", left)] {
                if let day, day > store.today { log.add(h.issue(row: row, column, Message("import.members.date_ahead", .day(day)))) }
            }
            if let birth, let joined, joined < birth { log.add(h.issue(row: row, "ngay_vao", Message("import.members.joins_before_birth"))) }
            guard log.count == before, let code, let name else { continue }
            out.append(Row(row: row, member: MemberRecord(code: code, fullName: name, citizenID: cid, birthDate: birth, sex: sex,
                                                          ethnicity: h.cell(cells, "dan_toc")),
                           unitCode: unitCode, joined: joined, left: left, household: h.cell(cells, "ma_ho"), restoredZero: padded))
        }
        return out
    }

    /// Each row against what is stored of its member, before anything is written (each problem
    /// an issue of its row and column): the identity it leaves must agree with itself, and its
    /// join, transfer or leave with the stored memberships, so that periods never overlap or
    /// run backwards — a transfer starts after the current membership began, a rejoin after
    /// the last leave, a leave after the current membership began. A row naming a period the
    /// database already holds (the same file imported again) passes.
    private func checkMemberships(_ rows: [Row], header: TableHeader?, history: OrgHistory, log: inout IssueLog) async throws {
        guard let header, !rows.isEmpty else { return }
        var stored: [String: [(unit: Int, joined: Day, left: Day?)]] = [:]
        for chunk in rows.map(\.member.code).chunked(400) {
            for row in try await store.sql.raw("""
                SELECT m.code, ms.unit_id, ms.joined, ms.left_on FROM memberships ms JOIN members m ON m.id = ms.member_id
                WHERE m.code IN (\(binds: Array(chunk)))
                """).all() {
                stored[try row.string("code"), default: []].append((try row.int("unit_id"), try row.day("joined"), try row.optionalDay("left_on")))
            }
        }
        // An empty cell keeps the stored value (see `write`): the values the member will have
        // must agree with one another (a CCCD encodes the birth year and sex; nobody joins
        // before they are born), as the member's page requires.
        var identity: [String: (cid: String?, birth: Day?, sex: CitizenID.Sex?)] = [:]
        for chunk in rows.map(\.member.code).chunked(400) {
            for row in try await store.sql.raw("SELECT code, citizen_id, birth_date, sex FROM members WHERE code IN (\(binds: Array(chunk)))").all() {
                identity[try row.string("code")] = (try row.optionalString("citizen_id"), try row.optionalDay("birth_date"),
                                                   try row.optionalString("sex").flatMap(CitizenID.Sex.init(rawValue:)))
            }
        }
        for r in rows {
            guard let old = identity[r.member.code] else { continue }
            let m = r.member
            let cid = m.citizenID ?? old.cid, birth = m.birthDate ?? old.birth, sex = m.sex ?? old.sex
            let gave = m.citizenID != nil || m.birthDate != nil || m.sex != nil
            if gave, let cid, (cid, birth, sex) != (old.cid, old.birth, old.sex),
               let problem = CitizenID.check(cid, birthYear: birth?.year, sex: sex) {
                let column = m.citizenID != nil ? "so_cccd" : m.birthDate != nil ? "ngay_sinh" : "gioi_tinh"
                log.add(header.issue(row: r.row, column, Message("import.members.bad_citizen_id", .text(cid), .key(problem.key))))
            }
            if m.birthDate == nil, let joined = r.joined, let birth, joined < birth {
                log.add(header.issue(row: r.row, "ngay_vao", Message("import.members.joins_before_birth")))
            }
        }
        for r in rows {
            guard let periods = stored[r.member.code] else { continue }
            let current = periods.first { $0.left == nil }
            var startsOpen = current?.joined
            var closedAlready = false
            if let code = r.unitCode, let joined = r.joined, let unit = history.unit(code: code) {
                if let same = periods.first(where: { $0.unit == unit.id && $0.joined == joined }) {
                    // Already recorded (the same file again, after a transfer or a merger closed it):
                    // nothing to do; a leave it gives is that period's, already closed.
                    if let ended = same.left {
                        closedAlready = true
                        if let left = r.left, left != ended {
                            log.add(header.issue(row: r.row, "ngay_ra", Message("import.members.period_ended", .text(code), .day(joined), .day(ended))))
                        }
                    }
                } else if let current {
                    if current.unit != unit.id {
                        if joined <= current.joined {
                            log.add(header.issue(row: r.row, "ngay_vao", Message("import.members.join_before_current", .day(joined), .day(current.joined))))
                        }
                        startsOpen = joined
                    }
                } else {
                    if let lastLeft = periods.compactMap(\.left).max(), joined < lastLeft {
                        log.add(header.issue(row: r.row, "ngay_vao", Message("import.members.join_before_left", .day(joined), .day(lastLeft))))
                    }
                    startsOpen = joined
                }
            }
            if let left = r.left, !closedAlready, let startsOpen, left <= startsOpen {
                log.add(header.issue(row: r.row, "ngay_ra", Message("import.members.left_before_current", .day(left), .day(startsOpen))))
            }
        }
    }

    private func date(_ h: TableHeader, _ cells: [String], _ name: String, row: Int, log: inout IssueLog) -> Day? {
        guard let text = h.cell(cells, name) else { return nil }
        guard let d = Day(sheetCell: text) else {
            log.add(h.issue(row: row, name, Day.isYearOnly(text) ? Message("import.year_only_date", .text(text)) : Message("import.members.date_dd_mm_yyyy", .text(text))))
            return nil
        }
        return d
    }

    private func write(_ batch: [Row], importID: Int, history: OrgHistory, result: inout ImportResult, on db: any SQLDatabase) async throws {
        guard !batch.isEmpty else { return }
        result.rows += batch.count
        result.restoredCitizenIDs += batch.filter(\.restoredZero).count
        let now = store.now()
        var stored: [String: MemberRecord] = [:]
        for row in try await db.raw("""
            SELECT id, code, full_name, citizen_id, birth_date, sex, ethnicity FROM members WHERE code IN (\(binds: batch.map(\.member.code)))
            """).all() {
            let m = MemberRecord(id: try row.int("id"), code: try row.string("code"), fullName: try row.string("full_name"),
                                 citizenID: try row.optionalString("citizen_id"), birthDate: try row.optionalDay("birth_date"),
                                 sex: try row.optionalString("sex").flatMap(CitizenID.Sex.init(rawValue:)), ethnicity: try row.optionalString("ethnicity"))
            stored[m.code] = m
        }
        var audit: [(String, Int, String)] = []
        let fresh = batch.filter { stored[$0.member.code] == nil }
        if !fresh.isEmpty {
            var insert = db.insert(into: "members").columns("code", "full_name", "name_folded", "name_sort", "citizen_id", "birth_date", "sex", "ethnicity", "created_at", "updated_at")
            for r in fresh {
                let m = r.member
                insert = insert.values([SQLBind(m.code), SQLBind(m.fullName), SQLBind(TextFolding.foldForSearch(m.fullName)),
                                        SQLBind(VietnameseCollation.nameSortKey(m.fullName)), SQLBind(m.citizenID),
                                        SQLBind(m.birthDate?.iso), SQLBind(m.sex?.rawValue), SQLBind(m.ethnicity), SQLBind(now), SQLBind(now)] as [any SQLExpression])
            }
            for row in try await insert.returning("id", "code").all() {
                let code = try row.string("code"), id = try row.int("id")
                guard var m = fresh.first(where: { $0.member.code == code })?.member else { throw StorageError.corrupt("members: inserted \(code) not in the batch") }
                m.id = id
                stored[m.code] = m
                audit.append(("tao", id, m.code))
            }
        }
        var changedMembers = Set<String>()
        for r in batch where !fresh.contains(where: { $0.member.code == r.member.code }) {
            guard let old = stored[r.member.code], let oldID = old.id else { throw StorageError.corrupt("members: \(r.member.code) not read back") }
            // A cell left empty (or a column the file does not have) keeps what is stored: a
            // short list of transfers never wipes citizen IDs or birth dates. Clearing a value is
            // done on the member's page.
            var wanted = r.member
            wanted.id = oldID
            wanted.citizenID = wanted.citizenID ?? old.citizenID
            wanted.birthDate = wanted.birthDate ?? old.birthDate
            wanted.sex = wanted.sex ?? old.sex
            wanted.ethnicity = wanted.ethnicity ?? old.ethnicity
            if wanted == old { continue }
            try await db.raw("""
                UPDATE members SET full_name = \(bind: wanted.fullName), name_folded = \(bind: TextFolding.foldForSearch(wanted.fullName)),
                  name_sort = \(bind: VietnameseCollation.nameSortKey(wanted.fullName)),
                  citizen_id = \(bind: wanted.citizenID), birth_date = \(bind: wanted.birthDate?.iso), sex = \(bind: wanted.sex?.rawValue),
                  ethnicity = \(bind: wanted.ethnicity), updated_at = \(bind: now)
                WHERE id = \(bind: oldID)
                """).run()
            changedMembers.insert(r.member.code)
            audit.append(("sua", oldID, wanted.changeDetail(from: old)))
        }
        // Memberships: join, transfer, leave.
        let memberIDs = batch.compactMap { stored[$0.member.code]?.id }
        var open: [Int: (unit: Int, joined: Day)] = [:]
        // Periods already recorded, open or closed (member, unit, day joined): a row naming one changes nothing.
        var recorded = Set<String>(), closedPeriods = Set<String>()
        for row in try await db.raw("SELECT member_id, unit_id, joined, left_on FROM memberships WHERE member_id IN (\(binds: memberIDs))").all() {
            let member = try row.int("member_id"), unit = try row.int("unit_id"), joined = try row.day("joined")
            recorded.insert("\(member) \(unit) \(joined.iso)")
            if try row.optionalString("left_on") == nil { open[member] = (unit, joined) } else { closedPeriods.insert("\(member) \(unit) \(joined.iso)") }
        }
        var membershipChanged = Set<String>()
        for r in batch {
            guard let id = stored[r.member.code]?.id else { throw StorageError.corrupt("members: \(r.member.code) not read back") }
            if let code = r.unitCode, let joined = r.joined, let unit = history.unit(code: code), !recorded.contains("\(id) \(unit.id) \(joined.iso)") {
                if let current = open[id] {
                    if current.unit != unit.id {
                        guard current.joined < joined else {
                            throw StorageError.invalid(Message("refusal.import.join_after_current", .number(r.row), .day(joined), .day(current.joined)))
                        }
                        try await db.raw("UPDATE memberships SET left_on = \(bind: joined.iso) WHERE member_id = \(bind: id) AND left_on IS NULL").run()
                        try await db.raw("INSERT INTO memberships (member_id, unit_id, joined) VALUES (\(bind: id), \(bind: unit.id), \(bind: joined.iso))").run()
                        membershipChanged.insert(r.member.code)
                        audit.append(("chuyen_sinh_hoat", id, "\(r.member.code) → \(code) từ \(joined.iso)"))
                    }
                } else {
                    try await db.raw("INSERT INTO memberships (member_id, unit_id, joined) VALUES (\(bind: id), \(bind: unit.id), \(bind: joined.iso))").run()
                    membershipChanged.insert(r.member.code)
                    audit.append(("vao_cong_doan", id, "\(r.member.code) → \(code) từ \(joined.iso)"))
                }
            }
            // A row naming a period already closed gives that period's leave: nothing more to close.
            let namesClosed = r.unitCode.flatMap { history.unit(code: $0) }.flatMap { u in r.joined.map { closedPeriods.contains("\(id) \(u.id) \($0.iso)") } } ?? false
            if let left = r.left, !namesClosed {
                let closed = try await db.raw("SELECT 1 AS x FROM memberships WHERE member_id = \(bind: id) AND left_on IS NULL").first() != nil
                if closed {
                    try await db.raw("UPDATE memberships SET left_on = \(bind: left.iso) WHERE member_id = \(bind: id) AND left_on IS NULL").run()
                    membershipChanged.insert(r.member.code)
                    audit.append(("ra_cong_doan", id, "\(r.member.code) từ \(left.iso)"))
                }
            }
            if let household = r.household {
                let hid: Int
                if let row = try await db.raw("SELECT id FROM households WHERE code = \(bind: household)").first() {
                    hid = try row.int("id")
                } else {
                    guard let created = try await db.raw("""
                        INSERT INTO households (code, primary_member_id, created_at, updated_at) VALUES (\(bind: household), \(bind: id), \(bind: now), \(bind: now)) RETURNING id
                        """).first() else { throw StorageError.corrupt("households: no id returned") }
                    hid = try created.int("id")
                    audit.append(("tao_ho", hid, household))
                }
                // A member lives in one household: the file's household, and any other ends today
                // (v021). A link into a household the member moves to starts today; their first
                // household holds from before anything was recorded; a link taken up again keeps
                // the start it had (one row a link: the time away is not kept on it).
                let today = store.today.iso
                // The other households the member is linked to now: moving when there are any.
                let left = try await db.raw("""
                    SELECT h.code FROM household_members hm JOIN households h ON h.id = hm.household_id
                    WHERE hm.member_id = \(bind: id) AND hm.household_id <> \(bind: hid) AND hm.unlinked_on IS NULL ORDER BY h.code
                    """).all().map { try $0.string("code") }
                let moving = !left.isEmpty
                var linked = false
                if let link = try await db.raw("SELECT unlinked_on FROM household_members WHERE household_id = \(bind: hid) AND member_id = \(bind: id)").first() {
                    if try link.optionalString("unlinked_on") != nil {
                        try await db.raw("""
                            UPDATE household_members SET unlinked_on = NULL, import_id = \(bind: importID)
                            WHERE household_id = \(bind: hid) AND member_id = \(bind: id)
                            """).run()
                        linked = true
                        membershipChanged.insert(r.member.code)
                        audit.append(("them_vao_ho", id, "\(r.member.code) → hộ \(household) từ \(today)"))
                    } else if moving {
                        // An open link a survey row made, without a start: the move dates it.
                        try await db.raw("""
                            UPDATE household_members SET linked_on = COALESCE(linked_on, \(bind: today))
                            WHERE household_id = \(bind: hid) AND member_id = \(bind: id)
                            """).run()
                    }
                } else {
                    try await db.raw("""
                        INSERT INTO household_members (household_id, member_id, linked_on, import_id)
                        VALUES (\(bind: hid), \(bind: id), \(bind: moving ? today : nil), \(bind: importID))
                        """).run()
                    linked = true
                    membershipChanged.insert(r.member.code)
                    audit.append(("them_vao_ho", id, "\(r.member.code) → hộ \(household) từ \(today)"))
                }
                // A member who comes to live in the household represents it when nobody does, or
                // when its representative no longer lives there (hand-overs below keep it so otherwise).
                if linked {
                    try await db.raw("""
                        UPDATE households SET primary_member_id = \(bind: id)
                        WHERE id = \(bind: hid) AND (primary_member_id IS NULL OR NOT EXISTS (
                            SELECT 1 FROM household_members hm WHERE hm.household_id = households.id
                              AND hm.member_id = households.primary_member_id AND hm.unlinked_on IS NULL))
                        """).run()
                }
                if moving {
                    try await db.raw("""
                        UPDATE household_members SET unlinked_on = \(bind: today) WHERE member_id = \(bind: id) AND household_id <> \(bind: hid) AND unlinked_on IS NULL
                        """).run()
                    // A household the member represented passes to a member still in it, one still
                    // in the union first (a survey row without a unit is counted in their unit).
                    try await db.raw("""
                        UPDATE households SET primary_member_id = (
                            SELECT hm.member_id FROM household_members hm WHERE hm.household_id = households.id AND hm.unlinked_on IS NULL
                            ORDER BY CASE WHEN EXISTS (SELECT 1 FROM memberships ms WHERE ms.member_id = hm.member_id AND ms.left_on IS NULL) THEN 0 ELSE 1 END,
                                     hm.member_id
                            LIMIT 1)
                        WHERE primary_member_id = \(bind: id) AND id <> \(bind: hid)
                          AND EXISTS (SELECT 1 FROM household_members hm WHERE hm.household_id = households.id AND hm.unlinked_on IS NULL)
                        """).run()
                    membershipChanged.insert(r.member.code)
                    audit.append(("roi_ho", id, "\(r.member.code) rời hộ \(left.joined(separator: ", ")) từ \(today)"))
                }
            }
        }
        for r in batch {
            if fresh.contains(where: { $0.member.code == r.member.code }) { result.added += 1 }
            else if changedMembers.contains(r.member.code) || membershipChanged.contains(r.member.code) { result.updated += 1 }
            else { result.unchanged += 1 }
        }
        result.created += fresh.count
        if !audit.isEmpty {
            var insert = db.insert(into: "audit_log").columns("at", "actor", "channel", "action", "entity", "entity_id", "detail")
            for (action, id, detail) in audit {
                insert = insert.values([SQLBind(now), SQLBind(actor.name), SQLBind(actor.channel.rawValue), SQLBind(action), SQLBind(action == "tao_ho" ? "household" : "member"), SQLBind(id), SQLBind(detail)] as [any SQLExpression])
            }
            try await insert.run()
        }
    }
}
