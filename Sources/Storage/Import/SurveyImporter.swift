import Foundation
import PovertyCore
import Spreadsheets
import SQLKit

/// Imports annual review rows (the survey contract, plus `don_vi` and `ma_doan_vien`)
/// into the registry. All or nothing: a first pass checks every row against the
/// contract and the registry without writing; the second writes everything in one
/// transaction. Idempotent: a review whose content did not change is left alone.
public struct SurveyImporter: Sendable {
    public let store: Store
    public let actor: String
    public let fileName: String
    public let standard: PovertyStandard?
    public let batchSize: Int
    public let progress: (@Sendable (ImportProgress) -> Void)?

    public init(store: Store, actor: String, fileName: String, standard: PovertyStandard? = nil, batchSize: Int = 500,
                progress: (@Sendable (ImportProgress) -> Void)? = nil) {
        self.store = store
        self.actor = actor
        self.fileName = fileName
        self.standard = standard
        self.batchSize = batchSize
        self.progress = progress
    }

    /// One checked row, with what the registry resolved for it.
    struct Resolved {
        let record: SurveyRecord
        let unitID: Int
        let memberID: Int?
    }

    public func run(_ source: any RowSource & Sendable) async throws -> ImportResult {
        let started = Date()
        let history = try await store.units.history()
        // Pass 1: check everything, write nothing.
        var scan = SurveyScan(standardOverride: standard)
        var log = IssueLog()
        var rows = 0
        for try await batch in RowBatches(source, batchSize: batchSize) {
            _ = try await resolve(batch, scan: &scan, history: history, log: &log, on: store.sql)
            rows += batch.count
            progress?(ImportProgress(phase: .checking, rows: rows, total: nil, elapsed: Date().timeIntervalSince(started)))
        }
        if scan.needsDuplicateCheck {
            try scan.confirmDuplicates { visit in try source.forEachRow { visit($0, $1) } }
        }
        if scan.hasIssues || log.count > 0 || scan.parser == nil {
            throw log.merged(with: scan.issues())
        }
        let total = scan.recordCount
        // Pass 2: write, in one transaction.
        let standard = self.standard
        return try await store.transaction { db in
            let importID = try await store.beginImport(kind: "khao_sat", fileName: fileName, actor: actor, on: db)
            var scan = SurveyScan(standardOverride: standard)
            var log = IssueLog()
            var result = ImportResult()
            let enteredAt = store.now()
            for try await batch in RowBatches(source, batchSize: batchSize) {
                let resolved = try await resolve(batch, scan: &scan, history: history, log: &log, on: db)
                guard log.count == 0, !scan.hasIssues else {
                    // The registry changed between the passes: refuse rather than write half.
                    throw log.merged(with: scan.issues())
                }
                try await write(resolved, importID: importID, enteredAt: enteredAt, result: &result, on: db)
                progress?(ImportProgress(phase: .writing, rows: result.rows, total: total, elapsed: Date().timeIntervalSince(started)))
            }
            try await store.finishImport(importID, kind: "khao_sat", fileName: fileName, result: result, actor: actor, on: db)
            return result
        }
    }

    /// Applies the contract to a batch of rows and resolves units and members.
    private func resolve(_ batch: RowBatches.Element, scan: inout SurveyScan, history: OrgHistory,
                         log: inout IssueLog, on db: any SQLDatabase) async throws -> [Resolved] {
        var records: [SurveyRecord] = []
        for (row, cells) in batch {
            if let r = scan.consume(row: row, cells: cells) { records.append(r) }
        }
        guard let layout = scan.parser?.layout, !records.isEmpty else { return [] }
        let members = try await lookupMembers(Set(records.compactMap(\.memberCode)), on: db)
        let needMemberships = Set(records.filter { $0.unitCode == nil }.compactMap { $0.memberCode.flatMap { members[$0] } })
        let memberships = needMemberships.isEmpty ? MembershipIndex() : try await MembershipIndex.load(needMemberships, on: db)
        func issue(_ r: SurveyRecord, _ column: SurveyColumn, _ message: String) {
            log.add(SurveyIssue(row: r.rowNumber, column: layout.header(column), message: message,
                                columnIndex: layout.index(of: column) ?? .max))
        }
        var out: [Resolved] = []
        out.reserveCapacity(records.count)
        for r in records {
            var memberID: Int?
            if let code = r.memberCode {
                memberID = members[code]
                if memberID == nil {
                    issue(r, .member, "không có đoàn viên mã hoặc CCCD '\(code)' trong sổ; hãy nhập danh sách đoàn viên trước / no member with code or citizen ID '\(code)'; import the members first")
                    continue
                }
            }
            var unitID: Int?
            if let code = r.unitCode {
                guard let unit = history.unit(code: code) else {
                    issue(r, .unit, "không có đơn vị mã '\(code)'; hãy nhập danh sách đơn vị trước / no unit with code '\(code)'; import the units first")
                    continue
                }
                guard unitExisted(unit, in: r.year) else {
                    issue(r, .unit, "đơn vị '\(code)' không hoạt động trong năm \(r.year) / unit '\(code)' did not exist in \(r.year)")
                    continue
                }
                unitID = unit.id
            } else if let m = memberID {
                unitID = memberships.unit(of: m, on: Day.endOfYear(r.year))
            }
            guard let unitID else {
                issue(r, .unit, "không xác định được đơn vị: ghi mã đơn vị, hoặc mã đoàn viên đang sinh hoạt tại một đơn vị cuối năm \(r.year) / no unit: give the unit code, or a member who belonged to a unit at the end of \(r.year)")
                continue
            }
            out.append(Resolved(record: r, unitID: unitID, memberID: memberID))
        }
        return out
    }

    /// Writes one checked batch: households, their members, reviews.
    private func write(_ batch: [Resolved], importID: Int, enteredAt: String, result: inout ImportResult, on db: any SQLDatabase) async throws {
        guard !batch.isEmpty else { return }
        result.rows += batch.count
        // Households: the latest year's row in the batch decides their attributes.
        var latest: [String: Resolved] = [:]
        for r in batch where (latest[r.record.householdCode]?.record.year ?? .min) < r.record.year {
            latest[r.record.householdCode] = r
        }
        let codes = Array(latest.keys)
        var households: [String: (id: Int, primary: Int?, area: String, minority: Int, year: Int, province: String?, commune: String?, address: String?)] = [:]
        for row in try await db.raw("""
            SELECT id, code, primary_member_id, area, ethnic_minority, attributes_year, province, commune, address
            FROM households WHERE code IN (\(binds: codes))
            """).all() {
            households[try row.string("code")] = (try row.int("id"), try row.optionalInt("primary_member_id"), try row.optionalString("area") ?? "",
                                                  try row.int("ethnic_minority"), try row.int("attributes_year"),
                                                  try row.optionalString("province"), try row.optionalString("commune"), try row.optionalString("address"))
        }
        let fresh = codes.filter { households[$0] == nil }.sorted()
        if !fresh.isEmpty {
            var insert = db.insert(into: "households")
                .columns("code", "area", "ethnic_minority", "attributes_year", "province", "commune", "address", "primary_member_id", "created_at", "updated_at")
            for code in fresh {
                let r = latest[code]!.record
                insert = insert.values([SQLBind(code), SQLBind(r.answers.area.rawValue), SQLBind((r.ethnicMinority ?? false) ? 1 : 0),
                                        SQLBind(r.year), SQLBind(r.province), SQLBind(r.commune), SQLBind(r.address),
                                        SQLBind(latest[code]!.memberID), SQLBind(enteredAt), SQLBind(enteredAt)] as [any SQLExpression])
            }
            for row in try await insert.returning("id", "code").all() {
                let code = try row.string("code")
                let r = latest[code]!
                households[code] = (try row.int("id"), r.memberID, r.record.answers.area.rawValue, (r.record.ethnicMinority ?? false) ? 1 : 0,
                                    r.record.year, r.record.province, r.record.commune, r.record.address)
            }
            result.created += fresh.count
        }
        // Existing households: newer attributes, and a primary member if they had none.
        for code in codes where !fresh.contains(code) {
            let r = latest[code]!
            let h = households[code]!
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
        var links = Set<[Int]>()
        for r in batch { if let m = r.memberID { links.insert([households[r.record.householdCode]!.id, m]) } }
        if !links.isEmpty {
            var insert = db.insert(into: "household_members").columns("household_id", "member_id")
            for pair in links.sorted(by: { ($0[0], $0[1]) < ($1[0], $1[1]) }) { insert = insert.values([SQLBind(pair[0]), SQLBind(pair[1])] as [any SQLExpression]) }
            try await insert.ignoringConflicts(with: ["household_id", "member_id"]).run()
        }
        // Reviews: compare fingerprints, write only what is new or changed.
        let ids = Set(batch.map { households[$0.record.householdCode]!.id })
        let years = Set(batch.map(\.record.year))
        var existing: [[Int]: Int] = [:]
        for row in try await db.raw("""
            SELECT household_id, year, fingerprint FROM reviews
            WHERE household_id IN (\(binds: Array(ids))) AND year IN (\(binds: Array(years)))
            """).all() {
            existing[[try row.int("household_id"), try row.int("year")]] = try row.int("fingerprint")
        }
        var upsert = db.insert(into: "reviews").columns(ReviewRow.columns)
        var pending = 0
        for r in batch {
            let hid = households[r.record.householdCode]!.id
            let review = ReviewRow(r, householdID: hid, catalog: .builtIn, standard: standard)
            switch existing[[hid, r.record.year]] {
            case .some(review.fingerprint): result.unchanged += 1; continue
            case .some: result.updated += 1
            case .none: result.added += 1
            }
            upsert = upsert.values(review.values(importID: importID, enteredBy: actor, enteredAt: enteredAt))
            pending += 1
        }
        if pending > 0 {
            try await upsert.onConflict(with: ["household_id", "year"]) { update in
                var u = update
                for column in ReviewRow.columns where column != "household_id" && column != "year" { u = u.set(excludedValueOf: column) }
                return u
            }.run()
        }
    }
}

/// A review as stored, with the fingerprint of its content.
struct ReviewRow {
    static let columns = ["household_id", "year", "unit_id", "member_id", "standard_code", "area", "household_size",
                          "yearly_income", "monthly_income", "deprivations", "deprivation_count", "per_capita_income",
                          "status", "reason", "official_status", "ethnic_minority", "no_working_capacity", "ethnicity",
                          "causes", "fingerprint", "import_id", "entered_by", "entered_at"]
    let householdID: Int
    let year: Int
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

    init(_ r: SurveyImporter.Resolved, householdID: Int, catalog: StandardCatalog, standard override: PovertyStandard?) {
        let rec = r.record
        let standard = override ?? catalog.standard(code: rec.standardCode)!
        let c = Classifier.classify(rec.answers, under: standard)
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
        reason = Reason.text(c, standard: standard)
        official = rec.officialStatus?.rawValue
        minority = rec.ethnicMinority.map { $0 ? 1 : 0 }
        noCapacity = rec.noWorkingCapacity.map { $0 ? 1 : 0 }
        ethnicity = rec.ethnicity
        causes = rec.causes.isEmpty ? nil : rec.causes.map(\.rawValue).joined(separator: ";")
        var h = StableHash()
        h.add(unitID); h.add(memberID); h.add(standardCode); h.add(area); h.add(size); h.add(yearly); h.add(monthly)
        h.add(deprivations); h.add(status); h.add(official ?? "∅"); h.add(minority); h.add(noCapacity)
        h.add(ethnicity ?? "∅"); h.add(causes ?? "∅")
        fingerprint = h.int64
    }

    func values(importID: Int, enteredBy: String, enteredAt: String) -> [any SQLExpression] {
        [SQLBind(householdID), SQLBind(year), SQLBind(unitID), SQLBind(memberID), SQLBind(standardCode), SQLBind(area),
         SQLBind(size), SQLBind(yearly), SQLBind(monthly), SQLBind(deprivations), SQLBind(deprivationCount), SQLBind(perCapita),
         SQLBind(status), SQLBind(reason), SQLBind(official), SQLBind(minority), SQLBind(noCapacity), SQLBind(ethnicity),
         SQLBind(causes), SQLBind(fingerprint), SQLBind(importID), SQLBind(enteredBy), SQLBind(enteredAt)]
    }
}
