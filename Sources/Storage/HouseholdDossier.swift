import PovertyCore
import SQLKit

/// Everything an officer's page shows of one household: its file (members, reviews of the
/// branch), and — while the household is the branch's now (its latest review counted here) —
/// what it received, what it still lacks and its loans.
public struct HouseholdDossier: Sendable {
    public let file: HouseholdFile
    /// nil when the household has moved to another branch: its support and loans are that branch's.
    public let support: [SupportRecord]?
    public let coverage: HouseholdCoverage?
    public let loans: [LoanFile]
    /// Whether another branch holds it now (its latest review is counted there): this branch
    /// reads its own years and enters none.
    public let heldElsewhere: Bool

    public init(file: HouseholdFile, support: [SupportRecord]?, coverage: HouseholdCoverage?, loans: [LoanFile], heldElsewhere: Bool = false) {
        self.file = file; self.support = support; self.coverage = coverage; self.loans = loans; self.heldElsewhere = heldElsewhere
    }
}

extension ReviewQueries {
    /// One household's dossier, for an actor of its branch: one read of a named household,
    /// audited once (as `household(_:code:)`), however many tables it draws on.
    public func dossier(_ actor: Actor, code: String) async throws -> HouseholdDossier {
        let file = try await household(actor, code: code)
        let db = try store.sql
        let ref = try await db.household(code: file.code)
        guard let unit = ref.unitID, actor.scope.contains(unit) else {
            return HouseholdDossier(file: file, support: nil, coverage: nil, loans: [], heldElsewhere: ref.unitID != nil)
        }
        let support = try await store.support.records(householdID: ref.id, db: db)
        let coverage = try await store.support.coverage(of: ref, db: db)
        let loans = try await store.loans.loans(scope: actor.scope, household: file.code)
        return HouseholdDossier(file: file, support: support, coverage: coverage, loans: loans)
    }
}
