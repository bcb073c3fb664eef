import Foundation
import PovertyCore
import Storage
import Vapor

/// A refused form, with its message already in the page language.
struct FormRefusal: Error {
    let message: String
}

extension Request {
    func formMoney(_ text: String?, _ field: String, allowZero: Bool = false) throws -> Dong {
        let s = (text ?? "").trimmingCharacters(in: .whitespaces)
        guard !s.isEmpty, case .success(let v) = Money.parse(s), v > 0 || (allowZero && v == 0) else {
            throw FormRefusal(message: t("form.bad_money", t(field), s))
        }
        return v
    }

    func formInt(_ text: String?, _ field: String, _ range: ClosedRange<Int>) throws -> Int {
        let s = (text ?? "").trimmingCharacters(in: .whitespaces)
        guard let v = Int(s), range.contains(v) else { throw FormRefusal(message: t("form.bad_number", t(field), s)) }
        return v
    }

    /// A day typed into `field`, or nil when it was left empty.
    func formOptionalDay(_ text: String?, _ field: String) throws -> Day? {
        (text ?? "").trimmingCharacters(in: .whitespaces).isEmpty ? nil : try formDay(text, field)
    }

    /// A date typed into the form's `field` (its label's catalogue key), dd/mm/yyyy or ISO;
    /// empty is `fallback` when there is one. Refused with the field named.
    func formDay(_ text: String?, _ field: String, default fallback: Day? = nil) throws -> Day {
        let s = (text ?? "").trimmingCharacters(in: .whitespaces)
        if s.isEmpty, let fallback { return fallback }
        guard let d = Day(s) else { throw FormRefusal(message: t("form.bad_date_in", t(field), s)) }
        return d
    }

    /// A day in the page's query (`?date=`, `?from=`): absent or empty is none; anything else
    /// must be a date, or the page answers 400 saying so (never today's figures under a day
    /// that was mistyped).
    func queryDay(_ name: String) throws -> Day? {
        let s = (query[String.self, at: name] ?? "").trimmingCharacters(in: .whitespaces)
        guard !s.isEmpty else { return nil }
        guard let d = Day(s) else { throw StorageError.invalid(Message("form.bad_date", .text(s))) }
        return d
    }

    func formText(_ text: String?, _ field: String) throws -> String {
        let s = (text ?? "").trimmingCharacters(in: .whitespaces)
        guard !s.isEmpty else { throw FormRefusal(message: t("form.required", t(field))) }
        return s
    }

    /// Runs a change; success redirects with a notice, a refusal shows the page again with
    /// the reason (status 400). The page's own thing (`subject`, the code or number in its
    /// path) not found is a 404, the same for another branch's; a code typed into the form
    /// and not found in the branch is a refusal like any other, the form shown again with it
    /// named (the same words whether it is another branch's or exists nowhere).
    func change(redirect: String, notice: String, subject: NotFound.Kind? = nil, render: @escaping (String) async throws -> Response,
                _ body: () async throws -> Void) async throws -> Response {
        do {
            try await body()
        } catch StorageError.notFound(let kind, let code) where kind == subject {
            throw StorageError.notFound(kind, code)
        } catch StorageError.forbidden(let operation) {
            // Forbidden is an answer of its own (403), and a corrupt row the server's fault (500).
            throw StorageError.forbidden(operation)
        } catch StorageError.corrupt(let what) {
            throw StorageError.corrupt(what)
        } catch let refusal as any Refusal {
            return try await render(text(refusal.message))
        } catch let refusal as FormRefusal {
            return try await render(refusal.message)
        }
        let separator = redirect.contains("?") ? "&" : "?"
        return self.redirect(to: redirect + separator + "notice=" + notice, redirectType: .normal)
    }

    /// After a refused POST to one table row's own form (`/<path…>/{id}/<action>`, e.g.
    /// `/support/12/cancel`), that row's id and what was typed into it, so the row shows it
    /// again; nil for any other request. The CSRF token never comes back.
    func refusedRow(_ path: [String], _ action: String, refused error: String?) -> (id: Int, fields: [String: String])? {
        guard error != nil, method == .POST else { return nil }
        let parts = url.path.split(separator: "/").map(String.init)
        guard parts.count == path.count + 2, Array(parts.prefix(path.count)) == path, parts.last == action, let id = Int(parts[path.count]),
              var typed = try? content.decode([String: String].self) else { return nil }
        typed["_csrf"] = nil
        return (id, typed)
    }

    /// The fields of a form as the page shows them: `defaults`, or after a refused POST of this
    /// form (its `action`, when the page has several) what was typed, so nothing is typed twice.
    /// Only the fields named in `defaults` come back; the CSRF token never does.
    func echo(_ defaults: [String: String], refused error: String?, action: String? = nil) -> [String: String] {
        guard error != nil, method == .POST, let typed = try? content.decode([String: String].self) else { return defaults }
        // The form that was sent: its `action` field, else the last part of the path it posts to.
        if let action, (typed["action"] ?? url.path.split(separator: "/").last.map(String.init)) != action { return defaults }
        var shown = defaults
        for key in defaults.keys { if let value = typed[key] { shown[key] = value } }
        return shown
    }

    /// The units an officer picks from in forms and filters: their own unit and the units
    /// directly under it today, in Vietnamese order of their names; `selected` (else the
    /// officer's own unit) is chosen — a unit of the branch standing today is added to the
    /// list when it is deeper down (a household's grassroots union for a provincial officer),
    /// so that it is chosen rather than, silently, whichever comes first.
    func formUnits(_ user: CurrentUser, selected: String? = nil) async throws -> [Option] {
        let today = store.today
        let tree = try await web.trees(on: today, user)
        let tops = user.scope.isWholeProvince ? tree.roots : [user.account.unitID]
        var ids = Set(tops + tops.flatMap { tree.children[$0] ?? [] })
        let chosen = selected ?? user.history.units[user.account.unitID]?.code
        if let selected, let unit = user.history.unit(code: selected), user.scope.contains(unit.id), unit.isActive(on: today) {
            ids.insert(unit.id)
        }
        return ids.compactMap { id -> (code: String, name: String)? in
            guard let u = user.history.units[id], user.scope.contains(id), let name = user.history.name(of: id, on: today) else { return nil }
            return (u.code, name)
        }
        .sorted { VietnameseCollation.sortKey($0.name) < VietnameseCollation.sortKey($1.name) }
        .map { Option(value: $0.code, label: $0.name, selected: $0.code == chosen) }
    }

    func unitLabel(_ id: Int, _ user: CurrentUser) -> String { unitName(id, user.history, store.today) }

    func policyName(_ code: String, _ catalogue: PolicyCatalogue) -> String { pageText.policyName(code, catalogue) }
    func indicatorName(_ code: String) -> String { pageText.indicatorName(code) }
    func fundName(_ f: FundInfo) -> String { pageText.fundName(f) }

    func encodePath(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: PathTag.unreserved) ?? s }
}

extension Request {
    /// An integer query parameter: absent → nil; present but not an integer within `range` → a
    /// 400 naming it (`page=null` is refused, not ignored).
    func queryInt(_ name: String, _ range: ClosedRange<Int>) throws -> Int? {
        guard let raw = query[String.self, at: name] else { return nil }
        guard let value = Int(raw.trimmingCharacters(in: .whitespaces)), range.contains(value) else {
            throw StorageError.invalid(Message("api.bad_parameter", .text(name), .text("\(range.lowerBound)–\(range.upperBound)")))
        }
        return value
    }
}

extension [Option] {
    /// The same choices with `value` chosen (none when no choice has it), for a page whose forms
    /// share one list of units (`formUnits`) but each keep their own choice.
    func selecting(_ value: String) -> [Option] { map { Option(value: $0.value, label: $0.label, selected: $0.value == value) } }
}
