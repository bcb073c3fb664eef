import ArgumentParser
import Foundation
import PovertyCore
import Spreadsheets
import Storage

// `giamngheo policy | support | coverage | fund | loan | campaign`: the support features on
// the command line, each subcommand a thin layer over one Storage function (`store.support`,
// `store.funds`, `store.loans`, `store.campaigns`). The command line is the province's
// operator tool: it acts for the whole province as the operator `--user` (an `Actor` of the
// command line); every change and every read of named people is checked, written in one
// transaction and audited inside Storage.

// MARK: - Shared pieces

extension DatabaseOptions {
    /// `withStore`, with a loan refused by the lending rules reported like any other refusal:
    /// the message on standard error, exit 65.
    func withSupportStore(_ body: (Store, Actor) async throws -> Void) async throws {
        try await withStore { store, actor in
            do { try await body(store, actor) } catch let refused as LoanRefused {
                throw StorageError.invalid(refused.description)
            }
        }
    }
}

/// An amount of đồng: `1500000`, `1.500.000`, `1,500,000` or `1.500.000đ` (decimals and signs refused).
struct DongArgument: ExpressibleByArgument, Sendable {
    let value: Dong
    init?(argument: String) {
        guard case .success(let v) = Money.parse(argument) else { return nil }
        value = v
    }
    var defaultValueDescription: String { Money.format(value) }
}

/// Prints text lines, without the spaces that pad a last column.
func emit(_ lines: [String]) {
    print(lines.map { line in String(line.reversed().drop { $0 == " " }.reversed()) }.joined(separator: "\n"))
}

/// `1.500.000 đ`.
func dong(_ amount: Dong) -> String { Money.format(amount) + " đ" }

/// `+1.500.000 đ` / `-1.500.000 đ` for ledger movements.
func signedDong(_ amount: Dong) -> String { (amount > 0 ? "+" : "") + dong(amount) }

extension OrgHistory {
    func code(_ id: Int?) -> String { id.flatMap { units[$0]?.code } ?? "" }
    func name(_ id: Int, on day: Day) -> String { self.name(of: id, on: day) ?? lastName(of: id) ?? "" }
}

/// A JSON value whose object keys keep their order, written with two-space indentation.
indirect enum JSONValue {
    case object([(String, JSONValue)])
    case array([JSONValue])
    case string(String)
    case int(Int)
    /// A number already formatted (e.g. a percentage with one decimal).
    case number(String)
    case bool(Bool)
    case null

    static func optional(_ s: String?) -> JSONValue { s.map { .string($0) } ?? .null }
    static func optional(_ i: Int?) -> JSONValue { i.map { .int($0) } ?? .null }
    static func strings(_ list: [String]) -> JSONValue { .array(list.map { .string($0) }) }

    func write(to out: inout [UInt8], indent: Int = 0) {
        let pad = { (n: Int) in Array(repeating: UInt8(ascii: " "), count: n * 2) }
        switch self {
        case .object(let pairs):
            guard !pairs.isEmpty else { out.append(contentsOf: "{}".utf8); return }
            out.append(contentsOf: "{\n".utf8)
            for (i, (key, value)) in pairs.enumerated() {
                out.append(contentsOf: pad(indent + 1))
                JSON.appendString(key, to: &out)
                out.append(contentsOf: ": ".utf8)
                value.write(to: &out, indent: indent + 1)
                out.append(contentsOf: (i == pairs.count - 1 ? "\n" : ",\n").utf8)
            }
            out.append(contentsOf: pad(indent))
            out.append(UInt8(ascii: "}"))
        case .array(let items):
            guard !items.isEmpty else { out.append(contentsOf: "[]".utf8); return }
            // Arrays of plain values stay on one line.
            if items.allSatisfy({ if case .object = $0 { false } else if case .array = $0 { false } else { true } }) {
                out.append(UInt8(ascii: "["))
                for (i, item) in items.enumerated() {
                    if i > 0 { out.append(contentsOf: ", ".utf8) }
                    item.write(to: &out, indent: indent)
                }
                out.append(UInt8(ascii: "]"))
                return
            }
            out.append(contentsOf: "[\n".utf8)
            for (i, item) in items.enumerated() {
                out.append(contentsOf: pad(indent + 1))
                item.write(to: &out, indent: indent + 1)
                out.append(contentsOf: (i == items.count - 1 ? "\n" : ",\n").utf8)
            }
            out.append(contentsOf: pad(indent))
            out.append(UInt8(ascii: "]"))
        case .string(let s): JSON.appendString(s, to: &out)
        case .int(let i): Money.appendPlain(i, to: &out)
        case .number(let n): out.append(contentsOf: n.utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .null: out.append(contentsOf: "null".utf8)
        }
    }

    /// The whole document, ending with a newline.
    var bytes: [UInt8] {
        var out: [UInt8] = []
        write(to: &out)
        out.append(UInt8(ascii: "\n"))
        return out
    }
}

/// `ngheo,can_ngheo` → the classes.
func parseStatuses(_ text: String) throws -> [LivingStandard] {
    let codes = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    var out: [LivingStandard] = []
    for code in codes {
        guard let s = LivingStandard(rawValue: code) else {
            let known = LivingStandard.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError("'\(code)': diện hộ không hợp lệ; dùng / unknown class; use: \(known)")
        }
        if !out.contains(s) { out.append(s) }
    }
    guard !out.isEmpty else { throw ValidationError("--statuses: cần ít nhất một diện hộ / at least one class") }
    return out
}

extension PolicyKind {
    var label: String { self == .state ? "nhà nước / state" : "công đoàn / union" }
}

extension ProposalState {
    var label: String {
        switch self {
        case .proposed: "đề xuất / proposed"
        case .removed: "đã bỏ / removed"
        case .approved: "đã duyệt / approved"
        case .cancelled: "đã huỷ / cancelled"
        }
    }
}

// MARK: - policy

struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Danh mục chính sách hỗ trợ / The support policy catalogue.",
        subcommands: [List.self],
        defaultSubcommand: List.self
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "Các chính sách và chỉ số thiếu hụt mỗi chính sách giải quyết / Policies and the deprivations each addresses.")
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            try await db.withSupportStore { store, actor in
                let catalogue = try await store.support.catalogue()
                let order = Dictionary(StandardCatalog.builtIn.indicators.map { ($0.code, $0.index) }, uniquingKeysWith: { a, _ in a })
                var addressed: [String: [String]] = [:]
                for (indicator, codes) in catalogue.addresses { for c in codes { addressed[c, default: []].append(indicator) } }
                var lines: [String] = []
                for p in catalogue.policies {
                    let indicators = (addressed[p.code] ?? []).sorted { (order[$0] ?? .max, $0) < (order[$1] ?? .max, $1) }
                    lines.append("\(p.code.padding(22))\(p.kind.label.padding(18))\(p.nameVi)")
                    lines.append("    chỉ số / indicators: " + (indicators.isEmpty ? "—" : indicators.joined(separator: ", ")))
                }
                emit(lines)
            }
        }
    }
}

// MARK: - support

struct SupportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "support",
        abstract: "Ghi nhận, xem và huỷ hỗ trợ cho hộ / Record, list and cancel support given to households.",
        discussion: """
        Hỗ trợ từ quỹ (--source fund --fund MÃ) chi tiền từ quỹ của đơn vị hỗ trợ trong cùng giao dịch; thiếu tiền thì không ghi gì.
        Support from a fund takes the money out of the giving unit's fund in the same transaction; if short, nothing is written.
        Ví dụ / e.g.: giamngheo support add --household HO-0001 --policy ho_tro_bhyt --date 01/04/2025 --value 1.200.000 \\
            --source state --source-name "BHXH tỉnh" --unit CDCS-001
        """,
        subcommands: [Add.self, List.self, Cancel.self]
    )

    enum Source: String, ExpressibleByArgument, CaseIterable {
        case fund, partner, state
        var storage: SupportSource {
            switch self {
            case .fund: .fund
            case .partner: .partner
            case .state: .state
            }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Ghi nhận một lần hỗ trợ / Record a support.")
        @Option(help: "Mã hộ / Household code.") var household: String
        @Option(help: "Mã chính sách (giamngheo policy list) / Policy code.") var policy: String
        @Option(help: "Ngày hỗ trợ (dd/mm/yyyy) / Day of the support.") var date: String
        @Option(help: "Giá trị, đồng (0 nếu chỉ có hiện vật) / Value in đồng (0 for goods only).") var value: DongArgument
        @Option(help: "Hiện vật / Goods given.") var inKind: String = ""
        @Option(help: "fund | partner | state") var source: Source
        @Option(help: "Tên nguồn (đối tác, chương trình) / Name of the source.") var sourceName: String = ""
        @Option(help: "Mã đơn vị hỗ trợ / The giving unit's code.") var unit: String
        @Option(help: "Mã quỹ chi, khi --source fund / The paying fund, with --source fund.") var fund: String?
        @OptionGroup var db: DatabaseOptions

        func validate() throws {
            if source == .fund && (fund ?? "").isEmpty { throw ValidationError("--source fund cần --fund MÃ_QUỸ / --source fund needs --fund CODE") }
            if source != .fund && fund != nil { throw ValidationError("--fund chỉ dùng với --source fund / --fund goes with --source fund") }
        }

        func run() async throws {
            let day = try parseDay(date)
            try await db.withSupportStore { store, actor in
                let id = try await store.support.record(actor, 
                    NewSupport(household: household, policy: policy, day: day, value: value.value, inKind: inKind, source: source.storage,
                               sourceName: sourceName, unit: unit, fund: fund))
                var line = "đã ghi hỗ trợ / support recorded #\(id): hộ \(household), \(policy), \(day.vietnamese), \(dong(value.value))"
                if !inKind.isEmpty { line += " + \(inKind)" }
                if let fund, source == .fund {
                    line += "; chi từ quỹ / paid from \(fund) tại \(unit), số dư còn / balance left \(dong(try await store.funds.balance(actor, fund: fund, unit: unit)))"
                }
                print(line)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Các lần hỗ trợ của một hộ, mới nhất trước / A household's support, newest first.")
        @Option(help: "Mã hộ / Household code.") var household: String
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            try await db.withSupportStore { store, actor in
                let records = try await store.support.records(actor, household: household)
                guard !records.isEmpty else {
                    Terminal.error("hộ \(household) chưa được ghi nhận hỗ trợ nào / no support recorded for \(household)")
                    return
                }
                let history = try await store.units.history()
                var lines: [String] = []
                for r in records {
                    var line = "#\(r.id)".padding(6) + r.day.vietnamese.padding(11) + r.policyCode.padding(22) + dong(r.value).padding(16)
                    if !r.inKind.isEmpty { line += "[\(r.inKind)] " }
                    line += "\(r.source.rawValue): \(r.sourceName); \(history.code(r.unitID))"
                    if let reason = r.cancelReason { line += " — ĐÃ HUỶ / cancelled: \(reason)" }
                    lines.append(line)
                }
                emit(lines)
            }
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cancel", abstract: "Huỷ một lần hỗ trợ ghi nhầm; tiền từ quỹ được hoàn bằng bút toán đảo / Cancel a support recorded by mistake.")
        @Argument(help: "Số của lần hỗ trợ (#) / The support's number.") var id: Int
        @Option(help: "Lý do / Reason.") var reason: String
        @Option(help: "Ngày huỷ (dd/mm/yyyy), mặc định hôm nay / Day of the cancellation, default today.") var date: String?
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let day = try parseDay(date)
            try await db.withSupportStore { store, actor in
                try await store.support.cancel(actor, id, reason: reason, on: day)
                print("đã huỷ hỗ trợ / support cancelled #\(id) ngày \(day.vietnamese): \(reason)")
            }
        }
    }
}

// MARK: - coverage

struct CoverageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coverage",
        abstract: "Bao phủ chính sách: hộ nghèo được hỗ trợ đủ theo từng chỉ số thiếu hụt / Policy coverage of poor households.",
        discussion: """
        Theo từng đơn vị: số hộ, số hộ đã được hỗ trợ đủ mọi chỉ số thiếu hụt và tỷ lệ (%); rồi danh sách hộ còn thiếu,
        chỉ số còn thiếu và chính sách gợi ý. Năm mặc định: năm rà soát mới nhất.
        Per unit: households, those with every deprivation addressed, and the share; then the households with gaps.
        """
    )
    @Option(help: "Năm rà soát / Review year.") var year: Int?
    @Flag(help: "Gồm cả hộ cận nghèo / Include near-poor households.") var nearPoor = false
    @Option(help: "Chỉ nhánh của đơn vị này (theo cây hôm nay) / Only this unit's branch (today's tree).") var unit: String?
    @Option(help: "Số hộ còn thiếu tối đa được liệt kê / Most households with gaps listed.") var limit: Int = 200
    @Option(help: "csv hoặc json; mặc định bảng để đọc / csv or json; default a readable table.") var format: OutputFormat?
    @OptionGroup var db: DatabaseOptions

    static let unitColumns = ["don_vi", "ten_don_vi", "so_ho", "so_ho_du", "ty_le_phan_tram"]
    static let gapColumns = ["ma_ho", "ho_ten", "don_vi", "phan_loai", "chi_so_con_thieu", "chinh_sach_goi_y"]

    func validate() throws { guard limit >= 0 else { throw ValidationError("--limit ≥ 0") } }

    func run() async throws {
        try await db.withSupportStore { store, actor in
            let history = actor.history
            let today = store.today
            var unitID: Int?
            if let unit {
                guard let u = history.unit(code: unit) else { throw StorageError.notFound(.unit, unit) }
                unitID = u.id
            }
            let report = try await store.support.coverage(actor, year: year, includeNearPoor: nearPoor, unit: unitID, limit: limit)
            let percent = { (r: Ratio) in r.formatted(decimals: 1, scale: 100) }
            switch format {
            case .csv?:
                var out: [UInt8] = []
                CSV.appendRow(Self.unitColumns, to: &out)
                for u in report.units {
                    CSV.appendRow([history.code(u.unitID), history.name(u.unitID, on: today),
                                   String(u.households), String(u.complete), percent(u.share)], to: &out)
                }
                CSV.appendRow(["", "Tổng cộng / Total", String(report.households), String(report.complete), percent(report.share)], to: &out)
                out.append(UInt8(ascii: "\n"))
                CSV.appendRow(Self.gapColumns, to: &out)
                for g in report.gaps {
                    CSV.appendRow([g.householdCode, g.primaryName, history.code(g.unitID), g.status.rawValue,
                                   g.coverage.missingIndicators.joined(separator: ";"), g.coverage.suggestedPolicies.joined(separator: ";")], to: &out)
                }
                Terminal.write(out)
            case .json?:
                let doc = JSONValue.object([
                    ("nam", .optional(report.year)),
                    ("gom_can_ngheo", .bool(report.includesNearPoor)),
                    ("so_ho", .int(report.households)),
                    ("so_ho_du", .int(report.complete)),
                    ("ty_le_phan_tram", .number(percent(report.share))),
                    ("don_vi", .array(report.units.map { u in
                        .object([("don_vi", .string(history.code(u.unitID))),
                                 ("ten_don_vi", .string(history.name(u.unitID, on: today))),
                                 ("so_ho", .int(u.households)), ("so_ho_du", .int(u.complete)), ("ty_le_phan_tram", .number(percent(u.share)))])
                    })),
                    ("so_ho_con_thieu", .int(report.gapCount)),
                    ("con_thieu", .array(report.gaps.map { g in
                        .object([("ma_ho", .string(g.householdCode)), ("ho_ten", .string(g.primaryName)), ("don_vi", .string(history.code(g.unitID))),
                                 ("phan_loai", .string(g.status.rawValue)), ("chi_so_con_thieu", .strings(g.coverage.missingIndicators)),
                                 ("chinh_sach_goi_y", .strings(g.coverage.suggestedPolicies))])
                    })),
                ])
                Terminal.write(doc.bytes)
            case nil:
                guard let y = report.year else {
                    print("chưa có kết quả rà soát / no reviews yet")
                    return
                }
                var lines = ["Bao phủ chính sách năm \(y) / policy coverage \(y)" + (nearPoor ? " — hộ nghèo và cận nghèo / poor and near-poor" : " — hộ nghèo / poor")
                             + (unit.map { ", nhánh / branch \($0)" } ?? ""),
                             "đơn vị / unit".padding(14) + "tên / name".padding(40) + "số hộ".padding(8) + "đủ".padding(8) + "tỷ lệ %"]
                for u in report.units {
                    lines.append(history.code(u.unitID).padding(14) + (history.name(u.unitID, on: today)).padding(40)
                                 + String(u.households).padding(8) + String(u.complete).padding(8) + percent(u.share))
                }
                lines.append("".padding(14) + "Tổng cộng / Total".padding(40) + String(report.households).padding(8) + String(report.complete).padding(8)
                             + percent(report.share))
                lines.append("")
                lines.append("Hộ còn thiếu / households with gaps: \(report.gapCount)")
                for g in report.gaps {
                    lines.append("  \(g.householdCode)  \(g.primaryName)  \(history.code(g.unitID))  \(g.status.vietnamese)")
                    lines.append("    thiếu / missing: \(g.coverage.missingIndicators.joined(separator: ", ")); gợi ý / suggested: "
                                 + (g.coverage.suggestedPolicies.isEmpty ? "—" : g.coverage.suggestedPolicies.joined(separator: ", ")))
                }
                emit(lines)
            }
            if report.gapCount > report.gaps.count {
                Terminal.error("… và \(report.gapCount - report.gaps.count) hộ khác (--limit) / … and \(report.gapCount - report.gaps.count) more (--limit)")
            }
        }
    }
}

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
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            try await db.withSupportStore { store, actor in
                let balances = try await store.funds.balances(actor)
                guard !balances.isEmpty else {
                    let codes = try await store.funds.funds().map(\.code).joined(separator: ", ")
                    Terminal.error("chưa quỹ nào có số dư / no fund holds money yet (quỹ / funds: \(codes))")
                    return
                }
                let history = try await store.units.history()
                emit(balances.map { b in
                    b.fund.code.padding(18) + history.code(b.unitID).padding(14) + dong(b.balance).padding(20) + b.fund.nameVi
                })
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
            let day = try parseDay(date)
            try await db.withSupportStore { store, actor in
                let id = try await store.funds.contribute(actor, fund: fund, unit: unit, day: day, amount: amount.value, contributor: contributor, note: note)
                let balance = try await store.funds.balance(actor, fund: fund, unit: unit)
                print("đã ghi đóng góp / contribution recorded #\(id): \(dong(amount.value)) vào quỹ / into \(fund) tại / at \(unit) ngày \(day.vietnamese); số dư / balance \(dong(balance))")
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
            let day = try parseDay(date)
            try await db.withSupportStore { store, actor in
                let ids = try await store.funds.allocate(actor, fund: fund, from: from, to: to, day: day, amount: amount.value, note: note)
                let left = try await store.funds.balance(actor, fund: fund, unit: from), now = try await store.funds.balance(actor, fund: fund, unit: to)
                print("đã phân bổ / allocated #\(ids.out) → #\(ids.in): \(dong(amount.value)) quỹ \(fund) từ \(from) sang \(to) ngày \(day.vietnamese); "
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
            let day = try parseDay(date)
            try await db.withSupportStore { store, actor in
                let id = try await store.funds.disburse(actor, fund: fund, unit: unit, day: day, amount: amount.value, household: household, note: note)
                let balance = try await store.funds.balance(actor, fund: fund, unit: unit)
                print("đã chi / disbursed #\(id): \(dong(amount.value)) từ quỹ / from \(fund) tại / at \(unit) ngày \(day.vietnamese)"
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
            let day = try parseDay(date)
            try await db.withSupportStore { store, actor in
                let id = try await store.funds.reverse(actor, entryID: entryID, day: day, reason: reason)
                print("đã đảo bút toán / reversed #\(entryID) bằng / by #\(id) ngày \(day.vietnamese): \(reason)")
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
        @Option(help: "csv hoặc json; mặc định bảng để đọc / csv or json; default a readable table.") var format: OutputFormat?
        @OptionGroup var db: DatabaseOptions

        static let columns = ["ma_but_toan", "ngay", "loai", "so_tien", "nguoi_dong_gop", "don_vi_doi_ung", "ma_ho", "dao_but_toan", "bi_dao_boi", "ghi_chu", "nguoi_nhap"]

        func run() async throws {
            let fromDay = try from.map { try parseDay($0) }, toDay = try to.map { try parseDay($0) }
            try await db.withSupportStore { store, actor in
                let s = try await store.funds.statement(actor, fund: fund, unit: unit, from: fromDay, to: toDay)
                let history = try await store.units.history()
                let id = { (i: Int?) in i.map(String.init) ?? "" }
                switch format {
                case .csv?:
                    var out: [UInt8] = []
                    CSV.appendRow(Self.columns, to: &out)
                    CSV.appendRow(["", fromDay?.iso ?? "", "so_du_dau_ky", String(s.totals.opening), "", "", "", "", "", "", ""], to: &out)
                    for e in s.entries {
                        CSV.appendRow([String(e.id), e.day.iso, e.kind.rawValue, String(e.amount), e.contributor ?? "", history.code(e.counterpartUnitID),
                                       e.householdCode ?? "", id(e.reversesID), id(e.reversedByID), e.note, e.enteredBy], to: &out)
                    }
                    CSV.appendRow(["", toDay?.iso ?? "", "so_du_cuoi_ky", String(s.totals.closing), "", "", "", "", "", "", ""], to: &out)
                    Terminal.write(out)
                case .json?:
                    let doc = JSONValue.object([
                        ("quy", .string(s.fund.code)), ("ten_quy", .string(s.fund.nameVi)), ("don_vi", .string(unit)),
                        ("tu_ngay", .optional(fromDay?.iso)), ("den_ngay", .optional(toDay?.iso)),
                        ("so_du_dau_ky", .int(s.totals.opening)),
                        ("but_toan", .array(s.entries.map { e in
                            .object([("ma_but_toan", .int(e.id)), ("ngay", .string(e.day.iso)), ("loai", .string(e.kind.rawValue)), ("so_tien", .int(e.amount)),
                                     ("nguoi_dong_gop", .optional(e.contributor)), ("don_vi_doi_ung", .optional(e.counterpartUnitID.map { history.code($0) })),
                                     ("ma_ho", .optional(e.householdCode)), ("dao_but_toan", .optional(e.reversesID)), ("bi_dao_boi", .optional(e.reversedByID)),
                                     ("ghi_chu", .string(e.note)), ("nguoi_nhap", .string(e.enteredBy))])
                        })),
                        ("so_du_cuoi_ky", .int(s.totals.closing)),
                        ("so_du_hien_tai", .int(s.storedBalance)),
                    ])
                    Terminal.write(doc.bytes)
                case nil:
                    var lines = ["Sổ quỹ / ledger \(s.fund.code) (\(s.fund.nameVi)) — \(unit)"
                                 + (fromDay.map { " từ / from \($0.vietnamese)" } ?? "") + (toDay.map { " đến / to \($0.vietnamese)" } ?? ""),
                                 "  số dư đầu kỳ / opening: \(dong(s.totals.opening))"]
                    for e in s.entries {
                        var detail: [String] = []
                        if let c = e.contributor, !c.isEmpty { detail.append(c) }
                        if let u = e.counterpartUnitID { detail.append((e.kind == .allocationIn ? "từ / from " : "đối ứng / counterpart ") + history.code(u)) }
                        if let h = e.householdCode { detail.append("hộ / household \(h)") }
                        if let r = e.reversesID { detail.append("đảo / reverses #\(r)") }
                        if !e.note.isEmpty { detail.append(e.note) }
                        if let r = e.reversedByID { detail.append("đã bị đảo bởi / reversed by #\(r)") }
                        lines.append("  " + "#\(e.id)".padding(6) + e.day.vietnamese.padding(11) + e.kind.vietnamese.padding(18)
                                     + signedDong(e.amount).padding(18) + detail.joined(separator: "; "))
                    }
                    lines.append("  số dư cuối kỳ / closing: \(dong(s.totals.closing))")
                    emit(lines)
                }
                if toDay == nil && s.totals.closing != s.storedBalance {
                    Terminal.error("cảnh báo: số dư lưu \(dong(s.storedBalance)) khác sổ quỹ \(dong(s.totals.closing)); chạy giamngheo fund reconcile / "
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

        func run() async throws {
            let fromDay = try from.map { try parseDay($0) }, toDay = try to.map { try parseDay($0) }
            try await db.withSupportStore { store, actor in
                let lines = try await store.funds.reconciliation(actor, from: fromDay, to: toDay)
                let history = try await store.units.history()
                var out = ["quỹ / fund".padding(18) + "đơn vị / unit".padding(14) + "đầu kỳ / opening".padding(20) + "thu / in".padding(20)
                           + "chi / out".padding(20) + "cuối kỳ / closing".padding(20) + "tổng sổ / ledger".padding(20) + "số dư / balance".padding(20)]
                for l in lines {
                    out.append(l.fund.code.padding(18) + history.code(l.unitID).padding(14) + dong(l.totals.opening).padding(20)
                               + dong(l.totals.inflow).padding(20) + dong(l.totals.outflow).padding(20) + dong(l.totals.closing).padding(20)
                               + dong(l.ledgerSum).padding(20) + dong(l.storedBalance).padding(20) + (l.agrees ? "khớp / agrees" : "LỆCH / DIFFERS"))
                }
                emit(out)
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
        subcommands: [Apply.self, Approve.self, Reject.self, Disburse.self, Repay.self, Extend.self, WriteOff.self, Jobs.self, Show.self, Ageing.self]
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
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let day = try parseDay(date)
            try await db.withSupportStore { store, actor in
                let code = try await store.loans.apply(actor, 
                    LoanApplication(member: member, household: household, unit: unit, purpose: purpose, workers: workers, jobsPlanned: jobs,
                                    amount: amount.value, termMonths: term, everyMonths: every, appliedOn: day))
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
            let day = try parseDay(date)
            try await db.withSupportStore { store, actor in
                try await store.loans.approve(actor, code, on: day, note: note)
                print("đã phê duyệt / approved \(code) ngày \(day.vietnamese)")
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
            let day = try parseDay(date)
            try await db.withSupportStore { store, actor in
                try await store.loans.reject(actor, code, on: day, note: note)
                print("đã từ chối / rejected \(code) ngày \(day.vietnamese): \(note)")
            }
        }
    }

    struct Disburse: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "disburse", abstract: "Giải ngân khoản vay đã duyệt / Pay out an approved loan.")
        @Argument(help: "Mã khoản vay / Loan code.") var code: String
        @Option(help: "Ngày (dd/mm/yyyy) / Day.") var date: String
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let day = try parseDay(date)
            try await db.withSupportStore { store, actor in
                try await store.loans.disburse(actor, code, on: day)
                print("đã giải ngân / disbursed \(code) ngày \(day.vietnamese)")
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
            let day = try parseDay(date)
            try await db.withSupportStore { store, actor in
                try await store.loans.repay(actor, code, on: day, amount: amount.value)
                print("đã thu nợ / repayment recorded \(code) ngày \(day.vietnamese): \(dong(amount.value))")
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
            let day = try parseDay(date)
            try await db.withSupportStore { store, actor in
                try await store.loans.extend(actor, code, granted: day, months: months, reason: reason)
                print("đã gia hạn / extended \(code) thêm \(months) tháng / months từ \(day.vietnamese): \(reason)")
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
            let day = try parseDay(date)
            try await db.withSupportStore { store, actor in
                try await store.loans.writeOff(actor, code, on: day, reason: reason)
                print("đã xoá nợ / written off \(code) ngày \(day.vietnamese): \(reason)")
            }
        }
    }

    struct Jobs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "jobs", abstract: "Ghi số việc làm thực tế tạo được / Record the jobs actually created.")
        @Argument(help: "Mã khoản vay / Loan code.") var code: String
        @Option(help: "Số việc làm / Jobs created.") var created: Int
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            try await db.withSupportStore { store, actor in
                try await store.loans.recordJobs(actor, code, created: created)
                print("đã ghi việc làm / jobs recorded \(code): \(created)")
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show", abstract: "Hồ sơ khoản vay: lịch trả nợ, các lần trả, tình trạng hôm nay / A loan: schedule, repayments, position today.")
        @Argument(help: "Mã khoản vay / Loan code.") var code: String
        @Option(help: "Ngày tính tình trạng (dd/mm/yyyy), mặc định hôm nay / Day of the position, default today.") var date: String?
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let asked = try date.map { try parseDay($0) }
            try await db.withSupportStore { store, actor in
                let f = try await store.loans.file(actor, code)
                let history = try await store.units.history()
                let day = asked ?? store.today
                let purpose = LoanRules.purposeLabel(f.purpose).map { "\($0) (\(f.purpose))" } ?? f.purpose
                var lines = ["Khoản vay / loan \(f.code) — \(f.state.vietnamese) / \(f.state.rawValue)",
                             "  người vay / borrower: \(f.memberCode) \(f.memberName); hộ / household: \(f.householdCode ?? "—"); đơn vị / unit: \(history.code(f.unitID))",
                             "  mục đích / purpose: \(purpose); lao động / workers: \(f.workers); việc làm / jobs: dự kiến / planned \(f.jobsPlanned), tạo được / created \(f.jobsCreated.map(String.init) ?? "—")",
                             "  số tiền / amount: \(dong(f.amount)); thời hạn / term: \(f.termMonths) tháng, trả gốc mỗi \(f.everyMonths) tháng / months",
                             "  nộp / applied: \(f.appliedOn.vietnamese)"
                             + (f.decidedOn.map { "; quyết định / decided: \($0.vietnamese)" + (f.decidedBy.map { " (\($0))" } ?? "") } ?? "")
                             + (f.disbursedOn.map { "; giải ngân / disbursed: \($0.vietnamese)" } ?? "")
                             + (f.closedOn.map { "; đóng / closed: \($0.vietnamese)" } ?? "")]
                if let note = f.decisionNote, !note.isEmpty { lines.append("  ghi chú / note: \(note)") }
                if f.writtenOff > 0 { lines.append("  đã xoá nợ / written off: \(dong(f.writtenOff))") }
                let schedule = f.schedule
                if !schedule.isEmpty {
                    lines.append("Lịch trả nợ gốc / schedule:")
                    var left = f.repaid
                    for inst in schedule.sorted(by: { ($0.due, $0.number) < ($1.due, $1.number) }) {
                        let paid: String
                        if left >= inst.principal { paid = "đã trả / paid"; left -= inst.principal }
                        else if left > 0 { paid = "đã trả một phần / part paid \(dong(left))"; left = 0 }
                        else { paid = f.state == .disbursed && inst.due < day ? "quá hạn / overdue" : "" }
                        lines.append("  kỳ \(inst.number)".padding(9) + inst.due.vietnamese.padding(12) + dong(inst.principal).padding(16) + paid)
                    }
                }
                if !f.payments.isEmpty {
                    lines.append("Các lần trả / repayments:")
                    for p in f.payments { lines.append("  \(p.day.vietnamese)  \(dong(p.amount))  (\(p.enteredBy))") }
                }
                if !f.extensions.isEmpty {
                    lines.append("Gia hạn / extensions:")
                    for e in f.extensions { lines.append("  \(e.granted.vietnamese)  +\(e.months) tháng / months: \(e.reason)") }
                }
                if f.state == .disbursed {
                    let p = f.position(on: day)
                    lines.append("Ngày / on \(day.vietnamese): dư nợ / outstanding \(dong(p.outstanding)); đến hạn / due to date \(dong(p.dueToDate)); "
                                 + "đã trả / repaid \(dong(p.repaid)); quá hạn / overdue \(dong(p.overdue))"
                                 + (p.bucket.map { " — \(p.daysOverdue) ngày, \($0.label) / \($0.labelEn)" } ?? " — trong hạn / current"))
                } else {
                    lines.append("Ngày / on \(day.vietnamese): dư nợ / outstanding \(dong(f.outstanding))")
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
        @Option(help: "csv hoặc json; mặc định bảng để đọc / csv or json; default a readable table.") var format: OutputFormat?
        @OptionGroup var db: DatabaseOptions

        static let bucketColumns = ["nhom_no", "so_khoan", "no_qua_han", "du_no"]
        static let loanColumns = ["ma_khoan_vay", "ma_doan_vien", "ho_ten", "ma_ho", "don_vi", "so_ngay_qua_han", "nhom_no", "no_qua_han", "du_no"]

        func run() async throws {
            let asked = try date.map { try parseDay($0) }
            try await db.withSupportStore { store, actor in
                let day = asked ?? store.today
                let (report, all) = try await store.loans.ageing(actor, on: day)
                let overdue = all.filter { $0.position.daysOverdue > 0 }
                let history = try await store.units.history()
                switch format {
                case .csv?:
                    var out: [UInt8] = []
                    CSV.appendRow(Self.bucketColumns, to: &out)
                    CSV.appendRow(["trong_han", String(report.current), "0", String(report.outstanding - report.buckets.reduce(0) { $0 + $1.outstanding })], to: &out)
                    for b in report.buckets { CSV.appendRow([b.bucket.rawValue, String(b.loans), String(b.overdue), String(b.outstanding)], to: &out) }
                    out.append(UInt8(ascii: "\n"))
                    CSV.appendRow(Self.loanColumns, to: &out)
                    for l in overdue {
                        CSV.appendRow([l.file.code, l.file.memberCode, l.file.memberName, l.file.householdCode ?? "", history.code(l.file.unitID),
                                       String(l.position.daysOverdue), l.position.bucket?.rawValue ?? "", String(l.position.overdue), String(l.file.outstanding)], to: &out)
                    }
                    Terminal.write(out)
                case .json?:
                    let doc = JSONValue.object([
                        ("ngay", .string(day.iso)), ("so_khoan_dang_vay", .int(report.activeLoans)), ("du_no", .int(report.outstanding)),
                        ("trong_han", .int(report.current)),
                        ("nhom_no", .array(report.buckets.map { b in
                            .object([("nhom_no", .string(b.bucket.rawValue)), ("so_khoan", .int(b.loans)), ("no_qua_han", .int(b.overdue)), ("du_no", .int(b.outstanding))])
                        })),
                        ("viec_lam_du_kien", .int(report.jobsPlanned)), ("viec_lam_tao_duoc", .int(report.jobsCreated)), ("da_xoa_no", .int(report.writtenOff)),
                        ("qua_han", .array(overdue.map { l in
                            .object([("ma_khoan_vay", .string(l.file.code)), ("ma_doan_vien", .string(l.file.memberCode)), ("ho_ten", .string(l.file.memberName)),
                                     ("ma_ho", .optional(l.file.householdCode)), ("don_vi", .string(history.code(l.file.unitID))),
                                     ("so_ngay_qua_han", .int(l.position.daysOverdue)), ("nhom_no", .optional(l.position.bucket?.rawValue)),
                                     ("no_qua_han", .int(l.position.overdue)), ("du_no", .int(l.file.outstanding))])
                        })),
                    ])
                    Terminal.write(doc.bytes)
                case nil:
                    var lines = ["Nợ vay Quỹ quốc gia về việc làm ngày \(day.vietnamese) / NEF loans on \(day.iso)",
                                 "  đang vay / active: \(report.activeLoans) khoản / loans, dư nợ / outstanding \(dong(report.outstanding)); trong hạn / current: \(report.current)"]
                    for b in report.buckets {
                        lines.append("  " + "\(b.bucket.label) / \(b.bucket.labelEn)".padding(52) + "\(b.loans) khoản / loans".padding(18)
                                     + "quá hạn / overdue \(dong(b.overdue))".padding(36) + "dư nợ / outstanding \(dong(b.outstanding))")
                    }
                    lines.append("  việc làm / jobs: dự kiến / planned \(report.jobsPlanned), tạo được / created \(report.jobsCreated); đã xoá nợ / written off \(dong(report.writtenOff))")
                    lines.append("Khoản vay quá hạn / overdue loans: \(overdue.count)")
                    for l in overdue {
                        lines.append("  " + l.file.code.padding(15) + "\(l.file.memberCode) \(l.file.memberName)".padding(30) + history.code(l.file.unitID).padding(14)
                                     + "\(l.position.daysOverdue) ngày / days".padding(16) + "quá hạn / overdue \(dong(l.position.overdue))".padding(36)
                                     + "dư nợ / outstanding \(dong(l.file.outstanding))")
                    }
                    emit(lines)
                }
            }
        }
    }
}

// MARK: - campaign

struct CampaignCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "campaign",
        abstract: "Đợt quà: lập danh sách theo mức độ khó khăn, sửa có lý do, cấp trên duyệt / Gift campaigns: lists by need, edits with reasons, approval above.",
        discussion: """
        Khi duyệt, mỗi phần quà thành một lần hỗ trợ và một khoản chi từ quỹ của đơn vị tổ chức, trong cùng giao dịch:
        vượt ngân sách hoặc quỹ không đủ thì không duyệt hộ nào.
        On approval each gift becomes a support record and a disbursement from the organiser's fund, in one transaction:
        over the budget or short of money, nothing is approved.
        """,
        subcommands: [Create.self, List.self, Draw.self, Add.self, Remove.self, Amount.self, Show.self, Approve.self]
    )

    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case thang_cong_nhan, tet_sum_vay, vi_nguoi_ngheo, mai_am
        var storage: CampaignKind { CampaignKind(rawValue: rawValue)! }
    }

    static func lines(_ c: Campaign, _ history: OrgHistory) -> [String] {
        ["\(c.code)  \(c.kind.nameVi) / \(c.kind.nameEn): \(c.name)",
         "    đơn vị / unit \(history.code(c.unitID)); quỹ / fund \(c.fundCode); năm rà soát / review year \(c.year); \(c.startsOn.vietnamese)–\(c.endsOn.vietnamese); "
         + "diện / classes \(c.statuses.map(\.rawValue).joined(separator: ","))",
         "    ngân sách / budget \(dong(c.budget)); quà / gift \(dong(c.giftValue)); đã duyệt / approved \(dong(c.approved)); "
         + "đang đề xuất / proposed \(dong(c.proposed)); còn lại / remaining \(dong(c.remaining))"]
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "create", abstract: "Tạo một đợt; in mã đợt / Create a campaign; prints its code.")
        @Option(help: "thang_cong_nhan | tet_sum_vay | vi_nguoi_ngheo | mai_am") var kind: Kind
        @Option(help: "Tên đợt / Name.") var name: String
        @Option(help: "Mã đơn vị tổ chức (quỹ của đơn vị này chi) / The organising unit, whose fund pays.") var unit: String
        @Option(help: "Mã quỹ chi / The paying fund.") var fund: String
        @Option(help: "Năm rà soát để chọn hộ / The review year households are drawn from.") var year: Int
        @Option(help: "Từ ngày (dd/mm/yyyy) / Starts on.") var from: String
        @Option(help: "Đến ngày (dd/mm/yyyy) / Ends on.") var to: String
        @Option(help: "Ngân sách, đồng / Budget in đồng.") var budget: DongArgument
        @Option(help: "Mức quà mỗi hộ, mặc định theo quy định / Gift per household, default by the rules.") var gift: DongArgument?
        @Option(help: "Diện hộ, vd. ngheo,can_ngheo / Classes of household.") var statuses: String = "ngheo,can_ngheo"
        @OptionGroup var db: DatabaseOptions

        func validate() throws { _ = try parseStatuses(statuses) }

        func run() async throws {
            let (start, end) = (try parseDay(from), try parseDay(to))
            let classes = try parseStatuses(statuses)
            try await db.withSupportStore { store, actor in
                let code = try await store.campaigns.create(actor, 
                    NewCampaign(kind: kind.storage, name: name, unit: unit, fund: fund, year: year, startsOn: start, endsOn: end, budget: budget.value,
                                giftValue: gift?.value, statuses: classes))
                Terminal.error("đã tạo đợt / campaign created: \(name), \(start.vietnamese)–\(end.vietnamese), ngân sách / budget \(dong(budget.value))")
                print(code)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Các đợt, mới nhất trước / Every campaign, newest first.")
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            try await db.withSupportStore { store, actor in
                let campaigns = try await store.campaigns.campaigns(actor)
                guard !campaigns.isEmpty else {
                    Terminal.error("chưa có đợt nào / no campaigns yet")
                    return
                }
                let history = try await store.units.history()
                emit(campaigns.flatMap { CampaignCommand.lines($0, history) })
            }
        }
    }

    struct Draw: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "draw", abstract: "Lập danh sách từ kết quả rà soát của nhánh một đơn vị, theo mức độ khó khăn / Draw a unit's branch's households by need.")
        @Argument(help: "Mã đợt / Campaign code.") var code: String
        @Option(help: "Mã đơn vị / Unit code.") var unit: String
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            try await db.withSupportStore { store, actor in
                let n = try await store.campaigns.draw(actor, code, unit: unit)
                print("đã thêm / added \(n) hộ / households vào đợt / to \(code) (\(unit))")
            }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Thêm một hộ khó khăn, ghi lý do / Add a household in hardship, with the reason.")
        @Argument(help: "Mã đợt / Campaign code.") var code: String
        @Option(help: "Mã hộ / Household code.") var household: String
        @Option(help: "Lý do / Reason.") var reason: String
        @Option(help: "Số tiền, mặc định mức quà của đợt / Amount, default the campaign's gift.") var amount: DongArgument?
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            try await db.withSupportStore { store, actor in
                try await store.campaigns.add(actor, code, household: household, amount: amount?.value, reason: reason)
                print("đã thêm / added \(household) vào đợt / to \(code)" + (amount.map { ": \(dong($0.value))" } ?? "") + " — \(reason)")
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove", abstract: "Bỏ một hộ khỏi danh sách, ghi lý do / Take a household off the list, with the reason.")
        @Argument(help: "Mã đợt / Campaign code.") var code: String
        @Option(help: "Mã hộ / Household code.") var household: String
        @Option(help: "Lý do / Reason.") var reason: String
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            try await db.withSupportStore { store, actor in
                try await store.campaigns.edit(actor, code, household: household, remove: true, reason: reason)
                print("đã bỏ / removed \(household) khỏi đợt / from \(code) — \(reason)")
            }
        }
    }

    struct Amount: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "amount", abstract: "Đổi mức quà của một hộ, ghi lý do / Change a household's amount, with the reason.")
        @Argument(help: "Mã đợt / Campaign code.") var code: String
        @Option(help: "Mã hộ / Household code.") var household: String
        @Option(help: "Số tiền mới, đồng / The new amount in đồng.") var amount: DongArgument
        @Option(help: "Lý do / Reason.") var reason: String
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            try await db.withSupportStore { store, actor in
                try await store.campaigns.edit(actor, code, household: household, remove: false, amount: amount.value, reason: reason)
                print("đã sửa mức / amount changed \(household) trong đợt / in \(code): \(dong(amount.value)) — \(reason)")
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Một đợt và danh sách theo thứ tự ưu tiên / A campaign and its list in rank order.")
        @Argument(help: "Mã đợt / Campaign code.") var code: String
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            try await db.withSupportStore { store, actor in
                let c = try await store.campaigns.campaign(actor, code)
                let proposals = try await store.campaigns.proposals(actor, code)
                let history = try await store.units.history()
                var lines = CampaignCommand.lines(c, history)
                lines.append("Danh sách / list: \(proposals.count) hộ / households")
                for p in proposals {
                    var line = "  " + "\(p.rank)".padding(4) + p.householdCode.padding(12) + p.primaryName.padding(24) + history.code(p.unitID).padding(12)
                        + (p.status?.rawValue ?? "—").padding(10) + "\(p.deprivationCount) chỉ số".padding(11) + dong(p.amount).padding(14) + p.state.label.padding(22)
                    if p.hardship { line += "khó khăn / hardship; " }
                    line += p.reason
                    if let s = p.supportID { line += " (hỗ trợ / support #\(s))" }
                    lines.append(line)
                }
                emit(lines)
            }
        }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "approve", abstract: "Duyệt các hộ đề xuất của nhánh một đơn vị và chi quà / Approve a unit's branch's proposals and pay the gifts.")
        @Argument(help: "Mã đợt / Campaign code.") var code: String
        @Option(help: "Mã đơn vị / Unit code.") var unit: String
        @Option(help: "Ngày duyệt và chi (dd/mm/yyyy) / Day of approval and payment.") var date: String
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let day = try parseDay(date)
            try await db.withSupportStore { store, actor in
                // The command line acts for the whole province: no approving unit to exclude.
                let n = try await store.campaigns.approve(actor, code, unit: unit, day: day)
                let c = try await store.campaigns.campaign(actor, code)
                print("đã duyệt / approved \(n) hộ / households trong đợt / in \(code) (\(unit)) ngày \(day.vietnamese); "
                      + "tổng đã duyệt / approved so far \(dong(c.approved)), ngân sách còn / budget left \(dong(c.remaining))")
            }
        }
    }
}
