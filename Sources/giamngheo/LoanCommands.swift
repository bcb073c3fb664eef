import App
import ArgumentParser
import Foundation
import PovertyCore
import Spreadsheets
import Storage

// `giamngheo loan …`: National Employment Fund loans through the union, from the application
// to the last repayment; each subcommand is one Storage function (`store.loans`) acting as the
// operator `--user`, the lending rule of the application's day checked in Storage.

// MARK: - loan

struct LoanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loan",
        abstract: "Cho vay vốn Quỹ quốc gia về việc làm qua công đoàn / National Employment Fund loans through the union.",
        discussion: """
        Hồ sơ được kiểm tra theo quy định cho vay có hiệu lực vào ngày nộp; giải ngân từ nguồn vốn (quỹ nef) của đơn vị quản lý,
        tiền thu nợ trở lại nguồn vốn để cho vay tiếp.
        An application is checked against the lending rule of its day; disbursement comes out of the managing unit's
        capital (fund nef) and repayments go back to it.
        Mục đích / purposes: \(LoanRules.purposes.map(\.code).joined(separator: ", "))
        """,
        subcommands: [Apply.self, Approve.self, Reject.self, Disburse.self, Repay.self, Extend.self, WriteOff.self, Jobs.self,
                      UndoRepayment.self, UndoDisbursement.self, Show.self, Ageing.self]
    )

    struct Apply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "apply", abstract: "Nhận hồ sơ vay; in mã khoản vay / File an application; prints the loan's code.")
        @Option(help: "Mã đoàn viên hoặc CCCD người vay / The borrower's member code or citizen ID.") var member: String
        @Option(help: "Mã hộ / Household code.") var household: String?
        @Option(help: "Mã đơn vị quản lý khoản vay / The managing unit.") var unit: String
        @Option(help: "Mục đích vay (vd. chan_nuoi) / Loan purpose.") var purpose: String
        @Option(help: "Số tiền vay, đồng / Amount in đồng.") var amount: DongArgument
        @Option(help: "Thời hạn, tháng / Term in months.") var term: Int
        @Option(help: "Kỳ trả nợ gốc, tháng / Months between repayments.") var every: Int = 3
        @Option(help: "Số lao động được tạo/giữ việc làm / Workers the loan employs.") var workers: Int = 1
        @Option(help: "Số việc làm dự kiến tạo / Jobs planned.") var jobs: Int
        @Option(help: "Ngày nộp hồ sơ (dd/mm/yyyy) / Day of application.") var date: String
        @Option(help: "nguoi_lao_dong | co_so_san_xuat | di_lam_viec_nuoc_ngoai (mặc định theo mục đích / default from the purpose)") var borrower: BorrowerKind?
        @Option(help: "Đi nước ngoài: chi phí theo hợp đồng, đồng / Abroad: the contract's costs.") var contractCost: DongArgument?
        @Option(help: "Đi nước ngoài: thời hạn hợp đồng, tháng / Abroad: the contract's months.") var contractMonths: Int?
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let day = try parseDay(date)
            try await db.withStore { store, actor in
                let code = try await store.loans.apply(actor, 
                    LoanApplication(member: member, household: household, unit: unit, purpose: purpose, workers: workers, jobsPlanned: jobs,
                                    amount: amount.value, termMonths: term, everyMonths: every, appliedOn: day, borrower: borrower,
                                    contractCost: contractCost?.value, contractMonths: contractMonths))
                Terminal.error("đã nhận hồ sơ vay / application filed: \(member), \(dong(amount.value)), \(term) tháng / months")
                print(code)
            }
        }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "approve", abstract: "Phê duyệt hồ sơ (nguồn vốn phải đủ) / Approve (the unit's capital must cover it).")
        @Argument(help: "Mã khoản vay / Loan code.") var code: String
        @Option(help: "Ngày (dd/mm/yyyy) / Day.") var date: String
        @Option(help: "Ghi chú / Note.") var note: String = ""
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            try await db.change(on: date) { store, actor, day in
                try await store.loans.approve(actor, code, on: day, note: note)
                return "đã phê duyệt / approved \(code) ngày \(day.vietnamese)"
            }
        }
    }

    struct Reject: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "reject", abstract: "Không phê duyệt, ghi lý do / Reject, with the reason.")
        @Argument(help: "Mã khoản vay / Loan code.") var code: String
        @Option(help: "Ngày (dd/mm/yyyy) / Day.") var date: String
        @Option(help: "Lý do / Reason.") var note: String
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            try await db.change(on: date) { store, actor, day in
                try await store.loans.reject(actor, code, on: day, note: note)
                return "đã từ chối / rejected \(code) ngày \(day.vietnamese): \(note)"
            }
        }
    }

    struct Disburse: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "disburse", abstract: "Giải ngân khoản vay đã duyệt / Pay out an approved loan.")
        @Argument(help: "Mã khoản vay / Loan code.") var code: String
        @Option(help: "Ngày (dd/mm/yyyy) / Day.") var date: String
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            try await db.change(on: date) { store, actor, day in
                try await store.loans.disburse(actor, code, on: day)
                return "đã giải ngân / disbursed \(code) ngày \(day.vietnamese)"
            }
        }
    }

    struct Repay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "repay", abstract: "Thu nợ gốc (trả hết thì tất toán) / Record a repayment (the last one closes the loan).")
        @Argument(help: "Mã khoản vay / Loan code.") var code: String
        @Option(help: "Ngày (dd/mm/yyyy) / Day.") var date: String
        @Option(help: "Số tiền, đồng / Amount in đồng.") var amount: DongArgument
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            try await db.change(on: date) { store, actor, day in
                try await store.loans.repay(actor, code, on: day, amount: amount.value)
                return "đã thu nợ / repayment recorded \(code) ngày \(day.vietnamese): \(dong(amount.value))"
            }
        }
    }

    struct Extend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "extend", abstract: "Gia hạn nợ: lùi các kỳ đến hạn từ ngày gia hạn / Defer the instalments due from the day granted.")
        @Argument(help: "Mã khoản vay / Loan code.") var code: String
        @Option(help: "Ngày gia hạn (dd/mm/yyyy) / Day granted.") var date: String
        @Option(help: "Số tháng / Months.") var months: Int
        @Option(help: "Lý do / Reason.") var reason: String
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            try await db.change(on: date) { store, actor, day in
                try await store.loans.extend(actor, code, granted: day, months: months, reason: reason)
                return "đã gia hạn / extended \(code) thêm \(months) tháng / months từ \(day.vietnamese): \(reason)"
            }
        }
    }

    struct WriteOff: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "write-off", abstract: "Xoá nợ phần còn lại / Write off what is still owed.")
        @Argument(help: "Mã khoản vay / Loan code.") var code: String
        @Option(help: "Ngày (dd/mm/yyyy) / Day.") var date: String
        @Option(help: "Lý do / Reason.") var reason: String
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            try await db.change(on: date) { store, actor, day in
                try await store.loans.writeOff(actor, code, on: day, reason: reason)
                return "đã xoá nợ / written off \(code) ngày \(day.vietnamese): \(reason)"
            }
        }
    }

    struct Jobs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "jobs", abstract: "Ghi số việc làm thực tế tạo được / Record the jobs actually created.")
        @Argument(help: "Mã khoản vay / Loan code.") var code: String
        @Option(help: "Số việc làm / Jobs created.") var created: Int
        @Option(help: "Ngày đếm (dd/mm/yyyy), mặc định hôm nay / The day they were counted, default today.") var date: String?
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            try await db.change(on: date) { store, actor, day in
                try await store.loans.recordJobs(actor, code, created: created, on: day)
                return "đã ghi việc làm / jobs recorded \(code): \(created) ngày \(day.vietnamese)"
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show", abstract: "Hồ sơ khoản vay: lịch trả nợ, các lần trả, tình trạng hôm nay / A loan: schedule, repayments, position today.")
        @Argument(help: "Mã khoản vay / Loan code.") var code: String
        @Option(help: "Ngày tính tình trạng (dd/mm/yyyy), mặc định hôm nay / Day of the position, default today.") var date: String?
        @Flag(help: "In JSON như API / Print the API's JSON.") var json = false
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let asked = try date.map { try parseDay($0) }
            try await db.withStore { store, actor in
                let f = try await store.loans.file(actor, code)
                let history = actor.history
                let day = asked ?? store.today
                // As at the day asked for (its state, schedule, repayments and extensions then), or as the book stands.
                guard let standing = LoanStanding(f, asAt: asked, today: store.today) else { throw StorageError.notFound(.loan, code) }
                if json { return try Output.json(LoanResource(standing, history: history, asAt: asked, detail: true)) }
                let byThen = { (d: Day) in asked.map { d <= $0 } ?? true }
                let payments = f.payments.filter { byThen($0.day) }, extensions = f.extensions.filter { byThen($0.granted) }
                let purpose = LoanRules.purposeLabel(f.purpose).map { "\($0) (\(f.purpose))" } ?? f.purpose
                var steps = "  nộp / applied: \(f.appliedOn.vietnamese)"
                if let d = f.decidedOn, byThen(d) { steps += "; quyết định / decided: \(d.vietnamese)" + (f.decidedBy.map { " (\($0))" } ?? "") }
                if let d = f.disbursedOn, byThen(d) { steps += "; giải ngân / disbursed: \(d.vietnamese)" }
                if let d = f.closedOn, byThen(d) { steps += "; đóng / closed: \(d.vietnamese)" }
                var lines = ["Khoản vay / loan \(f.code) — \(standing.state.vietnamese) / \(standing.state.rawValue)",
                             "  người vay / borrower: \(f.memberCode) \(f.memberName); hộ / household: \(f.householdCode ?? "—"); đơn vị / unit: \(history.code(f.unitID))",
                             "  mục đích / purpose: \(purpose); lao động / workers: \(f.workers); việc làm / jobs: dự kiến / planned \(f.jobsPlanned), tạo được / created \(f.jobsCreated.map(String.init) ?? "—")",
                             "  số tiền / amount: \(dong(f.amount)); thời hạn / term: \(f.termMonths) tháng, trả gốc mỗi \(f.everyMonths) tháng / months",
                             steps]
                if let note = f.decisionNote, !note.isEmpty, let d = f.decidedOn, byThen(d) { lines.append("  ghi chú / note: \(note)") }
                if standing.state == .writtenOff, let note = f.writeOffNote, !note.isEmpty { lines.append("  lý do xoá nợ / written off because: \(note)") }
                if standing.state == .writtenOff, f.writtenOff > 0 { lines.append("  đã xoá nợ / written off: \(dong(f.writtenOff))") }
                let schedule = asked.map { f.schedule(asOf: $0) } ?? f.schedule
                if !schedule.isEmpty {
                    lines.append("Lịch trả nợ gốc / schedule:")
                    var left = payments.reduce(0) { $0 + $1.amount }
                    for inst in schedule.sorted(by: { ($0.due, $0.number) < ($1.due, $1.number) }) {
                        let paid: String
                        if left >= inst.principal { paid = "đã trả / paid"; left -= inst.principal }
                        else if left > 0 { paid = "đã trả một phần / part paid \(dong(left))"; left = 0 }
                        else { paid = f.isOut(on: day) && inst.due < day ? "quá hạn / overdue" : "" }
                        lines.append("  kỳ \(inst.number)".padding(9) + inst.due.vietnamese.padding(12) + dong(inst.principal).padding(16) + paid)
                    }
                }
                if !payments.isEmpty {
                    lines.append("Các lần trả / repayments:")
                    for p in payments { lines.append("  #\(p.id)  \(p.day.vietnamese)  \(dong(p.amount))  (\(p.enteredBy))") }
                }
                if !extensions.isEmpty {
                    lines.append("Gia hạn / extensions:")
                    for e in extensions { lines.append("  \(e.granted.vietnamese)  +\(e.months) tháng / months: \(e.reason)") }
                }
                if f.isOut(on: day) {
                    let p = f.position(on: day)
                    lines.append("Ngày / on \(day.vietnamese): dư nợ / outstanding \(dong(p.outstanding)); đến hạn / due to date \(dong(p.dueToDate)); "
                                 + "đã trả / repaid \(dong(p.repaid)); quá hạn / overdue \(dong(p.overdue))"
                                 + (p.bucket.map { " — \(p.daysOverdue) ngày, \($0.label) / \($0.labelEn)" } ?? " — trong hạn / current"))
                } else {
                    lines.append("Ngày / on \(day.vietnamese): dư nợ / outstanding \(dong(f.outstanding(on: day)))")
                }
                emit(lines)
            }
        }
    }

    struct Ageing: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ageing",
            abstract: "Phân loại nợ quá hạn (1–30, 31–90, 91–180, trên 180 ngày) và các khoản quá hạn / Overdue loans by age.")
        @Option(help: "Ngày tính (dd/mm/yyyy), mặc định hôm nay / As of, default today.") var date: String?
        @OptionGroup var output: FormatOption
        @OptionGroup var db: DatabaseOptions

        static let buckets = Listing<AgeingResource.Bucket>([
            Column("nhom_no", width: 52, text: { b in AgeingBucket(rawValue: b.bucket).map { "\($0.label) / \($0.labelEn)" } ?? b.bucket }) { $0.bucket },
            Column("so_khoan", width: 18, text: { "\($0.loans) khoản / loans" }) { String($0.loans) },
            Column("no_qua_han", width: 36, text: { "quá hạn / overdue \(dong($0.overdue))" }) { String($0.overdue) },
            Column("du_no", text: { "dư nợ / outstanding \(dong($0.outstanding))" }) { String($0.outstanding) },
        ])
        static let loans = Listing<AgeingResource.OverdueLoan>([
            Column("ma_khoan_vay", width: 15) { $0.code }, Column("ma_doan_vien", text: { "\($0.member) \($0.memberName)".padding(30) }) { $0.member },
            Column("ho_ten", text: { _ in "" }) { $0.memberName }, Column("ma_ho", text: { _ in "" }) { $0.household ?? "" },
            Column("don_vi", width: 14) { $0.unitCode }, Column("so_ngay_qua_han", width: 16, text: { "\($0.daysOverdue) ngày / days" }) { String($0.daysOverdue) },
            Column("nhom_no", text: { _ in "" }) { $0.bucket ?? "" },
            Column("no_qua_han", width: 36, text: { "quá hạn / overdue \(dong($0.overdue))" }) { String($0.overdue) },
            Column("du_no", text: { "dư nợ / outstanding \(dong($0.outstanding))" }) { String($0.outstanding) },
        ])

        func run() async throws {
            let asked = try date.map { try parseDay($0) }
            try await db.withStore { store, actor in
                let day = asked ?? store.today
                let (report, lines) = try await store.loans.ageing(actor, on: day)
                let r = AgeingResource(report, lines: lines, history: actor.history)
                try await recordExport("tuổi nợ ngày \(day.iso)", rows: lines.count, as: output.format, store: store, actor: actor)
                switch output.format {
                case .json?: try Output.json(r)
                case .csv?:
                    Output.csv { out in
                        Self.buckets.appendCSV([], to: &out)
                        Self.buckets.appendCSV(["nhom_no": "trong_han", "so_khoan": String(r.current), "no_qua_han": "0",
                                                "du_no": String(r.outstanding - r.buckets.reduce(0) { $0 + $1.outstanding })], to: &out)
                        Self.buckets.appendCSV(r.buckets, to: &out, header: false)
                        out.append(UInt8(ascii: "\n"))
                        Self.loans.appendCSV(r.overdueLoans, to: &out)
                    }
                case nil:
                    emit(["Nợ vay Quỹ quốc gia về việc làm ngày \(day.vietnamese) / NEF loans on \(day.iso)",
                          "  đang vay / active: \(r.activeLoans) khoản / loans, dư nợ / outstanding \(dong(r.outstanding)); trong hạn / current: \(r.current)"]
                         + Self.buckets.lines(r.buckets, indent: "  ")
                         + ["  việc làm / jobs: dự kiến / planned \(r.jobsPlanned), tạo được / created \(r.jobsCreated); đã xoá nợ / written off \(dong(r.writtenOff))",
                            "Khoản vay quá hạn / overdue loans: \(r.overdueLoans.count)"]
                         + Self.loans.lines(r.overdueLoans, indent: "  "))
                }
            }
        }
    }
}

extension BorrowerKind: ExpressibleByArgument {}
