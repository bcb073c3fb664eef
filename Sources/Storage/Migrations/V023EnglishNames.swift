import FluentKit
import SQLKit

/// Version 23: the English names of the union's own programmes as the glossary and the rest of
/// the English pages have them ("Union Shelter", "Tết Reunion"), in the catalogues version 3
/// stored. A database made before this version had the older names; a name changed since by
/// anyone else is left as it is.
struct V023EnglishNames: AsyncMigration {
    var name: String { "v023_english_names" }

    static let renamed: [(table: String, code: String, old: String, new: String)] = [
        ("policies", "qua_tet", "Tết Sum vầy (Tết reunion) gift", "Tết Reunion gift"),
        ("policies", "mai_am_xay_moi", "Mái ấm Công đoàn union house (new build)", "Union Shelter house (new build)"),
        ("policies", "mai_am_sua_chua", "Mái ấm Công đoàn union house (repair)", "Union Shelter house (repair)"),
        ("funds", "mai_am", "Union Warm Home Fund", "Union Shelter Fund"),
    ]

    func prepare(on database: any Database) async throws {
        let sql = try database.sqlDatabase
        for r in Self.renamed {
            try await sql.raw("UPDATE \(unsafeRaw: r.table) SET name_en = \(bind: r.new) WHERE code = \(bind: r.code) AND name_en = \(bind: r.old)").run()
        }
    }

    func revert(on database: any Database) async throws {
        let sql = try database.sqlDatabase
        for r in Self.renamed {
            try await sql.raw("UPDATE \(unsafeRaw: r.table) SET name_en = \(bind: r.old) WHERE code = \(bind: r.code) AND name_en = \(bind: r.new)").run()
        }
    }
}
