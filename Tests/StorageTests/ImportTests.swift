import Foundation
import PovertyCore
@_spi(Simulation) @testable import Storage
import SQLKit
import Testing
import Spreadsheets
import Texts

/// Imports of units, members and the annual survey: all or nothing, idempotent, exact counts.
@Suite struct ImportTests {
    /// Five 2021 reviews on the small tree. HO-01 names only its member (DV-01, in C1).
    static let seedSurvey: [[String]] = [
        Files.surveyHeader,
        Files.poor("HO-01", 2021, member: "DV-01"),
        Files.nearPoor("HO-02", 2021, unit: "C3", member: "DV-03"),
        Files.average("HO-03", 2021, unit: "C3"),
        Files.notPoor("HO-04", 2021, unit: "C2"),
        Files.review("HO-05", 2021, unit: "C1", income: "61.000.000", deprived: Files.three, official: "can_ngheo"),
    ]

    static func seed(_ store: Store, survey: Bool = true) async throws {
        try await store.importUnits(Files.smallTree)
        try await store.importMembers(Files.smallMembers)
        if survey { try await store.importSurvey(seedSurvey) }
    }

    static func result(rows: Int, added: Int = 0, updated: Int = 0, unchanged: Int = 0, created: Int = 0) -> ImportResult {
        var r = ImportResult()
        r.rows = rows; r.added = added; r.updated = updated; r.unchanged = unchanged; r.created = created
        return r
    }

    static func cells(_ issues: [SurveyIssue]) -> [String] { issues.map { "\($0.row) \($0.column)" } }

    // MARK: a job imports once

    @Test("an import job imports once: run again with the same job, each importer finds its import and returns its whole result",
          arguments: TestDatabase.available)
    func aJobImportsOnce(db: TestDatabase) async throws {
        try await db.withStore { store in
            let actor = try await store.operator("can_bo_tinh")
            func imports() async throws -> Int { try await store.sql.raw("SELECT COUNT(*) AS n FROM imports").first()?.int("n") ?? -1 }
            var units = UnitsImporter(store: store, actor: actor, fileName: "don-vi.csv")
            units.job = "job-units"
            let unitsFirst = try await units.run(InMemoryRows(Files.smallTree))
            #expect(try await units.run(InMemoryRows(Files.smallTree)) == unitsFirst)
            var members = MembersImporter(store: store, actor: actor, fileName: "doan-vien.csv")
            members.job = "job-members"
            let membersFirst = try await members.run(InMemoryRows(Files.smallMembers))
            #expect(membersFirst.added > 0)
            let count = try await imports()
            // Run again, even with a file that would now be refused: the job's import is found first.
            #expect(try await members.run(InMemoryRows([Files.smallMembers[0]])) == membersFirst)
            var survey = SurveyImporter(store: store, actor: actor, fileName: "khao-sat.csv")
            survey.job = "job-survey"
            let surveyFirst = try await survey.run(InMemoryRows(Self.seedSurvey))
            #expect(surveyFirst.rows == 5 && surveyFirst.added == 5 && surveyFirst.created > 0)
            #expect(try await survey.run(InMemoryRows(Self.seedSurvey)) == surveyFirst)
            #expect(try await imports() == count + 1, "one import row for the survey job, none for the repeats")
            // A dry run with a job id checks again and records nothing.
            var preview = SurveyImporter(store: store, actor: actor, fileName: "khao-sat.csv")
            preview.job = "job-survey"
            preview.dryRun = true
            #expect(try await preview.run(InMemoryRows(Self.seedSurvey)) == Self.result(rows: 5, unchanged: 5))
            #expect(try await imports() == count + 1)
        }
    }

    // MARK: all or nothing

    @Test(arguments: TestDatabase.available)
    func aBadLastUnitsRowWritesNothing(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await Self.seed(store)
            let before = try await Tables.snapshot(store)
            let file = [
                Files.unitsHeader,
                Files.unit("C4", "CĐCS Công ty Bia Hoa Lư", "cong_doan_co_so", parent: "H1", from: "01/01/2020"),
                Files.unit("C1", "CĐCS Công ty May Hoa Lư", "cong_doan_co_so", parent: "H2", from: "01/01/2010"),
                Files.unit("C5", "CĐCS Công ty Đá Hoa Lư", "khong_ro", parent: "H1", from: "01/01/2020"),
            ]
            let rejected = try await #require(throws: ImportRejected.self) { try await store.importUnits(file) }
            #expect(Self.cells(rejected.issues) == ["4 Loại"])
            #expect(rejected.total == 1)
            #expect(rejected.issues[0].message.text(.vi).hasPrefix("'khong_ro' không hợp lệ"))
            #expect(rejected.description.hasPrefix("dòng 4, cột Loại: "))
            expectSame(before, try await Tables.snapshot(store))
        }
    }

    @Test(arguments: TestDatabase.available)
    func aBadLastMembersRowWritesNothing(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await Self.seed(store)
            let before = try await Tables.snapshot(store)
            let file = [
                Files.membersHeader,
                Files.member("DV-05", "Hoàng Văn Em", cccd: "037092001999", born: "01/01/1992", sex: "Nam", unit: "C2", joined: "01/01/2020", household: "HO-09"),
                Files.member("DV-01", "Nguyễn Văn An (sửa)", cccd: "037085001234", born: "12/03/1985", sex: "Nam", unit: "C2", joined: "01/01/2024"),
                Files.member("DV-06", "Vũ Thị Gấm", cccd: "03719300199", born: "01/01/1993", sex: "Nữ", unit: "C3", joined: "01/01/2020"),
            ]
            let rejected = try await #require(throws: ImportRejected.self) { try await store.importMembers(file) }
            #expect(Self.cells(rejected.issues) == ["4 Số CCCD"])
            #expect(rejected.total == 1)
            expectSame(before, try await Tables.snapshot(store))
        }
    }

    /// A birth, join or leave dated after today is an error of its cell (the store's clock is 01/12/2026).
    @Test(arguments: TestDatabase.available)
    func aMembersFileDatedAheadWritesNothing(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await Self.seed(store)
            let before = try await Tables.snapshot(store)
            let file = [
                Files.membersHeader,
                Files.member("DV-05", "Hoàng Văn Em", born: "01/01/2027", unit: "C2", joined: "01/01/2020"),
                Files.member("DV-06", "Vũ Thị Gấm", unit: "C3", joined: "02/12/2026"),
                Files.member("DV-01", "Nguyễn Văn An", unit: "C1", joined: "01/05/2015", left: "31/12/2026"),
            ]
            let rejected = try await #require(throws: ImportRejected.self) { try await store.importMembers(file) }
            #expect(Self.cells(rejected.issues) == ["2 Ngày sinh", "2 Ngày vào", "3 Ngày vào", "4 Ngày ra"])  // row 2 also joins before its birth
            expectSame(before, try await Tables.snapshot(store))
        }
    }

    @Test(arguments: TestDatabase.available)
    func aBadLastSurveyRowWritesNothing(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await Self.seed(store)
            let before = try await Tables.snapshot(store)
            let file = [
                Files.surveyHeader,
                Files.poor("HO-06", 2022, unit: "C2"),
                Files.review("HO-01", 2021, member: "DV-01", income: "200.000.000"),
                Files.nearPoor("HO-02", 2022, unit: "C3", member: "DV-03"),
                Files.poor("HO-07", 2022, unit: "C9"),
            ]
            let rejected = try await #require(throws: ImportRejected.self) { try await store.importSurvey(file) }
            #expect(Self.cells(rejected.issues) == ["5 Đơn vị"])
            #expect(rejected.total == 1)
            expectSame(before, try await Tables.snapshot(store))

            // A bad cell of the contract (not the registry) on the last row: the same.
            var bad = Files.poor("HO-07", 2022, unit: "C2")
            bad[4] = "miền núi"
            let rejected2 = try await #require(throws: ImportRejected.self) { try await store.importSurvey(Array(file.dropLast()) + [bad]) }
            #expect(Self.cells(rejected2.issues) == ["5 Khu vực"])
            expectSame(before, try await Tables.snapshot(store))
        }
    }

    /// A transfer dated before the current membership is found against the stored memberships
    /// before anything is written (it once failed while writing, after earlier rows).
    @Test(arguments: TestDatabase.available)
    func aTransferBeforeTheCurrentMembershipWritesNothing(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await Self.seed(store)
            let before = try await Tables.snapshot(store)
            let file = [
                Files.membersHeader,
                Files.member("DV-05", "Hoàng Văn Em", cccd: "037092001999", born: "01/01/1992", sex: "Nam", unit: "C2", joined: "01/01/2020", household: "HO-09"),
                Files.member("DV-01", "Nguyễn Văn An", cccd: "037085001234", born: "12/03/1985", sex: "Nam", unit: "C2", joined: "01/01/2014"),
            ]
            // DV-01 joined C1 on 01/05/2015: a transfer dated before it is an error of its row, found before anything is written.
            let rejected = try await #require(throws: ImportRejected.self) { try await store.importMembers(file) }
            #expect(Self.cells(rejected.issues) == ["3 Ngày vào"])
            expectSame(before, try await Tables.snapshot(store))
        }
    }

    // MARK: errors, each naming its row and column

    @Test(arguments: TestDatabase.available)
    func surveyErrorsAgainstTheRegistry(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await Self.seed(store)
            try await store.importUnits([Files.unitsHeader, Files.unit("C4", "CĐCS Công ty Bia Hoa Lư", "cong_doan_co_so", parent: "H1", from: "01/01/2023")])
            try await store.importMembers([Files.membersHeader,
                                           Files.member("DV-08", "Đỗ Văn Hải", unit: "C1", joined: "01/01/2015", left: "30/06/2022")])
            let before = try await Tables.snapshot(store)
            let file = [
                Files.surveyHeader,
                Files.poor("HO-20", 2022, unit: "C9"),                      // 2: unknown unit
                Files.poor("HO-21", 2022, unit: "C4"),                      // 3: C4 starts in 2023
                Files.poor("HO-20", 2022, unit: "C1"),                      // 4: HO-20 again in 2022
                Files.poor("HO-22", 2022, member: "DV-99"),                 // 5: unknown member code
                Files.poor("HO-23", 2022, member: "037000000001"),          // 6: unknown citizen ID
                Files.poor("HO-24", 2022, member: "DV-08"),                 // 7: left mid-2022, no unit at the end of the year
                Files.poor("HO-20", 2021, unit: "C1"),                      // 8: same code, other year: fine
                Files.poor("HO-25", 2023, unit: "C4"),                      // 9: fine
                Files.poor("HO-26", 2022, member: "035195001111"),          // 10: DV-04 by citizen ID: fine
            ]
            let rejected = try await #require(throws: ImportRejected.self) { try await store.importSurvey(file) }
            #expect(Self.cells(rejected.issues) == ["2 Đơn vị", "3 Đơn vị", "4 Mã hộ", "5 Mã đoàn viên", "6 Mã đoàn viên", "7 Đơn vị"])
            #expect(rejected.total == 6)
            let m = rejected.issues.map { $0.message.text(.vi) }
            #expect(m[0].hasPrefix("không có đơn vị mã 'C9'"))
            #expect(m[1].hasPrefix("đơn vị 'C4' không hoạt động trong năm 2022"))
            #expect(m[2].hasPrefix("mã hộ 'HO-20' đã có ở dòng 2 cho năm 2022"))
            #expect(m[3].hasPrefix("không có đoàn viên mã hoặc CCCD 'DV-99'"))
            #expect(m[4].hasPrefix("không có đoàn viên mã hoặc CCCD '037000000001'"))
            #expect(m[5].hasPrefix("không xác định được đơn vị"))
            expectSame(before, try await Tables.snapshot(store))

            // Without the bad rows the rest goes in.
            let good = [file[0], file[7], file[8], file[9]]
            #expect(try await store.importSurvey(good) == Self.result(rows: 3, added: 3, created: 3))
            let dv04 = try await store.memberID("DV-04")
            #expect(try await store.reviews.households(ofMembers: [dv04], scope: .province)[dv04] == ["HO-26"])
        }
    }

    @Test(arguments: TestDatabase.available)
    func textWithTabsNewlinesAndBackslashesIsStoredAsWritten(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await Self.seed(store)
            let address = "Số 1\\2\tngõ \"Ba\"\nthôn A\r\nxã B; N'Gol"
            let file = [
                Files.surveyHeader + ["Địa chỉ", "Dân tộc"],
                Files.poor("HO-40", 2022, unit: "C1") + [address, "Ê\tđê\\N"],
                Files.poor("HO-41", 2022, unit: "C1") + ["\\N", ""],
            ]
            #expect(try await store.importSurvey(file) == Self.result(rows: 2, added: 2, created: 2))
            let stored = try await store.sql.raw("""
                SELECT h.code, h.address, r.ethnicity FROM households h JOIN reviews r ON r.household_id = h.id
                WHERE h.code IN ('HO-40', 'HO-41') ORDER BY h.code
                """).all().map { [try $0.decode(column: "address", as: String?.self), try $0.decode(column: "ethnicity", as: String?.self)] }
            #expect(stored == [[address, "Ê\tđê\\N"], ["\\N", nil]])
            // The same file again: nothing changed.
            #expect(try await store.importSurvey(file) == Self.result(rows: 2, unchanged: 2))
        }
    }

    @Test(arguments: TestDatabase.available)
    func aHouseholdTwiceInOneYearIsReportedWithItsRows(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await Self.seed(store)
            let before = try await Tables.snapshot(store)
            // Nothing else wrong: the repeat is the only problem, inside one batch and across batches.
            for batchSize in [500, 1] {
                let file = [
                    Files.surveyHeader,
                    Files.poor("HO-30", 2022, unit: "C1"),
                    Files.nearPoor("HO-30", 2022, unit: "C2"),
                    Files.poor("HO-31", 2022, unit: "C1"),
                ]
                let rejected = try await #require(throws: ImportRejected.self) { try await store.importSurvey(file, batchSize: batchSize) }
                #expect(Self.cells(rejected.issues) == ["3 Mã hộ"])
                #expect(rejected.issues.first?.message.text(.vi).hasPrefix("mã hộ 'HO-30' đã có ở dòng 2 cho năm 2022") == true)
                expectSame(before, try await Tables.snapshot(store))
            }
        }
    }

    /// A unit's periods must follow one another: an overlap or a gap is refused (in a gap the unit
    /// would be active without name or parent, and a re-import could never find it unchanged).
    @Test(arguments: TestDatabase.available)
    func unitPeriodsMustFollowOneAnother(db: TestDatabase) async throws {
        try await db.withStore { store in
            let file = Files.smallTree + [
                Files.unit("C4", "CĐCS Công ty Bia Hoa Lư", "cong_doan_co_so", parent: "H1", from: "01/01/2012", to: "31/12/2015"),
                Files.unit("C4", "CĐCS Công ty CP Bia Hoa Lư", "cong_doan_co_so", parent: "H1", from: "01/06/2015", to: "31/12/2019"),
                Files.unit("C4", "CĐCS Công ty CP Bia Hà Nam", "cong_doan_co_so", parent: "H2", from: "01/01/2021"),
            ]
            let rejected = try await #require(throws: ImportRejected.self) { try await store.importUnits(file) }
            #expect(Self.cells(rejected.issues) == ["9 Từ ngày", "10 Từ ngày"])
            #expect(rejected.issues.first?.message.text(.vi).hasPrefix("giai đoạn chồng lên dòng 8") == true)
            #expect(rejected.issues.last?.message.text(.vi).hasPrefix("giai đoạn cách dòng 9") == true)
            #expect(try await store.count("units") == 0)

            var fixed = file
            fixed[8][4] = "01/01/2016"
            fixed[9][4] = "01/01/2020"
            #expect(try await store.importUnits(fixed) == Self.result(rows: 9, added: 7, created: 7))
            #expect(try await store.importUnits(fixed) == Self.result(rows: 9, unchanged: 7))
        }
    }

    @Test(arguments: TestDatabase.available)
    func memberErrors(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await Self.seed(store, survey: false)
            let before = try await Tables.snapshot(store)
            let file = [
                Files.membersHeader,
                Files.member("DV-10", "Ngô Văn Mười", cccd: "03708500123", born: "12/03/1985", sex: "Nam"),     // 2: 11 digits
                Files.member("DV-11", "Ngô Văn Một", cccd: "099085001235", born: "12/03/1985", sex: "Nam"),    // 3: province 099
                Files.member("DV-12", "Ngô Văn Hai", cccd: "037086001236", born: "12/03/1985", sex: "Nam"),    // 4: born 1986 by the number
                Files.member("DV-13", "Ngô Văn Ba", cccd: "037185001237", born: "12/03/1985", sex: "Nam"),     // 5: a woman by the number
                Files.member("DV-15", "Ngô Văn Năm", cccd: "037090001238", born: "01/01/1990", sex: "Nam"),    // 6: fine
                Files.member("DV-16", "Ngô Văn Sáu", cccd: "037090001238", born: "01/01/1990", sex: "Nam"),    // 7: CCCD of row 6
                Files.member("DV-17", "Ngô Văn Bảy", cccd: "037085001234", born: "12/03/1985", sex: "Nam"),    // 8: CCCD of DV-01
                Files.member("DV-18", "Ngô Văn Tám", unit: "C9", joined: "01/01/2020"),                        // 9: unknown unit
                Files.member("DV-19", "Ngô Văn Chín", unit: "C1", joined: "01/01/2005"),                       // 10: C1 starts in 2010
                Files.member("DV-15", "Ngô Văn Năm", cccd: "037090001239", born: "01/01/1990", sex: "Nam"),    // 11: code of row 6
            ]
            let rejected = try await #require(throws: ImportRejected.self) { try await store.importMembers(file) }
            #expect(Self.cells(rejected.issues) == ["2 Số CCCD", "3 Số CCCD", "4 Số CCCD", "5 Số CCCD", "7 Số CCCD", "8 Số CCCD",
                                                    "9 Mã đơn vị", "10 Ngày vào", "11 Mã đoàn viên"])
            #expect(rejected.total == 9)
            let m = rejected.issues.map { $0.message.text(.vi) }
            #expect(m[0] == "'03708500123': cần đúng 12 chữ số")
            #expect(m[1] == "'099085001235': \(Message(CitizenID.Problem.badProvince.key).text(.vi))")
            #expect(m[2] == "'037086001236': \(Message(CitizenID.Problem.birthYearMismatch.key).text(.vi))")
            #expect(m[3] == "'037185001237': \(Message(CitizenID.Problem.sexMismatch.key).text(.vi))")
            #expect(m[4].hasPrefix("số CCCD đã có ở dòng 6"))
            #expect(m[5].hasPrefix("số CCCD đã thuộc đoàn viên 'DV-01'"))
            #expect(m[6].hasPrefix("không có đơn vị mã 'C9'"))
            #expect(m[7].hasPrefix("đơn vị 'C1' không hoạt động ngày 01/01/2005"))
            #expect(m[8].hasPrefix("mã 'DV-15' đã có ở dòng 6"))
            expectSame(before, try await Tables.snapshot(store))

            // The registry refuses a bad number too.
            await #expect(throws: StorageError.badCitizenID("037085001234", CitizenID.Problem.sexMismatch)) {
                try await store.members.save(try await store.op, MemberRecord(code: "DV-20", fullName: "Ngô Thị Hai Mươi", citizenID: "037085001234",
                                                          birthDate: day(1985, 3, 12), sex: .female))
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func moreThanTwoHundredProblems(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await Self.seed(store, survey: false)
            // Rows 2–131 break the contract (area), rows 132–251 name an unknown unit.
            var file = [Files.surveyHeader]
            for i in 0..<130 { var r = Files.poor("HA-\(i)", 2022, unit: "C1"); r[4] = "vùng cao"; file.append(r) }
            for i in 0..<120 { file.append(Files.poor("HB-\(i)", 2022, unit: "C9")) }
            let rejected = try await #require(throws: ImportRejected.self) { try await store.importSurvey(file) }
            #expect(rejected.total == 250)
            #expect(rejected.issues.count == 200)
            #expect(rejected.issues.map(\.row) == Array(2...201))
            #expect(rejected.issues.prefix(130).allSatisfy { $0.column == "Khu vực" })
            #expect(rejected.issues.suffix(70).allSatisfy { $0.column == "Đơn vị" })
            #expect(try await store.count("reviews") == 0)

            var members = [Files.membersHeader]
            for i in 0..<230 { members.append(Files.member("X-\(i)", "Người \(i)", cccd: "12345")) }
            let rejected2 = try await #require(throws: ImportRejected.self) { try await store.importMembers(members) }
            #expect(rejected2.total == 230)
            #expect(rejected2.issues.count == 200)
            #expect(rejected2.issues.last?.row == 201)
            #expect(try await store.count("members") == 4)
        }
    }

    // MARK: idempotence and corrections

    @Test(arguments: TestDatabase.available)
    func importingTheSameFilesTwiceChangesNothing(db: TestDatabase) async throws {
        try await db.withStore { store in
            #expect(try await store.importUnits(Files.smallTree) == Self.result(rows: 6, added: 6, created: 6))
            #expect(try await store.importUnits(RebaseTests.units) == Self.result(rows: 18, added: 14, created: 14))
            #expect(try await store.importMembers(Files.smallMembers) == Self.result(rows: 4, added: 4, created: 4))
            // HO-01 exists already: the members file created it.
            #expect(try await store.importSurvey(Self.seedSurvey) == Self.result(rows: 5, added: 5, created: 4))
            let data = try await Tables.snapshot(store, only: Tables.data)
            let (imports, audit) = (try await store.count("imports"), try await store.count("audit_log"))

            #expect(try await store.importUnits(Files.smallTree) == Self.result(rows: 6, unchanged: 6))
            #expect(try await store.importUnits(RebaseTests.units) == Self.result(rows: 18, unchanged: 14))
            #expect(try await store.importMembers(Files.smallMembers) == Self.result(rows: 4, unchanged: 4))
            #expect(try await store.importSurvey(Self.seedSurvey) == Self.result(rows: 5, unchanged: 5))
            expectSame(data, try await Tables.snapshot(store, only: Tables.data))
            // Each run is still recorded, with what it did.
            #expect(try await store.count("imports") == imports + 4)
            #expect(try await store.count("audit_log") == audit + 4)
            let last = try #require(try await store.audit.entries(try await store.op, entity: "import").last)
            #expect(last.action == "nhap_khao_sat")
            #expect(last.detail == "khao-sat.csv: 5 dòng, thêm 0, sửa 0, không đổi 5")
        }
    }

    @Test(arguments: TestDatabase.available)
    func aCorrectedFileUpdatesOnlyWhatChanged(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await Self.seed(store)
            let reviewsBefore = try await Tables.snapshot(store, only: ["reviews"])["reviews"]!

            // Survey: HO-04's income corrected.
            var corrected = Self.seedSurvey
            corrected[4] = Files.review("HO-04", 2021, unit: "C2", income: "100.000.000")
            #expect(try await store.importSurvey(corrected, file: "khao-sat-sua.csv") == Self.result(rows: 5, updated: 1, unchanged: 4))
            let reviewsAfter = try await Tables.snapshot(store, only: ["reviews"])["reviews"]!
            #expect(reviewsAfter.count == 5)
            let income = Tables.all.first { $0.name == "reviews" }!.columns.firstIndex(of: "yearly_income")!
            let status = Tables.all.first { $0.name == "reviews" }!.columns.firstIndex(of: "status")!
            let importID = Tables.all.first { $0.name == "reviews" }!.columns.firstIndex(of: "import_id")!
            for (i, (old, new)) in zip(reviewsBefore, reviewsAfter).enumerated() {
                if i == 3 {
                    #expect(old[income] == "150000000" && new[income] == "100000000")
                    #expect(old[status] == "khong_ngheo" && new[status] == "muc_song_trung_binh")
                    #expect(old[importID] == "3" && new[importID] == "4")
                } else {
                    #expect(old == new, "review \(i) untouched")
                }
            }
            // The correction overwrote the review; the audit log keeps what it was.
            let corrections = try await store.audit.entries(try await store.op, entity: "household").filter { $0.action == "sua_ra_soat" }
            #expect(corrections.count == 1)
            #expect(corrections.first?.detail.hasPrefix("HO-04 năm 2021: phân loại khong_ngheo → muc_song_trung_binh; thu nhập bq ") == true)
            #expect(corrections.first?.detail.hasSuffix("(lần nhập #4)") == true)

            // One more row: one added, the rest unchanged.
            #expect(try await store.importSurvey(corrected + [Files.poor("HO-06", 2021, unit: "C2")]) == Self.result(rows: 6, added: 1, unchanged: 5, created: 1))

            // Members: a corrected name, then a new member.
            var members = Files.smallMembers
            members[3][1] = "Đặng Văn Cương"
            #expect(try await store.importMembers(members) == Self.result(rows: 4, updated: 1, unchanged: 3))
            #expect(try await store.members.find(code: "DV-03", on: store.sql)?.fullName == "Đặng Văn Cương")
            #expect(try await store.members.search(try await store.op, "dang van cuong").map(\.code) == ["DV-03"])
            members.append(Files.member("DV-05", "Hoàng Văn Em", unit: "C2", joined: "01/01/2020"))
            #expect(try await store.importMembers(members) == Self.result(rows: 5, added: 1, unchanged: 4, created: 1))

            // Units: C2 renamed from 2024 (a second version row).
            var units = Files.smallTree
            units[5] = Files.unit("C2", "CĐCS Công ty Xi măng Hoa Lư", "cong_doan_co_so", parent: "H1", from: "01/01/2010", to: "31/12/2023")
            units.append(Files.unit("C2", "CĐCS Công ty CP Xi măng Hoa Lư", "cong_doan_co_so", parent: "H1", from: "01/01/2024"))
            #expect(try await store.importUnits(units) == Self.result(rows: 7, updated: 1, unchanged: 5))
            let h = try await store.units.history()
            let c2 = try #require(h.unit(code: "C2")).id
            #expect(h.name(of: c2, on: day(2023, 12, 31)) == "CĐCS Công ty Xi măng Hoa Lư")
            #expect(h.name(of: c2, on: day(2024, 1, 1)) == "CĐCS Công ty CP Xi măng Hoa Lư")
            #expect(try await store.importUnits(units) == Self.result(rows: 7, unchanged: 6))
        }
    }

    // MARK: households, units of reviews, what is stored

    @Test(arguments: TestDatabase.available)
    func aHouseholdOfTwoMembersIsCountedOnce(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await Self.seed(store, survey: false)
            let (c1, c2) = (try await store.unitID("C1"), try await store.unitID("C2"))
            let (dv01, dv02) = (try await store.memberID("DV-01"), try await store.memberID("DV-02"))
            // The couple's household, named by one spouse in 2021 and by the other in 2022.
            try await store.importSurvey([Files.surveyHeader, Files.poor("HO-01", 2021, member: "DV-01"), Files.nearPoor("HO-01", 2022, member: "DV-02")])

            #expect(try await store.count("households") == 1)
            #expect(try await store.count("household_members") == 2)
            let perYear = try await store.sql.raw("SELECT year, COUNT(*) AS n FROM reviews GROUP BY year ORDER BY year").all()
                .map { [try $0.decode(column: "year", as: Int.self), try $0.decode(column: "n", as: Int.self)] }
            #expect(perYear == [[2021, 1], [2022, 1]])
            // Counted once, in the unit of its primary member (DV-01, the first linked), whichever spouse the row names.
            #expect(try await store.reviews.countsByUnit(year: 2021, scope: .province) == [c1: counts(poor: 1)])
            #expect(try await store.reviews.countsByUnit(year: 2022, scope: .province) == [c1: counts(near: 1)])
            #expect(c2 != c1)
            #expect(try await store.reviews.households(ofMembers: [dv01], scope: .province)[dv01] == ["HO-01"])
            #expect(try await store.reviews.households(ofMembers: [dv02], scope: .province)[dv02] == ["HO-01"])
            let vulnerable = try await store.reviews.vulnerableMembers(try await store.op, year: 2022)
            #expect(vulnerable.map(\.memberCode) == ["DV-02", "DV-01"])
            #expect(Set(vulnerable.map(\.householdCode)) == ["HO-01"])
        }
    }

    @Test(arguments: TestDatabase.available)
    func theUnitOfAReview(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await Self.seed(store, survey: false)
            let (c1, c2, c3) = (try await store.unitID("C1"), try await store.unitID("C2"), try await store.unitID("C3"))
            // DV-04 moves from C3 to C2 on 01/03/2022.
            try await store.importMembers([Files.membersHeader,
                                           Files.member("DV-04", "Lê Thị Dung", cccd: "035195001111", born: "30/06/1995", sex: "Nữ", unit: "C2", joined: "01/03/2022")])
            try await store.importSurvey([
                Files.surveyHeader,
                Files.poor("HO-02", 2021, unit: "C1", member: "DV-03"),   // don_vi decides, whatever the member's unit
                Files.poor("HO-03", 2021, member: "DV-04"),              // end of 2021: C3
                Files.poor("HO-03", 2022, member: "035195001111"),       // end of 2022: C2 (member by citizen ID)
            ])
            let rows = try await store.sql.raw("""
                SELECT h.code, r.year, r.unit_id, m.code AS member FROM reviews r JOIN households h ON h.id = r.household_id
                JOIN members m ON m.id = r.member_id ORDER BY h.code, r.year
                """).all().map { "\(try $0.decode(column: "code", as: String.self)) \(try $0.decode(column: "year", as: Int.self)) \(try $0.decode(column: "unit_id", as: Int.self)) \(try $0.decode(column: "member", as: String.self))" }
            #expect(rows == ["HO-02 2021 \(c1) DV-03", "HO-03 2021 \(c3) DV-04", "HO-03 2022 \(c2) DV-04"])
        }
    }

    @Test(arguments: TestDatabase.available)
    func storedReviewsKeepEverything(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await Self.seed(store)
            let c1 = try await store.unitID("C1")
            let rows = try await store.sql.raw("""
                SELECT h.code, r.unit_id, r.member_id, r.standard_code, r.area, r.household_size, r.yearly_income, r.monthly_income,
                       r.deprivations, r.deprivation_count, r.per_capita_income, r.status, r.reason, r.official_status,
                       r.import_id, r.entered_by, r.entered_at
                FROM reviews r JOIN households h ON h.id = r.household_id ORDER BY h.code
                """).all()
            #expect(rows.count == 5)
            func s(_ i: Int, _ c: String) throws -> String? { try rows[i].decode(column: c, as: String?.self) }
            func n(_ i: Int, _ c: String) throws -> Int? { try rows[i].decode(column: c, as: Int?.self) }

            // HO-05: 61,000,000 a year for 4 people: 1,270,833 a month (rounded down), at most the line
            // of 72,000,000 a year; deprived in viec_lam (bit 0), bhyt (bit 4), nha_tieu (bit 10).
            #expect(try s(4, "code") == "HO-05")
            #expect(try n(4, "unit_id") == c1)
            #expect(try n(4, "member_id") == nil)
            #expect(try s(4, "standard_code") == "vn-2022")
            #expect(try s(4, "area") == "nong_thon")
            #expect(try n(4, "household_size") == 4)
            #expect(try n(4, "yearly_income") == 61_000_000)
            #expect(try n(4, "monthly_income") == nil)
            #expect(try n(4, "deprivations") == 1 + 16 + 1024)
            #expect(try n(4, "deprivation_count") == 3)
            #expect(try n(4, "per_capita_income") == 1_270_833)
            #expect(try s(4, "status") == "ngheo")
            #expect(try s(4, "reason") == "Thu nhập bình quân 1.270.833 đ/người/tháng (tổng năm 61.000.000 đ, 4 người) ≤ chuẩn nghèo nông thôn 1.500.000 đ, thiếu hụt 3/12 chỉ số (≥ 3) → hộ nghèo")
            #expect(try s(4, "official_status") == "can_ngheo")
            #expect(try s(4, "entered_by") == "can_bo_tinh")
            #expect(try s(4, "entered_at") == pinnedNow)

            #expect(try s(1, "reason") == "Thu nhập bình quân 1.250.000 đ/người/tháng ≤ chuẩn nghèo nông thôn 1.500.000 đ, thiếu hụt 1/12 chỉ số (< 3) → hộ cận nghèo")
            #expect(try n(1, "deprivations") == 16)
            #expect(try n(1, "member_id") == (try await store.memberID("DV-03")))
            #expect(try s(2, "reason") == "Thu nhập bình quân 1.875.000 đ/người/tháng > chuẩn nghèo nông thôn 1.500.000 đ và ≤ mức sống trung bình nông thôn 2.250.000 đ → hộ có mức sống trung bình")
            #expect(try s(2, "status") == "muc_song_trung_binh")
            #expect(try s(3, "reason") == "Thu nhập bình quân 3.125.000 đ/người/tháng > mức sống trung bình nông thôn 2.250.000 đ → không nghèo")
            #expect(try s(3, "status") == "khong_ngheo")
            #expect(try n(3, "deprivations") == 0)

            // The import that wrote them, and its audit entry (units, members, survey: the third import).
            let importIDs = Set(try rows.indices.map { try n($0, "import_id") })
            #expect(importIDs == [3])
            let imports = try await store.sql.raw("SELECT kind, file_name, entered_by, started_at, added, updated, unchanged FROM imports WHERE id = 3").all()
            #expect(try imports.map { "\(try $0.decode(column: "kind", as: String.self)) \(try $0.decode(column: "file_name", as: String.self)) \(try $0.decode(column: "entered_by", as: String.self)) \(try $0.decode(column: "started_at", as: String.self)) \(try $0.decode(column: "added", as: Int.self)) \(try $0.decode(column: "updated", as: Int.self)) \(try $0.decode(column: "unchanged", as: Int.self))" }
                    == ["khao_sat khao-sat.csv can_bo_tinh \(pinnedNow) 5 0 0"])
            let audit = try await store.audit.entries(try await store.op, entity: "import")
            #expect(audit.map(\.action) == ["nhap_don_vi", "nhap_doan_vien", "nhap_khao_sat"])
            #expect(audit.last == Audit.Entry(at: pinnedNow, actor: "can_bo_tinh", channel: "cli", action: "nhap_khao_sat", entity: "import", entityID: 3,
                                              detail: "khao-sat.csv: 5 dòng, thêm 5, sửa 0, không đổi 0"))
        }
    }

    // MARK: members moving and leaving

    @Test(arguments: TestDatabase.available)
    func transfersAndLeavingFromAMembersFile(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await Self.seed(store, survey: false)
            let (c2, c3) = (try await store.unitID("C2"), try await store.unitID("C3"))
            let (dv03, dv04) = (try await store.memberID("DV-03"), try await store.memberID("DV-04"))
            #expect(try await store.memberships(of: "DV-04") == ["C3 2019-03-01–"])

            // A second file: DV-04 now in C2 from 01/03/2022; DV-03 left on 31/12/2023.
            let file = [
                Files.membersHeader,
                Files.member("DV-04", "Lê Thị Dung", cccd: "035195001111", born: "30/06/1995", sex: "Nữ", unit: "C2", joined: "01/03/2022"),
                Files.member("DV-03", "Đặng Văn Cường", cccd: "035078009876", born: "02/02/1978", sex: "Nam", ethnicity: "Mường",
                             unit: "C3", joined: "01/01/2014", left: "31/12/2023"),
                Files.member("DV-01", "Nguyễn Văn An", cccd: "037085001234", born: "12/03/1985", sex: "Nam", unit: "C1", joined: "01/05/2015", household: "HO-01"),
            ]
            #expect(try await store.importMembers(file) == Self.result(rows: 3, updated: 2, unchanged: 1))
            #expect(try await store.memberships(of: "DV-04") == ["C3 2019-03-01–2022-03-01", "C2 2022-03-01–"])
            #expect(try await store.memberships(of: "DV-03") == ["C3 2014-01-01–2023-12-31"])
            #expect(try await store.members.unit(try await store.op, ofMember: dv04, on: day(2022, 2, 28)) == c3)
            #expect(try await store.members.unit(try await store.op, ofMember: dv04, on: day(2022, 3, 1)) == c2)
            #expect(try await store.members.unit(try await store.op, ofMember: dv03, on: day(2023, 12, 30)) == c3)
            #expect(try await store.members.unit(try await store.op, ofMember: dv03, on: day(2023, 12, 31)) == nil)

            let audit = try await store.audit.entries(try await store.op, entity: "member").suffix(2)
            #expect(audit.map(\.action) == ["chuyen_sinh_hoat", "ra_cong_doan"])
            #expect(audit.map(\.entityID) == [dv04, dv03])

            // The same file again changes nothing.
            #expect(try await store.importMembers(file) == Self.result(rows: 3, unchanged: 3))
            #expect(try await store.memberships(of: "DV-04") == ["C3 2019-03-01–2022-03-01", "C2 2022-03-01–"])
            // So does the first file again, which names DV-04's period in C3 (closed since): already recorded.
            _ = try await store.importMembers(Files.smallMembers)
            #expect(try await store.memberships(of: "DV-04") == ["C3 2019-03-01–2022-03-01", "C2 2022-03-01–"])

            // A member who has left belongs to no unit at the end of the year.
            let rejected = try await #require(throws: ImportRejected.self) {
                try await store.importSurvey([Files.surveyHeader, Files.poor("HO-30", 2022, member: "DV-03"), Files.poor("HO-30", 2023, member: "DV-03")])
            }
            #expect(Self.cells(rejected.issues) == ["3 Đơn vị"])
        }
    }
    @Test(arguments: TestDatabase.available)
    func aShortMembersFileKeepsWhatItLeavesEmpty(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await Self.seed(store, survey: false)
            let dv04 = try await store.memberID("DV-04")
            let before = try #require(try await store.members.find(code: "DV-04", on: store.sql))
            #expect(before.citizenID == "035195001111")
            // A list of transfers: code, name, unit, day; a column it does not know; a date as Excel keeps it (01/03/2022).
            let file = [["Mã đoàn viên", "Họ và tên", "Mã đơn vị", "Ngày vào", "Ghi chú"],
                        ["DV-04", "Lê Thị Dung Hoa", "C2", "44621", "chuyển đến"]]
            var expected = Self.result(rows: 1, updated: 1)
            expected.ignoredColumns = ["Ghi chú"]
            #expect(try await store.importMembers(file) == expected)
            let after = try #require(try await store.members.find(code: "DV-04", on: store.sql))
            #expect(after.fullName == "Lê Thị Dung Hoa")
            #expect(after.citizenID == before.citizenID && after.birthDate == before.birthDate && after.sex == before.sex && after.ethnicity == before.ethnicity)
            #expect(try await store.memberships(of: "DV-04") == ["C3 2019-03-01–2022-03-01", "C2 2022-03-01–"])
            // The audit says what changed, old → new.
            let edit = try #require(try await store.audit.entries(try await store.op, entity: "member").last { $0.action == "sua" })
            #expect(edit.entityID == dv04)
            #expect(edit.detail == "DV-04: họ tên Lê Thị Dung → Lê Thị Dung Hoa")
            // A CCCD alone that disagrees with the stored birth year and sex is refused, as the member's page would.
            let mismatch = try await #require(throws: ImportRejected.self) {
                try await store.importMembers([["Mã đoàn viên", "Họ và tên", "Số CCCD"], ["DV-04", "Lê Thị Dung Hoa", "035092001111"]])
            }
            #expect(Self.cells(mismatch.issues) == ["2 Số CCCD"])
        }
    }

    @Test(arguments: TestDatabase.available)
    func membershipPeriodsFromAFileNeverOverlap(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await Self.seed(store, survey: false)
            // DV-03 leaves on 31/12/2023 (C3 since 01/01/2014); DV-04 is in C3 from 01/03/2019.
            try await store.importMembers([Files.membersHeader, Files.member("DV-03", "Đặng Văn Cường", unit: "C3", joined: "01/01/2014", left: "31/12/2023")])
            let before = try await Tables.snapshot(store)
            let file = [
                Files.membersHeader,
                Files.member("DV-04", "Lê Thị Dung", left: "01/01/2019"),                          // 2: leaves before joining C3
                Files.member("DV-01", "Nguyễn Văn An", unit: "C2", joined: "01/01/2010"),           // 3: a transfer dated before joining C1
                Files.member("DV-03", "Đặng Văn Cường", unit: "C2", joined: "01/06/2023"),          // 4: rejoins before the last leave
                Files.member("DV-03", "Đặng Văn Cường", unit: "C3", joined: "01/01/2014", left: "31/12/2023"),  // 5: code of row 4
            ]
            let rejected = try await #require(throws: ImportRejected.self) { try await store.importMembers(file) }
            #expect(Self.cells(rejected.issues) == ["2 Ngày ra", "3 Ngày vào", "4 Ngày vào", "5 Mã đoàn viên"])
            let m = rejected.issues.map { $0.message.text(.vi) }
            #expect(m[0] == "ngày ra 01/01/2019 không sau ngày vào đơn vị hiện tại (01/03/2019)")
            #expect(m[2].hasPrefix("ngày vào 01/06/2023 trước ngày ra khỏi công đoàn gần nhất (31/12/2023)"))
            expectSame(before, try await Tables.snapshot(store))
            // The file that recorded the leave, again, still passes; a rejoin after it is a new period.
            try await store.importMembers([Files.membersHeader, Files.member("DV-03", "Đặng Văn Cường", unit: "C3", joined: "01/01/2014", left: "31/12/2023")])
            try await store.importMembers([Files.membersHeader, Files.member("DV-03", "Đặng Văn Cường", unit: "C2", joined: "01/01/2024")])
            #expect(try await store.memberships(of: "DV-03") == ["C3 2014-01-01–2023-12-31", "C2 2024-01-01–"])
            // The leave file again names the closed period with its own leave: nothing changes (C2 stays
            // open); a different leave for that period is an error of its cell.
            let leave = Files.member("DV-03", "Đặng Văn Cường", unit: "C3", joined: "01/01/2014", left: "31/12/2023")
            try await store.importMembers([Files.membersHeader, leave])
            #expect(try await store.memberships(of: "DV-03") == ["C3 2014-01-01–2023-12-31", "C2 2024-01-01–"])
            let other = try await #require(throws: ImportRejected.self) {
                try await store.importMembers([Files.membersHeader, Files.member("DV-03", "Đặng Văn Cường", unit: "C3", joined: "01/01/2014", left: "30/06/2024")])
            }
            #expect(Self.cells(other.issues) == ["2 Ngày ra"])
        }
    }

    @Test(arguments: TestDatabase.available)
    func formulaErrorsAreErrorsOfTheirCells(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await Self.seed(store, survey: false)
            let before = try await Tables.snapshot(store)
            let members = try await #require(throws: ImportRejected.self) {
                try await store.importMembers([Files.membersHeader, Files.member("DV-40", "#N/A", ethnicity: "#ref!")])
            }
            #expect(Self.cells(members.issues) == ["2 Họ và tên", "2 Dân tộc"])
            #expect(members.issues[0].message.text(.vi).hasPrefix("ô chứa lỗi công thức Excel #N/A"))
            #expect(members.issues[1].message.text(.vi).hasPrefix("ô chứa lỗi công thức Excel #REF!"))
            let survey = try await #require(throws: ImportRejected.self) {
                try await store.importSurvey([Files.surveyHeader, Files.poor("#VALUE!", 2021, member: "DV-01"), Files.poor("HO-41", 2021, member: "#N/A")])
            }
            #expect(Self.cells(survey.issues) == ["2 Mã hộ", "3 Mã đoàn viên"])
            let escaped = try await #require(throws: ImportRejected.self) {
                try await store.importSurvey([Files.surveyHeader, Files.poor("HO-4\u{1B}]52;c;eA==\u{7}", 2021), Files.poor("HO-42", 2021, member: "DV\u{7F}01")])
            }
            #expect(Self.cells(escaped.issues) == ["2 Mã hộ", "3 Mã đoàn viên"])
            #expect(escaped.issues.map { $0.message.key } == ["import.control_character", "import.control_character"])
            // A NUL from a damaged file, a terminal's escape, and a name longer than any name, are errors of their cells too.
            let damaged = try await #require(throws: ImportRejected.self) {
                try await store.importMembers([Files.membersHeader, Files.member("DV-41", "Ngô\u{0}Văn"),
                                               Files.member("DV-42", String(repeating: "Nguyễn ", count: 40)),
                                               Files.member("DV-43", "Lê Văn \u{1B}[2J\u{1B}[H"), Files.member("DV-44", "Trần\u{9B}2J Thị")])
            }
            #expect(Self.cells(damaged.issues) == ["2 Họ và tên", "3 Họ và tên", "4 Họ và tên", "5 Họ và tên"])
            #expect(damaged.issues.map { $0.message.key } == ["import.control_character", "import.text_longer_than", "import.control_character", "import.control_character"])
            #expect(damaged.issues[2].message.text(.vi).hasPrefix("ô chứa ký tự điều khiển U+001B"))
            #expect(damaged.issues[3].message.text(.en).contains("U+009B"))
            let header = Files.surveyHeader + ["Họ tên chủ hộ"]
            let long = try await #require(throws: ImportRejected.self) {
                try await store.importSurvey([header, Files.poor("HO-42", 2021, member: "DV-01") + [String(repeating: "x", count: 201)],
                                              Files.poor("HO-43", 2021, member: "DV-01") + ["Lê\u{0}"]])
            }
            #expect(Self.cells(long.issues) == ["2 Họ tên chủ hộ", "3 Họ tên chủ hộ"])
            expectSame(before, try await Tables.snapshot(store))
            // A column of another standard's indicator is ignored for the row, whatever it holds.
            let other = try await store.importSurvey([Files.surveyHeader + ["Tiếp cận y tế"], Files.poor("HO-44", 2021, member: "DV-01") + ["#N/A"]])
            #expect(other.added == 1)
            // The link the row made names its import (whose audit entry names who imported it).
            let kind = try await store.sql.raw("""
                SELECT i.kind FROM household_members hm JOIN imports i ON i.id = hm.import_id JOIN households h ON h.id = hm.household_id
                WHERE h.code = 'HO-44'
                """).first()?.string("kind")
            #expect(kind == "khao_sat")
        }
    }

    @Test(arguments: TestDatabase.available)
    func aMembersHeaderBelowAnEmptyRowIsNotAMember(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await Self.seed(store, survey: false)
            // Row 1 empty: Excel leaves it out of the sheet, so the first row read is row 2, the header.
            struct FromRowTwo: RowSource, Sendable {
                let rows: [[String]]
                func forEachRow(_ body: (Int, [String]) throws -> Void) throws { for (i, r) in rows.enumerated() { try body(i + 2, r) } }
            }
            let source = FromRowTwo(rows: [Files.membersHeader, Files.member("DV-50", "Phan Văn Năm Mươi")])
            let result = try await MembersImporter(store: store, actor: try await store.operator("can_bo_tinh"), fileName: "dv.xlsx").run(source)
            #expect(result.rows == 1 && result.added == 1)
            #expect(try await store.members.find(code: "Mã đoàn viên", on: store.sql) == nil)
            #expect(try await store.members.find(code: "DV-50", on: store.sql)?.fullName == "Phan Văn Năm Mươi")
        }
    }
    @Test(arguments: TestDatabase.available)
    func aMemberMovingHouseholdHandsOnTheRepresentative(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await Self.seed(store, survey: false)
            // DV-01 (C1) represents HO-01, shared with DV-02 (C2); DV-01 moves to HO-09.
            try await store.importMembers([Files.membersHeader, Files.member("DV-01", "Nguyễn Văn An", unit: "C1", joined: "01/05/2015", household: "HO-09")])
            let primary = try await store.sql.raw("SELECT primary_member_id FROM households WHERE code = 'HO-01'").first()?.optionalInt("primary_member_id")
            #expect(primary == (try await store.memberID("DV-02")))
            // A survey row of HO-01 without a unit now counts in DV-02's unit.
            try await store.importSurvey([Files.surveyHeader, Files.poor("HO-01", 2022)])
            let unit = try await store.sql.raw("SELECT r.unit_id FROM reviews r JOIN households h ON h.id = r.household_id WHERE h.code = 'HO-01'").first()?.int("unit_id")
            #expect(unit == (try await store.unitID("C2")))
        }
    }
    @Test(arguments: TestDatabase.available)
    func householdLinksFollowMovesInAnyOrder(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await Self.seed(store)
            func link(_ member: String, _ household: String) async throws -> String {
                let row = try await store.sql.raw("""
                    SELECT hm.linked_on, hm.unlinked_on FROM household_members hm JOIN members m ON m.id = hm.member_id
                    JOIN households h ON h.id = hm.household_id WHERE m.code = \(bind: member) AND h.code = \(bind: household)
                    """).first()
                guard let row else { return "none" }
                return "\(try row.optionalString("linked_on") ?? "-")…\(try row.optionalString("unlinked_on") ?? "-")"
            }
            func primary(_ household: String) async throws -> Int? {
                try await store.sql.raw("SELECT primary_member_id FROM households WHERE code = \(bind: household)").first()?.optionalInt("primary_member_id")
            }
            let dv01 = DV01(Files.smallMembers)
            // A survey names DV-01 for a new household HO-31 first (a link without days); the
            // members file then moves DV-01 there: the move dates it, HO-01's link ends.
            try await store.importSurvey([Files.surveyHeader, Files.poor("HO-31", 2025, unit: "C1", member: "DV-01")])
            #expect(try await link("DV-01", "HO-31") == "-…-")
            try await store.importMembers([Files.membersHeader, dv01(household: "HO-31")])
            #expect(try await link("DV-01", "HO-31") == "2026-12-01…-")
            #expect(try await link("DV-01", "HO-01") == "-…2026-12-01")
            // Back to HO-01: its link is taken up again with the start it had (not today), HO-31's ends.
            try await store.importMembers([Files.membersHeader, dv01(household: "HO-01")])
            #expect(try await link("DV-01", "HO-01") == "-…-")
            #expect(try await link("DV-01", "HO-31") == "2026-12-01…2026-12-01")
            // HO-31 kept DV-01 as its representative (nobody else lived there); DV-04 moving in represents it.
            #expect(try await primary("HO-31") == (try await store.memberID("DV-01")))
            try await store.importMembers([Files.membersHeader, Files.member("DV-04", "Lê Thị Dung", cccd: "035195001111", born: "30/06/1995", sex: "Nữ",
                                                                             unit: "C3", joined: "01/03/2019", household: "HO-31")])
            #expect(try await primary("HO-31") == (try await store.memberID("DV-04")))
        }
    }

    /// DV-01's row of the small members file, with another household.
    struct DV01 {
        let row: [String]
        init(_ members: [[String]]) { row = members.first { $0.first == "DV-01" } ?? [] }
        func callAsFunction(household: String) -> [String] { Array(row.dropLast()) + [household] }
    }
}
