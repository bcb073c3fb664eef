import Foundation
import PovertyCore
@_spi(Simulation) @testable import Storage
import SQLKit
import Testing

/// A repayment or a payout recorded by mistake is undone on the loan: a reversal in the
/// capital's ledger, the loan's state and history as if it had not been recorded, the support
/// its payout made cancelled, the kept counts equal to a recount. On SQLite and PostgreSQL.
@Suite struct LoanCorrectionTests {
    @Test(arguments: TestDatabase.available)
    func aMistakenRepaymentOrPayoutIsUndoneOnTheLoan(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await BranchBoundaryTests.world(store)
            let op = try await store.op, loans = store.loans
            try await store.funds.contribute(op, fund: "nef", unit: "H2", day: day(2025, 1, 2), amount: 100_000_000, contributor: "NHCSXH")
            let code = try await loans.apply(op, LoanApplication(member: "DV-04", household: "HO-03", unit: "H2", purpose: "chan_nuoi", jobsPlanned: 1,
                                                                 amount: 50_000_000, termMonths: 24, appliedOn: day(2025, 2, 1)))
            try await loans.approve(op, code, on: day(2025, 2, 3))
            try await loans.disburse(op, code, on: day(2025, 2, 5))
            func capital() async throws -> Dong { try await store.funds.balance(op, fund: "nef", unit: "H2") }

            // 50,000,000 typed for 5,000,000: the loan closes as repaid.
            try await loans.repay(op, code, on: day(2025, 3, 1), amount: 50_000_000)
            var f = try await loans.file(op, code)
            #expect(f.state == .repaid && f.closedOn == day(2025, 3, 1))
            #expect(try await capital() == 100_000_000)
            // Only the branch undoes it, with a reason, and not ahead of today.
            let other = try await store.officer("H1")
            await #expect(throws: StorageError.notFound(.loan, code)) {
                try await loans.reverseRepayment(other, code, repayment: f.payments[0].id, on: day(2025, 3, 2), reason: "nhập nhầm")
            }
            await #expect(throws: StorageError.invalid(Message("refusal.reason_required"))) {
                try await loans.reverseRepayment(op, code, repayment: f.payments[0].id, on: day(2025, 3, 2), reason: " ")
            }
            await #expect(throws: StorageError.invalid(Message("refusal.loan.day_ahead", .day(day(2026, 12, 2))))) {
                try await loans.reverseRepayment(op, code, repayment: f.payments[0].id, on: day(2026, 12, 2), reason: "nhập nhầm")
            }
            await #expect(throws: StorageError.notFound(.repayment, "#999999")) {
                try await loans.reverseRepayment(op, code, repayment: 999_999, on: day(2025, 3, 2), reason: "nhập nhầm")
            }
            try await loans.reverseRepayment(op, code, repayment: f.payments[0].id, on: day(2025, 3, 2), reason: "nhập nhầm số tiền")
            f = try await loans.file(op, code)
            #expect(f.state == .disbursed && f.closedOn == nil && f.payments.isEmpty && f.outstanding == 50_000_000)
            #expect(try await capital() == 50_000_000)
            // The ledger keeps both entries; the audit says what was undone.
            let entries = try await store.sql.raw("SELECT kind, amount FROM fund_entries WHERE unit_id = \(bind: try await store.unitID("H2")) ORDER BY id").all()
            #expect(try entries.map { try $0.string("kind") } == ["contribution", "loan_out", "loan_repaid", "reversal"])
            let undone = try await store.audit.entries(op, entity: "loan", id: f.id).first { $0.action == "vay_huy_tra_no" }
            #expect(undone?.detail == "\(code) 2025-03-01 50.000.000 đ (test), huỷ ngày 2025-03-02: nhập nhầm số tiền")
            try await SupportTests.reconciles(store)

            // A payout with repayments is not undone until they are.
            try await loans.repay(op, code, on: day(2025, 3, 3), amount: 5_000_000)
            await #expect(throws: StorageError.invalid(Message("refusal.loan.repayments_first"))) {
                try await loans.reverseDisbursement(op, code, on: day(2025, 3, 4), reason: "nhầm khoản vay")
            }
            try await loans.reverseRepayment(op, code, repayment: try await loans.file(op, code).payments[0].id, on: day(2025, 3, 4), reason: "nhầm")
            try await loans.recordJobs(op, code, created: 2, on: day(2025, 3, 5))
            try await loans.extend(op, code, granted: day(2025, 3, 5), months: 3, reason: "ốm")
            try await loans.reverseDisbursement(op, code, on: day(2025, 3, 6), reason: "nhầm khoản vay")
            f = try await loans.file(op, code)
            #expect(f.state == .approved && f.disbursedOn == nil && f.extensions.isEmpty && f.jobCounts.isEmpty && f.jobsCreated == nil)
            #expect(try await capital() == 100_000_000)
            // The support its payout made is cancelled, and says why.
            let support = try await store.support.records(op, household: "HO-03").filter { $0.policyCode == "vay_quy_viec_lam" }
            #expect(support.count == 1 && support[0].cancelReason == "nhầm khoản vay")
            try await SupportTests.reconciles(store)
            // Paid out again on the right day.
            try await loans.disburse(op, code, on: day(2025, 3, 10))
            f = try await loans.file(op, code)
            #expect(f.state == .disbursed && f.disbursedOn == day(2025, 3, 10))
            try await SupportTests.reconciles(store)
            // Undone with no day, the reversal is dated on the payout itself: the ledger reads as if
            // it had never been, and the loan can be paid out on an earlier, right day.
            try await loans.reverseDisbursement(op, code, reason: "sai ngày")
            let reversal = try await store.sql.raw("SELECT day FROM fund_entries WHERE kind = 'reversal' ORDER BY id DESC").first()?.string("day")
            #expect(reversal == "2025-03-10")
            try await loans.disburse(op, code, on: day(2025, 3, 8))
            #expect(try await loans.file(op, code).disbursedOn == day(2025, 3, 8))
            try await SupportTests.reconciles(store)
            // By hand, a loan's entry is still not reversed in the ledger: the loan's page does it.
            let payout = try #require(try await store.sql.raw("SELECT id FROM fund_entries WHERE kind = 'loan_out' ORDER BY id DESC").first()?.int("id"))
            await #expect(throws: StorageError.invalid(Message("refusal.fund.loan_s_entries_corrected"))) {
                _ = try await store.funds.reverse(op, entryID: payout, day: day(2025, 3, 11), reason: "x")
            }
        }
    }
}
