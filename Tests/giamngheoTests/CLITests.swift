import Foundation
import Testing

/// Runs the built `giamngheo` binary as a user would.
struct CLI {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Removes a test's SQLite file and its journal, with their WAL and shared-memory files.
    static func removeDatabase(_ path: String) {
        for file in [path, path + ".journal"] {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: file + suffix) }
        }
    }

    static let binary: URL = {
        // The test bundle sits next to the products it was built with.
        var candidates = [Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent(),
                          URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()]
        candidates += candidates.map { $0.deletingLastPathComponent() }
        for dir in candidates {
            let url = dir.appendingPathComponent("giamngheo")
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), !isDir.boolValue { return url }
        }
        return root.appendingPathComponent(".build/debug/giamngheo")
    }()

    struct Result {
        let status: Int32
        let out: String
        let err: String
        /// Ended by a signal (`status` is its number), not by exiting.
        var signalled = false
    }

    /// Runs with `arguments`; standard output goes to `stdoutFile` when given.
    static func run(_ arguments: [String], stdoutFile: URL? = nil, env: [String: String] = [:]) throws -> Result {
        let p = Process()
        p.executableURL = binary
        p.arguments = arguments
        p.currentDirectoryURL = root
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "DATABASE_URL")
        for (k, v) in env { environment[k] = v }
        p.environment = environment
        let outPipe = Pipe(), errPipe = Pipe()
        if let stdoutFile {
            let handle = try FileHandle(forWritingTo: stdoutFile)
            handle.seekToEndOfFile()
            p.standardOutput = handle
        } else {
            p.standardOutput = outPipe
        }
        p.standardError = errPipe
        try p.run()
        // Read while it runs so a full pipe cannot block it.
        let outData = stdoutFile == nil ? outPipe.fileHandleForReading.readDataToEndOfFile() : Data()
        let errData = errPipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, out: String(decoding: outData, as: UTF8.self), err: String(decoding: errData, as: UTF8.self),
                      signalled: p.terminationReason == .uncaughtSignal)
    }

    static func temp(_ name: String, _ content: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("giamngheo-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try content.write(to: url, atomically: true, encoding: .utf8)
        return url
    }
}

let header2022 = "ma_ho,nam,khu_vuc,so_nhan_khau,tong_thu_nhap_nam,viec_lam,phu_thuoc,dinh_duong,bhyt,giao_duc_nguoi_lon,di_hoc_tre_em,chat_luong_nha,dien_tich_nha,nuoc_sinh_hoat,nha_tieu,vien_thong,phuong_tien_thong_tin"

@Suite("giamngheo command line", .serialized)
struct CLITests {
    @Test("classify the README's example: exact header, one line per row, exit 0")
    func classifyExample() throws {
        let r = try CLI.run(["classify", "Examples/khao-sat-mau.csv"])
        #expect(r.status == 0)
        let lines = r.out.split(separator: "\n")
        #expect(lines.first == "ma_ho,nam,chuan,khu_vuc,thu_nhap_binh_quan_thang,so_chi_so_thieu_hut,chi_so_thieu_hut,phan_loai,ly_do")
        let input = try String(contentsOf: CLI.root.appendingPathComponent("Examples/khao-sat-mau.csv"), encoding: .utf8)
        #expect(lines.count == input.split(separator: "\n").count)
        // 2026 rows use the provisional vn-2027 standard, 2024–2025 rows vn-2022.
        #expect(lines.contains { $0.hasPrefix("HO0000001,2026,vn-2027,") })
        #expect(lines.contains { $0.hasPrefix("HO0000001,2024,vn-2022,") })
    }

    @Test("an XLSX written by LibreOffice classifies exactly like its CSV twin")
    func xlsxTwin() throws {
        let csv = try CLI.run(["classify", "Examples/khao-sat-mau.csv"])
        let xlsx = try CLI.run(["classify", "Examples/khao-sat-mau.xlsx"])
        #expect(xlsx.status == 0)
        #expect(xlsx.out == csv.out)
    }

    @Test("one exact household: the yearly total compared as T ≤ line × n × 12")
    func exactLine() throws {
        let file = try CLI.temp("s.csv", """
            \(header2022)
            A,2023,nong_thon,1,18000000,1,1,1,0,0,0,0,0,0,0,0,0
            B,2023,nong_thon,1,18000001,1,1,1,0,0,0,0,0,0,0,0,0
            """)
        let r = try CLI.run(["classify", file.path])
        #expect(r.status == 0)
        let lines = r.out.split(separator: "\n").map(String.init)
        #expect(lines[1].hasPrefix("A,2023,vn-2022,nong_thon,1500000,3,viec_lam;phu_thuoc;dinh_duong,ngheo,"))
        // 18,000,001 đ a year for one person is above the line, though it shows as 1,500,000 a month.
        #expect(lines[2].hasPrefix("B,2023,vn-2022,nong_thon,1500000,3,viec_lam;phu_thuoc;dinh_duong,muc_song_trung_binh,"))
    }

    @Test("JSON output carries the same values as CSV")
    func json() throws {
        let r = try CLI.run(["classify", "Examples/khao-sat-mau.csv", "--format", "json"])
        #expect(r.status == 0)
        let array = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [[String: Any]])
        let csv = try CLI.run(["classify", "Examples/khao-sat-mau.csv"]).out.split(separator: "\n").dropFirst()
        #expect(array.count == csv.count)
        let first = try #require(array.first)
        let fields = csv.first!.split(separator: ",", maxSplits: 8, omittingEmptySubsequences: false).map(String.init)
        #expect(first["ma_ho"] as? String == fields[0])
        #expect(first["nam"] as? Int == Int(fields[1]))
        #expect(first["phan_loai"] as? String == fields[7])
        #expect((first["chi_so_thieu_hut"] as? [String])?.joined(separator: ";") == fields[6])
    }

    @Test("a bad file prints no result, every problem with row and column, exit 65")
    func badFile() throws {
        let file = try CLI.temp("bad.csv", """
            \(header2022)
            A,2023,nong_thon,1,18000000,1,1,1,0,0,0,0,0,0,0,0,0
            B,2023,nong_thon,1,"1.500.000,5",1,1,1,0,0,0,0,0,0,0,0,0
            C,2023,thanh pho,2,1000,1,,1,0,0,0,0,0,0,0,0,0
            """)
        let r = try CLI.run(["classify", file.path])
        #expect(r.status == 65)
        #expect(r.out.isEmpty)
        let errors = r.err.split(separator: "\n").map(String.init)
        #expect(errors.contains { $0.hasPrefix("dòng 3, cột tong_thu_nhap_nam: ") })
        #expect(errors.contains { $0.hasPrefix("dòng 4, cột khu_vuc: ") })
        #expect(errors.contains { $0.hasPrefix("dòng 4, cột phu_thuoc: ") })
    }

    @Test("redirected to a file, a bad file leaves the file as it was")
    func badFileToRegularFile() throws {
        var rows = [header2022]
        // Enough good rows to pass the output buffer, then one bad row at the end.
        for i in 0..<40_000 { rows.append("H\(i),2023,nong_thon,2,30000000,0,0,0,0,0,0,0,0,0,0,0,0") }
        rows.append("BAD,2023,nong_thon,2,abc,0,0,0,0,0,0,0,0,0,0,0,0")
        let input = try CLI.temp("big.csv", rows.joined(separator: "\n"))
        let output = try CLI.temp("out.csv", "earlier line\n")
        let r = try CLI.run(["classify", input.path], stdoutFile: output)
        #expect(r.status == 65)
        #expect(try String(contentsOf: output, encoding: .utf8) == "earlier line\n")
        #expect(r.err.contains("dòng 40002, cột tong_thu_nhap_nam"))
    }

    @Test("more than 200 problems: the first 200, then a count")
    func manyErrors() throws {
        var rows = [header2022]
        for i in 0..<250 { rows.append("H\(i),2023,nong_thon,2,x,0,0,0,0,0,0,0,0,0,0,0,0") }
        let r = try CLI.run(["classify", try CLI.temp("e.csv", rows.joined(separator: "\n")).path])
        #expect(r.status == 65)
        let lines = r.err.split(separator: "\n")
        #expect(lines.filter { $0.hasPrefix("dòng ") }.count == 200)
        #expect(lines.last?.contains("250") == true)
    }

    @Test("usage errors exit 64, a missing file 66")
    func exitCodes() throws {
        #expect(try CLI.run(["classify"]).status == 64)
        #expect(try CLI.run(["classify", "Examples/khao-sat-mau.csv", "--standard", "vn-1999"]).status == 64)
        #expect(try CLI.run(["classify", "Examples/khao-sat-mau.csv", "--format", "xml"]).status == 64)
        #expect(try CLI.run(["classify", "/nonexistent/khao-sat.csv"]).status == 66)
    }

    @Test("summary agrees with classify, year by year")
    func summaryMatchesClassify() throws {
        let classified = try CLI.run(["classify", "Examples/khao-sat-mau.csv"]).out.split(separator: "\n").dropFirst()
        var counts: [String: [String: Int]] = [:]
        for line in classified {
            let f = line.split(separator: ",", maxSplits: 8, omittingEmptySubsequences: false).map(String.init)
            counts[f[1], default: [:]][f[7], default: 0] += 1
        }
        let summary = try CLI.run(["summary", "Examples/khao-sat-mau.csv"])
        #expect(summary.status == 0)
        let lines = summary.out.split(separator: "\n").map(String.init)
        #expect(lines[0] == "nam,don_vi,chuan,so_ho,ngheo,can_ngheo,muc_song_trung_binh,khong_ngheo,thoat_ngheo,tai_ngheo,ngheo_phat_sinh,giam_khac,ty_le_ngheo,H,A,M0")
        #expect(lines.count == 4)
        for line in lines.dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let c = counts[f[0]] ?? [:]
            #expect(Int(f[4]) == c["ngheo", default: 0])
            #expect(Int(f[5]) == c["can_ngheo", default: 0])
            #expect(Int(f[6]) == c["muc_song_trung_binh", default: 0])
            #expect(Int(f[7]) == c["khong_ngheo", default: 0])
            #expect(Int(f[3]) == c.values.reduce(0, +))
        }
        // 2026 is the first review under vn-2027: a new baseline, transitions 0.
        #expect(lines[3].hasPrefix("2026,,vn-2027,"))
        #expect(lines[3].split(separator: ",", omittingEmptySubsequences: false)[8...11].allSatisfy { $0 == "0" })
    }

    @Test("accounts on the command line: add, reset a forgotten password, disable and enable; each audited under the person behind sudo")
    func accountsFromTheCommandLine() throws {
        let db = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString).sqlite").path
        defer { CLI.removeDatabase(db) }
        let env = ["SQLITE_PATH": db, "SUDO_USER": "anh-tuan", "USER": "giamngheo"]
        #expect(try CLI.run(["import", "units", "Examples/don-vi-mau.csv"], env: env).status == 0)
        let unit = try #require(try String(contentsOf: CLI.root.appendingPathComponent("Examples/don-vi-mau.csv"), encoding: .utf8)
            .split(separator: "\n").dropFirst().first?.split(separator: ",").first.map(String.init))
        var withPassword = env
        withPassword["GIAMNGHEO_PASSWORD"] = "mat-khau-dau-tien"
        let added = try CLI.run(["user", "add", "quantri2", "--name", "Quản trị hai", "--role", "quan_tri", "--unit", unit], env: withPassword)
        #expect(added.status == 0, "\(added.err)")
        withPassword["GIAMNGHEO_PASSWORD"] = "ngan"
        #expect(try CLI.run(["user", "password", "quantri2"], env: withPassword).status != 0)  // the policy holds here too
        withPassword["GIAMNGHEO_PASSWORD"] = "mat-khau-moi-dai-hon"
        let reset = try CLI.run(["user", "password", " QuanTri2 "], env: withPassword)  // as sign-in reads a name
        #expect(reset.status == 0 && reset.out.contains("quantri2"), "\(reset.err)")
        #expect(try CLI.run(["user", "password", "khong-co-ai"], env: withPassword).status != 0)
        #expect(try CLI.run(["user", "disable", "quantri2"], env: env).status == 0)
        #expect(try CLI.run(["user", "list"], env: env).out.contains("quantri2\tquan_tri\t\(unit)\tdisabled"))
        #expect(try CLI.run(["user", "enable", "quantri2"], env: env).status == 0)
        #expect(try CLI.run(["user", "list"], env: env).out.contains("quantri2\tquan_tri\t\(unit)\tactive"))
        // The audit names the person who ran sudo, for every step.
        let audit = Process()
        audit.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let out = Pipe()
        audit.arguments = ["python3", "-c", "import sqlite3,sys; print('\\n'.join(a + ' ' + b for a, b in sqlite3.connect(sys.argv[1]).execute(\"select actor, action from audit_log where entity = 'user' order by id\")))", db]
        audit.standardOutput = out
        try audit.run()
        audit.waitUntilExit()
        let entries = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n")
        #expect(entries == ["anh-tuan tao_tai_khoan", "anh-tuan dat_lai_mat_khau", "anh-tuan khoa_tai_khoan", "anh-tuan mo_tai_khoan"], "\(entries)")
    }

    @Test("import into SQLite: all or nothing, then idempotent")
    func importCycle() throws {
        let db = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString).sqlite").path
        defer { CLI.removeDatabase(db) }
        let env = ["SQLITE_PATH": db]
        #expect(try CLI.run(["import", "units", "Examples/don-vi-mau.csv"], env: env).status == 0)
        #expect(try CLI.run(["import", "members", "Examples/doan-vien-mau.csv"], env: env).status == 0)
        let again = try CLI.run(["import", "members", "Examples/doan-vien-mau.csv"], env: env)
        #expect(again.status == 0)
        #expect(again.out.contains("thêm/added 0, sửa/updated 0, không đổi/unchanged 4"))
        let bad = try CLI.temp("u.csv", "Mã đơn vị,Tên đơn vị,Loại,Từ ngày\nX1,Một,cong_doan_co_so,01/01/2020\nX2,Hai,khong_biet,01/01/2020\n")
        let r = try CLI.run(["import", "units", bad.path], env: env)
        #expect(r.status == 65)
        #expect(r.err.contains("dòng 3, cột Loại:"))
        // X1 was not written either.
        let tree = try CLI.run(["tree"], env: env)
        #expect(!tree.out.contains("X1"))
    }

    @Test("the shipped example is the demo province's own: regenerated byte for byte, and its XLSX (citizen IDs as numbers, the 0 lost) imports into serve --demo's province")
    func exampleImportsIntoTheDemo() throws {
        let regenerated = try CLI.run(["demo-survey", "--example"])
        #expect(regenerated.status == 0)
        let shipped = try String(contentsOf: CLI.root.appendingPathComponent("Examples/khao-sat-mau.csv"), encoding: .utf8)
        #expect(regenerated.out == shipped, "Examples/khao-sat-mau.csv is stale: giamngheo demo-survey --example -o Examples/khao-sat-mau.csv, then convert it to .xlsx (docs/khao-sat.md)")
        let db = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString).sqlite").path
        defer { CLI.removeDatabase(db) }
        let env = ["SQLITE_PATH": db]
        #expect(try CLI.run(["demo"], env: env).status == 0)  // the province serve --demo builds
        for file in ["Examples/khao-sat-mau.xlsx", "Examples/khao-sat-mau.csv"] {
            let imported = try CLI.run(["import", "survey", file], env: env)
            #expect(imported.status == 0, "\(file): \(imported.err.prefix(400))")
            #expect(imported.out.contains("180 dòng/rows — thêm/added 0, sửa/updated 0, không đổi/unchanged 180"))
        }
    }

    @Test("a demo province, then one household's file: members, then a review per year")
    func demoThenHousehold() throws {
        let db = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString).sqlite").path
        defer { CLI.removeDatabase(db) }
        let env = ["SQLITE_PATH": db]
        let demo = try CLI.run(["demo", "--households", "200", "--seed", "7"], env: env)
        #expect(demo.status == 0)
        #expect(demo.out.contains("LDLD-NB"))
        let vulnerable = try CLI.run(["registry", "vulnerable", "--year", "2021"], env: env)
        #expect(vulnerable.status == 0)
        let first = try #require(vulnerable.out.split(separator: "\n").dropFirst().first)
        let fields = first.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let (member, household) = (fields[0], fields[2])
        let file = try CLI.run(["household", household], env: env)
        #expect(file.status == 0)
        let lines = file.out.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0].hasPrefix("Hộ \(household) — "))
        #expect(lines.contains { $0.contains("đoàn viên / member: \(member)") })
        let header = try #require(lines.firstIndex(of: "nam,don_vi,chuan,thu_nhap_binh_quan_thang,so_chi_so_thieu_hut,phan_loai,phan_loai_cong_nhan,ly_do"))
        let reviews = lines[(header + 1)...].filter { !$0.isEmpty }
        #expect(reviews.first?.hasPrefix("2021,") == true)
        #expect(reviews.first?.contains(",\(fields[4]),") == true)
        let years = reviews.compactMap { Int($0.prefix(4)) }
        #expect(years == years.sorted() && Set(years).count == years.count)
        let missing = try CLI.run(["household", "KHONG-CO"], env: env)
        #expect(missing.status == 65)
        #expect(missing.err.contains("không tìm thấy hộ 'KHONG-CO'"))
        let found = try CLI.run(["search", member], env: env)
        #expect(found.status == 0)
        #expect(found.out.hasPrefix("\(member)\t"))
        let nothing = try CLI.run(["search", "khong co ai ten nay"], env: env)
        #expect(nothing.status == 0 && nothing.out.isEmpty && nothing.err.contains("không tìm thấy / nothing found"))
        let mismatches = try CLI.run(["registry", "mismatches", "--year", "2021"], env: env)
        #expect(mismatches.status == 0)
        #expect(mismatches.out.hasPrefix("ma_ho,nam,don_vi,phan_loai,phan_loai_cong_nhan,ly_do\n"))
        // A second demo into the same database is refused, and says so.
        let again = try CLI.run(["demo", "--households", "200", "--seed", "7"], env: env)
        #expect(again.status == 65)
        #expect(!again.err.isEmpty && !again.out.contains("đã tạo tỉnh giả lập"))
    }

    @Test("unit changes on a date: merge, rename, show, and a refused change leaves the tree alone")
    func unitOperations() throws {
        let db = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString).sqlite").path
        defer { CLI.removeDatabase(db) }
        let env = ["SQLITE_PATH": db]
        let units = try CLI.temp("don-vi.csv", """
            Mã đơn vị,Tên đơn vị,Loại,Mã đơn vị cấp trên,Từ ngày
            T,Liên đoàn Lao động tỉnh,lien_doan_tinh,,01/01/2000
            X1,Công đoàn xã Một,cong_doan_xa_phuong,T,01/07/2025
            X2,Công đoàn xã Hai,cong_doan_xa_phuong,T,01/07/2025
            C1,CĐCS Trường Tiểu học Một,cong_doan_co_so,X1,01/07/2025

            """)
        #expect(try CLI.run(["import", "units", units.path], env: env).status == 0)
        let merged = try CLI.run(["unit", "merge", "X1", "X2", "--into", "X3", "--name", "Công đoàn phường Ba", "--from", "01/01/2026"], env: env)
        #expect(merged.status == 0, "\(merged.err)")
        #expect(try CLI.run(["unit", "rename", "X3", "Công đoàn phường Ba Mới", "--from", "01/06/2026"], env: env).status == 0)
        let old = try CLI.run(["unit", "show", "X1"], env: env)
        #expect(old.status == 0)
        #expect(old.out.contains("01/07/2025–31/12/2025: Công đoàn xã Một; cấp trên / parent: T Liên đoàn Lao động tỉnh"))
        #expect(old.out.contains("→ sáp nhập / merge từ 01/01/2026: X3 Công đoàn phường Ba Mới (chính / primary)"))
        let new = try CLI.run(["unit", "show", "X3"], env: env)
        #expect(new.out.contains("01/01/2026–31/05/2026: Công đoàn phường Ba; cấp trên / parent: T"))
        #expect(new.out.contains("01/06/2026–nay / now: Công đoàn phường Ba Mới"))
        // C1 moved under the merged unit; on a date before the merger it is still under X1.
        let tree2026 = try CLI.run(["tree", "--date", "01/07/2026"], env: env).out.split(separator: "\n").map(String.init)
        #expect(tree2026.contains("  X3  Công đoàn phường Ba Mới") && tree2026.contains("    C1  CĐCS Trường Tiểu học Một"))
        let tree2025 = try CLI.run(["tree", "--date", "31/12/2025"], env: env).out.split(separator: "\n").map(String.init)
        #expect(tree2025.contains("  X1  Công đoàn xã Một") && tree2025.contains("    C1  CĐCS Trường Tiểu học Một"))
        // A review year's counts stand on the tree of its 31/12: that tree is the one printed.
        let ofYear = try CLI.run(["tree", "--year", "2025"], env: env).out.split(separator: "\n").map(String.init)
        #expect(ofYear.first?.hasPrefix("Cây tổ chức ngày 31/12/2025") == true && ofYear.contains("  X1  Công đoàn xã Một"))
        let mixed = try CLI.run(["tree", "--year", "2025", "--date", "01/07/2026"], env: env)
        #expect(mixed.status != 0 && mixed.err.contains("--rebase"))
        // Refused: an unknown successor; nothing changes.
        let refused = try CLI.run(["unit", "dissolve", "C1", "--successor", "KHONG", "--from", "01/09/2026"], env: env)
        #expect(refused.status == 65)
        #expect(refused.err.contains("không có đơn vị mã 'KHONG'"))
        #expect(try CLI.run(["unit", "show", "C1"], env: env).out.contains("nay / now"))
    }
}
