import Foundation
import Testing
@testable import Spreadsheets

@Suite("CSVReader.estimatedRowCount")
struct RowEstimateTests {
    func file(_ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("estimate-\(UUID().uuidString).csv")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    @Test("counts data rows, with or without a final line break")
    func counts() throws {
        #expect(CSVReader(path: try file("a,b\n1,2\n3,4\n")).estimatedRowCount() == 2)
        #expect(CSVReader(path: try file("a,b\n1,2\n3,4")).estimatedRowCount() == 2)
        #expect(CSVReader(path: try file("a,b\n")).estimatedRowCount() == 0)
        #expect(CSVReader(path: try file("")).estimatedRowCount() == 0)
    }

    @Test("large files across read chunks")
    func large() throws {
        let text = "h\n" + String(repeating: "x,1\n", count: 400_000)
        #expect(CSVReader(path: try file(text)).estimatedRowCount() == 400_000)
    }

    @Test("a missing file has no estimate")
    func missing() { #expect(CSVReader(path: "/nonexistent.csv").estimatedRowCount() == nil) }
}
