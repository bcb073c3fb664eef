import Foundation
import Testing

/// The support commands (`policy`, `support`, `coverage`, `fund`, `loan`, `campaign`) run as a
/// user would, against a temporary SQLite file set up with the import commands.
@Suite("giamngheo support commands", .serialized)
struct SupportCLITests {
    /// HO-0001 poor in CDCS-001 (viec_lam, bhyt, nha_tieu), HO-0002 near-poor in CDCS-003 (bhyt),
    /// HO-0003 poor in CDCS-003 (viec_lam, bhyt, chat_luong_nha); all reviewed in 2025.
    static let survey = """
        ma_ho,nam,ma_doan_vien,khu_vuc,so_nhan_khau,tong_thu_nhap_nam,viec_lam,phu_thuoc,dinh_duong,bhyt,giao_duc_nguoi_lon,di_hoc_tre_em,chat_luong_nha,dien_tich_nha,nuoc_sinh_hoat,nha_tieu,vien_thong,phuong_tien_thong_tin
        HO-0001,2025,DV-0001,nong_thon,3,36000000,1,0,0,1,0,0,0,0,0,1,0,0
        HO-0002,2025,DV-0003,nong_thon,2,30000000,0,0,0,1,0,0,0,0,0,0,0,0
        HO-0003,2025,DV-0004,thanh_thi,2,40000000,1,0,0,1,0,0,1,0,0,0,0,0

        """

    @Test("funds, support and coverage, a loan through to ageing, a campaign approved, and the ledgers reconcile")
    func scenario() throws {
        let db = FileManager.default.temporaryDirectory.appendingPathComponent("cli-support-\(UUID().uuidString).sqlite").path
        // Run as `sudo -u giamngheo …` by chi-lan: the entries name her, not the service account.
        let env = ["SQLITE_PATH": db, "SUDO_USER": "chi-lan", "USER": "giamngheo"]
        defer { CLI.removeDatabase(db) }
        func run(_ args: String..., sourceLocation: SourceLocation = #_sourceLocation) throws -> CLI.Result {
            let r = try CLI.run(args, env: env)
            #expect(r.status == 0, "\(args.joined(separator: " ")): \(r.err)", sourceLocation: sourceLocation)
            return r
        }
        let user = "chi-lan"
        func lines(_ r: CLI.Result) -> [String] { r.out.split(separator: "\n").map(String.init) }
        func object(_ r: CLI.Result) throws -> [String: Any] { try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any]) }

        _ = try run("import", "units", "Examples/don-vi-mau.csv")
        _ = try run("import", "members", "Examples/doan-vien-mau.csv")
        _ = try run("import", "survey", try CLI.temp("khao-sat.csv", Self.survey).path)

        // The catalogue, with the indicators each policy addresses.
        let policies = lines(try run("policy", "list"))
        let bhyt = try #require(policies.firstIndex { $0.hasPrefix("ho_tro_bhyt ") })
        #expect(policies[bhyt].contains("nhà nước / state") && policies[bhyt].contains("Hỗ trợ mua thẻ bảo hiểm y tế"))
        #expect(policies[bhyt + 1] == "    chỉ số / indicators: bhyt")
        let nef = try #require(policies.firstIndex { $0.hasPrefix("vay_quy_viec_lam ") })
        #expect(policies[nef + 1] == "    chỉ số / indicators: viec_lam")

        // Coverage before any support: two poor households, neither complete.
        var coverage = lines(try run("coverage", "--year", "2025", "--format", "csv"))
        #expect(coverage[0] == "don_vi,ten_don_vi,so_ho,so_ho_du,ty_le_phan_tram")
        #expect(coverage.contains("CDCS-001,CĐCS Công ty TNHH May Hoa Lư,1,0,0.0"))
        #expect(coverage.contains(",Tổng cộng / Total,2,0,0.0"))
        #expect(coverage.contains("ma_ho,ho_ten,don_vi,phan_loai,chi_so_con_thieu,chinh_sach_goi_y"))
        let gap = try #require(coverage.first { $0.hasPrefix("HO-0001,") })
        #expect(gap.hasPrefix("HO-0001,Nguyễn Văn An,CDCS-001,ngheo,viec_lam;bhyt;nha_tieu,ho_tro_bhyt;"))

        // Money into a fund, part of it allocated down; an overdraw is refused with the balance, nothing written.
        let contributed = try run("fund", "contribute", "--fund", "xa_hoi", "--unit", "LDLD-NB", "--date", "10/01/2025", "--amount", "5.000.000",
                                  "--contributor", "Công ty May Hoa Lư")
        #expect(contributed.out.contains("5.000.000 đ") && contributed.out.hasSuffix("số dư / balance 5.000.000 đ\n"))
        let allocated = try run("fund", "allocate", "--fund", "xa_hoi", "--from", "LDLD-NB", "--to", "CD-P-HOALU", "--date", "2025-07-02",
                                "--amount", "2000000")
        #expect(allocated.out.contains("LDLD-NB 3.000.000 đ, CD-P-HOALU 2.000.000 đ"))
        let overdraw = try CLI.run(["fund", "disburse", "--fund", "xa_hoi", "--unit", "CD-P-HOALU", "--date", "01/08/2025", "--amount", "2.500.000",
                                    "--household", "HO-0001", "--note", "trợ cấp khó khăn"], env: env)
        #expect(overdraw.status == 65)
        #expect(overdraw.out.isEmpty)
        #expect(overdraw.err.contains("CD-P-HOALU chỉ còn 2.000.000 đ, không đủ 2.500.000 đ"))
        #expect(overdraw.err.contains("không thay đổi gì / nothing was changed"))
        // A malformed amount is a usage error.
        #expect(try CLI.run(["fund", "disburse", "--fund", "xa_hoi", "--unit", "CD-P-HOALU", "--date", "01/08/2025", "--amount", "2,5",
                             "--note", "x"], env: env).status == 64)
        #expect(lines(try run("fund", "list")) == [
            "xa_hoi            LDLD-NB       3.000.000 đ         Quỹ Xã hội Công đoàn (quà Tết, Tháng Công nhân, trợ cấp khó khăn)",
            "xa_hoi            CD-P-HOALU    2.000.000 đ         Quỹ Xã hội Công đoàn (quà Tết, Tháng Công nhân, trợ cấp khó khăn)",
        ])

        // Support from the state, a partner (goods only) and a fund: HO-0001's needs are all addressed.
        let state = try run("support", "add", "--household", "HO-0001", "--policy", "ho_tro_bhyt", "--date", "01/04/2025", "--value", "1.200.000",
                            "--source", "state", "--source-name", "BHXH tỉnh", "--unit", "CDCS-001")
        #expect(state.out.hasPrefix("đã ghi hỗ trợ / support recorded #1: hộ HO-0001, ho_tro_bhyt, 01/04/2025, 1.200.000 đ"))
        _ = try run("support", "add", "--household", "HO-0001", "--policy", "nuoc_ve_sinh", "--date", "01/05/2025", "--value", "0",
                    "--in-kind", "bể lọc nước", "--source", "partner", "--source-name", "Hội Chữ thập đỏ", "--unit", "CDCS-001")
        let paid = try run("support", "add", "--household", "HO-0001", "--policy", "dao_tao_nghe", "--date", "01/08/2025", "--value", "1.500.000",
                           "--source", "fund", "--fund", "xa_hoi", "--unit", "CD-P-HOALU")
        #expect(paid.out.contains("#3") && paid.out.contains("số dư còn / balance left 500.000 đ"))
        #expect(try CLI.run(["support", "add", "--household", "HO-0001", "--policy", "y_te", "--date", "01/06/2025", "--value", "1",
                             "--source", "fund", "--unit", "CD-P-HOALU"], env: env).status == 64)
        let history = lines(try run("support", "list", "--household", "HO-0001"))
        #expect(history.count == 3)
        #expect(history[0].hasPrefix("#3    01/08/2025 dao_tao_nghe          1.500.000 đ"))
        #expect(history[1].contains("[bể lọc nước] partner: Hội Chữ thập đỏ; CDCS-001"))

        coverage = lines(try run("coverage", "--year", "2025"))
        #expect(coverage.contains("CDCS-001      CĐCS Công ty TNHH May Hoa Lư            1       1       100.0"))
        #expect(coverage.contains("              Tổng cộng / Total                       2       1       50.0"))
        #expect(coverage.contains("Hộ còn thiếu / households with gaps: 1"))
        #expect(!coverage.contains { $0.contains("HO-0001") })
        // One branch, near-poor included, as JSON.
        let branch = try run("coverage", "--year", "2025", "--unit", "CD-P-PHULY", "--near-poor", "--format", "json")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(branch.out.utf8)) as? [String: Any])
        // The API's keys: the same resource as GET /api/v1/coverage.
        #expect(json["households"] as? Int == 2 && json["complete"] as? Int == 0 && json["includesNearPoor"] as? Bool == true)
        let gaps = try #require(json["gaps"] as? [[String: Any]])
        #expect(Set(gaps.compactMap { $0["household"] as? String }) == ["HO-0002", "HO-0003"])
        #expect(gaps.first { $0["household"] as? String == "HO-0002" }?["suggested"] as? [String] == ["ho_tro_bhyt"])

        // Cancelling the fund's support gives the money back by a reversal; the ledger shows all three entries.
        #expect(try run("support", "cancel", "3", "--reason", "nhập nhầm", "--date", "10/08/2025").out.contains("#3"))
        let ledger = lines(try run("fund", "ledger", "--fund", "xa_hoi", "--unit", "CD-P-HOALU", "--from", "01/08/2025", "--format", "csv"))
        #expect(ledger == [
            "ma_but_toan,ngay,loai,so_tien,nguoi_dong_gop,don_vi_doi_ung,ma_ho,dao_but_toan,bi_dao_boi,ghi_chu,nguoi_nhap",
            ",2025-08-01,so_du_dau_ky,2000000,,,,,,,",
            "4,2025-08-01,disbursement,-1500000,,,HO-0001,,5,Đào tạo nghề — hộ HO-0001,\(user)",
            "5,2025-08-10,reversal,1500000,,,,4,,huỷ hỗ trợ #3: nhập nhầm,\(user)",
            ",,so_du_cuoi_ky,2000000,,,,,,,",
        ])
        #expect(try run("fund", "ledger", "--fund", "xa_hoi", "--unit", "CD-P-HOALU").out.contains("  số dư cuối kỳ / closing: 2.000.000 đ"))
        let ledgerJSON = try object(try run("fund", "ledger", "--fund", "xa_hoi", "--unit", "CD-P-HOALU", "--from", "01/08/2025", "--format", "json"))
        #expect(ledgerJSON["opening"] as? Int == 2_000_000 && ledgerJSON["closing"] as? Int == 2_000_000 && ledgerJSON["unitCode"] as? String == "CD-P-HOALU")
        #expect((ledgerJSON["entries"] as? [[String: Any]])?.map { $0["kind"] as? String } == ["disbursement", "reversal"])
        // Text a spreadsheet would run as a formula stays text in the CSV; amounts stay numbers.
        _ = try run("fund", "contribute", "--fund", "xa_hoi", "--unit", "CD-P-HOALU", "--date", "11/08/2025", "--amount", "1000",
                    "--contributor", "=HYPERLINK(\"http://x\")")
        let formula = lines(try run("fund", "ledger", "--fund", "xa_hoi", "--unit", "CD-P-HOALU", "--from", "11/08/2025", "--format", "csv"))
        #expect(formula.contains { $0.contains(",contribution,1000,\"'=HYPERLINK(\"\"http://x\"\")\",") })

        // A loan (the grassroots union stood all through, its commune/ward union from 01/07/2025): the rules refuse too much, then apply → approve → disburse → repay, and ageing a year on.
        _ = try run("fund", "contribute", "--fund", "nef", "--unit", "LDLD-NB", "--date", "02/01/2025", "--amount", "150.000.000",
                    "--contributor", "Quỹ quốc gia về việc làm")
        _ = try run("fund", "allocate", "--fund", "nef", "--from", "LDLD-NB", "--to", "CDCS-001", "--date", "03/01/2025", "--amount", "120.000.000")
        let apply = ["loan", "apply", "--member", "DV-0001", "--household", "HO-0001", "--unit", "CDCS-001", "--purpose", "chan_nuoi",
                     "--term", "36", "--jobs", "2", "--date", "01/06/2025", "--amount"]
        let tooMuch = try CLI.run(apply + ["120.000.000"], env: env)
        #expect(tooMuch.status == 65)
        #expect(tooMuch.err.contains("không đủ điều kiện vay: số tiền vay vượt mức tối đa 100.000.000 đ"))
        let applied = try CLI.run(apply + ["100.000.000"], env: env)
        #expect(applied.status == 0)
        let loan = applied.out.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(loan == "VV2025-00001")
        let early = try CLI.run(["loan", "disburse", loan, "--date", "20/06/2025"], env: env)
        #expect(early.status == 65 && early.err.contains("cannot disburse loan \(loan) while applied"))
        _ = try run("loan", "approve", loan, "--date", "15/06/2025", "--note", "đúng đối tượng")
        _ = try run("loan", "disburse", loan, "--date", "01/07/2025")
        _ = try run("loan", "repay", loan, "--date", "01/10/2025", "--amount", "8.333.333")
        // Jobs are counted on a day, never before the money was out.
        #expect(try run("loan", "jobs", loan, "--created", "2", "--date", "01/01/2026").out.contains("\(loan): 2 ngày 01/01/2026"))
        #expect(try CLI.run(["loan", "jobs", loan, "--created", "2", "--date", "30/06/2025"], env: env).status == 65)
        let file = lines(try run("loan", "show", loan, "--date", "02/04/2026"))
        #expect(file[0] == "Khoản vay / loan \(loan) — Đang vay / disbursed")
        #expect(file.contains("  kỳ 1   01/10/2025  8.333.333 đ     đã trả / paid"))
        #expect(file.contains("  kỳ 2   01/01/2026  8.333.333 đ     quá hạn / overdue"))
        #expect(file.contains("  kỳ 12  01/07/2028  8.333.337 đ"))
        #expect(file.contains { $0.hasPrefix("  #") && $0.hasSuffix("  01/10/2025  8.333.333 đ  (\(user))") })
        #expect(file.last?.contains("dư nợ / outstanding 91.666.667 đ") == true)
        #expect(file.last?.contains("quá hạn / overdue 16.666.666 đ — 91 ngày, quá hạn 91–180 ngày") == true)
        let ageing = lines(try run("loan", "ageing", "--date", "02/04/2026"))
        #expect(ageing[1] == "  đang vay / active: 1 khoản / loans, dư nợ / outstanding 91.666.667 đ; trong hạn / current: 0")
        #expect(ageing.contains { $0.hasPrefix("  quá hạn 91–180 ngày / 91–180 days overdue") && $0.contains("1 khoản / loans") && $0.contains("16.666.666 đ") })
        #expect(ageing.contains { $0.hasPrefix("  quá hạn 1–30 ngày / 1–30 days overdue") && $0.contains("0 khoản / loans") })
        #expect(ageing.contains("Khoản vay quá hạn / overdue loans: 1"))
        #expect(ageing.last?.hasPrefix("  \(loan)   DV-0001 Nguyễn Văn An") == true && ageing.last?.contains("91 ngày / days") == true)
        let ageingCSV = lines(try run("loan", "ageing", "--date", "02/04/2026", "--format", "csv"))
        #expect(ageingCSV.contains("91-180,1,16666666,91666667"))
        #expect(ageingCSV.last == "\(loan),DV-0001,Nguyễn Văn An,HO-0001,CDCS-001,91,91-180,16666666,91666667")
        let ageingJSON = try object(try run("loan", "ageing", "--date", "02/04/2026", "--format", "json"))
        #expect(ageingJSON["activeLoans"] as? Int == 1 && ageingJSON["outstanding"] as? Int == 91_666_667)
        #expect((ageingJSON["overdueLoans"] as? [[String: Any]])?.map { $0["code"] as? String } == [loan])
        let loanJSON = try object(try run("loan", "show", loan, "--date", "02/04/2026", "--json"))
        #expect(loanJSON["daysOverdue"] as? Int == 91 && (loanJSON["schedule"] as? [Any])?.count == 12)
        // As at a day between approval and payment: approved, no schedule yet, nothing repaid — in text and in JSON alike.
        let approvedThen = lines(try run("loan", "show", loan, "--date", "20/06/2025"))
        #expect(approvedThen[0] == "Khoản vay / loan \(loan) — Đã phê duyệt / approved")
        #expect(!approvedThen.contains { $0.hasPrefix("Lịch trả nợ gốc") || $0.contains("01/10/2025") || $0.contains("giải ngân / disbursed") })
        let approvedJSON = try object(try run("loan", "show", loan, "--date", "20/06/2025", "--json"))
        #expect(approvedJSON["state"] as? String == "approved" && (approvedJSON["schedule"] as? [Any])?.isEmpty == true)

        // A Tết campaign: drawn by need, one amount changed, approved and paid from the organiser's fund.
        let created = try run("campaign", "create", "--kind", "tet_sum_vay", "--name", "Tết Sum vầy 2026", "--unit", "LDLD-NB", "--fund", "xa_hoi",
                              "--year", "2025", "--from", "05/01/2026", "--to", "10/02/2026", "--budget", "3.000.000", "--gift", "1.000.000")
        let campaign = created.out.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(campaign == "DQ2026-0001")
        #expect(try run("campaign", "draw", campaign, "--unit", "LDLD-NB").out.hasPrefix("đã thêm / added 3 hộ"))
        _ = try run("campaign", "amount", campaign, "--household", "HO-0002", "--amount", "500.000", "--reason", "đã nhận quà của xã")
        let list = lines(try run("campaign", "show", campaign))
        #expect(list.contains("Danh sách / list: 3 hộ / households"))
        let ranked = list.filter { $0.hasPrefix("  ") && !$0.hasPrefix("    ") }
        #expect(ranked.map { String($0.dropFirst(6).prefix(7)) } == ["HO-0001", "HO-0003", "HO-0002"])
        #expect(ranked[2].contains("can_ngheo") && ranked[2].contains("500.000 đ") && ranked[2].hasSuffix("đã nhận quà của xã"))
        let approved = try run("campaign", "approve", campaign, "--unit", "LDLD-NB", "--date", "20/01/2026")
        #expect(approved.out.hasPrefix("đã duyệt / approved 3 hộ"))
        #expect(approved.out.contains("tổng đã duyệt / approved so far 2.500.000 đ, ngân sách còn / budget left 500.000 đ"))
        #expect(try run("campaign", "list").out.contains("đã duyệt / approved 2.500.000 đ; đang đề xuất / proposed 0 đ"))
        #expect(lines(try run("support", "list", "--household", "HO-0002")).first?.contains("qua_tet               500.000 đ       [Tết Sum vầy 2026]") == true)
        #expect(try run("fund", "list").out.contains("xa_hoi            LDLD-NB       500.000 đ"))

        // Every balance equals the sum of its entries.
        let reconcile = try CLI.run(["fund", "reconcile"], env: env)
        #expect(reconcile.status == 0, "\(reconcile.err)")
        let rows = lines(reconcile).dropFirst()
        #expect(rows.count == 4 && rows.allSatisfy { $0.hasSuffix("khớp / agrees") })
        #expect(rows.contains { $0.hasPrefix("nef               CDCS-001      0 đ                 128.333.333 đ") })
        #expect(reconcile.err.contains("tất cả 4 dòng khớp / all 4 lines agree"))
    }

    @Test("targets with a frozen baseline, and check-rollups finds and repairs a tampered count")
    func targetsAndRollups() throws {
        let db = FileManager.default.temporaryDirectory.appendingPathComponent("cli-rollups-\(UUID().uuidString).sqlite").path
        let env = ["SQLITE_PATH": db]
        defer { CLI.removeDatabase(db) }
        #expect(try CLI.run(["demo", "--households", "300"], env: env).status == 0)
        let set = try CLI.run(["target", "set", "--unit", "LDLD-NB", "--baseline-year", "2021", "--target-year", "2025", "--reduction", "70"], env: env)
        #expect(set.status == 0, "\(set.err)")
        #expect(set.out.contains("gốc / baseline 2021 ="))
        let show = try CLI.run(["target", "show", "--unit", "LDLD-NB"], env: env)
        #expect(show.status == 0 && show.out.contains("2025        "))
        // A second target (the next plan's): `set` speaks of the one just set.
        let next = try CLI.run(["target", "set", "--unit", "LDLD-NB", "--baseline-year", "2025", "--target-year", "2030", "--reduction", "40"], env: env)
        #expect(next.status == 0 && next.out.contains("gốc / baseline 2025 =") && next.out.contains("mục tiêu / goal 2030 ="), "\(next.out)")
        let clean = try CLI.run(["check-rollups"], env: env)
        #expect(clean.status == 0 && clean.out.contains("không có chỗ lệch / no differences"))
        // Tamper with one kept count: reported, exit 65; --repair counts again.
        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        sqlite.arguments = ["python3", "-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('update rollup_reviews set households = households + 5 where rowid = (select min(rowid) from rollup_reviews)'); c.commit()", db]
        try sqlite.run()
        sqlite.waitUntilExit()
        let dirty = try CLI.run(["check-rollups"], env: env)
        #expect(dirty.status == 65 && dirty.out.contains("rollup_reviews"))
        #expect(try CLI.run(["check-rollups", "--repair"], env: env).status == 0)
        #expect(try CLI.run(["check-rollups"], env: env).status == 0)
    }
}
