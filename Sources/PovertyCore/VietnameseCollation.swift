/// Vietnamese alphabetical order, as officers expect lists of people sorted: by given name
/// (the last word), then the whole name; letters in the Vietnamese alphabet's order
/// (a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y), tones as a second key in the
/// traditional order (ngang, huyền, hỏi, ngã, sắc, nặng), then case.
///
/// `sortKey` turns a name into an ASCII string whose plain byte order is that order, so the
/// same key sorts identically in Swift, in SQLite (BINARY) and in PostgreSQL (`COLLATE "C"`),
/// whatever locale the server was installed with.
public enum VietnameseCollation {
    /// The key of a person's full name: given name first.
    public static func nameSortKey(_ fullName: some StringProtocol) -> String {
        let words = fullName.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\u{A0}" })
        guard let given = words.last else { return "" }
        return sortKey(given) + "\u{21}" + sortKey(words.joined(separator: " "))
    }

    /// The key of any text: primary letters, then tones, then case.
    public static func sortKey(_ text: some StringProtocol) -> String {
        var primary: [UInt8] = []
        var tones: [UInt8] = []
        var cases: [UInt8] = []
        for ch in text {
            let (letter, tone, upper) = decompose(ch)
            if let rank = letterRank[letter] {
                primary.append(rank)
            } else if letter == " " {
                primary.append(0x22)  // a space sorts before every letter
            } else if let ascii = letter.unicodeScalars.first, ascii.isASCII {
                // Digits and punctuation keep their ASCII order below the letters.
                primary.append(UInt8(clamping: max(0x23, min(0x3F, Int(ascii.value)))))
            } else {
                primary.append(0x7E)
            }
            tones.append(0x30 + tone)
            cases.append(upper ? 0x31 : 0x30)
        }
        primary.append(0x20)
        tones.append(0x20)
        return String(decoding: primary + tones + cases, as: UTF8.self)
    }

    /// Letters of the Vietnamese alphabet (and f j w z where Latin puts them), ranked from 0x41.
    private static let letterRank: [Character: UInt8] = {
        let order: [Character] = ["a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m", "n",
                                  "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z"]
        var out: [Character: UInt8] = [:]
        for (i, c) in order.enumerated() { out[c] = 0x41 + UInt8(i) }
        return out
    }()

    /// Every toned vowel: its base letter (keeping ă â ê ô ơ ư) and tone, in the traditional
    /// order ngang, huyền, hỏi, ngã, sắc, nặng (0–5). Precomposed forms, as keyboards type them.
    private static let tonedVowels: [Character: (Character, UInt8)] = {
        let rows = ["aàảãáạ", "ăằẳẵắặ", "âầẩẫấậ", "eèẻẽéẹ", "êềểễếệ", "iìỉĩíị",
                    "oòỏõóọ", "ôồổỗốộ", "ơờởỡớợ", "uùủũúụ", "ưừửữứự", "yỳỷỹýỵ"]
        var out: [Character: (Character, UInt8)] = [:]
        for row in rows {
            let letters = Array(row)
            for (tone, c) in letters.enumerated() { out[c] = (letters[0], UInt8(tone)) }
        }
        return out
    }()

    /// A character's base letter (with its vowel marks: ă â ê ô ơ ư đ), tone and case.
    private static func decompose(_ ch: Character) -> (Character, UInt8, Bool) {
        let upper = ch.isUppercase
        let lower = Character(ch.lowercased())
        if let (base, tone) = tonedVowels[lower] { return (base, tone, upper) }
        return (lower, 0, upper)
    }
}
