import Foundation
import Testing
@testable import PovertyCore

private func day(_ iso: String) -> Day {
    guard let d = Day(iso) else { fatalError("bad test date \(iso)") }
    return d
}

private func request(_ amount: Dong, term: Int = 60, purpose: String = "chan_nuoi", on applied: String = "2025-06-01",
                     workers: Int = 1, goodStanding: Bool = true, borrower: BorrowerKind = .worker, age: Int? = 30,
                     contractCost: Dong? = nil, contractMonths: Int? = nil) -> LoanRequest {
    LoanRequest(amount: amount, termMonths: term, purpose: purpose, appliedOn: day(applied), workers: workers,
                memberInGoodStanding: goodStanding, borrower: borrower, age: age, contractCost: contractCost, contractMonths: contractMonths)
}

@Suite("National Employment Fund loans: rules")
struct LoanRulesTests {
    let rules = LoanRules.bundled

    @Test("three decrees, each from its day: 61/2015, 74/2019 from 08/11/2019, 338/2025 from 01/01/2026")
    func rulesByDecree() throws {
        let d61 = try #require(rules.rule(on: day("2019-11-07")))
        let d74 = try #require(rules.rule(on: day("2019-11-08")))
        let d338 = try #require(rules.rule(on: day("2026-01-01")))
        #expect(rules.rule(on: day("2025-12-31")) == d74)
        let perBorrower: [Dong] = [d61.maxPerBorrower, d74.maxPerBorrower, d338.maxPerBorrower]
        let perProject: [Dong] = [d61.maxPerProject, d74.maxPerProject, d338.maxPerProject]
        let terms: [Int] = [d61.maxTermMonths, d74.maxTermMonths, d338.maxTermMonths]
        #expect(perBorrower == [50_000_000, 100_000_000, 200_000_000])
        #expect(perProject == [1_000_000_000, 2_000_000_000, 10_000_000_000])
        #expect(terms == [60, 120, 120])
        #expect(d61.source.contains("61/2015") && d74.source.contains("74/2019") && d338.source.contains("338/2025"))
        #expect(rules.rule(on: day("2040-06-30")) == d338 && d338.until == nil)
        #expect(rules.rule(on: day("2015-08-31")) == nil)
    }

    @Test func aWorkersLimitIsFlatWhateverTheJobs() {
        #expect(rules.check(request(100_000_000, on: "2025-12-31", workers: 3)).isEmpty)
        #expect(rules.check(request(100_000_001, on: "2025-12-31", workers: 3)) == [.amountOverLimit(limit: 100_000_000)])
        #expect(rules.check(request(200_000_000, on: "2026-01-01")).isEmpty)
        #expect(rules.check(request(200_000_001, on: "2026-01-01", workers: 5)) == [.amountOverLimit(limit: 200_000_000)])
        #expect(rules.check(request(50_000_001, on: "2019-11-07")) == [.amountOverLimit(limit: 50_000_000)])
        #expect(rules.check(request(50_000_001, on: "2019-11-08")).isEmpty)
    }

    @Test func anEstablishmentBorrowsPerWorkerUpToTheProjectCap() {
        let e = { (amount: Dong, on: String, workers: Int) in rules.check(request(amount, on: on, workers: workers, borrower: .establishment)) }
        #expect(e(300_000_000, "2025-12-31", 3).isEmpty)
        #expect(e(300_000_001, "2025-12-31", 3) == [.amountOverLimit(limit: 300_000_000)])
        #expect(e(2_000_000_000, "2025-12-31", 50).isEmpty)
        #expect(e(2_000_000_001, "2025-12-31", 50) == [.amountOverLimit(limit: 2_000_000_000)])
        #expect(e(10_000_000_000, "2026-01-01", 60).isEmpty)
        #expect(e(10_000_000_001, "2026-01-01", 60) == [.amountOverLimit(limit: 10_000_000_000)])
        // Fewer than one worker counts as one.
        #expect(e(100_000_001, "2025-12-31", 0) == [.amountOverLimit(limit: 100_000_000)])
    }

    @Test func workingAbroadUpToTheContractsCostsAndLength() {
        let abroad = "di_lam_viec_nuoc_ngoai"
        #expect(rules.check(request(80_000_000, term: 36, purpose: abroad, borrower: .abroad, contractCost: 90_000_000, contractMonths: 36)).isEmpty)
        #expect(rules.check(request(95_000_000, term: 48, purpose: abroad, borrower: .abroad, contractCost: 90_000_000, contractMonths: 36))
                == [.overContractCost(90_000_000), .longerThanContract(months: 36)])
        #expect(rules.check(request(80_000_000, purpose: abroad, borrower: .abroad)) == [.contractMissing])
        // The purpose and the scheme go together.
        #expect(rules.check(request(50_000_000, purpose: abroad)) == [.purposeNotOfKind(abroad)])
        #expect(rules.check(request(50_000_000, borrower: .abroad, contractCost: 60_000_000, contractMonths: 60)) == [.purposeNotOfKind("chan_nuoi")])
    }

    @Test func workingAgeFromTheBirthDate() {
        #expect(rules.check(request(50_000_000, age: 14)) == [.notOfWorkingAge])
        #expect(rules.check(request(50_000_000, age: 15)).isEmpty)
        #expect(rules.check(request(50_000_000, age: nil)).isEmpty)
    }

    @Test func termMustBeOneTo120Months() {
        #expect(rules.check(request(50_000_000, term: 120)).isEmpty)
        #expect(rules.check(request(50_000_000, term: 1)).isEmpty)
        #expect(rules.check(request(50_000_000, term: 121)) == [.termOutOfRange(max: 120)])
        #expect(rules.check(request(50_000_000, term: 0)) == [.termOutOfRange(max: 120)])
    }

    @Test func purposeStandingAndAmount() {
        #expect(rules.check(request(50_000_000, purpose: "mua_xe")) == [.purposeNotAllowed("mua_xe")])
        #expect(rules.check(request(50_000_000, goodStanding: false)) == [.notInGoodStanding])
        #expect(rules.check(request(0)) == [.nonPositiveAmount])
        #expect(rules.check(request(-5)) == [.nonPositiveAmount])
    }

    @Test func noRuleBeforeTheFirstPeriod() {
        #expect(rules.check(request(50_000_000, on: "2015-08-31")) == [.noRule(day("2015-08-31"))])
    }

    @Test func everyReasonIsListed() {
        let reasons = rules.check(request(150_000_000, term: 200, purpose: "mua_xe", on: "2025-12-31", goodStanding: false))
        #expect(reasons == [.notInGoodStanding, .amountOverLimit(limit: 100_000_000), .termOutOfRange(max: 120),
                            .purposeNotAllowed("mua_xe")])
    }

    @Test func reasonsAreCatalogueMessages() {
        #expect(LoanIneligibility.amountOverLimit(limit: 100_000_000).message == Message("refusal.loan.over_limit", .money(100_000_000)))
        #expect(LoanIneligibility.termOutOfRange(max: 120).message == Message("refusal.loan.term_out_of_range", .number(120)))
        #expect(LoanIneligibility.purposeNotAllowed("chan_nuoi").message == Message("refusal.loan.purpose_not_allowed", .both(vi: "Chăn nuôi", en: "Livestock raising")))
        #expect(LoanIneligibility.noRule(day("2019-01-01")).message == Message("refusal.loan.no_rule", .day(day("2019-01-01"))))
    }

    @Test func purposesHaveLabels() {
        #expect(LoanRules.purposeLabel("chan_nuoi") == "Chăn nuôi")
        #expect(LoanRules.purposeLabel("trong_trot") == "Trồng trọt")
        #expect(LoanRules.purposeLabel("mua_xe") == nil)
        for code in ["chan_nuoi", "trong_trot", "kinh_doanh_dich_vu", "tieu_thu_cong_nghiep", "di_lam_viec_nuoc_ngoai"] {
            #expect(rules.rules.allSatisfy { $0.purposes.contains(code) }, "\(code)")
        }
        for rule in rules.rules {
            for code in rule.purposes { #expect(LoanRules.purposeLabel(code) != nil, "\(code)") }
        }
    }

    // MARK: - Validation

    static func rule(_ from: String, _ until: String?, max: Dong = 1_000_000, term: Int = 12) -> LoanRule {
        LoanRule(from: day(from), until: until.map(day), maxPerBorrower: max, maxPerWorker: max, maxPerProject: max * 10, maxTermMonths: term,
                 purposes: ["chan_nuoi"])
    }

    @Test func overlappingPeriodsAreRefused() {
        #expect(throws: LoanRules.LoadError.overlapping(day("2020-01-01"), day("2020-12-31"))) {
            try LoanRules(rules: [Self.rule("2020-01-01", "2020-12-31"), Self.rule("2020-12-31", nil)])
        }
        #expect(throws: LoanRules.LoadError.overlapping(day("2020-01-01"), day("2030-01-01"))) {
            try LoanRules(rules: [Self.rule("2030-01-01", nil), Self.rule("2020-01-01", nil)])
        }
    }

    @Test func adjacentPeriodsAndGapsAreFine() throws {
        let r = try LoanRules(rules: [Self.rule("2022-01-01", nil, max: 3), Self.rule("2020-01-01", "2020-12-31", max: 1),
                                      Self.rule("2021-01-01", "2021-06-30", max: 2)])
        #expect(r.rules.map(\.maxPerWorker) == [1, 2, 3])
        #expect(r.rule(on: day("2020-12-31"))?.maxPerWorker == 1)
        #expect(r.rule(on: day("2021-01-01"))?.maxPerWorker == 2)
        #expect(r.rule(on: day("2021-07-01")) == nil)
        #expect(r.rule(on: day("2022-01-01"))?.maxPerWorker == 3)
    }

    @Test func emptyPeriodsAndBadLimitsAreRefused() {
        #expect(throws: LoanRules.LoadError.emptyPeriod(from: day("2020-01-02"))) {
            try LoanRules(rules: [Self.rule("2020-01-02", "2020-01-01")])
        }
        #expect(throws: LoanRules.LoadError.badLimits(from: day("2020-01-01"))) {
            try LoanRules(rules: [Self.rule("2020-01-01", nil, max: 0)])
        }
        #expect(throws: LoanRules.LoadError.badLimits(from: day("2020-01-01"))) {
            try LoanRules(rules: [Self.rule("2020-01-01", nil, term: 0)])
        }
    }

    @Test func fileValidation() throws {
        let good = #"{"purposes": [{"code": "chan_nuoi", "vi": "Chăn nuôi"}], "rules": [{"from": "2020-01-01", "until": "2020-12-31", "maxPerBorrower": 5, "maxPerWorker": 5, "maxPerProject": 50, "maxTermMonths": 12, "purposes": ["chan_nuoi"]}]}"#
        let (r, purposes) = try LoanRules.load(Data(good.utf8))
        #expect(r.rules == [Self.rule("2020-01-01", "2020-12-31", max: 5)])
        #expect(purposes == [LoanPurpose(code: "chan_nuoi", vi: "Chăn nuôi")])
        // Without an English label an English page shows the Vietnamese one; the built-in rules have both.
        #expect(purposes[0].label(english: true) == "Chăn nuôi")
        #expect(LoanRules.purposes.allSatisfy { $0.en != nil } && LoanRules.purposeLabel("chan_nuoi", english: true) == "Livestock raising")
        let unlabelled = good.replacingOccurrences(of: #"["chan_nuoi"]"#, with: #"["mua_xe"]"#)
        #expect(throws: LoanRules.LoadError.unknownPurpose("mua_xe")) { try LoanRules.load(Data(unlabelled.utf8)) }
        let badDate = good.replacingOccurrences(of: "2020-12-31", with: "2020-13-31")
        #expect(throws: LoanRules.LoadError.self) { try LoanRules.load(Data(badDate.utf8)) }
    }

    @Test func ruleRoundTripsThroughJSON() throws {
        let rule = try #require(rules.rules.first)
        let text = String(decoding: try JSONEncoder().encode(rule), as: UTF8.self)
        #expect(text.contains(#""from":"2015-09-01""#))
        #expect(try JSONDecoder().decode(LoanRule.self, from: Data(text.utf8)) == rule)
    }
}

@Suite("National Employment Fund loans: schedules and arrears")
struct LoanScheduleTests {
    @Test func quarterlyOver36MonthsSumsExactly() {
        let s = LoanSchedule.make(amount: 100_000_001, disbursed: day("2025-01-15"), termMonths: 36, everyMonths: 3)
        #expect(s.count == 12)
        #expect(s.map(\.number) == Array(1...12))
        #expect(s.reduce(0) { $0 + $1.principal } == 100_000_001)
        // 100,000,001 = 12 × 8,333,333 + 5: the 5 đồng go on the last instalment.
        #expect(s.dropLast().allSatisfy { $0.principal == 8_333_333 })
        #expect(s.last?.principal == 8_333_338)
        #expect(s.first?.due == day("2025-04-15"))
        #expect(s[3].due == day("2026-01-15"))
        #expect(s.last?.due == day("2028-01-15"))
    }

    @Test func datesClampToMonthEnds() {
        let monthly = LoanSchedule.make(amount: 3_000_000, disbursed: day("2024-01-31"), termMonths: 3, everyMonths: 1)
        #expect(monthly.map(\.due) == [day("2024-02-29"), day("2024-03-31"), day("2024-04-30")])
        let quarterly = LoanSchedule.make(amount: 2_000_000, disbursed: day("2025-11-30"), termMonths: 6, everyMonths: 3)
        #expect(quarterly.map(\.due) == [day("2026-02-28"), day("2026-05-30")])
    }

    @Test func termNotAMultipleOfThePeriod() {
        let s = LoanSchedule.make(amount: 1_000, disbursed: day("2025-01-10"), termMonths: 10, everyMonths: 3)
        #expect(s.map(\.due) == [day("2025-04-10"), day("2025-07-10"), day("2025-10-10"), day("2025-11-10")])
        #expect(s.map(\.principal) == [250, 250, 250, 250])
        let once = LoanSchedule.make(amount: 1_000, disbursed: day("2025-01-10"), termMonths: 6, everyMonths: 12)
        #expect(once == [Instalment(number: 1, due: day("2025-07-10"), principal: 1_000)])
    }

    @Test func invalidInputsGiveNoSchedule() {
        #expect(LoanSchedule.make(amount: 0, disbursed: day("2025-01-10"), termMonths: 12, everyMonths: 3).isEmpty)
        #expect(LoanSchedule.make(amount: 1_000, disbursed: day("2025-01-10"), termMonths: 0, everyMonths: 3).isEmpty)
        #expect(LoanSchedule.make(amount: 1_000, disbursed: day("2025-01-10"), termMonths: 12, everyMonths: 0).isEmpty)
    }

    @Test func extensionShiftsInstalmentsDueOnOrAfterItsGrant() {
        let plain = LoanSchedule.make(amount: 12_000_000, disbursed: day("2025-01-15"), termMonths: 12, everyMonths: 3)
        #expect(plain.map(\.due) == [day("2025-04-15"), day("2025-07-15"), day("2025-10-15"), day("2026-01-15")])
        let extended = LoanSchedule.make(amount: 12_000_000, disbursed: day("2025-01-15"), termMonths: 12, everyMonths: 3,
                                         extensions: [LoanExtension(granted: day("2025-07-01"), months: 6)])
        #expect(extended.map(\.due) == [day("2025-04-15"), day("2026-01-15"), day("2026-04-15"), day("2026-07-15")])
        #expect(extended.map(\.principal) == plain.map(\.principal))
        // Granted on a due date: that instalment moves too.
        let onDue = LoanSchedule.make(amount: 12_000_000, disbursed: day("2025-01-15"), termMonths: 12, everyMonths: 3,
                                      extensions: [LoanExtension(granted: day("2025-07-15"), months: 3)])
        #expect(onDue.map(\.due) == [day("2025-04-15"), day("2025-10-15"), day("2026-01-15"), day("2026-04-15")])
        // Granted after the last due date: nothing moves.
        let late = LoanSchedule.make(amount: 12_000_000, disbursed: day("2025-01-15"), termMonths: 12, everyMonths: 3,
                                     extensions: [LoanExtension(granted: day("2026-01-16"), months: 12)])
        #expect(late == plain)
    }

    @Test func extensionsAccumulateWithoutLosingMonthEnds() {
        // Monthly from 31/01: 28/02, 31/03, 30/04. One month's deferral from 01/03, then another from 01/05.
        let s = LoanSchedule.make(amount: 3_000, disbursed: day("2025-01-31"), termMonths: 3, everyMonths: 1,
                                  extensions: [LoanExtension(granted: day("2025-05-01"), months: 1),
                                               LoanExtension(granted: day("2025-03-01"), months: 1)])
        // First: 31/03 → 30/04 and 30/04 → 31/05 (from the disbursement day, not from 30/04).
        // Second (01/05): 31/05 → 30/06; 30/04 stays.
        #expect(s.map(\.due) == [day("2025-02-28"), day("2025-04-30"), day("2025-06-30")])
    }

    /// Random amounts, terms and periods: sums are exact, dates never go backwards, the last
    /// instalment falls at the end of the term, and extensions only move dates later.
    @Test func scheduleProperties() {
        var rng = SeededRandom(seed: 2026)
        for _ in 0..<500 {
            let amount = rng.int(in: 1...1_000_000_000)
            let term = rng.int(in: 1...120)
            let every = rng.int(in: 1...12)
            let disbursed = Day(year: rng.int(in: 2015...2030), month: rng.int(in: 1...12), day: rng.int(in: 1...31))
                ?? Day(year: 2025, month: 1, day: 31)!
            let s = LoanSchedule.make(amount: amount, disbursed: disbursed, termMonths: term, everyMonths: every)
            let label = "\(amount) over \(term) every \(every) from \(disbursed)"
            #expect(s.count == (term + every - 1) / every, "\(label)")
            #expect(s.reduce(0) { $0 + $1.principal } == amount, "\(label)")
            #expect(zip(s, s.dropFirst()).allSatisfy { $0.due < $1.due }, "\(label)")
            #expect(s.last?.due == disbursed.adding(months: term), "\(label)")
            #expect(s.allSatisfy { $0.principal >= 0 && $0.due > disbursed }, "\(label)")

            let extensions = (0..<rng.int(in: 0...3)).map { _ in
                LoanExtension(granted: disbursed.adding(days: rng.int(in: 0...3_650)), months: rng.int(in: 1...12))
            }
            let e = LoanSchedule.make(amount: amount, disbursed: disbursed, termMonths: term, everyMonths: every,
                                      extensions: extensions)
            #expect(e.map(\.principal) == s.map(\.principal), "\(label)")
            #expect(zip(e, e.dropFirst()).allSatisfy { $0.due <= $1.due }, "\(label)")
            #expect(zip(s, e).allSatisfy { $0.due <= $1.due }, "\(label)")
        }
    }

    // MARK: - Position and ageing

    /// 12,000,000 đ disbursed 15/01/2025, 3,000,000 due each 15/04, 15/07, 15/10/2025 and 15/01/2026.
    static let schedule = LoanSchedule.make(amount: 12_000_000, disbursed: day("2025-01-15"), termMonths: 12, everyMonths: 3)

    static func position(_ repayments: [Repayment], on d: String) -> LoanPosition {
        LoanPosition.position(amount: 12_000_000, schedule: schedule, repayments: repayments, on: day(d))
    }

    @Test func dueTodayIsNotYetOverdue() {
        let p = Self.position([], on: "2025-04-15")
        #expect(p.dueToDate == 3_000_000)
        #expect(p.overdue == 0)
        #expect(p.daysOverdue == 0)
        #expect(p.bucket == nil)
        #expect(p.outstanding == 12_000_000)
    }

    @Test func beforeTheFirstDueDate() {
        let p = Self.position([Repayment(day: day("2025-02-01"), amount: 500_000)], on: "2025-03-01")
        #expect(p.dueToDate == 0 && p.overdue == 0 && p.daysOverdue == 0)
        #expect(p.repaid == 500_000 && p.outstanding == 11_500_000)
    }

    struct Ageing: Sendable, CustomTestStringConvertible {
        let on: String
        let days: Int
        let bucket: AgeingBucket?
        let dueToDate: Dong
        let overdue: Dong
        var testDescription: String { "\(on): \(days) days" }
    }

    /// 1,000,000 đ paid on 10/04/2025 against the 3,000,000 due on 15/04: 2,000,000 stays overdue.
    @Test(arguments: [
        Ageing(on: "2025-04-15", days: 0, bucket: nil, dueToDate: 3_000_000, overdue: 0),
        Ageing(on: "2025-04-16", days: 1, bucket: .days1to30, dueToDate: 3_000_000, overdue: 2_000_000),
        Ageing(on: "2025-05-15", days: 30, bucket: .days1to30, dueToDate: 3_000_000, overdue: 2_000_000),
        Ageing(on: "2025-05-16", days: 31, bucket: .days31to90, dueToDate: 3_000_000, overdue: 2_000_000),
        Ageing(on: "2025-07-14", days: 90, bucket: .days31to90, dueToDate: 3_000_000, overdue: 2_000_000),
        Ageing(on: "2025-07-15", days: 91, bucket: .days91to180, dueToDate: 6_000_000, overdue: 2_000_000),
        Ageing(on: "2025-07-16", days: 92, bucket: .days91to180, dueToDate: 6_000_000, overdue: 5_000_000),
        Ageing(on: "2025-10-12", days: 180, bucket: .days91to180, dueToDate: 6_000_000, overdue: 5_000_000),
        Ageing(on: "2025-10-13", days: 181, bucket: .over180, dueToDate: 6_000_000, overdue: 5_000_000),
        Ageing(on: "2026-06-01", days: 412, bucket: .over180, dueToDate: 12_000_000, overdue: 11_000_000),
    ])
    func ageingBoundaries(_ e: Ageing) {
        let p = Self.position([Repayment(day: day("2025-04-10"), amount: 1_000_000)], on: e.on)
        #expect(p.daysOverdue == e.days)
        #expect(p.bucket == e.bucket)
        #expect(p.dueToDate == e.dueToDate)
        #expect(p.overdue == e.overdue)
        #expect(p.repaid == 1_000_000)
        #expect(p.outstanding == 11_000_000)
        #expect(p.disbursed == 12_000_000)
    }

    @Test func laterRepaymentsDoNotCount() {
        let repayments = [Repayment(day: day("2025-04-10"), amount: 1_000_000), Repayment(day: day("2025-06-01"), amount: 3_000_000)]
        let before = Self.position(repayments, on: "2025-05-20")
        #expect(before.repaid == 1_000_000)
        #expect(before.daysOverdue == 35)
        #expect(before.overdue == 2_000_000)
        // Counted from 01/06: FIFO covers 15/04 fully, 1,000,000 goes to 15/07.
        let june = Self.position(repayments, on: "2025-06-01")
        #expect(june.repaid == 4_000_000 && june.overdue == 0 && june.daysOverdue == 0 && june.bucket == nil)
        let august = Self.position(repayments, on: "2025-08-01")
        #expect(august.overdue == 2_000_000)
        #expect(august.daysOverdue == 17)
        #expect(august.bucket == .days1to30)
        #expect(august.outstanding == 8_000_000)
    }

    @Test func paidUpAndOverpaid() {
        let onTime = Self.schedule.map { Repayment(day: $0.due, amount: $0.principal) }
        let end = Self.position(onTime, on: "2026-03-01")
        #expect(end.outstanding == 0 && end.overdue == 0 && end.daysOverdue == 0 && end.dueToDate == 12_000_000)
        let over = Self.position([Repayment(day: day("2025-02-01"), amount: 13_000_000)], on: "2026-03-01")
        #expect(over.outstanding == 0 && over.overdue == 0 && over.bucket == nil)
        #expect(over.repaid == 13_000_000)
    }

    @Test func bucketsFromDays() {
        #expect(AgeingBucket(daysOverdue: 0) == nil)
        #expect(AgeingBucket(daysOverdue: -3) == nil)
        let cases: [(Int, AgeingBucket)] = [(1, .days1to30), (30, .days1to30), (31, .days31to90), (90, .days31to90),
                                            (91, .days91to180), (180, .days91to180), (181, .over180), (5_000, .over180)]
        for (days, bucket) in cases { #expect(AgeingBucket(daysOverdue: days) == bucket, "\(days)") }
        #expect(AgeingBucket.allCases.map(\.rawValue) == ["1-30", "31-90", "91-180", ">180"])
        #expect(AgeingBucket.over180.label == "quá hạn trên 180 ngày")
        #expect(AgeingBucket.allCases.allSatisfy { !$0.label.isEmpty && !$0.labelEn.isEmpty })
    }
}
