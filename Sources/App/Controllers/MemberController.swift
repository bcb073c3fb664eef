import Foundation
import PovertyCore
import Storage
import Vapor

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
        try await render(req, code: req.parameters.get("code") ?? "", error: nil)
    }

    func edit(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard user.permissions.allows(.editMembers) else { throw StorageError.forbidden(.editMembers) }
        let code = req.parameters.get("code") ?? ""
        let form = try req.content.decode(MemberForm.self)
        var padded = false
        return try await req.change(redirect: Self.path(code), notice: "member_saved", subject: .member,
                                    render: { try await render(req, code: code, error: $0) }) {
            // Every field's problem at once, not one per try (Storage checks them all again).
            var problems: [String] = []
            var birth: Day?
            do { birth = try Self.optionalDay(req, form.birthDate) } catch let refusal as FormRefusal { problems.append(refusal.message) }
            let sexText = (form.sex ?? "").trimmingCharacters(in: .whitespaces)
            let sex = sexText.isEmpty ? nil : CitizenID.Sex(rawValue: sexText)
            // Anything but the form's choices is refused, never stored as "unknown".
            if !sexText.isEmpty && sex == nil { problems.append(req.t("form.bad_number", req.t("member.sex"), sexText)) }
            var cid = (form.citizenID ?? "").trimmingCharacters(in: .whitespaces)
            if !cid.isEmpty {
                (cid, padded) = CitizenID.restoringLeadingZero(cid, birthYear: birth?.year, sex: sex)
                if let problem = CitizenID.check(cid, birthYear: birth?.year, sex: sex) {
                    problems.append(req.text(StorageError.badCitizenID(cid, problem).message))
                }
            }
            var phone: String?
            do { phone = try Self.phone(req, form.phone) } catch let refusal as FormRefusal { problems.append(refusal.message) }
            if (form.fullName ?? "").trimmingCharacters(in: .whitespaces).isEmpty { problems.append(req.text(Message("refusal.member.name_required"))) }
            guard problems.isEmpty else { throw FormRefusal(message: problems.joined(separator: " · ")) }
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
        return try await req.change(redirect: Self.path(code), notice: "member_moved", subject: .member,
                                    render: { try await render(req, code: code, error: $0) }) {
            let profile = try await req.store.members.profile(user.actor, code: code)
            let unitCode = form.unit ?? ""
            guard let unit = user.history.unit(code: unitCode), user.scope.contains(unit.id) else { throw StorageError.notFound(.unit, unitCode) }
            let day = try req.formDay(form.date, "member.from_date")
            _ = try await req.store.members.assign(user.actor, memberID: profile.record.id ?? 0, unitID: unit.id, from: day)
        }
    }

    func leave(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard user.permissions.allows(.editMembers) else { throw StorageError.forbidden(.editMembers) }
        let code = req.parameters.get("code") ?? ""
        struct Form: Content { var date: String?; var confirm: String? }
        let form = try req.content.decode(Form.self)
        return try await req.change(redirect: Self.path(code), notice: "member_left", subject: .member,
                                    render: { try await render(req, code: code, error: $0) }) {
            guard form.confirm == "1" else { throw FormRefusal(message: req.t("member.confirm_needed")) }
            let profile = try await req.store.members.profile(user.actor, code: code)
            try await req.store.members.leave(user.actor, memberID: profile.record.id ?? 0, on: try req.formDay(form.date, "member.left_on"))
        }
    }

    static func path(_ code: String) -> String {
        "/members/" + (code.addingPercentEncoding(withAllowedCharacters: PathTag.unreserved) ?? "")
    }

    static func optionalDay(_ req: Request, _ text: String?) throws -> Day? {
        try req.formOptionalDay(text, "member.birth_date")
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

    /// The member's page; `error` is a refused form, shown again with what was typed into the record's form.
    func render(_ req: Request, code: String, error: String?) async throws -> Response {
        let user = try req.requireUser()
        let profile = try await req.store.members.profile(user.actor, code: code)
        // Each form is shown again as typed only when it was the one refused.
        var fields = req.echo(MemberBody.recordForm(profile), refused: error, action: "record")
        let move = req.echo(["unit": "", "date": ""], refused: error, action: "move").filter { !$0.value.isEmpty }
        let leave = req.echo(["date": ""], refused: error, action: "leave").filter { !$0.value.isEmpty }
        // Saved by someone else since the form was read: what was typed stays, shown beside what
        // is stored now, and the form now edits the stored version.
        var storedNow: String?
        if error != nil, fields["version"] != profile.version {
            fields["version"] = profile.version
            storedNow = MemberBody.summary(profile.record, text: req.pageText)
        }
        let body = MemberBody(profile: profile, fields: fields, move: move, leave: leave, storedNow: storedNow, mayEdit: user.permissions.allows(.editMembers),
                              units: try await req.formUnits(user, selected: profile.currentUnitID.flatMap { user.history.units[$0]?.code }),
                              history: user.history, today: req.store.today, error: error, text: req.pageText)
        return try await req.page("member", title: req.t("member.title", profile.record.fullName), active: "members",
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
