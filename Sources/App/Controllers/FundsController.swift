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

    func funds(req: Request) async throws -> Response { try await renderFunds(req, error: nil) }

    func renderFunds(_ req: Request, error: String?) async throws -> Response {
        let user = try req.requireUser()
        var forms: [String: [String: String]] = [:]
        for action in ["contribute", "allocate", "disburse"] {
            forms[action] = req.echo(FundsBody.entryForm(today: req.store.today), refused: error, action: action)
        }
        let body = FundsBody(funds: try await req.store.funds.funds(), balances: try await req.store.funds.balances(user.actor),
                             forms: forms, units: try await req.formUnits(user),
                             mayChange: user.permissions.allows(.fundContribute), history: user.history, today: req.store.today,
                             error: error, text: req.pageText)
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

    func ledger(req: Request) async throws -> Response { try await renderLedger(req, fund: nil, unit: nil, error: nil) }

    func renderLedger(_ req: Request, fund: String?, unit: String?, error: String?) async throws -> Response {
        let user = try req.requireUser()
        let fundCode = fund ?? req.query[String.self, at: "fund"] ?? ""
        let unitCode = unit ?? req.query[String.self, at: "unit"] ?? ""
        let from = try req.queryDay("from")
        let to = try req.queryDay("to")
        let statement = try await req.store.funds.statement(user.actor, fund: fundCode, unit: unitCode, from: from, to: to)
        let body = LedgerBody(statement: statement, unitCode: unitCode, mayChange: user.permissions.allows(.fundReverse, at: statement.unitID),
                              actor: user.actor, today: req.store.today,
                              refusedReversal: req.refusedRow(["funds", "entries"], "reverse", refused: error), error: error, text: req.pageText)
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
        return try await req.change(redirect: "/funds/ledger?fund=\(req.encodePath(entry.fundCode))&unit=\(req.encodePath(unitCode))", notice: "fund_reversed", subject: .fundEntry,
                                    render: { try await renderLedger(req, fund: entry.fundCode, unit: unitCode, error: $0) }) {
            guard input.confirm == "1" else { throw FormRefusal(message: req.t("funds.reverse_needs_confirmation")) }
            try await req.store.funds.reverse(user.actor, entryID: id, day: try req.formDay(input.date, "funds.date", default: req.store.today),
                                              reason: try req.formText(input.reason, "form.reason"))
        }
    }

    func reconciliation(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let year = req.store.today.year
        let from = try req.queryDay("from") ?? Day.endOfYear(year - 1).adding(days: 1)
        let to = try req.queryDay("to") ?? Day.endOfYear(year)
        let lines = try await req.store.funds.reconciliation(user.actor, from: from, to: to)
        return try await req.page("reconciliation", title: req.t("funds.reconciliation"), active: "funds",
                                  ReconciliationBody(lines: lines, from: from, to: to, history: user.history, today: req.store.today, text: req.pageText))
    }
}
