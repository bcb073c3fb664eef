/// A small, fast, deterministic generator (SplitMix64) for demo data: the same seed
/// gives the same data on every machine.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// True with probability `permille / 1000`.
    public mutating func chance(_ permille: Int) -> Bool { Int(next() % 1000) < permille }

    public mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }

    public mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.upperBound - range.lowerBound + 1))
    }
}

/// Common Vietnamese family, middle and given names, for fictional people.
public enum VietnameseNames {
    public static let family = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Phan", "Trương", "Bùi", "Đặng",
                                "Đỗ", "Ngô", "Hồ", "Dương", "Đinh", "Đoàn", "Lương", "Mai", "Tạ", "Lưu", "Quách", "Hà"]
    public static let middleMale = ["Văn", "Đức", "Minh", "Quang", "Hữu", "Xuân", "Thanh", "Công", "Đình", "Ngọc"]
    public static let middleFemale = ["Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Minh", "Phương", "Kim", "Hồng"]
    public static let givenMale = ["An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hùng", "Huy", "Khánh", "Long",
                                   "Nam", "Phong", "Quân", "Sơn", "Thắng", "Thành", "Tuấn", "Việt", "Vinh", "Hoà"]
    public static let givenFemale = ["Anh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hoa", "Hương", "Lan", "Linh",
                                     "Mai", "Nga", "Ngọc", "Nhung", "Oanh", "Phương", "Thảo", "Trang", "Vân", "Yến"]

    /// A full name and whether it is a woman's.
    public static func random(using rng: inout SeededRandom) -> (name: String, female: Bool) {
        let female = rng.chance(520)
        let family = rng.pick(Self.family)
        let middle = female ? rng.pick(middleFemale) : rng.pick(middleMale)
        let given = female ? rng.pick(givenFemale) : rng.pick(givenMale)
        return ("\(family) \(middle) \(given)", female)
    }
}
