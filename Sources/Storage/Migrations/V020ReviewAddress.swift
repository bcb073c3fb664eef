import FluentKit
import SQLKit

/// Version 20: a review keeps the address and the head's name its row gave, so a year's named
/// lists (Biểu 14/15) show them as they were that year, not as a later file left the household.
/// Reviews of the year the household's current address came from get it back; the others
/// show the household's address until a file gives theirs.
struct V020ReviewAddress: SQLMigration {
    var name: String { "v020_review_address" }

    func statements(_ sql: any SQLDatabase) -> [String] {
        ["ALTER TABLE reviews ADD COLUMN address TEXT",
         "ALTER TABLE reviews ADD COLUMN head_name TEXT",
         """
         UPDATE reviews SET address = (SELECT h.address FROM households h WHERE h.id = reviews.household_id AND h.attributes_year = reviews.year)
         """]
    }

    var revertStatements: [String] { ["ALTER TABLE reviews DROP COLUMN head_name", "ALTER TABLE reviews DROP COLUMN address"] }
}
