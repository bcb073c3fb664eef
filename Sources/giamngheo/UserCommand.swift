import App
import ArgumentParser
import Foundation
import Storage

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Tài khoản của ứng dụng web / Accounts of the web app.",
        subcommands: [Add.self, List.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Tạo tài khoản; mật khẩu đọc từ biến GIAMNGHEO_PASSWORD hoặc dòng nhập / Create an account; the password comes from GIAMNGHEO_PASSWORD or standard input."
        )
        @Argument(help: "Tên đăng nhập / User name.") var username: String
        @Option(help: "Họ tên / Full name.") var name: String
        @Option(help: "Vai trò / Role: \(Role.allCases.map(\.rawValue).joined(separator: ", ")).") var role: String
        @Option(help: "Mã đơn vị / Unit code.") var unit: String
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            guard let role = Role(rawValue: role) else {
                Terminal.error("vai trò không hợp lệ / unknown role '\(role)': \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
                throw Exit.usage
            }
            let password = ProcessInfo.processInfo.environment["GIAMNGHEO_PASSWORD"] ?? readLine(strippingNewline: true) ?? ""
            try await db.withStore { store, actor in
                try await store.accounts.create(actor, NewAccount(username: username, displayName: name, password: password, role: role, unitCode: unit))
                print("đã tạo / created \(username)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Liệt kê tài khoản / List accounts.")
        @OptionGroup var db: DatabaseOptions
        func run() async throws {
            try await db.withStore { store, actor in
                let history = try await store.units.history()
                for a in try await store.accounts.list(actor) {
                    print("\(a.username)\t\(a.role.rawValue)\t\(history.units[a.unitID]?.code ?? "?")\t\(a.active ? "active" : "disabled")\t\(a.displayName)")
                }
            }
        }
    }
}
