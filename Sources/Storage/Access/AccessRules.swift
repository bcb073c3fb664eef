import PovertyCore

/// Every kind of thing an actor may ask of Storage. Each public Storage operation checks
/// exactly one of these first (`Actor.require`), so who may do what is decided here and
/// nowhere else; `docs/phan-quyen.md` is this table, written out by a test that also tries
/// every operation with every role inside and outside a branch on both databases.
public enum StorageOperation: String, CaseIterable, Sendable, Codable {
    // Reads
    case readRegistry, readSupport, readFunds, readLoans, readCampaigns, readReports, readAudit, readAccounts
    // The registry
    case importSurvey, importMembers, editMembers, changeTree
    // Support and funds
    case recordSupport, cancelSupport, fundContribute, fundAllocate, fundDisburse, fundReverse
    // National Employment Fund loans
    case loanApply, loanDecide, loanDisburse, loanRepay, loanExtend, loanWriteOff, loanRecordJobs
    // Campaigns
    case campaignCreate, campaignEditList, campaignApprove
    // Annual reports and targets
    case reportWrite, reportSubmit, reportReview, reportSetDeadline, setTarget
    // Accounts and upkeep
    case manageAccounts, ownAccount, maintain
}

/// Where an operation may reach.
public enum Reach: String, Sendable, Codable {
    /// Things (units, households, members, loans…) of the actor's branch only; anything else
    /// is "not found", exactly as if it did not exist.
    case branch
    /// Only an actor of the whole province (a root unit's account, the command line).
    case province
    /// The actor's own account.
    case own
}

/// One line of the rule table.
public struct AccessRule: Sendable {
    public let operation: StorageOperation
    public let roles: Set<Role>
    public let reach: Reach
    /// Whether Storage writes an audit entry for it: every write; reads of named people
    /// (households with their members, member search, coverage worklists, support records,
    /// loans, campaign lists, named tables) and every export.
    public let audited: AuditPolicy
    /// The Storage functions that check it.
    public let functions: [String]
    /// A further rule between the actor's unit and the thing's unit, checked in that function.
    public let relation: String?
}

public enum AuditPolicy: String, Sendable, Codable {
    case writes, namedReads, none
}

/// Who may do what: the table, and the one check every operation runs.
public enum AccessRules {
    static let everyone = Set(Role.allCases)
    static let officers: Set<Role> = [.administrator, .provincialOfficer, .branchOfficer, .grassrootsOfficer]
    static let province: Set<Role> = [.administrator, .provincialOfficer]

    public static let table: [AccessRule] = [
        rule(.readRegistry, everyone, .branch, .namedReads,
             ["BrowseQueries.households", "BrowseQueries.yearFigures", "BrowseQueries.latestYear", "BrowseQueries.mismatchCounts",
              "ReviewQueries.household", "ReviewQueries.dossier", "ReviewQueries.rolledUp", "ReviewQueries.mismatches", "ReviewQueries.vulnerableMembers",
              "MemberRegistry.search", "MemberRegistry.member", "MemberRegistry.profile", "MemberRegistry.roster", "Targets.progress", "Targets.all"]),
        rule(.readSupport, everyone, .branch, .namedReads,
             ["SupportRegistry.records", "SupportRegistry.coverage", "SupportRegistry.coverageCounts", "SupportRegistry.coverage(household:)",
              "HardshipRegister.list", "HardshipRegister.proposals"]),
        rule(.readFunds, everyone, .branch, .namedReads,
             ["FundLedger.entry", "FundLedger.balances", "FundLedger.balance", "FundLedger.statement", "FundLedger.reconciliation"]),
        rule(.readLoans, everyone, .branch, .namedReads, ["LoanBook.file", "LoanBook.loans", "LoanBook.ageing", "LoanBook.loansOut", "LoanBook.portfolio"]),
        rule(.readCampaigns, everyone, .branch, .namedReads, ["CampaignDesk.campaigns", "CampaignDesk.campaign", "CampaignDesk.proposals"]),
        rule(.readReports, everyone, .branch, .namedReads,
             ["AnnualReports.report", "AnnualReports.board", "AnnualReports.statuses", "AnnualReports.awaitingReviewFromEndedUnits", "AnnualReports.deadline", "AnnualReports.currentYear",
              "AnnualReports.figures", "AnnualReports.shownFigures", "AnnualReports.standardTables", "AnnualReports.profiles",
              "AnnualReports.namedHouseholds", "AnnualReports.steps", "Audit.export"]),
        rule(.readAudit, [.administrator, .auditor], .province, .namedReads, ["BrowseQueries.auditEntries", "Audit.entries"]),
        rule(.readAccounts, [.administrator], .branch, .none, ["Accounts.list", "Accounts.account", "Accounts.tokens(of:)"]),

        rule(.importSurvey, officers, .branch, .writes, ["SurveyImporter.run", "ReviewDesk.draft", "ReviewDesk.enter"],
             relation: "every household, review and member a row names is of the branch"),
        rule(.importMembers, province, .province, .writes, ["MembersImporter.run"]),
        rule(.editMembers, officers, .branch, .writes, ["MemberRegistry.save", "MemberRegistry.update", "MemberRegistry.assign", "MemberRegistry.leave"],
             relation: "the member is of the branch, and so is the unit they join"),
        rule(.changeTree, [.administrator], .province, .writes,
             ["UnitRegistry.create", "UnitRegistry.rename", "UnitRegistry.move", "UnitRegistry.merge", "UnitRegistry.split",
              "UnitRegistry.dissolve", "UnitsImporter.run"]),

        rule(.recordSupport, officers, .branch, .writes, ["SupportRegistry.record", "HardshipRegister.record", "HardshipRegister.end"],
             relation: "not the support a loan makes (policy vay_quy_viec_lam); the giving unit stood on the day; a hardship's member or household is of the branch now, and the member was of it on the days it began and ended"),
        rule(.cancelSupport, officers, .branch, .writes, ["SupportRegistry.cancel"], relation: "not a support a loan made; its household of the branch now; a campaign gift cancelled leaves its list"),
        rule(.fundContribute, officers, .branch, .writes, ["FundLedger.contribute"], relation: "the unit stood on the day"),
        rule(.fundAllocate, officers, .branch, .writes, ["FundLedger.allocate"],
             relation: "both units in the branch: a transfer between branches is made by their common ancestor's officer; both stood on the day, or the sender has ended and the receiver is what it became"),
        rule(.fundDisburse, officers, .branch, .writes, ["FundLedger.disburse"], relation: "the unit stood on the day"),
        rule(.fundReverse, officers, .branch, .writes, ["FundLedger.reverse"],
             relation: "dated on or after the entry; both halves of an allocation in the branch"),

        rule(.loanApply, officers, .branch, .writes, ["LoanBook.apply"],
             relation: "the member and household are of the branch; the unit stood on the day; the member is of it or a unit below it, the household is theirs"),
        rule(.loanDecide, officers, .branch, .writes, ["LoanBook.approve", "LoanBook.reject"], relation: "an approval: the managing unit stands on the day"),
        rule(.loanDisburse, officers, .branch, .writes, ["LoanBook.disburse", "LoanBook.reverseDisbursement"],
             relation: "a payout: the managing unit stands on the day; undone only before any repayment"),
        rule(.loanRepay, officers, .branch, .writes, ["LoanBook.repay", "LoanBook.reverseRepayment"]),
        rule(.loanExtend, officers, .branch, .writes, ["LoanBook.extend"]),
        rule(.loanWriteOff, officers, .branch, .writes, ["LoanBook.writeOff"],
             relation: "an officer of the managing unit itself (or an administrator of the whole province)"),
        rule(.loanRecordJobs, officers, .branch, .writes, ["LoanBook.recordJobs"]),

        rule(.campaignCreate, officers, .branch, .writes, ["CampaignDesk.create"], relation: "the organiser stood on the first day"),
        rule(.campaignEditList, officers, .branch, .writes, ["CampaignDesk.draw", "CampaignDesk.add", "CampaignDesk.edit"],
             relation: "the households are under the organiser and of the branch now"),
        rule(.campaignApprove, officers, .branch, .writes, ["CampaignDesk.approve"],
             relation: "a unit above every proposing unit, never its own households; only the branch's proposals; within the campaign's days (none given: today, or its last day once over); the organiser stands on the day"),

        rule(.reportWrite, officers, .branch, .writes, ["AnnualReports.save"], relation: "the unit's own officers (or an administrator of the whole province)"),
        rule(.reportSubmit, officers, .branch, .writes, ["AnnualReports.submit"], relation: "the unit's own officers (or an administrator of the whole province)"),
        rule(.reportReview, officers, .branch, .writes, ["AnnualReports.review"],
             relation: "officers of the unit directly above (or an administrator of the whole province), never whoever submitted it"),
        rule(.reportSetDeadline, officers, .branch, .writes, ["AnnualReports.setDeadline"]),
        rule(.setTarget, province, .branch, .writes, ["Targets.set"]),

        rule(.manageAccounts, [.administrator], .branch, .writes,
             ["Accounts.create", "Accounts.problems", "Accounts.reassign", "Accounts.setActive", "Accounts.resetPassword", "Accounts.revokeToken(of others)"],
             relation: "a branch's administrator gives only officers' and auditors' roles; an account of a unit that has ended sees nothing until moved"),
        rule(.ownAccount, everyone, .own, .writes,
             ["Accounts.changePassword", "Accounts.createToken", "Accounts.tokens", "Accounts.revokeToken"]),
        rule(.maintain, [.administrator], .province, .writes, ["Rollups.check", "Rollups.repair", "Rollups.rebuild"]),
    ]

    private static func rule(_ op: StorageOperation, _ roles: Set<Role>, _ reach: Reach, _ audited: AuditPolicy, _ functions: [String],
                             relation: String? = nil) -> AccessRule {
        AccessRule(operation: op, roles: roles, reach: reach, audited: audited, functions: functions, relation: relation)
    }

    static let byOperation: [StorageOperation: AccessRule] = Dictionary(uniqueKeysWithValues: table.map { ($0.operation, $0) })

    public static func rule(for op: StorageOperation) -> AccessRule {
        // Every operation has a line (checked by a test); a missing one refuses everything.
        byOperation[op] ?? AccessRule(operation: op, roles: [], reach: .province, audited: .writes, functions: [], relation: nil)
    }

    /// Why `actor` may not do `op` (on a thing of `unitID`, when it has one); nil when it may.
    /// The one check: operations enforce it and pages ask it to show or hide their controls.
    static func refusal(_ actor: Actor, _ op: StorageOperation, unit unitID: Int?) -> StorageError? {
        let rule = rule(for: op)
        guard rule.roles.contains(actor.role) else { return .forbidden(op) }
        switch rule.reach {
        case .province:
            guard actor.scope.isWholeProvince else { return .forbidden(op) }
        case .branch:
            if let unitID, !actor.scope.contains(unitID) { return .notFound(.unit, String(unitID)) }
        case .own:
            break
        }
        return nil
    }
}

extension Actor {
    /// Refuses an operation the actor's role may not do (403), or a thing outside the branch
    /// (404, like a thing that does not exist).
    func require(_ op: StorageOperation, unit unitID: Int? = nil) throws {
        if let refusal = AccessRules.refusal(self, op, unit: unitID) { throw refusal }
    }

    /// Refuses a thing of `unitID` outside the branch as not found (`kind` and `code` name it).
    func requireInBranch(_ unitID: Int?, _ kind: NotFound.Kind, _ code: String) throws {
        try scope.require(unitID, kind, code)
    }
}

/// What an actor may do, for pages to show or hide their controls: the same check the
/// operations enforce.
public struct Permissions: Sendable {
    public let actor: Actor
    public init(actor: Actor) { self.actor = actor }

    /// Whether the role may do `op` at all (and, for province-wide operations, whether the actor is province-wide).
    public func allows(_ op: StorageOperation) -> Bool { AccessRules.refusal(actor, op, unit: nil) == nil }

    /// Whether the actor may do `op` on a thing of `unitID`.
    public func allows(_ op: StorageOperation, at unitID: Int) -> Bool { AccessRules.refusal(actor, op, unit: unitID) == nil }

    /// Whether the actor's branch holds `unitID`.
    public func sees(_ unitID: Int) -> Bool { actor.scope.contains(unitID) }
}

extension Store {
    /// What `actor` may do (pages use it to show controls; operations enforce the same rules).
    public func permissions(for actor: Actor) -> Permissions { Permissions(actor: actor) }
}
