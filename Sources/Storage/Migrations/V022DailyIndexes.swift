import FluentKit
import SQLKit

/// Version 22: indexes for pages opened every day, found slow at a province's size (300,000
/// households, 2 million audit entries):
/// - PostgreSQL sorts the household list by code point (`COLLATE "C"`, as SQLite does), which
///   the index of version 2 (the database's own collation) cannot serve: every page sorted all
///   households (230 ms) — with this one it reads the page from the index;
/// - the audit log filtered by who acted, what was done or on what, newest first: without
///   these, each filter walked or sorted the whole log (0.2–0.6 s at 2 million entries);
/// - a ledger's sums by day (what a payment checks the ledger held) and a campaign's sums by
///   state (the campaigns list) from the index alone, without reading the rows.
struct V022DailyIndexes: SQLMigration {
    var name: String { "v022_daily_indexes" }

    func statements(_ sql: any SQLDatabase) -> [String] {
        var statements = [
            "CREATE INDEX audit_log_actor_time ON audit_log (actor, at, id)",
            "CREATE INDEX audit_log_action_time ON audit_log (action, at, id)",
            "CREATE INDEX audit_log_entity_time ON audit_log (entity, at, id)",
            "CREATE INDEX fund_entries_ledger_amounts ON fund_entries (fund_id, unit_id, day, amount)",
            "CREATE INDEX campaign_proposals_sums ON campaign_proposals (campaign_id, state, amount)",
        ]
        if sql.dialect.name == "postgresql" {
            statements.append(#"CREATE INDEX households_sort_c ON households (sort_key COLLATE "C", code COLLATE "C")"#)
        }
        return statements
    }

    var revertStatements: [String] {
        ["DROP INDEX IF EXISTS households_sort_c", "DROP INDEX campaign_proposals_sums", "DROP INDEX fund_entries_ledger_amounts",
         "DROP INDEX audit_log_entity_time", "DROP INDEX audit_log_action_time",
         "DROP INDEX audit_log_actor_time"]
    }
}
