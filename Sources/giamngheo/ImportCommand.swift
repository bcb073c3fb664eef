import App
import ArgumentParser
import Demo
import Foundation
import Logging
import PovertyCore
import Spreadsheets
import Storage


struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Nhập đơn vị, đoàn viên hoặc kết quả rà soát từ tệp CSV/XLSX / Import units, members or reviews.",
        discussion: """
        Tất cả hoặc không: một dòng sai thì không ghi gì. Nhập lại cùng tệp không thay đổi gì.
        All or nothing: any bad row and nothing is written. Importing the same file again changes nothing.
        Thứ tự / order: units → members → survey. Cột / columns: docs/don-vi.md, docs/doan-vien.md, docs/khao-sat.md.
        """
    )

    enum Kind: String, ExpressibleByArgument, CaseIterable { case units, members, survey }

    @Argument(help: "units | members | survey")
    var kind: Kind
    @Argument(help: "Tệp .csv hoặc .xlsx / The .csv or .xlsx file.")
    var file: String
    @Option(help: "Dùng một chuẩn cho mọi dòng (survey) / One standard for every row (survey).")
    var standard: String?
    @OptionGroup var db: DatabaseOptions

    func validate() throws { _ = try resolveStandard(standard) }

    func run() async throws {
        let source: any RowSource & Sendable
        do { source = try Spreadsheet.open(path: file) } catch {
            Terminal.error("\(error)")
            throw Exit.noInput
        }
        let progress = ProgressLine()
        let name = URL(fileURLWithPath: file).lastPathComponent
        do {
            let result = try await db.using { store in
                let actor = try await store.operator(db.user)
                switch kind {
                case .units:
                    return try await UnitsImporter(store: store, actor: actor, fileName: name).run(source)
                case .members:
                    return try await MembersImporter(store: store, actor: actor, fileName: name, progress: progress.update).run(source)
                case .survey:
                    return try await SurveyImporter(store: store, actor: actor, fileName: name, standard: try resolveStandard(standard),
                                                    expectedRows: (source as? CSVReader)?.estimatedRowCount(),
                                                    progress: progress.update).run(source)
                }
            }
            progress.finish()
            Terminal.warnUnknownColumns(result.ignoredColumns)
            print("đã nhập / imported \(name): \(result.rows) dòng/rows — thêm/added \(result.added), sửa/updated \(result.updated), không đổi/unchanged \(result.unchanged)")
            if result.restoredCitizenIDs > 0 {
                print("\(result.restoredCitizenIDs) số CCCD 11 chữ số đã thêm số 0 ở đầu / citizen IDs of 11 digits given back their leading 0")
            }
        } catch let code as ExitCode {
            progress.finish()
            throw code
        } catch {
            progress.finish()
            if let rejected = error as? ImportRejected {
                Terminal.report((rejected.issues, rejected.total))
            } else {
                Terminal.error((error as? SpreadsheetError)?.description ?? "\(error)")
            }
            Terminal.error("không nhập gì / nothing was imported")
            throw Exit.dataError
        }
    }
}

/// A progress line on standard error, only when it is a terminal: rows, rows/s, time left.
final class ProgressLine: @unchecked Sendable {
    private let lock = NSLock()
    private var last = Date.distantPast
    private let enabled = isatty(2) != 0

    var update: @Sendable (ImportProgress) -> Void { { [self] p in self.show(p) } }

    private func show(_ p: ImportProgress) {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        let now = Date()
        guard now.timeIntervalSince(last) >= 0.2 else { return }
        last = now
        let rate = p.elapsed > 0 ? Int(Double(p.rows) / p.elapsed) : 0
        var text = (p.phase == .checking ? "kiểm tra / checking: " : "ghi / writing: ") + Money.format(p.rows)
        if let total = p.total { text += "/\(Money.format(total))" }
        text += " dòng/rows"
        if let total = p.total, rate > 0 { text += ", còn ~\(max(0, (total - p.rows) / max(rate, 1))) s left" }
        text += ", \(Money.format(rate)) dòng/s"
        Terminal.write(Array(("\r\u{1B}[K" + text).utf8), to: Terminal.standardError)
    }

    func finish() {
        guard enabled else { return }
        Terminal.write(Array("\r\u{1B}[K".utf8), to: Terminal.standardError)
    }
}
