@preconcurrency import Dispatch
import Foundation
import NIOConcurrencyHelpers
import Storage
import Vapor

/// `giamngheo serve`: the web app until Ctrl+C or SIGTERM.
public enum WebServer {
    public struct Options: Sendable {
        public var hostname: String
        public var port: Int
        /// Build the demo province (and its demo accounts) when the database is empty; nil: never.
        public var demoHouseholds: Int?
        public var secureCookies: Bool
        public var trustedProxies: Set<String>
        /// Where uploads wait for their confirmation; nil: the system's temporary folder.
        public var uploadDirectory: String?
        public init(hostname: String, port: Int, demoHouseholds: Int?, secureCookies: Bool, trustedProxies: Set<String> = [],
                    uploadDirectory: String? = nil) {
            self.hostname = hostname; self.port = port; self.demoHouseholds = demoHouseholds; self.secureCookies = secureCookies
            self.trustedProxies = trustedProxies
            self.uploadDirectory = uploadDirectory
        }
    }

    /// Migrates; with `demoHouseholds`, builds the demo province on an empty database and prints
    /// its logins; without, never makes demo accounts: on a tree with no account yet it creates the
    /// first administrator and prints their generated password once. Then serves.
    public static func run(_ database: StorageConfig, _ options: Options, progress: @escaping @Sendable (String) -> Void,
                           say: @escaping @Sendable (String) -> Void) async throws {
        var env = Environment.production
        env.arguments = ["giamngheo"]
        let app = try await Application.make(env)
        app.logger.logLevel = .notice
        do {
            var settings = WebSettings(secureCookies: options.secureCookies)
            settings.trustedProxies = options.trustedProxies
            if let uploads = options.uploadDirectory { settings.uploadDirectory = uploads }
            try await configure(app, database: database, settings: settings)
            var logins: [DemoLogin]?
            var firstAdministrator: (username: String, password: String, unit: String)?
            if let n = options.demoHouseholds {
                logins = try await DemoSeed.seedIfEmpty(app, households: n, progress: progress)
            } else {
                firstAdministrator = try await app.web.store.createFirstAdministrator(try await app.web.store.operator("serve"))
            }
            app.http.server.configuration.hostname = options.hostname
            app.http.server.configuration.port = options.port
            try app.server.start()
            say("giamngheo: \(database)")
            say("Mở / open  http://\(options.hostname):\(options.port)/")
            if let logins {
                say("Tài khoản thử / demo logins (mật khẩu / password: \(DemoSeed.password)):")
                for l in logins {
                    say("  \(l.username.padding(toLength: 8, withPad: " ", startingAt: 0))  \(l.role.rawValue.padding(toLength: 16, withPad: " ", startingAt: 0))  \(l.unit)")
                }
            } else if let admin = firstAdministrator {
                say("Tài khoản quản trị đầu tiên / first administrator: \(admin.username) (đơn vị / unit \(admin.unit))")
                say("  mật khẩu / password: \(admin.password)")
                say("  Chỉ in một lần: hãy đăng nhập và đổi mật khẩu ngay / shown only once: sign in and change it now")
            } else if try await app.web.store.isEmpty() {
                say("Cơ sở dữ liệu trống: nhập cây đơn vị (giamngheo import units TỆP) rồi chạy lại, hoặc chạy với --demo để xem tỉnh mẫu / "
                    + "empty database: import your union tree (giamngheo import units FILE) and start again, or use --demo for the demo province")
            } else {
                say("Đăng nhập bằng tài khoản đã có (giamngheo user list) / log in with your accounts")
            }
            say("Ctrl+C để dừng / to stop")
            await waitForTermination()
            // Checks and imports under way end as a stopped process's do (an import waits for
            // its confirmation again), not as failures, when the database closes under them.
            app.web.imports.stop()
            await app.server.shutdown()
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }

    private static func waitForTermination() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let once = NIOLockedValueBox(false)
            var sources: [any DispatchSourceSignal] = []
            for sig in [SIGINT, SIGTERM] {
                signal(sig, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
                source.setEventHandler {
                    if once.withLockedValue({ let was = $0; $0 = true; return !was }) { continuation.resume() }
                }
                source.resume()
                sources.append(source)
            }
            keep = sources
        }
    }

    /// Keeps the signal sources alive for the life of the process.
    nonisolated(unsafe) private static var keep: [any DispatchSourceSignal] = []

    /// A password hash as the web app stores it (Bcrypt).
    public static func hashPassword(_ password: String) throws -> String {
        try Bcrypt.hash(password, cost: 11)
    }
}
