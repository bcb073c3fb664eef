import Foundation

/// An official document laid out as Decree 30/2020/NĐ-CP (Appendix I) and the trade
/// union's rule on documents (Quyết định 933/QĐ-TLĐ, 2024) prescribe: A4, Times New Roman,
/// the two-column heading (issuing body and number at the left, national title, motto,
/// place and date at the right), the kind and subject centred, the body, then "Nơi nhận"
/// at the left and the signature block at the right.
///
/// ```swift
/// let report = OfficialDocument(
///     parentBody: "TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM",
///     issuingBody: "LIÊN ĐOÀN LAO ĐỘNG TỈNH NINH BÌNH",
///     number: "Số: 12/BC-LĐLĐ",
///     place: "Ninh Bình", date: DocumentDate(day: 5, month: 1, year: 2026),
///     kind: "BÁO CÁO", subject: "Kết quả thực hiện chương trình giảm nghèo năm 2025",
///     body: [.heading("I. KẾT QUẢ ĐẠT ĐƯỢC"), .paragraph("Năm 2025, ...")],
///     recipients: ["Như trên;", "Lưu: VT, CSPL."],
///     signature: Signature(authority: "TM. BAN THƯỜNG VỤ", position: "CHỦ TỊCH", name: "Nguyễn Văn An"))
/// try report.write(to: url)                                // DOCX
/// let pdf = try await PDFConverter().pdfData(for: report)  // PDF, via LibreOffice
/// ```
///
/// Text is written as given (normalised to NFC, XML-escaped, control characters
/// dropped); a line feed inside a text becomes a line break, a tab a tab.
public struct OfficialDocument: Sendable {
    /// The body the issuing body belongs to, upright at the top left, e.g.
    /// "TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM"; empty for none.
    public var parentBody: String
    /// The issuing body, bold, with a short rule under it, e.g. "LIÊN ĐOÀN LAO ĐỘNG TỈNH NINH BÌNH".
    public var issuingBody: String
    /// Number and symbol, e.g. "Số: 12/BC-LĐLĐ", or "Số:      /BC-LĐLĐ" before numbering.
    public var number: String
    /// Place name for the date line, e.g. "Ninh Bình".
    public var place: String
    /// Issue date; `DocumentDate.blank(year:)` leaves day and month to be filled in by hand.
    public var date: DocumentDate
    /// The kind of document, e.g. "BÁO CÁO", "KẾ HOẠCH", "QUYẾT ĐỊNH": bold, centred.
    /// Empty for an official letter (công văn): then `subject` ("V/v ...") goes under the number.
    public var kind: String
    /// What the document is about ("trích yếu"), bold and centred under the kind.
    public var subject: String
    /// "Kính gửi:" addressees, for letters and proposals; empty for none.
    public var addressees: [String]
    /// The content, in order.
    public var body: [Block]
    /// "Nơi nhận:" lines, e.g. "Như trên;", "Lưu: VT, CSPL." ("- " is added when missing).
    public var recipients: [String]
    public var signature: Signature
    /// A4 landscape, for wide tables.
    public var landscape: Bool

    public init(
        parentBody: String = "", issuingBody: String, number: String, place: String, date: DocumentDate,
        kind: String, subject: String, addressees: [String] = [], body: [Block] = [],
        recipients: [String] = [], signature: Signature, landscape: Bool = false
    ) {
        self.parentBody = parentBody
        self.issuingBody = issuingBody
        self.number = number
        self.place = place
        self.date = date
        self.kind = kind
        self.subject = subject
        self.addressees = addressees
        self.body = body
        self.recipients = recipients
        self.signature = signature
        self.landscape = landscape
    }
}

/// One piece of a document's body.
public enum Block: Sendable {
    /// A heading, bold, indented like a paragraph; level 3 is bold italic. Give the
    /// numbering in the text: "I. KẾT QUẢ ĐẠT ĐƯỢC", "1. Công tác tuyên truyền".
    case heading(String, level: Int = 1)
    /// A justified paragraph with a 1 cm first-line indent.
    case paragraph(String)
    /// Items as dash paragraphs ("- " is added when the item starts with no dash or plus).
    case bullets([String])
    /// A bordered table in 12 pt, its header repeated on every page.
    case table(Table)
    /// A note in italic 12 pt, e.g. "Ghi chú: số liệu tính đến 31/12/2025."
    case note(String)
    /// A line in italic 12 pt kept on the page of what follows (a table's subtitle).
    case caption(String)
    /// Blocks set on A4 landscape pages of their own (wide tables); the document goes on
    /// in its own orientation after them. Inside a landscape document they are written as is.
    indirect case landscape([Block])
    /// Starts a new page.
    case pageBreak
}

/// The signature block at the bottom right: authority line, position, room for the
/// signature and seal, name.
public struct Signature: Sendable, Equatable {
    /// Signing on behalf of, e.g. "TM. BAN THƯỜNG VỤ", "KT. CHỦ TỊCH"; empty for none.
    public var authority: String
    /// e.g. "CHỦ TỊCH", "PHÓ CHỦ TỊCH".
    public var position: String
    /// The signer's full name, e.g. "Nguyễn Văn An"; empty leaves the space blank.
    public var name: String

    public init(authority: String = "", position: String, name: String) {
        self.authority = authority
        self.position = position
        self.name = name
    }
}

/// The issue date of a document. Day and month may be left blank for a draft that is
/// dated when signed ("ngày     tháng     năm 2026").
public struct DocumentDate: Sendable, Hashable {
    public var day: Int?
    public var month: Int?
    public var year: Int

    public init(day: Int?, month: Int?, year: Int) {
        self.day = day
        self.month = month
        self.year = year
    }

    /// The day `date` falls on in `timeZone` (Vietnam's by default).
    public init(_ date: Date, timeZone: TimeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh") ?? .current) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        self.init(day: parts.day, month: parts.month, year: parts.year ?? 1970)
    }

    /// Day and month left blank, to be written in by hand.
    public static func blank(year: Int) -> DocumentDate {
        DocumentDate(day: nil, month: nil, year: year)
    }

    /// "ngày 05 tháng 01 năm 2026": as Decree 30 asks, a day below 10 and the months
    /// January and February get a leading zero ("tháng 02", but "tháng 3").
    public var vietnamese: String {
        let blank = "   "
        let dayText = day.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? blank
        let monthText = month.map { $0 <= 2 ? "0\($0)" : "\($0)" } ?? blank
        return "ngày \(dayText) tháng \(monthText) năm \(year)"
    }

    /// "Ninh Bình, ngày 05 tháng 01 năm 2026".
    public func line(place: String) -> String {
        place.isEmpty ? vietnamese : "\(place), \(vietnamese)"
    }
}

/// A bordered table. Cells hold text already formatted ("1.234", "12,5%"); header cells
/// are bold and centred, body cells aligned by column.
///
/// ```swift
/// Table(
///     columns: [.init("STT", width: 0.6, alignment: .center), .init("Đơn vị", width: 3),
///               .init("Số hộ", width: 1, alignment: .right), .init("Tỷ lệ (%)", width: 1, alignment: .right)],
///     groups: [.ungrouped(2), .init("Hộ nghèo", span: 2)],
///     rows: [["1", "Huyện Kim Sơn", "1.234", "3,21"],
///            Table.Row(["Tổng cộng", "1.234", "3,21"], bold: true, leadingSpan: 2)])
/// ```
public struct Table: Sendable {
    public enum Alignment: Sendable { case left, center, right }

    public struct Column: Sendable {
        public var title: String
        /// Relative width: the columns share the text width in proportion.
        public var width: Double
        /// Alignment of the body cells (header cells are centred).
        public var alignment: Alignment

        public init(_ title: String, width: Double = 1, alignment: Alignment = .left) {
            self.title = title
            self.width = width
            self.alignment = alignment
        }
    }

    /// A header cell over several columns, for a two-level header.
    public struct Group: Sendable {
        /// nil: the columns under it are not grouped, and their own titles fill both header rows.
        public var title: String?
        public var span: Int

        public init(_ title: String, span: Int) {
            self.title = title
            self.span = span
        }

        /// `span` columns whose titles take both header rows (e.g. "STT", "Đơn vị").
        public static func ungrouped(_ span: Int = 1) -> Group {
            var group = Group("", span: span)
            group.title = nil
            return group
        }
    }

    public struct Row: Sendable, ExpressibleByArrayLiteral {
        public var cells: [String]
        /// Bold, for totals and subtotals.
        public var bold: Bool
        public var italic: Bool
        /// How many columns the first cell covers ("Tổng cộng" over "STT" and "Đơn vị");
        /// the row then has that many cells fewer, plus one.
        public var leadingSpan: Int

        public init(_ cells: [String], bold: Bool = false, italic: Bool = false, leadingSpan: Int = 1) {
            self.cells = cells
            self.bold = bold
            self.italic = italic
            self.leadingSpan = leadingSpan
        }

        public init(arrayLiteral cells: String...) {
            self.init(cells)
        }
    }

    public var columns: [Column]
    /// Empty for a one-row header; otherwise groups covering every column once, left to right.
    public var groups: [Group]
    public var rows: [Row]

    public init(columns: [Column], groups: [Group] = [], rows: [Row]) {
        self.columns = columns
        self.groups = groups
        self.rows = rows
    }

    /// Rows as plain cells; the rows at `boldRows` (0-based) in bold, e.g. the total.
    public init(columns: [Column], groups: [Group] = [], rows: [[String]], boldRows: Set<Int> = []) {
        self.init(
            columns: columns, groups: groups,
            rows: rows.enumerated().map { Row($0.element, bold: boldRows.contains($0.offset)) })
    }
}
