import Foundation
import PovertyCore
import Storage
import Vapor

/// The funds' balances and ledgers: contributions, allocations within the branch, disbursements,
/// reversals, and the reconciliation of every balance with its ledger.
struct FundsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("funds", use: funds)
        routes.post("funds", use: fundAction)
        routes.get("funds", "ledger", use: ledger)
        routes.post("funds", "entries", ":id", "reverse", use: reverse)
        routes.get("funds", "reconciliation", use: reconciliation)
    }

    struct FundsBody: Encodable {
        struct Row: Encodable { let fund: String; let fundCode: String; let unit: String; let unitCode: String; let balance: String }
        let rows: [Row]
        let hasRows: Bool
        let total: String
        /// One of the page's three forms: its choices and what its fields show.
        struct EntryForm: Encodable {
            let funds: [Option]
            let units: [Option]
            let toUnits: [Option]
            let fields: [String: String]
        }
        let contribute: EntryForm
        let allocate: EntryForm
        let disburse: EntryForm
        let mayChange: Bool
        let error: String?
    }

    func funds(req: Request) async throws -> Response { try await renderFunds(req, error: nil) }

    func renderFunds(_ req: Request, error: String?) async throws -> Response {
        let user = try req.requireUser()
        let lang = req.language
        let all = try await req.store.funds.funds()
        let balances = try await req.store.funds.balances(user.actor)
        let rows = balances.map { b in
            FundsBody.Row(fund: req.fundName(b.fund), fundCode: b.fund.code, unit: req.unitLabel(b.unitID, user),
                          unitCode: user.history.units[b.unitID]?.code ?? "", balance: Format.money(b.balance, lang))
        }
        // Each form keeps what was typed into it when it was refused; the units are listed once.
        let units = try await req.formUnits(user)
        func form(_ action: String, funds: [FundInfo]) -> FundsBody.EntryForm {
            let fields = req.echo(["fund": "", "unit": "", "toUnit": "", "contributor": "", "household": "", "amount": "",
                                   "date": req.store.today.vietnamese, "note": ""], refused: error, action: action)
            let unit = fields["unit"] ?? ""
            return FundsBody.EntryForm(funds: funds.map { Option(value: $0.code, label: req.fundName($0), selected: $0.code == fields["fund"]) },
                                       units: unit.isEmpty ? units : units.selecting(unit),
                                       toUnits: units.selecting(fields["toUnit"] ?? ""), fields: fields)
        }
        let support = all.filter { $0.kind == .support }
        let body = FundsBody(rows: rows, hasRows: !rows.isEmpty, total: Format.money(balances.filter { $0.fund.kind == .support }.reduce(0) { $0 + $1.balance }, lang),
                             contribute: form("contribute", funds: all), allocate: form("allocate", funds: all),
                             disburse: form("disburse", funds: support),
                             mayChange: user.permissions.allows(.fundContribute), error: error)
        return try await req.page("funds", title: req.t("funds.title"), active: "funds", status: error == nil ? .ok : .badRequest, body)
    }

    /// A contribution, an allocation or a disbursement: the entry's common fields, then the action's own.
    func fundAction(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let action = try req.content.decode(ActionField.self).action
        let operation: StorageOperation = switch action {
        case "contribute": .fundContribute
        case "allocate": .fundAllocate
        case "disburse": .fundDisburse
        default: throw Abort(.badRequest)
        }
        try user.require(operation)
        let entry = try req.content.decode(LedgerEntryInput.self)
        let funds = req.store.funds, actor = user.actor
        return try await req.change(redirect: "/funds", notice: "fund_entry", render: { try await renderFunds(req, error: $0) }) {
            let e = try entry.parsed(req)
            switch operation {
            case .fundContribute:
                let input = try req.content.decode(ContributionInput.self)
                try await funds.contribute(actor, fund: e.fund, unit: e.unit, day: e.day, amount: e.amount,
                                           contributor: try req.formText(input.contributor, "funds.contributor"), note: input.note ?? "")
            case .fundAllocate:
                let input = try req.content.decode(AllocationInput.self)
                try await funds.allocate(actor, fund: e.fund, from: e.unit, to: try req.formText(input.toUnit, "funds.to_unit"), day: e.day,
                                         amount: e.amount, note: input.note ?? "")
            default:
                let input = try req.content.decode(DisbursementInput.self)
                let household = (input.household ?? "").trimmingCharacters(in: .whitespaces)
                try await funds.disburse(actor, fund: e.fund, unit: e.unit, day: e.day, amount: e.amount, household: household.isEmpty ? nil : household,
                                         note: try req.formText(input.note, "funds.note"))
            }
        }
    }

    struct LedgerBody: Encodable {
        struct Entry: Encodable {
            let id: Int
            let day: String
            let kind: String
            let amount: String
            let negative: Bool
            let detail: String
            let by: String
            let reversible: Bool
            let reversed: Bool
        }
        struct Total: Encodable { let label: String; let amount: String }
        let fund: String
        let fundCode: String
        let unit: String
        let unitCode: String
        let from: String
        let to: String
        let opening: String
        let closing: String
        let stored: String
        let totals: [Total]
        let entries: [Entry]
        let hasEntries: Bool
        let mayChange: Bool
        let today: String
        let error: String?
    }

    func ledger(req: Request) async throws -> Response { try await renderLedger(req, fund: nil, unit: nil, error: nil) }

    func renderLedger(_ req: Request, fund: String?, unit: String?, error: String?) async throws -> Response {
        let user = try req.requireUser()
        let lang = req.language
        let fundCode = fund ?? req.query[String.self, at: "fund"] ?? ""
        let unitCode = unit ?? req.query[String.self, at: "unit"] ?? ""
        let from = req.query[String.self, at: "from"].flatMap { Day($0) }
        let to = req.query[String.self, at: "to"].flatMap { Day($0) }
        let statement = try await req.store.funds.statement(user.actor, fund: fundCode, unit: unitCode, from: from, to: to)
        let entries = statement.entries.map { e in
            var detail: [String] = []
            if let c = e.contributor { detail.append(c) }
            if let u = e.counterpartUnitID { detail.append((e.amount < 0 ? "→ " : "← ") + req.unitLabel(u, user)) }
            if let h = e.householdCode { detail.append(req.t("common.household_code") + " " + h) }
            if let r = e.reversesID { detail.append(req.t("funds.reverses", String(r))) }
            if !e.note.isEmpty { detail.append(e.note) }
            return LedgerBody.Entry(id: e.id, day: e.day.vietnamese, kind: req.t("entry.kind." + e.kind.rawValue), amount: Format.money(e.amount, lang),
                                    negative: e.amount < 0, detail: detail.joined(separator: " · "), by: e.enteredBy,
                                    reversible: e.kind != .reversal && e.reversedByID == nil && e.loanID == nil,
                                    reversed: e.reversedByID != nil)
        }
        let totals = EntryKind.allCases.compactMap { k -> LedgerBody.Total? in
            let v = statement.totals.total(k)
            return v == 0 ? nil : LedgerBody.Total(label: req.t("entry.kind." + k.rawValue), amount: Format.money(v, lang))
        }
        let body = LedgerBody(fund: req.fundName(statement.fund), fundCode: statement.fund.code, unit: req.unitLabel(statement.unitID, user),
                              unitCode: unitCode, from: from?.vietnamese ?? "", to: to?.vietnamese ?? "", opening: Format.money(statement.totals.opening, lang),
                              closing: Format.money(statement.totals.closing, lang), stored: Format.money(statement.storedBalance, lang), totals: totals,
                              entries: entries, hasEntries: !entries.isEmpty, mayChange: user.permissions.allows(.fundReverse, at: statement.unitID),
                              today: req.store.today.vietnamese, error: error)
        return try await req.page("ledger", title: req.t("funds.ledger_title", body.fund, body.unit), active: "funds",
                                  status: error == nil ? .ok : .badRequest, body)
    }

    func reverse(req: Request) async throws -> Response {
        let user = try req.requireUser()
        try user.require(.fundReverse)
        guard let id = req.parameters.get("id", as: Int.self) else { throw Abort(.notFound) }
        let entry = try await req.store.funds.entry(user.actor, id)
        let unitCode = user.history.units[entry.unitID]?.code ?? ""
        let input = try req.content.decode(ReversalInput.self)
        return try await req.change(redirect: "/funds/ledger?fund=\(req.encodePath(entry.fundCode))&unit=\(req.encodePath(unitCode))", notice: "fund_reversed",
                                    render: { try await renderLedger(req, fund: entry.fundCode, unit: unitCode, error: $0) }) {
            guard input.confirm == "1" else { throw FormRefusal(message: req.t("funds.reverse_needs_confirmation")) }
            try await req.store.funds.reverse(user.actor, entryID: id, day: try req.formDay(input.date, default: req.store.today),
                                              reason: try req.formText(input.reason, "form.reason"))
        }
    }

    struct ReconciliationBody: Encodable {
        struct Row: Encodable {
            let fund: String; let unit: String; let opening: String; let inflow: String; let outflow: String; let closing: String
            let ledger: String; let stored: String; let agrees: Bool
        }
        let from: String
        let to: String
        let rows: [Row]
        let allAgree: Bool
        let hasRows: Bool
    }

    func reconciliation(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let lang = req.language
        let year = req.store.today.year
        let from = req.query[String.self, at: "from"].flatMap { Day($0) } ?? Day.endOfYear(year - 1).adding(days: 1)
        let to = req.query[String.self, at: "to"].flatMap { Day($0) } ?? Day.endOfYear(year)
        let lines = try await req.store.funds.reconciliation(user.actor, from: from, to: to)
        let rows = lines.map { l in
            ReconciliationBody.Row(fund: req.fundName(l.fund), unit: req.unitLabel(l.unitID, user), opening: Format.money(l.totals.opening, lang),
                                   inflow: Format.money(l.totals.inflow, lang), outflow: Format.money(l.totals.outflow, lang),
                                   closing: Format.money(l.totals.closing, lang), ledger: Format.money(l.ledgerSum, lang),
                                   stored: Format.money(l.storedBalance, lang), agrees: l.agrees)
        }
        return try await req.page("reconciliation", title: req.t("funds.reconciliation"), active: "funds",
                                  ReconciliationBody(from: from.vietnamese, to: to.vietnamese, rows: rows, allAgree: lines.allSatisfy(\.agrees), hasRows: !rows.isEmpty))
    }
}
