import Testing
@testable import PovertyCore

private func day(_ text: String) -> Day { Day(text)! }

/// A small tree through the 2025 reform:
/// province P (1) → districts A (2), B (3) until 2025-07-01, merged into C (5) from then;
/// sector union S (4); grassroots g1 (6) under A then C, g2 (7) under B then C, g3 (8) under S;
/// district D (9) dissolved on 2025-03-01 without successor; N (10) created on 2025-02-01.
private enum Tree {
    static let P = 1, A = 2, B = 3, S = 4, C = 5, g1 = 6, g2 = 7, g3 = 8, D = 9, N = 10
    static let start = day("2000-01-01")
    static let reform = Day.reform2025

    static let history: OrgHistory = {
        let units = [
            OrgUnit(id: P, code: "P", kind: .provincialFederation, from: start, to: nil),
            OrgUnit(id: A, code: "A", kind: .districtFederation, from: start, to: reform),
            OrgUnit(id: B, code: "B", kind: .districtFederation, from: start, to: reform),
            OrgUnit(id: S, code: "S", kind: .sectorUnion, from: start, to: nil),
            OrgUnit(id: C, code: "C", kind: .communeUnion, from: reform, to: nil),
            OrgUnit(id: g1, code: "g1", kind: .grassrootsUnion, from: start, to: nil),
            OrgUnit(id: g2, code: "g2", kind: .grassrootsUnion, from: start, to: nil),
            OrgUnit(id: g3, code: "g3", kind: .grassrootsUnion, from: start, to: nil),
            OrgUnit(id: D, code: "D", kind: .districtFederation, from: start, to: day("2025-03-01")),
            OrgUnit(id: N, code: "N", kind: .sectorUnion, from: day("2025-02-01"), to: nil),
        ]
        let versions = [
            OrgVersion(unitID: P, name: "LĐLĐ tỉnh", parentID: nil, from: start, to: nil),
            OrgVersion(unitID: A, name: "LĐLĐ huyện A", parentID: P, from: start, to: reform),
            OrgVersion(unitID: B, name: "LĐLĐ huyện B", parentID: P, from: start, to: reform),
            OrgVersion(unitID: S, name: "CĐ ngành Giáo dục", parentID: P, from: start, to: nil),
            OrgVersion(unitID: C, name: "CĐ phường C", parentID: P, from: reform, to: nil),
            OrgVersion(unitID: g1, name: "CĐCS 1", parentID: A, from: start, to: reform),
            OrgVersion(unitID: g1, name: "CĐCS 1", parentID: C, from: reform, to: nil),
            OrgVersion(unitID: g2, name: "CĐCS 2", parentID: B, from: start, to: reform),
            OrgVersion(unitID: g2, name: "CĐCS 2", parentID: C, from: reform, to: nil),
            OrgVersion(unitID: g3, name: "CĐCS 3", parentID: S, from: start, to: nil),
            OrgVersion(unitID: D, name: "LĐLĐ huyện D", parentID: P, from: start, to: day("2025-03-01")),
            OrgVersion(unitID: N, name: "CĐ ngành mới", parentID: P, from: day("2025-02-01"), to: nil),
        ]
        let successions = [
            OrgSuccession(predecessorID: A, successorID: C, effective: reform, kind: .merge, primary: true),
            OrgSuccession(predecessorID: B, successorID: C, effective: reform, kind: .merge, primary: true),
        ]
        return OrgHistory(units: units, versions: versions, successions: successions)
    }()

    static let period = Day.endOfYear(2024)
    static let deadline = day("2025-01-31")
}

private func board(scope: Int = Tree.P, direct: Bool = true, asOf: Day, deadline: Day = Tree.deadline,
                   history: OrgHistory = Tree.history, _ reports: [Int: FiledReport]) -> ReportingRate {
    ReportingRate(history: history, scope: scope, direct: direct, periodDate: Tree.period, asOf: asOf, deadline: deadline,
                  reports: reports)
}

@Suite("Reporting rate")
struct ReportingRateTests {
    @Test func mergedDistrictsOweOneReport() throws {
        let r = board(asOf: day("2025-09-01"), [
            Tree.C: FiledReport(.accepted, submittedOn: day("2025-01-20")),
            Tree.S: FiledReport(.submitted, submittedOn: day("2025-01-25")),
            Tree.N: FiledReport(.accepted, submittedOn: day("2025-01-25")),  // not expected: created after the period
        ])
        #expect(r.lines.map(\.reporter) == [Tree.C, Tree.S])
        #expect(r.lines[0].covers == [Tree.A, Tree.B])
        #expect(r.expected == 2)
        #expect(r.accepted == 1)
        #expect(r.count(.submitted) == 1)
        #expect(sameValue(r.rate, 1, 2))
        #expect(r.dissolved == [Tree.D])
        #expect(r.absorbed.isEmpty)
        #expect(r.ignoredReports == [Tree.N])
    }

    @Test func aBoardOfDirectChildrenIgnoresNoReportBelowThem() {
        // Grassroots reports go to their district or commune, not into the province's direct board.
        let r = board(asOf: day("2025-09-01"), [
            Tree.g1: FiledReport(.accepted, submittedOn: day("2025-01-20")), Tree.g2: FiledReport(.draft),
            Tree.N: FiledReport(.accepted, submittedOn: day("2025-01-25")),
        ])
        #expect(r.ignoredReports == [Tree.N])
        // The whole branch's board counts them.
        let whole = board(direct: false, asOf: day("2025-09-01"), [Tree.g1: FiledReport(.accepted, submittedOn: day("2025-01-20"))])
        #expect(whole.ignoredReports.isEmpty && whole.accepted == 1)
    }

    @Test func beforeTheMergerEachDistrictReports() {
        // On 2025-01-15 A, B and D are all still there: four reports expected.
        let r = board(asOf: day("2025-01-15"), [Tree.A: FiledReport(.accepted, submittedOn: day("2025-01-10"))])
        #expect(r.lines.map(\.reporter) == [Tree.A, Tree.B, Tree.D, Tree.S])
        #expect(r.lines.map(\.state) == [.accepted, .missing, .missing, .missing])
        #expect(sameValue(r.rate, 1, 4))
        #expect(r.dissolved.isEmpty)
    }

    @Test func reportsFiledBeforeTheMergerStandInForTheSuccessor() {
        let both = board(asOf: day("2025-09-01"), [
            Tree.A: FiledReport(.accepted, submittedOn: day("2025-01-10")),
            Tree.B: FiledReport(.submitted, submittedOn: day("2025-01-12")),
            Tree.S: FiledReport(.accepted, submittedOn: day("2025-01-12")),
        ])
        #expect(both.lines[0].reporter == Tree.C)
        #expect(both.lines[0].state == .submitted)  // the least advanced of A's and B's
        #expect(both.lines[0].filedBy == Tree.B)
        #expect(both.accepted == 1)
        #expect(both.ignoredReports.isEmpty)

        // Only A filed: B's part is unreported, so C's report is still owed (and late).
        let one = board(asOf: day("2025-09-01"), [Tree.A: FiledReport(.accepted, submittedOn: day("2025-01-10"))])
        #expect(one.lines[0].state == .late)
        #expect(one.lines[0].filedBy == nil)
        #expect(one.accepted == 0)
        #expect(one.ignoredReports == [Tree.A])

        // C's own report decides.
        let own = board(asOf: day("2025-09-01"), [
            Tree.A: FiledReport(.accepted, submittedOn: day("2025-01-10")),
            Tree.C: FiledReport(.returned, submittedOn: day("2025-08-10")),
        ])
        #expect(own.lines[0].state == .returned)
        #expect(own.lines[0].filedBy == Tree.C)
        #expect(own.lines[0].submittedLate)
        #expect(own.ignoredReports == [Tree.A])
    }

    @Test func wholeSubtreeCountsGrassrootsOnce() {
        let r = board(direct: false, asOf: day("2025-09-01"), [:])
        #expect(Set(r.lines.map(\.reporter)) == [Tree.C, Tree.S, Tree.g1, Tree.g2, Tree.g3])
        #expect(r.expected == 5)
        #expect(!r.lines.contains { $0.reporter == Tree.P })
        #expect(r.dissolved == [Tree.D])
    }

    @Test func successorOutsideTheScopeStillReports() {
        // Scope A on the period date: its grassroots union g1 now sits under C, still expected.
        let r = board(scope: Tree.A, asOf: day("2025-09-01"), [Tree.g1: FiledReport(.accepted, submittedOn: day("2025-01-05"))])
        #expect(r.lines.map(\.reporter) == [Tree.g1])
        #expect(sameValue(r.rate, 1, 1))
    }

    @Test func unitCreatedAfterThePeriodIsNotExpected() {
        let r = board(asOf: day("2025-09-01"), [:])
        #expect(!r.lines.contains { $0.reporter == Tree.N || $0.covers.contains(Tree.N) })
        // A scope that did not exist on the period date expects nothing: the rate is undefined.
        let none = board(scope: Tree.C, asOf: day("2025-09-01"), [:])
        #expect(none.expected == 0)
        #expect(!none.rate.isDefined)
    }

    @Test func exactlyHundredPercentWhenAllAccepted() {
        let r = board(direct: false, asOf: day("2025-09-01"), [
            Tree.C: FiledReport(.accepted, submittedOn: day("2025-01-05")),
            Tree.S: FiledReport(.accepted, submittedOn: day("2025-01-05")),
            Tree.g1: FiledReport(.accepted, submittedOn: day("2025-01-05")),
            Tree.g2: FiledReport(.accepted, submittedOn: day("2025-01-05")),
            Tree.g3: FiledReport(.accepted, submittedOn: day("2025-01-05")),
        ])
        #expect(r.accepted == r.expected)
        #expect(r.rate == Ratio(5, 5))
        #expect(ReportValue.share(r.rate).display(language: .vi) == "100,0%")
    }

    @Test func unitMergedIntoTheScopeIsNotExpected() {
        let start = Tree.start
        let history = OrgHistory(
            units: [OrgUnit(id: 1, code: "P", kind: .provincialFederation, from: start, to: nil),
                    OrgUnit(id: 2, code: "E", kind: .districtFederation, from: start, to: Tree.reform),
                    OrgUnit(id: 3, code: "F", kind: .sectorUnion, from: start, to: nil)],
            versions: [OrgVersion(unitID: 1, name: "P", parentID: nil, from: start, to: nil),
                       OrgVersion(unitID: 2, name: "E", parentID: 1, from: start, to: Tree.reform),
                       OrgVersion(unitID: 3, name: "F", parentID: 1, from: start, to: nil)],
            successions: [OrgSuccession(predecessorID: 2, successorID: 1, effective: Tree.reform, kind: .merge, primary: true)])
        let r = board(scope: 1, asOf: day("2025-09-01"), history: history, [1: FiledReport(.accepted, submittedOn: day("2025-01-05"))])
        #expect(r.lines.map(\.reporter) == [3])
        #expect(r.absorbed == [2])
        #expect(r.ignoredReports == [1])
        #expect(r.accepted == 0)
        // E had sent its report for the year before it merged: the year keeps E's accepted line.
        let sent = board(scope: 1, asOf: day("2025-09-01"), history: history, [2: FiledReport(.accepted, submittedOn: day("2025-01-05"))])
        #expect(sent.lines.map(\.reporter) == [2, 3] && sent.absorbed.isEmpty && sent.accepted == 1)
    }

    @Test func aDissolvedUnitThatSentItsReportKeepsItsLine() {
        let sent = board(asOf: day("2025-09-01"), [Tree.D: FiledReport(.submitted, submittedOn: day("2025-01-20"))])
        #expect(sent.lines.map(\.reporter).contains(Tree.D) && sent.dissolved.isEmpty && sent.count(.submitted) == 1)
        // A draft it never sent does not: nobody can finish it.
        let draft = board(asOf: day("2025-09-01"), [Tree.D: FiledReport(.draft)])
        #expect(!draft.lines.map(\.reporter).contains(Tree.D) && draft.dissolved == [Tree.D] && draft.ignoredReports == [Tree.D])
    }

    @Test func aDraftTheNewUnitStartsLaterDoesNotUndoItsPredecessorsReports() {
        let r = board(asOf: day("2025-09-01"), [
            Tree.A: FiledReport(.accepted, submittedOn: day("2025-01-10")),
            Tree.B: FiledReport(.accepted, submittedOn: day("2025-01-12")),
            Tree.C: FiledReport(.draft),
        ])
        #expect(r.lines[0].reporter == Tree.C && r.lines[0].state == .accepted && r.lines[0].filedBy == Tree.A)
        #expect(r.ignoredReports == [Tree.C])
        // A predecessor's draft (never sent, and never to be) does not stand in: C's own accepted report counts.
        let unsent = board(asOf: day("2025-09-01"), [
            Tree.A: FiledReport(.accepted, submittedOn: day("2025-01-10")), Tree.B: FiledReport(.draft),
            Tree.C: FiledReport(.accepted, submittedOn: day("2025-08-01")),
        ])
        #expect(unsent.lines[0].state == .accepted && unsent.lines[0].filedBy == Tree.C)
        // Nor do predecessors still awaiting review hide C's own accepted report.
        let waiting = board(asOf: day("2025-09-01"), [
            Tree.A: FiledReport(.accepted, submittedOn: day("2025-01-10")), Tree.B: FiledReport(.submitted, submittedOn: day("2025-01-12")),
            Tree.C: FiledReport(.accepted, submittedOn: day("2025-08-01")),
        ])
        #expect(waiting.lines[0].state == .accepted && waiting.lines[0].filedBy == Tree.C && waiting.ignoredReports == [Tree.A, Tree.B])
    }

    @Test func lateAroundTheDeadline() {
        let onDeadline = board(asOf: Tree.deadline, [
            Tree.A: FiledReport(.draft),
            Tree.B: FiledReport(.submitted, submittedOn: Tree.deadline),
        ])
        #expect(onDeadline.lines.map(\.state) == [.draft, .submitted, .missing, .missing])
        #expect(onDeadline.lines.allSatisfy { !$0.submittedLate })
        #expect(onDeadline.count(.late) == 0)

        let dayAfter = day("2025-02-01")
        let after = board(asOf: dayAfter, [
            Tree.A: FiledReport(.draft),
            Tree.B: FiledReport(.submitted, submittedOn: Tree.deadline),
            Tree.D: FiledReport(.accepted, submittedOn: dayAfter),
        ])
        #expect(after.lines.map(\.state) == [.late, .submitted, .accepted, .late])
        #expect(after.lines.map(\.submittedLate) == [false, false, true, false])
        #expect(after.count(.late) == 2)
        #expect(after.submittedLate == 1)
        #expect(sameValue(after.rate, 1, 4))  // a late report, once accepted, counts
    }

    @Test func boardAsATable() {
        let r = board(asOf: day("2025-09-01"), [Tree.C: FiledReport(.accepted, submittedOn: day("2025-02-03"))])
        let t = r.table(history: Tree.history, year: 2024)
        for row in t.rows { #expect(row.cells.count == t.columns.count) }
        #expect(t.rows.map(\.label.vi) == ["Đã chấp nhận 1/2 báo cáo", "CĐ phường C", "CĐ ngành Giáo dục"])
        #expect(t.value("tong_so", "trang_thai")?.display(language: .vi) == "50,0%")
        #expect(t.value("don_vi:5", "trang_thai")?.display(language: .en) == "accepted")
        #expect(t.value("don_vi:5", "ngay_nop")?.display(language: .vi) == "03/02/2025")
        #expect(t.value("don_vi:5", "nop_muon")?.display(language: .vi) == "có")
        #expect(t.value("don_vi:5", "thay_cho")?.display(language: .vi) == "LĐLĐ huyện A; LĐLĐ huyện B")
        #expect(t.value("don_vi:4", "trang_thai")?.display(language: .vi) == "quá hạn, chưa gửi")
        #expect(t.notes.map(\.vi) == ["Đơn vị đã giải thể, không tính: LĐLĐ huyện D."])
    }

    /// Random histories and random report states: accepted never exceeds expected, and every
    /// unit of the period's tree is counted at most once.
    @Test func neverAboveHundredPercentNorCountedTwice() {
        var rng = SeededRandom(seed: 2025)
        let statuses = AnnualReportStatus.allCases
        // How often the interesting cases came up, so the property is not checked on trivia.
        var withLines = 0, merged = 0, dissolved = 0, absorbed = 0, standIns = 0, accepted = 0
        for _ in 0..<1000 {
            let n = rng.int(in: 3...16)
            var units: [OrgUnit] = []
            var versions: [OrgVersion] = []
            var successions: [OrgSuccession] = []
            func randomDay(_ years: ClosedRange<Int>) -> Day {
                Day(year: rng.int(in: years), month: rng.int(in: 1...12), day: rng.int(in: 1...28))!
            }
            for id in 1...n {
                // The root always exists; most units are old, some are created around the period.
                let from = id == 1 || rng.chance(600) ? Tree.start : randomDay(2024...2026)
                var to: Day? = nil
                if id > 1 && rng.chance(450) {
                    let end = randomDay(2025...2027)
                    if from < end { to = end }
                }
                units.append(OrgUnit(id: id, code: "U\(id)", kind: .grassrootsUnion, from: from, to: to))
                // Parents only among lower ids, so no tree has a cycle; sometimes a move mid-way.
                func parent() -> Int? { id == 1 ? nil : rng.int(in: max(1, id - 4)...(id - 1)) }
                let mid = randomDay(2025...2026)
                if id > 1, rng.chance(300), from < mid, to.map({ mid < $0 }) ?? true {
                    versions.append(OrgVersion(unitID: id, name: "U\(id)", parentID: parent(), from: from, to: mid))
                    versions.append(OrgVersion(unitID: id, name: "U\(id)", parentID: parent(), from: mid, to: to))
                } else {
                    versions.append(OrgVersion(unitID: id, name: "U\(id)", parentID: parent(), from: from, to: to))
                }
            }
            // Ended units mostly merge into a few units (often the same one), sometimes into
            // their parent, sometimes dissolve; some split in two.
            let hubs = (0..<2).map { _ in rng.int(in: 1...n) }
            for unit in units {
                guard let end = unit.to, !rng.chance(200) else { continue }
                let target = rng.chance(700) ? rng.pick(hubs) : rng.chance(500) ? 1 : rng.int(in: 1...n)
                successions.append(OrgSuccession(predecessorID: unit.id, successorID: target, effective: end,
                                                 kind: .merge, primary: true))
                if rng.chance(200) {
                    successions.append(OrgSuccession(predecessorID: unit.id, successorID: rng.int(in: 1...n), effective: end,
                                                     kind: .split, primary: false))
                }
            }
            let history = OrgHistory(units: units, versions: versions, successions: successions)
            var reports: [Int: FiledReport] = [:]
            for id in 1...n where rng.chance(600) {
                reports[id] = FiledReport(rng.pick(statuses),
                                          submittedOn: rng.chance(800) ? randomDay(2025...2025) : nil)
            }
            let period = Day.endOfYear(rng.int(in: 2024...2025))
            let asOf = randomDay(period.year...(period.year + 2))
            let scope = rng.chance(500) ? 1 : rng.int(in: 1...n)
            let direct = rng.chance(500)
            let r = ReportingRate(history: history, scope: scope, direct: direct, periodDate: period, asOf: asOf,
                                  deadline: day("2025-02-01"), reports: reports)

            #expect(0 <= r.accepted && r.accepted <= r.expected)
            #expect(!r.rate.isDefined || r.rate.numerator <= r.rate.denominator)
            #expect(ReportingState.allCases.reduce(0) { $0 + r.count($1) } == r.expected)
            let reporters = r.lines.map(\.reporter)
            #expect(Set(reporters).count == reporters.count, "a reporter counted twice")
            #expect(!reporters.contains(scope))
            for line in r.lines {
                if !history.units[line.reporter]!.isActive(on: asOf) {
                    // An ended unit keeps only its own line, by the report it sent before it ended.
                    #expect(line.covers == [line.reporter] && line.filedBy == line.reporter)
                    #expect(line.report?.status == .submitted || line.report?.status == .accepted)
                }
                if let filer = line.filedBy {
                    #expect(filer == line.reporter || line.covers.contains(filer))
                    #expect(!r.ignoredReports.contains(filer))
                }
            }
            // Each unit of the period's tree under the scope is in exactly one place.
            let tree = history.tree(on: period)
            let expectedUnits = history.units[scope]!.isActive(on: period)
                ? (direct ? tree.children[scope] ?? [] : Array(tree.subtree(of: scope).dropFirst())) : []
            let placed = r.lines.flatMap(\.covers) + r.dissolved + r.absorbed
            #expect(placed.count == Set(placed).count, "a unit counted twice")
            #expect(Set(placed) == Set(expectedUnits))
            // Dissolved units never report.
            for d in r.dissolved { #expect(history.successor(of: d, on: asOf) == nil) }

            if r.expected > 0 { withLines += 1 }
            if r.lines.contains(where: { $0.covers.count > 1 }) { merged += 1 }
            if !r.dissolved.isEmpty { dissolved += 1 }
            if !r.absorbed.isEmpty { absorbed += 1 }
            if r.lines.contains(where: { $0.filedBy != nil && $0.filedBy != $0.reporter }) { standIns += 1 }
            if r.accepted > 0 { accepted += 1 }
        }
        #expect(withLines > 400 && merged > 25 && dissolved > 50 && absorbed > 10 && standIns > 0 && accepted > 150,
                "cases met: \(withLines) with lines, \(merged) merged, \(dissolved) dissolved, \(absorbed) absorbed, \(standIns) stand-ins, \(accepted) with accepted")
    }
}
