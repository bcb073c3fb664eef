import FluentKit
import PovertyCore
import SQLKit

/// Version 3: support for households (the policy catalogue and what each household
/// received), funds kept as append-only ledgers with a balance per fund and unit that can
/// never go negative, National Employment Fund loans, and gift campaigns.
struct V003Support: AsyncMigration {
    var name: String { "v003_support" }

    func prepare(on database: any Database) async throws {
        let sql = try database.sqlDatabase
        let t = DDL(sql)
        let statements = [
            """
            CREATE TABLE policies (
                id \(t.id),
                code TEXT NOT NULL UNIQUE,
                name_vi TEXT NOT NULL,
                name_en TEXT NOT NULL,
                kind TEXT NOT NULL,
                position BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE policy_indicators (
                policy_code TEXT NOT NULL REFERENCES policies(code),
                indicator TEXT NOT NULL,
                PRIMARY KEY (indicator, policy_code)
            )
            """,
            """
            CREATE TABLE funds (
                id \(t.id),
                code TEXT NOT NULL UNIQUE,
                name_vi TEXT NOT NULL,
                name_en TEXT NOT NULL,
                kind TEXT NOT NULL
            )
            """,
            """
            CREATE TABLE fund_balances (
                fund_id BIGINT NOT NULL REFERENCES funds(id),
                unit_id BIGINT NOT NULL REFERENCES units(id),
                balance BIGINT NOT NULL CHECK (balance >= 0),
                PRIMARY KEY (fund_id, unit_id)
            )
            """,
            """
            CREATE TABLE campaigns (
                id \(t.id),
                code TEXT NOT NULL UNIQUE,
                kind TEXT NOT NULL,
                name TEXT NOT NULL,
                unit_id BIGINT NOT NULL REFERENCES units(id),
                fund_id BIGINT NOT NULL REFERENCES funds(id),
                year BIGINT NOT NULL,
                starts_on TEXT NOT NULL,
                ends_on TEXT NOT NULL,
                budget BIGINT NOT NULL CHECK (budget >= 0),
                gift_value BIGINT NOT NULL CHECK (gift_value >= 0),
                statuses TEXT NOT NULL,
                state TEXT NOT NULL,
                entered_by TEXT NOT NULL,
                entered_at TEXT NOT NULL
            )
            """,
            """
            CREATE TABLE loans (
                id \(t.id),
                code TEXT NOT NULL UNIQUE,
                member_id BIGINT NOT NULL REFERENCES members(id),
                household_id BIGINT REFERENCES households(id),
                unit_id BIGINT NOT NULL REFERENCES units(id),
                purpose TEXT NOT NULL,
                workers BIGINT NOT NULL,
                jobs_planned BIGINT NOT NULL,
                jobs_created BIGINT,
                amount BIGINT NOT NULL CHECK (amount > 0),
                term_months BIGINT NOT NULL,
                every_months BIGINT NOT NULL,
                applied_on TEXT NOT NULL,
                state TEXT NOT NULL,
                decided_on TEXT,
                decided_by TEXT,
                decision_note TEXT,
                disbursed_on TEXT,
                closed_on TEXT,
                written_off BIGINT NOT NULL DEFAULT 0,
                entered_by TEXT NOT NULL,
                entered_at TEXT NOT NULL
            )
            """,
            "CREATE INDEX loans_unit ON loans (unit_id, state)",
            "CREATE INDEX loans_household ON loans (household_id)",
            """
            CREATE TABLE loan_extensions (
                id \(t.id),
                loan_id BIGINT NOT NULL REFERENCES loans(id),
                granted TEXT NOT NULL,
                months BIGINT NOT NULL CHECK (months > 0),
                reason TEXT NOT NULL,
                entered_by TEXT NOT NULL,
                entered_at TEXT NOT NULL
            )
            """,
            "CREATE INDEX loan_extensions_loan ON loan_extensions (loan_id)",
            """
            CREATE TABLE fund_entries (
                id \(t.id),
                fund_id BIGINT NOT NULL REFERENCES funds(id),
                unit_id BIGINT NOT NULL REFERENCES units(id),
                day TEXT NOT NULL,
                kind TEXT NOT NULL,
                amount BIGINT NOT NULL,
                contributor TEXT,
                counterpart_unit_id BIGINT REFERENCES units(id),
                household_id BIGINT REFERENCES households(id),
                campaign_id BIGINT REFERENCES campaigns(id),
                loan_id BIGINT REFERENCES loans(id),
                reverses_id BIGINT UNIQUE REFERENCES fund_entries(id),
                paired_id BIGINT REFERENCES fund_entries(id),
                note TEXT NOT NULL,
                entered_by TEXT NOT NULL,
                entered_at TEXT NOT NULL
            )
            """,
            "CREATE INDEX fund_entries_ledger ON fund_entries (fund_id, unit_id, day)",
            "CREATE INDEX fund_entries_household ON fund_entries (household_id)",
            """
            CREATE TABLE loan_repayments (
                id \(t.id),
                loan_id BIGINT NOT NULL REFERENCES loans(id),
                day TEXT NOT NULL,
                amount BIGINT NOT NULL CHECK (amount > 0),
                fund_entry_id BIGINT NOT NULL REFERENCES fund_entries(id),
                entered_by TEXT NOT NULL,
                entered_at TEXT NOT NULL
            )
            """,
            "CREATE INDEX loan_repayments_loan ON loan_repayments (loan_id, day)",
            """
            CREATE TABLE support (
                id \(t.id),
                household_id BIGINT NOT NULL REFERENCES households(id),
                policy_code TEXT NOT NULL REFERENCES policies(code),
                day TEXT NOT NULL,
                year BIGINT NOT NULL,
                value BIGINT NOT NULL CHECK (value >= 0),
                in_kind TEXT NOT NULL,
                source_kind TEXT NOT NULL,
                source_name TEXT NOT NULL,
                unit_id BIGINT NOT NULL REFERENCES units(id),
                fund_entry_id BIGINT REFERENCES fund_entries(id),
                campaign_id BIGINT REFERENCES campaigns(id),
                cancelled_at TEXT,
                cancel_reason TEXT,
                entered_by TEXT NOT NULL,
                entered_at TEXT NOT NULL
            )
            """,
            "CREATE INDEX support_household ON support (household_id, year)",
            "CREATE INDEX support_unit ON support (unit_id, year)",
            """
            CREATE TABLE campaign_proposals (
                id \(t.id),
                campaign_id BIGINT NOT NULL REFERENCES campaigns(id),
                household_id BIGINT NOT NULL REFERENCES households(id),
                unit_id BIGINT NOT NULL REFERENCES units(id),
                amount BIGINT NOT NULL CHECK (amount >= 0),
                rank BIGINT NOT NULL,
                hardship BIGINT NOT NULL DEFAULT 0,
                state TEXT NOT NULL,
                reason TEXT NOT NULL,
                support_id BIGINT REFERENCES support(id),
                decided_by TEXT,
                decided_at TEXT,
                UNIQUE (campaign_id, household_id)
            )
            """,
            "CREATE INDEX campaign_proposals_unit ON campaign_proposals (campaign_id, unit_id, state)",
        ]
        for statement in statements { try await sql.raw("\(unsafeRaw: statement)").run() }

        let catalogue = PolicyCatalogue.bundled
        for (position, policy) in catalogue.policies.enumerated() {
            try await sql.raw("""
                INSERT INTO policies (code, name_vi, name_en, kind, position)
                VALUES (\(bind: policy.code), \(bind: policy.nameVi), \(bind: policy.nameEn), \(bind: policy.kind.rawValue), \(bind: position))
                """).run()
        }
        for (indicator, codes) in catalogue.addresses.sorted(by: { $0.key < $1.key }) {
            for code in codes {
                try await sql.raw("INSERT INTO policy_indicators (policy_code, indicator) VALUES (\(bind: code), \(bind: indicator))").run()
            }
        }
        for fund in FundKind.bundledFunds {
            try await sql.raw("""
                INSERT INTO funds (code, name_vi, name_en, kind)
                VALUES (\(bind: fund.code), \(bind: fund.nameVi), \(bind: fund.nameEn), \(bind: fund.kind.rawValue))
                """).run()
        }
    }

    func revert(on database: any Database) async throws {
        let sql = try database.sqlDatabase
        for table in ["campaign_proposals", "support", "loan_repayments", "fund_entries", "loan_extensions", "loans",
                      "campaigns", "fund_balances", "funds", "policy_indicators", "policies"] {
            try await sql.raw("DROP TABLE \(unsafeRaw: table)").run()
        }
    }
}
