import FluentKit
import Foundation
import PovertyCore
@_spi(Simulation) @testable import Storage
import SQLKit
import Testing

/// Migrations both ways (house style item 8), and where the configuration comes from.
@Suite struct MigrationTests {
    static let tables = ["units", "unit_versions", "unit_successions", "members", "memberships", "households",
                         "household_members", "imports", "reviews", "audit_log", "users", "sessions", "api_tokens",
                         "fund_balances", "fund_entries", "support", "loans", "loan_repayments", "loan_extensions", "campaigns", "campaign_proposals",
                         "rollup_reviews", "rollup_moves", "rollup_totals", "rollup_move_totals", "targets", "target_baselines",
                         "annual_reports", "report_events", "report_deadlines",
                         "rollup_support", "rollup_support_households", "rollup_fund_flows", "rollup_loans"]
    /// Catalogues the migrations fill.
    static let seeded = ["policies", "policy_indicators", "funds"]

    /// A migration that creates a table, then stops (here: fails) before its end, leaves no
    /// table behind: the next start runs it again from the beginning instead of failing on
    /// "table already exists".
    struct HalfDone: AsyncMigration {
        func prepare(on database: any Database) async throws {
            let sql = try database.sqlDatabase
            try await sql.raw("CREATE TABLE half_done (id BIGINT)").run()
            try await sql.raw("INSERT INTO half_done (id) VALUES (1)").run()
            throw StorageError.corrupt("stopped half-way")
        }
        func revert(on database: any Database) async throws {}
    }

    @Test(arguments: TestDatabase.available)
    func aMigrationStoppedHalfWayLeavesNothing(db: TestDatabase) async throws {
        try await db.withStore { store in
            let fluent = try #require(store.databases.database(logger: TestDatabase.logger, on: store.databases.eventLoopGroup.any()))
            let wrapped = AtomicMigration(inner: HalfDone())
            #expect(wrapped.name == HalfDone().name)  // databases migrated before see the same names
            await #expect(throws: StorageError.self) { try await wrapped.prepare(on: fluent) }
            let left = try await store.sql.raw("""
                SELECT COUNT(*) AS n FROM \(unsafeRaw: store.sql.dialect.name == "sqlite" ? "sqlite_master WHERE name" : "information_schema.tables WHERE table_name") = 'half_done'
                """).first()?.int("n")
            #expect(left == 0)
        }
    }

    /// A database a newer version has migrated is refused by this one, naming what it lacks.
    @Test(arguments: TestDatabase.available)
    func aNewerSchemaIsNotRunByAnOlderVersion(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await store.sql.raw("""
                INSERT INTO _fluent_migrations (id, name, batch, created_at, updated_at)
                VALUES (\(bind: UUID()), 'Storage.V099FromTheFuture', 99, NULL, NULL)
                """).run()
            await #expect(throws: StorageError.invalid(Message("refusal.database.newer_schema", .text("Storage.V099FromTheFuture")))) {
                _ = try await store.migrate()
            }
        }
    }

    /// A database made before version 23 gets the English names the pages use; one renamed by
    /// its owners keeps their name.
    @Test(arguments: TestDatabase.available)
    func olderEnglishNamesAreRenamedOnce(db: TestDatabase) async throws {
        try await db.withStore { store in
            func name(_ table: String, _ code: String) async throws -> String? {
                try await store.sql.raw("SELECT name_en FROM \(unsafeRaw: table) WHERE code = \(bind: code)").first()?.string("name_en")
            }
            #expect(try await name("funds", "mai_am") == "Union Shelter Fund")
            try await store.sql.raw("UPDATE funds SET name_en = 'Union Warm Home Fund' WHERE code = 'mai_am'").run()
            try await store.sql.raw("UPDATE policies SET name_en = 'Mái ấm Công đoàn union house (repair)' WHERE code = 'mai_am_sua_chua'").run()
            try await store.sql.raw("UPDATE policies SET name_en = 'Our own name' WHERE code = 'qua_tet'").run()
            try await store.sql.raw("DELETE FROM _fluent_migrations WHERE name = 'v023_english_names'").run()
            #expect(try await store.migrate() == ["v023_english_names"])
            #expect(try await name("funds", "mai_am") == "Union Shelter Fund")
            #expect(try await name("policies", "mai_am_sua_chua") == "Union Shelter house (repair)")
            #expect(try await name("policies", "qua_tet") == "Our own name")
        }
    }

    /// A PostgreSQL password goes to pg_dump and pg_restore in their environment, never in
    /// their arguments (which every user of the machine can read).
    @Test func thePasswordStaysOutOfTheToolsArguments() {
        let (url, password) = Backup.withoutPassword("postgres://giamngheo:b%C3%AD%20m%E1%BA%ADt%40x@db.example:5432/giamngheo?sslmode=require")
        #expect(password == "bí mật@x")
        #expect(url == "postgres://giamngheo@db.example:5432/giamngheo?sslmode=require")
        #expect(Backup.withoutPassword("postgres://giamngheo@localhost/giamngheo") == ("postgres://giamngheo@localhost/giamngheo", nil))
    }

    @Test(arguments: TestDatabase.available)
    func migrateRevertAllMigrateAgain(db: TestDatabase) async throws {
        try await db.withStore { store in
            // The fixture migrated already: nothing is pending.
            #expect(try await store.migrate() == [])

            // Data in every table, so that reverting has to respect the foreign keys.
            try await store.importUnits(Files.smallTree)
            try await store.units.merge(try await store.op, ["C1", "C2"], into: NewUnit(code: "C12", name: "CĐCS Hoa Lư", kind: .grassrootsUnion, parentCode: "H1"),
                                        on: day(2020, 1, 1))
            try await store.importMembers(Files.smallMembers)
            try await store.importSurvey([Files.surveyHeader, Files.poor("HO-01", 2021, member: "DV-01"), Files.notPoor("HO-01", 2022, member: "DV-01")])
            try await store.accounts.create(try await store.op, NewAccount(username: "admin", displayName: "Quản trị", password: "mat-khau-dai", role: .administrator, unitCode: "T"))
            guard case .accepted(let account) = try await store.accounts.signIn(username: "admin", password: "mat-khau-dai", from: "test", channel: .web) else {
                Issue.record("sign-in refused")
                return
            }
            try await store.accounts.openSession(account, tokenHash: "s", csrfToken: "c", lifetime: 60, from: "test")
            try await store.accounts.createToken(try await store.actor(for: account, via: .api), tokenHash: "t", name: "test", lifetime: 60)
            // Support, funds, a loan with a repayment and an extension, a campaign with an approved gift.
            try await store.funds.contribute(try await store.op, fund: "nef", unit: "T", day: day(2021, 1, 1), amount: 90_000_000, contributor: "NHCSXH")
            try await store.funds.contribute(try await store.op, fund: "xa_hoi", unit: "T", day: day(2021, 1, 1), amount: 9_000_000, contributor: "đoàn viên")
            let loan = try await store.loans.apply(try await store.op, LoanApplication(member: "DV-01", household: "HO-01", unit: "T", purpose: "chan_nuoi", jobsPlanned: 1,
                                                                   amount: 30_000_000, termMonths: 24, appliedOn: day(2021, 3, 1)))
            try await store.loans.approve(try await store.op, loan, on: day(2021, 3, 2))
            try await store.loans.disburse(try await store.op, loan, on: day(2021, 3, 3))
            try await store.loans.repay(try await store.op, loan, on: day(2021, 6, 3), amount: 1_000_000)
            try await store.loans.extend(try await store.op, loan, granted: day(2021, 7, 1), months: 3, reason: "lũ")
            let tet = try await store.campaigns.create(try await store.op, NewCampaign(kind: .tet, name: "Tết 2022", unit: "T", fund: "xa_hoi", year: 2021,
                                                                   startsOn: day(2022, 1, 10), endsOn: day(2022, 1, 30), budget: 5_000_000))
            try await store.campaigns.draw(try await store.op, tet, unit: "T")
            try await store.campaigns.approve(try await store.op, tet, unit: "T", day: day(2022, 1, 20))
            try await store.targets.set(try await store.op, unit: "T", baselineYear: 2021, targetYear: 2025, reductionPermille: 700, on: day(2022, 1, 1))
            let t = try await store.unitID("T"), h1 = try await store.unitID("H1")
            try await store.reports.setDeadline(try await store.op, unit: t, year: 2021, due: day(2021, 12, 20))
            try await store.reports.save(try await store.op, unit: h1, year: 2021, narrative: ReportNarrative(results: "Kết quả"))
            try await store.reports.submit(try await store.op, unit: h1, year: 2021, on: day(2021, 12, 15))
            for table in Self.tables + Self.seeded {
                // On SQLite the sessions live in the journal beside the database (`Journal.swift`).
                let rows = table == "sessions"
                    ? try await store.sessionSQL.raw("SELECT COUNT(*) AS n FROM sessions").first()?.decode(column: "n", as: Int.self) ?? 0
                    : try await store.count(table)
                #expect(rows > 0, "\(table) has rows")
            }

            try await store.revertAll()
            for table in Self.tables + Self.seeded {
                await #expect(throws: (any Error).self, "\(table) is gone") {
                    _ = try await store.sql.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table)").all()
                }
            }

            #expect(try await store.migrate() == ["v001_create_registry", "v002_accounts", "v003_support", "v004_rollups", "v005_rollup_totals", "v006_annual_reports", "v007_support_rollups", "v008_access", "v009_year_moves", "v010_loan_borrowers", "v011_member_phone", "v012_hardships", "v013_journal", "v014_fund_entry_support", "v015_import_job", "v016_loan_approval_day", "v017_loan_write_off_note", "v018_members_revision", "v019_loan_job_counts", "v020_review_address", "v021_household_link_days", "v022_daily_indexes", "v023_english_names"])
            for table in Self.tables { #expect(try await store.count(table) == 0, "\(table) is empty") }
            for table in Self.seeded { #expect(try await store.count(table) > 0, "\(table) is filled") }
            #expect(try await store.migrate() == [])

            // The schema works again, constraints included.
            try await store.importUnits(Files.smallTree)
            #expect(try await store.count("units") == 6)
            await #expect(throws: StorageError.duplicateUnit("T")) {
                try await store.units.create(try await store.op, NewUnit(code: "T", name: "x", kind: .provincialFederation), from: day(2000, 1, 1))
            }
        }
    }

    /// Loans written off before v017 kept the reason in the decision's note, and loans approved
    /// then rejected before v016 had no approval day: v017 moves the reason to its own column
    /// and brings the approval's note and day back from the audit log.
    @Test(arguments: TestDatabase.available)
    func v017RecoversApprovalsFromTheAuditLog(db: TestDatabase) async throws {
        try await db.withStore { store in
            try await store.importUnits(Files.smallTree)
            try await store.importMembers(Files.smallMembers)
            try await store.funds.contribute(try await store.op, fund: "nef", unit: "T", day: day(2021, 1, 1), amount: 90_000_000, contributor: "NHCSXH")
            func apply() async throws -> String {
                try await store.loans.apply(try await store.op, LoanApplication(member: "DV-01", unit: "T", purpose: "chan_nuoi", jobsPlanned: 1,
                                                                               amount: 10_000_000, termMonths: 24, appliedOn: day(2021, 3, 1)))
            }
            let bad = try await apply(), turned = try await apply()
            try await store.loans.approve(try await store.op, bad, on: day(2021, 3, 2), note: "đủ điều kiện")
            try await store.loans.disburse(try await store.op, bad, on: day(2021, 3, 3))
            try await store.loans.writeOff(try await store.op, bad, on: day(2022, 1, 5), reason: "người vay mất")
            try await store.loans.approve(try await store.op, turned, on: day(2021, 3, 4), note: "")
            try await store.loans.reject(try await store.op, turned, on: day(2021, 3, 9), note: "rút hồ sơ")
            // The rows as the code before v016 and v017 left them.
            try await store.sql.raw("UPDATE loans SET decision_note = write_off_note, write_off_note = NULL WHERE code = \(bind: bad)").run()
            try await store.sql.raw("UPDATE loans SET approved_on = NULL WHERE code = \(bind: turned)").run()
            for statement in V017LoanWriteOffNote.recoveries { try await store.sql.raw("\(unsafeRaw: statement)").run() }
            let written = try await store.loans.file(try await store.op, bad)
            #expect(written.writeOffNote == "người vay mất" && written.decisionNote == "đủ điều kiện")
            let rejected = try await store.loans.file(try await store.op, turned)
            #expect(rejected.approvedOn == day(2021, 3, 4) && rejected.state(on: day(2021, 3, 5)) == .approved)
        }
    }

    // MARK: configuration

    @Test func sqliteIsTheDefault() throws {
        #expect(try StorageConfig.fromEnvironment([:]) == .sqlite(path: "giamngheo.sqlite"))
        #expect(try StorageConfig.fromEnvironment(["SQLITE_PATH": ""]) == .sqlite(path: "giamngheo.sqlite"))
        #expect(try StorageConfig.fromEnvironment(["SQLITE_PATH": "/var/lib/giamngheo/data.sqlite"]) == .sqlite(path: "/var/lib/giamngheo/data.sqlite"))
        #expect(try StorageConfig.fromEnvironment(["DATABASE_URL": "", "SQLITE_PATH": "a.sqlite"]) == .sqlite(path: "a.sqlite"))
    }

    @Test func databaseURLMeansPostgres() throws {
        let url = "postgres://giamngheo:mat-khau@db.local:5432/giamngheo"
        #expect(try StorageConfig.fromEnvironment(["DATABASE_URL": url]) == .postgres(url: url))
        // DATABASE_URL wins over SQLITE_PATH.
        #expect(try StorageConfig.fromEnvironment(["DATABASE_URL": url, "SQLITE_PATH": "a.sqlite"]) == .postgres(url: url))
        let long = "postgresql://u@127.0.0.1/db"
        #expect(try StorageConfig.fromEnvironment(["DATABASE_URL": long]) == .postgres(url: long))
    }

    @Test(arguments: [
        ("mysql://x", "postgres://"),
        ("mysql://u:p@host:3306/db", "postgres://"),
        ("giamngheo.sqlite", "postgres://"),
        ("postgres://", "no host"),
        ("postgres:///giamngheo", "no host"),
        ("postgres://db.local", "no database name"),
        ("postgres://db.local/", "no database name"),
        ("postgres://u:p@db.local:5432", "no database name"),
    ])
    func malformedDatabaseURLIsRefused(url: String, why: String) throws {
        let error = try #require(throws: StorageConfig.Error.self) { try StorageConfig.fromEnvironment(["DATABASE_URL": url, "SQLITE_PATH": "a.sqlite"]) }
        guard case .badDatabaseURL(let reason) = error else { Issue.record("\(error)"); return }
        #expect(reason.contains(why), "\(url): \(reason)")
        #expect(error.description.contains("DATABASE_URL"))
        // The store refuses it too, rather than falling back to SQLite.
        #expect(throws: StorageConfig.Error.self) { _ = try Store(.postgres(url: url)) }
    }

    @Test func descriptionHidesThePassword() {
        let config = StorageConfig.postgres(url: "postgres://giamngheo:s3cr3t-Pa55@db.local:5432/giamngheo")
        #expect(config.description == "PostgreSQL postgres://giamngheo:***@db.local:5432/giamngheo")
        #expect(!config.description.contains("s3cr3t"))
        #expect(StorageConfig.postgres(url: "postgres://giamngheo@db.local/giamngheo").description == "PostgreSQL postgres://giamngheo@db.local/giamngheo")
        #expect(StorageConfig.sqlite(path: "giamngheo.sqlite").description == "SQLite giamngheo.sqlite")
        // Nor when the password holds characters a URL should have escaped.
        #expect(!StorageConfig.postgres(url: "postgres://u:s3cr3t%zz@h/db").description.contains("s3cr3t"))
        #expect(!StorageConfig.postgres(url: "postgres://u:s3cr3t/x@h/db").description.contains("s3cr3t"))
    }

    /// The configuration read from the environment opens a working store on each database.
    @Test(arguments: TestDatabase.available)
    func configFromEnvironmentOpensTheStore(db: TestDatabase) async throws {
        try await db.withStore { fresh in
            let env: [String: String]
            switch fresh.config {
            case .sqlite(let path): env = ["SQLITE_PATH": path]
            case .postgres(let url): env = ["DATABASE_URL": url, "SQLITE_PATH": "unused.sqlite"]
            }
            let config = try StorageConfig.fromEnvironment(env)
            #expect(config == fresh.config)
            let store = try Store(config, logger: TestDatabase.logger, clock: .fixed(TestDatabase.t0), passwords: PlainHasher())
            // Shut down whatever happens: a pool left open stops the whole test run at its deinit.
            do {
                #expect(store.dialect == (db == .sqlite ? .sqlite : .postgres))
                #expect(try await store.migrate() == [])
                #expect(try await store.count("units") == 0)
            } catch {
                await store.shutdown()
                throw error
            }
            await store.shutdown()
        }
    }

    /// Two instances of the app started at the same moment on one empty PostgreSQL database:
    /// both migrate (one waits for the other) and one administrator is made, shown by one.
    @Test(.enabled(if: TestDatabase.adminURL != nil))
    func twoInstancesStartingAtOnceOnPostgreSQLBothStart() async throws {
        let admin = try #require(TestDatabase.adminURL)
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let adminStore = try Store(.postgres(url: admin), logger: TestDatabase.logger)
        try await adminStore.sql.raw("CREATE DATABASE \(unsafeRaw: name)").run()
        let url = admin.replacingOccurrences(of: #"/[^/?]*(\?|$)"#, with: "/\(name)$1", options: .regularExpression)
        let stores = try (0..<2).map { _ in try Store(.postgres(url: url), logger: TestDatabase.logger, clock: .fixed(TestDatabase.t0), passwords: PlainHasher()) }
        do {
            async let first = stores[0].migrate()
            async let second = stores[1].migrate()
            _ = try await [first, second]
            for store in stores { #expect(try await store.sql.raw("SELECT COUNT(*) AS n FROM _fluent_migrations").first()?.int("n") == Schema.all.count) }
            try await stores[0].importUnits(Files.smallTree)
            async let madeA = stores[0].createFirstAdministrator(try await stores[0].op)
            async let madeB = stores[1].createFirstAdministrator(try await stores[1].op)
            let made = try await [madeA, madeB]
            #expect(made.compactMap { $0 }.count == 1)
        } catch {
            Issue.record(error)
        }
        for store in stores { await store.shutdown() }
        try? await adminStore.sql.raw("DROP DATABASE IF EXISTS \(unsafeRaw: name)").run()
        await adminStore.shutdown()
    }
}
