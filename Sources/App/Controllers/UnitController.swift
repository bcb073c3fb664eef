import Foundation
import PovertyCore
import Storage
import Vapor

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
        let today = req.store.today
        let year = try await req.store.browse.latestYear(user.actor) ?? today.year
        let rolled = try await req.store.reviews.rolledUp(user.actor, year: year, basis: .rebased(onto: today))
        return TreeBody(year: year, tree: rolled.tree, totals: rolled.totals,
                        roots: user.scope.isWholeProvince ? rolled.tree.roots : [user.account.unitID], history: user.history, today: today,
                        text: req.pageText)
    }

    func show(req: Request) async throws -> Response {
        try await render(req, error: nil, status: .ok)
    }

    private func render(_ req: Request, error: String?, status: HTTPStatus) async throws -> Response {
        let user = try req.requireUser()
        let history = user.history
        let asked = req.parameters.get("code") ?? ""
        guard let unit = history.unit(code: asked), user.scope.contains(unit.id) else { throw StorageError.notFound(.unit, asked) }
        let today = req.store.today
        let forms = [
            "rename": ["name": "", "date": today.vietnamese], "move": ["parent": "", "date": today.vietnamese],
            "merge": ["others": "", "code": "", "name": "", "parent": "", "kind": unit.kind.rawValue, "date": today.vietnamese],
            "dissolve": ["successor": "", "date": today.vietnamese, "reason": ""], "split": ["parts": "", "assign": "", "date": today.vietnamese],
        ].reduce(into: [String: [String: String]]()) { $0[$1.key] = req.echo($1.value, refused: error, action: $1.key) }
        let body = UnitBody(unit: unit, history: history, today: today, forms: forms, mayAdminister: user.permissions.allows(.changeTree),
                            error: error, text: req.pageText)
        return try await req.page("unit", title: body.name, active: "units", status: status, body)
    }

    struct ChangeForm: Content {
        var date: String
        var name: String?
        var parent: String?
        var kind: String?
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
            // Forbidden is a 403, a corrupt row the server's fault (500); the rest are refusals.
            if case .forbidden = error { throw error }
            if case .corrupt = error { throw error }
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
            // The new unit's parent and kind: as chosen, else this unit's on the day (a merger at
            // the reform names the commune union above, and its kind).
            let typedParent = form.parent?.trimmingCharacters(in: .whitespaces) ?? ""
            let parent = typedParent.isEmpty ? history.parent(of: unit.id, on: day).flatMap { history.units[$0]?.code } : typedParent
            var kind = unit.kind
            if let typed = form.kind, !typed.isEmpty {
                guard let chosen = UnitKind(rawValue: typed) else { throw FormProblem(key: "units.bad_kind") }
                kind = chosen
            }
            try await store.units.merge(actor, [code] + others, into: NewUnit(code: newCode, name: name, kind: kind, parentCode: parent), on: day)
        }
    }

    /// Parts as lines "CODE; Name"; children's moves as lines "CHILD → PART" (others go to the first part).
    func split(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let history = user.history
        return try await change(req) { store, form, code, day, actor in
            guard let unit = history.unit(code: code) else { throw StorageError.unknownUnit(code) }
            let parent = history.parent(of: unit.id, on: day).flatMap { history.units[$0]?.code }
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
