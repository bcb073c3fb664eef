import ArgumentParser
import PovertyCore
import Spreadsheets

struct ClassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Phân loại từng hộ trong tệp khảo sát / Classify every household of a survey file.",
        discussion: """
        Đọc tệp CSV hoặc XLSX theo mẫu khảo sát và in một dòng kết quả cho mỗi dòng vào.
        Nếu tệp có lỗi, không in kết quả nào: in từng lỗi (dòng, cột) rồi thoát với mã 65.
        Reads a CSV or XLSX survey file and prints one result per input row. A file with any
        bad cell prints no result: every problem (row, column) goes to standard error, exit 65.
        """
    )

    @Argument(help: "Tệp khảo sát .csv hoặc .xlsx / The survey file (.csv or .xlsx).")
    var file: String

    @Option(help: "Dùng một chuẩn cho mọi dòng, vd. vn-2022 / Use one standard for every row, e.g. vn-2022.")
    var standard: String?

    @Option(help: "csv hoặc json / csv or json.")
    var format: OutputFormat = .csv

    @Option(help: "Ngôn ngữ của cột ly_do: vi hoặc en / Language of the ly_do column: vi or en.")
    var lang: String = "vi"

    static let columns = ["ma_ho", "nam", "chuan", "khu_vuc", "thu_nhap_binh_quan_thang",
                          "so_chi_so_thieu_hut", "chi_so_thieu_hut", "phan_loai", "ly_do"]

    func validate() throws {
        guard Reason.Language(rawValue: lang) != nil else { throw ValidationError("--lang: vi hoặc en / vi or en") }
        _ = try resolveStandard(standard)
    }

    func run() throws {
        let language = Reason.Language(rawValue: lang) ?? .vi
        let spool = Spool()
        let json = format == .json
        var first = true
        try spool.append { out in
            if json { out.append(contentsOf: "[".utf8) } else { CSV.appendRow(Self.columns, to: &out) }
        }
        let scan: SurveyScan
        do {
            scan = try SurveyFileReader(path: file, standard: try resolveStandard(standard)).read { record, standard, hasIssues in
            guard !hasIssues else { return }  // keep validating, stop producing
            let c = Classifier.classify(record.answers, under: standard)
            try spool.append { out in
                if json {
                    out.append(contentsOf: first ? "\n".utf8 : ",\n".utf8)
                    Self.appendJSON(record, c, standard, language, to: &out)
                } else {
                    Self.appendCSV(record, c, standard, language, to: &out)
                }
            }
            first = false
            }
        } catch {
            spool.discard()
            throw error
        }
        if scan.hasIssues {
            spool.discard()
            Terminal.report(scan.issues())
            throw Exit.dataError
        }
        try spool.append { out in if json { out.append(contentsOf: (first ? "]\n" : "\n]\n").utf8) } }
        try spool.deliver()
    }

    static func appendCSV(_ r: SurveyRecord, _ c: Classification, _ s: PovertyStandard, _ lang: Reason.Language, to out: inout [UInt8]) {
        let comma = UInt8(ascii: ",")
        CSV.appendCell(r.householdCode, to: &out); out.append(comma)
        Money.appendPlain(r.year, to: &out); out.append(comma)
        out.appendUTF8(s.code); out.append(comma)
        out.appendUTF8(c.area.rawValue); out.append(comma)
        Money.appendPlain(c.perCapitaMonthly, to: &out); out.append(comma)
        Money.appendPlain(c.deprivationCount, to: &out); out.append(comma)
        var firstCode = true
        for (k, index) in s.indicatorIndices.enumerated() where c.deprivedMask & (1 << index) != 0 {
            if !firstCode { out.append(UInt8(ascii: ";")) }
            out.appendUTF8(s.indicatorCodes[k])
            firstCode = false
        }
        out.append(comma)
        out.appendUTF8(c.status.rawValue); out.append(comma)
        // The reason holds commas but never quotes.
        out.append(UInt8(ascii: "\""))
        Reason.append(c, standard: s, language: lang, to: &out)
        out.append(UInt8(ascii: "\""))
        out.append(UInt8(ascii: "\n"))
    }

    static func appendJSON(_ r: SurveyRecord, _ c: Classification, _ s: PovertyStandard, _ lang: Reason.Language, to out: inout [UInt8]) {
        func key(_ k: String) { out.append(contentsOf: "\"\(k)\":".utf8) }
        out.append(contentsOf: "  {".utf8)
        key("ma_ho"); JSON.appendString(r.householdCode, to: &out); out.append(UInt8(ascii: ","))
        key("nam"); Money.appendPlain(r.year, to: &out); out.append(UInt8(ascii: ","))
        key("chuan"); JSON.appendString(s.code, to: &out); out.append(UInt8(ascii: ","))
        key("khu_vuc"); JSON.appendString(c.area.rawValue, to: &out); out.append(UInt8(ascii: ","))
        key("thu_nhap_binh_quan_thang"); Money.appendPlain(c.perCapitaMonthly, to: &out); out.append(UInt8(ascii: ","))
        key("so_chi_so_thieu_hut"); Money.appendPlain(c.deprivationCount, to: &out); out.append(UInt8(ascii: ","))
        key("chi_so_thieu_hut"); out.append(UInt8(ascii: "["))
        var firstCode = true
        for (k, index) in s.indicatorIndices.enumerated() where c.deprivedMask & (1 << index) != 0 {
            if !firstCode { out.append(UInt8(ascii: ",")) }
            JSON.appendString(s.indicatorCodes[k], to: &out)
            firstCode = false
        }
        out.append(contentsOf: "],".utf8)
        key("phan_loai"); JSON.appendString(c.status.rawValue, to: &out); out.append(UInt8(ascii: ","))
        key("ly_do"); JSON.appendString(Reason.text(c, standard: s, language: lang), to: &out)
        out.append(UInt8(ascii: "}"))
    }
}

enum JSON {
    static func appendString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): out.append(contentsOf: "\\\"".utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: "\\\\".utf8)
            case 0x0A: out.append(contentsOf: "\\n".utf8)
            case 0x0D: out.append(contentsOf: "\\r".utf8)
            case 0x09: out.append(contentsOf: "\\t".utf8)
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: "\\u00".utf8)
                out.append(hex[Int(b >> 4)]); out.append(hex[Int(b & 15)])
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
