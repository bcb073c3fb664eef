/// A cell holding one of Excel's error values (`#N/A`, `#REF!`, `#DIV/0!`…): a formula that
/// failed, saved as its error. It is never data — a name `#N/A` or a household code `#REF!`
/// is an error of its cell, whatever the column expects (an XLSX error cell reads as this text,
/// and "Save as CSV" writes the same text).
public struct ExcelErrorValue: Sendable, Hashable {
    public let text: String

    static let values: Set<String> = [
        "#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
        "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#UNKNOWN!", "#BUSY!", "#EXTERNAL!", "#PYTHON!",
    ]

    /// Nil unless the trimmed cell is one of the error values (upper or lower case).
    public init?(_ cell: some StringProtocol) {
        // Cheap for the usual cell: only one starting with "#" is looked at further.
        guard cell.utf8.contains(0x23) else { return nil }
        let trimmed = TextFolding.trim(cell)
        guard trimmed.utf8.first == 0x23, trimmed.utf8.count <= 16 else { return nil }
        let upper = trimmed.uppercased()
        guard Self.values.contains(upper) else { return nil }
        text = upper
    }
}
