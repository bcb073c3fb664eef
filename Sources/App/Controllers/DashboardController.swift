import Foundation
import PovertyCore
import Storage
import Vapor

struct DashboardBody: Encodable, Sendable {
    struct YearRow: Encodable, Sendable {
        let year: Int
        let standard: String
        let households: String
        let poor: String
        let nearPoor: String
        let rate: String
        let escaped: String
        let entered: String
    }
    struct MismatchRow: Encodable, Sendable {
        let unit: String
        let unitID: Int
        let count: String
    }
    let hasData: Bool
    let latestYear: Int
    let households: String
    let poor: String
    let nearPoor: String
    let rate: String
    let baselinePoor: String
    let baselineNote: String
    let targetNote: String
    let chart: String
    let years: [YearRow]
    let mismatches: [MismatchRow]
    let hasTarget: Bool
    let hasMismatches: Bool
    /// What waits for the officer (not cached: see `Worklist`).
    var work: [WorkItem] = []
}

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

    private func compute(_ req: Request, _ user: CurrentUser) async throws -> DashboardBody {
        let lang = req.language
        let figures = try await req.store.browse.yearFigures(user.actor)
        guard let latest = figures.last else {
            return DashboardBody(hasData: false, latestYear: 0, households: "", poor: "", nearPoor: "", rate: "", baselinePoor: "",
                                                    baselineNote: "", targetNote: "", chart: "", years: [], mismatches: [], hasTarget: false, hasMismatches: false)
        }
        // The branch's target (its own, or the nearest above it), with the baseline frozen when
        // the target was set and re-based onto today's tree; without one, the 2021 count re-based.
        let today = req.store.today
        let tree = try await req.web.trees(on: today, user)
        let roots = user.scope.isWholeProvince ? tree.roots : [user.account.unitID]
        var progress: [TargetProgress] = []
        for root in roots {
            if let p = try await req.store.targets.progress(user.actor, of: root).first(where: { $0.target.measure == .poorHouseholds }) {
                progress.append(p)
            }
        }
        let target = progress.first
        let baselinePoor: Int
        if progress.isEmpty {
            let baseline = try await req.store.reviews.rolledUp(user.actor, year: 2021, basis: .rebased(onto: today))
            baselinePoor = roots.reduce(0) { $0 + (baseline.totals[$1]?.poor ?? 0) }
        } else {
            baselinePoor = progress.reduce(0) { $0 + $1.path.baseline }
        }
        // The branch's path: one target's, or the sum of the roots' (one straight line from the
        // summed baseline to the summed goal); whether it is on course is `TargetPath.onCourse`.
        let combined = target.map { t in
            progress.count == 1 ? t.path : TargetPath(baselineYear: t.path.baselineYear, baseline: baselinePoor, targetYear: t.path.targetYear,
                                                      level: progress.reduce(0) { $0 + $1.path.goal })
        }
        let path: [Int?] = figures.map { f in
            guard let c = combined, baselinePoor > 0, (c.baselineYear...c.targetYear).contains(f.year) else { return nil }
            return c.expected(in: f.year)
        }
        var targetNote = ""
        if let t = target, let c = combined, baselinePoor > 0 {
            let goal = t.target.reductionPermille.map { req.t("dashboard.goal_reduction", Format.percent($0, 1000, lang)) }
                ?? req.t("dashboard.goal_level", Format.number(c.goal, lang))
            let yearOf = figures.first { $0.year == c.targetYear } ?? (latest.year < c.targetYear ? latest : nil)
            if let f = yearOf {
                let expected = c.expected(in: f.year)
                let onCourse = c.onCourse(actual: f.poor, in: f.year)
                let fell = Format.percent(baselinePoor - f.poor, baselinePoor, lang)
                let key = f.year >= c.targetYear ? (onCourse ? "dashboard.target_met" : "dashboard.target_missed")
                                                 : (onCourse ? "dashboard.target_on_course" : "dashboard.target_off_course")
                targetNote = req.t(key, fell, goal, String(c.baselineYear), String(c.targetYear), String(f.year), Format.number(expected, lang))
            }
        }
        let chart = Chart.bars(
            title: req.t("dashboard.chart_title"), description: req.t("dashboard.chart_desc"),
            categories: figures.map { String($0.year) },
            series: [Chart.Series(label: req.t("status.ngheo"), color: "#dc3545", values: figures.map(\.poor)),
                     Chart.Series(label: req.t("status.can_ngheo"), color: "#fd7e14", values: figures.map(\.nearPoor))],
            line: baselinePoor > 0 ? (req.t("dashboard.target_path"), path) : nil,
            format: { Format.number($0, lang) })
        let perUnit = try await req.store.browse.mismatchCounts(user.actor, year: latest.year)
        let mismatchRows = perUnit.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(10).map {
            DashboardBody.MismatchRow(unit: user.history.name(of: $0.key, on: Day.endOfYear(latest.year)) ?? user.history.lastName(of: $0.key) ?? "?",
                                      unitID: $0.key, count: Format.number($0.value, lang))
        }
        let body = DashboardBody(
            hasData: true, latestYear: latest.year, households: Format.number(latest.households, lang), poor: Format.number(latest.poor, lang),
            nearPoor: Format.number(latest.nearPoor, lang), rate: Format.percent(latest.poor, latest.households, lang),
            baselinePoor: Format.number(baselinePoor, lang),
            baselineNote: req.t("dashboard.baseline_note", Format.date(today.iso)),
            targetNote: targetNote, chart: chart,
            years: figures.reversed().map { f in
                DashboardBody.YearRow(year: f.year, standard: f.standardCodes.joined(separator: ", "), households: Format.number(f.households, lang),
                                      poor: Format.number(f.poor, lang), nearPoor: Format.number(f.nearPoor, lang),
                                      rate: Format.percent(f.poor, f.households, lang),
                                      escaped: f.escaped.map { Format.number($0, lang) } ?? "–",
                                      entered: f.enteredPoverty.map { Format.number($0, lang) } ?? "–")
            },
            mismatches: Array(mismatchRows), hasTarget: !targetNote.isEmpty, hasMismatches: !mismatchRows.isEmpty)
        return body
    }
}
