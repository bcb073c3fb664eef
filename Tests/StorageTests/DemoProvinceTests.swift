import Demo
import Foundation
import PovertyCore
@_spi(Simulation) @testable import Storage
import SQLKit
import Testing

/// The demo province: built through the importers, deterministic by seed, and shaped like
/// the reform of 01/07/2025 so that the 2021 baseline re-bases onto today's tree.
@Suite struct DemoProvinceTests {
    static let today = Day(year: 2026, month: 11, day: 25)!

    /// A digest of everything the build wrote, apart from ids and timestamps.
    static func digest(_ store: Store) async throws -> UInt64 {
        let queries: [(String, [String])] = [
            ("SELECT code, kind, valid_from, valid_to FROM units ORDER BY code", ["code", "kind", "valid_from", "valid_to"]),
            ("""
             SELECT u.code, v.name, p.code AS parent, v.valid_from, v.valid_to FROM unit_versions v
             JOIN units u ON u.id = v.unit_id LEFT JOIN units p ON p.id = v.parent_id ORDER BY u.code, v.valid_from
             """, ["code", "name", "parent", "valid_from", "valid_to"]),
            ("""
             SELECT a.code AS pred, b.code AS succ, s.effective, s.kind, CAST(s.is_primary AS TEXT) AS prim FROM unit_successions s
             JOIN units a ON a.id = s.predecessor_id JOIN units b ON b.id = s.successor_id ORDER BY a.code, b.code
             """, ["pred", "succ", "effective", "kind", "prim"]),
            ("SELECT code, full_name, citizen_id, birth_date, sex, ethnicity FROM members ORDER BY code",
             ["code", "full_name", "citizen_id", "birth_date", "sex", "ethnicity"]),
            ("""
             SELECT m.code, u.code AS unit, ms.joined, ms.left_on FROM memberships ms JOIN members m ON m.id = ms.member_id
             JOIN units u ON u.id = ms.unit_id ORDER BY m.code, ms.joined
             """, ["code", "unit", "joined", "left_on"]),
            ("""
             SELECT h.code, h.area, CAST(h.ethnic_minority AS TEXT) AS minority, h.province, h.commune, h.address, m.code AS primary_member
             FROM households h LEFT JOIN members m ON m.id = h.primary_member_id ORDER BY h.code
             """, ["code", "area", "minority", "province", "commune", "address", "primary_member"]),
            ("""
             SELECT h.code, m.code AS member FROM household_members hm JOIN households h ON h.id = hm.household_id
             JOIN members m ON m.id = hm.member_id ORDER BY h.code, m.code
             """, ["code", "member"]),
            ("""
             SELECT h.code, CAST(r.year AS TEXT) AS year, u.code AS unit, m.code AS member, r.standard_code, r.area,
                    CAST(r.household_size AS TEXT) AS size, CAST(r.yearly_income AS TEXT) AS income,
                    CAST(r.deprivations AS TEXT) AS deprivations, r.status, r.official_status, r.causes, r.ethnicity
             FROM reviews r JOIN households h ON h.id = r.household_id JOIN units u ON u.id = r.unit_id
             LEFT JOIN members m ON m.id = r.member_id ORDER BY h.code, r.year
             """, ["code", "year", "unit", "member", "standard_code", "area", "size", "income", "deprivations", "status",
                   "official_status", "causes", "ethnicity"]),
        ]
        var hash = StableHash()
        for (sql, columns) in queries {
            for row in try await store.sql.raw("\(unsafeRaw: sql)").all() {
                for c in columns { hash.add(try row.optionalString(c) ?? "∅") }
            }
        }
        return hash.value
    }

    @Test func sameSeedSameProvinceOtherSeedAnother() async throws {
        let first = try await TestDatabase.sqlite.withStore { store in
            (try await DemoProvince(households: 600, seed: 7).build(into: store, actor: try await store.op), try await Self.digest(store))
        }
        let again = try await TestDatabase.sqlite.withStore { store in
            (try await DemoProvince(households: 600, seed: 7).build(into: store, actor: try await store.op), try await Self.digest(store))
        }
        let other = try await TestDatabase.sqlite.withStore { store in
            (try await DemoProvince(households: 600, seed: 8).build(into: store, actor: try await store.op), try await Self.digest(store))
        }
        #expect(first.0 == again.0)
        #expect(first.1 == again.1)
        #expect(first.1 != other.1)
        #expect(first.0.poorByYear != other.0.poorByYear || first.0.members != other.0.members)
    }

    @Test(arguments: TestDatabase.available)
    func smallProvinceKeepsItsInvariants(_ db: TestDatabase) async throws {
        try await db.withStore { store in
            let summary = try await DemoProvince(households: 600, seed: 7).build(into: store, actor: try await store.op)
            let history = try await store.units.history()
            let today = Self.today
            let reform = Day.reform2025

            // Sizes.
            #expect(summary.households > 560 && summary.households <= 600)
            #expect(Double(summary.members) / 600 > 1.2 && Double(summary.members) / 600 < 1.4)
            #expect(summary.unitsBeforeReform[.provincialFederation] == 3)
            #expect(summary.unitsBeforeReform[.districtFederation] == 24)
            #expect(summary.unitsBeforeReform[.communeUnion] == nil)
            #expect(summary.unitsAfterReform[.provincialFederation] == 1)
            #expect(summary.unitsAfterReform[.districtFederation] == nil)
            #expect((20...40).contains(summary.unitsAfterReform[.communeUnion] ?? 0))
            #expect((summary.unitsBeforeReform[.grassrootsUnion] ?? 0) >= 30)

            // The merged province root, for a demo officer.
            let root = try #require(history.unit(code: summary.officerUnitCode))
            #expect(root.kind == .provincialFederation && root.isActive(on: today))
            #expect(summary.officerUnitName == "Liên đoàn Lao động tỉnh Ninh Bình")
            #expect(history.tree(on: today).roots == [root.id])
            #expect(history.tree(on: Day(year: 2021, month: 12, day: 31)!).roots.count == 3)

            // District federations: all there until 30/06/2025, none from 01/07/2025.
            let districts = history.units.values.filter { $0.kind == .districtFederation }
            #expect(districts.count == 24)
            for d in districts {
                #expect(d.isActive(on: reform.previous), "\(d.code) missing before the reform")
                #expect(!d.isActive(on: reform), "\(d.code) still active on 01/07/2025")
                #expect(d.to == reform)
                #expect(history.successions(of: d.id).contains { history.units[$0.successorID]?.kind == .communeUnion })
            }

            // Every unit of 2021 has a living successor today.
            for unit in history.units.values where unit.isActive(on: Day(year: 2021, month: 12, day: 31)!) {
                let next = try #require(history.successor(of: unit.id, on: today), "\(unit.code) has no successor")
                #expect(history.units[next]!.isActive(on: today))
            }

            // Today every grassroots union sits under a commune/ward or sector union under the root.
            let grassrootsToday = history.units.values.filter { $0.kind == .grassrootsUnion && $0.isActive(on: today) }
            #expect(grassrootsToday.count >= 30)
            for g in grassrootsToday {
                let chain = history.ancestry(of: g.id, on: today)
                #expect(chain.count == 3, "\(g.code): \(chain)")
                if chain.count == 3 {
                    #expect([.communeUnion, .sectorUnion, .industrialZoneUnion].contains(history.units[chain[1]]!.kind))
                    #expect(chain[2] == root.id)
                }
            }
            // Before the reform they sat under district federations or sector unions of the three provinces.
            for g in history.units.values where g.kind == .grassrootsUnion && g.isActive(on: reform.previous) {
                let parent = try #require(history.parent(of: g.id, on: reform.previous))
                #expect([.districtFederation, .sectorUnion, .industrialZoneUnion].contains(history.units[parent]!.kind))
            }

            // One review per household and year, in an unbroken run of years, counted once.
            var years: [Int: [Int]] = [:]
            var reviewRows: [(household: Int, year: Int, unit: Int, member: Int?, standard: String)] = []
            for row in try await store.sql.raw("SELECT household_id, year, unit_id, member_id, standard_code FROM reviews ORDER BY household_id, year").all() {
                let r = (household: try row.int("household_id"), year: try row.int("year"), unit: try row.int("unit_id"),
                         member: try row.optionalInt("member_id"), standard: try row.string("standard_code"))
                reviewRows.append(r)
                years[r.household, default: []].append(r.year)
            }
            #expect(years.count == summary.households)
            for (_, ys) in years {
                #expect(Set(ys).count == ys.count)
                #expect(ys.last! - ys.first! == ys.count - 1)
            }
            for year in 2021...2026 {
                let byUnit = try await store.reviews.countsByUnit(year: year, scope: .province)
                let counted = byUnit.values.reduce(0) { $0 + $1.households }
                #expect(counted == summary.householdsByYear[year])
                let rolled = try await store.reviews.rolledUp(year: year, basis: .reviewDate, history: history, scope: .province)
                let roots = rolled.tree.roots.reduce(0) { $0 + (rolled.totals[$1]?.households ?? 0) }
                #expect(roots == counted)
            }
            #expect(reviewRows.allSatisfy { $0.standard == ($0.year <= 2025 ? "vn-2022" : "vn-2027") })

            // A review counts in the grassroots union of the household's primary member at the end of the year.
            var periods: [Int: [(unit: Int, joined: Day, left: Day?)]] = [:]
            for row in try await store.sql.raw("SELECT member_id, unit_id, joined, left_on FROM memberships").all() {
                periods[try row.int("member_id"), default: []].append((try row.int("unit_id"), try row.day("joined"), try row.optionalDay("left_on")))
            }
            var primary: [Int: Int] = [:]
            for row in try await store.sql.raw("SELECT id, primary_member_id FROM households").all() {
                primary[try row.int("id")] = try row.optionalInt("primary_member_id")
            }
            for r in reviewRows {
                let end = Day.endOfYear(r.year)
                #expect(r.member == primary[r.household])
                let unit = periods[r.member ?? -1]?.first { $0.joined <= end && ($0.left.map { end < $0 } ?? true) }?.unit
                #expect(unit == r.unit)
                #expect(history.units[r.unit]?.kind == .grassrootsUnion)
            }

            // Couples: some households hold two members, in different grassroots unions.
            let couples = try await store.sql.raw("""
                SELECT hm.household_id, COUNT(*) AS n FROM household_members hm GROUP BY hm.household_id HAVING COUNT(*) > 1
                """).all().count
            #expect(Double(couples) / Double(summary.households) > 0.2 && Double(couples) / Double(summary.households) < 0.4)

            // Rates: a few percent poor in 2021, down by more than half by 2025, some falling back.
            let share2021 = summary.poorShare(2021)
            #expect(share2021 >= 0.02 && share2021 <= 0.07, "2021 poor share \(share2021)")
            #expect(Double(summary.poorByYear[2025] ?? 0) <= 0.45 * Double(summary.poorByYear[2021] ?? 0))
            #expect((summary.nearPoorByYear[2021] ?? 0) > 0)
            var statusOf: [Int: [Int: String]] = [:]
            for row in try await store.sql.raw("SELECT household_id, year, status FROM reviews WHERE year <= 2025").all() {
                statusOf[try row.int("household_id"), default: [:]][try row.int("year")] = try row.string("status")
            }
            func fellBackIn(_ y: Int, _ s: [Int: String]) -> Bool {
                guard s[y] == "ngheo", let before = s[y - 1], before != "ngheo" else { return false }
                return (2021..<(y - 1)).contains { s[$0] == "ngheo" }
            }
            let fellBack = statusOf.values.filter { s in (2023...2025).contains { fellBackIn($0, s) } }.count
            #expect(fellBack >= 1)
            #expect(try await store.reviews.mismatches(try await store.op).count >= 1)

            // Citizen IDs agree with birth year and sex.
            let people = try await store.sql.raw("SELECT citizen_id, birth_date, sex, ethnicity FROM members").all()
            #expect(people.count == summary.members)
            for p in people {
                let id = try p.string("citizen_id")
                #expect(["035", "036", "037"].contains(String(id.prefix(3))))
                #expect(CitizenID.check(id, birthYear: try p.day("birth_date").year, sex: CitizenID.Sex(rawValue: try p.string("sex"))) == nil)
                let born = try p.day("birth_date").year
                #expect((1966...2003).contains(born))
            }
            #expect(try people.contains { try $0.string("ethnicity") == "Mường" })

            // The 2021 baseline, re-based onto today's tree, lands entirely under the root.
            let baseline = try await store.reviews.rolledUp(year: 2021, basis: .rebased(onto: today), history: history, scope: .province)
            #expect(baseline.orphaned.isEmpty)
            #expect(baseline.totals[root.id]?.households == summary.householdsByYear[2021])
            #expect(baseline.totals[root.id]?.poor == summary.poorByYear[2021])

            // PostgreSQL holds exactly what SQLite holds.
            if db == .postgres {
                let onPostgres = try await Self.digest(store)
                let onSQLite = try await TestDatabase.sqlite.withStore { other in
                    _ = try await DemoProvince(households: 600, seed: 7).build(into: other, actor: try await other.op)
                    return try await Self.digest(other)
                }
                #expect(onPostgres == onSQLite)
            }
        }
    }

    @Test func refusesAStoreThatHasData() async throws {
        try await TestDatabase.sqlite.withStore { store in
            _ = try await store.units.create(try await store.op, NewUnit(code: "T", name: "Liên đoàn Lao động tỉnh Ninh Bình", kind: .provincialFederation),
                                             from: Day(year: 2000, month: 1, day: 1)!)
            await #expect(throws: StorageError.self) { _ = try await DemoProvince(households: 50, seed: 1).build(into: store, actor: try await store.op) }
        }
    }
}
