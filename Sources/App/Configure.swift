import Foundation
import Fluent
import Leaf
import NIOConcurrencyHelpers
import PovertyCore
import Spreadsheets
import Storage
import Vapor

/// How the web app is set up.
public struct WebSettings: Sendable {
    /// Where `Resources/Views` and `Public` are.
    public var rootDirectory: String
    /// Bcrypt cost (low in tests).
    public var bcryptCost: Int
    /// Mark the session cookie Secure (behind TLS).
    public var secureCookies: Bool
    /// Where uploaded files wait between preview and import.
    public var uploadDirectory: String
    /// Logins allowed per address per minute.
    public var loginsPerMinute: Int
    /// The one clock of the app and its store (tests pin it).
    public var clock: Clock
    /// Addresses of reverse proxies whose `X-Forwarded-For` names the client (nginx, Caddy on the same host: 127.0.0.1).
    public var trustedProxies: Set<String> = []

    public init(rootDirectory: String = WebSettings.defaultRoot(), bcryptCost: Int = 11, secureCookies: Bool = false,
                uploadDirectory: String = NSTemporaryDirectory() + "giamngheo-uploads", loginsPerMinute: Int = 20, clock: Clock = .system) {
        self.clock = clock
        self.rootDirectory = rootDirectory.hasSuffix("/") ? rootDirectory : rootDirectory + "/"
        self.bcryptCost = bcryptCost
        self.secureCookies = secureCookies
        self.uploadDirectory = uploadDirectory
        self.loginsPerMinute = loginsPerMinute
    }

    /// The working directory when it holds the views (`swift run` from the checkout), else
    /// the checkout this file was compiled in.
    public static func defaultRoot() -> String {
        let cwd = FileManager.default.currentDirectoryPath
        if FileManager.default.fileExists(atPath: cwd + "/Resources/Views/base.leaf") { return cwd + "/" }
        let source = URL(fileURLWithPath: #filePath)  // …/Sources/App/Configure.swift
        return source.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path + "/"
    }
}

/// What every request needs, kept in the application's storage.
public struct WebServices: Sendable {
    public let store: Store
    public let catalogue: Catalogue
    public let imports: ImportJobs
    public let loginLimiter: RateLimiter
    public let settings: WebSettings
    /// Dashboards and trees per scope and language, until the data changes.
    let dashboards = FiguresCache<DashboardBody>()
    let trees = FiguresCache<TreeBody>()
    /// Household counts per filter and scope.
    let counts = FiguresCache<Int>()
    /// The tree of a day.
    let dayTrees = FiguresCache<OrgTree>()
    /// Whether the database is the demo province's, read once (a database does not stop being one while served).
    let demoFlag = NIOLockedValueBox<Bool?>(nil)

    func isDemo() async throws -> Bool {
        if let known = demoFlag.withLockedValue({ $0 }) { return known }
        let demo = try await store.isDemoDatabase()
        demoFlag.withLockedValue { $0 = demo }
        return demo
    }

    /// The tree of `day`, kept until the data changes.
    func trees(on day: Day, _ user: CurrentUser) async throws -> OrgTree {
        try await dayTrees.value(day.iso, version: user.dataVersion) { user.history.tree(on: day) }
    }
}

struct ServicesKey: StorageKey { typealias Value = WebServices }

extension Application {
    public var web: WebServices {
        guard let s = storage[ServicesKey.self] else { fatalError("configure(_:) was not called") }
        return s
    }
}

extension Request {
    var web: WebServices { application.web }
    var store: Store { application.web.store }
}

/// Sets up the app on `database`: one pool (Vapor's) shared by the store, migrations run,
/// views, middleware and routes.
public func configure(_ app: Application, database: StorageConfig, settings: WebSettings = WebSettings()) async throws {
    // JSON with its keys in a fixed order: the same answer is the same bytes.
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    ContentConfiguration.global.use(encoder: encoder, for: .json)
    try Store.register(database, in: app.databases, maxConnectionsPerEventLoop: 4)
    let store = try Store(database, sharing: app.databases, logger: app.logger, clock: settings.clock,
                          passwords: BcryptHasher(cost: settings.bcryptCost))
    try await store.migrate()
    // Uploaded surveys and their jobs are personal data: the folder is the server's user's alone.
    try FileManager.default.createDirectory(atPath: settings.uploadDirectory, withIntermediateDirectories: true)
    try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: settings.uploadDirectory)
    // Uploads waiting for their confirmation survive a restart; the rest of the folder is cleared.
    let imports = ImportJobs(directory: settings.uploadDirectory)
    imports.restore()
    // What a stopped process left of the spreadsheets it wrote or read (names, incomes) goes too.
    let swept = TemporaryFiles.sweepStale()
    if swept > 0 { app.logger.info("removed \(swept) temporary spreadsheet files of stopped processes") }
    // SQLite: audit entries of reads wait in the journal beside the database (never behind an
    // import); they move into the audit log every two seconds, and when the server stops.
    if store.dialect == .sqlite { app.lifecycle.use(JournalMover(store: store)) }

    let catalogue = Catalogue.standard
    app.passwords.use(.bcrypt(cost: settings.bcryptCost))
    app.storage[ServicesKey.self] = WebServices(store: store, catalogue: catalogue,
                                             imports: imports, loginLimiter: RateLimiter(perMinute: settings.loginsPerMinute),
                                             settings: settings)

    app.directory = DirectoryConfiguration(workingDirectory: settings.rootDirectory)
    app.views.use(.leaf)
    app.leaf.tags["t"] = TranslateTag(catalogue: catalogue)
    app.leaf.tags["path"] = PathTag()
    app.leaf.configuration.rootDirectory = settings.rootDirectory + "Resources/Views/"
    if app.environment == .testing { app.leaf.cache.isEnabled = false }
    // Forms and JSON: 1 MiB; the import route takes files up to `CSRFMiddleware.maxBody`.
    app.routes.defaultMaxBodySize = ByteCount(value: InputGuardMiddleware.maxTextBody)

    app.middleware = Middlewares()
    app.middleware.use(SecurityHeadersMiddleware())
    app.middleware.use(ErrorPageMiddleware())
    app.middleware.use(InputGuardMiddleware())
    app.middleware.use(FileMiddleware(publicDirectory: settings.rootDirectory + "Public/"))
    app.middleware.use(SessionAuthenticator())

    try routes(app)
}

func routes(_ app: Application) throws {
    try app.register(collection: StaticController())
    try app.register(collection: AuthController())
    let pages = app.grouped(RequireAccount(), CSRFMiddleware())
    try pages.register(collection: DashboardController())
    try pages.register(collection: HouseholdController())
    try pages.register(collection: ReviewFormController())
    try pages.register(collection: MemberController())
    try pages.register(collection: HardshipController())
    try pages.register(collection: CoverageController())
    try pages.register(collection: FundsController())
    try pages.register(collection: LoansController())
    try pages.register(collection: CampaignsController())
    try pages.register(collection: ReportsController())
    try pages.register(collection: UnitController())
    try pages.register(collection: ImportController())
    try pages.register(collection: AdminController())
    try app.register(collection: APIController())
    try app.register(collection: SupportAPIController())
    try app.register(collection: LoansAPIController())
    try app.register(collection: ReportsAPIController())
}

/// Moves the SQLite journal's audit entries into the audit log while the app runs (`Store.flushJournal`).
final class JournalMover: LifecycleHandler, Sendable {
    let store: Store
    private let task = NIOLockedValueBox<Task<Void, Never>?>(nil)

    init(store: Store) { self.store = store }

    func didBootAsync(_ application: Application) async throws {
        let store = self.store
        task.withLockedValue {
            $0 = Task.detached {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(2))
                    // Not behind an import: what cannot move now moves at a later turn.
                    try? await store.flushJournal(waiting: false)
                }
            }
        }
    }

    func shutdownAsync(_ application: Application) async {
        task.withLockedValue { $0?.cancel() }
        try? await store.flushJournal(waiting: false)
    }
}
