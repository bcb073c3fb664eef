import FluentKit
import SQLKit

/// Version 15: the web app's import job kept with the import it ran, unique, so a job imports
/// once even when its process stops between the commit and marking the job done, and the job
/// confirmed again finds its import (and its whole result, kept as JSON) instead of running it
/// a second time.
struct V015ImportJob: SQLMigration {
    var name: String { "v015_import_job" }

    func statements(_ sql: any SQLDatabase) -> [String] {
        ["ALTER TABLE imports ADD COLUMN job TEXT", "CREATE UNIQUE INDEX imports_job ON imports (job)", "ALTER TABLE imports ADD COLUMN result TEXT"]
    }

    var revertStatements: [String] { ["ALTER TABLE imports DROP COLUMN result", "DROP INDEX imports_job", "ALTER TABLE imports DROP COLUMN job"] }
}
