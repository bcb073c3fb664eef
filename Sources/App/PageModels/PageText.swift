import Foundation
import PovertyCore
import Storage
import Vapor

// Page models (the `…Body` types the templates render) are built from Storage's answers and a
// `PageText` — the page's language and catalogue — and nothing of the request, so each can be
// built and tested on its own (Tests/AppTests/PageModelTests.swift).

/// The words and number formats of one page language.
struct PageText: Sendable {
    let catalogue: Catalogue
    let language: Language

    func t(_ key: String, _ args: String...) -> String { catalogue.text(key, language, args) }
    func number(_ n: Int) -> String { Format.number(n, language) }
    func money(_ d: Dong) -> String { Format.money(d, language) }
    func percent(_ part: Int, _ whole: Int) -> String { Format.percent(part, whole, language) }
    func status(_ s: LivingStandard) -> String { Format.status(s, catalogue, language) }

    func policyName(_ code: String, _ policies: PolicyCatalogue) -> String {
        guard let p = policies.policy(code: code) else { return code }
        return language == .vi ? p.nameVi : p.nameEn
    }

    func indicatorName(_ code: String) -> String {
        guard let i = StandardCatalog.builtIn.indicator(code: code) else { return code }
        return language == .vi ? i.vi : i.en
    }

    func fundName(_ f: FundInfo) -> String { language == .vi ? f.nameVi : f.nameEn }
}

extension Request {
    /// The page's language and catalogue, for building page models.
    var pageText: PageText { PageText(catalogue: web.catalogue, language: language) }
}
