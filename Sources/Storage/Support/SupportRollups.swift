import FluentKit
import PovertyCore
import SQLKit

/// Support, fund flows and NEF loans kept per unit and year (migration v007), moved by every
/// write in that write's own transaction:
/// - `rollup_support`: active support records, the households they reached and their value,
///   per giving unit, year and policy (`rollup_support_households` holds the records per
///   household behind the household counts);
/// - `rollup_fund_flows`: the sum of ledger entries per fund, unit, year and kind, a reversal
///   counted under the kind of the entry it reverses;
/// - `rollup_loans`: loans disbursed (count, amount) and principal repaid per managing unit
///   and year.
/// `giamngheo check-rollups` recounts them from the raw rows.
enum SupportRollups {
    /// A support record was added (`sign` 1) or cancelled (`sign` −1).
    static func support(_ db: any SQLDatabase, unitID: Int, year: Int, policy: String, householdID: Int, value: Dong, sign: Int) async throws {
        let row = try await db.raw("""
            INSERT INTO rollup_support_households (unit_id, year, policy_code, household_id, records)
            VALUES (\(bind: unitID), \(bind: year), \(bind: policy), \(bind: householdID), \(bind: sign))
            ON CONFLICT (unit_id, year, policy_code, household_id)
            DO UPDATE SET records = rollup_support_households.records + excluded.records
            RETURNING records
            """).first()
        let records = try row?.int("records") ?? 0
        let households = sign > 0 ? (records == 1 ? 1 : 0) : (records == 0 ? -1 : 0)
        if records == 0 {
            try await db.raw("""
                DELETE FROM rollup_support_households WHERE unit_id = \(bind: unitID) AND year = \(bind: year)
                AND policy_code = \(bind: policy) AND household_id = \(bind: householdID)
                """).run()
        }
        let total = try await db.raw("""
            INSERT INTO rollup_support (unit_id, year, policy_code, records, households, value)
            VALUES (\(bind: unitID), \(bind: year), \(bind: policy), \(bind: sign), \(bind: households), \(bind: sign * value))
            ON CONFLICT (unit_id, year, policy_code) DO UPDATE SET records = rollup_support.records + excluded.records,
                households = rollup_support.households + excluded.households, value = rollup_support.value + excluded.value
            RETURNING records
            """).first()
        if try total?.int("records") == 0 {
            try await db.raw("DELETE FROM rollup_support WHERE unit_id = \(bind: unitID) AND year = \(bind: year) AND policy_code = \(bind: policy)").run()
        }
    }

    /// A ledger entry was posted; `kind` is the entry's own kind, or the reversed entry's.
    static func fund(_ db: any SQLDatabase, fundID: Int, unitID: Int, year: Int, kind: String, amount: Dong) async throws {
        try await db.raw("""
            INSERT INTO rollup_fund_flows (fund_id, unit_id, year, kind, amount)
            VALUES (\(bind: fundID), \(bind: unitID), \(bind: year), \(bind: kind), \(bind: amount))
            ON CONFLICT (fund_id, unit_id, year, kind) DO UPDATE SET amount = rollup_fund_flows.amount + excluded.amount
            """).run()
    }

    /// A loan was disbursed, or principal repaid.
    static func loan(_ db: any SQLDatabase, unitID: Int, year: Int, disbursed: Int = 0, amount: Dong = 0, repaid: Dong = 0) async throws {
        try await db.raw("""
            INSERT INTO rollup_loans (unit_id, year, disbursed, disbursed_amount, repaid)
            VALUES (\(bind: unitID), \(bind: year), \(bind: disbursed), \(bind: amount), \(bind: repaid))
            ON CONFLICT (unit_id, year) DO UPDATE SET disbursed = rollup_loans.disbursed + excluded.disbursed,
                disbursed_amount = rollup_loans.disbursed_amount + excluded.disbursed_amount, repaid = rollup_loans.repaid + excluded.repaid
            """).run()
    }

    // MARK: recounting

    /// Whether migration v007 has run (earlier migrations recount the reviews' roll-ups before it).
    static func exist(_ db: any SQLDatabase) async throws -> Bool { try await Rollups.tableExists("rollup_support", db) }

    static let supportQuery: SQLQueryString = """
        SELECT unit_id, year, policy_code, COUNT(*) AS records, COUNT(DISTINCT household_id) AS households,
               CAST(SUM(value) AS BIGINT) AS value
        FROM support WHERE cancelled_at IS NULL GROUP BY unit_id, year, policy_code
        """
    static let householdsQuery: SQLQueryString = """
        SELECT unit_id, year, policy_code, household_id, COUNT(*) AS records
        FROM support WHERE cancelled_at IS NULL GROUP BY unit_id, year, policy_code, household_id
        """
    static let fundQuery: SQLQueryString = """
        SELECT e.fund_id, e.unit_id, CAST(SUBSTR(e.day, 1, 4) AS BIGINT) AS year, COALESCE(o.kind, e.kind) AS kind,
               CAST(SUM(e.amount) AS BIGINT) AS amount
        FROM fund_entries e LEFT JOIN fund_entries o ON o.id = e.reverses_id GROUP BY 1, 2, 3, 4
        """

    /// The loans' rows recounted: disbursements by the year of disbursement, repayments by
    /// the year they were paid, both under the managing unit.
    static func freshLoans(_ db: any SQLDatabase) async throws -> [String: [Int]] {
        var out: [String: [Int]] = [:]
        for row in try await db.raw("""
            SELECT unit_id, CAST(SUBSTR(disbursed_on, 1, 4) AS BIGINT) AS year, COUNT(*) AS n, CAST(SUM(amount) AS BIGINT) AS amount
            FROM loans WHERE disbursed_on IS NOT NULL GROUP BY 1, 2
            """).all() {
            out["\(try row.int("unit_id"))/\(try row.int("year"))", default: [0, 0, 0]][0] += try row.int("n")
            out["\(try row.int("unit_id"))/\(try row.int("year"))", default: [0, 0, 0]][1] += try row.int("amount")
        }
        for row in try await db.raw("""
            SELECT l.unit_id, CAST(SUBSTR(r.day, 1, 4) AS BIGINT) AS year, CAST(SUM(r.amount) AS BIGINT) AS amount
            FROM loan_repayments r JOIN loans l ON l.id = r.loan_id GROUP BY 1, 2
            """).all() {
            out["\(try row.int("unit_id"))/\(try row.int("year"))", default: [0, 0, 0]][2] += try row.int("amount")
        }
        return out
    }

    /// Empties the tables and counts everything again, in the caller's transaction.
    static func fill(on db: any SQLDatabase) async throws {
        for table in ["rollup_support", "rollup_support_households", "rollup_fund_flows", "rollup_loans"] {
            try await db.raw("DELETE FROM \(unsafeRaw: table)").run()
        }
        try await db.raw("INSERT INTO rollup_support (unit_id, year, policy_code, records, households, value) \(supportQuery)").run()
        try await db.raw("INSERT INTO rollup_support_households (unit_id, year, policy_code, household_id, records) \(householdsQuery)").run()
        try await db.raw("INSERT INTO rollup_fund_flows (fund_id, unit_id, year, kind, amount) \(fundQuery)").run()
        for (key, v) in try await freshLoans(db) {
            let parts = key.split(separator: "/").compactMap { Int($0) }
            try await loan(db, unitID: parts[0], year: parts[1], disbursed: v[0], amount: v[1], repaid: v[2])
        }
    }

    /// Every difference between the kept rows and a recount, as readable lines. Rows whose
    /// numbers are all zero count as absent on both sides.
    static func check(_ db: any SQLDatabase) async throws -> [String] {
        var differences: [String] = []
        func compare(_ table: String, kept: [String: [Int]], fresh: [String: [Int]]) {
            let k = kept.filter { $0.value.contains { $0 != 0 } }, f = fresh.filter { $0.value.contains { $0 != 0 } }
            for key in Set(k.keys).union(f.keys).sorted() where k[key] != f[key] {
                differences.append("\(table) \(key): giữ / kept \(k[key].map { "\($0)" } ?? "–"), tính lại / recomputed \(f[key].map { "\($0)" } ?? "–")")
            }
        }
        func rows(_ query: SQLQueryString, key: [String], values: [String]) async throws -> [String: [Int]] {
            var out: [String: [Int]] = [:]
            for row in try await db.raw(query).all() {
                let k = try key.map { c -> String in
                    if let n = try? row.decode(column: c, as: Int.self) { return String(n) }
                    return try row.string(c)
                }.joined(separator: "/")
                out[k] = try values.map { try row.int($0) }
            }
            return out
        }
        compare("rollup_support",
                kept: try await rows("SELECT unit_id, year, policy_code, records, households, value FROM rollup_support",
                                     key: ["unit_id", "year", "policy_code"], values: ["records", "households", "value"]),
                fresh: try await rows(supportQuery, key: ["unit_id", "year", "policy_code"], values: ["records", "households", "value"]))
        compare("rollup_support_households",
                kept: try await rows("SELECT unit_id, year, policy_code, household_id, records FROM rollup_support_households",
                                     key: ["unit_id", "year", "policy_code", "household_id"], values: ["records"]),
                fresh: try await rows(householdsQuery, key: ["unit_id", "year", "policy_code", "household_id"], values: ["records"]))
        compare("rollup_fund_flows",
                kept: try await rows("SELECT fund_id, unit_id, year, kind, amount FROM rollup_fund_flows",
                                     key: ["fund_id", "unit_id", "year", "kind"], values: ["amount"]),
                fresh: try await rows(fundQuery, key: ["fund_id", "unit_id", "year", "kind"], values: ["amount"]))
        compare("rollup_loans",
                kept: try await rows("SELECT unit_id, year, disbursed, disbursed_amount, repaid FROM rollup_loans",
                                     key: ["unit_id", "year"], values: ["disbursed", "disbursed_amount", "repaid"]),
                fresh: try await freshLoans(db))
        return differences
    }
}
