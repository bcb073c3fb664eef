import Foundation
import XCTest
import Documents

/// A realistic report: two headings, paragraphs, bullets, a six-column table with a
/// two-level header and a bold total row, a note, recipients and a signature.
func sampleReport(landscape: Bool = false) -> OfficialDocument {
    let table = Table(
        columns: [
            .init("STT", width: 0.6, alignment: .center),
            .init("Đơn vị", width: 3),
            .init("Số hộ", width: 1.1, alignment: .right),
            .init("Tỷ lệ (%)", width: 1.1, alignment: .right),
            .init("Số hộ", width: 1.1, alignment: .right),
            .init("Tỷ lệ (%)", width: 1.1, alignment: .right),
        ],
        groups: [.ungrouped(2), .init("Hộ nghèo", span: 2), .init("Hộ cận nghèo", span: 2)],
        rows: [
            ["1", "Công đoàn Khu công nghiệp Gián Khẩu", "1.234", "3,21", "2.345", "6,10"],
            ["2", "Liên đoàn Lao động huyện Kim Sơn", "567", "1,48", "890", "2,31"],
            ["3", "Công đoàn ngành Giáo dục", "89", "0,23", "120", "0,31"],
            Table.Row(["Tổng cộng", "1.890", "4,92", "3.355", "8,72"], bold: true, leadingSpan: 2),
        ])
    return OfficialDocument(
        parentBody: "TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM",
        issuingBody: "LIÊN ĐOÀN LAO ĐỘNG TỈNH NINH BÌNH",
        number: "Số: 12/BC-LĐLĐ",
        place: "Ninh Bình",
        date: DocumentDate(day: 5, month: 1, year: 2026),
        kind: "BÁO CÁO",
        subject: "Kết quả thực hiện chương trình giảm nghèo bền vững năm 2025",
        body: [
            .paragraph(
                "Thực hiện Chương trình mục tiêu quốc gia giảm nghèo bền vững giai đoạn 2021 – 2025, "
                    + "Ban Thường vụ Liên đoàn Lao động tỉnh báo cáo kết quả thực hiện năm 2025 như sau:"),
            .heading("I. KẾT QUẢ ĐẠT ĐƯỢC"),
            .heading("1. Công tác rà soát hộ nghèo, hộ cận nghèo trong đoàn viên", level: 2),
            .paragraph(
                "Các cấp công đoàn đã phối hợp với chính quyền địa phương rà soát 38.412 hộ đoàn viên, "
                    + "xác định 1.890 hộ nghèo và 3.355 hộ cận nghèo theo chuẩn nghèo đa chiều."),
            .table(table),
            .note("Ghi chú: số liệu tính đến ngày 31/12/2025."),
            .heading("II. NHIỆM VỤ TRỌNG TÂM NĂM 2026"),
            .bullets([
                "Tiếp tục hỗ trợ đoàn viên thoát nghèo bền vững;",
                "Xây dựng, sửa chữa 50 “Mái ấm Công đoàn” cho đoàn viên khó khăn về nhà ở.",
            ]),
        ],
        recipients: ["Tổng LĐLĐ Việt Nam (để b/c);", "Thường trực Tỉnh ủy (để b/c);", "Lưu: VT, CSPL."],
        signature: Signature(authority: "TM. BAN THƯỜNG VỤ", position: "CHỦ TỊCH", name: "Nguyễn Văn An"),
        landscape: landscape)
}

/// Whether tests that need LibreOffice, pdftotext or python-docx may skip when a tool
/// is missing; otherwise they fail, telling what to install.
let skipOfficeTests = ProcessInfo.processInfo.environment["GIAMNGHEO_SKIP_OFFICE_TESTS"] == "1"

/// The path of a tool, or a failure (a skip with GIAMNGHEO_SKIP_OFFICE_TESTS=1) naming
/// the package to install.
func requireTool(_ candidates: [String], package: String) throws -> String {
    if let found = candidates.lazy.compactMap(which).first { return found }
    let message = "\(candidates.joined(separator: " / ")) not found: install \(package)"
    if skipOfficeTests { throw XCTSkip(message) }
    XCTFail(message)
    throw ToolMissing(message: message)
}

/// A converter with the LibreOffice that `PDFConverter` finds by itself.
func requireOffice() throws -> PDFConverter {
    guard let office = PDFConverter.locateOffice() else {
        let message = "LibreOffice (soffice) not found: install libreoffice-writer-nogui"
        if skipOfficeTests { throw XCTSkip(message) }
        XCTFail(message)
        throw ToolMissing(message: message)
    }
    return PDFConverter(executable: office)
}

/// An absolute path as it is, or the first match on PATH; nil when not executable.
func which(_ name: String) -> String? {
    if name.hasPrefix("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    return path.split(separator: ":").map { "\($0)/\(name)" }
        .first { FileManager.default.isExecutableFile(atPath: $0) }
}

struct ToolMissing: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// A Python 3 that can `import docx` (python3-docx): the system one first, since a
/// pyenv or venv python on PATH usually lacks the Debian package.
func requirePythonDocx() throws -> String {
    for python in ["/usr/bin/python3", "python3"] {
        guard let path = which(python) else { continue }
        if let result = try? runTool(path, ["-c", "import docx"]), result.status == 0 { return path }
    }
    let message = "python3 with python-docx not found: install python3-docx (apt) or python-docx (pip)"
    if skipOfficeTests { throw XCTSkip(message) }
    XCTFail(message)
    throw ToolMissing(message: message)
}

struct ToolResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs a tool to completion, output captured through files (no pipe can fill up).
func runTool(_ executable: String, _ arguments: [String]) throws -> ToolResult {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let outURL = directory.appendingPathComponent("out")
    let errURL = directory.appendingPathComponent("err")
    _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let out = try FileHandle(forWritingTo: outURL)
    let err = try FileHandle(forWritingTo: errURL)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.standardOutput = out
    process.standardError = err
    try process.run()
    process.waitUntilExit()
    try out.close()
    try err.close()
    return ToolResult(
        status: process.terminationStatus,
        stdout: try String(contentsOf: outURL, encoding: .utf8),
        stderr: try String(contentsOf: errURL, encoding: .utf8))
}

/// A fresh folder under the temporary directory, removed by the caller.
func makeTemporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("documents-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Reads a `.docx` with python-docx and returns what it saw as JSON: the section's page
/// size and margins in EMU, every paragraph's text (body, then inside tables), and
/// every table's cell texts.
func inspectWithPythonDocx(_ docx: URL) throws -> [String: Any] {
    let python = try requirePythonDocx()
    let script = #"""
    import json, sys, docx
    d = docx.Document(sys.argv[1])
    s = d.sections[0]
    def paragraphs(container):
        out = [p.text for p in container.paragraphs]
        for t in container.tables:
            for row in t.rows:
                for cell in row.cells:
                    out += paragraphs(cell)
        return out
    result = {
        "page_width": s.page_width, "page_height": s.page_height,
        "top": s.top_margin, "bottom": s.bottom_margin, "left": s.left_margin, "right": s.right_margin,
        "orientation": int(s.orientation),
        "paragraphs": paragraphs(d),
        "body_paragraphs": [p.text for p in d.paragraphs],
        "tables": [[[c.text for c in row.cells] for row in t.rows] for t in d.tables],
        "normal_font": d.styles["Normal"].font.name,
        "normal_size": d.styles["Normal"].font.size.pt,
    }
    print(json.dumps(result, ensure_ascii=False))
    """#
    let result = try runTool(python, ["-c", script, docx.path])
    guard result.status == 0 else {
        XCTFail("python-docx could not read \(docx.lastPathComponent): \(result.stderr)")
        throw ToolMissing(message: result.stderr)
    }
    let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    return try XCTUnwrap(object as? [String: Any])
}

/// With DOCUMENTS_TEST_OUTPUT=/some/folder, copies the files there for a look by eye.
func keepForInspection(_ files: URL...) {
    guard let folder = ProcessInfo.processInfo.environment["DOCUMENTS_TEST_OUTPUT"], !folder.isEmpty else { return }
    let directory = URL(fileURLWithPath: folder)
    try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    for file in files {
        let target = directory.appendingPathComponent(file.lastPathComponent)
        try? FileManager.default.removeItem(at: target)
        try? FileManager.default.copyItem(at: file, to: target)
    }
}
