import Foundation
import PovertyCore
@testable import Storage
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

    static func branch(_ store: Store, _ code: String) async throws -> Scope {
        let history = try await store.units.history()
        return Scope.today(of: try #require(history.unit(code: code)).id, in: history, on: day(2025, 12, 1))
    }

    static func reconciles(_ store: Store, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let lines = try await store.funds.reconciliation(from: nil, to: nil, scope: .everything)
        for line in lines {
            #expect(line.agrees, "\(line.fund.code)@\(line.unitID): ledger \(line.ledgerSum) ≠ balance \(line.storedBalance)", sourceLocation: sourceLocation)
            #expect(line.storedBalance >= 0, sourceLocation: sourceLocation)
        }
        let negative = try await store.sql.raw("SELECT COUNT(*) AS n FROM fund_balances WHERE balance < 0").first()!.decode(column: "n", as: Int.self)
        #expect(negative == 0, sourceLocation: sourceLocation)
        // And every kept count equals a recount (check-rollups).
        let differences = try await store.rollups.check()
        #expect(differences.isEmpty, "\(differences.prefix(5))", sourceLocation: sourceLocation)
    }

    @Test(arguments: TestDatabase.available)
    func ledgerKeepsBalancesRefusesOverdrawAndCorrectsOnlyByReversal(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await Self.setUp(store)
            let funds = store.funds
            try await funds.contribute(fund: "mai_am", unit: "T", day: day(2025, 1, 10), amount: 50_000_000, contributor: "Công ty May Hoa Lư",
                                       scope: .everything, actor: "test")
            let (out, inID) = try await funds.allocate(fund: "mai_am", from: "T", to: "H1", day: day(2025, 2, 1), amount: 20_000_000,
                                                       scope: .everything, actor: "test")
            #expect(try await funds.balance(fund: "mai_am", unit: "T") == 30_000_000)
            #expect(try await funds.balance(fund: "mai_am", unit: "H1") == 20_000_000)

            // Overdraw refused, with the balance in the message; nothing written.
            let before = try await store.count("fund_entries")
            await #expect(throws: StorageError.self) {
                try await funds.disburse(fund: "mai_am", unit: "H1", day: day(2025, 3, 1), amount: 20_000_001, household: "HO-01",
                                         note: "xây nhà", scope: .everything, actor: "test")
            }
            #expect(try await store.count("fund_entries") == before)
            let paid = try await funds.disburse(fund: "mai_am", unit: "H1", day: day(2025, 3, 1), amount: 15_000_000, household: "HO-01",
                                                note: "sửa nhà", scope: .everything, actor: "test")
            #expect(try await funds.balance(fund: "mai_am", unit: "H1") == 5_000_000)

            // A grassroots officer cannot touch the federation's ledger.
            let c1 = try await Self.branch(store, "C1")
            await #expect(throws: StorageError.outOfScope("H1")) {
                try await funds.disburse(fund: "mai_am", unit: "H1", day: day(2025, 3, 2), amount: 1, note: "x", scope: c1, actor: "c1")
            }

            // A household of another branch cannot be paid from this branch's fund.
            let h1 = try await Self.branch(store, "H1")
            await #expect(throws: StorageError.outOfScope("HO-03")) {
                try await funds.disburse(fund: "mai_am", unit: "H1", day: day(2025, 3, 2), amount: 1, household: "HO-03", note: "x", scope: h1, actor: "h1")
            }
            // Reversal: once, never of a reversal; an allocation's halves go together.
            let r = try await funds.reverse(entryID: paid, day: day(2025, 3, 5), reason: "nhập nhầm", scope: .everything, actor: "test")
            #expect(try await funds.balance(fund: "mai_am", unit: "H1") == 20_000_000)
            await #expect(throws: StorageError.self) { try await funds.reverse(entryID: paid, day: day(2025, 3, 6), reason: "lần hai", scope: .everything, actor: "test") }
            await #expect(throws: StorageError.self) { try await funds.reverse(entryID: r, day: day(2025, 3, 6), reason: "đảo của đảo", scope: .everything, actor: "test") }
            try await funds.reverse(entryID: inID, day: day(2025, 3, 7), reason: "phân bổ nhầm", scope: .everything, actor: "test")
            #expect(try await funds.balance(fund: "mai_am", unit: "T") == 50_000_000)
            #expect(try await funds.balance(fund: "mai_am", unit: "H1") == 0)
            await #expect(throws: StorageError.self) { try await funds.reverse(entryID: out, day: day(2025, 3, 8), reason: "x", scope: .everything, actor: "test") }

            // Entries are never edited: every original is still there, with its reversal beside it.
            #expect(try await funds.entry(paid, scope: .everything).reversedByID == r)
            #expect(try await store.count("fund_entries") == 7)

            // A period's statement: opening + movements = closing.
            let march = try await funds.statement(fund: "mai_am", unit: "H1", from: day(2025, 3, 1), to: day(2025, 3, 31), scope: .everything)
            #expect(march.totals.opening == 20_000_000)
            #expect(march.totals.total(.disbursement) == -15_000_000)
            #expect(march.totals.total(.reversal) == 15_000_000 - 20_000_000)
            #expect(march.totals.closing == 0)
            #expect(march.entries.count == 3)
            #expect(march.storedBalance == 0)
            try await Self.reconciles(store)
            #expect(try await store.audit.entries(entity: "fund_entry").count == 7)
        }
    }

    /// Random sequences of contributions, allocations, disbursements and reversals against a
    /// model of the balances: whatever is accepted or refused, the stored balances equal the
    /// model, the ledger sums to them and none is negative.
    @Test(arguments: TestDatabase.available)
    func randomLedgerOperationsKeepEveryInvariant(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await Self.setUp(store)
            let funds = store.funds
            var rng = SeededRandom(seed: 20_251_203)
            let units = ["T", "H1", "H2", "C1"]
            let fundCodes = ["mai_am", "xa_hoi"]
            var model: [String: Dong] = [:]
            var reversible: [(id: Int, effects: [(String, Dong)])] = []
            var refused = 0
            for step in 0..<120 {
                let fund = rng.pick(fundCodes)
                let unit = rng.pick(units)
                let amount = Dong(rng.int(in: 1...40)) * 250_000
                let d = day(2025, 1 + step % 12, 1 + step % 28)
                switch rng.int(in: 0...9) {
                case 0...2:
                    let id = try await funds.contribute(fund: fund, unit: unit, day: d, amount: amount, contributor: "đoàn viên", scope: .everything, actor: "p")
                    model["\(fund)@\(unit)", default: 0] += amount
                    reversible.append((id, [("\(fund)@\(unit)", -amount)]))
                case 3...4:
                    let to = rng.pick(units.filter { $0 != unit })
                    do {
                        let (out, _) = try await funds.allocate(fund: fund, from: unit, to: to, day: d, amount: amount, scope: .everything, actor: "p")
                        model["\(fund)@\(unit)", default: 0] -= amount
                        model["\(fund)@\(to)", default: 0] += amount
                        reversible.append((out, [("\(fund)@\(unit)", amount), ("\(fund)@\(to)", -amount)]))
                    } catch is StorageError {
                        #expect(model["\(fund)@\(unit)", default: 0] < amount)
                        refused += 1
                    }
                case 5...7:
                    do {
                        let id = try await funds.disburse(fund: fund, unit: unit, day: d, amount: amount, note: "chi", scope: .everything, actor: "p")
                        model["\(fund)@\(unit)", default: 0] -= amount
                        reversible.append((id, [("\(fund)@\(unit)", amount)]))
                    } catch is StorageError {
                        #expect(model["\(fund)@\(unit)", default: 0] < amount)
                        refused += 1
                    }
                default:
                    guard !reversible.isEmpty else { continue }
                    let i = rng.int(in: 0...(reversible.count - 1))
                    let target = reversible[i]
                    let fits = target.effects.allSatisfy { model[$0.0, default: 0] + $0.1 >= 0 }
                    do {
                        try await funds.reverse(entryID: target.id, day: d, reason: "sửa", scope: .everything, actor: "p")
                        #expect(fits)
                        for (key, delta) in target.effects { model[key, default: 0] += delta }
                        reversible.remove(at: i)
                    } catch is StorageError {
                        #expect(!fits)
                        refused += 1
                    }
                }
            }
            #expect(refused > 0)
            for (key, expected) in model {
                let parts = key.split(separator: "@").map(String.init)
                #expect(try await funds.balance(fund: parts[0], unit: parts[1]) == expected, "\(key)")
            }
            try await Self.reconciles(store)
        }
    }

    /// Twenty-five disbursements racing for a fund that covers ten: exactly ten are paid.
    @Test(arguments: TestDatabase.available)
    func concurrentDisbursementsNeverOverdraw(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await Self.setUp(store)
            try await store.funds.contribute(fund: "xa_hoi", unit: "H1", day: day(2025, 1, 2), amount: 10 * 700_000, contributor: "LĐLĐ tỉnh",
                                             scope: .everything, actor: "test")
            let paid = try await withThrowingTaskGroup(of: Bool.self) { group in
                for i in 0..<25 {
                    group.addTask {
                        do {
                            try await store.funds.disburse(fund: "xa_hoi", unit: "H1", day: day(2025, 1, 3), amount: 700_000,
                                                           note: "quà \(i)", scope: .everything, actor: "officer\(i)")
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
            #expect(try await store.funds.balance(fund: "xa_hoi", unit: "H1") == 0)
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
            var report = try await support.coverage(scope: .everything)
            #expect(report.year == 2025)
            #expect(report.households == 2 && report.complete == 0 && report.gapCount == 2)
            let gap = try #require(report.gaps.first { $0.householdCode == "HO-01" })
            #expect(Set(gap.coverage.missingIndicators) == ["viec_lam", "bhyt", "nha_tieu"])
            #expect(gap.coverage.suggestedPolicies.contains("ho_tro_bhyt"))

            // Health insurance from the state, clean water from a partner, vocational training paid by a fund.
            try await support.record(NewSupport(household: "HO-01", policy: "ho_tro_bhyt", day: day(2025, 4, 1), value: 1_200_000,
                                                source: .state, sourceName: "BHXH tỉnh", unit: "C1"), scope: .everything, actor: "c1")
            try await support.record(NewSupport(household: "HO-01", policy: "nuoc_ve_sinh", day: day(2025, 5, 1), value: 0, inKind: "bể lọc nước",
                                                source: .partner, sourceName: "Hội Chữ thập đỏ", unit: "C1"), scope: .everything, actor: "c1")
            var partial = try #require(try await support.coverage(household: "HO-01", scope: .everything))
            #expect(partial.missingIndicators == ["viec_lam"])
            // A fund that is short refuses the support and writes nothing.
            let training = NewSupport(household: "HO-01", policy: "dao_tao_nghe", day: day(2025, 6, 1), value: 3_000_000, source: .fund,
                                      unit: "C1", fund: "tro_von")
            await #expect(throws: StorageError.self) { try await support.record(training, scope: .everything, actor: "c1") }
            #expect(try await support.records(household: "HO-01", scope: .everything).count == 2)
            try await store.funds.contribute(fund: "tro_von", unit: "C1", day: day(2025, 1, 5), amount: 5_000_000, contributor: "đoàn viên C1",
                                             scope: .everything, actor: "c1")
            let trainingID = try await support.record(training, scope: .everything, actor: "c1")
            #expect(try await store.funds.balance(fund: "tro_von", unit: "C1") == 2_000_000)
            partial = try #require(try await support.coverage(household: "HO-01", scope: .everything))
            #expect(partial.isComplete)

            report = try await support.coverage(scope: .everything)
            #expect(report.households == 2 && report.complete == 1)
            #expect(report.gaps.map(\.householdCode) == ["HO-03"])
            let c1ID = try await store.unitID("C1"), c3ID = try await store.unitID("C3")
            #expect(report.units.first { $0.unitID == c1ID }?.complete == 1)
            #expect(report.units.first { $0.unitID == c3ID }?.complete == 0)
            // Near-poor households as an option.
            #expect(try await support.coverage(includeNearPoor: true, scope: .everything).households == 3)
            // A branch sees only its households; another branch's household is out of reach.
            let c3 = try await Self.branch(store, "C3")
            #expect(try await support.coverage(scope: c3).gaps.map(\.householdCode) == ["HO-03"])
            await #expect(throws: StorageError.outOfScope("HO-01")) { try await support.records(household: "HO-01", scope: c3) }

            // Cancelling the fund's support gives the money back by a reversal.
            try await support.cancel(trainingID, reason: "hộ từ chối", on: day(2025, 6, 10), scope: .everything, actor: "c1")
            #expect(try await store.funds.balance(fund: "tro_von", unit: "C1") == 5_000_000)
            #expect(try await support.coverage(household: "HO-01", scope: .everything)?.isComplete == false)
            try await Self.reconciles(store)
            #expect(try await store.audit.entries(entity: "household").filter { $0.action == "ho_tro" || $0.action == "huy_ho_tro" }.count == 4)
        }
    }

    @Test(arguments: TestDatabase.available)
    func loansFollowTheRulesOfTheirDayAndReturnCapitalToThePool(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await Self.setUp(store)
            let loans = store.loans
            try await store.funds.contribute(fund: "nef", unit: "T", day: day(2025, 1, 2), amount: 500_000_000, contributor: "Quỹ quốc gia về việc làm",
                                             scope: .everything, actor: "t")
            try await store.funds.allocate(fund: "nef", from: "T", to: "H1", day: day(2025, 1, 3), amount: 150_000_000, scope: .everything, actor: "t")

            func application(_ member: String, _ amount: Dong, term: Int = 36, on d: Day, purpose: String = "chan_nuoi") -> LoanApplication {
                LoanApplication(member: member, household: member == "DV-01" ? "HO-01" : nil, unit: "H1", purpose: purpose, jobsPlanned: 2,
                                amount: amount, termMonths: term, everyMonths: 3, appliedOn: d)
            }
            // 2025: at most 100,000,000 đ per worker; 2026: 200,000,000 đ. Terms up to 120 months.
            await #expect(throws: LoanRefused.self) { try await loans.apply(application("DV-01", 120_000_000, on: day(2025, 12, 31)), scope: .everything, actor: "h1") }
            _ = try await loans.apply(application("DV-02", 120_000_000, on: day(2026, 1, 1)), scope: .everything, actor: "h1")
            await #expect(throws: LoanRefused.self) { try await loans.apply(application("DV-01", 50_000_000, term: 121, on: day(2025, 6, 1)), scope: .everything, actor: "h1") }
            await #expect(throws: LoanRefused.self) { try await loans.apply(application("DV-01", 50_000_000, on: day(2025, 6, 1), purpose: "mua_xe"), scope: .everything, actor: "h1") }
            // DV-05 left the union at the end of 2020: not in good standing.
            await #expect(throws: LoanRefused.self) { try await loans.apply(application("DV-05", 50_000_000, on: day(2025, 6, 1)), scope: .everything, actor: "h1") }

            // An H1 officer cannot lend to (or look up) a member of H2's branch.
            let h1 = try await Self.branch(store, "H1")
            await #expect(throws: StorageError.outOfScope("DV-03")) {
                try await loans.apply(application("DV-03", 10_000_000, on: day(2025, 6, 1)), scope: h1, actor: "h1")
            }
            let code = try await loans.apply(application("DV-01", 100_000_000, on: day(2025, 6, 1)), scope: .everything, actor: "h1")
            await #expect(throws: StorageError.self) { try await loans.disburse(code, on: day(2025, 6, 20), scope: .everything, actor: "h1") }
            try await loans.approve(code, on: day(2025, 6, 15), note: "đúng đối tượng", scope: .everything, actor: "h1")
            try await loans.disburse(code, on: day(2025, 7, 1), scope: .everything, actor: "h1")
            #expect(try await store.funds.balance(fund: "nef", unit: "H1") == 50_000_000)
            // The pool now cannot cover another 100,000,000 đ.
            let second = try await loans.apply(application("DV-02", 60_000_000, on: day(2025, 7, 2)), scope: .everything, actor: "h1")
            await #expect(throws: StorageError.self) { try await loans.approve(second, on: day(2025, 7, 3), scope: .everything, actor: "h1") }

            // 36 months, quarterly: 11 instalments of 8,333,333 đ and a last of 8,333,337 đ.
            var file = try await loans.file(code, scope: .everything)
            #expect(file.schedule.count == 12)
            #expect(file.schedule.reduce(0) { $0 + $1.principal } == 100_000_000)
            #expect(file.schedule.first?.due == day(2025, 10, 1))
            // The first instalment paid, the second not: 31 days late on 01/02/2026 and 91 on 02/04/2026.
            try await loans.repay(code, on: day(2025, 10, 1), amount: 8_333_333, scope: .everything, actor: "h1")
            file = try await loans.file(code, scope: .everything)
            #expect(file.position(on: day(2026, 1, 1)).daysOverdue == 0)
            #expect(file.position(on: day(2026, 1, 31)).bucket == .days1to30)
            #expect(file.position(on: day(2026, 2, 1)).bucket == .days31to90)
            #expect(file.position(on: day(2026, 4, 2)).daysOverdue == 91)
            #expect(file.position(on: day(2026, 4, 2)).bucket == .days91to180)
            var (ageing, lines) = try await loans.ageing(scope: .everything, on: day(2026, 4, 2))
            #expect(ageing.activeLoans == 1)
            #expect(ageing.buckets.first { $0.bucket == .days91to180 }?.loans == 1)
            #expect(lines.first?.file.code == code)
            // A six-month extension granted on 20/12/2025 moves every instalment from then on.
            try await loans.extend(code, granted: day(2025, 12, 20), months: 6, reason: "thiên tai", scope: .everything, actor: "h1")
            file = try await loans.file(code, scope: .everything)
            #expect(file.position(on: day(2026, 4, 2)).daysOverdue == 0)
            // Repayments go back to the pool and can be lent again; the last one closes the loan.
            try await loans.repay(code, on: day(2026, 5, 1), amount: 41_666_667, scope: .everything, actor: "h1")
            #expect(try await store.funds.balance(fund: "nef", unit: "H1") == 100_000_000)
            try await loans.approve(second, on: day(2026, 5, 2), scope: .everything, actor: "h1")
            await #expect(throws: StorageError.self) { try await loans.repay(code, on: day(2026, 5, 3), amount: 60_000_000, scope: .everything, actor: "h1") }
            try await loans.repay(code, on: day(2026, 5, 3), amount: 50_000_000, scope: .everything, actor: "h1")
            #expect(try await loans.file(code, scope: .everything).state == .repaid)
            try await loans.recordJobs(code, created: 3, scope: .everything, actor: "h1")
            // Write-off of a loan that went bad.
            try await loans.disburse(second, on: day(2026, 5, 10), scope: .everything, actor: "h1")
            try await loans.writeOff(second, on: day(2030, 1, 1), reason: "người vay mất", scope: .everything, actor: "h1")
            (ageing, lines) = try await loans.ageing(scope: .everything, on: day(2030, 1, 2))
            #expect(ageing.activeLoans == 0 && ageing.writtenOff == 60_000_000 && ageing.jobsCreated == 3)
            // The loan shows on the household's support, and a C3 officer cannot see H1's loans.
            #expect(try await store.support.records(household: "HO-01", scope: .everything).contains { $0.policyCode == "vay_quy_viec_lam" })
            let c3 = try await Self.branch(store, "C3")
            #expect(try await loans.loans(scope: c3).isEmpty)
            await #expect(throws: StorageError.outOfScope(code)) { try await loans.file(code, scope: c3) }
            try await Self.reconciles(store)
        }
    }

    @Test(arguments: TestDatabase.available)
    func campaignsDrawByNeedAreApprovedAboveAndPayInOneTransaction(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await Self.setUp(store)
            let desk = store.campaigns
            try await store.funds.contribute(fund: "xa_hoi", unit: "T", day: day(2025, 12, 1), amount: 2_500_000, contributor: "Doanh nghiệp",
                                             scope: .everything, actor: "t")
            let tet = try await desk.create(NewCampaign(kind: .tet, name: "Tết Sum vầy 2026", unit: "T", fund: "xa_hoi", year: 2025,
                                                        startsOn: day(2026, 1, 5), endsOn: day(2026, 2, 10), budget: 3_000_000, giftValue: 1_000_000),
                                            scope: .everything, actor: "t")
            #expect(try await desk.draw(tet, unit: "T", scope: .everything, actor: "t") == 3)
            // Poor before near-poor.
            var list = try await desk.proposals(tet, scope: .everything)
            #expect(list.map(\.status) == [.poor, .poor, .nearPoor])
            // Drawing again adds nobody; a household is never listed twice.
            #expect(try await desk.draw(tet, unit: "T", scope: .everything, actor: "t") == 0)
            await #expect(throws: StorageError.self) { try await desk.add(tet, household: "HO-01", reason: "ốm nặng", scope: .everything, actor: "t") }
            // A hardship household added by hand, with its reason.
            try await desk.add(tet, household: "HO-04", amount: 500_000, reason: "chồng bị bệnh hiểm nghèo", scope: .everything, actor: "c2")
            try await desk.edit(tet, household: "HO-02", remove: true, reason: "đã nhận quà của xã", scope: .everything, actor: "c3")
            list = try await desk.proposals(tet, scope: .everything)
            #expect(list.filter { $0.state == .proposed }.count == 3)
            #expect(list.first { $0.householdCode == "HO-04" }?.hardship == true)

            // A unit does not approve its own list.
            let c1 = try await store.unitID("C1")
            await #expect(throws: StorageError.self) {
                try await desk.approve(tet, unit: "C1", day: day(2026, 1, 20), scope: .everything, approverUnitID: c1, actor: "c1")
            }
            // The fund holds 2,500,000 đ: approving all three (2,500,000 đ) passes; then the fund is empty.
            let t = try await store.unitID("T")
            #expect(try await desk.approve(tet, unit: "T", day: day(2026, 1, 20), scope: .everything, approverUnitID: t, actor: "t") == 3)
            #expect(try await store.funds.balance(fund: "xa_hoi", unit: "T") == 0)
            let campaign = try await desk.campaign(tet)
            #expect(campaign.approved == 2_500_000 && campaign.remaining == 500_000)
            #expect(try await store.support.records(household: "HO-04", scope: .everything).first?.policyCode == "qua_tet")

            // Mái ấm: at most once per household within the rules' period; a short fund approves nothing.
            try await store.funds.contribute(fund: "mai_am", unit: "T", day: day(2025, 12, 1), amount: 60_000_000, contributor: "LĐLĐ tỉnh",
                                             scope: .everything, actor: "t")
            let home = try await desk.create(NewCampaign(kind: .maiAm, name: "Mái ấm Công đoàn 2026", unit: "T", fund: "mai_am", year: 2025,
                                                         startsOn: day(2026, 3, 1), endsOn: day(2026, 12, 31), budget: 200_000_000,
                                                         statuses: [.poor]), scope: .everything, actor: "t")
            #expect(try await desk.campaign(home).giftValue == SupportRules.bundled.giftAmount(kind: .maiAm, unitCodes: ["T"]))
            try await desk.add(home, household: "HO-01", amount: 60_000_000, reason: "nhà dột nát", scope: .everything, actor: "t")
            try await desk.add(home, household: "HO-03", amount: 60_000_000, reason: "nhà dột nát", scope: .everything, actor: "t")
            let entries = try await store.count("fund_entries")
            await #expect(throws: StorageError.self) {
                try await desk.approve(home, unit: "T", day: day(2026, 4, 1), scope: .everything, approverUnitID: nil, actor: "t")
            }
            #expect(try await store.count("fund_entries") == entries)
            #expect(try await desk.proposals(home, scope: .everything).allSatisfy { $0.state == .proposed })
            try await desk.edit(home, household: "HO-03", remove: true, reason: "chờ đợt sau", scope: .everything, actor: "t")
            #expect(try await desk.approve(home, unit: "T", day: day(2026, 4, 1), scope: .everything, approverUnitID: nil, actor: "t") == 1)
            let again = try await desk.create(NewCampaign(kind: .maiAm, name: "Mái ấm 2027", unit: "T", fund: "mai_am", year: 2025,
                                                          startsOn: day(2027, 3, 1), endsOn: day(2027, 12, 31), budget: 100_000_000,
                                                          statuses: [.poor]), scope: .everything, actor: "t")
            #expect(try await desk.draw(again, unit: "T", scope: .everything, actor: "t") == 1)
            #expect(try await desk.proposals(again, scope: .everything).map(\.householdCode) == ["HO-03"])
            await #expect(throws: StorageError.self) { try await desk.add(again, household: "HO-01", reason: "xin thêm", scope: .everything, actor: "t") }
            // A campaign of H1 reaches only H1's branch: H2's officer cannot list or approve households on it.
            try await store.funds.contribute(fund: "xa_hoi", unit: "H1", day: day(2025, 12, 1), amount: 1_000_000, contributor: "x", scope: .everything, actor: "t")
            let local = try await desk.create(NewCampaign(kind: .tet, name: "Tết H1", unit: "H1", fund: "xa_hoi", year: 2025, startsOn: day(2026, 1, 5),
                                                          endsOn: day(2026, 2, 1), budget: 1_000_000), scope: .everything, actor: "h1")
            let h2 = try await Self.branch(store, "H2")
            await #expect(throws: StorageError.self) { try await desk.draw(local, unit: "H2", scope: h2, actor: "h2") }
            await #expect(throws: StorageError.self) { try await desk.add(local, household: "HO-03", reason: "x", scope: h2, actor: "h2") }
            #expect(try await desk.proposals(local, scope: .everything).isEmpty)
            // A grassroots officer sees only their own households on a list.
            let c3 = try await Self.branch(store, "C3")
            #expect(try await desk.proposals(tet, scope: c3).map(\.householdCode).sorted() == ["HO-02", "HO-03"])
            try await Self.reconciles(store)
        }
    }

    /// The demo province carries support, funds, loans and two campaigns, consistently.
    @Test(arguments: TestDatabase.available)
    func demoProvinceHasSomethingOnEveryPage(db: TestDatabase) async throws {
        try await db.withStore { store in
            _ = try await DemoProvince(households: 500).build(into: store)
            try await Self.reconciles(store)
            let coverage = try await store.support.coverage(scope: .everything)
            #expect(coverage.complete > 0 && coverage.gapCount > 0)
            let states = Set(try await store.loans.loans(scope: .everything).map(\.state))
            #expect(states.isSuperset(of: [.applied, .approved, .rejected, .disbursed, .repaid]))
            let (ageing, _) = try await store.loans.ageing(scope: .everything, on: Day(year: DemoProvince.lastYear, month: 11, day: 30)!)
            #expect(ageing.activeLoans > 0 && ageing.buckets.contains { $0.loans > 0 })
            let campaigns = try await store.campaigns.campaigns()
            #expect(campaigns.count == 2)
            for c in campaigns { #expect(try await !store.campaigns.proposals(c.code, scope: .everything).isEmpty) }
            #expect(campaigns.contains { $0.approved > 0 })
        }
    }
}
