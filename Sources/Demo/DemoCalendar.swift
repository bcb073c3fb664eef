import PovertyCore
import Spreadsheets

/// Day arithmetic for the demo: days counted from 1970-01-01 (proleptic Gregorian).
enum DemoCalendar {
    static func ordinal(_ d: Day) -> Int { d.ordinal }

    static func day(_ ordinal: Int) -> Day { Day(daysSinceEpoch: ordinal) }

    static func adding(_ days: Int, to d: Day) -> Day { d.adding(days: days) }

    /// A day in `[lo, hi]` that is never the 1st of a month (organisational changes take
    /// effect on the 1st, so a member's own moves never fall on the same day). Nil when
    /// the range holds no such day.
    static func random(from lo: Day, to hi: Day, using rng: inout SeededRandom) -> Day? {
        let a = ordinal(lo), b = ordinal(hi)
        guard a <= b else { return nil }
        for _ in 0..<4 {
            let d = day(rng.int(in: a...b))
            if d.day != 1 { return d }
        }
        for n in a...b where day(n).day != 1 { return day(n) }
        return nil
    }
}

/// Rows made on demand for the importers (header as row 1, as in a spreadsheet), so the
/// demo never holds a whole survey file in memory.
struct GeneratedRows: RowSource, Sendable {
    let header: [String]
    let count: Int
    let row: @Sendable (Int) -> [String]

    init(header: [String], count: Int, row: @escaping @Sendable (Int) -> [String]) {
        self.header = header; self.count = count; self.row = row
    }

    init(header: [String], rows: [[String]]) {
        self.init(header: header, count: rows.count) { rows[$0] }
    }

    func forEachRow(_ body: (Int, [String]) throws -> Void) throws {
        try body(1, header)
        for i in 0..<count { try body(i + 2, row(i)) }
    }
}

extension String {
    /// Left-padded with zeros to `width` digits.
    func demoPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
