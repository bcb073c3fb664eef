import App
import Demo
import Foundation
import Testing
import TestSupport
import SQLKit
@testable import Storage
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
            // Uploaded surveys wait in a folder only the server's user can open.
            #expect((try FileManager.default.attributesOfItem(atPath: uploads)[.posixPermissions] as? Int) == 0o700)
            // A refused file is not kept.
            let bad = try await web.upload("/import/khao-sat", fileName: "x.csv", content: "Mã hộ,Năm\nHO-X,nhiều", csrf: csrf)
            let badPath = try #require(bad.location)
            _ = try await WebTests().waitFor(web, badPath, until: ["rejected", "failed"])
            // Its state stays (the result page, from any instance), its file goes.
            #expect(files() == [String(badPath.split(separator: "/").last ?? "") + ".job.json"])
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
            #expect(files().filter { $0.hasSuffix(".csv") }.count <= 2)
        }
    }

    @Test("an upload over 64 MB is refused while it streams in, with the limit named, and nothing is kept", arguments: WebDatabase.available)
    func oversizedUpload(db: WebDatabase) async throws {
        try await db.withApp(households: 30) { app, _ in
            let web = WebClient(app)
            try await web.login("coso")
            let csrf = try #require(try await web.get("/import").csrf)
            let uploads = app.web.settings.uploadDirectory
            // Through a real socket, as a browser sends it: the body streams and is cut at the limit.
            let boundary = "----giamngheo-lon"
            var body = ByteBuffer(string: "--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(csrf)\r\n"
                                  + "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"lon.csv\"\r\nContent-Type: text/csv\r\n\r\n")
            body.writeRepeatingByte(UInt8(ascii: "x"), count: (64 << 20) + 1)
            body.writeString("\r\n--\(boundary)--\r\n")
            var headers = HTTPHeaders()
            headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
            headers.replaceOrAdd(name: .cookie, value: web.cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
            let refused = try await app.testing(method: .running(port: try freePort()))
                .sendRequest(.POST, "/import/khao-sat", headers: headers, body: body)
            #expect(refused.status == .payloadTooLarge)
            #expect(refused.body.string.contains("tối đa 64 MB"))
            #expect(((try? FileManager.default.contentsOfDirectory(atPath: uploads)) ?? []).filter { !$0.hasPrefix(".") }.isEmpty)
        }
    }

    @Test("a form or JSON body over 1 MB is refused before anyone signs in, and a signed-in form too; only files may be larger",
          arguments: WebDatabase.available)
    func oversizedForms(db: WebDatabase) async throws {
        try await db.withApp(households: 30) { app, _ in
            let running = try app.testing(method: .running(port: try freePort()))
            func big(_ prefix: String) -> ByteBuffer {
                var body = ByteBuffer(string: prefix)
                body.writeRepeatingByte(UInt8(ascii: "x"), count: (1 << 20) + 1)
                return body
            }
            var form = HTTPHeaders(), json = HTTPHeaders()
            form.contentType = .urlEncodedForm
            json.contentType = .json
            #expect(try await running.sendRequest(.POST, "/login", headers: form, body: big("username=a&password=")).status == .payloadTooLarge)
            #expect(try await running.sendRequest(.POST, "/api/v1/tokens", headers: json, body: big("{\"username\": \"")).status == .payloadTooLarge)
            let web = WebClient(app)
            try await web.login("coso")
            var signedIn = form
            signedIn.replaceOrAdd(name: .cookie, value: web.cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
            #expect(try await running.sendRequest(.POST, "/password", headers: signedIn, body: big("current=")).status == .payloadTooLarge)
            // An ordinary form still goes through.
            #expect(try await WebClient(app).login("xaphuong").status == .seeOther)
        }
    }

    /// A one-household survey of the grassroots officer's own union.
    /// The grassroots officer signed in, a one-household survey uploaded and checked: waiting
    /// for its confirmation.
    static func checkedUpload(_ app: Application, household: String, head: String) async throws
        -> (web: WebClient, csrf: String, jobPath: String, ready: WebClient.Page) {
        let web = WebClient(app)
        try await web.login("coso")
        let csrf = try #require(try await web.get("/import").csrf)
        let up = try await web.upload("/import/khao-sat", fileName: "\(household).csv", content: try await survey(app.web.store, household: household, head: head), csrf: csrf)
        let jobPath = try #require(up.location)
        let ready = try await WebTests().waitFor(web, jobPath, until: ["ready", "rejected", "failed"])
        #expect(ready.body.contains("data-state=\"ready\""))
        return (web, csrf, jobPath, ready)
    }

    static func survey(_ store: Store, household: String, head: String) async throws -> String {
        let account = try await store.account(named: "coso")
        let unitCode = try #require(try await store.units.history().units[account.unitID]?.code)
        let header = "Mã hộ,Năm,Đơn vị,Mã đoàn viên,Họ tên chủ hộ,Khu vực,Số nhân khẩu,Tổng thu nhập năm,Việc làm,Phụ thuộc,Tiếp cận y tế,Dinh dưỡng,BHYT,Giáo dục người lớn,Đi học trẻ em,Chất lượng nhà,Diện tích nhà,Nước sinh hoạt,Nhà tiêu,Rác thải,Viễn thông,Phương tiện thông tin,Dân tộc thiểu số"
        return header + "\n\(household),2025,\(unitCode),,\(head),Nông thôn,4,30.000.000,1,0,0,0,1,1,0,1,0,0,0,0,0,0,0"
    }

    @Test("an upload waiting for its confirmation survives a restart and is imported after it; the rest of the folder is cleared",
          arguments: WebDatabase.available)
    func waitingUploadSurvivesRestart(db: WebDatabase) async throws {
        try await db.withApp(households: 60) { app, _, config in
            let store = app.web.store
            let file = try await Self.survey(store, household: "HORESTART1", head: "Khởi Động Lại")
            let uploads = app.web.settings.uploadDirectory
            func files() -> Set<String> { Set(((try? FileManager.default.contentsOfDirectory(atPath: uploads)) ?? []).filter { !$0.hasPrefix(".") }) }
            let web = WebClient(app)
            try await web.login("coso")
            let csrf = try #require(try await web.get("/import").csrf)
            let up = try await web.upload("/import/khao-sat", fileName: "khao-sat.csv", content: file, csrf: csrf)
            let jobPath = try #require(up.location)
            _ = try await WebTests().waitFor(web, jobPath, until: ["ready", "rejected", "failed"])
            let id = try #require(jobPath.split(separator: "/").last.map(String.init))
            #expect(files() == [id + ".csv", id + ".job.json"])
            // What an earlier run left that waits for nothing: a stray file and an expired job.
            try "x".write(toFile: uploads + "/" + String(repeating: "s", count: 43) + ".csv", atomically: true, encoding: .utf8)
            let expired = #"{"id":"old","ownerID":1,"kind":"khao-sat","fileName":"a.csv","file":"old.csv","created":0}"#
            try expired.write(toFile: uploads + "/old.job.json", atomically: true, encoding: .utf8)
            try "x".write(toFile: uploads + "/old.csv", atomically: true, encoding: .utf8)
            // What is not a job's is never removed: a folder given for uploads may hold other files.
            let foreign: Set<String> = ["giamngheo.sqlite", "ghi-chu.txt", "sao-luu", "thu-muc.csv", "khao-sat-2025.xlsx", "danh-sach.csv"]
            try "db".write(toFile: uploads + "/giamngheo.sqlite", atomically: true, encoding: .utf8)
            for sheet in ["khao-sat-2025.xlsx", "danh-sach.csv"] { try "x".write(toFile: uploads + "/" + sheet, atomically: true, encoding: .utf8) }
            try "note".write(toFile: uploads + "/ghi-chu.txt", atomically: true, encoding: .utf8)
            for folder in ["sao-luu", "thu-muc.csv"] {
                try FileManager.default.createDirectory(atPath: uploads + "/" + folder, withIntermediateDirectories: true)
                try "b".write(toFile: uploads + "/" + folder + "/b1.sqlite", atomically: true, encoding: .utf8)
            }

            // Another start of the server on the same database and folder.
            let restarted = try await Application.make(.testing)
            restarted.logger.logLevel = .warning
            do {
                try await configure(restarted, database: config, settings: WebSettings(bcryptCost: 4, uploadDirectory: uploads, loginsPerMinute: 1000))
                #expect(files() == Set([id + ".csv", id + ".job.json"]).union(foreign))
                #expect(FileManager.default.fileExists(atPath: uploads + "/sao-luu/b1.sqlite") && FileManager.default.fileExists(atPath: uploads + "/thu-muc.csv/b1.sqlite"))
                let again = WebClient(restarted)
                try await again.login("coso")
                let waiting = try await again.get(jobPath)
                #expect(waiting.status == .ok && waiting.body.contains("data-state=\"ready\""))
                // Another account does not see it.
                let other = WebClient(restarted)
                try await other.login("xaphuong")
                #expect(try await other.get(jobPath).status == .notFound)
                let confirmed = try await again.post(jobPath + "/confirm", form: ["_csrf": waiting.csrf ?? ""])
                #expect(confirmed.status == .seeOther)
                let done = try await WebTests().waitFor(again, jobPath, until: ["done", "failed"])
                #expect(done.body.contains("data-state=\"done\""))
                #expect(files() == Set([id + ".job.json"]).union(foreign))
                let stored = try await store.sql.raw("SELECT COUNT(*) AS n FROM households WHERE code = 'HORESTART1'").first()?.decode(column: "n", as: Int.self)
                #expect(stored == 1)
            } catch {
                try? await restarted.asyncShutdown()
                throw error
            }
            try await restarted.asyncShutdown()
        }
    }

    @Test("two instances on one database and upload folder: either answers for a job, a confirmation on both imports once, a stopped process's job is seen as such",
          arguments: WebDatabase.available)
    func instancesShareJobs(db: WebDatabase) async throws {
        try await db.withApp(households: 60) { app, _, config in
            let store = app.web.store
            let account = try await store.account(named: "coso")
            let file = try await Self.survey(store, household: "HOTWICE1", head: "Hai Máy")
            let uploads = app.web.settings.uploadDirectory
            let other = try await Application.make(.testing)
            other.logger.logLevel = .warning
            do {
                try await configure(other, database: config, settings: WebSettings(bcryptCost: 4, uploadDirectory: uploads, loginsPerMinute: 1000))
                let a = WebClient(app), b = WebClient(other)
                try await a.login("coso")
                try await b.login("coso")
                let csrfA = try #require(try await a.get("/import").csrf)
                let up = try await a.upload("/import/khao-sat", fileName: "hai-may.csv", content: file, csrf: csrfA)
                let jobPath = try #require(up.location)
                // Checked by the first instance, seen waiting by the second.
                let ready = try await WebTests().waitFor(b, jobPath, until: ["ready", "rejected", "failed"])
                #expect(ready.body.contains("data-state=\"ready\""))
                // Confirmed on both at once: imported once.
                async let first = a.post(jobPath + "/confirm", form: ["_csrf": csrfA])
                async let second = b.post(jobPath + "/confirm", form: ["_csrf": ready.csrf ?? ""])
                let answers = try await [first.status, second.status]
                #expect(answers == [.seeOther, .seeOther])
                let done = try await WebTests().waitFor(b, jobPath, until: ["done", "failed"])
                #expect(done.body.contains("data-state=\"done\""))
                let doneOnA = try await WebTests().waitFor(a, jobPath, until: ["done", "failed"])
                #expect(doneOnA.body.contains("data-state=\"done\""))
                let audits = try await store.sql.raw("SELECT COUNT(*) AS n FROM audit_log WHERE action LIKE 'nhap%' AND detail LIKE '%hai-may.csv%'").first()?.decode(column: "n", as: Int.self)
                #expect(audits == 1)
                let stored = try await store.sql.raw("SELECT COUNT(*) AS n FROM households WHERE code = 'HOTWICE1'").first()?.decode(column: "n", as: Int.self)
                #expect(stored == 1)

                // A process stopped after its import committed but before it said "done": the job
                // reads as waiting again, with its file still there. Confirmed again, it finds its
                // import (kept with the job's id) and is done with the same counts, not run twice.
                let id = try #require(jobPath.split(separator: "/").last.map(String.init))
                let statePath = uploads + "/\(id).job.json"
                var state = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: statePath))) as? [String: Any])
                let firstResult = try #require(state["result"] as? [String: Any])
                state["state"] = "running"
                state["result"] = nil
                try JSONSerialization.data(withJSONObject: state).write(to: URL(fileURLWithPath: statePath))
                try file.write(toFile: uploads + "/" + (try #require(state["file"] as? String)), atomically: true, encoding: .utf8)
                let waitingAgain = try await b.get(jobPath)
                #expect(waitingAgain.body.contains("data-state=\"ready\""))
                _ = try await b.post(jobPath + "/confirm", form: ["_csrf": waitingAgain.csrf ?? ""])
                let doneAgain = try await WebTests().waitFor(a, jobPath, until: ["done", "failed"])
                #expect(doneAgain.body.contains("data-state=\"done\""))
                let again = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: statePath))) as? [String: Any])
                let secondResult = try #require(again["result"] as? [String: Any])
                for key in ["added", "updated", "unchanged", "rows"] { #expect(secondResult[key] as? Int == firstResult[key] as? Int, "\(key)") }
                #expect(firstResult["added"] as? Int == 1)
                let auditsAfter = try await store.sql.raw("SELECT COUNT(*) AS n FROM audit_log WHERE action LIKE 'nhap%' AND detail LIKE '%hai-may.csv%'").first()?.decode(column: "n", as: Int.self)
                let importsOfJob = try await store.sql.raw("SELECT COUNT(*) AS n FROM imports WHERE job = \(bind: id)").first()?.decode(column: "n", as: Int.self)
                #expect(auditsAfter == 1 && importsOfJob == 1)

                // Jobs whose process stopped (no claim): a check is refused, an import waits again.
                let owner = account.id
                func saved(_ id: String, _ state: String) throws {
                    try "x".write(toFile: uploads + "/\(id).csv", atomically: true, encoding: .utf8)
                    let json = #"{"id":"\#(id)","ownerID":\#(owner),"kind":"khao-sat","fileName":"b.csv","file":"\#(id).csv","created":\#(Date().timeIntervalSinceReferenceDate),"state":"\#(state)"}"#
                    try json.write(toFile: uploads + "/\(id).job.json", atomically: true, encoding: .utf8)
                }
                try saved("dungkiemtra", "checking")
                try saved("dungnhap", "running")
                let abandoned = try await b.get("/import/jobs/dungkiemtra")
                #expect(abandoned.body.contains("data-state=\"failed\"") && abandoned.body.contains("Máy chủ đã dừng khi đang kiểm tra"))
                let rolledBack = try await b.get("/import/jobs/dungnhap")
                #expect(rolledBack.body.contains("data-state=\"ready\""))
                // And its confirmation runs it again (here it fails: its file is not a survey).
                _ = try await b.post("/import/jobs/dungnhap/confirm", form: ["_csrf": rolledBack.csrf ?? ""])
                let rerun = try await WebTests().waitFor(b, "/import/jobs/dungnhap", until: ["done", "failed"])
                #expect(rerun.body.contains("data-state=\"failed\""))
                // Another account sees neither.
                let stranger = WebClient(other)
                try await stranger.login("xaphuong")
                #expect(try await stranger.get("/import/jobs/dungnhap").status == .notFound)
                let traversal = try await stranger.get("/import/jobs/..%2F..%2Fetc").status.code
                #expect((400..<500).contains(traversal))
            } catch {
                try? await other.asyncShutdown()
                throw error
            }
            try await other.asyncShutdown()
        }
    }

    @Test("a confirmation waits while the server reads or imports as many files as it may; an expired upload another process holds is not swept",
          arguments: WebDatabase.available)
    func busyServerAndHeldJobs(db: WebDatabase) async throws {
        try await db.withApp(households: 60) { app, _ in
            let store = app.web.store
            let account = try await store.account(named: "coso")
            let uploads = app.web.settings.uploadDirectory
            let (web, csrf, jobPath, ready) = try await Self.checkedUpload(app, household: "HOBUSY1", head: "Chờ Máy")
            // Jobs of other processes: saved, with their claims held (as a process holds them).
            func held(_ id: String, _ state: String, created: Date = Date()) throws -> Int32 {
                try "x".write(toFile: uploads + "/\(id).csv", atomically: true, encoding: .utf8)
                let json = #"{"id":"\#(id)","ownerID":\#(account.id),"kind":"khao-sat","fileName":"b.csv","file":"\#(id).csv","created":\#(created.timeIntervalSinceReferenceDate),"state":"\#(state)"}"#
                try json.write(toFile: uploads + "/\(id).job.json", atomically: true, encoding: .utf8)
                let fd = open(uploads + "/\(id).claim", O_CREAT | O_RDWR, 0o600)
                #expect(fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0)
                return fd
            }
            let running = try (0..<3).map { try held(String(repeating: "\($0)", count: 43), "running") }
            let refused = try await web.post(jobPath + "/confirm", form: ["_csrf": ready.csrf ?? ""])
            #expect(refused.status == .tooManyRequests && refused.body.contains("Máy chủ đang xử lý nhiều tệp"))
            #expect(try await web.get(jobPath).body.contains("data-state=\"ready\""))
            for fd in running { close(fd) }
            // Their processes gone, the same confirmation imports.
            let again = try await web.get(jobPath)
            #expect(try await web.post(jobPath + "/confirm", form: ["_csrf": again.csrf ?? ""]).status == .seeOther)
            let done = try await WebTests().waitFor(web, jobPath, until: ["done", "failed"])
            #expect(done.body.contains("data-state=\"done\""))

            // An upload waiting past its hour, which another process is confirming right now, is
            // left to that process by the sweep of the next upload; once let go, it is swept.
            let old = String(repeating: "h", count: 43)
            let holder = try held(old, "ready", created: Date().addingTimeInterval(-7_200))  // two hours: past the hour an upload waits
            let header = "Mã hộ,Năm,Khu vực,Số nhân khẩu,Tổng thu nhập năm"
            _ = try await web.upload("/import/khao-sat", fileName: "quet1.csv", content: header + "\n", csrf: csrf)
            #expect(FileManager.default.fileExists(atPath: uploads + "/\(old).job.json") && FileManager.default.fileExists(atPath: uploads + "/\(old).csv"))
            close(holder)
            _ = try await web.upload("/import/khao-sat", fileName: "quet2.csv", content: header + "\n", csrf: csrf)
            #expect(!FileManager.default.fileExists(atPath: uploads + "/\(old).job.json") && !FileManager.default.fileExists(atPath: uploads + "/\(old).csv"))
        }
    }

    @Test("an import cut short by the server stopping waits for its confirmation again, as after a crash, not failed",
          arguments: WebDatabase.available)
    func stoppingServerLeavesImportWaiting(db: WebDatabase) async throws {
        try await db.withApp(households: 60) { app, _ in
            let (web, _, jobPath, ready) = try await Self.checkedUpload(app, household: "HOSTOP1", head: "Dừng Máy")
            // The server is stopping, and the import fails under it (here: its file cannot be read).
            app.web.imports.stop()
            let id = try #require(jobPath.split(separator: "/").last.map(String.init))
            let uploads = app.web.settings.uploadDirectory
            try FileManager.default.removeItem(atPath: uploads + "/\(id).csv")
            #expect(try await web.post(jobPath + "/confirm", form: ["_csrf": ready.csrf ?? ""]).status == .seeOther)
            var page = try await web.get(jobPath)
            for _ in 0..<50 where !page.body.contains("data-state=\"ready\"") {
                try await Task.sleep(for: .milliseconds(100))
                page = try await web.get(jobPath)
            }
            #expect(page.body.contains("data-state=\"ready\"") && !page.body.contains("data-state=\"failed\""))
        }
    }
}
