import Foundation
import PovertyCore
import Storage
import Vapor

/// A refused form, with its message already in the page language.
struct FormRefusal: Error {
    let message: String
}

/// Every field any support form may send; each handler reads the ones it needs.
struct SupportForm: Content {
    var household: String?
    var policy: String?
    var date: String?
    var value: String?
    var amount: String?
    var inKind: String?
    var source: String?
    var sourceName: String?
    var unit: String?
    var toUnit: String?
    var fund: String?
    var contributor: String?
    var note: String?
    var reason: String?
    var member: String?
    var purpose: String?
    var term: String?
    var every: String?
    var workers: String?
    var jobs: String?
    var months: String?
    var kind: String?
    var name: String?
    var year: String?
    var from: String?
    var to: String?
    var budget: String?
    var gift: String?
    var nearPoor: String?
    var action: String?
    var confirm: String?
}

extension Request {
    /// The form's fields (empty for a GET).
    func supportForm() throws -> SupportForm {
        method == .POST ? try content.decode(SupportForm.self) : SupportForm()
    }


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

    func formDay(_ text: String?, default fallback: Day? = nil) throws -> Day {
        let s = (text ?? "").trimmingCharacters(in: .whitespaces)
        if s.isEmpty, let fallback { return fallback }
        guard let d = Day(s) else { throw FormRefusal(message: t("form.bad_date", s)) }
        return d
    }

    func formText(_ text: String?, _ field: String) throws -> String {
        let s = (text ?? "").trimmingCharacters(in: .whitespaces)
        guard !s.isEmpty else { throw FormRefusal(message: t("form.required", t(field))) }
        return s
    }

    /// Runs a change; success redirects with a notice, a refusal shows the page again with
    /// the reason (status 400). Another branch's things are "not found".
    func change(redirect: String, notice: String, render: @escaping (String) async throws -> Response,
                _ body: () async throws -> Void) async throws -> Response {
        do {
            try await body()
        } catch let error as StorageError {
            // Not found and forbidden are answers of their own (404, 403); other refusals
            // show the form again with the reason.
            switch error {
            case .notFound, .forbidden: throw error
            default: return try await render(localized(error.description))
            }
        } catch let error as LoanRefused {
            return try await render(localized(error.description))
        } catch let refusal as FormRefusal {
            return try await render(refusal.message)
        }
        let separator = redirect.contains("?") ? "&" : "?"
        return self.redirect(to: redirect + separator + "notice=" + notice, redirectType: .normal)
    }

    /// The units an officer picks from in forms and filters: their own unit and the units
    /// directly under it today, in Vietnamese order of their names; `selected` (else the
    /// officer's own unit) is chosen.
    func formUnits(_ user: CurrentUser, selected: String? = nil) async throws -> [Option] {
        let today = store.today
        let tree = try await web.trees(on: today, user)
        let tops = user.scope.isWholeProvince ? tree.roots : [user.account.unitID]
        let ids = Set(tops + tops.flatMap { tree.children[$0] ?? [] })
        let chosen = selected ?? user.history.units[user.account.unitID]?.code
        return ids.compactMap { id -> (code: String, name: String)? in
            guard let u = user.history.units[id], user.scope.contains(id), let name = user.history.name(of: id, on: today) else { return nil }
            return (u.code, name)
        }
        .sorted { VietnameseCollation.sortKey($0.name) < VietnameseCollation.sortKey($1.name) }
        .map { Option(value: $0.code, label: $0.name, selected: $0.code == chosen) }
    }

    func unitLabel(_ id: Int, _ user: CurrentUser) -> String { unitName(id, user.history, store.today) }

    func policyName(_ code: String, _ catalogue: PolicyCatalogue) -> String {
        guard let p = catalogue.policy(code: code) else { return code }
        return language == .vi ? p.nameVi : p.nameEn
    }

    func indicatorName(_ code: String) -> String {
        guard let i = StandardCatalog.builtIn.indicator(code: code) else { return code }
        return language == .vi ? i.vi : i.en
    }

    func fundName(_ f: FundInfo) -> String { language == .vi ? f.nameVi : f.nameEn }

    func encodePath(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? s }
}

// MARK: - Coverage

struct CoverageBody: Encodable {
    struct UnitRow: Encodable { let name: String; let code: String; let households: String; let complete: String; let share: String }
    struct Gap: Encodable { let code: String; let name: String; let unit: String; let status: String; let missing: [String]; let suggested: [String] }
    let years: [Option]
    let nearPoor: Bool
    let summary: String
    let units: [UnitRow]
    let gaps: [Gap]
    let gapSummary: String
    let hasData: Bool
}

/// Support, funds, loans and campaigns: the pages of the plan's second goal.
struct SupportController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("coverage", use: coverage)
        routes.post("households", ":code", "support", use: recordSupport)
        routes.post("support", ":id", "cancel", use: cancelSupport)
        routes.get("funds", use: funds)
        routes.post("funds", use: fundAction)
        routes.get("funds", "ledger", use: ledger)
        routes.post("funds", "entries", ":id", "reverse", use: reverse)
        routes.get("funds", "reconciliation", use: reconciliation)
        routes.get("loans", use: loans)
        routes.post("loans", use: applyLoan)
        routes.get("loans", ":code", use: loan)
        routes.post("loans", ":code", use: loanAction)
        routes.get("campaigns", use: campaigns)
        routes.post("campaigns", use: createCampaign)
        routes.get("campaigns", ":code", use: campaign)
        routes.post("campaigns", ":code", use: campaignAction)
    }

    func coverage(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let lang = req.language
        let latest = try await req.store.browse.latestYear(user.actor)
        let asked = req.query[Int.self, at: "year"]
        if let asked, !(2000...2100).contains(asked) { throw Abort(.badRequest) }
        let year = asked ?? latest
        let nearPoor = req.query[String.self, at: "near"] == "1"
        let report = try await req.store.support.coverage(user.actor, year: year, includeNearPoor: nearPoor)
        let catalogue = try await req.store.support.catalogue()
        let day = Day.endOfYear(report.year ?? req.store.today.year)
        let units = report.units.map { u in
            CoverageBody.UnitRow(name: unitName(u.unitID, user.history, day), code: user.history.units[u.unitID]?.code ?? "",
                                 households: Format.number(u.households, lang), complete: Format.number(u.complete, lang),
                                 share: Format.percent(u.complete, u.households, lang))
        }.sorted { VietnameseCollation.sortKey($0.name) < VietnameseCollation.sortKey($1.name) }
        let gaps = report.gaps.map { g in
            CoverageBody.Gap(code: g.householdCode, name: g.primaryName, unit: unitName(g.unitID, user.history, day),
                             status: Format.status(g.status, req.web.catalogue, lang),
                             missing: g.coverage.missingIndicators.map(req.indicatorName),
                             suggested: g.coverage.suggestedPolicies.map { req.policyName($0, catalogue) })
        }
        let years = latest.map { l in (min(2021, l, year ?? l)...max(l, year ?? l)).reversed().map { Option(value: String($0), label: String($0), selected: $0 == year) } } ?? []
        let body = CoverageBody(
            years: years, nearPoor: nearPoor,
            summary: req.t("coverage.summary", Format.number(report.complete, lang), Format.number(report.households, lang),
                           Format.percent(report.complete, report.households, lang), report.year.map(String.init) ?? "–"),
            units: units, gaps: gaps, gapSummary: req.t("coverage.gap_summary", Format.number(report.gapCount, lang), Format.number(gaps.count, lang)),
            hasData: report.households > 0)
        return try await req.page("coverage", title: req.t("coverage.title"), active: "coverage", body)
    }

    // MARK: support on the household page

    func recordSupport(req: Request) async throws -> Response {
        let user = try req.requireUser()
        try user.require(.recordSupport)
        let code = req.parameters.get("code") ?? ""
        let form = try req.supportForm()
        return try await req.change(redirect: "/households/\(req.encodePath(code))", notice: "support_recorded",
                                    render: { try await HouseholdController().render(req, code: code, error: $0) }) {
            guard let source = SupportSource(rawValue: form.source ?? "") else { throw FormRefusal(message: req.t("form.required", req.t("support.source"))) }
            let value = try req.formMoney(form.value, "support.value", allowZero: true)
            try await req.store.support.record(user.actor,
                NewSupport(household: code, policy: try req.formText(form.policy, "support.policy"), day: try req.formDay(form.date, default: req.store.today),
                           value: value, inKind: form.inKind ?? "", source: source, sourceName: form.sourceName ?? "",
                           unit: try req.formText(form.unit, "common.unit"), fund: source == .fund ? form.fund : nil))
        }
    }

    func cancelSupport(req: Request) async throws -> Response {
        let user = try req.requireUser()
        try user.require(.cancelSupport)
        guard let id = req.parameters.get("id", as: Int.self) else { throw Abort(.notFound) }
        let form = try req.supportForm()
        let household = form.household ?? ""
        return try await req.change(redirect: "/households/\(req.encodePath(household))", notice: "support_cancelled",
                                    render: { try await HouseholdController().render(req, code: household, error: $0) }) {
            try await req.store.support.cancel(user.actor, id, reason: try req.formText(form.reason, "form.reason"), on: req.store.today)
        }
    }

    // MARK: funds

    struct FundsBody: Encodable {
        struct Row: Encodable { let fund: String; let fundCode: String; let unit: String; let unitCode: String; let balance: String }
        let rows: [Row]
        let hasRows: Bool
        let total: String
        let funds: [Option]
        let supportFunds: [Option]
        let units: [Option]
        let today: String
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
        let body = FundsBody(rows: rows, hasRows: !rows.isEmpty, total: Format.money(balances.filter { $0.fund.kind == .support }.reduce(0) { $0 + $1.balance }, lang),
                             funds: all.map { Option(value: $0.code, label: req.fundName($0), selected: false) },
                             supportFunds: all.filter { $0.kind == .support }.map { Option(value: $0.code, label: req.fundName($0), selected: false) },
                             units: try await req.formUnits(user), today: req.store.today.iso,
                             mayChange: user.permissions.allows(.fundContribute), error: error)
        return try await req.page("funds", title: req.t("funds.title"), active: "funds", status: error == nil ? .ok : .badRequest, body)
    }

    func fundAction(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let form = try req.supportForm()
        switch form.action {
        case "contribute": try user.require(.fundContribute)
        case "allocate": try user.require(.fundAllocate)
        case "disburse": try user.require(.fundDisburse)
        default: throw Abort(.badRequest)
        }
        return try await req.change(redirect: "/funds", notice: "fund_entry", render: { try await renderFunds(req, error: $0) }) {
            let fund = try req.formText(form.fund, "funds.fund")
            let unit = try req.formText(form.unit, "common.unit")
            let day = try req.formDay(form.date, default: req.store.today)
            let amount = try req.formMoney(form.amount, "funds.amount")
            let actor = user.actor
            switch form.action {
            case "contribute":
                try await req.store.funds.contribute(actor, fund: fund, unit: unit, day: day, amount: amount,
                                                     contributor: try req.formText(form.contributor, "funds.contributor"), note: form.note ?? "")
            case "allocate":
                try await req.store.funds.allocate(actor, fund: fund, from: unit, to: try req.formText(form.toUnit, "funds.to_unit"), day: day,
                                                   amount: amount, note: form.note ?? "")
            case "disburse":
                let household = (form.household ?? "").trimmingCharacters(in: .whitespaces)
                try await req.store.funds.disburse(actor, fund: fund, unit: unit, day: day, amount: amount, household: household.isEmpty ? nil : household,
                                                   note: try req.formText(form.note, "funds.note"))
            default:
                throw Abort(.badRequest)
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
                              unitCode: unitCode, from: from?.iso ?? "", to: to?.iso ?? "", opening: Format.money(statement.totals.opening, lang),
                              closing: Format.money(statement.totals.closing, lang), stored: Format.money(statement.storedBalance, lang), totals: totals,
                              entries: entries, hasEntries: !entries.isEmpty, mayChange: user.permissions.allows(.fundReverse, at: statement.unitID),
                              today: req.store.today.iso, error: error)
        return try await req.page("ledger", title: req.t("funds.ledger_title", body.fund, body.unit), active: "funds",
                                  status: error == nil ? .ok : .badRequest, body)
    }

    func reverse(req: Request) async throws -> Response {
        let user = try req.requireUser()
        try user.require(.fundReverse)
        guard let id = req.parameters.get("id", as: Int.self) else { throw Abort(.notFound) }
        let entry = try await req.store.funds.entry(user.actor, id)
        let unitCode = user.history.units[entry.unitID]?.code ?? ""
        let form = try req.supportForm()
        return try await req.change(redirect: "/funds/ledger?fund=\(req.encodePath(entry.fundCode))&unit=\(req.encodePath(unitCode))", notice: "fund_reversed",
                                    render: { try await renderLedger(req, fund: entry.fundCode, unit: unitCode, error: $0) }) {
            try await req.store.funds.reverse(user.actor, entryID: id, day: try req.formDay(form.date, default: req.store.today),
                                              reason: try req.formText(form.reason, "form.reason"))
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
                                  ReconciliationBody(from: from.iso, to: to.iso, rows: rows, allAgree: lines.allSatisfy(\.agrees), hasRows: !rows.isEmpty))
    }

    // MARK: loans

    struct LoansBody: Encodable {
        struct Bucket: Encodable { let label: String; let loans: String; let overdue: String; let outstanding: String }
        struct Row: Encodable {
            let code: String; let member: String; let household: String; let unit: String; let amount: String; let state: String
            let stateCode: String; let outstanding: String; let days: Int; let bucket: String
        }
        let day: String
        let active: String
        let outstanding: String
        let current: String
        let buckets: [Bucket]
        let jobs: String
        let writtenOff: String
        let rows: [Row]
        let hasRows: Bool
        let states: [Option]
        let purposes: [Option]
        let units: [Option]
        let today: String
        let mayChange: Bool
        let error: String?
    }

    func loans(req: Request) async throws -> Response { try await renderLoans(req, error: nil) }

    func renderLoans(_ req: Request, error: String?) async throws -> Response {
        let user = try req.requireUser()
        let lang = req.language
        let day = req.query[String.self, at: "date"].flatMap { Day($0) } ?? req.store.today
        let stateFilter = req.query[String.self, at: "state"].flatMap(LoanState.init(rawValue:))
        let (report, _) = try await req.store.loans.ageing(user.actor, on: day)
        let files = try await req.store.loans.loans(user.actor, state: stateFilter)
        let rows = files.prefix(500).map { f in
            let p = f.position(on: day)
            return LoansBody.Row(code: f.code, member: f.memberName, household: f.householdCode ?? "", unit: req.unitLabel(f.unitID, user),
                                 amount: Format.money(f.amount, lang), state: req.t("loan.state." + f.state.rawValue), stateCode: f.state.rawValue,
                                 outstanding: Format.money(f.outstanding, lang), days: f.state == .disbursed ? p.daysOverdue : 0,
                                 bucket: f.state == .disbursed ? (p.bucket.map { lang == .vi ? $0.label : $0.labelEn } ?? req.t("loans.current")) : "")
        }
        let body = LoansBody(
            day: day.vietnamese, active: Format.number(report.activeLoans, lang), outstanding: Format.money(report.outstanding, lang),
            current: Format.number(report.current, lang),
            buckets: report.buckets.map { LoansBody.Bucket(label: lang == .vi ? $0.bucket.label : $0.bucket.labelEn, loans: Format.number($0.loans, lang),
                                                           overdue: Format.money($0.overdue, lang), outstanding: Format.money($0.outstanding, lang)) },
            jobs: req.t("loans.jobs_summary", Format.number(report.jobsCreated, lang), Format.number(report.jobsPlanned, lang)),
            writtenOff: Format.money(report.writtenOff, lang), rows: Array(rows), hasRows: !rows.isEmpty,
            states: [Option(value: "", label: req.t("loans.all_states"), selected: stateFilter == nil)]
                + LoanState.allCases.map { Option(value: $0.rawValue, label: req.t("loan.state." + $0.rawValue), selected: $0 == stateFilter) },
            purposes: LoanRules.purposes.map { Option(value: $0.code, label: $0.vi, selected: false) },
            units: try await req.formUnits(user), today: req.store.today.iso, mayChange: user.permissions.allows(.loanApply), error: error)
        return try await req.page("loans", title: req.t("loans.title"), active: "loans", status: error == nil ? .ok : .badRequest, body)
    }

    func applyLoan(req: Request) async throws -> Response {
        let user = try req.requireUser()
        try user.require(.loanApply)
        let form = try req.supportForm()
        var code = ""
        let response = try await req.change(redirect: "/loans", notice: "loan_applied", render: { try await renderLoans(req, error: $0) }) {
            let household = (form.household ?? "").trimmingCharacters(in: .whitespaces)
            code = try await req.store.loans.apply(user.actor,
                LoanApplication(member: try req.formText(form.member, "loans.member"), household: household.isEmpty ? nil : household,
                                unit: try req.formText(form.unit, "common.unit"), purpose: try req.formText(form.purpose, "loans.purpose"),
                                workers: try req.formInt(form.workers ?? "1", "loans.workers", 1...1000),
                                jobsPlanned: try req.formInt(form.jobs, "loans.jobs_planned", 0...1000),
                                amount: try req.formMoney(form.amount, "funds.amount"), termMonths: try req.formInt(form.term, "loans.term", 1...600),
                                everyMonths: try req.formInt(form.every ?? "3", "loans.every", 1...12),
                                appliedOn: try req.formDay(form.date, default: req.store.today)))
        }
        if response.status == .seeOther { return req.redirect(to: "/loans/\(req.encodePath(code))?notice=loan_applied", redirectType: .normal) }
        return response
    }

    struct LoanBody: Encodable {
        struct Line: Encodable { let number: Int; let due: String; let principal: String; let paid: Bool; let late: Bool }
        struct Payment: Encodable { let day: String; let amount: String; let by: String }
        struct Extension: Encodable { let granted: String; let months: Int; let reason: String }
        let code: String
        let member: String
        let memberCode: String
        let household: String
        let unit: String
        let purpose: String
        let amount: String
        let term: Int
        let every: Int
        let workers: Int
        let jobsPlanned: Int
        let jobsCreated: String
        let applied: String
        let state: String
        let stateCode: String
        let decision: String
        let disbursed: String
        let closed: String
        let writtenOff: String
        let repaid: String
        let outstanding: String
        let overdue: String
        let daysOverdue: Int
        let bucket: String
        let schedule: [Line]
        let hasSchedule: Bool
        let payments: [Payment]
        let hasPayments: Bool
        let extensions: [Extension]
        let hasExtensions: Bool
        let mayDecide: Bool
        let mayDisburse: Bool
        let mayService: Bool
        let mayWriteOff: Bool
        let mayRecordJobs: Bool
        let today: String
        let error: String?
    }

    func loan(req: Request) async throws -> Response { try await renderLoan(req, error: nil) }

    func renderLoan(_ req: Request, error: String?) async throws -> Response {
        let user = try req.requireUser()
        let lang = req.language
        let code = req.parameters.get("code") ?? ""
        let f = try await req.store.loans.file(user.actor, code)
        let today = req.store.today
        let p = f.position(on: today)
        var covered = f.repaid
        let schedule = f.schedule.map { i -> LoanBody.Line in
            covered -= i.principal
            return LoanBody.Line(number: i.number, due: i.due.vietnamese, principal: Format.money(i.principal, lang), paid: covered >= 0,
                                 late: covered < 0 && i.due < today)
        }
        let may = user.permissions
        let body = LoanBody(
            code: f.code, member: f.memberName, memberCode: f.memberCode, household: f.householdCode ?? "", unit: req.unitLabel(f.unitID, user),
            purpose: LoanRules.purposeLabel(f.purpose) ?? f.purpose, amount: Format.money(f.amount, lang), term: f.termMonths, every: f.everyMonths,
            workers: f.workers, jobsPlanned: f.jobsPlanned, jobsCreated: f.jobsCreated.map(String.init) ?? "–", applied: f.appliedOn.vietnamese,
            state: req.t("loan.state." + f.state.rawValue), stateCode: f.state.rawValue,
            decision: [f.decidedOn?.vietnamese, f.decidedBy, f.decisionNote].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " · "),
            disbursed: f.disbursedOn?.vietnamese ?? "", closed: f.closedOn?.vietnamese ?? "", writtenOff: f.writtenOff > 0 ? Format.money(f.writtenOff, lang) : "",
            repaid: Format.money(f.repaid, lang), outstanding: Format.money(f.outstanding, lang), overdue: Format.money(f.state == .disbursed ? p.overdue : 0, lang),
            daysOverdue: f.state == .disbursed ? p.daysOverdue : 0,
            bucket: f.state == .disbursed ? (p.bucket.map { lang == .vi ? $0.label : $0.labelEn } ?? req.t("loans.current")) : "",
            schedule: schedule, hasSchedule: !schedule.isEmpty,
            payments: f.payments.map { LoanBody.Payment(day: $0.day.vietnamese, amount: Format.money($0.amount, lang), by: $0.enteredBy) },
            hasPayments: !f.payments.isEmpty,
            extensions: f.extensions.map { LoanBody.Extension(granted: $0.granted.vietnamese, months: $0.months, reason: $0.reason) },
            hasExtensions: !f.extensions.isEmpty,
            mayDecide: may.allows(.loanDecide, at: f.unitID) && f.state == .applied,
            mayDisburse: may.allows(.loanDisburse, at: f.unitID) && f.state == .approved,
            mayService: may.allows(.loanRepay, at: f.unitID) && f.state == .disbursed,
            mayWriteOff: req.store.loans.mayWriteOff(user.actor, f),
            mayRecordJobs: may.allows(.loanRecordJobs, at: f.unitID) && f.disbursedOn != nil, today: today.iso, error: error)
        return try await req.page("loan", title: req.t("loan.title", f.code), active: "loans", status: error == nil ? .ok : .badRequest, body)
    }

    func loanAction(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let code = req.parameters.get("code") ?? ""
        let form = try req.supportForm()
        let loans = req.store.loans
        let actor = user.actor
        let ops: [String: StorageOperation] = ["approve": .loanDecide, "reject": .loanDecide, "disburse": .loanDisburse, "repay": .loanRepay,
                                        "extend": .loanExtend, "write_off": .loanWriteOff, "jobs": .loanRecordJobs]
        guard let op = ops[form.action ?? ""] else { throw Abort(.badRequest) }
        try user.require(op)
        return try await req.change(redirect: "/loans/\(req.encodePath(code))", notice: "loan_changed", render: { try await renderLoan(req, error: $0) }) {
            let day = try req.formDay(form.date, default: req.store.today)
            switch form.action {
            case "approve": try await loans.approve(actor, code, on: day, note: form.note ?? "")
            case "reject": try await loans.reject(actor, code, on: day, note: try req.formText(form.note, "form.reason"))
            case "disburse": try await loans.disburse(actor, code, on: day)
            case "repay": try await loans.repay(actor, code, on: day, amount: try req.formMoney(form.amount, "funds.amount"))
            case "extend":
                try await loans.extend(actor, code, granted: day, months: try req.formInt(form.months, "loans.months", 1...600),
                                       reason: try req.formText(form.reason, "form.reason"))
            case "write_off":
                guard form.confirm == "1" else { throw FormRefusal(message: req.t("form.confirm_required")) }
                try await loans.writeOff(actor, code, on: day, reason: try req.formText(form.reason, "form.reason"))
            case "jobs": try await loans.recordJobs(actor, code, created: try req.formInt(form.jobs, "loans.jobs_created", 0...1000))
            default: throw Abort(.badRequest)
            }
        }
    }

    // MARK: campaigns

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
        let year: Int
        let today: String
        let mayChange: Bool
        let error: String?
    }

    func campaigns(req: Request) async throws -> Response { try await renderCampaigns(req, error: nil) }

    func renderCampaigns(_ req: Request, error: String?) async throws -> Response {
        let user = try req.requireUser()
        let lang = req.language
        let rows = try await req.store.campaigns.campaigns(user.actor).map { c in
            CampaignsBody.Row(code: c.code, name: c.name, kind: req.t("campaign.kind." + c.kind.rawValue), unit: req.unitLabel(c.unitID, user),
                              period: "\(c.startsOn.vietnamese) – \(c.endsOn.vietnamese)", budget: Format.money(c.budget, lang),
                              approved: Format.money(c.approved, lang), proposed: Format.money(c.proposed, lang), gift: Format.money(c.giftValue, lang))
        }
        let funds = try await req.store.funds.funds().filter { $0.kind == .support }
        let body = CampaignsBody(rows: rows, hasRows: !rows.isEmpty,
                                 kinds: CampaignKind.allCases.map { Option(value: $0.rawValue, label: req.t("campaign.kind." + $0.rawValue), selected: false) },
                                 funds: funds.map { Option(value: $0.code, label: req.fundName($0), selected: $0.code == "xa_hoi") },
                                 units: try await req.formUnits(user), year: req.store.today.year, today: req.store.today.iso,
                                 mayChange: user.permissions.allows(.campaignCreate), error: error)
        return try await req.page("campaigns", title: req.t("campaigns.title"), active: "campaigns", status: error == nil ? .ok : .badRequest, body)
    }

    func createCampaign(req: Request) async throws -> Response {
        let user = try req.requireUser()
        try user.require(.campaignCreate)
        let form = try req.supportForm()
        var code = ""
        let response = try await req.change(redirect: "/campaigns", notice: "campaign_created", render: { try await renderCampaigns(req, error: $0) }) {
            guard let kind = CampaignKind(rawValue: form.kind ?? "") else { throw FormRefusal(message: req.t("form.required", req.t("campaigns.kind"))) }
            let gift = (form.gift ?? "").trimmingCharacters(in: .whitespaces)
            var statuses: [LivingStandard] = [.poor]
            if form.nearPoor == "1" { statuses.append(.nearPoor) }
            code = try await req.store.campaigns.create(user.actor,
                NewCampaign(kind: kind, name: try req.formText(form.name, "campaigns.name"), unit: try req.formText(form.unit, "common.unit"),
                            fund: try req.formText(form.fund, "funds.fund"), year: try req.formInt(form.year, "common.year", 2000...2100),
                            startsOn: try req.formDay(form.from), endsOn: try req.formDay(form.to),
                            budget: try req.formMoney(form.budget, "campaigns.budget"),
                            giftValue: gift.isEmpty ? nil : try req.formMoney(gift, "campaigns.gift"), statuses: statuses))
        }
        if response.status == .seeOther { return req.redirect(to: "/campaigns/\(req.encodePath(code))?notice=campaign_created", redirectType: .normal) }
        return response
    }

    struct CampaignBody: Encodable {
        struct Row: Encodable {
            let rank: Int; let code: String; let name: String; let unit: String; let status: String; let deprivations: Int; let amount: String
            let state: String; let stateCode: String; let reason: String; let hardship: Bool; let editable: Bool
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
        let today: String
        let mayChange: Bool
        let error: String?
    }

    func campaign(req: Request) async throws -> Response { try await renderCampaign(req, error: nil) }

    func renderCampaign(_ req: Request, error: String?) async throws -> Response {
        let user = try req.requireUser()
        let lang = req.language
        let code = req.parameters.get("code") ?? ""
        let c = try await req.store.campaigns.campaign(user.actor, code)
        let proposals = try await req.store.campaigns.proposals(user.actor, code)
        let fund = try await req.store.funds.funds().first { $0.code == c.fundCode }
        let rows = proposals.map { p in
            CampaignBody.Row(rank: p.rank, code: p.householdCode, name: p.primaryName, unit: req.unitLabel(p.unitID, user),
                             status: p.status.map { Format.status($0, req.web.catalogue, lang) } ?? "–", deprivations: p.deprivationCount,
                             amount: Format.money(p.amount, lang), state: req.t("proposal.state." + p.state.rawValue), stateCode: p.state.rawValue,
                             reason: p.reason, hardship: p.hardship, editable: p.state == .proposed && user.permissions.allows(.campaignEditList, at: p.unitID))
        }
        let body = CampaignBody(
            code: c.code, name: c.name, kind: req.t("campaign.kind." + c.kind.rawValue), unit: req.unitLabel(c.unitID, user),
            fund: fund.map(req.fundName) ?? c.fundCode, period: "\(c.startsOn.vietnamese) – \(c.endsOn.vietnamese)",
            budget: Format.money(c.budget, lang), approved: Format.money(c.approved, lang), proposed: Format.money(c.proposed, lang),
            remaining: Format.money(c.remaining, lang), gift: Format.money(c.giftValue, lang),
            classes: c.statuses.map { Format.status($0, req.web.catalogue, lang) }.joined(separator: ", "),
            rows: rows, hasRows: !rows.isEmpty, units: try await req.formUnits(user), today: req.store.today.iso,
            mayChange: user.permissions.allows(.campaignEditList), error: error)
        return try await req.page("campaign", title: req.t("campaign.title", c.name), active: "campaigns", status: error == nil ? .ok : .badRequest, body)
    }

    func campaignAction(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let code = req.parameters.get("code") ?? ""
        let form = try req.supportForm()
        let desk = req.store.campaigns
        let actor = user.actor
        try user.require(form.action == "approve" ? .campaignApprove : .campaignEditList)
        return try await req.change(redirect: "/campaigns/\(req.encodePath(code))", notice: "campaign_changed", render: { try await renderCampaign(req, error: $0) }) {
            switch form.action {
            case "draw":
                try await desk.draw(actor, code, unit: try req.formText(form.unit, "common.unit"))
            case "add":
                let amount = (form.amount ?? "").trimmingCharacters(in: .whitespaces)
                try await desk.add(actor, code, household: try req.formText(form.household, "common.household_code"),
                                   amount: amount.isEmpty ? nil : try req.formMoney(amount, "funds.amount", allowZero: true),
                                   reason: try req.formText(form.reason, "form.reason"))
            case "remove":
                try await desk.edit(actor, code, household: try req.formText(form.household, "common.household_code"), remove: true,
                                    reason: try req.formText(form.reason, "form.reason"))
            case "amount":
                try await desk.edit(actor, code, household: try req.formText(form.household, "common.household_code"), remove: false,
                                    amount: try req.formMoney(form.amount, "funds.amount", allowZero: true),
                                    reason: try req.formText(form.reason, "form.reason"))
            case "approve":
                try await desk.approve(actor, code, unit: try req.formText(form.unit, "common.unit"), day: try req.formDay(form.date, default: req.store.today))
            default:
                throw Abort(.badRequest)
            }
        }
    }
}
