import Foundation
import PovertyCore
import Storage
import Vapor

struct TreeBody: Encodable, Sendable {
    struct Row: Encodable, Sendable {
        let code: String
        let name: String
        let kind: String
        let depth: Int
        let indent: Int
        let poor: String
        let nearPoor: String
        let households: String
    }
    let year: Int
    let rows: [Row]
}

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
    let mayAdminister: Bool
    let error: String?
}

/// The union tree as it stands today, and one unit's history; tree changes for administrators.
struct UnitController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("units", use: tree)
        routes.get("units", ":code", use: show)
        routes.post("units", ":code", "rename", use: rename)
        routes.post("units", ":code", "move", use: move)
        routes.post("units", ":code", "merge", use: merge)
        routes.post("units", ":code", "dissolve", use: dissolve)
        routes.post("units", ":code", "split", use: split)
    }

    func tree(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let key = user.pageKey(req)
        let body = try await req.web.trees.value(key, version: user.dataVersion) { try await computeTree(req, user) }
        return try await req.page("units", title: req.t("units.title"), active: "units", body)
    }

    private func computeTree(_ req: Request, _ user: CurrentUser) async throws -> TreeBody {
        let lang = req.language
        let today = req.store.today
        let year = try await req.store.browse.latestYear(user.actor) ?? today.year
        let rolled = try await req.store.reviews.rolledUp(user.actor, year: year, basis: .rebased(onto: today))
        let tree = rolled.tree
        let roots = user.scope.isWholeProvince ? tree.roots : [user.account.unitID]
        var rows: [TreeBody.Row] = []
        func walk(_ id: Int, _ depth: Int) {
            guard let unit = user.history.units[id] else { return }
            let c = rolled.totals[id] ?? StatusCounts()
            rows.append(TreeBody.Row(code: unit.code, name: unitName(id, user.history, today), kind: Format.unitKind(unit.kind, lang),
                                     depth: depth, indent: depth * 20, poor: Format.number(c.poor, lang), nearPoor: Format.number(c.nearPoor, lang),
                                     households: Format.number(c.households, lang)))
            let children = (tree.children[id] ?? []).sorted {
                VietnameseCollation.sortKey(unitName($0, user.history, today)) < VietnameseCollation.sortKey(unitName($1, user.history, today))
            }
            // Two levels: the user's unit and the units under it; each unit's page goes further.
            if depth < 1 { for child in children { walk(child, depth + 1) } }
        }
        for r in roots { walk(r, 0) }
        return TreeBody(year: year, rows: rows)
    }

    func show(req: Request) async throws -> Response {
        try await render(req, error: nil, status: .ok)
    }

    private func render(_ req: Request, error: String?, status: HTTPStatus) async throws -> Response {
        let user = try req.requireUser()
        let history = user.history
        let asked = req.parameters.get("code") ?? ""
        guard let unit = history.unit(code: asked), user.scope.contains(unit.id) else { throw StorageError.notFound(.unit, asked) }
        let lang = req.language
        let today = req.store.today
        let periods = history.versions(of: unit.id).reversed().map { v in
            UnitBody.Period(from: v.from.vietnamese, to: v.to.map { $0.previous.vietnamese } ?? "", name: v.name,
                            parent: v.parentID.map { unitName($0, history, v.from) } ?? "–")
        }
        func note(_ s: OrgSuccession) -> String {
            let kind: String = lang == .vi ? s.kind.vietnamese : s.kind.rawValue
            return kind + " " + s.effective.vietnamese
        }
        func code(_ id: Int) -> String { history.units[id]?.code ?? "" }
        let successors: [UnitBody.Link] = history.successions(of: unit.id).map { (s: OrgSuccession) -> UnitBody.Link in
            UnitBody.Link(code: code(s.successorID), name: unitName(s.successorID, history, s.effective), note: note(s))
        }
        var incoming: [OrgSuccession] = []
        for id in history.units.keys { incoming += history.successions(of: id).filter { $0.successorID == unit.id } }
        let predecessors: [UnitBody.Link] = incoming.map { (s: OrgSuccession) -> UnitBody.Link in
            UnitBody.Link(code: code(s.predecessorID), name: unitName(s.predecessorID, history, s.effective.previous), note: note(s))
        }.sorted { $0.code < $1.code }
        let tree = history.tree(on: today)
        let childIDs: [Int] = tree.children[unit.id] ?? []
        let children: [UnitBody.Link] = childIDs.map { (id: Int) -> UnitBody.Link in
            UnitBody.Link(code: code(id), name: unitName(id, history, today), note: "")
        }.sorted { VietnameseCollation.sortKey($0.name) < VietnameseCollation.sortKey($1.name) }
        let body = UnitBody(code: unit.code, name: unitName(unit.id, history, today), kind: Format.unitKind(unit.kind, lang),
                            active: unit.isActive(on: today), from: unit.from.vietnamese, to: unit.to.map { $0.previous.vietnamese } ?? "",
                            periods: periods, successors: successors, predecessors: predecessors, children: children,
                            hasSuccessors: !successors.isEmpty, hasPredecessors: !predecessors.isEmpty, hasChildren: !children.isEmpty,
                            rename: req.echo(["name": "", "date": today.vietnamese], refused: error, action: "rename"),
                            move: req.echo(["parent": "", "date": today.vietnamese], refused: error, action: "move"),
                            merge: req.echo(["others": "", "code": "", "name": "", "date": today.vietnamese], refused: error, action: "merge"),
                            dissolve: req.echo(["successor": "", "date": today.vietnamese, "reason": ""], refused: error, action: "dissolve"),
                            split: req.echo(["parts": "", "assign": "", "date": today.vietnamese], refused: error, action: "split"),
                            mayAdminister: user.permissions.allows(.changeTree), error: error)
        return try await req.page("unit", title: body.name, active: "units", status: status, body)
    }

    struct ChangeForm: Content {
        var date: String
        var name: String?
        var parent: String?
        var others: String?
        var code: String?
        var successor: String?
        var parts: String?
        var assign: String?
        var reason: String?
        var confirm: String?
    }

    /// Runs one tree change for an administrator; a refused change shows its reason on the unit's page.
    private func change(_ req: Request, _ body: @escaping @Sendable (Store, ChangeForm, String, Day, Actor) async throws -> Void) async throws -> Response {
        let user = try req.requireUser()
        guard user.permissions.allows(.changeTree) else { throw StorageError.forbidden(.changeTree) }
        let code = req.parameters.get("code") ?? ""
        guard let unit = user.history.unit(code: code), user.scope.contains(unit.id) else { throw StorageError.notFound(.unit, code) }
        let form = try req.content.decode(ChangeForm.self)
        guard let day = Day(form.date) ?? parseVietnameseDate(form.date) else {
            return try await render(req, error: req.t("units.bad_date", form.date), status: .badRequest)
        }
        do {
            try await body(req.store, form, code, day, user.actor)
        } catch let error as StorageError {
            if case .forbidden = error { throw error }
            return try await render(req, error: req.text(error.message), status: .badRequest)
        } catch let problem as FormProblem {
            return try await render(req, error: req.t(problem.key), status: .badRequest)
        }
        return req.redirect(to: "/units/\(req.encodePath(code))?notice=unit_changed", redirectType: .normal)
    }

    func rename(req: Request) async throws -> Response {
        try await change(req) { store, form, code, day, actor in
            guard let name = form.name?.trimmingCharacters(in: .whitespaces), !name.isEmpty else { throw FormProblem(key: "units.need_name") }
            try await store.units.rename(actor, code, to: name, on: day)
        }
    }

    func move(req: Request) async throws -> Response {
        try await change(req) { store, form, code, day, actor in
            guard let parent = form.parent?.trimmingCharacters(in: .whitespaces), !parent.isEmpty else { throw FormProblem(key: "units.need_parent") }
            try await store.units.move(actor, code, under: parent, on: day)
        }
    }

    func merge(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let history = user.history
        return try await change(req) { store, form, code, day, actor in
            let others = (form.others ?? "").split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
            guard let newCode = form.code?.trimmingCharacters(in: .whitespaces), !newCode.isEmpty,
                  let name = form.name?.trimmingCharacters(in: .whitespaces), !name.isEmpty else {
                throw FormProblem(key: "units.need_code_name")
            }
            guard let unit = history.unit(code: code) else { throw StorageError.unknownUnit(code) }
            let parent = history.parent(of: unit.id, on: day.previous).flatMap { history.units[$0]?.code }
            try await store.units.merge(actor, [code] + others, into: NewUnit(code: newCode, name: name, kind: unit.kind, parentCode: parent), on: day)
        }
    }

    /// Parts as lines "CODE; Name"; children's moves as lines "CHILD → PART" (others go to the first part).
    func split(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let history = user.history
        return try await change(req) { store, form, code, day, actor in
            guard let unit = history.unit(code: code) else { throw StorageError.unknownUnit(code) }
            let parent = history.parent(of: unit.id, on: day.previous).flatMap { history.units[$0]?.code }
            let lines = (form.parts ?? "").split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            let parts = try lines.map { line -> NewUnit in
                let cells = line.split(separator: ";", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard cells.count == 2, !cells[0].isEmpty, !cells[1].isEmpty else { throw FormProblem(key: "units.bad_parts") }
                return NewUnit(code: cells[0], name: cells[1], kind: unit.kind, parentCode: parent)
            }
            guard parts.count >= 2 else { throw FormProblem(key: "units.bad_parts") }
            var assign: [String: String] = [:]
            for line in (form.assign ?? "").split(whereSeparator: \.isNewline) {
                let cells = line.replacingOccurrences(of: "→", with: ">").split(separator: ">").map { $0.trimmingCharacters(in: .whitespaces) }
                if cells.allSatisfy(\.isEmpty) { continue }
                guard cells.count == 2, !cells[0].isEmpty, !cells[1].isEmpty else { throw FormProblem(key: "units.bad_assign") }
                assign[cells[0]] = cells[1]
            }
            try await store.units.split(actor, code, into: parts, assign: assign, on: day)
        }
    }

    func dissolve(req: Request) async throws -> Response {
        try await change(req) { store, form, code, day, actor in
            guard let successor = form.successor?.trimmingCharacters(in: .whitespaces), !successor.isEmpty else { throw FormProblem(key: "units.need_successor") }
            // Dissolving cannot be undone from a page: it asks why, and a confirmation.
            guard let reason = form.reason?.trimmingCharacters(in: .whitespaces), !reason.isEmpty else { throw FormProblem(key: "units.need_reason") }
            guard form.confirm == "1" else { throw FormProblem(key: "units.need_confirmation") }
            try await store.units.dissolve(actor, code, successor: successor, on: day, reason: reason)
        }
    }
}

/// A form field missing or wrong, named by its catalogue key.
struct FormProblem: Error { let key: String }

/// 25/11/2026 → a Day.
func parseVietnameseDate(_ text: String) -> Day? {
    let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "/").compactMap { Int($0) }
    guard parts.count == 3 else { return nil }
    return Day(year: parts[2], month: parts[1], day: parts[0])
}
