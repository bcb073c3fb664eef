import Foundation

/// The one clock of the application: the current instant, and today's date in Vietnam
/// (Asia/Ho_Chi_Minh, UTC+7 all year, no daylight saving). Storage and the web app take it
/// from the same value, so a test that pins it pins every "today" there is.
public struct Clock: Sendable {
    /// The current instant.
    public let now: @Sendable () -> Date

    public init(_ now: @escaping @Sendable () -> Date) { self.now = now }

    /// The machine's clock.
    public static let system = Clock { Date() }

    /// A clock standing still at `instant` (tests, benchmarks).
    public static func fixed(_ instant: Date) -> Clock { Clock { instant } }

    /// Vietnam's offset from UTC: seven hours, all year.
    public static let vietnamOffset = 7 * 3600

    /// Today in Vietnam: an officer at 06:30 on 1 July is on 1 July, not on 30 June (UTC).
    public var today: Day { Clock.day(of: now()) }

    /// The Vietnamese calendar day of an instant.
    public static func day(of instant: Date) -> Day {
        let seconds = Int(instant.timeIntervalSince1970.rounded(.down)) + vietnamOffset
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        return Day(daysSinceEpoch: days)
    }

    /// The instant as stored: ISO 8601 in UTC, to the second (`2025-11-24T16:00:00Z`).
    public static func timestamp(_ instant: Date) -> String {
        let seconds = Int(instant.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let rest = seconds - days * 86_400
        let d = Day(daysSinceEpoch: days)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(d.iso)T\(two(rest / 3600)):\(two(rest / 60 % 60)):\(two(rest % 60))Z"
    }

    /// The stored instant (`timestamp`) at which `day` begins in Vietnam (00:00 there, 17:00
    /// UTC the day before): instants of the day `d` are those from `start(of: d)` up to
    /// `start(of: d + 1)`, and stored instants compare as their text does.
    public static func start(of day: Day) -> String {
        timestamp(Date(timeIntervalSince1970: TimeInterval(day.ordinal * 86_400 - vietnamOffset)))
    }

    /// `25/11/2026 06:30`: a stored instant (or a plain ISO day) as an officer reads it, in Vietnam's time.
    public static func vietnamese(_ stored: String) -> String {
        guard stored.count >= 19, let instant = parse(stored) else { return Day(stored).map(\.vietnamese) ?? stored }
        let seconds = Int(instant.timeIntervalSince1970.rounded(.down)) + vietnamOffset
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let rest = seconds - days * 86_400
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(Day(daysSinceEpoch: days).vietnamese) \(two(rest / 3600)):\(two(rest / 60 % 60))"
    }

    /// A stored instant (`yyyy-mm-ddThh:mm:ssZ`) back to a date; nil when it is not one.
    public static func parse(_ stored: String) -> Date? {
        let chars = Array(stored.utf8)
        guard chars.count >= 20, chars[10] == UInt8(ascii: "T"), chars.last == UInt8(ascii: "Z"),
              let day = Day(String(decoding: chars[0..<10], as: UTF8.self)) else { return nil }
        let clock = String(decoding: chars[11..<19], as: UTF8.self).split(separator: ":").compactMap { Int($0) }
        guard clock.count == 3, (0..<24).contains(clock[0]), (0..<60).contains(clock[1]), (0..<61).contains(clock[2]) else { return nil }
        let seconds = day.ordinal * 86_400 + clock[0] * 3600 + clock[1] * 60 + clock[2]
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }
}

extension Day {
    /// The day `days` after 1970-01-01, clamped to the days a `Day` can hold (1900–2200):
    /// an instant read from outside (a clock, a stored time) never traps.
    public init(daysSinceEpoch days: Int) {
        self = Day(ordinal: min(max(days, Day.earliest.ordinal), Day.latest.ordinal))
    }

    /// The first and last days a `Day` can hold.
    public static let earliest = Day(year: 1900, month: 1, day: 1)!
    public static let latest = Day(year: 2200, month: 12, day: 31)!
}
