import Foundation

/// A streaming RFC 4180 reader: UTF-8 with or without BOM, LF or CRLF line ends,
/// quoted cells with commas, doubled quotes and line breaks inside.
///
/// It reads the file in fixed-size chunks, so memory stays flat whatever the file's size.
public struct CSVReader: RowSource, Sendable {
    public let path: String
    public let separator: UInt8
    public let chunkSize: Int
    public let limits: SpreadsheetLimits

    public init(path: String, separator: UInt8 = UInt8(ascii: ","), chunkSize: Int = 1 << 20, limits: SpreadsheetLimits = .standard) {
        self.path = path
        self.separator = separator
        self.chunkSize = max(chunkSize, 16)
        self.limits = limits
    }

    /// About how many data rows the file has: its line breaks, less the header. Fast
    /// (a scan for one byte); quoted line breaks make it an over-estimate.
    public func estimatedRowCount() -> Int? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var lines = 0
        var last: UInt8 = 0x0A
        while true {
            let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if n == 0 { break }
            chunk.withUnsafeBufferPointer { buf in
                var p = UnsafeRawPointer(buf.baseAddress!)
                var left = n
                while left > 0, let hit = memchr(p, 0x0A, left) {
                    lines += 1
                    let skip = UnsafeRawPointer(hit) - p + 1
                    p += skip
                    left -= skip
                }
                last = buf[n - 1]
            }
        }
        if last != 0x0A { lines += 1 }
        return Swift.max(0, lines - 1)
    }

    public func forEachRow(_ body: (Int, [String]) throws -> Void) throws {
        guard let file = fopen(path, "rb") else {
            let reason = String(cString: strerror(errno))
            throw SpreadsheetError.cannotOpen(path: path, reason: reason)
        }
        defer { fclose(file) }
        var parser = CSVParser(separator: separator, limits: limits)
        parser.path = path
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        var first = true
        while true {
            let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, chunkSize, file) }
            if count == 0 {
                if ferror(file) != 0 {
                    throw SpreadsheetError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
                }
                break
            }
            try chunk.withUnsafeBufferPointer { buffer in
                var bytes = UnsafeBufferPointer(rebasing: buffer[0..<count])
                if first {
                    first = false
                    if count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
                        bytes = UnsafeBufferPointer(rebasing: bytes[3...])
                    }
                }
                try parser.feed(bytes, body)
            }
        }
        try parser.finish(body)
    }
}

/// The byte-level state machine behind `CSVReader`; fed chunk by chunk.
public struct CSVParser {
    private let separator: UInt8
    private var cells: [String] = []
    private var field: [UInt8] = []
    private var inQuotes = false
    private var quoteSeen = false      // the current field started with a quote
    private var pendingQuote = false   // a quote inside quotes: either "" or the closing one
    private var pendingCR = false
    private var rowNumber = 1
    private var rowHasContent = false
    /// Empty cells of the current row dropped past `maxColumns` (to name a filled one's column).
    private var dropped = 0
    private let limits: SpreadsheetLimits
    /// Named in a refusal.
    public var path = ""

    public init(separator: UInt8 = UInt8(ascii: ","), limits: SpreadsheetLimits = .standard) {
        self.separator = separator
        self.limits = limits
        field.reserveCapacity(256)
        cells.reserveCapacity(32)
    }

    private static let quote = UInt8(ascii: "\"")
    private static let lf = UInt8(ascii: "\n")
    private static let cr = UInt8(ascii: "\r")

    public mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (Int, [String]) throws -> Void) throws {
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if pendingCR {
                pendingCR = false
                if b == Self.lf { i += 1; continue }
            }
            if inQuotes {
                if pendingQuote {
                    pendingQuote = false
                    if b == Self.quote { field.append(b); i += 1; continue }
                    inQuotes = false
                    // fall through: b is handled as an unquoted byte below
                } else if b == Self.quote {
                    pendingQuote = true; i += 1; continue
                } else {
                    // fast path: copy a run of ordinary bytes inside quotes
                    var j = i
                    while j < n, bytes[j] != Self.quote { j += 1 }
                    field.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[i..<j]))
                    try checkField()
                    i = j
                    continue
                }
            }
            if b == separator {
                try endField()
                i += 1
            } else if b == Self.lf || b == Self.cr {
                try endField()
                try endRow(body)
                if b == Self.cr { pendingCR = true }
                i += 1
            } else if b == Self.quote && field.isEmpty && !quoteSeen {
                inQuotes = true; quoteSeen = true; rowHasContent = true
                i += 1
            } else {
                // fast path: a run of ordinary bytes outside quotes
                var j = i
                while j < n {
                    let c = bytes[j]
                    if c == separator || c == Self.lf || c == Self.cr { break }
                    j += 1
                }
                rowHasContent = true
                if field.isEmpty && !quoteSeen && j < n {
                    // The whole field is in this chunk: make its text straight from the input.
                    try appendCell(UnsafeBufferPointer(rebasing: bytes[i..<j]))
                    i = j
                    if bytes[j] == separator { i += 1; continue }
                    try endRow(body)
                    if bytes[j] == Self.cr { pendingCR = true }
                    i += 1
                    continue
                }
                field.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[i..<j]))
                try checkField()
                i = j
            }
        }
    }

    /// A cell never grows past the limit (a quote that is never closed would otherwise read the whole file into one cell).
    private func checkField() throws {
        if field.count > limits.maxCellBytes { throw SpreadsheetError.tooLarge(path: path, what: .cell, limit: Int64(limits.maxCellBytes)) }
    }

    public mutating func finish(_ body: (Int, [String]) throws -> Void) throws {
        if inQuotes && !pendingQuote { throw SpreadsheetError.unterminatedQuote(row: rowNumber) }
        inQuotes = false
        pendingQuote = false
        if rowHasContent || !field.isEmpty || !cells.isEmpty {
            try endField()
            try endRow(body)
        }
    }

    private mutating func endField() throws {
        if inQuotes && pendingQuote { inQuotes = false; pendingQuote = false }
        if field.isEmpty {
            if cells.count < limits.maxColumns { cells.append("") } else { dropped += 1 }
        } else {
            try field.withUnsafeBufferPointer { try appendCell($0) }
            field.removeAll(keepingCapacity: true)
        }
        quoteSeen = false
    }

    private mutating func appendCell(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        if cells.count >= limits.maxColumns {
            // Past the last column read: an empty cell is dropped (a row of trailing commas), a filled one refuses the file.
            guard bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) else {
                throw SpreadsheetError.tooWide(path: path, row: rowNumber, column: limits.maxColumns + dropped, limit: limits.maxColumns)
            }
            dropped += 1
            quoteSeen = false
            return
        }
        if bytes.count >= 4, bytes[0] == 0x3D, bytes[1] == 0x22, bytes[bytes.count - 1] == 0x22,
           bytes[2..<(bytes.count - 1)].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            // `="001203004567"`: digits kept as text for a spreadsheet (`CSV.spreadsheetText`).
            cells.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[2..<(bytes.count - 1)]), as: UTF8.self))
        } else if Self.isASCII(bytes) {
            cells.append(String(decoding: bytes, as: UTF8.self))
        } else {
            guard let text = Self.validUTF8(bytes) else { throw SpreadsheetError.invalidUTF8(row: rowNumber) }
            cells.append(text)
        }
        quoteSeen = false
    }

    /// The text of `bytes`, or nil if they are not valid UTF-8: decoding repairs what is not
    /// (U+FFFD for each bad sequence), so the bytes are valid exactly when decoding kept them
    /// unchanged. Not generic, unlike `String(validating:as:)` (which macOS 14 also lacks).
    static func validUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        let text = String(decoding: bytes, as: UTF8.self)
        guard text.utf8.count == bytes.count else { return nil }
        let same = text.utf8.withContiguousStorageIfAvailable { kept -> Bool in
            guard let a = kept.baseAddress, let b = bytes.baseAddress else { return bytes.isEmpty }
            return memcmp(a, b, bytes.count) == 0
        } ?? text.utf8.elementsEqual(bytes)
        return same ? text : nil
    }

    /// Eight bytes at a time where it can.
    private static func isASCII(_ p: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = p.count
        if let base = p.baseAddress {
            while i + 8 <= n {
                if UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
                i += 8
            }
        }
        while i < n { if p[i] >= 0x80 { return false }; i += 1 }
        return true
    }

    private mutating func endRow(_ body: (Int, [String]) throws -> Void) throws {
        // A line with nothing on it at all is a row of the sheet, but carries no cells.
        if cells.count == 1 && cells[0].isEmpty && !rowHasContent {
            cells.removeAll(keepingCapacity: true)
        }
        guard rowNumber <= limits.maxRows else { throw SpreadsheetError.tooLarge(path: path, what: .rows, limit: Int64(limits.maxRows)) }
        try body(rowNumber, cells)
        // The consumer may keep the array: start a new one rather than clear a shared buffer.
        let width = cells.count
        cells = []
        cells.reserveCapacity(width)
        rowNumber += 1
        rowHasContent = false
        dropped = 0
    }
}
