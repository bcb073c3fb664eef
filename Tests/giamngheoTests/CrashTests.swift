import Foundation
import Testing
import TestSupport

/// The process killed with SIGKILL in the middle of a large import, a campaign approval and a
/// report submission (inside each transaction, part of its rows written: `GIAMNGHEO_CRASH_AT`),
/// then started again: each operation left nothing or everything, the kept counts agree with
/// the rows (`check-rollups`), the same operation then succeeds, and the web app serves — on
/// SQLite and (when the tests have a server) PostgreSQL.
@Suite("SIGKILL in the middle of a write", .serialized)
struct CrashTests {
    /// 12,000 households of one grassroots union (the education sector's school): several batches on either database, so the
    /// kill after the first leaves most of the file unwritten.
    static func largeSurvey() throws -> URL {
        var text = "ma_ho,nam,don_vi,khu_vuc,so_nhan_khau,tong_thu_nhap_nam,viec_lam,phu_thuoc,dinh_duong,bhyt,giao_duc_nguoi_lon,di_hoc_tre_em,chat_luong_nha,dien_tich_nha,nuoc_sinh_hoat,nha_tieu,vien_thong,phuong_tien_thong_tin\n"
        for i in 1...12_000 {
            text += "HO-K\(String(format: "%05d", i)),2025,CDCS-002,nong_thon,\(1 + i % 5),\(20_000_000 + (i % 40) * 1_000_000),\(i % 2),0,0,\(i % 3 == 0 ? 1 : 0),0,0,0,0,0,\(i % 4 == 0 ? 1 : 0),0,0\n"
        }
        return try CLI.temp("khao-sat-lon.csv", text)
    }

    @Test(arguments: [false, true])
    func killedMidWrite(postgres: Bool) throws {
        try BackupCLITests.databases(postgres: postgres) { env, _ in
            func run(_ args: String..., crash: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws -> CLI.Result {
                var e = env
                if let crash { e["GIAMNGHEO_CRASH_AT"] = crash }
                let r = try CLI.run(args, env: e)
                if crash == nil { #expect(r.status == 0 && !r.signalled, "\(args.joined(separator: " ")): \(r.err)", sourceLocation: sourceLocation) }
                return r
            }
            func killed(_ args: String..., at point: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
                var e = env
                e["GIAMNGHEO_CRASH_AT"] = point
                let r = try CLI.run(args, env: e)
                #expect(r.signalled && r.status == SIGKILL, "\(args.joined(separator: " ")) was to be killed at \(point): status \(r.status), \(r.err)",
                        sourceLocation: sourceLocation)
            }
            /// The kept counts agree with the rows: nothing half-counted survived the kill.
            func clean(sourceLocation: SourceLocation = #_sourceLocation) throws {
                let check = try CLI.run(["check-rollups"], env: env)
                #expect(check.status == 0, "check-rollups after a kill: \(check.out) \(check.err)", sourceLocation: sourceLocation)
            }
            _ = try run("import", "units", "Examples/don-vi-mau.csv")
            _ = try run("import", "members", "Examples/doan-vien-mau.csv")
            _ = try run("import", "survey", try CLI.temp("khao-sat.csv", SupportCLITests.survey).path)

            // A large import, killed after its first batch: not one of its households is there.
            let survey = try Self.largeSurvey()
            let before = try run("report", "figures", "--unit", "LDLD-NB", "--year", "2025").out
            try killed("import", "survey", survey.path, at: "import")
            #expect(try run("report", "figures", "--unit", "LDLD-NB", "--year", "2025").out == before)
            #expect(try CLI.run(["household", "HO-K00001"], env: env).status != 0)
            try clean()
            // Started again, the same file goes in whole.
            #expect(try run("import", "survey", survey.path).out.contains("12000 dòng/rows — thêm/added 12000"))
            #expect(try run("household", "HO-K12000").out.contains("HO-K12000"))
            try clean()

            // A campaign list approved: killed after its first gift was recorded and paid.
            _ = try run("fund", "contribute", "--fund", "xa_hoi", "--unit", "LDLD-NB", "--date", "10/01/2026", "--amount", "50.000.000",
                        "--contributor", "Công ty May Hoa Lư")
            let campaign = try run("campaign", "create", "--kind", "tet_sum_vay", "--name", "Tết 2026", "--unit", "LDLD-NB", "--fund", "xa_hoi",
                                   "--year", "2025", "--from", "01/01/2026", "--to", "31/01/2026", "--budget", "10.000.000", "--gift", "1.000.000")
                .out.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(try run("campaign", "draw", campaign, "--unit", "CD-P-PHULY").out.hasPrefix("đã thêm / added 2 hộ"))
            let list = try run("campaign", "show", campaign).out
            let funds = try run("fund", "list").out
            try killed("campaign", "approve", campaign, "--unit", "CD-P-PHULY", "--date", "20/01/2026", at: "campaign-approval")
            #expect(try run("campaign", "show", campaign).out == list)
            #expect(try run("fund", "list").out == funds)
            try clean()
            #expect(try run("campaign", "approve", campaign, "--unit", "CD-P-PHULY", "--date", "20/01/2026").out.hasPrefix("đã duyệt / approved 2 hộ"))
            #expect(try run("fund", "list").out != funds)
            try clean()

            // A ward's annual report submitted: killed after its row was marked submitted.
            let results = try CLI.temp("ket-qua.txt", "Hỗ trợ hộ HO-0001 vay vốn chăn nuôi.")
            _ = try run("report", "write", "--unit", "CD-P-HOALU", "--year", "2025", "--results", results.path)
            let board = try run("report", "status", "--unit", "LDLD-NB", "--year", "2025").out
            try killed("report", "submit", "--unit", "CD-P-HOALU", "--year", "2025", at: "report-submission")
            #expect(try run("report", "status", "--unit", "LDLD-NB", "--year", "2025").out == board)
            _ = try run("report", "submit", "--unit", "CD-P-HOALU", "--year", "2025")
            #expect(try run("report", "status", "--unit", "LDLD-NB", "--year", "2025").out.contains("CD-P-HOALU\tCông đoàn phường Hoa Lư\tđã gửi, chờ duyệt"))
            try clean()

            // And the web app serves the database.
            #expect(try Self.serves(env))
        }
    }

    /// Starts `giamngheo serve` on the database and asks for the sign-in page.
    static func serves(_ env: [String: String]) throws -> Bool {
        let port = try freePort()
        let p = Process()
        p.executableURL = CLI.binary
        p.arguments = ["serve", "--port", "\(port)"]
        p.currentDirectoryURL = CLI.root
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "DATABASE_URL")
        for (k, v) in env { environment[k] = v }
        p.environment = environment
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        defer { p.terminate(); p.waitUntilExit() }
        for _ in 0..<240 {
            let curl = Process()
            curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
            curl.arguments = ["-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(port)/login"]
            let out = Pipe()
            curl.standardOutput = out
            try curl.run()
            let code = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            curl.waitUntilExit()
            if code == "200" { return true }
            if !p.isRunning { return false }
            Thread.sleep(forTimeInterval: 0.25)
        }
        return false
    }
}
