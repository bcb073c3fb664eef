import Foundation
import PovertyCore
@_spi(Simulation) @testable import Storage
import SQLKit
import Testing

/// Queries over the registry: official-vs-computed mismatches, vulnerable members, search.
@Suite struct QueryTests {
    static let members: [[String]] = Files.smallMembers + [
        Files.member("DV-05", "Trần Văn Ân", cccd: "001087004444", born: "01/01/1987", sex: "Nam", unit: "C2", joined: "01/01/2018"),
        Files.member("DV-06", "Phạm Quang Đăng", unit: "C1", joined: "01/01/2019"),
        Files.member("DV-07", "Hoàng Thị Nga"),
    ]

    /// Five years under vn-2022. HO-01 (DV-01 and DV-02): poor 2021–2024, near-poor 2025.
    /// HO-02 (DV-03): poor 2021, not poor 2022, near-poor 2023, poor 2024 and 2025.
    /// HO-03 (DV-04): poor 2024, not poor 2025. HO-04 (DV-05): poor 2025 only.
    /// HO-05 (DV-06): average 2024, near-poor 2025. HO-06 (nobody): poor 2025. HO-07 (DV-07, unit given): poor 2025.
    static let survey: [[String]] = [
        Files.surveyHeader,
        Files.poor("HO-01", 2021, member: "DV-01"), Files.poor("HO-01", 2022, member: "DV-01"),
        Files.poor("HO-01", 2023, member: "DV-01"), Files.poor("HO-01", 2024, member: "DV-01"),
        Files.nearPoor("HO-01", 2025, member: "DV-01", official: "ngheo"),
        Files.poor("HO-02", 2021, member: "DV-03"), Files.notPoor("HO-02", 2022, member: "DV-03"),
        Files.nearPoor("HO-02", 2023, member: "DV-03"), Files.poor("HO-02", 2024, member: "DV-03"),
        Files.poor("HO-02", 2025, member: "DV-03", official: "ngheo"),
        Files.poor("HO-03", 2024, member: "DV-04", official: "khong_ngheo"), Files.notPoor("HO-03", 2025, member: "DV-04"),
        Files.poor("HO-04", 2025, member: "DV-05", official: "can_ngheo"),
        Files.average("HO-05", 2024, member: "DV-06"), Files.nearPoor("HO-05", 2025, member: "DV-06"),
        Files.poor("HO-06", 2025, unit: "C3"),
        Files.poor("HO-07", 2025, unit: "C2", member: "DV-07"),
    ]

    static let nearPoorReason = "Thu nhập bình quân 1.250.000 đ/người/tháng ≤ chuẩn nghèo nông thôn 1.500.000 đ, thiếu hụt 1/12 chỉ số (< 3) → hộ cận nghèo"
    static let poorReason = "Thu nhập bình quân 1.250.000 đ/người/tháng ≤ chuẩn nghèo nông thôn 1.500.000 đ, thiếu hụt 3/12 chỉ số (≥ 3) → hộ nghèo"

    struct Loaded {
        let unit: [String: Int]
        let history: OrgHistory
        func branch(_ code: String) -> Scope { Scope.subtree(of: unit[code]!, in: history, on: day(2026, 1, 1)) }
    }

    static func load(_ store: Store) async throws -> Loaded {
        try await store.importUnits(Files.smallTree)
        try await store.importMembers(members)
        try await store.importSurvey(survey)
        let history = try await store.units.history()
        var ids: [String: Int] = [:]
        for (id, unit) in history.units { ids[unit.code] = id }
        return Loaded(unit: ids, history: history)
    }

    @Test(arguments: TestDatabase.available)
    func officialAndComputedClassesDiffer(db: TestDatabase) async throws {
        try await db.withStore { store in
            let l = try await Self.load(store)
            let (c1, c2, c3) = (l.unit["C1"]!, l.unit["C2"]!, l.unit["C3"]!)
            let ho01 = Mismatch(householdCode: "HO-01", year: 2025, unitID: c1, computed: .nearPoor, official: .poor, reason: Self.nearPoorReason)
            let ho04 = Mismatch(householdCode: "HO-04", year: 2025, unitID: c2, computed: .poor, official: .nearPoor, reason: Self.poorReason)
            let ho03 = Mismatch(householdCode: "HO-03", year: 2024, unitID: c3, computed: .poor, official: .notPoor, reason: Self.poorReason)

            #expect(try await store.reviews.mismatches(try await store.op, year: 2025) == [ho01, ho04])
            #expect(try await store.reviews.mismatches(try await store.op, year: 2024) == [ho03])
            #expect(try await store.reviews.mismatches(try await store.op, year: 2023) == [])
            #expect(try await store.reviews.mismatches(try await store.op) == [ho03, ho01, ho04])
            #expect(try await store.reviews.mismatches(year: 2025, scope: l.branch("H1")) == [ho01, ho04])
            #expect(try await store.reviews.mismatches(year: 2025, scope: l.branch("C2")) == [ho04])
            #expect(try await store.reviews.mismatches(year: nil, scope: l.branch("H2")) == [ho03])
            #expect(try await store.reviews.mismatches(year: nil, scope: Scope(unitIDs: [])) == [])
        }
    }

    @Test(arguments: TestDatabase.available)
    func vulnerableMembersSinceTheStartOfTheirCurrentRun(db: TestDatabase) async throws {
        try await db.withStore { store in
            let l = try await Self.load(store)
            let (c1, c2, c3) = (l.unit["C1"]!, l.unit["C2"]!, l.unit["C3"]!)
            func v(_ member: String, _ name: String, _ household: String, _ unit: Int, _ status: LivingStandard, _ since: Int) -> VulnerableMember {
                VulnerableMember(memberCode: member, fullName: name, householdCode: household, unitID: unit, status: status, since: since)
            }
            // By folded name: dang, hoang, nguyen thi, nguyen van, pham, tran.
            #expect(try await store.reviews.vulnerableMembers(try await store.op, year: 2025) == [
                v("DV-03", "Đặng Văn Cường", "HO-02", c3, .poor, 2023),
                v("DV-07", "Hoàng Thị Nga", "HO-07", c2, .poor, 2025),
                v("DV-02", "Nguyễn Thị Ánh", "HO-01", c1, .nearPoor, 2021),
                v("DV-01", "Nguyễn Văn An", "HO-01", c1, .nearPoor, 2021),
                v("DV-06", "Phạm Quang Đăng", "HO-05", c1, .nearPoor, 2025),
                v("DV-05", "Trần Văn Ân", "HO-04", c2, .poor, 2025),
            ])
            #expect(try await store.reviews.vulnerableMembers(try await store.op, year: 2024) == [
                v("DV-03", "Đặng Văn Cường", "HO-02", c3, .poor, 2023),
                v("DV-04", "Lê Thị Dung", "HO-03", c3, .poor, 2024),
                v("DV-02", "Nguyễn Thị Ánh", "HO-01", c1, .poor, 2021),
                v("DV-01", "Nguyễn Văn An", "HO-01", c1, .poor, 2021),
            ])
            #expect(try await store.reviews.vulnerableMembers(try await store.op, year: 2022).map(\.memberCode) == ["DV-02", "DV-01"])
            #expect(try await store.reviews.vulnerableMembers(year: 2025, scope: l.branch("H2")) == [v("DV-03", "Đặng Văn Cường", "HO-02", c3, .poor, 2023)])
            #expect(try await store.reviews.vulnerableMembers(try await store.op, year: 2026) == [])
            // Only members in the union during the year: one who joins HO-06's household in
            // 2026 is not among 2025's, and one who left before 2025 is not either.
            try await store.importMembers([Files.membersHeader,
                                           Files.member("DV-20", "Võ Thị Mới", unit: "C3", joined: "01/03/2026", household: "HO-06"),
                                           Files.member("DV-21", "Võ Văn Cũ", unit: "C3", joined: "01/01/2010", left: "31/12/2024", household: "HO-06")])
            let listed2025 = try await store.reviews.vulnerableMembers(try await store.op, year: 2025).map(\.memberCode)
            #expect(!listed2025.contains("DV-20") && !listed2025.contains("DV-21"))

            // DV-02 (HO-01 by the members file; HO-01's rows name DV-01) moves to HO-07 on
            // 01/12/2026 by a members file: 2025's list keeps her in HO-01, 2026's in HO-07 only.
            // (vn-2027, from the 2026 review, adds the waste indicator.)
            let header2026 = Files.surveyHeader + ["Rác thải"]
            try await store.importSurvey([header2026, Files.poor("HO-01", 2026, unit: "C1", member: "DV-01") + ["0"],
                                          Files.poor("HO-07", 2026, unit: "C2", member: "DV-07") + ["0"]])
            try await store.importMembers([Files.membersHeader, Files.member("DV-02", "Nguyễn Thị Ánh", cccd: "037190004321", born: "20/11/1990", sex: "Nữ",
                                                                             unit: "C2", joined: "15/08/2016", household: "HO-07")])
            func households(of member: String, _ year: Int) async throws -> [String] {
                try await store.reviews.vulnerableMembers(try await store.op, year: year).filter { $0.memberCode == member }.map(\.householdCode)
            }
            #expect(try await households(of: "DV-02", 2025) == ["HO-01"])
            #expect(try await households(of: "DV-02", 2026) == ["HO-07"])
            #expect(try await households(of: "DV-01", 2026) == ["HO-01"])
            let left = try #require(try await store.audit.entries(try await store.op, entity: "member").last { $0.action == "roi_ho" })
            #expect(left.detail == "DV-02 rời hộ HO-01 từ 2026-12-01")
            let link = try await store.sql.raw("""
                SELECT hm.linked_on, i.kind FROM household_members hm JOIN imports i ON i.id = hm.import_id
                JOIN members m ON m.id = hm.member_id JOIN households h ON h.id = hm.household_id WHERE m.code = 'DV-02' AND h.code = 'HO-07'
                """).first()
            #expect(try link?.string("kind") == "doan_vien" && link?.optionalString("linked_on") == "2026-12-01")
            // A survey row naming a member for a year decides that year, whatever the links say.
            try await store.importSurvey([header2026, Files.poor("HO-01", 2026, unit: "C1", member: "DV-02") + ["0"]])
            #expect(try await households(of: "DV-02", 2026) == ["HO-01"])
            #expect(try await households(of: "DV-01", 2026) == ["HO-01"], "still linked to HO-01, and named by no other household's row")
        }
    }

    @Test(arguments: TestDatabase.available)
    func aHouseholdWithItsMembersAndEveryReview(db: TestDatabase) async throws {
        try await db.withStore { store in
            let l = try await Self.load(store)
            let file = try await store.reviews.household(try await store.op, code: "HO-01")
            #expect(file.code == "HO-01")
            #expect(file.members == [.init(code: "DV-01", fullName: "Nguyễn Văn An", isPrimary: true),
                                     .init(code: "DV-02", fullName: "Nguyễn Thị Ánh", isPrimary: false)])
            #expect(file.reviews.map(\.year) == [2021, 2022, 2023, 2024, 2025])
            #expect(file.reviews.map(\.status) == [.poor, .poor, .poor, .poor, .nearPoor])
            #expect(file.reviews.map(\.unitID) == Array(repeating: l.unit["C1"]!, count: 5))
            #expect(file.reviews.allSatisfy { $0.standardCode == "vn-2022" && $0.perCapitaMonthly == 1_250_000 })
            #expect(file.reviews.last?.official == .poor)
            #expect(file.reviews.last?.reason == Self.nearPoorReason)
            #expect(file.reviews.first?.reason == Self.poorReason)
            // Counted in C1: visible from its branch, not from another.
            #expect(try await store.reviews.household(code: "HO-01", scope: l.branch("H1"))?.reviews.count == 5)
            #expect(try await store.reviews.household(code: "HO-01", scope: l.branch("H2")) == nil)
            await #expect(throws: StorageError.notFound(.household, "HO-99")) { try await store.reviews.household(try await store.op, code: "HO-99") }

            // Reviewed in H2's branch, in town, at a new address: H1 still reads its own years,
            // with their area, and nothing of where the household lives now.
            try await store.importSurvey([Files.surveyHeader + ["tinh", "xa_phuong"],
                                          Files.review("HO-01", 2025, unit: "C3", area: "Thành thị", income: "60.000.000", deprived: Files.three)
                                            + ["Ninh Bình", "Phường Mới"]])
            let held = try #require(try await store.reviews.household(code: "HO-01", scope: l.branch("H2")))
            #expect(held.commune == "Phường Mới" && held.area == .urban)
            let left = try #require(try await store.reviews.household(code: "HO-01", scope: l.branch("H1")))
            #expect(left.reviews.map(\.year) == [2021, 2022, 2023, 2024])
            #expect(left.commune == nil && left.province == nil && left.area == .rural)
        }
    }

    @Test(arguments: TestDatabase.available)
    func searchIgnoresDiacriticsAndCase(db: TestDatabase) async throws {
        try await db.withStore { store in
            let l = try await Self.load(store)
            let m = store.members
            func codes(_ q: String, scope: Scope = .province) async throws -> [String] { try await m.search(try await store.actor(scope), q).map(\.code) }

            #expect(try await codes("nguyen van an") == ["DV-01"])
            #expect(try await codes("Nguyễn Văn An") == ["DV-01"])
            #expect(try await codes("  nguyen   van  an ") == ["DV-01"])
            #expect(try await codes("van an") == ["DV-01", "DV-05"])
            #expect(try await codes("NGUYEN") == ["DV-02", "DV-01"])
            #expect(try await codes("dang") == ["DV-03", "DV-06"])
            #expect(try await codes("ĐẶNG") == ["DV-03", "DV-06"])
            #expect(try await codes("thi") == ["DV-07", "DV-04", "DV-02"])
            #expect(try await m.search(try await store.op, "nguyen", limit: 1).map(\.code) == ["DV-02"])

            // Citizen ID by prefix; member code exactly.
            #expect(try await codes("037085001234") == ["DV-01"])
            #expect(try await codes("0370") == ["DV-01"])
            #expect(try await codes("037") == ["DV-02", "DV-01"])
            #expect(try await codes("035") == ["DV-03", "DV-04"])
            #expect(try await codes("DV-04") == ["DV-04"])
            #expect(try await codes("DV-0") == [])

            // % and _ are plain characters, not wildcards.
            #expect(try await codes("%") == [])
            #expect(try await codes("_") == [])
            #expect(try await codes("an%") == [])
            #expect(try await codes("0370%5") == [])
            #expect(try await codes("0370_5") == [])
            #expect(try await codes("ng_yen") == [])
            #expect(try await codes("") == [])
            #expect(try await codes("   ") == [])

            // Hits carry today's unit.
            let hits = try await m.search(try await store.op, "nga")
            #expect(hits.map(\.code) == ["DV-07"])
            #expect(hits.first?.unitID == nil)
            #expect(try await m.search(try await store.op, "cuong").first?.unitID == l.unit["C3"])
            #expect(try await m.search(try await store.op, "cuong").first?.citizenID == "035078009876")

            // A scope keeps to its branch.
            #expect(try await codes("NGUYEN", scope: l.branch("H2")) == [])
            #expect(try await codes("thi", scope: l.branch("H2")) == ["DV-04"])
            #expect(try await codes("thi", scope: l.branch("H1")) == ["DV-02"])
            #expect(try await codes("dang", scope: l.branch("H1")) == ["DV-06"])
            #expect(try await codes("dang", scope: l.branch("T")) == ["DV-03", "DV-06"])
            #expect(try await codes("035", scope: l.branch("C1")) == [])
            #expect(try await codes("DV-05", scope: l.branch("C2")) == ["DV-05"])
            #expect(try await codes("DV-05", scope: l.branch("C1")) == [])
            #expect(try await codes("dang", scope: Scope(unitIDs: [])) == [])
            #expect(l.branch("H1").unitIDs == [l.unit["H1"]!, l.unit["C1"]!, l.unit["C2"]!])
        }
    }
}
