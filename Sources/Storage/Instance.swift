import Foundation
import PovertyCore
import SQLKit

/// Facts of this installation: whether its data is the fictional demo province (every page
/// says so), and its first administrator.
extension Store {
    /// Marks the database as the demo province's. Audited.
    public func markAsDemo(_ actor: Actor) async throws {
        try actor.require(.maintain)
        try await writeTransaction { db in
            try await db.raw("DELETE FROM data_revisions WHERE name = 'demo'").run()
            try await db.raw("INSERT INTO data_revisions (name, revision) VALUES ('demo', 1)").run()
            try await self.audit.record("tinh_mau", entity: "instance", id: nil, detail: "dữ liệu tỉnh mẫu", by: actor, on: db)
        }
    }

    /// Whether the data is the demo province's (public: the banner on every page, the login page too).
    public func isDemoDatabase() async throws -> Bool {
        try await sql.raw("SELECT revision FROM data_revisions WHERE name = 'demo'").first() != nil
    }

    /// On a database with a union tree and no account yet, creates the administrator `quantri`
    /// at the top unit with a generated password, returned once to be shown to whoever started
    /// the server; nil when accounts exist or there is no tree yet. Audited.
    public func createFirstAdministrator(_ actor: Actor) async throws -> (username: String, password: String, unit: String)? {
        try actor.require(.manageAccounts)
        guard try await sql.raw("SELECT COUNT(*) AS n FROM users").first()?.int("n") == 0 else { return nil }
        let history = try await units.history()
        guard let root = history.tree(on: today).roots.first, let unit = history.units[root] else { return nil }
        let password = Self.generatedPassword()
        do {
            _ = try await accounts.create(actor, NewAccount(username: "quantri", displayName: "Quản trị viên", password: password,
                                                            role: .administrator, unitCode: unit.code))
        } catch {
            // Another instance starting at the same moment made it first (the name is unique):
            // its password was shown there.
            if try await sql.raw("SELECT COUNT(*) AS n FROM users").first()?.int("n") ?? 0 > 0 { return nil }
            throw error
        }
        return ("quantri", password, unit.code)
    }

    /// 20 characters of an alphabet without look-alikes (no 0/O, 1/l/I), from the system's generator.
    static func generatedPassword() -> String {
        let alphabet = Array("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var rng = SystemRandomNumberGenerator()
        return String((0..<20).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &rng)] })
    }
}
