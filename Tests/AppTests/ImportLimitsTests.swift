import App
import Demo
import Foundation
import Testing
import Vapor

/// Uploads are bounded: unfinished jobs per account, files removed once refused or imported,
/// and a hostile spreadsheet refused with the limit it passed.
@Suite("Upload limits", .serialized)
struct ImportLimitsTests {
    @Test(arguments: WebDatabase.available)
    func boundedJobsAndFiles(db: WebDatabase) async throws {
        try await db.withApp(households: 60) { app, _ in
            let web = WebClient(app)
            try await web.login("coso")
            let form = try await web.get("/import")
            let csrf = try #require(form.csrf)
            let uploads = app.web.settings.uploadDirectory
            func files() -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: uploads)) ?? []).filter { !$0.hasPrefix(".") } }
            // A refused file is not kept.
            let bad = try await web.upload("/import/khao-sat", fileName: "x.csv", content: "Mã hộ,Năm\nHO-X,nhiều", csrf: csrf)
            _ = try await WebTests().waitFor(web, try #require(bad.location), until: ["rejected", "failed"])
            #expect(files().isEmpty)
            // Two files waiting for confirmation: the third is refused until one is done.
            let header = "Mã hộ,Năm,Khu vực,Số nhân khẩu,Tổng thu nhập năm"
            var waiting: [String] = []
            for i in 0..<2 {
                let up = try await web.upload("/import/khao-sat", fileName: "f\(i).csv", content: header + "\n", csrf: csrf)
                waiting.append(try #require(up.location))
            }
            let third = try await web.upload("/import/khao-sat", fileName: "f3.csv", content: header + "\n", csrf: csrf)
            #expect(third.status == .tooManyRequests)
            #expect(third.body.contains("đang có tệp đang kiểm tra hoặc chờ xác nhận"))
            #expect(files().count <= 2)
        }
    }
}
