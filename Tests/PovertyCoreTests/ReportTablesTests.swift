import Testing
@testable import PovertyCore

/// A mask of the given indicator codes (catalogue indices).
private func mask(_ codes: [String]) -> UInt64 {
    codes.reduce(0) { $0 | (1 << StandardCatalog.builtIn.indicator(code: $1)!.index) }
}

private func facts(_ status: LivingStandard, _ deprived: [String] = [], area: Area = .rural, minority: Bool? = nil,
                   noCapacity: Bool? = nil, ethnicity: String? = nil, causes: [PovertyCause] = []) -> ReviewFacts {
    ReviewFacts(status: status, deprivations: mask(deprived), area: area, ethnicMinority: minority,
                noWorkingCapacity: noCapacity, ethnicity: ethnicity, causes: causes)
}

/// Every row has one cell per column.
private func checkShape(_ t: ReportTable, sourceLocation: SourceLocation = #_sourceLocation) {
    for r in t.rows {
        #expect(r.cells.count == t.columns.count, "table \(t.number ?? 0) row \(r.key)", sourceLocation: sourceLocation)
    }
}

private func counts(_ t: ReportTable, _ column: String) -> [String: Int] {
    guard let c = t.columns.firstIndex(where: { $0.key == column }) else { return [:] }
    var out: [String: Int] = [:]
    for r in t.rows { if case .count(let n) = r.cells[c] { out[r.key] = n } }
    return out
}

@Suite("Report tables")
struct ReportTablesTests {
    // MARK: - Formatting

    @Test func formatsCountsSharesMoneyAndRatios() {
        #expect(ReportValue.count(1_234_567).display(language: .vi) == "1.234.567")
        #expect(ReportValue.count(1_234_567).display(language: .en) == "1,234,567")
        #expect(ReportValue.count(0).display(language: .vi) == "0")
        #expect(ReportValue.share(Ratio(1, 8)).display(language: .vi) == "12,5%")
        #expect(ReportValue.share(Ratio(1, 8)).display(language: .en) == "12.5%")
        #expect(ReportValue.share(Ratio(1, 3)).display(language: .vi) == "33,3%")
        #expect(ReportValue.share(Ratio(2, 3)).display(language: .vi) == "66,7%")
        #expect(ReportValue.share(Ratio(1, 1)).display(language: .vi) == "100,0%")
        #expect(ReportValue.share(Ratio(12_345, 1000)).display(language: .vi) == "1.234,5%")
        #expect(ReportValue.share(Ratio(12_345, 1000)).display(language: .en) == "1,234.5%")
        #expect(ReportValue.share(Ratio(-1, 8)).display(language: .vi) == "-12,5%")
        #expect(ReportValue.share(Ratio(-1, 100_000)).display(language: .vi) == "0,0%")
        #expect(ReportValue.share(Ratio(0, 0)).display(language: .vi) == "–")
        #expect(ReportValue.money(1_234_567).display(language: .vi) == "1.234.567 đ")
        #expect(ReportValue.money(1_234_567).display(language: .en) == "1,234,567 VND")
        #expect(ReportValue.ratio(Ratio(1, 8)).display(language: .vi) == "0,125")
        #expect(ReportValue.ratio(Ratio(1, 3)).display(language: .en) == "0.333")
        #expect(ReportValue.ratio(Ratio(0, 0)).display(language: .en) == "–")
        #expect(ReportValue.text("Tày").display(language: .en) == "Tày")
        #expect(ReportValue.label(ReportText("có", "yes")).display(language: .en) == "yes")
        #expect(ReportValue.none.display(language: .vi) == "")
    }

    // MARK: - Table 1

    @Test func livingStandardTable() {
        var b = StandardTablesBuilder(standard: standard("vn-2022"), year: 2024)
        for _ in 0..<2 { b.add(facts(.poor, area: .rural)) }
        b.add(facts(.poor, area: .urban))
        b.add(facts(.nearPoor, area: .urban))
        for _ in 0..<3 { b.add(facts(.average, area: .rural)) }
        for _ in 0..<2 { b.add(facts(.notPoor, area: .urban)) }
        let t = b.livingStandardTable()
        checkShape(t)
        #expect(t.number == 1)
        #expect(t.rows.map(\.key) == ["tong_so", "ngheo", "can_ngheo", "muc_song_trung_binh", "khong_ngheo"])
        #expect(t.rows[0].isTotal)
        #expect(counts(t, "tong_so_so_ho") == ["tong_so": 9, "ngheo": 3, "can_ngheo": 1, "muc_song_trung_binh": 3, "khong_ngheo": 2])
        #expect(counts(t, "thanh_thi_so_ho") == ["tong_so": 4, "ngheo": 1, "can_ngheo": 1, "muc_song_trung_binh": 0, "khong_ngheo": 2])
        #expect(counts(t, "nong_thon_so_ho") == ["tong_so": 5, "ngheo": 2, "can_ngheo": 0, "muc_song_trung_binh": 3, "khong_ngheo": 0])
        #expect(t.value("ngheo", "tong_so_ty_le") == .share(Ratio(3, 9)))
        #expect(t.value("ngheo", "thanh_thi_ty_le")?.display(language: .vi) == "25,0%")
        #expect(t.value("ngheo", "nong_thon_ty_le")?.display(language: .vi) == "40,0%")
        #expect(t.notes.isEmpty)
        // vn-2027 has no average band yet: the table says so.
        #expect(StandardTablesBuilder(standard: standard("vn-2027"), year: 2026).livingStandardTable().notes.count == 1)
    }

    // MARK: - Tables 4–7

    @Test func deprivationTablesGroupByDimension() throws {
        var b = StandardTablesBuilder(standard: standard("vn-2022"), year: 2024)
        b.add(facts(.poor, ["bhyt", "dinh_duong", "nha_tieu"], area: .rural))
        b.add(facts(.poor, ["bhyt", "viec_lam", "vien_thong"], area: .urban))
        // tiep_can_y_te is not a vn-2022 indicator: ignored.
        b.add(facts(.poor, ["bhyt", "nha_tieu", "nuoc_sinh_hoat", "tiep_can_y_te"], area: .rural))
        b.add(facts(.nearPoor, ["bhyt"], area: .urban))
        b.add(facts(.notPoor, ["bhyt", "nha_tieu", "nuoc_sinh_hoat"], area: .urban))

        let t4 = b.deprivationTable(of: .poor, shares: false)
        checkShape(t4)
        #expect(t4.number == 4)
        #expect(t4.rows.filter { $0.kind == .item }.map(\.key) == Spec.vn2022Indicators)
        #expect(t4.rows.filter { $0.kind == .heading }.map(\.key)
                == ["chieu_viec_lam", "chieu_y_te", "chieu_giao_duc", "chieu_nha_o", "chieu_nuoc_ve_sinh", "chieu_thong_tin"])
        #expect(!t4.rows.contains { $0.key == "tiep_can_y_te" })
        #expect(t4.value("tong_so", "tong_so_so_ho") == .count(3))
        #expect(t4.value("bhyt", "tong_so_so_ho") == .count(3))
        #expect(t4.value("bhyt", "thanh_thi_so_ho") == .count(1))
        #expect(t4.value("bhyt", "nong_thon_so_ho") == .count(2))
        #expect(t4.value("nha_tieu", "tong_so_so_ho") == .count(2))
        // Households deprived in at least one indicator of the dimension, not the sum.
        #expect(t4.value("chieu_nuoc_ve_sinh", "tong_so_so_ho") == .count(2))
        #expect(t4.value("chieu_y_te", "tong_so_so_ho") == .count(3))
        // Under its dimension, one level in.
        let i = try #require(t4.rows.firstIndex { $0.key == "chieu_y_te" })
        #expect(t4.rows[i + 1].key == "dinh_duong" && t4.rows[i + 1].level == 1)

        let t5 = b.deprivationTable(of: .poor, shares: true)
        checkShape(t5)
        #expect(t5.number == 5)
        #expect(t5.value("nha_tieu", "tong_so_ty_le") == .share(Ratio(2, 3)))
        #expect(t5.value("nha_tieu", "nong_thon_ty_le") == .share(Ratio(2, 2)))
        #expect(t5.value("nha_tieu", "thanh_thi_ty_le") == .share(Ratio(0, 1)))

        let t6 = b.deprivationTable(of: .nearPoor, shares: false)
        #expect(t6.number == 6)
        #expect(t6.value("bhyt", "tong_so_so_ho") == .count(1))
        #expect(t6.value("nha_tieu", "tong_so_so_ho") == .count(0))
        let t7 = b.deprivationTable(of: .nearPoor, shares: true)
        #expect(t7.number == 7)
        #expect(t7.value("bhyt", "nong_thon_ty_le")?.display(language: .vi) == "–")
    }

    @Test func deprivationTableFollowsTheStandardOfTheYear() {
        let b = StandardTablesBuilder(standard: standard("vn-2016"), year: 2019)
        #expect(b.deprivationTable(of: .poor, shares: false).rows.filter { $0.kind == .item }.map(\.key) == Spec.vn2016Indicators)
        let b27 = StandardTablesBuilder(standard: standard("vn-2027"), year: 2026)
        #expect(b27.deprivationTable(of: .poor, shares: false).rows.filter { $0.kind == .item }.map(\.key) == Spec.vn2027Indicators)
    }

    // MARK: - Tables 8–11

    @Test func groupTableCountsNotRecordedExplicitly() {
        var b = StandardTablesBuilder(standard: standard("vn-2022"), year: 2024)
        b.add(facts(.poor, area: .rural, minority: true, noCapacity: true))
        b.add(facts(.poor, area: .rural, minority: false, noCapacity: nil))
        b.add(facts(.poor, area: .urban, minority: nil, noCapacity: false))
        b.add(facts(.nearPoor, area: .urban, minority: true, noCapacity: nil))
        b.add(facts(.notPoor, area: .urban, minority: nil, noCapacity: nil))  // not in the table
        let t = b.groupTable()
        checkShape(t)
        #expect(t.number == 8)
        #expect(t.rows.map(\.key) == ["tong_so", "kha_nang_lao_dong", "khong_co_kha_nang_lao_dong", "co_kha_nang_lao_dong", "kha_nang_lao_dong_chua_ghi",
                                      "dan_toc", "dan_toc_thieu_so", "khong_dan_toc_thieu_so", "dan_toc_thieu_so_chua_ghi",
                                      "khu_vuc", "thanh_thi", "nong_thon"])
        #expect(t.rows.filter { $0.kind == .heading }.map(\.key) == ["kha_nang_lao_dong", "dan_toc", "khu_vuc"])
        #expect(counts(t, "ngheo_so_ho") == [
            "tong_so": 3, "khong_co_kha_nang_lao_dong": 1, "co_kha_nang_lao_dong": 1, "kha_nang_lao_dong_chua_ghi": 1,
            "dan_toc_thieu_so": 1, "khong_dan_toc_thieu_so": 1, "dan_toc_thieu_so_chua_ghi": 1, "thanh_thi": 1, "nong_thon": 2,
        ])
        #expect(counts(t, "can_ngheo_so_ho")["kha_nang_lao_dong_chua_ghi"] == 1)
        #expect(t.value("dan_toc_thieu_so", "ngheo_ty_le") == .share(Ratio(1, 3)))
        #expect(t.value("dan_toc_thieu_so", "can_ngheo_ty_le") == .share(Ratio(1, 1)))
        #expect(t.row("kha_nang_lao_dong")?.kind == .heading)
        #expect(t.notes.map(\.vi) == [
            "Chưa thu thập: cột “Không có khả năng lao động” trống ở 2 hộ nghèo, cận nghèo.",
            "Chưa thu thập: cột “Dân tộc thiểu số” trống ở 1 hộ nghèo, cận nghèo.",
        ])
    }

    @Test func ethnicityTableSortsByCountThenVietnameseOrder() {
        var b = StandardTablesBuilder(standard: standard("vn-2022"), year: 2024)
        b.add(facts(.poor, ethnicity: "Tày"))
        b.add(facts(.nearPoor, ethnicity: " tày "))  // the same, spelt differently
        b.add(facts(.poor, ethnicity: "Mường"))
        b.add(facts(.poor, ethnicity: "Dao"))
        b.add(facts(.poor, ethnicity: "Đan Lai"))  // đ after d
        b.add(facts(.poor, ethnicity: "Kinh"))
        b.add(facts(.poor, ethnicity: "Kinh"))
        b.add(facts(.poor, ethnicity: "Kinh"))
        b.add(facts(.poor, ethnicity: nil))
        b.add(facts(.nearPoor, ethnicity: "  "))
        b.add(facts(.notPoor, ethnicity: "Hoa"))  // only poor and near-poor households are listed
        let t = b.ethnicityTable()
        checkShape(t)
        #expect(t.number == 9)
        #expect(t.rows.map(\.label.vi) == ["Tổng số", "Kinh", "Tày", "Dao", "Đan Lai", "Mường", "Chưa ghi dân tộc"])
        #expect(t.rows[2].cells == [.count(1), .share(Ratio(1, 8)), .count(1), .share(Ratio(1, 2))])
        #expect(t.value("dan_toc_chua_ghi", "ngheo_so_ho") == .count(1))
        #expect(t.value("dan_toc_chua_ghi", "can_ngheo_so_ho") == .count(1))
        #expect(t.notes.map(\.vi) == ["Chưa thu thập: cột “Dân tộc” trống ở 2 hộ nghèo, cận nghèo."])
    }

    @Test func causeTableCountsEachCauseOncePerHousehold() {
        var b = StandardTablesBuilder(standard: standard("vn-2022"), year: 2024)
        b.add(facts(.poor, causes: [.lackCapital, .illness, .lackCapital]))
        b.add(facts(.poor, causes: [.lackCapital]))
        b.add(facts(.poor))
        b.add(facts(.nearPoor, causes: [.manyChildren, .other]))
        let t = b.causeTable()
        checkShape(t)
        #expect(t.number == 10)
        #expect(t.rows.map(\.key) == ["tong_so"] + PovertyCause.allCases.map(\.rawValue) + ["nguyen_nhan_chua_ghi"])
        #expect(t.row("thieu_von")?.label == ReportText("Thiếu vốn", "Lack of capital"))
        #expect(t.row("om_dau")?.label.vi == "Ốm đau/bệnh nặng")
        #expect(counts(t, "ngheo_so_ho") == [
            "tong_so": 3, "thieu_von": 2, "thieu_dat": 0, "thieu_lao_dong": 0, "thieu_ky_nang": 0, "om_dau": 1,
            "dong_con": 0, "tai_nan_thien_tai": 0, "khac": 0, "nguyen_nhan_chua_ghi": 1,
        ])
        #expect(t.value("thieu_von", "ngheo_ty_le") == .share(Ratio(2, 3)))
        #expect(t.value("dong_con", "can_ngheo_so_ho") == .count(1))
        #expect(t.value("khac", "can_ngheo_so_ho") == .count(1))
        #expect(t.notes.count == 2)
    }

    @Test func childTableUsesTheIndicatorsOfTheStandard() {
        var b = StandardTablesBuilder(standard: standard("vn-2022"), year: 2024)
        b.add(facts(.poor, ["dinh_duong", "di_hoc_tre_em", "bhyt"], area: .urban))
        b.add(facts(.poor, ["di_hoc_tre_em", "bhyt", "nha_tieu"]))
        b.add(facts(.poor, ["bhyt", "nha_tieu", "vien_thong"]))
        b.add(facts(.nearPoor, ["dinh_duong"]))
        let t = b.childTable()
        checkShape(t)
        #expect(t.number == 11)
        #expect(t.rows.map(\.key) == ["tong_so", "dinh_duong", "di_hoc_tre_em", "it_nhat_mot"])
        #expect(counts(t, "ngheo_so_ho") == ["tong_so": 3, "dinh_duong": 1, "di_hoc_tre_em": 2, "it_nhat_mot": 2])
        #expect(counts(t, "can_ngheo_so_ho") == ["tong_so": 1, "dinh_duong": 1, "di_hoc_tre_em": 0, "it_nhat_mot": 1])
        #expect(t.notes.count == 1)

        // vn-2016 has no nutrition indicator.
        var old = StandardTablesBuilder(standard: standard("vn-2016"), year: 2019)
        old.add(facts(.poor, ["dinh_duong", "di_hoc_tre_em"]))
        let t16 = old.childTable()
        checkShape(t16)
        #expect(t16.row("dinh_duong")?.label.en == "Nutrition (not part of this standard)")
        #expect(t16.row("dinh_duong")?.cells.allSatisfy { $0 == .none } == true)
        #expect(t16.value("di_hoc_tre_em", "ngheo_so_ho") == .count(1))
        #expect(t16.value("it_nhat_mot", "ngheo_so_ho") == .count(1))
        #expect(t16.notes.last?.en == "Standard vn-2016 has no indicator: dinh_duong.")
    }

    // MARK: - Tables 12–13

    @Test func deprivationCountTables() {
        var b = StandardTablesBuilder(standard: standard("vn-2016"), year: 2019)
        // vn-2016: poor by income alone may have 0–2 deprivations.
        b.add(facts(.poor, []))
        b.add(facts(.poor, ["bhyt"]))
        b.add(facts(.poor, ["bhyt", "nha_tieu", "vien_thong"]))
        b.add(facts(.poor, ["bhyt", "nha_tieu", "vien_thong", "viec_lam"]))  // viec_lam: not a vn-2016 indicator
        b.add(facts(.nearPoor, ["bhyt", "nha_tieu"]))
        let t = b.deprivationCountTable(of: .poor)
        checkShape(t)
        #expect(t.number == 12)
        #expect(t.rows.map(\.key) == ["tong_so"] + (0...10).map(String.init))
        #expect(counts(t, "so_ho") == ["tong_so": 4, "0": 1, "1": 1, "2": 0, "3": 2, "4": 0, "5": 0, "6": 0, "7": 0, "8": 0, "9": 0, "10": 0])
        #expect(t.value("3", "ty_le") == .share(Ratio(2, 4)))
        #expect(t.row("1")?.label.en == "1 indicator")
        let t13 = b.deprivationCountTable(of: .nearPoor)
        #expect(t13.number == 13)
        #expect(t13.value("2", "so_ho") == .count(1))
        #expect(StandardTablesBuilder(standard: standard("vn-2022"), year: 2024).deprivationCountTable(of: .poor).rows.count == 14)
    }

    // MARK: - Tables 2–3

    @Test func changesTableAddsUp() {
        // 100 poor last year; 30 escaped, 5 left; 15 entered of which 4 fell back; 80 poor now.
        let c = PovertyChanges(start: 100, escaped: 30, left: 5, entered: 15, fellBack: 4, end: 80)
        #expect(c.newlyPoor == 11)
        #expect(c.other == 0)
        let t = ReportTable.changes(c, of: .poor, standard: standard("vn-2022"), year: 2024)
        checkShape(t)
        #expect(t.number == 2)
        #expect(counts(t, "so_ho") == ["dau_ky": 100, "giam": 35, "thoat": 30, "giam_khac": 5, "tang": 15, "tai": 4,
                                       "phat_sinh": 11, "cuoi_ky": 80])
        #expect(t.row("khac") == nil)
        #expect(t.value("ty_le_giam", "so_ho") == .share(Ratio(20, 100)))
        #expect(t.row("cuoi_ky")?.isTotal == true)
        #expect(t.row("dau_ky")?.label.vi == "Số hộ đầu kỳ (rà soát năm 2023)")
        // The lines add up: end = start − decreases + increases.
        let v = counts(t, "so_ho")
        #expect(v["dau_ky"]! - v["giam"]! + v["tang"]! == v["cuoi_ky"]!)
        #expect(v["thoat"]! + v["giam_khac"]! == v["giam"]!)
        #expect(v["tai"]! + v["phat_sinh"]! == v["tang"]!)
    }

    @Test func changesTableOfNearPoorAndARise() {
        let c = PovertyChanges(start: 10, escaped: 1, left: 0, fellBack: 0, newlyPoor: 3, end: 12)
        let t = ReportTable.changes(c, of: .nearPoor, standard: standard("vn-2022"), year: 2024)
        #expect(t.number == 3)
        #expect(t.row("thoat")?.label.vi == "Thoát cận nghèo")
        #expect(t.value("ty_le_giam", "so_ho")?.display(language: .vi) == "-20,0%")
    }

    @Test func changesTableBaselineAndMissing() {
        let base = PovertyChanges(start: 0, escaped: 0, left: 0, fellBack: 0, newlyPoor: 0, end: 40, isBaseline: true)
        let t = ReportTable.changes(base, of: .poor, standard: standard("vn-2022"), year: 2021)
        checkShape(t)
        #expect(t.value("cuoi_ky", "so_ho") == .count(40))
        #expect(t.value("dau_ky", "so_ho") == ReportValue.none)
        #expect(t.value("ty_le_giam", "so_ho") == ReportValue.none)
        #expect(t.notes.last?.vi == "Năm rà soát đầu tiên theo chuẩn vn-2022: không so sánh với năm trước.")
        let none = ReportTable.changes(nil, of: .poor, standard: standard("vn-2022"), year: 2024)
        checkShape(none)
        #expect(none.rows.allSatisfy { $0.cells == [.none] })
        #expect(none.notes.last?.en == "No data on changes.")
    }

    @Test func changesFromASummaryLine() throws {
        let rows = try History.summary([
            .init(code: "H1", year: 2022, status: .poor), .init(code: "H1", year: 2023, status: .nearPoor),
            .init(code: "H2", year: 2022, status: .poor),
            .init(code: "H3", year: 2022, status: .poor), .init(code: "H3", year: 2023, status: .poor),
            .init(code: "H4", year: 2023, status: .poor),
        ])
        let c = PovertyChanges(poorOf: try History.row(rows, 2023))
        #expect(c == PovertyChanges(start: 3, escaped: 1, left: 1, fellBack: 0, newlyPoor: 1, end: 2))
        #expect(c.other == 0)  // the file's newly poor include first reviews
    }

    // MARK: - All tables

    @Test func allFifteenTables() {
        var b = StandardTablesBuilder(standard: standard("vn-2022"), year: 2024)
        b.add(facts(.poor, ["bhyt", "nha_tieu", "vien_thong"], ethnicity: "Kinh", causes: [.illness]))
        b.add(facts(.nearPoor, ["bhyt"]))
        let tables = b.tables(poorChanges: PovertyChanges(start: 2, escaped: 1, left: 0, fellBack: 0, newlyPoor: 0, end: 1),
                              nearPoorChanges: nil)
        #expect(tables.map(\.number) == (1...15).map { Optional($0) })
        for t in tables {
            checkShape(t)
            #expect(t.subtitle?.vi == "Rà soát năm 2024 – \(standard("vn-2022").nameVi) (vn-2022)")
        }
        #expect(tables[13].title.vi == "Danh sách hộ cận nghèo" && tables[13].rows.isEmpty)
        #expect(tables[14].title.vi == "Danh sách hộ nghèo" && tables[14].rows.isEmpty)
        #expect(tables[14].columns.first?.key == "ma_ho")
        #expect(tables[3].caption(.vi).hasPrefix("Biểu 4. "))
        #expect(tables[3].caption(.en).hasPrefix("Table 4. "))
        #expect(b.households == 2)
    }

    // MARK: - Alkire–Foster per unit

    @Test func unitProfilesReuseAlkireFoster() throws {
        let s = standard("vn-2022")
        var a = StandardTablesBuilder(standard: s, year: 2024)
        // 4 households: two deprived in 3 and 4 indicators (poor), two in fewer.
        a.add(facts(.poor, ["bhyt", "nha_tieu", "vien_thong"]))
        a.add(facts(.poor, ["bhyt", "nha_tieu", "nuoc_sinh_hoat", "dinh_duong"]))
        a.add(facts(.nearPoor, ["bhyt"]))
        a.add(facts(.notPoor, ["bhyt", "nha_tieu"]))
        let p = a.profile(unitID: 7, label: "CĐCS Nhà máy A")
        #expect(p.households == 4)
        #expect(p.poor == 2)
        #expect(sameValue(p.headcount, 1, 2))
        #expect(sameValue(p.intensity, 7, 24))  // (3 + 4) / (12 × 2)
        #expect(sameValue(p.adjustedHeadcount, 7, 48))
        let health = Dimension(code: "y_te", vi: "Y tế", en: "Health")
        #expect(sameValue(p.contribution(of: health, in: s), 3, 7))  // bhyt ×2, dinh_duong ×1
        let dims = Set(s.indicators.map { s.dimensionOf[$0.code]! })
        #expect(dims.reduce(0) { $0 + p.contribution(of: $1, in: s).numerator } == 7)

        var b = StandardTablesBuilder(standard: s, year: 2024)
        b.add(facts(.nearPoor, ["bhyt"]))
        let empty = b.profile(label: "CĐCS B")
        let t = ReportTable.alkireFoster([p, empty], total: p, standard: s, year: 2024)
        checkShape(t)
        #expect(t.number == nil)
        #expect(t.columns.map(\.key).prefix(5) == ["n", "q", "H", "A", "M0"])
        #expect(t.columns.count == 5 + 6)
        #expect(t.rows.map(\.kind) == [.total, .item, .item])
        #expect(t.rows[1].cells[4].display(language: .vi) == "0,146")
        #expect(t.rows[1].cells[2].display(language: .vi) == "50,0%")
        #expect(t.value("don_vi:7", "dong_gop:y_te")?.display(language: .en) == "42.9%")
        #expect(t.rows[2].cells[3].display(language: .vi) == "–")  // A undefined when q = 0
        let byIndicator = ReportTable.alkireFoster([p], standard: s, year: 2024, by: .indicator)
        checkShape(byIndicator)
        #expect(byIndicator.columns.count == 5 + 12)
        #expect(byIndicator.value("don_vi:7", "dong_gop:bhyt") == .share(Ratio(2, 7)))
    }
}
