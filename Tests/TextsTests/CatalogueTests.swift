import PovertyCore
import Testing
import Texts

/// The built-in catalogues and how a message reads in each language.
@Suite("Catalogues and messages")
struct CatalogueTests {
    let catalogue = Catalogue.standard

    @Test("both languages hold the same keys, and no text is empty")
    func parity() throws {
        let vi = try #require(catalogue.texts[.vi]), en = try #require(catalogue.texts[.en])
        #expect(Set(vi.keys) == Set(en.keys))
        #expect(vi.count > 500)
        for (key, text) in vi { #expect(!text.isEmpty && !(en[key] ?? "").isEmpty, "\(key) is empty") }
    }

    @Test("placeholders match between the languages")
    func placeholders() throws {
        let vi = try #require(catalogue.texts[.vi]), en = try #require(catalogue.texts[.en])
        func holes(_ s: String) -> Set<String> {
            Set((0..<10).map { "{\($0)}" }.filter { s.contains($0) })
        }
        for (key, text) in vi { #expect(holes(text) == holes(en[key] ?? ""), "\(key): {n} differ between vi and en") }
    }

    @Test("values are written the way each language writes them")
    func values() {
        let m = Message("refusal.fund.short", .both(vi: "Quỹ Xã hội", en: "Social fund"), "CD-P-HOALU", .money(2_000_000), .money(2_500_000))
        #expect(m.text(.vi) == "Quỹ Xã hội của CD-P-HOALU chỉ còn 2.000.000 đ, không đủ 2.500.000 đ")
        #expect(m.text(.en) == "Social fund at CD-P-HOALU holds only 2,000,000 đ, short of 2,500,000 đ")
        #expect(m.bilingual == m.text(.vi) + " / " + m.text(.en))
        let day = Message("refusal.loan.no_rule", .day(Day(year: 2019, month: 1, day: 1)!))
        #expect(day.text(.vi).contains("01/01/2019") && day.text(.en).contains("2019-01-01"))
        #expect(Message("refusal.not_found", .key("notfound.kind.loan"), "VV-1").text(.en) == "no loan 'VV-1' in your branch")
    }

    @Test("a loan's reasons read in both languages")
    func loanReasons() {
        #expect(LoanIneligibility.amountOverLimit(limit: 100_000_000).message.text(.vi) == "số tiền vay vượt mức tối đa 100.000.000 đ")
        #expect(LoanIneligibility.termOutOfRange(max: 120).message.text(.vi).contains("120 tháng"))
        #expect(LoanIneligibility.purposeNotAllowed("chan_nuoi").message.text(.vi).contains("Chăn nuôi"))
        #expect(LoanIneligibility.purposeNotAllowed("chan_nuoi").message.text(.en) == "loan purpose 'Livestock raising' is not allowed")
    }

    @Test("a missing key shows as ⟦key⟧, so a test finds it on any page")
    func missing() {
        #expect(Message("no.such.key").text(.vi) == "⟦no.such.key⟧")
    }
}
