import App
import Demo
import Documents
import Foundation
import PovertyCore
import SQLKit
@_spi(Simulation) @testable import Storage
import Testing
import Vapor
import VaporTesting

/// Office tools the download tests read files with (installed by scripts/test.sh).
enum Office {
    static var skip: Bool { ProcessInfo.processInfo.environment["GIAMNGHEO_SKIP_OFFICE_TESTS"] == "1" }

    /// Runs a program; returns its standard output, or records an issue naming what to install.
    static func run(_ executable: String, _ arguments: [String], input: Data? = nil) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(message: "\(executable) \(arguments.first ?? ""): exit \(process.terminationStatus): \(String(decoding: errors, as: UTF8.self))")
        }
        return String(decoding: data, as: UTF8.self)
    }

    struct Failure: Error, CustomStringConvertible { let message: String; var description: String { message } }

    /// A Python 3 that can import both openpyxl and python-docx (Debian's, unless
    /// `GIAMNGHEO_PYTHON` names another).
    static func python() throws -> String {
        var candidates = ["/usr/bin/python3", "/usr/local/bin/python3"]
        if let chosen = ProcessInfo.processInfo.environment["GIAMNGHEO_PYTHON"] { candidates.insert(chosen, at: 0) }
        for c in candidates where FileManager.default.isExecutableFile(atPath: c) {
            if (try? run(c, ["-c", "import openpyxl, docx"])) != nil { return c }
        }
        throw Failure(message: "no python3 with openpyxl and python-docx: apt-get install python3-openpyxl python3-docx (scripts/test.sh does), or set GIAMNGHEO_SKIP_OFFICE_TESTS=1")
    }

    static func temporary(_ data: Data, _ ext: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("giamngheo-test-\(UUID().uuidString).\(ext)")
        try data.write(to: url)
        return url
    }

    /// Every cell of every sheet, with its number format: "sheet!A1\tvalue\tformat\ttype".
    static func xlsxCells(_ data: Data) throws -> (sheets: [String], cells: [String: (value: String, format: String, type: String)], frozen: [String: String]) {
        let url = try temporary(data, "xlsx")
        defer { try? FileManager.default.removeItem(at: url) }
        let script = """
        import sys, openpyxl
        wb = openpyxl.load_workbook(sys.argv[1])
        for ws in wb.worksheets:
            print("SHEET\\t" + ws.title + "\\t" + str(ws.freeze_panes))
            for row in ws.iter_rows():
                for c in row:
                    if c.value is not None:
                        v = str(c.value).replace("\\t", " ").replace("\\n", " ")
                        print("CELL\\t" + ws.title + "!" + c.coordinate + "\\t" + v + "\\t" + c.number_format + "\\t" + type(c.value).__name__ + "\\t" + str(bool(c.font.b)))
        """
        let out = try run(try python(), ["-c", script, url.path])
        var sheets: [String] = [], cells: [String: (String, String, String)] = [:], frozen: [String: String] = [:]
        for line in out.split(separator: "\n") {
            let parts = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            if parts[0] == "SHEET" { sheets.append(parts[1]); frozen[parts[1]] = parts[2] }
            if parts[0] == "CELL", parts.count >= 5 { cells[parts[1]] = (parts[2], parts[3], parts[4]) }
        }
        return (sheets, cells, frozen)
    }

    /// The paragraphs and table cells of a DOCX, and its first section's page size in mm.
    static func docxText(_ data: Data) throws -> String {
        let url = try temporary(data, "docx")
        defer { try? FileManager.default.removeItem(at: url) }
        let script = """
        import sys, docx
        d = docx.Document(sys.argv[1])
        s = d.sections[0]
        print("PAGE", round(s.page_width.mm), round(s.page_height.mm))
        for p in d.paragraphs: print(p.text)
        for t in d.tables:
            for r in t.rows:
                print(" | ".join(c.text for c in r.cells))
        """
        return try run(try python(), ["-c", script, url.path])
    }

    /// Every page of a PDF rendered to PNG (pdftoppm), as (width, height) in pixels: what an
    /// office prints. Fails if a page does not render.
    static func pdfPages(_ data: Data) throws -> [(width: Int, height: Int)] {
        let url = try temporary(data, "pdf")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("giamngheo-pages-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: url); try? FileManager.default.removeItem(at: dir) }
        _ = try run("/usr/bin/pdftoppm", ["-r", "20", "-png", url.path, dir.appendingPathComponent("p").path])
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".png") }.sorted()
        return try files.map { name in
            let png = try Data(contentsOf: dir.appendingPathComponent(name))
            // IHDR: width and height, big-endian, at bytes 16–23.
            guard png.count > 24 else { throw Failure(message: "\(name) is not a PNG") }
            func be(_ i: Int) -> Int { png[i..<i + 4].reduce(0) { $0 << 8 | Int($1) } }
            return (be(png.startIndex + 16), be(png.startIndex + 20))
        }
    }

    static func pdfText(_ data: Data) throws -> String {
        let url = try temporary(data, "pdf")
        defer { try? FileManager.default.removeItem(at: url) }
        return try run("/usr/bin/pdftotext", ["-layout", url.path, "-"])
    }
}

/// The annual reports in the web app: the workflow through the forms, the board and its
/// rate, the standard tables, the provincial summary, and every download opened by the
/// program an office would open it with.
@Suite("Annual reports pages")
struct ReportWebTests {
    func ids(_ app: Application) async throws -> (coso: Int, cosoCode: String, commune: Int, year: Int) {
        let store = app.web.store
        let coso = try await store.account(named: "coso")
        let xa = try await store.account(named: "xaphuong")
        let history = try await store.units.history()
        let year = try #require(try await store.browse.latestYear(try await store.op))
        return (coso.unitID, try #require(history.units[coso.unitID]?.code), xa.unitID, year)
    }

    @Test("draft → submitted → returned → accepted through the forms, and the board counts it", arguments: WebDatabase.available)
    func workflow(db: WebDatabase) async throws {
        try await db.withApp { app, _ in
            let (_, code, _, year) = try await ids(app)
            let path = "/reports/\(code)/\(year)"
            let coso = WebClient(app)
            try await coso.login("coso")
            var page = try await coso.get(path)
            #expect(page.status == .ok && page.body.contains("id=\"report-form\"") && page.body.contains("id=\"report-figures\""))
            let csrf = try #require(page.csrf)
            // Submitting with an empty results part is refused, with the reason, and nothing is stored.
            page = try await coso.post(path, form: ["_csrf": csrf, "action": "submit", "results": " ", "shortcomings": "", "proposals": ""])
            #expect(page.status == .badRequest && page.body.contains("phần kết quả đạt được còn trống"))
            page = try await coso.post(path, form: ["_csrf": csrf, "action": "submit", "results": "Đã hỗ trợ 3 hộ thoát nghèo.",
                                                    "shortcomings": "Thiếu vốn.", "proposals": "Đề nghị tăng vốn vay cho đoàn viên."])
            #expect(page.status == .seeOther || page.status == .found)
            page = try await coso.get(path)
            #expect(page.body.contains("id=\"report-status\">Đã gửi, chờ duyệt") && !page.body.contains("id=\"report-form\""))
            #expect(!page.body.contains("id=\"review-form\""))  // a unit never reviews its own report
            #expect(try await coso.post(path, form: ["_csrf": csrf, "action": "accept", "comment": ""]).status == .badRequest)

            // The commune union sees it on its board, returns it with a comment…
            let xa = WebClient(app)
            try await xa.login("xaphuong")
            var board = try await xa.get("/reports?year=\(year)")
            #expect(board.status == .ok && board.body.contains("id=\"reporting-board\"") && board.body.contains("reporting-submitted"))
            page = try await xa.get(path)
            #expect(page.body.contains("id=\"review-form\""))
            let xcsrf = try #require(page.csrf)
            page = try await xa.post(path, form: ["_csrf": xcsrf, "action": "return", "comment": ""])
            #expect(page.status == .badRequest && page.body.contains("trả lại cần ghi ý kiến"))
            _ = try await xa.post(path, form: ["_csrf": xcsrf, "action": "return", "comment": "Bổ sung số hộ được vay vốn."])
            // …the grassroots union corrects and submits again, and the commune accepts.
            page = try await coso.get(path)
            #expect(page.body.contains("id=\"review-comment\"") && page.body.contains("Bổ sung số hộ được vay vốn.") && page.body.contains("id=\"report-form\""))
            _ = try await coso.post(path, form: ["_csrf": csrf, "action": "submit", "results": "Đã hỗ trợ 3 hộ; 2 hộ vay vốn.",
                                                 "shortcomings": "Thiếu vốn.", "proposals": "Tăng vốn vay."])
            _ = try await xa.post(path, form: ["_csrf": xcsrf, "action": "accept", "comment": ""])
            page = try await coso.get(path)
            #expect(page.body.contains("id=\"report-status\">Đã chấp nhận") && page.body.contains("id=\"report-events\""))
            board = try await xa.get("/reports?year=\(year)")
            #expect(board.body.contains("reporting-accepted"))
            let rate = try #require(board.body.range(of: #"id="reporting-rate">[^<]*"#, options: .regularExpression)).upperBound
            #expect(board.body[..<rate].hasSuffix("%)") && board.body[..<rate].contains(" 1/"))

            // The auditor reads but cannot change; another grassroots union's report is not found.
            let audit = WebClient(app)
            try await audit.login("kiemtra")
            let apage = try await audit.get(path)
            #expect(apage.status == .ok)
            #expect(try await audit.post(path, form: ["_csrf": apage.csrf ?? "", "action": "save", "results": "x"]).status == .forbidden)
            let store = app.web.store
            let history = try await store.units.history()
            let cosoScope = Scope.predecessorsIncluded(of: try await ids(app).coso, in: history, on: store.today)
            let other = try #require(history.tree(on: store.today).subtree(of: try await ids(app).commune).first { !cosoScope.contains($0) }
                .flatMap { history.units[$0]?.code })
            #expect(try await coso.get("/reports/\(other)/\(year)").status == .notFound)
            #expect(try await store.audit.entries(try await app.web.store.op, entity: "annual_report").count >= 5)
        }
    }

    @Test("report pages render in both languages", arguments: WebDatabase.available)
    func pages(db: WebDatabase) async throws {
        try await db.withApp { app, _ in
            let (_, code, _, year) = try await ids(app)
            let web = WebClient(app)
            try await web.login("quantri")
            for lang in ["vi", "en"] {
                try await web.get("/lang/\(lang)")
                for path in ["/reports", "/reports?year=\(year)", "/reports/\(code)/\(year)", "/reports/tables", "/reports/tables?unit=\(code)&year=\(year)",
                             "/reports/summary", "/reports/summary?year=\(year)"] {
                    let page = try await web.get(path)
                    #expect(page.status == .ok, "\(path) \(lang)")
                    #expect(!page.body.contains("⟦"), "untranslated key on \(path) (\(lang))")
                }
            }
            try await web.get("/lang/vi")
            let tables = try await web.get("/reports/tables?year=\(year)")
            for n in 1...13 { #expect(tables.body.contains("id=\"bieu-\(n)\""), "Biểu \(n)") }
            let summary = try await web.get("/reports/summary?year=\(year)")
            #expect(summary.body.contains("id=\"chart-units\"") && summary.body.contains("id=\"chart-contributions\"") && summary.body.contains("<title id=\"chart-units-title\">"))
            // The Alkire–Foster view by dimension and by indicator, and the figures of the accepted reports (the demo has some).
            #expect(summary.body.contains("id=\"bang-af\"") && summary.body.contains("id=\"bang-af-chi-so\"") && summary.body.contains("id=\"bang-bao-cao\""))
            #expect(try await web.get("/reports/tables?year=99999").status == .badRequest)
            // The summary is the top unit's: a commune officer is refused it.
            let xa = WebClient(app)
            try await xa.login("xaphuong")
            #expect(try await xa.get("/reports/summary").status == .forbidden)
            // The province's board of direct children lists no grassroots report (sent to their
            // communes) as "not expected": the summary's note names only reports that could count there.
            let store = app.web.store, history = try await store.units.history()
            let root = try #require(history.units.values.first { $0.kind == .provincialFederation && $0.isActive(on: store.today) })
            let board = try await store.reports.board(try await store.op, unit: root.id, year: year, direct: true)
            #expect(board.ignoredReports.isEmpty, "\(board.ignoredReports.compactMap { history.units[$0]?.code })")
        }
    }

    @Test("the reports API: board, report with figures, and the workflow", arguments: WebDatabase.available)
    func api(db: WebDatabase) async throws {
        try await db.withApp { app, _ in
            func token(_ user: String) async throws -> HTTPHeaders {
                let r = try await app.testing().sendRequest(.POST, "/api/v1/tokens", headers: ["Content-Type": "application/json"],
                                                            body: ByteBuffer(string: #"{"username":"\#(user)","password":"\#(DemoSeed.password)"}"#))
                struct Token: Decodable { let token: String }
                let t = try JSONDecoder().decode(Token.self, from: Data(r.body.readableBytesView)).token
                return ["Authorization": "Bearer \(t)", "Content-Type": "application/json"]
            }
            let (_, code, _, year) = try await ids(app)
            let coso = try await token("coso"), xa = try await token("xaphuong")
            struct Report: Decodable { let status: String?; let frozen: Bool; let figures: Figures; struct Figures: Decodable { let households: Int; let poor: Int } }
            struct Board: Decodable {
                let expected: Int; let accepted: Int; let deadline: String; let lines: [Line]
                struct Line: Decodable { let unitCode: String; let state: String; let deadline: String }
            }
            func send(_ method: HTTPMethod, _ path: String, _ headers: HTTPHeaders, _ body: String? = nil) async throws -> (HTTPStatus, Data) {
                let r = try await app.testing().sendRequest(method, path, headers: headers, body: body.map { ByteBuffer(string: $0) })
                return (r.status, Data(r.body.readableBytesView))
            }
            var (status, data) = try await send(.GET, "/api/v1/reports/\(code)/\(year)", coso)
            var report = try JSONDecoder().decode(Report.self, from: data)
            #expect(status == .ok && report.status == nil && !report.frozen && report.figures.households > 0)
            (status, _) = try await send(.POST, "/api/v1/reports/\(code)/\(year)/submission", coso)
            #expect(status == .badRequest)  // nothing written yet
            (status, _) = try await send(.PUT, "/api/v1/reports/\(code)/\(year)", coso, #"{"results":"Kết quả năm \#(year)."}"#)
            #expect(status == .ok)
            (status, data) = try await send(.POST, "/api/v1/reports/\(code)/\(year)/submission", coso)
            report = try JSONDecoder().decode(Report.self, from: data)
            #expect(status == .ok && report.status == "submitted" && report.frozen)
            (status, _) = try await send(.POST, "/api/v1/reports/\(code)/\(year)/acceptance", coso)
            #expect(status == .badRequest)  // not its own
            (status, _) = try await send(.POST, "/api/v1/reports/\(code)/\(year)/return", xa, "{}")
            #expect(status == .badRequest)  // a return needs comments
            (status, data) = try await send(.POST, "/api/v1/reports/\(code)/\(year)/acceptance", xa)
            let accepted = try JSONDecoder().decode(Report.self, from: data)
            #expect(status == .ok && accepted.status == "accepted")
            (status, data) = try await send(.GET, "/api/v1/reports?year=\(year)", xa)
            let board = try JSONDecoder().decode(Board.self, from: data)
            #expect(status == .ok && board.accepted >= 1 && board.accepted <= board.expected)
            #expect(board.lines.contains { $0.unitCode == code && $0.state == "accepted" })
            // Each line says the deadline it is held to: here, as nobody set another, the board's own.
            #expect(!board.lines.isEmpty && board.lines.allSatisfy { $0.deadline == board.deadline })
            #expect(try await send(.GET, "/api/v1/reports?year=99999", xa).0 == .badRequest)
            #expect(try await send(.GET, "/api/v1/reports/\(DemoProvince.rootCode)/\(year)", coso).0 == .notFound)
            let openapi = try await app.testing().sendRequest(.GET, "/api/openapi.json")
            let paths = (try JSONSerialization.jsonObject(with: Data(openapi.body.readableBytesView)) as? [String: Any])?["paths"] as? [String: Any]
            #expect(paths?["/api/v1/reports/{unit}/{year}"] != nil && paths?["/api/v1/reports"] != nil)
        }
    }

    @Test("downloads open in openpyxl, python-docx and pdftotext, and are audited",
          .disabled(if: Office.skip, "GIAMNGHEO_SKIP_OFFICE_TESTS=1"))
    func downloads() async throws {
        try await WebDatabase.sqlite.withApp { app, _ in
            let (_, code, _, year) = try await ids(app)
            let web = WebClient(app)
            try await web.login("quantri")

            let xlsx = try await web.get("/reports/tables?year=\(year)&format=xlsx&lists=1")
            #expect(xlsx.status == .ok && xlsx.headers.first(name: .contentType)?.contains("spreadsheetml") == true)
            #expect(xlsx.headers.first(name: .contentDisposition)?.contains("bieu-tong-hop-\(year)") == true)
            let book = try Office.xlsxCells(xlsx.bytes)
            #expect(book.sheets == (1...15).map { "Biểu \($0)" })
            #expect(book.frozen["Biểu 1"] == "B4")
            let title = try #require(book.cells["Biểu 1!A1"])
            #expect(title.value.hasPrefix("Biểu 1."))
            let total = try #require(book.cells["Biểu 1!B4"])  // households reviewed, a number with dot grouping
            #expect(total.type == "int" && total.format.contains("#,##0") && total.format.hasPrefix("[$-42A]"))
            #expect(book.cells.keys.contains { $0 == "Biểu 15!B5" })  // the named poor households, from row 5
            // STT is a number, and every household shows its income per person a month (stored
            // whether the survey gave a yearly total or a monthly figure).
            #expect(book.cells["Biểu 15!A4"]?.type == "int" && book.cells["Biểu 15!A4"]?.value == "1")
            let incomeColumn = try #require(ReportTable.namedListColumns.dropFirst().firstIndex { $0.key == SurveyColumn.monthlyIncome.rawValue })
            let letter = String(UnicodeScalar(UInt8(ascii: "A") + UInt8(incomeColumn)))
            let incomes = book.cells.filter { $0.key.hasPrefix("Biểu 15!\(letter)") && (Int($0.key.dropFirst("Biểu 15!\(letter)".count)) ?? 0) >= 4 }
            #expect(!incomes.isEmpty && incomes.values.allSatisfy { $0.type == "int" }, "\(letter): \(incomes.sorted { $0.key < $1.key }.prefix(4).map { "\($0.key)=\($0.value.value)/\($0.value.type)" }) A5=\(book.cells["Biểu 15!A5"].map { "\($0.value)/\($0.type)" } ?? "-")")

            let csv = try await web.get("/reports/tables?year=\(year)&format=csv")
            #expect(csv.bytes.starts(with: [0xEF, 0xBB, 0xBF]) && csv.body.contains("Biểu 1.") && csv.body.contains("Biểu 13."))

            let pdf = try await web.get("/reports/tables?unit=\(code)&year=\(year)&format=pdf")
            #expect(pdf.bytes.starts(with: Array("%PDF".utf8)))
            let pdfText = try Office.pdfText(pdf.bytes)
            #expect(pdfText.contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") && pdfText.contains("BIỂU TỔNG HỢP") && pdfText.contains("Biểu 12."))

            // The grassroots union's report, written in the form, as Word and PDF.
            let coso = WebClient(app)
            try await coso.login("coso")
            let path = "/reports/\(code)/\(year)"
            let form = try await coso.get(path)
            _ = try await coso.post(path, form: ["_csrf": form.csrf ?? "", "action": "save", "results": "Hỗ trợ đủ chính sách cho hộ nghèo.\nVận động quỹ Mái ấm.",
                                                 "shortcomings": "Một số hộ thiếu vốn.", "proposals": "Đề nghị tăng vốn vay Quỹ quốc gia về việc làm."])
            let docx = try await coso.get("\(path)/document.docx")
            #expect(docx.status == .ok && docx.headers.first(name: .contentType)?.contains("wordprocessingml") == true)
            let text = try Office.docxText(docx.bytes)
            #expect(text.contains("PAGE 210 297"))
            for expected in ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "BÁO CÁO", "I. KẾT QUẢ THỰC HIỆN",
                             "Vận động quỹ Mái ấm.", "III. ĐỀ XUẤT, KIẾN NGHỊ", "Nơi nhận", "CHỦ TỊCH", "Hộ nghèo"] {
                #expect(text.contains(expected), "\(expected) in the report's DOCX")
            }
            let reportPDF = try Office.pdfText(try await coso.get("\(path)/document.pdf").bytes)
            #expect(reportPDF.contains("Đề nghị tăng vốn vay Quỹ quốc gia về việc làm."))
            // A report the demo sent weeks ago is the document of the day it was sent, downloaded today.
            let store = app.web.store, history = try await store.units.history()
            var sent: (code: String, day: Day)?
            for (id, unit) in history.units where sent == nil {
                if let r = try await store.reports.report(try await store.op, unit: id, year: year), r.status == .accepted, let day = r.submittedOn, day != store.today {
                    sent = (unit.code, day)
                }
            }
            let filed = try #require(sent)
            let filedText = try Office.docxText(try await web.get("/reports/\(filed.code)/\(year)/document.docx").bytes)
            #expect(filedText.contains(DocumentDate(day: filed.day.day, month: filed.day.month, year: filed.day.year).vietnamese))

            // The provincial summary for the People's Committee.
            let summary = try await web.get("/reports/summary?year=\(year)&format=docx")
            let summaryText = try Office.docxText(summary.bytes)
            #expect(summaryText.contains("Kính gửi") && summaryText.contains("Ủy ban nhân dân tỉnh Ninh Bình") && summaryText.contains("ALKIRE–FOSTER"))
            #expect(summaryText.contains("M0"))
            let summaryBytes = try await web.get("/reports/summary?year=\(year)&format=pdf").bytes
            let summaryPDF = try Office.pdfText(summaryBytes)
            #expect(summaryPDF.contains("TÌNH HÌNH BÁO CÁO CỦA CÁC ĐƠN VỊ"))
            // Read like a signed paper: H explained beside the count, a line for the signer's name;
            // the text on portrait pages, only the wide Alkire–Foster tables on landscape pages.
            // One name per figure: the classes' poor households, and apart from them the households deprived in 3 or more.
            #expect(summaryText.contains("hộ nghèo (tỷ lệ hộ nghèo") && summaryText.contains("mục II tính riêng số hộ thiếu hụt từ 3 chỉ số trở lên"))
            #expect(!summaryText.contains("hộ nghèo đa chiều (") && summaryText.contains("Số hộ thiếu hụt từ 3 chỉ số (q)"))
            #expect(summaryText.contains("……………………………"))
            let pages = try Office.pdfPages(summaryBytes)
            #expect(pages.count >= 3)
            #expect(pages.first.map { $0.width < $0.height } == true, "the first page is portrait")
            #expect(pages.last.map { $0.width < $0.height } == true, "the signature page is portrait")
            #expect(pages.contains { $0.width > $0.height }, "the wide tables are on landscape pages")
            #expect(pages.allSatisfy { $0.width > 0 && $0.height > 0 })

            // Each export left an audit entry.
            #expect(try await app.web.store.audit.entries(try await app.web.store.op, entity: "export").count == 8)
        }
    }
}
