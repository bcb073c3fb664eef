import FluentKit
import SQLKit

/// Version 20: a review keeps the address and the head's name its row gave, so a year's named
/// lists (Biểu 14/15) show them as they were that year, not as a later file left the household.
/// Reviews of the household's latest year get the household's address as last given (a
/// later row without one keeps an earlier year's); the others show the household's address
/// until a file gives theirs, which then fills it in without counting as a change.
struct V020ReviewAddress: SQLMigration {
    var name: String { "v020_review_address" }

    func statements(_ sql: any SQLDatabase) -> [String] {
        ["ALTER TABLE reviews ADD COLUMN address TEXT",
         "ALTER TABLE reviews ADD COLUMN head_name TEXT",
         """
         UPDATE reviews SET address = (SELECT h.address FROM households h WHERE h.id = reviews.household_id AND h.attributes_year = reviews.year)
         WHERE EXISTS (SELECT 1 FROM households h WHERE h.id = reviews.household_id AND h.attributes_year = reviews.year AND h.address IS NOT NULL)
         """]
    }

    var revertStatements: [String] { ["ALTER TABLE reviews DROP COLUMN head_name", "ALTER TABLE reviews DROP COLUMN address"] }
}
