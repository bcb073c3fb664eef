import Foundation
import PovertyCore
@_spi(Simulation) import Storage

/// A fictional but realistic province to try the system on: today's Ninh Bình, formed on
/// 01/07/2025 from Ninh Bình, Hà Nam and Nam Định, with its union tree before and after the
/// reform, members, their households, and the annual reviews 2021–2026 (2021–2025 under
/// `vn-2022`, 2026 under `vn-2027`). Deterministic by seed: the same seed and size give the
/// same database content apart from timestamps.
///
/// Everything is written through the importers (units, members, survey), as an office
/// would load its spreadsheets, so the demo also exercises them.
public struct DemoProvince: Sendable {
    public let households: Int
    public let seed: UInt64

    public init(households: Int = 5000, seed: UInt64 = 2025) {
        self.households = max(1, households)
        self.seed = seed
    }

    /// Code of today's root: the provincial federation that continues through the merger.
    public static let rootCode = DemoGeography.OldProvince.ninhBinh.federationCode
    public static let firstYear = DemoPlan.years.lowerBound
    public static let lastYear = DemoPlan.years.upperBound

    /// Builds the province into an empty, migrated store: units with history, members,
    /// households, reviews 2021–2026, support, funds, loans, campaigns and reports, all
    /// through Storage's own operations as `actor` (a command-line operator).
    public func build(into store: Store, actor: Actor, progress: (@Sendable (String) -> Void)? = nil) async throws -> DemoSummary {
        let started = Date()
        guard try await store.isEmpty() else {
            throw StorageError.invalid(Message("refusal.demo.database_empty_demo_province"))
        }
        progress?("Sinh dữ liệu tỉnh mẫu: \(households) hộ, hạt giống \(seed) / generating the demo province")
        let plan = DemoPlan(households: households, seed: seed)

        let unitRows = plan.unitRows()
        progress?("Nhập \(unitRows.count) dòng đơn vị / importing units")
        _ = try await UnitsImporter(store: store, actor: actor, fileName: "tinh-mau-don-vi.csv")
            .run(GeneratedRows(header: DemoPlan.unitHeader, rows: unitRows))

        let rounds = plan.memberRounds()
        for (i, round) in rounds.enumerated() {
            let label = i == 0 ? "đoàn viên / members" : "chuyển sinh hoạt, ra công đoàn (đợt \(i)) / transfers and departures (round \(i))"
            progress?("Nhập \(round.count) dòng \(label)")
            _ = try await MembersImporter(store: store, actor: actor, fileName: i == 0 ? "tinh-mau-doan-vien.csv" : "tinh-mau-bien-dong-\(i).csv",
                                          batchSize: 200, progress: forward(progress, label)).run(round)
        }

        progress?("Nhập \(plan.reviews.count) dòng khảo sát 2021–2026 / importing reviews")
        _ = try await SurveyImporter(store: store, actor: actor, fileName: "tinh-mau-khao-sat.csv", batchSize: 1000,
                                     progress: forward(progress, "khảo sát / reviews")).run(plan.surveySource())

        let couples = plan.spouseSource()
        if couples.count > 0 {
            progress?("Nhập \(couples.count) dòng vợ/chồng cùng hộ / linking spouses to households")
            _ = try await MembersImporter(store: store, actor: actor, fileName: "tinh-mau-vo-chong.csv", batchSize: 200,
                                          progress: forward(progress, "vợ/chồng / spouses")).run(couples)
        }

        progress?("Quỹ, hỗ trợ, khoản vay và đợt quà / funds, support, loans and campaigns")
        let afterImports = try await store.operator(actor.name)
        try await DemoSupport(store: store, seed: seed, actor: afterImports).build()

        let summary = try await DemoSummary.read(from: store, actor: try await store.operator(actor.name), seed: seed,
                                                 seconds: Date().timeIntervalSince(started))
        progress?("Xong sau \(Int(summary.seconds.rounded())) giây / done")
        return summary
    }

    private func forward(_ progress: (@Sendable (String) -> Void)?, _ label: String) -> (@Sendable (ImportProgress) -> Void)? {
        guard let progress else { return nil }
        return { p in
            if p.phase == .writing, let total = p.total { progress("  \(label): \(p.rows)/\(total)") }
        }
    }
}

/// What the demo province holds, read back from the database.
public struct DemoSummary: Sendable, Equatable {
    public let seed: UInt64
    public let units: Int
    public let members: Int
    public let households: Int
    public let reviews: Int
    /// Households reviewed each year (whole province).
    public let householdsByYear: [Int: Int]
    public let poorByYear: [Int: Int]
    public let nearPoorByYear: [Int: Int]
    /// Units active on 30/06/2025 and on 01/07/2025, by kind.
    public let unitsBeforeReform: [UnitKind: Int]
    public let unitsAfterReform: [UnitKind: Int]
    /// Code and name of the merged province root, to which a demo officer can be scoped.
    public let officerUnitCode: String
    public let officerUnitName: String
    /// How long the build took, seconds.
    public let seconds: Double

    /// Poor households as a share of the households reviewed that year (0–1).
    public func poorShare(_ year: Int) -> Double {
        guard let all = householdsByYear[year], all > 0 else { return 0 }
        return Double(poorByYear[year] ?? 0) / Double(all)
    }

    /// 1 − poor(2025) / poor(2021): the plan's target is 0.70.
    public var reduction2021to2025: Double {
        guard let base = poorByYear[2021], base > 0 else { return 0 }
        return 1 - Double(poorByYear[2025] ?? 0) / Double(base)
    }

    public static func == (a: Self, b: Self) -> Bool {
        (a.seed, a.units, a.members, a.households, a.reviews, a.officerUnitCode) == (b.seed, b.units, b.members, b.households, b.reviews, b.officerUnitCode)
            && a.householdsByYear == b.householdsByYear && a.poorByYear == b.poorByYear && a.nearPoorByYear == b.nearPoorByYear
            && a.unitsBeforeReform == b.unitsBeforeReform && a.unitsAfterReform == b.unitsAfterReform
    }

    /// What the store holds, read through Storage's own queries as a province-wide `actor`.
    public static func read(from store: Store, actor: Actor, seed: UInt64, seconds: Double) async throws -> DemoSummary {
        let size = try await store.registrySize(actor)
        var all: [Int: Int] = [:], poor: [Int: Int] = [:], near: [Int: Int] = [:]
        for f in try await store.browse.yearFigures(actor) {
            all[f.year] = f.households
            poor[f.year] = f.poor
            near[f.year] = f.nearPoor
        }
        let history = try await store.units.history()
        func kinds(on day: Day) -> [UnitKind: Int] {
            var out: [UnitKind: Int] = [:]
            for unit in history.units.values where unit.isActive(on: day) { out[unit.kind, default: 0] += 1 }
            return out
        }
        let root = history.unit(code: DemoProvince.rootCode)
        // Every page of this database says it holds the fictional province.
        try await store.markAsDemo(actor)
        return DemoSummary(seed: seed, units: history.units.count, members: size.members, households: size.households,
                           reviews: size.reviews, householdsByYear: all, poorByYear: poor, nearPoorByYear: near,
                           unitsBeforeReform: kinds(on: Day.reform2025.previous), unitsAfterReform: kinds(on: Day.reform2025),
                           officerUnitCode: DemoProvince.rootCode,
                           officerUnitName: root.flatMap { history.name(of: $0.id, on: Day.reform2025) } ?? "",
                           seconds: seconds)
    }
}

// MARK: - the plan as spreadsheet rows

extension DemoPlan {
    static let unitHeader = ["ma_don_vi", "ten_don_vi", "loai", "ma_don_vi_cap_tren", "tu_ngay", "den_ngay", "don_vi_ke_thua", "hinh_thuc"]
    static let memberHeader = ["ma_doan_vien", "ho_va_ten", "so_cccd", "ngay_sinh", "gioi_tinh", "dan_toc", "ma_don_vi", "ngay_vao", "ngay_ra", "ma_ho"]
    static let indicatorColumns = ["viec_lam", "phu_thuoc", "tiep_can_y_te", "dinh_duong", "bhyt", "giao_duc_nguoi_lon", "di_hoc_tre_em",
                                   "chat_luong_nha", "dien_tich_nha", "nuoc_sinh_hoat", "nha_tieu", "rac_thai", "vien_thong", "phuong_tien_thong_tin"]
    static let surveyHeader = ["ma_ho", "nam", "don_vi", "ma_doan_vien", "ho_ten_chu_ho", "khu_vuc", "so_nhan_khau", "tong_thu_nhap_nam"]
        + indicatorColumns + ["dan_toc_thieu_so", "dan_toc", "phan_loai_cong_nhan", "nguyen_nhan_ngheo", "tinh", "xa_phuong", "dia_chi"]

    /// One row per unit version: the three provinces, their districts and sectors until
    /// 30/06/2025, the communes and wards from 01/07/2025, and the grassroots unions.
    func unitRows() -> [[String]] {
        var rows: [[String]] = []
        let lastDay = Day.reform2025.previous.vietnamese, reform = Day.reform2025.vietnamese
        let root = Geo.OldProvince.ninhBinh.federationCode
        for p in Geo.OldProvince.allCases {
            let continues = p == .ninhBinh
            rows.append([p.federationCode, p.federationName, UnitKind.provincialFederation.rawValue, "", DemoPlan.founding.vietnamese,
                         continues ? "" : lastDay, continues ? "" : root, continues ? "" : "sap_nhap"])
        }
        for (i, d) in Geo.districts.enumerated() {
            let successor = Geo.communes[Geo.communesOfDistrict[i][0]].code
            let kind = UnitKind.districtFederation.rawValue, parent = d.province.federationCode
            if d.key == "TXDT" {
                // Duy Tiên became a town (thị xã) on 01/04/2020: one unit, renamed.
                rows.append([d.code, "Liên đoàn Lao động huyện Duy Tiên", kind, parent, DemoPlan.founding.vietnamese, "31/03/2020", "", ""])
                rows.append([d.code, d.federationName, kind, parent, "01/04/2020", lastDay, successor, "giai_the"])
            } else {
                rows.append([d.code, d.federationName, kind, parent, DemoPlan.founding.vietnamese, lastDay, successor, "giai_the"])
            }
        }
        for s in Geo.sectors {
            let from = (s.kind == .industrialZoneUnion ? DemoPlan.zonesFounded : DemoPlan.founding).vietnamese
            let parent = s.province.federationCode
            if s.province == .ninhBinh, Geo.sectorTitles.contains(where: { $0.key == s.key }) {
                rows.append([s.code, s.name, s.kind.rawValue, parent, from, "", "", ""])
            } else if let same = Geo.sector(s.key, of: .ninhBinh), s.province != .ninhBinh {
                rows.append([s.code, s.name, s.kind.rawValue, parent, from, lastDay, same.code, "sap_nhap"])
            } else {
                rows.append([s.code, s.name, s.kind.rawValue, parent, from, lastDay, Geo.sector("VC", of: .ninhBinh)!.code, "giai_the"])
            }
        }
        for c in Geo.communes {
            rows.append([c.code, c.unionName, UnitKind.communeUnion.rawValue, root, reform, "", "", ""])
        }
        let kind = UnitKind.grassrootsUnion.rawValue
        for u in units {
            let end = u.to?.previous.vietnamese ?? "", successor = u.successorCode ?? "", how = u.successionKind ?? ""
            if u.from >= Day.reform2025 {
                rows.append([u.code, u.name, kind, u.parentAfter!, u.from.vietnamese, end, successor, how])
            } else if let to = u.to, to <= Day.reform2025 {
                rows.append([u.code, u.name, kind, u.parentBefore!, u.from.vietnamese, end, successor, how])
            } else if u.parentBefore == u.parentAfter {
                rows.append([u.code, u.name, kind, u.parentAfter!, u.from.vietnamese, end, successor, how])
            } else {
                rows.append([u.code, u.name, kind, u.parentBefore!, u.from.vietnamese, lastDay, "", ""])
                rows.append([u.code, u.name, kind, u.parentAfter!, reform, end, successor, how])
            }
        }
        return rows
    }

    private static func memberCells(_ m: Member) -> [String] {
        [m.code, m.name, m.citizenID, m.birth.vietnamese, m.female ? "Nữ" : "Nam", m.ethnicity]
    }

    /// Round 0: every member joins their first union; round k: every member's k-th move.
    func memberRounds() -> [GeneratedRows] {
        let members = self.members, units = self.units
        var rounds = [GeneratedRows(header: Self.memberHeader, count: members.count) { i in
            let m = members[i]
            return Self.memberCells(m) + [units[m.unit].code, m.joined.vietnamese, "", ""]
        }]
        let most = members.map(\.events.count).max() ?? 0
        if most > 0 {
            for k in 1...most {
                let moving = members.indices.filter { members[$0].events.count >= k }
                rounds.append(GeneratedRows(header: Self.memberHeader, count: moving.count) { i in
                    let m = members[moving[i]]
                    let e = m.events[k - 1]
                    if let u = e.unit { return Self.memberCells(m) + [units[u].code, e.day.vietnamese, "", ""] }
                    return Self.memberCells(m) + ["", "", e.day.vietnamese, ""]
                })
            }
        }
        return rounds
    }

    /// Spouses, linked to their household (which the survey created with its primary member).
    func spouseSource() -> GeneratedRows {
        let members = self.members, households = self.households
        var reviewed = [Bool](repeating: false, count: households.count)
        for r in reviews { reviewed[Int(r.household)] = true }
        let spouses = households.indices.compactMap { h in reviewed[h] ? households[h].spouse : nil }
        return GeneratedRows(header: Self.memberHeader, count: spouses.count) { i in
            let m = members[spouses[i]]
            return Self.memberCells(m) + ["", "", "", households[m.household].code]
        }
    }

    func surveySource() -> GeneratedRows {
        let reviews = self.reviews, households = self.households, members = self.members, units = self.units
        let catalog = StandardCatalog.builtIn
        let bits = Self.indicatorColumns.map { UInt64(1) << catalog.indicator(code: $0)!.index }
        return GeneratedRows(header: Self.surveyHeader, count: reviews.count) { i in
            let r = reviews[i]
            let h = households[Int(r.household)]
            let m = members[h.primary]
            var cells = [h.code, String(r.year), units[Int(r.unit)].code, m.code, m.name, h.urban ? "thanh_thi" : "nong_thon",
                         String(r.size), String(r.total)]
            for b in bits { cells.append(r.mask & b != 0 ? "1" : "0") }
            cells.append(h.minority ? "1" : "0")
            cells.append(h.ethnicity)
            cells.append(r.official?.rawValue ?? "")
            cells.append(r.status == .poor ? h.causes : "")
            cells.append("Ninh Bình")
            cells.append(DemoGeography.communes[h.commune].name)
            cells.append(h.address)
            return cells
        }
    }
}
