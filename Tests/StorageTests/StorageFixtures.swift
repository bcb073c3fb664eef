import Foundation
import PovertyCore
import Spreadsheets
@_spi(Simulation) @testable import Storage
import SQLKit
import Testing

/// Shared fixtures of the storage suites. Expected values in the suites are worked out by
/// hand from the spec (`poverty-standards.md`, `survey-format.md`), never read back from the code.

/// A calendar day; the fixtures only use valid dates.
func day(_ year: Int, _ month: Int, _ d: Int) -> Day { Day(year: year, month: month, day: d)! }

/// The pinned clock of `TestDatabase`, as the store writes it.
let pinnedNow = "2026-12-01T02:00:00Z"

/// Status counts written out: poor, near-poor, average, not poor.
func counts(poor: Int = 0, near: Int = 0, average: Int = 0, notPoor: Int = 0) -> StatusCounts {
    var c = StatusCounts()
    c.poor = poor; c.nearPoor = near; c.average = average; c.notPoor = notPoor
    return c
}

enum Files {
    // MARK: units file (one row per unit version)

    static let unitsHeader = ["Mã đơn vị", "Tên đơn vị", "Loại", "Mã đơn vị cấp trên", "Từ ngày", "Đến ngày", "Đơn vị kế thừa"]

    static func unit(_ code: String, _ name: String, _ kind: String, parent: String = "", from: String,
                     to: String = "", successor: String = "") -> [String] {
        [code, name, kind, parent, from, to, successor]
    }

    /// A small pre-reform tree: province T; district federations H1, H2; grassroots C1, C2 (under H1), C3 (under H2).
    static let smallTree: [[String]] = [
        unitsHeader,
        unit("T", "Liên đoàn Lao động tỉnh Ninh Bình", "lien_doan_tinh", from: "01/01/2000"),
        unit("H1", "Liên đoàn Lao động huyện Hoa Lư", "lien_doan_huyen", parent: "T", from: "01/01/2000"),
        unit("H2", "Liên đoàn Lao động huyện Gia Viễn", "lien_doan_huyen", parent: "T", from: "01/01/2000"),
        unit("C1", "CĐCS Công ty May Hoa Lư", "cong_doan_co_so", parent: "H1", from: "01/01/2010"),
        unit("C2", "CĐCS Công ty Xi măng Hoa Lư", "cong_doan_co_so", parent: "H1", from: "01/01/2010"),
        unit("C3", "CĐCS Trường THPT Gia Viễn", "cong_doan_co_so", parent: "H2", from: "01/01/2010"),
    ]

    // MARK: members file

    static let membersHeader = ["Mã đoàn viên", "Họ và tên", "Số CCCD", "Ngày sinh", "Giới tính", "Dân tộc", "Mã đơn vị", "Ngày vào", "Ngày ra", "Mã hộ"]

    static func member(_ code: String, _ name: String, cccd: String = "", born: String = "", sex: String = "", ethnicity: String = "Kinh",
                       unit: String = "", joined: String = "", left: String = "", household: String = "") -> [String] {
        [code, name, cccd, born, sex, ethnicity, unit, joined, left, household]
    }

    /// Members of the small tree. DV-01 and DV-02 are a couple in two grassroots unions sharing household HO-01.
    /// CCCDs agree with birth year and sex: digit 4 is 0 for a man born in the 1900s, 1 for a woman.
    static let smallMembers: [[String]] = [
        membersHeader,
        member("DV-01", "Nguyễn Văn An", cccd: "037085001234", born: "12/03/1985", sex: "Nam", unit: "C1", joined: "01/05/2015", household: "HO-01"),
        member("DV-02", "Nguyễn Thị Ánh", cccd: "037190004321", born: "20/11/1990", sex: "Nữ", unit: "C2", joined: "15/08/2016", household: "HO-01"),
        member("DV-03", "Đặng Văn Cường", cccd: "035078009876", born: "02/02/1978", sex: "Nam", ethnicity: "Mường", unit: "C3", joined: "01/01/2014"),
        member("DV-04", "Lê Thị Dung", cccd: "035195001111", born: "30/06/1995", sex: "Nữ", unit: "C3", joined: "01/03/2019"),
    ]

    // MARK: survey file (vn-2022 indicators, reviews 2021–2025)

    /// The vn-2022 indicators in table order, with the headers an office writes.
    static let indicators: [(code: String, header: String)] = [
        ("viec_lam", "Việc làm"), ("phu_thuoc", "Phụ thuộc"), ("dinh_duong", "Dinh dưỡng"), ("bhyt", "BHYT"),
        ("giao_duc_nguoi_lon", "Giáo dục người lớn"), ("di_hoc_tre_em", "Đi học trẻ em"), ("chat_luong_nha", "Chất lượng nhà"),
        ("dien_tich_nha", "Diện tích nhà"), ("nuoc_sinh_hoat", "Nước sinh hoạt"), ("nha_tieu", "Nhà tiêu"),
        ("vien_thong", "Viễn thông"), ("phuong_tien_thong_tin", "Phương tiện thông tin"),
    ]

    static let surveyHeader = ["Mã hộ", "Năm", "Đơn vị", "Mã đoàn viên", "Khu vực", "Số nhân khẩu", "Tổng thu nhập năm"]
        + indicators.map(\.header) + ["Phân loại công nhận"]

    /// One review row. Rural households of 4: the poverty line is 1,500,000 × 4 × 12 = 72,000,000 a year,
    /// the average-living bound 2,250,000 × 48 = 108,000,000.
    static func review(_ household: String, _ year: Int, unit: String = "", member: String = "", area: String = "Nông thôn",
                       size: Int = 4, income: String, deprived: Set<String> = [], official: String = "") -> [String] {
        [household, String(year), unit, member, area, String(size), income]
            + indicators.map { deprived.contains($0.code) ? "1" : "0" } + [official]
    }

    static let three: Set<String> = ["viec_lam", "bhyt", "nha_tieu"]
    /// Poor: 60,000,000 ≤ 72,000,000 and 3 deprivations.
    static func poor(_ h: String, _ year: Int, unit: String = "", member: String = "", official: String = "") -> [String] {
        review(h, year, unit: unit, member: member, income: "60.000.000", deprived: three, official: official)
    }
    /// Near-poor: under the line, one deprivation.
    static func nearPoor(_ h: String, _ year: Int, unit: String = "", member: String = "", official: String = "") -> [String] {
        review(h, year, unit: unit, member: member, income: "60.000.000", deprived: ["bhyt"], official: official)
    }
    /// Average living standard: 90,000,000 is above the line and under 108,000,000.
    static func average(_ h: String, _ year: Int, unit: String = "", member: String = "", official: String = "") -> [String] {
        review(h, year, unit: unit, member: member, income: "90.000.000", official: official)
    }
    /// Not poor: 150,000,000 is above the average bound.
    static func notPoor(_ h: String, _ year: Int, unit: String = "", member: String = "", official: String = "") -> [String] {
        review(h, year, unit: unit, member: member, income: "150.000.000", official: official)
    }
}

extension Store {
    @discardableResult
    func importUnits(_ rows: [[String]], file: String = "don-vi.csv") async throws -> ImportResult {
        try await UnitsImporter(store: self, actor: try await self.operator("can_bo_tinh"), fileName: file).run(InMemoryRows(rows))
    }

    @discardableResult
    func importMembers(_ rows: [[String]], file: String = "doan-vien.csv") async throws -> ImportResult {
        try await MembersImporter(store: self, actor: try await self.operator("can_bo_tinh"), fileName: file).run(InMemoryRows(rows))
    }

    @discardableResult
    func importSurvey(_ rows: [[String]], file: String = "khao-sat.csv", batchSize: Int? = nil) async throws -> ImportResult {
        try await SurveyImporter(store: self, actor: try await self.operator("can_bo_tinh"), fileName: file, batchSize: batchSize).run(InMemoryRows(rows))
    }

    func unitID(_ code: String) async throws -> Int {
        try #require(try await units.history().unit(code: code)).id
    }

    func memberID(_ code: String) async throws -> Int {
        try #require(try await members.find(code: code, on: sql)?.id)
    }

    func count(_ table: String) async throws -> Int {
        try await sql.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table)").first()!.decode(column: "n", as: Int.self)
    }

    /// Memberships of a member as (unit code, joined, left), oldest first.
    func memberships(of memberCode: String) async throws -> [String] {
        try await sql.raw("""
            SELECT u.code, ms.joined, ms.left_on FROM memberships ms JOIN units u ON u.id = ms.unit_id
            JOIN members m ON m.id = ms.member_id WHERE m.code = \(bind: memberCode) ORDER BY ms.joined
            """).all().map { row in
            "\(try row.decode(column: "code", as: String.self)) \(try row.decode(column: "joined", as: String.self))–\(try row.decode(column: "left_on", as: String?.self) ?? "")"
        }
    }
}

/// Every table of the registry with its columns, to compare whole contents before and after.
enum Tables {
    static let all: [(name: String, columns: [String], order: String)] = [
        ("units", ["id", "code", "kind", "valid_from", "valid_to", "created_at"], "id"),
        ("unit_versions", ["id", "unit_id", "name", "name_folded", "parent_id", "valid_from", "valid_to"], "id"),
        ("unit_successions", ["id", "predecessor_id", "successor_id", "effective", "kind", "is_primary"], "id"),
        ("members", ["id", "code", "full_name", "name_folded", "citizen_id", "birth_date", "sex", "ethnicity", "created_at", "updated_at"], "id"),
        ("memberships", ["id", "member_id", "unit_id", "joined", "left_on"], "id"),
        ("households", ["id", "code", "area", "ethnic_minority", "attributes_year", "province", "commune", "address",
                        "primary_member_id", "created_at", "updated_at"], "id"),
        ("household_members", ["household_id", "member_id"], "household_id, member_id"),
        ("imports", ["id", "kind", "file_name", "entered_by", "started_at", "added", "updated", "unchanged"], "id"),
        ("reviews", ["id", "household_id", "year", "unit_id", "member_id", "standard_code", "area", "household_size", "yearly_income",
                     "monthly_income", "deprivations", "deprivation_count", "per_capita_income", "status", "reason", "official_status",
                     "ethnic_minority", "no_working_capacity", "ethnicity", "causes", "fingerprint", "import_id", "entered_by", "entered_at"], "id"),
        ("audit_log", ["id", "at", "actor", "action", "entity", "entity_id", "detail"], "id"),
    ]

    static let data = ["units", "unit_versions", "unit_successions", "members", "memberships", "households", "household_members", "reviews"]

    /// The whole content of each table, every value as text (NULL as nil), in a stable order.
    static func snapshot(_ store: Store, only: [String]? = nil) async throws -> [String: [[String?]]] {
        var out: [String: [[String?]]] = [:]
        for table in all where only.map({ $0.contains(table.name) }) ?? true {
            let select = table.columns.enumerated().map { "CAST(\($1) AS TEXT) AS c\($0)" }.joined(separator: ", ")
            let rows = try await store.sql.raw("SELECT \(unsafeRaw: select) FROM \(unsafeRaw: table.name) ORDER BY \(unsafeRaw: table.order)").all()
            out[table.name] = try rows.map { row in try table.columns.indices.map { try row.decode(column: "c\($0)", as: String?.self) } }
        }
        return out
    }
}

/// Asserts that two snapshots hold the same rows, table by table.
func expectSame(_ a: [String: [[String?]]], _ b: [String: [[String?]]], sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(a.keys.sorted() == b.keys.sorted(), sourceLocation: sourceLocation)
    for (table, rows) in a {
        #expect(rows.count == b[table]?.count, "row count of \(table)", sourceLocation: sourceLocation)
        #expect(rows == b[table], "content of \(table)", sourceLocation: sourceLocation)
    }
}
