/// The survey file contract of `survey-format.md`: a header row, then one household
/// per row and review year. Turns rows of text cells into `SurveyRecord`s or into
/// `SurveyIssue`s that name the spreadsheet row and the column as written in the file.

/// A problem with one cell (or, with row 1, with the header).
public struct SurveyIssue: Sendable, Hashable, CustomStringConvertible {
    public let row: Int
    public let column: String
    public let message: String
    /// Column position for ordering issues of one row (header order); `Int.max` when unknown.
    public let columnIndex: Int

    public init(row: Int, column: String, message: String, columnIndex: Int = .max) {
        self.row = row
        self.column = column
        self.message = message
        self.columnIndex = columnIndex
    }

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
    /// Problems with the header itself (row 1).
    public private(set) var headerIssues: [SurveyIssue]
    /// `--standard`: one standard for every row, whatever its year.
    public let standardOverride: PovertyStandard?
    public static let firstYear = 2015
    public static let lastYear = 2035

    public init(header: [String], catalog: StandardCatalog = .builtIn, standardOverride: PovertyStandard? = nil) {
        self.catalog = catalog
        self.standardOverride = standardOverride
        headers = header
        var position: [SurveyColumn: Int] = [:]
        var indicatorPosition = [Int](repeating: -1, count: catalog.indicators.count)
        var unknown: [String] = []
        var issues: [SurveyIssue] = []
        var seen: [String: Int] = [:]
        for (i, raw) in header.enumerated() {
            let name = TextFolding.fold(raw)
            if name.isEmpty { continue }
            if let first = seen[name] {
                issues.append(SurveyIssue(row: 1, column: raw, message:
                    "cột trùng tên với cột \(Self.columnLetter(first)) ('\(header[first])') / duplicate column (same as column \(Self.columnLetter(first)))",
                    columnIndex: i))
                continue
            }
            seen[name] = i
            if let column = SurveyColumn(rawValue: name) {
                position[column] = i
            } else if let indicator = catalog.indicator(code: name) {
                indicatorPosition[indicator.index] = i
            } else {
                unknown.append(raw)
            }
        }
        for required in [SurveyColumn.householdCode, .year, .area] where position[required] == nil {
            issues.append(SurveyIssue(row: 1, column: required.rawValue,
                                      message: "thiếu cột bắt buộc / required column is missing", columnIndex: -1))
        }
        if position[.yearlyIncome] == nil && position[.monthlyIncome] == nil {
            issues.append(SurveyIssue(row: 1, column: "tong_thu_nhap_nam",
                message: "thiếu cột thu nhập: cần 'tong_thu_nhap_nam' (kèm 'so_nhan_khau') hoặc 'thu_nhap_binh_quan_thang' / no income column: give 'tong_thu_nhap_nam' (with 'so_nhan_khau') or 'thu_nhap_binh_quan_thang'",
                columnIndex: -1))
        } else if position[.yearlyIncome] != nil && position[.size] == nil {
            issues.append(SurveyIssue(row: 1, column: "so_nhan_khau",
                message: "thiếu cột bắt buộc khi có 'tong_thu_nhap_nam' / required with 'tong_thu_nhap_nam'", columnIndex: -1))
        }
        self.position = position
        var positions = [Int](repeating: -1, count: SurveyColumn.allCases.count)
        for (column, p) in position { positions[column.ordinal] = p }
        columnPositions = positions
        self.indicatorPosition = indicatorPosition
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
                let yearText = year.map { ", năm \($0)" } ?? ""
                let yearEn = year.map { ", year \($0)" } ?? ""
                headerIssues.append(SurveyIssue(row: 1, column: ind.code,
                    message: "thiếu cột chỉ số bắt buộc theo chuẩn \(standard.code)\(yearText) / indicator column required by standard \(standard.code)\(yearEn) is missing",
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
    private let positions: [Int]
    private let indicatorPositions: [Int]

    public init(layout: SurveyLayout) {
        self.layout = layout
        positions = layout.columnPositions
        indicatorPositions = layout.indicatorPosition
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
        func issue(_ column: SurveyColumn, _ message: String) {
            let p = positions[column.ordinal]
            issues.append(SurveyIssue(row: row, column: p >= 0 ? headers[p] : column.rawValue, message: message,
                                      columnIndex: p >= 0 ? p : .max))
        }

        // ma_ho
        var code = ""
        if has(.householdCode) {
            if let v = cell(.householdCode) {
                if v.utf8.count > 64 && v.count > 64 { issue(.householdCode, "mã hộ dài quá 64 ký tự / household code longer than 64 characters") }
                code = String(v)
            } else {
                issue(.householdCode, "ô trống, cần mã hộ / empty, a household code is required")
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
                        issue(.year, "chưa có chuẩn nghèo cho năm rà soát \(y) (dùng --standard để chọn) / no poverty standard covers review year \(y) (use --standard)")
                    }
                } else {
                    issue(.year, "'\(v)' không phải năm từ \(SurveyLayout.firstYear) đến \(SurveyLayout.lastYear) / expected a year from \(SurveyLayout.firstYear) to \(SurveyLayout.lastYear)")
                }
            } else {
                issue(.year, "ô trống, cần năm rà soát / empty, the review year is required")
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
                    default: issue(.area, "'\(v)' không hợp lệ, cần 'nông thôn' hoặc 'thành thị' / expected nong_thon (rural) or thanh_thi (urban)")
                    }
                }
            } else {
                issue(.area, "ô trống, cần 'nông thôn' hoặc 'thành thị' / empty, expected nong_thon or thanh_thi")
            }
        }

        // income
        var income = Income.monthlyPerCapita(0)
        if let total = cell(.yearlyIncome) {
            let amount = money(total, .yearlyIncome, issue)
            var size = 0
            if let s = cell(.size) {
                if let n = Self.smallInt(s), (1...50).contains(n) { size = n } else {
                    issue(.size, "'\(s)' không hợp lệ, cần số người từ 1 đến 50 / expected a household size from 1 to 50")
                }
            } else if has(.size) {
                issue(.size, "ô trống, cần số nhân khẩu khi có tổng thu nhập năm / empty, the household size is required with a yearly total")
            }
            if let amount, size > 0 { income = .yearlyTotal(amount, size: size) }
        } else if let monthly = cell(.monthlyIncome) {
            if let amount = money(monthly, .monthlyIncome, issue) { income = .monthlyPerCapita(amount) }
        } else if has(.yearlyIncome) || has(.monthlyIncome) {
            let column: SurveyColumn = has(.yearlyIncome) ? .yearlyIncome : .monthlyIncome
            issue(column, "ô trống, cần thu nhập (đồng) / empty, the income (đồng) is required")
        }

        // indicators
        var mask: UInt64 = 0
        if let standard {
            if usableStandard[standard.code] == nil {
                usableStandard[standard.code] = layout.checkIndicatorColumns(for: standard, year: year)
            }
            for ind in standard.indicators {
                let p = indicatorPositions[ind.index]
                guard p >= 0 else { continue }  // reported once on row 1
                let raw = p < cells.count ? cells[p] : ""
                switch flag(raw) {
                case .some(true): mask |= 1 << ind.index
                case .some(false): break
                case .none:
                    let v = TextFolding.trim(raw)
                    let what = v.isEmpty ? "ô trống" : "'\(v)' không hợp lệ"
                    let whatEn = v.isEmpty ? "empty" : "invalid"
                    issues.append(SurveyIssue(row: row, column: headers[p],
                        message: "\(what), cần 1 (thiếu hụt) hoặc 0 (không), hoặc có/không / \(whatEn), expected 1 (deprived) or 0 (not), or có/không",
                        columnIndex: p))
                }
            }
        }

        // optional columns
        var minority: Bool?
        if let v = cell(.ethnicMinority) {
            minority = flag(String(v))
            if minority == nil { issue(.ethnicMinority, "'\(v)' không hợp lệ, cần 1/0 hoặc có/không / expected 1/0 or có/không") }
        }
        var noCapacity: Bool?
        if let v = cell(.noWorkingCapacity) {
            noCapacity = flag(String(v))
            if noCapacity == nil { issue(.noWorkingCapacity, "'\(v)' không hợp lệ, cần 1/0 hoặc có/không / expected 1/0 or có/không") }
        }
        var official: LivingStandard?
        if let v = cell(.officialStatus) {
            official = Self.status(fold(v))
            if official == nil {
                issue(.officialStatus, "'\(v)' không hợp lệ, cần ngheo, can_ngheo, muc_song_trung_binh hoặc khong_ngheo / expected ngheo, can_ngheo, muc_song_trung_binh or khong_ngheo")
            }
        }
        var causes: [PovertyCause] = []
        if let v = cell(.causes) {
            for part in v.split(whereSeparator: { $0 == ";" || $0 == "," }) {
                let key = fold(part)
                if key.isEmpty { continue }
                if let cause = PovertyCause(rawValue: key) { if !causes.contains(cause) { causes.append(cause) } } else {
                    issue(.causes, "nguyên nhân '\(TextFolding.trim(part))' không có trong danh mục (\(PovertyCause.allCases.map(\.rawValue).joined(separator: ", "))) / unknown cause")
                }
            }
        }
        if let v = cell(.member), v.count > 64 { issue(.member, "mã đoàn viên dài quá 64 ký tự / member code longer than 64 characters") }
        if let v = cell(.unit), v.count > 64 { issue(.unit, "mã đơn vị dài quá 64 ký tự / unit code longer than 64 characters") }

        guard issues.count == before, let standard else { return nil }
        return SurveyRecord(
            rowNumber: row, householdCode: code, year: year, standard: standard,
            answers: HouseholdAnswers(area: area, income: income, deprivations: mask),
            unitCode: cell(.unit).map(String.init), memberCode: cell(.member).map(String.init),
            headName: cell(.headName).map(String.init), ethnicMinority: minority, officialStatus: official,
            noWorkingCapacity: noCapacity, ethnicity: cell(.ethnicity).map(String.init), causes: causes,
            province: cell(.province).map(String.init), commune: cell(.commune).map(String.init),
            address: cell(.address).map(String.init))
    }

    /// The standard a record was classified with.
    public func standard(of record: SurveyRecord) -> PovertyStandard { record.standard }

    /// Spellings of the area seen recently (raw bytes), so most rows skip folding.
    private var lastAreas: [(raw: [UInt8], area: Area)] = []

    private mutating func rememberArea(_ raw: Substring, _ area: Area) {
        if lastAreas.count >= 8 { lastAreas.removeFirst() }
        lastAreas.append((Array(raw.utf8), area))
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

    private func money(_ text: Substring, _ column: SurveyColumn, _ issue: (SurveyColumn, String) -> Void) -> Dong? {
        switch Money.parse(text) {
        case .success(let v): return v
        case .failure(let e):
            let why: String
            switch e {
            case .empty: why = "ô trống / empty"
            case .negative: why = "số âm không hợp lệ / negative amounts are not accepted"
            case .decimal: why = "không nhận số thập phân, ghi số đồng nguyên / decimals are not accepted, give whole đồng"
            case .badGrouping: why = "nhóm chữ số sai, hãy nhóm theo 3 chữ số như 1.500.000 / digits must be grouped in threes, like 1.500.000"
            case .notANumber: why = "không phải số tiền, cần số đồng nguyên như 1.500.000 hoặc 1500000 / not an amount, expected whole đồng like 1.500.000 or 1500000"
            case .tooLarge: why = "số tiền quá lớn / amount too large"
            }
            issue(column, "'\(text)': \(why)")
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
