/// Folding of header names and text values as `survey-format.md` defines it:
/// lower-case, Vietnamese diacritics removed (`đ` → `d`), spaces turned into `_`,
/// leading and trailing spaces ignored. `Mã hộ` → `ma_ho`, `NONG THON` → `nong_thon`.
public enum TextFolding {
    /// The first control character of `text` other than tab, line feed and carriage return (C0,
    /// DEL, C1: a NUL no database stores, an escape that would drive the terminal of whoever
    /// prints it), or nil. One pass over the bytes; the usual cell has none.
    public static func controlCharacter(in text: String) -> Unicode.Scalar? {
        func scan(_ bytes: some Sequence<UInt8>) -> Bool {
            var lead = false
            for b in bytes {
                if b < 0x20 { if b != 0x09 && b != 0x0A && b != 0x0D { return true } }
                else if b == 0x7F || (lead && b <= 0x9F) { return true }
                lead = b == 0xC2
            }
            return false
        }
        guard text.utf8.withContiguousStorageIfAvailable({ scan($0) }) ?? scan(text.utf8) else { return nil }
        return text.unicodeScalars.first(where: isControl)
    }

    /// `text` with every control character (as `controlCharacter` finds them) shown as "�":
    /// what a file wrote in a header or a value quoted back in a message is printed safely.
    public static func printable(_ text: String) -> String {
        guard controlCharacter(in: text) != nil else { return text }
        var out = String.UnicodeScalarView()
        for s in text.unicodeScalars {
            out.append(isControl(s) ? "\u{FFFD}" : s)
        }
        return String(out)
    }

    /// C0 but tab, line feed and carriage return; DEL; C1.
    static func isControl(_ s: Unicode.Scalar) -> Bool {
        (s.value < 0x20 && s.value != 0x09 && s.value != 0x0A && s.value != 0x0D) || (0x7F...0x9F).contains(s.value)
    }

    /// "U+001B": how a message names a control character.
    public static func codePoint(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    /// Folds a header name or a text value.
    public static func fold(_ text: some StringProtocol) -> String {
        let trimmed = trim(text)
        // Fast path: plain ASCII needs no table look-ups.
        if trimmed.utf8.allSatisfy({ $0 < 0x80 }) {
            var bytes = [UInt8]()
            bytes.reserveCapacity(trimmed.utf8.count)
            var lastWasSpace = false
            for b in trimmed.utf8 {
                if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D {
                    if !lastWasSpace { bytes.append(0x5F) }
                    lastWasSpace = true
                    continue
                }
                lastWasSpace = false
                bytes.append(b >= 0x41 && b <= 0x5A ? b + 32 : b)
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        var out = String.UnicodeScalarView()
        var lastWasSpace = false
        for scalar in trimmed.unicodeScalars {
            if isSpace(scalar) {
                if !lastWasSpace { out.append("_") }
                lastWasSpace = true
                continue
            }
            lastWasSpace = false
            for folded in foldScalar(scalar) { out.append(folded) }
        }
        return String(out)
    }

    /// Folds for searching names: like `fold`, but keeps single spaces instead of `_`.
    public static func foldForSearch(_ text: some StringProtocol) -> String {
        fold(text).replacingUnderscores()
    }

    /// Removes leading and trailing white space (including non-breaking spaces).
    public static func trim(_ text: some StringProtocol) -> Substring {
        let s = Substring(text)
        // Fast path: an ASCII non-space at both ends (the last byte of a multi-byte
        // character is ≥ 0x80, so it never passes this test by mistake).
        let u = s.utf8
        guard let f = u.first, let l = u.last else { return s }
        if Self.cannotStartSpace(f) && Self.cannotEndSpace(l) { return s }
        guard let first = s.unicodeScalars.firstIndex(where: { !isSpace($0) }) else { return s[s.endIndex...] }
        let last = s.unicodeScalars.lastIndex(where: { !isSpace($0) })!
        return s[first...last]
    }

    /// True when a text whose first byte is `b` cannot begin with a space `isSpace` knows: an
    /// ASCII non-space, or the lead byte of none of them (U+00A0 C2, U+2007/U+202F E2, U+3000 E3,
    /// U+FEFF EF), e.g. most Vietnamese capitals.
    @inline(__always) static func cannotStartSpace(_ b: UInt8) -> Bool {
        b < 0x80 ? b > 0x20 : (b != 0xC2 && b != 0xE2 && b != 0xE3 && b != 0xEF)
    }

    /// True when a text whose last byte is `b` cannot end with such a space: an ASCII
    /// non-space, or a byte that ends none of them (A0, 87, AF, 80, BF), e.g. "ị" (… 8B).
    @inline(__always) static func cannotEndSpace(_ b: UInt8) -> Bool {
        b < 0x80 ? b > 0x20 : (b != 0xA0 && b != 0x87 && b != 0xAF && b != 0x80 && b != 0xBF)
    }

    static func isSpace(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x20, 0x09, 0x0A, 0x0D, 0xA0, 0x202F, 0x2007, 0x3000, 0xFEFF: return true
        default: return false
        }
    }

    /// Lower-cases one scalar and strips its Vietnamese diacritics.
    static func foldScalar(_ scalar: Unicode.Scalar) -> [Unicode.Scalar] {
        switch scalar {
        case "đ", "Đ": return ["d"]
        default: break
        }
        // Canonical decomposition, then drop combining marks (U+0300–U+036F).
        let decomposed = String(scalar).decomposedStringWithCanonicalMappingCompat
        var result: [Unicode.Scalar] = []
        for s in decomposed.unicodeScalars where !(0x300...0x36F).contains(s.value) {
            result.append(contentsOf: String(s).lowercased().unicodeScalars)
        }
        return result
    }
}

extension String {
    fileprivate func replacingUnderscores() -> String {
        String(String.UnicodeScalarView(unicodeScalars.map { $0 == "_" ? " " : $0 }))
    }

    /// NFD without Foundation: Swift's String does not expose it, so a table covers
    /// the Latin letters used by Vietnamese (and common Western ones).
    fileprivate var decomposedStringWithCanonicalMappingCompat: String {
        var out = ""
        for s in unicodeScalars {
            if let base = LatinDiacritics.base[s] { out.unicodeScalars.append(base) } else { out.unicodeScalars.append(s) }
        }
        return out
    }
}

/// Base letters of precomposed Latin letters with diacritics.
enum LatinDiacritics {
    static let base: [Unicode.Scalar: Unicode.Scalar] = {
        var table: [Unicode.Scalar: Unicode.Scalar] = [:]
        let groups: [(Character, String)] = [
            ("a", "àáảãạăằắẳẵặâầấẩẫậäåā"), ("A", "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÄÅĀ"),
            ("e", "èéẻẽẹêềếểễệëē"), ("E", "ÈÉẺẼẸÊỀẾỂỄỆËĒ"),
            ("i", "ìíỉĩịïī"), ("I", "ÌÍỈĨỊÏĪ"),
            ("o", "òóỏõọôồốổỗộơờớởỡợöøō"), ("O", "ÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÖØŌ"),
            ("u", "ùúủũụưừứửữựüū"), ("U", "ÙÚỦŨỤƯỪỨỬỮỰÜŪ"),
            ("y", "ỳýỷỹỵÿ"), ("Y", "ỲÝỶỸỴŸ"),
            ("c", "ç"), ("C", "Ç"), ("n", "ñ"), ("N", "Ñ"),
        ]
        for (base, letters) in groups {
            let b = base.unicodeScalars.first!
            for ch in letters { for s in ch.unicodeScalars { table[s] = b } }
        }
        return table
    }()
}
