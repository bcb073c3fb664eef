import Testing
@testable import PovertyCore

/// Shared fixtures. Every expected value in the suites is written from the spec
/// (`poverty-standards.md`, `survey-format.md`), never read back from the code.
enum Spec {
    /// The indicator table of `poverty-standards.md`, in table order.
    static let indicatorTable = [
        "viec_lam", "phu_thuoc", "tiep_can_y_te", "dinh_duong", "bhyt", "giao_duc_nguoi_lon", "di_hoc_tre_em",
        "chat_luong_nha", "dien_tich_nha", "nuoc_sinh_hoat", "nha_tieu", "rac_thai", "vien_thong",
        "phuong_tien_thong_tin",
    ]

    /// Indicators of each standard, in table order (the "in" column of the table).
    static let vn2016Indicators = [
        "tiep_can_y_te", "bhyt", "giao_duc_nguoi_lon", "di_hoc_tre_em", "chat_luong_nha", "dien_tich_nha",
        "nuoc_sinh_hoat", "nha_tieu", "vien_thong", "phuong_tien_thong_tin",
    ]
    static let vn2022Indicators = [
        "viec_lam", "phu_thuoc", "dinh_duong", "bhyt", "giao_duc_nguoi_lon", "di_hoc_tre_em", "chat_luong_nha",
        "dien_tich_nha", "nuoc_sinh_hoat", "nha_tieu", "vien_thong", "phuong_tien_thong_tin",
    ]
    static let vn2027Indicators = [
        "viec_lam", "phu_thuoc", "dinh_duong", "bhyt", "giao_duc_nguoi_lon", "di_hoc_tre_em", "chat_luong_nha",
        "dien_tich_nha", "nuoc_sinh_hoat", "nha_tieu", "rac_thai", "vien_thong",
    ]

    static func indicators(of code: String) -> [String] {
        switch code {
        case "vn-2016": vn2016Indicators
        case "vn-2022": vn2022Indicators
        default: vn2027Indicators
        }
    }
}

/// A built-in standard by code; the catalogue suite checks that all three exist.
func standard(_ code: String) -> PovertyStandard {
    guard let s = StandardCatalog.builtIn.standard(code: code) else { fatalError("no built-in standard \(code)") }
    return s
}

/// Answers with the given deprived indicator codes.
func answers(_ area: Area, _ income: Income, deprived: [String] = []) -> HouseholdAnswers {
    HouseholdAnswers(area: area, income: income, deprived: deprived)
}

/// Exact equality of a ratio's value with `n/d` (cross-multiplied, no floating point).
func sameValue(_ r: Ratio, _ n: Int, _ d: Int) -> Bool {
    r.isDefined && r.numerator * d == n * r.denominator
}
