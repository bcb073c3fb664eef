/// Amounts written in Vietnamese words, as on a receipt or a list to sign ("Bằng chữ: …"):
/// 1.500.000 → "một triệu năm trăm nghìn", 21 → "hai mươi mốt", 105 → "một trăm linh năm",
/// 1.005.000 → "một triệu không trăm linh năm nghìn".
public enum VietnameseNumberWords {
    static let digits = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
    static let scales = ["", "nghìn", "triệu", "tỷ", "nghìn tỷ", "triệu tỷ", "tỷ tỷ"]

    public static func words(_ n: Int) -> String {
        if n == 0 { return "không" }
        if n < 0 { return "âm " + words(n == Int.min ? Int.max : -n) }
        var groups: [Int] = []
        var rest = n
        while rest > 0 { groups.append(rest % 1000); rest /= 1000 }
        var parts: [String] = []
        for i in stride(from: groups.count - 1, through: 0, by: -1) where groups[i] != 0 {
            let leading = i == groups.count - 1
            parts.append(group(groups[i], full: !leading) + (scales[i].isEmpty ? "" : " " + scales[i]))
        }
        return parts.joined(separator: " ")
    }

    /// "Một triệu năm trăm nghìn đồng": a money amount with its first letter capital.
    public static func dong(_ amount: Dong) -> String {
        let text = words(amount) + " đồng"
        return text.prefix(1).uppercased() + text.dropFirst()
    }

    /// Three digits; `full` when a group before it was said (then "không trăm" is said too).
    static func group(_ n: Int, full: Bool) -> String {
        let h = n / 100, t = (n / 10) % 10, u = n % 10
        var out: [String] = []
        if h > 0 || full { out.append(digits[h] + " trăm") }
        switch t {
        case 0:
            if u > 0 && !out.isEmpty { out.append("linh") }
        case 1:
            out.append("mười")
        default:
            out.append(digits[t] + " mươi")
        }
        if u > 0 {
            switch u {
            case 1 where t >= 2: out.append("mốt")
            case 4 where t >= 2: out.append("tư")
            case 5 where t >= 1: out.append("lăm")
            default: out.append(digits[u])
            }
        }
        return out.joined(separator: " ")
    }
}
