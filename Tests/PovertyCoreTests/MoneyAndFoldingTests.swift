import Foundation
import Testing
@testable import PovertyCore

@Suite("Money")
struct MoneyTests {
    // MARK: - Accepted money cells (survey-format.md: digits, grouped in threes by `.`, `,` or
    // spaces, optionally followed by `đ` or `VND`; leading and trailing spaces ignored)

    @Test(arguments: [
        "1500000", "1.500.000", "1,500,000", "1 500 000",
        "1\u{00A0}500\u{00A0}000",  // non-breaking spaces, as Excel writes them
        "1\u{202F}500\u{202F}000",  // narrow non-breaking spaces
        "1 500\u{00A0}000",  // a space and a non-breaking space are one kind of grouping
        "1.500.000 đ", "1.500.000đ", "1500000 VND", "1.500.000 vnd", "1500000VND", "1.500.000 Đ",
        "  1.500.000  ", "\t1500000 ", "\u{00A0}1.500.000 đ\u{00A0}",
    ])
    func acceptsOneAndAHalfMillion(_ cell: String) {
        #expect(Money.parse(cell) == .success(1_500_000))
    }

    @Test(arguments: [
        ("0", 0), ("000", 0), ("7", 7), ("999", 999), ("1.000", 1_000), ("1,000", 1_000), ("12 345", 12_345),
        ("100.000", 100_000), ("12,345,678", 12_345_678), ("18.000.011", 18_000_011), ("0 đ", 0),
        ("1000000000000000", 1_000_000_000_000_000), ("1.000.000.000.000.000", 1_000_000_000_000_000),  // Money.maximum itself
    ] as [(String, Dong)])
    func acceptsWholeAmounts(_ cell: String, _ value: Dong) {
        #expect(Money.parse(cell) == .success(value))
    }

    // MARK: - Refused cells, with the reason

    @Test(arguments: ["", " ", "   ", "\u{00A0}", "\t"])
    func empty(_ cell: String) {
        #expect(Money.parse(cell) == .failure(.empty))
    }

    @Test(arguments: ["-5", "-1.500.000", "−5", "-1500000 đ", " -0"])
    func negative(_ cell: String) {
        #expect(Money.parse(cell) == .failure(.negative))
    }

    @Test(arguments: [
        "1500000.5", "1.500.000,50", "1,5", "1500,5", "1,500,000.00", "1.500.000,5", "1500000,25", "1.5",
        // Reads as "1.5" with trailing zeros: a decimal. (Bad grouping would be as right; both are refused.)
        "1.5000",
    ])
    func decimal(_ cell: String) {
        #expect(Money.parse(cell) == .failure(.decimal))
    }

    @Test(arguments: [
        "15.00.000", "1.50.000", "1500.000", "1,5000,000", "1..500", "1.500.", ".500", "1 5", "1 50 000", "1234 567",
    ])
    func badGrouping(_ cell: String) {
        #expect(Money.parse(cell) == .failure(.badGrouping))
    }

    @Test(arguments: [
        "abc", "$1500000", "1500000$", "1e6", "+5", "1.500.000 USD", "đ", "VND", "1500000 đồng", "12abc", "một triệu",
        "0x10", "1_500_000", "١٥٠٠",
        // Text after a grouped amount is text, not a decimal part.
        "1.500.000 đồng", "1,500,000 USD", "1 500 000 triệu", "1.500.000 VND đ", "1.500.000đ/tháng",
    ])
    func notANumber(_ cell: String) {
        #expect(Money.parse(cell) == .failure(.notANumber))
    }

    @Test(arguments: [
        "1000000000000001", "1.000.000.000.000.001", "1000000000000000001", "99999999999999999999",
        "1.000.000.000.000.000.001", "9223372036854775807",
        "9223372036854775808", "123456789012345678901234567890 đ",
    ])
    func tooLarge(_ cell: String) {
        #expect(Money.parse(cell) == .failure(.tooLarge))
    }

    @Test func parsesSubstrings() {
        let line = "x;1.500.000;y"
        let cell = line.split(separator: ";")[1]
        #expect(Money.parse(cell) == .success(1_500_000))
    }

    // MARK: - Formatting

    @Test(arguments: [
        (0, "0"), (7, "7"), (999, "999"), (1_000, "1.000"), (100_000, "100.000"), (1_500_000, "1.500.000"),
        (18_000_011, "18.000.011"), (1_000_000_000, "1.000.000.000"), (123_456_789_012, "123.456.789.012"),
        (-1_500, "-1.500"), (Int.max, "9.223.372.036.854.775.807"), (Int.min, "-9.223.372.036.854.775.808"),
    ] as [(Dong, String)])
    func formatsWithDots(_ amount: Dong, _ text: String) {
        #expect(Money.format(amount) == text)
        #expect(Money.format(amount, separator: UInt8(ascii: ",")) == text.replacing(".", with: ","))
    }

    @Test func formatThenParseRoundTrips() {
        var rng = SeededRandom(seed: 59_2015)
        for _ in 0..<2_000 {
            let amount = rng.int(in: 0...Money.maximum)
            #expect(Money.parse(Money.format(amount)) == .success(amount))
            #expect(Money.parse(Money.format(amount, separator: UInt8(ascii: ","))) == .success(amount))
            #expect(Money.parse(String(amount)) == .success(amount))
        }
    }

    @Test(arguments: [(0, "0"), (3, "3"), (12, "12"), (2021, "2021"), (-4, "-4")] as [(Int, String)])
    func appendPlain(_ value: Int, _ text: String) {
        var out: [UInt8] = []
        Money.appendPlain(value, to: &out)
        #expect(String(decoding: out, as: UTF8.self) == text)
    }
}

@Suite("Text folding")
struct TextFoldingTests {
    @Test(arguments: [
        ("Mã hộ", "ma_ho"), ("Việc làm", "viec_lam"), ("NONG THON", "nong_thon"), ("Nông thôn", "nong_thon"),
        ("nong_thon", "nong_thon"), ("Thành thị", "thanh_thi"), ("THÀNH THỊ", "thanh_thi"), ("Có", "co"), ("CÓ", "co"),
        ("Không", "khong"), ("KHÔNG", "khong"), ("Đi học trẻ em", "di_hoc_tre_em"), ("  BHYT  ", "bhyt"),
        ("Tổng thu nhập năm", "tong_thu_nhap_nam"), ("Thu nhập bình quân tháng", "thu_nhap_binh_quan_thang"),
        ("Số nhân khẩu", "so_nhan_khau"), ("Khu vực", "khu_vuc"), ("Năm", "nam"), ("Đơn vị", "don_vi"),
        ("Dân tộc thiểu số", "dan_toc_thieu_so"), ("Phương tiện thông tin", "phuong_tien_thong_tin"),
        ("Rác thải", "rac_thai"), ("Tiếp cận y tế", "tiep_can_y_te"), ("Dinh dưỡng", "dinh_duong"),
        ("Nước sinh hoạt", "nuoc_sinh_hoat"), ("Hộ nghèo", "ho_ngheo"), ("ĐẶNG", "dang"), ("đ", "d"), ("Đ", "d"),
        ("", ""), ("   ", ""),
    ])
    func foldsHeadersAndValues(_ text: String, _ folded: String) {
        #expect(TextFolding.fold(text) == folded)
    }

    /// Runs of white space (spaces, tabs, non-breaking spaces) become one `_`; leading and
    /// trailing ones are dropped.
    @Test(arguments: [
        "Mã  hộ", "Mã   hộ", "Mã\thộ", "Mã \t hộ", "Mã\u{00A0}hộ", " Mã hộ ", "\u{00A0}Mã hộ\u{00A0}", "\tMã hộ\n",
    ])
    func whiteSpaceRuns(_ text: String) {
        #expect(TextFolding.fold(text) == "ma_ho")
    }

    @Test(arguments: ["NONG  THON", "nong \t thon", " NONG THON  "])
    func whiteSpaceRunsInPlainASCII(_ text: String) {
        #expect(TextFolding.fold(text) == "nong_thon")
    }

    @Test func foldingIsIdempotent() {
        for text in ["Mã hộ", "Việc  làm", "NONG THON", "Đi học trẻ em", "Phương tiện thông tin"] {
            let once = TextFolding.fold(text)
            #expect(TextFolding.fold(once) == once)
        }
    }

    /// The twelve Vietnamese vowels, each with no tone and the five tones (huyền, sắc, hỏi, ngã, nặng),
    /// built from the tables below rather than typed letter by letter.
    static let vowelBases: [(letter: String, base: String)] = [
        ("a", "a"), ("ă", "a"), ("â", "a"), ("e", "e"), ("ê", "e"), ("i", "i"),
        ("o", "o"), ("ô", "o"), ("ơ", "o"), ("u", "u"), ("ư", "u"), ("y", "y"),
    ]
    static let toneMarks: [Unicode.Scalar] = ["\u{0300}", "\u{0301}", "\u{0309}", "\u{0303}", "\u{0323}"]

    /// Every vowel × tone (72 letters) in lower and upper case, precomposed (NFC, as typed on a
    /// Vietnamese keyboard).
    static var precomposed: [(text: String, base: String)] {
        var cases: [(String, String)] = []
        for (letter, base) in vowelBases {
            var forms = [letter]
            for mark in toneMarks {
                var s = letter
                s.unicodeScalars.append(mark)
                forms.append(s.precomposedStringWithCanonicalMapping)
            }
            for form in forms {
                cases.append((form, base))
                cases.append((form.uppercased(), base))
            }
        }
        return cases
    }

    /// The same letters precomposed and decomposed (NFD, as some Mac files hold them).
    static var toneCases: [(text: String, base: String)] {
        precomposed + precomposed.map { ($0.text.decomposedStringWithCanonicalMapping, $0.base) }
    }

    @Test func tonesTableIsComplete() {
        let letters = Self.precomposed.map(\.text)
        // 144 distinct letters, each one precomposed scalar (so the table really covers NFC).
        #expect(letters.count == 12 * 6 * 2)
        #expect(letters.allSatisfy { $0.unicodeScalars.count == 1 })
        #expect(Set(letters).count == 144)
        // Decomposed, every toned or modified letter is a base letter plus marks.
        #expect(Self.toneCases.filter { $0.text.unicodeScalars.count > 1 }.count == 144 - 12)
        // Spot-check the construction against letters typed by hand.
        let texts = Set(letters)
        for typed in ["ằ", "ẫ", "ệ", "ỉ", "ộ", "ở", "ữ", "ỵ", "Ặ", "Ễ", "Ợ", "Ự", "Ý"] {
            #expect(texts.contains(typed), "\(typed)")
        }
    }

    @Test func everyVowelWithEveryToneFoldsToItsBaseLetter() {
        for (text, base) in Self.toneCases {
            #expect(TextFolding.fold(text) == base, "\(text) \(text.unicodeScalars.map { String($0.value, radix: 16) })")
        }
    }

    @Test func dStrokeFoldsToD() {
        #expect(TextFolding.fold("đ") == "d")
        #expect(TextFolding.fold("Đ") == "d")
        #expect(TextFolding.fold("Đường Đông") == "duong_dong")
    }

    @Test func wholeNames() {
        #expect(TextFolding.fold("Nguyễn Thị Ánh") == "nguyen_thi_anh")
        #expect(TextFolding.fold("TRƯƠNG VĂN ĐỨC") == "truong_van_duc")
        #expect(TextFolding.foldForSearch("Nguyễn  Văn   Ấn") == "nguyen van an")
    }

    @Test(arguments: [(" \u{00A0}abc\t", "abc"), ("abc", "abc"), ("", ""), (" \t\u{00A0} ", ""), ("a b", "a b"),
                      // Letters of more than one byte at either end; every space of more than one byte.
                      ("Thành thị", "Thành thị"), ("Đinh Thị Ánh", "Đinh Thị Ánh"), ("ị", "ị"), ("€", "€"),
                      ("\u{3000}Đinh\u{202F}", "Đinh"), ("x\u{2007}", "x"), ("\u{FEFF}abc", "abc"), ("ị\u{00A0}", "ị"),
                      ("\u{2007}\u{3000}\u{FEFF}", ""), ("Mã\u{2060}", "Mã\u{2060}")])
    func trim(_ text: String, _ trimmed: String) {
        #expect(TextFolding.trim(text) == trimmed)
    }
}
