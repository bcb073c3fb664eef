import Foundation
import Testing
import ZIPFoundation
@testable import Spreadsheets

/// Hostile files are refused early, memory and disk bounded: a ZIP that unpacks to far more
/// than it holds, a part over the size limit, a cell of megabytes, too many shared strings or
/// rows, and a CSV quote that never closes.
@Suite("Hostile spreadsheets")
struct HostileFileTests {
    /// A minimal workbook around `sheet` (and `strings`, the shared strings part, when given).
    static func workbook(sheet: Data, strings: Data? = nil) throws -> String {
        let path = try makeTemporaryDirectory().appendingPathComponent("hostile.xlsx").path
        let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .create)
        func add(_ name: String, _ data: Data) throws {
            try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        let rels = #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
        let book = #"<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="A" sheetId="1" r:id="rId1"/></sheets></workbook>"#
        var bookRels = #"<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>"#
        if strings != nil { bookRels += #"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>"# }
        bookRels += "</Relationships>"
        try add("_rels/.rels", Data(rels.utf8))
        try add("xl/workbook.xml", Data(book.utf8))
        try add("xl/_rels/workbook.xml.rels", Data(bookRels.utf8))
        try add("xl/worksheets/sheet1.xml", sheet)
        if let strings { try add("xl/sharedStrings.xml", strings) }
        return path
    }

    static func sheet(rows: Int, cell: String = "0") -> Data {
        var xml = "<worksheet><sheetData>"
        let row = "<row><c t=\"inlineStr\"><is><t>\(cell)</t></is></c></row>"
        xml.reserveCapacity(rows * row.utf8.count + 64)
        for _ in 0..<rows { xml += row }
        return Data((xml + "</sheetData></worksheet>").utf8)
    }

    func refusal(_ path: String, _ limits: SpreadsheetLimits) -> SpreadsheetError.Limit? {
        do {
            try XLSXReader(path: path, limits: limits).forEachRow { _, _ in }
            return nil
        } catch let SpreadsheetError.tooLarge(_, what, _) {
            return what
        } catch {
            Issue.record("unexpected \(error)")
            return nil
        }
    }

    @Test func aZipBombStopsWhileItUnpacks() throws {
        // 20 MB of one repeated row packs into a few kilobytes.
        let path = try Self.workbook(sheet: Self.sheet(rows: 400_000))
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        #expect(size < 200_000)
        #expect(refusal(path, SpreadsheetLimits(maxPartBytes: 64 << 20, maxCompressionRatio: 50)) == .compression)
        #expect(refusal(path, SpreadsheetLimits(maxPartBytes: 1 << 20)) == .part)
    }

    @Test func rowsCellsAndSharedStringsHaveLimits() throws {
        #expect(refusal(try Self.workbook(sheet: Self.sheet(rows: 11)), SpreadsheetLimits(maxRows: 10)) == .rows)
        #expect(refusal(try Self.workbook(sheet: Self.sheet(rows: 1, cell: String(repeating: "x", count: 5000))), SpreadsheetLimits(maxCellBytes: 4096)) == .cell)
        let strings = "<sst>" + String(repeating: "<si><t>a</t></si>", count: 101) + "</sst>"
        let withStrings = try Self.workbook(sheet: Data("<worksheet><sheetData><row><c t=\"s\"><v>0</v></c></row></sheetData></worksheet>".utf8),
                                            strings: Data(strings.utf8))
        #expect(refusal(withStrings, SpreadsheetLimits(maxSharedStrings: 100)) == .sharedStrings)
        #expect(refusal(withStrings, SpreadsheetLimits(maxSharedStringBytes: 50)) == .sharedStringBytes)
        // Within the limits the same file reads.
        var rows = 0
        try XLSXReader(path: withStrings).forEachRow { _, cells in rows += 1; #expect(cells == ["a"]) }
        #expect(rows == 1)
    }

    @Test func aCSVQuoteThatNeverClosesStopsAtTheCellLimit() throws {
        let path = try makeTemporaryDirectory().appendingPathComponent("quote.csv").path
        try Data(("a,b\n\"" + String(repeating: "x", count: 300_000)).utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: SpreadsheetError.tooLarge(path: path, what: .cell, limit: Int64(SpreadsheetLimits.standard.maxCellBytes))) {
            try CSVReader(path: path).forEachRow { _, _ in }
        }
        let two = path + "2"
        try Data("a\nb\n".utf8).write(to: URL(fileURLWithPath: two))
        #expect(throws: SpreadsheetError.tooLarge(path: two, what: .rows, limit: 1)) {
            try CSVReader(path: two, limits: SpreadsheetLimits(maxRows: 1)).forEachRow { _, _ in }
        }
    }
    @Test func aCellFarToTheRightDoesNotMakeEveryRowWide() throws {
        // One empty cell at XFD on each row: the row stays as wide as its filled cells.
        var xml = "<worksheet><sheetData>"
        for r in 1...3 { xml += "<row r=\"\(r)\"><c r=\"A\(r)\" t=\"inlineStr\"><is><t>a</t></is></c><c r=\"XFD\(r)\" t=\"inlineStr\"><is><t></t></is></c></row>" }
        let empty = try Self.workbook(sheet: Data((xml + "</sheetData></worksheet>").utf8))
        var widths: [Int] = []
        try XLSXReader(path: empty).forEachRow { _, cells in widths.append(cells.count) }
        #expect(widths == [1, 1, 1])
        // A filled one beyond the columns read refuses the file.
        let filled = try Self.workbook(sheet: Data("<worksheet><sheetData><row r=\"1\"><c r=\"XFD1\" t=\"inlineStr\"><is><t>x</t></is></c></row></sheetData></worksheet>".utf8))
        #expect(throws: SpreadsheetError.tooWide(path: filled, row: 1, column: 16_383, limit: 256)) {
            try XLSXReader(path: filled).forEachRow { _, _ in }
        }
        #expect(refusal(filled, SpreadsheetLimits(maxColumns: 16_384)) == nil)
        #expect(SpreadsheetError.tooWide(path: "f.xlsx", row: 1, column: 16_383, limit: 256).description.hasPrefix("f.xlsx: ô XFD1 có dữ liệu"))

        // A CSV row of a thousand commas reads as its first 256 cells; a filled cell past them refuses the file.
        let path = try makeTemporaryDirectory().appendingPathComponent("wide.csv").path
        try Data(("a,b\nx" + String(repeating: ",", count: 1000) + "\n").utf8).write(to: URL(fileURLWithPath: path))
        var csvWidths: [Int] = []
        try CSVReader(path: path).forEachRow { _, cells in csvWidths.append(cells.count) }
        #expect(csvWidths == [2, 256])
        let wide = path + "2"
        try Data(("a\n" + String(repeating: ",", count: 300) + "z\n").utf8).write(to: URL(fileURLWithPath: wide))
        #expect(throws: SpreadsheetError.tooWide(path: wide, row: 2, column: 300, limit: 256)) {
            try CSVReader(path: wide).forEachRow { _, _ in }
        }
    }
}
