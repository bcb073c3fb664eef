import Foundation

/// The union's support campaigns, their gift amounts and who is served first.

/// A recurring union campaign.
public enum CampaignKind: String, Sendable, CaseIterable, Codable {
    case workersMonth = "thang_cong_nhan"
    case tet = "tet_sum_vay"
    case forThePoor = "vi_nguoi_ngheo"
    case maiAm = "mai_am"

    public var nameVi: String {
        switch self {
        case .workersMonth: "Tháng Công nhân"
        case .tet: "Tết Sum vầy"
        case .forThePoor: "Vì người nghèo"
        case .maiAm: "Mái ấm Công đoàn"
        }
    }

    public var nameEn: String {
        switch self {
        case .workersMonth: "Workers' Month"
        case .tet: "Tết Reunion"
        case .forThePoor: "For the Poor"
        case .maiAm: "Union Shelter"
        }
    }

    /// The policy code (see `PolicyCatalogue`) a gift of the campaign is recorded as.
    public var supportPolicy: String {
        switch self {
        case .workersMonth: "qua_thang_cong_nhan"
        case .tet: "qua_tet"
        case .forThePoor: "tro_cap_kho_khan"
        case .maiAm: "mai_am_xay_moi"
        }
    }
}

/// Gift amounts per campaign (a default table, overridden per union unit) and how often a
/// household may get a Mái ấm house. The built-in rules are `Resources/support-rules.json`.
public struct SupportRules: Sendable {
    /// A household gets a Mái ấm house at most once in this many years.
    public let maiAmRepeatYears: Int
    public let defaultAmounts: [CampaignKind: Dong]
    /// Unit code → the amounts it sets; kinds it does not set fall back to its ancestors, then the default.
    public let unitAmounts: [String: [CampaignKind: Dong]]

    public enum LoadError: Error, Equatable, Sendable, CustomStringConvertible {
        case malformed(String)
        case badRepeatYears(Int)
        case missingDefault(CampaignKind)
        case unknownKind(String)
        case badAmount(unit: String, kind: CampaignKind)

        public var description: String {
            switch self {
            case .malformed(let why): "tệp mức hỗ trợ không đọc được / the support-rules file is malformed: \(why)"
            case .badRepeatYears(let y): "số năm giữa hai lần Mái ấm (\(y)) phải lớn hơn 0 / Mái ấm repeat years (\(y)) must be positive"
            case .missingDefault(let k): "thiếu mức mặc định cho \(k.nameVi) / no default amount for \(k.nameEn)"
            case .unknownKind(let k): "loại đợt hỗ trợ '\(k)' không biết / unknown campaign kind '\(k)'"
            case let .badAmount(u, k): "\(u), \(k.nameVi): mức hỗ trợ phải lớn hơn 0 / \(u), \(k.nameEn): the amount must be positive"
            }
        }
    }

    /// Checks that every kind has a positive default and every override is positive.
    public init(maiAmRepeatYears: Int, defaultAmounts: [CampaignKind: Dong], unitAmounts: [String: [CampaignKind: Dong]] = [:]) throws {
        guard maiAmRepeatYears > 0 else { throw LoadError.badRepeatYears(maiAmRepeatYears) }
        for kind in CampaignKind.allCases {
            guard let amount = defaultAmounts[kind] else { throw LoadError.missingDefault(kind) }
            guard amount > 0 else { throw LoadError.badAmount(unit: "default", kind: kind) }
        }
        for unit in unitAmounts.keys.sorted() {
            for kind in CampaignKind.allCases where (unitAmounts[unit]?[kind]).map({ $0 <= 0 }) ?? false {
                throw LoadError.badAmount(unit: unit, kind: kind)
            }
        }
        self.maiAmRepeatYears = maiAmRepeatYears
        self.defaultAmounts = defaultAmounts
        self.unitAmounts = unitAmounts
    }

    public init(json: Data) throws {
        struct File: Decodable {
            struct Amounts: Decodable {
                let `default`: [String: Dong]
                let units: [String: [String: Dong]]?
            }
            let maiAmRepeatYears: Int
            let giftAmounts: Amounts
        }
        let file: File
        do { file = try JSONDecoder().decode(File.self, from: json) } catch {
            throw LoadError.malformed(String(describing: error))
        }
        func table(_ raw: [String: Dong]) throws -> [CampaignKind: Dong] {
            var out: [CampaignKind: Dong] = [:]
            for key in raw.keys.sorted() {
                guard let kind = CampaignKind(rawValue: key) else { throw LoadError.unknownKind(key) }
                out[kind] = raw[key]
            }
            return out
        }
        var units: [String: [CampaignKind: Dong]] = [:]
        for (unit, raw) in file.giftAmounts.units ?? [:] { units[unit] = try table(raw) }
        try self.init(maiAmRepeatYears: file.maiAmRepeatYears, defaultAmounts: try table(file.giftAmounts.default),
                      unitAmounts: units)
    }

    /// The built-in rules. They are validated by the test suite, so a failure here is a build defect.
    public static let bundled: SupportRules = {
        do { return try SupportRules(json: Data(PackageResources.support_rules_json)) } catch {
            fatalError("built-in support rules are invalid: \(error)")
        }
    }()

    /// The gift of one campaign for a household of the unit `unitCodes.first`: the amount the
    /// nearest unit in `unitCodes` (the unit and its ancestors, nearest first) sets, else the default.
    public func giftAmount(kind: CampaignKind, unitCodes: [String]) -> Dong {
        for unit in unitCodes {
            if let amount = unitAmounts[unit]?[kind] { return amount }
        }
        return defaultAmounts[kind] ?? 0
    }

    /// The Mái ấm house among those a household was given (`given`, their days) too near `day`
    /// for another on `day`, if any: two houses stand at least `maiAmRepeatYears` apart, to the
    /// same date (month-end clamped), whichever was recorded first. nil: one may be given.
    public func maiAmConflict(given: [Day], on day: Day) -> Day? {
        let months = 12 * maiAmRepeatYears
        return given.sorted().first { other in !(day >= other.adding(months: months) || other >= day.adding(months: months)) }
    }

    /// Whether a household given Mái ấm houses on `given` may get another on `day` (`maiAmConflict`).
    public func maiAmAllowed(given: [Day], on day: Day) -> Bool { maiAmConflict(given: given, on: day) == nil }
}

/// A household competing for a limited number of gifts.
public struct NeedCandidate: Sendable, Hashable {
    public let householdID: Int
    /// The living-standard code as stored (`LivingStandard.rawValue`: `ngheo`, `can_ngheo`, …).
    public let status: String
    public let deprivationCount: Int
    public let perCapitaIncome: Dong
    /// Flagged as in particular hardship (illness, disaster, loss of work…).
    public let hardship: Bool

    public init(householdID: Int, status: String, deprivationCount: Int, perCapitaIncome: Dong, hardship: Bool) {
        self.householdID = householdID
        self.status = status
        self.deprivationCount = deprivationCount
        self.perCapitaIncome = perCapitaIncome
        self.hardship = hardship
    }
}

public enum Need {
    /// Neediest first: poor, then near-poor, then every other status; within a class, hardship
    /// first, then more deprivations, then lower per-capita income, then household ID ascending.
    public static func order(_ candidates: [NeedCandidate]) -> [NeedCandidate] {
        func classRank(_ status: String) -> Int {
            switch LivingStandard(rawValue: status) {
            case .poor: 0
            case .nearPoor: 1
            default: 2
            }
        }
        return candidates
            .map { (key: (classRank($0.status), $0.hardship ? 0 : 1, -$0.deprivationCount, $0.perCapitaIncome, $0.householdID), c: $0) }
            .sorted { $0.key < $1.key }
            .map(\.c)
    }
}
