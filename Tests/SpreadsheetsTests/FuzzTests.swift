import Foundation
import PovertyCore
import Testing
import ZIPFoundation
@testable import Spreadsheets

/// The CSV and XLSX readers and the survey contract under generated hostile files: truncated
/// files and ZIPs, flipped bytes, broken and deeply nested XML, entity declarations, out-of-range
/// shared strings and cell references, huge numbers, formula and error cells, mixed encodings,
/// stray quotes and control characters. Every file must be read to the end or refused with a
/// `SpreadsheetError` that names the problem — never a crash, never another kind of error —
/// and the process's memory must stay bounded.
///
/// 2,000 cases with a fixed seed in every test run; `GIAMNGHEO_FUZZ_SECONDS=600`
/// (and optionally `GIAMNGHEO_FUZZ_SEED`) runs new cases for that long. A failing case is kept
/// in the temporary folder and named in the failure with its seed.
@Suite("Fuzzing the readers and the survey contract", .serialized)
struct FuzzTests {
    /// The same seed, the same files (PovertyCore's SplitMix64).
    typealias Generator = SeededRandom

    static let header = "ma_ho,nam,don_vi,khu_vuc,so_nhan_khau,tong_thu_nhap_nam,viec_lam,phu_thuoc,dinh_duong,bhyt,giao_duc_nguoi_lon,di_hoc_tre_em,chat_luong_nha,dien_tich_nha,nuoc_sinh_hoat,nha_tieu,vien_thong,phuong_tien_thong_tin"

    /// A valid survey of a few rows: what the mutations start from.
    static func rows(_ g: inout Generator) -> [[String]] {
        var rows = [header.split(separator: ",").map(String.init)]
        for i in 0..<Int.random(in: 1...30, using: &g) {
            rows.append(["HO-F\(i)", "2025", "CDCS-001", Bool.random(using: &g) ? "nong_thon" : "Thành thị", "\(Int.random(in: 1...8, using: &g))",
                         "\(Int.random(in: 0...200, using: &g) * 1_000_000)"] + (0..<12).map { _ in Bool.random(using: &g) ? "1" : "0" })
        }
        return rows
    }

    /// A cell as hostile files write it.
    static func oddCell(_ g: inout Generator) -> String {
        let choices = ["1e308", "-1e400", "99999999999999999999999999", "NaN", "-0", "１２３", "0x1F", "=1+1", "@SUM(A1:A9)", "+cmd|' /C calc'!A0",
                       "\u{0}", "\u{1B}[31m", "\u{FEFF}", "\u{202E}gnp.exe", String(repeating: "9", count: 400), "1.500.000,5", "đ", "\"", "\"\"",
                       "nong_thon\r\nHO-X", "", " ", String(repeating: "ơ", count: 3000)]
        return choices[Int.random(in: 0..<choices.count, using: &g)]
    }

    // MARK: CSV

    static func csv(_ g: inout Generator) -> Data {
        var rows = rows(&g)
        for _ in 0..<Int.random(in: 0...6, using: &g) {
            let r = Int.random(in: 0..<rows.count, using: &g)
            if !rows[r].isEmpty { rows[r][Int.random(in: 0..<rows[r].count, using: &g)] = oddCell(&g) }
        }
        let separator = ["\n", "\r\n", "\r"][Int.random(in: 0...2, using: &g)]
        var data = Data(rows.map { $0.map { cell in
            cell.contains(",") || cell.contains("\"") || cell.contains("\n") ? "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : cell
        }.joined(separator: ",") }.joined(separator: separator).utf8)
        switch Int.random(in: 0...9, using: &g) {
        case 0: data = data.prefix(Int.random(in: 0...data.count, using: &g))
        case 1: flip(&data, &g)
        case 2:  // a stray quote that never closes
            data.insert(UInt8(ascii: "\""), at: Int.random(in: 0...data.count, using: &g))
        case 3:  // Latin-1 or Windows-1258 bytes, invalid as UTF-8
            data.append(contentsOf: [0x0A, 0x48, 0x4F, 0xD0, 0xE3, 0xF5, 0x2C, 0x32, 0x30, 0x32, 0x35])
        case 4: data = Data([0xFF, 0xFE]) + Data(String(decoding: data, as: UTF8.self).utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        case 5: data = Data([0xEF, 0xBB, 0xBF]) + data
        case 6: data.append(Data((",x" as String).utf8.map { $0 }.repeated(Int.random(in: 1...20_000, using: &g))))
        case 7: data.append(Data(String(repeating: "a", count: Int.random(in: 100_000...200_000, using: &g)).utf8))
        case 8: data = Data(String(decoding: data, as: UTF8.self).replacingOccurrences(of: ",", with: ";").utf8)
        default: break
        }
        return data
    }

    static func flip(_ data: inout Data, _ g: inout Generator) {
        guard !data.isEmpty else { return }
        for _ in 0..<Int.random(in: 1...16, using: &g) {
            data[Int.random(in: 0..<data.count, using: &g)] = UInt8.random(in: 0...255, using: &g)
        }
    }

    // MARK: XLSX

    static func sheetXML(_ g: inout Generator, rows: [[String]], strings: inout [String]) -> String {
        var xml = #"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#
        func column(_ i: Int) -> String {
            var n = i + 1, s = ""
            while n > 0 { s = String(UnicodeScalar(UInt8(65 + (n - 1) % 26))) + s; n = (n - 1) / 26 }
            return s
        }
        for (r, row) in rows.enumerated() {
            xml += "<row r=\"\(r + 1)\">"
            for (c, cell) in row.enumerated() {
                let ref = column(c) + "\(r + 1)"
                let escaped = cell.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                switch Int.random(in: 0...3, using: &g) {
                case 0:
                    strings.append(escaped)
                    xml += "<c r=\"\(ref)\" t=\"s\"><v>\(strings.count - 1)</v></c>"
                case 1 where Int(cell) != nil: xml += "<c r=\"\(ref)\"><v>\(cell)</v></c>"
                default: xml += "<c r=\"\(ref)\" t=\"inlineStr\"><is><t>\(escaped)</t></is></c>"
                }
            }
            xml += "</row>"
        }
        // Hostile additions.
        let extras = [
            "<row r=\"500\"><c r=\"A500\" t=\"s\"><v>\(Int.random(in: 1_000...Int(Int32.max), using: &g))</v></c></row>",
            "<row r=\"501\"><c r=\"A501\" t=\"s\"><v>-1</v></c></row>",
            "<row r=\"502\"><c r=\"XFE502\"><v>1</v></c><c r=\"A0\"><v>2</v></c><c r=\"A99999999999\"><v>3</v></c></row>",
            "<row r=\"503\"><c r=\"A503\" t=\"str\"><f>SUM(A1:A2)</f><v>3</v></c><c r=\"B503\" t=\"e\"><v>#DIV/0!</v></c><c r=\"C503\" t=\"b\"><v>1</v></c></row>",
            "<row r=\"504\"><c r=\"A504\"><v>1e400</v></c><c r=\"B504\"><v>-99999999999999999999999</v></c><c r=\"C504\"><v>NaN</v></c></row>",
            "<row r=\"0\"><c><v>1</v></c></row><row r=\"-5\"><c><v>1</v></c></row><row r=\"99999999999999\"><c><v>1</v></c></row>",
            "<row r=\"505\"><c r=\"A505\" t=\"inlineStr\"><is>" + String(repeating: "<r><t>x</t></r>", count: 5_000) + "</is></c></row>",
            String(repeating: "<x>", count: Int.random(in: 1_000...60_000, using: &g)),
            "<row r=\"506\"><c r=\"A506\" t=\"inlineStr\"><is><t>\u{1}\u{7F}&#0;&#xD800;</t></is></c></row>",
            "<row r=\"507\"><c r=\"A507\" t=\"weird\"><v>1</v></c><c r=\"B507\" s=\"99999\"><v>2</v></c></row>",
        ]
        for _ in 0..<Int.random(in: 0...3, using: &g) { xml += extras[Int.random(in: 0..<extras.count, using: &g)] }
        return xml + "</sheetData></worksheet>"
    }

    static func xlsx(_ g: inout Generator, at path: String) throws {
        var rows = rows(&g)
        for _ in 0..<Int.random(in: 0...6, using: &g) {
            let r = Int.random(in: 0..<rows.count, using: &g)
            rows[r][Int.random(in: 0..<rows[r].count, using: &g)] = oddCell(&g)
        }
        var strings: [String] = []
        var sheet = Data(sheetXML(&g, rows: rows, strings: &strings).utf8)
        var sst = Data((#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#
                        + strings.map { "<si><t>\($0)</t></si>" }.joined() + "</sst>").utf8)
        switch Int.random(in: 0...7, using: &g) {
        case 0: sheet = sheet.prefix(Int.random(in: 0...sheet.count, using: &g))
        case 1: flip(&sheet, &g)
        case 2: flip(&sst, &g)
        case 3:  // entity declarations: a billion laughs, an external file
            let doctype = #"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;"><!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;"><!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;"><!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;"><!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;"><!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;"><!ENTITY xxe SYSTEM "file:///etc/passwd">]>"#
            sst = Data((doctype + "<sst><si><t>&lol9;</t></si><si><t>&xxe;</t></si></sst>").utf8)
            sheet = Data(#"<worksheet><sheetData><row><c t="s"><v>0</v></c><c t="s"><v>1</v></c></row></sheetData></worksheet>"#.utf8)
        case 4: sheet = Data(String(decoding: sheet, as: UTF8.self).replacingOccurrences(of: "encoding=\"UTF-8\"", with: "encoding=\"UTF-16\"").utf8)
        default: break
        }
        let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .create)
        func add(_ name: String, _ data: Data) throws {
            try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        let contentTypes = #"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>"#
        let rels = #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
        let book = #"<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="A" sheetId="1" r:id="rId1"/></sheets></workbook>"#
        let bookRels = #"<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#
        try add("[Content_Types].xml", Data(contentTypes.utf8))
        try add("_rels/.rels", Data(rels.utf8))
        if Int.random(in: 0...15, using: &g) != 0 { try add("xl/workbook.xml", Data(book.utf8)) }
        try add("xl/_rels/workbook.xml.rels", Data(bookRels.utf8))
        try add("xl/worksheets/sheet1.xml", sheet)
        if Int.random(in: 0...15, using: &g) != 0 { try add("xl/sharedStrings.xml", sst) }
        // The package itself damaged: cut short, or bytes flipped.
        switch Int.random(in: 0...9, using: &g) {
        case 0:
            let whole = try Data(contentsOf: URL(fileURLWithPath: path))
            try whole.prefix(Int.random(in: 0...whole.count, using: &g)).write(to: URL(fileURLWithPath: path))
        case 1:
            var whole = try Data(contentsOf: URL(fileURLWithPath: path))
            flip(&whole, &g)
            try whole.write(to: URL(fileURLWithPath: path))
        default: break
        }
    }

    // MARK: the run

    enum Outcome: Equatable { case read, refused, unclear(String) }

    /// Reads `path` as the import does — through the reader and the survey contract: read to
    /// the end (the contract's problems each name a row and a column), refused with a
    /// `SpreadsheetError` that says why, or something else (a failure).
    static func read(_ path: String) -> Outcome {
        do {
            let source = try Spreadsheet.open(path: path)
            var scan = SurveyScan()
            try source.forEachRow { row, cells in _ = scan.consume(row: row, cells: cells) }
            let (shown, _) = scan.issues()
            if let unclear = shown.first(where: { $0.row < 1 || $0.column.isEmpty && $0.row > 1 }) { return .unclear("an issue without its place: \(unclear)") }
            return .read
        } catch let error as SpreadsheetError {
            return error.description.isEmpty ? .unclear("an empty refusal") : .refused
        } catch {
            return .unclear("not a SpreadsheetError: \(String(reflecting: error))")
        }
    }

    static func residentMemory() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return 0 }
        return (Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) * 1024
    }

    @Test("hostile CSV and XLSX files: read or refused clearly, memory bounded")
    func hostileFiles() throws {
        let environment = ProcessInfo.processInfo.environment
        let seconds = environment["GIAMNGHEO_FUZZ_SECONDS"].flatMap(Double.init)
        let seed = environment["GIAMNGHEO_FUZZ_SEED"].flatMap(UInt64.init) ?? (seconds == nil ? 20_261_206 : UInt64.random(in: 1...UInt64.max / 2))
        let dir = try makeTemporaryDirectory()
        let started = Date()
        let baseline = Self.residentMemory()
        var cases = 0, refused = 0
        while seconds.map({ Date().timeIntervalSince(started) < $0 }) ?? (cases < 2_000) {
            var g = Generator(seed: seed &+ UInt64(cases))
            let isCSV = cases % 2 == 0
            let path = dir.appendingPathComponent("ca-\(cases).\(isCSV ? "csv" : "xlsx")").path
            if isCSV { try Self.csv(&g).write(to: URL(fileURLWithPath: path)) } else { try Self.xlsx(&g, at: path) }
            switch Self.read(path) {
            case .unclear(let problem): Issue.record("case \(cases) (seed \(seed)), kept at \(path): \(problem)")
            case .refused: refused += 1; try? FileManager.default.removeItem(atPath: path)
            case .read: try? FileManager.default.removeItem(atPath: path)
            }
            let grown = Self.residentMemory() - baseline
            #expect(grown < 1 << 30, "case \(cases) (seed \(seed)): resident memory grew by \(grown >> 20) MiB")
            cases += 1
        }
        // Both kinds of ending are exercised.
        #expect(refused > cases / 10 && refused < cases * 9 / 10, "\(refused) of \(cases) refused")
        print("fuzz: \(cases) files (seed \(seed)), \(refused) refused, in \(Int(Date().timeIntervalSince(started))) s")
    }
}

private extension Array {
    func repeated(_ n: Int) -> [Element] { Array((0..<n).map { _ in self }.joined()) }
}
