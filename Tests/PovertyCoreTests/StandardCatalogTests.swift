import Foundation
import Testing
@testable import PovertyCore

@Suite("Standard catalogue")
struct StandardCatalogTests {
    let catalog = StandardCatalog.builtIn

    // MARK: - The built-in definitions against poverty-standards.md

    @Test func builtInHasExactlyTheThreeStandardsInReviewOrder() {
        #expect(catalog.standards.map(\.code) == ["vn-2016", "vn-2022", "vn-2027"])
        for code in ["vn-2016", "vn-2022", "vn-2027"] {
            #expect(catalog.standard(code: code)?.code == code)
        }
        #expect(catalog.standard(code: "vn-2030") == nil)
    }

    @Test func catalogueIndicatorsFollowTheSpecTable() {
        #expect(catalog.indicators.map(\.code) == Spec.indicatorTable)
        #expect(catalog.indicators.map(\.index) == Array(0..<14))
        for (i, code) in Spec.indicatorTable.enumerated() {
            #expect(catalog.indicator(code: code)?.index == i)
        }
        #expect(catalog.indicator(code: "khong_co") == nil)
    }

    struct Years: Sendable, CustomTestStringConvertible {
        let code: String
        let review: ClosedRange<Int>
        let lists: ClosedRange<Int>
        let provisional: Bool
        var testDescription: String { code }
    }

    @Test(arguments: [
        Years(code: "vn-2016", review: 2015...2020, lists: 2016...2021, provisional: false),
        Years(code: "vn-2022", review: 2021...2025, lists: 2022...2026, provisional: false),
        Years(code: "vn-2027", review: 2026...2029, lists: 2027...2030, provisional: true),
    ])
    func reviewAndListYears(_ e: Years) throws {
        let s = try #require(catalog.standard(code: e.code))
        #expect(s.reviewYears == e.review)
        #expect(s.listYears == e.lists)
        #expect(s.provisional == e.provisional)
        #expect(s.deprivationCutoff == 3)
        // The review of year Y fixes the lists of Y+1.
        #expect(s.listYears.lowerBound == s.reviewYears.lowerBound + 1)
        #expect(s.listYears.upperBound == s.reviewYears.upperBound + 1)
    }

    /// Band limits and what each band means, per area, as the spec states them.
    struct Bands: Sendable, CustomTestStringConvertible {
        let code: String
        let area: Area
        let upTo: [Dong]
        let outcomes: [Band.Outcome]
        var testDescription: String { "\(code) \(area.rawValue)" }
    }

    @Test(arguments: [
        Bands(code: "vn-2016", area: .rural, upTo: [700_000, 1_000_000, 1_500_000],
              outcomes: [.fixed(.poor), .poorIfDeprived, .fixed(.average)]),
        Bands(code: "vn-2016", area: .urban, upTo: [900_000, 1_300_000, 1_950_000],
              outcomes: [.fixed(.poor), .poorIfDeprived, .fixed(.average)]),
        Bands(code: "vn-2022", area: .rural, upTo: [1_500_000, 2_250_000], outcomes: [.poorIfDeprived, .fixed(.average)]),
        Bands(code: "vn-2022", area: .urban, upTo: [2_000_000, 3_000_000], outcomes: [.poorIfDeprived, .fixed(.average)]),
        // vn-2027: no average band until an officer enters one.
        Bands(code: "vn-2027", area: .rural, upTo: [2_200_000], outcomes: [.poorIfDeprived]),
        Bands(code: "vn-2027", area: .urban, upTo: [2_800_000], outcomes: [.poorIfDeprived]),
    ])
    func linesAndBands(_ e: Bands) throws {
        let s = try #require(catalog.standard(code: e.code))
        let bands = s.bands(for: e.area)
        #expect(bands.map(\.upTo) == e.upTo)
        #expect(bands.map(\.outcome) == e.outcomes)
        for band in bands {
            #expect(!band.lineVi.isEmpty)
            #expect(!band.lineEn.isEmpty)
        }
    }

    @Test(arguments: ["vn-2016", "vn-2022", "vn-2027"])
    func indicatorsInTableOrder(_ code: String) throws {
        let s = try #require(catalog.standard(code: code))
        #expect(s.indicators.map(\.code) == Spec.indicators(of: code))
        #expect(s.indicatorCount == (code == "vn-2016" ? 10 : 12))
        #expect(s.indicatorMask.nonzeroBitCount == s.indicatorCount)
        for ind in s.indicators {
            #expect(s.indicatorMask & (1 << ind.index) != 0)
            #expect(s.dimensionOf[ind.code] != nil)
        }
    }

    @Test func vn2016HasHealthCareAndInformationMeansButNoEmploymentOrNutrition() {
        let codes = Set(standard("vn-2016").indicators.map(\.code))
        #expect(codes.count == 10)
        #expect(codes.contains("tiep_can_y_te"))
        #expect(codes.contains("phuong_tien_thong_tin"))
        for absent in ["viec_lam", "phu_thuoc", "dinh_duong", "rac_thai"] {
            #expect(!codes.contains(absent))
        }
    }

    @Test func vn2027DropsInformationMeansAndAddsWaste() {
        let s = standard("vn-2027")
        let codes = Set(s.indicators.map(\.code))
        #expect(codes.count == 12)
        #expect(!codes.contains("phuong_tien_thong_tin"))
        #expect(!codes.contains("tiep_can_y_te"))
        #expect(codes.contains("rac_thai"))
        // vn-2027 = vn-2022 − phuong_tien_thong_tin + rac_thai
        let vn2022 = Set(standard("vn-2022").indicators.map(\.code))
        #expect(codes == vn2022.subtracting(["phuong_tien_thong_tin"]).union(["rac_thai"]))
    }

    /// The dimension of each indicator, by the English label (spec table, "dimension" column).
    @Test(arguments: ["vn-2016", "vn-2022", "vn-2027"])
    func dimensions(_ code: String) throws {
        let s = try #require(catalog.standard(code: code))
        let water = code == "vn-2027" ? "water, sanitation and environment" : "water and sanitation"
        let expected: [String: String] = [
            "viec_lam": "employment", "phu_thuoc": "employment",
            "tiep_can_y_te": "health", "dinh_duong": "health", "bhyt": "health",
            "giao_duc_nguoi_lon": "education", "di_hoc_tre_em": "education",
            "chat_luong_nha": "housing", "dien_tich_nha": "housing",
            "nuoc_sinh_hoat": water, "nha_tieu": water, "rac_thai": water,
            "vien_thong": "information", "phuong_tien_thong_tin": "information",
        ]
        for ind in s.indicators {
            #expect(s.dimensionOf[ind.code]?.en.lowercased() == expected[ind.code], "\(ind.code)")
        }
    }

    @Test func wasteSharesTheWaterSanitationEnvironmentDimensionIn2027() throws {
        let s = standard("vn-2027")
        let waste = try #require(s.dimensionOf["rac_thai"])
        #expect(s.dimensionOf["nuoc_sinh_hoat"] == waste)
        #expect(s.dimensionOf["nha_tieu"] == waste)
        #expect(standard("vn-2022").dimensionOf["nuoc_sinh_hoat"] != waste)
    }

    @Test(arguments: [
        (2014, nil), (2015, "vn-2016"), (2020, "vn-2016"), (2021, "vn-2022"), (2025, "vn-2022"),
        (2026, "vn-2027"), (2029, "vn-2027"), (2030, nil),
    ] as [(Int, String?)])
    func standardForReviewYear(_ year: Int, _ code: String?) {
        #expect(catalog.standard(forReviewYear: year)?.code == code)
    }

    @Test func everyReviewYearFrom2015To2029HasExactlyOneStandard() {
        for year in 2015...2029 {
            let covering = catalog.standards.filter { $0.reviewYears.contains(year) }
            #expect(covering.count == 1, "year \(year)")
            #expect(catalog.standard(forReviewYear: year)?.code == covering.first?.code)
        }
    }

    // MARK: - Loading definitions (standards are data)

    @Test func reloadingTheBuiltInTextGivesTheSameCatalogue() throws {
        let again = try StandardCatalog(json: Data(Definitions.text.utf8))
        #expect(again.standards == catalog.standards)
        #expect(again.indicators == catalog.indicators)
        #expect(again.dimensions == catalog.dimensions)
        // And through a JSONSerialization round trip, which the structural edits below use.
        let reserialized = try StandardCatalog(json: Definitions.edited { _ in })
        #expect(reserialized.standards == catalog.standards)
    }

    @Test func anOfficerCanAddAStandardForLaterYears() throws {
        let data = try Definitions.edited { file in
            var standards = try #require(file["standards"] as? [[String: Any]])
            var next = standards[2]
            next["code"] = "vn-2031"
            next["reviewYears"] = ["from": 2030, "to": 2034]
            next["listYears"] = ["from": 2031, "to": 2035]
            standards.append(next)
            file["standards"] = standards
        }
        let custom = try StandardCatalog(json: data)
        #expect(custom.standard(forReviewYear: 2030)?.code == "vn-2031")
        #expect(custom.standard(forReviewYear: 2029)?.code == "vn-2027")
        #expect(custom.standards.map(\.code) == ["vn-2016", "vn-2022", "vn-2027", "vn-2031"])
    }

    @Test func anOfficerCanEnterTheAverageBandOf2027() throws {
        let data = try Definitions.editedStandard("vn-2027") { s in
            var areas = try #require(s["areas"] as? [String: [[String: Any]]])
            areas["nong_thon"]!.append(["upTo": 3_300_000, "lineVi": "mức sống trung bình", "lineEn": "average", "status": "muc_song_trung_binh"])
            s["areas"] = areas
        }
        let custom = try StandardCatalog(json: data)
        let s = try #require(custom.standard(code: "vn-2027"))
        #expect(s.bands(for: .rural).map(\.upTo) == [2_200_000, 3_300_000])
        let c = Classifier.classify(answers(.rural, .monthlyPerCapita(3_000_000)), under: s)
        #expect(c.status == .average)
        // The built-in, unchanged, still says "not poor" for the same household.
        #expect(Classifier.classify(answers(.rural, .monthlyPerCapita(3_000_000)), under: standard("vn-2027")).status == .notPoor)
    }

    // MARK: - Each LoadError

    @Test func overlappingReviewYears() throws {
        let text = try Definitions.replacing(#""reviewYears": { "from": 2021, "to": 2025 }"#,
                                             with: #""reviewYears": { "from": 2020, "to": 2025 }"#)
        #expect(throws: StandardCatalog.LoadError.overlappingYears("vn-2016", "vn-2022", year: 2020)) {
            try StandardCatalog(json: Data(text.utf8))
        }
    }

    @Test func overlappingReviewYearsWhateverTheFileOrder() throws {
        let data = try Definitions.edited { file in
            var standards = try #require(file["standards"] as? [[String: Any]])
            standards[2]["reviewYears"] = ["from": 2025, "to": 2029]
            file["standards"] = Array(standards.reversed())
        }
        #expect(throws: StandardCatalog.LoadError.overlappingYears("vn-2022", "vn-2027", year: 2025)) {
            try StandardCatalog(json: data)
        }
    }

    @Test func unknownIndicator() throws {
        let text = try Definitions.replacing(#"{ "code": "tiep_can_y_te", "dimension": "y_te" }"#,
                                             with: #"{ "code": "tiep_can", "dimension": "y_te" }"#)
        #expect(throws: StandardCatalog.LoadError.unknownIndicator(standard: "vn-2016", code: "tiep_can")) {
            try StandardCatalog(json: Data(text.utf8))
        }
    }

    @Test func unknownDimension() throws {
        let text = try Definitions.replacing(#"{ "code": "rac_thai", "dimension": "nuoc_ve_sinh_moi_truong" }"#,
                                             with: #"{ "code": "rac_thai", "dimension": "moi_truong" }"#)
        #expect(throws: StandardCatalog.LoadError.unknownDimension(standard: "vn-2027", code: "moi_truong")) {
            try StandardCatalog(json: Data(text.utf8))
        }
    }

    @Test func indicatorListedTwiceInAStandard() throws {
        let text = try Definitions.replacing(#"{ "code": "rac_thai", "dimension": "nuoc_ve_sinh_moi_truong" }"#,
                                             with: #"{ "code": "nha_tieu", "dimension": "nuoc_ve_sinh_moi_truong" }"#)
        #expect(throws: StandardCatalog.LoadError.duplicateIndicator("nha_tieu")) {
            try StandardCatalog(json: Data(text.utf8))
        }
    }

    @Test func indicatorDeclaredTwiceInTheTable() throws {
        let text = try Definitions.replacing(#"{ "code": "dinh_duong", "vi": "Dinh dưỡng", "en": "Nutrition","#,
                                             with: #"{ "code": "bhyt", "vi": "Dinh dưỡng", "en": "Nutrition","#)
        #expect(throws: StandardCatalog.LoadError.duplicateIndicator("bhyt")) {
            try StandardCatalog(json: Data(text.utf8))
        }
    }

    @Test func standardDeclaredTwice() throws {
        let text = try Definitions.replacing(#""code": "vn-2027""#, with: #""code": "vn-2022""#)
        #expect(throws: StandardCatalog.LoadError.duplicateStandard("vn-2022")) {
            try StandardCatalog(json: Data(text.utf8))
        }
    }

    @Test(arguments: ["nong_thon", "thanh_thi"])
    func missingBandsForAnArea(_ area: String) throws {
        let removed = try Definitions.editedStandard("vn-2027") { s in
            var areas = try #require(s["areas"] as? [String: Any])
            areas[area] = nil
            s["areas"] = areas
        }
        #expect(throws: StandardCatalog.LoadError.missingBands(standard: "vn-2027", area: area)) {
            try StandardCatalog(json: removed)
        }
        let emptied = try Definitions.editedStandard("vn-2022") { s in
            var areas = try #require(s["areas"] as? [String: Any])
            areas[area] = [Any]()
            s["areas"] = areas
        }
        #expect(throws: StandardCatalog.LoadError.missingBands(standard: "vn-2022", area: area)) {
            try StandardCatalog(json: emptied)
        }
    }

    @Test func bandsNotAscending() throws {
        // vn-2016 rural: 700,000 then 600,000.
        let text = try Definitions.replacing(#"{ "upTo": 1000000,"#, with: #"{ "upTo": 600000,"#)
        #expect(throws: StandardCatalog.LoadError.bandsNotAscending(standard: "vn-2016", area: "nong_thon")) {
            try StandardCatalog(json: Data(text.utf8))
        }
    }

    @Test func equalBandLimitsAreNotAscending() throws {
        // vn-2022 urban: 2,000,000 then 2,000,000.
        let text = try Definitions.replacing(#"{ "upTo": 3000000,"#, with: #"{ "upTo": 2000000,"#)
        #expect(throws: StandardCatalog.LoadError.bandsNotAscending(standard: "vn-2022", area: "thanh_thi")) {
            try StandardCatalog(json: Data(text.utf8))
        }
    }

    @Test(arguments: [0, -1, 13])
    func badCutoff(_ cutoff: Int) throws {
        // vn-2027 has 12 indicators: the cut-off must be 1...12.
        let data = try Definitions.editedStandard("vn-2027") { $0["deprivationCutoff"] = cutoff }
        #expect(throws: StandardCatalog.LoadError.badCutoff(standard: "vn-2027", cutoff: cutoff)) {
            try StandardCatalog(json: data)
        }
    }

    @Test func cutoffEqualToTheIndicatorCountIsAccepted() throws {
        let data = try Definitions.editedStandard("vn-2016") { $0["deprivationCutoff"] = 10 }
        #expect(try StandardCatalog(json: data).standard(code: "vn-2016")?.deprivationCutoff == 10)
    }

    @Test func reviewYearsBackwards() throws {
        let text = try Definitions.replacing(#""reviewYears": { "from": 2026, "to": 2029 }"#,
                                             with: #""reviewYears": { "from": 2029, "to": 2026 }"#)
        #expect(throws: StandardCatalog.LoadError.badYears(standard: "vn-2027")) {
            try StandardCatalog(json: Data(text.utf8))
        }
    }

    @Test(arguments: ["", "{", "[]", "not json", #"{"format": 1}"#])
    func malformedJSON(_ text: String) {
        let error = #expect(throws: StandardCatalog.LoadError.self) { try StandardCatalog(json: Data(text.utf8)) }
        guard case .malformed = error else {
            Issue.record("expected .malformed, got \(String(describing: error))")
            return
        }
    }

    @Test(arguments: ["sourceEn", "reviewYears", "deprivationCutoff", "areas", "indicators", "code"])
    func missingFieldOfAStandard(_ field: String) throws {
        let data = try Definitions.editedStandard("vn-2022") { $0[field] = nil }
        let error = #expect(throws: StandardCatalog.LoadError.self) { try StandardCatalog(json: data) }
        guard case .malformed(let why) = error else {
            Issue.record("expected .malformed, got \(String(describing: error))")
            return
        }
        #expect(why.contains("'\(field)'"), "message should name the field: \(why)")
    }

    @Test func wrongTypeIsMalformed() throws {
        let text = try Definitions.replacing(#""deprivationCutoff": 3,"#, with: #""deprivationCutoff": "ba","#, occurrences: 3)
        let error = #expect(throws: StandardCatalog.LoadError.self) { try StandardCatalog(json: Data(text.utf8)) }
        guard case .malformed = error else {
            Issue.record("expected .malformed, got \(String(describing: error))")
            return
        }
    }

    @Test func bandWithBothStatusAndPoorIfDeprived() throws {
        // The first band of vn-2016 rural.
        let text = try Definitions.replacing(
            #""lineEn": "income poverty line", "status": "ngheo" },"#,
            with: #""lineEn": "income poverty line", "status": "ngheo", "poorIfDeprived": true },"#,
            occurrences: 2)
        expectBadBand(text, standard: "vn-2016", area: "nong_thon")
    }

    @Test func bandWithNeitherStatusNorPoorIfDeprived() throws {
        let text = try Definitions.replacing(#"{ "upTo": 2200000, "lineVi": "chuẩn nghèo", "lineEn": "poverty line", "poorIfDeprived": true }"#,
                                             with: #"{ "upTo": 2200000, "lineVi": "chuẩn nghèo", "lineEn": "poverty line" }"#)
        expectBadBand(text, standard: "vn-2027", area: "nong_thon")
    }

    @Test func bandWithPoorIfDeprivedFalseAndNoStatus() throws {
        let text = try Definitions.replacing(#"{ "upTo": 2800000, "lineVi": "chuẩn nghèo", "lineEn": "poverty line", "poorIfDeprived": true }"#,
                                             with: #"{ "upTo": 2800000, "lineVi": "chuẩn nghèo", "lineEn": "poverty line", "poorIfDeprived": false }"#)
        expectBadBand(text, standard: "vn-2027", area: "thanh_thi")
    }

    @Test(arguments: ["khong_ngheo", "giau", ""])
    func bandWithAnInvalidStatus(_ status: String) throws {
        // "not poor" is what lies above every band, never a band itself.
        let text = try Definitions.replacing(#""lineEn": "average-living upper bound", "status": "muc_song_trung_binh" }"#,
                                             with: #""lineEn": "average-living upper bound", "status": "\#(status)" }"#,
                                             occurrences: 4)
        expectBadBand(text, standard: "vn-2016", area: "nong_thon")
    }

    @Test func unknownAreaKey() throws {
        let data = try Definitions.editedStandard("vn-2022") { s in
            var areas = try #require(s["areas"] as? [String: Any])
            areas["mien_nui"] = areas["nong_thon"]
            s["areas"] = areas
        }
        let error = #expect(throws: StandardCatalog.LoadError.self) { try StandardCatalog(json: data) }
        guard case let .badBand(standard, area, _) = error else {
            Issue.record("expected .badBand, got \(String(describing: error))")
            return
        }
        #expect(standard == "vn-2022")
        #expect(area == "mien_nui")
    }

    @Test func errorDescriptionsNameTheStandardAndField() {
        let e = StandardCatalog.LoadError.missingBands(standard: "vn-2027", area: "thanh_thi")
        #expect(e.description.contains("vn-2027"))
        #expect(e.description.contains("thanh_thi"))
        let o = StandardCatalog.LoadError.overlappingYears("vn-2016", "vn-2022", year: 2020)
        #expect(o.description.contains("vn-2016") && o.description.contains("vn-2022") && o.description.contains("2020"))
    }

    private func expectBadBand(_ text: String, standard: String, area: String,
                               sourceLocation: SourceLocation = #_sourceLocation) {
        let error = #expect(throws: StandardCatalog.LoadError.self, sourceLocation: sourceLocation) {
            try StandardCatalog(json: Data(text.utf8))
        }
        guard case let .badBand(s, a, reason) = error else {
            Issue.record("expected .badBand, got \(String(describing: error))", sourceLocation: sourceLocation)
            return
        }
        #expect(s == standard, sourceLocation: sourceLocation)
        #expect(a == area, sourceLocation: sourceLocation)
        #expect(!reason.isEmpty, sourceLocation: sourceLocation)
    }
}

/// The built-in definitions file, as text, and edited copies of it.
enum Definitions {
    static let text = String(decoding: PackageResources.standards_json, as: UTF8.self)

    /// The built-in text with `old` (which must occur exactly `occurrences` times) replaced.
    static func replacing(_ old: String, with new: String, occurrences: Int = 1,
                          sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        try #require(text.ranges(of: old).count == occurrences, "'\(old)' in standards.json", sourceLocation: sourceLocation)
        return text.replacing(old, with: new)
    }

    /// The built-in definitions parsed as a JSON object, edited, and serialised again.
    static func edited(_ edit: (inout [String: Any]) throws -> Void) throws -> Data {
        var file = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        try edit(&file)
        return try JSONSerialization.data(withJSONObject: file)
    }

    /// Edits one standard of the built-in definitions.
    static func editedStandard(_ code: String, _ edit: (inout [String: Any]) throws -> Void) throws -> Data {
        try edited { file in
            var standards = try #require(file["standards"] as? [[String: Any]])
            let i = try #require(standards.firstIndex { $0["code"] as? String == code })
            try edit(&standards[i])
            file["standards"] = standards
        }
    }
}
