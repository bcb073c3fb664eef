import SQLKit

/// Version 18: a revision for members, so counts kept for searches by name or code (the
/// households list) are dropped when a member is renamed, edited or linked to a household.
struct V018MembersRevision: SQLMigration {
    var name: String { "v018_members_revision" }

    func statements(_ sql: any SQLDatabase) -> [String] {
        ["INSERT INTO data_revisions (name, revision) VALUES ('members', 0)"]
    }

    var revertStatements: [String] { ["DELETE FROM data_revisions WHERE name = 'members'"] }
}
