extension Array where Element == UInt8 {
    /// Appends a text's UTF-8 bytes in one copy from its storage (the generic
    /// `append(contentsOf: s.utf8)` goes byte-range by byte-range); for the writers of
    /// large outputs (`giamngheo classify` writes a million rows).
    @inlinable
    public mutating func appendUTF8(_ text: String) {
        let copied: Void? = text.utf8.withContiguousStorageIfAvailable { append(contentsOf: $0) }
        if copied == nil { append(contentsOf: text.utf8) }
    }
}
