import Foundation
import NIOConcurrencyHelpers
import PovertyCore
import Spreadsheets
import Storage

/// What can be imported from the web.
public enum ImportKind: String, Sendable, CaseIterable, Codable {
    case survey = "khao-sat"
    case members = "doan-vien"
    case units = "don-vi"
}

/// One uploaded file on its way in: checked (a dry run for surveys), waiting for the user's
/// confirmation, importing, then done or refused. Held in memory; the file waits on disk, and a
/// checked job waiting for its confirmation is also written beside it, so a restart keeps it.
public struct ImportJob: Sendable {
    public enum State: String, Sendable, Codable {
        case checking, ready, rejected, running, done, failed
    }
    public let id: String
    public let ownerID: Int
    public let kind: ImportKind
    public let fileName: String
    public let path: String
    public var state: State = .checking
    /// What the dry run found (surveys) or what the import did.
    public var preview: ImportResult?
    public var result: ImportResult?
    public var issues: [SurveyIssue] = []
    public var issueTotal = 0
    /// A problem with the file itself (unreadable, wrong format) or the database.
    public var message: String?
    public var rows = 0
    public var total: Int?
    public let created: Date
}

/// The import jobs of this server, by id. Bounded: at most `perAccount` unfinished jobs of
/// one account (checking, waiting for confirmation, importing) and `perServer` files being
/// read or imported at once; the rest are told the server is busy. A job's file is removed
/// when it is imported, refused, or left unconfirmed for an hour.
///
/// A checked job waiting for its confirmation is written as `<id>.job.json` beside its file in
/// the upload folder (`directory`), and stays written while it is imported: a restart (or a
/// crash, which rolls the import back) finds it waiting for its confirmation again
/// (`restore`). Everything else an earlier run left in the folder is removed at start.
public final class ImportJobs: Sendable {
    private let jobs = NIOLockedValueBox<[String: ImportJob]>([:])
    let perAccount: Int
    let perServer: Int
    /// The upload folder, where waiting jobs are written; nil keeps them in memory only.
    let directory: String?
    /// How long an upload waits for its confirmation.
    static let unconfirmedFor: TimeInterval = 3_600

    public init(perAccount: Int = 2, perServer: Int = 3, directory: String? = nil) {
        self.perAccount = perAccount
        self.perServer = perServer
        self.directory = directory
    }

    /// What is written of a waiting job.
    private struct Saved: Codable {
        let id: String
        let ownerID: Int
        let kind: ImportKind
        let fileName: String
        let file: String
        let preview: ImportResult?
        let total: Int?
        let created: Date
    }

    private func savedPath(_ id: String) -> String? { directory.map { "\($0)/\(id).job.json" } }

    /// Writes a job waiting for its confirmation (or being imported), removes it otherwise.
    private func persist(_ job: ImportJob) {
        guard let path = savedPath(job.id) else { return }
        guard job.state == .ready || job.state == .running else {
            try? FileManager.default.removeItem(atPath: path)
            return
        }
        let saved = Saved(id: job.id, ownerID: job.ownerID, kind: job.kind, fileName: job.fileName,
                          file: (job.path as NSString).lastPathComponent, preview: job.preview, total: job.total, created: job.created)
        if let data = try? JSONEncoder().encode(saved) { try? data.write(to: URL(fileURLWithPath: path), options: .atomic) }
    }

    /// At start: the jobs an earlier run left waiting for their confirmation (or importing when
    /// it stopped: the import was rolled back) wait again; every other file in the folder — of
    /// jobs never checked, refused, expired, or whose file is gone — is removed.
    func restore(now: Date = Date()) {
        guard let directory else { return }
        let fm = FileManager.default
        let names = (try? fm.contentsOfDirectory(atPath: directory)) ?? []
        var kept: Set<String> = []
        for name in names where name.hasSuffix(".job.json") {
            let path = directory + "/" + name
            guard let data = fm.contents(atPath: path), let saved = try? JSONDecoder().decode(Saved.self, from: data),
                  name == saved.id + ".job.json", !saved.file.contains("/"), saved.file.hasPrefix(saved.id),
                  now.timeIntervalSince(saved.created) < Self.unconfirmedFor, fm.fileExists(atPath: directory + "/" + saved.file) else {
                try? fm.removeItem(atPath: path)
                continue
            }
            var job = ImportJob(id: saved.id, ownerID: saved.ownerID, kind: saved.kind, fileName: saved.fileName,
                                path: directory + "/" + saved.file, created: saved.created)
            job.state = .ready
            job.preview = saved.preview
            job.total = saved.total
            jobs.withLockedValue { $0[job.id] = job }
            persist(job)
            kept.insert(saved.file)
        }
        for name in names where (name.hasSuffix(".csv") || name.hasSuffix(".xlsx")) && !kept.contains(name) {
            try? fm.removeItem(atPath: directory + "/" + name)
        }
    }

    /// Why a new job cannot start now.
    enum Busy: Error { case account, server }

    /// Admits a job, or refuses it when its owner or the server has too many under way.
    func add(_ job: ImportJob) throws {
        try jobs.withLockedValue { all in
            // Forget finished jobs older than a day, and unconfirmed uploads older than an hour (their files too).
            let now = Date()
            let old = all.values.filter { j in
                let age = now.timeIntervalSince(j.created)
                return age > 86_400 || (j.state == .ready && age > Self.unconfirmedFor)
            }
            for j in old {
                all[j.id] = nil
                try? FileManager.default.removeItem(atPath: j.path)
                if let saved = savedPath(j.id) { try? FileManager.default.removeItem(atPath: saved) }
            }
            let unfinished = all.values.filter { [.checking, .ready, .running].contains($0.state) }
            if unfinished.filter({ $0.ownerID == job.ownerID }).count >= perAccount { throw Busy.account }
            if unfinished.filter({ $0.state != .ready }).count >= perServer { throw Busy.server }
            all[job.id] = job
        }
    }

    /// A job of this owner (another user's job is not found).
    func job(_ id: String, owner: Int) -> ImportJob? {
        jobs.withLockedValue { $0[id] }.flatMap { $0.ownerID == owner ? $0 : nil }
    }

    func update(_ id: String, _ change: (inout ImportJob) -> Void) {
        let changed: ImportJob? = jobs.withLockedValue { all in
            guard var j = all[id] else { return nil }
            let state = j.state
            change(&j)
            all[id] = j
            return j.state != state ? j : nil
        }
        if let changed { persist(changed) }
    }

    /// Runs the check (dry run) of a job in the background.
    func check(_ job: ImportJob, store: Store, actor: Actor) {
        Task.detached { [self] in
            do {
                let result = try await perform(job, store: store, actor: actor, dryRun: true)
                update(job.id) { $0.preview = result; $0.state = .ready }
            } catch {
                fail(job.id, error, state: .rejected)
            }
        }
    }

    /// Runs the import of a checked job in the background; all or nothing.
    func run(_ job: ImportJob, store: Store, actor: Actor) {
        update(job.id) { $0.state = .running; $0.rows = 0 }
        Task.detached { [self] in
            do {
                let result = try await perform(job, store: store, actor: actor, dryRun: false)
                update(job.id) { $0.result = result; $0.state = .done }
                try? FileManager.default.removeItem(atPath: job.path)
            } catch {
                fail(job.id, error, state: .failed)
            }
        }
    }

    /// The job's file through its importer, reporting progress into the job.
    private func perform(_ job: ImportJob, store: Store, actor: Actor, dryRun: Bool) async throws -> ImportResult {
        let source = try Spreadsheet.open(path: job.path)
        let progress: @Sendable (ImportProgress) -> Void = { p in self.update(job.id) { $0.rows = p.rows; $0.total = p.total } }
        switch job.kind {
        case .survey:
            var importer = SurveyImporter(store: store, actor: actor, fileName: job.fileName,
                                          expectedRows: job.preview?.rows ?? (source as? CSVReader)?.estimatedRowCount(), progress: progress)
            importer.dryRun = dryRun
            return try await importer.run(source)
        case .members:
            var importer = MembersImporter(store: store, actor: actor, fileName: job.fileName, progress: progress)
            importer.dryRun = dryRun
            return try await importer.run(source)
        case .units:
            var importer = UnitsImporter(store: store, actor: actor, fileName: job.fileName)
            importer.dryRun = dryRun
            return try await importer.run(source)
        }
    }

    private func fail(_ id: String, _ error: any Error, state: ImportJob.State) {
        update(id) { j in
            j.state = state
            // A refused or failed file is not kept.
            try? FileManager.default.removeItem(atPath: j.path)
            switch error {
            case let rejected as ImportRejected:
                j.issues = rejected.issues
                j.issueTotal = rejected.total
            case let e as SpreadsheetError:
                j.message = e.description
            case let e as any Refusal:
                j.message = e.message.bilingual
            default:
                j.message = "\(error)"
            }
        }
    }
}
