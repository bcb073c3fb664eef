/// A calendar day without time or zone: what unit histories and memberships need.
/// Stored as `YYYY-MM-DD`, which sorts correctly as text on every database.
public struct Day: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (1900...2200).contains(year), (1...12).contains(month), day >= 1,
              day <= Day.daysIn(month: month, year: year) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `2025-07-01`, `01/07/2025` or `1/7/2025` (Vietnamese day/month order).
    public init?(_ text: some StringProtocol) {
        let s = TextFolding.trim(text)
        if s.count == 10, s.dropFirst(4).first == "-" {
            let parts = s.split(separator: "-")
            guard parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
            self.init(year: y, month: m, day: d)
            return
        }
        let parts = s.split(separator: "/")
        guard parts.count == 3, parts[2].count == 4, let d = Int(parts[0]), let m = Int(parts[1]), let y = Int(parts[2]) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// A date cell of a spreadsheet: text as `init?(_:)` reads it, or the serial number an
    /// Excel date cell holds (days since 30/12/1899), which is what a typed date becomes in an
    /// .xlsx file (and in a CSV saved from a sheet whose cell lost its date format). Only
    /// five-digit serials are taken (18/05/1927 to 31/12/2099): a year typed alone ("1985") or
    /// a stray small number is not a date.
    public init?(sheetCell text: some StringProtocol) {
        if let d = Day(text) { self = d; return }
        let s = TextFolding.trim(text)
        guard s.utf8.count == 5, s.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let serial = Int(s),
              (10_000...73_050).contains(serial), let first = Day(year: 1900, month: 3, day: 1) else { return nil }
        self = first.adding(days: serial - 61)
    }

    /// A cell holding a year alone ("1985"): said as such, since it is not a date.
    public static func isYearOnly(_ text: some StringProtocol) -> Bool {
        let s = TextFolding.trim(text)
        return s.utf8.count == 4 && Int(s).map { (1900...2100).contains($0) } == true
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// `2025-07-01`.
    public var iso: String {
        "\(year)-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)"
    }

    /// `01/07/2025`, as Vietnamese offices write it.
    public var vietnamese: String {
        "\(day < 10 ? "0" : "")\(day)/\(month < 10 ? "0" : "")\(month)/\(year)"
    }

    public var description: String { iso }

    /// The day after, nil after the last day a `Day` holds (31/12/2200).
    public var next: Day? {
        if let d = Day(year: year, month: month, day: day + 1) { return d }
        if let d = Day(year: year, month: month + 1, day: 1) { return d }
        return Day(year: year + 1, month: 1, day: 1)
    }

    /// The day before (for showing a half-open end as the last day: valid to 01/07 → "đến 30/06").
    /// The first day a `Day` holds (01/01/1900) has none before it and is its own.
    public var previous: Day {
        if day > 1, let d = Day(year: year, month: month, day: day - 1) { return d }
        if month > 1, let d = Day(year: year, month: month - 1, day: Day.daysIn(month: month - 1, year: year)) { return d }
        return Day(year: year - 1, month: 12, day: 31) ?? self
    }

    /// 31 December of a review year: the date at which a review's counts sit on the tree.
    public static func endOfYear(_ year: Int) -> Day { Day(year: year, month: 12, day: 31)! }

    public static func < (a: Day, b: Day) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }

    /// The first day of the two-level local administration (provinces merged, districts ended).
    public static let reform2025 = Day(year: 2025, month: 7, day: 1)!
}
