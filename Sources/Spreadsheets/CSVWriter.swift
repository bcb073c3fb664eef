import Foundation

/// Writes RFC 4180 CSV rows (quoting only where needed) into a byte buffer.
public enum CSV {
    /// Text that a spreadsheet would take for a formula (`=`, `+`, `-`, `@`, tab, CR first) is
    /// written after an apostrophe: a name or a reason typed by someone else never runs in the
    /// office that opens the file. A number (a negative amount) is left a number.
    public static func inert(_ s: String) -> String {
        guard let first = s.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return s }
        let rest = s.unicodeScalars.dropFirst()
        if first == "-" || first == "+", !rest.isEmpty, rest.allSatisfy({ ("0"..."9").contains($0) || $0 == "." }) { return s }
        return "'" + s
    }

    /// A text cell for a file a spreadsheet opens: `inert`, and digits that a spreadsheet would
    /// read as a number and change (a citizen ID's leading zeros; 12 digits or more, which Excel
    /// shows, and saves, as 2.025E+11)
    /// written as Excel's text formula `="001203004567"`, which shows them as they are and runs
    /// nothing. `CSVReader` reads that form back as the digits.
    public static func spreadsheetText(_ s: String) -> String {
        let bytes = s.utf8
        if let first = bytes.first, !bytes.isEmpty, bytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), first == 0x30 || bytes.count >= 12 {
            return "=\"" + s + "\""
        }
        return inert(s)
    }

    /// Appends one cell, quoted when it holds a comma, quote, or line break.
    @inlinable
    public static func appendCell(_ cell: String, to out: inout [UInt8]) {
        var needsQuotes = false
        for b in cell.utf8 where b == 0x2C || b == 0x22 || b == 0x0A || b == 0x0D {
            needsQuotes = true
            break
        }
        if !needsQuotes {
            out.append(contentsOf: cell.utf8)
            return
        }
        out.append(0x22)
        for b in cell.utf8 {
            if b == 0x22 { out.append(0x22) }
            out.append(b)
        }
        out.append(0x22)
    }

    /// Appends a whole row and a line feed.
    @inlinable
    public static func appendRow(_ cells: [String], to out: inout [UInt8]) {
        for (i, cell) in cells.enumerated() {
            if i > 0 { out.append(0x2C) }
            appendCell(cell, to: &out)
        }
        out.append(0x0A)
    }

    /// One row as a string (no line feed), for tests and small outputs.
    public static func line(_ cells: [String]) -> String {
        var out: [UInt8] = []
        appendRow(cells, to: &out)
        out.removeLast()
        return String(decoding: out, as: UTF8.self)
    }
}
