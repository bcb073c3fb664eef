import Foundation
import PovertyCore
@testable import Storage
import SQLKit
import Spreadsheets
import Testing

/// The web app's lists and figures on the demo province, on SQLite and PostgreSQL.
@Suite struct BrowseQueryTests {
    @Test(arguments: TestDatabase.available)
    func householdListsAreVietnameseOrderedPagedScopedAndSearchable(db: TestDatabase) async throws {
        try await db.withStore { store in
            let summary = try await DemoProvince(households: 400).build(into: store)
            let browse = store.browse
            let year = try #require(try await browse.latestYear(scope: .everything))
            #expect(year == DemoProvince.lastYear)

            // Every household of the year, in pages that neither overlap nor skip.
            var seen: [HouseholdLine] = []
            var page = 1
            while true {
                let p = try await browse.households(HouseholdFilter(year: year), scope: .everything, page: page, perPage: 70)
                #expect(p.total == summary.householdsByYear[year])
                seen += p.items
                if page >= p.pages { break }
                page += 1
            }
            #expect(seen.count == summary.householdsByYear[year])
            #expect(Set(seen.map(\.code)).count == seen.count)
            // Vietnamese order of the primary member's name (given name first), the same on both databases.
            let keys = seen.compactMap(\.primaryMember).map(VietnameseCollation.nameSortKey)
            #expect(keys == keys.sorted())
            #expect(seen.filter { $0.status == .poor }.count == summary.poorByYear[year])

            // A class filter and a branch.
            let poor = try await browse.households(HouseholdFilter(year: year, status: .poor), scope: .everything, page: 1, perPage: 1000)
            #expect(poor.total == summary.poorByYear[year])
            #expect(poor.items.allSatisfy { $0.status == .poor })
            let history = try await store.units.history()
            let today = Day(year: 2026, month: 11, day: 25)!
            let root = try #require(history.unit(code: DemoProvince.rootCode))
            // The commune/ward union with the most households this year.
            var best: (unit: Int, total: Int)?
            for unit in history.tree(on: today).children[root.id] ?? [] where history.units[unit]?.kind == .communeUnion {
                let n = try await browse.households(HouseholdFilter(year: year), scope: Scope.today(of: unit, in: history, on: today), page: 1, perPage: 1).total
                if n > (best?.total ?? 0) { best = (unit, n) }
            }
            let commune = try #require(best).unit
            let scope = Scope.today(of: commune, in: history, on: today)
            let branch = try await browse.households(HouseholdFilter(year: year), scope: scope, page: 1, perPage: 5000)
            #expect(branch.total > 0 && branch.total < seen.count)
            #expect(branch.items.allSatisfy { scope.contains($0.unitID) })
            #expect(try await browse.households(HouseholdFilter(year: year), scope: Scope(unitIDs: []), page: 1).total == 0)

            // The scope of a unit today also holds its predecessors (e.g. the old district federations of 2021).
            let ended = history.units.values.filter { $0.to != nil && history.successor(of: $0.id, on: today) == commune }
            for unit in ended { #expect(scope.contains(unit.id)) }

            // Search without diacritics finds the member's household.
            let named = try #require(seen.first { $0.primaryMember != nil })
            let plain = TextFolding.foldForSearch(named.primaryMember!)
            let found = try await browse.households(HouseholdFilter(year: year, text: plain), scope: .everything, page: 1, perPage: 1000)
            #expect(found.items.contains { $0.code == named.code })
            #expect(try await browse.households(HouseholdFilter(year: year, text: named.code), scope: .everything, page: 1).items.map(\.code) == [named.code])
            #expect(try await browse.households(HouseholdFilter(year: year, text: "100%_"), scope: .everything, page: 1).total == 0)
            // Short and long searches, and a renamed member found by the new name only (the
            // name index follows every change) and listed in the new name's order.
            #expect(try await browse.households(HouseholdFilter(year: year, text: "an"), scope: .everything, page: 1).total > 0)
            let memberCode = try #require(try await store.sql.raw("""
                SELECT m.code FROM households h JOIN members m ON m.id = h.primary_member_id WHERE h.code = \(bind: named.code)
                """).first()).decode(column: "code", as: String.self)
            var member = try #require(try await store.members.find(code: memberCode))
            member.fullName = "Ông Xuân Zzvykhanh"
            try await store.members.save(member, actor: "test")
            let renamed = try await browse.households(HouseholdFilter(year: year, text: "zzvykhanh"), scope: .everything, page: 1)
            #expect(renamed.items.map(\.code).contains(named.code))
            #expect(try await browse.households(HouseholdFilter(year: year, text: "xuan zzvy"), scope: .everything, page: 1).total == renamed.total)
            let all = try await browse.households(HouseholdFilter(year: year), scope: .everything, page: 1, perPage: 100_000)
            let renamedKeys = all.items.compactMap(\.primaryMember).map(VietnameseCollation.nameSortKey)
            #expect(renamedKeys == renamedKeys.sorted())

            // Year figures agree with the demo's own counts.
            let figures = try await browse.yearFigures(scope: .everything)
            #expect(figures.map(\.year) == Array(DemoProvince.firstYear...DemoProvince.lastYear))
            for f in figures {
                #expect(f.poor == summary.poorByYear[f.year] ?? 0)
                #expect(f.nearPoor == summary.nearPoorByYear[f.year] ?? 0)
                #expect(f.households == summary.householdsByYear[f.year])
            }
            // Escapes and entries agree with a count over every pair of consecutive reviews.
            var reviews: [Int: [Int: (status: String, standard: String)]] = [:]
            for row in try await store.sql.raw("SELECT household_id, year, status, standard_code FROM reviews").all() {
                reviews[try row.int("household_id"), default: [:]][try row.int("year")] = (try row.string("status"), try row.string("standard_code"))
            }
            var escaped: [Int: Int] = [:], entered: [Int: Int] = [:]
            for years in reviews.values {
                for (year, now) in years {
                    guard let before = years[year - 1], before.standard == now.standard else { continue }
                    if before.status == "ngheo" && now.status != "ngheo" { escaped[year, default: 0] += 1 }
                    if before.status != "ngheo" && now.status == "ngheo" { entered[year, default: 0] += 1 }
                }
            }
            for f in figures where f.escaped != nil {
                #expect(f.escaped == escaped[f.year] ?? 0, "escaped \(f.year)")
                #expect(f.enteredPoverty == entered[f.year] ?? 0, "entered \(f.year)")
            }
            #expect(escaped.values.reduce(0, +) > 0)
            // Mismatch counts per unit agree with the list of mismatches.
            for y in [2024, year] {
                let list = try await store.reviews.mismatches(year: y, scope: .everything)
                let counts = try await browse.mismatchCounts(year: y, scope: .everything)
                #expect(counts.values.reduce(0, +) == list.count)
                for (unit, n) in counts { #expect(list.filter { $0.unitID == unit }.count == n) }
            }
            #expect(try await browse.mismatchCounts(year: year, scope: Scope(unitIDs: [])).isEmpty)
            // The first year and the year of a new standard have no transitions.
            #expect(figures.first?.escaped == nil)
            #expect(figures.first { $0.standardCodes == ["vn-2027"] }?.escaped == nil)
            #expect(figures.first { $0.year == 2022 }?.escaped != nil)
        }
    }

    @Test(arguments: TestDatabase.available)
    func accountsLockAfterFailuresAndSessionsEnd(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await store.importUnits(Files.smallTree)
            let accounts = store.accounts
            try await accounts.create(username: "Officer.One", displayName: "Cán bộ", passwordHash: "h", role: .branchOfficer, unitCode: "H1", actor: "test")
            await #expect(throws: Accounts.Failure.duplicateUsername("officer.one")) {
                try await accounts.create(username: "officer.one", displayName: "x", passwordHash: "h", role: .auditor, unitCode: "H1", actor: "test")
            }
            await #expect(throws: Accounts.Failure.invalidUsername) {
                try await accounts.create(username: "a b", displayName: "x", passwordHash: "h", role: .auditor, unitCode: "H1", actor: "test")
            }
            await #expect(throws: Accounts.Failure.unknownUnit("NOPE")) {
                try await accounts.create(username: "ghost", displayName: "x", passwordHash: "h", role: .auditor, unitCode: "NOPE", actor: "test")
            }
            var account = try #require(try await accounts.credentials(username: " OFFICER.ONE ")).account
            for i in 1...Accounts.lockAfter {
                let locked = try await accounts.loginFailed(account, from: "127.0.0.1")
                #expect(locked == (i == Accounts.lockAfter))
                account = try #require(try await accounts.find(id: account.id))
            }
            #expect(accounts.isLocked(account))
            try await accounts.openSession(account, tokenHash: "abc", csrfToken: "csrf", lifetime: 3600, from: "127.0.0.1")
            #expect(try await accounts.session(tokenHash: "abc")?.csrfToken == "csrf")
            #expect(try await accounts.session(tokenHash: "other") == nil)
            try await accounts.setActive(account, false, actor: "admin")
            #expect(try await accounts.session(tokenHash: "abc") == nil)
            let actions = try await store.audit.entries(entity: "user").map(\.action)
            #expect(actions.filter { $0 == "dang_nhap_sai" }.count == Accounts.lockAfter - 1)
            #expect(actions.contains("khoa_tai_khoan"))
            #expect(actions.contains("tao_tai_khoan"))
        }
    }

    /// A preview (dry run) counts what an import would do and leaves the database as it was.
    @Test(arguments: TestDatabase.available)
    func dryRunsCountAndWriteNothing(db: TestDatabase) async throws {
        try await db.withStore { store in
            let tables = ["units", "unit_versions", "members", "memberships", "households", "reviews", "imports", "audit_log"]
            func counts() async throws -> [Int] { var out: [Int] = []; for t in tables { out.append(try await store.count(t)) }; return out }
            var units = UnitsImporter(store: store, actor: "test", fileName: "don-vi.csv")
            units.dryRun = true
            let before = try await counts()
            let preview = try await units.run(InMemoryRows(Files.smallTree))
            #expect(preview.added == 6)
            #expect(try await counts() == before)
            #expect(try await store.importUnits(Files.smallTree).added == preview.added)

            var members = MembersImporter(store: store, actor: "test", fileName: "doan-vien.csv")
            members.dryRun = true
            let beforeMembers = try await counts()
            let memberPreview = try await members.run(InMemoryRows(Files.smallMembers))
            #expect(memberPreview.added > 0)
            #expect(try await counts() == beforeMembers)
            #expect(try await store.importMembers(Files.smallMembers) == memberPreview)

            var survey = SurveyImporter(store: store, actor: "test", fileName: "khao-sat.csv")
            survey.dryRun = true
            let beforeSurvey = try await counts()
            let rows = [Files.surveyHeader, Files.poor("HO-01", 2021, member: "DV-01")]
            let surveyPreview = try await survey.run(InMemoryRows(rows))
            #expect(surveyPreview.added == 1)
            #expect(try await counts() == beforeSurvey)
            #expect(try await store.importSurvey(rows) == surveyPreview)
        }
    }
}
