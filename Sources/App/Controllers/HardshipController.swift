import Foundation
import PovertyCore
import Storage
import Vapor

struct HardshipBody: Encodable {
    struct Row: Encodable {
        let id: Int
        let who: String
        let household: String
        let unit: String
        let kind: String
        let from: String
        let until: String
        let note: String
        let verifiedBy: String
        let mayEnd: Bool
        /// Its end form's date: today, or what was typed when that form was refused.
        let endDate: String
    }
    struct Proposal: Encodable {
        let number: Int
        let household: String
        let name: String
        let unit: String
        let status: String
        let hardships: String
    }
    let year: Int
    let years: [Option]
    /// Whose proposal list: the officer's unit or one below it.
    let units: [Option]
    let rows: [Row]
    let hasRows: Bool
    let kinds: [Option]
    let proposals: [Proposal]
    let hasProposals: Bool
    let proposalTitle: String
    let mayRecord: Bool
    let today: String
    let downloadXLSX: String
    let downloadCSV: String
    let error: String?
    /// The record form's fields: empty (dated today), or what was typed when it was refused.
    let typed: [String: String]
}

/// The hardship form as posted.
struct HardshipForm: Content {
    var member: String?
    var household: String?
    var kind: String?
    var from: String?
    var note: String?
    var verifiedBy: String?
}

/// The hardship register (hoàn cảnh khó khăn): circumstances per member or household, with
/// the officer who verified them, and the unit's yearly proposal list built from them and the
/// year's poor and near-poor households.
struct HardshipController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("hardship", use: page)
        routes.post("hardship", use: record)
        routes.post("hardship", ":id", "end", use: end)
    }

    func page(req: Request) async throws -> Response {
        try await render(req, error: nil)
    }

    func record(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard user.permissions.allows(.recordSupport) else { throw StorageError.forbidden(.recordSupport) }
        let form = try req.content.decode(HardshipForm.self)
        return try await req.change(redirect: "/hardship", notice: "hardship_recorded", render: { try await render(req, error: $0) }) {
            guard let kind = HardshipKind(rawValue: form.kind ?? "") else { throw FormRefusal(message: req.t("form.required", req.t("hardship.kind"))) }
            let member = (form.member ?? "").trimmingCharacters(in: .whitespaces), household = (form.household ?? "").trimmingCharacters(in: .whitespaces)
            guard !member.isEmpty || !household.isEmpty else { throw FormRefusal(message: req.t("hardship.who_needed")) }
            try await req.store.hardships.record(user.actor, NewHardship(
                member: member.isEmpty ? nil : member, household: household.isEmpty ? nil : household, kind: kind,
                from: try req.formDay(form.from, "hardship.from", default: req.store.today), note: form.note ?? "",
                verifiedBy: try req.formText(form.verifiedBy, "hardship.verified_by")))
        }
    }

    func end(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard user.permissions.allows(.recordSupport) else { throw StorageError.forbidden(.recordSupport) }
        guard let id = req.parameters.get("id", as: Int.self) else { throw Abort(.notFound) }
        struct Form: Content { var date: String? }
        let form = try req.content.decode(Form.self)
        return try await req.change(redirect: "/hardship", notice: "hardship_ended", subject: .hardship, render: { try await render(req, error: $0) }) {
            try await req.store.hardships.end(user.actor, id: id, on: try req.formDay(form.date, "hardship.until", default: req.store.today))
        }
    }

    func render(_ req: Request, error: String?) async throws -> Response {
        let user = try req.requireUser()
        let lang = req.language
        let today = req.store.today
        let year = try req.queryInt("year", 2000...2100) ?? today.year
        let list = try await req.store.hardships.list(user.actor, year: year)
        // The proposal list of the officer's unit, or of a unit below it (`?unit=`, as the
        // annual report of that unit links to it); outside the branch is not found.
        var unitID = user.account.unitID
        if let code = req.query[String.self, at: "unit"], !code.isEmpty {
            guard let unit = user.history.unit(code: code), user.scope.contains(unit.id) else { throw StorageError.notFound(.unit, code) }
            unitID = unit.id
        }
        let proposals = try await req.store.hardships.proposals(user.actor, unit: unitID, year: year)
        let unitName = user.history.name(of: unitID, on: today) ?? ""
        func kinds(_ k: [HardshipKind]) -> String { k.map { req.t("hardship.kind." + $0.rawValue) }.joined(separator: "; ") }
        if let format = try ListDownload.format(req) {
            var file = ListDownload(title: req.t("hardship.proposal_title", String(year), unitName), fileStem: "de-xuat-ho-tro-\(year)",
                                    columns: [(req.t("common.household_code"), 14), (req.t("households.member"), 28), (req.t("common.unit"), 36),
                                              (req.t("common.status"), 16), (req.t("hardship.heading"), 36)])
            file.rows = proposals.map { p in
                [.text(p.householdCode), .text(p.name), .text(req.unitLabel(p.unitID, user)),
                 .text(p.status.map { Format.status($0, req.web.catalogue, lang) } ?? ""), .text(kinds(p.hardships))]
            }
            return try await file.response(req, format, what: "danh sách đề xuất hỗ trợ năm \(year)", actor: user.actor)
        }
        let may = user.permissions
        // Only the record form posts to /hardship; ending one posts to its own address.
        let typed = req.echo(["member": "", "household": "", "kind": "", "from": today.vietnamese, "note": "", "verifiedBy": ""], refused: error,
                             action: "hardship")
        let unitCode = user.history.units[unitID]?.code ?? ""
        var units = try await req.formUnits(user, selected: unitCode)
        if !units.contains(where: { $0.value == unitCode }) {
            // A unit not offered otherwise (one that has ended): shown, and the one chosen.
            units = units.map { Option(value: $0.value, label: $0.label, selected: false) } + [Option(value: unitCode, label: unitName, selected: true)]
        }
        let refusedEnd = req.refusedRow(["hardship"], "end", refused: error)
        let body = HardshipBody(
            year: year, years: (2021...max(today.year, year)).reversed().map { Option(value: String($0), label: String($0), selected: $0 == year) },
            units: units,
            rows: list.map { h -> HardshipBody.Row in
                HardshipBody.Row(id: h.id, who: [h.memberName, h.memberCode.map { "(\($0))" }].compactMap { $0 }.joined(separator: " "),
                                 household: h.householdCode ?? "", unit: req.unitLabel(h.unitID, user), kind: req.t("hardship.kind." + h.kind.rawValue),
                                 from: h.from.vietnamese, until: h.until?.vietnamese ?? "", note: h.note, verifiedBy: h.verifiedBy,
                                 mayEnd: h.until == nil && h.holderUnitIDs.allSatisfy { may.allows(.recordSupport, at: $0) },
                                 endDate: refusedEnd?.id == h.id ? refusedEnd?.fields["date"] ?? "" : today.vietnamese)
            },
            hasRows: !list.isEmpty,
            kinds: HardshipKind.allCases.map { Option(value: $0.rawValue, label: req.t("hardship.kind." + $0.rawValue), selected: $0.rawValue == typed["kind"]) },
            proposals: proposals.enumerated().map { i, p in
                HardshipBody.Proposal(number: i + 1, household: p.householdCode, name: p.name, unit: req.unitLabel(p.unitID, user),
                                      status: p.status.map { Format.status($0, req.web.catalogue, lang) } ?? "", hardships: kinds(p.hardships))
            },
            hasProposals: !proposals.isEmpty, proposalTitle: req.t("hardship.proposal_title", String(year), unitName),
            mayRecord: may.allows(.recordSupport), today: today.vietnamese,
            downloadXLSX: ListDownload.links(req).xlsx, downloadCSV: ListDownload.links(req).csv, error: error, typed: typed)
        return try await req.page("hardship", title: req.t("hardship.title"), active: "hardship", status: error == nil ? .ok : .badRequest, body)
    }
}
