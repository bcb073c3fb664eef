import Foundation
import PovertyCore
import Spreadsheets
import SQLKit

/// Imports the union tree with its history: one row per unit version (a unit renamed
/// or moved has one row per period). Columns: `docs/don-vi.md`. All or nothing;
/// importing the same file again changes nothing.
public struct UnitsImporter: Sendable {
    let store: Store
    let actor: Actor
    public let fileName: String
    /// Check and count everything, then roll back: the preview of a web import.
    public var dryRun = false
    /// The web app's import job running it: imported at most once (see `Store.finishedImport`).
    public var job: String?

    public init(store: Store, actor: Actor, fileName: String) {
        self.store = store; self.actor = actor; self.fileName = fileName
    }

    static let columns: [String: [String]] = [
        "ma_don_vi": ["ma", "ma_cong_doan"], "ten_don_vi": ["ten", "ten_cong_doan"], "loai": ["loai_don_vi", "cap"],
        "ma_don_vi_cap_tren": ["cap_tren", "ma_cap_tren", "don_vi_cap_tren"], "tu_ngay": ["ngay_thanh_lap", "hieu_luc_tu"],
        "den_ngay": ["ngay_ket_thuc", "hieu_luc_den"], "don_vi_ke_thua": ["ma_don_vi_ke_thua", "ke_thua"],
        "hinh_thuc": ["hinh_thuc_ket_thuc"],
    ]

    struct Version { let row: Int; let name: String; let parent: String?; let from: Day; let to: Day? }
    struct UnitPlan { var kind: UnitKind; var versions: [Version]; var successors: [String]; var successionKind: SuccessionKind; var row: Int }

    public func run(_ source: any RowSource) async throws -> ImportResult {
        try actor.require(.changeTree)
        // A job confirmed again after its process stopped finds the import it already ran
        // before the file is checked against today's data (and again under the write lock).
        if !dryRun, let job, let earlier = try await store.finishedImport(job: job, on: try store.sql) { return earlier }
        var header: TableHeader?
        var log = IssueLog()
        var plans: [String: UnitPlan] = [:]
        var order: [String] = []
        try source.forEachRow { row, cells in
            guard let h = header else {
                let h = TableHeader(cells, row: row, columns: Self.columns, required: ["ma_don_vi", "ten_don_vi", "loai", "tu_ngay"])
                h.issues.forEach { log.add($0) }
                header = h
                return
            }
            guard cells.contains(where: { !TextFolding.trim($0).isEmpty }) else { return }
            let before = log.count
            h.formulaErrors(row: row, cells).forEach { log.add($0) }
            guard log.count == before else { return }
            let code = h.cell(cells, "ma_don_vi")
            if code == nil { log.add(h.issue(row: row, "ma_don_vi", Message("import.units.empty_unit_code_required"))) }
            let name = h.cell(cells, "ten_don_vi")
            if name == nil { log.add(h.issue(row: row, "ten_don_vi", Message("import.units.empty_unit_name_required"))) }
            var kind: UnitKind?
            if let k = h.cell(cells, "loai") {
                kind = UnitKind(text: k)
                if kind == nil {
                    log.add(h.issue(row: row, "loai", Message("import.units.unknown_kind", .text(k), .text(UnitKind.allCases.map(\.rawValue).joined(separator: ", ")))))
                }
            } else { log.add(h.issue(row: row, "loai", Message("import.units.empty_kind_required"))) }
            let from = date(h, cells, "tu_ngay", row: row, required: true, log: &log)
            let last = date(h, cells, "den_ngay", row: row, required: false, log: &log)
            let to = last.map { Day(year: $0.year, month: $0.month, day: $0.day) }.flatMap { $0 }.map { next(after: $0) }
            if let from, let to, to <= from {
                log.add(h.issue(row: row, "den_ngay", Message("import.units.ends_before_starts")))
            }
            if let kind, let from, !kind.allows(from: from, to: to) {
                log.add(h.issue(row: row, "loai", StorageError.kindNotAllowed(kind, from).message))
            }
            var successionKind = SuccessionKind.merge
            if let hk = h.cell(cells, "hinh_thuc") {
                switch TextFolding.fold(hk) {
                case "sap_nhap", "hop_nhat", "merge": successionKind = .merge
                case "chia_tach", "chia", "tach", "split": successionKind = .split
                case "giai_the", "dissolve": successionKind = .dissolve
                default: log.add(h.issue(row: row, "hinh_thuc", Message("import.units.merge_split_dissolve", .text(hk))))
                }
            }
            let successors = h.cell(cells, "don_vi_ke_thua")?.split(whereSeparator: { $0 == ";" || $0 == "," })
                .map { String(TextFolding.trim($0)) }.filter { !$0.isEmpty } ?? []
            if !successors.isEmpty && last == nil {
                log.add(h.issue(row: row, "don_vi_ke_thua", Message("import.units.successor_needs_end_date")))
            }
            guard log.count == before, let code, let name, let kind, let from else { return }
            let version = Version(row: row, name: name, parent: h.cell(cells, "ma_don_vi_cap_tren"), from: from, to: to)
            if var plan = plans[code] {
                if plan.kind != kind { log.add(h.issue(row: row, "loai", Message("import.units.kind_differs_from_row", .text(code), .number(plan.row)))); return }
                plan.versions.append(version)
                if !successors.isEmpty { plan.successors = successors; plan.successionKind = successionKind }
                plans[code] = plan
            } else {
                plans[code] = UnitPlan(kind: kind, versions: [version], successors: successors, successionKind: successionKind, row: row)
                order.append(code)
            }
        }
        guard let header else { throw ImportRejected(issues: [SurveyIssue(row: 1, column: "ma_don_vi", message: Message("import.units.empty_file"))], total: 1) }
        // Versions of a unit must follow one another.
        for code in order {
            var plan = try plans.required(code)
            plan.versions.sort { $0.from < $1.from }
            for (a, b) in zip(plan.versions, plan.versions.dropFirst()) where a.to.map({ $0 > b.from }) ?? true {
                log.add(header.issue(row: b.row, "tu_ngay", Message("import.units.overlaps_row", .number(a.row))))
            }
            // A gap would leave the unit active with no name or parent (a stray root of the tree).
            for (a, b) in zip(plan.versions, plan.versions.dropFirst()) where a.to.map({ $0 < b.from }) ?? false {
                log.add(header.issue(row: b.row, "tu_ngay", Message("import.units.leaves_gap_after_row", .number(a.row))))
            }
            // A unit that ends without a successor named hands its past to the unit above it on
            // its last day (a dissolution into its parent, as `unit dissolve` records one), so no
            // household of a past year falls out of the tree. A root needs a successor named.
            if let last = plan.versions.last, last.to != nil, plan.successors.isEmpty {
                if let parent = last.parent {
                    plan.successors = [parent]
                    plan.successionKind = .dissolve
                } else {
                    log.add(header.issue(row: last.row, "don_vi_ke_thua", Message("refusal.unit.successor_required")))
                }
            }
            plans[code] = plan
        }
        let existing = try await store.units.history()
        for code in order {
            let plan = try plans.required(code)
            for v in plan.versions {
                if let p = v.parent, plans[p] == nil, existing.unit(code: p) == nil {
                    log.add(header.issue(row: v.row, "ma_don_vi_cap_tren", Message("import.units.parent_unit_code", .text(p))))
                }
                if v.parent == code { log.add(header.issue(row: v.row, "ma_don_vi_cap_tren", Message("import.units.unit_own_parent"))) }
                // Only a provincial federation stands at the root: any other unit without a parent
                // would be a second root, whose officers see the whole province.
                if v.parent == nil, plan.kind != .provincialFederation {
                    log.add(header.issue(row: v.row, "ma_don_vi_cap_tren",
                                         Message("refusal.unit.parent_required", .both(vi: plan.kind.vietnamese, en: plan.kind.english))))
                }
            }
            for s in plan.successors where plans[s] == nil && existing.unit(code: s) == nil {
                log.add(header.issue(row: plan.row, "don_vi_ke_thua", Message("import.units.unit_code", .text(s))))
            }
        }
        if log.count > 0 { throw log.merged(with: ([], 0)) }

        let plansCopy = plans, orderCopy = order, dryRun = self.dryRun, job = dryRun ? nil : self.job, ignored = header.unknown
        return try await store.importTransaction { db in
            if let job, let earlier = try await store.finishedImport(job: job, on: db) { return earlier }
            var result = try await write(plansCopy, order: orderCopy, existing: existing, on: db)
            try UnitRegistry.requireWhole(after: try await store.units.history(on: db), before: existing)
            result.ignoredColumns = ignored
            if dryRun { throw DryRunFinished(result: result) }
            return result
        }
    }

    private func write(_ plans: [String: UnitPlan], order: [String], existing: OrgHistory, on db: any SQLDatabase) async throws -> ImportResult {
        var result = ImportResult()
        let importID = try await store.beginImport(kind: "don_vi", fileName: fileName, job: dryRun ? nil : job, actor: actor, on: db)
        try await store.bump(.tree, on: db)
        var ids: [String: Int] = [:]
        for (id, unit) in existing.units { ids[unit.code] = id }
        var changed: [String] = []
        // Units first (parents may come later in the file), then versions and successions.
        for code in order {
            let plan = try plans.required(code)
            result.rows += plan.versions.count
            guard let first = plan.versions.first, let last = plan.versions.last else { throw StorageError.corrupt("unit \(code): no version") }
            let from = first.from
            let to = last.to
            if let id = ids[code], let unit = existing.units[id] {
                let same = unit.kind == plan.kind && unit.from == from && unit.to == to
                    && sameVersions(id, plan, existing: existing)
                    && Set(existing.successions(of: id).compactMap { existing.units[$0.successorID]?.code }) == Set(plan.successors)
                if same { result.unchanged += 1; continue }
                try await db.raw("UPDATE units SET kind = \(bind: plan.kind.rawValue), valid_from = \(bind: from.iso), valid_to = \(bind: to?.iso) WHERE id = \(bind: id)").run()
                try await db.raw("DELETE FROM unit_versions WHERE unit_id = \(bind: id)").run()
                try await db.raw("DELETE FROM unit_successions WHERE predecessor_id = \(bind: id)").run()
                result.updated += 1
            } else {
                guard let created = try await db.raw("""
                    INSERT INTO units (code, kind, valid_from, valid_to, created_at)
                    VALUES (\(bind: code), \(bind: plan.kind.rawValue), \(bind: from.iso), \(bind: to?.iso), \(bind: store.now())) RETURNING id
                    """).first() else { throw StorageError.corrupt("units: no id returned") }
                ids[code] = try created.int("id")
                result.added += 1
                result.created += 1
            }
            changed.append(code)
        }
        for code in changed {
            let plan = try plans.required(code)
            let id = try ids.required(code)
            for v in plan.versions {
                try await db.raw("""
                    INSERT INTO unit_versions (unit_id, name, name_folded, parent_id, valid_from, valid_to)
                    VALUES (\(bind: id), \(bind: v.name), \(bind: TextFolding.foldForSearch(v.name)), \(bind: v.parent.flatMap { ids[$0] }),
                            \(bind: v.from.iso), \(bind: v.to?.iso))
                    """).run()
            }
            guard !plan.successors.isEmpty else { continue }
            // A unit with successors ended (checked with the file's rows).
            guard let ended = plan.versions.last?.to else { throw StorageError.corrupt("unit \(code): successors but no end") }
            for (i, s) in plan.successors.enumerated() {
                try await db.raw("""
                    INSERT INTO unit_successions (predecessor_id, successor_id, effective, kind, is_primary)
                    VALUES (\(bind: id), \(bind: try ids.required(s)), \(bind: ended.iso), \(bind: plan.successionKind.rawValue), \(bind: i == 0 ? 1 : 0))
                    """).run()
            }
        }
        try await store.finishImport(importID, kind: "don_vi", fileName: fileName, result: result, actor: actor, on: db)
        return result
    }

    private func sameVersions(_ id: Int, _ plan: UnitPlan, existing: OrgHistory) -> Bool {
        let current = plan.versions.map { v -> String in "\(v.name)|\(v.parent ?? "")|\(v.from)|\(v.to?.iso ?? "")" }
        var stored: [String] = []
        var day: Day? = existing.units[id]?.from
        while let d = day, let v = existing.version(of: id, on: d) {
            stored.append("\(v.name)|\(v.parentID.flatMap { existing.units[$0]?.code } ?? "")|\(v.from)|\(v.to?.iso ?? "")")
            day = v.to
        }
        return current == stored
    }

    private func date(_ h: TableHeader, _ cells: [String], _ name: String, row: Int, required: Bool, log: inout IssueLog) -> Day? {
        guard let text = h.cell(cells, name) else {
            if required { log.add(h.issue(row: row, name, Message("import.units.empty_date_dd_mm"))) }
            return nil
        }
        guard let d = Day(sheetCell: text) else {
            log.add(h.issue(row: row, name, Day.isYearOnly(text) ? Message("import.year_only_date", .text(text)) : Message("import.units.date_dd_mm_yyyy", .text(text))))
            return nil
        }
        return d
    }

    private func next(after day: Day) -> Day {
        if let d = Day(year: day.year, month: day.month, day: day.day + 1) { return d }
        if let d = Day(year: day.year, month: day.month + 1, day: 1) { return d }
        return Day(year: day.year + 1, month: 1, day: 1)!
    }
}
