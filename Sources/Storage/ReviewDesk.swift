import Foundation
import PovertyCore
import Spreadsheets
import SQLKit

/// One household's yearly review entered on a form: the sheet to fill in, and saving it.
///
/// Saving is an import of one row: the sheet is written as the survey file's row
/// (`ReviewSheet.table`) and goes through `SurveyImporter`, so the same checks of the branch
/// (the household, the review it overwrites, the member it links, the unit), the same
/// classification, the same kept counts and the same audit entry (a correction keeps what
/// the review was) hold for the form as for a file.
public struct ReviewDesk: Sendable {
    let store: Store

    /// What the form starts from.
    public struct Draft: Sendable {
        public let sheet: ReviewSheet
        /// The year of the stored review the answers come from (this year's when it exists; else the latest earlier one).
        public let from: Int?
        /// Whether a review of this year is stored (saving corrects it).
        public let exists: Bool
        /// What the sheet was drawn from, to be given back when it is saved (`enter(_:_:drawnFrom:)`).
        public let revision: String
    }

    /// The revision of a sheet: its year and the stored review's fingerprint ("2026:" when none).
    static func revision(year: Int, fingerprint: Int?) -> String { "\(year):" + (fingerprint.map(String.init) ?? "") }

    /// The sheet of household `code` for `year`: its stored review of that year, else the
    /// answers of its latest earlier review with the year changed (the officer changes what
    /// changed), else a blank sheet with the code and year. A household or review of another
    /// branch is not found. Audited as a read of the household (the form shows its income).
    public func draft(_ actor: Actor, code: String, year: Int) async throws -> Draft {
        try actor.require(.importSurvey)
        let db = try store.sql
        guard let household = try await db.raw("SELECT id, area, ethnic_minority FROM households WHERE code = \(bind: code)").first() else {
            throw StorageError.notFound(.household, code)
        }
        let id = try household.int("id")
        let rows = try await db.raw("""
            SELECT r.year, r.unit_id, r.area, r.household_size, r.yearly_income, r.monthly_income, r.deprivations,
                   r.official_status, r.ethnic_minority, r.fingerprint, m.code AS member FROM reviews r LEFT JOIN members m ON m.id = r.member_id
            WHERE r.household_id = \(bind: id) ORDER BY r.year DESC
            """).all()
        var inBranch: [any SQLRow] = []
        for row in rows {
            let (y, unit) = (try row.int("year"), try row.int("unit_id"))
            // The year's review of another branch is not this officer's to see or correct.
            if y == year && !actor.scope.contains(unit) { throw StorageError.notFound(.household, code) }
            if actor.scope.contains(unit) { inBranch.append(row) }
        }
        // A household none of whose reviews is of the branch is not found (as on its page).
        if inBranch.isEmpty && !actor.scope.isWholeProvince { throw StorageError.notFound(.household, code) }
        inBranch = inBranch.filter { ((try? $0.int("year")) ?? .max) <= year }
        try await store.audit.read("xem", entity: "household", id: id, detail: "\(code): phiếu rà soát năm \(year)", by: actor)
        guard let row = inBranch.first else {
            return Draft(sheet: ReviewSheet(householdCode: code, year: String(year), area: try household.optionalString("area") ?? "",
                                            ethnicMinority: try household.int("ethnic_minority") == 1),
                         from: nil, exists: false, revision: Self.revision(year: year, fingerprint: nil))
        }
        let from = try row.int("year")
        let mask = UInt64(bitPattern: Int64(try row.int("deprivations")))
        let catalog = StandardCatalog.builtIn
        let size = try row.optionalInt("household_size"), yearly = try row.optionalInt("yearly_income")
        let monthly = try row.optionalInt("monthly_income")
        let sheet = ReviewSheet(
            householdCode: code, year: String(year), area: try row.string("area"),
            incomeBasis: yearly != nil ? .yearly : .monthly,
            householdSize: size.map(String.init) ?? "", yearlyIncome: yearly.map { Money.format($0) } ?? "",
            monthlyIncome: monthly.map { Money.format($0) } ?? "",
            deprived: Set(catalog.indicators.filter { mask & (1 << UInt64($0.index)) != 0 }.map(\.code)),
            unitCode: actor.history.units[try row.int("unit_id")]?.code ?? "", member: try row.optionalString("member") ?? "",
            ethnicMinority: try row.optionalInt("ethnic_minority") == 1, officialStatus: from == year ? try row.optionalString("official_status") ?? "" : "")
        return Draft(sheet: sheet, from: from, exists: from == year,
                     revision: Self.revision(year: year, fingerprint: from == year ? try row.int("fingerprint") : nil))
    }

    /// Saves the sheet: a new review, or the correction of the stored one (the audit log
    /// keeps what it was). A new household code creates the household. Refused sheets
    /// throw `ImportRejected` with the problems by column; nothing is written.
    ///
    /// `drawnFrom` is the draft's `revision` (a blank sheet's: none). The review of the
    /// sheet's year must still be the one the sheet was drawn from: a second editor's stale
    /// sheet, or a new sheet for a year already reviewed, is refused, not saved over it.
    @discardableResult
    public func enter(_ actor: Actor, _ sheet: ReviewSheet, drawnFrom revision: String?) async throws -> ImportResult {
        let code = Self.householdCode(of: sheet)
        var importer = SurveyImporter(store: store, actor: actor, fileName: "phiếu rà soát hộ \(code) năm \(TextFolding.trim(sheet.year))")
        if let year = Int(TextFolding.trim(sheet.year)) {
            // A sheet drawn for another year than it is saved for (the year changed on the form)
            // expects no review of the year it names.
            let parts = (revision ?? "").split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            let drawnYear = parts.first.flatMap { Int($0) }
            let fingerprint = drawnYear == year && parts.count == 2 ? Int(parts[1]) : nil
            importer.drawnFrom = (code, year, fingerprint)
        }
        return try await importer.run(InMemoryRows(sheet.table()))
    }

    /// The household a sheet is entered for, as the import stores its code (where the page goes next).
    public static func householdCode(of sheet: ReviewSheet) -> String { String(TextFolding.trim(sheet.householdCode)) }
}

extension Store {
    public var reviewDesk: ReviewDesk { ReviewDesk(store: self) }
}
