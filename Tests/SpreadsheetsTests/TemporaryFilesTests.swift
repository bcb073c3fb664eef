import Foundation
import Testing
@testable import Spreadsheets

@Suite("Temporary spreadsheet files")
struct TemporaryFilesTests {
    @Test("a stopped process's temporary files are removed; this process's and a running one's stay")
    func sweepsOnlyStoppedProcesses() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // A process that has ended: its pid answers nothing now.
        let ended = Process()
        ended.executableURL = URL(fileURLWithPath: "/bin/true")
        try ended.run()
        ended.waitUntilExit()
        let gone = ended.processIdentifier
        let names = ["giamngheo-sheet-\(gone)-sheet-a.xml", "giamngheo-sheet-\(getpid())-book-b.xlsx", "giamngheo-sheet-1-part-c.xml",
                     "khao-sat-\(gone).csv"]
        for name in names { try Data("<x/>".utf8).write(to: dir.appendingPathComponent(name)) }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("giamngheo-sheet-\(gone)-runs-d"), withIntermediateDirectories: true)
        #expect(TemporaryFiles.sweepStale(in: dir) == 2)
        let left = Set(try FileManager.default.contentsOfDirectory(atPath: dir.path))
        #expect(left == Set(names.dropFirst()))
    }

    @Test("a workbook made for a download is written under this process's name and removed with it")
    func workbookTemporaryIsNamed() throws {
        var path = ""
        do {
            let book = XLSXWorkbook()
            path = book.displayPath
            #expect((path as NSString).lastPathComponent.hasPrefix("giamngheo-sheet-\(getpid())-book-"))
        }
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
