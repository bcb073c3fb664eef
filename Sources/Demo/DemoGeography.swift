import Foundation
import PovertyCore

/// The places of the demo province: the three provinces that became today's Ninh Bình on
/// 01/07/2025 (Ninh Bình, Hà Nam, Nam Định), their districts as they were until 30/06/2025,
/// and the communes and wards of the two-level administration that followed. District
/// names are real; the new communes and the old localities are plausible names of the
/// area, used for a fictional province.
enum DemoGeography {
    enum OldProvince: Int, CaseIterable, Sendable, Decodable {
        case ninhBinh, haNam, namDinh

        var key: String { ["NB", "HN", "ND"][rawValue] }
        var name: String { ["Ninh Bình", "Hà Nam", "Nam Định"][rawValue] }
        /// Digits 1–3 of a citizen ID registered there.
        var citizenPrefix: String { ["037", "035", "036"][rawValue] }
        var federationCode: String { "LDLD-\(key)" }
        var federationName: String { "Liên đoàn Lao động tỉnh \(name)" }

        /// Read by its key ("NB", "HN", "ND").
        init(from decoder: any Decoder) throws {
            let key = try decoder.singleValueContainer().decode(String.self)
            guard let province = Self.allCases.first(where: { $0.key == key }) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown province \(key)"))
            }
            self = province
        }
    }

    struct District: Sendable, Decodable {
        let province: OldProvince
        let key: String
        /// `thành phố`, `thị xã` or `huyện`.
        let level: String
        let name: String
        /// Relative share of workplaces and members.
        let weight: Int
        /// Households of Mường ethnicity, per mille.
        let muong: Int
        /// The communes and wards of 01/07/2025 on its territory; the first takes over the federation.
        let communes: [String]
        /// Localities before 2025 (communes, wards, towns), for names of schools and agencies.
        let localities: [String]

        var code: String { "LDLD-\(province.key)-\(key)" }
        var federationName: String { "Liên đoàn Lao động \(level) \(name)" }
        var fullName: String { "\(level) \(name)" }
    }

    /// The districts, from `Resources/districts.json` (a table, kept as data).
    static let districts: [District] = {
        do { return try JSONDecoder().decode([District].self, from: Data(PackageResources.districts_json)) } catch {
            preconditionFailure("the demo's districts.json does not decode: \(error)")
        }
    }()

    /// A commune or ward of 01/07/2025 and its union.
    struct Commune: Sendable {
        let name: String
        let district: Int
        var isWard: Bool { name.hasPrefix("phường") }
        var unionName: String { "Công đoàn \(name)" }
        var code: String {
            let bare = name.hasPrefix("phường ") ? name.dropFirst(7) : name.dropFirst(3)
            return "CDXP-" + TextFolding.fold(bare).replacingOccurrences(of: "_", with: "").uppercased()
        }
    }

    static let communes: [Commune] = districts.enumerated().flatMap { i, d in d.communes.map { Commune(name: $0, district: i) } }

    /// Indices into `communes` of each district's communes, the successor first.
    static let communesOfDistrict: [[Int]] = districts.indices.map { d in communes.indices.filter { communes[$0].district == d } }

    /// Sector unions before the reform. Those of Ninh Bình continue; the same sector of
    /// Hà Nam and Nam Định merges into them on 01/07/2025; sectors that Ninh Bình lacks are
    /// dissolved into its Công đoàn Viên chức.
    struct Sector: Sendable {
        let province: OldProvince
        let key: String
        let kind: UnitKind
        let title: String
        var code: String { kind == .industrialZoneUnion ? "CDKCN-\(province.key)" : "CDN-\(province.key)-\(key)" }
        var name: String { "\(title) tỉnh \(province.name)" }
    }

    static let sectorTitles: [(key: String, kind: UnitKind, title: String)] = [
        ("GD", .sectorUnion, "Công đoàn ngành Giáo dục"),
        ("YT", .sectorUnion, "Công đoàn ngành Y tế"),
        ("VC", .sectorUnion, "Công đoàn Viên chức"),
        ("KCN", .industrialZoneUnion, "Công đoàn các Khu công nghiệp"),
    ]

    static let sectors: [Sector] = OldProvince.allCases.flatMap { p in
        sectorTitles.map { Sector(province: p, key: $0.key, kind: $0.kind, title: $0.title) }
    } + [
        Sector(province: .ninhBinh, key: "GTXD", kind: .sectorUnion, title: "Công đoàn ngành Giao thông - Xây dựng"),
        Sector(province: .namDinh, key: "NN", kind: .sectorUnion, title: "Công đoàn ngành Nông nghiệp và Phát triển nông thôn"),
    ]

    static func sector(_ key: String, of province: OldProvince) -> Sector? {
        sectors.first { $0.key == key && $0.province == province }
    }

    // MARK: names of workplaces

    static let brands = [
        "Tiến Thành", "Hoàng Long", "Minh Anh", "Sơn Hà", "Phúc Hưng", "Thành Công", "Việt Hàn", "Kim Phát", "Nam Phương",
        "An Phát", "Hồng Hà", "Đại Dương", "Trường An", "Thiên Trường", "Bình Minh", "Hà Phong", "Tân Tiến", "Quang Minh",
        "Vạn Xuân", "Hưng Thịnh", "Phú Gia", "Thái Bình Dương", "Sao Mai", "Hải Âu", "Tràng An", "Vân Long", "Đông Á",
        "Nhật Minh", "Hòa Bình", "Thịnh Phát", "Gia Bảo", "Lộc Phát", "Tâm Đức", "Việt Nhật", "Hàn Việt", "Minh Quang",
        "Phương Đông", "Tam Cốc", "Bái Đính", "Hoàng Gia", "Kim Long", "Ánh Dương", "Hồng Phúc", "Thanh Tùng", "Duy Anh",
    ]
    /// Enterprises in industrial zones: "Công ty TNHH <product> <brand>".
    static let zoneProducts = ["May", "May mặc", "Giày da", "Điện tử", "Linh kiện điện tử", "Cơ khí chính xác", "Dệt may",
                               "Bao bì", "Nhựa", "Thực phẩm", "Dược phẩm", "Kính", "Thép", "Ô tô", "Sợi"]
    /// Enterprises outside the zones: "Công ty Cổ phần <product> <brand>".
    static let localProducts = ["Xây dựng", "Vận tải", "Chế biến nông sản", "Thủy sản", "Vật liệu xây dựng", "Đá mỹ nghệ",
                                "Cói mỹ nghệ", "Dệt", "May", "Thương mại", "Môi trường đô thị", "Cấp nước", "Du lịch"]
    /// Well-known upper secondary schools of the provincial capitals.
    static let famousSchools: [String: [String]] = [
        "TPNB": ["chuyên Lương Văn Tụy", "Đinh Tiên Hoàng", "Trần Hưng Đạo", "Ninh Bình - Bạc Liêu"],
        "TPPL": ["chuyên Biên Hòa", "A Phủ Lý", "B Phủ Lý", "C Phủ Lý"],
        "TPND": ["chuyên Lê Hồng Phong", "Nguyễn Khuyến", "Ngô Quyền", "Nguyễn Huệ", "Trần Hưng Đạo"],
    ]
    static let provincialAgencies = [
        "Sở Tài chính", "Sở Tư pháp", "Sở Nội vụ", "Sở Xây dựng", "Sở Công Thương", "Sở Giáo dục và Đào tạo", "Sở Y tế",
        "Sở Văn hóa, Thể thao và Du lịch", "Sở Khoa học và Công nghệ", "Sở Nông nghiệp và Phát triển nông thôn",
        "Sở Tài nguyên và Môi trường", "Sở Giao thông vận tải", "Sở Kế hoạch và Đầu tư", "Sở Lao động - Thương binh và Xã hội",
        "Sở Thông tin và Truyền thông", "Văn phòng UBND tỉnh", "Kho bạc Nhà nước", "Bảo hiểm xã hội tỉnh", "Cục Thuế tỉnh",
        "Đài Phát thanh và Truyền hình", "Trường Cao đẳng Y tế", "Trung tâm Dịch vụ việc làm",
    ]
    static let districtAgencies = [
        "Trung tâm Văn hóa - Thể thao", "Trung tâm Giáo dục nghề nghiệp - Giáo dục thường xuyên", "Bảo hiểm xã hội",
        "Chi cục Thuế", "Ban Quản lý dự án đầu tư xây dựng", "Phòng Giáo dục và Đào tạo", "Kho bạc Nhà nước",
    ]
    static let hospitals = ["Bệnh viện Đa khoa tỉnh", "Bệnh viện Sản Nhi", "Bệnh viện Y học cổ truyền", "Bệnh viện Phục hồi chức năng",
                            "Trung tâm Kiểm soát bệnh tật tỉnh", "Bệnh viện Tâm thần", "Bệnh viện Mắt"]
    static let causeWeights: [(PovertyCause, Int)] = [
        (.lackCapital, 34), (.illness, 20), (.lackLabour, 12), (.lackSkills, 12), (.lackLand, 6), (.manyChildren, 6),
        (.accidentDisaster, 5), (.other, 5),
    ]
    static let hamlets = ["Đông", "Tây", "Nam", "Bắc", "Trung", "Thượng", "Hạ", "Đoài", "Tiền", "Hậu", "Nội", "Ngoại"]
}
