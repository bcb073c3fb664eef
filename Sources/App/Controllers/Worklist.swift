import Foundation
import PovertyCore
import Storage
import Vapor

/// What waits for the signed-in officer, on the dashboard: reports below waiting for their
/// review, their own unit's report and its deadline, poor households of the branch still
/// lacking a policy, and loans in arrears. Read fresh on every visit (the figures above it
/// are cached until the data changes; these move with every form).
struct WorkItem: Encodable, Sendable {
    let id: String
    let label: String
    let detail: String
    let href: String
    /// Bootstrap colour: `warning` when something waits, `success` when nothing does.
    let tone: String
}

enum Worklist {
    static func items(_ req: Request, _ user: CurrentUser) async throws -> [WorkItem] {
        let lang = req.language
        let actor = user.actor, may = user.permissions
        let unitID = user.account.unitID
        let today = req.store.today
        var items: [WorkItem] = []
        let n = { Format.number($0, lang) }
        // The reports due now, whatever reviews have been entered; the reviews' latest year
        // for the households lacking a policy.
        let reviewYear = try await req.store.browse.latestYear(actor)

        if may.allows(.readReports) {
            let reports = req.store.reports
            let year = try await reports.currentYear(actor, unit: unitID, below: true)
            let board = try await reports.board(actor, unit: unitID, year: year, direct: true)
            if may.allows(.reportReview, at: unitID), board.expected > 0 {
                let waiting = board.count(.submitted)
                items.append(WorkItem(id: "work-review", label: req.t("work.review", String(year)),
                                      detail: waiting > 0 ? req.t("work.review_waiting", n(waiting)) : req.t("work.review_none"),
                                      href: "/reports?year=\(year)", tone: waiting > 0 ? "warning" : "success"))
            }
            if may.allows(.reportReview, at: unitID) {
                // Reports of units that have ended (a district federation's last year) wait here too.
                let ended = try await reports.awaitingReviewFromEndedUnits(actor)
                if let first = ended.first, let code = user.history.units[first.unitID]?.code {
                    items.append(WorkItem(id: "work-review-ended", label: req.t("work.review_ended"),
                                          detail: req.t("work.review_ended_waiting", n(ended.count)),
                                          href: "/reports/\(req.encodePath(code))/\(first.year)", tone: "warning"))
                }
            }
            if may.allows(.reportWrite, at: unitID), user.history.parent(of: unitID, on: today) != nil,
               let code = user.history.units[unitID]?.code {
                let year = try await reports.currentYear(actor, unit: unitID)
                let own = try await reports.statuses(actor, year: year)[unitID]
                let due = try await reports.deadline(actor, for: unitID, year: year)
                let status = own?.status.rawValue ?? "missing"
                let done = own?.status == .submitted || own?.status == .accepted
                let late = !done && today > due
                items.append(WorkItem(id: "work-own-report", label: req.t("work.own_report", String(year)),
                                      detail: req.t("report_status." + status) + " · " + req.t(late ? "work.overdue_since" : "work.due", due.vietnamese),
                                      href: "/reports/\(req.encodePath(code))/\(year)", tone: done ? "success" : (late ? "danger" : "warning")))
            }
        }
        if may.allows(.readSupport), let year = reviewYear {
            let coverage = try await req.store.support.coverageCounts(actor, year: year)
            let gaps = coverage.households - coverage.complete
            if coverage.households > 0 {
                items.append(WorkItem(id: "work-coverage", label: req.t("work.coverage", String(year)),
                                      detail: gaps > 0 ? req.t("work.coverage_gaps", n(gaps), n(coverage.households))
                                                       : req.t("work.coverage_none", n(coverage.households)),
                                      href: "/coverage?year=\(year)", tone: gaps > 0 ? "warning" : "success"))
            }
        }
        if may.allows(.readLoans) {
            let loans = try await req.store.loans.loansOut(actor, on: today)
            if loans.out > 0 {
                items.append(WorkItem(id: "work-loans", label: req.t("work.loans"),
                                      detail: loans.behind > 0 ? req.t("work.loans_overdue", n(loans.behind), Format.money(loans.overdue, lang))
                                                               : req.t("work.loans_none", n(loans.out)),
                                      href: "/loans", tone: loans.behind > 0 ? "warning" : "success"))
            }
        }
        return items
    }
}
