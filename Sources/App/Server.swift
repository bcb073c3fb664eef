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
        public var demoHouseholds: Int?
        public var secureCookies: Bool
        public init(hostname: String, port: Int, demoHouseholds: Int?, secureCookies: Bool) {
            self.hostname = hostname; self.port = port; self.demoHouseholds = demoHouseholds; self.secureCookies = secureCookies
        }
    }

    /// Migrates, seeds the demo province when the database is empty (unless `demoHouseholds` is nil),
    /// serves, and prints the address and the demo logins through `say`.
    public static func run(_ database: StorageConfig, _ options: Options, progress: @escaping @Sendable (String) -> Void,
                           say: @escaping @Sendable (String) -> Void) async throws {
        var env = Environment.production
        env.arguments = ["giamngheo"]
        let app = try await Application.make(env)
        app.logger.logLevel = .notice
        do {
            try await configure(app, database: database, settings: WebSettings(secureCookies: options.secureCookies))
            var logins: [DemoLogin]?
            if let n = options.demoHouseholds { logins = try await DemoSeed.seedIfEmpty(app, households: n, progress: progress) }
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
            } else {
                say("Cơ sở dữ liệu đã có dữ liệu: đăng nhập bằng tài khoản đã có (giamngheo user list) / existing data: log in with your accounts")
            }
            say("Ctrl+C để dừng / to stop")
            await waitForTermination()
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
