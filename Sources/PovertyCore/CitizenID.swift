/// The 12-digit citizen identity number (số CCCD / định danh cá nhân):
/// digits 1–3 the province of birth registration (001–096), digit 4 century and sex
/// (0/1: 1900s man/woman, 2/3: 2000s, 4/5: 2100s, …), digits 5–6 the year of birth.
public enum CitizenID {
    public enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        case notTwelveDigits, badProvince, birthYearMismatch, sexMismatch
        /// The catalogue key of what is wrong (`cccd.not_twelve_digits`…).
        public var key: String {
            switch self {
            case .notTwelveDigits: "cccd.not_twelve_digits"
            case .badProvince: "cccd.bad_province"
            case .birthYearMismatch: "cccd.birth_year_mismatch"
            case .sexMismatch: "cccd.sex_mismatch"
            }
        }

        public var description: String { key }
    }

    public enum Sex: String, Sendable, CaseIterable { case male = "nam", female = "nu" }

    /// Checks the number, and its agreement with birth year and sex when they are known.
    public static func check(_ id: String, birthYear: Int? = nil, sex: Sex? = nil) -> Problem? {
        let digits = Array(id.utf8)
        guard digits.count == 12, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return .notTwelveDigits }
        let d = digits.map { Int($0 - 0x30) }
        let province = d[0] * 100 + d[1] * 10 + d[2]
        guard (1...96).contains(province) else { return .badProvince }
        let centuryCode = d[3]
        if let birthYear {
            let century = 1900 + (centuryCode / 2) * 100
            let year = century + d[4] * 10 + d[5]
            if year != birthYear { return .birthYearMismatch }
        }
        if let sex, (centuryCode % 2 == 1) != (sex == .female) { return .sexMismatch }
        return nil
    }

    /// A number Excel kept as a number lost its leading zero (provinces 001–096 all start with
    /// 0): 11 digits that make a valid number with a `0` in front are given it back. Returns
    /// the number as it should be and whether a zero was added; anything else is returned as is.
    public static func restoringLeadingZero(_ text: String, birthYear: Int? = nil, sex: Sex? = nil) -> (id: String, padded: Bool) {
        let s = String(TextFolding.trim(text))
        guard s.utf8.count == 11, s.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return (s, false) }
        let padded = "0" + s
        return check(padded, birthYear: birthYear, sex: sex) == nil ? (padded, true) : (s, false)
    }

    /// `Nam`, `Nữ`, `male`, `female`, `M`, `F` → a sex.
    public static func sex(_ text: String) -> Sex? {
        switch TextFolding.fold(text) {
        case "nam", "male", "m": .male
        case "nu", "female", "f": .female
        default: nil
        }
    }
}
