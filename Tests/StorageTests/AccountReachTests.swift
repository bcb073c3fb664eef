import Foundation
import PovertyCore
@_spi(Simulation) @testable import Storage
import SQLKit
import Testing

/// What an account reaches: a branch's administrator acts as its own unit and cannot raise its
/// branch's rights; an account of a unit that has ended sees nothing until it is moved; a wrong
/// current password is counted and audited; a token older than the account's last password
/// change is dead. On SQLite and PostgreSQL.
@Suite struct AccountReachTests {
    static func actor(_ store: Store, _ id: Int, via channel: Actor.Channel = .web) async throws -> Actor {
        let row = try #require(try await store.sql.raw("SELECT * FROM users WHERE id = \(bind: id)").first())
        return try await store.actor(for: try Account(row), via: channel)
    }

    static func account(_ store: Store, _ name: String, _ role: Role, _ unit: String) async throws -> Int {
        try await store.accounts.create(try await store.op, NewAccount(username: name, displayName: name, password: "mat-khau-\(name)-1",
                                                                       role: role, unitCode: unit))
    }

    @Test(arguments: TestDatabase.available)
    func aBranchAdministratorActsAsItsUnitAndGivesNoHigherRole(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await store.importUnits(Files.smallTree)
            try await store.importMembers(Files.smallMembers)
            try await store.importSurvey([Files.surveyHeader, Files.poor("HO-01", 2025, unit: "C1"), Files.poor("HO-03", 2025, unit: "C3")])
            let h1 = try await store.unitID("H1"), c1 = try await store.unitID("C1")
            let admin = try await Self.actor(store, try await Self.account(store, "qth1", .administrator, "H1"))
            let province = try await Self.actor(store, try await Self.account(store, "qttinh", .administrator, "T"))
            #expect(admin.actingUnit == h1 && province.actingUnit == nil)

            // It gives its officers' and auditors' roles, not its own nor the province officer's.
            #expect(Accounts.roles(givenBy: admin) == [.branchOfficer, .grassrootsOfficer, .auditor])
            #expect(Accounts.roles(givenBy: province) == Role.allCases)
            for role in [Role.administrator, .provincialOfficer] {
                await #expect(throws: AccountRefusal.roleForProvince(role)) {
                    try await store.accounts.create(admin, NewAccount(username: "qth1b", displayName: "x", password: "mat-khau-dai-1", role: role, unitCode: "H1"))
                }
            }
            #expect(try await store.count("users") == 2)  // before the officers below
            let officer = try await store.accounts.create(admin, NewAccount(username: "canboc1", displayName: "Cán bộ C1", password: "mat-khau-dai-1",
                                                                            role: .grassrootsOfficer, unitCode: "C1"))
            // It changes its officers' accounts, not an administrator the province gave a unit below it.
            let otherAdmin = try await Self.account(store, "qtc1", .administrator, "C1")
            await #expect(throws: AccountRefusal.accountForProvince(.administrator)) { try await store.accounts.setActive(admin, id: otherAdmin, false) }
            await #expect(throws: AccountRefusal.accountForProvince(.administrator)) {
                try await store.accounts.reassign(admin, id: otherAdmin, role: .grassrootsOfficer, unitCode: "C1")
            }
            try await store.accounts.setActive(admin, id: officer, false)
            try await store.accounts.setActive(province, id: otherAdmin, false)

            // Its own unit's report goes to the province: it neither accepts it nor returns it.
            let h1Officer = try await store.simulatedOfficer("h1", role: .branchOfficer, unitID: h1)
            try await store.reports.save(h1Officer, unit: h1, year: 2025, narrative: ReportNarrative(results: "Giảm 1 hộ nghèo."))
            try await store.reports.submit(h1Officer, unit: h1, year: 2025, on: day(2025, 12, 10))
            await #expect(throws: StorageError.invalid(Message("refusal.report.reviewed_by_parent"))) {
                try await store.reports.review(admin, unit: h1, year: 2025, accept: true, comment: "", on: day(2025, 12, 11))
            }
            #expect(try await store.reports.report(admin, unit: h1, year: 2025)?.status == .submitted)
            // It does not write another unit's report either, but reviews those of the units below it.
            await #expect(throws: StorageError.invalid(Message("refusal.report.report_written_submitted_own"))) {
                try await store.reports.save(admin, unit: c1, year: 2025, narrative: ReportNarrative(results: "x"))
            }
            let c1Officer = try await store.simulatedOfficer("c1", role: .grassrootsOfficer, unitID: c1)
            try await store.reports.save(c1Officer, unit: c1, year: 2025, narrative: ReportNarrative(results: "CĐCS"))
            // Not on a day to come: the frozen figures are those of the day it is sent.
            let ahead = store.today.adding(days: 1)
            await #expect(throws: StorageError.invalid(Message("refusal.report.day_ahead", .day(ahead)))) {
                try await store.reports.submit(c1Officer, unit: c1, year: 2025, on: ahead)
            }
            try await store.reports.submit(c1Officer, unit: c1, year: 2025, on: day(2025, 12, 10))
            await #expect(throws: StorageError.invalid(Message("refusal.report.day_ahead", .day(ahead)))) {
                try await store.reports.review(admin, unit: c1, year: 2025, accept: true, comment: "", on: ahead)
            }
            try await store.reports.review(admin, unit: c1, year: 2025, accept: true, comment: "", on: day(2025, 12, 11))
            // The province's administrator still accepts H1's.
            try await store.reports.review(province, unit: h1, year: 2025, accept: true, comment: "", on: day(2025, 12, 12))
            #expect(try await store.reports.report(province, unit: h1, year: 2025)?.status == .accepted)
        }
    }

    @Test(arguments: TestDatabase.available)
    func anAccountOfAnEndedUnitSeesNothingUntilMoved(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await store.importUnits(Files.smallTree)
            try await store.importMembers(Files.smallMembers)
            try await store.importSurvey([Files.surveyHeader, Files.poor("HO-01", 2025, unit: "C1")])
            let officerID = try await Self.account(store, "canboc1", .grassrootsOfficer, "C1")
            let adminID = try await Self.account(store, "qth1", .administrator, "H1")
            let otherAdmin = try await Self.actor(store, try await Self.account(store, "qth2", .administrator, "H2"))
            let before = try await Self.actor(store, officerID)
            #expect(try await store.reviews.household(before, code: "HO-01").code == "HO-01")
            try await store.accounts.createToken(before, tokenHash: "tok-c1", name: "bảng tính", lifetime: 3600)

            // C1 is dissolved into C2 (its members and households pass to C2).
            try await store.units.dissolve(try await store.op, "C1", successor: "C2", on: day(2026, 7, 1))
            let ended = try await Self.actor(store, officerID)
            #expect(ended.scope.isEmpty)
            await #expect(throws: StorageError.notFound(.household, "HO-01")) { _ = try await store.reviews.household(ended, code: "HO-01") }
            #expect(try await store.members.search(ended, "DV-01").isEmpty)
            await #expect(throws: StorageError.self) {
                try await store.funds.contribute(ended, fund: "xa_hoi", unit: "C1", day: day(2026, 6, 1), amount: 1_000, contributor: "x")
            }

            // H1's administrator moves it to C2 (another branch's administrator cannot even find it).
            let admin = try await Self.actor(store, adminID)
            await #expect(throws: StorageError.notFound(.account, String(officerID))) {
                try await store.accounts.reassign(otherAdmin, id: officerID, role: .grassrootsOfficer, unitCode: "C2")
            }
            await #expect(throws: AccountRefusal.unknownUnit("C1")) {
                try await store.accounts.reassign(admin, id: officerID, role: .grassrootsOfficer, unitCode: "C1")
            }
            await #expect(throws: AccountRefusal.unknownUnit("C3")) {
                try await store.accounts.reassign(admin, id: officerID, role: .grassrootsOfficer, unitCode: "C3")
            }
            await #expect(throws: AccountRefusal.roleForProvince(.administrator)) {
                try await store.accounts.reassign(admin, id: officerID, role: .administrator, unitCode: "C2")
            }
            await #expect(throws: AccountRefusal.notYourself) {
                try await store.accounts.reassign(admin, id: adminID, role: .administrator, unitCode: "C2")
            }
            try await store.accounts.reassign(admin, id: officerID, role: .branchOfficer, unitCode: "C2")
            let moved = try await Self.actor(store, officerID)
            let c2 = try await store.unitID("C2")
            #expect(moved.role == .branchOfficer && moved.unitID == c2)
            #expect(try await store.reviews.household(moved, code: "HO-01").code == "HO-01")
            // Its reach changed: its tokens ended with its old unit.
            #expect(try await store.accounts.account(tokenHash: "tok-c1") == nil)
            let entry = try #require(try await store.audit.entries(try await store.op, entity: "user", id: officerID).first { $0.action == "chuyen_tai_khoan" })
            #expect(entry.detail == "canboc1: can_bo_co_so, C1 → can_bo_xa_nganh, C2" && entry.actor == "qth1")
        }
    }

    @Test(arguments: TestDatabase.available)
    func wrongCurrentPasswordsAreCountedAndAudited(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await store.importUnits(Files.smallTree)
            let id = try await Self.account(store, "canboh1", .branchOfficer, "H1")
            let me = try await Self.actor(store, id)
            for _ in 0..<Accounts.freeFailures {
                await #expect(throws: AccountRefusal.wrongPassword) {
                    try await store.accounts.changePassword(me, current: "doan-sai", new: "mat-khau-moi-1", keepSession: nil)
                }
            }
            // Then even the right one waits: a stolen session cannot guess on.
            await #expect(throws: AccountRefusal.throttled(seconds: Accounts.wait(after: Accounts.freeFailures))) {
                try await store.accounts.changePassword(me, current: "mat-khau-canboh1-1", new: "mat-khau-moi-1", keepSession: nil)
            }
            let actions = try await store.audit.entries(try await store.op, entity: "user", id: id).map(\.action)
            #expect(actions.filter { $0 == "doi_mat_khau_sai" }.count == Accounts.freeFailures && !actions.contains("doi_mat_khau"))
            // Once the wait is over (the last failure that long ago), the right password is taken
            // and the count starts again.
            let longAgo = Store.timestamp(TestDatabase.t0.addingTimeInterval(-TimeInterval(Accounts.longestWait + 1)))
            try await store.sessionSQL.raw("UPDATE login_throttle SET last_failed_at = \(bind: longAgo)").run()
            try await store.accounts.changePassword(me, current: "mat-khau-canboh1-1", new: "mat-khau-moi-1", keepSession: nil)
            #expect(try await store.sessionSQL.raw("SELECT COUNT(*) AS n FROM login_throttle").first()?.int("n") == 0)
        }
    }

    @Test(arguments: TestDatabase.available)
    func aTokenOlderThanTheLastPasswordChangeIsDead(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await store.importUnits(Files.smallTree)
            let id = try await Self.account(store, "canboh1", .branchOfficer, "H1")
            try await store.accounts.createToken(try await Self.actor(store, id), tokenHash: "tok", name: "api", lifetime: 3600)
            #expect(try await store.accounts.account(tokenHash: "tok")?.id == id)
            // As if a password reset had been committed just after the token was made (a sign-in
            // racing the reset): the token predates the account's `sessions_from`.
            let later = Store.timestamp(TestDatabase.t0.addingTimeInterval(5))
            try await store.sql.raw("UPDATE users SET sessions_from = \(bind: later) WHERE id = \(bind: id)").run()
            #expect(try await store.accounts.account(tokenHash: "tok") == nil)
        }
    }
}
