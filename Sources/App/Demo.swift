import Demo
import Foundation
import PovertyCore
import Storage
import Vapor

/// A demo login, printed by `giamngheo serve`.
public struct DemoLogin: Sendable {
    public let username: String
    public let password: String
    public let role: Role
    public let unit: String
}

public enum DemoSeed {
    /// The password of every demo account (printed; for trying the app only).
    public static let password = "demo-giamngheo"

    /// When the database has no units: builds the demo province and one account per role
    /// (province root for the administrator, provincial officer and auditor; a commune/ward
    /// union and one of its grassroots unions for the two local officers). Returns the logins,
    /// or nil when the database already had data.
    public static func seedIfEmpty(_ app: Application, households: Int, progress: (@Sendable (String) -> Void)? = nil) async throws -> [DemoLogin]? {
        let store = app.web.store
        guard try await store.isEmpty() else { return nil }
        _ = try await DemoProvince(households: households).build(into: store, actor: try await store.operator("demo"), progress: progress)
        return try await createAccounts(app)
    }

    /// One account per role on the demo province (also used by tests).
    public static func createAccounts(_ app: Application) async throws -> [DemoLogin] {
        let store = app.web.store
        let history = try await store.units.history()
        let today = store.today
        let tree = history.tree(on: today)
        guard let root = history.unit(code: DemoProvince.rootCode) else { throw StorageError.notFound(.unit, DemoProvince.rootCode) }
        let rootChildren: [Int] = tree.children[root.id] ?? []
        let communes: [OrgUnit] = rootChildren.compactMap { history.units[$0] }.filter { $0.kind == .communeUnion }.sorted { $0.code < $1.code }
        let commune: OrgUnit? = try await DemoProvince.visitorCommune(store: store, actor: try await store.operator("demo")) ?? communes.first { !(tree.children[$0.id] ?? []).isEmpty }
        let grassrootsUnits: [OrgUnit] = (commune.map { tree.children[$0.id] ?? [] } ?? []).compactMap { history.units[$0] }
        guard let commune, let grassroots = grassrootsUnits.sorted(by: { $0.code < $1.code }).first else {
            throw StorageError.invalid(Message("refusal.demo.demo_province_has_commune"))
        }
        let plan: [(String, String, Role, OrgUnit)] = [
            ("quantri", "Quản trị viên tỉnh", .administrator, root),
            ("bancs", "Nguyễn Thị Hoa (Ban CS-PL và QHLĐ)", .provincialOfficer, root),
            ("xaphuong", "Trần Văn Bình (CĐ xã/phường)", .branchOfficer, commune),
            ("coso", "Lê Thị Mai (CĐCS)", .grassrootsOfficer, grassroots),
            ("kiemtra", "Phạm Minh Đức (Ủy ban Kiểm tra)", .auditor, root),
        ]
        var logins: [DemoLogin] = []
        for (username, name, role, unit) in plan {
            try await store.accounts.create(try await store.operator("demo"),
                                            NewAccount(username: username, displayName: name, password: password, role: role, unitCode: unit.code))
            logins.append(DemoLogin(username: username, password: password, role: role,
                                    unit: "\(history.name(of: unit.id, on: today) ?? unit.code) (\(unit.code))"))
        }
        return logins
    }
}
