import Foundation
import PovertyCore
import Storage

/// The audit log, filtered by who, what and on what, a page at a time.
struct AuditBody: Encodable {
    struct Row: Encodable {
        let at: String
        let actor: String
        let action: String
        let entity: String
        let detail: String
        let channel: String
    }
    let actor: String
    let action: String
    let entity: String
    /// The days typed, as dd/mm/yyyy (empty: none).
    let from: String
    let to: String
    let actions: [Option]
    let entities: [Option]
    let actors: [String]
    let rows: [Row]
    let summary: String
    let pages: [PageLink]
    let hasPages: Bool
}

extension AuditBody {
    /// One page of the log: actions and objects by their names (a code the catalogue does not
    /// know is shown as is), the filters' choices in Vietnamese order, and page links that
    /// keep the filters.
    init(page: Page<Audit.Entry>, actor: String, action: String, entity: String, from: Day?, to: Day?, actors: [String], text: PageText) {
        let catalogue = text.catalogue
        func named(_ kind: String, _ code: String) -> String {
            let key = "audit." + kind + "." + code
            return catalogue.has(key) ? text.t(key) : code
        }
        let rows = page.items.map {
            Row(at: Format.date($0.at), actor: $0.actor, action: named("action", $0.action),
                entity: named("entity", $0.entity) + ($0.entityID.map { " #\($0)" } ?? ""), detail: $0.detail,
                channel: $0.channel.isEmpty ? "" : text.t("channel." + $0.channel))
        }
        func choices(_ kind: String, _ selected: String) -> [Option] {
            let prefix = "audit.\(kind)."
            let options = catalogue.keys(prefix: prefix).map { key in
                Option(value: String(key.dropFirst(prefix.count)), label: text.t(key), selected: String(key.dropFirst(prefix.count)) == selected)
            }.sorted { VietnameseCollation.sortKey($0.label) < VietnameseCollation.sortKey($1.label) }
            return [Option(value: "", label: text.t("audit.any"), selected: selected.isEmpty)] + options
        }
        let fromText = from?.vietnamese ?? "", toText = to?.vietnamese ?? ""
        let items = [("actor", actor), ("action", action), ("entity", entity), ("from", fromText), ("to", toText)].filter { !$0.1.isEmpty }
        let pages = pageLinks(current: page.page, count: page.pages) { p in "/audit" + queryString(items + [("page", String(p))]) }
        self.init(actor: actor, action: action, entity: entity, from: fromText, to: toText,
                  actions: choices("action", action), entities: choices("entity", entity),
                  actors: actors, rows: rows, summary: text.t("audit.summary", text.number(page.total), String(page.page), String(page.pages)),
                  pages: pages, hasPages: !pages.isEmpty)
    }
}
