import Foundation
import Testing
@testable import Spreadsheets

@Suite("CSVReader")
struct CSVReaderTests {
    /// Writes `bytes` to a temporary file, reads it back with `CSVReader`, removes it.
    func read(_ bytes: [UInt8], chunkSize: Int = 1 << 20, separator: UInt8 = UInt8(ascii: ",")) throws -> [Row] {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("input.csv").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return try readRows(CSVReader(path: path, separator: separator, chunkSize: chunkSize))
    }

    func read(_ text: String, chunkSize: Int = 1 << 20) throws -> [Row] {
        try read(Array(text.utf8), chunkSize: chunkSize)
    }

    @Test func lineFeeds() throws {
        #expect(try read("Mã hộ,Chủ hộ\nH001,Nguyễn Văn An\n") == [
            Row(1, ["Mã hộ", "Chủ hộ"]), Row(2, ["H001", "Nguyễn Văn An"]),
        ])
    }

    @Test func carriageReturnLineFeeds() throws {
        #expect(try read("a,b\r\nc,d\r\n") == [Row(1, ["a", "b"]), Row(2, ["c", "d"])])
    }

    @Test func bareCarriageReturns() throws {
        #expect(try read("a,b\rc,d\r") == [Row(1, ["a", "b"]), Row(2, ["c", "d"])])
    }

    @Test func byteOrderMarkIsDropped() throws {
        let rows = try read([0xEF, 0xBB, 0xBF] + Array("Mã hộ,Số\r\nH001,1500000\r\n".utf8))
        #expect(rows == [Row(1, ["Mã hộ", "Số"]), Row(2, ["H001", "1500000"])])
        #expect(rows.first?.cells.first?.unicodeScalars.first == "M")
    }

    @Test func byteOrderMarkOnlyAtTheStart() throws {
        // A BOM in the middle is content, not a marker.
        #expect(try read("a\n\u{FEFF}b\n") == [Row(1, ["a"]), Row(2, ["\u{FEFF}b"])])
    }

    @Test func quotedSeparatorsAndDoubledQuotes() throws {
        #expect(try read("\"Nguyễn, Văn An\",\"nói \"\"chào\"\"\",\"\"\n") == [
            Row(1, ["Nguyễn, Văn An", "nói \"chào\"", ""]),
        ])
    }

    @Test func lineBreaksInsideQuotesCountAsOneRecord() throws {
        let text = "Mã hộ,Ghi chú\nH001,\"dòng một\ndòng hai\"\nH002,\"a\r\nb\"\r\nH003,x\n"
        #expect(try read(text) == [
            Row(1, ["Mã hộ", "Ghi chú"]),
            Row(2, ["H001", "dòng một\ndòng hai"]),
            Row(3, ["H002", "a\r\nb"]),
            Row(4, ["H003", "x"]),
        ])
    }

    @Test func emptyLinesAreRowsWithoutCells() throws {
        #expect(try read("a,b\n\nc,d\r\n\r\ne\n") == [
            Row(1, ["a", "b"]), Row(2, []), Row(3, ["c", "d"]), Row(4, []), Row(5, ["e"]),
        ])
    }

    @Test func emptyFieldsAreKept() throws {
        #expect(try read("a,,c,\n,\n\"\"\n") == [
            Row(1, ["a", "", "c", ""]), Row(2, ["", ""]), Row(3, [""]),
        ])
    }

    @Test func lastLineWithoutNewline() throws {
        #expect(try read("a,b\nc,d") == [Row(1, ["a", "b"]), Row(2, ["c", "d"])])
        #expect(try read("a,b\n\"c\nd\"") == [Row(1, ["a", "b"]), Row(2, ["c\nd"])])
        #expect(try read("a,") == [Row(1, ["a", ""])])
    }

    @Test func emptyFile() throws {
        #expect(try read("") == [])
        #expect(try read([0xEF, 0xBB, 0xBF]) == [])
    }

    @Test func otherSeparator() throws {
        #expect(try read(Array("a;\"b;c\";d\n".utf8), separator: UInt8(ascii: ";")) == [Row(1, ["a", "b;c", "d"])])
    }

    @Test func fieldsStraddlingChunkBoundaries() throws {
        // Long quoted fields with separators, doubled quotes, CRLF and multi-byte UTF-8
        // land on every possible chunk boundary once chunk sizes 16...40 are all tried.
        var expected: [Row] = []
        var text = "\u{FEFF}Mã hộ,Ghi chú dài,Số\r\n"
        expected.append(Row(1, ["Mã hộ", "Ghi chú dài", "Số"]))
        var rowNumber = 2
        for i in 0..<40 {
            let note = "Đặng Thị \"Ánh\" số \(i), ở xã Mường Tè\r\nvà\nHà Nội"
            let quoted = "\"" + note.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            text += "H\(i),\(quoted),\(i * 1_500_000)\r\n"
            expected.append(Row(rowNumber, ["H\(i)", note, String(i * 1_500_000)]))
            rowNumber += 1
            if i % 7 == 0 {
                text += "\r\n"
                expected.append(Row(rowNumber, []))
                rowNumber += 1
            }
        }
        text += "cuối,\"\"\"\",ễ"
        expected.append(Row(rowNumber, ["cuối", "\"", "ễ"]))

        let bytes = Array(text.utf8)
        #expect(bytes.count > 2_000)
        #expect(try read(bytes) == expected)
        for chunkSize in 16...40 {
            #expect(try read(bytes, chunkSize: chunkSize) == expected, "chunk size \(chunkSize)")
        }
    }

    @Test func unterminatedQuoteNamesTheRecord() throws {
        #expect(throws: SpreadsheetError.unterminatedQuote(row: 3)) {
            try read("a,b\nc,d\ne,\"never closed\nf,g\n")
        }
        #expect(throws: SpreadsheetError.unterminatedQuote(row: 2)) {
            try read("a\n\"x", chunkSize: 16)
        }
    }

    @Test func validUTF8KeepsValidTextAndRefusesWhatDecodingWouldRepair() {
        func check(_ bytes: [UInt8]) -> String? { bytes.withUnsafeBufferPointer { CSVParser.validUTF8($0) } }
        #expect(check(Array("Mã hộ Đinh Thị ị €𝄞".utf8)) == "Mã hộ Đinh Thị ị €𝄞")
        #expect(check(Array("\u{FFFD} stays".utf8)) == "\u{FFFD} stays")  // a real U+FFFD is kept
        #expect(check([0x4D, 0xE3, 0x20]) == nil)           // Latin-1 "ã"
        #expect(check([0x4D, 0xC3]) == nil)                 // cut after a lead byte
        #expect(check([0xE1, 0xBB]) == nil)                 // cut inside a three-byte letter
        #expect(check([0xC0, 0xAF]) == nil)                 // overlong "/"
        #expect(check([0xED, 0xA0, 0x80]) == nil)           // a UTF-16 surrogate
        #expect(check([0xF4, 0x90, 0x80, 0x80]) == nil)     // past U+10FFFF
        #expect(check([0xEF, 0xBF, 0xBD, 0xFF]) == nil)     // a real U+FFFD, then a bad byte
    }

    @Test func invalidUTF8NamesTheRecord() throws {
        // "Mã hộ" in Windows-1258/Latin-1 style single bytes is not UTF-8.
        #expect(throws: SpreadsheetError.invalidUTF8(row: 2)) {
            try read(Array("Mã,hộ\n".utf8) + [0x4D, 0xE3, 0x2C, 0x68, 0xF4, 0x0A])
        }
        // A multi-byte sequence cut short at the end of a quoted field.
        #expect(throws: SpreadsheetError.invalidUTF8(row: 1)) {
            try read([0x22, 0x61, 0xE1, 0xBB, 0x22, 0x0A])
        }
    }

    @Test func consumerErrorsPassThrough() throws {
        struct Stop: Error, Equatable {}
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("x.csv").path
        try Data("a\nb\nc\n".utf8).write(to: URL(fileURLWithPath: path))
        var seen: [Int] = []
        #expect(throws: Stop()) {
            try CSVReader(path: path).forEachRow { number, _ in
                seen.append(number)
                if number == 2 { throw Stop() }
            }
        }
        #expect(seen == [1, 2])
    }

    @Test func missingFile() {
        #expect(throws: SpreadsheetError.self) {
            try CSVReader(path: "/nonexistent/x.csv").forEachRow { _, _ in }
        }
    }

    @Test func spreadsheetOpenPicksCSVForText() throws {
        let source = try Spreadsheet.open(path: fixturePath("mixed-libreoffice", "csv"))
        #expect(source is CSVReader)
        #expect(try readRows(source).first == Row(1, ["Mã hộ", "Chủ hộ", "Thu nhập", "Tỷ lệ", "Ghi chú", "Xã"]))
    }
}

@Suite("CSV writing")
struct CSVWritingTests {
    @Test func quotingOnlyWhereNeeded() {
        #expect(CSV.line(["H001", "Nguyễn Văn An", "1500000"]) == "H001,Nguyễn Văn An,1500000")
        #expect(CSV.line(["a,b", "nói \"chào\"", "dòng\nmới", "cr\rx", "", " cách "])
            == #""a,b","nói ""chào""","dòng\#nmới","cr\#rx",, cách "#)
        #expect(CSV.line([]) == "")
        #expect(CSV.line([""]) == "")
    }

    @Test func appendRowEndsWithLineFeed() {
        var out: [UInt8] = []
        CSV.appendRow(["a", "b,c"], to: &out)
        CSV.appendRow(["ễ"], to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "a,\"b,c\"\nễ\n")
    }

    @Test func writtenRowsReadBack() throws {
        let rows: [[String]] = [
            ["Mã hộ", "Ghi chú", "Số"],
            ["H001", "có, dấu phẩy", "1500000"],
            ["H002", "nói \"chào\"\nrồi đi", ""],
            ["H003", "\r\n", "\"\""],
        ]
        var out: [UInt8] = []
        for row in rows { CSV.appendRow(row, to: &out) }
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("round.csv").path
        try Data(out).write(to: URL(fileURLWithPath: path))
        let read = try readRows(CSVReader(path: path, chunkSize: 16))
        #expect(read == rows.enumerated().map { Row($0.offset + 1, $0.element) })
    }
}

@Suite("CSV.inert")
struct CSVInertTests {
    @Test func formulasBecomeTextNumbersStayNumbers() {
        #expect(CSV.inert("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")")
        #expect(CSV.inert("+84 cmd") == "'+84 cmd" && CSV.inert("@SUM(A1)") == "'@SUM(A1)" && CSV.inert("\tx") == "'\tx")
        #expect(CSV.inert("-") == "'-" && CSV.inert("-inf") == "'-inf" && CSV.inert("-1+1") == "'-1+1")
        #expect(CSV.inert("-1500000") == "-1500000" && CSV.inert("-12.5") == "-12.5" && CSV.inert("+7") == "+7")
        #expect(CSV.inert("Nguyễn Văn A") == "Nguyễn Văn A" && CSV.inert("") == "")
    }

    /// A citizen ID's leading zeros survive a spreadsheet (`="…"`), and the reader takes the
    /// form back as the digits; other text is only `inert`.
    @Test func digitsKeepTheirZerosAndReadBack() throws {
        #expect(CSV.spreadsheetText("001203004567") == "=\"001203004567\"")
        #expect(CSV.spreadsheetText("12345678901234567") == "=\"12345678901234567\"")
        #expect(CSV.spreadsheetText("202500012345") == "=\"202500012345\"" && CSV.spreadsheetText("20250001234") == "20250001234")
        #expect(CSV.spreadsheetText("123") == "123" && CSV.spreadsheetText("") == "")
        #expect(CSV.spreadsheetText("=1+1") == "'=1+1" && CSV.spreadsheetText("HO-001") == "HO-001")
        var out: [UInt8] = []
        CSV.appendRow(["Mã", CSV.spreadsheetText("001203004567"), CSV.spreadsheetText("=HYPERLINK(\"x\")"), "=\"12a\""], to: &out)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("digits-\(UUID().uuidString).csv").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(FileManager.default.createFile(atPath: path, contents: Data(out)))
        let read = try readRows(CSVReader(path: path))
        // Only digits in the form are taken back; anything else stays as written.
        #expect(read == [Row(1, ["Mã", "001203004567", "'=HYPERLINK(\"x\")", "=\"12a\""])])
    }
}
