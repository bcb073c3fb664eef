import FluentKit
import PovertyCore
import SQLKit

/// A named household line of Biểu 14/15, in the columns of `ReportTable.namedListColumns`.
public struct NamedHousehold: Sendable, Hashable {
    public let householdCode: String
    public let headName: String
    public let memberCode: String
    public let unitID: Int
    public let address: String
    public let area: Area
    public let ethnicity: String
    public let size: Int?
    public let monthlyIncome: Dong?
    public let deprivations: [String]
    public let causes: [PovertyCause]
}

extension AnnualReports {
    /// The standard of a review year as the reviews record it (the catalogue's when none).
    func standard(year: Int, scope: Scope) async throws -> PovertyStandard? {
        try await mostUsedStandard(year: year, scope: scope).flatMap(StandardCatalog.builtIn.standard(code:))
            ?? StandardCatalog.builtIn.standard(forReviewYear: year)
    }

    /// The code of the standard most of the scope's households were reviewed under in `year`
    /// (ties to the lower code); nil when the scope reviewed nobody that year.
    func mostUsedStandard(year: Int, scope: Scope) async throws -> String? {
        var q: SQLQueryString = "SELECT standard_code, COUNT(*) AS n FROM reviews WHERE year = \(bind: year)"
        guard scope.append(to: &q, column: "unit_id") else { return nil }
        q.appendInterpolation(" GROUP BY standard_code ORDER BY COUNT(*) DESC, standard_code" as SQLQueryString)
        return try await store.sql.raw(q).first()?.string("standard_code")
    }

    /// Biểu 1–13 of `reports.md` for `unitID`'s branch (today's tree, predecessors included)
    /// and a review year. The builder is fed one group of identical reviews at a time, so
    /// memory does not grow with the registry.
    public func standardTables(_ actor: Actor, unit unitID: Int, year: Int) async throws -> (standard: PovertyStandard, tables: [ReportTable])? {
        try actor.require(.readReports, unit: unitID)
        return try await standardTables(unitID: unitID, year: year, history: actor.history, today: store.today, within: actor.scope)
    }

    func standardTables(unitID: Int, year: Int, history: OrgHistory, today: Day, within access: Scope = .province) async throws
        -> (standard: PovertyStandard, tables: [ReportTable])? {
        try Self.check(year: year)
        let scope = Scope.figures(of: unitID, in: history, on: today).intersection(access)
        guard let standard = try await standard(year: year, scope: scope) else { return nil }
        var builder = StandardTablesBuilder(standard: standard, year: year)
        var q: SQLQueryString = """
            SELECT status, deprivations, area, ethnic_minority, no_working_capacity, ethnicity, causes, COUNT(*) AS n
            FROM reviews WHERE year = \(bind: year) AND standard_code = \(bind: standard.code)
            """
        if scope.append(to: &q, column: "unit_id") {
            q.appendInterpolation(" GROUP BY status, deprivations, area, ethnic_minority, no_working_capacity, ethnicity, causes" as SQLQueryString)
            for row in try await store.sql.raw(q).all() {
                let facts = ReviewFacts(
                    status: try row.status("status"), deprivations: UInt64(bitPattern: Int64(try row.int("deprivations"))),
                    area: try row.area("area"),
                    ethnicMinority: try row.optionalInt("ethnic_minority").map { $0 != 0 },
                    noWorkingCapacity: try row.optionalInt("no_working_capacity").map { $0 != 0 },
                    ethnicity: try row.optionalString("ethnicity"),
                    causes: try row.causes("causes"))
                for _ in 0..<(try row.int("n")) { builder.add(facts) }
            }
        }
        let figures = try await figures(unitID: unitID, year: year, history: history, today: today, reviewsOnly: true, within: access)
        // Compared with the previous review round (the moves' `last`), which need not be the year before.
        let last = figures.previousYear
        let baseline = !figures.movesCompared
        var poor = PovertyChanges(start: figures.previousPoor, escaped: figures.escaped, left: figures.left, entered: figures.entered,
                                  fellBack: figures.fellBack, end: figures.poor, isBaseline: baseline)
        poor.startYear = last
        var near = try await nearPoorChanges(year: year, last: last ?? year - 1, scope: scope, start: figures.previousNearPoor, end: figures.nearPoor,
                                             baseline: baseline)
        near.changes.startYear = last
        var tables = builder.tables(poorChanges: poor, nearPoorChanges: near.changes)
        if !baseline, let i = tables.firstIndex(where: { $0.number == 3 }) {
            tables[i].notes.append(ReportText(
                "Trong số thoát cận nghèo: \(near.toPoor) hộ nay là hộ nghèo; trong số tăng: \(near.fromPoor) hộ năm trước là hộ nghèo.",
                "Households that left near-poverty and are poor now: \(near.toPoor); of the increases, poor last year: \(near.fromPoor)."))
        }
        // A year reviewed under two standards (a file imported with another): the tables of the
        // year's standard say how many they leave out, which Biểu 2, 3, 14 and 15 count.
        var others: SQLQueryString = "SELECT COUNT(*) AS n FROM reviews WHERE year = \(bind: year) AND standard_code <> \(bind: standard.code)"
        if scope.append(to: &others, column: "unit_id"), let left = try await store.sql.raw(others).first()?.int("n"), left > 0,
           let i = tables.firstIndex(where: { $0.number == 1 }) {
            tables[i].notes.append(ReportText(
                "Biểu 1 và các biểu 4–13 tính các hộ rà soát theo \(standard.nameVi); \(left) hộ rà soát năm \(year) theo chuẩn khác không tính ở đây (Biểu 2, 3, 14 và 15 tính mọi hộ).",
                "Biểu 1 and 4–13 count the households reviewed under \(standard.nameEn); \(left) reviewed in \(year) under another standard are not counted there (Biểu 2, 3, 14 and 15 count every household)."))
        }
        return (standard, tables)
    }

    /// Moves of near-poor households against the previous review round (`last`), as `YearMoves` defines them for
    /// the near-poor class (counted in SQL here, like the poor households' kept moves): escaped
    /// (reviewed, no longer near-poor; `toPoor` of them are poor now) at last year's unit, left
    /// (not reviewed) at last year's unit, fell back / newly near-poor at this year's unit
    /// (`fromPoor` of them were poor last year), and households near-poor in two units counted
    /// only where they cross the branch's edge.
    func nearPoorChanges(year: Int, last: Int, scope: Scope, start: Int, end: Int, baseline: Bool) async throws
        -> (changes: PovertyChanges, toPoor: Int, fromPoor: Int) {
        let near = LivingStandard.nearPoor.rawValue, poor = LivingStandard.poor.rawValue
        var escaped = 0, newly = 0, fellBack = 0, toPoor = 0, fromPoor = 0, left = 0
        guard !baseline else {
            return (PovertyChanges(start: start, escaped: 0, left: 0, fellBack: 0, newlyPoor: 0, end: end, isBaseline: true), 0, 0)
        }
        var out: SQLQueryString = """
            SELECT c.status AS now, COUNT(*) AS n FROM reviews p
            JOIN reviews c ON c.household_id = p.household_id AND c.year = \(bind: year) AND c.standard_code = p.standard_code AND c.status <> \(bind: near)
            WHERE p.year = \(bind: last) AND p.status = \(bind: near)
            """
        if scope.append(to: &out, column: "p.unit_id") {
            out.appendInterpolation(" GROUP BY c.status" as SQLQueryString)
            for row in try await store.sql.raw(out).all() {
                let n = try row.int("n")
                escaped += n
                if try row.string("now") == poor { toPoor += n }
            }
        }
        var gone: SQLQueryString = """
            SELECT COUNT(*) AS n FROM reviews p WHERE p.year = \(bind: last) AND p.status = \(bind: near)
            AND EXISTS (SELECT 1 FROM reviews y WHERE y.year = \(bind: year) AND y.standard_code = p.standard_code)
            AND NOT EXISTS (SELECT 1 FROM reviews c WHERE c.household_id = p.household_id AND c.year = \(bind: year))
            """
        if scope.append(to: &gone, column: "p.unit_id") { left = try await store.sql.raw(gone).first()?.int("n") ?? 0 }
        var entered: SQLQueryString = """
            SELECT CASE WHEN EXISTS (SELECT 1 FROM reviews e WHERE e.household_id = c.household_id AND e.year < \(bind: last)
                        AND e.standard_code = c.standard_code AND e.status = \(bind: near)) THEN 1 ELSE 0 END AS earlier,
                   CASE WHEN EXISTS (SELECT 1 FROM reviews p WHERE p.household_id = c.household_id AND p.year = \(bind: last)
                        AND p.status = \(bind: poor)) THEN 1 ELSE 0 END AS was_poor,
                   COUNT(*) AS n
            FROM reviews c
            WHERE c.year = \(bind: year) AND c.status = \(bind: near)
              AND EXISTS (SELECT 1 FROM reviews y WHERE y.year = \(bind: last) AND y.standard_code = c.standard_code)
              AND NOT EXISTS (SELECT 1 FROM reviews p WHERE p.household_id = c.household_id AND p.year = \(bind: last)
                              AND (p.standard_code <> c.standard_code OR p.status = \(bind: near)))
            """
        if scope.append(to: &entered, column: "c.unit_id") {
            entered.appendInterpolation(" GROUP BY 1, 2" as SQLQueryString)
            for row in try await store.sql.raw(entered).all() {
                let n = try row.int("n")
                if try row.int("earlier") == 1 { fellBack += n } else { newly += n }
                if try row.int("was_poor") == 1 { fromPoor += n }
            }
        }
        // Near-poor both years in two units: left where it went out of the branch, newly where it came in.
        if let units = scope.unitIDs, !units.isEmpty {
            let moved: SQLQueryString = """
                SELECT p.unit_id AS from_unit, c.unit_id AS to_unit, COUNT(*) AS n FROM reviews p
                JOIN reviews c ON c.household_id = p.household_id AND c.year = \(bind: year) AND c.standard_code = p.standard_code
                     AND c.status = \(bind: near) AND c.unit_id <> p.unit_id
                WHERE p.year = \(bind: last) AND p.status = \(bind: near)
                  AND (p.unit_id IN (\(binds: units.sorted())) OR c.unit_id IN (\(binds: units.sorted())))
                GROUP BY p.unit_id, c.unit_id
                """
            for row in try await store.sql.raw(moved).all() {
                let from = units.contains(try row.int("from_unit")), to = units.contains(try row.int("to_unit"))
                if from && !to { left += try row.int("n") }
                if to && !from { newly += try row.int("n") }
            }
        }
        return (PovertyChanges(start: start, escaped: escaped, left: left, fellBack: fellBack, newlyPoor: newly, end: end, isBaseline: baseline),
                toPoor, fromPoor)
    }

    /// The Alkire–Foster profile of each unit directly below `unitID` (their branches on
    /// today's tree) and of `unitID`'s whole branch, for a review year.
    public func profiles(_ actor: Actor, below unitID: Int, year: Int) async throws
        -> (standard: PovertyStandard, units: [UnitPovertyProfile], total: UnitPovertyProfile)? {
        try actor.require(.readReports, unit: unitID)
        return try await profiles(below: unitID, year: year, history: actor.history, today: store.today, within: actor.scope)
    }

    func profiles(below unitID: Int, year: Int, history: OrgHistory, today: Day, within access: Scope = .province) async throws
        -> (standard: PovertyStandard, units: [UnitPovertyProfile], total: UnitPovertyProfile)? {
        try Self.check(year: year)
        let scope = Scope.figures(of: unitID, in: history, on: today).intersection(access)
        guard let standard = try await standard(year: year, scope: scope) else { return nil }
        // Units as they stand today, or as an ended unit last was.
        let today = history.lastStanding(of: unitID, on: today)
        let tree = history.tree(on: today)
        // Each unit of the scope (predecessors too) → the child of `unitID` it counts under.
        var owner: [Int: Int] = [:]
        for child in tree.children[unitID] ?? [] {
            for id in Scope.predecessorsIncluded(of: child, in: history, on: today).unitIDs ?? [] { owner[id] = child }
        }
        let size = StandardCatalog.builtIn.indicators.count
        var byChild: [Int: AlkireFoster] = [:]
        var total = AlkireFoster(standard: standard, catalogSize: size)
        var q: SQLQueryString = """
            SELECT unit_id, deprivations, COUNT(*) AS n FROM reviews WHERE year = \(bind: year) AND standard_code = \(bind: standard.code)
            """
        if scope.append(to: &q, column: "unit_id") {
            q.appendInterpolation(" GROUP BY unit_id, deprivations" as SQLQueryString)
            for row in try await store.sql.raw(q).all() {
                let mask = UInt64(bitPattern: Int64(try row.int("deprivations")))
                let n = try row.int("n")
                let child = owner[try row.int("unit_id")]
                for _ in 0..<n {
                    total.add(deprivedMask: mask)
                    if let child { byChild[child, default: AlkireFoster(standard: standard, catalogSize: size)].add(deprivedMask: mask) }
                }
            }
        }
        let name = { (id: Int) in history.name(of: id, on: today) ?? history.lastName(of: id) ?? history.units[id]?.code ?? "?" }
        let units = (tree.children[unitID] ?? []).map { child in
            UnitPovertyProfile(unitID: child, label: name(child), figures: byChild[child] ?? AlkireFoster(standard: standard, catalogSize: size))
        }.sorted { VietnameseCollation.sortKey($0.label) < VietnameseCollation.sortKey($1.label) }
        return (standard, units, UnitPovertyProfile(unitID: unitID, label: name(unitID), figures: total))
    }

    /// Biểu 14/15: the named poor or near-poor households of a branch of the actor's for a
    /// year, in the order of unit and household code; `each` receives them one by one. Audited.
    public func namedHouseholds(_ actor: Actor, _ status: LivingStandard, unit unitID: Int, year: Int,
                                each: (NamedHousehold) throws -> Void) async throws {
        try actor.require(.readReports, unit: unitID)
        try Self.check(year: year)
        let scope = Scope.figures(of: unitID, in: actor.history, on: store.today).intersection(actor.scope)
        var count = 0
        var q: SQLQueryString = """
            SELECT h.code, COALESCE(r.head_name, m.full_name, '') AS head, COALESCE(m.code, '') AS member, r.unit_id,
                   COALESCE(r.address, h.address, '') AS address,
                   r.area, COALESCE(r.ethnicity, '') AS ethnicity, r.household_size, r.per_capita_income, r.deprivations, r.causes
            FROM reviews r JOIN households h ON h.id = r.household_id LEFT JOIN members m ON m.id = COALESCE(r.member_id, h.primary_member_id)
            WHERE r.year = \(bind: year) AND r.status = \(bind: status.rawValue)
            """
        guard scope.append(to: &q, column: "r.unit_id") else { return }
        q.appendInterpolation(" ORDER BY r.unit_id, h.code" as SQLQueryString)
        let catalogue = StandardCatalog.builtIn
        for row in try await store.sql.raw(q).all() {
            let mask = UInt64(bitPattern: Int64(try row.int("deprivations")))
            let codes = catalogue.indicators.filter { mask & (1 << UInt64($0.index)) != 0 }.map(\.code)
            count += 1
            try each(NamedHousehold(
                householdCode: try row.string("code"), headName: try row.string("head"), memberCode: try row.string("member"),
                unitID: try row.int("unit_id"), address: try row.string("address"),
                area: try row.area("area"), ethnicity: try row.string("ethnicity"),
                size: try row.optionalInt("household_size"), monthlyIncome: try row.optionalInt("per_capita_income"),
                deprivations: codes,
                causes: try row.causes("causes")))
        }
        try await store.audit.read("xuat", entity: "household",
                                   detail: "biểu \(status == .poor ? 15 : 14) năm \(year) đơn vị \(actor.history.units[unitID]?.code ?? String(unitID)): \(count) hộ", by: actor)
    }
}

extension SQLRow {
    func area(_ column: String) throws -> Area {
        let text = try string(column)
        guard let a = Area(rawValue: text) else { throw StorageError.corrupt("\(column) = \(text)") }
        return a
    }

    /// Causes stored as `a;b;c` (empty or NULL for none); an unknown one is corrupt data.
    func causes(_ column: String) throws -> [PovertyCause] {
        try (optionalString(column) ?? "").split(separator: ";").map { text in
            guard let c = PovertyCause(rawValue: String(text)) else { throw StorageError.corrupt("\(column) = \(text)") }
            return c
        }
    }
}
