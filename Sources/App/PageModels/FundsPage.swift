import Foundation
import PovertyCore
import Storage

/// The funds page: the branch's balances and the forms of a contribution, an allocation and a disbursement.
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

extension FundsBody {
    /// A ledger entry form's fields before anything is typed.
    static func entryForm(today: Day) -> [String: String] {
        ["fund": "", "unit": "", "toUnit": "", "contributor": "", "household": "", "amount": "", "date": today.vietnamese, "note": ""]
    }

    /// The page: the balances (the total counts the support funds only) and each form
    /// (`forms` by action, as shown) with its funds — a disbursement only from a support fund —
    /// and the branch's `units`, its own choice kept.
    init(funds all: [FundInfo], balances: [FundBalance], forms: [String: [String: String]], units: [Option], mayChange: Bool,
         history: OrgHistory, today: Day, error: String?, text: PageText) {
        let rows = balances.map { b in
            Row(fund: text.fundName(b.fund), fundCode: b.fund.code, unit: unitName(b.unitID, history, today),
                unitCode: history.units[b.unitID]?.code ?? "", balance: text.money(b.balance))
        }
        func form(_ action: String, funds: [FundInfo]) -> EntryForm {
            let fields = forms[action] ?? FundsBody.entryForm(today: today)
            let unit = fields["unit"] ?? ""
            return EntryForm(funds: funds.map { Option(value: $0.code, label: text.fundName($0), selected: $0.code == fields["fund"]) },
                             units: unit.isEmpty ? units : units.selecting(unit), toUnits: units.selecting(fields["toUnit"] ?? ""), fields: fields)
        }
        self.init(rows: rows, hasRows: !rows.isEmpty, total: text.money(balances.filter { $0.fund.kind == .support }.reduce(0) { $0 + $1.balance }),
                  contribute: form("contribute", funds: all), allocate: form("allocate", funds: all),
                  disburse: form("disburse", funds: all.filter { $0.kind == .support }), mayChange: mayChange, error: error)
    }
}

/// A fund's ledger at a unit over a period.
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
        /// The reason typed into its reversal form when that was refused.
        let typedReason: String
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

extension LedgerBody {
    /// The ledger of `statement`: each entry with who gave, where it went, the household and
    /// what it reverses; reversible by `FundEntry.reversalRefusal`, Storage's own rule.
    /// The ledger as `actor` sees it: a reversal offered where they may make it.
    init(statement: FundStatement, unitCode: String, mayChange: Bool, actor: Actor, today: Day,
         refusedReversal: (id: Int, fields: [String: String])? = nil, error: String?, text: PageText) {
        let history = actor.history
        let entries = statement.entries.map { e in
            var detail: [String] = []
            if let c = e.contributor { detail.append(c) }
            if let u = e.counterpartUnitID { detail.append((e.amount < 0 ? "→ " : "← ") + unitName(u, history, today)) }
            if let h = e.householdCode { detail.append(text.t("common.household_code") + " " + h) }
            if let r = e.reversesID { detail.append(text.t("funds.reverses", String(r))) }
            if !e.note.isEmpty { detail.append(e.note) }
            return Entry(id: e.id, day: e.day.vietnamese, kind: text.t("entry.kind." + e.kind.rawValue), amount: text.money(e.amount),
                         negative: e.amount < 0, detail: detail.joined(separator: " · "), by: e.enteredBy,
                         reversible: e.reversalRefusal(by: actor) == nil, reversed: e.reversedByID != nil,
                         typedReason: refusedReversal?.id == e.id ? refusedReversal?.fields["reason"] ?? "" : "")
        }
        let totals = EntryKind.allCases.compactMap { k -> Total? in
            let v = statement.totals.total(k)
            return v == 0 ? nil : Total(label: text.t("entry.kind." + k.rawValue), amount: text.money(v))
        }
        self.init(fund: text.fundName(statement.fund), fundCode: statement.fund.code, unit: unitName(statement.unitID, history, today),
                  unitCode: unitCode, from: statement.from?.vietnamese ?? "", to: statement.to?.vietnamese ?? "",
                  opening: text.money(statement.totals.opening), closing: text.money(statement.totals.closing),
                  stored: text.money(statement.storedBalance), totals: totals, entries: entries, hasEntries: !entries.isEmpty,
                  mayChange: mayChange, today: today.vietnamese, error: error)
    }
}

/// Every balance of the branch against its ledger over a period.
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

extension ReconciliationBody {
    init(lines: [ReconciliationLine], from: Day, to: Day, history: OrgHistory, today: Day, text: PageText) {
        let rows = lines.map { l in
            Row(fund: text.fundName(l.fund), unit: unitName(l.unitID, history, today), opening: text.money(l.totals.opening),
                inflow: text.money(l.totals.inflow), outflow: text.money(l.totals.outflow), closing: text.money(l.totals.closing),
                ledger: text.money(l.ledgerSum), stored: text.money(l.storedBalance), agrees: l.agrees)
        }
        self.init(from: from.vietnamese, to: to.vietnamese, rows: rows, allAgree: lines.allSatisfy(\.agrees), hasRows: !rows.isEmpty)
    }
}
