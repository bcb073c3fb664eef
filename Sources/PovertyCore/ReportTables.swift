/// The standard tables of `reports.md` ("Biểu 1" … "Biểu 15") as renderer-neutral data:
/// the web page, XLSX, CSV and DOCX writers all draw the same `ReportTable`. Counts are
/// collected one household review at a time by `StandardTablesBuilder`, whose memory is
/// a fixed set of counters plus one entry per distinct ethnicity (never per household).

// MARK: - Table model

/// A text in Vietnamese and English.
public struct ReportText: Sendable, Hashable, CustomStringConvertible {
    public let vi: String
    public let en: String

    public init(_ vi: String, _ en: String) {
        self.vi = vi
        self.en = en
    }

    public func text(_ language: Reason.Language) -> String { language == .vi ? vi : en }
    public var description: String { "\(vi) / \(en)" }
}

/// One value column. `key` is a stable machine name (CSV headers, tests); `title` the header text.
public struct ReportColumn: Sendable, Hashable {
    public let key: String
    public let title: ReportText

    public init(_ key: String, _ vi: String, _ en: String) {
        self.key = key
        title = ReportText(vi, en)
    }
}

/// One row: a label and one value per column of the table.
public struct ReportRow: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// An ordinary line.
        case item
        /// A group line (a dimension, "Khả năng lao động", …), possibly with its own values.
        case heading
        /// The total line ("Tổng số").
        case total
    }

    public let key: String
    public let label: ReportText
    public var cells: [ReportValue]
    public let kind: Kind
    /// 0 for top-level lines, 1 for lines under a heading.
    public let level: Int
    /// A numbered line (a named list's STT): the label is this number, written as a number in a spreadsheet.
    public let number: Int?

    public init(key: String, label: ReportText, cells: [ReportValue], kind: Kind = .item, level: Int = 0) {
        self.key = key
        self.label = label
        self.cells = cells
        self.kind = kind
        self.level = level
        self.number = nil
    }

    /// Line `number` of a numbered list.
    public init(key: String, number: Int, cells: [ReportValue]) {
        self.key = key
        self.label = ReportText(String(number), String(number))
        self.cells = cells
        self.kind = .item
        self.level = 0
        self.number = number
    }

    public var isTotal: Bool { kind == .total }
}

/// A table as officers know it: a numbered title, a header, rows, and notes under it.
public struct ReportTable: Sendable, Hashable {
    /// "Biểu n" of `reports.md` (1…15); nil for the union's own tables.
    public let number: Int?
    public let title: ReportText
    /// Review year and standard, or the scope of the table.
    public var subtitle: ReportText?
    /// Header of the label (first) column.
    public let labelHeader: ReportText
    /// Value columns; every row has exactly one cell per column.
    public let columns: [ReportColumn]
    public var rows: [ReportRow]
    /// Remarks printed under the table (missing data, how to read it).
    public var notes: [ReportText]

    public init(number: Int?, title: ReportText, subtitle: ReportText? = nil, labelHeader: ReportText,
                columns: [ReportColumn], rows: [ReportRow] = [], notes: [ReportText] = []) {
        self.number = number
        self.title = title
        self.subtitle = subtitle
        self.labelHeader = labelHeader
        self.columns = columns
        self.rows = rows
        self.notes = notes
    }

    public var titleVi: String { title.vi }
    public var titleEn: String { title.en }

    /// "Biểu 4. Title" / "Table 4. Title".
    public func caption(_ language: Reason.Language) -> String {
        guard let number else { return title.text(language) }
        return (language == .vi ? "Biểu \(number). " : "Table \(number). ") + title.text(language)
    }

    public func row(_ key: String) -> ReportRow? { rows.first { $0.key == key } }

    /// The cell of a row and column, by keys.
    public func value(_ rowKey: String, _ columnKey: String) -> ReportValue? {
        guard let c = columns.firstIndex(where: { $0.key == columnKey }), let r = row(rowKey) else { return nil }
        return r.cells[c]
    }
}

/// A cell. Exact values; text is made only by `display(language:)` (or by a renderer that
/// writes numbers natively, e.g. XLSX).
public enum ReportValue: Sendable, Hashable {
    /// Households (or other things counted).
    case count(Int)
    /// A part of a whole, shown as a percentage with one decimal.
    case share(Ratio)
    case money(Dong)
    case text(String)
    /// A text in both languages (a state, "yes").
    case label(ReportText)
    /// A plain decimal with three decimals (A, M0).
    case ratio(Ratio)
    /// An empty cell (heading lines, not applicable).
    case none

    /// Vietnamese: `1.234.567`, `12,5%`, `0,125`, `1.234.567 đ`; English: `1,234,567`, `12.5%`,
    /// `0.125`, `1,234,567 VND`. An undefined share or ratio (0 of 0) is `–`.
    public func display(language: Reason.Language) -> String {
        switch self {
        case .count(let n): ReportFormat.integer(n, language)
        case .share(let r): r.isDefined ? ReportFormat.decimal(r, decimals: 1, scale: 100, language) + "%" : "–"
        case .money(let d): ReportFormat.integer(d, language) + (language == .vi ? " đ" : " VND")
        case .text(let s): s
        case .label(let t): t.text(language)
        case .ratio(let r): r.isDefined ? ReportFormat.decimal(r, decimals: 3, scale: 1, language) : "–"
        case .none: ""
        }
    }
}

/// Number formatting for reports (built on `Money.format` and `Ratio.formatted`).
public enum ReportFormat {
    /// Thousands grouped with `.` (Vietnamese) or `,` (English).
    public static func integer(_ n: Int, _ language: Reason.Language) -> String {
        Money.format(n, separator: language == .vi ? UInt8(ascii: ".") : UInt8(ascii: ","))
    }

    /// `r × scale` with `decimals` decimals, halves away from zero, grouped; decimal comma in
    /// Vietnamese. Negative values (a rate of reduction when poverty grew) keep their sign;
    /// a value that rounds to zero has none.
    public static func decimal(_ r: Ratio, decimals: Int, scale: Int, _ language: Reason.Language) -> String {
        let negative = (r.numerator < 0) != (r.denominator < 0)
        let plain = Ratio(Int(r.numerator.magnitude), Int(r.denominator.magnitude))
            .formatted(decimals: decimals, scale: scale)
        let parts = plain.split(separator: ".", maxSplits: 1)
        var out = integer(Int(parts[0]) ?? 0, language)
        if parts.count == 2 { out += (language == .vi ? "," : ".") + parts[1] }
        let isZero = plain.allSatisfy { $0 == "0" || $0 == "." }
        return negative && !isZero ? "-" + out : out
    }
}

// MARK: - Inputs

extension PovertyCause {
    public var vietnamese: String {
        switch self {
        case .lackCapital: "Thiếu vốn"
        case .lackLand: "Thiếu đất sản xuất"
        case .lackLabour: "Thiếu lao động"
        case .lackSkills: "Thiếu kỹ năng/tay nghề"
        case .illness: "Ốm đau/bệnh nặng"
        case .manyChildren: "Đông con"
        case .accidentDisaster: "Tai nạn/thiên tai"
        case .other: "Khác"
        }
    }

    public var english: String {
        switch self {
        case .lackCapital: "Lack of capital"
        case .lackLand: "Lack of farmland"
        case .lackLabour: "Lack of labour"
        case .lackSkills: "Lack of skills"
        case .illness: "Illness/serious disease"
        case .manyChildren: "Many children"
        case .accidentDisaster: "Accident/natural disaster"
        case .other: "Other"
        }
    }

    /// Position in `allCases`.
    var ordinal: Int {
        switch self {
        case .lackCapital: 0
        case .lackLand: 1
        case .lackLabour: 2
        case .lackSkills: 3
        case .illness: 4
        case .manyChildren: 5
        case .accidentDisaster: 6
        case .other: 7
        }
    }
}

/// What the tables need of one household's review (one streamed row).
public struct ReviewFacts: Sendable, Hashable {
    public var status: LivingStandard
    /// Bit `i` set when deprived in the indicator of catalogue index `i`; bits of indicators
    /// outside the standard are ignored.
    public var deprivations: UInt64
    public var area: Area
    /// nil when the registry has no value (optional survey columns).
    public var ethnicMinority: Bool?
    public var noWorkingCapacity: Bool?
    public var ethnicity: String?
    /// Empty when not recorded; repeats are counted once.
    public var causes: [PovertyCause]

    public init(status: LivingStandard, deprivations: UInt64, area: Area, ethnicMinority: Bool? = nil,
                noWorkingCapacity: Bool? = nil, ethnicity: String? = nil, causes: [PovertyCause] = []) {
        self.status = status
        self.deprivations = deprivations
        self.area = area
        self.ethnicMinority = ethnicMinority
        self.noWorkingCapacity = noWorkingCapacity
        self.ethnicity = ethnicity
        self.causes = causes
    }

    /// The facts of a parsed survey row and its classification.
    public init(_ record: SurveyRecord, _ classification: Classification) {
        self.init(status: classification.status, deprivations: classification.deprivedMask, area: classification.area,
                  ethnicMinority: record.ethnicMinority, noWorkingCapacity: record.noWorkingCapacity,
                  ethnicity: record.ethnicity, causes: record.causes)
    }
}

/// Year-to-year moves of one class (poor, or near-poor) for tables 2 and 3, from the
/// storage's kept roll-ups.
///
/// The moves are those of `YearMoves`, so `end = start − escaped − left + fellBack + newlyPoor`
/// (`other` is 0) except in a baseline year.
public struct PovertyChanges: Sendable, Hashable {
    /// In the class at the previous year's review.
    public var start: Int
    /// Reviewed both years, in the class last year and not this year.
    public var escaped: Int
    /// In the class last year and not reviewed this year.
    public var left: Int
    /// Entered the class this year, having been in it in an earlier year (same standard).
    public var fellBack: Int
    /// Entered the class this year, never in it before (same standard).
    public var newlyPoor: Int
    /// In the class at this year's review.
    public var end: Int
    /// First review under a new standard: nothing is compared with last year.
    public var isBaseline: Bool
    /// The review round `start` counts (nil: the year before).
    public var startYear: Int?

    public init(start: Int, escaped: Int, left: Int, fellBack: Int, newlyPoor: Int, end: Int, isBaseline: Bool = false) {
        self.start = start
        self.escaped = escaped
        self.left = left
        self.fellBack = fellBack
        self.newlyPoor = newlyPoor
        self.end = end
        self.isBaseline = isBaseline
    }

    /// From the storage's moves: `entered` (reviewed and not in the class last year, in it now)
    /// includes `fellBack`; newly poor = entered − fellBack.
    public init(start: Int, escaped: Int, left: Int, entered: Int, fellBack: Int, end: Int, isBaseline: Bool = false) {
        self.init(start: start, escaped: escaped, left: left, fellBack: fellBack, newlyPoor: entered - fellBack,
                  end: end, isBaseline: isBaseline)
    }

    /// Poor households' moves of a `giamngheo summary` line.
    public init(poorOf row: SummaryRow) {
        self.init(start: row.poorLastReview, escaped: row.escaped, left: row.left, fellBack: row.fellBack,
                  newlyPoor: row.newlyPoor, end: row.poor, isBaseline: row.isBaseline)
    }

    public var decreases: Int { escaped + left }
    public var increases: Int { fellBack + newlyPoor }
    /// What the four moves do not explain: 0 by the definition of the moves (a check).
    public var other: Int { end - (start - decreases + increases) }
    /// `(start − end) / start`; negative when the class grew.
    public var reductionRate: Ratio { Ratio(start - end, start) }
}

// MARK: - Builder

/// Collects household reviews of one standard and one review year and makes tables 1 and 4–13.
/// Memory: fixed counters plus one entry per distinct ethnicity.
public struct StandardTablesBuilder: Sendable {
    public let standard: PovertyStandard
    public let year: Int
    /// Alkire–Foster figures of every household added (for `UnitPovertyProfile`).
    public private(set) var alkireFoster: AlkireFoster

    /// Counters of one class (poor or near-poor).
    struct ClassCounts: Sendable {
        var byArea = [0, 0]
        /// [area × 64 + catalogue index].
        var indicator = [Int](repeating: 0, count: 128)
        /// [area × dimensions + dimension ordinal].
        var dimension: [Int]
        /// By number of deprivations, 0…64.
        var byCount = [Int](repeating: 0, count: 65)
        /// [true, false, nil].
        var noCapacity = [0, 0, 0]
        var minority = [0, 0, 0]
        var causes = [Int](repeating: 0, count: PovertyCause.allCases.count)
        var noCause = 0
        var noEthnicity = 0
        var anyChild = 0

        init(dimensions: Int) { dimension = [Int](repeating: 0, count: 2 * dimensions) }
        var total: Int { byArea[0] + byArea[1] }
    }

    struct EthnicityCount: Sendable {
        var name: String
        var poor = 0
        var nearPoor = 0
    }

    /// Reviewed households by [class rank × 2 + area].
    private var reviewed = [Int](repeating: 0, count: 8)
    private var poor: ClassCounts
    private var nearPoor: ClassCounts
    private var ethnicities: [String: EthnicityCount] = [:]
    private let mask: UInt64
    private let dimensions: [Dimension]
    private let dimensionMasks: [UInt64]
    private let childMask: UInt64

    /// Indicator codes about children, in the catalogue; a standard may have only some of them.
    public static let childIndicatorCodes = ["dinh_duong", "di_hoc_tre_em"]

    public init(standard: PovertyStandard, year: Int) {
        self.standard = standard
        self.year = year
        mask = standard.indicatorMask
        var dims: [Dimension] = []
        var masks: [UInt64] = []
        var child: UInt64 = 0
        for ind in standard.indicators {
            // Every indicator of a standard belongs to one of its dimensions (PovertyStandard's invariant).
            guard let dim = standard.dimensionOf[ind.code] else { continue }
            if let i = dims.firstIndex(of: dim) { masks[i] |= 1 << ind.index } else {
                dims.append(dim)
                masks.append(1 << ind.index)
            }
            if Self.childIndicatorCodes.contains(ind.code) { child |= 1 << ind.index }
        }
        dimensions = dims
        dimensionMasks = masks
        childMask = child
        poor = ClassCounts(dimensions: dims.count)
        nearPoor = ClassCounts(dimensions: dims.count)
        alkireFoster = AlkireFoster(standard: standard, catalogSize: 64)
    }

    /// Households added.
    public var households: Int { reviewed.reduce(0, +) }

    /// Adds one household's review.
    public mutating func add(_ r: ReviewFacts) {
        let area = r.area == .rural ? 0 : 1
        let deprived = r.deprivations & mask
        reviewed[r.status.rank * 2 + area] += 1
        alkireFoster.add(deprivedMask: deprived)
        switch r.status {
        case .poor: count(r, deprived, area, into: &poor)
        case .nearPoor: count(r, deprived, area, into: &nearPoor)
        case .average, .notPoor: return
        }
        let key = r.ethnicity.map { TextFolding.fold($0) } ?? ""
        if !key.isEmpty {
            var count = ethnicities[key] ?? EthnicityCount(name: String(TextFolding.trim(r.ethnicity ?? "")))
            if r.status == .poor { count.poor += 1 } else { count.nearPoor += 1 }
            ethnicities[key] = count
        }
    }

    private func count(_ r: ReviewFacts, _ deprived: UInt64, _ area: Int, into c: inout ClassCounts) {
        c.byArea[area] += 1
        var m = deprived
        while m != 0 {
            c.indicator[area * 64 + m.trailingZeroBitCount] += 1
            m &= m - 1
        }
        for (i, dm) in dimensionMasks.enumerated() where deprived & dm != 0 {
            c.dimension[area * dimensionMasks.count + i] += 1
        }
        c.byCount[deprived.nonzeroBitCount] += 1
        c.noCapacity[r.noWorkingCapacity.map { $0 ? 0 : 1 } ?? 2] += 1
        c.minority[r.ethnicMinority.map { $0 ? 0 : 1 } ?? 2] += 1
        if r.causes.isEmpty { c.noCause += 1 }
        var seen = 0
        for cause in r.causes where seen & (1 << cause.ordinal) == 0 {
            seen |= 1 << cause.ordinal
            c.causes[cause.ordinal] += 1
        }
        if r.ethnicity.map({ TextFolding.trim($0).isEmpty }) ?? true { c.noEthnicity += 1 }
        if deprived & childMask != 0 { c.anyChild += 1 }
    }

    private var subtitle: ReportText {
        ReportTable.reviewSubtitle(standard: standard, year: year)
    }

    // MARK: Tables

    /// Tables 1–15 in order. Tables 2 and 3 need the moves kept by the storage (nil: not
    /// available, the table says so); 14 and 15 are headers only (the storage streams the names).
    public func tables(poorChanges: PovertyChanges?, nearPoorChanges: PovertyChanges?) -> [ReportTable] {
        [
            livingStandardTable(),
            ReportTable.changes(poorChanges, of: .poor, standard: standard, year: year),
            ReportTable.changes(nearPoorChanges, of: .nearPoor, standard: standard, year: year),
            deprivationTable(of: .poor, shares: false),
            deprivationTable(of: .poor, shares: true),
            deprivationTable(of: .nearPoor, shares: false),
            deprivationTable(of: .nearPoor, shares: true),
            groupTable(),
            ethnicityTable(),
            causeTable(),
            childTable(),
            deprivationCountTable(of: .poor),
            deprivationCountTable(of: .nearPoor),
            ReportTable.namedList(of: .nearPoor, standard: standard, year: year),
            ReportTable.namedList(of: .poor, standard: standard, year: year),
        ]
    }

    private static let areaColumns: [(key: String, vi: String, en: String)] = [
        ("tong_so", "Tổng số", "Total"), ("thanh_thi", "Thành thị", "Urban"), ("nong_thon", "Nông thôn", "Rural"),
    ]

    /// Biểu 1: households reviewed by class, counts and shares, in total and by area.
    public func livingStandardTable() -> ReportTable {
        var columns: [ReportColumn] = []
        for a in Self.areaColumns {
            columns.append(ReportColumn("\(a.key)_so_ho", "\(a.vi): số hộ", "\(a.en): households"))
            columns.append(ReportColumn("\(a.key)_ty_le", "\(a.vi): tỷ lệ (%)", "\(a.en): %"))
        }
        func cells(_ counts: (Int) -> Int) -> [ReportValue] {
            // area -1 total, 1 urban, 0 rural; bases are all households reviewed in that area
            var out: [ReportValue] = []
            for area in [-1, 1, 0] {
                let n = counts(area)
                let base = area < 0 ? households : (0..<4).reduce(0) { $0 + reviewed[$1 * 2 + area] }
                out += [.count(n), .share(Ratio(n, base))]
            }
            return out
        }
        var rows = [ReportRow(key: "tong_so", label: ReportText("Tổng số hộ rà soát", "Households reviewed"),
                              cells: cells { area in area < 0 ? households : (0..<4).reduce(0) { $0 + reviewed[$1 * 2 + area] } },
                              kind: .total)]
        for status in LivingStandard.allCases {
            rows.append(ReportRow(key: status.rawValue, label: Self.classLabel(status), cells: cells { area in
                area < 0 ? reviewed[status.rank * 2] + reviewed[status.rank * 2 + 1] : reviewed[status.rank * 2 + area]
            }))
        }
        var notes: [ReportText] = []
        if standard.bands.values.allSatisfy({ !$0.contains { $0.outcome == .fixed(.average) } }) {
            notes.append(ReportText("Chuẩn \(standard.code) chưa có mức sống trung bình: hộ trên chuẩn nghèo được tính là không nghèo.",
                                    "Standard \(standard.code) has no average-living band: households above the line count as not poor."))
        }
        return ReportTable(number: 1, title: ReportText("Kết quả rà soát hộ nghèo, hộ cận nghèo, hộ có mức sống trung bình",
                                                        "Review results by living standard"),
                           subtitle: subtitle, labelHeader: ReportText("Phân loại hộ", "Household class"),
                           columns: columns, rows: rows, notes: notes)
    }

    /// Biểu 4–7: households of a class deprived in each indicator (grouped by dimension), as
    /// counts (4, 6) or as shares of the class's households (5, 7), in total and by area.
    public func deprivationTable(of status: LivingStandard, shares: Bool) -> ReportTable {
        precondition(status == .poor || status == .nearPoor)
        let c = status == .poor ? poor : nearPoor
        let number = (status == .poor ? 4 : 6) + (shares ? 1 : 0)
        let columns = Self.areaColumns.map {
            shares ? ReportColumn("\($0.key)_ty_le", "\($0.vi) (%)", "\($0.en) (%)")
                   : ReportColumn("\($0.key)_so_ho", "\($0.vi) (hộ)", "\($0.en) (households)")
        }
        let bases = [c.total, c.byArea[1], c.byArea[0]]
        func cells(_ perArea: (Int) -> Int) -> [ReportValue] {
            let values = [perArea(0) + perArea(1), perArea(1), perArea(0)]
            return zip(values, bases).map { shares ? .share(Ratio($0, $1)) : .count($0) }
        }
        let who = Self.classLabel(status)
        var rows = [ReportRow(key: "tong_so", label: ReportText("Tổng số \(who.vi.lowercased())", "All \(who.en.lowercased()) households"),
                              cells: cells { c.byArea[$0] }, kind: .total)]
        for (d, dim) in dimensions.enumerated() {
            rows.append(ReportRow(key: "chieu_\(dim.code)", label: ReportText(dim.vi, dim.en),
                                  cells: cells { c.dimension[$0 * dimensions.count + d] }, kind: .heading))
            for ind in standard.indicators where dimensionMasks[d] & (1 << ind.index) != 0 {
                rows.append(ReportRow(key: ind.code, label: ReportText(ind.vi, ind.en),
                                      cells: cells { c.indicator[$0 * 64 + ind.index] }, level: 1))
            }
        }
        let what = shares ? ("tỷ lệ %", "shares") : ("số hộ", "households")
        return ReportTable(
            number: number,
            title: ReportText("Mức độ thiếu hụt các dịch vụ xã hội cơ bản của \(who.vi.lowercased()) (\(what.0))",
                              "Deprivation indicators of \(who.en.lowercased()) households (\(what.1))"),
            subtitle: subtitle, labelHeader: ReportText("Chiều / chỉ số thiếu hụt", "Dimension / indicator"),
            columns: columns, rows: rows,
            notes: [ReportText("Dòng của mỗi chiều: số hộ thiếu hụt ít nhất một chỉ số của chiều đó. Một hộ có thể thiếu hụt nhiều chỉ số, nên cộng các dòng sẽ lớn hơn tổng số hộ.",
                               "A dimension's line: households deprived in at least one of its indicators. A household may lack several indicators, so the lines add up to more than the total.")])
    }

    private static let classColumns = [
        ReportColumn("ngheo_so_ho", "Hộ nghèo: số hộ", "Poor: households"),
        ReportColumn("ngheo_ty_le", "Hộ nghèo: tỷ lệ (%)", "Poor: %"),
        ReportColumn("can_ngheo_so_ho", "Hộ cận nghèo: số hộ", "Near-poor: households"),
        ReportColumn("can_ngheo_ty_le", "Hộ cận nghèo: tỷ lệ (%)", "Near-poor: %"),
    ]

    /// Poor and near-poor counts, each with its share of all poor / near-poor households.
    private func classCells(_ value: (ClassCounts) -> Int) -> [ReportValue] {
        let p = value(poor), n = value(nearPoor)
        return [.count(p), .share(Ratio(p, poor.total)), .count(n), .share(Ratio(n, nearPoor.total))]
    }

    private var classTotalRow: ReportRow {
        ReportRow(key: "tong_so", label: ReportText("Tổng số", "Total"), cells: classCells(\.total), kind: .total)
    }

    private static let emptyClassCells = [ReportValue](repeating: .none, count: 4)

    /// "Not collected" for a survey column, named as the survey template's header names it.
    private func notRecordedNote(column: SurveyColumn, count: Int) -> ReportText? {
        let name = column.header
        return count == 0 ? nil : ReportText("Chưa thu thập: cột “\(name.vi)” trống ở \(ReportFormat.integer(count, .vi)) hộ nghèo, cận nghèo.",
                                             "Not collected: the column “\(name.vi)” (\(name.en)) is empty for \(ReportFormat.integer(count, .en)) poor or near-poor households.")
    }

    /// Biểu 8: by working capacity, ethnic minority and area, with explicit "not recorded" lines.
    public func groupTable() -> ReportTable {
        // A yes/no question of the survey: its heading, the households answering yes and no, and
        // those with no answer recorded (`counts` in that order).
        func question(_ key: String, _ label: ReportText, yes: (key: String, label: ReportText), no: (key: String, label: ReportText),
                      unrecorded: String, _ counts: @escaping (ClassCounts) -> [Int]) -> [ReportRow] {
            [ReportRow(key: key, label: label, cells: Self.emptyClassCells, kind: .heading),
             ReportRow(key: yes.key, label: yes.label, cells: classCells { counts($0)[0] }, level: 1),
             ReportRow(key: no.key, label: no.label, cells: classCells { counts($0)[1] }, level: 1),
             ReportRow(key: unrecorded, label: ReportText("Chưa ghi", "Not recorded"), cells: classCells { counts($0)[2] }, level: 1)]
        }
        let rows = [classTotalRow]
            + question("kha_nang_lao_dong", ReportText("Khả năng lao động", "Working capacity"),
                       yes: ("khong_co_kha_nang_lao_dong", ReportText("Hộ không có khả năng lao động", "No member able to work")),
                       no: ("co_kha_nang_lao_dong", ReportText("Hộ có khả năng lao động", "Some member able to work")),
                       unrecorded: "kha_nang_lao_dong_chua_ghi", \.noCapacity)
            + question("dan_toc", ReportText("Dân tộc", "Ethnicity"),
                       yes: ("dan_toc_thieu_so", ReportText("Hộ dân tộc thiểu số", "Ethnic minority")),
                       no: ("khong_dan_toc_thieu_so", ReportText("Hộ không thuộc dân tộc thiểu số", "Not ethnic minority")),
                       unrecorded: "dan_toc_thieu_so_chua_ghi", \.minority)
            + [ReportRow(key: "khu_vuc", label: ReportText("Khu vực", "Area"), cells: Self.emptyClassCells, kind: .heading),
               ReportRow(key: Area.urban.rawValue, label: ReportText("Thành thị", "Urban"), cells: classCells { $0.byArea[1] }, level: 1),
               ReportRow(key: Area.rural.rawValue, label: ReportText("Nông thôn", "Rural"), cells: classCells { $0.byArea[0] }, level: 1)]
        let notes = [
            notRecordedNote(column: .noWorkingCapacity, count: poor.noCapacity[2] + nearPoor.noCapacity[2]),
            notRecordedNote(column: .ethnicMinority, count: poor.minority[2] + nearPoor.minority[2]),
        ].compactMap { $0 }
        return ReportTable(number: 8, title: ReportText("Hộ nghèo, hộ cận nghèo theo nhóm đối tượng", "Poor and near-poor households by group"),
                           subtitle: subtitle, labelHeader: ReportText("Nhóm", "Group"), columns: Self.classColumns,
                           rows: rows, notes: notes)
    }

    /// Biểu 9: by ethnicity, most households (poor + near-poor) first, then in Vietnamese
    /// alphabetical order; names that fold alike (`Tày`, `tày`) are one line, spelt as first met.
    public func ethnicityTable() -> ReportTable {
        let sorted = ethnicities.values.map { ($0, VietnameseCollation.sortKey($0.name)) }.sorted {
            let a = $0.0.poor + $0.0.nearPoor, b = $1.0.poor + $1.0.nearPoor
            return a != b ? a > b : $0.1 < $1.1
        }
        var rows = [classTotalRow]
        for (e, _) in sorted {
            let p = e.poor, n = e.nearPoor
            rows.append(ReportRow(key: "dan_toc:" + TextFolding.fold(e.name), label: ReportText(e.name, e.name),
                                  cells: [.count(p), .share(Ratio(p, poor.total)), .count(n), .share(Ratio(n, nearPoor.total))]))
        }
        rows.append(ReportRow(key: "dan_toc_chua_ghi", label: ReportText("Chưa ghi dân tộc", "Not recorded"),
                              cells: classCells(\.noEthnicity)))
        let notes = [notRecordedNote(column: .ethnicity, count: poor.noEthnicity + nearPoor.noEthnicity)]
            .compactMap { $0 }
        return ReportTable(number: 9, title: ReportText("Hộ nghèo, hộ cận nghèo theo dân tộc", "Poor and near-poor households by ethnicity"),
                           subtitle: subtitle, labelHeader: ReportText("Dân tộc", "Ethnicity"), columns: Self.classColumns,
                           rows: rows, notes: notes)
    }

    /// Biểu 10: by cause of poverty. A household may give several causes.
    public func causeTable() -> ReportTable {
        var rows = [classTotalRow]
        for cause in PovertyCause.allCases {
            rows.append(ReportRow(key: cause.rawValue, label: ReportText(cause.vietnamese, cause.english),
                                  cells: classCells { $0.causes[cause.ordinal] }))
        }
        rows.append(ReportRow(key: "nguyen_nhan_chua_ghi", label: ReportText("Chưa ghi nguyên nhân", "Not recorded"),
                              cells: classCells(\.noCause)))
        var notes = [ReportText("Một hộ có thể có nhiều nguyên nhân, nên cộng các dòng có thể lớn hơn tổng số hộ.",
                                "A household may give several causes, so the lines may add up to more than the total.")]
        if let n = notRecordedNote(column: .causes, count: poor.noCause + nearPoor.noCause) { notes.append(n) }
        return ReportTable(number: 10, title: ReportText("Hộ nghèo, hộ cận nghèo theo nguyên nhân nghèo",
                                                         "Poor and near-poor households by cause of poverty"),
                           subtitle: subtitle, labelHeader: ReportText("Nguyên nhân", "Cause"), columns: Self.classColumns,
                           rows: rows, notes: notes)
    }

    /// Biểu 11: the child indicators (`childIndicatorCodes`) that the standard has; the others
    /// are listed empty as "not part of this standard".
    public func childTable() -> ReportTable {
        var rows = [classTotalRow]
        var absent: [String] = []
        for code in Self.childIndicatorCodes {
            if let ind = standard.indicators.first(where: { $0.code == code }) {
                rows.append(ReportRow(key: code, label: ReportText(ind.vi, ind.en),
                                      cells: classCells { $0.indicator[ind.index] + $0.indicator[64 + ind.index] }))
            } else {
                let ind = StandardCatalog.builtIn.indicator(code: code)
                absent.append(code)
                rows.append(ReportRow(key: code, label: ReportText("\(ind?.vi ?? code) (không thuộc chuẩn này)",
                                                                   "\(ind?.en ?? code) (not part of this standard)"),
                                      cells: Self.emptyClassCells))
            }
        }
        if childMask != 0 {
            rows.append(ReportRow(key: "it_nhat_mot", label: ReportText("Hộ thiếu hụt ít nhất một chỉ số về trẻ em",
                                                                        "Deprived in at least one child indicator"),
                                  cells: classCells(\.anyChild)))
        }
        var notes = [ReportText("Tỷ lệ tính trên tổng số hộ nghèo (cận nghèo), kể cả hộ không có trẻ em.",
                                "Shares are of all poor (near-poor) households, including those without children.")]
        if !absent.isEmpty {
            notes.append(ReportText("Chuẩn \(standard.code) không có chỉ số: \(absent.joined(separator: ", ")).",
                                    "Standard \(standard.code) has no indicator: \(absent.joined(separator: ", "))."))
        }
        return ReportTable(number: 11, title: ReportText("Thiếu hụt của trẻ em trong hộ nghèo, hộ cận nghèo",
                                                         "Deprivations of children in poor and near-poor households"),
                           subtitle: subtitle, labelHeader: ReportText("Chỉ số", "Indicator"), columns: Self.classColumns,
                           rows: rows, notes: notes)
    }

    /// Biểu 12 (poor), 13 (near-poor): households by number of deprivations, 0 … D.
    public func deprivationCountTable(of status: LivingStandard) -> ReportTable {
        precondition(status == .poor || status == .nearPoor)
        let c = status == .poor ? poor : nearPoor
        let who = Self.classLabel(status)
        var rows = [ReportRow(key: "tong_so", label: ReportText("Tổng số \(who.vi.lowercased())", "All \(who.en.lowercased()) households"),
                              cells: [.count(c.total), .share(Ratio(c.total, c.total))], kind: .total)]
        for d in 0...standard.indicatorCount {
            rows.append(ReportRow(key: String(d), label: ReportText("\(d) chỉ số", d == 1 ? "1 indicator" : "\(d) indicators"),
                                  cells: [.count(c.byCount[d]), .share(Ratio(c.byCount[d], c.total))]))
        }
        return ReportTable(number: status == .poor ? 12 : 13,
                           title: ReportText("\(who.vi) theo số chỉ số thiếu hụt", "\(who.en) households by number of deprivations"),
                           subtitle: subtitle, labelHeader: ReportText("Số chỉ số thiếu hụt", "Deprivations"),
                           columns: [ReportColumn("so_ho", "Số hộ", "Households"), ReportColumn("ty_le", "Tỷ lệ (%)", "%")],
                           rows: rows,
                           notes: [ReportText("Ngưỡng thiếu hụt của chuẩn \(standard.code): \(standard.deprivationCutoff) chỉ số trên \(standard.indicatorCount).",
                                              "Deprivation cut-off of standard \(standard.code): \(standard.deprivationCutoff) of \(standard.indicatorCount) indicators.")])
    }

    /// "Hộ nghèo", "Hộ cận nghèo", … as row labels.
    static func classLabel(_ status: LivingStandard) -> ReportText {
        switch status {
        case .poor: ReportText("Hộ nghèo", "Poor")
        case .nearPoor: ReportText("Hộ cận nghèo", "Near-poor")
        case .average: ReportText("Hộ có mức sống trung bình", "Average living standard")
        case .notPoor: ReportText("Hộ không nghèo", "Not poor")
        }
    }

    /// The Alkire–Foster profile of every household added.
    public func profile(unitID: Int? = nil, label: String) -> UnitPovertyProfile {
        UnitPovertyProfile(unitID: unitID, label: label, figures: alkireFoster)
    }
}

// MARK: - Tables made from outside inputs

extension ReportTable {
    /// "Rà soát năm 2024 – <standard> (vn-2022)".
    public static func reviewSubtitle(standard: PovertyStandard, year: Int) -> ReportText {
        ReportText("Rà soát năm \(year) – \(standard.nameVi) (\(standard.code))",
                   "Review of \(year) – \(standard.nameEn) (\(standard.code))")
    }

    /// Biểu 2 (poor) and 3 (near-poor): start, decreases, increases, end and the rate of
    /// reduction; the moves are `YearMoves`', so end = start − decreases + increases. With nil (no kept moves) or a baseline year,
    /// only the end is shown (when known) and a note says why.
    public static func changes(_ changes: PovertyChanges?, of status: LivingStandard, standard: PovertyStandard, year: Int) -> ReportTable {
        precondition(status == .poor || status == .nearPoor)
        let isPoor = status == .poor
        let comparable = changes.map { !$0.isBaseline } ?? false
        let startYear = changes?.startYear ?? year - 1
        func v(_ value: (PovertyChanges) -> Int) -> [ReportValue] {
            guard comparable, let changes else { return [.none] }
            return [.count(value(changes))]
        }
        let rows = [
            ReportRow(key: "dau_ky", label: ReportText("Số hộ đầu kỳ (rà soát năm \(startYear))", "Start of period (review of \(startYear))"),
                      cells: v(\.start)),
            ReportRow(key: "giam", label: ReportText("Số hộ giảm", "Decreases"), cells: v(\.decreases), kind: .heading),
            ReportRow(key: "thoat", label: isPoor ? ReportText("Thoát nghèo", "Escaped poverty")
                                                  : ReportText("Thoát cận nghèo", "Left near-poverty"),
                      cells: v(\.escaped), level: 1),
            ReportRow(key: "giam_khac", label: ReportText("Giảm khác (không còn trong rà soát: chuyển đi, ra khỏi công đoàn)",
                                                          "Left (not reviewed this year: moved, left the union)"),
                      cells: v(\.left), level: 1),
            ReportRow(key: "tang", label: ReportText("Số hộ tăng", "Increases"), cells: v(\.increases), kind: .heading),
            ReportRow(key: "tai", label: isPoor ? ReportText("Tái nghèo", "Fell back into poverty")
                                                : ReportText("Tái cận nghèo", "Fell back into near-poverty"),
                      cells: v(\.fellBack), level: 1),
            ReportRow(key: "phat_sinh", label: isPoor ? ReportText("Nghèo phát sinh", "Newly poor")
                                                      : ReportText("Cận nghèo phát sinh", "Newly near-poor"),
                      cells: v(\.newlyPoor), level: 1),
            ReportRow(key: "cuoi_ky", label: ReportText("Số hộ cuối kỳ (rà soát năm \(year))", "End of period (review of \(year))"),
                      cells: [changes.map { .count($0.end) } ?? .none], kind: .total),
            ReportRow(key: "ty_le_giam", label: ReportText("Tỷ lệ giảm so với đầu kỳ", "Rate of reduction from the start"),
                      cells: [comparable ? changes.map { .share($0.reductionRate) } ?? .none : .none]),
        ]
        var notes = [ReportText("Cuối kỳ = đầu kỳ − giảm + tăng. \(isPoor ? "Nghèo" : "Cận nghèo") phát sinh gồm cả hộ rà soát lần đầu và hộ chuyển đến từ đơn vị ngoài nhánh; giảm khác gồm hộ chuyển đi; tỷ lệ giảm âm là số hộ tăng.",
                                "End = start − decreases + increases. Newly \(isPoor ? "poor" : "near-poor") includes households at their first review and those that moved in from outside the branch; left includes those that moved out; a negative rate is a rise.")]
        if changes == nil {
            notes.append(ReportText("Chưa có số liệu diễn biến.", "No data on changes."))
        } else if !comparable {
            notes.append(ReportText("Năm rà soát đầu tiên theo chuẩn \(standard.code): không so sánh với năm trước.",
                                    "First review under standard \(standard.code): not compared with the year before."))
        }
        let who = StandardTablesBuilder.classLabel(status)
        return ReportTable(number: isPoor ? 2 : 3,
                           title: ReportText("Diễn biến \(who.vi.lowercased())", "Changes in \(who.en.lowercased()) households"),
                           subtitle: reviewSubtitle(standard: standard, year: year),
                           labelHeader: ReportText("Chỉ tiêu", "Item"),
                           columns: [ReportColumn("so_ho", "Số hộ", "Households")], rows: rows, notes: notes)
    }

    /// Columns of the named lists (Biểu 14 near-poor, 15 poor). Keys are the survey file's
    /// column names where there is one, so the storage can stream rows straight into them.
    public static let namedListColumns = [
        ReportColumn("stt", "STT", "No."),
        ReportColumn(SurveyColumn.householdCode.rawValue, "Mã hộ", "Household code"),
        ReportColumn(SurveyColumn.headName.rawValue, "Họ và tên chủ hộ", "Head of household"),
        ReportColumn(SurveyColumn.member.rawValue, "Mã đoàn viên", "Member code"),
        ReportColumn(SurveyColumn.unit.rawValue, "Đơn vị", "Unit"),
        ReportColumn(SurveyColumn.address.rawValue, "Địa chỉ", "Address"),
        ReportColumn(SurveyColumn.area.rawValue, "Khu vực", "Area"),
        ReportColumn(SurveyColumn.ethnicity.rawValue, "Dân tộc", "Ethnicity"),
        ReportColumn(SurveyColumn.size.rawValue, "Số nhân khẩu", "Household size"),
        ReportColumn(SurveyColumn.monthlyIncome.rawValue, "Thu nhập bình quân (đồng/người/tháng)", "Income (đồng per person per month)"),
        ReportColumn("so_chi_so_thieu_hut", "Số chỉ số thiếu hụt", "Deprivations"),
        ReportColumn("chi_so_thieu_hut", "Các chỉ số thiếu hụt", "Deprived indicators"),
        ReportColumn(SurveyColumn.causes.rawValue, "Nguyên nhân nghèo", "Causes of poverty"),
    ]

    /// Biểu 14 (near-poor) and 15 (poor): header only; the storage streams the rows.
    public static func namedList(of status: LivingStandard, standard: PovertyStandard, year: Int) -> ReportTable {
        precondition(status == .poor || status == .nearPoor)
        return ReportTable(number: status == .poor ? 15 : 14,
                           title: status == .poor ? ReportText("Danh sách hộ nghèo", "List of poor households")
                                                  : ReportText("Danh sách hộ cận nghèo", "List of near-poor households"),
                           subtitle: reviewSubtitle(standard: standard, year: year),
                           labelHeader: ReportText("STT", "No."), columns: Array(namedListColumns.dropFirst()),
                           notes: [ReportText("Danh sách có thông tin cá nhân: chỉ dùng trong đơn vị.",
                                              "The list holds personal data: for the unit's own use only.")])
    }
}

// MARK: - Alkire–Foster per unit

/// The Alkire–Foster view of one unit (or subtree) for the provincial summary; the
/// figures are those of `AlkireFoster`, which holds the maths.
public struct UnitPovertyProfile: Sendable, Hashable {
    public let unitID: Int?
    public let label: String
    public let figures: AlkireFoster

    public init(unitID: Int? = nil, label: String, figures: AlkireFoster) {
        self.unitID = unitID
        self.label = label
        self.figures = figures
    }

    /// `n`.
    public var households: Int { figures.households }
    /// `q`.
    public var poor: Int { figures.poor }
    /// `H`.
    public var headcount: Ratio { figures.headcount }
    /// `A`.
    public var intensity: Ratio { figures.intensity }
    /// `M0`.
    public var adjustedHeadcount: Ratio { figures.adjustedHeadcount }

    public func contribution(of indicator: Indicator) -> Ratio { figures.contribution(indicator) }

    /// A dimension's contribution: the sum of its indicators' (equal weights).
    public func contribution(of dimension: Dimension, in standard: PovertyStandard) -> Ratio {
        let parts = standard.indicators.filter { standard.dimensionOf[$0.code] == dimension }.map(contribution(of:))
        return Ratio(parts.reduce(0) { $0 + $1.numerator }, figures.deprivationsOfPoor)
    }
}

extension ReportTable {
    public enum ContributionBreakdown: Sendable, Hashable { case dimension, indicator }

    /// Units as rows: n, q, H %, A %, M0, then the contribution (%) of each dimension or indicator.
    /// `total` (e.g. the province, fed with every household) comes first when given.
    public static func alkireFoster(_ profiles: [UnitPovertyProfile], total: UnitPovertyProfile? = nil,
                                    standard: PovertyStandard, year: Int,
                                    by breakdown: ContributionBreakdown = .dimension) -> ReportTable {
        var dims: [Dimension] = []
        for ind in standard.indicators {
            if let dim = standard.dimensionOf[ind.code], !dims.contains(dim) { dims.append(dim) }
        }
        var columns = [
            ReportColumn("n", "Số hộ (n)", "Households (n)"),
            ReportColumn("q", "Số hộ thiếu hụt từ 3 chỉ số (q)", "Deprived in 3 or more (q)"),
            ReportColumn("H", "Tỷ lệ nghèo đa chiều H (%)", "Headcount ratio H (%)"),
            ReportColumn("A", "Mức độ thiếu hụt bình quân A (%)", "Intensity A (%)"),
            ReportColumn("M0", "Chỉ số nghèo đa chiều M0", "Adjusted headcount M0"),
        ]
        switch breakdown {
        case .dimension: columns += dims.map { ReportColumn("dong_gop:\($0.code)", "Đóng góp: \($0.vi) (%)", "Contribution: \($0.en) (%)") }
        case .indicator: columns += standard.indicators.map { ReportColumn("dong_gop:\($0.code)", "Đóng góp: \($0.vi) (%)", "Contribution: \($0.en) (%)") }
        }
        func row(_ p: UnitPovertyProfile, kind: ReportRow.Kind) -> ReportRow {
            var cells: [ReportValue] = [.count(p.households), .count(p.poor), .share(p.headcount), .share(p.intensity),
                                        .ratio(p.adjustedHeadcount)]
            switch breakdown {
            case .dimension: cells += dims.map { .share(p.contribution(of: $0, in: standard)) }
            case .indicator: cells += standard.indicators.map { .share(p.contribution(of: $0)) }
            }
            return ReportRow(key: p.unitID.map { "don_vi:\($0)" } ?? "don_vi:" + p.label, label: ReportText(p.label, p.label),
                             cells: cells, kind: kind)
        }
        let rows = (total.map { [row($0, kind: .total)] } ?? []) + profiles.map { row($0, kind: .item) }
        return ReportTable(
            number: nil, title: ReportText("Nghèo đa chiều theo đơn vị (Alkire–Foster)", "Multidimensional poverty by unit (Alkire–Foster)"),
            subtitle: reviewSubtitle(standard: standard, year: year), labelHeader: ReportText("Đơn vị", "Unit"),
            columns: columns, rows: rows,
            notes: [ReportText("Nghèo đa chiều: thiếu hụt từ \(standard.deprivationCutoff) trên \(standard.indicatorCount) chỉ số, không xét thu nhập. M0 = H × A; đóng góp của các \(breakdown == .dimension ? "chiều" : "chỉ số") cộng lại bằng 100%.",
                               "Multidimensionally poor: deprived in \(standard.deprivationCutoff) or more of \(standard.indicatorCount) indicators, whatever the income. M0 = H × A; the contributions add up to 100%.")])
    }
}
