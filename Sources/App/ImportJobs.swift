import Foundation
import NIOConcurrencyHelpers
import PovertyCore
import Spreadsheets
import Storage
import Texts

/// What can be imported from the web.
public enum ImportKind: String, Sendable, CaseIterable, Codable {
    case survey = "khao-sat"
    case members = "doan-vien"
    case units = "don-vi"
}

/// One uploaded file on its way in: checked (a dry run for surveys), waiting for the user's
/// confirmation, importing, then done or refused.
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

/// The import jobs of every instance of the app that shares the upload folder. A job lives in
/// that folder, not in one process's memory: its file `<id>.csv|.xlsx`, its state
/// `<id>.job.json` (written at each change of state and at most once a second with its
/// progress), and — while a process checks or imports it — a claim `<id>.claim`, a file the
/// process holds an exclusive `flock` on. The lock ends with the process however it ends, so
/// any instance answers for any job, one confirmation imports it once (only one process gets
/// the lock), and a job whose process stopped is seen as such: a check is refused (upload
/// again), an import was rolled back by the database and waits for its confirmation again.
/// (A shared folder across machines needs a file system whose `flock` is shared: NFSv4.)
///
/// Bounded: at most `perAccount` unfinished jobs of one account (checking, waiting for
/// confirmation, importing) and `perServer` files being read or imported at once across the
/// folder; the rest are told the server is busy. A job's file is removed when it is imported,
/// refused, or left unconfirmed for an hour; its state a day after it ended.
public final class ImportJobs: Sendable {
    /// A job this process is checking or importing: the job, when its state was last written,
    /// and the open claim file it holds the lock of.
    private struct Working {
        var job: ImportJob
        var savedAt: Date
        let claim: Int32
    }
    private let working = NIOLockedValueBox<[String: Working]>([:])
    private let stopping = NIOLockedValueBox(false)
    let perAccount: Int
    let perServer: Int
    /// The upload folder, shared by the instances of the app.
    let directory: String
    /// How long an upload waits for its confirmation.
    static let unconfirmedFor: TimeInterval = 3_600
    /// How long an ended job's state is kept (its result page).
    static let keptFor: TimeInterval = 86_400

    public init(directory: String, perAccount: Int = 2, perServer: Int = 3) {
        self.perAccount = perAccount
        self.perServer = perServer
        self.directory = directory
    }

    /// What is written of a job.
    private struct Saved: Codable {
        let id: String
        let ownerID: Int
        let kind: ImportKind
        let fileName: String
        let file: String
        let created: Date
        var state: ImportJob.State?
        var preview: ImportResult?
        var result: ImportResult?
        var issues: [SurveyIssue]?
        var issueTotal: Int?
        var message: String?
        var rows: Int?
        var total: Int?
    }

    /// Ids are `Tokens.random()`: URL-safe Base64, nothing that leaves the folder.
    static func isID(_ id: String) -> Bool {
        !id.isEmpty && id.count <= 64 && id.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_") }
    }
    private func statePath(_ id: String) -> String { "\(directory)/\(id).job.json" }
    private func claimPath(_ id: String) -> String { "\(directory)/\(id).claim" }

    private func write(_ job: ImportJob) {
        let saved = Saved(id: job.id, ownerID: job.ownerID, kind: job.kind, fileName: job.fileName,
                          file: (job.path as NSString).lastPathComponent, created: job.created, state: job.state,
                          preview: job.preview, result: job.result, issues: job.issues, issueTotal: job.issueTotal,
                          message: job.message, rows: job.rows, total: job.total)
        if let data = try? JSONEncoder().encode(saved) { try? data.write(to: URL(fileURLWithPath: statePath(job.id)), options: .atomic) }
    }

    /// A job as its folder says, or nil. A check or an import whose claim nobody holds (its
    /// process stopped) reads as refused or as waiting again — unless `judging` is false (the
    /// caller holds the claim itself).
    private func read(_ id: String, judging: Bool = true) -> ImportJob? {
        guard Self.isID(id) else { return nil }
        // Whether a process holds it, asked before the state is read: a process writes the
        // job's last state before it lets the claim go, so a claim found free and a state still
        // `checking` or `running` mean that process stopped.
        let held = judging ? claimAlive(id) : true
        guard let data = FileManager.default.contents(atPath: statePath(id)),
              let saved = try? JSONDecoder().decode(Saved.self, from: data),
              saved.id == id, !saved.file.contains("/"), saved.file.hasPrefix(id) else { return nil }
        var job = ImportJob(id: id, ownerID: saved.ownerID, kind: saved.kind, fileName: saved.fileName,
                            path: directory + "/" + saved.file, created: saved.created)
        job.state = saved.state ?? .ready
        job.preview = saved.preview
        job.result = saved.result
        job.issues = saved.issues ?? []
        job.issueTotal = saved.issueTotal ?? 0
        job.message = saved.message
        job.rows = saved.rows ?? 0
        job.total = saved.total
        if !held, job.state == .checking || job.state == .running {
            if job.state == .checking {
                job.state = .failed
                job.message = Message("import.abandoned").bilingual
            } else {
                // The database rolled the import back: it waits for its confirmation again.
                job.state = .ready
                job.rows = 0
            }
        }
        return job
    }

    /// Whether a process holds the job's claim (this one, or another that has it locked).
    private func claimAlive(_ id: String) -> Bool {
        if working.withLockedValue({ $0[id] != nil }) { return true }
        let fd = open(claimPath(id), O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        if flock(fd, LOCK_SH | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return false
        }
        return errno == EWOULDBLOCK
    }

    /// Takes the job for this process: its claim file, locked; nil when another process (or
    /// this one) holds it. A claim left by a process that stopped is simply locked again.
    private func claim(_ id: String) -> Int32? {
        guard working.withLockedValue({ $0[id] == nil }) else { return nil }
        let path = claimPath(id)
        let fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return nil }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            return nil
        }
        // The file may have been removed (its job released) between the open and the lock: a
        // lock on a file no longer at the path guards nothing.
        var held = stat(), named = stat()
        guard fstat(fd, &held) == 0, stat(path, &named) == 0, held.st_ino == named.st_ino, held.st_dev == named.st_dev else {
            close(fd)
            return nil
        }
        return fd
    }

    /// Ends this process's work on a job: its claim is removed, then unlocked.
    private func release(_ id: String) {
        guard let entry = working.withLockedValue({ $0.removeValue(forKey: id) }) else { return }
        unlink(claimPath(id))
        close(entry.claim)
    }

    /// Every job in the folder, as its state says.
    private func all() -> [ImportJob] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".job.json") }.compactMap { read(String($0.dropLast(".job.json".count))) }
    }

    /// Whether an ended or unconfirmed job is past keeping.
    private static func expired(_ job: ImportJob, now: Date) -> Bool {
        let age = now.timeIntervalSince(job.created)
        switch job.state {
        case .ready: return age > unconfirmedFor
        case .checking, .running: return false
        case .rejected, .done, .failed: return age > keptFor
        }
    }

    /// Removes what no job needs: the files and states of expired jobs, the file of an ended
    /// one, and files of no job (a job's state is written before its file, its claim taken
    /// before its state). The claim of a job that exists is left alone (a process may be taking
    /// it); a claim locked by a process is never removed. Run at start and before each upload.
    /// Only a regular file named as a job's is ever removed: a folder given for uploads that
    /// also holds other files (a database, a backup) or folders keeps them.
    func sweep(now: Date = Date()) {
        let fm = FileManager.default
        var needed: Set<String> = []
        for job in all() {
            // An expired job is removed under its claim: one another process is confirming or
            // importing right now is left alone (it is not expired for that process).
            if Self.expired(job, now: now), let claim = claim(job.id) {
                defer { close(claim) }
                if let again = read(job.id, judging: false), Self.expired(again, now: now) {
                    try? fm.removeItem(atPath: job.path)
                    try? fm.removeItem(atPath: statePath(job.id))
                    unlink(claimPath(job.id))
                    continue
                }
            }
            needed.insert(job.id + ".job.json")
            needed.insert(job.id + ".claim")
            if [.checking, .ready, .running].contains(job.state) { needed.insert((job.path as NSString).lastPathComponent) }
        }
        for name in (try? fm.contentsOfDirectory(atPath: directory)) ?? [] where !needed.contains(name) && Self.isJobFile(name) {
            if name.hasSuffix(".claim"), claimAlive(String(name.dropLast(".claim".count))) { continue }
            let path = directory + "/" + name
            guard (try? fm.attributesOfItem(atPath: path)[.type] as? FileAttributeType) == .typeRegular else { continue }
            try? fm.removeItem(atPath: path)
        }
    }

    /// A name this folder's jobs use: an id as `Tokens.random()` makes them (43 characters,
    /// never an operator's `khao-sat-2025.xlsx`) and one of the jobs' endings.
    static func isJobFile(_ name: String) -> Bool {
        for ending in [".job.json", ".claim", ".csv", ".xlsx"] where name.hasSuffix(ending) {
            let id = String(name.dropLast(ending.count))
            return id.utf8.count == 43 && isID(id)
        }
        return false
    }

    /// At start: uploads waiting for their confirmation (or importing when their process
    /// stopped: the import was rolled back) wait again; what no job needs is removed.
    func restore(now: Date = Date()) { sweep(now: now) }

    /// Why a new job cannot start now.
    enum Busy: Error { case account, server }

    /// Admits a job (this process checks it), or refuses it when its owner or the server has
    /// too many under way.
    func add(_ job: ImportJob) throws {
        let now = Date()
        sweep(now: now)
        let unfinished = all().filter { [.checking, .ready, .running].contains($0.state) }
        if unfinished.filter({ $0.ownerID == job.ownerID }).count >= perAccount { throw Busy.account }
        if unfinished.filter({ $0.state != .ready }).count >= perServer { throw Busy.server }
        guard let claim = claim(job.id) else { throw Busy.server }
        working.withLockedValue { $0[job.id] = Working(job: job, savedAt: now, claim: claim) }
        write(job)
        // Counted again with this job written: two uploads at once (two threads, two instances)
        // each saw room for one; each now sees the other, so both may be asked to try again,
        // never both pass.
        let others = all().filter { $0.id != job.id && [.checking, .ready, .running].contains($0.state) }
        let busy: Busy? = others.filter({ $0.ownerID == job.ownerID }).count >= perAccount ? .account
            : others.filter({ $0.state != .ready }).count >= perServer ? .server : nil
        if let busy {
            try? FileManager.default.removeItem(atPath: statePath(job.id))
            release(job.id)
            throw busy
        }
    }

    /// A job of this owner (another user's job is not found), from this process's work or the folder.
    func job(_ id: String, owner: Int) -> ImportJob? {
        (working.withLockedValue { $0[id]?.job } ?? read(id)).flatMap { $0.ownerID == owner ? $0 : nil }
    }

    /// Changes a job this process works on; its state is written when it changes, its progress
    /// at most once a second.
    func update(_ id: String, _ change: (inout ImportJob) -> Void) {
        let now = Date()
        let changed: ImportJob? = working.withLockedValue { all in
            guard var entry = all[id] else { return nil }
            let state = entry.job.state
            change(&entry.job)
            let due = entry.job.state != state || now.timeIntervalSince(entry.savedAt) >= 1
            if due { entry.savedAt = now }
            all[id] = entry
            return due ? entry.job : nil
        }
        if let changed { write(changed) }
    }

    /// The server is stopping: a check or an import it cuts short (its database closing under
    /// it) is left as a stopped process leaves it — an import waits for its confirmation again
    /// (rolled back), a check reads as stopped — not marked failed with its upload deleted.
    public func stop() { stopping.withLockedValue { $0 = true } }

    /// Whether a job that threw may be judged on its error: not when the server is stopping.
    private func endedByStop(_ id: String) -> Bool {
        guard stopping.withLockedValue({ $0 }) else { return false }
        release(id)
        return true
    }

    /// Runs the check (dry run) of a job admitted by `add` in the background.
    func check(_ job: ImportJob, store: Store, actor: Actor) {
        Task.detached { [self] in
            do {
                let result = try await perform(job, store: store, actor: actor, dryRun: true)
                update(job.id) { $0.preview = result; $0.state = .ready }
                release(job.id)
            } catch {
                if endedByStop(job.id) { return }
                fail(job.id, error, state: .rejected)
            }
        }
    }

    /// Runs the import of a checked job in the background, all or nothing; false when it is
    /// already being imported (by this or another instance). `Busy.server` when the server
    /// already reads or imports as many files as it may (the job waits for its confirmation).
    @discardableResult
    func run(_ job: ImportJob, store: Store, actor: Actor) throws -> Bool {
        // Waiting for its confirmation — or under way when its process stopped, rolled back.
        guard read(job.id)?.state == .ready, let claim = claim(job.id) else { return false }
        // Read again under the claim: another instance may have imported it meanwhile. A saved
        // `running` is the stopped process's: nobody else holds the claim now.
        guard var current = read(job.id, judging: false), current.state == .ready || current.state == .running else {
            unlink(claimPath(job.id))
            close(claim)
            return false
        }
        current.state = .running
        current.rows = 0
        current.message = nil
        working.withLockedValue { $0[job.id] = Working(job: current, savedAt: Date(), claim: claim) }
        write(current)
        // Files read or imported now, counted with this one written as running: two
        // confirmations at once each see the other, so both may wait, never both pass.
        if all().filter({ $0.id != job.id && ($0.state == .checking || $0.state == .running) }).count >= perServer {
            update(job.id) { $0.state = .ready }
            release(job.id)
            throw Busy.server
        }
        Task.detached { [self] in
            do {
                let result = try await perform(current, store: store, actor: actor, dryRun: false)
                // Done is said before the file goes: a process stopping between the two leaves a
                // done job and a file the sweep removes, never a waiting job without its file.
                update(job.id) { $0.result = result; $0.state = .done }
                try? FileManager.default.removeItem(atPath: current.path)
                release(job.id)
            } catch {
                if endedByStop(job.id) { return }
                fail(job.id, error, state: .failed)
            }
        }
        return true
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
            importer.job = job.id
            return try await importer.run(source)
        case .members:
            var importer = MembersImporter(store: store, actor: actor, fileName: job.fileName, progress: progress)
            importer.dryRun = dryRun
            importer.job = job.id
            return try await importer.run(source)
        case .units:
            var importer = UnitsImporter(store: store, actor: actor, fileName: job.fileName)
            importer.dryRun = dryRun
            importer.job = job.id
            return try await importer.run(source)
        }
    }

    /// A job that cannot go on: refused (its check found problems) or failed; its file is not kept.
    func fail(_ id: String, _ error: (any Error)?, state: ImportJob.State) {
        update(id) { j in
            j.state = state
            try? FileManager.default.removeItem(atPath: j.path)
            switch error {
            case nil:
                break
            case let rejected as ImportRejected:
                j.issues = rejected.issues
                j.issueTotal = rejected.total
            case let e as SpreadsheetError:
                j.message = e.description
            case let e as any Refusal:
                j.message = e.message.bilingual
            case let e?:
                j.message = "\(e)"
            }
        }
        release(id)
    }
}
