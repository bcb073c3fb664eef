import App
import ArgumentParser
import Foundation
import PovertyCore
import Spreadsheets
import Storage

// `giamngheo fund …`: the funds' ledgers. Entries are only added (a correction is a reversal),
// balances never go negative, and money is never spent before it arrives; each subcommand is
// one Storage function (`store.funds`) acting as the operator `--user`.

// MARK: - fund

struct FundCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fund",
        abstract: "Sổ quỹ: đóng góp, phân bổ, chi, đảo bút toán, đối chiếu / Fund ledgers: contributions, allocations, disbursements, reversals.",
        discussion: """
        Bút toán chỉ được thêm, không sửa: sửa sai bằng bút toán đảo. Số dư không bao giờ âm: chi vượt số dư bị từ chối (mã 65).
        Entries are only ever added; a correction is a reversal. A balance never goes negative: an overdraw is refused (exit 65).
        Quỹ / funds: mai_am, tro_von, xa_hoi, vi_nguoi_ngheo, den_on_dap_nghia, nef (vốn Quỹ quốc gia về việc làm, chỉ cho vay / lent only).
        """,
        subcommands: [List.self, Contribute.self, Allocate.self, Disburse.self, Reverse.self, Ledger.self, Reconcile.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Số dư từng quỹ tại từng đơn vị / Each fund's balance at each unit.")
        @OptionGroup var output: FormatOption
        @OptionGroup var db: DatabaseOptions

        static let listing = Listing<BalanceResource>([
            Column("quy", width: 18) { $0.fund }, Column("don_vi", width: 14) { $0.unitCode },
            Column("so_du", width: 20, text: { dong($0.balance) }) { String($0.balance) }, Column("ten_quy") { $0.fundName },
        ])

        func run() async throws {
            try await db.withStore { store, actor in
                let balances = try await store.funds.balances(actor).map { BalanceResource($0, history: actor.history) }
                switch output.format {
                case .json?: try Output.json(balances)
                case .csv?: Output.csv { Self.listing.appendCSV(balances, to: &$0) }
                case nil:
                    guard !balances.isEmpty else {
                        let codes = try await store.funds.funds().map(\.code).joined(separator: ", ")
                        Terminal.error("chưa quỹ nào có số dư / no fund holds money yet (quỹ / funds: \(codes))")
                        return
                    }
                    emit(Self.listing.lines(balances))
                }
            }
        }
    }

    struct Contribute: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "contribute", abstract: "Ghi tiền đóng góp vào quỹ của một đơn vị / Record money given to a unit's fund.")
        @Option(help: "Mã quỹ / Fund code.") var fund: String
        @Option(help: "Mã đơn vị / Unit code.") var unit: String
        @Option(help: "Ngày (dd/mm/yyyy) / Day.") var date: String
        @Option(help: "Số tiền, đồng / Amount in đồng.") var amount: DongArgument
        @Option(help: "Người/đơn vị đóng góp / Contributor.") var contributor: String
        @Option(help: "Ghi chú / Note.") var note: String = ""
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            try await db.change(on: date) { store, actor, day in
                let id = try await store.funds.contribute(actor, fund: fund, unit: unit, day: day, amount: amount.value, contributor: contributor, note: note)
                let balance = try await store.funds.balance(actor, fund: fund, unit: unit)
                return "đã ghi đóng góp / contribution recorded #\(id): \(dong(amount.value)) vào quỹ / into \(fund) tại / at \(unit) ngày \(day.vietnamese); số dư / balance \(dong(balance))"
            }
        }
    }

    struct Allocate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "allocate", abstract: "Phân bổ tiền quỹ từ đơn vị này sang đơn vị khác / Move a fund's money between units.")
        @Option(help: "Mã quỹ / Fund code.") var fund: String
        @Option(help: "Đơn vị chuyển / The sending unit.") var from: String
        @Option(help: "Đơn vị nhận / The receiving unit.") var to: String
        @Option(help: "Ngày (dd/mm/yyyy) / Day.") var date: String
        @Option(help: "Số tiền, đồng / Amount in đồng.") var amount: DongArgument
        @Option(help: "Ghi chú / Note.") var note: String = ""
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            try await db.change(on: date) { store, actor, day in
                let ids = try await store.funds.allocate(actor, fund: fund, from: from, to: to, day: day, amount: amount.value, note: note)
                let left = try await store.funds.balance(actor, fund: fund, unit: from), now = try await store.funds.balance(actor, fund: fund, unit: to)
                return ("đã phân bổ / allocated #\(ids.out) → #\(ids.in): \(dong(amount.value)) quỹ \(fund) từ \(from) sang \(to) ngày \(day.vietnamese); "
                      + "số dư / balances: \(from) \(dong(left)), \(to) \(dong(now))")
            }
        }
    }

    struct Disburse: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "disburse", abstract: "Chi tiền từ quỹ hỗ trợ (không vượt số dư) / Pay out of a support fund (never beyond its balance).")
        @Option(help: "Mã quỹ / Fund code.") var fund: String
        @Option(help: "Mã đơn vị chi / The paying unit.") var unit: String
        @Option(help: "Ngày (dd/mm/yyyy) / Day.") var date: String
        @Option(help: "Số tiền, đồng / Amount in đồng.") var amount: DongArgument
        @Option(help: "Mã hộ nhận / The receiving household.") var household: String?
        @Option(help: "Nội dung chi / What it pays for.") var note: String
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            try await db.change(on: date) { store, actor, day in
                let id = try await store.funds.disburse(actor, fund: fund, unit: unit, day: day, amount: amount.value, household: household, note: note)
                let balance = try await store.funds.balance(actor, fund: fund, unit: unit)
                return ("đã chi / disbursed #\(id): \(dong(amount.value)) từ quỹ / from \(fund) tại / at \(unit) ngày \(day.vietnamese)"
                      + (household.map { " cho hộ / to \($0)" } ?? "") + "; số dư / balance \(dong(balance))")
            }
        }
    }

    struct Reverse: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reverse", abstract: "Đảo một bút toán (phân bổ: cả hai vế) / Reverse an entry (an allocation: both halves).")
        @Argument(help: "Số bút toán (#) / The entry's number.") var entryID: Int
        @Option(help: "Ngày (dd/mm/yyyy) / Day.") var date: String
        @Option(help: "Lý do / Reason.") var reason: String
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            try await db.change(on: date) { store, actor, day in
                let id = try await store.funds.reverse(actor, entryID: entryID, day: day, reason: reason)
                return "đã đảo bút toán / reversed #\(entryID) bằng / by #\(id) ngày \(day.vietnamese): \(reason)"
            }
        }
    }

    struct Ledger: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ledger", abstract: "Sổ quỹ của một đơn vị trong kỳ: đầu kỳ, bút toán, cuối kỳ / A fund's ledger at a unit: opening, entries, closing.")
        @Option(help: "Mã quỹ / Fund code.") var fund: String
        @Option(help: "Mã đơn vị / Unit code.") var unit: String
        @Option(help: "Từ ngày (dd/mm/yyyy) / From.") var from: String?
        @Option(help: "Đến ngày (dd/mm/yyyy) / To.") var to: String?
        @OptionGroup var output: FormatOption
        @OptionGroup var db: DatabaseOptions

        /// The CSV: the header, an opening line, the entries, a closing line.
        static let csv = Listing<EntryResource>([
            Column("ma_but_toan") { String($0.id) }, Column("ngay") { $0.day }, Column("loai") { $0.kind },
            Column("so_tien") { String($0.amount) }, Column("nguoi_dong_gop") { $0.contributor ?? "" },
            Column("don_vi_doi_ung") { $0.counterpartUnitCode ?? "" }, Column("ma_ho") { $0.household ?? "" },
            Column("dao_but_toan") { $0.reverses.map(String.init) ?? "" }, Column("bi_dao_boi") { $0.reversedBy.map(String.init) ?? "" },
            Column("ghi_chu") { $0.note }, Column("nguoi_nhap") { $0.enteredBy },
        ])
        /// The readable table: number, day, kind, signed amount, then what the entry says.
        static let table = Listing<EntryResource>([
            Column("ma_but_toan", width: 6) { "#\($0.id)" }, Column("ngay", width: 11) { Day($0.day)?.vietnamese ?? $0.day },
            Column("loai", width: 18) { EntryKind(rawValue: $0.kind)?.vietnamese ?? $0.kind }, Column("so_tien", width: 18) { signedDong($0.amount) },
            Column("chi_tiet") { detail($0) },
        ])

        static func detail(_ e: EntryResource) -> String {
            var parts: [String] = []
            if let c = e.contributor, !c.isEmpty { parts.append(c) }
            if let u = e.counterpartUnitCode { parts.append((e.kind == EntryKind.allocationIn.rawValue ? "từ / from " : "đối ứng / counterpart ") + u) }
            if let h = e.household { parts.append("hộ / household \(h)") }
            if let r = e.reverses { parts.append("đảo / reverses #\(r)") }
            if !e.note.isEmpty { parts.append(e.note) }
            if let r = e.reversedBy { parts.append("đã bị đảo bởi / reversed by #\(r)") }
            return parts.joined(separator: "; ")
        }

        func run() async throws {
            let fromDay = try from.map { try parseDay($0) }, toDay = try to.map { try parseDay($0) }
            try await db.withStore { store, actor in
                let s = StatementResource(try await store.funds.statement(actor, fund: fund, unit: unit, from: fromDay, to: toDay), history: actor.history)
                try await recordExport("sổ quỹ \(fund) tại \(unit)", rows: s.entries.count, as: output.format, store: store, actor: actor)
                switch output.format {
                case .json?: try Output.json(s)
                case .csv?:
                    Output.csv { out in
                        Self.csv.appendCSV([], to: &out)
                        Self.csv.appendCSV(["ngay": s.from ?? "", "loai": "so_du_dau_ky", "so_tien": String(s.opening)], to: &out)
                        Self.csv.appendCSV(s.entries, to: &out, header: false)
                        Self.csv.appendCSV(["ngay": s.to ?? "", "loai": "so_du_cuoi_ky", "so_tien": String(s.closing)], to: &out)
                    }
                case nil:
                    emit(["Sổ quỹ / ledger \(s.fund) (\(s.fundName)) — \(unit)"
                          + (fromDay.map { " từ / from \($0.vietnamese)" } ?? "") + (toDay.map { " đến / to \($0.vietnamese)" } ?? ""),
                          "  số dư đầu kỳ / opening: \(dong(s.opening))"]
                         + Self.table.lines(s.entries, indent: "  ")
                         + ["  số dư cuối kỳ / closing: \(dong(s.closing))"])
                }
                if toDay == nil && s.closing != s.storedBalance {
                    Terminal.error("cảnh báo: số dư lưu \(dong(s.storedBalance)) khác sổ quỹ \(dong(s.closing)); chạy giamngheo fund reconcile / "
                                   + "warning: the stored balance differs from the ledger; run giamngheo fund reconcile")
                }
            }
        }
    }

    struct Reconcile: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reconcile",
            abstract: "Đối chiếu số dư với tổng bút toán của mọi quỹ, mọi đơn vị / Reconcile every balance with the sum of its entries.",
            discussion: "Có dòng lệch thì thoát với mã 65 / Exit status 65 when any line disagrees.")
        @Option(help: "Từ ngày (dd/mm/yyyy) / From.") var from: String?
        @Option(help: "Đến ngày (dd/mm/yyyy) / To.") var to: String?
        @OptionGroup var db: DatabaseOptions

        static let titles = "quỹ / fund".padding(18) + "đơn vị / unit".padding(14) + "đầu kỳ / opening".padding(20) + "thu / in".padding(20)
            + "chi / out".padding(20) + "cuối kỳ / closing".padding(20) + "tổng sổ / ledger".padding(20) + "số dư / balance".padding(20)

        static func listing(_ history: OrgHistory) -> Listing<ReconciliationLine> {
            let money = { (key: String, amount: @escaping @Sendable (ReconciliationLine) -> Dong) in
                Column<ReconciliationLine>(key, width: 20, text: { dong(amount($0)) }) { String(amount($0)) }
            }
            return Listing([
                Column("quy", width: 18) { $0.fund.code }, Column("don_vi", width: 14) { history.code($0.unitID) },
                money("dau_ky") { $0.totals.opening }, money("thu") { $0.totals.inflow }, money("chi") { $0.totals.outflow },
                money("cuoi_ky") { $0.totals.closing }, money("tong_so") { $0.ledgerSum }, money("so_du") { $0.storedBalance },
                Column("khop", text: { $0.agrees ? "khớp / agrees" : "LỆCH / DIFFERS" }) { $0.agrees ? "1" : "0" },
            ])
        }

        func run() async throws {
            let fromDay = try from.map { try parseDay($0) }, toDay = try to.map { try parseDay($0) }
            try await db.withStore { store, actor in
                let lines = try await store.funds.reconciliation(actor, from: fromDay, to: toDay)
                let history = actor.history
                emit([Self.titles] + Self.listing(history).lines(lines))
                let differing = lines.filter { !$0.agrees }
                guard differing.isEmpty else {
                    Terminal.error("\(differing.count) dòng lệch giữa số dư và sổ quỹ / \(differing.count) lines where the balance differs from the ledger: "
                                   + differing.map { "\($0.fund.code)@\(history.code($0.unitID)) \(dong($0.storedBalance)) ≠ \(dong($0.ledgerSum))" }.joined(separator: ", "))
                    throw Exit.dataError
                }
                Terminal.error("tất cả \(lines.count) dòng khớp / all \(lines.count) lines agree")
            }
        }
    }
}

