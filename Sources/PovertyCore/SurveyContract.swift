/// The survey file contract of `survey-format.md`: a header row, then one household
/// per row and review year. Turns rows of text cells into `SurveyRecord`s or into
/// `SurveyIssue`s that name the spreadsheet row and the column as written in the file.

/// A problem with one cell (or, with row 1, with the header).
public struct SurveyIssue: Sendable, Hashable, Codable, CustomStringConvertible {
    public let row: Int
    public let column: String
    /// What is wrong with the cell, in the catalogues' words.
    public let message: Message
    /// Column position for ordering issues of one row (header order); `Int.max` when unknown.
    public let columnIndex: Int

    public init(row: Int, column: String, message: Message, columnIndex: Int = .max) {
        self.row = row
        self.column = column
        self.message = message
        self.columnIndex = columnIndex
    }

    /// For logs: the message's key (people read it through the catalogue: `dòng R, cột C: …`).
    public var description: String { "dòng \(row), cột \(column): \(message)" }
}

/// Causes of poverty, as coded in the optional `nguyen_nhan_ngheo` column.
public enum PovertyCause: String, CaseIterable, Sendable, Codable {
    case lackCapital = "thieu_von"
    case lackLand = "thieu_dat"
    case lackLabour = "thieu_lao_dong"
    case lackSkills = "thieu_ky_nang"
    case illness = "om_dau"
    case manyChildren = "dong_con"
    case accidentDisaster = "tai_nan_thien_tai"
    case other = "khac"
}

/// One valid row of a survey file.
public struct SurveyRecord: Sendable, Hashable {
    public var rowNumber: Int
    public var householdCode: String
    public var year: Int
    public var standardCode: String { standard.code }
    /// The standard the row is classified with (by its year, or `--standard`).
    public var standard: PovertyStandard
    public var answers: HouseholdAnswers
    public var unitCode: String?
    public var memberCode: String?
    public var headName: String?
    public var ethnicMinority: Bool?
    public var officialStatus: LivingStandard?
    public var noWorkingCapacity: Bool?
    public var ethnicity: String?
    public var causes: [PovertyCause]
    public var province: String? = nil
    public var commune: String? = nil
    public var address: String? = nil
}

/// The columns a survey file may have, by folded name.
public enum SurveyColumn: String, CaseIterable, Sendable {
    case householdCode = "ma_ho"
    case year = "nam"
    case area = "khu_vuc"
    case size = "so_nhan_khau"
    case yearlyIncome = "tong_thu_nhap_nam"
    case monthlyIncome = "thu_nhap_binh_quan_thang"
    case unit = "don_vi"
    case member = "ma_doan_vien"
    case headName = "ho_ten_chu_ho"
    case ethnicMinority = "dan_toc_thieu_so"
    case officialStatus = "phan_loai_cong_nhan"
    case noWorkingCapacity = "khong_co_kha_nang_lao_dong"
    case ethnicity = "dan_toc"
    case causes = "nguyen_nhan_ngheo"
    case province = "tinh"
    case commune = "xa_phuong"
    case address = "dia_chi"

    /// The column's header in the survey template (it folds to `rawValue`), and in English.
    public var header: (vi: String, en: String) {
        switch self {
        case .householdCode: ("Mã hộ", "Household code")
        case .year: ("Năm", "Year")
        case .area: ("Khu vực", "Area")
        case .size: ("Số nhân khẩu", "Household size")
        case .yearlyIncome: ("Tổng thu nhập năm", "Yearly income")
        case .monthlyIncome: ("Thu nhập bình quân tháng", "Monthly income per person")
        case .unit: ("Đơn vị", "Unit")
        case .member: ("Mã đoàn viên", "Member code")
        case .headName: ("Họ tên chủ hộ", "Head of household")
        case .ethnicMinority: ("Dân tộc thiểu số", "Ethnic minority")
        case .officialStatus: ("Phân loại công nhận", "Official class")
        case .noWorkingCapacity: ("Không có khả năng lao động", "No working capacity")
        case .ethnicity: ("Dân tộc", "Ethnicity")
        case .causes: ("Nguyên nhân nghèo", "Causes of poverty")
        case .province: ("Tỉnh", "Province")
        case .commune: ("Xã phường", "Commune or ward")
        case .address: ("Địa chỉ", "Address")
        }
    }

    /// Position in `allCases`, for array look-ups on the hot path.
    var ordinal: Int {
        switch self {
        case .householdCode: 0
        case .year: 1
        case .area: 2
        case .size: 3
        case .yearlyIncome: 4
        case .monthlyIncome: 5
        case .unit: 6
        case .member: 7
        case .headName: 8
        case .ethnicMinority: 9
        case .officialStatus: 10
        case .noWorkingCapacity: 11
        case .ethnicity: 12
        case .causes: 13
        case .province: 14
        case .commune: 15
        case .address: 16
        }
    }
}

/// The header of a survey file, resolved against the contract and the catalogue.
public struct SurveyLayout: Sendable {
    public let catalog: StandardCatalog
    /// Header cells as written, by position.
    public let headers: [String]
    /// Position of each known column.
    let position: [SurveyColumn: Int]
    /// Position of each known column by `SurveyColumn.ordinal` (-1 when absent).
    let columnPositions: [Int]
    /// Position of each indicator column, by catalogue index (-1 when absent).
    let indicatorPosition: [Int]
    /// Columns the contract does not know, as written (ignored, with a warning).
    public let unknownColumns: [String]
    /// Positions of the columns the contract reads but the indicators, in header order.
    let knownPositions: [Int]
    /// Problems with the header itself (row 1).
    public private(set) var headerIssues: [SurveyIssue]
    /// `--standard`: one standard for every row, whatever its year.
    public let standardOverride: PovertyStandard?
    public static let firstYear = 2015
    public static let lastYear = 2035

    public init(header: [String], catalog: StandardCatalog = .builtIn, standardOverride: PovertyStandard? = nil) {
        self.catalog = catalog
        self.standardOverride = standardOverride
        // Written back in every message about a column: never a control character.
        headers = header.map(TextFolding.printable)
        var position: [SurveyColumn: Int] = [:]
        var indicatorPosition = [Int](repeating: -1, count: catalog.indicators.count)
        var unknown: [String] = []
        var issues: [SurveyIssue] = []
        var seen: [String: Int] = [:]
        for (i, raw) in header.enumerated() {
            let name = TextFolding.fold(raw)
            if name.isEmpty { continue }
            if let first = seen[name] {
                issues.append(SurveyIssue(row: 1, column: headers[i], message:
                    Message("survey.duplicate_column_same_as", .text(Self.columnLetter(first)), .text(headers[first])),
                    columnIndex: i))
                continue
            }
            seen[name] = i
            if let column = SurveyColumn(rawValue: name) {
                position[column] = i
            } else if let indicator = catalog.indicator(code: name) {
                indicatorPosition[indicator.index] = i
            } else {
                unknown.append(TextFolding.printable(raw))
            }
        }
        for required in [SurveyColumn.householdCode, .year, .area] where position[required] == nil {
            issues.append(SurveyIssue(row: 1, column: required.rawValue,
                                      message: Message("survey.required_column_missing"), columnIndex: -1))
        }
        if position[.yearlyIncome] == nil && position[.monthlyIncome] == nil {
            issues.append(SurveyIssue(row: 1, column: "tong_thu_nhap_nam",
                message: Message("survey.income_column_give_tong"),
                columnIndex: -1))
        } else if position[.yearlyIncome] != nil && position[.size] == nil {
            issues.append(SurveyIssue(row: 1, column: "so_nhan_khau",
                message: Message("survey.required_tong_thu_nhap"), columnIndex: -1))
        }
        self.position = position
        var positions = [Int](repeating: -1, count: SurveyColumn.allCases.count)
        for (column, p) in position { positions[column.ordinal] = p }
        columnPositions = positions
        self.indicatorPosition = indicatorPosition
        // Indicator columns are left out: a row reads only its own standard's (another's is
        // ignored for it, whatever it holds), and a failed formula there is not "0" or "1" anyway.
        knownPositions = position.values.sorted()
        unknownColumns = unknown
        headerIssues = issues
        if let standard = standardOverride { _ = checkIndicatorColumns(for: standard, year: nil) }
    }

    /// Catalogue indices of the missing indicator columns already reported.
    private var reportedMissing: Set<Int> = []

    /// Reports (once per column, whichever standards need it) the indicator columns that the
    /// standard needs but the file lacks. Returns false when any is missing.
    mutating func checkIndicatorColumns(for standard: PovertyStandard, year: Int?) -> Bool {
        var ok = true
        for ind in standard.indicators where indicatorPosition[ind.index] < 0 {
            ok = false
            if reportedMissing.insert(ind.index).inserted {
                headerIssues.append(SurveyIssue(row: 1, column: ind.code,
                    message: year.map { Message("survey.indicator_column_required_year", .text(standard.code), .number($0)) }
                        ?? Message("survey.indicator_column_required", .text(standard.code)),
                    columnIndex: -1))
            }
        }
        return ok
    }

    public func header(_ column: SurveyColumn) -> String {
        position[column].map { headers[$0] } ?? column.rawValue
    }

    /// `0` → `A`, `27` → `AB`.
    public static func columnLetter(_ index: Int) -> String {
        var n = index + 1
        var letters: [Character] = []
        while n > 0 {
            let r = (n - 1) % 26
            letters.insert(Character(Unicode.Scalar(UInt8(65 + r))), at: 0)
            n = (n - 1) / 26
        }
        return String(letters)
    }

    /// Position of a known column, if the file has it.
    public func index(of column: SurveyColumn) -> Int? {
        let p = columnPositions[column.ordinal]
        return p < 0 ? nil : p
    }
}

/// Parses data rows against a layout. Keeps small caches, so use one per file.
public struct SurveyRowParser: Sendable {
    public private(set) var layout: SurveyLayout
    private var foldCache: [String: String] = [:]
    private var standardByYear: [PovertyStandard?]
    private var usableStandard: [String: Bool] = [:]
    /// The standard of the previous row, its indicator columns already checked.
    private var checkedStandard: PovertyStandard?
    private let positions: [Int]
    private let indicatorPositions: [Int]
    private let knownPositions: [Int]

    public init(layout: SurveyLayout) {
        self.layout = layout
        positions = layout.columnPositions
        indicatorPositions = layout.indicatorPosition
        knownPositions = layout.knownPositions
        standardByYear = (SurveyLayout.firstYear...SurveyLayout.lastYear).map {
            layout.standardOverride ?? layout.catalog.standard(forReviewYear: $0)
        }
    }

    /// Header problems, including indicator columns missing for the standards met so far.
    public var headerIssues: [SurveyIssue] { layout.headerIssues }
    /// How many header issues there are, without copying them.
    public var headerIssueCount: Int { layout.headerIssues.count }

    /// Parses one data row. Appends every problem found to `issues` and returns nil if there was any.
    /// A row whose cells are all empty is skipped (returns nil, no issue).
    public mutating func parse(row: Int, cells: [String], issues: inout [SurveyIssue]) -> SurveyRecord? {
        if cells.allSatisfy({ TextFolding.trim($0).isEmpty }) { return nil }
        let before = issues.count
        // A formula that failed (`#N/A`…) or a control character in a column read (the
        // indicators apart) is an error of its cell; the rest of such a row is not judged until it is mended.
        for p in knownPositions where p < cells.count {
            let (hash, control) = Self.hashAndControl(cells[p])
            guard hash || control else { continue }
            if hash, let failed = ExcelErrorValue(cells[p]) {
                issues.append(SurveyIssue(row: row, column: layout.headers[p], message: Message("import.formula_error", .text(failed.text)), columnIndex: p))
            } else if control, let c = TextFolding.controlCharacter(in: cells[p]) {
                // A NUL (from a damaged file) is stored by no database, an escape would drive the
                // terminal of whoever prints the name: the cell's error, not the import's.
                issues.append(SurveyIssue(row: row, column: layout.headers[p], message: Message("import.control_character", .text(TextFolding.codePoint(c))), columnIndex: p))
            }
        }
        if issues.count > before { return nil }
        // Local copies: the nested functions below must not touch `self.layout` per cell.
        let positions = self.positions
        let headers = layout.headers
        func has(_ column: SurveyColumn) -> Bool { positions[column.ordinal] >= 0 }
        func cell(_ column: SurveyColumn) -> Substring? {
            let p = positions[column.ordinal]
            guard p >= 0, p < cells.count else { return nil }
            let v = TextFolding.trim(cells[p])
            return v.isEmpty ? nil : v
        }
        func issue(_ column: SurveyColumn, _ message: Message) {
            let p = positions[column.ordinal]
            issues.append(SurveyIssue(row: row, column: p >= 0 ? headers[p] : column.rawValue, message: message,
                                      columnIndex: p >= 0 ? p : .max))
        }

        // ma_ho
        var code = ""
        if has(.householdCode) {
            if let v = cell(.householdCode) {
                if v.utf8.count > 64 && v.count > 64 { issue(.householdCode, Message("survey.household_code_longer_than")) }
                code = String(v)
            } else {
                issue(.householdCode, Message("survey.empty_household_code_required"))
            }
        }

        // nam
        var year = 0
        var standard: PovertyStandard?
        if has(.year) {
            if let v = cell(.year) {
                if let y = Self.smallInt(v), (SurveyLayout.firstYear...SurveyLayout.lastYear).contains(y) {
                    year = y
                    standard = standardByYear[y - SurveyLayout.firstYear]
                    if standard == nil {
                        issue(.year, Message("survey.poverty_standard_covers_review", .number(y)))
                    }
                } else {
                    issue(.year, Message("survey.year_from", .text(v), .number(SurveyLayout.firstYear), .number(SurveyLayout.lastYear)))
                }
            } else {
                issue(.year, Message("survey.empty_review_year_required"))
            }
        }

        // khu_vuc
        var area = Area.rural
        if has(.area) {
            if let v = cell(.area) {
                if let known = lastAreas.first(where: { $0.raw.elementsEqual(v.utf8) }) {
                    area = known.area  // the same spelling as a recent row: no folding
                } else {
                    switch fold(v) {
                    case "nong_thon", "rural": area = .rural; rememberArea(v, .rural)
                    case "thanh_thi", "urban": area = .urban; rememberArea(v, .urban)
                    default: issue(.area, Message("survey.nong_thon_rural_thanh", .text(v)))
                    }
                }
            } else {
                issue(.area, Message("survey.empty_nong_thon_thanh"))
            }
        }

        // income
        var income = Income.monthlyPerCapita(0)
        if let total = cell(.yearlyIncome) {
            let amount = money(total, .yearlyIncome, issue)
            var size = 0
            if let s = cell(.size) {
                if let n = Self.smallInt(s), (1...50).contains(n) { size = n } else {
                    issue(.size, Message("survey.household_size_from_1", .text(s)))
                }
            } else if has(.size) {
                issue(.size, Message("survey.empty_household_size_required"))
            }
            if let amount, size > 0 { income = .yearlyTotal(amount, size: size) }
        } else if let monthly = cell(.monthlyIncome) {
            if let amount = money(monthly, .monthlyIncome, issue) { income = .monthlyPerCapita(amount) }
        } else if has(.yearlyIncome) || has(.monthlyIncome) {
            let column: SurveyColumn = has(.yearlyIncome) ? .yearlyIncome : .monthlyIncome
            issue(column, Message("survey.empty_income_ng_required"))
        }

        // indicators
        var mask: UInt64 = 0
        if let standard {
            if standard !== checkedStandard {
                if usableStandard[standard.code] == nil {
                    usableStandard[standard.code] = layout.checkIndicatorColumns(for: standard, year: year)
                }
                checkedStandard = standard
            }
            for index in standard.indicatorIndices {
                let p = indicatorPositions[index]
                guard p >= 0 else { continue }  // reported once on row 1
                let raw = p < cells.count ? cells[p] : ""
                switch flag(raw) {
                case .some(true): mask |= 1 << index
                case .some(false): break
                case .none:
                    let v = TextFolding.trim(raw)
                    issues.append(SurveyIssue(row: row, column: headers[p],
                        message: v.isEmpty ? Message("survey.indicator_empty") : Message("survey.indicator_invalid", .text(TextFolding.printable(String(v)))),
                        columnIndex: p))
                }
            }
        }

        // optional columns
        var minority: Bool?
        if let v = cell(.ethnicMinority) {
            minority = flag(String(v))
            if minority == nil { issue(.ethnicMinority, Message("survey.yes_no", .text(v))) }
        }
        var noCapacity: Bool?
        if let v = cell(.noWorkingCapacity) {
            noCapacity = flag(String(v))
            if noCapacity == nil { issue(.noWorkingCapacity, Message("survey.yes_no", .text(v))) }
        }
        var official: LivingStandard?
        if let v = cell(.officialStatus) {
            official = Self.status(fold(v))
            if official == nil {
                issue(.officialStatus, Message("survey.ngheo_ngheo_muc_song", .text(v)))
            }
        }
        var causes: [PovertyCause] = []
        if let v = cell(.causes) {
            for part in v.split(whereSeparator: { $0 == ";" || $0 == "," }) {
                let key = fold(part)
                if key.isEmpty { continue }
                if let cause = PovertyCause(rawValue: key) { if !causes.contains(cause) { causes.append(cause) } } else {
                    issue(.causes, Message("survey.unknown_cause", .text(TextFolding.trim(part)), .text(PovertyCause.allCases.map(\.rawValue).joined(separator: ", "))))
                }
            }
        }
        // Text columns: each trimmed once, checked against its limit (in characters; the byte
        // count, never smaller, is looked at first), then kept.
        func text(_ column: SurveyColumn, limit: Int, _ message: @autoclosure () -> Message) -> Substring? {
            guard let v = cell(column) else { return nil }
            if v.utf8.count > limit, v.count > limit { issue(column, message()) }
            return v
        }
        let member = text(.member, limit: 64, Message("survey.member_code_longer_than"))
        let unit = text(.unit, limit: 64, Message("survey.unit_code_longer_than"))
        let headName = text(.headName, limit: Self.headNameLimit, Message("import.text_longer_than", .number(Self.headNameLimit)))
        let ethnicity = text(.ethnicity, limit: Self.ethnicityLimit, Message("import.text_longer_than", .number(Self.ethnicityLimit)))
        let province = text(.province, limit: Self.placeLimit, Message("import.text_longer_than", .number(Self.placeLimit)))
        let commune = text(.commune, limit: Self.placeLimit, Message("import.text_longer_than", .number(Self.placeLimit)))
        let address = text(.address, limit: Self.addressLimit, Message("import.text_longer_than", .number(Self.addressLimit)))

        guard issues.count == before, let standard else { return nil }
        return SurveyRecord(
            rowNumber: row, householdCode: code, year: year, standard: standard,
            answers: HouseholdAnswers(area: area, income: income, deprivations: mask),
            unitCode: unit.map(String.init), memberCode: member.map(String.init),
            headName: headName.map(String.init), ethnicMinority: minority, officialStatus: official,
            noWorkingCapacity: noCapacity, ethnicity: ethnicity.map(String.init), causes: causes,
            province: province.map(String.init), commune: commune.map(String.init),
            address: address.map(String.init))
    }

    /// The standard a record was classified with.
    public func standard(of record: SurveyRecord) -> PovertyStandard { record.standard }

    /// Spellings of the area seen recently (raw bytes), so most rows skip folding.
    private var lastAreas: [(raw: [UInt8], area: Area)] = []

    private mutating func rememberArea(_ raw: Substring, _ area: Area) {
        if lastAreas.count >= 8 { lastAreas.removeFirst() }
        lastAreas.append((Array(raw.utf8), area))
    }

    /// The longest text a free-text column keeps (characters): a name is not a page.
    static let headNameLimit = 200, ethnicityLimit = 100, placeLimit = 200, addressLimit = 500

    /// Whether a cell holds a "#" (a formula error starts with one) and a control character
    /// (`TextFolding.controlCharacter`): one pass over its bytes in place (the usual cell has neither).
    @inline(__always) static func hashAndControl(_ cell: String) -> (hash: Bool, control: Bool) {
        func scan(_ bytes: some Sequence<UInt8>) -> (hash: Bool, control: Bool) {
            var hash = false, control = false, lead = false
            for b in bytes {
                if b <= 0x23 {
                    if b == 0x23 { hash = true } else if b < 0x20 && b != 0x09 && b != 0x0A && b != 0x0D { control = true }
                } else if b == 0x7F || (lead && b <= 0x9F) {
                    control = true
                }
                lead = b == 0xC2
            }
            return (hash, control)
        }
        return cell.utf8.withContiguousStorageIfAvailable { scan($0) } ?? scan(cell.utf8)
    }

    /// A non-negative integer of at most 9 ASCII digits, without the generic `Int(_:)`.
    static func smallInt(_ s: Substring) -> Int? {
        var value = 0
        var count = 0
        for b in s.utf8 {
            guard b >= 0x30 && b <= 0x39, count < 9 else { return nil }
            value = value * 10 + Int(b - 0x30)
            count += 1
        }
        return count == 0 ? nil : value
    }

    private mutating func fold(_ value: some StringProtocol) -> String {
        let key = String(value)
        if let hit = foldCache[key] { return hit }
        let folded = TextFolding.fold(key)
        if foldCache.count > 4096 { foldCache.removeAll(keepingCapacity: true) }
        foldCache[key] = folded
        return folded
    }

    /// `1`/`0`, `có`/`không`, `co`/`khong`; nil for anything else, including empty.
    private mutating func flag(_ raw: String) -> Bool? {
        if raw.utf8.count == 1 {
            switch raw.utf8.first! {
            case UInt8(ascii: "1"): return true
            case UInt8(ascii: "0"): return false
            default: return nil
            }
        }
        switch fold(raw) {
        case "1", "co": return true
        case "0", "khong": return false
        default: return nil
        }
    }

    private func money(_ text: Substring, _ column: SurveyColumn, _ issue: (SurveyColumn, Message) -> Void) -> Dong? {
        switch Money.parse(text) {
        case .success(let v): return v
        case .failure(let e):
            let key = switch e {
            case .empty: "survey.money.empty"
            case .negative: "survey.money.negative"
            case .decimal: "survey.money.decimal"
            case .badGrouping: "survey.money.grouping"
            case .notANumber: "survey.money.not_a_number"
            case .tooLarge: "survey.money.too_large"
            }
            issue(column, Message(key, .text(String(text))))
            return nil
        }
    }

    static func status(_ folded: String) -> LivingStandard? {
        switch folded {
        case "ngheo", "ho_ngheo", "poor": .poor
        case "can_ngheo", "ho_can_ngheo", "near_poor", "near-poor": .nearPoor
        case "muc_song_trung_binh", "ho_co_muc_song_trung_binh", "ho_muc_song_trung_binh", "average": .average
        case "khong_ngheo", "not_poor": .notPoor
        default: nil
        }
    }
}
