import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import ZIPFoundation

/// Reads the first sheet of an Office Open XML workbook (`.xlsx`) as rows of strings.
///
/// How the first sheet is found: `_rels/.rels` names the workbook part (normally
/// `xl/workbook.xml`); its first `<sheet>` element (the leftmost tab) carries an `r:id`
/// that `xl/_rels/workbook.xml.rels` maps to the worksheet part. Shared strings are
/// found through the same relationships file.
///
/// Memory: the shared-string table is the only thing held for the whole read. The
/// worksheet XML is extracted to a temporary file (deleted afterwards) and parsed as a
/// stream, one row at a time, so memory does not grow with the number of rows.
///
/// What each cell becomes:
/// - shared (`t="s"`), inline (`t="inlineStr"`) and formula (`t="str"`) strings: their
///   text; rich-text runs are joined, phonetic guides (`<rPh>`) are left out, and the
///   OOXML escapes `_xHHHH_` are decoded as Excel does;
/// - booleans (`t="b"`): `"1"` or `"0"`;
/// - errors (`t="e"`): the error text, such as `"#N/A"`;
/// - numbers: an integral value is written as plain digits (`"1500000"` whether the file
///   says `1500000`, `1500000.0` or `1.5E6`), computed exactly from the decimal literal;
///   any other number is kept as written (`"0.5"`). Dates are numbers in XLSX and come
///   out as their serial numbers, since styles are not read;
/// - a cell with no value (or a formula with no cached result): `""`.
///
/// Row shape: cells are placed by their `r` reference (`C7` is index 2), gaps are filled
/// with `""`, and trailing empty cells are always trimmed, so a row ends at its last
/// non-empty cell and a row with no content is yielded as `[]` (like a blank CSV line).
/// Row numbers come from the rows' `r` attribute; rows absent from the file (Excel
/// leaves out empty rows) are not yielded at all.
public struct XLSXReader: RowSource, Sendable {
    public let path: String
    public let limits: SpreadsheetLimits

    public init(path: String, limits: SpreadsheetLimits = .standard) {
        self.path = path
        self.limits = limits
    }

    public func forEachRow(_ body: (Int, [String]) throws -> Void) throws {
        let package = try XLSXPackage(path: path, limits: limits)
        let sheet = try package.firstSheet()
        let sharedStrings = try sheet.sharedStringsPart.map { try package.sharedStrings(part: $0) } ?? []
        try withoutActuallyEscaping(body) { body in
            let handler = SheetHandler(path: path, part: sheet.part, sharedStrings: sharedStrings, limits: limits, body: body)
            _ = try package.parse(part: sheet.part, with: handler)
        }
    }
}

// MARK: - Package structure

/// The ZIP container of a workbook, with the part lookups and the streaming parse.
private struct XLSXPackage {
    let path: String
    let archive: Archive
    let limits: SpreadsheetLimits

    init(path: String, limits: SpreadsheetLimits) throws {
        self.limits = limits
        guard FileManager.default.fileExists(atPath: path) else {
            throw SpreadsheetError.cannotOpen(path: path, reason: "không có tệp này / no such file")
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw SpreadsheetError.cannotOpen(path: path, reason: "không đọc được / unreadable")
        }
        self.path = path
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            let handle = FileHandle(forReadingAtPath: path)
            let magic = (try? handle?.read(upToCount: 4)) ?? Data()
            try? handle?.close()
            if magic.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) {
                // An OLE compound file: Excel 97-2003, or an .xlsx encrypted with a password.
                throw SpreadsheetError.notAnXLSX(
                    path: path,
                    reason: "đây là tệp .xls cũ hoặc tệp có mật khẩu; hãy lưu lại thành .xlsx không mật khẩu / "
                        + "this is an old .xls or a password-protected file; save it as .xlsx without a password")
            }
            throw SpreadsheetError.notAnXLSX(
                path: path, reason: "không phải tệp nén ZIP / not a ZIP archive")
        }
    }

    /// The first worksheet's part and the shared-strings part, if the workbook has one.
    struct FirstSheet {
        var part: String
        var sharedStringsPart: String?
    }

    func firstSheet() throws -> FirstSheet {
        // The package relationships name the workbook; fall back to the usual place.
        var workbookPart = "xl/workbook.xml"
        if entry("_rels/.rels") != nil {
            let rels = try parse(part: "_rels/.rels", with: RelationshipsHandler())
            if let office = rels.relationships.first(where: { $0.type.hasSuffix("/officeDocument") }) {
                workbookPart = PartPath.resolve(office.target, relativeTo: "")
            }
        }
        guard entry(workbookPart) != nil else {
            throw SpreadsheetError.notAnXLSX(
                path: path,
                reason: "không có sổ tính \(workbookPart) (tệp nén này không phải bảng tính Excel) / "
                    + "no workbook \(workbookPart) (this ZIP is not an Excel workbook)")
        }
        let workbook = try parse(part: workbookPart, with: WorkbookHandler())
        guard workbook.rootElement == "workbook" else {
            throw SpreadsheetError.notAnXLSX(
                path: path,
                reason: "\(workbookPart) không phải sổ tính Excel (tệp Word, PowerPoint?) / "
                    + "\(workbookPart) is not an Excel workbook (a Word or PowerPoint file?)")
        }
        guard let sheetID = workbook.firstSheetRelationshipID else {
            throw SpreadsheetError.notAnXLSX(
                path: path, reason: "sổ tính không có trang tính nào / the workbook has no sheet")
        }
        let sheetName = workbook.firstSheetName ?? "?"

        let relsPart = PartPath.relationshipsPart(for: workbookPart)
        guard entry(relsPart) != nil else {
            throw SpreadsheetError.notAnXLSX(
                path: path, reason: "thiếu \(relsPart) / \(relsPart) is missing")
        }
        let rels = try parse(part: relsPart, with: RelationshipsHandler()).relationships
        let workbookDirectory = PartPath.directory(of: workbookPart)

        guard let sheetRel = rels.first(where: { $0.id == sheetID }) else {
            throw SpreadsheetError.notAnXLSX(
                path: path,
                reason: "trang tính đầu tiên '\(sheetName)' (\(sheetID)) không có trong \(relsPart) / "
                    + "the first sheet '\(sheetName)' (\(sheetID)) is not listed in \(relsPart)")
        }
        guard sheetRel.type.hasSuffix("/worksheet"), !sheetRel.isExternal else {
            throw SpreadsheetError.notAnXLSX(
                path: path,
                reason: "trang đầu tiên '\(sheetName)' không phải trang tính dữ liệu (biểu đồ?) / "
                    + "the first sheet '\(sheetName)' is not a worksheet (a chart sheet?)")
        }
        let sheetPart = PartPath.resolve(sheetRel.target, relativeTo: workbookDirectory)
        guard entry(sheetPart) != nil else {
            throw SpreadsheetError.notAnXLSX(
                path: path,
                reason: "thiếu trang tính đầu tiên '\(sheetName)' (\(sheetPart)) / "
                    + "the first sheet '\(sheetName)' (\(sheetPart)) is missing")
        }

        var stringsPart: String?
        if let rel = rels.first(where: { $0.type.hasSuffix("/sharedStrings") && !$0.isExternal }) {
            stringsPart = PartPath.resolve(rel.target, relativeTo: workbookDirectory)
        } else if entry("xl/sharedStrings.xml") != nil {
            stringsPart = "xl/sharedStrings.xml"
        }
        if let part = stringsPart, entry(part) == nil {
            throw SpreadsheetError.notAnXLSX(
                path: path, reason: "thiếu bảng chuỗi \(part) / the shared strings \(part) are missing")
        }
        return FirstSheet(part: sheetPart, sharedStringsPart: stringsPart)
    }

    func sharedStrings(part: String) throws -> [String] {
        try parse(part: part, with: SharedStringsHandler(path: path, limits: limits)).strings
    }

    /// The ZIP entry of a part: exact name first, then ignoring case and backslashes
    /// (some ZIP tools on Windows write `xl\workbook.xml`).
    func entry(_ part: String) -> Entry? {
        if let entry = archive[part] { return entry }
        let wanted = part.lowercased()
        return archive.first {
            $0.type == .file && $0.path.replacingOccurrences(of: "\\", with: "/").lowercased() == wanted
        }
    }

    /// Extracts `part` to a temporary file and streams it through `handler` with
    /// `XMLParser`; returns the handler in its final state.
    func parse<Handler: XMLPartHandler>(part: String, with handler: Handler) throws -> Handler {
        guard let entry = entry(part) else {
            throw SpreadsheetError.notAnXLSX(path: path, reason: "thiếu \(part) / \(part) is missing")
        }
        let fileManager = FileManager.default
        let temporary = TemporaryFiles.url("part", ending: ".xml")
        guard fileManager.createFile(atPath: temporary.path, contents: nil) else {
            throw SpreadsheetError.cannotWrite(
                path: temporary.path, reason: "không tạo được tệp tạm / cannot create a temporary file")
        }
        defer { try? fileManager.removeItem(at: temporary) }

        var writeError: (any Error)?
        var refusal: SpreadsheetError?
        do {
            let handle = try FileHandle(forWritingTo: temporary)
            defer { try? handle.close() }
            // Bounded while it unpacks: a part past the size limit, or unpacking far beyond what
            // its compressed size could honestly hold, stops the extraction (a ZIP bomb never
            // reaches the disk in full).
            let compressed = Int64(max(entry.compressedSize, 1))
            var written: Int64 = 0
            _ = try archive.extract(entry, consumer: { data in
                written += Int64(data.count)
                if written > limits.maxPartBytes {
                    refusal = .tooLarge(path: path, what: .part, limit: limits.maxPartBytes)
                } else if written > min(16 << 20, limits.maxPartBytes / 8), written / compressed > limits.maxCompressionRatio {
                    refusal = .tooLarge(path: path, what: .compression, limit: limits.maxCompressionRatio)
                }
                if let refusal { throw refusal }
                do { try handle.write(contentsOf: data) } catch { writeError = error; throw error }
            })
        } catch {
            if let refusal { throw refusal }
            if let writeError {
                throw SpreadsheetError.cannotWrite(path: temporary.path, reason: "\(writeError)")
            }
            throw SpreadsheetError.notAnXLSX(
                path: path, reason: "phần \(part) bị hỏng / part \(part) is damaged (\(error))")
        }

        guard let stream = InputStream(url: temporary) else {
            throw SpreadsheetError.cannotOpen(
                path: temporary.path, reason: "không đọc được tệp tạm / cannot read the temporary file")
        }
        let delegate = PartDelegate(handler)
        let parser = XMLParser(stream: stream)
        parser.shouldProcessNamespaces = false
        parser.shouldResolveExternalEntities = false
        parser.delegate = delegate
        let succeeded = parser.parse()
        parser.delegate = nil

        if let failure = delegate.failure { throw failure }
        if delegate.stoppedEarly { return delegate.handler }
        if let problem = delegate.xmlError {
            throw malformed(part: part, line: problem.line, column: problem.column, detail: problem.detail)
        }
        if !succeeded {
            let detail = parser.parserError.map { describeXMLError($0) } ?? "?"
            throw malformed(part: part, line: parser.lineNumber, column: parser.columnNumber, detail: detail)
        }
        if !delegate.sawElement {
            throw SpreadsheetError.notAnXLSX(
                path: path, reason: "phần \(part) rỗng / part \(part) is empty")
        }
        return delegate.handler
    }

    private func malformed(part: String, line: Int, column: Int, detail: String) -> SpreadsheetError {
        .notAnXLSX(
            path: path,
            reason: "XML hỏng trong \(part) ở dòng \(line), cột \(column) / "
                + "malformed XML in \(part) at line \(line), column \(column): \(detail)")
    }
}

/// Part names inside the package (`xl/worksheets/sheet1.xml`, no leading slash).
enum PartPath {
    /// The folder holding `part` (`"xl"` for `"xl/workbook.xml"`, `""` at the root).
    static func directory(of part: String) -> String {
        guard let slash = part.lastIndex(of: "/") else { return "" }
        return String(part[..<slash])
    }

    /// Where the relationships of `part` live: `xl/_rels/workbook.xml.rels`.
    static func relationshipsPart(for part: String) -> String {
        let folder = directory(of: part)
        let name = folder.isEmpty ? part : String(part.dropFirst(folder.count + 1))
        return folder.isEmpty ? "_rels/\(name).rels" : "\(folder)/_rels/\(name).rels"
    }

    /// Resolves a relationship target: absolute (`/xl/worksheets/sheet1.xml`) from the
    /// package root, relative (`worksheets/sheet1.xml`, `../x.xml`) from `folder`.
    static func resolve(_ target: String, relativeTo folder: String) -> String {
        let decoded = target.removingPercentEncoding ?? target
        var segments: [Substring] = []
        let pieces: [Substring]
        if decoded.hasPrefix("/") {
            pieces = decoded.split(separator: "/")
        } else {
            pieces = folder.split(separator: "/") + decoded.split(separator: "/")
        }
        for piece in pieces {
            switch piece {
            case ".": continue
            case "..": if !segments.isEmpty { segments.removeLast() }
            default: segments.append(piece)
            }
        }
        return segments.joined(separator: "/")
    }
}

// MARK: - Streaming XML plumbing

/// What a part's parse does with the elements and text the parser reports.
/// Element names arrive without their namespace prefix (`x:row` → `row`).
protocol XMLPartHandler {
    mutating func start(_ name: Substring, attributes: [String: String]) throws
    mutating func end(_ name: Substring) throws
    mutating func text(_ text: String)
    /// Set once the handler has what it needs; the parse then stops without error.
    var isDone: Bool { get }
}

extension XMLPartHandler {
    var isDone: Bool { false }
}

/// A short text for an `XMLParser` error: libxml2's message when there is one.
private func describeXMLError(_ error: any Error) -> String {
    let error = error as NSError
    if let message = error.userInfo["NSXMLParserErrorMessage"] as? String {
        return message.trimmingCharacters(in: .whitespacesAndNewlines) + " (code \(error.code))"
    }
    // On Linux the code is libxml2's (76: mismatched end tag) and comes without a message.
    return "\(error.domain) error \(error.code)"
}

/// The one `XMLParserDelegate`: forwards events to a value-type handler, stops the
/// parse at the first error (an XML error, or one thrown by the handler, such as the
/// row consumer's) and remembers it, since delegate methods cannot throw.
private final class PartDelegate<Handler: XMLPartHandler>: NSObject, XMLParserDelegate {
    var handler: Handler
    private(set) var failure: (any Error)?
    private(set) var xmlError: (line: Int, column: Int, detail: String)?
    private(set) var stoppedEarly = false
    private(set) var sawElement = false
    private var stopped = false

    init(_ handler: Handler) { self.handler = handler }

    private static func localName(_ name: String) -> Substring {
        guard let colon = name.lastIndex(of: ":") else { return name[...] }
        return name[name.index(after: colon)...]
    }

    private func run(_ parser: XMLParser, _ step: (inout Handler) throws -> Void) {
        guard !stopped else { return }
        do {
            try step(&handler)
            if handler.isDone {
                stoppedEarly = true
                stop(parser)
            }
        } catch {
            failure = error
            stop(parser)
        }
    }

    private func stop(_ parser: XMLParser) {
        stopped = true
        parser.abortParsing()
    }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
        qualifiedName qName: String?, attributes attributeDict: [String: String]
    ) {
        sawElement = true
        run(parser) { try $0.start(Self.localName(elementName), attributes: attributeDict) }
    }

    func parser(
        _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
        qualifiedName qName: String?
    ) {
        run(parser) { try $0.end(Self.localName(elementName)) }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if !stopped { handler.text(string) }
    }

    func parser(_ parser: XMLParser, foundIgnorableWhitespace whitespaceString: String) {
        if !stopped { handler.text(whitespaceString) }
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        if !stopped { handler.text(String(decoding: CDATABlock, as: UTF8.self)) }
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
        guard !stopped else { return }
        xmlError = (parser.lineNumber, parser.columnNumber, describeXMLError(parseError))
        stop(parser)
    }
}

// MARK: - Part handlers

/// `_rels/*.rels`: the relationships of a part.
private struct RelationshipsHandler: XMLPartHandler {
    struct Relationship {
        var id: String
        var type: String
        var target: String
        var isExternal: Bool
    }
    var relationships: [Relationship] = []

    mutating func start(_ name: Substring, attributes: [String: String]) {
        guard name == "Relationship", let id = attributes["Id"], let target = attributes["Target"] else { return }
        relationships.append(Relationship(
            id: id, type: attributes["Type"] ?? "", target: target,
            isExternal: attributes["TargetMode"] == "External"))
    }

    mutating func end(_ name: Substring) {}
    mutating func text(_ text: String) {}
}

/// `xl/workbook.xml`: stops at the first `<sheet>`, the leftmost tab.
private struct WorkbookHandler: XMLPartHandler {
    var rootElement: String?
    var firstSheetRelationshipID: String?
    var firstSheetName: String?
    var isDone = false

    mutating func start(_ name: Substring, attributes: [String: String]) {
        if rootElement == nil {
            rootElement = String(name)
            isDone = name != "workbook"  // a Word or PowerPoint file, say
        }
        guard name == "sheet" else { return }
        firstSheetName = attributes["name"]
        // `r:id`, whatever prefix the producer bound to the relationships namespace.
        firstSheetRelationshipID = attributes["r:id"]
            ?? attributes.first(where: { $0.key.hasSuffix(":id") })?.value
        isDone = true
    }

    mutating func end(_ name: Substring) {}
    mutating func text(_ text: String) {}
}

/// `xl/sharedStrings.xml`: one string per `<si>`, the `<t>` texts joined (plain or
/// rich-text runs), phonetic `<rPh>` runs left out.
private struct SharedStringsHandler: XMLPartHandler {
    let path: String
    let limits: SpreadsheetLimits
    var strings: [String] = []
    private var bytes = 0
    private var tooLong = false
    private var current = ""

    init(path: String, limits: SpreadsheetLimits) {
        self.path = path
        self.limits = limits
    }
    private var inItem = false
    private var inText = false
    private var phoneticDepth = 0

    mutating func start(_ name: Substring, attributes: [String: String]) {
        switch name {
        case "sst":
            if let count = attributes["uniqueCount"].flatMap({ Int($0) }), count > 0 {
                strings.reserveCapacity(min(count, 1 << 20))
            }
        case "si":
            inItem = true
            current = ""
        case "rPh":
            phoneticDepth += 1
        case "t":
            inText = inItem && phoneticDepth == 0
        default:
            break
        }
    }

    mutating func end(_ name: Substring) throws {
        switch name {
        case "si":
            if tooLong { throw SpreadsheetError.tooLarge(path: path, what: .cell, limit: Int64(limits.maxCellBytes)) }
            bytes += current.utf8.count
            guard strings.count < limits.maxSharedStrings else {
                throw SpreadsheetError.tooLarge(path: path, what: .sharedStrings, limit: Int64(limits.maxSharedStrings))
            }
            guard bytes <= limits.maxSharedStringBytes else {
                throw SpreadsheetError.tooLarge(path: path, what: .sharedStringBytes, limit: Int64(limits.maxSharedStringBytes))
            }
            strings.append(OOXMLText.decodeEscapes(current))
            inItem = false
            inText = false
        case "rPh":
            phoneticDepth = max(0, phoneticDepth - 1)
        case "t":
            inText = false
        default:
            break
        }
    }

    mutating func text(_ text: String) {
        guard inText, !tooLong else { return }
        if current.utf8.count + text.utf8.count > limits.maxCellBytes { tooLong = true; return }
        current += text
    }
}

/// A worksheet: builds each row's cells and hands the row to the consumer at `</row>`.
private struct SheetHandler: XMLPartHandler {
    let path: String
    let part: String
    let sharedStrings: [String]
    let limits: SpreadsheetLimits
    let body: (Int, [String]) throws -> Void

    var isDone = false
    private var rows = 0
    private var tooLong = false
    private var cells: [String] = []
    private var rowNumber = 0
    private var inRow = false
    private var column = -1
    private var cellType = ""
    private var inCell = false
    private var inInlineString = false
    private var phoneticDepth = 0
    private var collecting = false
    private var value = ""

    /// Excel's last column is XFD (16,384 columns).
    static let maxColumns = 16_384

    init(path: String, part: String, sharedStrings: [String], limits: SpreadsheetLimits, body: @escaping (Int, [String]) throws -> Void) {
        self.path = path
        self.part = part
        self.sharedStrings = sharedStrings
        self.limits = limits
        self.body = body
        cells.reserveCapacity(64)
    }

    mutating func start(_ name: Substring, attributes: [String: String]) throws {
        switch name {
        case "row":
            let number = attributes["r"].flatMap { Int($0) }
            rowNumber = number.map { max($0, 1) } ?? rowNumber + 1
            rows += 1
            guard rows <= limits.maxRows, rowNumber <= 1_048_576 else {
                throw SpreadsheetError.tooLarge(path: path, what: .rows, limit: Int64(min(limits.maxRows, 1_048_576)))
            }
            inRow = true
            column = -1
            cells.removeAll(keepingCapacity: true)
        case "c" where inRow:
            if let reference = attributes["r"], let index = CellReference.columnIndex(in: reference) {
                column = index
            } else {
                column += 1
            }
            guard column < Self.maxColumns else {
                throw SpreadsheetError.notAnXLSX(
                    path: path,
                    reason: "ô \(attributes["r"] ?? "?") ở dòng \(rowNumber) vượt quá cột XFD / "
                        + "cell \(attributes["r"] ?? "?") in row \(rowNumber) is beyond column XFD")
            }
            cellType = attributes["t"] ?? ""
            inCell = true
            value = ""
            tooLong = false
        case "v" where inCell:
            collecting = true
        case "is" where inCell:
            inInlineString = true
        case "rPh":
            phoneticDepth += 1
        case "t" where inInlineString:
            collecting = phoneticDepth == 0
        default:
            break
        }
    }

    mutating func end(_ name: Substring) throws {
        switch name {
        case "v", "t":
            collecting = false
        case "rPh":
            phoneticDepth = max(0, phoneticDepth - 1)
        case "is":
            inInlineString = false
        case "c" where inCell:
            inCell = false
            collecting = false
            if tooLong { throw SpreadsheetError.tooLarge(path: path, what: .cell, limit: Int64(limits.maxCellBytes)) }
            let text = try cellText()
            if column >= limits.maxColumns {
                // Past the last column read: an empty cell is dropped, a filled one refuses the file.
                guard text.allSatisfy(\.isWhitespace) else {
                    throw SpreadsheetError.tooWide(path: path, row: rowNumber, column: column, limit: limits.maxColumns)
                }
                return
            }
            if column >= cells.count {
                cells.append(contentsOf: repeatElement("", count: column - cells.count + 1))
            }
            cells[column] = text
        case "row" where inRow:
            inRow = false
            while let last = cells.last, last.isEmpty { cells.removeLast() }
            try body(rowNumber, cells)
        case "sheetData":
            isDone = true  // nothing after the cells matters here
        default:
            break
        }
    }

    mutating func text(_ text: String) {
        guard collecting, !tooLong else { return }
        if value.utf8.count + text.utf8.count > limits.maxCellBytes { tooLong = true; return }
        value += text
    }

    /// The current cell's value rendered as text, per its `t` type.
    private func cellText() throws -> String {
        switch cellType {
        case "s":
            let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { return "" }
            guard let index = Int(trimmed), sharedStrings.indices.contains(index) else {
                let cell = CellReference.columnName(column) + String(rowNumber)
                throw SpreadsheetError.notAnXLSX(
                    path: path,
                    reason: "ô \(cell) trỏ tới chuỗi dùng chung số \(trimmed) không có trong tệp / "
                        + "cell \(cell) refers to shared string \(trimmed), which does not exist")
            }
            return sharedStrings[index]
        case "inlineStr", "str":
            return OOXMLText.decodeEscapes(value)
        case "b":
            switch value.trimmingCharacters(in: .whitespacesAndNewlines) {
            case "": return ""
            case "1", "true", "TRUE": return "1"
            default: return "0"
            }
        case "e", "d":
            return value.trimmingCharacters(in: .whitespacesAndNewlines)
        default:
            return XLSXNumber.render(value)
        }
    }
}

// MARK: - Values

/// Cell references such as `C7` or `AB12`.
enum CellReference {
    /// The 0-based column of a reference (`"C7"` → 2, `"AA1"` → 26), or nil if it has
    /// no column letters. Letters past Excel's range give an index ≥ 16,384.
    static func columnIndex(in reference: String) -> Int? {
        var index = 0
        var letters = 0
        for byte in reference.utf8 {
            let letter: UInt8
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): letter = byte - UInt8(ascii: "A")
            case UInt8(ascii: "a")...UInt8(ascii: "z"): letter = byte - UInt8(ascii: "a")
            case UInt8(ascii: "$") where letters == 0: continue
            default:
                return letters == 0 ? nil : index - 1
            }
            letters += 1
            if letters > 4 { return Int.max }  // far beyond XFD; avoid overflow
            index = index * 26 + Int(letter) + 1
        }
        return letters == 0 ? nil : index - 1
    }

    /// The letters of a 0-based column index: 0 → `A`, 25 → `Z`, 26 → `AA`, 27 → `AB`.
    static func columnName(_ index: Int) -> String {
        var n = index + 1
        var letters: [UInt8] = []
        while n > 0 {
            let remainder = (n - 1) % 26
            letters.append(UInt8(ascii: "A") + UInt8(remainder))
            n = (n - 1) / 26
        }
        return String(decoding: letters.reversed(), as: UTF8.self)
    }
}

/// Numbers as stored in `<v>`: decimal literals such as `1500000`, `0.5`, `1.5E6`.
enum XLSXNumber {
    /// Integral values longer than this many digits keep their literal form.
    static let maxIntegerDigits = 30

    /// An integral literal becomes plain digits (`"1.5E6"` → `"1500000"`, `"-3.0"` →
    /// `"-3"`), computed exactly on the decimal digits, never through `Double`. Anything
    /// else (fractions, text that is not a number) is returned as written, trimmed.
    static func render(_ literal: String) -> String {
        let text = literal.trimmingCharacters(in: .whitespacesAndNewlines)
        let bytes = Array(text.utf8)
        var i = 0
        var negative = false
        if i < bytes.count, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
            negative = bytes[i] == UInt8(ascii: "-")
            i += 1
        }
        var digits: [UInt8] = []
        var fractionDigits = 0
        var sawDigit = false
        while i < bytes.count, isDigit(bytes[i]) {
            digits.append(bytes[i]); sawDigit = true; i += 1
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            while i < bytes.count, isDigit(bytes[i]) {
                digits.append(bytes[i]); fractionDigits += 1; sawDigit = true; i += 1
            }
        }
        guard sawDigit else { return text }
        var exponent = 0
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            var exponentNegative = false
            if i < bytes.count, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
                exponentNegative = bytes[i] == UInt8(ascii: "-")
                i += 1
            }
            var exponentDigits = 0
            while i < bytes.count, isDigit(bytes[i]) {
                exponent = exponent * 10 + Int(bytes[i] - UInt8(ascii: "0"))
                exponentDigits += 1
                i += 1
                if exponentDigits > 6 { return text }
            }
            guard exponentDigits > 0 else { return text }
            if exponentNegative { exponent = -exponent }
        }
        guard i == bytes.count else { return text }

        // value = digits × 10^(exponent − fractionDigits)
        var scale = exponent - fractionDigits
        let firstNonZero = digits.firstIndex { $0 != UInt8(ascii: "0") }
        guard let firstNonZero else { return "0" }
        digits.removeFirst(firstNonZero)
        while scale < 0, digits.last == UInt8(ascii: "0") {
            digits.removeLast()
            scale += 1
        }
        guard scale >= 0, digits.count + scale <= maxIntegerDigits else { return text }
        digits.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: scale))
        return (negative ? "-" : "") + String(decoding: digits, as: UTF8.self)
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
}

/// The `_xHHHH_` escapes of OOXML strings (ECMA-376 ST_Xstring), which Excel uses for
/// characters XML cannot carry, such as control characters.
enum OOXMLText {
    /// Decodes `_x000D_` to a carriage return, `_x005F_` to `_`, and so on.
    static func decodeEscapes(_ text: String) -> String {
        guard text.contains("_x") else { return text }
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            if startsEscape(scalars, at: i),
               let code = UInt32(String(String.UnicodeScalarView(scalars[(i + 2)..<(i + 6)])), radix: 16),
               let scalar = Unicode.Scalar(code) {
                out.append(scalar)
                i += 7
            } else {
                out.append(scalars[i])
                i += 1
            }
        }
        return String(out)
    }

    /// True when `scalars[i...]` starts an `_xHHHH_` sequence, which a writer must
    /// escape as `_x005F_xHHHH_` so that readers keep it literally.
    static func startsEscape(_ scalars: [Unicode.Scalar], at i: Int) -> Bool {
        guard scalars[i] == "_", i + 6 < scalars.count, scalars[i + 1] == "x", scalars[i + 6] == "_" else {
            return false
        }
        return scalars[(i + 2)..<(i + 6)].allSatisfy { $0.properties.isASCIIHexDigit }
    }
}
