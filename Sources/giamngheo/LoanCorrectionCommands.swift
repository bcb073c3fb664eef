import ArgumentParser
import Storage

// `giamngheo loan undo-repayment | undo-disbursement`: a repayment or a payout recorded by
// mistake, undone by a reversal in the capital's ledger (the Storage functions the loan's page
// uses); `giamngheo loan show` lists each repayment's number.

extension LoanCommand {
    struct UndoRepayment: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "undo-repayment",
            abstract: "Huỷ một lần trả nợ ghi nhầm (số # trong 'loan show'); tiền ra lại khỏi nguồn vốn / Undo a repayment recorded by mistake (its # in 'loan show'); the money leaves the capital again.")
        @Argument(help: "Mã khoản vay / Loan code.") var code: String
        @Option(help: "Số của lần trả (#) / The repayment's number (#).") var repayment: Int
        @Option(help: "Ngày huỷ (dd/mm/yyyy; mặc định: ngày của lần trả) / Day of the correction (default: the repayment's).") var date: String?
        @Option(help: "Lý do / Reason.") var reason: String
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let day = try date.map { try parseDay($0) }
            try await db.change { store, actor in
                try await store.loans.reverseRepayment(actor, code, repayment: repayment, on: day, reason: reason)
                return "đã huỷ lần trả nợ / repayment undone \(code) #\(repayment): \(reason)"
            }
        }
    }

    struct UndoDisbursement: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "undo-disbursement",
            abstract: "Huỷ giải ngân ghi nhầm (trước khi có lần trả nợ); khoản vay trở lại 'đã duyệt' / Undo a payout recorded by mistake (before any repayment); the loan is approved again.")
        @Argument(help: "Mã khoản vay / Loan code.") var code: String
        @Option(help: "Ngày huỷ (dd/mm/yyyy; mặc định: ngày giải ngân) / Day of the correction (default: the payout's).") var date: String?
        @Option(help: "Lý do / Reason.") var reason: String
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let day = try date.map { try parseDay($0) }
            try await db.change { store, actor in
                try await store.loans.reverseDisbursement(actor, code, on: day, reason: reason)
                return "đã huỷ giải ngân / payout undone \(code): \(reason)"
            }
        }
    }
}
