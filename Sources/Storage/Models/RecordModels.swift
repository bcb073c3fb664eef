import FluentKit

/// `reviews`: one household's annual review, with its classification as computed then
/// (standard, deprivations bit per catalogue indicator, class and reason), so a later
/// change of rules never rewrites it. Read through this model; written only by the survey
/// import's bulk path (`SurveyImporter`, which also sets the columns not mapped here).
final class ReviewModel: Model, @unchecked Sendable {
    static let schema = "reviews"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "household_id") var householdID: Int
    @Field(key: "year") var year: Int
    @Field(key: "unit_id") var unitID: Int
    @OptionalField(key: "member_id") var memberID: Int?
    @Field(key: "standard_code") var standardCode: String
    @Field(key: "area") var area: String
    @OptionalField(key: "household_size") var householdSize: Int?
    @OptionalField(key: "yearly_income") var yearlyIncome: Int?
    @OptionalField(key: "monthly_income") var monthlyIncome: Int?
    @Field(key: "deprivations") var deprivations: Int
    @Field(key: "deprivation_count") var deprivationCount: Int
    @Field(key: "per_capita_income") var perCapitaIncome: Int
    @Field(key: "status") var status: String
    @Field(key: "reason") var reason: String
    @OptionalField(key: "official_status") var officialStatus: String?
    @OptionalField(key: "import_id") var importID: Int?
    @Field(key: "entered_by") var enteredBy: String
    @Field(key: "entered_at") var enteredAt: String

    init() {}
}

/// `imports`: one file imported, by whom, and what it changed.
final class ImportModel: Model, @unchecked Sendable {
    static let schema = "imports"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "kind") var kind: String
    @Field(key: "file_name") var fileName: String
    @Field(key: "entered_by") var enteredBy: String
    @Field(key: "started_at") var startedAt: String
    @Field(key: "added") var added: Int
    @Field(key: "updated") var updated: Int
    @Field(key: "unchanged") var unchanged: Int
    /// The web app's import job that ran it (at most one import per job).
    @OptionalField(key: "job") var job: String?
    /// The whole `ImportResult`, as JSON.
    @OptionalField(key: "result") var result: String?

    init() {}

    init(kind: String, fileName: String, enteredBy: String, startedAt: String, job: String?) {
        self.kind = kind; self.fileName = fileName; self.enteredBy = enteredBy; self.startedAt = startedAt; self.job = job
        added = 0; updated = 0; unchanged = 0
    }
}

/// `audit_log`: every change to personal data and every export of it.
final class AuditEntryModel: Model, @unchecked Sendable {
    static let schema = "audit_log"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "at") var at: String
    @Field(key: "actor") var actor: String
    @Field(key: "action") var action: String
    @Field(key: "entity") var entity: String
    @OptionalField(key: "entity_id") var entityID: Int?
    @Field(key: "detail") var detail: String

    init() {}

    init(at: String, actor: String, action: String, entity: String, entityID: Int?, detail: String) {
        self.at = at; self.actor = actor; self.action = action; self.entity = entity; self.entityID = entityID; self.detail = detail
    }
}
