import Foundation

/// Page geometry in twips (1/20 pt; 1 mm ≈ 56.7): A4, margins top and bottom 20 mm,
/// left 30 mm, right 15 mm, the header (page number) 10 mm from the top edge.
enum PageGeometry {
    static let shortSide = 11906
    static let longSide = 16838
    static let top = 1134
    static let bottom = 1134
    static let left = 1701
    static let right = 851
    static let header = 567

    static func textWidth(landscape: Bool) -> Int {
        (landscape ? longSide : shortSide) - left - right
    }
}

/// Writes `word/document.xml` for an `OfficialDocument`, whole, in WordprocessingML.
/// Element order inside `pPr`, `rPr`, `tblPr` and `tcPr` follows the schema, which Word
/// checks.
struct DocumentXML {
    private(set) var xml = ""
    private var textWidth: Int
    /// A section (the first pages) was ended by a break to landscape pages.
    private var sectionsEnded = false
    /// Writing the blocks of a `.landscape` group.
    private var inLandscape = false
    /// A page break asked for: the next paragraph starts a page (`pageBreakBefore`), so a table
    /// that fills its page exactly leaves no blank page behind it.
    private var breakBeforeNext = false
    /// The last block of the body: its last lines are kept on the page of the signature.
    private var keepWithClosing = false

    /// Space for the hand signature and the seal, above the signer's name (about 2.5 cm).
    private static let signatureSpace = 1440
    /// Cell margins of the borderless layout tables (`DocLayoutTable` in styles.xml).
    private static let layoutCellMargin = 57

    static func make(_ document: OfficialDocument) throws -> Data {
        var writer = DocumentXML(textWidth: PageGeometry.textWidth(landscape: document.landscape))
        writer.inLandscape = document.landscape
        try writer.write(document)
        return Data(writer.xml.utf8)
    }

    private init(textWidth: Int) {
        self.textWidth = textWidth
    }

    // MARK: - Document

    private mutating func write(_ document: OfficialDocument) throws {
        xml.reserveCapacity(16_384)
        xml += #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"
        xml += #"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" "#
        xml += #"xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>"#
        writeHeading(document)
        writeTitle(document)
        writeAddressees(document.addressees)
        for (i, block) in document.body.enumerated() {
            keepWithClosing = i == document.body.count - 1
            try writeBlock(block)
        }
        keepWithClosing = false
        writeClosing(document)
        writeSection(landscape: document.landscape, first: !sectionsEnded)
        xml += "</w:body></w:document>"
    }

    /// The two-column heading: issuing body | national title and motto, then
    /// number | place and date on one line. The right column is just wide enough for the
    /// national title in portrait (5,003 twips of text); long names at the left wrap
    /// (a line feed in `issuingBody` chooses where).
    private mutating func writeHeading(_ document: OfficialDocument) {
        let left = textWidth * 44 / 100
        let right = textWidth - left
        let leftInner = left - 2 * Self.layoutCellMargin
        let rightInner = right - 2 * Self.layoutCellMargin
        startLayoutTable(widths: [left, right])

        xml += "<w:tr>"
        startCell(width: left)
        if !document.parentBody.isEmpty {
            let parent = TextWidth.breakName(document.parentBody, points: 12, bold: false, width: leftInner)
            paragraph(parent, ParagraphFormat(style: "DocLayout"), RunFormat(size: 24))
        }
        let issuing = TextWidth.breakName(document.issuingBody, points: 12, bold: true, width: leftInner)
        paragraph(issuing, ParagraphFormat(style: "DocLayout"), RunFormat(bold: true, size: 24))
        let issuingLine = issuing.split(separator: "\n")
            .map { TextWidth.estimate(String($0), points: 12, bold: true) }.max() ?? 0
        rule(length: max(min(issuingLine, leftInner) * 2 / 5, 567), within: leftInner)
        xml += "</w:tc>"
        startCell(width: right)
        paragraph("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", ParagraphFormat(style: "DocLayout"), RunFormat(bold: true, size: 24))
        // The motto is underlined by a rule exactly as long as it: a bottom border on a
        // paragraph indented to the motto's width (measured in Times New Roman bold 13 pt,
        // and in its metric twin Liberation Serif).
        let motto = "Độc lập - Tự do - Hạnh phúc"
        let side = max((rightInner - Self.mottoWidth) / 2, 0)
        var mottoFormat = ParagraphFormat(style: "DocLayout")
        mottoFormat.bottomBorder = true
        mottoFormat.indentLeft = side
        mottoFormat.indentRight = side
        paragraph(motto, mottoFormat, RunFormat(bold: true, size: 26))
        xml += "</w:tc></w:tr>"

        xml += "<w:tr>"
        startCell(width: left)
        var numberFormat = ParagraphFormat(style: "DocLayout")
        numberFormat.spacingBefore = 120
        paragraph(document.number, numberFormat, RunFormat(size: 26))
        if document.kind.isEmpty && !document.subject.isEmpty {
            // An official letter: its subject ("V/v ...") sits under the number.
            var subjectFormat = ParagraphFormat(style: "DocLayout")
            subjectFormat.spacingBefore = 60
            paragraph(document.subject, subjectFormat, RunFormat(size: 24))
        }
        xml += "</w:tc>"
        startCell(width: right)
        paragraph(document.date.line(place: document.place), numberFormat, RunFormat(italic: true, size: 26))
        xml += "</w:tc></w:tr></w:tbl>"
    }

    /// Width of "Độc lập - Tự do - Hạnh phúc" in bold 13 pt, in twips (3,182 measured in a
    /// LibreOffice PDF set in Liberation Serif, which has Times New Roman's metrics), plus
    /// a little slack so that it never wraps.
    static let mottoWidth = 3250

    /// Kind ("BÁO CÁO") and subject, centred, with a short rule under the subject.
    private mutating func writeTitle(_ document: OfficialDocument) {
        guard !document.kind.isEmpty else { return }
        paragraph(document.kind, ParagraphFormat(style: "DocKind"), RunFormat())
        guard !document.subject.isEmpty else { return }
        paragraph(document.subject, ParagraphFormat(style: "DocSubject"), RunFormat())
        let line = min(TextWidth.estimate(document.subject, points: 14, bold: true), textWidth)
        rule(length: max(line * 2 / 5, 1134), within: textWidth, keepNext: true)
    }

    /// "Kính gửi: ..." on one line, or a list under it.
    private mutating func writeAddressees(_ addressees: [String]) {
        guard !addressees.isEmpty else { return }
        var format = ParagraphFormat(style: "DocLayout")
        format.spacingBefore = 240
        if addressees.count == 1 {
            paragraph("Kính gửi: " + addressees[0], format, RunFormat(size: 28))
            return
        }
        format.alignment = "left"
        format.indentLeft = 1701
        paragraph("Kính gửi:", format, RunFormat(size: 28))
        format.spacingBefore = 0
        format.indentLeft = 2835
        for addressee in addressees {
            paragraph(Self.dashed(addressee), format, RunFormat(size: 28))
        }
    }

    /// "Nơi nhận:" and the recipients at the left, the signature block at the right.
    private mutating func writeClosing(_ document: OfficialDocument) {
        flushBreak()
        // Kept with the signature, as the body's last lines are: the signature never stands alone on a page.
        xml += "<w:p><w:pPr><w:keepNext/></w:pPr></w:p>"
        let left = textWidth * 45 / 100
        let right = textWidth - left
        startLayoutTable(widths: [left, right], cantSplit: true)
        xml += "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
        startCell(width: left)
        var format = ParagraphFormat(style: "DocLayout")
        format.alignment = "left"
        if document.recipients.isEmpty {
            emptyParagraph()
        } else {
            format.spacingBefore = 120
            paragraph("Nơi nhận:", format, RunFormat(bold: true, italic: true, size: 24))
            format.spacingBefore = 0
            for recipient in document.recipients {
                paragraph(Self.dashed(recipient), format, RunFormat(size: 22))
            }
        }
        xml += "</w:tc>"
        startCell(width: right)
        let signature = document.signature
        var signFormat = ParagraphFormat(style: "DocLayout")
        signFormat.spacingBefore = 120
        signFormat.keepNext = true
        let bold = RunFormat(bold: true, size: 28)
        if !signature.authority.isEmpty {
            paragraph(signature.authority, signFormat, bold)
            signFormat.spacingBefore = 0
        }
        paragraph(signature.position, signFormat, bold)
        signFormat.spacingBefore = Self.signatureSpace
        signFormat.keepNext = false
        paragraph(signature.name, signFormat, bold)
        xml += "</w:tc></w:tr></w:tbl>"
    }

    /// Ends the section so far with a paragraph holding its properties (a section break to a
    /// new page), for the landscape pages of wide tables.
    private mutating func endSection(landscape: Bool) {
        xml += "<w:p><w:pPr>"
        writeSection(landscape: landscape, first: !sectionsEnded)
        xml += "</w:pPr></w:p>"
        sectionsEnded = true
    }

    private mutating func writeSection(landscape: Bool, first: Bool = true) {
        let width = landscape ? PageGeometry.longSide : PageGeometry.shortSide
        let height = landscape ? PageGeometry.shortSide : PageGeometry.longSide
        xml += "<w:sectPr>"
        xml += #"<w:headerReference w:type="default" r:id="rIdHeaderDefault"/>"#
        xml += #"<w:headerReference w:type="first" r:id="rIdHeaderFirst"/>"#
        xml += #"<w:pgSz w:w="\#(width)" w:h="\#(height)"\#(landscape ? #" w:orient="landscape""# : "")/>"#
        xml += #"<w:pgMar w:top="\#(PageGeometry.top)" w:right="\#(PageGeometry.right)" "#
        xml += #"w:bottom="\#(PageGeometry.bottom)" w:left="\#(PageGeometry.left)" "#
        xml += #"w:header="\#(PageGeometry.header)" w:footer="\#(PageGeometry.header)" w:gutter="0"/>"#
        // Page numbers from page 2 on (Decree 30): the first page takes the empty header; later
        // sections (landscape pages) number every page, continuing.
        xml += first ? "<w:titlePg/></w:sectPr>" : "</w:sectPr>"
    }

    // MARK: - Body

    private mutating func writeBlock(_ block: Block) throws {
        switch block {
        case let .heading(text, level):
            let style = "DocHeading\(min(max(level, 1), 3))"
            paragraph(text, ParagraphFormat(style: style, keepNext: keepWithClosing), RunFormat())
        case let .paragraph(text):
            paragraph(text, ParagraphFormat(style: "DocBody", keepNext: keepWithClosing), RunFormat())
        case let .bullets(items):
            for (i, item) in items.enumerated() {
                paragraph(Self.dashed(item), ParagraphFormat(style: "DocBody", keepNext: keepWithClosing && i == items.count - 1), RunFormat())
            }
        case let .note(text):
            paragraph(text, ParagraphFormat(style: "DocNote", keepNext: keepWithClosing), RunFormat())
        case let .caption(text):
            var format = ParagraphFormat(style: "DocNote")
            format.keepNext = true
            paragraph(text, format, RunFormat())
        case let .landscape(blocks):
            guard !inLandscape else {
                for b in blocks { try writeBlock(b) }
                return
            }
            // Portrait so far, then these blocks on landscape pages, then portrait again.
            breakBeforeNext = false  // a section starts a page of its own
            endSection(landscape: false)
            let portraitWidth = textWidth
            textWidth = PageGeometry.textWidth(landscape: true)
            inLandscape = true
            // The signature follows the portrait pages: nothing here is kept with it.
            let keep = keepWithClosing
            keepWithClosing = false
            for b in blocks { try writeBlock(b) }
            endSection(landscape: true)
            keepWithClosing = keep
            breakBeforeNext = false  // the section after starts a page of its own
            inLandscape = false
            textWidth = portraitWidth
        case .pageBreak:
            // The paragraph that parts a table from what follows is not needed before a new
            // page (the next paragraph starts it), and would stand alone on a page of its own.
            if xml.hasSuffix("<w:p/>") { xml.removeLast("<w:p/>".count) }
            breakBeforeNext = true
        case let .table(table):
            try writeTable(table)
            // Two tables with nothing between them would merge into one. The body's last table
            // is parted from the signature by the closing's own paragraph, kept with it.
            if !keepWithClosing { emptyParagraph() }
        }
    }

    /// A page break asked for before something that is not a paragraph (a table): an empty
    /// paragraph starts the page.
    private mutating func flushBreak() {
        guard breakBeforeNext else { return }
        breakBeforeNext = false
        xml += "<w:p><w:pPr><w:pageBreakBefore/></w:pPr></w:p>"
    }

    private mutating func writeTable(_ table: Table) throws {
        try TableCheck.validate(table)
        flushBreak()
        let widths = Self.columnWidths(table.columns.map(\.width), total: textWidth)
        xml += #"<w:tbl><w:tblPr><w:tblStyle w:val="DocGridTable"/><w:tblW w:w="\#(textWidth)" w:type="dxa"/>"#
        xml += "<w:tblBorders>"
        for side in ["top", "left", "bottom", "right", "insideH", "insideV"] {
            xml += #"<w:\#(side) w:val="single" w:sz="4" w:space="0" w:color="000000"/>"#
        }
        xml += #"</w:tblBorders><w:tblLayout w:type="fixed"/>"#
        xml += #"<w:tblCellMar><w:left w:w="85" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar>"#
        xml += #"<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/>"#
        xml += "</w:tblPr><w:tblGrid>"
        for width in widths { xml += #"<w:gridCol w:w="\#(width)"/>"# }
        xml += "</w:tblGrid>"

        let header = ParagraphFormat(style: "TableHeading")
        // A wide table (the contributions of a standard's every indicator) in smaller type, so
        // that its words and its percentages fit their columns: 10 pt from 10 columns, 8 pt from 15.
        let size: Int? = table.columns.count >= 15 ? 16 : table.columns.count >= 10 ? 20 : nil
        let headerRow = "<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>"
        if table.groups.isEmpty {
            xml += headerRow
            for (column, width) in zip(table.columns, widths) {
                tableCell(column.title, width: width, header, RunFormat(size: size))
            }
            xml += "</w:tr>"
        } else {
            xml += headerRow
            var index = 0
            for group in table.groups {
                let span = index..<(index + group.span)
                if let title = group.title {
                    tableCell(title, width: widths[span].reduce(0, +), span: group.span, header, RunFormat(size: size))
                } else {
                    for column in span {
                        tableCell(table.columns[column].title, width: widths[column], merge: .restart, header, RunFormat(size: size))
                    }
                }
                index += group.span
            }
            xml += "</w:tr>" + headerRow
            index = 0
            for group in table.groups {
                for column in index..<(index + group.span) {
                    if group.title == nil {
                        tableCell("", width: widths[column], merge: .continued, header, RunFormat(size: size))
                    } else {
                        tableCell(table.columns[column].title, width: widths[column], header, RunFormat(size: size))
                    }
                }
                index += group.span
            }
            xml += "</w:tr>"
        }

        for (rowIndex, row) in table.rows.enumerated() {
            xml += "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
            let run = RunFormat(bold: row.bold, italic: row.italic, size: size)
            var column = 0
            for (index, text) in row.cells.enumerated() {
                let span = index == 0 ? row.leadingSpan : 1
                var format = ParagraphFormat(style: "TableText")
                // The last rows of the body's last table go with the signature.
                format.keepNext = keepWithClosing && rowIndex >= table.rows.count - 2
                format.alignment = Self.jc(table.columns[column].alignment)
                tableCell(text, width: widths[column..<(column + span)].reduce(0, +), span: span, format, run)
                column += span
            }
            xml += "</w:tr>"
        }
        xml += "</w:tbl>"
    }

    /// Shares `total` twips among the columns in proportion to their weights; the last
    /// column takes the rounding remainder.
    static func columnWidths(_ weights: [Double], total: Int) -> [Int] {
        let sum = weights.reduce(0, +)
        var widths = weights.map { Int((Double(total) * $0 / sum).rounded()) }
        if !widths.isEmpty { widths[widths.count - 1] += total - widths.reduce(0, +) }
        return widths
    }

    private static func jc(_ alignment: Table.Alignment) -> String {
        switch alignment {
        case .left: "left"
        case .center: "center"
        case .right: "right"
        }
    }

    /// "- text", unless the text already starts with a dash, a plus or a bullet.
    static func dashed(_ text: String) -> String {
        let trimmed = text.drop { $0 == " " || $0 == "\t" }
        if let first = trimmed.first, "-–—+•*".contains(first) { return text }
        return "- " + text
    }

    // MARK: - Building blocks

    private enum VerticalMerge { case none, restart, continued }

    private mutating func tableCell(
        _ text: String, width: Int, span: Int = 1, merge: VerticalMerge = .none,
        _ format: ParagraphFormat, _ run: RunFormat
    ) {
        xml += #"<w:tc><w:tcPr><w:tcW w:w="\#(width)" w:type="dxa"/>"#
        if span > 1 { xml += #"<w:gridSpan w:val="\#(span)"/>"# }
        switch merge {
        case .none: break
        case .restart: xml += #"<w:vMerge w:val="restart"/>"#
        case .continued: xml += "<w:vMerge/>"
        }
        xml += #"<w:vAlign w:val="center"/></w:tcPr>"#
        paragraph(text, format, run)
        xml += "</w:tc>"
    }

    private mutating func startLayoutTable(widths: [Int], cantSplit: Bool = false) {
        xml += #"<w:tbl><w:tblPr><w:tblStyle w:val="DocLayoutTable"/><w:tblW w:w="\#(widths.reduce(0, +))" w:type="dxa"/>"#
        xml += "<w:tblBorders>"
        for side in ["top", "left", "bottom", "right", "insideH", "insideV"] {
            xml += #"<w:\#(side) w:val="nil"/>"#
        }
        xml += #"</w:tblBorders><w:tblLayout w:type="fixed"/>"#
        let margin = Self.layoutCellMargin
        xml += #"<w:tblCellMar><w:left w:w="\#(margin)" w:type="dxa"/><w:right w:w="\#(margin)" w:type="dxa"/></w:tblCellMar>"#
        xml += #"<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/>"#
        xml += "</w:tblPr><w:tblGrid>"
        for width in widths { xml += #"<w:gridCol w:w="\#(width)"/>"# }
        xml += "</w:tblGrid>"
    }

    private mutating func startCell(width: Int) {
        xml += #"<w:tc><w:tcPr><w:tcW w:w="\#(width)" w:type="dxa"/></w:tcPr>"#
    }

    /// A short centred horizontal rule: an empty, very low paragraph with a top border,
    /// indented to leave `length` twips of `within`.
    private mutating func rule(length: Int, within: Int, keepNext: Bool = false) {
        let side = max((within - length) / 2, 0)
        xml += "<w:p><w:pPr>"
        if keepNext { xml += "<w:keepNext/>" }
        // Space above the border rather than border spacing: LibreOffice draws a
        // bordered paragraph of exact height too close to the line above otherwise.
        xml += #"<w:pBdr><w:top w:val="single" w:sz="6" w:space="0" w:color="000000"/></w:pBdr>"#
        xml += #"<w:spacing w:before="100" w:after="0" w:line="120" w:lineRule="exact"/>"#
        xml += #"<w:ind w:left="\#(side)" w:right="\#(side)" w:firstLine="0"/><w:jc w:val="center"/>"#
        xml += #"<w:rPr><w:sz w:val="4"/><w:szCs w:val="4"/></w:rPr></w:pPr></w:p>"#
    }

    private mutating func emptyParagraph() {
        xml += "<w:p/>"
    }

    /// Paragraph properties that are set directly (on top of the style).
    struct ParagraphFormat {
        var style: String
        var keepNext = false
        var bottomBorder = false
        var spacingBefore: Int?
        var indentLeft: Int?
        var indentRight: Int?
        var alignment: String?
    }

    /// Run properties; `size` in half points (26 = 13 pt).
    struct RunFormat {
        var bold = false
        var italic = false
        var size: Int?

        var properties: String {
            var rPr = ""
            if bold { rPr += "<w:b/><w:bCs/>" }
            if italic { rPr += "<w:i/><w:iCs/>" }
            if let size { rPr += #"<w:sz w:val="\#(size)"/><w:szCs w:val="\#(size)"/>"# }
            return rPr.isEmpty ? "" : "<w:rPr>" + rPr + "</w:rPr>"
        }
    }

    private mutating func paragraph(_ text: String, _ format: ParagraphFormat, _ run: RunFormat) {
        xml += #"<w:p><w:pPr><w:pStyle w:val="\#(format.style)"/>"#
        if format.keepNext { xml += "<w:keepNext/>" }
        if breakBeforeNext {
            xml += "<w:pageBreakBefore/>"
            breakBeforeNext = false
        }
        if format.bottomBorder {
            xml += #"<w:pBdr><w:bottom w:val="single" w:sz="6" w:space="1" w:color="000000"/></w:pBdr>"#
        }
        if let before = format.spacingBefore { xml += #"<w:spacing w:before="\#(before)"/>"# }
        if format.indentLeft != nil || format.indentRight != nil {
            xml += #"<w:ind w:left="\#(format.indentLeft ?? 0)" w:right="\#(format.indentRight ?? 0)"/>"#
        }
        if let alignment = format.alignment { xml += #"<w:jc w:val="\#(alignment)"/>"# }
        let properties = run.properties
        xml += properties  // the paragraph mark formatted like its text
        xml += "</w:pPr>"
        appendRun(text, properties: properties)
        xml += "</w:p>"
    }

    /// One run holding `text`: line feeds become `<w:br/>`, tabs `<w:tab/>`.
    private mutating func appendRun(_ text: String, properties: String) {
        let clean = XMLText.clean(text)
        guard !clean.isEmpty else { return }
        xml += "<w:r>" + properties
        var open = false
        for scalar in clean.unicodeScalars {
            switch scalar {
            case "\n", "\t":
                if open { xml += "</w:t>"; open = false }
                xml += scalar == "\n" ? "<w:br/>" : "<w:tab/>"
            default:
                if !open { xml += #"<w:t xml:space="preserve">"#; open = true }
                switch scalar {
                case "&": xml += "&amp;"
                case "<": xml += "&lt;"
                case ">": xml += "&gt;"
                default: xml.unicodeScalars.append(scalar)
                }
            }
        }
        if open { xml += "</w:t>" }
        xml += "</w:r>"
    }
}

/// Text made fit for XML.
enum XMLText {
    /// NFC (so that Vietnamese letters are single precomposed characters), line breaks
    /// as line feeds, and without what XML 1.0 cannot carry or Word would show as boxes:
    /// control characters other than tab and line feed, U+007F–U+009F, U+FFFE, U+FFFF.
    static func clean(_ text: String) -> String {
        let normalised = text.precomposedStringWithCanonicalMapping
        var scalars = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in normalised.unicodeScalars {
            defer { previousWasCR = scalar == "\r" }
            switch scalar.value {
            case 0x0D: scalars.append("\n")
            case 0x0A: if !previousWasCR { scalars.append("\n") }
            case 0x09: scalars.append(scalar)
            case 0x00..<0x20, 0x7F...0x9F, 0xFFFE, 0xFFFF: continue
            default: scalars.append(scalar)
            }
        }
        return String(scalars)
    }
}

/// A rough width of a line of Times New Roman, in twips, for sizing the short rules
/// under the issuing body and the subject (Decree 30 wants them 1/3 to 1/2 of the line).
enum TextWidth {
    static func estimate(_ text: String, points: Double, bold: Bool) -> Int {
        var ems = 0.0
        for character in XMLText.clean(text) {
            if character == " " {
                ems += 0.25
            } else if character.isUppercase {
                ems += bold ? 0.72 : 0.68
            } else if character.isLowercase {
                ems += bold ? 0.50 : 0.46
            } else if character.isNumber {
                ems += 0.5
            } else {
                ems += 0.33
            }
        }
        return Int(ems * points * 20)
    }

    /// Words before which the name of a body breaks best: "TỔNG LIÊN ĐOÀN LAO ĐỘNG /
    /// VIỆT NAM", "LIÊN ĐOÀN LAO ĐỘNG / TỈNH NINH BÌNH".
    private static let breakWords: [[String]] = [
        "VIỆT NAM", "TỈNH", "THÀNH PHỐ", "HUYỆN", "QUẬN", "THỊ XÃ", "XÃ", "PHƯỜNG", "THỊ TRẤN",
        "LIÊN ĐOÀN LAO ĐỘNG", "CÔNG ĐOÀN", "NGÀNH", "KHU", "TỔNG CÔNG TY", "CÔNG TY", "BAN",
    ].map { $0.split(separator: " ").map(String.init) }

    /// A body's name with line feeds where it reads best, when it is estimated not to
    /// fit on one line of `width` twips: each line as long as fits, broken before a word
    /// of `breakWords`. A name that has line feeds already, or fits, or has no such word,
    /// is left to the word processor's own wrapping.
    static func breakName(_ name: String, points: Double, bold: Bool, width: Int) -> String {
        let clean = XMLText.clean(name)
        guard !clean.contains("\n") else { return name }
        var rest = clean.split(separator: " ").map(String.init)
        var lines: [String] = []
        func fits(_ words: ArraySlice<String>) -> Bool {
            estimate(words.joined(separator: " "), points: points, bold: bold) <= width
        }
        while !fits(rest[...]) {
            let upper = rest.map { $0.uppercased() }
            let cut = (1..<max(rest.count, 1)).reversed().first { index in
                fits(rest[..<index]) && breakWords.contains { upper[index...].starts(with: $0) }
            }
            guard let cut else { break }
            lines.append(rest[..<cut].joined(separator: " "))
            rest = Array(rest[cut...])
        }
        guard !lines.isEmpty else { return name }
        return (lines + [rest.joined(separator: " ")]).joined(separator: "\n")
    }
}

/// Checks that a table's cells and groups add up to its columns.
enum TableCheck {
    static func validate(_ table: Table) throws {
        let count = table.columns.count
        guard count > 0 else {
            throw DocumentError.invalidTable(reason: "bảng không có cột nào / the table has no columns")
        }
        for (index, column) in table.columns.enumerated() where !(column.width > 0 && column.width.isFinite) {
            throw DocumentError.invalidTable(
                reason: "cột \(index + 1) có độ rộng \(column.width) / column \(index + 1) has width \(column.width)")
        }
        if !table.groups.isEmpty {
            let spans = table.groups.map(\.span)
            guard spans.allSatisfy({ $0 >= 1 }), spans.reduce(0, +) == count else {
                throw DocumentError.invalidTable(
                    reason: "các nhóm tiêu đề phủ \(spans.reduce(0, +)) cột, bảng có \(count) cột / "
                        + "the header groups cover \(spans.reduce(0, +)) columns, the table has \(count)")
            }
        }
        for (index, row) in table.rows.enumerated() {
            guard (1...count).contains(row.leadingSpan) else {
                throw DocumentError.invalidTable(
                    reason: "dòng \(index + 1): ô đầu gộp \(row.leadingSpan) cột / "
                        + "row \(index + 1): the first cell spans \(row.leadingSpan) columns")
            }
            let expected = count - row.leadingSpan + 1
            guard row.cells.count == expected else {
                throw DocumentError.invalidTable(
                    reason: "dòng \(index + 1) có \(row.cells.count) ô, cần \(expected) / "
                        + "row \(index + 1) has \(row.cells.count) cells, needs \(expected)")
            }
        }
    }
}
