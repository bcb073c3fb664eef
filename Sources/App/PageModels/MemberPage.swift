import Foundation
import PovertyCore
import Storage

/// One member's page: the record (its form), where they have belonged, their households.
struct MemberBody: Encodable {
    struct Membership: Encodable {
        let unit: String
        let joined: String
        let left: String
    }
    let code: String
    let name: String
    let citizenID: String
    let birthDate: String
    let sex: String
    let ethnicity: String
    let phone: String
    let version: String
    let unit: String
    let inUnion: Bool
    let memberships: [Membership]
    let households: [String]
    let hasHouseholds: Bool
    let mayEdit: Bool
    let sexes: [Option]
    let units: [Option]
    let today: String
    let error: String?
}

extension MemberBody {
    /// The record's form as stored (the names are `MemberForm`'s), with the version it edits.
    static func recordForm(_ profile: MemberProfile) -> [String: String] {
        let m = profile.record
        return ["fullName": m.fullName, "citizenID": m.citizenID ?? "", "birthDate": m.birthDate?.vietnamese ?? "", "sex": m.sex?.rawValue ?? "",
                "ethnicity": m.ethnicity ?? "", "phone": m.phone ?? "", "version": profile.version]
    }

    /// A member's page; `fields` is the record's form (`recordForm`, or what was typed).
    init(profile: MemberProfile, fields: [String: String], mayEdit: Bool, units: [Option], history: OrgHistory, today: Day, error: String?,
         text: PageText) {
        let m = profile.record
        let sexCode = fields["sex"] ?? ""
        self.init(
            code: m.code, name: fields["fullName"] ?? m.fullName, citizenID: fields["citizenID"] ?? "", birthDate: fields["birthDate"] ?? "",
            sex: m.sex.map { text.t("member.sex." + $0.rawValue) } ?? "–",
            ethnicity: fields["ethnicity"] ?? "", phone: fields["phone"] ?? "", version: fields["version"] ?? profile.version,
            unit: profile.currentUnitID.map { unitName($0, history, today) } ?? text.t("member.not_in_union"),
            inUnion: profile.currentUnitID != nil,
            memberships: profile.memberships.reversed().map {
                Membership(unit: unitName($0.unitID, history, $0.left ?? today), joined: $0.joined.vietnamese, left: $0.left?.vietnamese ?? "")
            },
            households: profile.households, hasHouseholds: !profile.households.isEmpty, mayEdit: mayEdit,
            sexes: [Option(value: "", label: "–", selected: sexCode.isEmpty)]
                + CitizenID.Sex.allCases.map { Option(value: $0.rawValue, label: text.t("member.sex." + $0.rawValue), selected: $0.rawValue == sexCode) },
            units: units, today: today.vietnamese, error: error)
    }
}
