import Foundation
import PovertyCore
import Storage

/// The campaigns of the branch and the form of a new one.
struct CampaignsBody: Encodable {
    struct Row: Encodable {
        let code: String; let name: String; let kind: String; let unit: String; let period: String; let budget: String
        let approved: String; let proposed: String; let gift: String
    }
    let rows: [Row]
    let hasRows: Bool
    let kinds: [Option]
    let funds: [Option]
    let units: [Option]
    /// The new campaign's fields: defaults, or what was typed when it was refused.
    let fields: [String: String]
    let nearPoor: Bool
    let mayChange: Bool
    let error: String?
}

extension CampaignsBody {
    /// The new campaign's form before anything is typed: this year, today, the social fund,
    /// near-poor households included. After a refusal an unticked box sends nothing, so it
    /// starts unticked and shows as typed.
    static func newCampaignForm(today: Day, refused: Bool) -> [String: String] {
        ["kind": "", "name": "", "unit": "", "fund": "xa_hoi", "year": String(today.year), "from": today.vietnamese, "to": today.vietnamese,
         "budget": "", "gift": "", "nearPoor": refused ? "" : "1"]
    }

    init(campaigns: [Campaign], funds: [FundInfo], fields: [String: String], units: [Option], mayChange: Bool, history: OrgHistory, today: Day,
         error: String?, text: PageText) {
        let rows = campaigns.map { c in
            Row(code: c.code, name: c.name, kind: text.t("campaign.kind." + c.kind.rawValue), unit: unitName(c.unitID, history, today),
                period: "\(c.startsOn.vietnamese) – \(c.endsOn.vietnamese)", budget: text.money(c.budget), approved: text.money(c.approved),
                proposed: text.money(c.proposed), gift: text.money(c.giftValue))
        }
        self.init(rows: rows, hasRows: !rows.isEmpty,
                  kinds: CampaignKind.allCases.map { Option(value: $0.rawValue, label: text.t("campaign.kind." + $0.rawValue), selected: $0.rawValue == fields["kind"]) },
                  funds: funds.map { Option(value: $0.code, label: text.fundName($0), selected: $0.code == fields["fund"]) },
                  units: units, fields: fields, nearPoor: fields["nearPoor"] == "1", mayChange: mayChange, error: error)
    }
}

/// One campaign: its budget, its list of proposed households and the steps of that list.
struct CampaignBody: Encodable {
    struct Row: Encodable {
        let rank: Int; let code: String; let name: String; let unit: String; let status: String; let deprivations: Int; let amount: String
        let state: String; let stateCode: String; let reason: String; let hardship: Bool; let editable: Bool
        /// What was typed into its own form when that was refused.
        let typedAmount: String; let typedReason: String
    }
    let code: String
    let name: String
    let kind: String
    let unit: String
    let fund: String
    let period: String
    let budget: String
    let approved: String
    let proposed: String
    let remaining: String
    let gift: String
    let classes: String
    let rows: [Row]
    let hasRows: Bool
    let units: [Option]
    let approveUnits: [Option]
    /// The add and approve forms: defaults, or what was typed when refused.
    let add: [String: String]
    let approve: [String: String]
    let mayChange: Bool
    /// The approve form is shown: the role approves, and some unit can be approved from here.
    let mayApprove: Bool
    let error: String?
    let downloadXLSX: String
    let downloadCSV: String
    let signDOCX: String
    let signPDF: String
    /// Some households are approved: there is a list to sign.
    let hasApproved: Bool
}

extension CampaignBody {
    /// A campaign's page: a proposal may be changed while it is proposed, by a role that may
    /// edit lists at its unit; `forms` are the add and approve forms as shown.
    init(campaign c: Campaign, proposals: [Proposal], fund: FundInfo?, permissions: Permissions, forms: [String: [String: String]], units: [Option],
         history: OrgHistory, today: Day, error: String?, downloads: (xlsx: String, csv: String, docx: String, pdf: String), text: PageText) {
        let typedRow = forms["row"] ?? [:]
        let rows = proposals.map { p in
            Row(rank: p.rank, code: p.householdCode, name: p.primaryName, unit: unitName(p.unitID, history, today),
                status: p.status.map { text.status($0) } ?? "–", deprivations: p.deprivationCount, amount: text.money(p.amount),
                state: text.t("proposal.state." + p.state.rawValue), stateCode: p.state.rawValue, reason: p.reason, hardship: p.hardship,
                editable: p.state == .proposed && permissions.allows(.campaignEditList, at: p.unitID)
                    && permissions.allows(.campaignEditList, at: p.householdUnitID ?? p.unitID),
                typedAmount: typedRow["household"] == p.householdCode ? typedRow["amount"] ?? "" : "",
                typedReason: typedRow["household"] == p.householdCode ? typedRow["reason"] ?? "" : "")
        }
        let approve = forms["approve"] ?? [:]
        // A unit never approves its own households: an officer is offered their own unit only
        // for the list of the units below it, and a grassroots officer no approval at all.
        let own = permissions.actor.actingUnit.flatMap { history.units[$0]?.code }
        let approvable = units.filter { $0.value != own || units.count > 1 }
        self.init(
            code: c.code, name: c.name, kind: text.t("campaign.kind." + c.kind.rawValue), unit: unitName(c.unitID, history, today),
            fund: fund.map(text.fundName) ?? c.fundCode, period: "\(c.startsOn.vietnamese) – \(c.endsOn.vietnamese)",
            budget: text.money(c.budget), approved: text.money(c.approved), proposed: text.money(c.proposed), remaining: text.money(c.remaining),
            gift: text.money(c.giftValue), classes: c.statuses.map { text.status($0) }.joined(separator: ", "),
            rows: rows, hasRows: !rows.isEmpty, units: units, approveUnits: approvable.selecting(approve["unit"] ?? ""),
            add: forms["add"] ?? [:], approve: approve, mayChange: permissions.allows(.campaignEditList),
            mayApprove: permissions.allows(.campaignApprove) && !approvable.isEmpty, error: error,
            downloadXLSX: downloads.xlsx, downloadCSV: downloads.csv, signDOCX: downloads.docx, signPDF: downloads.pdf,
            hasApproved: proposals.contains { $0.state == .approved })
    }
}
