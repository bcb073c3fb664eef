import Foundation
import PovertyCore
import Storage

struct HouseholdBody: Encodable {
    struct Member: Encodable {
        let code: String
        let name: String
        let primary: Bool
    }
    struct Review: Encodable {
        let year: Int
        let unit: String
        let standard: String
        let status: String
        let statusCode: String
        let income: String
        let deprivations: [String]
        let hasDeprivations: Bool
        let reason: String
        let official: String
        let mismatch: Bool
    }
    let code: String
    let place: String
    let area: String
    struct Support: Encodable {
        let id: Int
        let day: String
        let policy: String
        let value: String
        let inKind: String
        let source: String
        let unit: String
        let cancelled: Bool
        let cancelReason: String
        let mayCancel: Bool
        /// The reason typed into its cancel form when that was refused.
        let typedReason: String
    }
    struct Need: Encodable {
        let indicator: String
        let addressed: Bool
        let by: String
    }
    struct Loan: Encodable {
        let code: String
        let member: String
        let amount: String
        let state: String
        let outstanding: String
    }
    let members: [Member]
    let reviews: [Review]
    let support: [Support]
    let hasSupport: Bool
    let showsSupport: Bool
    let coverage: [Need]
    let hasCoverage: Bool
    let coverageComplete: Bool
    let loans: [Loan]
    let hasLoans: Bool
    let mayRecord: Bool
    let policies: [Option]
    let sources: [Option]
    let funds: [Option]
    let units: [Option]
    let today: String
    let error: String?
    let typedValue: String
    let typedInKind: String
    let typedSourceName: String
    /// The officer may enter and correct reviews (the review sheet).
    let mayEnterReview: Bool
    let reviewYear: Int
}

extension HouseholdBody {
    /// The support form's fields before anything is typed.
    static func supportForm(today: Day, unit: String?) -> [String: String] {
        ["policy": "", "date": today.vietnamese, "value": "0", "inKind": "", "source": SupportSource.state.rawValue, "sourceName": "",
         "unit": unit ?? "", "fund": ""]
    }

    /// A household's page from its dossier. Support and loans are kept by the unit of the
    /// latest review: a household another branch now holds shows its reviews, not its support
    /// (`dossier.support` nil), and no support form. A record a loan made is cancelled only with
    /// its loan; `form` is the support form as shown (`supportForm`, or what was typed).
    init(dossier: HouseholdDossier, policies: PolicyCatalogue, funds: [FundInfo], permissions: Permissions, history: OrgHistory,
         today: Day, form: [String: String], units: [Option], refusedCancel: (id: Int, fields: [String: String])? = nil, error: String?,
         text: PageText) {
        let file = dossier.file, current = dossier.support, coverage = dossier.coverage, lang = text.language
        let catalog = StandardCatalog.builtIn
        self.init(
            code: file.code, place: [file.commune, file.province].compactMap { $0 }.joined(separator: ", "),
            area: file.area.map { lang == .vi ? $0.vietnamese : $0.english } ?? "",
            members: file.members.map { Member(code: $0.code, name: $0.fullName, primary: $0.isPrimary) },
            reviews: file.reviews.reversed().map { r in
                Review(year: r.year, unit: unitName(r.unitID, history, Day.endOfYear(r.year)),
                       standard: catalog.standard(code: r.standardCode).map { ReviewFormBody.standardName($0, lang) } ?? r.standardCode,
                       status: text.status(r.status), statusCode: r.status.rawValue, income: text.money(r.perCapitaMonthly),
                       deprivations: catalog.indicators.filter { r.deprivations & (1 << UInt64($0.index)) != 0 }.map { lang == .vi ? $0.vi : $0.en },
                       hasDeprivations: r.deprivations != 0,
                       reason: r.reason, official: r.official.map { text.status($0) } ?? "", mismatch: r.official != nil && r.official != r.status)
            },
            support: (current ?? []).map { s in
                Support(id: s.id, day: s.day.vietnamese, policy: text.policyName(s.policyCode, policies), value: text.money(s.value),
                        inKind: s.inKind, source: text.t("support.source." + s.source.rawValue) + (s.sourceName.isEmpty ? "" : ": " + s.sourceName),
                        unit: unitName(s.unitID, history, today), cancelled: s.cancelled, cancelReason: s.cancelReason ?? "",
                        mayCancel: !s.cancelled && permissions.allows(.cancelSupport, at: s.unitID) && !s.fromLoan,
                        typedReason: refusedCancel?.id == s.id ? refusedCancel?.fields["reason"] ?? "" : "")
            },
            hasSupport: !(current ?? []).isEmpty,
            showsSupport: current != nil,
            coverage: coverage.map { c in
                c.lines.map { l in
                    Need(indicator: text.indicatorName(l.indicator), addressed: l.isAddressed,
                         by: (l.isAddressed ? l.received : l.addressedBy).map { text.policyName($0, policies) }.joined(separator: ", "))
                }
            } ?? [],
            hasCoverage: !(coverage?.lines.isEmpty ?? true),
            coverageComplete: coverage?.isComplete ?? false,
            loans: dossier.loans.map { f in
                Loan(code: f.code, member: f.memberName, amount: text.money(f.amount), state: text.t("loan.state." + f.state.rawValue),
                     outstanding: text.money(f.outstanding))
            },
            hasLoans: !dossier.loans.isEmpty,
            mayRecord: current != nil && permissions.allows(.recordSupport),
            policies: policies.policies.filter { !SupportRecord.isLoanPolicy($0.code) }.map {
                Option(value: $0.code, label: lang == .vi ? $0.nameVi : $0.nameEn, selected: $0.code == form["policy"])
            },
            sources: SupportSource.allCases.map { source in
                Option(value: source.rawValue, label: text.t("support.source." + source.rawValue), selected: source.rawValue == form["source"])
            },
            funds: funds.map { Option(value: $0.code, label: text.fundName($0), selected: $0.code == form["fund"]) },
            units: units, today: form["date"] ?? today.vietnamese, error: error,
            typedValue: form["value"] ?? "0", typedInKind: form["inKind"] ?? "", typedSourceName: form["sourceName"] ?? "",
            // Only the branch holding the household now enters its reviews (a branch it has left
            // would be refused on saving).
            mayEnterReview: permissions.allows(.importSurvey) && !dossier.heldElsewhere, reviewYear: today.year)
    }
}
