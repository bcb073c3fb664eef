import Foundation
import PovertyCore
import Storage
import Vapor

/// The first page: where the branch stands, year by year, against the 2021 baseline.
struct DashboardController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(use: dashboard)
    }

    func dashboard(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let key = user.pageKey(req)
        var body = try await req.web.dashboards.value(key, version: user.dataVersion) { try await compute(req, user) }
        body.work = try await Worklist.items(req, user)
        return try await req.page("dashboard", title: req.t("dashboard.title"), active: "dashboard", body)
    }

    /// What the page shows, read for the officer's branch: the years' figures, the branch's
    /// target (its own, or the nearest above it) or else the 2021 count re-based onto today's
    /// tree, and the units with the most mismatches.
    private func compute(_ req: Request, _ user: CurrentUser) async throws -> DashboardBody {
        let figures = try await req.store.browse.yearFigures(user.actor)
        guard let latest = figures.last else { return .empty }
        let today = req.store.today
        let tree = try await req.web.trees(on: today, user)
        let roots = user.scope.isWholeProvince ? tree.roots : [user.account.unitID]
        var progress: [TargetProgress] = []
        for root in roots {
            // Judged no later than the target's year (`Targets.progress`).
            if let p = try await req.store.targets.progress(user.actor, of: root).inForce(.poorHouseholds, in: today.year) {
                progress.append(p)
            }
        }
        var baselinePoor = progress.reduce(0) { $0 + $1.path.baseline }
        if progress.isEmpty {
            let baseline = try await req.store.reviews.rolledUp(user.actor, year: 2021, basis: .rebased(onto: today))
            baselinePoor = roots.reduce(0) { $0 + (baseline.totals[$1]?.poor ?? 0) }
        }
        let mismatches = try await req.store.browse.mismatchCounts(user.actor, year: latest.year)
        return DashboardBody(figures: figures, progress: progress, baselinePoor: baselinePoor, mismatches: mismatches,
                             history: user.history, today: today, text: req.pageText)
    }
}
