/// Drives the survey contract over a stream of rows: the header, then each data row.
/// Collects every problem (keeping the first `limit` in row order, counting the rest)
/// and detects household codes repeated within a year.
///
/// Duplicate detection keeps one 64-bit hash per row, not the codes, so memory stays
/// small; a repeated hash marks a *suspect* that `confirmDuplicates` checks exactly
/// in a second pass over the rows (which only runs when there are suspects).
public struct SurveyScan: Sendable {
    public let catalog: StandardCatalog
    public let standardOverride: PovertyStandard?
    public let limit: Int
    public private(set) var parser: SurveyRowParser?
    private var rowIssues: [SurveyIssue] = []
    private var rowIssueCount = 0
    private var duplicateIssues: [SurveyIssue] = []
    private var duplicateCount = 0
    private var seenHashes = Set<UInt64>()
    private var suspects = Set<UInt64>()
    public private(set) var recordCount = 0
    /// When false, the caller keeps the duplicate hashes itself (e.g. on disk, to bound memory)
    /// and hands back the repeated ones through `addSuspects`.
    public let tracksDuplicatesInMemory: Bool

    public init(catalog: StandardCatalog = .builtIn, standardOverride: PovertyStandard? = nil, limit: Int = 200,
                tracksDuplicatesInMemory: Bool = true) {
        self.catalog = catalog
        self.standardOverride = standardOverride
        self.limit = limit
        self.tracksDuplicatesInMemory = tracksDuplicatesInMemory
    }

    /// Hashes seen more than once, found by a caller that tracks duplicates itself.
    public mutating func addSuspects(_ hashes: Set<UInt64>) { suspects.formUnion(hashes) }

    /// Columns the contract ignores, as written (known once the header is read).
    public var unknownColumns: [String] { parser?.layout.unknownColumns ?? [] }

    /// True once any problem has been found.
    public var hasIssues: Bool { totalIssues > 0 }

    /// An empty file (no header row) counts as one problem, as `issues()` reports it.
    public var totalIssues: Int {
        guard parser != nil else { return 1 }
        return headerIssueCount + rowIssueCount + duplicateCount
    }

    /// Kept in step with the parser's header issues, so that `hasIssues` is cheap per row.
    private var headerIssueCount = 0

    /// True when a second pass is needed to confirm repeated household codes.
    public var needsDuplicateCheck: Bool { !suspects.isEmpty }

    /// Feeds one row. Returns a record for a valid data row; nil for the header,
    /// an empty row, or a row with problems.
    public mutating func consume(row: Int, cells: [String]) -> SurveyRecord? {
        guard parser != nil else {
            parser = SurveyRowParser(layout: SurveyLayout(header: cells, catalog: catalog, standardOverride: standardOverride))
            headerIssueCount = parser!.headerIssueCount
            return nil
        }
        var found: [SurveyIssue] = []
        let record = parser!.parse(row: row, cells: cells, issues: &found)  // in place, no copy
        headerIssueCount = parser!.headerIssueCount
        if !found.isEmpty {
            rowIssueCount += found.count
            for issue in found where rowIssues.count < limit { rowIssues.append(issue) }
        }
        guard let record else { return nil }
        recordCount += 1
        if tracksDuplicatesInMemory {
            let h = Self.hash(year: record.year, code: record.householdCode)
            if !seenHashes.insert(h).inserted { suspects.insert(h) }
        }
        return record
    }

    /// Second pass, only when `needsDuplicateCheck`: feed every row again (header included).
    public mutating func confirmDuplicates(_ rows: (_ visit: (Int, [String]) -> Void) throws -> Void) rethrows {
        guard let parser, !suspects.isEmpty else { return }
        let layout = parser.layout
        guard let codeColumn = layout.index(of: .householdCode), let yearColumn = layout.index(of: .year) else { return }
        var firstRow: [String: Int] = [:]
        var found: [SurveyIssue] = []
        var count = 0
        try rows { row, cells in
            guard row > 1, codeColumn < cells.count, yearColumn < cells.count,
                  let year = Int(TextFolding.trim(cells[yearColumn])) else { return }
            let code = String(TextFolding.trim(cells[codeColumn]))
            guard !code.isEmpty, suspects.contains(Self.hash(year: year, code: code)) else { return }
            let key = "\(year)\u{1F}\(code)"
            if let first = firstRow[key] {
                count += 1
                if found.count < limit {
                    found.append(SurveyIssue(row: row, column: layout.headers[codeColumn],
                        message: Message("survey.household_code_already_row", .text(code), .number(first), .number(year)),
                        columnIndex: codeColumn))
                }
            } else {
                firstRow[key] = row
            }
        }
        duplicateIssues = found
        duplicateCount = count
        suspects.removeAll()
    }

    /// The problems to print (at most `limit`, by row then column) and how many there are in all.
    public func issues() -> (shown: [SurveyIssue], total: Int) {
        var all = (parser?.headerIssues ?? []) + rowIssues + duplicateIssues
        all.sort { ($0.row, $0.columnIndex) < ($1.row, $1.columnIndex) }
        if parser == nil {
            all = [SurveyIssue(row: 1, column: "ma_ho", message: Message("survey.file_empty_header_row"))]
        }
        return (Array(all.prefix(limit)), max(totalIssues, all.count))
    }

    /// The key under which a household code must be unique (within one year), hashed.
    /// Stable within one process only.
    public static func hash(year: Int, code: String) -> UInt64 {
        var h = Hasher()
        h.combine(year)
        h.combine(code)
        return UInt64(bitPattern: Int64(h.finalize()))
    }
}
