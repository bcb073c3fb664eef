import App
import ArgumentParser
import Foundation
import PovertyCore
import Spreadsheets
import Storage

// The one output layer of the command line. A command builds rows and hands them to a
// `Listing`, whose columns print the readable table (padded for a terminal) and the CSV
// (Vietnamese snake_case headers, as in the files officers open in Excel) from the same
// values; `--format json` prints the API's resource (`App`'s `…Resource`, English camelCase
// keys) with `Output.json`. Text for people goes through `emit`.

/// `--format csv|json`; absent: the readable table.
struct FormatOption: ParsableArguments {
    @Option(help: "csv hoặc json; mặc định bảng để đọc / csv or json; default a readable table.") var format: OutputFormat?
}

/// One column of a listing: its CSV header, its value, its padded width in the readable
/// table (0: unpadded) and, when it reads differently there, how it shows to a person.
struct Column<Row>: Sendable {
    let key: String
    let width: Int
    let value: @Sendable (Row) -> String
    let text: @Sendable (Row) -> String

    init(_ key: String, width: Int = 0, text: (@Sendable (Row) -> String)? = nil, _ value: @escaping @Sendable (Row) -> String) {
        self.key = key
        self.width = width
        self.value = value
        self.text = text ?? value
    }
}

/// Rows of one kind, printed as CSV or as readable lines by the same columns.
struct Listing<Row>: Sendable {
    let columns: [Column<Row>]

    init(_ columns: [Column<Row>]) { self.columns = columns }

    /// The header (unless told not to) and one CSV row per row, no cell a formula (`CSV.inert`).
    func appendCSV(_ rows: [Row], to out: inout [UInt8], header: Bool = true) {
        if header { CSV.appendRow(columns.map(\.key), to: &out) }
        for row in rows { CSV.appendRow(columns.map { CSV.inert($0.value(row)) }, to: &out) }
    }

    /// A CSV row outside the rows' kind (a total, an opening balance): the given columns' values, the others empty.
    func appendCSV(_ values: [String: String], to out: inout [UInt8]) {
        CSV.appendRow(columns.map { CSV.inert(values[$0.key] ?? "") }, to: &out)
    }

    /// A row as a readable line, each column padded to its width.
    func line(_ row: Row, indent: String = "") -> String {
        indent + columns.map { $0.width > 0 ? $0.text(row).padding($0.width) : $0.text(row) }.joined()
    }

    func lines(_ rows: [Row], indent: String = "") -> [String] { rows.map { line($0, indent: indent) } }
}

/// A named list written out as CSV or JSON is an export, as a page's download is: it leaves
/// the same `xuat` entry beside the read, saying what, how many rows and in which form.
func recordExport(_ what: String, rows: Int, as format: OutputFormat?, store: Store, actor: Actor) async throws {
    guard let format else { return }
    try await store.audit.export(what + " (\(rows) dòng)", file: "dòng lệnh, \(format.rawValue)", by: actor)
}

enum Output {
    /// Prints a value as indented JSON (keys sorted, so two runs compare equal), ending with a newline.
    static func json<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var bytes = [UInt8](try encoder.encode(value))
        bytes.append(UInt8(ascii: "\n"))
        Terminal.write(bytes)
    }

    /// Prints CSV built by `body`.
    static func csv(_ body: (inout [UInt8]) -> Void) {
        var out: [UInt8] = []
        body(&out)
        Terminal.write(out)
    }
}

/// Prints text lines, without the spaces that pad a last column.
func emit(_ lines: [String]) {
    print(lines.map { line in String(line.reversed().drop { $0 == " " }.reversed()) }.joined(separator: "\n"))
}

/// `1.500.000 đ`.
func dong(_ amount: Dong) -> String { Money.format(amount) + " đ" }

/// `+1.500.000 đ` / `-1.500.000 đ` for ledger movements.
func signedDong(_ amount: Dong) -> String { (amount > 0 ? "+" : "") + dong(amount) }

/// An amount of đồng: `1500000`, `1.500.000`, `1,500,000` or `1.500.000đ` (decimals and signs refused).
struct DongArgument: ExpressibleByArgument, Sendable {
    let value: Dong
    init?(argument: String) {
        guard case .success(let v) = Money.parse(argument) else { return nil }
        value = v
    }
    var defaultValueDescription: String { Money.format(value) }
}

extension DatabaseOptions {
    /// One change as the operator: runs `body` on the day `--date` names (today when absent) and
    /// prints the sentence it returns.
    func change(on date: String?, _ body: (Store, Actor, Day) async throws -> String) async throws {
        let day = try parseDay(date)
        try await withStore { store, actor in print(try await body(store, actor, day)) }
    }

    /// One change that takes no day.
    func change(_ body: (Store, Actor) async throws -> String) async throws {
        try await withStore { store, actor in print(try await body(store, actor)) }
    }
}

/// `ngheo,can_ngheo` → the classes.
func parseStatuses(_ text: String) throws -> [LivingStandard] {
    let codes = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    var out: [LivingStandard] = []
    for code in codes {
        guard let s = LivingStandard(rawValue: code) else {
            let known = LivingStandard.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError("'\(code)': diện hộ không hợp lệ; dùng / unknown class; use: \(known)")
        }
        if !out.contains(s) { out.append(s) }
    }
    guard !out.isEmpty else { throw ValidationError("--statuses: cần ít nhất một diện hộ / at least one class") }
    return out
}
