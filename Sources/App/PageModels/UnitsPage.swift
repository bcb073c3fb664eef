import Foundation
import PovertyCore
import Storage

/// The tree as it stands today: the officer's units and the units directly under them, with the latest year's counts.
struct TreeBody: Encodable, Sendable {
    struct Row: Encodable, Sendable {
        let code: String
        let name: String
        let kind: String
        let depth: Int
        let indent: Int
        /// "cấp 2": the depth, said to a screen reader (the indent shows it to the eye).
        let level: String
        let poor: String
        let nearPoor: String
        let households: String
    }
    let year: Int
    let rows: [Row]
}

/// One unit's history: its names and parents through time, what it became, what became it, its units today.
struct UnitBody: Encodable {
    struct Period: Encodable {
        let from: String
        let to: String
        let name: String
        let parent: String
    }
    struct Link: Encodable {
        let code: String
        let name: String
        let note: String
    }
    let code: String
    let name: String
    let kind: String
    let active: Bool
    let from: String
    let to: String
    let periods: [Period]
    let successors: [Link]
    let predecessors: [Link]
    let children: [Link]
    let hasSuccessors: Bool
    let hasPredecessors: Bool
    let hasChildren: Bool
    /// The change forms: defaults, or what was typed into the refused one.
    let rename: [String: String]
    let move: [String: String]
    let merge: [String: String]
    let dissolve: [String: String]
    let split: [String: String]
    /// The kinds a merged unit may take, this unit's (or the one typed) selected.
    let kinds: [Option]
    let mayAdminister: Bool
    let error: String?
}

extension TreeBody {
    /// Two levels from each root: the officer's unit and the units under it (each unit's page
    /// goes further), children in Vietnamese order of today's names, counts of `year` re-based
    /// onto today's tree.
    init(year: Int, tree: OrgTree, totals: [Int: StatusCounts], roots: [Int], history: OrgHistory, today: Day, text: PageText) {
        var rows: [Row] = []
        func walk(_ id: Int, _ depth: Int) {
            guard let unit = history.units[id] else { return }
            let c = totals[id] ?? StatusCounts()
            rows.append(Row(code: unit.code, name: unitName(id, history, today), kind: Format.unitKind(unit.kind, text.language),
                            depth: depth, indent: depth * 20, level: text.t("units.level", String(depth + 1)), poor: text.number(c.poor), nearPoor: text.number(c.nearPoor),
                            households: text.number(c.households)))
            let children = (tree.children[id] ?? []).sorted {
                VietnameseCollation.sortKey(unitName($0, history, today)) < VietnameseCollation.sortKey(unitName($1, history, today))
            }
            if depth < 1 { for child in children { walk(child, depth + 1) } }
        }
        for r in roots { walk(r, 0) }
        self.init(year: year, rows: rows)
    }
}

extension UnitBody {
    /// A unit's page: each name it had and under whom, newest first; its successors named as
    /// on the day they took over, its predecessors as on their last day; its units today.
    /// `forms` are the administrator's change forms by action, as shown.
    init(unit: OrgUnit, history: OrgHistory, today: Day, forms: [String: [String: String]], mayAdminister: Bool, error: String?, text: PageText) {
        let lang = text.language
        let periods = history.versions(of: unit.id).reversed().map { v in
            Period(from: v.from.vietnamese, to: v.to.map { $0.previous.vietnamese } ?? "", name: v.name,
                   parent: v.parentID.map { unitName($0, history, v.from) } ?? "–")
        }
        func note(_ s: OrgSuccession) -> String { (lang == .vi ? s.kind.vietnamese : s.kind.english) + " " + s.effective.vietnamese }
        func code(_ id: Int) -> String { history.units[id]?.code ?? "" }
        let successors = history.successions(of: unit.id).map { s in
            Link(code: code(s.successorID), name: unitName(s.successorID, history, s.effective), note: note(s))
        }
        let incoming = history.units.keys.flatMap { id in history.successions(of: id).filter { $0.successorID == unit.id } }
        let predecessors = incoming.map { s in
            Link(code: code(s.predecessorID), name: unitName(s.predecessorID, history, s.effective.previous), note: note(s))
        }.sorted { $0.code < $1.code }
        let children = (history.tree(on: today).children[unit.id] ?? []).map { id in
            Link(code: code(id), name: unitName(id, history, today), note: "")
        }.sorted { VietnameseCollation.sortKey($0.name) < VietnameseCollation.sortKey($1.name) }
        self.init(code: unit.code, name: unitName(unit.id, history, today), kind: Format.unitKind(unit.kind, lang),
                  active: unit.isActive(on: today), from: unit.from.vietnamese, to: unit.to.map { $0.previous.vietnamese } ?? "",
                  periods: periods, successors: successors, predecessors: predecessors, children: children,
                  hasSuccessors: !successors.isEmpty, hasPredecessors: !predecessors.isEmpty, hasChildren: !children.isEmpty,
                  rename: forms["rename"] ?? [:], move: forms["move"] ?? [:], merge: forms["merge"] ?? [:], dissolve: forms["dissolve"] ?? [:],
                  split: forms["split"] ?? [:],
                  kinds: UnitKind.allCases.map { Option(value: $0.rawValue, label: Format.unitKind($0, lang), selected: $0.rawValue == forms["merge"]?["kind"]) },
                  mayAdminister: mayAdminister, error: error)
    }
}
