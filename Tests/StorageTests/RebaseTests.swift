import Foundation
import PovertyCore
@_spi(Simulation) @testable import Storage
import SQLKit
import Testing

/// The plan's baseline is the end-2021 review, counted under district federations that ended on
/// 30/06/2025. Re-based onto today's tree it shows under the commune/ward unions that succeeded them.
@Suite struct RebaseTests {
    /// Two old provinces (NB continues, HN merges into it), three district federations ending
    /// 30/06/2025 with their successor commune/ward unions, a sector union, and grassroots unions
    /// moved under the new unions at the reform.
    static let units: [[String]] = [
        Files.unitsHeader,
        Files.unit("NB", "Liên đoàn Lao động tỉnh Ninh Bình", "lien_doan_tinh", from: "01/01/2000"),
        Files.unit("HN", "Liên đoàn Lao động tỉnh Hà Nam", "lien_doan_tinh", from: "01/01/2000", to: "30/06/2025", successor: "NB"),
        Files.unit("HL", "Liên đoàn Lao động huyện Hoa Lư", "lien_doan_huyen", parent: "NB", from: "01/01/2000", to: "30/06/2025", successor: "P-HL"),
        Files.unit("KS", "Liên đoàn Lao động huyện Kim Sơn", "Liên đoàn Lao động huyện/thành phố", parent: "NB", from: "01/01/2000", to: "30/06/2025", successor: "X-KS"),
        Files.unit("PL", "Liên đoàn Lao động thành phố Phủ Lý", "lien_doan_huyen", parent: "HN", from: "01/01/2000", to: "30/06/2025", successor: "P-PL"),
        Files.unit("P-HL", "Công đoàn phường Hoa Lư", "cong_doan_xa_phuong", parent: "NB", from: "01/07/2025"),
        Files.unit("X-KS", "Công đoàn xã Kim Sơn", "Công đoàn xã/phường", parent: "NB", from: "01/07/2025"),
        Files.unit("P-PL", "Công đoàn phường Phủ Lý", "cong_doan_xa_phuong", parent: "NB", from: "01/07/2025"),
        Files.unit("GD", "Công đoàn ngành Giáo dục", "cong_doan_nganh", parent: "NB", from: "01/01/2000"),
        Files.unit("CS1", "CĐCS Công ty May Hoa Lư", "cong_doan_co_so", parent: "HL", from: "01/01/2010", to: "30/06/2025"),
        Files.unit("CS1", "CĐCS Công ty May Hoa Lư", "cong_doan_co_so", parent: "P-HL", from: "01/07/2025"),
        Files.unit("CS2", "CĐCS Công ty Xi măng Hoa Lư", "cong_doan_co_so", parent: "HL", from: "01/01/2010", to: "30/06/2025"),
        Files.unit("CS2", "CĐCS Công ty Xi măng Hoa Lư", "cong_doan_co_so", parent: "P-HL", from: "01/07/2025"),
        Files.unit("CS3", "CĐCS Công ty Giày Kim Sơn", "cdcs", parent: "KS", from: "01/01/2012", to: "30/06/2025"),
        Files.unit("CS3", "CĐCS Công ty Giày Kim Sơn", "cdcs", parent: "X-KS", from: "01/07/2025"),
        Files.unit("CS4", "CĐCS Công ty Dệt Phủ Lý", "cong_doan_co_so", parent: "PL", from: "01/01/2012", to: "30/06/2025"),
        Files.unit("CS4", "CĐCS Công ty Dệt Phủ Lý", "cong_doan_co_so", parent: "P-PL", from: "01/07/2025"),
        Files.unit("CS5", "CĐCS Trường THPT Chuyên Lương Văn Tụy", "cong_doan_co_so", parent: "GD", from: "01/01/2010"),
    ]

    /// CS6 under PL, dissolved at the end of 2023 without successor.
    static let dissolved = Files.unit("CS6", "CĐCS Hợp tác xã Phủ Lý", "cong_doan_co_so", parent: "PL", from: "01/01/2012", to: "31/12/2023")

    static let members: [[String]] = [
        Files.membersHeader,
        Files.member("DV-01", "Nguyễn Văn An", cccd: "037085001234", born: "12/03/1985", sex: "Nam", unit: "CS1", joined: "01/05/2015"),
        Files.member("DV-07", "Phạm Thị Hoa", cccd: "035188004567", born: "05/09/1988", sex: "Nữ", unit: "CS3", joined: "01/02/2016"),
    ]

    /// End-2021 reviews. The rows of H1 and H7 name a member instead of a unit: their unit is the
    /// member's at the end of the year. H12 and H13 were counted directly at a federation.
    static let reviews2021: [[String]] = [
        Files.poor("H01", 2021, member: "DV-01"), Files.poor("H02", 2021, unit: "CS1"),
        Files.nearPoor("H03", 2021, unit: "CS1"), Files.notPoor("H04", 2021, unit: "CS1"),
        Files.poor("H05", 2021, unit: "CS2"), Files.average("H06", 2021, unit: "CS2"),
        Files.poor("H07", 2021, member: "DV-07"), Files.poor("H08", 2021, unit: "CS3"),
        Files.poor("H09", 2021, unit: "CS4"), Files.nearPoor("H10", 2021, unit: "CS4"),
        Files.poor("H11", 2021, unit: "CS5"),
        Files.nearPoor("H12", 2021, unit: "KS"),
        Files.poor("H13", 2021, unit: "HN"),
    ]

    static let reviews2025: [[String]] = [
        Files.nearPoor("H01", 2025, member: "DV-01"), Files.poor("H02", 2025, unit: "CS1"),
        Files.notPoor("H03", 2025, unit: "CS1"), Files.notPoor("H04", 2025, unit: "CS1"),
        Files.notPoor("H05", 2025, unit: "CS2"), Files.notPoor("H06", 2025, unit: "CS2"),
        Files.nearPoor("H07", 2025, member: "DV-07"), Files.notPoor("H08", 2025, unit: "CS3"),
        Files.poor("H09", 2025, unit: "CS4"), Files.notPoor("H10", 2025, unit: "CS4"),
        Files.notPoor("H11", 2025, unit: "CS5"),
        Files.notPoor("H12", 2025, unit: "X-KS"),
        Files.poor("H13", 2025, unit: "NB"),
    ]

    static func load(_ store: Store, extraUnits: [[String]] = [], extraReviews: [[String]] = []) async throws -> [String: Int] {
        try await store.importUnits(units + extraUnits)
        try await store.importMembers(members)
        try await store.importSurvey([Files.surveyHeader] + reviews2021 + reviews2025 + extraReviews)
        var ids: [String: Int] = [:]
        for (id, unit) in try await store.units.history().units { ids[unit.code] = id }
        return ids
    }

    @Test(arguments: TestDatabase.available)
    func baselineOnTheTreeOfItsTime(db: TestDatabase) async throws {
        try await db.withStore { store in
            let u = try await Self.load(store)
            let (tree, totals, orphaned) = try await store.reviews.rolledUp(try await store.op, year: 2021, basis: .reviewDate)
            #expect(tree.day == day(2021, 12, 31))
            #expect(tree.roots == [u["HN"]!, u["NB"]!])
            #expect(tree.children[u["NB"]!] == [u["GD"]!, u["HL"]!, u["KS"]!])
            #expect(tree.children[u["HN"]!] == [u["PL"]!])
            #expect(tree.children[u["HL"]!] == [u["CS1"]!, u["CS2"]!])
            #expect(orphaned.isEmpty)

            #expect(totals[u["CS1"]!] == counts(poor: 2, near: 1, notPoor: 1))
            #expect(totals[u["CS2"]!] == counts(poor: 1, average: 1))
            // Per old district federation.
            #expect(totals[u["HL"]!] == counts(poor: 3, near: 1, average: 1, notPoor: 1))
            #expect(totals[u["KS"]!] == counts(poor: 2, near: 1))
            #expect(totals[u["PL"]!] == counts(poor: 1, near: 1))
            #expect(totals[u["GD"]!] == counts(poor: 1))
            // Per old province: HN has its own household plus Phủ Lý's.
            #expect(totals[u["HN"]!] == counts(poor: 2, near: 1))
            #expect(totals[u["NB"]!] == counts(poor: 6, near: 2, average: 1, notPoor: 1))
            // Units of 2025 did not exist yet.
            #expect(totals[u["P-HL"]!] == nil)
            #expect(totals[u["X-KS"]!] == nil)
        }
    }

    @Test(arguments: TestDatabase.available)
    func baselineRebasedOntoTodaysTree(db: TestDatabase) async throws {
        try await db.withStore { store in
            let u = try await Self.load(store)
            let (tree, totals, orphaned) = try await store.reviews.rolledUp(try await store.op, year: 2021, basis: .rebased(onto: day(2026, 1, 1)))
            #expect(tree.roots == [u["NB"]!])
            #expect(tree.children[u["NB"]!] == [u["GD"]!, u["P-HL"]!, u["P-PL"]!, u["X-KS"]!])
            #expect(tree.children[u["P-HL"]!] == [u["CS1"]!, u["CS2"]!])
            #expect(orphaned.isEmpty)

            #expect(totals[u["P-HL"]!] == counts(poor: 3, near: 1, average: 1, notPoor: 1))
            // Kim Sơn's own household follows it to its successor.
            #expect(totals[u["X-KS"]!] == counts(poor: 2, near: 1))
            #expect(totals[u["P-PL"]!] == counts(poor: 1, near: 1))
            #expect(totals[u["GD"]!] == counts(poor: 1))
            // Hà Nam's own household lands on Ninh Bình; every 2021 review is counted once at the root.
            #expect(totals[u["NB"]!] == counts(poor: 8, near: 3, average: 1, notPoor: 1))
            #expect(totals[u["NB"]!]?.households == 13)
            for gone in ["HL", "KS", "PL", "HN"] { #expect(totals[u[gone]!] == nil, "\(gone) no longer exists") }

            // The same result from a history passed in, and the 2025 review on its own date's tree:
            // the plan's reduction per today's unit can be read side by side.
            let history = try await store.units.history()
            let again = try await store.reviews.rolledUp(year: 2021, basis: .rebased(onto: day(2026, 1, 1)), history: history, scope: .province)
            #expect(again.totals == totals)
            let now = try await store.reviews.rolledUp(year: 2025, basis: .reviewDate, history: history, scope: .province)
            #expect(now.tree.children[u["NB"]!] == [u["GD"]!, u["P-HL"]!, u["P-PL"]!, u["X-KS"]!])
            #expect(now.totals[u["P-HL"]!] == counts(poor: 1, near: 1, notPoor: 4))
            #expect(now.totals[u["X-KS"]!] == counts(near: 1, notPoor: 2))
            #expect(now.totals[u["P-PL"]!] == counts(poor: 1, notPoor: 1))
            #expect(now.totals[u["NB"]!] == counts(poor: 3, near: 2, notPoor: 8))
            #expect(now.orphaned.isEmpty)

            // Scoped to one branch of today's tree.
            let scope = Scope.subtree(of: u["P-HL"]!, in: history, on: day(2026, 1, 1))
            let branch = try await store.reviews.rolledUp(year: 2021, basis: .rebased(onto: day(2026, 1, 1)), history: history, scope: scope)
            #expect(branch.totals[u["P-HL"]!] == counts(poor: 3, near: 1, average: 1, notPoor: 1))
            #expect(branch.totals[u["NB"]!] == counts(poor: 3, near: 1, average: 1, notPoor: 1))
            // Kim Sơn's branch today includes the household counted at the old federation itself.
            let kimSon = Scope.subtree(of: u["X-KS"]!, in: history, on: day(2026, 1, 1))
            #expect(kimSon.unitIDs == [u["X-KS"]!, u["CS3"]!])
            let ks = try await store.reviews.rolledUp(year: 2021, basis: .rebased(onto: day(2026, 1, 1)), history: history, scope: kimSon)
            #expect(ks.totals[u["X-KS"]!] == counts(poor: 2, near: 1))
            #expect(ks.totals[u["P-HL"]!] == counts())
        }
    }

    /// A target set on Ninh Bình in 2022, before Hà Nam merged into it: after the merger the
    /// latest count includes Hà Nam's households, and so does the baseline (each unit's 2021
    /// count is frozen, not only the branch's of that day). A target set on Hà Nam itself still
    /// applies to its part of the province after Hà Nam ended.
    @Test(arguments: TestDatabase.available)
    func aTargetFollowsTheUnitsThatMergeIntoItsBranchAndOutlivesItsUnit(db: TestDatabase) async throws {
        try await db.withStore { store in
            let u = try await Self.load(store)
            let then = try await store.reviews.rolledUp(try await store.op, year: 2021, basis: .reviewDate)
            let ninhBinh = try #require(then.totals[u["NB"]!]?.poor), haNam = try #require(then.totals[u["HN"]!]?.poor)
            #expect(haNam > 0)
            try await store.targets.set(try await store.op, unit: "NB", baselineYear: 2021, targetYear: 2025, reductionPermille: 700, on: day(2022, 3, 1))
            let history = try await store.units.history()
            let before = try #require(try await store.targets.progress(of: u["NB"]!, history: history, on: day(2022, 3, 1)).first)
            #expect(before.path.baseline == ninhBinh)
            let after = try #require(try await store.targets.progress(of: u["NB"]!, history: history, on: day(2026, 1, 1)).first)
            #expect(after.path.baseline == ninhBinh + haNam)
            // The audit entry says the baseline of the branch the target was set for.
            #expect(try await store.audit.entries(try await store.op, entity: "target").first?.detail.hasSuffix("gốc \(ninhBinh)") == true)

            // Hà Nam's own target (set before it ended) still reaches Phủ Lý's ward through Hà Nam's successor.
            try await store.sql.raw("DELETE FROM target_baselines").run()
            try await store.sql.raw("DELETE FROM targets").run()
            try await store.targets.set(try await store.op, unit: "HN", baselineYear: 2021, targetYear: 2025, reductionPermille: 500, on: day(2022, 3, 1))
            let ward = try #require(try await store.targets.progress(of: u["P-PL"]!, history: history, on: day(2026, 1, 1)).first)
            #expect(ward.target.unitID == u["HN"]! && ward.path.baseline == (then.totals[u["PL"]!]?.poor ?? -1))
        }
    }

    /// A unit whose file row ends without a successor hands its past to the unit above it on
    /// its last day: its 2021 households follow Phủ Lý into today's ward, and the province's
    /// total is the sum of its branches. Older data with no succession at all is orphaned, and
    /// says so.
    @Test(arguments: TestDatabase.available)
    func aUnitEndedWithoutSuccessorHandsItsPastToItsParent(db: TestDatabase) async throws {
        try await db.withStore { store in
            let u = try await Self.load(store, extraUnits: [Self.dissolved],
                                        extraReviews: [Files.poor("H14", 2021, unit: "CS6"), Files.nearPoor("H15", 2021, unit: "CS6")])
            let cs6 = u["CS6"]!
            let history = try await store.units.history()
            let succession = try #require(history.successions(of: cs6).first)
            #expect(succession.successorID == u["PL"]! && succession.kind == .dissolve && succession.effective == day(2024, 1, 1))

            // On the tree of 2021 it counts under Phủ Lý.
            let then = try await store.reviews.rolledUp(try await store.op, year: 2021, basis: .reviewDate)
            #expect(then.totals[u["PL"]!] == counts(poor: 2, near: 2))
            #expect(then.orphaned.isEmpty)

            // On today's tree it follows Phủ Lý into its ward.
            let today = try await store.reviews.rolledUp(try await store.op, year: 2021, basis: .rebased(onto: day(2026, 1, 1)))
            #expect(today.orphaned.isEmpty)
            #expect(today.totals[u["P-PL"]!] == counts(poor: 2, near: 2))
            #expect(today.totals[u["NB"]!] == counts(poor: 9, near: 4, average: 1, notPoor: 1))

            // Older data: an end with no succession at all belongs nowhere today, and says so.
            try await store.sql.raw("DELETE FROM unit_successions WHERE predecessor_id = \(bind: cs6)").run()
            let legacy = try await store.reviews.rolledUp(year: 2021, basis: .rebased(onto: day(2026, 1, 1)), history: try await store.units.history(),
                                                          scope: .province)
            #expect(legacy.orphaned == [cs6: counts(poor: 1, near: 1)])
            #expect(legacy.totals[u["P-PL"]!] == counts(poor: 1, near: 1))
        }
    }

    /// The importer accepts a review under a unit that existed during the review year, even if it
    /// ended before 31 December; the year's roll-up must then count it under the successor, not drop it.
    @Test(arguments: TestDatabase.available)
    func aReviewUnderAUnitThatEndedDuringTheYearIsNotLost(db: TestDatabase) async throws {
        try await db.withStore { store in
            let u = try await Self.load(store, extraReviews: [Files.poor("H16", 2025, unit: "HL")])
            let rows = try await store.sql.raw("SELECT unit_id FROM reviews WHERE year = 2025 AND household_id = (SELECT id FROM households WHERE code = 'H16')").all()
            #expect(try rows.map { try $0.decode(column: "unit_id", as: Int.self) } == [u["HL"]!])

            let (_, totals, orphaned) = try await store.reviews.rolledUp(try await store.op, year: 2025, basis: .reviewDate)
            #expect(totals[u["P-HL"]!] == counts(poor: 2, near: 1, notPoor: 4))
            #expect(totals[u["NB"]!] == counts(poor: 4, near: 2, notPoor: 8))
            #expect(totals[u["NB"]!]?.households == 14)
            #expect(orphaned.isEmpty)
        }
    }
}
