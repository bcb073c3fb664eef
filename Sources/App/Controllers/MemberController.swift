import Foundation
import PovertyCore
import Storage
import Vapor

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

/// The member form as posted.
struct MemberForm: Content {
    var fullName: String?
    var citizenID: String?
    var birthDate: String?
    var sex: String?
    var ethnicity: String?
    var phone: String?
    var version: String?
}

/// One member's page: what is stored about them, where they have belonged, their households;
/// officers of the branch correct the record, move the member to another unit or record
/// that they left the union, each on a date (history kept) and audited.
struct MemberController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("members", ":code", use: show)
        routes.post("members", ":code", use: edit)
        routes.post("members", ":code", "move", use: move)
        routes.post("members", ":code", "leave", use: leave)
    }

    func show(req: Request) async throws -> Response {
        try await render(req, code: req.parameters.get("code") ?? "", typed: nil, error: nil)
    }

    func edit(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard user.permissions.allows(.editMembers) else { throw StorageError.forbidden(.editMembers) }
        let code = req.parameters.get("code") ?? ""
        let form = try req.content.decode(MemberForm.self)
        var padded = false
        return try await req.change(redirect: Self.path(code), notice: "member_saved",
                                    render: { try await render(req, code: code, typed: form, error: $0) }) {
            let birth = try Self.optionalDay(req, form.birthDate)
            let sexText = (form.sex ?? "").trimmingCharacters(in: .whitespaces)
            let sex = sexText.isEmpty ? nil : CitizenID.Sex(rawValue: sexText)
            var cid = (form.citizenID ?? "").trimmingCharacters(in: .whitespaces)
            if !cid.isEmpty {
                (cid, padded) = CitizenID.restoringLeadingZero(cid, birthYear: birth?.year, sex: sex)
            }
            let phone = try Self.phone(req, form.phone)
            let ethnicity = (form.ethnicity ?? "").trimmingCharacters(in: .whitespaces)
            let record = MemberRecord(code: code, fullName: (form.fullName ?? "").trimmingCharacters(in: .whitespaces),
                                      citizenID: cid.isEmpty ? nil : cid, birthDate: birth, sex: sex,
                                      ethnicity: ethnicity.isEmpty ? nil : ethnicity, phone: phone)
            try await req.store.members.update(user.actor, code: code, to: record, version: form.version ?? "")
        }.withNotice(padded ? "member_saved_zero" : nil)
    }

    func move(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard user.permissions.allows(.editMembers) else { throw StorageError.forbidden(.editMembers) }
        let code = req.parameters.get("code") ?? ""
        struct Form: Content { var unit: String?; var date: String? }
        let form = try req.content.decode(Form.self)
        return try await req.change(redirect: Self.path(code), notice: "member_moved",
                                    render: { try await render(req, code: code, typed: nil, error: $0) }) {
            let profile = try await req.store.members.profile(user.actor, code: code)
            let unitCode = form.unit ?? ""
            guard let unit = user.history.unit(code: unitCode), user.scope.contains(unit.id) else { throw StorageError.notFound(.unit, unitCode) }
            let day = try req.formDay(form.date)
            _ = try await req.store.members.assign(user.actor, memberID: profile.record.id ?? 0, unitID: unit.id, from: day)
        }
    }

    func leave(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard user.permissions.allows(.editMembers) else { throw StorageError.forbidden(.editMembers) }
        let code = req.parameters.get("code") ?? ""
        struct Form: Content { var date: String?; var confirm: String? }
        let form = try req.content.decode(Form.self)
        return try await req.change(redirect: Self.path(code), notice: "member_left",
                                    render: { try await render(req, code: code, typed: nil, error: $0) }) {
            guard form.confirm == "1" else { throw FormRefusal(message: req.t("member.confirm_needed")) }
            let profile = try await req.store.members.profile(user.actor, code: code)
            try await req.store.members.leave(user.actor, memberID: profile.record.id ?? 0, on: try req.formDay(form.date))
        }
    }

    static func path(_ code: String) -> String {
        "/members/" + (code.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? "")
    }

    static func optionalDay(_ req: Request, _ text: String?) throws -> Day? {
        let s = (text ?? "").trimmingCharacters(in: .whitespaces)
        return s.isEmpty ? nil : try req.formDay(s)
    }

    /// A phone number as people write it (spaces, dots, dashes, a leading +): 8 to 15 digits.
    static func phone(_ req: Request, _ text: String?) throws -> String? {
        let s = (text ?? "").trimmingCharacters(in: .whitespaces)
        if s.isEmpty { return nil }
        let digits = s.filter(\.isASCII).filter(\.isNumber)
        let allowed = s.allSatisfy { $0.isASCII && ($0.isNumber || " .-+()".contains($0)) }
        guard allowed, (8...15).contains(digits.count) else { throw FormRefusal(message: req.t("form.bad_phone", s)) }
        return s
    }

    func render(_ req: Request, code: String, typed: MemberForm?, error: String?) async throws -> Response {
        let user = try req.requireUser()
        let lang = req.language
        let profile = try await req.store.members.profile(user.actor, code: code)
        let m = profile.record
        let today = req.store.today
        let sexCode = typed?.sex ?? m.sex?.rawValue ?? ""
        let body = MemberBody(
            code: m.code, name: typed?.fullName ?? m.fullName, citizenID: typed?.citizenID ?? m.citizenID ?? "",
            birthDate: typed?.birthDate ?? m.birthDate?.vietnamese ?? "",
            sex: m.sex.map { req.t("member.sex." + $0.rawValue) } ?? "–",
            ethnicity: typed?.ethnicity ?? m.ethnicity ?? "", phone: typed?.phone ?? m.phone ?? "",
            version: typed?.version ?? profile.version,
            unit: profile.currentUnitID.map { unitName($0, user.history, today) } ?? req.t("member.not_in_union"),
            inUnion: profile.currentUnitID != nil,
            memberships: profile.memberships.reversed().map {
                MemberBody.Membership(unit: unitName($0.unitID, user.history, $0.left ?? today), joined: $0.joined.vietnamese,
                                      left: $0.left?.vietnamese ?? "")
            },
            households: profile.households, hasHouseholds: !profile.households.isEmpty,
            mayEdit: user.permissions.allows(.editMembers),
            sexes: [Option(value: "", label: "–", selected: sexCode.isEmpty)]
                + CitizenID.Sex.allCases.map { Option(value: $0.rawValue, label: req.t("member.sex." + $0.rawValue), selected: $0.rawValue == sexCode) },
            units: try await req.formUnits(user, selected: profile.currentUnitID.flatMap { user.history.units[$0]?.code }),
            today: today.vietnamese, error: error)
        _ = lang
        return try await req.page("member", title: req.t("member.title", m.fullName), active: "members",
                                  status: error == nil ? .ok : .badRequest, body)
    }
}

private extension Response {
    /// Swaps the notice of a successful redirect (the form said more than "saved").
    func withNotice(_ key: String?) -> Response {
        guard let key, status == .seeOther, let location = headers.first(name: .location),
              let range = location.range(of: "notice=") else { return self }
        headers.replaceOrAdd(name: .location, value: String(location[..<range.upperBound]) + key)
        return self
    }
}
