import App
import ArgumentParser
import Foundation
import PovertyCore
import Spreadsheets
import Storage

// `giamngheo policy | support | coverage`: the policy catalogue, support given to households and
// the coverage of poor households' needs. Like every command, each is a thin layer over one
// Storage function, acting as the operator `--user` (see `DatabaseOptions.withStore`).

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
            try await db.withStore { store, actor in
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
            try await db.withStore { store, actor in
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
        @OptionGroup var output: FormatOption
        @OptionGroup var db: DatabaseOptions

        static let listing = Listing<SupportResource>([
            Column("so", width: 6, text: { "#\($0.id)" }) { String($0.id) }, Column("ngay", width: 11, text: { Day($0.day)?.vietnamese ?? $0.day }) { $0.day },
            Column("chinh_sach", width: 22) { $0.policy }, Column("gia_tri", width: 16, text: { dong($0.value) }) { String($0.value) },
            Column("hien_vat", text: { $0.inKind.isEmpty ? "" : "[\($0.inKind)] " }) { $0.inKind }, Column("nguon") { $0.source },
            Column("ten_nguon", text: { ": \($0.sourceName); " }) { $0.sourceName }, Column("don_vi") { $0.unitCode },
            Column("ly_do_huy", text: { $0.cancelReason.map { " — ĐÃ HUỶ / cancelled: \($0)" } ?? "" }) { $0.cancelReason ?? "" },
        ])

        func run() async throws {
            try await db.withStore { store, actor in
                let records = try await store.support.records(actor, household: household).map { SupportResource($0, history: actor.history) }
                try await recordExport("hỗ trợ của hộ \(household)", rows: records.count, as: output.format, store: store, actor: actor)
                switch output.format {
                case .json?: try Output.json(records)
                case .csv?: Output.csv { Self.listing.appendCSV(records, to: &$0) }
                case nil:
                    guard !records.isEmpty else {
                        Terminal.error("hộ \(household) chưa được ghi nhận hỗ trợ nào / no support recorded for \(household)")
                        return
                    }
                    emit(Self.listing.lines(records))
                }
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
            try await db.change(on: date) { store, actor, day in
                try await store.support.cancel(actor, id, reason: reason, on: day)
                return "đã huỷ hỗ trợ / support cancelled #\(id) ngày \(day.vietnamese): \(reason)"
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
    @OptionGroup var output: FormatOption
    @OptionGroup var db: DatabaseOptions

    /// A line of the per-unit table: a unit, or the total.
    struct Line {
        let code: String, name: String, households: Int, complete: Int
        var share: String { Ratio(complete, households).formatted(decimals: 1, scale: 100) }
    }

    static let units = Listing<Line>([
        Column("don_vi", width: 14) { $0.code }, Column("ten_don_vi", width: 40) { $0.name }, Column("so_ho", width: 8) { String($0.households) },
        Column("so_ho_du", width: 8) { String($0.complete) }, Column("ty_le_phan_tram") { $0.share },
    ])
    static let gaps = Listing<CoverageResource.Gap>([
        Column("ma_ho") { $0.household }, Column("ho_ten") { $0.name }, Column("don_vi") { $0.unitCode }, Column("phan_loai") { $0.status },
        Column("chi_so_con_thieu") { $0.missing.joined(separator: ";") }, Column("chinh_sach_goi_y") { $0.suggested.joined(separator: ";") },
    ])

    func validate() throws { guard limit >= 0 else { throw ValidationError("--limit ≥ 0") } }

    func run() async throws {
        try await db.withStore { store, actor in
            var unitID: Int?
            if let unit {
                guard let u = actor.history.unit(code: unit) else { throw StorageError.notFound(.unit, unit) }
                unitID = u.id
            }
            let report = try await store.support.coverage(actor, year: year, includeNearPoor: nearPoor, unit: unitID, limit: limit)
            let r = CoverageResource(report, history: actor.history, on: store.today)
            try await recordExport("hộ còn thiếu chính sách năm \(report.year.map(String.init) ?? "–")\(nearPoor ? " (gồm cận nghèo)" : "")",
                                   rows: r.gaps.count, as: output.format, store: store, actor: actor)
            let lines = r.units.map { Line(code: $0.unitCode, name: $0.unitName, households: $0.households, complete: $0.complete) }
                + [Line(code: "", name: "Tổng cộng / Total", households: r.households, complete: r.complete)]
            switch output.format {
            case .json?: try Output.json(r)
            case .csv?:
                Output.csv { out in
                    Self.units.appendCSV(lines, to: &out)
                    out.append(UInt8(ascii: "\n"))
                    Self.gaps.appendCSV(r.gaps, to: &out)
                }
            case nil:
                guard let y = r.year else {
                    print("chưa có kết quả rà soát / no reviews yet")
                    return
                }
                var text = ["Bao phủ chính sách năm \(y) / policy coverage \(y)" + (nearPoor ? " — hộ nghèo và cận nghèo / poor and near-poor" : " — hộ nghèo / poor")
                            + (unit.map { ", nhánh / branch \($0)" } ?? ""),
                            "đơn vị / unit".padding(14) + "tên / name".padding(40) + "số hộ".padding(8) + "đủ".padding(8) + "tỷ lệ %"]
                text += Self.units.lines(lines)
                text += ["", "Hộ còn thiếu / households with gaps: \(r.gapCount)"]
                for g in r.gaps {
                    text.append("  \(g.household)  \(g.name)  \(g.unitCode)  \(LivingStandard(rawValue: g.status)?.vietnamese ?? g.status)")
                    text.append("    thiếu / missing: \(g.missing.joined(separator: ", ")); gợi ý / suggested: "
                                + (g.suggested.isEmpty ? "—" : g.suggested.joined(separator: ", ")))
                }
                emit(text)
            }
            if r.gapCount > r.gaps.count {
                Terminal.error("… và \(r.gapCount - r.gaps.count) hộ khác (--limit) / … and \(r.gapCount - r.gaps.count) more (--limit)")
            }
        }
    }
}
