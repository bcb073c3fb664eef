import Foundation
import PovertyCore
@_spi(Simulation) @testable import Storage
import SQLKit
import Testing

/// A citizen ID Excel stored as a number lost its leading 0: 11 digits that are a valid ID with
/// the 0 are taken as that ID (and said so), in the members file and in the survey's member column.
@Suite struct CitizenIDZeroTests {
    @Test func restoringTheZero() {
        #expect(CitizenID.restoringLeadingZero("37093001555", birthYear: 1993, sex: .male) == ("037093001555", true))
        #expect(CitizenID.restoringLeadingZero("37093001555", birthYear: 1994) == ("37093001555", false))  // the year disagrees
        #expect(CitizenID.restoringLeadingZero("037093001555") == ("037093001555", false))
        #expect(CitizenID.restoringLeadingZero("3709300155") == ("3709300155", false))
        #expect(CitizenID.restoringLeadingZero("99093001555") == ("99093001555", false))  // province 099 does not exist
    }

    @Test(arguments: TestDatabase.available)
    func membersFileAndSurveyRow(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await ImportTests.seed(store, survey: false)
            let result = try await store.importMembers([
                Files.membersHeader,
                Files.member("DV-07", "Đỗ Văn Khang", cccd: "37093001555", born: "01/01/1993", sex: "Nam", unit: "C1", joined: "01/01/2020"),
            ])
            #expect(result.restoredCitizenIDs == 1 && result.added == 1)
            let stored = try await store.members.member(try await store.op, code: "DV-07")
            #expect(stored.citizenID == "037093001555")
            // A survey row naming DV-01 by its ID without the 0 links DV-01.
            _ = try await store.importSurvey([Files.surveyHeader, Files.poor("HO-20", 2021, unit: "C1", member: "37085001234")])
            let linked = try await store.sql.raw("""
                SELECT m.code FROM household_members hm JOIN members m ON m.id = hm.member_id JOIN households h ON h.id = hm.household_id
                WHERE h.code = 'HO-20'
                """).all().map { try $0.decode(column: "code", as: String.self) }
            #expect(linked == ["DV-01"])
            // Eleven digits that match nobody say what was tried.
            let rejected = try await #require(throws: ImportRejected.self) {
                try await store.importSurvey([Files.surveyHeader, Files.poor("HO-21", 2021, unit: "C1", member: "37085009999")])
            }
            #expect(rejected.issues.first?.message.text(.vi).contains("CCCD '037085009999'") == true)
        }
    }
}
