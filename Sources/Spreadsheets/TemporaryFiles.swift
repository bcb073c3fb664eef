import Foundation

/// The temporary files spreadsheets are written and read through (a sheet's XML, a workbook
/// on its way to a download, a part of an uploaded workbook, spilled runs): named with the
/// process that made them, so that what a killed or crashed process left — names and incomes
/// in plain XML — is removed by the next one (`sweepStale`), as its own are when it is done.
public enum TemporaryFiles {
    static let prefix = "giamngheo-sheet-"

    /// A new temporary path of this process: `giamngheo-sheet-<pid>-<kind>-<uuid><ending>`.
    static func url(_ kind: String, ending: String = "") -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)\(getpid())-\(kind)-\(UUID().uuidString)\(ending)")
    }

    /// Removes the temporary files and folders of processes that are gone (never this one's,
    /// nor those of a process still running). Returns how many it removed.
    @discardableResult
    public static func sweepStale(in directory: URL = FileManager.default.temporaryDirectory) -> Int {
        let fm = FileManager.default
        var removed = 0
        for name in (try? fm.contentsOfDirectory(atPath: directory.path)) ?? [] where name.hasPrefix(prefix) {
            guard let pid = pid_t(name.dropFirst(prefix.count).prefix { $0 != "-" }), pid > 0, pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH, (try? fm.removeItem(at: directory.appendingPathComponent(name))) != nil { removed += 1 }
        }
        return removed
    }
}
