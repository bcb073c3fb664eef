import ArgumentParser
import Demo
import Foundation
import PovertyCore
import Spreadsheets

struct DemoSurveyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo-survey",
        abstract: "Tạo tệp khảo sát giả lập (hư cấu) / Write a fictional survey file.",
        discussion: "Cùng hạt giống cho cùng dữ liệu / The same seed gives the same data."
    )

    @Option(help: "Số hộ / Number of households.")
    var households: Int = 1000

    @Option(help: "Năm rà soát đầu tiên / First review year.")
    var year: Int = 2021

    @Option(help: "Số năm liên tiếp / Number of consecutive years.")
    var years: Int = 1

    @Option(help: "Hạt giống ngẫu nhiên / Random seed.")
    var seed: UInt64 = 2021

    @Option(help: "Số công đoàn cơ sở / Number of grassroots units.")
    var units: Int = 40

    @Flag(help: "Ghi tiền có dấu chấm nhóm số (1.500.000) / Group money digits (1.500.000).")
    var groupedMoney = false

    @Flag(help: "Bỏ cột mã đoàn viên (để nhập mà không cần danh sách đoàn viên) / Leave out the member column.")
    var withoutMembers = false

    @Flag(help: "In tệp đơn vị (CĐCS001…) khớp với cột Đơn vị, thay cho khảo sát / Print the matching units file instead.")
    var unitsFile = false

    @Flag(help: "Tệp mẫu Examples/khao-sat-mau.csv: 60 hộ đầu của tỉnh mẫu (serve --demo), 2024–2026 / The shipped example: the demo province's first 60 households, 2024–2026.")
    var example = false

    @Option(name: .shortAndLong, help: "Tệp ra (mặc định: màn hình) / Output file (default: standard output).")
    var output: String?

    func validate() throws {
        guard households >= 1 else { throw ValidationError("--households ≥ 1") }
        guard (SurveyLayout.firstYear...SurveyLayout.lastYear).contains(year), years >= 1,
              year + years - 1 <= SurveyLayout.lastYear else {
            throw ValidationError("năm phải trong khoảng \(SurveyLayout.firstYear)–\(SurveyLayout.lastYear) / years must be within \(SurveyLayout.firstYear)–\(SurveyLayout.lastYear)")
        }
    }

    func run() throws {
        var stream = Terminal.standardOutput
        if let output {
            let fd = open(output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            guard fd >= 0 else {
                Terminal.error("không ghi được \(output) / cannot write \(output): \(String(cString: strerror(errno)))")
                throw Exit.cannotWrite
            }
            stream = fd
        }
        defer { if output != nil { close(stream) } }
        var out: [UInt8] = []
        out.reserveCapacity(1 << 20)
        if example {
            for row in DemoProvince().exampleSurvey() { CSV.appendRow(row, to: &out) }
            Terminal.write(out, to: stream)
            return
        }
        let generator = DemoSurveyGenerator(households: households, firstYear: year, years: years, seed: seed,
                                            groupedMoney: groupedMoney, units: units)
        if unitsFile {
            CSV.appendRow(["Mã đơn vị", "Tên đơn vị", "Loại", "Mã đơn vị cấp trên", "Từ ngày"], to: &out)
            CSV.appendRow(["LDLD-DEMO", "Liên đoàn Lao động tỉnh (giả lập)", "lien_doan_tinh", "", "01/01/2000"], to: &out)
            for i in 1...units {
                let code = "CDCS" + String(repeating: "0", count: max(0, 3 - String(i).count)) + String(i)
                CSV.appendRow([code, "Công đoàn cơ sở số \(i) (giả lập)", "cong_doan_co_so", "LDLD-DEMO", "01/01/2010"], to: &out)
            }
            Terminal.write(out, to: stream)
            return
        }
        let memberColumn = DemoSurveyGenerator.header.firstIndex(of: "Mã đoàn viên")!
        generator.generate { cells in
            var cells = cells
            if withoutMembers { cells.remove(at: memberColumn) }
            CSV.appendRow(cells, to: &out)
            if out.count >= 1 << 20 { Terminal.write(out, to: stream); out.removeAll(keepingCapacity: true) }
        }
        Terminal.write(out, to: stream)
    }
}
