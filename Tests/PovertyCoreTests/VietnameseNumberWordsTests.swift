import Testing
@testable import PovertyCore

@Suite("Amounts in Vietnamese words")
struct VietnameseNumberWordsTests {
    @Test(arguments: [
        (0, "không"), (5, "năm"), (10, "mười"), (15, "mười lăm"), (21, "hai mươi mốt"), (24, "hai mươi tư"), (25, "hai mươi lăm"),
        (11, "mười một"), (14, "mười bốn"), (105, "một trăm linh năm"), (110, "một trăm mười"), (1_000, "một nghìn"),
        (1_005, "một nghìn không trăm linh năm"), (1_500_000, "một triệu năm trăm nghìn"), (1_005_000, "một triệu không trăm linh năm nghìn"),
        (2_000_500, "hai triệu năm trăm"), (1_000_000_000, "một tỷ"), (12_345_678, "mười hai triệu ba trăm bốn mươi lăm nghìn sáu trăm bảy mươi tám"),
    ])
    func words(n: Int, text: String) {
        #expect(VietnameseNumberWords.words(n) == text)
    }

    @Test func dong() {
        #expect(VietnameseNumberWords.dong(36_000_000) == "Ba mươi sáu triệu đồng")
    }
}
