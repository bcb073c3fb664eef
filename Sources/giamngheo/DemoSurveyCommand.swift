import ArgumentParser
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
        let generator = DemoSurveyGenerator(households: households, firstYear: year, years: years, seed: seed,
                                            groupedMoney: groupedMoney, units: units)
        generator.generate { cells in
            CSV.appendRow(cells, to: &out)
            if out.count >= 1 << 20 { Terminal.write(out, to: stream); out.removeAll(keepingCapacity: true) }
        }
        Terminal.write(out, to: stream)
    }
}
