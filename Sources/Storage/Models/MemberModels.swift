import FluentKit

/// `members`: a union member.
final class MemberModel: Model, @unchecked Sendable {
    static let schema = "members"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "code") var code: String
    @Field(key: "full_name") var fullName: String
    @Field(key: "name_folded") var nameFolded: String
    @Field(key: "name_sort") var nameSort: String
    @OptionalField(key: "citizen_id") var citizenID: String?
    @OptionalField(key: "birth_date") var birthDate: String?
    @OptionalField(key: "sex") var sex: String?
    @OptionalField(key: "ethnicity") var ethnicity: String?
    @OptionalField(key: "phone") var phone: String?
    @Field(key: "created_at") var createdAt: String
    @Field(key: "updated_at") var updatedAt: String

    init() {}
}

/// `memberships`: a member's time in one unit (`left_on` empty while it lasts).
final class MembershipModel: Model, @unchecked Sendable {
    static let schema = "memberships"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "member_id") var memberID: Int
    @Field(key: "unit_id") var unitID: Int
    @Field(key: "joined") var joined: String
    @OptionalField(key: "left_on") var leftOn: String?

    init() {}

    init(memberID: Int, unitID: Int, joined: String) {
        self.memberID = memberID; self.unitID = unitID; self.joined = joined
    }
}

/// `households`: a household, counted once, in the unit of its primary member.
final class HouseholdModel: Model, @unchecked Sendable {
    static let schema = "households"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "code") var code: String
    @OptionalField(key: "area") var area: String?
    @Field(key: "ethnic_minority") var ethnicMinority: Int
    @Field(key: "attributes_year") var attributesYear: Int
    @OptionalField(key: "province") var province: String?
    @OptionalField(key: "commune") var commune: String?
    @OptionalField(key: "address") var address: String?
    @OptionalField(key: "primary_member_id") var primaryMemberID: Int?
    @Field(key: "created_at") var createdAt: String
    @Field(key: "updated_at") var updatedAt: String

    init() {}
}
