import PovertyCore

/// The header of a simple table file (units, members): folded names, aliases, required
/// columns, and helpers that turn cells into values or into issues naming row and column.
struct TableHeader {
    let headers: [String]
    /// The sheet row the header stands on (1 unless rows above it were empty).
    let row: Int
    private var position: [String: Int] = [:]
    private(set) var issues: [SurveyIssue] = []
    /// Header cells that name no column of the file's kind, as written: ignored, and said so.
    private(set) var unknown: [String] = []

    /// `columns`: canonical name → accepted folded aliases (the name itself is always accepted).
    init(_ header: [String], row: Int = 1, columns: [String: [String]], required: [String]) {
        // Written back in every message about a column: never a control character.
        headers = header.map(TextFolding.printable)
        self.row = row
        var alias: [String: String] = [:]
        for (name, others) in columns {
            alias[name] = name
            for o in others { alias[o] = name }
        }
        for (i, raw) in header.enumerated() {
            let folded = TextFolding.fold(raw)
            guard let name = alias[folded] else {
                if !folded.isEmpty { unknown.append(TextFolding.printable(TextFolding.trim(raw).description)) }
                continue
            }
            if position[name] != nil {
                issues.append(SurveyIssue(row: row, column: headers[i], message: Message("import.duplicate_column"), columnIndex: i))
            } else {
                position[name] = i
            }
        }
        for name in required where position[name] == nil {
            issues.append(SurveyIssue(row: row, column: name, message: Message("import.required_column_missing"), columnIndex: -1))
        }
    }

    func has(_ name: String) -> Bool { position[name] != nil }

    /// The trimmed cell, nil when empty or absent.
    func cell(_ cells: [String], _ name: String) -> String? {
        guard let p = position[name], p < cells.count else { return nil }
        let v = TextFolding.trim(cells[p])
        return v.isEmpty ? nil : String(v)
    }

    /// A row's cells of known columns holding an Excel error value (`#N/A`, `#REF!`…: a formula
    /// that failed) or a control character, each an issue of its cell; such a row is not read further.
    func formulaErrors(row: Int, _ cells: [String]) -> [SurveyIssue] {
        position.values.sorted().compactMap { p in
            guard p < cells.count else { return nil }
            if let value = ExcelErrorValue(cells[p]) {
                return SurveyIssue(row: row, column: headers[p], message: Message("import.formula_error", .text(value.text)), columnIndex: p)
            }
            // A NUL (from a damaged file) is stored by no database, an escape would drive the
            // terminal of whoever prints the name: the cell's error, not the import's.
            return TextFolding.controlCharacter(in: cells[p]).map {
                SurveyIssue(row: row, column: headers[p], message: Message("import.control_character", .text(TextFolding.codePoint($0))), columnIndex: p)
            }
        }
    }

    func issue(row: Int, _ name: String, _ message: Message) -> SurveyIssue {
        SurveyIssue(row: row, column: position[name].map { headers[$0] } ?? name, message: message, columnIndex: position[name] ?? .max)
    }
}
