import App
import ArgumentParser
import Documents
import Foundation
import PovertyCore
import Storage

/// `giamngheo report …`: the annual reports and every report file from the command line,
/// through the same Storage functions and file makers as the web app.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Báo cáo năm, biểu tổng hợp, báo cáo gửi UBND tỉnh / Annual reports, standard tables, the provincial summary.",
        discussion: """
        Tệp / files:   giamngheo report tables  --unit T --year 2025 --format xlsx --output bieu.xlsx [--lists]
                       giamngheo report annual  --unit X --year 2025 --format docx --output bao-cao.docx
                       giamngheo report summary --year 2025 --format pdf --output tong-hop.pdf
        Quy trình / workflow: write, submit, review (--accept | --return --comment …), deadline, status, figures.
        """,
        subcommands: [Tables.self, Annual.self, Summary.self, Figures.self, Status.self, Write.self, Submit.self, Review.self, Deadline.self])

    /// Writes a report file to `--output`, or to standard output when it is `-`.
    static func save(_ file: ReportFile.Output, to output: String) throws {
        if output == "-" {
            FileHandle.standardOutput.write(file.data)
            return
        }
        // Created readable by its owner only (the process's umask): a report may name households.
        do { try file.data.write(to: URL(fileURLWithPath: output), options: .atomic) } catch {
            Terminal.error("không ghi được '\(output)' / cannot write '\(output)': \(error.localizedDescription)")
            throw Exit.cannotWrite
        }
        Terminal.error("đã ghi / written: \(output) (\(file.data.count) byte)")
    }

    static func make(_ kind: ReportFile.Kind, unit: String?, year: Int, format: ExportFormat, english: Bool, output: String, db: DatabaseOptions) async throws {
        try await db.withStore { store, actor in
            let history = actor.history
            let unitID: Int
            if let unit {
                guard let u = history.unit(code: unit) else { throw StorageError.notFound(.unit, unit) }
                unitID = u.id
            } else {
                guard let root = history.tree(on: store.today).roots.first else { throw StorageError.invalid(Message("refusal.report.union_tree_yet")) }
                unitID = root
            }
            let file: ReportFile.Output
            do {
                file = try await ReportFile.make(kind, store: store, actor: actor, unitID: unitID, year: year, format: format,
                                                 language: english ? .en : .vi)
            } catch let error as DocumentError {
                Terminal.error(error.description)
                throw ExitCode(69)
            }
            try save(file, to: output)
        }
    }

    struct FileOptions: ParsableArguments {
        @Option(help: "Năm rà soát / Review year.") var year: Int
        @Option(help: "xlsx, csv, docx hoặc pdf / xlsx, csv, docx or pdf.") var format: String
        @Option(name: .shortAndLong, help: "Tệp ghi ra, '-' là màn hình / Output file, '-' for standard output.") var output: String
        @Flag(help: "Tiêu đề bảng bằng tiếng Anh (xlsx, csv) / English table headings (xlsx, csv).") var english = false

        func validate() throws {
            guard ExportFormat(rawValue: format) != nil else { throw ValidationError("--format '\(format)': xlsx, csv, docx, pdf") }
        }
        var exportFormat: ExportFormat { ExportFormat(rawValue: format) ?? .xlsx }
        /// Reports and the summary are documents: Word or PDF.
        func requireDocument() throws {
            guard format == "docx" || format == "pdf" else { throw ValidationError("--format '\(format)': docx hoặc pdf / docx or pdf") }
        }
    }

    struct Tables: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Biểu 1–13 (và danh sách hộ, Biểu 14–15) của một nhánh / Standard tables 1–13 (and the household lists 14–15) of a branch.")
        @Option(help: "Mã đơn vị (mặc định: cấp tỉnh) / Unit code (default: the province).") var unit: String?
        @Flag(help: "Kèm danh sách hộ nghèo, cận nghèo có tên (xlsx, csv) / Include the named lists (xlsx, csv).") var lists = false
        @OptionGroup var file: FileOptions
        @OptionGroup var db: DatabaseOptions
        func run() async throws {
            try await ReportCommand.make(.tables(lists: lists), unit: unit, year: file.year, format: file.exportFormat, english: file.english, output: file.output, db: db)
        }
    }

    struct Annual: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Báo cáo năm của một đơn vị (docx, pdf) / A unit's annual report (docx, pdf).")
        @Option(help: "Mã đơn vị / Unit code.") var unit: String
        @OptionGroup var file: FileOptions
        @OptionGroup var db: DatabaseOptions
        func validate() throws { try file.requireDocument() }
        func run() async throws {
            try await ReportCommand.make(.annual, unit: unit, year: file.year, format: file.exportFormat, english: file.english, output: file.output, db: db)
        }
    }

    struct Summary: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Báo cáo tổng hợp gửi UBND tỉnh (docx, pdf) / The provincial summary for the People's Committee (docx, pdf).")
        @OptionGroup var file: FileOptions
        @OptionGroup var db: DatabaseOptions
        func validate() throws { try file.requireDocument() }
        func run() async throws {
            try await ReportCommand.make(.summary, unit: nil, year: file.year, format: file.exportFormat, english: file.english, output: file.output, db: db)
        }
    }

    /// Opens the store and resolves `--unit`.
    static func withUnit(_ code: String, db: DatabaseOptions, _ body: (Store, Actor, Int) async throws -> Void) async throws {
        try await db.withStore { store, actor in
            guard let unit = actor.history.unit(code: code) else { throw StorageError.notFound(.unit, code) }
            try await body(store, actor, unit.id)
        }
    }

    struct Figures: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Số liệu báo cáo của một nhánh / A branch's report figures.")
        @Option(help: "Mã đơn vị / Unit code.") var unit: String
        @Option(help: "Năm rà soát / Review year.") var year: Int
        @OptionGroup var db: DatabaseOptions
        func run() async throws {
            try await ReportCommand.withUnit(unit, db: db) { store, actor, id in
                let history = actor.history
                // As the page, the API and the documents show them: frozen once submitted.
                let stored = try await store.reports.report(actor, unit: id, year: year)
                let (f, frozen) = try await store.reports.shownFigures(actor, stored, unit: id, year: year)
                let n = { ReportFormat.integer($0, .vi) }
                print("\(history.name(of: id, on: store.today) ?? history.lastName(of: id) ?? unit) — năm / year \(year)"
                      + (frozen ? " (số liệu chốt khi gửi / figures frozen at submission)" : ""))
                print("rà soát / reviewed \(n(f.households)); nghèo / poor \(n(f.poor)); cận nghèo / near-poor \(n(f.nearPoor)); kỳ rà soát trước / previous review (\(f.previousYear.map(String.init) ?? "—")) nghèo / poor \(n(f.previousPoor))")
                print(f.movesCompared
                      ? "thoát nghèo / escaped \(n(f.escaped)); phát sinh mới / newly poor \(n(f.newlyPoor)); tái nghèo / fell back \(n(f.fellBack)); ra khỏi danh sách / left \(n(f.left))"
                      : "biến động / moves: không so sánh — kỳ trước chưa có hoặc theo chuẩn nghèo khác / not compared — no previous round, or one under another standard")
                print("hỗ trợ / support: \(n(f.supportHouseholds)) hộ, \(n(f.supportRecords)) lượt, \(n(f.supportValue)) đ; đủ nhu cầu / fully addressed \(n(f.coverageComplete))/\(n(f.coveragePoor))")
                print("quỹ / funds: đầu năm \(n(f.fundsOpening)) đ, vận động \(n(f.fundsRaised)) đ, chi \(n(f.fundsSpent)) đ, cuối năm \(n(f.fundsClosing)) đ")
                print("vay vốn / loans: giải ngân \(n(f.loansDisbursed)) món \(n(f.loansDisbursedAmount)) đ; dư nợ \(n(f.loansActive)) món \(n(f.loansOutstanding)) đ; quá hạn \(n(f.loansOverdue)) đ; việc làm / jobs " + (f.jobsCreatedInYear.map { "trong năm / in the year \(n($0)), lũy kế / in all \(n(f.jobsCreated))" } ?? "lũy kế / in all \(n(f.jobsCreated))"))
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Tình hình nộp báo cáo của các đơn vị cấp dưới và tỷ lệ báo cáo / Who has reported to a unit, and the reporting rate.")
        @Option(help: "Mã đơn vị nhận báo cáo / The unit reports go to.") var unit: String
        @Option(help: "Năm / Year.") var year: Int
        @Flag(help: "Cả nhánh, mọi cấp dưới / The whole branch, every level below.") var branch = false
        @OptionGroup var db: DatabaseOptions
        func run() async throws {
            try await ReportCommand.withUnit(unit, db: db) { store, actor, id in
                let history = actor.history
                let board = try await store.reports.board(actor, unit: id, year: year, direct: !branch)
                let today = store.today
                print("hạn nộp / deadline \(board.deadline.vietnamese); tính đến / as of \(today.vietnamese)")
                for line in board.lines {
                    let name = history.name(of: line.reporter, on: history.lastStanding(of: line.reporter, on: today)) ?? history.units[line.reporter]?.code ?? "?"
                    let late = line.submittedLate ? " (gửi muộn / late)" : ""
                    let sent = line.report?.submittedOn.map { " \($0.vietnamese)" } ?? ""
                    // The deadline a line is held to, where it is not the board's own (as on the page).
                    let due = line.deadline == board.deadline ? "" : " (hạn / due \(line.deadline.vietnamese))"
                    print("\(history.units[line.reporter]?.code ?? "?")\t\(name)\t\(line.state.vietnamese) / \(line.state.english)\(sent)\(late)\(due)")
                }
                for id in board.dissolved { print("giải thể, không tính / dissolved, not counted: \(history.units[id]?.code ?? "?")") }
                for id in board.absorbed { print("đã nhập vào cấp trên, không tính / merged into a unit above, not counted: \(history.units[id]?.code ?? "?")") }
                print("đã chấp nhận / accepted \(board.accepted)/\(board.expected) = \(board.rate.isDefined ? board.rate.formatted(decimals: 1, scale: 100) + "%" : "–")")
            }
        }
    }

    struct Write: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ghi nội dung báo cáo năm (bản nháp) / Write an annual report's narrative (draft).",
            discussion: "Mỗi phần là một tệp văn bản UTF-8, hoặc '-' cho màn hình / Each part is a UTF-8 text file, or '-' for standard input.")
        @Option(help: "Mã đơn vị / Unit code.") var unit: String
        @Option(help: "Năm / Year.") var year: Int
        @Option(help: "Tệp: kết quả đạt được / File: results.") var results: String
        @Option(help: "Tệp: tồn tại, hạn chế, nguyên nhân (không ghi: giữ như cũ) / File: shortcomings (left out: kept).") var shortcomings: String?
        @Option(help: "Tệp: đề xuất, kiến nghị (không ghi: giữ như cũ) / File: proposals (left out: kept).") var proposals: String?
        @OptionGroup var db: DatabaseOptions

        func read(_ path: String?) throws -> String {
            guard let path else { return "" }
            let data = path == "-" ? FileHandle.standardInput.readDataToEndOfFile() : FileManager.default.contents(atPath: path)
            guard let data, let text = String(data: data, encoding: .utf8) else {
                Terminal.error("không đọc được '\(path)' (cần văn bản UTF-8) / cannot read '\(path)' (UTF-8 text expected)")
                throw Exit.noInput
            }
            return text
        }

        func validate() throws {
            guard [results, shortcomings, proposals].filter({ $0 == "-" }).count <= 1 else {
                throw ValidationError("chỉ một phần đọc từ màn hình ('-') / only one part can come from standard input ('-')")
            }
        }

        func run() async throws {
            let given = (results: try read(results), shortcomings: shortcomings == nil ? nil : try read(shortcomings),
                         proposals: proposals == nil ? nil : try read(proposals))
            try await ReportCommand.withUnit(unit, db: db) { store, actor, id in
                // A part not given keeps what is stored.
                let stored = try await store.reports.report(actor, unit: id, year: year)?.narrative ?? ReportNarrative()
                let narrative = ReportNarrative(results: given.results, shortcomings: given.shortcomings ?? stored.shortcomings,
                                                proposals: given.proposals ?? stored.proposals)
                let r = try await store.reports.save(actor, unit: id, year: year, narrative: narrative)
                print("\(unit) \(year): \(r.status.vietnamese) / \(r.status.english)")
            }
        }
    }

    struct Submit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Gửi báo cáo năm lên cấp trên; số liệu được chốt / Submit an annual report; its figures are frozen.")
        @Option(help: "Mã đơn vị / Unit code.") var unit: String
        @Option(help: "Năm / Year.") var year: Int
        @OptionGroup var db: DatabaseOptions
        func run() async throws {
            try await ReportCommand.withUnit(unit, db: db) { store, actor, id in
                try await store.reports.submit(actor, unit: id, year: year, on: store.today)
                print("\(unit) \(year): đã gửi / submitted")
            }
        }
    }

    struct Review: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cấp trên chấp nhận hoặc trả lại báo cáo / The unit above accepts or returns a report.")
        @Option(help: "Mã đơn vị gửi báo cáo / The reporting unit's code.") var unit: String
        @Option(help: "Năm / Year.") var year: Int
        @Option(help: "Mã đơn vị duyệt (cấp trên) / The reviewing unit above.") var by: String
        @Flag(help: "Chấp nhận / Accept.") var accept = false
        @Flag(name: .customLong("return"), help: "Trả lại để sửa / Return for correction.") var returnIt = false
        @Option(help: "Ý kiến (bắt buộc khi trả lại) / Comments (required to return).") var comment = ""
        @OptionGroup var db: DatabaseOptions

        func validate() throws {
            guard accept != returnIt else { throw ValidationError("ghi --accept hoặc --return / give --accept or --return") }
        }

        func run() async throws {
            try await ReportCommand.withUnit(unit, db: db) { store, actor, id in
                // The operator reviews for the unit above; `--by` names it, and must be it.
                let history = actor.history
                guard let reviewer = history.unit(code: by) else { throw StorageError.notFound(.unit, by) }
                guard AnnualReports.reviewingUnit(of: id, history: history, on: store.today) == reviewer.id else {
                    throw StorageError.invalid(Message("refusal.report.reviewed_by_parent"))
                }
                try await store.reports.review(actor, unit: id, year: year, accept: accept, comment: comment, on: store.today)
                print("\(unit) \(year): \(accept ? "đã chấp nhận / accepted" : "đã trả lại / returned")")
            }
        }
    }

    struct Deadline: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Đặt hạn nộp báo cáo năm cho các đơn vị cấp dưới / Set the deadline of the units below.")
        @Option(help: "Mã đơn vị đặt hạn / The unit setting it.") var unit: String
        @Option(help: "Năm báo cáo / Report year.") var year: Int
        @Option(help: "Hạn nộp, dd/mm/yyyy / Deadline, dd/mm/yyyy.") var due: String
        @OptionGroup var db: DatabaseOptions
        func run() async throws {
            guard let day = Day(due) else {
                Terminal.error("--due '\(due)': cần ngày dd/mm/yyyy / a date dd/mm/yyyy is expected")
                throw Exit.usage
            }
            try await ReportCommand.withUnit(unit, db: db) { store, actor, id in
                try await store.reports.setDeadline(actor, unit: id, year: year, due: day)
                print("\(unit) \(year): hạn / deadline \(day.vietnamese)")
            }
        }
    }
}
