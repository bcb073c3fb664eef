import App
import ArgumentParser
import Foundation
import PovertyCore
import Spreadsheets
import Storage

// `giamngheo campaign …`: gift campaigns, from the list drawn by need to the approval that pays
// the gifts; each subcommand is one Storage function (`store.campaigns`) acting as the operator
// `--user`.

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

    static func lines(_ c: Campaign, _ history: OrgHistory) -> [String] {
        ["\(c.code)  \(c.kind.nameVi) / \(c.kind.nameEn): \(c.name)",
         "    đơn vị / unit \(history.code(c.unitID)); quỹ / fund \(c.fundCode); năm rà soát / review year \(c.year); \(c.startsOn.vietnamese)–\(c.endsOn.vietnamese); "
         + "diện / classes \(c.statuses.map(\.rawValue).joined(separator: ","))",
         "    ngân sách / budget \(dong(c.budget)); quà / gift \(dong(c.giftValue)); đã duyệt / approved \(dong(c.approved)); "
         + "đang đề xuất / proposed \(dong(c.proposed)); còn lại / remaining \(dong(c.remaining))"]
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "create", abstract: "Tạo một đợt; in mã đợt / Create a campaign; prints its code.")
        @Option(help: "thang_cong_nhan | tet_sum_vay | vi_nguoi_ngheo | mai_am") var kind: CampaignKind
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
            try await db.withStore { store, actor in
                let code = try await store.campaigns.create(actor, 
                    NewCampaign(kind: kind, name: name, unit: unit, fund: fund, year: year, startsOn: start, endsOn: end, budget: budget.value,
                                giftValue: gift?.value, statuses: classes))
                Terminal.error("đã tạo đợt / campaign created: \(name), \(start.vietnamese)–\(end.vietnamese), ngân sách / budget \(dong(budget.value))")
                print(code)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Các đợt, mới nhất trước / Every campaign, newest first.")
        @Flag(help: "In JSON như API / Print the API's JSON.") var json = false
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            try await db.withStore { store, actor in
                let campaigns = try await store.campaigns.campaigns(actor)
                if json { return try Output.json(campaigns.map { CampaignResource($0, proposals: nil, history: actor.history) }) }
                guard !campaigns.isEmpty else {
                    Terminal.error("chưa có đợt nào / no campaigns yet")
                    return
                }
                let history = actor.history
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
            try await db.withStore { store, actor in
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
            try await db.change { store, actor in
                try await store.campaigns.add(actor, code, household: household, amount: amount?.value, reason: reason)
                return "đã thêm / added \(household) vào đợt / to \(code)" + (amount.map { ": \(dong($0.value))" } ?? "") + " — \(reason)"
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
            try await db.change { store, actor in
                try await store.campaigns.edit(actor, code, household: household, remove: true, reason: reason)
                return "đã bỏ / removed \(household) khỏi đợt / from \(code) — \(reason)"
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
            try await db.change { store, actor in
                try await store.campaigns.edit(actor, code, household: household, remove: false, amount: amount.value, reason: reason)
                return "đã sửa mức / amount changed \(household) trong đợt / in \(code): \(dong(amount.value)) — \(reason)"
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Một đợt và danh sách theo thứ tự ưu tiên / A campaign and its list in rank order.")
        @Argument(help: "Mã đợt / Campaign code.") var code: String
        @Flag(help: "In JSON như API / Print the API's JSON.") var json = false
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            try await db.withStore { store, actor in
                let c = try await store.campaigns.campaign(actor, code)
                let proposals = try await store.campaigns.proposals(actor, code)
                try await recordExport("danh sách đợt \(code)", rows: proposals.count, as: json ? .json : nil, store: store, actor: actor)
                if json { return try Output.json(CampaignResource(c, proposals: proposals, history: actor.history)) }
                let history = actor.history
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
            try await db.change(on: date) { store, actor, day in
                // The command line acts for the whole province: no approving unit to exclude.
                let n = try await store.campaigns.approve(actor, code, unit: unit, day: day)
                let c = try await store.campaigns.campaign(actor, code)
                return ("đã duyệt / approved \(n) hộ / households trong đợt / in \(code) (\(unit)) ngày \(day.vietnamese); "
                      + "tổng đã duyệt / approved so far \(dong(c.approved)), ngân sách còn / budget left \(dong(c.remaining))")
            }
        }
    }
}

extension CampaignKind: ExpressibleByArgument {}
