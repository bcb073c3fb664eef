import App
import ArgumentParser
import Foundation
import Storage

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Chạy ứng dụng web / Run the web app.",
        discussion: """
        Tạo hoặc nâng cấp cơ sở dữ liệu; nếu trống, dựng tỉnh mẫu và các tài khoản thử. In địa chỉ và tài khoản.
        Migrates the database; when it is empty, builds the demo province and demo accounts. Prints the address and the logins.
        SQLite: SQLITE_PATH (mặc định giamngheo.sqlite); PostgreSQL: DATABASE_URL=postgres://…
        """
    )
    @Option(help: "Địa chỉ lắng nghe / Address to listen on.") var hostname = "127.0.0.1"
    @Option(help: "Cổng / Port.") var port = 8080
    @Option(help: "Số hộ của tỉnh mẫu khi cơ sở dữ liệu trống / Households of the demo province when the database is empty.")
    var demoHouseholds = 5000
    @Flag(help: "Không dựng tỉnh mẫu / Do not build the demo province.") var noDemo = false
    @Flag(help: "Cookie chỉ gửi qua HTTPS (khi chạy sau TLS) / Secure cookies (behind TLS).") var secureCookies = false

    func validate() throws { guard (100...2_000_000).contains(demoHouseholds) else { throw ValidationError("--demo-households: 100…2000000") } }

    func run() async throws {
        let config: StorageConfig
        do { config = try StorageConfig.fromEnvironment() } catch {
            Terminal.error("\(error)")
            throw ExitCode(78)
        }
        do {
            try await WebServer.run(config, .init(hostname: hostname, port: port, demoHouseholds: noDemo ? nil : demoHouseholds, secureCookies: secureCookies),
                                    progress: { Terminal.error($0) },
                                    say: { line in FileHandle.standardOutput.write(Data((line + "\n").utf8)) })
        } catch {
            Terminal.error("\(error)")
            throw ExitCode(1)
        }
    }
}

