import FluentKit
import SQLKit

/// Version 21: a member's link to a household carries the days it held. A members file that
/// gives a member another household ends the link to the old one on the day of the import and
/// starts the new one then (a member's first household holds from before anything was
/// recorded; a link ended is taken up again from the day a later file gives it), so a year's
/// list of members in poor households names them where they lived at that year's end, not in
/// every household they were ever linked to. Links made before, and those a survey row makes
/// (which names a member for its year), carry no days: they hold until a members file ends them.
/// A link also names the import that made it (or took it up again), whose audit entry says
/// who imported which file: "member X lives in household H" is traceable to a person.
struct V021HouseholdLinkDays: SQLMigration {
    var name: String { "v021_household_link_days" }

    func statements(_ sql: any SQLDatabase) -> [String] {
        ["ALTER TABLE household_members ADD COLUMN linked_on TEXT",
         "ALTER TABLE household_members ADD COLUMN unlinked_on TEXT",
         "ALTER TABLE household_members ADD COLUMN import_id BIGINT"]
    }

    var revertStatements: [String] {
        ["ALTER TABLE household_members DROP COLUMN import_id", "ALTER TABLE household_members DROP COLUMN unlinked_on",
         "ALTER TABLE household_members DROP COLUMN linked_on"]
    }
}
