import Foundation
import PovertyCore
import Spreadsheets
@_spi(Simulation) @testable import Storage
import SQLKit
import Testing

/// Who may do what, tried for real: every Storage operation of `AccessRules.table`, by an
/// account of every role, on a thing inside its branch and on one outside it, on SQLite and
/// PostgreSQL. What is allowed must succeed; what is refused must be refused as the table
/// says (403 for a role, "not found" for another branch) and change nothing of the kind it
/// asked for. `docs/phan-quyen.md` is the same table written out; a test keeps it true.
@Suite struct AuthorisationMatrixTests {
    /// The world every probe works in: the small tree (T → H1 → C1, C2; T → H2 → C3), a
    /// member and a poor household in each branch, money in every fund of both branches.
    struct World {
        let store: Store
        let op: Actor
        let ids: [String: Int]
        var counter = 0
        var reportYear = 2000

        /// What a probe aims at: H1's branch (inside for an account of H1) or H2's.
        struct Target {
            let unit: String        // the district-level unit
            let grassroots: String  // a grassroots unit below it
            let household: String
            let member: String
        }
        static let inside = Target(unit: "H1", grassroots: "C1", household: "HO-01", member: "DV-01")
        static let outside = Target(unit: "H2", grassroots: "C3", household: "HO-03", member: "DV-04")

        static func build(_ store: Store) async throws -> World {
            try await store.importUnits(Files.smallTree)
            try await store.importMembers(Files.smallMembers)
            try await store.importSurvey([Files.surveyHeader, Files.poor("HO-01", 2025, member: "DV-01"), Files.poor("HO-03", 2025, member: "DV-04"),
                                          Files.notPoor("HO-04", 2025, unit: "C2")])
            let op = try await store.op
            for unit in ["T", "H1", "H2"] {
                for fund in ["xa_hoi", "mai_am", "nef"] {
                    try await store.funds.contribute(op, fund: fund, unit: unit, day: day(2025, 1, 5), amount: 5_000_000_000, contributor: "tỉnh")
                }
            }
            var ids: [String: Int] = [:]
            for code in ["T", "H1", "H2", "C1", "C2", "C3"] { ids[code] = try await store.unitID(code) }
            return World(store: store, op: op, ids: ids)
        }

        mutating func next() -> Int { counter += 1; return counter }
        /// A report year not used yet (each probe of the workflow files a report of its own).
        mutating func nextReportYear() -> Int { reportYear += 1; return reportYear }

        /// A loan managed by `unit`, taken as far as `state` by the operator; the loan's code,
        /// applied on 01/03/2025 and, if so, approved the day after and disbursed the day after that.
        func loan(_ t: Target, to state: LoanState) async throws -> String {
            let code = try await store.loans.apply(op, LoanApplication(member: t.member, household: t.household, unit: t.unit, purpose: "chan_nuoi",
                                                                       jobsPlanned: 1, amount: 10_000_000, termMonths: 24, appliedOn: day(2025, 3, 1)))
            if state == .applied { return code }
            try await store.loans.approve(op, code, on: day(2025, 3, 2))
            if state == .approved { return code }
            try await store.loans.disburse(op, code, on: day(2025, 3, 3))
            return code
        }

        mutating func campaign(organiser: String) async throws -> String {
            try await store.campaigns.create(op, NewCampaign(kind: .tet, name: "Đợt \(next())", unit: organiser, fund: "xa_hoi", year: 2025,
                                                             startsOn: day(2025, 10, 1), endsOn: day(2025, 10, 30), budget: 100_000_000,
                                                             giftValue: 500_000))
        }
    }

    /// One operation by `actor` on `t`, with whatever it needs set up first by the operator.
    static func probe(_ operation: StorageOperation, _ actor: Actor, _ t: World.Target, _ w: inout World) async throws {
        let store = w.store, op = w.op
        let unitID = w.ids[t.unit] ?? 0, grassrootsID = w.ids[t.grassroots] ?? 0
        switch operation {
        case .readRegistry: _ = try await store.reviews.household(actor, code: t.household)
        case .readSupport: _ = try await store.support.records(actor, household: t.household)
        case .readFunds: _ = try await store.funds.statement(actor, fund: "xa_hoi", unit: t.unit, from: nil, to: nil)
        case .readLoans: _ = try await store.loans.file(actor, try await w.loan(t, to: .applied))
        case .readCampaigns: _ = try await store.campaigns.proposals(actor, try await w.campaign(organiser: t.unit))
        case .readReports: _ = try await store.reports.figures(actor, unit: unitID, year: 2025)
        case .readAudit: _ = try await store.audit.entries(actor, entity: "household")
        case .readAccounts:
            let id = try await store.accounts.create(op, NewAccount(username: "doc\(w.next())", displayName: "Cán bộ", password: "mat-khau-dai",
                                                                    role: .auditor, unitCode: t.unit))
            _ = try await store.accounts.account(actor, id: id)
        case .importSurvey:
            _ = try await SurveyImporter(store: store, actor: actor, fileName: "matrix.csv")
                .run(InMemoryRows([Files.surveyHeader, Files.nearPoor(t.household, 2025, unit: t.grassroots)]))
        case .importMembers:
            _ = try await MembersImporter(store: store, actor: actor, fileName: "matrix.csv")
                .run(InMemoryRows([Files.membersHeader, Files.member("DV-M\(w.next())", "Lê Văn Mới", unit: t.grassroots, joined: "01/02/2025")]))
        case .editMembers:
            _ = try await store.members.save(actor, MemberRecord(code: t.member, fullName: "Tên Sửa \(w.next())"))
        case .changeTree:
            try await store.units.rename(actor, t.grassroots, to: "CĐCS đổi tên \(w.next())", on: day(2025, 11, 1).adding(days: w.next()))
        case .recordSupport:
            _ = try await store.support.record(actor, NewSupport(household: t.household, policy: "ho_tro_bhyt", day: day(2025, 4, 1), value: 100_000,
                                                                 source: .state, sourceName: "BHXH", unit: t.unit))
        case .cancelSupport:
            let id = try await store.support.record(op, NewSupport(household: t.household, policy: "ho_tro_bhyt", day: day(2025, 4, 1), value: 100_000,
                                                                   source: .state, sourceName: "BHXH", unit: t.unit))
            try await store.support.cancel(actor, id, reason: "nhầm", on: day(2025, 4, 2))
        case .fundContribute:
            _ = try await store.funds.contribute(actor, fund: "xa_hoi", unit: t.unit, day: day(2025, 5, 1), amount: 1_000, contributor: "đoàn viên")
        case .fundAllocate:
            // From the actor's own district unit to a grassroots unit of the target branch: a
            // transfer to another branch is not this officer's to make.
            _ = try await store.funds.allocate(actor, fund: "xa_hoi", from: "H1", to: t.grassroots, day: day(2025, 5, 1), amount: 1_000)
        case .fundDisburse:
            _ = try await store.funds.disburse(actor, fund: "xa_hoi", unit: t.unit, day: day(2025, 5, 1), amount: 1_000, note: "chi")
        case .fundReverse:
            let id = try await store.funds.contribute(op, fund: "xa_hoi", unit: t.unit, day: day(2025, 5, 1), amount: 1_000, contributor: "nhầm")
            try await store.funds.reverse(actor, entryID: id, day: day(2025, 5, 2), reason: "nhập nhầm")
        case .loanApply:
            _ = try await store.loans.apply(actor, LoanApplication(member: t.member, household: t.household, unit: t.unit, purpose: "chan_nuoi",
                                                                   jobsPlanned: 1, amount: 10_000_000, termMonths: 24, appliedOn: day(2025, 3, 1)))
        case .loanDecide: try await store.loans.approve(actor, try await w.loan(t, to: .applied), on: day(2025, 3, 20))
        case .loanDisburse: try await store.loans.disburse(actor, try await w.loan(t, to: .approved), on: day(2025, 3, 25))
        case .loanRepay: try await store.loans.repay(actor, try await w.loan(t, to: .disbursed), on: day(2025, 6, 1), amount: 1_000_000)
        case .loanExtend:
            try await store.loans.extend(actor, try await w.loan(t, to: .disbursed), granted: day(2025, 6, 1), months: 6, reason: "thiên tai")
        case .loanWriteOff: try await store.loans.writeOff(actor, try await w.loan(t, to: .disbursed), on: day(2025, 7, 1), reason: "mất khả năng trả")
        case .loanRecordJobs: try await store.loans.recordJobs(actor, try await w.loan(t, to: .disbursed), created: 1, on: day(2025, 7, 1))
        case .campaignCreate:
            _ = try await store.campaigns.create(actor, NewCampaign(kind: .tet, name: "Đợt mới", unit: t.unit, fund: "xa_hoi", year: 2025,
                                                                    startsOn: day(2025, 10, 1), endsOn: day(2025, 10, 30), budget: 1_000_000))
        case .campaignEditList: _ = try await store.campaigns.draw(actor, try await w.campaign(organiser: "T"), unit: t.grassroots)
        case .campaignApprove:
            let code = try await w.campaign(organiser: "T")
            _ = try await store.campaigns.draw(op, code, unit: t.grassroots)
            _ = try await store.campaigns.approve(actor, code, unit: t.grassroots, day: day(2025, 10, 5))
        case .reportWrite: _ = try await store.reports.save(actor, unit: unitID, year: 2024, narrative: ReportNarrative(results: "Kết quả"))
        case .reportSubmit:
            let year = w.nextReportYear()
            _ = try await store.reports.save(op, unit: unitID, year: year, narrative: ReportNarrative(results: "Kết quả"))
            try await store.reports.submit(actor, unit: unitID, year: year, on: day(2025, 12, 10))
        case .reportReview:
            let year = w.nextReportYear()
            _ = try await store.reports.save(op, unit: grassrootsID, year: year, narrative: ReportNarrative(results: "Kết quả"))
            try await store.reports.submit(op, unit: grassrootsID, year: year, on: day(2025, 12, 10))
            try await store.reports.review(actor, unit: grassrootsID, year: year, accept: true, comment: "", on: day(2025, 12, 11))
        case .reportSetDeadline: try await store.reports.setDeadline(actor, unit: unitID, year: 2025, due: day(2025, 12, 25))
        case .setTarget:
            _ = try await store.targets.set(actor, unit: t.unit, baselineYear: 2025, targetYear: 2025 + w.next(), reductionPermille: 700, on: day(2026, 1, 5))
        case .manageAccounts:
            _ = try await store.accounts.create(actor, NewAccount(username: "moi\(w.next())", displayName: "Cán bộ mới", password: "mat-khau-dai",
                                                                  role: .auditor, unitCode: t.unit))
        case .ownAccount:
            // Inside: the actor's own tokens. Outside: another branch's account's.
            if t.unit == World.inside.unit {
                try await store.accounts.createToken(actor, tokenHash: "tok\(w.next())", name: "api", lifetime: 3600)
            } else {
                let other = try await store.accounts.create(op, NewAccount(username: "khac\(w.next())", displayName: "Cán bộ khác",
                                                                           password: "mat-khau-dai", role: .branchOfficer, unitCode: t.unit))
                _ = try await store.accounts.tokens(actor, of: other)
            }
        case .maintain: _ = try await store.rollups.check(actor)
        }
    }

    /// Whether the table allows `role`, placed at a unit of H1's branch (or at the province
    /// when `provinceWide`), to do `operation` on the target.
    static func expected(_ operation: StorageOperation, _ role: Role, inside: Bool, provinceWide: Bool) -> Bool {
        let rule = AccessRules.rule(for: operation)
        guard rule.roles.contains(role) else { return false }
        switch rule.reach {
        case .province: return provinceWide
        case .branch, .own: return inside || provinceWide
        }
    }

    /// An account of `role` at `unit`, as the web app would make its actor.
    static func account(_ store: Store, _ role: Role, at unit: String) async throws -> Actor {
        let name = "\(role.rawValue.replacingOccurrences(of: "_", with: "-"))-\(unit.lowercased())"
        let id = try await store.accounts.create(try await store.op, NewAccount(username: name, displayName: "Cán bộ", password: "mat-khau-dai",
                                                                                role: role, unitCode: unit))
        let row = try #require(try await store.sql.raw("SELECT * FROM users WHERE id = \(bind: id)").first())
        return try await store.actor(for: try Account(row), via: .web)
    }

    @Test(arguments: TestDatabase.available)
    func everyOperationByEveryRoleInsideAndOutsideTheBranch(db: TestDatabase) async throws {
        try await db.withStore { store in
            var world = try await World.build(store)
            var tried = 0
            for role in Role.allCases {
                let branchActor = try await Self.account(store, role, at: "H1")
                let provinceActor = try await Self.account(store, role, at: "T")
                for operation in StorageOperation.allCases {
                    var placements: [(Actor, World.Target, Bool, Bool, String)] = [
                        (branchActor, World.inside, true, false, "H1 → H1"), (branchActor, World.outside, false, false, "H1 → H2"),
                    ]
                    if AccessRules.rule(for: operation).reach == .province {
                        placements.append((provinceActor, World.inside, true, true, "T → H1"))
                    }
                    for (actor, target, inside, provinceWide, label) in placements {
                        tried += 1
                        let allowed = Self.expected(operation, role, inside: inside, provinceWide: provinceWide)
                        let what = "\(operation.rawValue) by \(role.rawValue) \(label)"
                        do {
                            try await Self.probe(operation, actor, target, &world)
                            #expect(allowed, "\(what) succeeded; the table refuses it")
                        } catch let error as StorageError {
                            switch error {
                            case .forbidden, .notFound:
                                #expect(!allowed, "\(what) was refused (\(error)); the table allows it")
                            default:
                                Issue.record("\(what): \(error)")
                            }
                        } catch AccountRefusal.unknownUnit(let code) {
                            // An account for a unit outside the branch: "no unit … in your branch", as for a unit that does not exist.
                            #expect(!allowed && operation == .manageAccounts, "\(what): unit \(code)")
                        } catch let rejected as ImportRejected {
                            // An import refuses another branch's rows as errors of those rows.
                            #expect(!allowed && operation == .importSurvey, "\(what): \(rejected)")
                        }
                    }
                }
            }
            #expect(tried >= StorageOperation.allCases.count * Role.allCases.count * 2)
            // Every refusal left the data as the allowed steps made it: the kept counts still agree.
            #expect(try await store.rollups.check(try await store.op).isEmpty)
        }
    }

    @Test func everyOperationHasARuleAndTheDocumentIsTheTable() throws {
        for operation in StorageOperation.allCases {
            #expect(AccessRules.table.filter { $0.operation == operation }.count == 1, "\(operation.rawValue)")
        }
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/phan-quyen.md").path
        let written = AccessRules.markdown()
        if ProcessInfo.processInfo.environment["GIAMNGHEO_WRITE_DOCS"] == "1" {
            try written.write(toFile: path, atomically: true, encoding: .utf8)
        }
        let stored = try String(contentsOfFile: path, encoding: .utf8)
        #expect(stored == written, "docs/phan-quyen.md differs from AccessRules.table: run GIAMNGHEO_WRITE_DOCS=1 swift test --filter AuthorisationMatrix")
    }
}
