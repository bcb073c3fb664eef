import Foundation
import XCTest
import ZIPFoundation
@testable import Documents

final class DOCXTests: XCTestCase {
    func testReportReadsBackInPythonDocx() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("Báo cáo giảm nghèo 2025.docx")
        try sampleReport().write(to: url)

        let seen = try inspectWithPythonDocx(url)
        // A4, margins top/bottom 20 mm, left 30 mm, right 15 mm (EMU: 36,000 per mm).
        XCTAssertEqual(try millimetres(seen["page_width"]), 210, accuracy: 0.1)
        XCTAssertEqual(try millimetres(seen["page_height"]), 297, accuracy: 0.1)
        XCTAssertEqual(try millimetres(seen["top"]), 20, accuracy: 0.1)
        XCTAssertEqual(try millimetres(seen["bottom"]), 20, accuracy: 0.1)
        XCTAssertEqual(try millimetres(seen["left"]), 30, accuracy: 0.1)
        XCTAssertEqual(try millimetres(seen["right"]), 15, accuracy: 0.1)
        XCTAssertEqual(seen["orientation"] as? Int, 0)
        XCTAssertEqual(seen["normal_font"] as? String, "Times New Roman")
        XCTAssertEqual(seen["normal_size"] as? Double, 13)

        let paragraphs = try XCTUnwrap(seen["paragraphs"] as? [String])
        for expected in [
            // Too long for the left column in portrait: broken where they read best.
            "TỔNG LIÊN ĐOÀN LAO ĐỘNG\nVIỆT NAM", "LIÊN ĐOÀN LAO ĐỘNG\nTỈNH NINH BÌNH", "Số: 12/BC-LĐLĐ",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
            "Ninh Bình, ngày 05 tháng 01 năm 2026", "BÁO CÁO",
            "Kết quả thực hiện chương trình giảm nghèo bền vững năm 2025",
            "I. KẾT QUẢ ĐẠT ĐƯỢC", "II. NHIỆM VỤ TRỌNG TÂM NĂM 2026",
            "- Tiếp tục hỗ trợ đoàn viên thoát nghèo bền vững;",
            "Ghi chú: số liệu tính đến ngày 31/12/2025.",
            "Nơi nhận:", "- Tổng LĐLĐ Việt Nam (để b/c);", "- Lưu: VT, CSPL.",
            "TM. BAN THƯỜNG VỤ", "CHỦ TỊCH", "Nguyễn Văn An",
        ] {
            XCTAssertTrue(paragraphs.contains(expected), "missing paragraph \(expected)")
        }
        // Body text stays NFC: the same bytes as the (NFC) literal.
        XCTAssertTrue(paragraphs.contains { $0.hasPrefix("Thực hiện Chương trình mục tiêu quốc gia") })

        // Tables: heading, the data table, the closing (recipients | signature).
        let tables = try XCTUnwrap(seen["tables"] as? [[[String]]])
        XCTAssertEqual(tables.count, 3)
        let data = tables[1]
        XCTAssertEqual(data.count, 6)  // two header rows, four body rows
        XCTAssertEqual(data[0], ["STT", "Đơn vị", "Hộ nghèo", "Hộ nghèo", "Hộ cận nghèo", "Hộ cận nghèo"])
        XCTAssertEqual(data[1], ["STT", "Đơn vị", "Số hộ", "Tỷ lệ (%)", "Số hộ", "Tỷ lệ (%)"])
        XCTAssertEqual(data[2], ["1", "Công đoàn Khu công nghiệp Gián Khẩu", "1.234", "3,21", "2.345", "6,10"])
        XCTAssertEqual(data[5], ["Tổng cộng", "Tổng cộng", "1.890", "4,92", "3.355", "8,72"])
    }

    func testOfficialLetterPutsItsSubjectUnderTheNumber() throws {
        var letter = sampleReport()
        letter.kind = ""
        letter.number = "Số:      /LĐLĐ-CSPL"
        letter.subject = "V/v đề nghị hỗ trợ hộ đoàn viên nghèo"
        letter.date = .blank(year: 2026)
        letter.addressees = ["Ủy ban nhân dân tỉnh Ninh Bình"]
        letter.body = [.paragraph("Liên đoàn Lao động tỉnh đề nghị ...")]
        letter.signature = Signature(authority: "KT. CHỦ TỊCH", position: "PHÓ CHỦ TỊCH", name: "Trần Thị Bình")
        let xml = try documentXML(letter)
        XCTAssertFalse(xml.contains("DocKind"))
        XCTAssertTrue(xml.contains("V/v đề nghị hỗ trợ hộ đoàn viên nghèo"))
        XCTAssertTrue(xml.contains("Kính gửi: Ủy ban nhân dân tỉnh Ninh Bình"))
        XCTAssertTrue(xml.contains("Ninh Bình, ngày     tháng     năm 2026"))
        // The subject sits in the heading table, before the number's table ends.
        let subject = try XCTUnwrap(xml.range(of: "V/v đề nghị"))
        let firstTableEnd = try XCTUnwrap(xml.range(of: "</w:tbl>"))
        XCTAssertLessThan(subject.lowerBound, firstTableEnd.lowerBound)

        letter.addressees = ["Ủy ban nhân dân tỉnh;", "Sở Lao động - Thương binh và Xã hội."]
        let list = try documentXML(letter)
        XCTAssertTrue(list.contains(">Kính gửi:<"))
        XCTAssertTrue(list.contains(">- Sở Lao động - Thương binh và Xã hội.<"))
    }

    func testDocumentXMLIsWholeAndStructured() throws {
        let xml = try documentXML(sampleReport())
        // Header rows repeat on each page; the total row is bold; numbers right-aligned.
        XCTAssertEqual(xml.components(separatedBy: "<w:tblHeader/>").count - 1, 2)
        XCTAssertTrue(xml.contains(#"<w:gridSpan w:val="2"/>"#))
        XCTAssertTrue(xml.contains(#"<w:vMerge w:val="restart"/>"#))
        XCTAssertTrue(xml.contains(#"<w:jc w:val="right"/></w:pPr><w:r><w:rPr><w:b/><w:bCs/></w:rPr><w:t xml:space="preserve">1.890"#)
            || xml.contains(#"<w:jc w:val="right"/><w:rPr><w:b/><w:bCs/></w:rPr></w:pPr><w:r><w:rPr><w:b/><w:bCs/></w:rPr><w:t xml:space="preserve">1.890"#))
        XCTAssertTrue(xml.contains(#"<w:titlePg/>"#))
        XCTAssertTrue(xml.contains(#"<w:pgSz w:w="11906" w:h="16838"/>"#))
        XCTAssertFalse(xml.contains("Skeleton:"))

        let wide = try documentXML(sampleReport(landscape: true))
        XCTAssertTrue(wide.contains(#"<w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/>"#))
    }

    func testWideTablesGoOnLandscapePagesOfTheirOwn() throws {
        var doc = sampleReport()
        let wide = Table(columns: (1...12).map { .init("Cột \($0)", alignment: .right) }, rows: [(1...12).map(String.init)])
        doc.body = [.paragraph("Trước bảng."), .landscape([.heading("Bảng rộng", level: 2), .caption("đơn vị: hộ"), .table(wide)]),
                    .paragraph("Sau bảng.")]
        let xml = try documentXML(doc)
        // Three sections: portrait (numbered from page 2), the landscape pages, portrait again.
        let sections = xml.components(separatedBy: "<w:sectPr>").dropFirst().map { $0.components(separatedBy: "</w:sectPr>")[0] }
        XCTAssertEqual(sections.count, 3)
        XCTAssertTrue(sections[0].contains(#"<w:pgSz w:w="11906" w:h="16838"/>"#) && sections[0].contains("<w:titlePg/>"))
        XCTAssertTrue(sections[1].contains(#"w:orient="landscape""#) && !sections[1].contains("<w:titlePg/>"))
        XCTAssertTrue(sections[2].contains(#"<w:pgSz w:w="11906" w:h="16838"/>"#) && !sections[2].contains("<w:titlePg/>"))
        // The wide table takes the landscape text width; the caption keeps with it.
        XCTAssertTrue(xml.contains(#"<w:tblW w:w="\#(PageGeometry.textWidth(landscape: true))" w:type="dxa"/>"#))
        XCTAssertTrue(xml.contains(#"<w:pStyle w:val="DocNote"/><w:keepNext/>"#))
        // Inside a landscape document the group is written as is.
        doc.landscape = true
        XCTAssertEqual(try documentXML(doc).components(separatedBy: "<w:sectPr>").count - 1, 1)
    }

    func testSkeletonPartsAreCopied() throws {
        let archive = try Archive(data: try sampleReport().docxData(), accessMode: .read)
        let paths = archive.map(\.path)
        XCTAssertEqual(paths.first, "[Content_Types].xml")
        for part in ["_rels/.rels", "word/_rels/document.xml.rels", "word/styles.xml", "word/settings.xml",
                     "word/fontTable.xml", "word/header1.xml", "word/header2.xml", "word/document.xml"] {
            XCTAssertTrue(paths.contains(part), "missing \(part)")
        }
        let styles = try XCTUnwrap(archive["word/styles.xml"])
        var data = Data()
        _ = try archive.extract(styles) { data.append($0) }
        XCTAssertTrue(String(decoding: data, as: UTF8.self)
            .contains(#"w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="Times New Roman" w:cs="Times New Roman""#))
    }

    /// The committed skeleton.docx holds exactly the parts under Sources/Documents/Skeleton:
    /// whoever edits a part must run Skeleton/make-skeleton.sh.
    func testSkeletonMatchesItsParts() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Sources/Documents/Skeleton").standardized
        guard FileManager.default.fileExists(atPath: folder.path) else {
            throw XCTSkip("sources not at hand: \(folder.path)")
        }
        let archive = try Archive(data: Data(PackageResources.skeleton_docx), accessMode: .read)
        var zipped: [String: Data] = [:]
        for entry in archive {
            var data = Data()
            _ = try archive.extract(entry) { data.append($0) }
            zipped[entry.path] = data
        }
        var onDisk: [String: Data] = [:]
        let enumerator = try XCTUnwrap(FileManager.default.enumerator(atPath: folder.path))
        for case let path as String in enumerator where path.hasSuffix(".xml") || path.hasSuffix(".rels") {
            onDisk[path] = try Data(contentsOf: folder.appendingPathComponent(path))
        }
        XCTAssertEqual(Set(zipped.keys), Set(onDisk.keys))
        for (path, data) in onDisk {
            XCTAssertEqual(zipped[path], data, "\(path) differs: run Sources/Documents/Skeleton/make-skeleton.sh")
        }
    }

    func testEscapingAndControlCharacters() throws {
        var document = sampleReport()
        let tricky = "A < B && C > D, \"trích\" 'dẫn' ]]> <w:t>x</w:t>\u{0}\u{1}\u{7}\u{8}\u{B}\u{C}\u{1B}\u{7F}\u{FFFE}\u{FFFF} cuối"
        // Decomposed letters (base + combining marks, as some keyboards and PDFs give
        // them) must come out precomposed (NFC).
        let decomposed = "Nguye\u{0302}\u{0303}n Thi\u{0323} Ho\u{0300}a Tru\u{031B}o\u{031B}\u{0300}ng"
        document.subject = tricky
        document.signature.name = decomposed
        document.body.append(.paragraph("dòng một\r\ndòng hai\tcột\rdòng ba"))
        document.body.append(.table(Table(
            columns: [.init("Tên & \"mã\""), .init("<giá trị>", alignment: .right)],
            rows: [["a\u{2}b", "1 < 2"]])))
        document.recipients.append("Ông <A> & Bà \"B\";")

        let xml = try documentXML(document)
        XCTAssertTrue(xml.contains("A &lt; B &amp;&amp; C &gt; D, \"trích\" 'dẫn' ]]&gt; &lt;w:t&gt;x&lt;/w:t&gt; cuối"), xml)
        XCTAssertTrue(xml.contains("Nguyễn Thị Hòa Trường"))
        XCTAssertFalse(xml.unicodeScalars.contains { (0x300...0x323).contains($0.value) })
        XCTAssertTrue(xml.contains(#"dòng một</w:t><w:br/><w:t xml:space="preserve">dòng hai</w:t><w:tab/><w:t xml:space="preserve">cột</w:t><w:br/>"#))

        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("escaping.docx")
        try document.write(to: url)
        let seen = try inspectWithPythonDocx(url)
        let paragraphs = try XCTUnwrap(seen["paragraphs"] as? [String])
        XCTAssertTrue(paragraphs.contains("A < B && C > D, \"trích\" 'dẫn' ]]> <w:t>x</w:t> cuối"), "\(paragraphs)")
        XCTAssertTrue(paragraphs.contains("Nguyễn Thị Hòa Trường"))
        XCTAssertTrue(paragraphs.contains("- Ông <A> & Bà \"B\";"))
        XCTAssertTrue(paragraphs.contains("dòng một\ndòng hai\tcột\ndòng ba"), "\(paragraphs)")
        let tables = try XCTUnwrap(seen["tables"] as? [[[String]]])
        XCTAssertEqual(tables[2], [["Tên & \"mã\"", "<giá trị>"], ["ab", "1 < 2"]])
    }

    func testLongNamesBreakBeforeThePlace() {
        let width = 4002  // the left heading column in portrait, less cell margins
        XCTAssertEqual(TextWidth.breakName("TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM", points: 12, bold: false, width: width),
                       "TỔNG LIÊN ĐOÀN LAO ĐỘNG\nVIỆT NAM")
        XCTAssertEqual(TextWidth.breakName("BAN THƯỜNG VỤ LIÊN ĐOÀN LAO ĐỘNG TỈNH NINH BÌNH", points: 12, bold: true, width: width),
                       "BAN THƯỜNG VỤ\nLIÊN ĐOÀN LAO ĐỘNG\nTỈNH NINH BÌNH")
        XCTAssertEqual(TextWidth.breakName("CÔNG ĐOÀN NGÀNH GIÁO DỤC", points: 12, bold: true, width: width),
                       "CÔNG ĐOÀN NGÀNH GIÁO DỤC")
        XCTAssertEqual(TextWidth.breakName("LIÊN ĐOÀN LAO ĐỘNG\nTỈNH NINH BÌNH", points: 12, bold: true, width: 1000),
                       "LIÊN ĐOÀN LAO ĐỘNG\nTỈNH NINH BÌNH")
        XCTAssertEqual(TextWidth.breakName("ABCDEFGHIJKLMNOPQRSTUVWXYZ ABCDEFGHIJ", points: 12, bold: true, width: width),
                       "ABCDEFGHIJKLMNOPQRSTUVWXYZ ABCDEFGHIJ")
        // In landscape they fit on one line each.
        let wide = String(decoding: try! DocumentXML.make(sampleReport(landscape: true)), as: UTF8.self)
        XCTAssertTrue(wide.contains("LIÊN ĐOÀN LAO ĐỘNG TỈNH NINH BÌNH"))
    }

    /// A page break after a table starts the next paragraph's page (no paragraph left to
    /// stand alone on a page of its own), and a body that ends with a table keeps its last rows
    /// with the signature, with nothing between them that a page could break at.
    func testPageBreaksAndTheSignatureKeepTheirNeighbours() throws {
        var document = sampleReport()
        guard case let .table(table) = document.body.first(where: { if case .table = $0 { return true } else { return false } }) else {
            return XCTFail("no table in the sample")
        }
        document.body = [.paragraph("Mở đầu."), .table(table), .pageBreak, .heading("II. TIẾP"), .table(table)]
        let xml = String(decoding: try DocumentXML.make(document), as: UTF8.self)
        XCTAssertFalse(xml.contains(#"<w:br w:type="page"/>"#))
        XCTAssertTrue(xml.contains(#"</w:tbl><w:p><w:pPr><w:pStyle w:val="DocHeading1"/><w:pageBreakBefore/>"#), "the heading starts the page")
        XCTAssertTrue(xml.contains(#"</w:tbl><w:p><w:pPr><w:keepNext/></w:pPr></w:p><w:tbl>"#), "the last table runs into the signature")
        let lastTable = try XCTUnwrap(xml.range(of: "<w:tbl>", options: .backwards).flatMap { end in xml[..<end.lowerBound].range(of: "<w:tbl>", options: .backwards) })
        XCTAssertGreaterThanOrEqual(xml[lastTable.lowerBound...].components(separatedBy: "<w:keepNext/>").count - 1, 2 * 6)
        // Between two tables a page break still leaves a paragraph to part them.
        document.body = [.table(table), .pageBreak, .table(table), .paragraph("Hết.")]
        let two = String(decoding: try DocumentXML.make(document), as: UTF8.self)
        XCTAssertTrue(two.contains(#"</w:tbl><w:p><w:pPr><w:pageBreakBefore/></w:pPr></w:p><w:tbl>"#))
    }

    func testDateLine() {
        XCTAssertEqual(DocumentDate(day: 5, month: 1, year: 2026).line(place: "Ninh Bình"),
                       "Ninh Bình, ngày 05 tháng 01 năm 2026")
        XCTAssertEqual(DocumentDate(day: 15, month: 3, year: 2026).vietnamese, "ngày 15 tháng 3 năm 2026")
        XCTAssertEqual(DocumentDate(day: 28, month: 2, year: 2026).vietnamese, "ngày 28 tháng 02 năm 2026")
        XCTAssertEqual(DocumentDate(day: 1, month: 12, year: 2025).vietnamese, "ngày 01 tháng 12 năm 2025")
        XCTAssertEqual(DocumentDate.blank(year: 2026).line(place: "Ninh Bình"),
                       "Ninh Bình, ngày     tháng     năm 2026")
        // 31/12/2025 17:30 UTC is already 1 January 2026 in Vietnam.
        let instant = Date(timeIntervalSince1970: 1_767_202_200)
        XCTAssertEqual(DocumentDate(instant), DocumentDate(day: 1, month: 1, year: 2026))
    }

    func testInvalidTablesAreRefused() {
        func refuses(_ table: Table, _ fragment: String, line: UInt = #line) {
            var document = sampleReport()
            document.body = [.table(table)]
            XCTAssertThrowsError(try document.docxData(), line: line) { error in
                guard case let DocumentError.invalidTable(reason) = error else {
                    return XCTFail("unexpected \(error)", line: line)
                }
                XCTAssertTrue(reason.contains(fragment), reason, line: line)
                XCTAssertTrue("\(error)".hasPrefix("bảng không hợp lệ / invalid table: "), line: line)
            }
        }
        let columns: [Table.Column] = [.init("A"), .init("B"), .init("C")]
        refuses(Table(columns: columns, rows: [["1", "2"]]), "row 1 has 2 cells, needs 3")
        refuses(Table(columns: columns, rows: [Table.Row(["Tổng", "2"], leadingSpan: 3)]), "row 1 has 2 cells, needs 1")
        refuses(Table(columns: columns, groups: [.ungrouped(1), .init("X", span: 1)], rows: []), "cover 2 columns")
        refuses(Table(columns: [], rows: []), "no columns")
        refuses(Table(columns: [.init("A", width: 0)], rows: []), "column 1 has width 0")
    }

    func testWriteIsAtomicAndReplaces() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("r.docx")
        try Data("old".utf8).write(to: url)
        try sampleReport().write(to: url)
        XCTAssertEqual(try Data(contentsOf: url).prefix(2), Data("PK".utf8))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["r.docx"])
        XCTAssertThrowsError(try sampleReport().write(to: directory.appendingPathComponent("no/such/dir/r.docx"))) {
            XCTAssertTrue("\($0)".contains("không ghi được tệp"), "\($0)")
        }
    }

    private func documentXML(_ document: OfficialDocument) throws -> String {
        let archive = try Archive(data: try document.docxData(), accessMode: .read)
        let entry = try XCTUnwrap(archive["word/document.xml"])
        var data = Data()
        _ = try archive.extract(entry) { data.append($0) }
        return String(decoding: data, as: UTF8.self)
    }

    private func millimetres(_ emu: Any?) throws -> Double {
        Double(try XCTUnwrap(emu as? Int)) / 36_000
    }
}

final class PDFConverterTests: XCTestCase {
    func testReportConvertsToPDFWithVietnameseText() async throws {
        let converter = try requireOffice()
        let pdftotext = try requireTool(["pdftotext"], package: "poppler-utils")
        let pdffonts = try requireTool(["pdffonts"], package: "poppler-utils")
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }

        // Through a file on disk...
        let docx = directory.appendingPathComponent("báo cáo 2025.docx")
        let pdf = directory.appendingPathComponent("báo cáo 2025.pdf")
        try sampleReport().write(to: docx)
        var clock = ContinuousClock.now
        try await converter.convert(docx: docx, to: pdf)
        let first = ContinuousClock.now - clock
        let data = try Data(contentsOf: pdf)
        XCTAssertTrue(data.starts(with: Array("%PDF".utf8)))
        keepForInspection(docx, pdf)

        // Portrait: the two-column heading wraps the long names at the left, so those are
        // looked for in the reading-order text with line breaks folded into spaces.
        let layout = try pdfText(pdftotext, pdf, layout: true)
        for expected in [
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Số: 12/BC-LĐLĐ",
            "Ninh Bình, ngày 05 tháng 01 năm 2026", "BÁO CÁO", "Nơi nhận:", "TM. BAN THƯỜNG VỤ",
            "Nguyễn Văn An", "Kết quả thực hiện chương trình giảm nghèo bền vững năm 2025",
            "I. KẾT QUẢ ĐẠT ĐƯỢC", "Hộ cận nghèo", "Tổng cộng", "1.234", "3.355",
        ] {
            XCTAssertTrue(layout.contains(expected), "PDF text (-layout) lacks \(expected):\n\(layout)")
        }
        let flowing = try pdfText(pdftotext, pdf, layout: false)
        for expected in [
            "TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM", "LIÊN ĐOÀN LAO ĐỘNG TỈNH NINH BÌNH",
            "Công đoàn Khu công nghiệp Gián Khẩu", "Xây dựng, sửa chữa 50 “Mái ấm Công đoàn”",
        ] {
            XCTAssertTrue(flowing.contains(expected), "PDF text lacks \(expected):\n\(flowing)")
        }
        let fonts = try runTool(pdffonts, [pdf.path])
        XCTAssertEqual(fonts.status, 0, fonts.stderr)
        XCTAssertTrue(fonts.stdout.contains("LiberationSerif") || fonts.stdout.contains("TimesNewRoman"), fonts.stdout)
        // Every font embedded (a missing glyph would have fallen back to another font).
        for line in fonts.stdout.split(separator: "\n").dropFirst(2) {
            XCTAssertTrue(line.contains(" yes "), "font not embedded: \(line)")
        }

        // ...and in memory, as a web handler would.
        clock = ContinuousClock.now
        let second = try await converter.pdfData(for: sampleReport(landscape: true))
        let secondTime = ContinuousClock.now - clock
        XCTAssertTrue(second.starts(with: Array("%PDF".utf8)))
        let landscape = directory.appendingPathComponent("báo cáo 2025 (ngang).pdf")
        try second.write(to: landscape)
        keepForInspection(landscape)
        // Landscape: room for the names on one line each.
        let wide = try pdfText(pdftotext, landscape, layout: true)
        for expected in [
            "TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM", "LIÊN ĐOÀN LAO ĐỘNG TỈNH NINH BÌNH",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Nơi nhận:",
            "Công đoàn Khu công nghiệp Gián Khẩu",
        ] {
            XCTAssertTrue(wide.contains(expected), "landscape PDF text lacks \(expected):\n\(wide)")
        }
        print("PDF conversion: first \(first), second \(secondTime)")
    }

    /// `pdftotext` output; without `layout`, runs of white space (line breaks included)
    /// are folded into one space.
    private func pdfText(_ pdftotext: String, _ pdf: URL, layout: Bool) throws -> String {
        let result = try runTool(pdftotext, (layout ? ["-layout"] : []) + [pdf.path, "-"])
        XCTAssertEqual(result.status, 0, result.stderr)
        guard !layout else { return result.stdout }
        return result.stdout.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    func testConcurrentConversionsAreSerialised() async throws {
        let converter = try requireOffice()
        let clock = ContinuousClock.now
        let sizes = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<3 {
                group.addTask {
                    var document = sampleReport()
                    document.number = "Số: \(index + 1)/BC-LĐLĐ"
                    return try await converter.pdfData(for: document).count
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        XCTAssertEqual(sizes.count, 3)
        XCTAssertTrue(sizes.allSatisfy { $0 > 1000 })
        print("PDF conversion: 3 concurrent requests in \(ContinuousClock.now - clock)")
    }

    func testMissingOfficeIsReportedInBothLanguages() async throws {
        let converter = PDFConverter(executable: "/nonexistent/libreoffice/soffice")
        do {
            _ = try await converter.pdfData(for: sampleReport())
            XCTFail("converted without LibreOffice")
        } catch let error as DocumentError {
            XCTAssertEqual(error, .officeNotInstalled(searched: ["/nonexistent/libreoffice/soffice"]))
            let message = "\(error)"
            XCTAssertTrue(message.contains("cài libreoffice-writer-nogui"), message)
            XCTAssertTrue(message.contains("install libreoffice-writer-nogui"), message)
        }
    }

    func testMissingInputIsReported() async throws {
        let converter = PDFConverter(executable: "/bin/true")
        let missing = URL(fileURLWithPath: "/nonexistent/báo cáo.docx")
        do {
            try await converter.convert(docx: missing, to: URL(fileURLWithPath: "/tmp/never.pdf"))
            XCTFail("converted a missing file")
        } catch let error as DocumentError {
            guard case let .cannotRead(path, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(path, missing.path)
            // The page says what to do; the server's paths stay in the log.
            XCTAssertTrue(error.description.contains("/nonexistent"))
            XCTAssertFalse(error.publicDescription.contains("/nonexistent"), error.publicDescription)
            XCTAssertTrue(error.publicDescription.contains("thử lại"))
        }
    }

    func testFailureCarriesLibreOfficeOutput() async throws {
        // A stand-in "soffice" that prints an error and writes no PDF.
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let fake = directory.appendingPathComponent("soffice")
        try "#!/bin/sh\necho 'Error: source file could not be loaded' >&2\nexit 1\n".write(to: fake, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fake.path)
        do {
            _ = try await PDFConverter(executable: fake.path).pdfData(docx: Data("not a docx".utf8))
            XCTFail("a failed conversion returned data")
        } catch let error as DocumentError {
            XCTAssertEqual(error, .conversionFailed(status: 1, output: "Error: source file could not be loaded"))
            XCTAssertTrue("\(error)".contains("LibreOffice không chuyển được sang PDF"), "\(error)")
        }
    }

    /// A server stopped mid-conversion leaves its work folder (a document with names) and its
    /// profile; the next process removes those of processes that are gone, and no other.
    func testStaleWorkOfGoneProcessesIsRemoved() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var gone: pid_t = 4_000_000
        while kill(gone, 0) == 0 || errno != ESRCH { gone -= 1 }
        let names = ["giamngheo-pdf-\(gone)-A1", "giamngheo-libreoffice-\(gone)-B2", "giamngheo-pdf-\(getpid())-C3",
                     "giamngheo-pdf-1-D4", "giamngheo-pdf-khac", "bao-cao-\(gone)"]
        for name in names {
            try FileManager.default.createDirectory(at: directory.appendingPathComponent(name), withIntermediateDirectories: true)
            try Data("danh sách".utf8).write(to: directory.appendingPathComponent(name).appendingPathComponent("document.docx"))
        }
        OfficeProfile.sweepStale(in: directory)
        let left = Set(try FileManager.default.contentsOfDirectory(atPath: directory.path))
        // This process's, pid 1's (alive), one without a pid, and what is not ours stay.
        XCTAssertEqual(left, ["giamngheo-pdf-\(getpid())-C3", "giamngheo-pdf-1-D4", "giamngheo-pdf-khac", "bao-cao-\(gone)"])
    }

    func testSlowOfficeIsKilledAfterTimeout() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let fake = directory.appendingPathComponent("soffice")
        // The child sleep must die with it (the whole process group is killed).
        try "#!/bin/sh\nsleep 30 &\nwait\n".write(to: fake, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fake.path)
        let clock = ContinuousClock.now
        do {
            _ = try await PDFConverter(executable: fake.path, timeout: 1).pdfData(docx: Data())
            XCTFail("no timeout")
        } catch let error as DocumentError {
            XCTAssertEqual(error, .conversionTimedOut(seconds: 1))
            XCTAssertTrue("\(error)".contains("quá 1 giây"), "\(error)")
        }
        XCTAssertLessThan(ContinuousClock.now - clock, .seconds(10))
    }
}
