import PovertyCore
import Testing

@Suite("Vietnamese alphabetical order")
struct VietnameseCollationTests {
    func sorted(_ names: [String]) -> [String] {
        names.sorted { VietnameseCollation.nameSortKey($0) < VietnameseCollation.nameSortKey($1) }
    }

    @Test("letters follow the Vietnamese alphabet: a ă â b … d đ e ê … o ô ơ … u ư")
    func alphabet() {
        let letters = ["a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "g", "h", "i", "k", "l", "m", "n", "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "x", "y"]
        for (x, y) in zip(letters, letters.dropFirst()) {
            #expect(VietnameseCollation.sortKey(x) < VietnameseCollation.sortKey(y), "\(x) < \(y)")
        }
        // A letter with a vowel mark is a letter of its own, after every tone of the plain one.
        #expect(VietnameseCollation.sortKey("ạ") < VietnameseCollation.sortKey("ă"))
        #expect(VietnameseCollation.sortKey("dz") < VietnameseCollation.sortKey("đa"))
    }

    @Test("tones are a second key: ngang, huyền, hỏi, ngã, sắc, nặng")
    func tones() {
        let forms = ["ma", "mà", "mả", "mã", "má", "mạ"]
        for (x, y) in zip(forms, forms.dropFirst()) {
            #expect(VietnameseCollation.sortKey(x) < VietnameseCollation.sortKey(y), "\(x) < \(y)")
        }
        // Letters decide before tones: "mạ" < "mb".
        #expect(VietnameseCollation.sortKey("mạ") < VietnameseCollation.sortKey("mb"))
        // Case is the last key: same letters, upper case after lower.
        #expect(VietnameseCollation.sortKey("an") < VietnameseCollation.sortKey("An"))
        #expect(VietnameseCollation.sortKey("An") < VietnameseCollation.sortKey("ăn"))
    }

    @Test("people are listed by given name, then by the whole name")
    func names() {
        let names = ["Nguyễn Văn Bình", "Trần Thị Ánh", "Đặng Văn Đức", "Lê Văn An", "Phạm Thị Dung", "Nguyễn Văn An", "Vũ Thị Ảnh", "Hoàng Ân"]
        // An < Ảnh (hỏi) < Ánh (sắc) < Ân (â after a) < Bình < Dung < Đức (đ after d); the same given name by the whole name.
        #expect(sorted(names) == ["Lê Văn An", "Nguyễn Văn An", "Vũ Thị Ảnh", "Trần Thị Ánh", "Hoàng Ân", "Nguyễn Văn Bình", "Phạm Thị Dung", "Đặng Văn Đức"])
        // Keys are plain ASCII, so every database orders them byte by byte the same way.
        for n in names { #expect(VietnameseCollation.nameSortKey(n).utf8.allSatisfy { $0 < 0x80 }) }
    }
}
