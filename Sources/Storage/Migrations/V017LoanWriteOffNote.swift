import FluentKit
import SQLKit

/// Version 17: a write-off's reason in its own column, so it no longer overwrites the note of
/// the decision that approved the loan. For loans written off before, the reason moves there
/// and the approval's note comes back from the audit log ("<code> <yyyy-mm-dd> <note>"); a
/// loan approved and later rejected before v016 gets its approval's day back the same way.
/// Audit entries not of that shape are left alone.
struct V017LoanWriteOffNote: SQLMigration {
    var name: String { "v017_loan_write_off_note" }

    /// The newest approval entry of the loan in the audit log, when its detail is of the shape the loans write.
    private static let approval = """
        FROM audit_log a WHERE a.action = 'vay_phe_duyet' AND a.entity = 'loan' AND a.entity_id = loans.id
          AND substr(a.detail, 1, length(loans.code) + 1) = loans.code || ' '
          AND substr(a.detail, length(loans.code) + 6, 1) = '-' AND substr(a.detail, length(loans.code) + 9, 1) = '-'
          AND substr(a.detail, length(loans.code) + 12, 1) = ' '
        ORDER BY a.id DESC LIMIT 1
        """

    func statements(_ sql: any SQLDatabase) -> [String] {
        ["ALTER TABLE loans ADD COLUMN write_off_note TEXT"] + Self.recoveries
    }

    /// What the rows written before get back.
    static let recoveries = [
         "UPDATE loans SET write_off_note = decision_note WHERE state = 'written_off' AND write_off_note IS NULL",
         "UPDATE loans SET decision_note = (SELECT substr(a.detail, length(loans.code) + 13) \(Self.approval)) WHERE state = 'written_off' AND decision_note = write_off_note",
         "UPDATE loans SET approved_on = (SELECT substr(a.detail, length(loans.code) + 2, 10) \(Self.approval)) WHERE state = 'rejected' AND approved_on IS NULL"]

    var revertStatements: [String] { ["ALTER TABLE loans DROP COLUMN write_off_note"] }
}
