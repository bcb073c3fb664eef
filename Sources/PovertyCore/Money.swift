/// Money is whole Vietnamese đồng in an `Int`; never floating point.
public typealias Dong = Int

public enum Money {
    /// The largest amount a money cell may hold (a trillion đồng a year is far beyond any household).
    public static let maximum: Dong = 1_000_000_000_000_000

    /// Why a money cell was refused.
    public enum ParseError: Error, Equatable, Sendable {
        case empty, negative, decimal, badGrouping, notANumber, tooLarge
    }

    /// Parses a money cell: digits, optionally grouped by `.`, `,` or spaces in threes,
    /// optionally followed by `đ`, `₫` or `VND`. Decimals, signs and text are refused.
    /// The value of 1 to 18 ASCII digits; nil for anything else.
    @inline(__always) static func plainDigits(_ bytes: Substring.UTF8View) -> Int? {
        var value = 0, count = 0
        for b in bytes {
            guard b >= 0x30 && b <= 0x39, count < 18 else { return nil }
            value = value &* 10 &+ Int(b &- 0x30)
            count += 1
        }
        return count > 0 ? value : nil
    }

    public static func parse(_ cell: some StringProtocol) -> Result<Dong, ParseError> {
        var s = Substring(TextFolding.trim(cell))
        // Fastest path: 1–18 ASCII digits (no overflow possible), the usual cell.
        if let digits = plainDigits(s.utf8) { return digits > maximum ? .failure(.tooLarge) : .success(digits) }
        if s.isEmpty { return .failure(.empty) }
        // A trailing currency word.
        if let last = s.last, !(last.isASCII && last.isNumber) {
            let word = TextFolding.fold(s.suffix(3))
            if word == "vnd" {
                s = TextFolding.trim(s.dropLast(3))
            } else if last == "đ" || last == "₫" || last == "Đ" {
                s = TextFolding.trim(s.dropLast())
            }
        }
        if s.isEmpty { return .failure(.notANumber) }
        if s.first == "-" || s.first == "−" { return .failure(.negative) }
        if s.first == "+" { return .failure(.notANumber) }

        // Fast path: plain digits.
        var value = 0
        var plain = true
        for b in s.utf8 {
            if b >= 0x30 && b <= 0x39 {
                let (m, o1) = value.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(Int(b - 0x30))
                if o1 || o2 { return .failure(.tooLarge) }
                value = a
            } else { plain = false; break }
        }
        if plain { return value > maximum ? .failure(.tooLarge) : .success(value) }

        // Grouped: one separator kind, groups of three after the first group of 1–3.
        // Any other character first: "1.500.000 đồng" is text, not a decimal.
        func isSeparator(_ c: Character) -> Bool { c == "." || c == "," || c == " " || c == "\u{00A0}" || c == "\u{202F}" }
        if s.contains(where: { !($0.isASCII && $0.isNumber) && !isSeparator($0) }) { return .failure(.notANumber) }
        var groups: [Substring] = []
        var separator: Character?
        var current = s.startIndex
        var i = s.startIndex
        while i < s.endIndex {
            let c = s[i]
            if c.isASCII && c.isNumber { i = s.index(after: i); continue }
            if !isSeparator(c) { return .failure(.notANumber) }
            let kind: Character = (c == "\u{00A0}" || c == "\u{202F}") ? " " : c
            if let sep = separator, sep != kind {
                // "1.500,5" or "1,500.50": a decimal part.
                return .failure(.decimal)
            }
            separator = kind
            groups.append(s[current..<i])
            i = s.index(after: i)
            current = i
        }
        groups.append(s[current..<s.endIndex])
        // "1500000.5", "1500,5" or "1.5": one `.` or `,` and a last part that is not three digits
        // looks like a decimal fraction (checked before the first group, which may be long).
        if groups.count == 2, separator != " ", (1...2).contains(groups[1].count) || groups[1].count > 3 {
            return .failure(.decimal)
        }
        guard let first = groups.first, (1...3).contains(first.count), groups.count >= 2 else {
            return .failure(.badGrouping)
        }
        if groups.dropFirst().contains(where: { $0.count != 3 }) { return .failure(.badGrouping) }
        value = 0
        for g in groups {
            for b in g.utf8 {
                let (m, o1) = value.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(Int(b - 0x30))
                if o1 || o2 { return .failure(.tooLarge) }
                value = a
            }
        }
        return value > maximum ? .failure(.tooLarge) : .success(value)
    }

    /// `1500000` → `1.500.000` (Vietnamese grouping).
    public static func format(_ amount: Dong, separator: UInt8 = UInt8(ascii: ".")) -> String {
        var bytes: [UInt8] = []
        append(amount, separator: separator, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the grouped amount to a byte buffer (no allocation beyond the buffer).
    public static func append(_ amount: Dong, separator: UInt8 = UInt8(ascii: "."), to out: inout [UInt8]) {
        if amount < 0 { out.append(UInt8(ascii: "-")) }
        // Filled from the right (19 digits and 6 separators at most), then appended in one copy.
        // The magnitude, so that the most negative amount prints its own last digit.
        var text: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        var v = amount.magnitude
        withUnsafeMutableBytes(of: &text) { buf in
            var start = buf.count, digits = 0
            repeat {
                if digits > 0 && digits % 3 == 0 { start -= 1; buf[start] = separator }
                start -= 1
                buf[start] = UInt8(v % 10) + 0x30
                v /= 10
                digits += 1
            } while v > 0
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: buf[start...]))
        }
    }

    /// Appends plain decimal digits.
    @inlinable
    public static func appendPlain(_ value: Int, to out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")); appendPlain(-value, to: &out); return }
        if value < 10 { out.append(UInt8(value) + 0x30); return }
        var tmp: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                  UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var v = value
        var n = 0
        withUnsafeMutableBytes(of: &tmp) { buf in
            while v > 0 { buf[n] = UInt8(v % 10) + 0x30; v /= 10; n += 1 }
            for i in stride(from: n - 1, through: 0, by: -1) { out.append(buf[i]) }
        }
    }
}
