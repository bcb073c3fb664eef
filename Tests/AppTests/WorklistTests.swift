import App
import Demo
import Foundation
import PovertyCore
import SQLKit
@_spi(Simulation) @testable import Storage
import Testing
import Vapor
import VaporTesting

/// The dashboard's worklist says what waits for each demo login, with the same figures the
/// pages it links to show.
@Suite("Dashboard worklist", .serialized)
struct WorklistTests {
    static func item(_ page: WebClient.Page, _ id: String) -> String? {
        page.body.components(separatedBy: "id=\"\(id)\"").dropFirst().first?.components(separatedBy: "</a>").first
    }

    static func loanExports(_ store: Store) async throws -> Int {
        // Through the audit's own reader, which first moves the journal's entries in (SQLite).
        try await store.audit.entries(try await store.op, entity: "loan").filter { $0.action == "xuat" }.count
    }

    @Test("the commune officer's work: reports to review, their own in draft, households lacking a policy, loans in arrears",
          arguments: WebDatabase.available)
    func commune(db: WebDatabase) async throws {
        try await db.withApp { app, _ in
            let store = app.web.store
            let actor = try await store.actor(for: try await store.account(named: "xaphuong"), via: .web)
            let year = try #require(try await store.browse.latestYear(actor))
            let web = WebClient(app)
            try await web.login("xaphuong")
            let exportsBefore = try await Self.loanExports(store)
            let page = try await web.get("/")
            // The worklist's loan line is counts only: viewing it is not an export of borrowers.
            #expect(try await Self.loanExports(store) == exportsBefore)
            #expect(page.body.contains("id=\"worklist\""))
            let waiting = try await store.reports.board(actor, unit: actor.unitID ?? 0, year: year, direct: true).count(.submitted)
            let review = try #require(Self.item(page, "work-review"))
            #expect(review.contains(waiting > 0 ? "\(waiting) báo cáo chờ bạn duyệt" : "không có báo cáo nào chờ duyệt"))
            // The demo leaves the commune's own report in draft.
            let own = try #require(Self.item(page, "work-own-report"))
            #expect(own.contains("Đang soạn") && own.contains("href=\"/reports/"))
            let coverage = try await store.support.coverage(actor, year: year, limit: 0)
            if coverage.gapCount > 0 {
                #expect(Self.item(page, "work-coverage")?.contains("\(Money.format(coverage.gapCount)) trên \(Money.format(coverage.households)) hộ nghèo còn thiếu") == true)
            } else if coverage.households > 0 {
                #expect(Self.item(page, "work-coverage")?.contains("đã được hỗ trợ đủ") == true)
            } else {
                #expect(Self.item(page, "work-coverage") == nil)  // no poor household in the branch that year
            }
            let counts = try await store.support.coverageCounts(actor, year: year)
            #expect(counts.households == coverage.households && counts.complete == coverage.complete)
            // The line reads only the loans out; its figures are the loans page's, on any day.
            for back in [0, 200, 400, 800] {
                let on = store.today.adding(days: -back)
                let all = try await store.loans.portfolio(actor, on: on).report, out = try await store.loans.loansOut(actor, on: on)
                #expect(out == LoansOut(out: all.activeLoans, current: all.current, overdue: all.buckets.reduce(0) { $0 + $1.overdue }), "\(on.iso)")
                if back == 0 { #expect((Self.item(page, "work-loans") != nil) == (out.out > 0)) }
            }

            // The grassroots officer's own report is still to write; the auditor reviews nothing.
            let coso = WebClient(app)
            try await coso.login("coso")
            let cosoPage = try await coso.get("/")
            #expect(Self.item(cosoPage, "work-own-report")?.contains("Chưa lập") == true)
            #expect(Self.item(cosoPage, "work-review") == nil)
            let auditor = WebClient(app)
            try await auditor.login("kiemtra")
            let auditorPage = try await auditor.get("/")
            #expect(Self.item(auditorPage, "work-review") == nil && Self.item(auditorPage, "work-own-report") == nil)
        }
    }

    @Test("the reports due come from the calendar and the deadlines, not from the reviews entered",
          arguments: WebDatabase.available)
    func reportYearIsTheCalendars(db: WebDatabase) async throws {
        try await db.withApp { app, _ in
            let store = app.web.store, op = try await store.op
            let commune = try await store.actor(for: try await store.account(named: "xaphuong"), via: .web)
            let communeCode = try #require(commune.history.units[commune.unitID ?? 0]?.code)
            // A grassroots union founded this year: no review yet, its report of this year due.
            _ = try await store.units.create(op, NewUnit(code: "CDCS-MOI-WL", name: "CĐCS Mới lập", kind: .grassrootsUnion, parentCode: communeCode),
                                             from: Day(year: 2026, month: 3, day: 1)!)
            _ = try await store.accounts.create(op, NewAccount(username: "cosomoi", displayName: "Cán bộ mới", password: "mat-khau-dai-wl",
                                                               role: .grassrootsOfficer, unitCode: "CDCS-MOI-WL"))
            let fresh = try await store.actor(for: try await store.account(named: "cosomoi"), via: .web)
            #expect(try await store.browse.latestYear(fresh) == nil)
            #expect(try await store.reports.currentYear(fresh, unit: fresh.unitID ?? 0) == store.today.year)
            let web = WebClient(app)
            try await web.login("cosomoi", "mat-khau-dai-wl")
            let own = try #require(Self.item(try await web.get("/"), "work-own-report"), "no reviews must not empty the worklist")
            #expect(own.contains("Báo cáo năm \(store.today.year)") && own.contains("Chưa lập"), "\(own)")

            // While last year's reports are still due (a deadline set into this year), they are the
            // ones worked on — by the units that stood on 31 December, not by one founded since.
            let due = Day(year: store.today.year, month: 12, day: 28)!
            try await store.reports.setDeadline(commune, unit: commune.unitID ?? 0, year: store.today.year - 1, due: due)
            #expect(try await store.reports.currentYear(fresh, unit: fresh.unitID ?? 0) == store.today.year)
            let coso = try await store.actor(for: try await store.account(named: "coso"), via: .web)
            #expect(try await store.reports.currentYear(coso, unit: coso.unitID ?? 0) == store.today.year - 1)
            // The commune reviews last year's reports below it; its own report of last year was due on 20/12.
            #expect(try await store.reports.currentYear(commune, unit: commune.unitID ?? 0, below: true) == store.today.year - 1)
            #expect(try await store.reports.currentYear(commune, unit: commune.unitID ?? 0) == store.today.year)
            #expect(Self.item(try await web.get("/"), "work-own-report")?.contains("Báo cáo năm \(store.today.year)") == true)
            let old = WebClient(app)
            try await old.login("coso")
            let then = try #require(Self.item(try await old.get("/"), "work-own-report"))
            #expect(then.contains("Báo cáo năm \(store.today.year - 1)") && then.contains("28/12/\(store.today.year)"), "\(then)")
        }
    }
}
