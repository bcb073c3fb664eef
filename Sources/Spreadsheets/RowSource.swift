import Foundation

/// Something that yields the rows of the first sheet of a spreadsheet, one at a time.
///
/// Rows are pushed to `body` in order with their spreadsheet row number (1-based,
/// the header is row 1). `cells` is reused between calls: copy what you keep.
/// Memory use does not grow with the number of rows.
public protocol RowSource {
    func forEachRow(_ body: (_ rowNumber: Int, _ cells: [String]) throws -> Void) throws
}

/// Errors raised while reading or writing a spreadsheet file (not its contents' meaning).
public enum SpreadsheetError: Error, Equatable, CustomStringConvertible {
    case cannotOpen(path: String, reason: String)
    case invalidUTF8(row: Int)
    case unterminatedQuote(row: Int)
    case notAnXLSX(path: String, reason: String)
    case unsupportedFormat(path: String)
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case let .cannotOpen(path, reason):
            return "không mở được tệp \(path): \(reason) / cannot open \(path): \(reason)"
        case let .invalidUTF8(row):
            return "dòng \(row): tệp CSV không phải UTF-8 (hãy lưu lại bằng 'CSV UTF-8') / row \(row): the CSV file is not UTF-8 (save it as 'CSV UTF-8')"
        case let .unterminatedQuote(row):
            return "dòng \(row): dấu ngoặc kép mở mà không đóng / row \(row): a quoted cell is never closed"
        case let .notAnXLSX(path, reason):
            return "\(path) không phải tệp Excel .xlsx hợp lệ / is not a valid .xlsx file: \(reason)"
        case let .unsupportedFormat(path):
            return "không đọc được định dạng của \(path): chỉ nhận .csv và .xlsx / unsupported file type \(path): only .csv and .xlsx are read"
        case let .cannotWrite(path, reason):
            return "không ghi được tệp \(path): \(reason) / cannot write \(path): \(reason)"
        }
    }
}

public enum Spreadsheet {
    /// Opens a CSV or XLSX file, choosing by its first bytes (an XLSX is a ZIP: "PK").
    public static func open(path: String) throws -> any RowSource & Sendable {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "không đọc được / unreadable" : "không có tệp này / no such file"
            throw SpreadsheetError.cannotOpen(path: path, reason: reason)
        }
        let magic = (try? handle.read(upToCount: 4)) ?? Data()
        try? handle.close()
        if magic.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            return XLSXReader(path: path)
        }
        let lower = path.lowercased()
        if lower.hasSuffix(".xls") || lower.hasSuffix(".ods") || magic.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) {
            throw SpreadsheetError.unsupportedFormat(path: path)
        }
        return CSVReader(path: path)
    }
}

/// Rows held in memory, numbered from 1 (the header): for generated data and tests.
public struct InMemoryRows: RowSource, Sendable {
    public let rows: [[String]]
    public init(_ rows: [[String]]) { self.rows = rows }
    public func forEachRow(_ body: (Int, [String]) throws -> Void) throws {
        for (i, row) in rows.enumerated() { try body(i + 1, row) }
    }
}
