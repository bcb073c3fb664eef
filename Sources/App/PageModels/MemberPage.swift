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
    /// The record as stored (the page's facts), whatever the form below shows typed.
    struct Facts: Encodable {
        let name: String
        let citizenID: String
        let birthDate: String
        let ethnicity: String
        let phone: String
    }
    let code: String
    let facts: Facts
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
    /// The move and leave forms' dates: today, or what was typed when that form was refused.
    let moveDate: String
    let leaveDate: String
    /// After another officer saved the record in between: what is stored now, beside what was
    /// typed (the form then edits the stored version, so saving again is a deliberate choice).
    let storedNow: String?
    let error: String?
}

extension MemberBody {
    /// The record's form as stored (the names are `MemberForm`'s), with the version it edits.
    static func recordForm(_ profile: MemberProfile) -> [String: String] {
        let m = profile.record
        return ["fullName": m.fullName, "citizenID": m.citizenID ?? "", "birthDate": m.birthDate?.vietnamese ?? "", "sex": m.sex?.rawValue ?? "",
                "ethnicity": m.ethnicity ?? "", "phone": m.phone ?? "", "version": profile.version]
    }

    /// The record as stored, in a line (shown beside what was typed after an edit conflict).
    static func summary(_ m: MemberRecord, text: PageText) -> String {
        [m.fullName, m.citizenID.map { text.t("member.citizen_id") + " " + $0 }, m.birthDate.map(\.vietnamese),
         m.sex.map { text.t("member.sex." + $0.rawValue) }, m.ethnicity, m.phone].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " · ")
    }

    /// A member's page; `fields` is the record's form (`recordForm`, or what was typed), `move`
    /// and `leave` the other two forms' fields (`unit`, `date`).
    init(profile: MemberProfile, fields: [String: String], move: [String: String] = [:], leave: [String: String] = [:], storedNow: String? = nil,
         mayEdit: Bool, units: [Option], history: OrgHistory, today: Day, error: String?, text: PageText) {
        let m = profile.record
        let sexCode = fields["sex"] ?? ""
        self.init(
            code: m.code,
            facts: Facts(name: m.fullName, citizenID: m.citizenID ?? "", birthDate: m.birthDate?.vietnamese ?? "", ethnicity: m.ethnicity ?? "", phone: m.phone ?? ""),
            name: fields["fullName"] ?? m.fullName, citizenID: fields["citizenID"] ?? "", birthDate: fields["birthDate"] ?? "",
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
            units: move["unit"].map(units.selecting) ?? units, moveDate: move["date"] ?? today.vietnamese, leaveDate: leave["date"] ?? today.vietnamese,
            storedNow: storedNow, error: error)
    }
}
