import Foundation

/// Who gives a support policy: the state's poverty-reduction programmes or the union itself.
public enum PolicyKind: String, Sendable, Codable, CaseIterable {
    case state, union
}

/// A support policy a household can receive, with its code as stored in support records.
public struct Policy: Sendable, Hashable, Codable {
    public let code: String
    public let nameVi: String
    public let nameEn: String
    public let kind: PolicyKind

    public init(code: String, nameVi: String, nameEn: String, kind: PolicyKind) {
        self.code = code
        self.nameVi = nameVi
        self.nameEn = nameEn
        self.kind = kind
    }

    enum CodingKeys: String, CodingKey {
        case code, kind
        case nameVi = "name_vi"
        case nameEn = "name_en"
    }
}

/// The support policies and which deprivation indicators each addresses, checked on load.
/// The built-in catalogue is `Resources/policies.json`.
public struct PolicyCatalogue: Sendable {
    /// Policies in catalogue order (the order suggestions are listed in).
    public let policies: [Policy]
    /// Indicator code → codes of the policies addressing it, in catalogue order.
    public let addresses: [String: [String]]
    private let indexByCode: [String: Int]

    public enum LoadError: Error, Equatable, Sendable, CustomStringConvertible {
        case malformed(String)
        case emptyCode
        case duplicatePolicy(String)
        case unknownPolicy(indicator: String, policy: String)
        case noPolicies(indicator: String)

        public var description: String {
            switch self {
            case .malformed(let why): "tệp chính sách không đọc được / the policies file is malformed: \(why)"
            case .emptyCode: "chính sách thiếu mã / a policy has no code"
            case .duplicatePolicy(let c): "chính sách '\(c)' khai báo hai lần / policy '\(c)' declared twice"
            case let .unknownPolicy(i, p): "chỉ số \(i): chính sách '\(p)' không có trong danh mục / indicator \(i): unknown policy '\(p)'"
            case .noPolicies(let i): "chỉ số \(i): không có chính sách nào / indicator \(i): no policies listed"
            }
        }
    }

    /// Checks that codes are unique and that the mapping names only known policies.
    /// Repeats within one indicator's list are dropped.
    public init(policies: [Policy], addresses: [String: [String]]) throws {
        var index: [String: Int] = [:]
        for (i, p) in policies.enumerated() {
            guard !p.code.isEmpty else { throw LoadError.emptyCode }
            guard index[p.code] == nil else { throw LoadError.duplicatePolicy(p.code) }
            index[p.code] = i
        }
        var mapping: [String: [String]] = [:]
        for indicator in addresses.keys.sorted() {
            let codes = addresses[indicator] ?? []
            guard !codes.isEmpty else { throw LoadError.noPolicies(indicator: indicator) }
            var positions = Set<Int>()
            for c in codes {
                guard let i = index[c] else { throw LoadError.unknownPolicy(indicator: indicator, policy: c) }
                positions.insert(i)
            }
            mapping[indicator] = positions.sorted().map { policies[$0].code }
        }
        self.policies = policies
        self.addresses = mapping
        indexByCode = index
    }

    public init(json: Data) throws {
        struct File: Decodable {
            let policies: [Policy]
            let addresses: [String: [String]]
        }
        let file: File
        do { file = try JSONDecoder().decode(File.self, from: json) } catch {
            throw LoadError.malformed(String(describing: error))
        }
        try self.init(policies: file.policies, addresses: file.addresses)
    }

    /// The built-in catalogue. It is validated by the test suite, so a failure here is a build defect.
    public static let bundled: PolicyCatalogue = {
        do { return try PolicyCatalogue(json: Data(PackageResources.policies_json)) } catch {
            fatalError("built-in policies are invalid: \(error)")
        }
    }()

    public func policy(code: String) -> Policy? { indexByCode[code].map { policies[$0] } }

    /// Codes of the policies addressing an indicator, in catalogue order; empty when none.
    public func policies(addressing indicator: String) -> [String] { addresses[indicator] ?? [] }

    /// Position in the catalogue, for sorting codes; unknown codes sort last.
    func rank(_ code: String) -> Int { indexByCode[code] ?? Int.max }
}

/// One deprived indicator of a household and the support it got for it.
public struct CoverageLine: Sendable, Hashable {
    public let indicator: String
    /// Policy codes that would address the indicator, in catalogue order.
    public let addressedBy: [String]
    /// Those of `addressedBy` the household received.
    public let received: [String]

    public var isAddressed: Bool { !received.isEmpty }
}

/// How well the support a household received covers its deprivations.
public struct HouseholdCoverage: Sendable, Hashable {
    /// One line per deprived indicator, in the order given.
    public let lines: [CoverageLine]
    /// Whether the household received any policy at all, addressing a deprivation or not.
    public let receivedAny: Bool

    /// Every deprived indicator has at least one received policy addressing it. A household
    /// with no deprivations (poor or near-poor by income alone) has nothing to address, so it
    /// is complete as soon as it has received at least one policy of any kind.
    public var isComplete: Bool { lines.isEmpty ? receivedAny : lines.allSatisfy(\.isAddressed) }

    /// Deprived indicators no received policy addresses, in line order.
    public var missingIndicators: [String] { lines.filter { !$0.isAddressed }.map(\.indicator) }

    /// The policies that would address the missing indicators: catalogue order, no repeats.
    public let suggestedPolicies: [String]

    /// Coverage of a household deprived in `deprived` (indicator codes; repeats ignored) that
    /// received the policies `received` (codes, any kind). An indicator no policy addresses
    /// can never be covered and stays missing.
    public static func of(deprived: [String], received: Set<String>, catalogue: PolicyCatalogue) -> HouseholdCoverage {
        var seen = Set<String>()
        var lines: [CoverageLine] = []
        for indicator in deprived where seen.insert(indicator).inserted {
            let by = catalogue.policies(addressing: indicator)
            lines.append(CoverageLine(indicator: indicator, addressedBy: by, received: by.filter(received.contains)))
        }
        let suggested = Set(lines.filter { !$0.isAddressed }.flatMap(\.addressedBy))
        return HouseholdCoverage(lines: lines, receivedAny: !received.isEmpty,
                                 suggestedPolicies: suggested.sorted { catalogue.rank($0) < catalogue.rank($1) })
    }
}
