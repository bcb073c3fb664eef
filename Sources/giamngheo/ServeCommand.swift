import App
import ArgumentParser
import Foundation
import Storage

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Chạy ứng dụng web / Run the web app.",
        discussion: """
        Tạo hoặc nâng cấp cơ sở dữ liệu. Với --demo: nếu trống, dựng tỉnh mẫu và các tài khoản thử (mọi trang ghi "dữ liệu mẫu").
        Không có --demo: không bao giờ tạo tài khoản thử; khi đã có cây đơn vị mà chưa có tài khoản nào, tạo quản trị viên đầu tiên
        và in mật khẩu sinh ngẫu nhiên một lần.
        Migrates the database. With --demo, an empty database gets the demo province and demo accounts (every page says
        "demo data"). Without, no demo account is ever made: a tree with no account yet gets a first administrator, whose
        generated password is printed once.
        SQLite: SQLITE_PATH (mặc định giamngheo.sqlite); PostgreSQL: DATABASE_URL=postgres://…
        """
    )
    @Option(help: "Địa chỉ lắng nghe / Address to listen on.") var hostname = "127.0.0.1"
    @Option(help: "Cổng / Port.") var port = 8080
    @Flag(help: "Dựng tỉnh mẫu khi cơ sở dữ liệu trống / Build the demo province when the database is empty.") var demo = false
    @Option(help: "Số hộ của tỉnh mẫu / Households of the demo province (with --demo).")
    var demoHouseholds = 5000
    @Flag(help: "Cookie chỉ gửi qua HTTPS (khi chạy sau TLS) / Secure cookies (behind TLS).") var secureCookies = false
    @Option(help: "Địa chỉ proxy ngược tin cậy, đọc X-Forwarded-For (lặp lại được) / A trusted reverse proxy's address, whose X-Forwarded-For names the client (repeatable).")
    var trustedProxy: [String] = []
    @Option(help: "Thư mục giữ tệp tải lên chờ xác nhận (giữ được qua khởi động lại) / Folder for uploads waiting for their confirmation (kept across restarts; only the jobs' own files are ever removed from it). Default: the system's temporary folder.")
    var uploads: String?

    func validate() throws { guard (100...2_000_000).contains(demoHouseholds) else { throw ValidationError("--demo-households: 100…2000000") } }

    func run() async throws {
        let config = try DatabaseOptions.configFromEnvironment()
        do {
            try await WebServer.run(config, .init(hostname: hostname, port: port, demoHouseholds: demo ? demoHouseholds : nil, secureCookies: secureCookies,
                                                                trustedProxies: Set(trustedProxy), uploadDirectory: uploads),
                                    progress: { Terminal.error($0) },
                                    say: { line in FileHandle.standardOutput.write(Data((line + "\n").utf8)) })
        } catch {
            Terminal.error("\(error)")
            throw ExitCode(1)
        }
    }
}

