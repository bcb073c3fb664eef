import Testing
@testable import Spreadsheets

@Suite("RepeatedValues")
struct RepeatedValuesTests {
    @Test("finds repeats within one buffer")
    func inMemory() throws {
        let r = RepeatedValues(bufferLimit: 100)
        for v: UInt64 in [5, 1, 9, 5, 3, 9, 9, 2] { try r.add(v) }
        #expect(try r.repeated() == [5, 9])
    }

    @Test("finds repeats across runs spilled to disk", arguments: [2, 3, 7, 64])
    func acrossRuns(limit: Int) throws {
        let r = RepeatedValues(bufferLimit: limit)
        // Values 0..<500 once each, then every 37th again, in an order that spreads them over runs.
        var values = (0..<500).map { UInt64($0 * 7919 % 500) }
        values += stride(from: 0, to: 500, by: 37).map { UInt64($0) }
        for v in values { try r.add(v) }
        #expect(try r.repeated() == Set(stride(from: 0, to: 500, by: 37).map { UInt64($0) }))
    }

    @Test("no repeats, and the empty stream")
    func none() throws {
        let r = RepeatedValues(bufferLimit: 4)
        for v in 0..<20 { try r.add(UInt64(v)) }
        #expect(try r.repeated().isEmpty)
        #expect(try RepeatedValues().repeated().isEmpty)
    }
}
