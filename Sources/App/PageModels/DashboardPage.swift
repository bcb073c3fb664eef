import Foundation
import PovertyCore
import Storage

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

extension DashboardBody {
    /// A branch without reviews.
    static let empty = DashboardBody(hasData: false, latestYear: 0, households: "", poor: "", nearPoor: "", rate: "", baselinePoor: "",
                                     baselineNote: "", targetNote: "", chart: "", years: [], mismatches: [], hasTarget: false, hasMismatches: false)

    /// The page of a branch: its years' `figures` (oldest first), the `progress` against the
    /// targets of its roots (none: the baseline is `baselinePoor`, the 2021 count re-based), and
    /// its units' mismatch counts in the latest year (the ten largest shown). Whether the branch
    /// is on course is `TargetPath.onCourse`, of one target's path or of the roots' paths summed
    /// (one straight line from the summed baseline to the summed goal).
    init(figures: [YearFigures], progress: [TargetProgress], baselinePoor: Int, mismatches: [Int: Int],
         history: OrgHistory, today: Day, text: PageText) {
        guard let latest = figures.last else { self = .empty; return }
        let target = progress.first
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
            let goal = t.target.reductionPermille.map { text.t("dashboard.goal_reduction", text.percent($0, 1000)) }
                ?? text.t("dashboard.goal_level", text.number(c.goal))
            let yearOf = figures.first { $0.year == c.targetYear } ?? (latest.year < c.targetYear ? latest : nil)
            if yearOf != nil, progress.contains(where: \.baselineDivided) {
                // Part of the baseline belonged to a unit split across the branch's edge (`TargetProgress.comparable`).
                targetNote = text.t("dashboard.target_baseline_divided", "", goal, String(c.baselineYear), String(c.targetYear), "", "")
            } else if let f = yearOf, !TargetProgress.sameStandard(f.year, c.baselineYear) {
                // Counts under two standards are not compared (`TargetProgress.comparable`).
                targetNote = text.t("dashboard.target_other_standard", "", goal, String(c.baselineYear), String(c.targetYear), String(f.year), "")
            } else if let f = yearOf {
                // The count a target is judged by is its own (`TargetProgress.latest`: the branch on
                // today's tree, as its frozen baseline is — a unit dissolved without a successor is
                // in neither); the year's reviewed count only where the targets have none for that year.
                let judged = progress.allSatisfy { $0.latestYear == f.year && $0.latest != nil }
                let actual = judged ? progress.reduce(0) { $0 + ($1.latest ?? 0) } : f.poor
                let onCourse = c.onCourse(actual: actual, in: f.year)
                let key = f.year >= c.targetYear ? (onCourse ? "dashboard.target_met" : "dashboard.target_missed")
                                                 : (onCourse ? "dashboard.target_on_course" : "dashboard.target_off_course")
                targetNote = text.t(key, text.percent(baselinePoor - actual, baselinePoor), goal, String(c.baselineYear), String(c.targetYear),
                                    String(f.year), text.number(c.expected(in: f.year)))
            }
        }
        let chart = Chart.bars(
            title: text.t("dashboard.chart_title"), description: text.t("dashboard.chart_desc"),
            categories: figures.map { String($0.year) },
            series: [Chart.Series(label: text.t("status.ngheo"), color: "#dc3545", values: figures.map(\.poor)),
                     Chart.Series(label: text.t("status.can_ngheo"), color: "#fd7e14", values: figures.map(\.nearPoor))],
            line: baselinePoor > 0 ? (text.t("dashboard.target_path"), path) : nil,
            format: { text.number($0) })
        let mismatchRows = mismatches.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(10).map {
            MismatchRow(unit: history.name(of: $0.key, on: Day.endOfYear(latest.year)) ?? history.lastName(of: $0.key) ?? "?",
                        unitID: $0.key, count: text.number($0.value))
        }
        self.init(
            hasData: true, latestYear: latest.year, households: text.number(latest.households), poor: text.number(latest.poor),
            nearPoor: text.number(latest.nearPoor), rate: text.percent(latest.poor, latest.households),
            baselinePoor: text.number(baselinePoor),
            baselineNote: text.t("dashboard.baseline_note", Format.date(today.iso)),
            targetNote: targetNote, chart: chart,
            years: figures.reversed().map { f in
                YearRow(year: f.year, standard: f.standardCodes.joined(separator: ", "), households: text.number(f.households),
                        poor: text.number(f.poor), nearPoor: text.number(f.nearPoor), rate: text.percent(f.poor, f.households),
                        escaped: f.escaped.map { text.number($0) } ?? "–", entered: f.enteredPoverty.map { text.number($0) } ?? "–")
            },
            mismatches: Array(mismatchRows), hasTarget: !targetNote.isEmpty, hasMismatches: !mismatchRows.isEmpty)
    }
}
