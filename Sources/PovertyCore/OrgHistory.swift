/// The union tree through time. Units keep their identity; their name and parent live
/// in versions over half-open date ranges `[from, to)`; a unit that ends points to its
/// successors (merge, split, dissolve). Everything here is pure and in memory: a
/// province has thousands of units, not millions.

/// Kinds of union unit, with the dates between which each kind can exist.
public enum UnitKind: String, CaseIterable, Sendable, Codable {
    case provincialFederation = "lien_doan_tinh"
    case districtFederation = "lien_doan_huyen"
    case communeUnion = "cong_doan_xa_phuong"
    case sectorUnion = "cong_doan_nganh"
    case industrialZoneUnion = "cong_doan_khu_cong_nghiep"
    case grassrootsUnion = "cong_doan_co_so"

    public var vietnamese: String {
        switch self {
        case .provincialFederation: "Liên đoàn Lao động tỉnh"
        case .districtFederation: "Liên đoàn Lao động huyện/thành phố"
        case .communeUnion: "Công đoàn xã/phường"
        case .sectorUnion: "Công đoàn ngành"
        case .industrialZoneUnion: "Công đoàn các khu công nghiệp"
        case .grassrootsUnion: "Công đoàn cơ sở"
        }
    }

    public var english: String {
        switch self {
        case .provincialFederation: "provincial federation"
        case .districtFederation: "district/city federation"
        case .communeUnion: "commune/ward union"
        case .sectorUnion: "sector union"
        case .industrialZoneUnion: "industrial-zone union"
        case .grassrootsUnion: "grassroots union"
        }
    }

    /// District federations ended on 30/06/2025; commune/ward unions exist from 01/07/2025.
    public func allows(from: Day, to: Day?) -> Bool {
        switch self {
        case .districtFederation: return from < Day.reform2025 && (to.map { $0 <= Day.reform2025 } ?? true)
        case .communeUnion: return from >= Day.reform2025
        default: return true
        }
    }

    /// Accepts the code, or the Vietnamese/English name, folded.
    public init?(text: String) {
        let f = TextFolding.fold(text)
        if let k = UnitKind(rawValue: f) { self = k; return }
        let aliases: [String: UnitKind] = [
            "lien_doan_lao_dong_tinh": .provincialFederation, "ldld_tinh": .provincialFederation, "tinh": .provincialFederation,
            "lien_doan_lao_dong_huyen": .districtFederation, "lien_doan_lao_dong_huyen/thanh_pho": .districtFederation,
            "ldld_huyen": .districtFederation, "huyen": .districtFederation,
            "cong_doan_xa/phuong": .communeUnion, "cong_doan_xa": .communeUnion, "cong_doan_phuong": .communeUnion, "xa_phuong": .communeUnion,
            "nganh": .sectorUnion, "khu_cong_nghiep": .industrialZoneUnion, "cong_doan_cac_khu_cong_nghiep": .industrialZoneUnion,
            "cdcs": .grassrootsUnion, "co_so": .grassrootsUnion,
        ]
        guard let k = aliases[f] ?? UnitKind.allCases.first(where: { TextFolding.fold($0.vietnamese) == f || TextFolding.fold($0.english) == f }) else { return nil }
        self = k
    }
}

public struct OrgUnit: Sendable, Hashable {
    public let id: Int
    public let code: String
    public let kind: UnitKind
    public let from: Day
    public let to: Day?
    public init(id: Int, code: String, kind: UnitKind, from: Day, to: Day?) {
        self.id = id; self.code = code; self.kind = kind; self.from = from; self.to = to
    }
    public func isActive(on day: Day) -> Bool { from <= day && (to.map { day < $0 } ?? true) }
}

/// A place where the tree is not whole (`OrgHistory.breaks()`).
public struct TreeBreak: Sendable, Hashable {
    public let unitID: Int
    public let day: Day
}

public struct OrgVersion: Sendable, Hashable {
    public let unitID: Int
    public let name: String
    public let parentID: Int?
    public let from: Day
    public let to: Day?
    public init(unitID: Int, name: String, parentID: Int?, from: Day, to: Day?) {
        self.unitID = unitID; self.name = name; self.parentID = parentID; self.from = from; self.to = to
    }
    public func covers(_ day: Day) -> Bool { from <= day && (to.map { day < $0 } ?? true) }
}

public enum SuccessionKind: String, Sendable, Codable, CaseIterable {
    case merge, split, dissolve

    public var vietnamese: String {
        switch self {
        case .merge: "sáp nhập"
        case .split: "chia tách"
        case .dissolve: "giải thể"
        }
    }

    public var english: String {
        switch self {
        case .merge: "merged"
        case .split: "split"
        case .dissolve: "dissolved"
        }
    }
}

public struct OrgSuccession: Sendable, Hashable {
    public let predecessorID: Int
    public let successorID: Int
    public let effective: Day
    public let kind: SuccessionKind
    /// For a split: the successor that takes what is not assigned elsewhere.
    public let primary: Bool
    public init(predecessorID: Int, successorID: Int, effective: Day, kind: SuccessionKind, primary: Bool) {
        self.predecessorID = predecessorID; self.successorID = successorID; self.effective = effective
        self.kind = kind; self.primary = primary
    }
}

/// The whole history, indexed for queries at any date.
public struct OrgHistory: Sendable {
    public let units: [Int: OrgUnit]
    private let versions: [Int: [OrgVersion]]
    private let successors: [Int: [OrgSuccession]]
    private let byCode: [String: Int]

    public init(units: [OrgUnit], versions: [OrgVersion], successions: [OrgSuccession]) {
        self.units = Dictionary(units.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        self.versions = Dictionary(grouping: versions, by: \.unitID).mapValues { $0.sorted { $0.from < $1.from } }
        self.successors = Dictionary(grouping: successions, by: \.predecessorID)
            .mapValues { $0.sorted { ($0.primary ? 0 : 1, $0.successorID) < ($1.primary ? 0 : 1, $1.successorID) } }
        byCode = Dictionary(units.map { ($0.code, $0.id) }, uniquingKeysWith: { a, _ in a })
    }

    public func unit(code: String) -> OrgUnit? { byCode[code].flatMap { units[$0] } }

    /// Where the tree is not whole: a unit standing under a parent that does not stand for the
    /// whole of that period (from the parent's end, a stray root that only the province sees),
    /// or a unit that is its own ancestor (a loop). Each as the unit and the first day it holds.
    public func breaks() -> Set<TreeBreak> {
        var out: Set<TreeBreak> = []
        for (id, list) in versions {
            for v in list {
                guard let p = v.parentID else { continue }
                let end = v.to ?? units[id]?.to
                if let parent = units[p] {
                    if parent.from > v.from { out.insert(TreeBreak(unitID: id, day: v.from)) }
                    if let parentEnd = parent.to, end.map({ $0 > parentEnd }) ?? true { out.insert(TreeBreak(unitID: id, day: max(parentEnd, v.from))) }
                } else {
                    out.insert(TreeBreak(unitID: id, day: v.from))
                }
                var seen: Set<Int> = [id]
                var current: Int? = p
                while let c = current {
                    guard seen.insert(c).inserted else { out.insert(TreeBreak(unitID: id, day: v.from)); break }
                    current = parent(of: c, on: v.from)
                }
            }
        }
        return out
    }

    /// Name and parent of a unit on a day (nil when it did not exist then).
    public func version(of id: Int, on day: Day) -> OrgVersion? {
        guard let unit = units[id], unit.isActive(on: day) else { return nil }
        return versions[id]?.last { $0.covers(day) }
    }

    public func name(of id: Int, on day: Day) -> String? { version(of: id, on: day)?.name }

    /// `day`, or for a unit that had ended by then, its own last day: the tree it last stood
    /// in (an ended district federation's report, figures and letterhead are of that tree).
    public func lastStanding(of id: Int, on day: Day) -> Day {
        guard let unit = units[id], let end = unit.to, end <= day, unit.from < end else { return day }
        return end.previous
    }

    /// The latest name a unit had (for units that have ended).
    public func lastName(of id: Int) -> String? { versions[id]?.last?.name }

    /// Every period of a unit, oldest first.
    public func versions(of id: Int) -> [OrgVersion] { versions[id] ?? [] }

    public func parent(of id: Int, on day: Day) -> Int? { version(of: id, on: day)?.parentID }

    /// The chain from the unit up to its root on a day, the unit first.
    public func ancestry(of id: Int, on day: Day) -> [Int] {
        var chain: [Int] = []
        var current: Int? = version(of: id, on: day) != nil ? id : nil
        while let c = current, !chain.contains(c) {
            chain.append(c)
            current = parent(of: c, on: day)
        }
        return chain
    }

    /// The tree on a day: children of each unit, and the roots.
    public func tree(on day: Day) -> OrgTree {
        var children: [Int: [Int]] = [:]
        var roots: [Int] = []
        for (id, unit) in units where unit.isActive(on: day) {
            if let p = parent(of: id, on: day), units[p]?.isActive(on: day) == true {
                children[p, default: []].append(id)
            } else {
                roots.append(id)
            }
        }
        let sortKey = { (id: Int) in units[id]?.code ?? "" }
        children = children.mapValues { $0.sorted { sortKey($0) < sortKey($1) } }
        roots.sort { sortKey($0) < sortKey($1) }
        return OrgTree(day: day, roots: roots, children: children)
    }

    /// Where a unit lives on `day`: itself if active, else its (primary) successor, followed
    /// through every later merge, split or dissolution. Nil if the line ends without successor.
    public func successor(of id: Int, on day: Day) -> Int? {
        var current = id
        var seen: Set<Int> = []
        while let unit = units[current], seen.insert(current).inserted {
            if unit.isActive(on: day) { return current }
            guard let next = successors[current]?.first(where: { $0.effective <= day }) else { return nil }
            current = next.successorID
        }
        return nil
    }

    /// Every unit a unit's line has passed to by `day`, through each merge, split and
    /// dissolution (each part of a split, and what those parts became in turn).
    public func heirs(of id: Int, on day: Day) -> Set<Int> {
        var found: Set<Int> = [], next = [id]
        while let current = next.popLast() {
            for s in successors[current] ?? [] where s.effective <= day && found.insert(s.successorID).inserted {
                next.append(s.successorID)
            }
        }
        found.remove(id)
        return found
    }

    /// All successors (for a split, each part).
    public func successions(of id: Int) -> [OrgSuccession] { successors[id] ?? [] }

    /// Moves counts kept per unit onto the tree of `day` (e.g. today's), following successors.
    /// Counts of units whose line ended without a successor are returned apart.
    public func rebase<Value>(_ counts: [Int: Value], onto day: Day, combine: (Value, Value) -> Value) -> (counts: [Int: Value], orphaned: [Int: Value]) {
        var out: [Int: Value] = [:]
        var orphaned: [Int: Value] = [:]
        for (id, value) in counts {
            if let target = successor(of: id, on: day) {
                out[target] = out[target].map { combine($0, value) } ?? value
            } else {
                orphaned[id] = value
            }
        }
        return (out, orphaned)
    }

    /// Adds per-unit counts up the tree of the tree's day: each unit gets its own plus its subtree's.
    public func rollUp<Value>(_ counts: [Int: Value], on tree: OrgTree, zero: Value, combine: (Value, Value) -> Value) -> [Int: Value] {
        var totals: [Int: Value] = [:]
        func visit(_ id: Int) -> Value {
            var total = counts[id] ?? zero
            for child in tree.children[id] ?? [] { total = combine(total, visit(child)) }
            totals[id] = total
            return total
        }
        for root in tree.roots { _ = visit(root) }
        return totals
    }
}

/// The tree on one day.
public struct OrgTree: Sendable {
    public let day: Day
    public let roots: [Int]
    public let children: [Int: [Int]]

    /// The unit and everything below it, depth first, the unit first.
    public func subtree(of id: Int) -> [Int] {
        var out: [Int] = []
        var stack = [id]
        var seen: Set<Int> = []
        // Each unit once, even in a tree damaged into a loop (refused on entry, but never an endless walk).
        while let next = stack.popLast() {
            guard seen.insert(next).inserted else { continue }
            out.append(next)
            stack.append(contentsOf: (children[next] ?? []).reversed())
        }
        return out
    }

    /// Whether a unit is on this tree.
    public func contains(_ id: Int) -> Bool {
        roots.contains(id) || children.values.contains { $0.contains(id) }
    }

}
