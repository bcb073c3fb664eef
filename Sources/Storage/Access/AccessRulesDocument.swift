/// `docs/phan-quyen.md`: the rule table written out for people, so the document can never
/// say something the code does not do (a test compares the file with this text).
extension AccessRules {
    static let roleNames: [(Role, String)] = [
        (.administrator, "Quản trị"), (.provincialOfficer, "Cán bộ tỉnh"), (.branchOfficer, "Cán bộ xã/ngành"),
        (.grassrootsOfficer, "Cán bộ cơ sở"), (.auditor, "Kiểm tra"),
    ]

    static func reachText(_ reach: Reach) -> String {
        switch reach {
        case .branch: "nhánh / branch"
        case .province: "cả tỉnh / province"
        case .own: "của mình / own"
        }
    }

    static func auditText(_ audit: AuditPolicy) -> String {
        switch audit {
        case .writes: "ghi / writes"
        case .namedReads: "đọc có tên người / named reads"
        case .none: "—"
        }
    }

    /// The whole document, Markdown.
    public static func markdown() -> String {
        var lines = [
            "# Phân quyền / Who may do what",
            "",
            "Bảng này do mã nguồn sinh ra (`AccessRules.table` trong `Sources/Storage/Access/AccessRules.swift`);",
            "một kiểm thử so sánh tệp này với bảng, và một kiểm thử khác thử từng thao tác với từng vai trò,",
            "trong và ngoài nhánh, trên SQLite và PostgreSQL (`Tests/StorageTests/AuthorisationMatrixTests.swift`).",
            "",
            "Generated from `AccessRules.table`; a test compares this file with the table, another tries every",
            "operation with every role inside and outside a branch on SQLite and PostgreSQL.",
            "",
            "- **nhánh / branch**: chỉ những gì thuộc nhánh của đơn vị tài khoản (cây hôm nay, kể cả đơn vị tiền thân);",
            "  cái ngoài nhánh được trả lời như không tồn tại (404). Only the account's branch; anything else is \"not found\".",
            "- **cả tỉnh / province**: chỉ tài khoản của đơn vị cao nhất (và dòng lệnh). Only accounts of the top unit, and the command line.",
            "- **của mình / own**: tài khoản của chính mình. The account's own.",
            "- Vai trò không được phép: 403. A role that may not: 403.",
            "- Dòng lệnh (`giamngheo`) chạy với quyền quản trị cả tỉnh, dưới tên người thực hiện (`--user`).",
            "  The command line acts as a named province-wide operator.",
            "",
            "| Thao tác / operation | Phạm vi / reach | " + roleNames.map(\.1).joined(separator: " | ") + " | Nhật ký / audit | Hàm Storage / functions | Điều kiện thêm / further rule |",
            "|---|---|" + roleNames.map { _ in ":-:|" }.joined() + "---|---|---|",
        ]
        for rule in table {
            let marks = roleNames.map { rule.roles.contains($0.0) ? "✓" : "—" }.joined(separator: " | ")
            lines.append("| `\(rule.operation.rawValue)` | \(reachText(rule.reach)) | \(marks) | \(auditText(rule.audited)) | "
                         + rule.functions.map { "`\($0)`" }.joined(separator: ", ") + " | \(rule.relation ?? "") |")
        }
        lines.append("")
        return lines.joined(separator: "\n")
    }
}
