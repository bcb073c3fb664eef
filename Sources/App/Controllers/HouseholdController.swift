import Foundation
import PovertyCore
import Storage
import Vapor

struct Option: Encodable {
    let value: String
    let label: String
    let selected: Bool
}

struct PageLink: Encodable {
    let label: String
    let href: String
    let current: Bool
}

struct HouseholdListBody: Encodable {
    struct Row: Encodable {
        let code: String
        let member: String
        let unit: String
        let status: String
        let statusCode: String
        let official: String
        let mismatch: Bool
        let income: String
        let deprivations: Int
    }
    let q: String
    let years: [Option]
    let statuses: [Option]
    let units: [Option]
    let mismatchesOnly: Bool
    let rows: [Row]
    let summary: String
    let pages: [PageLink]
    let hasPages: Bool
}

struct HouseholdBody: Encodable {
    struct Member: Encodable {
        let code: String
        let name: String
        let primary: Bool
    }
    struct Review: Encodable {
        let year: Int
        let unit: String
        let standard: String
        let status: String
        let statusCode: String
        let income: String
        let deprivations: [String]
        let hasDeprivations: Bool
        let reason: String
        let official: String
        let mismatch: Bool
    }
    let code: String
    let place: String
    let area: String
    let members: [Member]
    let reviews: [Review]
}

struct MemberSearchBody: Encodable {
    struct Row: Encodable {
        let code: String
        let name: String
        let unit: String
        let households: [String]
    }
    let q: String
    let rows: [Row]
    let searched: Bool
    let hasRows: Bool
}

/// Households and members of the user's branch: lists, search, one household's file.
struct HouseholdController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("households", use: list)
        routes.get("households", ":code", use: show)
        routes.get("members", use: members)
    }

    func list(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let lang = req.language
        let latest = try await req.store.browse.latestYear(scope: user.scope) ?? Calendar.current.component(.year, from: Date())
        let year = req.query[Int.self, at: "year"] ?? latest
        let status = req.query[String.self, at: "status"].flatMap(LivingStandard.init(rawValue:))
        let q = req.query[String.self, at: "q"] ?? ""
        let unitCode = req.query[String.self, at: "unit"] ?? ""
        let mismatchesOnly = req.query[String.self, at: "mismatch"] == "1"
        var units: Set<Int>?
        if !unitCode.isEmpty {
            guard let unit = user.history.unit(code: unitCode), user.scope.contains(unit.id) else { throw Abort(.notFound) }
            units = try await req.branch(of: unit.id, history: user.history, version: user.dataVersion).unitIDs
        }
        let filter = HouseholdFilter(year: year, status: status, units: units, text: q, mismatchesOnly: mismatchesOnly)
        // The count is kept until the data changes; a page itself walks an index.
        let countKey = "\(user.pageKey(req))|\(year)|\(status?.rawValue ?? "")|\(unitCode)|\(mismatchesOnly)|\(q)"
        let total = try await req.web.counts.value(countKey, version: user.dataVersion) {
            try await req.store.browse.householdCount(filter, scope: user.scope)
        }
        let page = try await req.store.browse.households(filter, scope: user.scope, page: req.query[Int.self, at: "page"] ?? 1,
                                                         perPage: 50, total: total)
        let endOfYear = Day.endOfYear(year)
        let rows = page.items.map { h in
            HouseholdListBody.Row(code: h.code, member: h.primaryMember ?? "–", unit: unitName(h.unitID, user.history, endOfYear),
                                  status: Format.status(h.status, req.web.catalogue, lang), statusCode: h.status.rawValue,
                                  official: h.official.map { Format.status($0, req.web.catalogue, lang) } ?? "", mismatch: h.official != nil && h.official != h.status,
                                  income: Format.money(h.perCapitaMonthly, lang), deprivations: h.deprivationCount)
        }
        let years = (2016...max(latest, year)).reversed().map { Option(value: String($0), label: String($0), selected: $0 == year) }
        let statuses = [Option(value: "", label: req.t("households.all_statuses"), selected: status == nil)]
            + LivingStandard.allCases.map { Option(value: $0.rawValue, label: Format.status($0, req.web.catalogue, lang), selected: $0 == status) }
        // The unit filter offers the user's unit and the units directly under it (a unit's
        // filter covers its whole branch).
        let today = req.store.today
        let tree = try await req.web.trees(on: today, user)
        let tops = user.scope.unitIDs == nil ? tree.roots : [user.account.unitID]
        let myUnits = Set(tops + tops.flatMap { tree.children[$0] ?? [] })
        let unitOptions = [Option(value: "", label: req.t("households.all_units"), selected: unitCode.isEmpty)]
            + myUnits.compactMap { id -> (String, String)? in
                guard let u = user.history.units[id], let name = user.history.name(of: id, on: today) else { return nil }
                return (u.code, name)
            }.sorted { VietnameseCollation.sortKey($0.1) < VietnameseCollation.sortKey($1.1) }
            .map { Option(value: $0.0, label: $0.1, selected: $0.0 == unitCode) }
        var components = URLComponents()
        var items = [URLQueryItem(name: "year", value: String(year))]
        if let status { items.append(URLQueryItem(name: "status", value: status.rawValue)) }
        if !q.isEmpty { items.append(URLQueryItem(name: "q", value: q)) }
        if !unitCode.isEmpty { items.append(URLQueryItem(name: "unit", value: unitCode)) }
        if mismatchesOnly { items.append(URLQueryItem(name: "mismatch", value: "1")) }
        func link(_ p: Int) -> String {
            components.queryItems = items + [URLQueryItem(name: "page", value: String(p))]
            return "/households" + (components.string ?? "")
        }
        let pages = pageLinks(current: page.page, count: page.pages, link)
        let summary = req.t("households.summary", Format.number(page.total, lang), String(year), String(page.page), String(page.pages))
        return try await req.page("households", title: req.t("households.title"), active: "households",
                                  HouseholdListBody(q: q, years: years, statuses: statuses, units: unitOptions, mismatchesOnly: mismatchesOnly,
                                                    rows: rows, summary: summary, pages: pages, hasPages: !pages.isEmpty))
    }

    func show(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let lang = req.language
        let code = req.parameters.get("code") ?? ""
        // Another branch's household is "not found": its existence is not disclosed.
        guard let file = try await req.store.reviews.household(code: code, scope: user.scope) else { throw Abort(.notFound) }
        try await req.store.audit.record("xem", entity: "household", id: file.id, detail: "\(file.code) (web)", actor: user.account.username,
                                         on: req.store.sql)
        let catalog = StandardCatalog.builtIn
        let body = HouseholdBody(
            code: file.code, place: [file.commune, file.province].compactMap { $0 }.joined(separator: ", "),
            area: file.area.map { lang == .vi ? $0.vietnamese : $0.english } ?? "",
            members: file.members.map { HouseholdBody.Member(code: $0.code, name: $0.fullName, primary: $0.isPrimary) },
            reviews: file.reviews.reversed().map { r in
                HouseholdBody.Review(
                    year: r.year, unit: unitName(r.unitID, user.history, Day.endOfYear(r.year)), standard: r.standardCode,
                    status: Format.status(r.status, req.web.catalogue, lang), statusCode: r.status.rawValue, income: Format.money(r.perCapitaMonthly, lang),
                    deprivations: catalog.indicators.filter { r.deprivations & (1 << UInt64($0.index)) != 0 }.map { lang == .vi ? $0.vi : $0.en },
                    hasDeprivations: r.deprivations != 0,
                    reason: r.reason, official: r.official.map { Format.status($0, req.web.catalogue, lang) } ?? "", mismatch: r.official != nil && r.official != r.status)
            })
        return try await req.page("household", title: req.t("household.title", file.code), active: "households", body)
    }

    func members(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let q = (req.query[String.self, at: "q"] ?? "").trimmingCharacters(in: .whitespaces)
        var rows: [MemberSearchBody.Row] = []
        if !q.isEmpty {
            let hits = try await req.store.members.search(q, scope: user.scope, limit: 100)
            for hit in hits {
                rows.append(MemberSearchBody.Row(code: hit.code, name: hit.fullName, unit: hit.unitID.map { unitName($0, user.history, req.store.today) } ?? "–",
                                                 households: try await req.store.reviews.households(ofMember: hit.id)))
            }
            try await req.store.audit.record("tim_kiem", entity: "member", id: nil, detail: "\"\(q.prefix(80))\": \(hits.count) (web)",
                                             actor: user.account.username, on: req.store.sql)
        }
        return try await req.page("members", title: req.t("members.title"), active: "members", MemberSearchBody(q: q, rows: rows, searched: !q.isEmpty, hasRows: !rows.isEmpty))
    }
}

func unitName(_ id: Int, _ history: OrgHistory, _ day: Day) -> String {
    history.name(of: id, on: day) ?? history.lastName(of: id) ?? history.units[id]?.code ?? "?"
}

/// Links to the first, last and nearby pages.
func pageLinks(current: Int, count: Int, _ link: (Int) -> String) -> [PageLink] {
    guard count > 1 else { return [] }
    let shown = Set([1, count] + Array(max(1, current - 2)...min(count, current + 2))).sorted()
    return shown.map { PageLink(label: String($0), href: link($0), current: $0 == current) }
}
