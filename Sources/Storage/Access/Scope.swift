import PovertyCore
import SQLKit

/// The branch of the tree an actor may see and touch: the whole province (an account of a
/// root unit, the command-line operator) or a set of units (a subtree today, with the units
/// whose history leads into it). Only Storage makes one, from an `Actor`'s unit and the
/// tree; nothing outside reads "no scope" as "everything".
public struct Scope: Sendable, Hashable {
    /// nil: the whole province. Never a default: see `province` and `branch(of:in:on:)`.
    let unitIDs: Set<Int>?

    init(unitIDs: Set<Int>?) { self.unitIDs = unitIDs }

    /// The whole province.
    static let province = Scope(unitIDs: nil)

    /// No unit at all (an account whose unit has ended).
    static let nothing = Scope(unitIDs: [])

    /// Whether this scope holds no unit.
    public var isEmpty: Bool { unitIDs?.isEmpty ?? false }

    /// Whether this is the whole province.
    public var isWholeProvince: Bool { unitIDs == nil }

    public func contains(_ unitID: Int) -> Bool { unitIDs?.contains(unitID) ?? true }

    /// The units of a limited scope, sorted (nil for the whole province).
    public var sortedUnitIDs: [Int]? { unitIDs?.sorted() }

    /// The subtree of a unit on a day, without predecessors.
    static func subtree(of unitID: Int, in history: OrgHistory, on day: Day) -> Scope {
        Scope(unitIDs: Set(history.tree(on: day).subtree(of: unitID)))
    }

    /// What an account of `unitID` sees on `day`: the whole province for a provincial
    /// federation at the root of that day's tree; otherwise the unit's subtree and every unit
    /// whose line leads into it (predecessors merged, split or dissolved into it), so an officer
    /// also sees the history of the units now theirs. A unit of another kind left without a
    /// parent (refused when entered; possible in older data) sees only its own branch.
    static func branch(of unitID: Int, in history: OrgHistory, on day: Day) -> Scope {
        if let unit = history.units[unitID], unit.kind == .provincialFederation, unit.isActive(on: day),
           history.parent(of: unitID, on: day) == nil { return .province }
        return predecessorsIncluded(of: unitID, in: history, on: day)
    }

    /// A unit's subtree on `day` and the units whose line leads into it, even for a root (a
    /// campaign organiser's reach, a unit's own branch inside a larger one).
    static func predecessorsIncluded(of unitID: Int, in history: OrgHistory, on day: Day) -> Scope {
        let branch = Set(history.tree(on: day).subtree(of: unitID))
        var units = branch
        for id in history.units.keys where !branch.contains(id) {
            if let s = history.successor(of: id, on: day), branch.contains(s) { units.insert(id) }
        }
        return Scope(unitIDs: units)
    }

    /// The part of this scope inside `other`.
    func intersection(_ other: Scope) -> Scope {
        switch (unitIDs, other.unitIDs) {
        case (nil, _): other
        case (_, nil): self
        case let (a?, b?): Scope(unitIDs: a.intersection(b))
        }
    }

    /// Appends ` AND column IN (…)` for a limited scope; false when the scope is empty (nothing to see).
    func append(to query: inout SQLQueryString, column: String) -> Bool {
        guard let units = unitIDs else { return true }
        guard !units.isEmpty else { return false }
        query.appendInterpolation(" AND \(unsafeRaw: column) IN (\(binds: units.sorted()))" as SQLQueryString)
        return true
    }

    /// Refuses a thing outside the branch (or of no unit at all) as not found: the answer is
    /// the same as for a thing that does not exist, so nothing leaks about other branches.
    func require(_ unitID: Int?, _ kind: NotFound.Kind, _ code: String) throws {
        guard let unitID, contains(unitID) else { throw StorageError.notFound(kind, code) }
    }
}
