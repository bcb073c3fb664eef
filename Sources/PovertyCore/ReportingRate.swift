/// Who owes an annual report, and how many have been accepted.
///
/// Every unit below the province files one report a year to its parent, which returns or
/// accepts it. "Reporting rate = accepted expected reports / expected reports, where
/// 'expected' comes from the tree on the period's date; it can never exceed 100% and never
/// counts a dissolved unit twice." The rules, in order:
///
/// 1. Expected units: those under `scope` on the tree of `periodDate` (its children, or its
///    whole subtree), never the scope itself. A scope that did not exist on the period date
///    expects nothing (the rate is 0/0, undefined).
/// 2. Each is mapped to who reports for it now, `successor(of:on: asOf)`. Reporters are
///    deduplicated: two districts merged after the period date owe their successor's one
///    report, once. A unit whose line ended without a successor (dissolved), or whose
///    successor is the scope or one of its ancestors (absorbed upwards: nobody reports to a
///    unit below itself), is listed apart and never counted — unless it had submitted its
///    own report for the period before it ended: then that report keeps its own line
///    (submitted or accepted), so a year's rate does not change when a unit ends later.
/// 3. A successor that sits outside the scope's branch on `asOf` still counts: it reports for
///    that part of the period's tree.
/// 4. Reports are keyed by the unit that filed them. A reporter expected on the period date
///    is judged by its own report. One that was not (e.g. the new unit of a merger) is
///    judged by the reports its covered units sent (submitted or accepted) before they ended
///    when every covered unit sent one — the least advanced of them — unless its own report
///    is further along, so a draft it starts later does not undo its predecessors' accepted
///    reports and its own accepted report is not hidden by theirs awaiting review. Any other
///    report (a unit created after the period date, a unit outside the scope) is ignored
///    and listed apart.
/// 5. A line's state: accepted, submitted (awaiting review), returned (awaiting resubmission),
///    draft or missing; a draft or missing line becomes late once `asOf` is after `deadline`
///    (the deadline day itself is still on time). `submittedLate` flags a report whose
///    `submittedOn` is after the deadline, whatever its state now (never a draft).
/// 6. Rate = accepted lines / lines, so 0 ≤ accepted ≤ expected and the rate is at most 100%;
///    undefined (0/0) when nothing is expected.

extension AnnualReportStatus {
    /// Order of progress, for the least advanced of several reports: draft < returned < submitted < accepted.
    var progress: Int {
        switch self {
        case .draft: 0
        case .returned: 1
        case .submitted: 2
        case .accepted: 3
        }
    }
}

/// A report as filed: its state and the day it was submitted (nil for a draft never submitted;
/// when the storage keeps only the latest submission, a resubmission after a return moves it).
public struct FiledReport: Sendable, Hashable {
    public var status: AnnualReportStatus
    public var submittedOn: Day?

    public init(_ status: AnnualReportStatus, submittedOn: Day? = nil) {
        self.status = status
        self.submittedOn = submittedOn
    }
}

/// The state of one expected report.
public enum ReportingState: String, CaseIterable, Sendable, Codable {
    case accepted, submitted, returned, draft, missing, late

    public var vietnamese: String {
        switch self {
        case .accepted: "đã chấp nhận"
        case .submitted: "đã gửi, chờ duyệt"
        case .returned: "bị trả lại"
        case .draft: "đang soạn"
        case .missing: "chưa lập"
        case .late: "quá hạn, chưa gửi"
        }
    }

    public var english: String {
        switch self {
        case .accepted: "accepted"
        case .submitted: "submitted, awaiting review"
        case .returned: "returned"
        case .draft: "draft"
        case .missing: "not filed"
        case .late: "overdue, not submitted"
        }
    }
}

/// One expected report.
public struct ReportingLine: Sendable, Hashable {
    /// Who reports now (active on `asOf`).
    public let reporter: Int
    /// The units of the period's tree this report stands for (the reporter itself when it was
    /// already there, and the units that ended into it), sorted by id.
    public let covers: [Int]
    public let state: ReportingState
    /// The report that decided the state, and who filed it (the reporter or a covered unit).
    public let report: FiledReport?
    public let filedBy: Int?
    /// `submittedOn` after the deadline.
    public let submittedLate: Bool
    /// The deadline this report is held to: the one set above the units it covers on the period date.
    public let deadline: Day
}

/// The reporting status of a scope's child units for one period.
public struct ReportingRate: Sendable, Hashable {
    public let scope: Int
    public let direct: Bool
    public let periodDate: Day
    public let asOf: Day
    public let deadline: Day
    /// One line per expected reporter, sorted by the reporter's code.
    public let lines: [ReportingLine]
    /// Units of the period's tree whose line ended without a successor by `asOf`, sorted by id.
    public let dissolved: [Int]
    /// Units of the period's tree now merged into the scope or above it, sorted by id.
    public let absorbed: [Int]
    /// Filers whose reports count for no line, sorted by id.
    public let ignoredReports: [Int]

    /// `deadlines`: the deadline of units of the period's tree, where one above them set its
    /// own (a line covering several takes the latest); the others are held to `deadline`.
    public init(history: OrgHistory, scope: Int, direct: Bool, periodDate: Day, asOf: Day, deadline: Day,
                deadlines: [Int: Day] = [:], reports: [Int: FiledReport]) {
        self.scope = scope
        self.direct = direct
        self.periodDate = periodDate
        self.asOf = asOf
        self.deadline = deadline

        let tree = history.tree(on: periodDate)
        let periodUnits: [Int]
        if history.units[scope]?.isActive(on: periodDate) == true {
            periodUnits = direct ? (tree.children[scope] ?? []) : Array(tree.subtree(of: scope).dropFirst())
        } else {
            periodUnits = []
        }
        // The scope now, and the units above it: nobody there reports into the scope.
        let scopeNow = history.successor(of: scope, on: asOf)
        let above = Set([scope] + (scopeNow.map { history.ancestry(of: $0, on: asOf) } ?? []))

        var covered: [Int: [Int]] = [:]
        var dissolved: [Int] = []
        var absorbed: [Int] = []
        for unit in periodUnits {
            let reporter = history.successor(of: unit, on: asOf)
            if reporter == nil || above.contains(reporter ?? unit) {
                // Ended for good, or into the scope or above: only a report it sent keeps its line.
                if let own = reports[unit], own.status == .submitted || own.status == .accepted {
                    covered[unit, default: []].append(unit)
                } else if reporter == nil {
                    dissolved.append(unit)
                } else {
                    absorbed.append(unit)
                }
                continue
            }
            covered[reporter ?? unit, default: []].append(unit)
        }

        var used = Set<Int>()
        var lines: [ReportingLine] = []
        for (reporter, units) in covered {
            var report: FiledReport?
            var filedBy: Int?
            // Stand-ins only for a reporter not itself expected on the period date, only when
            // every unit it covers sent its report (submitted or accepted: a draft or a returned
            // report of a unit that has ended can never be sent again), and only when the
            // least advanced of them is further along than the reporter's own report.
            let sent = units.compactMap { u in reports[u].flatMap { $0.status == .submitted || $0.status == .accepted ? (u, $0) : nil } }
            let own = reports[reporter]
            if !units.contains(reporter), sent.count == units.count,
               let weakest = sent.min(by: { ($0.1.status.progress, $0.0) < ($1.1.status.progress, $1.0) }),
               weakest.1.status.progress > own?.status.progress ?? -1 {
                report = weakest.1
                filedBy = weakest.0
                used.formUnion(units)
            } else if let own {
                report = own
                filedBy = reporter
                used.insert(reporter)
            }
            let due = units.compactMap { deadlines[$0] }.max() ?? deadline
            let state: ReportingState
            switch report?.status {
            case .accepted: state = .accepted
            case .submitted: state = .submitted
            case .returned: state = .returned
            case .draft: state = asOf > due ? .late : .draft
            case nil: state = asOf > due ? .late : .missing
            }
            let late = report?.status != .draft && (report?.submittedOn.map { $0 > due } ?? false)
            lines.append(ReportingLine(reporter: reporter, covers: units.sorted(), state: state, report: report,
                                       filedBy: filedBy, submittedLate: late, deadline: due))
        }
        let code = { (id: Int) in history.units[id]?.code ?? "" }
        self.lines = lines.sorted { (code($0.reporter), $0.reporter) < (code($1.reporter), $1.reporter) }
        self.dissolved = dissolved.sorted()
        self.absorbed = absorbed.sorted()
        // Only reports that could have counted here: of the units the period's tree expected
        // (or their reporters), of the scope itself, and of the units below the scope today
        // (a unit created after the period). Reports elsewhere in the province, or further
        // down than a board of direct children reaches, are none of this board's business.
        var relevant = Set(periodUnits).union(covered.keys)
        relevant.insert(scope)
        if let now = scopeNow, history.units[now]?.isActive(on: asOf) == true {
            let today = history.tree(on: asOf)
            relevant.formUnion(direct ? (today.children[now] ?? []) : Array(today.subtree(of: now).dropFirst()))
        }
        ignoredReports = reports.keys.filter { !used.contains($0) && relevant.contains($0) }.sorted()
    }

    /// Expected reports.
    public var expected: Int { lines.count }
    public func count(_ state: ReportingState) -> Int { lines.reduce(0) { $0 + ($1.state == state ? 1 : 0) } }
    public var accepted: Int { count(.accepted) }
    /// Reports submitted after the deadline (whatever their state now).
    public var submittedLate: Int { lines.reduce(0) { $0 + ($1.submittedLate ? 1 : 0) } }
    /// Accepted / expected.
    public var rate: Ratio { Ratio(accepted, expected) }

    /// The board as a table: one row per expected report (name on `asOf`), a total row with
    /// the rate, and notes naming dissolved units and ignored reports.
    public func table(history: OrgHistory, year: Int) -> ReportTable {
        func name(_ id: Int) -> String {
            history.name(of: id, on: asOf) ?? history.lastName(of: id) ?? history.units[id]?.code ?? "#\(id)"
        }
        let columns = [
            ReportColumn("trang_thai", "Trạng thái", "State"),
            ReportColumn("ngay_nop", "Ngày nộp", "Submitted on"),
            ReportColumn("nop_muon", "Nộp muộn", "Late"),
            ReportColumn("thay_cho", "Báo cáo thay cho", "Reports for"),
        ]
        var rows = [ReportRow(key: "tong_so", label: ReportText("Đã chấp nhận \(accepted)/\(expected) báo cáo", "Accepted \(accepted) of \(expected) reports"),
                              cells: [.share(rate), .none, .count(submittedLate), .none], kind: .total)]
        for line in lines {
            let others = line.covers.filter { $0 != line.reporter }.map(name)
            rows.append(ReportRow(key: "don_vi:\(line.reporter)", label: ReportText(name(line.reporter), name(line.reporter)),
                                  cells: [.label(ReportText(line.state.vietnamese, line.state.english)), line.report?.submittedOn.map { .text($0.vietnamese) } ?? .none,
                                          line.submittedLate ? .label(ReportText("có", "yes")) : .none,
                                          others.isEmpty ? .none : .text(others.joined(separator: "; "))]))
        }
        var notes: [ReportText] = []
        if !dissolved.isEmpty {
            let names = dissolved.map(name).joined(separator: "; ")
            notes.append(ReportText("Đơn vị đã giải thể, không tính: \(names).", "Dissolved units, not counted: \(names)."))
        }
        if !absorbed.isEmpty {
            let names = absorbed.map(name).joined(separator: "; ")
            notes.append(ReportText("Đơn vị đã sáp nhập vào cấp trên, không tính: \(names).", "Units merged upwards, not counted: \(names)."))
        }
        if !ignoredReports.isEmpty {
            let names = ignoredReports.map(name).joined(separator: "; ")
            notes.append(ReportText("Báo cáo không thuộc danh sách phải nộp: \(names).", "Reports from units not expected to report: \(names)."))
        }
        return ReportTable(number: nil, title: ReportText("Tình hình nộp báo cáo năm \(year)", "Annual reports of \(year): who has reported"),
                           subtitle: ReportText("Hạn nộp \(deadline.vietnamese), tính đến \(asOf.vietnamese)",
                                                "Deadline \(deadline.vietnamese), as of \(asOf.vietnamese)"),
                           labelHeader: ReportText("Đơn vị", "Unit"), columns: columns, rows: rows, notes: notes)
    }
}
