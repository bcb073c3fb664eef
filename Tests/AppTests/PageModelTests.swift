@testable import App
import Foundation
import PovertyCore
import SQLKit
@_spi(Simulation) @testable import Storage
import Testing
import Texts
import Vapor

/// Page models built on their own, without a request or a template: what the dashboard and a
/// household's page show, from Storage's answers.
@Suite("Page models")
struct PageModelTests {
    let vi = PageText(catalogue: .standard, language: .vi)
    let en = PageText(catalogue: .standard, language: .en)

    func day(_ text: String) throws -> Day { try #require(Day(text)) }

    /// A province of one unit (id 1) with a target of "down 70%" from 2021 to 2025.
    func province() throws -> (OrgHistory, TargetProgress) {
        let since = try day("01/01/2020")
        let history = OrgHistory(units: [OrgUnit(id: 1, code: "T", kind: .provincialFederation, from: since, to: nil),
                                         OrgUnit(id: 2, code: "A", kind: .grassrootsUnion, from: since, to: nil),
                                         OrgUnit(id: 3, code: "B", kind: .grassrootsUnion, from: since, to: nil)],
                                 versions: [OrgVersion(unitID: 1, name: "LĐLĐ tỉnh", parentID: nil, from: since, to: nil),
                                            OrgVersion(unitID: 2, name: "CĐCS A", parentID: 1, from: since, to: nil),
                                            OrgVersion(unitID: 3, name: "CĐCS B", parentID: 1, from: since, to: nil)],
                                 successions: [])
        let path = TargetPath(baselineYear: 2021, baseline: 1000, targetYear: 2025, reductionPermille: 700)
        let target = Target(id: 1, unitID: 1, measure: .poorHouseholds, baselineYear: 2021, targetYear: 2025, reductionPermille: 700,
                            level: nil, frozenOn: try day("01/03/2022"), note: "")
        return (history, TargetProgress(target: target, unitID: 1, path: path, latestYear: nil, latest: nil))
    }

    func year(_ y: Int, poor: Int, households: Int = 10_000) -> YearFigures {
        YearFigures(year: y, standardCodes: ["2021-2025"], households: households, poor: poor, nearPoor: poor / 2, escaped: nil, enteredPoverty: nil)
    }

    @Test("the dashboard says whether the branch is on course, by the target's own path")
    func dashboardTarget() throws {
        let (history, progress) = try province()
        let today = try day("06/12/2026")
        // The path expects 650 poor households in 2023 (1,000 down to 300 on a straight line).
        let onCourse = DashboardBody(figures: [year(2021, poor: 1000), year(2022, poor: 800), year(2023, poor: 650)], progress: [progress],
                                     baselinePoor: 1000, mismatches: [:], history: history, today: today, text: vi)
        #expect(onCourse.targetNote == "Năm 2023 đã giảm 35,0% so với năm 2021: đúng lộ trình (không quá 650 hộ) để đạt mục tiêu giảm 70,0% năm 2025.")
        #expect(onCourse.hasTarget && onCourse.latestYear == 2023 && onCourse.poor == "650" && onCourse.rate == "6,5%")
        #expect(onCourse.years.map(\.year) == [2023, 2022, 2021], "newest year first")
        let behind = DashboardBody(figures: [year(2021, poor: 1000), year(2023, poor: 651)], progress: [progress],
                                   baselinePoor: 1000, mismatches: [:], history: history, today: today, text: en)
        #expect(behind.targetNote == "By 2023 poor households fell only 34.9% against 2021: behind the path (650) to the target of a fall of 70.0% by 2025.")
        // The target year decides met or missed, whatever came before.
        let met = DashboardBody(figures: [year(2021, poor: 1000), year(2025, poor: 300), year(2026, poor: 900)], progress: [progress],
                                baselinePoor: 1000, mismatches: [:], history: history, today: today, text: vi)
        #expect(met.targetNote == "Đã giảm 70,0% số hộ nghèo so với năm 2021: đạt mục tiêu giảm 70,0% đến cuối năm 2025.")
        let missed = DashboardBody(figures: [year(2021, poor: 1000), year(2025, poor: 301)], progress: [progress],
                                   baselinePoor: 1000, mismatches: [:], history: history, today: today, text: vi)
        #expect(missed.targetNote.hasPrefix("Đã giảm 69,9% số hộ nghèo so với năm 2021: chưa đạt"))
        // The target's own count of the year decides (the branch on today's tree, as its frozen
        // baseline): 651 reviewed, of which 51 in a unit since dissolved without a successor.
        let counted = TargetProgress(target: progress.target, unitID: 1, path: progress.path, latestYear: 2023, latest: 600)
        let judged = DashboardBody(figures: [year(2021, poor: 1000), year(2023, poor: 651)], progress: [counted],
                                   baselinePoor: 1000, mismatches: [:], history: history, today: today, text: vi)
        #expect(judged.targetNote.hasPrefix("Năm 2023 đã giảm 40,0% so với năm 2021: đúng lộ trình"), "\(judged.targetNote)")
        // A count that grew reads as a negative reduction.
        let grew = DashboardBody(figures: [year(2021, poor: 1000), year(2023, poor: 1200)], progress: [progress],
                                 baselinePoor: 1000, mismatches: [:], history: history, today: today, text: vi)
        #expect(grew.targetNote.hasPrefix("Năm 2023 mới giảm -20,0% so với năm 2021: chậm hơn lộ trình"), "\(grew.targetNote)")
        // A target whose year is still ahead, with a count under another standard than its baseline's, is not judged.
        let later = TargetProgress(target: Target(id: 3, unitID: 1, measure: .poorHouseholds, baselineYear: 2025, targetYear: 2030,
                                                  reductionPermille: 500, level: nil, frozenOn: try day("05/01/2026"), note: ""),
                                   unitID: 1, path: TargetPath(baselineYear: 2025, baseline: 300, targetYear: 2030, reductionPermille: 500),
                                   latestYear: 2026, latest: 450)
        #expect(later.comparable == false && later.onCourse == nil)
        #expect(counted.comparable && counted.onCourse == true)
        let otherStandard = DashboardBody(figures: [year(2025, poor: 300), year(2026, poor: 450)], progress: [later],
                                          baselinePoor: 300, mismatches: [:], history: history, today: today, text: vi)
        #expect(otherStandard.targetNote == "Số hộ nghèo năm 2026 tính theo chuẩn nghèo khác với năm gốc 2025, nên không so với mục tiêu giảm 50,0% năm 2030.")
        // A branch with part of a split unit's baseline is not judged on it.
        var divided = counted
        divided.baselineDivided = true
        let split = DashboardBody(figures: [year(2021, poor: 1000), year(2023, poor: 651)], progress: [divided],
                                  baselinePoor: 1000, mismatches: [:], history: history, today: today, text: vi)
        #expect(split.targetNote.hasPrefix("Số hộ nghèo năm gốc 2021 có phần của đơn vị đã chia tách") && split.targetNote.contains("giảm 70,0% năm 2025"))
        // The chart draws the path and names its series in the page language.
        #expect(met.chart.contains("<svg") && met.chart.contains(en.t("dashboard.target_path")) == false && met.chart.contains(vi.t("dashboard.target_path")))
    }

    @Test("a percentage keeps its sign and rounds as the reports do")
    func percentages() {
        #expect(Format.percent(-2, 10) == "-20,0%")
        #expect(Format.percent(-1, 100, .en) == "-1.0%")
        #expect(Format.percent(-1, 3_000) == "0,0%")  // no "-0,0%"
        #expect(Format.percent(1, 3) == "33,3%" && Format.percent(2, 3) == "66,7%")
        #expect(Format.percent(2_499, 2_500) == ReportFormat.decimal(Ratio(2_499, 2_500), decimals: 1, scale: 100, .vi) + "%")
        #expect(Format.percent(1_234_567, 1_000) == "123.456,7%")
        #expect(Format.percent(0, 5) == "0,0%" && Format.percent(1, 0) == "–")
    }

    @Test("a list's sheet tab is cut at a word and keeps its year")
    func sheetNames() {
        #expect(ListDownload.sheetName("Hộ còn thiếu chính sách năm 2026 — Liên đoàn Lao động tỉnh Ninh Bình") == "Hộ còn thiếu chính sách 2026")
        #expect(ListDownload.sheetName("Danh sách đề xuất hỗ trợ năm 2026 — Công đoàn xã Kim Sơn") == "Danh sách đề xuất hỗ trợ 2026")
        #expect(ListDownload.sheetName("Danh sách hộ năm 2026 — Liên đoàn Lao động tỉnh") == "Danh sách hộ năm 2026")
        #expect(ListDownload.sheetName("Một danh sách có tên rất dài không có năm ở cuối") == "Một danh sách có tên rất dài")
        #expect(ListDownload.sheetName("Households still lacking support, 2026 — X").count <= 31)
        for title in ["Tình hình báo cáo năm 2026 — Liên đoàn", String(repeating: "x", count: 40), "Danh sách đợt Tết Nguyên đán 2027 cho đoàn viên 2027"] {
            #expect(ListDownload.sheetName(title).count <= 31, "\(title)")
        }
    }

    @Test("two roots' targets make one path from the summed baseline to the summed goal")
    func dashboardSummedTargets() throws {
        let (history, first) = try province()
        // A second root with a target of at most 100 households from a baseline of 500.
        let second = TargetProgress(target: Target(id: 2, unitID: 2, measure: .poorHouseholds, baselineYear: 2021, targetYear: 2025,
                                                   reductionPermille: nil, level: 100, frozenOn: try day("01/03/2022"), note: ""),
                                    unitID: 2, path: TargetPath(baselineYear: 2021, baseline: 500, targetYear: 2025, level: 100), latestYear: nil, latest: nil)
        // Summed: 1,500 down to 400 by 2025; in 2023 the line is at 950.
        let body = DashboardBody(figures: [year(2021, poor: 1500), year(2023, poor: 950)], progress: [first, second], baselinePoor: 1500,
                                 mismatches: [:], history: history, today: try day("06/12/2026"), text: vi)
        #expect(body.baselinePoor == "1.500")
        #expect(body.targetNote.contains("đúng lộ trình (không quá 950 hộ)"))
        let behind = DashboardBody(figures: [year(2021, poor: 1500), year(2023, poor: 951)], progress: [first, second], baselinePoor: 1500,
                                   mismatches: [:], history: history, today: try day("06/12/2026"), text: vi)
        #expect(behind.targetNote.contains("chậm hơn lộ trình (950 hộ)"))
    }

    @Test("without reviews the dashboard is empty; without a target it shows no note; mismatches are the ten largest")
    func dashboardEdges() throws {
        let (history, _) = try province()
        let today = try day("06/12/2026")
        let empty = DashboardBody(figures: [], progress: [], baselinePoor: 0, mismatches: [:], history: history, today: today, text: vi)
        #expect(!empty.hasData && empty.years.isEmpty && empty.chart.isEmpty)
        var counts: [Int: Int] = [:]
        for id in 2...13 { counts[id] = id }
        let body = DashboardBody(figures: [year(2024, poor: 100)], progress: [], baselinePoor: 120, mismatches: counts,
                                 history: history, today: today, text: vi)
        #expect(body.hasData && !body.hasTarget && body.targetNote.isEmpty)
        #expect(body.baselineNote.contains("06/12/2026"))
        #expect(body.mismatches.map(\.unitID) == Array((4...13).reversed()), "the ten units with most mismatches, most first")
        #expect(body.mismatches.last?.count == "4" && body.mismatches.first?.unit == "?", "unit 13 is not in the tree")
        #expect(counts.keys.contains(3) && !body.mismatches.contains { $0.unitID == 3 })
    }

    @Test("a household's page: a loan's support cannot be cancelled by hand, a moved household shows no support form, typed values are kept",
          arguments: WebDatabase.available)
    func household(db: WebDatabase) async throws {
        try await db.withApp { app, _ in
            let store = app.web.store
            // A household of the demo with a support its loan made, and one made by hand.
            let row = try #require(try await store.sql.raw("""
                SELECT h.code AS code FROM support s JOIN households h ON h.id = s.household_id
                WHERE s.policy_code = 'vay_quy_viec_lam' AND s.cancel_reason IS NULL ORDER BY h.code LIMIT 1
                """).first())
            let code = try row.decode(column: "code", as: String.self)
            let actor = try await store.op
            let dossier = try await store.reviews.dossier(actor, code: code)
            let policies = try await store.support.catalogue()
            let funds = try await store.funds.funds().filter { $0.kind == .support }
            let today = store.today
            let unit = try #require(dossier.file.reviews.last.flatMap { actor.history.units[$0.unitID]?.code })
            let body = HouseholdBody(dossier: dossier, policies: policies, funds: funds, permissions: Permissions(actor: actor),
                                     history: actor.history, today: today, form: HouseholdBody.supportForm(today: today, unit: unit),
                                     units: [], error: nil, text: vi)
            let records = try #require(dossier.support)
            #expect(body.support.count == records.count && body.showsSupport && body.mayRecord)
            for (shown, record) in zip(body.support, records) {
                #expect(shown.mayCancel == (!record.cancelled && !record.fromLoan), "record \(record.id) (\(record.policyCode))")
            }
            #expect(records.contains { $0.fromLoan && !$0.cancelled })
            #expect(!body.policies.contains { $0.value == "vay_quy_viec_lam" }, "a loan's support is never recorded by hand")
            #expect(body.sources.filter(\.selected).map(\.value) == ["state"] && body.today == today.vietnamese && body.typedValue == "0")
            #expect(body.loans.count == dossier.loans.count && body.hasLoans)

            // What was typed into a refused form is what the form shows again.
            var typed = HouseholdBody.supportForm(today: today, unit: unit)
            typed.merge(["policy": "ho_tro_bhyt", "source": "partner", "value": "mười nghìn", "sourceName": "Hội <Chữ thập đỏ>"]) { _, new in new }
            let refused = HouseholdBody(dossier: dossier, policies: policies, funds: funds, permissions: Permissions(actor: actor),
                                        history: actor.history, today: today, form: typed, units: [], error: "x", text: en)
            #expect(refused.policies.filter(\.selected).map(\.value) == ["ho_tro_bhyt"])
            #expect(refused.sources.filter(\.selected).map(\.value) == ["partner"])
            #expect(refused.typedValue == "mười nghìn" && refused.typedSourceName == "Hội <Chữ thập đỏ>" && refused.error == "x")

            // A household another branch now holds: its reviews, no support, no form.
            let moved = HouseholdDossier(file: dossier.file, support: nil, coverage: nil, loans: [], heldElsewhere: true)
            let elsewhere = HouseholdBody(dossier: moved, policies: policies, funds: funds, permissions: Permissions(actor: actor),
                                          history: actor.history, today: today, form: HouseholdBody.supportForm(today: today, unit: nil),
                                          units: [], error: nil, text: vi)
            #expect(!elsewhere.showsSupport && !elsewhere.mayRecord && !elsewhere.mayEnterReview && elsewhere.support.isEmpty && !elsewhere.hasCoverage)
            #expect(elsewhere.reviews.count == dossier.file.reviews.count && elsewhere.reviews.first?.year == dossier.file.reviews.last?.year)

            // A read-only role sees the records but may cancel none.
            let viewer = try await store.actor(.province, role: .auditor)
            let readOnly = HouseholdBody(dossier: dossier, policies: policies, funds: funds, permissions: Permissions(actor: viewer),
                                         history: viewer.history, today: today, form: HouseholdBody.supportForm(today: today, unit: unit),
                                         units: [], error: nil, text: vi)
            #expect(!readOnly.mayRecord && !readOnly.support.contains(where: \.mayCancel) && !readOnly.mayEnterReview)
        }
    }

    @Test("the loans page shows each loan as it stood on the day asked for; a loan's file offers only the steps of its state",
          arguments: WebDatabase.available)
    func loans(db: WebDatabase) async throws {
        try await db.withApp { app, _ in
            let store = app.web.store
            let actor = try await store.op
            let files = try await store.loans.loans(actor, state: nil)
            // A loan repaid in full: on a day while its money was out it still owed, and is
            // shown so (not with today's nothing), on the page and in its download alike.
            let repaid = try #require(files.first { f in
                guard f.state == .repaid, let out = f.disbursedOn, let closed = f.closedOn else { return false }
                return out < closed
            })
            let during = try #require(repaid.disbursedOn)
            let then = try #require(LoanStanding(repaid, asAt: during, today: store.today))
            #expect(then.state == .disbursed, "out on that day, repaid only later")
            #expect(then.outstanding == repaid.amount - repaid.payments.filter { $0.day <= during }.reduce(0) { $0 + $1.amount })
            #expect(then.outstanding > 0 && !LoansBody.lateness(then, text: vi).bucket.isEmpty)
            let now = try #require(LoanStanding(repaid, asAt: nil, today: store.today))
            #expect(now.state == .repaid && now.outstanding == 0 && now.position == nil && LoansBody.lateness(now, text: vi) == (0, ""))
            #expect(LoanStanding(repaid, asAt: repaid.appliedOn.adding(days: -1), today: store.today) == nil, "not listed before it was applied for")
            // Filtered by state, the list of that day holds it among the loans out, not among those repaid.
            #expect(LoanStanding.listed([repaid], asAt: during, today: store.today, state: .disbursed).count == 1)
            #expect(LoanStanding.listed([repaid], asAt: during, today: store.today, state: .repaid).isEmpty)
            #expect(LoanStanding.listed([repaid], asAt: nil, today: store.today, state: .repaid).count == 1)
            let (report, _) = try await store.loans.ageing(actor, on: during)
            let page = LoansBody(report: report, files: [repaid], asked: during, stateFilter: .disbursed, fields: LoansBody.applicationForm(today: store.today), units: [],
                                 mayChange: true, history: actor.history, today: store.today, error: nil, downloads: ("x", "c"), text: vi)
            #expect(page.rows.first?.outstanding == vi.money(then.outstanding) && page.day == during.vietnamese)
            #expect(page.rows.first?.stateCode == "disbursed" && page.rows.first?.state == vi.t("loan.state.disbursed"))
            #expect(page.borrowers.filter(\.selected).map(\.value) == ["nguoi_lao_dong"] && page.states.first { $0.selected }?.value == "disbursed")
            // On that day the loans listed as out are the ones the ageing counts.
            #expect(LoanStanding.listed(files, asAt: during, today: store.today, state: .disbursed).count == report.activeLoans)
            // Every loan's state read back on the days of its steps.
            for f in files {
                #expect(f.state(on: f.appliedOn) != nil && f.state(on: f.appliedOn.adding(days: -1)) == nil, "\(f.code)")
                if let out = f.disbursedOn { #expect(f.state(on: out) == (f.closedOn == out ? f.state : .disbursed), "\(f.code)") }
                if let closed = f.closedOn { #expect(f.state(on: closed) == f.state, "\(f.code)") }
                if f.state == .rejected, let decided = f.decidedOn { #expect(f.state(on: decided) == .rejected, "\(f.code)") }
                #expect(f.state(on: store.today) == f.state, "\(f.code): today's state is the stored one")
            }

            // A loan being repaid: its instalments are paid in order by what was repaid.
            let open = try #require(files.first { $0.state == .disbursed && $0.repaid > 0 })
            let forms = LoanBody.stepForms(today: store.today, text: vi).mapValues(\.defaults)
            let file = LoanBody(file: open, permissions: Permissions(actor: actor), mayWriteOff: false, history: actor.history,
                                today: store.today, forms: forms, error: nil, text: vi)
            #expect(file.schedule.prefix(while: \.paid).count == file.schedule.filter(\.paid).count, "paid lines come first")
            #expect(file.repaid == vi.money(open.repaid) && file.outstanding == vi.money(open.amount - open.repaid))
            #expect(file.mayService && !file.mayDecide && !file.mayReject && !file.mayDisburse && file.mayRecordJobs)
            #expect(file.approve["note"] == vi.t("loans.right_people") && file.extend["months"] == "6" && file.jobs["date"] == store.today.vietnamese)
            // An application waits for its decision; an auditor may take no step at all.
            let applied = try #require(files.first { $0.state == .applied })
            let waiting = LoanBody(file: applied, permissions: Permissions(actor: actor), mayWriteOff: false, history: actor.history,
                                   today: store.today, forms: forms, error: nil, text: en)
            #expect(waiting.mayDecide && waiting.mayReject && !waiting.mayDisburse && !waiting.mayService && !waiting.hasSchedule && waiting.bucket.isEmpty)
            // Approved and not paid out: it may still be rejected (Storage's rule), not approved again.
            if let approved = files.first(where: { $0.state == .approved }) {
                let ready = LoanBody(file: approved, permissions: Permissions(actor: actor), mayWriteOff: false, history: actor.history,
                                     today: store.today, forms: forms, error: nil, text: vi)
                #expect(!ready.mayDecide && ready.mayReject && ready.mayDisburse)
            }
            let auditor = try await store.actor(.province, role: .auditor)
            let readOnly = LoanBody(file: applied, permissions: Permissions(actor: auditor), mayWriteOff: false, history: auditor.history,
                                    today: store.today, forms: forms, error: nil, text: vi)
            #expect(!readOnly.mayDecide && !readOnly.mayReject && !readOnly.mayDisburse && !readOnly.mayService && !readOnly.mayRecordJobs)
        }
    }

    @Test("a ledger offers the reversal of an entry only where Storage allows it: not a support record's, a loan's or a reversed one",
          arguments: WebDatabase.available)
    func ledger(db: WebDatabase) async throws {
        try await db.withApp { app, _ in
            let store = app.web.store
            let actor = try await store.op
            // A ledger with an entry that paid a support record.
            let row = try #require(try await store.sql.raw("""
                SELECT f.code AS fund, u.code AS unit, e.id AS entry FROM support s JOIN fund_entries e ON e.id = s.fund_entry_id
                JOIN funds f ON f.id = e.fund_id JOIN units u ON u.id = e.unit_id ORDER BY e.id LIMIT 1
                """).first())
            let fund = try row.decode(column: "fund", as: String.self), unit = try row.decode(column: "unit", as: String.self)
            let paid = try row.decode(column: "entry", as: Int.self)
            let statement = try await store.funds.statement(actor, fund: fund, unit: unit, from: nil, to: nil)
            let body = LedgerBody(statement: statement, unitCode: unit, mayChange: true, actor: actor, today: store.today, error: nil, text: vi)
            #expect(body.entries.count == statement.entries.count && body.hasEntries)
            #expect(body.entries.first { $0.id == paid }?.reversible == false)
            // Storage refuses it by the same rule, with the same reason.
            await #expect(throws: StorageError.invalid(Message("refusal.fund.this_entry_belongs_support"))) {
                try await store.funds.reverse(actor, entryID: paid, day: store.today, reason: "thử")
            }
            // A contribution is reversible, and once reversed, no longer.
            let given = try await store.funds.contribute(actor, fund: fund, unit: unit, day: store.today, amount: 100_000, contributor: "Nhà hảo tâm", note: "")
            let before = LedgerBody(statement: try await store.funds.statement(actor, fund: fund, unit: unit, from: nil, to: nil), unitCode: unit,
                                    mayChange: true, actor: actor, today: store.today, error: nil, text: vi)
            #expect(before.entries.first { $0.id == given }?.reversible == true)
            let reversal = try await store.funds.reverse(actor, entryID: given, day: store.today, reason: "ghi nhầm")
            let after = LedgerBody(statement: try await store.funds.statement(actor, fund: fund, unit: unit, from: nil, to: nil), unitCode: unit,
                                   mayChange: true, actor: actor, today: store.today, error: nil, text: vi)
            #expect(after.entries.first { $0.id == given }.map { !$0.reversible && $0.reversed } == true)
            #expect(after.entries.first { $0.id == reversal }.map { !$0.reversible && $0.detail.contains("#\(given)") } == true)
            // A loan's entry is corrected on the loan, never reversed by hand.
            let loanEntry = try #require(try await store.sql.raw("""
                SELECT f.code AS fund, u.code AS unit, e.id AS entry FROM fund_entries e JOIN funds f ON f.id = e.fund_id
                JOIN units u ON u.id = e.unit_id WHERE e.loan_id IS NOT NULL ORDER BY e.id LIMIT 1
                """).first())
            let loanFund = try loanEntry.decode(column: "fund", as: String.self), loanUnit = try loanEntry.decode(column: "unit", as: String.self)
            let loanLedger = LedgerBody(statement: try await store.funds.statement(actor, fund: loanFund, unit: loanUnit, from: nil, to: nil),
                                        unitCode: loanUnit, mayChange: true, actor: actor, today: store.today, error: nil, text: vi)
            #expect(loanLedger.entries.first { $0.id == (try? loanEntry.decode(column: "entry", as: Int.self)) }?.reversible == false)
            // An allocation from a unit above: its other half is outside a grassroots officer's
            // branch, so it is not offered to them, and Storage refuses it by the same rule.
            let coso = try await store.actor(for: try await store.account(named: "coso"), via: .web)
            let cosoUnit = try #require(coso.unitID)
            let own = try #require(coso.history.units[cosoUnit]?.code)
            let parent = try #require(coso.history.parent(of: cosoUnit, on: store.today).flatMap { coso.history.units[$0]?.code })
            try await store.funds.contribute(actor, fund: fund, unit: parent, day: store.today, amount: 300_000, contributor: "Nhà hảo tâm", note: "")
            let incomingID = try await store.funds.allocate(actor, fund: fund, from: parent, to: own, day: store.today, amount: 200_000, note: "").in
            let received = LedgerBody(statement: try await store.funds.statement(coso, fund: fund, unit: own, from: nil, to: nil), unitCode: own,
                                      mayChange: true, actor: coso, today: store.today, error: nil, text: vi)
            let incoming = try #require(received.entries.first { $0.id == incomingID })
            #expect(!incoming.reversible)
            await #expect(throws: StorageError.invalid(Message("refusal.fund.allocation_reversed_by_both_branches", .number(incoming.id)))) {
                try await store.funds.reverse(coso, entryID: incoming.id, day: store.today, reason: "thử")
            }
        }
    }

    @Test("the coverage page lists units in Vietnamese order and the households still lacking support, as its download does",
          arguments: WebDatabase.available)
    func coverage(db: WebDatabase) async throws {
        try await db.withApp { app, _ in
            let store = app.web.store
            let actor = try await store.op
            let latest = try #require(try await store.browse.latestYear(actor))
            let report = try await store.support.coverage(actor, year: latest, includeNearPoor: false, limit: 200)
            let policies = try await store.support.catalogue()
            let body = CoverageBody(report: report, latest: latest, nearPoor: false, policies: policies, history: actor.history,
                                    downloads: ("x", "c"), text: vi)
            #expect(body.hasData && body.units.count == report.units.count && body.gaps.count == report.gaps.count)
            let keys = body.units.map { VietnameseCollation.sortKey($0.name) }
            #expect(keys == keys.sorted(), "units in Vietnamese order")
            #expect(body.years.first?.value == String(latest) && body.years.last?.value == "2021" && body.years.filter(\.selected).count == 1)
            #expect(body.summary.contains(vi.percent(report.complete, report.households)))
            // Each household lacking support: what it lacks, in words, and what would address it.
            let gap = try #require(report.gaps.first { !$0.coverage.missingIndicators.isEmpty })
            let shown = try #require(body.gaps.first { $0.code == gap.householdCode })
            #expect(shown.missing == gap.coverage.missingIndicators.map(vi.indicatorName) && !shown.missing.contains(where: { $0.contains("_") }))
            #expect(shown.suggested == gap.coverage.suggestedPolicies.map { vi.policyName($0, policies) })
            // An earlier year shown keeps its place among the years to choose.
            let early = CoverageBody(report: try await store.support.coverage(actor, year: 2019, includeNearPoor: true, limit: 10), latest: latest,
                                     nearPoor: true, policies: policies, history: actor.history, downloads: ("x", "c"), text: en)
            #expect(early.years.last?.value == "2019" && early.years.first { $0.selected }?.value == "2019" && early.nearPoor)
        }
    }

    @Test("a report's page: frozen figures once submitted, the steps Storage allows, typed text kept", arguments: WebDatabase.available)
    func report(db: WebDatabase) async throws {
        try await db.withApp { app, _ in
            let store = app.web.store
            let actor = try await store.op
            let row = try #require(try await store.sql.raw("SELECT unit_id, year FROM annual_reports WHERE status = 'submitted' ORDER BY id LIMIT 1").first())
            let unit = try row.decode(column: "unit_id", as: Int.self), year = try row.decode(column: "year", as: Int.self)
            let stored = try #require(try await store.reports.report(actor, unit: unit, year: year))
            let (figures, frozen) = try await store.reports.shownFigures(actor, stored, unit: unit, year: year)
            #expect(frozen)
            let deadline = try await store.reports.deadline(actor, for: unit, year: year)
            func page(_ stored: AnnualReport?, steps: Set<AnnualReports.Step>, fields: [String: String], text: PageText) -> ReportBody {
                ReportBody(unitCode: "X", unitName: "Đơn vị X", year: year, stored: stored, figures: figures, frozen: stored != nil && frozen, deadline: deadline,
                           steps: steps, fields: fields, error: nil, text: text)
            }
            let review = page(stored, steps: [.review], fields: ReportBody.form(stored.narrative), text: vi)
            #expect(review.mayReview && !review.mayEdit && review.statusCode == "submitted" && review.status == vi.t("report_status.submitted"))
            #expect(review.figuresNote == vi.t("reports.figures_frozen", Format.date(figures.computedAt)))
            #expect(review.results == stored.narrative.results && review.events.count == stored.events.count && review.hasEvents)
            #expect(review.deadline == deadline.vietnamese && !review.figures.isEmpty)
            // Nothing written yet: the unit may write; the figures are live.
            let none = page(nil, steps: [.write, .submit], fields: ReportBody.form(ReportNarrative()), text: en)
            #expect(none.statusCode == "missing" && none.status == en.t("reports.not_started") && none.mayEdit && !none.mayReview)
            #expect(none.figuresNote == en.t("reports.figures_live") && none.results.isEmpty && !none.hasEvents)
            // A refused form shows what was typed, not what is stored.
            var typed = ReportBody.form(stored.narrative)
            typed["results"] = "Đã hỗ trợ <120> hộ"
            typed["comment"] = "Bổ sung số liệu quý IV"
            let refused = page(stored, steps: [.review], fields: typed, text: vi)
            #expect(refused.results == "Đã hỗ trợ <120> hộ" && refused.comment == "Bổ sung số liệu quý IV" && refused.proposals == stored.narrative.proposals)
        }
    }

    @Test("a member's page shows the record's form as stored, or as typed after a refusal", arguments: WebDatabase.available)
    func member(db: WebDatabase) async throws {
        try await db.withApp { app, _ in
            let store = app.web.store
            let actor = try await store.op
            let row = try #require(try await store.sql.raw("SELECT code FROM members WHERE citizen_id IS NOT NULL ORDER BY code LIMIT 1").first())
            let profile = try await store.members.profile(actor, code: try row.decode(column: "code", as: String.self))
            let stored = MemberBody.recordForm(profile)
            let page = MemberBody(profile: profile, fields: stored, mayEdit: true, units: [], history: actor.history, today: store.today,
                                  error: nil, text: vi)
            #expect(page.name == profile.record.fullName && page.citizenID == profile.record.citizenID && page.version == profile.version)
            #expect(page.sexes.filter(\.selected).map(\.value) == [profile.record.sex?.rawValue ?? ""])
            #expect(page.memberships.count == profile.memberships.count && page.inUnion == (profile.currentUnitID != nil))
            var typed = stored
            typed.merge(["fullName": "Nguyễn <Thị> Sửa", "phone": "gọi tôi", "sex": "nu"]) { _, new in new }
            let refused = MemberBody(profile: profile, fields: typed, mayEdit: true, units: [], history: actor.history, today: store.today,
                                     error: "x", text: en)
            #expect(refused.name == "Nguyễn <Thị> Sửa" && refused.phone == "gọi tôi" && refused.sexes.filter(\.selected).map(\.value) == ["nu"])
            #expect(refused.sex == (profile.record.sex.map { en.t("member.sex." + $0.rawValue) } ?? "–"), "what is stored stays shown as stored")
            // The page's facts stay as stored: a refused edit is shown in its form only.
            #expect(refused.facts.name == profile.record.fullName && refused.facts.phone == (profile.record.phone ?? ""))
            #expect(refused.facts.citizenID == (profile.record.citizenID ?? ""))
        }
    }

    @Test("a campaign's page lets a proposal be changed only while proposed and by a role that edits lists there", arguments: WebDatabase.available)
    func campaign(db: WebDatabase) async throws {
        try await db.withApp { app, _ in
            let store = app.web.store
            let actor = try await store.op
            let campaigns = try await store.campaigns.campaigns(actor)
            let list = CampaignsBody(campaigns: campaigns, funds: [], fields: CampaignsBody.newCampaignForm(today: store.today, refused: false), units: [],
                                     mayChange: true, history: actor.history, today: store.today, error: nil, text: vi)
            #expect(list.rows.count == campaigns.count && list.nearPoor && list.fields["year"] == String(store.today.year))
            #expect(!CampaignsBody(campaigns: [], funds: [], fields: CampaignsBody.newCampaignForm(today: store.today, refused: true), units: [],
                                   mayChange: true, history: actor.history, today: store.today, error: "x", text: vi).nearPoor,
                    "a refused form shows the box as it was sent")
            // A campaign whose list has proposals both still proposed and already decided.
            var chosen: (Campaign, [Proposal])?
            for c in campaigns {
                let proposals = try await store.campaigns.proposals(actor, c.code)
                if proposals.contains(where: { $0.state == .proposed }) && proposals.contains(where: { $0.state != .proposed }) { chosen = (c, proposals); break }
            }
            let (c, proposals) = try #require(chosen)
            let forms = ["add": ["household": "", "amount": "", "reason": ""], "approve": ["unit": "", "date": store.today.vietnamese]]
            let page = CampaignBody(campaign: c, proposals: proposals, fund: nil, permissions: Permissions(actor: actor), forms: forms, units: [],
                                    history: actor.history, today: store.today, error: nil, downloads: ("x", "c", "d", "p"), text: vi)
            #expect(page.rows.map(\.editable) == proposals.map { $0.state == .proposed } && page.mayChange)
            #expect(page.hasApproved == proposals.contains { $0.state == .approved } && page.fund == c.fundCode)
            #expect(page.classes == c.statuses.map { vi.status($0) }.joined(separator: ", ") && page.approve["date"] == store.today.vietnamese)
            let auditor = try await store.actor(.province, role: .auditor)
            let readOnly = CampaignBody(campaign: c, proposals: proposals, fund: nil, permissions: Permissions(actor: auditor), forms: forms, units: [],
                                        history: auditor.history, today: store.today, error: nil, downloads: ("x", "c", "d", "p"), text: vi)
            #expect(!readOnly.mayChange && !readOnly.rows.contains(where: \.editable))
        }
    }

    @Test("an ended district federation's report is headed by the province it stood under, not by the national federation")
    func letterheadOfAnEndedUnit() throws {
        let since = try day("01/01/2000"), reform = try day("01/07/2025")
        let history = OrgHistory(units: [OrgUnit(id: 1, code: "T", kind: .provincialFederation, from: since, to: nil),
                                         OrgUnit(id: 2, code: "H", kind: .districtFederation, from: since, to: reform)],
                                 versions: [OrgVersion(unitID: 1, name: "Liên đoàn Lao động tỉnh Ninh Bình", parentID: nil, from: since, to: nil),
                                            OrgVersion(unitID: 2, name: "Liên đoàn Lao động huyện Hoa Lư", parentID: 1, from: since, to: reform)],
                                 successions: [])
        let issuer = ReportDocuments.issuer(2, history: history, on: try day("01/12/2026"))
        #expect(issuer.parentBody == "LIÊN ĐOÀN LAO ĐỘNG TỈNH NINH BÌNH" && issuer.issuingBody == "LIÊN ĐOÀN LAO ĐỘNG HUYỆN HOA LƯ")
        #expect(issuer.place == "Ninh Bình" && issuer.symbol == "LĐLĐ")
        // A city's federation writes to the city's People's Committee and Party committee.
        #expect(ReportDocuments.provinceKind(of: "Liên đoàn Lao động thành phố Hà Nội") == ("thành phố", "Thành ủy"))
        #expect(ReportDocuments.provinceKind(of: "Liên đoàn Lao động tỉnh Ninh Bình") == ("tỉnh", "Tỉnh ủy"))
        #expect(ReportDocuments.place(of: "Liên đoàn Lao động thành phố Hà Nội") == "Hà Nội")
    }

    @Test("the review sheet offers the contract's years with their standards, the chosen standard's indicators and the branch's units; its preview classifies or names the fields to fix")
    func reviewSheet() throws {
        let since = try day("01/01/2020"), today = try day("01/12/2026")
        let history = OrgHistory(units: [OrgUnit(id: 1, code: "T", kind: .provincialFederation, from: since, to: nil),
                                         OrgUnit(id: 2, code: "A", kind: .grassrootsUnion, from: since, to: nil),
                                         OrgUnit(id: 3, code: "B", kind: .grassrootsUnion, from: since, to: nil),
                                         OrgUnit(id: 4, code: "C", kind: .grassrootsUnion, from: since, to: try day("01/01/2024"))],
                                 versions: [OrgVersion(unitID: 1, name: "LĐLĐ tỉnh", parentID: nil, from: since, to: nil),
                                            OrgVersion(unitID: 2, name: "CĐCS Ánh Dương", parentID: 1, from: since, to: nil),
                                            OrgVersion(unitID: 3, name: "CĐCS B", parentID: 1, from: since, to: nil),
                                            OrgVersion(unitID: 4, name: "CĐCS Cũ", parentID: 1, from: since, to: try day("01/01/2024"))],
                                 successions: [])
        let branch = Scope(unitIDs: [2, 4])
        let catalog = StandardCatalog.builtIn
        let standard = try #require(catalog.standard(forReviewYear: 2025))
        var sheet = ReviewSheet(householdCode: "HO-9", year: "2025", area: Area.rural.rawValue, householdSize: "4", yearlyIncome: "20000000",
                                deprived: ["viec_lam", "bhyt", "nha_tieu"], unitCode: "A")
        let page = ReviewFormBody(sheet: sheet, revision: "", codeFixed: true, note: "", showPreview: true, issues: nil, history: history, scope: branch, today: today, text: vi)
        #expect(page.years.first?.value == "2026" && page.years.map(\.value) == page.years.map(\.value).sorted(by: >))
        #expect(page.years.filter(\.selected).map(\.value) == ["2025"] && page.years.first { $0.selected }?.standard == standard.code)
        #expect(Set(page.indicators.filter(\.shown).map(\.code)) == Set(standard.indicators.map(\.code)))
        #expect(Set(page.indicators.filter(\.checked).map(\.code)) == ["viec_lam", "bhyt", "nha_tieu"])
        // The branch's units today; an ended one only when it is the sheet's own.
        #expect(page.units.map(\.value) == ["A"] && page.units.first?.selected == true)
        sheet.unitCode = "C"
        let pastYear = ReviewFormBody(sheet: sheet, revision: "", codeFixed: true, note: "", showPreview: false, issues: nil, history: history, scope: branch, today: today, text: vi)
        #expect(pastYear.units.map(\.value) == ["A", "C"] && pastYear.units.last?.selected == true && !pastYear.preview.ready)
        // The preview classifies as the import does…
        #expect(page.preview.ready && page.preview.statusCode == LivingStandard.poor.rawValue && !page.preview.reason.isEmpty)
        // …or names the field to fix by its label, and shows the registry's refusal the same way.
        sheet.householdSize = ""
        let missing = ReviewPreview(sheet, issues: nil, text: vi)
        #expect(!missing.ready && missing.problems.map(\.field).contains(vi.t("review.field.size")))
        let refused = ReviewPreview(sheet, issues: [SurveyIssue(row: 2, column: SurveyColumn.householdCode.rawValue, message: Message("refusal.unit.unknown", .text("X")))],
                                    text: en)
        #expect(refused.problems.map(\.field) == [en.t("review.field.code")] && refused.problems.first?.message.contains("X") == true)
    }

    @Test("a unit's page keeps its history: names through time, what it became and what became it, named as they were then",
          arguments: WebDatabase.available)
    func unit(db: WebDatabase) async throws {
        try await db.withApp { app, _ in
            let store = app.web.store
            let history = try await store.op.history
            let today = store.today
            // A unit ended by the 2025 reform, and the unit that took it over.
            let ended = try #require(history.units.values.sorted { $0.id < $1.id }.first { !$0.isActive(on: today) && !history.successions(of: $0.id).isEmpty })
            let succession = try #require(history.successions(of: ended.id).first)
            let successor = try #require(history.units[succession.successorID])
            let page = UnitBody(unit: ended, history: history, today: today, forms: [:], mayAdminister: false, error: nil, text: vi)
            #expect(!page.active && page.hasSuccessors && page.successors.first?.code == successor.code)
            #expect(page.successors.first?.note.hasSuffix(succession.effective.vietnamese) == true)
            #expect(page.periods.count == history.versions(of: ended.id).count && page.to == (ended.to?.previous.vietnamese ?? ""))
            #expect(page.name == unitName(ended.id, history, today), "an ended unit keeps its last name")
            let after = UnitBody(unit: successor, history: history, today: today, forms: ["rename": ["name": "Tên mới", "date": "01/01/2026"]],
                                 mayAdminister: true, error: "x", text: en)
            let named = try #require(after.predecessors.first { $0.code == ended.code })
            #expect(named.name == history.name(of: ended.id, on: succession.effective.previous), "named as on its last day")
            #expect(after.predecessors.map(\.code) == after.predecessors.map(\.code).sorted() && after.rename["name"] == "Tên mới" && after.move.isEmpty)
            let keys = after.children.map { VietnameseCollation.sortKey($0.name) }
            #expect(keys == keys.sorted())

            // The tree page: two levels from the root, counts formatted.
            let actor = try await store.op
            let year = try #require(try await store.browse.latestYear(actor))
            let rolled = try await store.reviews.rolledUp(actor, year: year, basis: .rebased(onto: today))
            let tree = TreeBody(year: year, tree: rolled.tree, totals: rolled.totals, roots: rolled.tree.roots, history: history, today: today, text: vi)
            #expect(tree.rows.allSatisfy { $0.depth <= 1 } && tree.rows.first?.depth == 0)
            // The depth is said in words too (a screen reader does not see the indent).
            #expect(tree.rows.allSatisfy { $0.level == vi.t("units.level", String($0.depth + 1)) } && tree.rows.first?.level == "cấp 1")
            let root = try #require(rolled.tree.roots.first)
            #expect(tree.rows.first?.poor == vi.number(rolled.totals[root]?.poor ?? 0))
            #expect(tree.rows.filter { $0.depth == 1 }.count == rolled.tree.roots.reduce(0) { $0 + (rolled.tree.children[$1]?.count ?? 0) })
        }
    }

    @Test("the households list keeps every filter in its page links and marks the households whose official class differs",
          arguments: WebDatabase.available)
    func householdList(db: WebDatabase) async throws {
        try await db.withApp { app, _ in
            let store = app.web.store
            let actor = try await store.op
            let latest = try #require(try await store.browse.latestYear(actor))
            let filter = HouseholdFilter(year: latest, status: .poor)
            let page = try await store.browse.households(actor, filter, page: 1, perPage: 2)
            try #require(page.pages > 1, "poor households: \(page.total)")
            let body = HouseholdListBody(page: page, filter: filter, unitCode: "LDLD-X", latest: latest, units: [], mayEnterReview: true,
                                         history: actor.history, downloads: ("x", "c"), text: vi)
            #expect(body.rows.count == page.items.count && body.rows.allSatisfy { $0.statusCode == "ngheo" })
            #expect(body.rows.map(\.mismatch) == page.items.map { $0.official != nil && $0.official != $0.status })
            let next = try #require(body.pages.first { $0.label == "2" })
            let query = Dictionary(uniqueKeysWithValues: (URLComponents(string: next.href)?.queryItems ?? []).map { ($0.name, $0.value ?? "") })
            #expect(query == ["year": String(latest), "status": "ngheo", "unit": "LDLD-X", "page": "2"])
            let searched = HouseholdListBody(page: page, filter: HouseholdFilter(year: latest, status: .poor, text: "Nguyễn Văn", mismatchesOnly: true),
                                             unitCode: "", latest: latest, units: [], mayEnterReview: false, history: actor.history,
                                             downloads: ("x", "c"), text: vi)
            let link = try #require(searched.pages.first { $0.label == "2" }?.href)
            let kept = Dictionary(uniqueKeysWithValues: (URLComponents(string: link)?.queryItems ?? []).map { ($0.name, $0.value ?? "") })
            #expect(kept == ["year": String(latest), "status": "ngheo", "q": "Nguyễn Văn", "mismatch": "1", "page": "2"] && searched.mismatchesOnly)
            #expect(link.contains("q=Nguy%E1%BB%85n%20V%C4%83n"), "the search is percent-encoded in the link")
            // What was typed comes back as typed when the server reads the link: "+", "&", "=" and "%" too.
            let typed = "+84 912 & co=1%"
            let odd = HouseholdListBody(page: page, filter: HouseholdFilter(year: latest, status: .poor, text: typed), unitCode: "", latest: latest, units: [],
                                        mayEnterReview: false, history: actor.history, downloads: ("x", "c"), text: vi)
            let oddLink = try #require(odd.pages.first { $0.label == "2" }?.href)
            struct Query: Decodable { let q: String; let page: String }
            let read = try URLEncodedFormDecoder().decode(Query.self, from: String(oddLink.drop { $0 != "?" }.dropFirst()))
            #expect(read.q == typed && read.page == "2")
            #expect(queryItems(URI(string: oddLink)).map(\.value) == [String(latest), "ngheo", typed, "2"], "read back as a form sends it")
            #expect(body.pages.first { $0.current }?.label == "1" && body.hasPages)
            #expect(body.years.first?.value == String(latest) && body.years.last?.value == "2016" && body.years.filter(\.selected).map(\.value) == [String(latest)])
            #expect(body.statuses.filter(\.selected).map(\.value) == ["ngheo"] && body.units.first?.selected == false)
            #expect(body.summary == vi.t("households.summary", vi.number(page.total), String(latest), "1", String(page.pages)))
        }
    }

    @Test("an import job's page: progress of a known total, leading zeros given back said before confirming, no server path in a message")
    func importJob() throws {
        var job = ImportJob(id: "abc", ownerID: 1, kind: .members, fileName: "doan-vien.csv", path: "/srv/uploads/abc.csv", created: Date())
        job.state = .running
        job.rows = 250
        job.total = 1000
        var preview = ImportResult()
        preview.rows = 1000; preview.added = 990; preview.unchanged = 10; preview.restoredCitizenIDs = 3
        job.preview = preview
        let running = ImportJobBody(job: job, text: vi)
        #expect(running.percent == 25 && running.refresh && running.progress == vi.t("import.progress_of", "250", "1.000"))
        #expect(running.preview == vi.t("import.preview_counts", "1.000", "990", "0", "10") + " " + vi.t("import.restored_zeros", "3"))
        #expect(running.result == nil && running.added == 0)
        #expect(running.ignoredColumns == nil)
        preview.ignoredColumns = ["Mã đơn vị", "Ghi chú"]
        job.preview = preview
        #expect(ImportJobBody(job: job, text: vi).ignoredColumns == vi.t("import.ignored_columns", "«Mã đơn vị», «Ghi chú»"),
                "a column the file's kind does not read is said before confirming")

        job.state = .failed
        job.total = nil
        job.message = "Không đọc được /srv/uploads/abc.csv / Cannot read /srv/uploads/abc.csv"
        job.issues = [SurveyIssue(row: 7, column: "so_cccd", message: Message("import.members.empty_file"))]
        job.issueTotal = 205
        let failed = ImportJobBody(job: job, text: en)
        #expect(failed.message == "Cannot read doan-vien.csv" && !failed.refresh && failed.progress == en.t("import.progress", "250"))
        #expect(failed.issues.first?.row == 7 && failed.issues.first?.message == en.t("import.members.empty_file") && failed.hasIssues)
        #expect(failed.moreIssues == en.t("import.more_issues", "204"))
    }

    @Test("the audit log names actions and objects from the catalogue, shows an unknown code as it is, and keeps its filters in page links")
    func audit() throws {
        let entries = [
            Audit.Entry(at: "2026-12-06T03:04:05Z", actor: "coso", channel: "web", action: "xem", entity: "household", entityID: 42, detail: "HO-1"),
            Audit.Entry(at: "2026-12-06T03:04:06Z", actor: "cli-op", channel: "", action: "ma_la", entity: "vat_la", entityID: nil, detail: "x"),
        ]
        let page = Page(items: entries, total: 250, page: 2, perPage: 100)
        let body = AuditBody(page: page, actor: "coso", action: "xem", entity: "", from: Day(year: 2026, month: 12, day: 1), to: nil,
                             actors: ["coso", "cli-op"], text: vi)
        #expect(body.rows[0].action == vi.t("audit.action.xem") && body.rows[0].entity == vi.t("audit.entity.household") + " #42")
        #expect(body.rows[0].channel == vi.t("channel.web") && body.rows[0].at == "06/12/2026 10:04", "in Vietnam's time")
        #expect(body.rows[1].action == "ma_la" && body.rows[1].entity == "vat_la" && body.rows[1].channel.isEmpty)
        #expect(body.from == "01/12/2026" && body.to.isEmpty)
        #expect(body.actions.filter(\.selected).map(\.value) == ["xem"] && body.entities.first?.selected == true)
        let labels = body.actions.dropFirst().map { VietnameseCollation.sortKey($0.label) }
        #expect(labels == labels.sorted() && labels.count > 5)
        let third = try #require(body.pages.first { $0.label == "3" })
        let query = Dictionary(uniqueKeysWithValues: (URLComponents(string: third.href)?.queryItems ?? []).map { ($0.name, $0.value ?? "") })
        #expect(query == ["actor": "coso", "action": "xem", "from": "01/12/2026", "page": "3"] && body.summary == vi.t("audit.summary", "250", "2", "3"))
    }
}
