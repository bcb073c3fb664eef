import ArgumentParser
import PovertyCore
import Spreadsheets

struct SummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Tổng hợp theo năm (và đơn vị): phân loại, biến động, chỉ số MPI / Summarise by year (and unit).",
        discussion: """
        Một dòng cho mỗi năm rà soát (mỗi đơn vị và năm với --by don_vi): số hộ theo phân loại,
        thoát nghèo, tái nghèo, nghèo phát sinh, giảm khác, tỷ lệ nghèo và H, A, M0 (Alkire–Foster).
        Năm đầu tiên trong tệp và năm đầu của một chuẩn mới là mốc gốc: bốn cột biến động bằng 0.
        With --indicators, prints instead the censored headcount and contribution of each indicator.
        """
    )

    @Argument(help: "Tệp khảo sát .csv hoặc .xlsx / The survey file (.csv or .xlsx).")
    var file: String

    @Option(help: "Nhóm theo đơn vị: don_vi / Group by unit: don_vi.")
    var by: String?

    @Option(help: "Dùng một chuẩn cho mọi dòng / Use one standard for every row.")
    var standard: String?

    @Option(help: "csv hoặc json / csv or json.")
    var format: OutputFormat = .csv

    @Flag(help: "In tỷ lệ thiếu hụt kiểm duyệt và đóng góp của từng chỉ số / Print censored headcounts and contributions per indicator.")
    var indicators = false

    static let columns = ["nam", "don_vi", "chuan", "so_ho", "ngheo", "can_ngheo", "muc_song_trung_binh", "khong_ngheo",
                          "thoat_ngheo", "tai_ngheo", "ngheo_phat_sinh", "giam_khac", "ty_le_ngheo", "H", "A", "M0"]
    static let indicatorColumns = ["nam", "don_vi", "chuan", "chi_so", "so_ho", "so_ho_ngheo_thieu_hut", "h", "dong_gop"]

    func validate() throws {
        if let by, TextFolding.fold(by) != "don_vi" { throw ValidationError("--by: chỉ nhận don_vi / only don_vi") }
        _ = try resolveStandard(standard)
    }

    func run() throws {
        var builder = SummaryBuilder(byUnit: by != nil)
        var mixed: SummaryBuilder.Error?
        let scan = try SurveyFileReader(path: file, standard: try resolveStandard(standard)).read { record, standard, hasIssues in
            guard !hasIssues, mixed == nil else { return }
            let c = Classifier.classify(record.answers, under: standard)
            do {
                try builder.add(householdCode: record.householdCode, unit: record.unitCode, year: record.year,
                                standard: standard, classification: c)
            } catch let e as SummaryBuilder.Error { mixed = e }
        }
        if scan.hasIssues {
            Terminal.report(scan.issues())
            throw Exit.dataError
        }
        let rows = builder.build()
        let table = indicators ? Self.indicatorTable(rows) : rows.map(Self.cells)
        let header = indicators ? Self.indicatorColumns : Self.columns
        var out: [UInt8] = []
        if format == .csv {
            CSV.appendRow(header, to: &out)
            for r in table { CSV.appendRow(r.map(\.text), to: &out) }
        } else {
            out.append(contentsOf: "[".utf8)
            for (i, r) in table.enumerated() {
                out.append(contentsOf: (i == 0 ? "\n  {" : ",\n  {").utf8)
                for (j, cell) in r.enumerated() {
                    if j > 0 { out.append(UInt8(ascii: ",")) }
                    JSON.appendString(header[j], to: &out)
                    out.append(UInt8(ascii: ":"))
                    if cell.isNumber { out.append(contentsOf: cell.text.utf8) } else { JSON.appendString(cell.text, to: &out) }
                }
                out.append(UInt8(ascii: "}"))
            }
            out.append(contentsOf: (table.isEmpty ? "]\n" : "\n]\n").utf8)
        }
        Terminal.write(out)
    }

    struct Cell { let text: String; let isNumber: Bool }
    static func n(_ v: Int) -> Cell { Cell(text: String(v), isNumber: true) }
    static func t(_ v: String) -> Cell { Cell(text: v, isNumber: false) }
    static func d(_ v: String) -> Cell { Cell(text: v, isNumber: true) }

    static func cells(_ r: SummaryRow) -> [Cell] {
        let af = r.alkireFoster
        return [n(r.year), t(r.unit), t(r.standardCode), n(r.households),
                n(r.counts[.poor] ?? 0), n(r.counts[.nearPoor] ?? 0), n(r.counts[.average] ?? 0), n(r.counts[.notPoor] ?? 0),
                n(r.escaped), n(r.fellBack), n(r.newlyPoor), n(r.left),
                d(r.povertyRate.formatted(decimals: 2, scale: 100)),
                d(af.headcount.formatted(decimals: 4)), d(af.intensity.formatted(decimals: 4)),
                d(af.adjustedHeadcount.formatted(decimals: 4))]
    }

    static func indicatorTable(_ rows: [SummaryRow]) -> [[Cell]] {
        rows.flatMap { r in
            r.alkireFoster.indicators.map { ind in
                [n(r.year), t(r.unit), t(r.standardCode), t(ind.code), n(r.households),
                 n(r.alkireFoster.censoredCounts[ind.index]),
                 d(r.alkireFoster.censoredHeadcount(ind).formatted(decimals: 4)),
                 d(r.alkireFoster.contribution(ind).formatted(decimals: 4))]
            }
        }
    }
}
