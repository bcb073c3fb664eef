import ArgumentParser
import Foundation
import PovertyCore
import Storage

/// `giamngheo unit …`: one unit's history, and the changes of the tree, each effective on a
/// date, each in one transaction with an audit entry (the same operations as `store.units`).
struct UnitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unit",
        abstract: "Xem và thay đổi một đơn vị công đoàn tại một ngày / Show or change one union unit on a date.",
        discussion: """
        Đơn vị cũ giữ lịch sử và trỏ tới đơn vị kế thừa: số liệu cũ vẫn quy được về cây hiện tại.
        Old units keep their history and point to their successors.
        Ví dụ / e.g.: giamngheo unit merge LDLD-HL LDLD-GV --into CDP-HL --name "Công đoàn phường Hoa Lư" \\
            --kind cong_doan_xa_phuong --parent LDLD-NB --from 01/07/2025
        """,
        subcommands: [Show.self, Rename.self, Move.self, Merge.self, Split.self, Dissolve.self]
    )

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Lịch sử một đơn vị / A unit's history.")
        @Argument(help: "Mã đơn vị / Unit code.") var code: String
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            try await db.withStore { store, actor in
                let history = try await store.units.history()
                guard let unit = history.unit(code: code) else { throw StorageError.unknownUnit(code) }
                func label(_ id: Int?) -> String {
                    guard let id, let u = history.units[id] else { return "—" }
                    return "\(u.code) \(history.lastName(of: id) ?? "")"
                }
                var lines = ["\(unit.code) — \(unit.kind.vietnamese) / \(unit.kind.english)",
                             "hoạt động / active: từ \(unit.from.vietnamese)" + (unit.to.map { " đến hết \($0.previous.vietnamese)" } ?? "")]
                for v in history.versions(of: unit.id) {
                    lines.append("  \(v.from.vietnamese)–\(v.to.map { $0.previous.vietnamese } ?? "nay / now"): \(v.name); cấp trên / parent: \(label(v.parentID))")
                }
                for s in history.successions(of: unit.id) {
                    lines.append("  → \(s.kind.vietnamese) / \(s.kind.rawValue) từ \(s.effective.vietnamese): \(label(s.successorID))" + (s.primary ? " (chính / primary)" : ""))
                }
                let today = store.today
                if !unit.isActive(on: today) {
                    lines.append("nay thuộc / today part of: \(label(history.successor(of: unit.id, on: today)))")
                }
                print(lines.joined(separator: "\n"))
            }
        }
    }

    struct Rename: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rename", abstract: "Đổi tên từ một ngày / Rename from a date.")
        @Argument(help: "Mã đơn vị / Unit code.") var code: String
        @Argument(help: "Tên mới / The new name.") var name: String
        @Option(help: "Từ ngày (dd/mm/yyyy) / Effective from.") var from: String
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            try await db.change(on: from) { store, actor, day in
                try await store.units.rename(actor, code, to: name, on: day)
                return "đã đổi tên / renamed \(code) → \(name) từ \(day.vietnamese)"
            }
        }
    }

    struct Move: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "move", abstract: "Chuyển về cấp trên khác / Move under another parent.")
        @Argument(help: "Mã đơn vị / Unit code.") var code: String
        @Option(help: "Mã đơn vị cấp trên mới / The new parent's code.") var under: String
        @Option(help: "Từ ngày (dd/mm/yyyy) / Effective from.") var from: String
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            try await db.change(on: from) { store, actor, day in
                try await store.units.move(actor, code, under: under, on: day)
                return "đã chuyển / moved \(code) về / under \(under) từ \(day.vietnamese)"
            }
        }
    }

    struct Merge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "merge",
            abstract: "Hợp nhất nhiều đơn vị vào một (mới hoặc đã có) / Merge units into one (new or existing).")
        @Argument(help: "Mã các đơn vị hợp nhất / Codes of the merged units.") var codes: [String]
        @Option(help: "Mã đơn vị nhận / The receiving unit's code.") var into: String
        @OptionGroup var newUnit: NewUnitOptions
        @Option(help: "Từ ngày (dd/mm/yyyy) / Effective from.") var from: String
        @OptionGroup var db: DatabaseOptions

        func validate() throws { guard !codes.isEmpty else { throw ValidationError("cần ít nhất một mã đơn vị / at least one unit code") } }

        func run() async throws {
            try await db.change(on: from) { store, actor, day in
                let history = try await store.units.history()
                let target: NewUnit
                if history.unit(code: into) != nil {
                    target = NewUnit(code: into, name: "", kind: .grassrootsUnion)
                } else {
                    target = try newUnit.unit(code: into, defaultFrom: codes[0], in: history, on: day)
                }
                try await store.units.merge(actor, codes, into: target, on: day)
                return "đã hợp nhất / merged \(codes.joined(separator: ", ")) → \(into) từ \(day.vietnamese)"
            }
        }
    }

    struct Split: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "split",
            abstract: "Chia tách một đơn vị thành các đơn vị mới / Split a unit into new ones.",
            discussion: "--part MÃ=Tên (lặp lại; phần đầu là chính, nhận đoàn viên và các đơn vị con chưa phân / repeat; the first is primary)")
        @Argument(help: "Mã đơn vị / Unit code.") var code: String
        @Option(name: .customLong("part"), help: "MÃ=Tên của một đơn vị mới / CODE=Name of a new unit.") var parts: [String]
        @Option(name: .customLong("assign"), help: "MÃ_CON=MÃ_MỚI: đơn vị con về phần nào / CHILD=NEW: where a child unit goes.") var assign: [String] = []
        @OptionGroup var newUnit: NewUnitOptions
        @Option(help: "Từ ngày (dd/mm/yyyy) / Effective from.") var from: String
        @OptionGroup var db: DatabaseOptions

        func validate() throws {
            guard !parts.isEmpty else { throw ValidationError("cần ít nhất một --part MÃ=Tên / at least one --part CODE=Name") }
            for p in parts + assign where Self.pair(p) == nil {
                throw ValidationError("'\(p)': cần dạng MÃ=Tên / expected CODE=Name")
            }
        }

        static func pair(_ text: String) -> (String, String)? {
            guard let eq = text.firstIndex(of: "=") else { return nil }
            let key = text[..<eq].trimmingCharacters(in: .whitespaces), value = text[text.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            return key.isEmpty || value.isEmpty ? nil : (key, value)
        }

        func run() async throws {
            try await db.change(on: from) { store, actor, day in
                let history = try await store.units.history()
                let newUnits = try parts.map { part -> NewUnit in
                    let (partCode, name) = Self.pair(part)!
                    var options = newUnit
                    options.name = name
                    return try options.unit(code: partCode, defaultFrom: code, in: history, on: day)
                }
                var children: [String: String] = [:]
                for a in assign { let (child, part) = Self.pair(a)!; children[child] = part }
                try await store.units.split(actor, code, into: newUnits, assign: children, on: day)
                return "đã chia tách / split \(code) → \(newUnits.map(\.code).joined(separator: ", ")) từ \(day.vietnamese)"
            }
        }
    }

    struct Dissolve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "dissolve", abstract: "Giải thể, đoàn viên chuyển về đơn vị kế thừa / Dissolve, members pass to a successor.")
        @Argument(help: "Mã đơn vị / Unit code.") var code: String
        @Option(help: "Mã đơn vị kế thừa / The successor's code.") var successor: String
        @Option(help: "Từ ngày (dd/mm/yyyy) / Effective from.") var from: String
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            try await db.change(on: from) { store, actor, day in
                try await store.units.dissolve(actor, code, successor: successor, on: day)
                return "đã giải thể / dissolved \(code), kế thừa / successor \(successor), từ \(day.vietnamese)"
            }
        }
    }
}

/// Name, kind and parent of a unit to create; what is not given is taken from an existing unit.
struct NewUnitOptions: ParsableArguments {
    @Option(help: "Tên đơn vị mới / The new unit's name.") var name: String?
    @Option(help: "Loại đơn vị mới (vd. cong_doan_xa_phuong) / The new unit's kind.") var kind: String?
    @Option(help: "Mã cấp trên của đơn vị mới / The new unit's parent.") var parent: String?

    func unit(code: String, defaultFrom existing: String, in history: OrgHistory, on day: Day) throws -> NewUnit {
        guard let name, !name.isEmpty else { throw ValidationError("đơn vị mới '\(code)' cần --name / the new unit '\(code)' needs --name") }
        let model = history.unit(code: existing)
        let unitKind: UnitKind
        if let kind {
            guard let k = UnitKind(text: kind) else {
                throw ValidationError("loại '\(kind)' không hợp lệ; dùng một trong / unknown kind; use one of: \(UnitKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            unitKind = k
        } else if let model {
            unitKind = model.kind
        } else {
            throw StorageError.unknownUnit(existing)
        }
        let parentCode = parent ?? model.flatMap { history.parent(of: $0.id, on: day) }.flatMap { history.units[$0]?.code }
        return NewUnit(code: code, name: name, kind: unitKind, parentCode: parentCode)
    }
}
