import PovertyCore

/// The places of the demo province: the three provinces that became today's Ninh Bình on
/// 01/07/2025 (Ninh Bình, Hà Nam, Nam Định), their districts as they were until 30/06/2025,
/// and the communes and wards of the two-level administration that followed. District
/// names are real; the new communes and the old localities are plausible names of the
/// area, used for a fictional province.
enum DemoGeography {
    enum OldProvince: Int, CaseIterable, Sendable {
        case ninhBinh, haNam, namDinh

        var key: String { ["NB", "HN", "ND"][rawValue] }
        var name: String { ["Ninh Bình", "Hà Nam", "Nam Định"][rawValue] }
        /// Digits 1–3 of a citizen ID registered there.
        var citizenPrefix: String { ["037", "035", "036"][rawValue] }
        var federationCode: String { "LDLD-\(key)" }
        var federationName: String { "Liên đoàn Lao động tỉnh \(name)" }
    }

    struct District: Sendable {
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

    static let districts: [District] = [
        // Ninh Bình
        District(province: .ninhBinh, key: "TPNB", level: "thành phố", name: "Ninh Bình", weight: 14, muong: 0,
                 communes: ["phường Hoa Lư", "phường Đông Hoa Lư"],
                 localities: ["Đông Thành", "Tân Thành", "Vân Giang", "Thanh Bình", "Phúc Thành", "Ninh Khánh", "Ninh Phong", "Nam Bình"]),
        District(province: .ninhBinh, key: "TPTD", level: "thành phố", name: "Tam Điệp", weight: 6, muong: 220,
                 communes: ["phường Tam Điệp", "phường Yên Sơn"],
                 localities: ["Bắc Sơn", "Nam Sơn", "Trung Sơn", "Tây Sơn", "Yên Bình", "Quang Sơn"]),
        District(province: .ninhBinh, key: "HLU", level: "huyện", name: "Hoa Lư", weight: 6, muong: 15,
                 communes: ["phường Nam Hoa Lư"],
                 localities: ["Thiên Tôn", "Ninh Hải", "Ninh Xuân", "Trường Yên", "Ninh Giang", "Ninh Mỹ", "Ninh Vân"]),
        District(province: .ninhBinh, key: "GVI", level: "huyện", name: "Gia Viễn", weight: 6, muong: 30,
                 communes: ["xã Gia Viễn"],
                 localities: ["Me", "Gia Hòa", "Gia Hưng", "Gia Phú", "Gia Sinh", "Gia Trấn", "Gia Vân"]),
        District(province: .ninhBinh, key: "NQU", level: "huyện", name: "Nho Quan", weight: 7, muong: 380,
                 communes: ["xã Nho Quan", "xã Cúc Phương"],
                 localities: ["Nho Quan", "Gia Lâm", "Phú Lộc", "Quỳnh Lưu", "Cúc Phương", "Thạch Bình", "Sơn Lai", "Gia Sơn"]),
        District(province: .ninhBinh, key: "YKH", level: "huyện", name: "Yên Khánh", weight: 7, muong: 0,
                 communes: ["xã Yên Khánh"],
                 localities: ["Yên Ninh", "Khánh An", "Khánh Cư", "Khánh Hải", "Khánh Nhạc", "Khánh Thành"]),
        District(province: .ninhBinh, key: "YMO", level: "huyện", name: "Yên Mô", weight: 5, muong: 10,
                 communes: ["xã Yên Mô"],
                 localities: ["Yên Thịnh", "Yên Thắng", "Yên Lâm", "Yên Phong", "Khánh Thượng", "Mai Sơn"]),
        District(province: .ninhBinh, key: "KSO", level: "huyện", name: "Kim Sơn", weight: 8, muong: 0,
                 communes: ["xã Kim Sơn", "xã Phát Diệm"],
                 localities: ["Phát Diệm", "Bình Minh", "Kim Chính", "Kim Định", "Cồn Thoi", "Lai Thành", "Như Hòa"]),
        // Hà Nam
        District(province: .haNam, key: "TPPL", level: "thành phố", name: "Phủ Lý", weight: 10, muong: 0,
                 communes: ["phường Phủ Lý", "phường Châu Sơn"],
                 localities: ["Lam Hạ", "Liêm Chung", "Quang Trung", "Minh Khai", "Thanh Châu", "Châu Sơn"]),
        District(province: .haNam, key: "TXDT", level: "thị xã", name: "Duy Tiên", weight: 9, muong: 0,
                 communes: ["phường Duy Tiên", "phường Đồng Văn"],
                 localities: ["Hòa Mạc", "Đồng Văn", "Yên Bắc", "Tiên Nội", "Bạch Thượng", "Châu Giang"]),
        District(province: .haNam, key: "KBA", level: "huyện", name: "Kim Bảng", weight: 6, muong: 25,
                 communes: ["phường Kim Bảng"],
                 localities: ["Quế", "Ba Sao", "Thụy Lôi", "Tượng Lĩnh", "Lê Hồ", "Thi Sơn"]),
        District(province: .haNam, key: "LNH", level: "huyện", name: "Lý Nhân", weight: 6, muong: 0,
                 communes: ["xã Lý Nhân"],
                 localities: ["Vĩnh Trụ", "Nhân Hòa", "Nhân Thịnh", "Chân Lý", "Đạo Lý", "Nhân Mỹ"]),
        District(province: .haNam, key: "TLI", level: "huyện", name: "Thanh Liêm", weight: 6, muong: 20,
                 communes: ["xã Thanh Liêm"],
                 localities: ["Kiện Khê", "Thanh Hà", "Thanh Thủy", "Thanh Phong", "Liêm Thuận", "Thanh Nghị"]),
        District(province: .haNam, key: "BLU", level: "huyện", name: "Bình Lục", weight: 5, muong: 0,
                 communes: ["xã Bình Lục"],
                 localities: ["Bình Mỹ", "Bình Nghĩa", "An Ninh", "Tràng An", "Đồn Xá", "Bối Cầu"]),
        // Nam Định
        District(province: .namDinh, key: "TPND", level: "thành phố", name: "Nam Định", weight: 14, muong: 0,
                 communes: ["phường Nam Định", "phường Thiên Trường", "phường Đông A"],
                 localities: ["Lộc Hạ", "Cửa Bắc", "Trần Tế Xương", "Vị Xuyên", "Năng Tĩnh", "Lộc Hòa", "Nam Phong", "Thống Nhất"]),
        District(province: .namDinh, key: "MLO", level: "huyện", name: "Mỹ Lộc", weight: 4, muong: 0,
                 communes: ["phường Mỹ Lộc"],
                 localities: ["Mỹ Hà", "Mỹ Thắng", "Mỹ Thịnh", "Mỹ Hưng", "Mỹ Phúc"]),
        District(province: .namDinh, key: "VBA", level: "huyện", name: "Vụ Bản", weight: 5, muong: 0,
                 communes: ["xã Vụ Bản"],
                 localities: ["Gôi", "Liên Minh", "Hiển Khánh", "Trung Thành", "Kim Thái", "Cộng Hòa"]),
        District(province: .namDinh, key: "YYE", level: "huyện", name: "Ý Yên", weight: 8, muong: 0,
                 communes: ["xã Ý Yên"],
                 localities: ["Lâm", "Yên Bằng", "Yên Dương", "Yên Thọ", "Yên Khang", "Yên Đồng"]),
        District(province: .namDinh, key: "NTR", level: "huyện", name: "Nam Trực", weight: 6, muong: 0,
                 communes: ["xã Nam Trực"],
                 localities: ["Nam Giang", "Nam Thanh", "Nam Hồng", "Điền Xá", "Nghĩa An", "Nam Hoa"]),
        District(province: .namDinh, key: "TNI", level: "huyện", name: "Trực Ninh", weight: 6, muong: 0,
                 communes: ["xã Trực Ninh", "xã Cổ Lễ"],
                 localities: ["Cổ Lễ", "Cát Thành", "Trực Đại", "Trực Hùng", "Trực Thái", "Liêm Hải"]),
        District(province: .namDinh, key: "XTR", level: "huyện", name: "Xuân Trường", weight: 5, muong: 0,
                 communes: ["xã Xuân Trường"],
                 localities: ["Xuân Trường", "Xuân Ninh", "Xuân Hòa", "Xuân Kiên", "Xuân Thượng", "Xuân Vinh"]),
        District(province: .namDinh, key: "GTH", level: "huyện", name: "Giao Thủy", weight: 6, muong: 0,
                 communes: ["xã Giao Thủy"],
                 localities: ["Ngô Đồng", "Quất Lâm", "Giao An", "Giao Hải", "Giao Lạc", "Bạch Long"]),
        District(province: .namDinh, key: "HHA", level: "huyện", name: "Hải Hậu", weight: 8, muong: 0,
                 communes: ["xã Hải Hậu", "xã Hải Thịnh"],
                 localities: ["Yên Định", "Thịnh Long", "Cồn", "Hải Anh", "Hải Bắc", "Hải Đông", "Hải Phong"]),
        District(province: .namDinh, key: "NHU", level: "huyện", name: "Nghĩa Hưng", weight: 6, muong: 0,
                 communes: ["xã Nghĩa Hưng"],
                 localities: ["Liễu Đề", "Rạng Đông", "Quỹ Nhất", "Nghĩa Lâm", "Nghĩa Thái", "Nghĩa Thịnh"]),
    ]

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
