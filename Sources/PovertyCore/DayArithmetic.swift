/// Calendar arithmetic on `Day`: what loan schedules and support windows need.
/// Results must stay within the years `Day` accepts (1900–2200); going outside is a
/// programming error and traps.
extension Day {
    /// Days since 1970-01-01 (negative before it). Consecutive days differ by one.
    public var ordinal: Int {
        // Howard Hinnant's days_from_civil, with the year starting in March.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The day with the given ordinal (see `ordinal`).
    init(ordinal: Int) {
        let z = ordinal + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        guard let day = Day(year: y, month: m, day: d) else {
            preconditionFailure("ngày ngoài khoảng 1900–2200 / day outside 1900–2200 (ordinal \(ordinal))")
        }
        self = day
    }

    /// Days from `other` to this day: positive when this day is later.
    public func days(since other: Day) -> Int { ordinal - other.ordinal }

    public func adding(days: Int) -> Day { days == 0 ? self : Day(ordinal: ordinal + days) }

    /// The same day of the month `months` later (or earlier when negative), clamped to the
    /// month's end: 31/01 + 1 month is 28/02 (29/02 in a leap year).
    public func adding(months: Int) -> Day {
        let index = year * 12 + (month - 1) + months
        let (y, m) = (index.floorDivided(by: 12), index.floorModulo(12) + 1)
        guard let result = Day(year: y, month: m, day: min(day, Day.daysIn(month: m, year: y))) else {
            preconditionFailure("ngày ngoài khoảng 1900–2200 / day outside 1900–2200 (\(self) + \(months) tháng)")
        }
        return result
    }
}

extension Int {
    fileprivate func floorDivided(by d: Int) -> Int { self >= 0 ? self / d : -((-self + d - 1) / d) }
    fileprivate func floorModulo(_ d: Int) -> Int { self - floorDivided(by: d) * d }
}
