import Foundation

/// Fault injection for the crash tests (`Tests/giamngheoTests/CrashTests.swift`): a process
/// started with `GIAMNGHEO_CRASH_AT=<point>` kills itself with SIGKILL when it reaches that
/// point — inside the operation's transaction, part of its rows written, before it commits — as
/// a power cut, the OOM killer or `kill -9` would. Debug builds only (the ones the tests run):
/// a release build has no crash point, whatever its environment says.
enum CrashPoint: String, Sendable {
    /// A survey import, after its first batch of rows is written.
    case importBatch = "import"
    /// A campaign list's approval, after its first gift is recorded and paid.
    case campaignApproval = "campaign-approval"
    /// An annual report's submission, after its row is marked submitted.
    case reportSubmission = "report-submission"

    #if DEBUG
    private static let armed = ProcessInfo.processInfo.environment["GIAMNGHEO_CRASH_AT"]

    static func reach(_ point: CrashPoint) {
        if armed == point.rawValue { kill(getpid(), SIGKILL) }
    }
    #else
    @inline(__always) static func reach(_ point: CrashPoint) {}
    #endif
}
