import Foundation
import PovertyCore
@_spi(Simulation) @testable import Storage
import SQLKit
import Testing

/// The union tree through time: operations effective on a date, history kept, successors followed.
@Suite struct UnitTreeTests {
    static let actor = "can_bo_tinh"

    /// T (province) → H1, H2 (district federations), N (sector union);
    /// H1 → C1, C2; H2 → C3; N → G1, G2, G3 (grassroots unions, from 2010).
    @discardableResult
    static func buildTree(_ store: Store) async throws -> [String: Int] {
        let units: [(NewUnit, Day)] = [
            (NewUnit(code: "T", name: "Liên đoàn Lao động tỉnh Ninh Bình", kind: .provincialFederation), day(2000, 1, 1)),
            (NewUnit(code: "H1", name: "Liên đoàn Lao động huyện Hoa Lư", kind: .districtFederation, parentCode: "T"), day(2000, 1, 1)),
            (NewUnit(code: "H2", name: "Liên đoàn Lao động huyện Gia Viễn", kind: .districtFederation, parentCode: "T"), day(2000, 1, 1)),
            (NewUnit(code: "N", name: "Công đoàn ngành Y tế", kind: .sectorUnion, parentCode: "T"), day(2000, 1, 1)),
            (NewUnit(code: "C1", name: "CĐCS Công ty May Hoa Lư", kind: .grassrootsUnion, parentCode: "H1"), day(2010, 1, 1)),
            (NewUnit(code: "C2", name: "CĐCS Công ty Xi măng Hoa Lư", kind: .grassrootsUnion, parentCode: "H1"), day(2010, 1, 1)),
            (NewUnit(code: "C3", name: "CĐCS Trường THPT Gia Viễn", kind: .grassrootsUnion, parentCode: "H2"), day(2010, 1, 1)),
            (NewUnit(code: "G1", name: "CĐCS Bệnh viện tỉnh", kind: .grassrootsUnion, parentCode: "N"), day(2010, 1, 1)),
            (NewUnit(code: "G2", name: "CĐCS Trung tâm Y tế Hoa Lư", kind: .grassrootsUnion, parentCode: "N"), day(2010, 1, 1)),
            (NewUnit(code: "G3", name: "CĐCS Trung tâm Kiểm soát bệnh tật", kind: .grassrootsUnion, parentCode: "N"), day(2010, 1, 1)),
        ]
        var ids: [String: Int] = [:]
        for (unit, from) in units { ids[unit.code] = try await store.units.create(try await store.operator(actor), unit, from: from) }
        return ids
    }

    /// A member placed in a unit from a day.
    @discardableResult
    static func member(_ store: Store, _ code: String, in unit: Int, from: Day) async throws -> Int {
        let id = try await store.members.save(try await store.operator(actor), MemberRecord(code: code, fullName: "Đoàn viên \(code)")).id
        try await store.members.assign(try await store.operator(actor), memberID: id, unitID: unit, from: from)
        return id
    }

    /// A reorganisation that would leave the tree inconsistent is refused: a unit passing to
    /// itself or to a unit of its own branch (a loop: every branch above it would never end),
    /// a child placed under a unit after its recorded end, a unit created there; a code typed
    /// twice in a merge is one unit; a move made on the day a district ends is kept.
    @Test(arguments: TestDatabase.available)
    func aReorganisationKeepsTheTreeWhole(db: TestDatabase) async throws {
        try await db.withStore { store in
            let id = try await Self.buildTree(store)
            let op = try await store.operator(Self.actor)
            let reform = day(2025, 7, 1)
            await #expect(throws: StorageError.cycle("C1")) { try await store.units.dissolve(op, "H1", successor: "C1", on: reform) }
            await #expect(throws: StorageError.cycle("C2")) { try await store.units.dissolve(op, "C2", successor: "C2", on: reform) }
            await #expect(throws: StorageError.cycle("C1")) {
                _ = try await store.units.merge(op, ["H1"], into: NewUnit(code: "C1", name: "x", kind: .grassrootsUnion, parentCode: "H1"), on: reform)
            }
            // The commune union takes C1 on the reform day; the district ends the same day: C1 stays where it was moved.
            _ = try await store.units.create(op, NewUnit(code: "X1", name: "Công đoàn xã Hoa Lư", kind: .communeUnion, parentCode: "T"), from: reform)
            try await store.units.move(op, "C1", under: "X1", on: reform)
            _ = try await store.units.merge(op, ["C2", "C2"], into: NewUnit(code: "C2B", name: "CĐCS Xi măng", kind: .grassrootsUnion, parentCode: "X1"), on: reform)
            try await store.units.dissolve(op, "H1", successor: "T", on: reform)
            var h = try await store.units.history()
            #expect(h.parent(of: id["C1"]!, on: reform) == h.unit(code: "X1")?.id)
            #expect(h.successor(of: id["C2"]!, on: reform) == h.unit(code: "C2B")?.id)
            // Nothing can be put under H1 past its end any more.
            await #expect(throws: StorageError.self) {
                _ = try await store.units.create(op, NewUnit(code: "C9", name: "Mới", kind: .grassrootsUnion, parentCode: "H1"), from: day(2025, 3, 1))
            }
            try await store.units.move(op, "G1", under: "H2", on: day(2024, 1, 1))  // H2's end is not recorded yet
            try await store.units.dissolve(op, "H2", successor: "T", on: reform)
            #expect(try await store.units.history().parent(of: id["G1"]!, on: reform) == id["T"]!)
            // A move back in time between two districts that both ended at the reform stays within their lives: allowed.
            try await store.units.move(op, "C3", under: "H1", on: day(2024, 1, 1))
            let moved = try await store.units.history()
            #expect(moved.parent(of: id["C3"]!, on: day(2024, 6, 1)) == id["H1"]! && moved.parent(of: id["C3"]!, on: reform) == id["T"]!)
            await #expect(throws: StorageError.self) { try await store.units.move(op, "G2", under: "H2", on: day(2024, 6, 1)) }
            h = try await store.units.history()
            // Every unit standing after the reform is under the province.
            let tree = h.tree(on: reform)
            #expect(tree.roots == [id["T"]!])
            #expect(Set(tree.subtree(of: id["T"]!)).count == tree.subtree(of: id["T"]!).count)
        }
    }

    /// A units file that would leave the tree broken is refused whole: a grassroots union left
    /// under a district the file ends, two units each the other's parent.
    @Test(arguments: TestDatabase.available)
    func aUnitsFileThatBreaksTheTreeIsRefused(db: TestDatabase) async throws {
        try await db.withStore { store in
            let header = Files.unitsHeader
            let stray: [[String]] = [header,
                Files.unit("T", "LĐLĐ tỉnh", "lien_doan_tinh", from: "01/01/2000"),
                Files.unit("H1", "LĐLĐ huyện", "lien_doan_huyen", parent: "T", from: "01/01/2000", to: "30/06/2025", successor: "T"),
                Files.unit("C1", "CĐCS May", "cong_doan_co_so", parent: "H1", from: "01/01/2010")]
            func refusal(_ rows: [[String]]) async -> String {
                do { _ = try await store.importUnits(rows); return "imported" } catch { return String(describing: error) }
            }
            let strayRefused = await refusal(stray)
            #expect(strayRefused.contains("CĐCS May (C1)") && strayRefused.contains("01/07/2025") && strayRefused.contains("liền một khối"), "\(strayRefused)")
            let loop: [[String]] = [header,
                Files.unit("T", "LĐLĐ tỉnh", "lien_doan_tinh", from: "01/01/2000"),
                Files.unit("A", "Ngành A", "cong_doan_nganh", parent: "B", from: "01/01/2000"),
                Files.unit("B", "Ngành B", "cong_doan_nganh", parent: "A", from: "01/01/2000")]
            let loopRefused = await refusal(loop)
            #expect(loopRefused != "imported", "\(loopRefused)")
            let written = try await store.units.history().units
            #expect(written.isEmpty)  // nothing written
            // The same district file with C1 moved to the province from the reform imports.
            let whole: [[String]] = [header,
                Files.unit("T", "LĐLĐ tỉnh", "lien_doan_tinh", from: "01/01/2000"),
                Files.unit("H1", "LĐLĐ huyện", "lien_doan_huyen", parent: "T", from: "01/01/2000", to: "30/06/2025", successor: "T"),
                Files.unit("C1", "CĐCS May", "cong_doan_co_so", parent: "H1", from: "01/01/2010", to: "30/06/2025"),
                Files.unit("C1", "CĐCS May", "cong_doan_co_so", parent: "T", from: "01/07/2025")]
            let imported = try await store.importUnits(whole)
            #expect(imported.rows == 4)
        }
    }

    @Test(arguments: TestDatabase.available)
    func renameAndMoveTakeEffectOnTheirDay(db: TestDatabase) async throws {
        try await db.withStore { store in
            let id = try await Self.buildTree(store)
            let (t, h1, h2, n, c1, c2, c3) = (id["T"]!, id["H1"]!, id["H2"]!, id["N"]!, id["C1"]!, id["C2"]!, id["C3"]!)
            let (g1, g2, g3) = (id["G1"]!, id["G2"]!, id["G3"]!)

            try await store.units.rename(try await store.operator(Self.actor), "C1", to: "CĐCS Công ty CP May Hoa Lư", on: day(2020, 3, 15))
            try await store.units.move(try await store.operator(Self.actor), "C1", under: "H2", on: day(2022, 1, 1))
            let h = try await store.units.history()

            #expect(h.name(of: c1, on: day(2009, 12, 31)) == nil)
            #expect(h.name(of: c1, on: day(2010, 1, 1)) == "CĐCS Công ty May Hoa Lư")
            #expect(h.name(of: c1, on: day(2020, 3, 14)) == "CĐCS Công ty May Hoa Lư")
            #expect(h.name(of: c1, on: day(2020, 3, 15)) == "CĐCS Công ty CP May Hoa Lư")
            #expect(h.name(of: c1, on: day(2023, 1, 1)) == "CĐCS Công ty CP May Hoa Lư")
            #expect(h.parent(of: c1, on: day(2020, 3, 15)) == h1)
            #expect(h.parent(of: c1, on: day(2021, 12, 31)) == h1)
            #expect(h.parent(of: c1, on: day(2022, 1, 1)) == h2)
            #expect(h.lastName(of: c1) == "CĐCS Công ty CP May Hoa Lư")

            // The tree at several dates.
            let before = h.tree(on: day(2021, 12, 31))
            #expect(before.roots == [t])
            #expect(before.children[t] == [h1, h2, n])
            #expect(before.children[h1] == [c1, c2])
            #expect(before.children[h2] == [c3])
            #expect(before.subtree(of: h2) == [h2, c3])
            let after = h.tree(on: day(2022, 1, 1))
            #expect(after.children[h1] == [c2])
            #expect(after.children[h2] == [c1, c3])
            #expect(after.subtree(of: h2) == [h2, c1, c3])
            #expect(after.subtree(of: t) == [t, h1, c2, h2, c1, c3, n, g1, g2, g3])
            let early = h.tree(on: day(2005, 6, 1))
            #expect(early.subtree(of: t) == [t, h1, h2, n])
            #expect(!early.contains(c1))
            #expect(after.contains(c1))

            #expect(h.ancestry(of: c1, on: day(2021, 6, 1)) == [c1, h1, t])
            #expect(h.ancestry(of: c1, on: day(2022, 6, 1)) == [c1, h2, t])
            #expect(h.ancestry(of: c1, on: day(2009, 6, 1)) == [])

            // Renaming again on the day a version starts changes that version, adds none.
            try await store.units.rename(try await store.operator(Self.actor), "C1", to: "CĐCS May Hoa Lư", on: day(2022, 1, 1))
            let versions = try await store.sql.raw("SELECT name, valid_from, valid_to FROM unit_versions WHERE unit_id = \(bind: c1) ORDER BY valid_from").all()
                .map { "\(try $0.decode(column: "name", as: String.self)) \(try $0.decode(column: "valid_from", as: String.self))–\(try $0.decode(column: "valid_to", as: String?.self) ?? "")" }
            #expect(versions == ["CĐCS Công ty May Hoa Lư 2010-01-01–2020-03-15",
                                 "CĐCS Công ty CP May Hoa Lư 2020-03-15–2022-01-01",
                                 "CĐCS May Hoa Lư 2022-01-01–"])

            let audit = try await store.audit.entries(try await store.op, entity: "unit", id: c1)
            #expect(audit.map(\.action) == ["tao", "doi_ten", "chuyen", "doi_ten"])
            #expect(audit[2].detail == "C1 về H2 từ 2022-01-01")
            #expect(audit.allSatisfy { $0.at == pinnedNow && $0.actor == Self.actor })
        }
    }

    @Test(arguments: TestDatabase.available)
    func mergeIntoANewUnit(db: TestDatabase) async throws {
        try await db.withStore { store in
            let id = try await Self.buildTree(store)
            let (t, h1, h2, n, c1, c2, c3) = (id["T"]!, id["H1"]!, id["H2"]!, id["N"]!, id["C1"]!, id["C2"]!, id["C3"]!)
            let m1 = try await Self.member(store, "M1", in: h1, from: day(2015, 1, 1))
            try await Self.member(store, "M2", in: c1, from: day(2015, 1, 1))
            try await Self.member(store, "M3", in: h2, from: day(2016, 2, 1))

            let p = try await store.units.merge(try await store.operator(Self.actor), ["H1", "H2"], into: NewUnit(code: "P", name: "Công đoàn phường Hoa Lư", kind: .communeUnion, parentCode: "T"),
                                                on: day(2025, 7, 1))
            let h = try await store.units.history()
            #expect(h.unit(code: "P")?.id == p)
            #expect(h.units[p]?.from == day(2025, 7, 1))

            // The old units end the day before, keep their history and point to the successor.
            for old in [h1, h2] {
                #expect(h.units[old]?.to == day(2025, 7, 1))
                #expect(h.units[old]?.isActive(on: day(2025, 6, 30)) == true)
                #expect(h.units[old]?.isActive(on: day(2025, 7, 1)) == false)
                #expect(h.successions(of: old) == [OrgSuccession(predecessorID: old, successorID: p, effective: day(2025, 7, 1), kind: .merge, primary: true)])
                #expect(h.successor(of: old, on: day(2025, 6, 30)) == old)
                #expect(h.successor(of: old, on: day(2025, 7, 1)) == p)
                #expect(h.successor(of: old, on: day(2026, 1, 1)) == p)
                #expect(h.parent(of: old, on: day(2024, 1, 1)) == t)
            }
            #expect(h.name(of: h1, on: day(2024, 1, 1)) == "Liên đoàn Lao động huyện Hoa Lư")
            #expect(h.name(of: h1, on: day(2025, 7, 1)) == nil)
            #expect(h.lastName(of: h2) == "Liên đoàn Lao động huyện Gia Viễn")

            // Their children pass to the successor on that day.
            let before = h.tree(on: day(2025, 6, 30)), after = h.tree(on: day(2025, 7, 1))
            #expect(before.children[t] == [h1, h2, n])
            #expect(before.children[h1] == [c1, c2])
            #expect(after.children[t] == [n, p])
            #expect(after.children[p] == [c1, c2, c3])
            #expect(after.children[h1] == nil)
            #expect(h.ancestry(of: c3, on: day(2025, 6, 30)) == [c3, h2, t])
            #expect(h.ancestry(of: c3, on: day(2025, 7, 1)) == [c3, p, t])

            // Open memberships of the merged units too; members of their children stay where they are.
            #expect(try await store.memberships(of: "M1") == ["H1 2015-01-01–2025-07-01", "P 2025-07-01–"])
            #expect(try await store.memberships(of: "M3") == ["H2 2016-02-01–2025-07-01", "P 2025-07-01–"])
            #expect(try await store.memberships(of: "M2") == ["C1 2015-01-01–"])
            #expect(try await store.members.unit(try await store.op, ofMember: m1, on: day(2025, 6, 30)) == h1)
            #expect(try await store.members.unit(try await store.op, ofMember: m1, on: day(2025, 7, 1)) == p)

            let audit = try await store.audit.entries(try await store.op, entity: "unit")
            #expect(audit.suffix(2).map(\.action) == ["tao", "sap_nhap"])
            #expect(audit.last?.entityID == p)
            #expect(audit.last?.detail == "H1, H2 → P từ 2025-07-01")
        }
    }

    @Test(arguments: TestDatabase.available)
    func mergeIntoAnExistingUnitAndFollowChains(db: TestDatabase) async throws {
        try await db.withStore { store in
            let id = try await Self.buildTree(store)
            let (h1, h2, c1, c2, c3) = (id["H1"]!, id["H2"]!, id["C1"]!, id["C2"]!, id["C3"]!)
            try await Self.member(store, "M2", in: c2, from: day(2015, 1, 1))
            let unitsBefore = try await store.count("units")

            // C2 merges into C1, which continues; later C1 merges into C3.
            let target = try await store.units.merge(try await store.operator(Self.actor), ["C2"], into: NewUnit(code: "C1", name: "(bỏ qua)", kind: .grassrootsUnion),
                                                     on: day(2023, 1, 1))
            #expect(target == c1)
            #expect(try await store.count("units") == unitsBefore)
            try await store.units.merge(try await store.operator(Self.actor), ["C1"], into: NewUnit(code: "C3", name: "(bỏ qua)", kind: .grassrootsUnion),
                                        on: day(2024, 1, 1))
            let h = try await store.units.history()

            #expect(h.units[c1]?.to == day(2024, 1, 1))
            #expect(h.units[c3]?.to == nil)
            #expect(h.name(of: c1, on: day(2023, 6, 1)) == "CĐCS Công ty May Hoa Lư")
            #expect(h.name(of: c3, on: day(2024, 1, 1)) == "CĐCS Trường THPT Gia Viễn")
            #expect(h.successor(of: c2, on: day(2022, 12, 31)) == c2)
            #expect(h.successor(of: c2, on: day(2023, 1, 1)) == c1)
            #expect(h.successor(of: c2, on: day(2023, 12, 31)) == c1)
            #expect(h.successor(of: c2, on: day(2024, 1, 1)) == c3)
            #expect(h.successor(of: c2, on: day(2030, 1, 1)) == c3)
            #expect(h.successor(of: c1, on: day(2024, 1, 1)) == c3)
            // Before a unit existed there is nothing to follow.
            #expect(h.successor(of: c2, on: day(2005, 1, 1)) == nil)

            #expect(h.tree(on: day(2023, 1, 1)).children[h1] == [c1])
            #expect(h.tree(on: day(2024, 1, 1)).children[h1] == nil)
            #expect(h.tree(on: day(2024, 1, 1)).children[h2] == [c3])
            #expect(try await store.memberships(of: "M2") == ["C2 2015-01-01–2023-01-01", "C1 2023-01-01–2024-01-01", "C3 2024-01-01–"])

            let moved = h.rebase([c2: 5, c1: 2, c3: 1], onto: day(2025, 1, 1), combine: +)
            #expect(moved.counts == [c3: 8])
            #expect(moved.orphaned.isEmpty)

            let audit = try await store.audit.entries(try await store.op, entity: "unit").filter { $0.action == "sap_nhap" }
            #expect(audit.map(\.entityID) == [c1, c3])
            #expect(audit.map(\.detail) == ["C2 → C1 từ 2023-01-01", "C1 → C3 từ 2024-01-01"])
        }
    }

    @Test(arguments: TestDatabase.available)
    func splitHandsChildrenToTheAssignedParts(db: TestDatabase) async throws {
        try await db.withStore { store in
            let id = try await Self.buildTree(store)
            let (t, n, g1, g2, g3) = (id["T"]!, id["N"]!, id["G1"]!, id["G2"]!, id["G3"]!)
            try await Self.member(store, "M4", in: n, from: day(2015, 1, 1))
            try await Self.member(store, "M5", in: g2, from: day(2015, 1, 1))

            let parts = try await store.units.split(try await store.operator(Self.actor), "N", into: [
                NewUnit(code: "NA", name: "Công đoàn ngành Y tế dự phòng", kind: .sectorUnion, parentCode: "T"),
                NewUnit(code: "NB", name: "Công đoàn ngành Y tế khám chữa bệnh", kind: .sectorUnion, parentCode: "T"),
            ], assign: ["G2": "NB"], on: day(2024, 1, 1))
            #expect(parts.count == 2)
            let (na, nb) = (parts[0], parts[1])
            let h = try await store.units.history()
            #expect(h.unit(code: "NA")?.id == na && h.unit(code: "NB")?.id == nb)

            #expect(h.units[n]?.to == day(2024, 1, 1))
            #expect(h.tree(on: day(2023, 12, 31)).children[n] == [g1, g2, g3])
            let after = h.tree(on: day(2024, 1, 1))
            #expect(after.children[t] == [id["H1"]!, id["H2"]!, na, nb])
            #expect(after.children[na] == [g1, g3])
            #expect(after.children[nb] == [g2])
            #expect(after.children[n] == nil)
            #expect(h.successions(of: n) == [
                OrgSuccession(predecessorID: n, successorID: na, effective: day(2024, 1, 1), kind: .split, primary: true),
                OrgSuccession(predecessorID: n, successorID: nb, effective: day(2024, 1, 1), kind: .split, primary: false),
            ])
            #expect(h.successor(of: n, on: day(2024, 1, 1)) == na)
            // Members of the split unit go to the primary part; members of its children stay.
            #expect(try await store.memberships(of: "M4") == ["N 2015-01-01–2024-01-01", "NA 2024-01-01–"])
            #expect(try await store.memberships(of: "M5") == ["G2 2015-01-01–"])

            let audit = try await store.audit.entries(try await store.op, entity: "unit", id: n)
            #expect(audit.map(\.action) == ["tao", "chia_tach"])
            #expect(audit.last?.detail == "N → NA, NB từ 2024-01-01")
        }
    }

    @Test(arguments: TestDatabase.available)
    func dissolveHandsEverythingToTheSuccessor(db: TestDatabase) async throws {
        try await db.withStore { store in
            let id = try await Self.buildTree(store)
            let (h1, h2, c1, c2, c3) = (id["H1"]!, id["H2"]!, id["C1"]!, id["C2"]!, id["C3"]!)
            try await Self.member(store, "M3", in: h2, from: day(2016, 2, 1))

            try await store.units.dissolve(try await store.operator(Self.actor), "H2", successor: "H1", on: day(2020, 1, 1))
            let h = try await store.units.history()
            #expect(h.units[h2]?.to == day(2020, 1, 1))
            #expect(h.successions(of: h2) == [OrgSuccession(predecessorID: h2, successorID: h1, effective: day(2020, 1, 1), kind: .dissolve, primary: true)])
            #expect(h.successor(of: h2, on: day(2021, 1, 1)) == h1)
            #expect(h.tree(on: day(2019, 12, 31)).children[h2] == [c3])
            #expect(h.tree(on: day(2020, 1, 1)).children[h1] == [c1, c2, c3])
            #expect(try await store.memberships(of: "M3") == ["H2 2016-02-01–2020-01-01", "H1 2020-01-01–"])
            #expect(try await store.audit.entries(try await store.op, entity: "unit", id: h2).last?.action == "giai_the")
        }
    }

    @Test(arguments: TestDatabase.available)
    func refusedOperationsChangeNothing(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await Self.buildTree(store)
            try await store.units.merge(try await store.operator(Self.actor), ["H1", "H2"], into: NewUnit(code: "P", name: "Công đoàn phường Hoa Lư", kind: .communeUnion, parentCode: "T"),
                                        on: day(2025, 7, 1))
            let before = try await Tables.snapshot(store)
            let units = store.units
            let op = try await store.operator(Self.actor)

            // Unknown units.
            await #expect(throws: StorageError.unknownUnit("X")) { try await units.rename(op, "X", to: "y", on: day(2020, 1, 1)) }
            await #expect(throws: StorageError.unknownUnit("X")) { try await units.move(op, "C1", under: "X", on: day(2020, 1, 1)) }
            await #expect(throws: StorageError.unknownUnit("X")) { try await units.dissolve(op, "X", successor: "T", on: day(2020, 1, 1)) }
            // C1 is ended before X is looked at: that must be undone too.
            await #expect(throws: StorageError.unknownUnit("X")) {
                try await units.merge(op, ["C1", "X"], into: NewUnit(code: "C3", name: "", kind: .grassrootsUnion), on: day(2025, 8, 1))
            }
            // C1 moved under P on 01/07/2025: ending it earlier would rewrite later history.
            await #expect(throws: StorageError.retroactive("CĐCS Công ty May Hoa Lư (C1)", day(2020, 1, 1))) {
                try await units.merge(op, ["C1"], into: NewUnit(code: "C3", name: "", kind: .grassrootsUnion), on: day(2020, 1, 1))
            }
            await #expect(throws: StorageError.unknownUnit("X")) {
                try await units.create(op, NewUnit(code: "C9", name: "CĐCS mới", kind: .grassrootsUnion, parentCode: "X"), from: day(2020, 1, 1))
            }
            await #expect(throws: StorageError.unknownUnit("G9")) {
                try await units.split(op, "N", into: [NewUnit(code: "NA", name: "A", kind: .sectorUnion, parentCode: "T")], assign: ["G9": "NA"],
                                      on: day(2024, 1, 1))
            }
            await #expect(throws: StorageError.unknownUnit("NZ")) {
                try await units.split(op, "N", into: [NewUnit(code: "NA", name: "A", kind: .sectorUnion, parentCode: "T")], assign: ["G1": "NZ"],
                                      on: day(2024, 1, 1))
            }

            // A merger, split or dissolution is recorded once in force: its members pass at once
            // (before: one dated ahead put them under a unit that did not stand yet).
            let ahead = store.today.adding(days: 1)
            await #expect(throws: StorageError.invalid(Message("refusal.unit.future_end", .text("CĐCS Công ty May Hoa Lư (C1)"), .day(ahead)))) {
                try await units.merge(op, ["C1"], into: NewUnit(code: "C7", name: "CĐCS mới", kind: .grassrootsUnion, parentCode: "P"), on: ahead)
            }
            await #expect(throws: StorageError.invalid(Message("refusal.unit.future_end", .text("CĐCS Công ty May Hoa Lư (C1)"), .day(ahead)))) {
                try await units.dissolve(op, "C1", successor: "P", on: ahead)
            }

            // Units not active on the day, named with their codes.
            await #expect(throws: StorageError.unitNotActive("CĐCS Công ty May Hoa Lư (C1)", day(2009, 12, 31))) { try await units.rename(op, "C1", to: "y", on: day(2009, 12, 31)) }
            await #expect(throws: StorageError.unitNotActive("Liên đoàn Lao động huyện Hoa Lư (H1)", day(2025, 7, 1))) { try await units.rename(op, "H1", to: "y", on: day(2025, 7, 1)) }
            await #expect(throws: StorageError.unitNotActive("Liên đoàn Lao động huyện Hoa Lư (H1)", day(2025, 8, 1))) { try await units.move(op, "C1", under: "H1", on: day(2025, 8, 1)) }
            await #expect(throws: StorageError.unitNotActive("H1", day(2025, 8, 1))) {
                try await units.create(op, NewUnit(code: "C9", name: "CĐCS mới", kind: .grassrootsUnion, parentCode: "H1"), from: day(2025, 8, 1))
            }
            await #expect(throws: StorageError.unitNotActive("Liên đoàn Lao động huyện Gia Viễn (H2)", day(2026, 1, 1))) {
                try await units.merge(op, ["C1"], into: NewUnit(code: "H2", name: "", kind: .districtFederation), on: day(2026, 1, 1))
            }
            await #expect(throws: StorageError.unitNotActive("Công đoàn phường Hoa Lư (P)", day(2025, 1, 1))) {
                try await units.dissolve(op, "C1", successor: "P", on: day(2025, 1, 1))
            }

            // District federations end on 30/06/2025; commune/ward unions start on 01/07/2025.
            await #expect(throws: StorageError.kindNotAllowed(.districtFederation, day(2025, 7, 1))) {
                try await units.create(op, NewUnit(code: "H9", name: "LĐLĐ huyện mới", kind: .districtFederation, parentCode: "T"), from: day(2025, 7, 1))
            }
            await #expect(throws: StorageError.kindNotAllowed(.districtFederation, day(2020, 1, 1))) {
                try await units.create(op, NewUnit(code: "H9", name: "LĐLĐ huyện mới", kind: .districtFederation, parentCode: "T"),
                                       from: day(2020, 1, 1), to: day(2025, 7, 2))
            }
            await #expect(throws: StorageError.kindNotAllowed(.communeUnion, day(2025, 6, 30))) {
                try await units.create(op, NewUnit(code: "X9", name: "Công đoàn xã mới", kind: .communeUnion, parentCode: "T"), from: day(2025, 6, 30))
            }
            await #expect(throws: StorageError.kindNotAllowed(.communeUnion, day(2025, 6, 30))) {
                try await units.merge(op, ["G1", "G2"], into: NewUnit(code: "X9", name: "Công đoàn xã mới", kind: .communeUnion, parentCode: "T"),
                                      on: day(2025, 6, 30))
            }

            // A unit under its own branch.
            await #expect(throws: StorageError.cycle("T")) { try await units.move(op, "T", under: "C1", on: day(2020, 1, 1)) }
            await #expect(throws: StorageError.cycle("H1")) { try await units.move(op, "H1", under: "C2", on: day(2020, 1, 1)) }
            await #expect(throws: StorageError.cycle("N")) { try await units.move(op, "N", under: "N", on: day(2020, 1, 1)) }

            // Codes are unique, also for the parts of a split (which then creates none of them).
            await #expect(throws: StorageError.duplicateUnit("C1")) {
                try await units.create(op, NewUnit(code: "C1", name: "CĐCS trùng mã", kind: .grassrootsUnion, parentCode: "P"), from: day(2025, 8, 1))
            }
            await #expect(throws: StorageError.duplicateUnit("G2")) {
                try await units.split(op, "N", into: [NewUnit(code: "NA", name: "A", kind: .sectorUnion, parentCode: "T"),
                                                  NewUnit(code: "G2", name: "B", kind: .sectorUnion, parentCode: "T")], on: day(2024, 1, 1))
            }

            // Nothing was written by any of them, not even an audit entry.
            expectSame(before, try await Tables.snapshot(store))

            // The edges that are allowed.
            try await units.create(op, NewUnit(code: "H9", name: "LĐLĐ huyện cuối cùng", kind: .districtFederation, parentCode: "T"),
                                   from: day(2025, 6, 30), to: day(2025, 7, 1))
            try await units.create(op, NewUnit(code: "X9", name: "Công đoàn xã đầu tiên", kind: .communeUnion, parentCode: "T"), from: day(2025, 7, 1))
            #expect(try await store.count("units") == 13)
        }
    }

    @Test(arguments: TestDatabase.available)
    func everyOperationLeavesAnAuditEntry(db: TestDatabase) async throws {
        try await db.withStore { store in
            let id = try await Self.buildTree(store)
            let u = store.units, op = try await store.operator(Self.actor)
            try await u.rename(op, "C1", to: "CĐCS May", on: day(2020, 1, 1))
            try await u.move(op, "C2", under: "H2", on: day(2021, 1, 1))
            try await u.dissolve(op, "G3", successor: "G1", on: day(2022, 1, 1))
            try await u.split(op, "N", into: [NewUnit(code: "NA", name: "A", kind: .sectorUnion, parentCode: "T"),
                                          NewUnit(code: "NB", name: "B", kind: .sectorUnion, parentCode: "T")], on: day(2023, 1, 1))
            try await u.merge(op, ["C1", "C2"], into: NewUnit(code: "C3", name: "", kind: .grassrootsUnion), on: day(2024, 1, 1))

            let entries = try await store.audit.entries(try await store.op, entity: "unit")
            #expect(entries.map(\.action) == Array(repeating: "tao", count: 10) + ["doi_ten", "chuyen", "giai_the", "tao", "tao", "chia_tach", "sap_nhap"])
            let h = try await store.units.history()
            let codes = entries.map { e in e.entityID.flatMap { h.units[$0]?.code } ?? "?" }
            #expect(codes == ["T", "H1", "H2", "N", "C1", "C2", "C3", "G1", "G2", "G3", "C1", "C2", "G3", "NA", "NB", "N", "C3"])
            #expect(entries[4].entityID == id["C1"])
            #expect(entries[0].detail == "T Liên đoàn Lao động tỉnh Ninh Bình (lien_doan_tinh) từ 2000-01-01")
            #expect(entries[10].detail == "C1 → CĐCS May từ 2020-01-01")
            #expect(entries.allSatisfy { $0.at == pinnedNow && $0.actor == Self.actor && $0.entity == "unit" })
        }
    }
}
