/// Fictional survey rows for examples and benchmarks, deterministic by seed.
///
/// Households keep their code across years; incomes grow and deprivations are fixed
/// over time, poor households more slowly than others, a few fall back, and about
/// one household in a hundred leaves or joins each year.
public struct DemoSurveyGenerator {
    public let households: Int
    public let firstYear: Int
    public let years: Int
    public let seed: UInt64
    public let groupedMoney: Bool
    public let units: Int

    /// Vietnamese headers, as an office would write them; they fold to the contract's codes.
    public static let header: [String] = [
        "Mã hộ", "Năm", "Đơn vị", "Mã đoàn viên", "Họ tên chủ hộ", "Khu vực", "Số nhân khẩu", "Tổng thu nhập năm",
        "Việc làm", "Phụ thuộc", "Tiếp cận y tế", "Dinh dưỡng", "BHYT", "Giáo dục người lớn", "Đi học trẻ em",
        "Chất lượng nhà", "Diện tích nhà", "Nước sinh hoạt", "Nhà tiêu", "Rác thải", "Viễn thông",
        "Phương tiện thông tin", "Dân tộc thiểu số",
    ]

    public init(households: Int, firstYear: Int, years: Int = 1, seed: UInt64 = 2021, groupedMoney: Bool = false, units: Int = 40) {
        self.households = households
        self.firstYear = firstYear
        self.years = years
        self.seed = seed
        self.groupedMoney = groupedMoney
        self.units = max(1, units)
    }

    struct Household {
        var code: String
        var unit: String
        var member: String
        var name: String
        var rural: Bool
        var size: Int
        var perCapita: Int
        var deprived: UInt16  // bit i: indicator column i (14 columns)
        var minority: Bool
        var active: Bool
    }

    /// Calls `row` with the header, then every data row (years ascending).
    public func generate(_ row: ([String]) throws -> Void) rethrows {
        try row(Self.header)
        var rng = SeededRandom(seed: seed)
        var people: [Household] = []
        people.reserveCapacity(min(households, 1 << 20))
        // Households are generated year by year, one pass each, so memory is one record a household.
        for i in 0..<households { people.append(makeHousehold(i, &rng)) }
        var cells = [String](repeating: "", count: Self.header.count)
        for y in 0..<years {
            let year = firstYear + y
            for i in people.indices {
                if y > 0 { evolve(&people[i], &rng) }
                let h = people[i]
                guard h.active else { continue }
                cells[0] = h.code
                cells[1] = String(year)
                cells[2] = h.unit
                cells[3] = h.member
                cells[4] = h.name
                cells[5] = h.rural ? "Nông thôn" : "Thành thị"
                cells[6] = String(h.size)
                let total = h.perCapita * 12 * h.size + Int(rng.next() % UInt64(12 * h.size))
                cells[7] = groupedMoney ? Money.format(total) : String(total)
                for j in 0..<14 { cells[8 + j] = h.deprived & (1 << j) != 0 ? "1" : "0" }
                cells[22] = h.minority ? "1" : "0"
                try row(cells)
            }
        }
    }

    private func makeHousehold(_ i: Int, _ rng: inout SeededRandom) -> Household {
        let rural = rng.chance(650)
        let line = rural ? 1_500_000 : 2_000_000
        let sizes = [1, 2, 2, 3, 3, 3, 4, 4, 4, 4, 5, 5, 6, 7]
        let size = rng.pick(sizes)
        let u = rng.int(in: 0...999)
        let perCapita: Int
        let propensity: Int
        if u < 45 { perCapita = line * rng.int(in: 45...100) / 100; propensity = 330 }
        else if u < 110 { perCapita = line * rng.int(in: 100...160) / 100; propensity = 180 }
        else { perCapita = line * rng.int(in: 160...520) / 100; propensity = 35 }
        var deprived: UInt16 = 0
        for j in 0..<14 where rng.chance(propensity) { deprived |= 1 << j }
        let person = VietnameseNames.random(using: &rng)
        let birthYear = rng.int(in: 1966...2003)
        let centuryDigit = (birthYear >= 2000 ? 2 : 0) + (person.female ? 1 : 0)
        let citizenID = "037" + String(centuryDigit) + String(birthYear % 100).leftPadded(2) + String(rng.int(in: 0...999_999)).leftPadded(6)
        return Household(code: "HO" + String(i + 1).leftPadded(7), unit: "CDCS" + String(i % units + 1).leftPadded(3),
                         member: citizenID, name: person.name, rural: rural, size: size, perCapita: perCapita,
                         deprived: deprived, minority: rng.chance(rural ? 90 : 20), active: true)
    }

    private func evolve(_ h: inout Household, _ rng: inout SeededRandom) {
        if !h.active {
            if rng.chance(300) { h.active = true }  // came back
            return
        }
        if rng.chance(12) { h.active = false; return }
        let line = h.rural ? 1_500_000 : 2_000_000
        let poorish = h.perCapita <= line
        // Programme support lifts poor households faster; a few suffer a shock.
        let growth = rng.chance(40) ? -rng.int(in: 15...45) : (poorish ? rng.int(in: 10...45) : rng.int(in: 2...14))
        h.perCapita = max(300_000, h.perCapita + h.perCapita * growth / 100)
        var fixed = h.deprived
        for j in 0..<14 where h.deprived & (1 << j) != 0 && rng.chance(poorish ? 330 : 200) { fixed &= ~(1 << j) }
        if rng.chance(25) { fixed |= 1 << UInt16(rng.int(in: 0...13)) }
        h.deprived = fixed
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
