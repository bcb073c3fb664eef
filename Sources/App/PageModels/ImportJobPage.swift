import Foundation
import PovertyCore
import Storage

/// An import job's page: its state, progress, the preview or result, and every problem by row and column.
struct ImportJobBody: Encodable {
    struct Issue: Encodable {
        let row: Int
        let column: String
        let message: String
    }
    let id: String
    let kind: String
    let kindLabel: String
    let fileName: String
    let state: String
    let refresh: Bool
    let progress: String
    let percent: Int
    let preview: String?
    let result: String?
    let added: Int
    let updated: Int
    let unchanged: Int
    let issues: [Issue]
    let hasIssues: Bool
    let moreIssues: String?
    let message: String?
    /// Header cells the file's kind has no column for (their cells were not read), said as a warning.
    let ignoredColumns: String?
}

extension ImportJobBody {
    /// The page of `job` as its folder says now. Citizen IDs given back their leading 0 are
    /// said in the preview as well as after, so the officer sees the fix before confirming; a
    /// message about the file never shows where the server keeps it.
    init(job: ImportJob, text: PageText) {
        let n = { (x: Int) in text.number(x) }
        var percent = 0
        let progress: String
        if let total = job.total, total > 0 {
            percent = min(100, job.rows * 100 / total)
            progress = text.t("import.progress_of", n(job.rows), n(total))
        } else {
            progress = text.t("import.progress", n(job.rows))
        }
        func zeros(_ r: ImportResult) -> String { r.restoredCitizenIDs > 0 ? " " + text.t("import.restored_zeros", n(r.restoredCitizenIDs)) : "" }
        self.init(
            id: job.id, kind: job.kind.rawValue, kindLabel: text.t("import.kind." + job.kind.rawValue), fileName: job.fileName,
            state: job.state.rawValue, refresh: job.state == .checking || job.state == .running, progress: progress, percent: percent,
            preview: job.preview.map { text.t("import.preview_counts", n($0.rows), n($0.added), n($0.updated), n($0.unchanged)) + zeros($0) },
            result: job.result.map { text.t("import.result_counts", n($0.rows), n($0.added), n($0.updated), n($0.unchanged)) + zeros($0) },
            added: job.result?.added ?? 0, updated: job.result?.updated ?? 0, unchanged: job.result?.unchanged ?? 0,
            issues: job.issues.map { Issue(row: $0.row, column: $0.column, message: text.catalogue.text($0.message, text.language)) },
            hasIssues: !job.issues.isEmpty,
            moreIssues: job.issueTotal > job.issues.count ? text.t("import.more_issues", n(job.issueTotal - job.issues.count)) : nil,
            message: job.message.map { Format.pick($0.replacingOccurrences(of: job.path, with: job.fileName), text.language) },
            ignoredColumns: (job.result ?? job.preview).flatMap { r in
                r.ignoredColumns.isEmpty ? nil : text.t("import.ignored_columns", r.ignoredColumns.map { "«\($0)»" }.joined(separator: ", "))
            })
    }
}
