import Dispatch
import Foundation

/// Converts DOCX to PDF with LibreOffice in headless mode
/// (`soffice --headless --convert-to pdf`), for printing and for sending documents that
/// must not be edited.
///
/// ```swift
/// let pdf = try await PDFConverter().pdfData(for: report)
/// ```
///
/// LibreOffice runs with a profile of its own (one per process, in the temporary
/// directory, removed at exit), so it never touches or waits for a user's running
/// LibreOffice. Conversions in the whole process go one at a time, in the order asked,
/// on a serial queue off Swift's cooperative pool; each is killed after `timeout`.
/// The first conversion of a process is slower (LibreOffice fills its new profile).
///
/// On Debian/Ubuntu: `apt-get install libreoffice-writer-nogui fonts-liberation2`
/// (Liberation Serif has the metrics of Times New Roman and the Vietnamese letters).
public struct PDFConverter: Sendable {
    /// The LibreOffice executable; nil looks for `soffice` or `libreoffice` on `PATH`, then
    /// in the usual install places (see `locateOffice()`).
    public var executable: String?
    /// Seconds a conversion may take before LibreOffice is killed.
    public var timeout: TimeInterval

    public init(executable: String? = nil, timeout: TimeInterval = 120) {
        self.executable = executable
        self.timeout = timeout
    }

    /// Converts the `.docx` file at `docx` and writes the PDF at `pdf` (atomically,
    /// replacing any file there).
    public func convert(docx: URL, to pdf: URL) async throws {
        let data = try await run { workDirectory in
            let input = workDirectory.appendingPathComponent("document.docx")
            do {
                try FileManager.default.copyItem(at: docx, to: input)
            } catch {
                throw DocumentError.cannotRead(path: docx.path, reason: "\(error)")
            }
            return input
        }
        try AtomicFile.write(data, to: pdf)
    }

    /// The PDF for a `.docx` file's bytes.
    public func pdfData(docx: Data) async throws -> Data {
        try await run { workDirectory in
            let input = workDirectory.appendingPathComponent("document.docx")
            do {
                try docx.write(to: input)
            } catch {
                throw DocumentError.cannotWrite(path: input.path, reason: "\(error)")
            }
            return input
        }
    }

    /// The PDF of a document (written as DOCX, then converted).
    public func pdfData(for document: OfficialDocument) async throws -> Data {
        try await pdfData(docx: document.docxData())
    }

    /// Where LibreOffice is: `soffice` or `libreoffice` on `PATH`, then `/usr/bin`,
    /// `/usr/local/bin`, `/opt/libreoffice*/program`, `/snap/bin` and the macOS app.
    /// nil when none is there.
    public static func locateOffice() -> String? {
        candidatePaths().first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    // MARK: - Running LibreOffice

    private static let queue = DispatchQueue(label: "giamngheo.documents.pdf-converter", qos: .userInitiated)
    /// At most this many conversions running or waiting in the process.
    public static let maxWaiting = 4
    private static let waiting = Gate()
    private static var profile: OfficeProfile { OfficeProfile.shared }

    static func candidatePaths() -> [String] {
        let names = ["soffice", "libreoffice"]
        var paths: [String] = []
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for directory in path.split(separator: ":") where !directory.isEmpty {
            for name in names { paths.append("\(directory)/\(name)") }
        }
        for directory in ["/usr/bin", "/usr/local/bin", "/snap/bin"] {
            for name in names { paths.append("\(directory)/\(name)") }
        }
        if let optional = try? FileManager.default.contentsOfDirectory(atPath: "/opt") {
            for name in optional.sorted().reversed() where name.hasPrefix("libreoffice") {
                paths.append("/opt/\(name)/program/soffice")
            }
        }
        paths.append("/Applications/LibreOffice.app/Contents/MacOS/soffice")
        var seen = Set<String>()
        return paths.filter { seen.insert($0).inserted }
    }

    /// Runs one conversion on the serial queue: `prepare` puts the input in a fresh
    /// work folder, LibreOffice writes the PDF beside it, the folder is removed after.
    private func run(
        _ prepare: @escaping @Sendable (URL) throws -> URL
    ) async throws -> Data {
        let executable = try resolvedExecutable()
        let timeout = max(timeout, 1)
        // A bounded wait: beyond `maxWaiting` conversions queued, refuse at once (busy)
        // rather than hold a request for minutes.
        guard Self.waiting.enter(limit: Self.maxWaiting) else { throw DocumentError.busy(waiting: Self.maxWaiting) }
        return try await withCheckedThrowingContinuation { continuation in
            Self.queue.async {
                defer { Self.waiting.leave() }
                continuation.resume(with: Result {
                    OfficeProfile.shared.sweepStale()
                    let workDirectory = FileManager.default.temporaryDirectory
                        .appendingPathComponent("giamngheo-pdf-\(getpid())-\(UUID().uuidString)")
                    do {
                        try FileManager.default.createDirectory(at: workDirectory, withIntermediateDirectories: true)
                    } catch {
                        throw DocumentError.cannotWrite(path: workDirectory.path, reason: "\(error)")
                    }
                    defer { try? FileManager.default.removeItem(at: workDirectory) }
                    let input = try prepare(workDirectory)
                    return try Self.convertNow(
                        input: input, in: workDirectory, executable: executable, timeout: timeout)
                })
            }
        }
    }

    private func resolvedExecutable() throws -> String {
        if let executable {
            guard FileManager.default.isExecutableFile(atPath: executable) else {
                throw DocumentError.officeNotInstalled(searched: [executable])
            }
            return executable
        }
        guard let found = Self.locateOffice() else {
            throw DocumentError.officeNotInstalled(searched: Self.candidatePaths())
        }
        return found
    }

    /// Runs LibreOffice once; called on `queue` only.
    private static func convertNow(
        input: URL, in workDirectory: URL, executable: String, timeout: TimeInterval
    ) throws -> Data {
        let profileURL = try profile.directory()
        let outputURL = workDirectory.appendingPathComponent("soffice-output.txt")
        guard FileManager.default.createFile(atPath: outputURL.path, contents: nil),
              let output = try? FileHandle(forWritingTo: outputURL) else {
            throw DocumentError.cannotWrite(path: outputURL.path, reason: "không tạo được / cannot create")
        }
        defer { try? output.close() }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [
            "-env:UserInstallation=\(profileURL.absoluteString)",
            "--headless", "--invisible", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
            "--convert-to", "pdf", "--outdir", workDirectory.path, input.path,
        ]
        var environment = ProcessInfo.processInfo.environment
        if environment["HOME"]?.isEmpty ?? true { environment["HOME"] = profileURL.path }
        process.environment = environment
        process.currentDirectoryURL = workDirectory
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = output

        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { ended in
            // Reaped: its pid may be another process's from now on, never to be killed at exit.
            // Only this child's: one reaped late (killed, then slow to go) leaves the next alone.
            OfficeProfile.shared.ended(ended.processIdentifier)
            finished.signal()
        }
        do {
            try process.run()
        } catch {
            throw DocumentError.officeNotInstalled(searched: [executable])
        }
        // Known to the exit handler until it ends: a server stopped mid-conversion stops LibreOffice too.
        OfficeProfile.shared.running(process.processIdentifier, unlessEnded: finished)
        if finished.wait(timeout: .now() + timeout) == .timedOut {
            // Foundation starts the child in a process group of its own: kill the group,
            // which takes soffice.bin (started by the soffice script) with it.
            let pid = process.processIdentifier
            kill(-pid, SIGKILL)
            kill(pid, SIGKILL)
            _ = finished.wait(timeout: .now() + 10)
            // A killed LibreOffice may leave its profile locked or half written.
            profile.discard()
            throw DocumentError.conversionTimedOut(seconds: Int(timeout.rounded()))
        }

        let pdfURL = input.deletingPathExtension().appendingPathExtension("pdf")
        if let data = try? Data(contentsOf: pdfURL), data.starts(with: Array("%PDF".utf8)) {
            return data
        }
        try? output.synchronize()
        let printed = (try? String(contentsOf: outputURL, encoding: .utf8)) ?? ""
        // A failed run may have left the profile unusable: start the next one afresh.
        profile.discard()
        throw DocumentError.conversionFailed(
            status: process.terminationStatus,
            output: String(printed.trimmingCharacters(in: .whitespacesAndNewlines).suffix(2000)))
    }
}

/// The LibreOffice profile of this process: created on first use in the temporary
/// directory, reused by later conversions, removed at exit. Touched on the converter's
/// serial queue only (and by the exit handler). At exit a conversion still running is
/// killed (its work folder, a document with names, is then removed by the next process
/// that converts: `sweepStale`).
final class OfficeProfile: @unchecked Sendable {
    private var url: URL?
    private var cleanupRegistered = false
    private var swept = false
    private let lock = NSLock()
    private var child: pid_t = 0

    /// The child `pid` has ended: forgotten if it is the one recorded.
    func ended(_ pid: pid_t) {
        lock.lock()
        if child == pid { child = 0 }
        lock.unlock()
    }

    /// Records a child just started, unless its termination handler has already run (a child
    /// that ends at once must not stay recorded).
    func running(_ pid: pid_t, unlessEnded finished: DispatchSemaphore) {
        registerCleanup()
        lock.lock()
        child = pid
        lock.unlock()
        if finished.wait(timeout: .now()) == .success {
            finished.signal()  // put back for the caller's wait
            ended(pid)
        }
    }

    private func registerCleanup() {
        lock.lock()
        defer { lock.unlock() }
        guard !cleanupRegistered else { return }
        cleanupRegistered = true
        atexit { OfficeProfile.shared.atExit() }
    }

    private func atExit() {
        lock.lock()
        let pid = child
        lock.unlock()
        if pid > 0 {
            kill(-pid, SIGKILL)
            kill(pid, SIGKILL)
        }
        discard()
    }

    /// Once per process: removes the work folders and profiles that processes no longer
    /// running left in the temporary directory (a server stopped mid-conversion).
    func sweepStale() {
        guard !swept else { return }
        swept = true
        Self.sweepStale(in: FileManager.default.temporaryDirectory)
    }

    static func sweepStale(in temporary: URL) {
        let fm = FileManager.default
        for name in (try? fm.contentsOfDirectory(atPath: temporary.path)) ?? [] {
            let rest: Substring
            if name.hasPrefix("giamngheo-pdf-") { rest = name.dropFirst("giamngheo-pdf-".count) }
            else if name.hasPrefix("giamngheo-libreoffice-") { rest = name.dropFirst("giamngheo-libreoffice-".count) }
            else { continue }
            guard let pid = pid_t(rest.prefix { $0 != "-" }), pid > 0, pid != getpid() else { continue }
            // Another process's, and it is gone.
            if kill(pid, 0) != 0 && errno == ESRCH { try? fm.removeItem(at: temporary.appendingPathComponent(name)) }
        }
    }

    func directory() throws -> URL {
        lock.lock()
        let existing = url
        lock.unlock()
        if let existing { return existing }
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("giamngheo-libreoffice-\(getpid())-\(UUID().uuidString.prefix(8))")
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw DocumentError.cannotWrite(path: url.path, reason: "\(error)")
        }
        lock.lock()
        self.url = url
        lock.unlock()
        registerCleanup()
        return url
    }

    /// Removes the profile (the converter's queue after a failure, or the exit handler: the
    /// lock keeps the two from reading one folder twice).
    func discard() {
        lock.lock()
        let old = url
        url = nil
        lock.unlock()
        if let old { try? FileManager.default.removeItem(at: old) }
    }

    /// The one instance (a static, so that the exit handler, a C function, can reach it).
    static let shared = OfficeProfile()

    private init() {}
}

/// Counts conversions running or waiting, under a lock.
private final class Gate: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    func enter(limit: Int) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard count < limit else { return false }
        count += 1
        return true
    }

    func leave() {
        lock.lock()
        count -= 1
        lock.unlock()
    }
}
