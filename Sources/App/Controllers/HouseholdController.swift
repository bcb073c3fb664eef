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
        let latest = try await req.store.browse.latestYear(user.actor) ?? req.store.today.year
        let year = req.query[Int.self, at: "year"] ?? latest
        guard (2000...2100).contains(year) else { throw Abort(.badRequest) }
        let status = req.query[String.self, at: "status"].flatMap(LivingStandard.init(rawValue:))
        let q = req.query[String.self, at: "q"] ?? ""
        let unitCode = req.query[String.self, at: "unit"] ?? ""
        let mismatchesOnly = req.query[String.self, at: "mismatch"] == "1"
        var unit: Int?
        if !unitCode.isEmpty {
            guard let u = user.history.unit(code: unitCode), user.scope.contains(u.id) else { throw StorageError.notFound(.unit, unitCode) }
            unit = u.id
        }
        let filter = HouseholdFilter(year: year, status: status, unit: unit, text: q, mismatchesOnly: mismatchesOnly)
        // The count is kept until the data changes; a page itself walks an index.
        let countKey = "\(user.pageKey(req))|\(filter.key)"
        let total = try await req.web.counts.value(countKey, version: user.dataVersion) {
            try await req.store.browse.householdCount(user.actor, filter)
        }
        let endOfYear = Day.endOfYear(year)
        if let format = try ListDownload.format(req) {
            // Every household the filters select, not one page: counted afresh, as the kept count
            // does not follow renames and links a name search depends on.
            let count = try await req.store.browse.householdCount(user.actor, filter)
            let all = try await req.store.browse.households(user.actor, filter, page: 1, perPage: max(1, min(count, 1_000_000)), total: count)
            let scopeName = unit.map { unitName($0, user.history, req.store.today) } ?? user.history.name(of: user.account.unitID, on: req.store.today) ?? ""
            var list = ListDownload(
                title: req.t("households.download_title", String(year), scopeName), fileStem: "danh-sach-ho-\(year)",
                columns: [(req.t("common.household_code"), 14), (req.t("households.primary_member"), 28), (req.t("common.unit"), 36),
                          (req.t("common.status"), 18), (req.t("households.official"), 18), (req.t("households.income"), 16),
                          (req.t("households.deprivations"), 10)])
            list.rows = all.items.map { h in
                [.text(h.code), .text(h.primaryMember ?? ""), .text(unitName(h.unitID, user.history, endOfYear)),
                 .text(Format.status(h.status, req.web.catalogue, lang)), .text(h.official.map { Format.status($0, req.web.catalogue, lang) } ?? ""),
                 .money(h.perCapitaMonthly), .number(h.deprivationCount)]
            }
            return try await list.response(req, format, what: "danh sách hộ năm \(year) (\(filter.key))", actor: user.actor)
        }
        let page = try await req.store.browse.households(user.actor, filter, page: req.query[Int.self, at: "page"] ?? 1,
                                                         perPage: 50, total: total)
        let body = HouseholdListBody(page: page, filter: filter, unitCode: unitCode, latest: latest,
                                     units: try await req.formUnits(user, selected: unitCode), mayEnterReview: user.permissions.allows(.importSurvey),
                                     history: user.history, downloads: ListDownload.links(req), text: req.pageText)
        return try await req.page("households", title: req.t("households.title"), active: "households", body)
    }

    func show(req: Request) async throws -> Response {
        try await render(req, code: req.parameters.get("code") ?? "", error: nil)
    }

    /// The household's file: members, reviews, what it received, what it still lacks and
    /// its loans; `error` is a refused support form, shown again with what was typed.
    func render(_ req: Request, code: String, error: String?) async throws -> Response {
        let user = try req.requireUser()
        // Another branch's household is "not found": its existence is not disclosed.
        let dossier = try await req.store.reviews.dossier(user.actor, code: code)
        // The giving unit offered first: the latest review's unit, or what it has become.
        let latestUnit = dossier.file.reviews.last.flatMap { user.history.successor(of: $0.unitID, on: req.store.today) }
            .flatMap { user.history.units[$0]?.code }
        let form = req.echo(HouseholdBody.supportForm(today: req.store.today, unit: latestUnit), refused: error, action: "support")
        let body = HouseholdBody(
            dossier: dossier, policies: try await req.store.support.catalogue(),
            funds: try await req.store.funds.funds().filter { $0.kind == .support }, permissions: user.permissions,
            history: user.history, today: req.store.today, form: form,
            units: try await req.formUnits(user, selected: form["unit"].flatMap { $0.isEmpty ? nil : $0 }),
            refusedCancel: req.refusedRow(["support"], "cancel", refused: error), error: error, text: req.pageText)
        return try await req.page("household", title: req.t("household.title", dossier.file.code), active: "households",
                                  status: error == nil ? .ok : .badRequest, body)
    }

    func members(req: Request) async throws -> Response {
        let user = try req.requireUser()
        if let format = try ListDownload.format(req) {
            // The whole branch's members, whatever was searched.
            let roster = try await req.store.members.roster(user.actor)
            var list = ListDownload(title: req.t("members.download_title", user.history.name(of: user.account.unitID, on: req.store.today) ?? ""),
                                    fileStem: "danh-sach-doan-vien",
                                    columns: [(req.t("members.code"), 14), (req.t("members.name"), 28), (req.t("member.citizen_id"), 16),
                                              (req.t("common.unit"), 36), (req.t("members.households"), 24)])
            list.rows = roster.map { m in
                [.text(m.code), .text(m.fullName), .text(m.citizenID ?? ""),
                 .text(m.unitID.map { unitName($0, user.history, req.store.today) } ?? ""), .text(m.households.joined(separator: "; "))]
            }
            return try await list.response(req, format, what: "danh sách đoàn viên", actor: user.actor)
        }
        let q = (req.query[String.self, at: "q"] ?? "").trimmingCharacters(in: .whitespaces)
        var rows: [MemberSearchBody.Row] = []
        if !q.isEmpty {
            let hits = try await req.store.members.search(user.actor, q, limit: 100)
            rows = hits.map { hit in
                MemberSearchBody.Row(code: hit.code, name: hit.fullName,
                                     unit: hit.unitID.map { unitName($0, user.history, req.store.today) }
                                        ?? hit.formerUnitID.map { req.t("members.left_unit", unitName($0, user.history, req.store.today)) } ?? "–",
                                     households: hit.households)
            }
        }
        return try await req.page("members", title: req.t("members.title"), active: "members", MemberSearchBody(q: q, rows: rows, searched: !q.isEmpty, hasRows: !rows.isEmpty))
    }
}

func unitName(_ id: Int, _ history: OrgHistory, _ day: Day) -> String {
    history.name(of: id, on: day) ?? history.lastName(of: id) ?? history.units[id]?.code ?? "?"
}

/// A link's query ("?year=2025&q=%2B84%20…"), every name and value percent-encoded but for
/// ASCII letters, digits and "-._~", so that the server reads back what was typed: "+", "&",
/// "=" and "%" included (`URLComponents` leaves a "+", which a query reads back as a space).
/// Empty for no items.
func queryString(_ items: [(name: String, value: String)]) -> String {
    let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
    func encode(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: allowed) ?? "" }
    return items.isEmpty ? "" : "?" + items.map { encode($0.name) + "=" + encode($0.value) }.joined(separator: "&")
}

/// The items of a request's query as a form sends them ("+" is a space), in their order.
func queryItems(_ url: URI) -> [(name: String, value: String)] {
    func decode(_ s: Substring) -> String { s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
    return (url.query ?? "").split(separator: "&").map { pair in
        let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
    }
}

/// Links to the first, last and nearby pages.
func pageLinks(current: Int, count: Int, _ link: (Int) -> String) -> [PageLink] {
    guard count > 1 else { return [] }
    let shown = Set([1, count] + Array(max(1, current - 2)...min(count, current + 2))).sorted()
    return shown.map { PageLink(label: String($0), href: link($0), current: $0 == current) }
}
