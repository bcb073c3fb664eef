import Testing
@testable import PovertyCore

private func day(_ iso: String) -> Day {
    guard let d = Day(iso) else { fatalError("bad test date \(iso)") }
    return d
}

@Suite("Day arithmetic")
struct DayArithmeticTests {
    @Test(arguments: [
        ("2025-01-15", 1, "2025-02-15"),
        ("2025-01-31", 1, "2025-02-28"),
        ("2024-01-31", 1, "2024-02-29"),
        ("2024-01-31", 2, "2024-03-31"),
        ("2025-03-31", 1, "2025-04-30"),
        ("2025-03-31", -1, "2025-02-28"),
        ("2025-12-15", 1, "2026-01-15"),
        ("2025-01-15", -13, "2023-12-15"),
        ("2024-02-29", 12, "2025-02-28"),
        ("2024-02-29", 48, "2028-02-29"),
        ("2025-11-30", 120, "2035-11-30"),
        ("2025-07-01", 0, "2025-07-01"),
    ])
    func addingMonthsClampsToMonthEnd(start: String, months: Int, expected: String) {
        #expect(day(start).adding(months: months) == day(expected))
    }

    @Test func ordinalsOfKnownDays() {
        #expect(day("1970-01-01").ordinal == 0)
        #expect(day("1970-01-02").ordinal == 1)
        #expect(day("1969-12-31").ordinal == -1)
        #expect(day("2000-01-01").ordinal == 10_957)
        #expect(day("2000-03-01").ordinal == 10_957 + 31 + 29)
        #expect(day("1900-01-01").ordinal == -25_567)
    }

    @Test func daysSince() {
        #expect(day("2026-01-01").days(since: day("2025-12-31")) == 1)
        #expect(day("2025-12-31").days(since: day("2026-01-01")) == -1)
        #expect(day("2026-01-01").days(since: day("2025-01-01")) == 365)
        #expect(day("2025-01-01").days(since: day("2024-01-01")) == 366)
        #expect(day("2025-07-14").days(since: day("2025-04-15")) == 90)
        #expect(day("2025-05-05").days(since: day("2025-05-05")) == 0)
    }

    @Test func addingDays() {
        #expect(day("2024-02-28").adding(days: 1) == day("2024-02-29"))
        #expect(day("2025-02-28").adding(days: 1) == day("2025-03-01"))
        #expect(day("2025-12-31").adding(days: 1) == day("2026-01-01"))
        #expect(day("2026-01-01").adding(days: -1) == day("2025-12-31"))
        #expect(day("2025-04-15").adding(days: 181) == day("2025-10-13"))
        #expect(day("2025-04-15").adding(days: 0) == day("2025-04-15"))
    }

    /// Every day of the supported range: ordinals are consecutive and round-trip through `adding(days:)`.
    @Test func everyDayFrom1900To2200() {
        var d = day("1900-01-01")
        let last = day("2200-12-31")
        var ordinal = d.ordinal
        var count = 0
        while d < last {
            let next = d.adding(days: 1)
            guard next.previous == d, next.ordinal == ordinal + 1 else {
                Issue.record("after \(d): \(next), ordinal \(next.ordinal), expected \(ordinal + 1)")
                break
            }
            d = next
            ordinal += 1
            count += 1
        }
        #expect(d == last)
        // 301 years, 73 of them leap (1900 and 2100 are not; 2000 is).
        #expect(count == 301 * 365 + 73 - 1)
    }

    @Test func theFirstDayHasNoDayBefore() throws {
        let first = try #require(Day(year: 1900, month: 1, day: 1))
        #expect(first.previous == first)
        #expect(Day(year: 1900, month: 3, day: 1)?.previous == Day(year: 1900, month: 2, day: 28))
    }
    @Test func aSpreadsheetDateCellReadsAsTextOrAsExcelsSerial() {
        #expect(Day(sheetCell: "01/03/2022") == Day(year: 2022, month: 3, day: 1))
        #expect(Day(sheetCell: " 44621 ") == Day(year: 2022, month: 3, day: 1))
        #expect(Day(sheetCell: "10000") == Day(year: 1927, month: 5, day: 18))
        #expect(Day(sheetCell: "73050") == Day(year: 2099, month: 12, day: 31))
        #expect(Day(sheetCell: "45658") == Day(year: 2025, month: 1, day: 1))
        // A year alone, a small number, past 2099, or not a whole number: not a date.
        for text in ["1985", "85", "9999", "73051", "44621.5", "-5", "4462a", ""] { #expect(Day(sheetCell: text) == nil) }
        #expect(Day.isYearOnly(" 1985 ") && !Day.isYearOnly("44621") && !Day.isYearOnly("1850"))
    }

    /// A day in Vietnam starts at 17:00 UTC the day before; its start round-trips through the
    /// stored form and is that day by the clock's own calendar (the second before is the day before).
    @Test func theDayAfterIsNoneAfterTheLastDay() {
        #expect(day("2024-02-28").next == day("2024-02-29") && day("2024-02-29").next == day("2024-03-01"))
        #expect(day("2025-12-31").next == day("2026-01-01") && day("2026-04-30").next == day("2026-05-01"))
        #expect(day("2200-12-31").next == nil && day("2200-12-30").next == day("2200-12-31"))
    }

    @Test func aVietnameseDayStartsAt17UTCTheDayBefore() throws {
        #expect(Clock.start(of: day("2026-12-01")) == "2026-11-30T17:00:00Z")
        #expect(Clock.start(of: day("2025-01-01")) == "2024-12-31T17:00:00Z")
        let start = try #require(Clock.parse(Clock.start(of: day("2024-02-29"))))
        #expect(Clock.day(of: start) == day("2024-02-29") && Clock.day(of: start.addingTimeInterval(-1)) == day("2024-02-28"))
    }
}
