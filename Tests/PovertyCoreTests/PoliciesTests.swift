import Foundation
import Testing
@testable import PovertyCore

@Suite("Policies and coverage")
struct PoliciesTests {
    let catalogue = PolicyCatalogue.bundled

    static let statePolicies = [
        "giao_duc", "y_te", "ho_tro_bhyt", "vay_nha_o_nhcsxh", "tin_dung_uu_dai", "dao_tao_nghe", "viec_lam",
        "xuat_khau_lao_dong", "nuoc_ve_sinh", "thong_tin", "phat_trien_san_xuat", "da_dang_sinh_ke",
    ]
    static let unionPolicies = [
        "qua_tet", "qua_thang_cong_nhan", "mai_am_xay_moi", "mai_am_sua_chua", "tro_cap_kho_khan", "vay_quy_viec_lam",
    ]

    // MARK: - The built-in catalogue

    @Test func bundledHasTheStateAndUnionPolicies() throws {
        let codes = catalogue.policies.map(\.code)
        #expect(Set(codes).count == codes.count)
        #expect(Set(codes) == Set(Self.statePolicies + Self.unionPolicies))
        for code in Self.statePolicies { #expect(catalogue.policy(code: code)?.kind == .state, "\(code)") }
        for code in Self.unionPolicies { #expect(catalogue.policy(code: code)?.kind == .union, "\(code)") }
        #expect(catalogue.policy(code: "khong_co") == nil)
        for p in catalogue.policies {
            #expect(!p.nameVi.isEmpty && !p.nameEn.isEmpty, "\(p.code)")
            // Vietnamese names are written with diacritics, not folded ASCII.
            #expect(p.nameVi.unicodeScalars.contains { !$0.isASCII }, "\(p.code): \(p.nameVi)")
        }
        #expect(catalogue.policy(code: "ho_tro_bhyt")?.nameVi == "Hỗ trợ mua thẻ bảo hiểm y tế")
    }

    @Test func everyIndicatorOfEveryStandardIsAddressed() {
        for s in StandardCatalog.builtIn.standards {
            for indicator in s.indicators {
                #expect(!catalogue.policies(addressing: indicator.code).isEmpty, "\(s.code): \(indicator.code)")
            }
        }
        // And the mapping names only indicators the standards know.
        for indicator in catalogue.addresses.keys {
            #expect(StandardCatalog.builtIn.indicator(code: indicator) != nil, "\(indicator)")
        }
        #expect(catalogue.policies(addressing: "khong_co").isEmpty)
    }

    @Test func mappingsFromThePlan() {
        func by(_ indicator: String) -> Set<String> { Set(catalogue.policies(addressing: indicator)) }
        #expect(by("bhyt").contains("ho_tro_bhyt"))
        for housing in ["chat_luong_nha", "dien_tich_nha"] {
            #expect(by(housing).isSuperset(of: ["mai_am_xay_moi", "mai_am_sua_chua", "vay_nha_o_nhcsxh"]), "\(housing)")
        }
        #expect(by("viec_lam").isSuperset(of: ["dao_tao_nghe", "viec_lam", "vay_quy_viec_lam"]))
        #expect(by("di_hoc_tre_em").contains("giao_duc"))
        for water in ["nuoc_sinh_hoat", "nha_tieu", "rac_thai"] { #expect(by(water).contains("nuoc_ve_sinh"), "\(water)") }
        for info in ["vien_thong", "phuong_tien_thong_tin"] { #expect(by(info).contains("thong_tin"), "\(info)") }
        #expect(by("tiep_can_y_te").contains("y_te"))
    }

    @Test func mappingIsInCatalogueOrder() {
        for (indicator, codes) in catalogue.addresses {
            let positions = codes.map { code in catalogue.policies.firstIndex { $0.code == code } ?? -1 }
            #expect(positions == positions.sorted() && !positions.contains(-1), "\(indicator)")
        }
    }

    @Test func campaignGiftsAreUnionPolicies() {
        for kind in CampaignKind.allCases {
            #expect(catalogue.policy(code: kind.supportPolicy)?.kind == .union, "\(kind)")
        }
    }

    // MARK: - Validation

    static let a = Policy(code: "a", nameVi: "Chính sách A", nameEn: "Policy A", kind: .state)
    static let b = Policy(code: "b", nameVi: "Chính sách B", nameEn: "Policy B", kind: .union)

    @Test func duplicateCodesAreRefused() {
        #expect(throws: PolicyCatalogue.LoadError.duplicatePolicy("a")) {
            try PolicyCatalogue(policies: [Self.a, Self.b, Self.a], addresses: [:])
        }
    }

    @Test func unknownPoliciesInTheMappingAreRefused() {
        #expect(throws: PolicyCatalogue.LoadError.unknownPolicy(indicator: "bhyt", policy: "c")) {
            try PolicyCatalogue(policies: [Self.a, Self.b], addresses: ["bhyt": ["a", "c"]])
        }
    }

    @Test func emptyMappingsAndCodesAreRefused() {
        #expect(throws: PolicyCatalogue.LoadError.noPolicies(indicator: "bhyt")) {
            try PolicyCatalogue(policies: [Self.a], addresses: ["bhyt": []])
        }
        #expect(throws: PolicyCatalogue.LoadError.emptyCode) {
            try PolicyCatalogue(policies: [Policy(code: "", nameVi: "x", nameEn: "x", kind: .state)], addresses: [:])
        }
    }

    @Test func mappingIsOrderedAndDeduplicated() throws {
        let c = try PolicyCatalogue(policies: [Self.a, Self.b], addresses: ["bhyt": ["b", "a", "b"]])
        #expect(c.policies(addressing: "bhyt") == ["a", "b"])
        #expect(c.policy(code: "b") == Self.b)
    }

    @Test func jsonUsesSnakeCaseNamesAndRejectsBadKinds() throws {
        let good = #"{"policies": [{"code": "a", "name_vi": "Chính sách A", "name_en": "Policy A", "kind": "state"}], "addresses": {"bhyt": ["a"]}}"#
        let c = try PolicyCatalogue(json: Data(good.utf8))
        #expect(c.policies == [Self.a])
        let bad = good.replacingOccurrences(of: "\"state\"", with: "\"party\"")
        #expect(throws: PolicyCatalogue.LoadError.self) { try PolicyCatalogue(json: Data(bad.utf8)) }
        #expect(throws: PolicyCatalogue.LoadError.self) { try PolicyCatalogue(json: Data("{".utf8)) }
    }

    // MARK: - Coverage

    @Test func completeWhenEveryDeprivationIsAddressed() {
        let c = HouseholdCoverage.of(deprived: ["bhyt", "chat_luong_nha"], received: ["ho_tro_bhyt", "mai_am_sua_chua"],
                                     catalogue: catalogue)
        #expect(c.isComplete)
        #expect(c.receivedAny)
        #expect(c.missingIndicators.isEmpty)
        #expect(c.suggestedPolicies.isEmpty)
        #expect(c.lines.map(\.indicator) == ["bhyt", "chat_luong_nha"])
        #expect(c.lines[0].received == ["ho_tro_bhyt"])
        #expect(c.lines[1].received == ["mai_am_sua_chua"])
        #expect(c.lines[1].addressedBy == catalogue.policies(addressing: "chat_luong_nha"))
    }

    @Test func partialCoverageSuggestsWhatIsMissing() {
        // Housing is addressed by a gift house; the water and latrine deprivations share one policy.
        let c = HouseholdCoverage.of(deprived: ["nha_tieu", "chat_luong_nha", "nuoc_sinh_hoat", "bhyt"],
                                     received: ["mai_am_xay_moi", "qua_tet"], catalogue: catalogue)
        #expect(!c.isComplete)
        #expect(c.receivedAny)
        #expect(c.missingIndicators == ["nha_tieu", "nuoc_sinh_hoat", "bhyt"])
        #expect(c.suggestedPolicies == ["ho_tro_bhyt", "nuoc_ve_sinh"])
        #expect(c.lines.filter(\.isAddressed).map(\.indicator) == ["chat_luong_nha"])
    }

    @Test func noSupportAtAll() {
        let c = HouseholdCoverage.of(deprived: ["viec_lam", "di_hoc_tre_em"], received: [], catalogue: catalogue)
        #expect(!c.isComplete)
        #expect(!c.receivedAny)
        #expect(c.missingIndicators == ["viec_lam", "di_hoc_tre_em"])
        // Catalogue order: giao_duc comes first in the catalogue, then the employment policies.
        let expected = catalogue.policies.map(\.code).filter {
            Set(["giao_duc", "dao_tao_nghe", "viec_lam", "xuat_khau_lao_dong", "tin_dung_uu_dai", "vay_quy_viec_lam"]).contains($0)
        }
        #expect(c.suggestedPolicies == expected)
        #expect(c.suggestedPolicies.first == "giao_duc")
    }

    @Test func noDeprivationsIsCompleteOnceAnythingWasReceived() {
        let none = HouseholdCoverage.of(deprived: [], received: [], catalogue: catalogue)
        #expect(none.lines.isEmpty)
        #expect(!none.isComplete)
        #expect(none.missingIndicators.isEmpty && none.suggestedPolicies.isEmpty)
        let gift = HouseholdCoverage.of(deprived: [], received: ["qua_tet"], catalogue: catalogue)
        #expect(gift.isComplete)
        #expect(gift.receivedAny)
    }

    @Test func unaddressableAndRepeatedIndicators() {
        let c = HouseholdCoverage.of(deprived: ["bhyt", "khong_co", "bhyt"], received: ["ho_tro_bhyt"], catalogue: catalogue)
        #expect(c.lines.map(\.indicator) == ["bhyt", "khong_co"])
        #expect(c.lines[1].addressedBy.isEmpty)
        #expect(!c.isComplete)
        #expect(c.missingIndicators == ["khong_co"])
        #expect(c.suggestedPolicies.isEmpty)
    }

    @Test func policiesNotAddressingADeprivationDoNotCover() {
        let c = HouseholdCoverage.of(deprived: ["bhyt"], received: ["y_te", "qua_tet"], catalogue: catalogue)
        #expect(!c.isComplete)
        #expect(c.receivedAny)
        #expect(c.lines[0].received.isEmpty)
        #expect(c.suggestedPolicies == ["ho_tro_bhyt"])
    }
}
