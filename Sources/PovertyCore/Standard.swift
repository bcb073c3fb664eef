import Foundation

/// Living-standard classes, with the codes used in files and reports.
public enum LivingStandard: String, CaseIterable, Codable, Sendable, Comparable {
    case poor = "ngheo"
    case nearPoor = "can_ngheo"
    case average = "muc_song_trung_binh"
    case notPoor = "khong_ngheo"

    public var vietnamese: String {
        switch self {
        case .poor: "hộ nghèo"
        case .nearPoor: "hộ cận nghèo"
        case .average: "hộ có mức sống trung bình"
        case .notPoor: "không nghèo"
        }
    }

    public var english: String {
        switch self {
        case .poor: "poor"
        case .nearPoor: "near-poor"
        case .average: "average living standard"
        case .notPoor: "not poor"
        }
    }

    var rank: Int { LivingStandard.allCases.firstIndex(of: self)! }
    public static func < (a: Self, b: Self) -> Bool { a.rank < b.rank }
}

/// Urban or rural, which selects the lines of a standard.
public enum Area: String, CaseIterable, Codable, Sendable {
    case rural = "nong_thon"
    case urban = "thanh_thi"

    public var vietnamese: String { self == .rural ? "nông thôn" : "thành thị" }
    public var english: String { self == .rural ? "rural" : "urban" }
}

/// A deprivation dimension (health, education, …) with its labels.
public struct Dimension: Sendable, Hashable, Codable {
    public let code: String
    public let vi: String
    public let en: String
}

/// A deprivation indicator. `index` is its place in the catalogue's indicator table,
/// which is also the order in which deprived indicators are listed.
public struct Indicator: Sendable, Hashable {
    public let code: String
    public let vi: String
    public let en: String
    public let index: Int
    /// When a household is deprived in it: the decree's definition, shortened (help on forms).
    public var helpVi: String = ""
    public var helpEn: String = ""
}

/// One income band of a standard for one area: households with per-capita monthly
/// income at or below `upTo` (and above the previous band's `upTo`) fall in it.
public struct Band: Sendable, Hashable {
    /// What a household in the band is.
    public enum Outcome: Sendable, Hashable {
        /// Always this class, whatever its deprivations.
        case fixed(LivingStandard)
        /// Poor with at least the standard's cut-off of deprivations, near-poor otherwise.
        case poorIfDeprived
    }
    public let upTo: Dong
    public let outcome: Outcome
    public let lineVi: String
    public let lineEn: String
}

/// A national multidimensional poverty standard, as data. Immutable; a class so that
/// handing it to each of a million rows costs one reference, not a copy.
public final class PovertyStandard: Sendable, Hashable, Identifiable {
    public var id: String { code }
    public let code: String
    public let nameVi: String
    public let nameEn: String
    public let source: String
    public let sourceEn: String
    public let reviewYears: ClosedRange<Int>
    public let listYears: ClosedRange<Int>
    public let provisional: Bool
    /// A household deprived in at least this many indicators is (multidimensionally) poor.
    public let deprivationCutoff: Int
    /// Bands per area, ascending by `upTo`.
    public let bands: [Area: [Band]]
    /// The standard's indicators in the order of the catalogue's table.
    public let indicators: [Indicator]
    /// The dimension of each indicator, by indicator code.
    public let dimensionOf: [String: Dimension]
    /// Bit `i` set for each indicator of the standard, `i` being the catalogue index.
    public let indicatorMask: UInt64
    /// Bands by area, `[rural, urban]`, for array look-ups on the hot path.
    @usableFromInline let bandsByArea: [[Band]]
    /// Each indicator's catalogue index and code, in the order of `indicators`: a loop per row
    /// reads these, not copies of whole indicators (five texts each).
    public let indicatorIndices: [Int]
    public let indicatorCodes: [String]

    init(code: String, nameVi: String, nameEn: String, source: String, sourceEn: String,
         reviewYears: ClosedRange<Int>, listYears: ClosedRange<Int>, provisional: Bool, deprivationCutoff: Int,
         bands: [Area: [Band]], indicators: [Indicator], dimensionOf: [String: Dimension], indicatorMask: UInt64) {
        self.code = code
        self.nameVi = nameVi
        self.nameEn = nameEn
        self.source = source
        self.sourceEn = sourceEn
        self.reviewYears = reviewYears
        self.listYears = listYears
        self.provisional = provisional
        self.deprivationCutoff = deprivationCutoff
        self.bands = bands
        self.indicators = indicators
        self.dimensionOf = dimensionOf
        self.indicatorMask = indicatorMask
        bandsByArea = [bands[.rural] ?? [], bands[.urban] ?? []]
        indicatorIndices = indicators.map(\.index)
        indicatorCodes = indicators.map(\.code)
    }

    @inlinable
    public func bands(for area: Area) -> [Band] { bandsByArea[area == .rural ? 0 : 1] }

    /// The number of indicators, `D` in the Alkire–Foster statistics.
    public var indicatorCount: Int { indicators.count }

    public static func == (a: PovertyStandard, b: PovertyStandard) -> Bool {
        a === b || (a.code == b.code && a.bands == b.bands && a.indicatorMask == b.indicatorMask
                    && a.reviewYears == b.reviewYears && a.deprivationCutoff == b.deprivationCutoff)
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}

/// The set of standards and indicators in force, loaded from a definitions file and
/// checked on load. The built-in definitions are `Resources/standards.json`.
public struct StandardCatalog: Sendable {
    public let dimensions: [Dimension]
    /// Every indicator any standard uses, in the order of the indicator table.
    public let indicators: [Indicator]
    /// Standards ordered by their first review year.
    public let standards: [PovertyStandard]
    private let indicatorByCode: [String: Indicator]
    private let standardByYear: [Int: Int]

    /// Errors in a definitions file. Each names the standard and the field.
    public enum LoadError: Error, Equatable, CustomStringConvertible {
        case malformed(String)
        case unknownIndicator(standard: String, code: String)
        case unknownDimension(standard: String, code: String)
        case duplicateIndicator(String)
        case duplicateStandard(String)
        case overlappingYears(String, String, year: Int)
        case missingBands(standard: String, area: String)
        case bandsNotAscending(standard: String, area: String)
        case badCutoff(standard: String, cutoff: Int)
        case badYears(standard: String)
        case badBand(standard: String, area: String, reason: String)

        public var description: String {
            switch self {
            case .malformed(let why): "tệp định nghĩa chuẩn nghèo không đọc được / the standards file is malformed: \(why)"
            case let .unknownIndicator(s, c): "chuẩn \(s): chỉ số '\(c)' không có trong bảng chỉ số / standard \(s): unknown indicator '\(c)'"
            case let .unknownDimension(s, c): "chuẩn \(s): chiều '\(c)' không có trong bảng chiều / standard \(s): unknown dimension '\(c)'"
            case .duplicateIndicator(let c): "chỉ số '\(c)' khai báo hai lần / indicator '\(c)' declared twice"
            case .duplicateStandard(let c): "chuẩn '\(c)' khai báo hai lần / standard '\(c)' declared twice"
            case let .overlappingYears(a, b, y): "chuẩn \(a) và \(b) cùng áp dụng cho năm rà soát \(y) / standards \(a) and \(b) both cover review year \(y)"
            case let .missingBands(s, a): "chuẩn \(s): thiếu mức thu nhập cho khu vực \(a) / standard \(s): no income bands for area \(a)"
            case let .bandsNotAscending(s, a): "chuẩn \(s), khu vực \(a): các mức thu nhập phải tăng dần / standard \(s), area \(a): bands must ascend"
            case let .badCutoff(s, c): "chuẩn \(s): ngưỡng thiếu hụt \(c) không hợp lệ / standard \(s): invalid deprivation cut-off \(c)"
            case .badYears(let s): "chuẩn \(s): khoảng năm không hợp lệ / standard \(s): invalid year range"
            case let .badBand(s, a, r): "chuẩn \(s), khu vực \(a): \(r)"
            }
        }
    }

    /// The built-in catalogue. It is validated by the test suite, so a failure here is a build defect.
    public static let builtIn: StandardCatalog = {
        do { return try StandardCatalog(json: Data(PackageResources.standards_json)) } catch {
            fatalError("built-in standards are invalid: \(error)")
        }
    }()

    public init(json: Data) throws {
        let file: DefinitionsFile
        do { file = try JSONDecoder().decode(DefinitionsFile.self, from: json) } catch let error as DecodingError {
            throw LoadError.malformed(Self.describe(error))
        }
        try self.init(file)
    }

    init(_ file: DefinitionsFile) throws {
        dimensions = file.dimensions
        var byCode: [String: Indicator] = [:]
        var list: [Indicator] = []
        for (i, entry) in file.indicators.enumerated() {
            guard byCode[entry.code] == nil else { throw LoadError.duplicateIndicator(entry.code) }
            let indicator = Indicator(code: entry.code, vi: entry.vi, en: entry.en, index: i, helpVi: entry.helpVi ?? "", helpEn: entry.helpEn ?? "")
            byCode[entry.code] = indicator
            list.append(indicator)
        }
        guard list.count <= 64 else { throw LoadError.malformed("at most 64 indicators") }
        indicators = list
        indicatorByCode = byCode
        let dimensionByCode = Dictionary(file.dimensions.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })

        var standards: [PovertyStandard] = []
        var seen = Set<String>()
        for s in file.standards {
            guard seen.insert(s.code).inserted else { throw LoadError.duplicateStandard(s.code) }
            guard s.reviewYears.from <= s.reviewYears.to, s.listYears.from <= s.listYears.to else {
                throw LoadError.badYears(standard: s.code)
            }
            var inds: [Indicator] = []
            var dims: [String: Dimension] = [:]
            var mask: UInt64 = 0
            for ref in s.indicators {
                guard let ind = byCode[ref.code] else { throw LoadError.unknownIndicator(standard: s.code, code: ref.code) }
                guard let dim = dimensionByCode[ref.dimension] else {
                    throw LoadError.unknownDimension(standard: s.code, code: ref.dimension)
                }
                guard mask & (1 << ind.index) == 0 else { throw LoadError.duplicateIndicator(ref.code) }
                mask |= 1 << ind.index
                inds.append(ind)
                dims[ind.code] = dim
            }
            inds.sort { $0.index < $1.index }
            guard s.deprivationCutoff >= 1, s.deprivationCutoff <= inds.count else {
                throw LoadError.badCutoff(standard: s.code, cutoff: s.deprivationCutoff)
            }
            var bands: [Area: [Band]] = [:]
            for area in Area.allCases {
                guard let entries = s.areas[area.rawValue], !entries.isEmpty else {
                    throw LoadError.missingBands(standard: s.code, area: area.rawValue)
                }
                var previous = -1
                var list: [Band] = []
                for e in entries {
                    guard e.upTo > previous else { throw LoadError.bandsNotAscending(standard: s.code, area: area.rawValue) }
                    previous = e.upTo
                    let outcome: Band.Outcome
                    switch (e.status, e.poorIfDeprived ?? false) {
                    case (nil, true): outcome = .poorIfDeprived
                    case (let status?, false):
                        guard let st = LivingStandard(rawValue: status), st != .notPoor else {
                            throw LoadError.badBand(standard: s.code, area: area.rawValue,
                                                    reason: "phân loại '\(status)' không hợp lệ / invalid status '\(status)'")
                        }
                        outcome = .fixed(st)
                    default:
                        throw LoadError.badBand(standard: s.code, area: area.rawValue,
                                                reason: "mỗi mức cần đúng một trong 'status' hoặc 'poorIfDeprived' / each band needs exactly one of 'status' or 'poorIfDeprived'")
                    }
                    list.append(Band(upTo: e.upTo, outcome: outcome, lineVi: e.lineVi, lineEn: e.lineEn))
                }
                bands[area] = list
            }
            for area in s.areas.keys where Area(rawValue: area) == nil {
                throw LoadError.badBand(standard: s.code, area: area, reason: "khu vực không biết / unknown area")
            }
            standards.append(PovertyStandard(
                code: s.code, nameVi: s.nameVi, nameEn: s.nameEn, source: s.source, sourceEn: s.sourceEn,
                reviewYears: s.reviewYears.from...s.reviewYears.to, listYears: s.listYears.from...s.listYears.to,
                provisional: s.provisional ?? false, deprivationCutoff: s.deprivationCutoff,
                bands: bands, indicators: inds, dimensionOf: dims, indicatorMask: mask))
        }
        standards.sort { $0.reviewYears.lowerBound < $1.reviewYears.lowerBound }
        var byYear: [Int: Int] = [:]
        for (i, s) in standards.enumerated() {
            for y in s.reviewYears {
                if let other = byYear[y] { throw LoadError.overlappingYears(standards[other].code, s.code, year: y) }
                byYear[y] = i
            }
        }
        self.standards = standards
        standardByYear = byYear
    }

    /// The standard used by the review carried out in `year`.
    public func standard(forReviewYear year: Int) -> PovertyStandard? {
        standardByYear[year].map { standards[$0] }
    }

    public func standard(code: String) -> PovertyStandard? {
        standards.first { $0.code == code }
    }

    public func indicator(code: String) -> Indicator? { indicatorByCode[code] }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ ctx: DecodingError.Context) -> String {
            ctx.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch error {
        case let .keyNotFound(key, ctx): return "thiếu trường '\(key.stringValue)' tại \(path(ctx)) / missing field '\(key.stringValue)' at \(path(ctx))"
        case let .typeMismatch(_, ctx), let .valueNotFound(_, ctx): return "sai kiểu tại \(path(ctx)) / wrong type at \(path(ctx)): \(ctx.debugDescription)"
        case let .dataCorrupted(ctx): return "JSON hỏng / corrupt JSON: \(ctx.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}

/// The on-disk shape of the definitions file.
struct DefinitionsFile: Codable {
    struct IndicatorEntry: Codable { let code: String; let vi: String; let en: String; let helpVi: String?; let helpEn: String? }
    struct Years: Codable { let from: Int; let to: Int }
    struct BandEntry: Codable {
        let upTo: Int
        let lineVi: String
        let lineEn: String
        let status: String?
        let poorIfDeprived: Bool?
    }
    struct IndicatorRef: Codable { let code: String; let dimension: String }
    struct StandardEntry: Codable {
        let code: String
        let nameVi: String
        let nameEn: String
        let source: String
        let sourceEn: String
        let reviewYears: Years
        let listYears: Years
        let provisional: Bool?
        let deprivationCutoff: Int
        let areas: [String: [BandEntry]]
        let indicators: [IndicatorRef]
    }
    let format: Int
    let dimensions: [Dimension]
    let indicators: [IndicatorEntry]
    let standards: [StandardEntry]
}
