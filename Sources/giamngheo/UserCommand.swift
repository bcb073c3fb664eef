import App
import ArgumentParser
import Foundation
import Storage

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Tài khoản của ứng dụng web / Accounts of the web app.",
        subcommands: [Add.self, List.self, Move.self, Password.self, Disable.self, Enable.self]
    )

    /// The password from GIAMNGHEO_PASSWORD, else typed: at a terminal without echo (and with a
    /// prompt on standard error), else a line of standard input.
    static func readPassword() throws -> String {
        if let given = ProcessInfo.processInfo.environment["GIAMNGHEO_PASSWORD"] { return given }
        guard isatty(STDIN_FILENO) == 1 else { return readLine(strippingNewline: true) ?? "" }
        // At a terminal: never echoed, and typed twice (a typo would leave a password nobody knows).
        guard let first = getpass("Mật khẩu / Password: ").map({ String(cString: $0) }),
              let second = getpass("Nhập lại / Again: ").map({ String(cString: $0) }) else {
            Terminal.error("không đọc được mật khẩu / cannot read the password")
            throw Exit.usage
        }
        guard first == second else {
            Terminal.error("hai lần nhập khác nhau / the two entries differ")
            throw Exit.usage
        }
        return first
    }

    /// The account named `username` among those the operator manages.
    static func account(_ username: String, _ store: Store, _ actor: Actor) async throws -> Account {
        let name = Accounts.normalise(username)  // as sign-in reads it
        guard let account = try await store.accounts.list(actor).first(where: { $0.username == name }) else {
            throw StorageError.notFound(.account, username)
        }
        return account
    }

    struct Password: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "password",
            abstract: "Đặt lại mật khẩu (người quên mật khẩu, hoặc quản trị viên duy nhất); phiên và khoá API của tài khoản bị huỷ / Reset a password (a forgotten one, or the only administrator's); the account's sessions and API tokens end."
        )
        @Argument(help: "Tên đăng nhập / User name.") var username: String
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let password = try UserCommand.readPassword()
            try await db.withStore { store, actor in
                let account = try await UserCommand.account(username, store, actor)
                try await store.accounts.resetPassword(actor, id: account.id, to: password)
                print("đã đặt lại mật khẩu / password reset: \(account.username)")
            }
        }
    }

    /// Locks or unlocks an account by name (the Users page's operation), and says so.
    static func setActive(_ username: String, _ active: Bool, _ db: DatabaseOptions) async throws {
        try await db.withStore { store, actor in
            let account = try await UserCommand.account(username, store, actor)
            try await store.accounts.setActive(actor, id: account.id, active)
            print(active ? "đã mở / enabled \(account.username)" : "đã khoá / disabled \(account.username)")
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "disable", abstract: "Khoá tài khoản; phiên và khoá API bị huỷ / Disable an account; its sessions and API tokens end.")
        @Argument(help: "Tên đăng nhập / User name.") var username: String
        @OptionGroup var db: DatabaseOptions
        func run() async throws { try await UserCommand.setActive(username, false, db) }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "enable", abstract: "Mở lại tài khoản đã khoá / Enable a disabled account.")
        @Argument(help: "Tên đăng nhập / User name.") var username: String
        @OptionGroup var db: DatabaseOptions
        func run() async throws { try await UserCommand.setActive(username, true, db) }
    }

    struct Move: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "move",
            abstract: "Chuyển tài khoản sang đơn vị khác (và vai trò khác); phiên và khoá API bị huỷ / Move an account to another unit (and role); its sessions and API tokens end."
        )
        @Argument(help: "Tên đăng nhập / User name.") var username: String
        @Option(help: "Mã đơn vị mới / The new unit's code.") var unit: String
        @Option(help: "Vai trò mới (mặc định: giữ nguyên) / The new role (default: unchanged).") var role: String?
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let newRole = try role.map { text in
                guard let r = Role(rawValue: text) else {
                    Terminal.error("vai trò không hợp lệ / unknown role '\(text)': \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
                    throw Exit.usage
                }
                return r
            }
            try await db.withStore { store, actor in
                let account = try await UserCommand.account(username, store, actor)
                let role = newRole ?? account.role
                try await store.accounts.reassign(actor, id: account.id, role: role, unitCode: unit)
                print("đã chuyển / moved \(account.username): \(role.rawValue), \(unit)")
            }
        }
    }

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
            let password = try UserCommand.readPassword()
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
