import Foundation
import PovertyCore
import Spreadsheets
import Storage
import Texts
import ArgumentParser

/// Writing to standard output and standard error, unbuffered by Foundation.
enum Terminal {
    static let standardOutput: Int32 = 1
    static let standardError: Int32 = 2

    /// Writes all bytes to a file descriptor, retrying short writes.
    static func write(_ bytes: [UInt8], to fd: Int32 = standardOutput) {
        bytes.withUnsafeBufferPointer { write($0, to: fd) }
    }

    static func write(_ buffer: UnsafeBufferPointer<UInt8>, to fd: Int32) {
        var offset = 0
        while offset < buffer.count {
            let n = Foundation.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                return  // a closed pipe (e.g. `| head`): nothing more to say
            }
            offset += n
        }
    }

    static func error(_ line: String) {
        write(Array((line + "\n").utf8), to: standardError)
    }

    /// Prints survey problems as `dòng R, cột C: message`, at most the first shown, then a count.
    static func report(_ issues: (shown: [SurveyIssue], total: Int)) {
        for issue in issues.shown { error("dòng \(issue.row), cột \(issue.column): \(issue.message.bilingual)") }
        let more = issues.total - issues.shown.count
        if more > 0 { error("… và \(more) lỗi khác (tổng cộng \(issues.total) lỗi) / … and \(more) more problems (\(issues.total) in all)") }
    }

    static func warnUnknownColumns(_ columns: [String]) {
        guard !columns.isEmpty else { return }
        let list = columns.map { "'\($0)'" }.joined(separator: ", ")
        error("cảnh báo: bỏ qua các cột không dùng đến: \(list) / warning: ignoring unknown columns: \(list)")
    }
}

/// Output held back until the whole input is known to be valid.
///
/// When standard output is a regular file (`> out.csv`), bytes go straight to it and a
/// `discard()` truncates it back to where it started, so a bad input leaves nothing.
/// Otherwise (a pipe, a terminal) they wait in memory up to a few megabytes, then in an
/// anonymous temporary file, and `deliver()` copies them out. Memory stays flat.
final class Spool {
    private(set) var buffer: [UInt8] = []
    private var file: UnsafeMutablePointer<FILE>?
    private let memoryLimit: Int
    private let chunk = 1 << 20
    /// Set when writing straight to a regular file: the offset to truncate back to.
    private let directStart: off_t?

    init(memoryLimit: Int = 4 << 20) {
        self.memoryLimit = memoryLimit
        buffer.reserveCapacity(chunk + 4096)
        var info = stat()
        if fstat(Terminal.standardOutput, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG {
            let appending = fcntl(Terminal.standardOutput, F_GETFL) & O_APPEND != 0
            directStart = appending ? info.st_size : lseek(Terminal.standardOutput, 0, SEEK_CUR)
        } else {
            directStart = nil
        }
    }

    deinit { if let file { fclose(file) } }

    func append(_ body: (inout [UInt8]) -> Void) throws {
        body(&buffer)
        guard buffer.count >= chunk else { return }
        if directStart != nil {
            Terminal.write(buffer)
            buffer.removeAll(keepingCapacity: true)
            return
        }
        if file == nil && buffer.count >= memoryLimit {
            guard let f = tmpfile() else { throw SpoolError.cannotCreate(String(cString: strerror(errno))) }
            file = f
        }
        if let file { try flush(to: file) }
    }

    private func flush(to f: UnsafeMutablePointer<FILE>) throws {
        let written = buffer.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, f) }
        guard written == buffer.count else { throw SpoolError.cannotCreate(String(cString: strerror(errno))) }
        buffer.removeAll(keepingCapacity: true)
    }

    /// The input was bad: nothing of this output may remain.
    func discard() {
        buffer.removeAll()
        if let start = directStart {
            _ = ftruncate(Terminal.standardOutput, start)
            _ = lseek(Terminal.standardOutput, start, SEEK_SET)
        }
    }

    /// Copies everything to standard output.
    func deliver() throws {
        if let file {
            try flush(to: file)
            rewind(file)
            var chunkBuffer = [UInt8](repeating: 0, count: chunk)
            while true {
                let n = chunkBuffer.withUnsafeMutableBufferPointer { fread($0.baseAddress, 1, chunk, file) }
                if n == 0 { break }
                chunkBuffer.withUnsafeBufferPointer { Terminal.write(UnsafeBufferPointer(rebasing: $0[0..<n]), to: Terminal.standardOutput) }
            }
        } else {
            Terminal.write(buffer)
            buffer.removeAll(keepingCapacity: true)
        }
    }

    enum SpoolError: Error, CustomStringConvertible {
        case cannotCreate(String)
        var description: String {
            switch self { case .cannotCreate(let why): "không ghi được tệp tạm / cannot write a temporary file: \(why)" }
        }
    }
}

/// Reads a survey file through the contract: one pass, plus a second one only when a
/// household code may be repeated within a year. Calls `record` for each valid row.
struct SurveyFileReader {
    let path: String
    let standard: PovertyStandard?

    /// Returns the scan (its issues say whether the file was valid).
    /// `record` gets each valid row, its standard, and whether any problem was found so far.
    func read(_ record: (SurveyRecord, PovertyStandard, _ hasIssues: Bool) throws -> Void) throws -> SurveyScan {
        let source: any RowSource & Sendable
        do { source = try Spreadsheet.open(path: path) } catch let error as SpreadsheetError {
            Terminal.error(error.description)
            throw Exit.noInput
        }
        // Three stages on their own threads (SurveyPipeline, shared with the import), so both
        // cores work: the reader parses CSV or XLSX, the checker applies the contract, this
        // thread classifies and writes.
        let pipeline = SurveyPipeline(source, standard: standard, batchSize: 512) { _ in () }
        let scan: SurveyScan
        do {
            do {
                while let batch = try pipeline.next() {
                    for i in batch.records.indices { try record(batch.records[i], batch.records[i].standard, batch.hasIssues) }  // no copy per record
                }
            } catch {
                pipeline.cancel()
                throw error
            }
            scan = try pipeline.finish()
        } catch let error as SpreadsheetError {
            Terminal.error(error.description)
            throw Exit.dataError
        }
        Terminal.warnUnknownColumns(scan.unknownColumns)
        return scan
    }
}

/// `--standard CODE`, checked against the catalogue.
func resolveStandard(_ code: String?) throws -> PovertyStandard? {
    guard let code else { return nil }
    guard let s = StandardCatalog.builtIn.standard(code: code) else {
        let known = StandardCatalog.builtIn.standards.map(\.code).joined(separator: ", ")
        throw ValidationError("không có chuẩn '\(code)'; các chuẩn: \(known) / unknown standard '\(code)'; known: \(known)")
    }
    return s
}
