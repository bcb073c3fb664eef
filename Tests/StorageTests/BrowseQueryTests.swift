import Demo
import Foundation
import PovertyCore
@_spi(Simulation) @testable import Storage
import SQLKit
import Spreadsheets
import Testing

/// The web app's lists and figures on the demo province, on SQLite and PostgreSQL.
@Suite struct BrowseQueryTests {
    @Test(arguments: TestDatabase.available)
    func householdListsAreVietnameseOrderedPagedScopedAndSearchable(db: TestDatabase) async throws {
        try await db.withStore { store in
            let summary = try await DemoProvince(households: 400).build(into: store, actor: try await store.op)
            let browse = store.browse
            let year = try #require(try await browse.latestYear(try await store.op))
            #expect(year == DemoProvince.lastYear)

            // Every household of the year, in pages that neither overlap nor skip.
            var seen: [HouseholdLine] = []
            var page = 1
            while true {
                let p = try await browse.households(try await store.actor(.province), HouseholdFilter(year: year), page: page, perPage: 70)
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
            let poor = try await browse.households(try await store.actor(.province), HouseholdFilter(year: year, status: .poor), page: 1, perPage: 1000)
            #expect(poor.total == summary.poorByYear[year])
            #expect(poor.items.allSatisfy { $0.status == .poor })
            let history = try await store.units.history()
            let today = Day(year: 2026, month: 11, day: 25)!
            let root = try #require(history.unit(code: DemoProvince.rootCode))
            // The commune/ward union with the most households this year.
            var best: (unit: Int, total: Int)?
            for unit in history.tree(on: today).children[root.id] ?? [] where history.units[unit]?.kind == .communeUnion {
                let n = try await browse.households(try await store.actor(Scope.predecessorsIncluded(of: unit, in: history, on: today)), HouseholdFilter(year: year), page: 1, perPage: 1).total
                if n > (best?.total ?? 0) { best = (unit, n) }
            }
            let commune = try #require(best).unit
            let scope = Scope.predecessorsIncluded(of: commune, in: history, on: today)
            let branch = try await browse.households(try await store.actor(scope), HouseholdFilter(year: year), page: 1, perPage: 5000)
            #expect(branch.total > 0 && branch.total < seen.count)
            #expect(branch.items.allSatisfy { scope.contains($0.unitID) })
            #expect(try await browse.households(try await store.actor(Scope(unitIDs: [])), HouseholdFilter(year: year), page: 1).total == 0)

            // The scope of a unit today also holds its predecessors (e.g. the old district federations of 2021).
            let ended = history.units.values.filter { $0.to != nil && history.successor(of: $0.id, on: today) == commune }
            for unit in ended { #expect(scope.contains(unit.id)) }

            // Search without diacritics finds the member's household.
            let named = try #require(seen.first { $0.primaryMember != nil })
            let plain = TextFolding.foldForSearch(named.primaryMember!)
            let found = try await browse.households(try await store.actor(.province), HouseholdFilter(year: year, text: plain), page: 1, perPage: 1000)
            #expect(found.items.contains { $0.code == named.code })
            #expect(try await browse.households(try await store.actor(.province), HouseholdFilter(year: year, text: named.code), page: 1).items.map(\.code) == [named.code])
            #expect(try await browse.households(try await store.actor(.province), HouseholdFilter(year: year, text: "100%_"), page: 1).total == 0)
            // Short and long searches, and a renamed member found by the new name only (the
            // name index follows every change) and listed in the new name's order.
            #expect(try await browse.households(try await store.actor(.province), HouseholdFilter(year: year, text: "an"), page: 1).total > 0)
            let memberCode = try #require(try await store.sql.raw("""
                SELECT m.code FROM households h JOIN members m ON m.id = h.primary_member_id WHERE h.code = \(bind: named.code)
                """).first()).decode(column: "code", as: String.self)
            var member = try #require(try await store.members.find(code: memberCode, on: store.sql))
            member.fullName = "Ông Xuân Zzvykhanh"
            try await store.members.save(try await store.op, member)
            let renamed = try await browse.households(try await store.actor(.province), HouseholdFilter(year: year, text: "zzvykhanh"), page: 1)
            #expect(renamed.items.map(\.code).contains(named.code))
            #expect(try await browse.households(try await store.actor(.province), HouseholdFilter(year: year, text: "xuan zzvy"), page: 1).total == renamed.total)
            let all = try await browse.households(try await store.actor(.province), HouseholdFilter(year: year), page: 1, perPage: 100_000)
            let renamedKeys = all.items.compactMap(\.primaryMember).map(VietnameseCollation.nameSortKey)
            #expect(renamedKeys == renamedKeys.sorted())

            // Year figures agree with the demo's own counts.
            let figures = try await browse.yearFigures(try await store.op)
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
                let list = try await store.reviews.mismatches(try await store.op, year: y)
                let counts = try await browse.mismatchCounts(try await store.op, year: y)
                #expect(counts.values.reduce(0, +) == list.count)
                for (unit, n) in counts { #expect(list.filter { $0.unitID == unit }.count == n) }
            }
            #expect(try await browse.mismatchCounts(try await store.actor(Scope(unitIDs: [])), year: year).isEmpty)
            // The first year and the year of a new standard have no transitions.
            #expect(figures.first?.escaped == nil)
            #expect(figures.first { $0.standardCodes == ["vn-2027"] }?.escaped == nil)
            #expect(figures.first { $0.year == 2022 }?.escaped != nil)
        }
    }

    /// The audit log between two days: the days are Vietnam's (an entry at 23:59 there on
    /// 30/11 is 30/11's, one at 00:00 on 01/12 is 01/12's, though both are 30/11 in UTC), both
    /// included; the filter is kept in the read's own entry.
    @Test(arguments: TestDatabase.available)
    func auditEntriesBetweenDaysFollowVietnamsCalendar(db: TestDatabase) async throws {
        try await db.withStore { store in
            let instants = ["2026-11-30T16:59:59Z", "2026-11-30T17:00:00Z", "2026-12-01T16:59:59Z", "2026-12-01T17:00:00Z"]
            for (i, at) in instants.enumerated() {
                try await store.sql.raw("""
                    INSERT INTO audit_log (at, actor, channel, action, entity, entity_id, detail)
                    VALUES (\(bind: at), 'kiemtra-ngay', 'web', 'xem', 'household', \(bind: i), 'x')
                    """).run()
            }
            let op = try await store.op
            func ids(from: Day?, to: Day?) async throws -> [Int] {
                try await store.browse.auditEntries(op, by: "kiemtra-ngay", from: from, to: to, page: 1).items.compactMap(\.entityID)
            }
            #expect(try await ids(from: nil, to: nil) == [3, 2, 1, 0])
            #expect(try await ids(from: day(2026, 12, 1), to: day(2026, 12, 1)) == [2, 1])
            #expect(try await ids(from: nil, to: day(2026, 11, 30)) == [0])
            #expect(try await ids(from: day(2026, 12, 2), to: nil) == [3])
            #expect(try await ids(from: day(2026, 12, 2), to: day(2026, 12, 1)).isEmpty)
            // The last day a date can be: up to its end, which is everything (before: the day after it trapped, stopping the server).
            #expect(try await ids(from: day(2026, 12, 1), to: day(2200, 12, 31)) == [3, 2, 1])
            try await store.flushJournal(waiting: true)
            #expect(try await store.audit.entries(op, entity: "audit_log").contains { $0.detail.contains("từ ngày 01/12/2026, đến ngày 01/12/2026") })
        }
    }

    @Test(arguments: TestDatabase.available)
    func accountsFollowThePolicyThrottlePerNameAndAddressAndSessionsEnd(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await store.importUnits(Files.smallTree)
            let accounts = store.accounts
            let op = try await store.op
            func new(_ name: String, _ password: String = "mat-khau-dai", unit: String = "H1") -> NewAccount {
                NewAccount(username: name, displayName: "Cán bộ", password: password, role: .branchOfficer, unitCode: unit)
            }
            let id = try await accounts.create(op, new("Officer.One"))
            await #expect(throws: AccountRefusal.duplicateUsername("officer.one")) { try await accounts.create(op, new("officer.one")) }
            await #expect(throws: AccountRefusal.invalidUsername) { try await accounts.create(op, new("a b")) }
            await #expect(throws: AccountRefusal.unknownUnit("NOPE")) { try await accounts.create(op, new("ghost", unit: "NOPE")) }
            await #expect(throws: AccountRefusal.passwordTooShort(PasswordPolicy.minimumLength)) { try await accounts.create(op, new("short", "ngan")) }
            await #expect(throws: AccountRefusal.passwordIsUsername) { try await accounts.create(op, new("samesame12", "SameSame12")) }

            // Five failures from one address are free; then that name from that address waits,
            // 30 s, 1 min… — while the owner signs in from elsewhere, and an unknown name reads the same.
            for _ in 0..<Accounts.freeFailures {
                #expect(try await accounts.signIn(username: "officer.one", password: "sai-mat-khau", from: "10.0.0.66", channel: .web) == .refused)
                #expect(try await accounts.signIn(username: "nobody.here", password: "sai-mat-khau", from: "10.0.0.66", channel: .web) == .refused)
            }
            #expect(try await accounts.signIn(username: "officer.one", password: "mat-khau-dai", from: "10.0.0.66", channel: .web) == .throttled(seconds: 30))
            #expect(try await accounts.signIn(username: "nobody.here", password: "mat-khau-dai", from: "10.0.0.66", channel: .web) == .throttled(seconds: 30))
            guard case .accepted(let account) = try await accounts.signIn(username: " OFFICER.ONE ", password: "mat-khau-dai", from: "10.0.0.1", channel: .web) else {
                Issue.record("the owner is held up by a stranger's failures")
                return
            }
            #expect(account.id == id)
            #expect(Accounts.wait(after: 5) == 30 && Accounts.wait(after: 6) == 60 && Accounts.wait(after: 40) == Accounts.longestWait)

            try await accounts.openSession(account, tokenHash: "abc", csrfToken: "csrf", lifetime: 3600, from: "127.0.0.1")
            #expect(try await accounts.session(tokenHash: "abc")?.csrfToken == "csrf")
            #expect(try await accounts.session(tokenHash: "other") == nil)
            try await accounts.setActive(op, id: account.id, false)
            #expect(try await accounts.session(tokenHash: "abc") == nil)
            let entries = try await store.audit.entries(op, entity: "user")
            #expect(entries.filter { $0.action == "dang_nhap_sai" }.count == 2 * Accounts.freeFailures)
            #expect(entries.filter { $0.action == "dang_nhap_bi_han_che" }.count == 2)
            #expect(entries.contains { $0.action == "khoa_tai_khoan" && $0.actor == "test" && $0.channel == "cli" })
            #expect(entries.contains { $0.action == "tao_tai_khoan" })
        }
    }

    @Test(arguments: TestDatabase.available)
    func aMemberRenamedReordersTheHouseholdsTheyRepresentOnly(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await SupportTests.setUp(store)
            let op = try await store.op
            func order() async throws -> [String] {
                try await store.browse.households(op, HouseholdFilter(year: 2025), page: 1, perPage: 50).items.map(\.code)
            }
            // An (DV-01, HO-01) comes before Dung (DV-04, HO-03); renamed Yến, HO-01 goes after.
            let before = try await order()
            #expect(before.firstIndex(of: "HO-01")! < before.firstIndex(of: "HO-03")!, "\(before)")
            let profile = try await store.members.profile(op, code: "DV-01")
            var renamed = profile.record
            renamed.fullName = "Nguyễn Thị Yến"
            #expect(try await store.members.update(op, code: "DV-01", to: renamed, version: profile.version))
            let after = try await order()
            #expect(after.firstIndex(of: "HO-01")! > after.firstIndex(of: "HO-03")!, "\(after)")
            // Every kept key is what a full recount gives.
            let keys = try await store.sql.raw("SELECT code, sort_key FROM households ORDER BY code").all().map { try $0.string("sort_key") }
            try await store.sql.raw("UPDATE households SET sort_key = 'x'").run()
            try await Store.refreshHouseholdSortKeys(on: try store.sql)
            #expect(try await store.sql.raw("SELECT code, sort_key FROM households ORDER BY code").all().map { try $0.string("sort_key") } == keys)
        }
    }

    @Test(arguments: TestDatabase.available)
    func memberSearchFindsByNameCodeAndCitizenIDPrefix(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await SupportTests.setUp(store)
            let op = try await store.op
            func codes(_ text: String) async throws -> [String] { try await store.members.search(op, text).map(\.code) }
            #expect(try await codes("van an") == ["DV-01"])            // a name, three letters and more
            #expect(try await codes("Nguyễn Văn An") == ["DV-01"])
            #expect(try await codes("DV-04") == ["DV-04"])             // a code
            #expect(try await codes("0370850") == ["DV-01"])           // the start of a citizen ID
            #expect(try await codes("037085001234") == ["DV-01"])      // a whole one
            #expect(try await codes("0370859").isEmpty)
            #expect(try await codes("an").contains("DV-01"))           // two letters: every name holding them
            #expect(try await codes("n_a").isEmpty)                    // `_` is a letter here, not a wildcard
        }
    }

    @Test(arguments: TestDatabase.available)
    func signInsSentTogetherCannotPassTheThrottleOnOneReading(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await store.importUnits(Files.smallTree)
            let accounts = store.accounts
            let op = try await store.op
            _ = try await accounts.create(op, NewAccount(username: "officer.two", displayName: "Cán bộ", password: "mat-khau-dai",
                                                         role: .branchOfficer, unitCode: "H1"))
            // Fifteen wrong passwords sent at once from one address: only the free failures reach
            // the password check, the rest wait — they cannot all read "no failures yet" and pass.
            let tries = 3 * Accounts.freeFailures
            let answers = try await withThrowingTaskGroup(of: SignIn.self) { group in
                for _ in 0..<tries {
                    group.addTask { try await accounts.signIn(username: "officer.two", password: "sai-mat-khau", from: "10.0.0.77", channel: .web) }
                }
                return try await group.reduce(into: [SignIn]()) { $0.append($1) }
            }
            #expect(answers.filter { $0 == .refused }.count == Accounts.freeFailures)
            #expect(answers.filter { if case .throttled = $0 { true } else { false } }.count == tries - Accounts.freeFailures)
            #expect(try await accounts.signIn(username: "officer.two", password: "mat-khau-dai", from: "10.0.0.77", channel: .web) == .throttled(seconds: 30))
            let entries = try await store.audit.entries(op, entity: "user")
            #expect(entries.filter { $0.action == "dang_nhap_sai" }.count == Accounts.freeFailures)
            #expect(entries.filter { $0.action == "dang_nhap_bi_han_che" }.count == tries - Accounts.freeFailures + 1)
            // From elsewhere the owner still signs in, and that clears nothing of the other address.
            guard case .accepted = try await accounts.signIn(username: "officer.two", password: "mat-khau-dai", from: "10.0.0.2", channel: .web) else {
                Issue.record("the owner is held up by failures from another address")
                return
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func aSessionOrTokenIsNotOpenedWithAPasswordResetWhileItWasChecked(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await store.importUnits(Files.smallTree)
            let accounts = store.accounts
            let op = try await store.op
            let id = try await accounts.create(op, NewAccount(username: "officer.three", displayName: "Cán bộ", password: "mat-khau-cu-1",
                                                              role: .branchOfficer, unitCode: "H1"))
            // Signed in with the old password; the administrator resets it before the session is written.
            guard case .accepted(let account) = try await accounts.signIn(username: "officer.three", password: "mat-khau-cu-1", from: "10.0.0.3", channel: .web) else {
                Issue.record("the right password was refused")
                return
            }
            try await accounts.resetPassword(op, id: id, to: "mat-khau-moi-2")
            await #expect(throws: AccountRefusal.passwordChangedMeanwhile) {
                try await accounts.openSession(account, tokenHash: "late-session", csrfToken: "c", lifetime: 3600, from: "10.0.0.3")
            }
            #expect(try await accounts.session(tokenHash: "late-session") == nil)
            // The API's token, made for that sign-in: refused too, and nothing stored.
            let signedIn = try await store.actor(for: account, via: .api)
            await #expect(throws: AccountRefusal.passwordChangedMeanwhile) {
                try await accounts.createToken(signedIn, tokenHash: "late-token", name: "máy", lifetime: 3600)
            }
            #expect(try await accounts.account(tokenHash: "late-token") == nil)
            // With the new password both open, as before.
            guard case .accepted(let again) = try await accounts.signIn(username: "officer.three", password: "mat-khau-moi-2", from: "10.0.0.3", channel: .web) else {
                Issue.record("the new password was refused")
                return
            }
            try await accounts.openSession(again, tokenHash: "new-session", csrfToken: "c", lifetime: 3600, from: "10.0.0.3")
            #expect(try await accounts.session(tokenHash: "new-session")?.account.id == id)
            try await accounts.createToken(try await store.actor(for: again, via: .api), tokenHash: "new-token", name: "máy", lifetime: 3600)
            #expect(try await accounts.account(tokenHash: "new-token")?.id == id)
            // A session's actor read before a reset cannot make a token after it.
            let viaSession = try await store.actor(for: try #require(try await accounts.session(tokenHash: "new-session")).account, via: .web)
            try await accounts.resetPassword(op, id: id, to: "mat-khau-moi-3")
            await #expect(throws: AccountRefusal.passwordChangedMeanwhile) {
                try await accounts.createToken(viaSession, tokenHash: "session-token", name: "máy", lifetime: 3600)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func tokensDieWithThePasswordAndAreListedAndRevokedByOwnerAndAdministrator(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await store.importUnits(Files.smallTree)
            let accounts = store.accounts
            let op = try await store.op
            let officer = try await accounts.create(op, NewAccount(username: "canboxa", displayName: "Cán bộ xã", password: "mat-khau-cu-1",
                                                                   role: .branchOfficer, unitCode: "H1"))
            let admin = try await accounts.create(op, NewAccount(username: "quantri", displayName: "Quản trị", password: "mat-khau-qt-1",
                                                                 role: .administrator, unitCode: "T"))
            let other = try await accounts.create(op, NewAccount(username: "canboxa2", displayName: "Cán bộ xã 2", password: "mat-khau-cu-2",
                                                                 role: .branchOfficer, unitCode: "H2"))
            func actor(_ id: Int) async throws -> Actor {
                let row = try #require(try await store.sql.raw("SELECT * FROM users WHERE id = \(bind: id)").first())
                return try await store.actor(for: try Account(row), via: .api)
            }
            let me = try await actor(officer)
            try await accounts.createToken(me, tokenHash: "t1", name: "máy chủ báo cáo", lifetime: 3600)
            try await accounts.createToken(me, tokenHash: "t2", name: "bảng tính", lifetime: 3600)
            #expect(try await accounts.account(tokenHash: "t1")?.id == officer)
            let mine = try await accounts.tokens(me)
            #expect(mine.map(\.name) == ["máy chủ báo cáo", "bảng tính"])
            // Another officer can neither see nor revoke them; the administrator can.
            let stranger = try await actor(other)
            await #expect(throws: StorageError.forbidden(.manageAccounts)) { _ = try await accounts.tokens(stranger, of: officer) }
            // To them another's token is as unknown as one that does not exist.
            await #expect(throws: StorageError.notFound(.token, String(mine[0].id))) { try await accounts.revokeToken(stranger, id: mine[0].id) }
            await #expect(throws: StorageError.notFound(.token, "999999")) { try await accounts.revokeToken(stranger, id: 999_999) }
            try await accounts.revokeToken(try await actor(admin), id: mine[0].id)
            #expect(try await accounts.account(tokenHash: "t1") == nil)
            #expect(try await accounts.account(tokenHash: "t2")?.id == officer)
            // A new password ends every token.
            await #expect(throws: AccountRefusal.wrongPassword) { try await accounts.changePassword(me, current: "sai", new: "mat-khau-moi-1", keepSession: nil) }
            try await accounts.changePassword(me, current: "mat-khau-cu-1", new: "mat-khau-moi-1", keepSession: nil)
            #expect(try await accounts.account(tokenHash: "t2") == nil)
            #expect(try await accounts.tokens(me).isEmpty)
            let entries = try await store.audit.entries(op, entity: "user", id: officer).map(\.action)
            #expect(entries.filter { $0 == "tao_token_api" }.count == 2)
            #expect(entries.contains("thu_hoi_token_api") && entries.contains("doi_mat_khau"))
        }
    }

    /// A preview (dry run) counts what an import would do and leaves the database as it was.
    @Test(arguments: TestDatabase.available)
    func dryRunsCountAndWriteNothing(db: TestDatabase) async throws {
        try await db.withStore { store in
            let tables = ["units", "unit_versions", "members", "memberships", "households", "reviews", "imports", "audit_log"]
            func counts() async throws -> [Int] { var out: [Int] = []; for t in tables { out.append(try await store.count(t)) }; return out }
            var units = UnitsImporter(store: store, actor: try await store.op, fileName: "don-vi.csv")
            units.dryRun = true
            let before = try await counts()
            let preview = try await units.run(InMemoryRows(Files.smallTree))
            #expect(preview.added == 6)
            #expect(try await counts() == before)
            #expect(try await store.importUnits(Files.smallTree).added == preview.added)

            var members = MembersImporter(store: store, actor: try await store.op, fileName: "doan-vien.csv")
            members.dryRun = true
            let beforeMembers = try await counts()
            let memberPreview = try await members.run(InMemoryRows(Files.smallMembers))
            #expect(memberPreview.added > 0)
            #expect(try await counts() == beforeMembers)
            #expect(try await store.importMembers(Files.smallMembers) == memberPreview)

            var survey = SurveyImporter(store: store, actor: try await store.op, fileName: "khao-sat.csv")
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
