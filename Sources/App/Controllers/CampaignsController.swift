import Foundation
import PovertyCore
import Storage
import Vapor

/// Gift campaigns: the list, one campaign's proposals, drawing, editing and approving them.
struct CampaignsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("campaigns", use: campaigns)
        routes.post("campaigns", use: createCampaign)
        routes.get("campaigns", ":code", use: campaign)
        routes.post("campaigns", ":code", use: campaignAction)
    }

    func campaigns(req: Request) async throws -> Response { try await renderCampaigns(req, error: nil) }

    func renderCampaigns(_ req: Request, error: String?) async throws -> Response {
        let user = try req.requireUser()
        let fields = req.echo(CampaignsBody.newCampaignForm(today: req.store.today, refused: error != nil), refused: error)
        let body = CampaignsBody(campaigns: try await req.store.campaigns.campaigns(user.actor),
                                 funds: try await req.store.funds.funds().filter { $0.kind == .support }, fields: fields,
                                 units: try await req.formUnits(user, selected: fields["unit"].flatMap { $0.isEmpty ? nil : $0 }),
                                 mayChange: user.permissions.allows(.campaignCreate), history: user.history, today: req.store.today,
                                 error: error, text: req.pageText)
        return try await req.page("campaigns", title: req.t("campaigns.title"), active: "campaigns", status: error == nil ? .ok : .badRequest, body)
    }

    func createCampaign(req: Request) async throws -> Response {
        let user = try req.requireUser()
        try user.require(.campaignCreate)
        let input = try req.content.decode(CampaignInput.self)
        var code = ""
        let response = try await req.change(redirect: "/campaigns", notice: "campaign_created", render: { try await renderCampaigns(req, error: $0) }) {
            code = try await req.store.campaigns.create(user.actor, try input.campaign(req))
        }
        if response.status == .seeOther { return req.redirect(to: "/campaigns/\(req.encodePath(code))?notice=campaign_created", redirectType: .normal) }
        return response
    }

    func campaign(req: Request) async throws -> Response {
        guard let format = req.query[String.self, at: "format"], !format.isEmpty else { return try await renderCampaign(req, error: nil) }
        return try await download(req, format: format)
    }

    /// The campaign's list as a spreadsheet (every household on it, with its state), or the
    /// approved recipients as the list to sign on receipt (DOCX or PDF). Audited as exports.
    func download(_ req: Request, format: String) async throws -> Response {
        let user = try req.requireUser()
        let lang = req.language
        let code = req.parameters.get("code") ?? ""
        let c = try await req.store.campaigns.campaign(user.actor, code)
        let proposals = try await req.store.campaigns.proposals(user.actor, code)
        if let list = ListDownload.Format(rawValue: format) {
            var file = ListDownload(
                title: req.t("campaign.download_title", c.name), fileStem: ReportExports.fileName(["dot", c.code], .csv).replacingOccurrences(of: ".csv", with: ""),
                columns: [(req.t("campaigns.rank"), 10), (req.t("common.household_code"), 14), (req.t("households.member"), 28), (req.t("common.unit"), 36),
                          (req.t("common.status"), 16), (req.t("funds.amount"), 14), (req.t("campaigns.state"), 16), (req.t("form.reason"), 40)])
            file.rows = proposals.map { p in
                [.number(p.rank), .text(p.householdCode), .text(p.primaryName), .text(req.unitLabel(p.unitID, user)),
                 .text(p.status.map { Format.status($0, req.web.catalogue, lang) } ?? ""), .money(p.amount),
                 .text(req.t("proposal.state." + p.state.rawValue)), .text(p.reason)]
            }
            return try await file.response(req, list, what: "danh sách đợt \(c.code)", actor: user.actor)
        }
        guard let docFormat = ExportFormat(rawValue: format), docFormat == .docx || docFormat == .pdf else { throw Abort(.badRequest, reason: "format") }
        let recipients = proposals.filter { $0.state == .approved }.sorted { ($0.rank, $0.householdCode) < ($1.rank, $1.householdCode) }
        let doc = ReportDocuments.signList(campaign: c, kind: req.t("campaign.kind." + c.kind.rawValue), recipients: recipients,
                                           history: user.history, today: req.store.today)
        let data = try await ReportExports.document(doc, docFormat)
        let name = ReportExports.fileName(["danh-sach-ky-nhan", c.code], docFormat)
        try await req.store.audit.export("danh sách ký nhận đợt \(c.code) (\(recipients.count) người)", file: name, by: user.actor)
        return Attachment.response(data, name: name, contentType: docFormat.contentType)
    }

    func renderCampaign(_ req: Request, error: String?) async throws -> Response {
        let user = try req.requireUser()
        let c = try await req.store.campaigns.campaign(user.actor, req.parameters.get("code") ?? "")
        // A row's own form (a new amount, or removal) refused: what was typed, for that household's row.
        let rowForm = ["household": "", "amount": "", "reason": ""]
        let amount = req.echo(rowForm, refused: error, action: "amount"), removal = req.echo(rowForm, refused: error, action: "remove")
        let forms = ["add": req.echo(["household": "", "amount": "", "reason": ""], refused: error, action: "add"),
                     // Gifts are dated within the campaign: today, or its last day once it is over.
                     "approve": req.echo(["unit": "", "date": min(req.store.today, c.endsOn).vietnamese], refused: error, action: "approve"),
                     "row": amount["household"]?.isEmpty == false ? amount : removal]
        let links = ListDownload.links(req)
        let body = CampaignBody(
            campaign: c, proposals: try await req.store.campaigns.proposals(user.actor, c.code),
            fund: try await req.store.funds.funds().first { $0.code == c.fundCode }, permissions: user.permissions, forms: forms,
            units: try await req.formUnits(user), history: user.history, today: req.store.today, error: error,
            downloads: (links.xlsx, links.csv, "/campaigns/\(req.encodePath(c.code))?format=docx", "/campaigns/\(req.encodePath(c.code))?format=pdf"),
            text: req.pageText)
        return try await req.page("campaign", title: req.t("campaign.title", c.name), active: "campaigns", status: error == nil ? .ok : .badRequest, body)
    }

    /// A step of the list: draw a unit's households, add, remove or change one, approve a unit's list.
    func campaignAction(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let code = req.parameters.get("code") ?? ""
        let action = try req.content.decode(ActionField.self).action ?? ""
        guard ["draw", "add", "remove", "amount", "approve"].contains(action) else { throw Abort(.badRequest) }
        try user.require(action == "approve" ? .campaignApprove : .campaignEditList)
        let desk = req.store.campaigns, actor = user.actor
        return try await req.change(redirect: "/campaigns/\(req.encodePath(code))", notice: "campaign_changed", subject: .campaign, render: { try await renderCampaign(req, error: $0) }) {
            if action == "draw" || action == "approve" {
                let input = try req.content.decode(CampaignStepInput.Unit.self)
                let unit = try req.formText(input.unit, "common.unit")
                // Nothing drawn or approved is said so, never "list updated".
                if action == "draw" {
                    guard try await desk.draw(actor, code, unit: unit) > 0 else { throw FormRefusal(message: req.t("campaigns.nothing_drawn", unit)) }
                } else {
                    let typed = (input.date ?? "").trimmingCharacters(in: .whitespaces)
                    guard try await desk.approve(actor, code, unit: unit, day: typed.isEmpty ? nil : try req.formDay(typed, "funds.date")) > 0 else {
                        throw FormRefusal(message: req.t("campaigns.nothing_to_approve", unit))
                    }
                }
                return
            }
            let input = try req.content.decode(CampaignStepInput.Household.self)
            let household = try req.formText(input.household, "common.household_code"), reason = try req.formText(input.reason, "form.reason")
            switch action {
            case "add":
                let amount = (input.amount ?? "").trimmingCharacters(in: .whitespaces)
                try await desk.add(actor, code, household: household, amount: amount.isEmpty ? nil : try req.formMoney(amount, "funds.amount"),
                                   reason: reason)
            case "remove":
                try await desk.edit(actor, code, household: household, remove: true, reason: reason)
            default:
                try await desk.edit(actor, code, household: household, remove: false, amount: try req.formMoney(input.amount, "funds.amount"),
                                    reason: reason)
            }
        }
    }
}
