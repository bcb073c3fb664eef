import Foundation

/// Something that yields the rows of the first sheet of a spreadsheet, one at a time.
///
/// Rows are pushed to `body` in order with their spreadsheet row number (1-based,
/// the header is row 1). `cells` is reused between calls: copy what you keep.
/// Memory use does not grow with the number of rows.
public protocol RowSource {
    func forEachRow(_ body: (_ rowNumber: Int, _ cells: [String]) throws -> Void) throws
}

/// How much a file may hold, checked while it is read (a hostile file — a ZIP that unpacks to
/// gigabytes, a cell of a gigabyte, millions of shared strings — is refused early, with memory
/// and disk bounded). The defaults are Excel's own limits or well above any real survey.
public struct SpreadsheetLimits: Sendable, Hashable {
    /// Uncompressed bytes of one part of an XLSX package.
    public var maxPartBytes: Int64
    /// Uncompressed ÷ compressed bytes of a part beyond which it is a ZIP bomb (checked once a part passes 16 MiB).
    public var maxCompressionRatio: Int64
    /// Shared strings of a workbook, and their total UTF-8 bytes.
    public var maxSharedStrings: Int
    public var maxSharedStringBytes: Int
    /// UTF-8 bytes of one cell (Excel holds at most 32,767 characters).
    public var maxCellBytes: Int
    /// Rows of a sheet or a CSV file.
    public var maxRows: Int
    /// Columns of a row: an empty cell past them is dropped, a filled one refuses the file. A
    /// row is held as one text per column, so a single cell far to the right (XFD) would
    /// otherwise make every row 16,384 texts long; no file this reads has more than a few dozen.
    public var maxColumns: Int

    public init(maxPartBytes: Int64 = 512 << 20, maxCompressionRatio: Int64 = 250, maxSharedStrings: Int = 2_000_000,
                maxSharedStringBytes: Int = 64 << 20, maxCellBytes: Int = 32_767 * 4, maxRows: Int = 2_000_000,
                maxColumns: Int = 256) {
        self.maxPartBytes = maxPartBytes
        self.maxCompressionRatio = maxCompressionRatio
        self.maxSharedStrings = maxSharedStrings
        self.maxSharedStringBytes = maxSharedStringBytes
        self.maxCellBytes = maxCellBytes
        self.maxRows = maxRows
        self.maxColumns = max(1, maxColumns)
    }

    public static let standard = SpreadsheetLimits()
}

/// Errors raised while reading or writing a spreadsheet file (not its contents' meaning).
public enum SpreadsheetError: Error, Equatable, CustomStringConvertible {
    case cannotOpen(path: String, reason: String)
    case invalidUTF8(row: Int)
    case unterminatedQuote(row: Int)
    case notAnXLSX(path: String, reason: String)
    case unsupportedFormat(path: String)
    case cannotWrite(path: String, reason: String)
    /// A limit of `SpreadsheetLimits` was passed: what, and the limit.
    case tooLarge(path: String, what: Limit, limit: Int64)
    /// A filled cell beyond `SpreadsheetLimits.maxColumns`: its row and 0-based column.
    case tooWide(path: String, row: Int, column: Int, limit: Int)

    public enum Limit: String, Sendable, Equatable {
        case part, compression, sharedStrings, sharedStringBytes, cell, rows

        var vietnamese: String {
            switch self {
            case .part: "một phần của tệp khi giải nén vượt"
            case .compression: "tệp nén quá mức (nghi là \"bom nén\"), tỷ lệ giải nén vượt"
            case .sharedStrings: "số chuỗi dùng chung vượt"
            case .sharedStringBytes: "tổng độ dài chuỗi dùng chung (byte) vượt"
            case .cell: "một ô dài quá (byte), vượt"
            case .rows: "số dòng vượt"
            }
        }
        var english: String {
            switch self {
            case .part: "a part of the file unpacks to more than"
            case .compression: "the file is compressed beyond reason (a \"zip bomb\"), unpacking more than"
            case .sharedStrings: "more shared strings than"
            case .sharedStringBytes: "more bytes of shared strings than"
            case .cell: "a cell is longer (bytes) than"
            case .rows: "more rows than"
            }
        }
    }

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
        case let .tooWide(path, row, column, limit):
            let cell = CellReference.columnName(column) + String(row)
            return "\(path): ô \(cell) có dữ liệu nhưng nằm ngoài \(limit) cột được đọc — hãy xoá các cột thừa bên phải rồi nhập lại / "
                + "\(path): cell \(cell) holds data beyond the \(limit) columns read — delete the extra columns on the right and import again"
        case let .tooLarge(path, what, limit):
            return "\(path): \(what.vietnamese) \(limit) — tệp bị từ chối / \(path): \(what.english) \(limit) — the file is refused"
        }
    }
}

public enum Spreadsheet {
    /// Opens a CSV or XLSX file, choosing by its first bytes (an XLSX is a ZIP: "PK").
    public static func open(path: String, limits: SpreadsheetLimits = .standard) throws -> any RowSource & Sendable {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "không đọc được / unreadable" : "không có tệp này / no such file"
            throw SpreadsheetError.cannotOpen(path: path, reason: reason)
        }
        let magic = (try? handle.read(upToCount: 4)) ?? Data()
        try? handle.close()
        if magic.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            return XLSXReader(path: path, limits: limits)
        }
        let lower = path.lowercased()
        if lower.hasSuffix(".xls") || lower.hasSuffix(".ods") || magic.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) {
            throw SpreadsheetError.unsupportedFormat(path: path)
        }
        return CSVReader(path: path, limits: limits)
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
