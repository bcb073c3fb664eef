import Foundation
import PovertyCore
import Spreadsheets

/// The one pipeline that reads a survey file, shared by `giamngheo classify` / `summary` and
/// the survey import (CLI and web): a reader thread parses CSV or XLSX, a checking thread
/// applies the survey contract and `prepare`s every valid record (the import classifies
/// there), and the caller takes checked batches in order. Household codes are tracked for
/// repeats within a year by hashes in sorted runs on disk, so memory stays flat; `finish()`
/// confirms suspected repeats with a second pass only when there are any.
///
/// Takes never block the caller's executor: `nextAsync()` waits on a dispatch thread.
public final class SurveyPipeline<Prepared: Sendable>: @unchecked Sendable {
    /// One checked batch: the valid records with what `prepare` made of each, the file's
    /// layout once known, and whether any problem has been found up to this batch.
    public struct Batch: Sendable {
        public var records: [SurveyRecord] = []
        public var prepared: [Prepared] = []
        public var layout: SurveyLayout?
        public var hasIssues = false
    }

    private let source: any RowSource & Sendable
    private let stage: RowBatches.Stage<SurveyScan, Batch>
    private let keys = RepeatedValues()
    private var finished = false

    public init(_ source: any RowSource & Sendable, standard: PovertyStandard?, batchSize: Int, capacity: Int = 4,
                prepare: @escaping @Sendable (SurveyRecord) -> Prepared) {
        self.source = source
        stage = RowBatches(source, batchSize: batchSize, capacity: capacity).mapOnThread(
            state: SurveyScan(standardOverride: standard, tracksDuplicatesInMemory: false)
        ) { scan, rows -> Batch in
            var out = Batch()
            out.records.reserveCapacity(rows.count)
            out.prepared.reserveCapacity(rows.count)
            for (row, cells) in rows {
                guard let r = scan.consume(row: row, cells: cells) else { continue }
                out.prepared.append(prepare(r))
                out.records.append(r)  // its last use: moved, not copied
            }
            out.layout = scan.parser?.layout
            out.hasIssues = scan.hasIssues
            return out
        }
    }

    /// The next checked batch, waiting on this thread (command-line tools); nil after the last.
    public func next() throws -> Batch? {
        guard let batch = try stage.results.take() else { return nil }
        try track(batch)
        return batch
    }

    /// The next checked batch for async code; nil after the last.
    public func nextAsync() async throws -> Batch? {
        guard let batch = try await stage.results.takeAsync() else { return nil }
        try track(batch)
        return batch
    }

    private func track(_ batch: Batch) throws {
        // By index: two fields read in place, not a copy of each record.
        for i in batch.records.indices { try keys.add(SurveyScan.hash(year: batch.records[i].year, code: batch.records[i].householdCode)) }
    }

    /// Gives up early (after an error of the caller): stops the threads.
    public func cancel() {
        stage.results.cancelAndDrain()
    }

    /// After the last batch: the scan, with every household code repeated within a year
    /// confirmed and reported (a second pass over the file, only when a repeat is suspected).
    public func finish() throws -> SurveyScan {
        precondition(!finished, "SurveyPipeline.finish() called twice")
        finished = true
        var scan = stage.finalState
        scan.addSuspects(try keys.repeated())
        if scan.needsDuplicateCheck {
            try scan.confirmDuplicates { visit in try source.forEachRow { visit($0, $1) } }
        }
        return scan
    }
}
