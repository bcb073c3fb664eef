import Foundation
import PovertyCore
@testable import Storage
import SQLKit
import Testing

/// Two officers doing the same thing at the same moment (on PostgreSQL, two instances of the
/// app): each write is whole, the second sees the first, and every kept count still equals a
/// recount. Each test sends both at once; which one wins is not said, that one does is.
@Suite struct ConcurrentWriteTests {
    /// Runs `work` twice at once; the refusals, in no order.
    static func twice(_ work: @escaping @Sendable () async throws -> Void) async -> (done: Int, refused: [any Error]) {
        await withTaskGroup(of: (any Error)?.self) { group in
            for _ in 0..<2 { group.addTask { do { try await work(); return nil } catch { return error } } }
            var done = 0, refused: [any Error] = []
            for await outcome in group { if let outcome { refused.append(outcome) } else { done += 1 } }
            return (done, refused)
        }
    }

    @Test(arguments: TestDatabase.available)
    func aSupportCancelledTwiceAtOnceCountsDownOnce(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await SupportTests.setUp(store)
            let op = try await store.op
            // Partner support: no fund entry whose reversal would stop the second one.
            let id = try await store.support.record(op, NewSupport(household: "HO-01", policy: "nuoc_ve_sinh", day: day(2025, 5, 1), value: 2_000_000,
                                                                   inKind: "bể lọc nước", source: .partner, sourceName: "Hội Chữ thập đỏ", unit: "C1"))
            let (done, refused) = await Self.twice { try await store.support.cancel(op, id, reason: "ghi nhầm", on: day(2025, 5, 2)) }
            #expect(done == 1)
            #expect(refused.map { "\($0)" } == ["\(StorageError.invalid(Message("refusal.support.already_cancelled", .number(id))))"])
            try await SupportTests.reconciles(store)
            let entries = try await store.audit.entries(op, entity: "household").filter { $0.action == "huy_ho_tro" }
            #expect(entries.count == 1)
        }
    }

    /// A Mái ấm house entered by hand twice at once for one household is given once (the
    /// household is locked before its houses are read).
    @Test(arguments: TestDatabase.available)
    func aMaiAmHouseEnteredTwiceAtOnceIsGivenOnce(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await SupportTests.setUp(store)
            let op = try await store.op
            let (done, refused) = await Self.twice {
                try await store.support.record(op, NewSupport(household: "HO-01", policy: "mai_am_xay_moi", day: day(2026, 5, 1), value: 0, inKind: "nhà",
                                                              source: .partner, sourceName: "Doanh nghiệp", unit: "C1"))
            }
            #expect(done == 1)
            let message = StorageError.invalid(Message("refusal.support.mai_am_repeat", .text("HO-01"), .day(day(2026, 5, 1)),
                                                       .number(SupportRules.bundled.maiAmRepeatYears)))
            #expect(refused.map { "\($0)" } == ["\(message)"])
            let houses = try await store.sql.raw("SELECT COUNT(*) AS n FROM support WHERE policy_code LIKE 'mai_am%' AND cancelled_at IS NULL").first()?.int("n")
            #expect(houses == 1)
            try await SupportTests.reconciles(store)
        }
    }

    /// A balance never passes `Money.maximum`, however many raise it at once (before: each read
    /// the balance, then added, so two could pass together).
    @Test(arguments: TestDatabase.available)
    func twoContributionsAtOnceStayUnderTheCeiling(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await SupportTests.setUp(store)
            let op = try await store.op
            try await store.funds.contribute(op, fund: "xa_hoi", unit: "T", day: day(2025, 12, 1), amount: Money.maximum - 10, contributor: "x")
            let (done, refused) = await Self.twice {
                try await store.funds.contribute(op, fund: "xa_hoi", unit: "T", day: day(2025, 12, 2), amount: 10, contributor: "y")
            }
            #expect(done == 1)
            #expect(refused.map { "\($0)" } == ["\(StorageError.invalid(Message("refusal.fund.balance_too_large", .money(Money.maximum))))"])
            #expect(try await store.funds.balance(op, fund: "xa_hoi", unit: "T") == Money.maximum)
            try await SupportTests.reconciles(store)
        }
    }

    @Test(arguments: TestDatabase.available)
    func twoTransfersOfOneMemberAtOnceLeaveOneOpenMembership(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await SupportTests.setUp(store)
            try await store.importMembers([Files.membersHeader, Files.member("DV-51", "Lò Văn Năm", unit: "C1", joined: "01/01/2015")])
            let op = try await store.op
            let memberID = try #require(try await store.members.profile(op, code: "DV-51").record.id)
            let c2 = try await store.unitID("C2"), c3 = try await store.unitID("C3")
            async let toC3 = Self.twice { try await store.members.assign(op, memberID: memberID, unitID: c3, from: day(2025, 2, 1)) }
            async let toC2 = Self.twice { try await store.members.assign(op, memberID: memberID, unitID: c2, from: day(2025, 3, 1)) }
            let outcomes = await [toC3, toC2]
            #expect(outcomes.map(\.done).reduce(0, +) >= 1)
            let open = try await store.sql.raw("SELECT COUNT(*) AS n FROM memberships WHERE member_id = \(bind: memberID) AND left_on IS NULL")
                .first()?.int("n")
            #expect(open == 1)
            // The periods follow each other: each one ends where the next begins.
            let periods = try await store.sql.raw("SELECT joined, left_on FROM memberships WHERE member_id = \(bind: memberID) ORDER BY joined")
                .all().map { (try $0.string("joined"), try $0.optionalString("left_on")) }
            for (earlier, later) in zip(periods, periods.dropFirst()) { #expect(earlier.1 == later.0, "\(periods)") }
        }
    }

    @Test(arguments: TestDatabase.available)
    func aUnitDissolvedWhileAMemberMovesOutAndInLeavesEveryoneInOneStandingUnit(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await SupportTests.setUp(store)
            try await store.importMembers([Files.membersHeader, Files.member("DV-53", "Vi Văn Bảy", unit: "C1", joined: "01/01/2015"),
                                           Files.member("DV-54", "Vi Thị Tám", unit: "C3", joined: "01/01/2015")])
            let op = try await store.op
            let leaving = try #require(try await store.members.profile(op, code: "DV-53").record.id)
            let coming = try #require(try await store.members.profile(op, code: "DV-54").record.id)
            let c1 = try await store.unitID("C1"), c3 = try await store.unitID("C3")
            // C1 passes to C2 on 1/7 while one member moves out of it (1/6) and another into it (1/5).
            async let dissolved: Void = store.units.dissolve(op, "C1", successor: "C2", on: day(2026, 7, 1))
            async let out = Self.twice { try await store.members.assign(op, memberID: leaving, unitID: c3, from: day(2026, 6, 1)) }
            async let into = Self.twice { try await store.members.assign(op, memberID: coming, unitID: c1, from: day(2026, 5, 1)) }
            _ = try await (dissolved, out, into)
            for member in [leaving, coming] {
                let open = try await store.sql.raw("""
                    SELECT u.code FROM memberships ms JOIN units u ON u.id = ms.unit_id WHERE ms.member_id = \(bind: member) AND ms.left_on IS NULL
                    """).all().map { try $0.string("code") }
                #expect(open.count == 1 && !open.contains("C1"), "member #\(member): \(open)")
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func twoSurveysOfOneYearSavedAtOnceBothLandAndCountOnce(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await SupportTests.setUp(store)
            let (done, refused) = await Self.twice { [store] in
                // Each run its own households: two officers' files for the same year.
                let tag = UUID().uuidString.prefix(6)
                _ = try await store.importSurvey([Files.surveyHeader, Files.poor("HO-A\(tag)", 2025, unit: "C1"), Files.notPoor("HO-B\(tag)", 2025, unit: "C3")],
                                                 file: "khao-sat-\(tag).csv")
            }
            #expect(done == 2, "\(refused)")
            try await SupportTests.reconciles(store)
        }
    }

    @Test(arguments: TestDatabase.available)
    func aHardshipEndedTwiceAtOnceEndsOnce(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await SupportTests.setUp(store)
            try await store.importMembers([Files.membersHeader, Files.member("DV-52", "Hà Thị Sáu", unit: "C1", joined: "01/01/2015")])
            let op = try await store.op
            let id = try await store.hardships.record(op, NewHardship(member: "DV-52", kind: .jobLoss, from: day(2024, 3, 1), note: "", verifiedBy: "CĐCS C1"))
            let (done, refused) = await Self.twice { try await store.hardships.end(op, id: id, on: day(2025, 6, 1)) }
            #expect(done == 1 && refused.count == 1)
            #expect(try await store.audit.entries(op, entity: "hardship").filter { $0.action == "hoan_canh_ket_thuc" }.count == 1)
        }
    }
}
