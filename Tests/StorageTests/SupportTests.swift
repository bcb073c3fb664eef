import Demo
import Foundation
import PovertyCore
@_spi(Simulation) @testable import Storage
import SQLKit
import Testing

/// Support records and coverage, fund ledgers, National Employment Fund loans and gift
/// campaigns, on SQLite and PostgreSQL.
@Suite struct SupportTests {
    /// The small tree with HO-01 poor in C1 (viec_lam, bhyt, nha_tieu), HO-02 near-poor in C3 (bhyt),
    /// HO-03 poor in C3 and HO-04 not poor in C2, all reviewed in 2025.
    static func setUp(_ store: Store) async throws {
        try await store.importUnits(Files.smallTree)
        try await store.importMembers(Files.smallMembers + [
            Files.member("DV-05", "Phạm Văn Em", cccd: "037088005555", born: "05/05/1988", sex: "Nam", unit: "C2", joined: "01/01/2012",
                         left: "31/12/2020"),
        ])
        try await store.importSurvey([
            Files.surveyHeader,
            Files.poor("HO-01", 2025, member: "DV-01"),
            Files.nearPoor("HO-02", 2025, member: "DV-03"),
            Files.poor("HO-03", 2025, member: "DV-04"),
            Files.notPoor("HO-04", 2025, unit: "C2"),
        ])
    }

    /// An officer of a unit (its branch: the subtree with predecessors, today).
    static func branch(_ store: Store, _ code: String) async throws -> Actor {
        try await store.officer(code)
    }

    static func reconciles(_ store: Store, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let lines = try await store.funds.reconciliation(try await store.op, from: nil, to: nil)
        for line in lines {
            #expect(line.agrees, "\(line.fund.code)@\(line.unitID): ledger \(line.ledgerSum) ≠ balance \(line.storedBalance)", sourceLocation: sourceLocation)
            #expect(line.storedBalance >= 0, sourceLocation: sourceLocation)
        }
        let negative = try await store.sql.raw("SELECT COUNT(*) AS n FROM fund_balances WHERE balance < 0").first()!.decode(column: "n", as: Int.self)
        #expect(negative == 0, sourceLocation: sourceLocation)
        // And every kept count equals a recount (check-rollups).
        let differences = try await store.rollups.check(try await store.op)
        #expect(differences.isEmpty, "\(differences.prefix(5))", sourceLocation: sourceLocation)
    }

    @Test(arguments: TestDatabase.available)
    func ledgerKeepsBalancesRefusesOverdrawAndCorrectsOnlyByReversal(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await Self.setUp(store)
            let funds = store.funds
            try await funds.contribute(try await store.op, fund: "mai_am", unit: "T", day: day(2025, 1, 10), amount: 50_000_000, contributor: "Công ty May Hoa Lư")
            let (out, inID) = try await funds.allocate(try await store.op, fund: "mai_am", from: "T", to: "H1", day: day(2025, 2, 1), amount: 20_000_000)
            #expect(try await funds.balance(try await store.op, fund: "mai_am", unit: "T") == 30_000_000)
            #expect(try await funds.balance(try await store.op, fund: "mai_am", unit: "H1") == 20_000_000)

            // Overdraw refused, with the balance in the message; nothing written.
            let before = try await store.count("fund_entries")
            await #expect(throws: StorageError.self) {
                try await funds.disburse(try await store.op, fund: "mai_am", unit: "H1", day: day(2025, 3, 1), amount: 20_000_001, household: "HO-01",
                                         note: "xây nhà")
            }
            #expect(try await store.count("fund_entries") == before)
            let paid = try await funds.disburse(try await store.op, fund: "mai_am", unit: "H1", day: day(2025, 3, 1), amount: 15_000_000, household: "HO-01",
                                                note: "sửa nhà")
            #expect(try await funds.balance(try await store.op, fund: "mai_am", unit: "H1") == 5_000_000)

            // A grassroots officer cannot touch the federation's ledger.
            let c1 = try await Self.branch(store, "C1")
            await #expect(throws: StorageError.notFound(.unit, "H1")) {
                try await funds.disburse(c1, fund: "mai_am", unit: "H1", day: day(2025, 3, 2), amount: 1, note: "x")
            }

            // A household of another branch cannot be paid from this branch's fund.
            let h1 = try await Self.branch(store, "H1")
            await #expect(throws: StorageError.notFound(.household, "HO-03")) {
                try await funds.disburse(h1, fund: "mai_am", unit: "H1", day: day(2025, 3, 2), amount: 1, household: "HO-03", note: "x")
            }
            // Reversal: once, never of a reversal; an allocation's halves go together.
            let r = try await funds.reverse(try await store.op, entryID: paid, day: day(2025, 3, 5), reason: "nhập nhầm")
            #expect(try await funds.balance(try await store.op, fund: "mai_am", unit: "H1") == 20_000_000)
            await #expect(throws: StorageError.self) { try await funds.reverse(try await store.op, entryID: paid, day: day(2025, 3, 6), reason: "lần hai") }
            await #expect(throws: StorageError.self) { try await funds.reverse(try await store.op, entryID: r, day: day(2025, 3, 6), reason: "đảo của đảo") }
            // Not dated before the entry it corrects.
            await #expect(throws: StorageError.invalid(Message("refusal.fund.reversal_before_entry", .day(day(2025, 1, 1)), .number(inID), .day(day(2025, 2, 1))))) {
                try await funds.reverse(try await store.op, entryID: inID, day: day(2025, 1, 1), reason: "phân bổ nhầm")
            }
            // An allocation from T to H1 is not undone from H1's branch: its other half is T's.
            await #expect(throws: StorageError.invalid(Message("refusal.fund.allocation_reversed_by_both_branches", .number(inID)))) {
                try await funds.reverse(try await Self.branch(store, "H1"), entryID: inID, day: day(2025, 3, 7), reason: "phân bổ nhầm")
            }
            try await funds.reverse(try await store.op, entryID: inID, day: day(2025, 3, 7), reason: "phân bổ nhầm")
            #expect(try await funds.balance(try await store.op, fund: "mai_am", unit: "T") == 50_000_000)
            #expect(try await funds.balance(try await store.op, fund: "mai_am", unit: "H1") == 0)
            await #expect(throws: StorageError.self) { try await funds.reverse(try await store.op, entryID: out, day: day(2025, 3, 8), reason: "x") }

            // Entries are never edited: every original is still there, with its reversal beside it.
            #expect(try await funds.entry(try await store.op, paid).reversedByID == r)
            #expect(try await store.count("fund_entries") == 7)

            // A period's statement: opening + movements = closing.
            let march = try await funds.statement(try await store.op, fund: "mai_am", unit: "H1", from: day(2025, 3, 1), to: day(2025, 3, 31))
            #expect(march.totals.opening == 20_000_000)
            #expect(march.totals.total(.disbursement) == -15_000_000)
            #expect(march.totals.total(.reversal) == 15_000_000 - 20_000_000)
            #expect(march.totals.closing == 0)
            #expect(march.entries.count == 3)
            #expect(march.storedBalance == 0)
            try await Self.reconciles(store)
            // Seven writes; reading the entry paid to HO-01 and the March ledger naming it are reads of named people.
            let trail = try await store.audit.entries(try await store.op, entity: "fund_entry")
            #expect(trail.filter { !$0.action.hasPrefix("xem") }.count == 7)
            #expect(trail.filter { $0.action == "xem" }.map(\.entityID) == [paid])
            #expect(trail.filter { $0.action == "xem_danh_sach" }.map(\.detail) == ["sổ quỹ mai_am tại H1 2025-03-01–2025-03-31: 3 dòng, 1 dòng có tên hộ/người đóng góp"])
            // A ledger naming nobody (only allocations and their reversal) is not.
            _ = try await funds.statement(try await store.op, fund: "mai_am", unit: "H1", from: day(2025, 2, 1), to: day(2025, 2, 28))
            #expect(try await store.audit.entries(try await store.op, entity: "fund_entry").filter { $0.action == "xem_danh_sach" }.count == 1)
        }
    }

    /// Random sequences of contributions, allocations, disbursements and reversals, dated out
    /// of order, against a model of the ledgers: money out is accepted exactly when the ledger
    /// held it on its day and on every later day with entries (never spent before it arrived,
    /// never taken from what a later payment counted on); whatever is accepted or refused, the
    /// stored balances equal the model, the ledger sums to them and none is negative.
    @Test(arguments: TestDatabase.available)
    func randomLedgerOperationsKeepEveryInvariant(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await Self.setUp(store)
            let funds = store.funds
            var rng = SeededRandom(seed: 20_251_203)
            let units = ["T", "H1", "H2", "C1"]
            let fundCodes = ["mai_am", "xa_hoi"]
            var ledger: [String: [(day: Day, amount: Dong)]] = [:]
            var model: [String: Dong] { ledger.mapValues { $0.reduce(0) { $0 + $1.amount } } }
            /// What `key` can pay on `d`: the least balance at the end of `d` and of every later day with entries.
            func available(_ key: String, on d: Day) -> Dong {
                let list = ledger[key] ?? []
                let days = Set(list.map(\.day).filter { $0 > d } + [d])
                return days.map { t in list.filter { $0.day <= t }.reduce(0) { $0 + $1.amount } }.min() ?? 0
            }
            var reversible: [(id: Int, day: Day, effects: [(String, Dong)])] = []
            var refused = 0, refusedByDate = 0
            for _ in 0..<120 {
                let fund = rng.pick(fundCodes)
                let unit = rng.pick(units)
                let amount = Dong(rng.int(in: 1...40)) * 250_000
                let d = day(2025, 1 + rng.int(in: 0...11), 1 + rng.int(in: 0...27))
                let op = try await store.op
                switch rng.int(in: 0...9) {
                case 0...2:
                    let id = try await funds.contribute(op, fund: fund, unit: unit, day: d, amount: amount, contributor: "đoàn viên")
                    ledger["\(fund)@\(unit)", default: []].append((d, amount))
                    reversible.append((id, d, [("\(fund)@\(unit)", -amount)]))
                case 3...4:
                    let to = rng.pick(units.filter { $0 != unit })
                    let fits = available("\(fund)@\(unit)", on: d) >= amount
                    do {
                        let (out, _) = try await funds.allocate(op, fund: fund, from: unit, to: to, day: d, amount: amount)
                        #expect(fits)
                        ledger["\(fund)@\(unit)", default: []].append((d, -amount))
                        ledger["\(fund)@\(to)", default: []].append((d, amount))
                        reversible.append((out, d, [("\(fund)@\(unit)", amount), ("\(fund)@\(to)", -amount)]))
                    } catch is StorageError {
                        #expect(!fits)
                        refused += 1
                        if model["\(fund)@\(unit)", default: 0] >= amount { refusedByDate += 1 }
                    }
                case 5...7:
                    let fits = available("\(fund)@\(unit)", on: d) >= amount
                    do {
                        let id = try await funds.disburse(op, fund: fund, unit: unit, day: d, amount: amount, note: "chi")
                        #expect(fits)
                        ledger["\(fund)@\(unit)", default: []].append((d, -amount))
                        reversible.append((id, d, [("\(fund)@\(unit)", amount)]))
                    } catch is StorageError {
                        #expect(!fits)
                        refused += 1
                        if model["\(fund)@\(unit)", default: 0] >= amount { refusedByDate += 1 }
                    }
                default:
                    guard !reversible.isEmpty else { continue }
                    let i = rng.int(in: 0...(reversible.count - 1))
                    let target = reversible[i]
                    // Dated on or after the entry it corrects, and every half that takes money
                    // out must find it on the reversal's day.
                    let fits = d >= target.day && target.effects.allSatisfy { $0.1 >= 0 || available($0.0, on: d) + $0.1 >= 0 }
                    do {
                        try await funds.reverse(op, entryID: target.id, day: d, reason: "sửa")
                        #expect(fits)
                        for (key, delta) in target.effects { ledger[key, default: []].append((d, delta)) }
                        reversible.remove(at: i)
                    } catch is StorageError {
                        #expect(!fits)
                        refused += 1
                    }
                }
            }
            // Some payments were refused only because the money had not arrived on their day.
            #expect(refusedByDate > 0)
            #expect(refused > 0)
            for (key, expected) in model {
                let parts = key.split(separator: "@").map(String.init)
                #expect(try await funds.balance(try await store.op, fund: parts[0], unit: parts[1]) == expected, "\(key)")
            }
            try await Self.reconciles(store)
        }
    }

    /// Twenty-five disbursements racing for a fund that covers ten: exactly ten are paid.
    @Test(arguments: TestDatabase.available)
    func concurrentDisbursementsNeverOverdraw(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await Self.setUp(store)
            try await store.funds.contribute(try await store.op, fund: "xa_hoi", unit: "H1", day: day(2025, 1, 2), amount: 10 * 700_000, contributor: "LĐLĐ tỉnh")
            let paid = try await withThrowingTaskGroup(of: Bool.self) { group in
                for i in 0..<25 {
                    group.addTask {
                        do {
                            try await store.funds.disburse(try await store.op, fund: "xa_hoi", unit: "H1", day: day(2025, 1, 3), amount: 700_000,
                                                           note: "quà \(i)")
                            return true
                        } catch let error as StorageError {
                            guard case .invalid = error else { throw error }
                            return false
                        }
                    }
                }
                var n = 0
                for try await ok in group where ok { n += 1 }
                return n
            }
            #expect(paid == 10)
            #expect(try await store.funds.balance(try await store.op, fund: "xa_hoi", unit: "H1") == 0)
            let disbursements = try await store.sql.raw("SELECT COUNT(*) AS n FROM fund_entries WHERE kind = 'disbursement'").first()!.decode(column: "n", as: Int.self)
            #expect(disbursements == 10)
            try await Self.reconciles(store)
        }
    }

    @Test(arguments: TestDatabase.available)
    func coverageShowsWhatEachPoorHouseholdStillLacks(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await Self.setUp(store)
            let support = store.support
            var report = try await support.coverage(try await store.op)
            #expect(report.year == 2025)
            #expect(report.households == 2 && report.complete == 0 && report.gapCount == 2)
            let gap = try #require(report.gaps.first { $0.householdCode == "HO-01" })
            #expect(Set(gap.coverage.missingIndicators) == ["viec_lam", "bhyt", "nha_tieu"])
            #expect(gap.coverage.suggestedPolicies.contains("ho_tro_bhyt"))

            // Health insurance from the state, clean water from a partner, vocational training paid by a fund.
            try await support.record(try await store.op, NewSupport(household: "HO-01", policy: "ho_tro_bhyt", day: day(2025, 4, 1), value: 1_200_000,
                                                source: .state, sourceName: "BHXH tỉnh", unit: "C1"))
            try await support.record(try await store.op, NewSupport(household: "HO-01", policy: "nuoc_ve_sinh", day: day(2025, 5, 1), value: 0, inKind: "bể lọc nước",
                                                source: .partner, sourceName: "Hội Chữ thập đỏ", unit: "C1"))
            var partial = try #require(try await support.coverage(try await store.op, household: "HO-01"))
            #expect(partial.missingIndicators == ["viec_lam"])
            // A fund that is short refuses the support and writes nothing.
            let training = NewSupport(household: "HO-01", policy: "dao_tao_nghe", day: day(2025, 6, 1), value: 3_000_000, source: .fund,
                                      unit: "C1", fund: "tro_von")
            await #expect(throws: StorageError.self) { try await support.record(try await store.op, training) }
            #expect(try await support.records(try await store.op, household: "HO-01").count == 2)
            try await store.funds.contribute(try await store.op, fund: "tro_von", unit: "C1", day: day(2025, 1, 5), amount: 5_000_000, contributor: "đoàn viên C1")
            let trainingID = try await support.record(try await store.op, training)
            #expect(try await store.funds.balance(try await store.op, fund: "tro_von", unit: "C1") == 2_000_000)
            partial = try #require(try await support.coverage(try await store.op, household: "HO-01"))
            #expect(partial.isComplete)

            report = try await support.coverage(try await store.op)
            #expect(report.households == 2 && report.complete == 1)
            #expect(report.gaps.map(\.householdCode) == ["HO-03"])
            let c1ID = try await store.unitID("C1"), c3ID = try await store.unitID("C3")
            #expect(report.units.first { $0.unitID == c1ID }?.complete == 1)
            #expect(report.units.first { $0.unitID == c3ID }?.complete == 0)
            // Near-poor households as an option.
            #expect(try await support.coverage(try await store.op, includeNearPoor: true).households == 3)
            // A branch sees only its households; another branch's household is out of reach.
            let c3 = try await Self.branch(store, "C3")
            #expect(try await support.coverage(c3).gaps.map(\.householdCode) == ["HO-03"])
            await #expect(throws: StorageError.notFound(.household, "HO-01")) { try await support.records(c3, household: "HO-01") }

            // Cancelling the fund's support gives the money back by a reversal.
            try await support.cancel(try await store.op, trainingID, reason: "hộ từ chối", on: day(2025, 6, 10))
            #expect(try await store.funds.balance(try await store.op, fund: "tro_von", unit: "C1") == 5_000_000)
            #expect(try await support.coverage(try await store.op, household: "HO-01")?.isComplete == false)
            try await Self.reconciles(store)
            #expect(try await store.audit.entries(try await store.op, entity: "household").filter { $0.action == "ho_tro" || $0.action == "huy_ho_tro" }.count == 4)
        }
    }

    @Test(arguments: TestDatabase.available)
    func loansFollowTheRulesOfTheirDayAndReturnCapitalToThePool(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await Self.setUp(store)
            let loans = store.loans
            try await store.funds.contribute(try await store.op, fund: "nef", unit: "T", day: day(2025, 1, 2), amount: 500_000_000, contributor: "Quỹ quốc gia về việc làm")
            try await store.funds.allocate(try await store.op, fund: "nef", from: "T", to: "H1", day: day(2025, 1, 3), amount: 150_000_000)

            func application(_ member: String, _ amount: Dong, term: Int = 36, on d: Day, purpose: String = "chan_nuoi") -> LoanApplication {
                LoanApplication(member: member, household: member == "DV-01" ? "HO-01" : nil, unit: "H1", purpose: purpose, jobsPlanned: 2,
                                amount: amount, termMonths: term, everyMonths: 3, appliedOn: d)
            }
            // 2025: at most 100,000,000 đ per worker; 2026: 200,000,000 đ. Terms up to 120 months.
            await #expect(throws: LoanRefused.self) { try await loans.apply(try await store.op, application("DV-01", 120_000_000, on: day(2025, 12, 31))) }
            _ = try await loans.apply(try await store.op, application("DV-02", 120_000_000, on: day(2026, 1, 1)))
            await #expect(throws: LoanRefused.self) { try await loans.apply(try await store.op, application("DV-01", 50_000_000, term: 121, on: day(2025, 6, 1))) }
            await #expect(throws: LoanRefused.self) { try await loans.apply(try await store.op, application("DV-01", 50_000_000, on: day(2025, 6, 1), purpose: "mua_xe")) }
            // DV-05 left the union at the end of 2020: not in good standing.
            await #expect(throws: LoanRefused.self) { try await loans.apply(try await store.op, application("DV-05", 50_000_000, on: day(2025, 6, 1))) }

            // An H1 officer cannot lend to (or look up) a member of H2's branch.
            let h1 = try await Self.branch(store, "H1")
            await #expect(throws: StorageError.notFound(.member, "DV-03")) {
                try await loans.apply(h1, application("DV-03", 10_000_000, on: day(2025, 6, 1)))
            }
            let code = try await loans.apply(try await store.op, application("DV-01", 100_000_000, on: day(2025, 6, 1)))
            await #expect(throws: StorageError.self) { try await loans.disburse(try await store.op, code, on: day(2025, 6, 20)) }
            try await loans.approve(try await store.op, code, on: day(2025, 6, 15), note: "đúng đối tượng")
            // No money out before the approval's day.
            await #expect(throws: StorageError.invalid(Message("refusal.loan.step_before_previous", .day(day(2025, 6, 14)), .day(day(2025, 6, 15))))) {
                try await loans.disburse(try await store.op, code, on: day(2025, 6, 14))
            }
            try await loans.disburse(try await store.op, code, on: day(2025, 7, 1))
            #expect(try await store.funds.balance(try await store.op, fund: "nef", unit: "H1") == 50_000_000)
            // The pool now cannot cover another 100,000,000 đ.
            let second = try await loans.apply(try await store.op, application("DV-02", 60_000_000, on: day(2025, 7, 2)))
            await #expect(throws: StorageError.self) { try await loans.approve(try await store.op, second, on: day(2025, 7, 3)) }
            // Steps are dated in order: no decision before the application.
            await #expect(throws: StorageError.invalid(Message("refusal.loan.step_before_previous", .day(day(2025, 7, 1)), .day(day(2025, 7, 2))))) {
                try await loans.reject(try await store.op, second, on: day(2025, 7, 1), note: "thử")
            }

            // 36 months, quarterly: 11 instalments of 8,333,333 đ and a last of 8,333,337 đ.
            var file = try await loans.file(try await store.op, code)
            #expect(file.schedule.count == 12)
            #expect(file.schedule.reduce(0) { $0 + $1.principal } == 100_000_000)
            #expect(file.schedule.first?.due == day(2025, 10, 1))
            // The first instalment paid, the second not: 31 days late on 01/02/2026 and 91 on 02/04/2026.
            try await loans.repay(try await store.op, code, on: day(2025, 10, 1), amount: 8_333_333)
            file = try await loans.file(try await store.op, code)
            #expect(file.position(on: day(2026, 1, 1)).daysOverdue == 0)
            #expect(file.position(on: day(2026, 1, 31)).bucket == .days1to30)
            #expect(file.position(on: day(2026, 2, 1)).bucket == .days31to90)
            #expect(file.position(on: day(2026, 4, 2)).daysOverdue == 91)
            #expect(file.position(on: day(2026, 4, 2)).bucket == .days91to180)
            var (ageing, lines) = try await loans.ageing(try await store.op, on: day(2026, 4, 2))
            #expect(ageing.activeLoans == 1)
            #expect(ageing.buckets.first { $0.bucket == .days91to180 }?.loans == 1)
            #expect(lines.first?.file.code == code)
            // No extension before the money was out.
            await #expect(throws: StorageError.invalid(Message("refusal.loan.step_before_previous", .day(day(2025, 6, 30)), .day(day(2025, 7, 1))))) {
                try await loans.extend(try await store.op, code, granted: day(2025, 6, 30), months: 1, reason: "thử")
            }
            // A six-month extension granted on 20/12/2025 moves every instalment from then on.
            try await loans.extend(try await store.op, code, granted: day(2025, 12, 20), months: 6, reason: "thiên tai")
            // A later one is not granted before it.
            await #expect(throws: StorageError.invalid(Message("refusal.loan.step_before_previous", .day(day(2025, 12, 19)), .day(day(2025, 12, 20))))) {
                try await loans.extend(try await store.op, code, granted: day(2025, 12, 19), months: 1, reason: "thử")
            }
            file = try await loans.file(try await store.op, code)
            #expect(file.position(on: day(2026, 4, 2)).daysOverdue == 0)
            // Repayments go back to the pool and can be lent again; the last one closes the loan.
            try await loans.repay(try await store.op, code, on: day(2026, 5, 1), amount: 41_666_667)
            #expect(try await store.funds.balance(try await store.op, fund: "nef", unit: "H1") == 100_000_000)
            try await loans.approve(try await store.op, second, on: day(2026, 5, 2))
            await #expect(throws: StorageError.self) { try await loans.repay(try await store.op, code, on: day(2026, 5, 3), amount: 60_000_000) }
            // The last repayment recorded late, dated before the one of 01/05/2026: the loan closes
            // on its latest repayment's day, and reads as still owed until then.
            try await loans.repay(try await store.op, code, on: day(2026, 4, 20), amount: 50_000_000)
            let closed = try await loans.file(try await store.op, code)
            #expect(closed.state == .repaid && closed.closedOn == day(2026, 5, 1))
            #expect(closed.state(on: day(2026, 4, 30)) == .disbursed && closed.state(on: day(2026, 5, 1)) == .repaid)
            #expect(closed.state(on: day(2025, 6, 14)) == .applied && closed.state(on: day(2025, 6, 15)) == .approved && closed.state(on: day(2025, 5, 31)) == nil)
            // Jobs are counted on a day; a later count never changes what an earlier day's figures said.
            try await loans.recordJobs(try await store.op, code, created: 3, on: day(2026, 5, 2))
            let counted = try await loans.ageing(try await store.op, on: day(2026, 5, 31)).report.jobsCreated
            try await loans.recordJobs(try await store.op, code, created: 5, on: day(2026, 6, 1))
            #expect(try await loans.ageing(try await store.op, on: day(2026, 5, 31)).report.jobsCreated == counted)
            #expect(try await loans.ageing(try await store.op, on: day(2026, 6, 1)).report.jobsCreated == counted + 2)
            #expect(try await loans.file(try await store.op, code).jobsCreated == 5)
            // A count recorded late for 2025: a year's report counts the jobs counted during it,
            // so that yearly reports add up to the running total.
            try await loans.recordJobs(try await store.op, code, created: 1, on: day(2025, 12, 1))
            let branch = try await store.unitID("H1")
            let (in2025, in2026) = (try await store.reports.figures(try await store.op, unit: branch, year: 2025),
                                    try await store.reports.figures(try await store.op, unit: branch, year: 2026))
            #expect(in2025.jobsCreatedInYear == 1 && in2025.jobsCreated == 1)
            #expect(in2026.jobsCreatedInYear == 4 && in2026.jobsCreated == 5)
            await #expect(throws: StorageError.invalid(Message("refusal.loan.step_before_previous", .day(day(2025, 6, 30)), .day(day(2025, 7, 1))))) {
                try await loans.recordJobs(try await store.op, code, created: 1, on: day(2025, 6, 30))
            }
            // Write-off of a loan that went bad.
            try await loans.disburse(try await store.op, second, on: day(2026, 5, 10))
            await #expect(throws: StorageError.invalid(Message("refusal.loan.step_before_previous", .day(day(2026, 5, 9)), .day(day(2026, 5, 10))))) {
                try await loans.writeOff(try await store.op, second, on: day(2026, 5, 9), reason: "thử")
            }
            // Nor before an extension granted on it.
            try await loans.extend(try await store.op, second, granted: day(2026, 6, 1), months: 3, reason: "ốm")
            await #expect(throws: StorageError.invalid(Message("refusal.loan.step_before_previous", .day(day(2026, 5, 20)), .day(day(2026, 6, 1))))) {
                try await loans.writeOff(try await store.op, second, on: day(2026, 5, 20), reason: "thử")
            }
            // Nor ahead of today (2026-12-01): a step is recorded once it has happened.
            await #expect(throws: StorageError.invalid(Message("refusal.loan.day_ahead", .day(day(2026, 12, 2))))) {
                try await loans.writeOff(try await store.op, second, on: day(2026, 12, 2), reason: "thử")
            }
            try await loans.writeOff(try await store.op, second, on: day(2026, 11, 1), reason: "người vay mất")
            // The write-off's reason is kept apart from the approval's note, and its audit entry names its day.
            let gone = try await loans.file(try await store.op, second)
            #expect(gone.writeOffNote == "người vay mất" && gone.decisionNote != "người vay mất" && gone.decidedOn == day(2026, 5, 2))
            #expect(try await store.audit.entries(try await store.op).contains { $0.action == "vay_xoa_no" && $0.detail.hasPrefix("\(second) 2026-11-01 ") })
            (ageing, lines) = try await loans.ageing(try await store.op, on: day(2026, 11, 2))
            #expect(ageing.activeLoans == 0 && ageing.writtenOff == 60_000_000 && ageing.jobsCreated == 5)
            // Approved, then rejected: approved in between, rejected from the rejection's day.
            let third = try await loans.apply(try await store.op, application("DV-01", 10_000_000, on: day(2026, 6, 1)))
            try await loans.approve(try await store.op, third, on: day(2026, 6, 2))
            try await loans.reject(try await store.op, third, on: day(2026, 6, 10), note: "người vay rút hồ sơ")
            let turned = try await loans.file(try await store.op, third)
            #expect(turned.state(on: day(2026, 6, 1)) == .applied && turned.state(on: day(2026, 6, 5)) == .approved)
            #expect(turned.state(on: day(2026, 6, 10)) == .rejected && turned.approvedOn == day(2026, 6, 2) && turned.decidedOn == day(2026, 6, 10))
            // The loan shows on the household's support, and a C3 officer cannot see H1's loans.
            #expect(try await store.support.records(try await store.op, household: "HO-01").contains { $0.policyCode == "vay_quy_viec_lam" })
            let c3 = try await Self.branch(store, "C3")
            #expect(try await loans.loans(c3).isEmpty)
            await #expect(throws: StorageError.notFound(.loan, code)) { try await loans.file(c3, code) }
            try await Self.reconciles(store)
        }
    }

    /// Counts and sums the databases could not add are refused at the door, whatever the
    /// channel: a loan's jobs beyond the form's bounds, a fund balance or a campaign list above
    /// `Money.maximum` (before: accepted, and every page summing them then failed).
    @Test(arguments: TestDatabase.available)
    func amountsAndCountsStayWithinWhatCanBeAdded(db: TestDatabase) async throws {
        try await db.withStore { store in
            let code = try await Self.tetOfTheProvince(store, held: Money.maximum, budget: 0)
            let op = try await store.op
            await #expect(throws: StorageError.invalid(Message("refusal.invalid_jobs"))) { try await store.loans.recordJobs(op, "VAY-X", created: Int.max, on: store.today) }
            await #expect(throws: StorageError.invalid(Message("refusal.invalid_jobs"))) { try await store.loans.recordJobs(op, "VAY-X", created: 1001, on: store.today) }
            await #expect(throws: StorageError.invalid(Message("refusal.fund.balance_too_large", .money(Money.maximum)))) {
                try await store.funds.contribute(op, fund: "xa_hoi", unit: "T", day: day(2025, 12, 2), amount: 1, contributor: "x")
            }
            #expect(try await store.funds.balance(op, fund: "xa_hoi", unit: "T") == Money.maximum)
            try await store.campaigns.add(op, code, household: "HO-01", amount: Money.maximum, reason: "x")
            await #expect(throws: StorageError.invalid(Message("refusal.campaign.list_total_too_large", .money(Money.maximum)))) {
                try await store.campaigns.add(op, code, household: "HO-03", amount: 1, reason: "x")
            }
            #expect(try await store.campaigns.proposals(op, code).map(\.householdCode) == ["HO-01"])
        }
    }

    /// Typed text is bounded at the door with the field named, support is not recorded ahead
    /// of time, and a password is bounded in the bytes bcrypt reads.
    @Test(arguments: TestDatabase.available)
    func typedTextIsBoundedSupportIsNotAheadAndPasswordsFitTheHash(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await Self.setUp(store)
            let op = try await store.op
            let giver = String(repeating: "Đ", count: 501)
            await #expect(throws: StorageError.invalid(Message("refusal.text_too_long", .both(vi: "người đóng góp", en: "contributor"), .number(500)))) {
                try await store.funds.contribute(op, fund: "xa_hoi", unit: "T", day: day(2025, 1, 2), amount: 1, contributor: giver)
            }
            await #expect(throws: StorageError.invalid(Message("refusal.text_too_long", .both(vi: "lý do", en: "reason"), .number(2000)))) {
                try await store.loans.writeOff(op, "VAY-X", on: day(2025, 1, 2), reason: String(repeating: "x", count: 2001))
            }
            #expect(try await store.count("fund_entries") == 0)
            let tomorrow = store.today.adding(days: 1)
            await #expect(throws: StorageError.invalid(Message("refusal.support.future", .day(tomorrow)))) {
                try await store.support.record(op, NewSupport(household: "HO-01", policy: "ho_tro_bhyt", day: tomorrow, value: 1, source: .state, unit: "C1"))
            }
            #expect(PasswordPolicy.problem(String(repeating: "ă", count: 40), username: "a") == .passwordTooLong(72))
            #expect(PasswordPolicy.problem(String(repeating: "a", count: 72), username: "b") == nil)
        }
    }

    /// Money in or out, support, a loan application and a campaign name a unit that stood on
    /// their day: not one founded later, nor one already dissolved (before: a crafted form put
    /// a 2020 contribution into a unit founded in 2025, or money into a dissolved unit's ledger).
    @Test(arguments: TestDatabase.available)
    func moneyAndSupportNameAUnitThatStoodThatDay(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await Self.setUp(store)
            let op = try await store.op
            _ = try await store.units.create(op, NewUnit(code: "C9", name: "CĐCS mới", kind: .grassrootsUnion, parentCode: "H1"), from: day(2025, 7, 1))
            try await store.funds.contribute(op, fund: "xa_hoi", unit: "C2", day: day(2025, 5, 31), amount: 1_000_000, contributor: "x")
            try await store.units.dissolve(op, "C2", successor: "C1", on: day(2025, 6, 1))
            try await store.funds.contribute(op, fund: "xa_hoi", unit: "T", day: day(2025, 1, 2), amount: 9_000_000, contributor: "x")
            let before = try await store.funds.balances(op)

            await #expect(throws: StorageError.unitNotActive("C9", day(2025, 3, 1))) {
                try await store.funds.contribute(op, fund: "xa_hoi", unit: "C9", day: day(2025, 3, 1), amount: 1, contributor: "x")
            }
            await #expect(throws: StorageError.unitNotActive("C2", day(2025, 6, 1))) {
                try await store.funds.contribute(op, fund: "xa_hoi", unit: "C2", day: day(2025, 6, 1), amount: 1, contributor: "x")
            }
            await #expect(throws: StorageError.unitNotActive("C9", day(2025, 6, 30))) {
                try await store.funds.allocate(op, fund: "xa_hoi", from: "T", to: "C9", day: day(2025, 6, 30), amount: 1)
            }
            // An ended unit's money goes only to what it became.
            await #expect(throws: StorageError.invalid(Message("refusal.fund.ended_unit_hands_on", .text("C2"), .day(day(2025, 7, 1))))) {
                try await store.funds.allocate(op, fund: "xa_hoi", from: "C2", to: "T", day: day(2025, 7, 1), amount: 1)
            }
            await #expect(throws: StorageError.unitNotActive("C2", day(2025, 7, 1))) {
                try await store.funds.disburse(op, fund: "xa_hoi", unit: "C2", day: day(2025, 7, 1), amount: 1, note: "x")
            }
            await #expect(throws: StorageError.unitNotActive("C2", day(2025, 7, 1))) {
                try await store.support.record(op, NewSupport(household: "HO-01", policy: "ho_tro_bhyt", day: day(2025, 7, 1), value: 1,
                                                              source: .state, sourceName: "BHXH tỉnh", unit: "C2"))
            }
            await #expect(throws: StorageError.unitNotActive("C9", day(2025, 3, 1))) {
                try await store.loans.apply(op, LoanApplication(member: "DV-01", household: "HO-01", unit: "C9", purpose: "chan_nuoi", jobsPlanned: 2,
                                                                amount: 60_000_000, termMonths: 24, everyMonths: 3, appliedOn: day(2025, 3, 1)))
            }
            await #expect(throws: StorageError.unitNotActive("C9", day(2025, 1, 5))) {
                try await store.campaigns.create(op, NewCampaign(kind: .tet, name: "Tết", unit: "C9", fund: "xa_hoi", year: 2024,
                                                                 startsOn: day(2025, 1, 5), endsOn: day(2025, 2, 10), budget: 0))
            }
            let after = try await store.funds.balances(op)
            #expect(after == before)
            let campaigns = try await store.campaigns.campaigns(op)
            #expect(campaigns.isEmpty)

            // From its first day a unit takes money as before; from its end, a dissolved unit's
            // money passes to its successor (one merged or split is the same).
            try await store.funds.allocate(op, fund: "xa_hoi", from: "T", to: "C9", day: day(2025, 7, 1), amount: 2_000_000)
            try await store.funds.disburse(op, fund: "xa_hoi", unit: "C9", day: day(2025, 7, 2), amount: 500_000, note: "x")
            #expect(try await store.funds.balance(op, fund: "xa_hoi", unit: "C9") == 1_500_000)
            try await store.funds.allocate(op, fund: "xa_hoi", from: "C2", to: "C1", day: day(2025, 7, 1), amount: 1_000_000, note: "bàn giao")
            #expect(try await store.funds.balance(op, fund: "xa_hoi", unit: "C2") == 0)
            #expect(try await store.funds.balance(op, fund: "xa_hoi", unit: "C1") == 1_000_000)

            // A campaign's gifts are paid by its organiser on the day: not once it has ended.
            let campaign = try await store.campaigns.create(op, NewCampaign(kind: .tet, name: "Tết C2", unit: "C2", fund: "xa_hoi", year: 2024,
                                                                            startsOn: day(2025, 5, 1), endsOn: day(2025, 6, 30), budget: 0, giftValue: 500_000))
            await #expect(throws: StorageError.unitNotActive("C2", day(2025, 6, 15))) {
                try await store.campaigns.approve(op, campaign, unit: "C2", day: day(2025, 6, 15))
            }
            // A loan applied for and approved while its unit stood is not paid out once it has ended.
            try await store.funds.contribute(op, fund: "nef", unit: "T", day: day(2025, 1, 2), amount: 100_000_000, contributor: "Quỹ quốc gia về việc làm")
            try await store.funds.allocate(op, fund: "nef", from: "T", to: "C2", day: day(2025, 5, 15), amount: 60_000_000)
            let loan = try await store.loans.apply(op, LoanApplication(member: "DV-02", unit: "C2", purpose: "chan_nuoi", jobsPlanned: 2,
                                                                       amount: 50_000_000, termMonths: 24, everyMonths: 3, appliedOn: day(2025, 5, 10)))
            try await store.loans.approve(op, loan, on: day(2025, 5, 20))
            await #expect(throws: StorageError.invalid(Message("refusal.loan.unit_ended", .text("C2"), .day(day(2025, 6, 10))))) {
                try await store.loans.disburse(op, loan, on: day(2025, 6, 10))
            }
            #expect(try await store.loans.file(op, loan).state == .approved)
        }
    }

    /// The fixture with `held` đồng in the province's social fund and a Tết campaign of the
    /// province (budget `budget`, 05/01–10/02/2026) for the 2025 review.
    static func tetOfTheProvince(_ store: Store, held: Dong, budget: Dong) async throws -> String {
        try await setUp(store)
        try await store.funds.contribute(try await store.op, fund: "xa_hoi", unit: "T", day: day(2025, 12, 1), amount: held, contributor: "x")
        return try await store.campaigns.create(try await store.op, NewCampaign(kind: .tet, name: "Tết", unit: "T", fund: "xa_hoi", year: 2025,
                                                                              startsOn: day(2026, 1, 5), endsOn: day(2026, 2, 10), budget: budget))
    }

    /// The gifts of an approval are paid from the ledger as it stood on their day and leave every
    /// later day's balance covered — checked once for their total, the same as gift by gift.
    @Test(arguments: TestDatabase.available)
    func anApprovalIsPaidFromWhatTheLedgerHeldOnItsDay(db: TestDatabase) async throws {
        try await db.withStore { store in
            let c = try await Self.tetOfTheProvince(store, held: 5_000_000, budget: 5_000_000)
            let op = try await store.op
            let listed = try await store.campaigns.draw(op, c, unit: "C1") + (try await store.campaigns.draw(op, c, unit: "C3"))
            #expect(listed >= 2)
            // A spending on 25/01 counts on all but 500,000 of what the fund held on 20/01.
            _ = try await store.funds.disburse(op, fund: "xa_hoi", unit: "T", day: day(2026, 1, 25), amount: 4_500_000, note: "chi khác")
            func refusedFor() async throws -> String? {
                do { _ = try await store.campaigns.approve(op, c, unit: "T", day: day(2026, 1, 20)) } catch StorageError.invalid(let m) { return m.key }
                return nil
            }
            #expect(try await refusedFor() == "refusal.campaign.fund_short")  // the balance today: 500,000
            #expect(try await store.count("support") == 0)
            // Money that comes after it pays gifts dated after it, not those of 20/01.
            try await store.funds.contribute(op, fund: "xa_hoi", unit: "T", day: day(2026, 1, 26), amount: 10_000_000, contributor: "y")
            #expect(try await refusedFor() == "refusal.fund.not_yet_available")
            #expect(try await store.count("support") == 0)
            let approved = try await store.campaigns.approve(op, c, unit: "T", day: day(2026, 1, 27))
            #expect(approved == listed)
            #expect(try await store.count("support") == listed)
            try await Self.reconciles(store)
        }
    }

    /// C1 proposes, then merges into H1: H1 may not approve C1's list, even dated back to
    /// before the merge (those households are its own now); the province may.
    @Test(arguments: TestDatabase.available)
    func aUnitMergedIntoTheApproverSinceIsItsOwn(db: TestDatabase) async throws {
        try await db.withStore { store in
            let c = try await Self.tetOfTheProvince(store, held: 5_000_000, budget: 5_000_000)
            #expect(try await store.campaigns.draw(try await store.op, c, unit: "C1") >= 1)
            try await store.units.merge(try await store.op, ["C1"], into: NewUnit(code: "H1", name: "LĐLĐ Hoa Lư", kind: .districtFederation, parentCode: "T"),
                                        on: day(2026, 6, 1))
            await #expect(throws: StorageError.invalid(Message("refusal.campaign.list_approved_unit_above"))) {
                try await store.campaigns.approve(try await Self.branch(store, "H1"), c, unit: "H1", day: day(2026, 1, 20))
            }
            #expect(try await store.campaigns.approve(try await store.op, c, unit: "H1", day: day(2026, 1, 20)) >= 1)
        }
    }

    /// A household that moved to another branch after it was listed is named at approval, to be
    /// taken off by an officer above both; a list drawn after the move leaves it out.
    @Test(arguments: TestDatabase.available)
    func aHouseholdThatMovedAwayIsNotGivenByTheOldBranch(db: TestDatabase) async throws {
        try await db.withStore { store in
            let c = try await Self.tetOfTheProvince(store, held: 5_000_000, budget: 5_000_000)
            let h1 = try await Self.branch(store, "H1")
            #expect(try await store.campaigns.draw(h1, c, unit: "C1") == 1)
            // HO-01's 2026 review puts it in C3, of the other district.
            try await store.importSurvey([Files.surveyHeader + ["Rác thải"], Files.poor("HO-01", 2026, unit: "C3") + ["0"]])
            await #expect(throws: StorageError.invalid(Message("refusal.campaign.household_moved", .text("HO-01")))) {
                try await store.campaigns.approve(h1, c, unit: "C1", day: day(2026, 1, 20))
            }
            #expect(try await store.count("support") == 0)
            // The old branch no longer writes it: an officer above both takes it off.
            await #expect(throws: StorageError.notFound(.household, "HO-01")) {
                try await store.campaigns.edit(h1, c, household: "HO-01", remove: true, reason: "x")
            }
            try await store.campaigns.edit(try await store.op, c, household: "HO-01", remove: true, reason: "đã chuyển sang huyện khác")
            #expect(try await store.campaigns.approve(h1, c, unit: "C1", day: day(2026, 1, 20)) == 0)
            // A list drawn now leaves it out.
            let second = try await store.campaigns.create(try await store.op, NewCampaign(kind: .tet, name: "Tết lần hai", unit: "T", fund: "xa_hoi", year: 2025,
                                                                                        startsOn: day(2026, 1, 6), endsOn: day(2026, 2, 10), budget: 1_000_000))
            #expect(try await store.campaigns.draw(h1, second, unit: "C1") == 0)
            #expect(try await store.campaigns.draw(try await store.op, second, unit: "C1") == 0)  // nor by the province, for C1's list
            #expect(try await store.campaigns.draw(try await Self.branch(store, "H2"), second, unit: "C3") == 2)
        }
    }

    /// A household taken off a list by mistake, or whose approved gift was cancelled, goes back
    /// on it (one row, proposed again, its old support left cancelled); a gift of 0 đ is
    /// refused when typed, and one stored before is named at approval, not a failure of the list.
    @Test(arguments: TestDatabase.available)
    func aHouseholdGoesBackOnTheListAndAGiftIsMoreThanNothing(db: TestDatabase) async throws {
        try await db.withStore { store in
            let c = try await Self.tetOfTheProvince(store, held: 5_000_000, budget: 5_000_000)
            let op = try await store.op
            try await store.campaigns.add(op, c, household: "HO-03", amount: 500_000, reason: "ốm nặng")
            try await store.campaigns.edit(op, c, household: "HO-03", remove: true, reason: "bấm nhầm")
            #expect(try await store.campaigns.proposals(op, c).first { $0.householdCode == "HO-03" }?.state == .removed)
            try await store.campaigns.add(op, c, household: "HO-03", amount: 400_000, reason: "thêm lại sau khi bấm nhầm")
            let back = try #require(try await store.campaigns.proposals(op, c).first { $0.householdCode == "HO-03" })
            #expect(back.state == .proposed && back.amount == 400_000 && back.reason == "thêm lại sau khi bấm nhầm")
            await #expect(throws: StorageError.invalid(Message("refusal.campaign.already_listed", .text("HO-03"), .text(c)))) {
                try await store.campaigns.add(op, c, household: "HO-03", reason: "lần nữa")
            }
            // Zero is not a gift, on adding or on changing the amount.
            let zeroGifts: [@Sendable () async throws -> Void] = [
                { try await store.campaigns.add(op, c, household: "HO-01", amount: 0, reason: "x") },
                { try await store.campaigns.edit(op, c, household: "HO-03", remove: false, amount: 0, reason: "x") }]
            for attempt in zeroGifts {
                await #expect(throws: StorageError.invalid(Message("refusal.campaign.gift_positive"))) { try await attempt() }
            }
            #expect(try await store.campaigns.approve(op, c, unit: "C3", day: day(2026, 1, 20)) == 1)
            let gift = try #require(try await store.campaigns.proposals(op, c).first { $0.householdCode == "HO-03" })
            let supportID = try #require(gift.supportID)
            #expect(gift.state == .approved)
            // The gift had the wrong amount: cancelled on the household page, then listed again and approved anew.
            _ = try await store.support.cancel(op, supportID, reason: "sai mức", on: day(2026, 1, 21))
            #expect(try await store.campaigns.proposals(op, c).first { $0.householdCode == "HO-03" }?.state == .cancelled)
            try await store.campaigns.add(op, c, household: "HO-03", amount: 300_000, reason: "đúng mức")
            let again = try #require(try await store.campaigns.proposals(op, c).first { $0.householdCode == "HO-03" })
            #expect(again.state == .proposed && again.supportID == nil && again.amount == 300_000)
            #expect(try await store.campaigns.approve(op, c, unit: "C3", day: day(2026, 1, 22)) == 1)
            let live = try await store.sql.raw("SELECT COUNT(*) AS n FROM support WHERE campaign_id IS NOT NULL AND cancelled_at IS NULL").first()?.int("n")
            #expect(live == 1)
            // A row taken off another branch's list is not taken over by adding the household
            // again from the branch where it counts now.
            try await store.campaigns.add(op, c, household: "HO-01", amount: 200_000, reason: "x")
            try await store.campaigns.edit(op, c, household: "HO-01", remove: true, reason: "bỏ")
            try await store.importSurvey([Files.surveyHeader, Files.poor("HO-01", 2025, unit: "C3")])
            let h2 = try await Self.branch(store, "H2")
            await #expect(throws: StorageError.self) { try await store.campaigns.add(h2, c, household: "HO-01", amount: 300_000, reason: "của tôi") }
            let kept = try #require(try await store.campaigns.proposals(op, c).first { $0.householdCode == "HO-01" })
            let c1 = try await store.unitID("C1")
            #expect(kept.state == .removed && kept.unitID == c1 && kept.reason == "bỏ")
            // A campaign's gift is more than 0 đ from the start.
            await #expect(throws: StorageError.invalid(Message("refusal.campaign.invalid_gift_value"))) {
                _ = try await store.campaigns.create(op, NewCampaign(kind: .tet, name: "Không", unit: "T", fund: "xa_hoi", year: 2025, startsOn: day(2026, 1, 5),
                                                                     endsOn: day(2026, 2, 10), budget: 0, giftValue: 0))
            }
            // The day a campaign was entered is Vietnam's: 06:30 on 05/01 is 23:30 UTC on 04/01.
            try await store.sql.raw("UPDATE campaigns SET entered_at = '2026-01-04T23:30:00Z' WHERE code = \(bind: c)").run()
            #expect(try await store.campaigns.campaign(op, c).createdOn == day(2026, 1, 5))
            // A 0 đ gift stored before the rule is named at approval.
            try await store.campaigns.add(op, c, household: "HO-01", amount: 1, reason: "x")
            try await store.sql.raw("UPDATE campaign_proposals SET amount = 0 WHERE state = 'proposed'").run()
            await #expect(throws: StorageError.invalid(Message("refusal.campaign.gift_zero_listed", .text("HO-01")))) {
                try await store.campaigns.approve(op, c, unit: "C3", day: day(2026, 1, 22))
            }
        }
    }

    /// An approver below the organiser is told the fund is short, not what it holds.
    @Test(arguments: TestDatabase.available)
    func aShortFundIsSaidWithoutItsBalanceBelowTheOrganiser(db: TestDatabase) async throws {
        try await db.withStore { store in
            let c = try await Self.tetOfTheProvince(store, held: 100_000, budget: 10_000_000)
            try await store.campaigns.add(try await store.op, c, household: "HO-03", amount: 500_000, reason: "ốm nặng")
            for (approver, key) in [(try await Self.branch(store, "H2"), "refusal.campaign.fund_short_above"), (try await store.op, "refusal.campaign.fund_short")] {
                do {
                    _ = try await store.campaigns.approve(approver, c, unit: "C3", day: day(2026, 1, 20))
                    Issue.record("approved from a fund that is short")
                } catch StorageError.invalid(let message) {
                    #expect(message.key == key && message.args.contains(.money(100_000)) == (key == "refusal.campaign.fund_short"))
                }
            }
        }
    }

    /// A member without a household, in two circumstances in a year, is one line of the
    /// proposal list, as the annual report counts them.
    @Test(arguments: TestDatabase.available)
    func aMemberInTwoCircumstancesIsProposedOnce(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await Self.setUp(store)
            try await store.importMembers([Files.membersHeader, Files.member("DV-40", "Lý Văn Một", unit: "C1", joined: "01/01/2015")])
            for (kind, month) in [(HardshipKind.seriousIllness, 3), (.jobLoss, 6)] {
                _ = try await store.hardships.record(try await store.op, NewHardship(member: "DV-40", kind: kind, from: day(2025, month, 1), note: "",
                                                                                 verifiedBy: "CĐCS C1"))
            }
            let c1 = try await store.unitID("C1")
            let list = try await store.hardships.proposals(try await store.op, unit: c1, year: 2025)
            #expect(list.filter { $0.name == "Lý Văn Một" }.map { Set($0.hardships) } == [[.seriousIllness, .jobLoss]])
            let counted = try #require(try await store.reports.figures(try await store.op, unit: c1, year: 2025).proposals)
            #expect(counted.total == list.count && counted.added == 1)
        }
    }

    /// A member's hardship goes with the member: each year's list, proposal list and report
    /// count it in the unit the member was in at that year's end; the new unit's officers end
    /// it, the old unit's no longer can.
    @Test(arguments: TestDatabase.available)
    func aMembersHardshipFollowsTheMember(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await Self.setUp(store)
            try await store.importMembers([Files.membersHeader, Files.member("DV-41", "Hà Văn Hai", unit: "C1", joined: "01/01/2015")])
            let op = try await store.op
            let id = try await store.hardships.record(op, NewHardship(member: "DV-41", kind: .jobLoss, from: day(2024, 3, 1), note: "", verifiedBy: "CĐCS C1"))
            let c1 = try await store.unitID("C1"), c3 = try await store.unitID("C3")
            let memberID = try #require(try await store.members.profile(op, code: "DV-41").record.id)
            try await store.members.assign(op, memberID: memberID, unitID: c3, from: day(2025, 2, 1))
            let h1 = try await Self.branch(store, "H1"), h2 = try await Self.branch(store, "H2")
            #expect(try await store.hardships.list(h1, year: 2024).first { $0.id == id }?.unitID == c1)
            #expect(!(try await store.hardships.list(h1, year: 2025).contains { $0.id == id }))
            #expect(try await store.hardships.list(h2, year: 2025).first { $0.id == id }?.unitID == c3)
            #expect(!(try await store.hardships.list(h2, year: 2024).contains { $0.id == id }))
            #expect(try await store.hardships.proposals(op, unit: c1, year: 2024).contains { $0.name == "Hà Văn Hai" })
            #expect(!(try await store.hardships.proposals(op, unit: c1, year: 2025).contains { $0.name == "Hà Văn Hai" }))
            #expect(try await store.hardships.proposals(op, unit: c3, year: 2025).contains { $0.name == "Hà Văn Hai" })
            #expect(try await store.reports.figures(op, unit: c3, year: 2025).proposals?.hardship == 1)
            // Having left the union since, they are counted where they last were.
            try await store.members.leave(op, memberID: memberID, on: day(2025, 6, 1))
            #expect(try await store.hardships.list(h2, year: 2025).first { $0.id == id }?.unitID == c3)
            #expect(!(try await store.hardships.list(h1, year: 2025).contains { $0.id == id }))
            // Whose officers may end it: the member's unit now.
            #expect(try await store.hardships.list(h2, year: 2025).first { $0.id == id }?.holderUnitIDs == [c3])
            await #expect(throws: StorageError.notFound(.hardship, String(id))) { try await store.hardships.end(h1, id: id, on: day(2025, 6, 1)) }
            try await store.hardships.end(h2, id: id, on: day(2025, 6, 1))

            // A member's hardship linked to their household: when the member moves on and the
            // household stays, the new branch counts the hardship but does not see the household,
            // and ending it takes an officer whose branch holds both.
            try await store.importMembers([Files.membersHeader, Files.member("DV-42", "Đỗ Văn Ba", unit: "C1", joined: "01/01/2015", household: "HO-42")])
            try await store.importSurvey([Files.surveyHeader, Files.poor("HO-42", 2024, unit: "C1", member: "DV-42")])
            let linked = try await store.hardships.record(op, NewHardship(member: "DV-42", kind: .seriousIllness, from: day(2024, 3, 1), note: "",
                                                                          verifiedBy: "CĐCS C1"))
            let dv42 = try #require(try await store.members.profile(op, code: "DV-42").record.id)
            try await store.members.assign(op, memberID: dv42, unitID: c3, from: day(2025, 2, 1))
            let seen = try #require(try await store.hardships.list(h2, year: 2025).first { $0.id == linked })
            #expect(seen.householdCode == nil && seen.memberCode == "DV-42")
            #expect(!(try await store.hardships.proposals(h2, unit: c3, year: 2025).contains { $0.householdCode == "HO-42" }))
            #expect(try await store.hardships.list(h1, year: 2024).first { $0.id == linked }?.householdCode == "HO-42")
            await #expect(throws: StorageError.notFound(.hardship, String(linked))) { try await store.hardships.end(h2, id: linked, on: day(2025, 6, 1)) }
            try await store.hardships.end(op, id: linked, on: day(2025, 6, 1))
        }
    }

    /// A hardship is dated in the branch that records it: not begun, nor ended, on a day the
    /// member was another branch's (its list of that year would change), not ended ahead of
    /// today, and linked only to the household the member lives in.
    @Test(arguments: TestDatabase.available)
    func aHardshipIsDatedWithinTheBranchThatRecordsIt(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await Self.setUp(store)
            try await store.importMembers([Files.membersHeader, Files.member("DV-43", "Lê Văn Bốn", unit: "C1", joined: "01/01/2015")])
            let op = try await store.op
            let earlier = try await store.hardships.record(op, NewHardship(member: "DV-43", kind: .jobLoss, from: day(2024, 6, 1), note: "", verifiedBy: "CĐCS C1"))
            let memberID = try #require(try await store.members.profile(op, code: "DV-43").record.id)
            try await store.members.assign(op, memberID: memberID, unitID: try await store.unitID("C3"), from: day(2025, 2, 1))
            let h1 = try await Self.branch(store, "H1"), h2 = try await Self.branch(store, "H2")
            let before = try await store.hardships.list(h1, year: 2024)

            await #expect(throws: StorageError.invalid(Message("refusal.hardship.member_elsewhere", .text("DV-43"), .day(day(2024, 6, 1))))) {
                try await store.hardships.record(h2, NewHardship(member: "DV-43", kind: .seriousIllness, from: day(2024, 6, 1), note: "", verifiedBy: "x"))
            }
            await #expect(throws: StorageError.invalid(Message("refusal.hardship.end_elsewhere", .day(day(2024, 12, 1))))) {
                try await store.hardships.end(h2, id: earlier, on: day(2024, 12, 1))
            }
            await #expect(throws: StorageError.invalid(Message("refusal.hardship.future", .day(day(2062, 1, 1))))) {
                try await store.hardships.end(h2, id: earlier, on: day(2062, 1, 1))
            }
            // Said before the record is looked up: another branch learns nothing of which ids exist.
            for id in [earlier, 999_999] {
                await #expect(throws: StorageError.invalid(Message("refusal.hardship.future", .day(day(2062, 1, 1))))) {
                    try await store.hardships.end(h1, id: id, on: day(2062, 1, 1))
                }
            }
            #expect(try await store.hardships.list(h1, year: 2024) == before)
            // From the day they came, and ended while they are here: the new branch's.
            _ = try await store.hardships.record(h2, NewHardship(member: "DV-43", kind: .seriousIllness, from: day(2025, 2, 1), note: "", verifiedBy: "x"))
            try await store.hardships.end(h2, id: earlier, on: day(2025, 6, 1))

            await #expect(throws: StorageError.invalid(Message("refusal.hardship.household_not_members", .text("HO-03"), .text("DV-01")))) {
                try await store.hardships.record(op, NewHardship(member: "DV-01", household: "HO-03", kind: .seriousIllness, from: day(2025, 3, 1),
                                                                 note: "", verifiedBy: "x"))
            }
            let withHousehold = try await store.hardships.record(op, NewHardship(member: "DV-01", household: "HO-01", kind: .seriousIllness,
                                                                                 from: day(2025, 3, 1), note: "", verifiedBy: "x"))
            // The member moves on, the household stays: the new branch is told "not found" for the
            // household's record whatever the day, not that the day was another branch's.
            let dv01 = try #require(try await store.members.profile(op, code: "DV-01").record.id)
            try await store.members.assign(op, memberID: dv01, unitID: try await store.unitID("C3"), from: day(2025, 9, 1))
            for end in [day(2025, 6, 1), day(2025, 10, 1)] {
                await #expect(throws: StorageError.notFound(.hardship, String(withHousehold))) {
                    try await store.hardships.end(h2, id: withHousehold, on: end)
                }
            }
        }
    }

    /// A member's move is recorded once it has happened, into a unit standing that day; a
    /// rejoin does not overlap the period before; the audit names the units, from → to.
    @Test(arguments: TestDatabase.available)
    func aMembersMovesAreDatedAndNamed(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await Self.setUp(store)
            let op = try await store.op
            let member = try #require(try await store.members.profile(op, code: "DV-01").record.id)
            let (c2, c3) = (try await store.unitID("C2"), try await store.unitID("C3"))
            let ahead = store.today.adding(days: 1)
            await #expect(throws: StorageError.invalid(Message("refusal.member.future", .day(ahead)))) {
                try await store.members.assign(op, memberID: member, unitID: c3, from: ahead)
            }
            try await store.units.dissolve(op, "C2", successor: "C1", on: day(2025, 6, 1))
            await #expect(throws: StorageError.unitNotActive("C2", day(2025, 8, 1))) {
                try await store.members.assign(op, memberID: member, unitID: c2, from: day(2025, 8, 1))
            }
            // Nor dated back to when it stood: the member would stay in it, outside today's tree.
            await #expect(throws: StorageError.unitNotActive("C2", store.today)) {
                try await store.members.assign(op, memberID: member, unitID: c2, from: day(2025, 5, 1))
            }
            #expect(try await store.members.assign(op, memberID: member, unitID: c3, from: day(2025, 9, 1)))
            let moves = try await store.audit.entries(op, entity: "member").filter { $0.action == "chuyen_sinh_hoat" }
            #expect(moves.contains { $0.detail == "C1 → C3 từ 2025-09-01" })
            await #expect(throws: StorageError.invalid(Message("refusal.member.future", .day(ahead)))) {
                try await store.members.leave(op, memberID: member, on: ahead)
            }
            try await store.members.leave(op, memberID: member, on: day(2025, 10, 1))
            await #expect(throws: StorageError.invalid(Message("refusal.member.rejoin_before_leave", .day(day(2025, 9, 15)), .day(day(2025, 10, 1))))) {
                try await store.members.assign(op, memberID: member, unitID: c3, from: day(2025, 9, 15))
            }
            #expect(try await store.members.assign(op, memberID: member, unitID: c3, from: day(2025, 11, 1)))
        }
    }

    /// HO-01 was H1's (C1) and is reviewed at C3 (H2's) in 2026: H1 can no longer correct its
    /// support, end its hardship or change its place on a list; an officer above both can.
    /// Two officers giving two members the same citizen ID at once: one edit wins, the other is
    /// refused as taken (by the check, or by the unique index when they race) and leaves the trace.
    @Test(arguments: TestDatabase.available)
    func twoEditsRacingForOneCitizenIDLeaveOneWinnerAndOneTrace(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await Self.setUp(store)
            let op = try await store.op
            let cid = "037085009999"  // a man born in 1985
            let outcomes = try await withThrowingTaskGroup(of: String.self) { group in
                for code in ["DV-01", "DV-03"] {
                    group.addTask {
                        let profile = try await store.members.profile(op, code: code)
                        var wanted = profile.record
                        (wanted.citizenID, wanted.birthDate, wanted.sex) = (cid, day(1985, 3, 12), .male)
                        do {
                            try await store.members.update(op, code: code, to: wanted, version: profile.version)
                            return "ok"
                        } catch let StorageError.invalid(message) {
                            return message.key
                        }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.sorted() == ["ok", "refusal.member.citizen_id_taken"])
            // A member's change is a new version of the data: counts kept for searches by name are dropped.
            #expect(try await store.op.dataVersion != op.dataVersion)
            let traces = try await store.audit.entries(op, entity: "member").filter { $0.action == "thu_cccd_trung" }
            #expect(traces.count == 1 && traces.first?.detail.contains(cid) == true)
            #expect(try await store.sql.raw("SELECT COUNT(*) AS n FROM members WHERE citizen_id = \(bind: cid)").first()?.decode(column: "n", as: Int.self) == 1)
        }
    }

    @Test(arguments: TestDatabase.available)
    func aMovedHouseholdIsNoLongerWrittenByItsOldBranch(db: TestDatabase) async throws {
        try await db.withStore { store in
            let tet = try await Self.tetOfTheProvince(store, held: 1_000_000, budget: 1_000_000)
            let h1 = try await Self.branch(store, "H1")
            let support = try await store.support.record(h1, NewSupport(household: "HO-01", policy: "ho_tro_bhyt", day: day(2025, 4, 1), value: 1_200_000,
                                                                        source: .state, sourceName: "BHXH tỉnh", unit: "C1"))
            let hardship = try await store.hardships.record(h1, NewHardship(household: "HO-01", kind: .seriousIllness, from: day(2025, 3, 1),
                                                                            note: "", verifiedBy: "CĐCS C1"))
            try await store.campaigns.add(h1, tet, household: "HO-01", amount: 500_000, reason: "ốm nặng")
            try await store.importSurvey([Files.surveyHeader + ["Rác thải"], Files.poor("HO-01", 2026, unit: "C3", member: "DV-01") + ["0"]])
            await #expect(throws: StorageError.notFound(.support, "#\(support)")) { try await store.support.cancel(h1, support, reason: "nhầm", on: store.today) }
            await #expect(throws: StorageError.notFound(.hardship, String(hardship))) { try await store.hardships.end(h1, id: hardship, on: store.today) }
            await #expect(throws: StorageError.notFound(.household, "HO-01")) {
                try await store.campaigns.edit(h1, tet, household: "HO-01", remove: true, reason: "chuyển đi")
            }
            try await store.support.cancel(try await store.op, support, reason: "nhầm", on: store.today)
            try await store.hardships.end(try await store.op, id: hardship, on: store.today)
            try await store.campaigns.edit(try await store.op, tet, household: "HO-01", remove: true, reason: "chuyển đi")
            // H1 still reads its own reviews of HO-01, and of its members only its own: not one
            // the household's new branch added.
            try await store.importMembers([Files.membersHeader, Files.member("DV-30", "Bùi Thị Mới", unit: "C3", joined: "01/02/2026", household: "HO-01")])
            let fromH1 = try await store.reviews.household(h1, code: "HO-01")
            #expect(fromH1.members.map(\.code).contains("DV-01") && !fromH1.members.map(\.code).contains("DV-30"))
            #expect(fromH1.reviews.map(\.year) == [2025])
            #expect(try await store.reviews.household(try await Self.branch(store, "H2"), code: "HO-01").members.map(\.code).contains("DV-30"))
            // A citizen ID found taken is refused and leaves a trace: which IDs are in the registry is personal.
            let profile = try await store.members.profile(h1, code: "DV-02")
            var wanted = profile.record
            (wanted.citizenID, wanted.birthDate, wanted.sex) = ("037085001234", nil, nil)  // DV-01's
            await #expect(throws: StorageError.invalid(Message("refusal.member.citizen_id_taken", .text("037085001234")))) {
                try await store.members.update(h1, code: "DV-02", to: wanted, version: profile.version)
            }
            #expect(try await store.audit.entries(try await store.op, entity: "member").contains {
                $0.action == "thu_cccd_trung" && $0.detail.hasPrefix("DV-02: CCCD 037085001234")
            })
        }
    }

    @Test(arguments: TestDatabase.available)
    func campaignsDrawByNeedAreApprovedAboveAndPayInOneTransaction(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await Self.setUp(store)
            let desk = store.campaigns
            try await store.funds.contribute(try await store.op, fund: "xa_hoi", unit: "T", day: day(2025, 12, 1), amount: 2_500_000, contributor: "Doanh nghiệp")
            let tet = try await desk.create(try await store.op, NewCampaign(kind: .tet, name: "Tết Sum vầy 2026", unit: "T", fund: "xa_hoi", year: 2025,
                                                        startsOn: day(2026, 1, 5), endsOn: day(2026, 2, 10), budget: 3_000_000, giftValue: 1_000_000))
            #expect(try await desk.draw(try await store.op, tet, unit: "T") == 3)
            // Poor before near-poor.
            var list = try await desk.proposals(try await store.op, tet)
            #expect(list.map(\.status) == [.poor, .poor, .nearPoor])
            // Drawing again adds nobody; a household is never listed twice.
            #expect(try await desk.draw(try await store.op, tet, unit: "T") == 0)
            await #expect(throws: StorageError.self) { try await desk.add(try await store.op, tet, household: "HO-01", reason: "ốm nặng") }
            // A hardship household added by hand, with its reason.
            try await desk.add(try await store.op, tet, household: "HO-04", amount: 500_000, reason: "chồng bị bệnh hiểm nghèo")
            try await desk.edit(try await store.op, tet, household: "HO-02", remove: true, reason: "đã nhận quà của xã")
            list = try await desk.proposals(try await store.op, tet)
            #expect(list.filter { $0.state == .proposed }.count == 3)
            #expect(list.first { $0.householdCode == "HO-04" }?.hardship == true)

            // A unit does not approve its own list.
            let c1 = try await store.unitID("C1")
            await #expect(throws: StorageError.self) {
                try await desk.approve(try await store.simulatedOfficer("c1", role: .grassrootsOfficer, unitID: c1), tet, unit: "C1", day: day(2026, 1, 20))
            }
            // The fund holds 2,500,000 đ: approving all three (2,500,000 đ) passes; then the fund is empty.
            let t = try await store.unitID("T")
            #expect(try await desk.approve(try await store.simulatedOfficer("t", role: .provincialOfficer, unitID: t), tet, unit: "T", day: day(2026, 1, 20)) == 3)
            #expect(try await store.funds.balance(try await store.op, fund: "xa_hoi", unit: "T") == 0)
            let campaign = try await desk.campaign(try await store.op, tet)
            #expect(campaign.approved == 2_500_000 && campaign.remaining == 500_000)
            #expect(try await store.support.records(try await store.op, household: "HO-04").first?.policyCode == "qua_tet")

            // Mái ấm: at most once per household within the rules' period; a short fund approves nothing.
            try await store.funds.contribute(try await store.op, fund: "mai_am", unit: "T", day: day(2025, 12, 1), amount: 60_000_000, contributor: "LĐLĐ tỉnh")
            let home = try await desk.create(try await store.op, NewCampaign(kind: .maiAm, name: "Mái ấm Công đoàn 2026", unit: "T", fund: "mai_am", year: 2025,
                                                         startsOn: day(2026, 3, 1), endsOn: day(2026, 12, 31), budget: 200_000_000,
                                                         statuses: [.poor]))
            #expect(try await desk.campaign(try await store.op, home).giftValue == SupportRules.bundled.giftAmount(kind: .maiAm, unitCodes: ["T"]))
            try await desk.add(try await store.op, home, household: "HO-01", amount: 60_000_000, reason: "nhà dột nát")
            try await desk.add(try await store.op, home, household: "HO-03", amount: 60_000_000, reason: "nhà dột nát")
            let entries = try await store.count("fund_entries")
            do {
                try await desk.approve(try await store.op, home, unit: "T", day: day(2026, 4, 1))
                Issue.record("approved from a fund that is short")
            } catch StorageError.invalid(let message) {
                #expect(message.key == "refusal.campaign.fund_short")
            }
            #expect(try await store.count("fund_entries") == entries)
            #expect(try await desk.proposals(try await store.op, home).allSatisfy { $0.state == .proposed })
            try await desk.edit(try await store.op, home, household: "HO-03", remove: true, reason: "chờ đợt sau")
            #expect(try await desk.approve(try await store.op, home, unit: "T", day: day(2026, 4, 1)) == 1)
            let again = try await desk.create(try await store.op, NewCampaign(kind: .maiAm, name: "Mái ấm 2027", unit: "T", fund: "mai_am", year: 2025,
                                                          startsOn: day(2027, 3, 1), endsOn: day(2027, 12, 31), budget: 100_000_000,
                                                          statuses: [.poor]))
            #expect(try await desk.draw(try await store.op, again, unit: "T") == 1)
            #expect(try await desk.proposals(try await store.op, again).map(\.householdCode) == ["HO-03"])
            await #expect(throws: StorageError.self) { try await desk.add(try await store.op, again, household: "HO-01", reason: "xin thêm") }
            // A campaign of H1 reaches only H1's branch: H2's officer cannot list or approve households on it.
            try await store.funds.contribute(try await store.op, fund: "xa_hoi", unit: "H1", day: day(2025, 12, 1), amount: 1_000_000, contributor: "x")
            let local = try await desk.create(try await store.op, NewCampaign(kind: .tet, name: "Tết H1", unit: "H1", fund: "xa_hoi", year: 2025, startsOn: day(2026, 1, 5),
                                                          endsOn: day(2026, 2, 1), budget: 1_000_000))
            let h2 = try await Self.branch(store, "H2")
            // To H2, H1's campaign is as unknown as one that does not exist.
            await #expect(throws: StorageError.notFound(.campaign, local)) { try await desk.draw(h2, local, unit: "H2") }
            await #expect(throws: StorageError.notFound(.campaign, local)) { try await desk.add(h2, local, household: "HO-03", reason: "x") }
            await #expect(throws: StorageError.notFound(.campaign, local)) { try await desk.approve(h2, local, unit: "H2", day: nil) }
            #expect(try await desk.proposals(try await store.op, local).isEmpty)
            // A grassroots officer sees only their own households on a list.
            let c3 = try await Self.branch(store, "C3")
            #expect(try await desk.proposals(c3, tet).map(\.householdCode).sorted() == ["HO-02", "HO-03"])

            // Gifts are not approved before the campaign (it starts 01/03; entered later, on 01/12).
            await #expect(throws: StorageError.invalid(Message("refusal.campaign.day_before_campaign", .day(day(2026, 2, 1)), .day(day(2026, 3, 1))))) {
                try await desk.approve(try await store.op, home, unit: "T", day: day(2026, 2, 1))
            }
            // A household reviewed in 2026 elsewhere does not hide C3's households of 2025 from a 2026 list.
            try await store.importSurvey([Files.surveyHeader + ["Rác thải"], Files.notPoor("HO-04", 2026, unit: "C2") + ["0"]])
            try await store.funds.contribute(try await store.op, fund: "xa_hoi", unit: "T", day: day(2025, 12, 1), amount: 2_000_000, contributor: "x")
            let second = try await desk.create(try await store.op, NewCampaign(kind: .tet, name: "Tết 2", unit: "T", fund: "xa_hoi", year: 2026,
                                                                startsOn: day(2026, 1, 5), endsOn: day(2026, 2, 10), budget: 2_000_000))
            #expect(try await desk.draw(try await store.op, second, unit: "C3") == 2)
            // C3 moves from H2 to H1 in June: H2's officer cannot approve C3's list by dating the
            // approval back to January, when C3 was still H2's; H1's officer, now above it, can.
            try await store.units.move(try await store.op, "C3", under: "H1", on: day(2026, 6, 1))
            #expect(try await desk.approve(try await Self.branch(store, "H2"), second, unit: "H2", day: day(2026, 1, 20)) == 0)
            #expect(try await desk.proposals(try await store.op, second).allSatisfy { $0.state == .proposed })
            #expect(try await desk.approve(try await Self.branch(store, "H1"), second, unit: "C3", day: day(2026, 1, 20)) == 2)
            try await Self.reconciles(store)
        }
    }

    /// A Mái ấm house recorded by hand follows the campaign's rule: two houses of one household
    /// stand at least the rules' years apart, whichever was entered first (before: a second
    /// house by hand was accepted). A cancelled house does not count.
    @Test(arguments: TestDatabase.available)
    func maiAmByHandIsOnceInTheRulesYears(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await Self.setUp(store)
            let op = try await store.op
            let years = SupportRules.bundled.maiAmRepeatYears
            func house(_ policy: String, _ on: Day) -> NewSupport {
                NewSupport(household: "HO-01", policy: policy, day: on, value: 0, inKind: "nhà", source: .partner, sourceName: "Doanh nghiệp", unit: "C1")
            }
            let first = try await store.support.record(op, house("mai_am_xay_moi", day(2025, 6, 1)))
            let records = try await store.count("support")
            // A repair four years later, and a house entered late dated three years before it: both refused, naming the house.
            await #expect(throws: StorageError.invalid(Message("refusal.support.mai_am_repeat", .text("HO-01"), .day(day(2025, 6, 1)), .number(years)))) {
                try await store.support.record(op, house("mai_am_sua_chua", day(2026, 11, 1)))
            }
            await #expect(throws: StorageError.invalid(Message("refusal.support.mai_am_repeat", .text("HO-01"), .day(day(2025, 6, 1)), .number(years)))) {
                try await store.support.record(op, house("mai_am_xay_moi", day(2022, 6, 1)))
            }
            #expect(try await store.count("support") == records)
            // Another household, another policy, and a house the rules' years before: accepted.
            try await store.support.record(op, NewSupport(household: "HO-02", policy: "mai_am_xay_moi", day: day(2025, 6, 1), value: 0, inKind: "nhà",
                                                          source: .partner, sourceName: "Doanh nghiệp", unit: "C1"))
            try await store.support.record(op, house("ho_tro_bhyt", day(2025, 7, 1)))
            try await store.support.record(op, house("mai_am_xay_moi", day(2025 - years, 6, 1)))
            // Once the 2025 house is cancelled (entered by mistake), the repair may be recorded.
            try await store.support.cancel(op, first, reason: "nhập nhầm", on: store.today)
            try await store.support.record(op, house("mai_am_sua_chua", day(2026, 11, 1)))
            try await Self.reconciles(store)
        }
    }

    /// The demo province carries support, funds, loans and two campaigns, consistently.
    @Test(arguments: TestDatabase.available)
    func demoProvinceHasSomethingOnEveryPage(db: TestDatabase) async throws {
        try await db.withStore { store in
            _ = try await DemoProvince(households: 500).build(into: store, actor: try await store.op)
            try await Self.reconciles(store)
            let coverage = try await store.support.coverage(try await store.op)
            #expect(coverage.complete > 0 && coverage.gapCount > 0)
            let states = Set(try await store.loans.loans(try await store.op).map(\.state))
            #expect(states.isSuperset(of: [.applied, .approved, .rejected, .disbursed, .repaid]))
            let (ageing, _) = try await store.loans.ageing(try await store.op, on: Day(year: DemoProvince.lastYear, month: 11, day: 30)!)
            #expect(ageing.activeLoans > 0 && ageing.buckets.contains { $0.loans > 0 })
            let campaigns = try await store.campaigns.campaigns(try await store.op)
            #expect(campaigns.count == 2)
            for c in campaigns { #expect(try await !store.campaigns.proposals(try await store.op, c.code).isEmpty) }
            #expect(campaigns.contains { $0.approved > 0 })
        }
    }
}

/// A figure "as at" a day is what was true then: later repayments, extensions and write-offs
/// leave a past year's loan figures as they were.
@Suite("Loan figures as they stood")
struct LoanFiguresAsAtTests {
    @Test(arguments: TestDatabase.available)
    func aPastYearsLoanFiguresDoNotMove(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await SupportTests.setUp(store)
            let op = try await store.op
            try await store.funds.contribute(op, fund: "nef", unit: "T", day: day(2025, 1, 2), amount: 500_000_000, contributor: "Quỹ quốc gia về việc làm")
            try await store.funds.allocate(op, fund: "nef", from: "T", to: "H1", day: day(2025, 1, 3), amount: 150_000_000)
            let loan = try await store.loans.apply(op, LoanApplication(member: "DV-01", household: "HO-01", unit: "H1", purpose: "chan_nuoi", jobsPlanned: 2,
                                                                       amount: 60_000_000, termMonths: 24, everyMonths: 3, appliedOn: day(2025, 3, 1)))
            try await store.loans.approve(op, loan, on: day(2025, 3, 5))
            try await store.loans.disburse(op, loan, on: day(2025, 3, 10))
            try await store.loans.repay(op, loan, on: day(2025, 9, 10), amount: 10_000_000)
            let history = try await store.units.history()
            let h1 = try await store.unitID("H1")
            let before = try await store.reports.figures(unitID: h1, year: 2025, history: history, today: day(2026, 12, 1))
            #expect(before.loansActive == 1 && before.loansOutstanding == 50_000_000)
            // 2026: more repaid, then the rest written off.
            try await store.loans.repay(op, loan, on: day(2026, 3, 10), amount: 20_000_000)
            try await store.loans.writeOff(op, loan, on: day(2026, 6, 1), reason: "thiên tai")
            let after = try await store.reports.figures(unitID: h1, year: 2025, history: history, today: day(2026, 12, 1))
            #expect(after.loansActive == before.loansActive && after.loansOutstanding == before.loansOutstanding && after.loansOverdue == before.loansOverdue)
            // The ageing on a past day, and today's.
            let past = try await store.loans.ageing(op, on: day(2025, 12, 31)).report
            #expect(past.activeLoans == 1 && past.outstanding == 50_000_000 && past.writtenOff == 0)
            let now = try await store.loans.ageing(op, on: day(2026, 12, 1)).report
            #expect(now.activeLoans == 0 && now.outstanding == 0 && now.writtenOff == 30_000_000)
            // Before the money went out, nothing.
            let early = try await store.loans.ageing(op, on: day(2025, 3, 9)).report
            #expect(early.activeLoans == 0 && early.jobsPlanned == 0)
        }
    }
}

/// Who borrows decides the limit, and the registry's birth date the working age.
@Suite("Loans by kind of borrower")
struct LoanBorrowerTests {
    @Test(arguments: TestDatabase.available)
    func kindsAgeAndContract(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await SupportTests.setUp(store)
            try await store.importMembers(Files.smallMembers + [
                Files.member("DV-30", "Lò Văn Nhỏ", born: "01/02/2012", sex: "Nam", unit: "C1", joined: "01/01/2025")])
            let op = try await store.op
            func apply(_ member: String, _ amount: Dong, workers: Int = 1, purpose: String = "chan_nuoi", borrower: BorrowerKind? = nil,
                       cost: Dong? = nil, months: Int? = nil, term: Int = 36) async throws -> String {
                try await store.loans.apply(op, LoanApplication(member: member, unit: "H1", purpose: purpose, workers: workers, jobsPlanned: workers,
                                                                amount: amount, termMonths: term, appliedOn: day(2025, 6, 1), borrower: borrower,
                                                                contractCost: cost, contractMonths: months))
            }
            // A worker: 100,000,000 đ whatever the jobs; an establishment: per worker taken on.
            await #expect(throws: LoanRefused.self) { try await apply("DV-01", 150_000_000, workers: 3) }
            let shop = try await apply("DV-01", 300_000_000, workers: 3, borrower: .establishment)
            #expect(try await store.loans.file(op, shop).borrower == .establishment)
            // Under 15 on the day of application: refused by the birth date the registry holds.
            do {
                _ = try await apply("DV-30", 10_000_000)
                Issue.record("a 13-year-old was lent to")
            } catch let refused as LoanRefused {
                #expect(refused.reasons == [.notOfWorkingAge])
            }
            // Working abroad: the contract's costs and length bound the loan.
            await #expect(throws: LoanRefused.self) { try await apply("DV-02", 50_000_000, purpose: "di_lam_viec_nuoc_ngoai") }
            let abroad = try await apply("DV-02", 80_000_000, purpose: "di_lam_viec_nuoc_ngoai", cost: 90_000_000, months: 36, term: 36)
            let file = try await store.loans.file(op, abroad)
            #expect(file.borrower == .abroad && file.contractCost == 90_000_000 && file.contractMonths == 36)
        }
    }
}
