import Foundation
import Testing

/// `giamngheo report …` run as a user would: the workflow of a ward union's annual report,
/// the reporting status of the province, and the report files.
@Suite("giamngheo report commands", .serialized)
struct ReportCLITests {
    static let survey = """
        ma_ho,nam,ma_doan_vien,khu_vuc,so_nhan_khau,tong_thu_nhap_nam,viec_lam,phu_thuoc,dinh_duong,bhyt,giao_duc_nguoi_lon,di_hoc_tre_em,chat_luong_nha,dien_tich_nha,nuoc_sinh_hoat,nha_tieu,vien_thong,phuong_tien_thong_tin
        HO-0001,2024,DV-0001,nong_thon,3,36000000,1,0,0,1,0,0,0,0,0,1,0,0
        HO-0003,2024,DV-0004,thanh_thi,2,40000000,1,0,0,1,0,0,1,0,0,0,0,0
        HO-0001,2025,DV-0001,nong_thon,3,36000000,1,0,0,1,0,0,0,0,0,1,0,0
        HO-0002,2025,DV-0003,nong_thon,2,30000000,0,0,0,1,0,0,0,0,0,0,0,0
        HO-0003,2025,DV-0004,thanh_thi,2,90000000,0,0,0,0,0,0,0,0,0,0,0,0

        """

    @Test("write, submit, return, resubmit and accept a report; the status board; tables, report and summary files")
    func scenario() throws {
        let db = FileManager.default.temporaryDirectory.appendingPathComponent("cli-report-\(UUID().uuidString).sqlite").path
        let env = ["SQLITE_PATH": db]
        defer { CLI.removeDatabase(db) }
        func run(_ args: String..., sourceLocation: SourceLocation = #_sourceLocation) throws -> CLI.Result {
            let r = try CLI.run(args, env: env)
            #expect(r.status == 0, "\(args.joined(separator: " ")): \(r.err)", sourceLocation: sourceLocation)
            return r
        }
        func refused(_ args: String..., sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
            let r = try CLI.run(args, env: env)
            #expect(r.status == 65, "\(args.joined(separator: " ")) should be refused: \(r.out)", sourceLocation: sourceLocation)
            return r.err
        }
        _ = try run("import", "units", "Examples/don-vi-mau.csv")
        _ = try run("import", "members", "Examples/doan-vien-mau.csv")
        _ = try run("import", "survey", try CLI.temp("khao-sat.csv", Self.survey).path)

        // The ward's figures: one poor household in 2025 (HO-0001), as in 2024.
        let figures = try run("report", "figures", "--unit", "CD-P-HOALU", "--year", "2025").out
        #expect(figures.contains("rà soát / reviewed 1; nghèo / poor 1") && figures.contains("kỳ rà soát trước / previous review (2024) nghèo / poor 1"))
        let province = try run("report", "figures", "--unit", "LDLD-NB", "--year", "2025").out
        #expect(province.contains("thoát nghèo / escaped 1"))

        // Nothing to submit yet; a draft is written from files, then submitted.
        #expect(try refused("report", "submit", "--unit", "CD-P-HOALU", "--year", "2025").contains("chưa có báo cáo năm 2025"))
        let results = try CLI.temp("ket-qua.txt", "Hỗ trợ hộ HO-0001 vay vốn chăn nuôi.\nThăm hỏi dịp Tết.")
        let proposals = try CLI.temp("de-xuat.txt", "Đề nghị tăng vốn vay.")
        #expect(try run("report", "write", "--unit", "CD-P-HOALU", "--year", "2025", "--results", results.path,
                        "--proposals", proposals.path).out.contains("đang soạn / draft"))
        _ = try run("report", "submit", "--unit", "CD-P-HOALU", "--year", "2025")
        var status = try run("report", "status", "--unit", "LDLD-NB", "--year", "2025").out
        #expect(status.contains("CD-P-HOALU\tCông đoàn phường Hoa Lư\tđã gửi, chờ duyệt"))
        // Hà Nam's federation ended on 30/06/2025 (merged into the province): it is not on the tree of
        // 31/12/2025, so three units owe a report.
        #expect(status.contains("đã chấp nhận / accepted 0/3 = 0.0%"))

        // Only a unit above reviews; a return needs comments.
        #expect(try refused("report", "review", "--unit", "CD-P-HOALU", "--year", "2025", "--by", "CDCS-001", "--accept").contains("cấp trên"))
        #expect(try refused("report", "review", "--unit", "CD-P-HOALU", "--year", "2025", "--by", "LDLD-NB", "--return", "--user", "can-bo-tinh").contains("ý kiến"))
        // Whoever submitted does not review.
        #expect(try refused("report", "review", "--unit", "CD-P-HOALU", "--year", "2025", "--by", "LDLD-NB", "--accept").contains("không tự duyệt"))
        _ = try run("report", "review", "--unit", "CD-P-HOALU", "--year", "2025", "--by", "LDLD-NB", "--return", "--comment", "Bổ sung số liệu vay vốn.", "--user", "can-bo-tinh")
        #expect(try run("report", "status", "--unit", "LDLD-NB", "--year", "2025").out.contains("bị trả lại"))
        _ = try run("report", "write", "--unit", "CD-P-HOALU", "--year", "2025", "--results", results.path, "--proposals", proposals.path)
        _ = try run("report", "submit", "--unit", "CD-P-HOALU", "--year", "2025")
        _ = try run("report", "review", "--unit", "CD-P-HOALU", "--year", "2025", "--by", "LDLD-NB", "--accept", "--user", "can-bo-tinh")
        #expect(try refused("report", "write", "--unit", "CD-P-HOALU", "--year", "2025", "--results", results.path).contains("không sửa được"))
        status = try run("report", "status", "--unit", "LDLD-NB", "--year", "2025").out
        #expect(status.contains("đã chấp nhận / accepted 1/3 = 33.3%"))
        _ = try run("report", "deadline", "--unit", "LDLD-NB", "--year", "2025", "--due", "15/01/2026")
        #expect(try run("report", "status", "--unit", "LDLD-NB", "--year", "2025").out.hasPrefix("hạn nộp / deadline 15/01/2026"))

        // Files: the tables as a workbook (a ZIP package) and as CSV on standard output.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cli-report-files-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let xlsx = dir.appendingPathComponent("bieu.xlsx").path
        _ = try run("report", "tables", "--year", "2025", "--format", "xlsx", "--lists", "-o", xlsx)
        #expect(FileManager.default.contents(atPath: xlsx)?.starts(with: Array("PK".utf8)) == true)
        // With the named lists, the workbook is personal data: its owner's alone.
        #expect((try FileManager.default.attributesOfItem(atPath: xlsx)[.posixPermissions] as? Int) == 0o600)
        let csv = try run("report", "tables", "--unit", "CD-P-HOALU", "--year", "2025", "--format", "csv", "-o", "-").out
        #expect(csv.contains("Biểu 1. Kết quả rà soát") && csv.contains("Biểu 13."))
        let docx = dir.appendingPathComponent("bao-cao.docx").path
        _ = try run("report", "annual", "--unit", "CD-P-HOALU", "--year", "2025", "--format", "docx", "-o", docx)
        #expect(FileManager.default.contents(atPath: docx)?.starts(with: Array("PK".utf8)) == true)
        // The wrong format for a document, or an unknown unit, is refused before anything is written.
        #expect(try CLI.run(["report", "annual", "--unit", "CD-P-HOALU", "--year", "2025", "--format", "xlsx", "-o", docx + "2"], env: env).status == 64)
        #expect(try CLI.run(["report", "annual", "--unit", "KHONG-CO", "--year", "2025", "--format", "docx", "-o", docx + "2"], env: env).status == 65)
        #expect(try CLI.run(["report", "tables", "--year", "2025", "--format", "ods", "-o", docx + "3"], env: env).status == 64)
        #expect(!FileManager.default.fileExists(atPath: docx + "2"))
        if ProcessInfo.processInfo.environment["GIAMNGHEO_SKIP_OFFICE_TESTS"] != "1" {
            let pdf = dir.appendingPathComponent("tong-hop.pdf").path
            _ = try run("report", "summary", "--year", "2025", "--format", "pdf", "-o", pdf)
            #expect(FileManager.default.contents(atPath: pdf)?.starts(with: Array("%PDF".utf8)) == true)
        }
    }
}
