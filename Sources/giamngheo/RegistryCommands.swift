import App
import ArgumentParser
import Demo
import Foundation
import Logging
import PovertyCore
import Spreadsheets
import Storage


struct TreeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tree",
        abstract: "Cây tổ chức công đoàn tại một ngày / The union tree on a date."
    )
    @Option(help: "Ngày (dd/mm/yyyy), mặc định hôm nay / The date, default today.")
    var date: String?
    @Option(help: "Năm rà soát để in số hộ nghèo/cận nghèo / A review year whose poor/near-poor counts to show.")
    var year: Int?
    @Flag(help: "Quy số liệu của năm rà soát về cây tại ngày đã chọn / Re-base that year's counts onto the tree of the date.")
    var rebase = false
    @OptionGroup var db: DatabaseOptions

    func validate() throws {
        // A year's counts stand on the tree of its 31/12, or are re-based onto the date's: one tree, never two mixed.
        if date != nil, year != nil, !rebase {
            throw ValidationError("--date cùng --year cần --rebase (số của năm rà soát tính trên cây ngày 31/12 của năm đó) / --date with --year needs --rebase")
        }
    }

    func run() async throws {
        try await db.withStore { store, actor in try await show(store, actor) }
    }

    private func show(_ store: Store, _ actor: Actor) async throws {
        // The tree printed is the one the counts are on: that of 31/12 of the year, unless re-based.
        let day = try date.map { try parseDay($0) } ?? year.flatMap { rebase ? nil : Day.endOfYear($0) } ?? store.today
        let history = actor.history
        let tree = history.tree(on: day)
        var totals: [Int: StatusCounts] = [:]
        if let year {
            let basis: TreeBasis = rebase ? .rebased(onto: day) : .reviewDate
            totals = try await store.reviews.rolledUp(actor, year: year, basis: basis).totals
        }
        print("Cây tổ chức ngày \(day.vietnamese) / tree on \(day.iso)" + (year.map { ", năm rà soát \($0)\(rebase ? " (quy về cây hiện tại)" : "")" } ?? ""))
        func show(_ id: Int, depth: Int) {
            guard let unit = history.units[id] else { return }
            var line = String(repeating: "  ", count: depth) + "\(unit.code)  \(history.name(of: id, on: day) ?? "")"
            if let c = totals[id], c.households > 0 { line += "  — \(c.households) hộ, nghèo \(c.poor), cận nghèo \(c.nearPoor)" }
            print(line)
            for child in tree.children[id] ?? [] { show(child, depth: depth + 1) }
        }
        for root in tree.roots { show(root, depth: 0) }
    }
}

struct SearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Tìm đoàn viên theo tên (không cần dấu), mã hoặc CCCD / Find members by name, code or citizen ID."
    )
    @Argument(help: "vd. \"nguyen van an\"")
    var text: String
    @OptionGroup var db: DatabaseOptions

    func run() async throws {
        try await db.withStore { store, actor in
            let hits = try await store.members.search(actor, text)
            for hit in hits {
                let unit = hit.unitID.flatMap { actor.history.units[$0] }, former = hit.formerUnitID.flatMap { actor.history.units[$0] }
                print("\(hit.code)\t\(hit.fullName)\t\(hit.citizenID ?? "")\t\(unit?.code ?? former.map { "\($0.code) (đã rời / left)" } ?? "")")
            }
            if hits.isEmpty { Terminal.error("không tìm thấy / nothing found") }
        }
    }
}

struct RegistryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "registry",
        abstract: "Đoàn viên thuộc hộ nghèo/cận nghèo, và hộ lệch với danh sách của xã / Members in poor households; mismatches.",
        subcommands: [Vulnerable.self, Mismatches.self]
    )

    struct Vulnerable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "vulnerable", abstract: "Đoàn viên thuộc hộ nghèo, cận nghèo / Members in poor or near-poor households.")
        @Option(help: "Năm rà soát / Review year.") var year: Int
        @OptionGroup var db: DatabaseOptions
        func run() async throws {
            try await db.withStore { store, actor in
                let rows = try await store.reviews.vulnerableMembers(actor, year: year)
                let history = actor.history
                let listing = Listing<VulnerableMember>([
                    Column("ma_doan_vien") { $0.memberCode }, Column("ho_ten") { $0.fullName }, Column("ma_ho") { $0.householdCode },
                    Column("don_vi") { history.units[$0.unitID]?.code ?? "" }, Column("phan_loai") { $0.status.rawValue },
                    Column("tu_nam") { String($0.since) },
                ])
                Output.csv { listing.appendCSV(rows, to: &$0) }
            }
        }
    }

    struct Mismatches: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "mismatches", abstract: "Hộ có phân loại khác danh sách của xã / Households whose official class differs.")
        @Option(help: "Năm rà soát / Review year.") var year: Int?
        @OptionGroup var db: DatabaseOptions
        func run() async throws {
            try await db.withStore { store, actor in
                let rows = try await store.reviews.mismatches(actor, year: year)
                let history = actor.history
                let listing = Listing<Mismatch>([
                    Column("ma_ho") { $0.householdCode }, Column("nam") { String($0.year) },
                    Column("don_vi") { history.units[$0.unitID]?.code ?? "" }, Column("phan_loai") { $0.computed.rawValue },
                    Column("phan_loai_cong_nhan") { $0.official.rawValue }, Column("ly_do") { $0.reason },
                ])
                Output.csv { listing.appendCSV(rows, to: &$0) }
            }
        }
    }
}

struct HouseholdCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "household",
        abstract: "Hồ sơ một hộ: đoàn viên và kết quả rà soát qua các năm / One household: its members and every review."
    )
    @Argument(help: "Mã hộ / Household code.")
    var code: String
    @OptionGroup var db: DatabaseOptions

    func run() async throws {
        try await db.withStore { store, actor in try await show(store, actor) }
    }

    private func show(_ store: Store, _ actor: Actor) async throws {
        let file = try await store.reviews.household(actor, code: code)
        let history = actor.history
        var place = [file.area?.vietnamese, file.commune, file.province].compactMap { $0 }.joined(separator: ", ")
        if place.isEmpty { place = "chưa có địa chỉ / no address" }
        var out = Array("Hộ \(file.code) — \(place)\n".utf8)
        for m in file.members {
            out += Array(("  đoàn viên / member: \(m.code)  \(m.fullName)" + (m.isPrimary ? "  (đại diện hộ / primary)" : "") + "\n").utf8)
        }
        out += Array("\n".utf8)
        CSV.appendRow(["nam", "don_vi", "chuan", "thu_nhap_binh_quan_thang", "so_chi_so_thieu_hut", "phan_loai", "phan_loai_cong_nhan", "ly_do"], to: &out)
        for r in file.reviews {
            CSV.appendRow([String(r.year), history.units[r.unitID]?.code ?? "", r.standardCode, String(r.perCapitaMonthly),
                           String(r.deprivationCount), r.status.rawValue, r.official?.rawValue ?? "", r.reason], to: &out)
        }
        Terminal.write(out)
    }
}

/// A date typed on the command line (dd/mm/yyyy or yyyy-mm-dd); today in Vietnam when not given.

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Tạo một tỉnh giả lập (hư cấu) vào cơ sở dữ liệu trống / Build a fictional demo province into an empty database.",
        discussion: """
        Hình dạng tỉnh Ninh Bình sau khi hợp nhất với Hà Nam và Nam Định (01/07/2025): các LĐLĐ huyện
        cũ, công đoàn xã/phường, công đoàn ngành, CĐCS; đoàn viên, hộ và kết quả rà soát 2021–2026.
        Cùng hạt giống cho cùng dữ liệu. The same seed gives the same data.
        """
    )
    @Option(help: "Số hộ / Number of households.") var households: Int = 5000
    @Option(help: "Hạt giống / Random seed.") var seed: UInt64 = 2025
    @OptionGroup var db: DatabaseOptions

    func validate() throws { guard households >= 100 else { throw ValidationError("--households ≥ 100") } }

    func run() async throws {
        do {
            try await db.withStore(build)
        } catch let error where !(error is ExitCode) {
            Terminal.error("\(error)")
            throw Exit.dataError
        }
    }

    private func build(into store: Store, as actor: Actor) async throws {
        let summary = try await DemoProvince(households: households, seed: seed).build(into: store, actor: actor) { step in
            Terminal.error(step)
        }
        print("đã tạo tỉnh giả lập / demo province built: \(summary.units) đơn vị, \(summary.members) đoàn viên, \(summary.households) hộ, \(summary.reviews) lượt rà soát")
        for year in summary.poorByYear.keys.sorted() {
            print("  \(year): \(summary.poorByYear[year] ?? 0) hộ nghèo / poor, \(summary.nearPoorByYear[year] ?? 0) hộ cận nghèo / near-poor trên \(summary.householdsByYear[year] ?? 0) hộ")
        }
        print("đơn vị gốc / root unit: \(summary.officerUnitCode) \(summary.officerUnitName)")
    }
}
