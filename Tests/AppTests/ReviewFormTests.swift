@testable import App
import Demo
import Foundation
import PovertyCore
import Spreadsheets
import SQLKit
@_spi(Simulation) @testable import Storage
import Testing
import Vapor
import VaporTesting

extension WebClient {
    /// Posts a form whose keys may repeat (checkboxes: `ind[]`).
    @discardableResult
    func post(_ path: String, pairs: [(String, String)]) async throws -> Page {
        var h = HTTPHeaders()
        h.contentType = .urlEncodedForm
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let body = pairs.map { "\($0.0.addingPercentEncoding(withAllowedCharacters: allowed)!)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }
            .joined(separator: "&")
        return try await send(.POST, path, headers: h, body: ByteBuffer(string: body))
    }
}

@Suite("Review sheet by form", .serialized)
struct ReviewFormTests {
    /// The sheet's fields as the page posts them.
    static func fields(code: String, year: Int = 2025, unit: String, income: String, size: String = "4",
                       deprived: [String] = ["bhyt", "nha_tieu", "viec_lam"], csrf: String, action: String = "save", mode: String = "new",
                       revision: String = "") -> [(String, String)] {
        [("_csrf", csrf), ("mode", mode), ("revision", revision), ("code", code), ("year", String(year)), ("area", "nong_thon"), ("basis", "yearly"),
         ("size", size), ("yearly", income), ("monthly", ""), ("unit", unit), ("member", ""), ("official", ""), ("action", action)]
            + deprived.map { ("ind[]", $0) }
    }

    /// The revision a sheet's page was drawn from (its hidden field).
    static func revision(_ page: WebClient.Page) throws -> String {
        let range = try #require(page.body.range(of: #"name="revision" value="[^"]*""#, options: .regularExpression))
        return String(page.body[range].dropFirst(#"name="revision" value=""#.count).dropLast())
    }

    /// The stored review of a household, without what differs by path (ids, the import, when).
    static func stored(_ store: Store, _ code: String, _ year: Int) async throws -> [String] {
        let row = try #require(try await store.sql.raw("""
            SELECT r.unit_id, r.standard_code, r.area, r.household_size, r.yearly_income, r.monthly_income, r.deprivations,
                   r.deprivation_count, r.per_capita_income, r.status, r.reason, r.official_status, r.fingerprint
            FROM reviews r JOIN households h ON h.id = r.household_id WHERE h.code = \(bind: code) AND r.year = \(bind: year)
            """).first())
        return try ["unit_id", "household_size", "yearly_income", "deprivations", "deprivation_count", "per_capita_income", "fingerprint"]
            .map { String(try row.decode(column: $0, as: Int?.self) ?? -1) }
            + ["standard_code", "area", "status", "reason"].map { try row.decode(column: $0, as: String.self) }
    }

    @Test("the class shows before saving; saving is an import of one row; a correction is audited; refusals keep what was typed",
          arguments: WebDatabase.available)
    func sheet(db: WebDatabase) async throws {
        try await db.withApp { app, _ in
            let store = app.web.store
            let account = try await store.account(named: "coso")
            let unit = try #require(try await store.units.history().units[account.unitID]?.code)
            let web = WebClient(app)
            try await web.login("coso")
            let blank = try await web.get("/reviews/new?year=2025")
            #expect(blank.status == .ok)
            #expect(blank.body.contains("id=\"review-form\"") && blank.body.contains("src=\"/review.js\""))
            // Every indicator of the year's standard is a labelled checkbox with its definition.
            #expect(blank.body.contains("for=\"rv-ind-bhyt\">Bảo hiểm y tế") || blank.body.contains("for=\"rv-ind-bhyt\">"))
            #expect(blank.body.contains("Có người từ 6 tuổi trở lên không có bảo hiểm y tế."))
            #expect(blank.body.contains("Nghị định 07/2021/NĐ-CP"))
            let csrf = try #require(blank.csrf)

            // The preview: 12,000,000 đ a year for 4 people is 250,000 đ a month, under the rural poverty line.
            let poor = try await web.post("/reviews/preview", pairs: Self.fields(code: "HOFORM01", unit: unit, income: "12.000.000", csrf: csrf, action: "preview"))
            #expect(poor.status == .ok)
            #expect(poor.body.contains("id=\"preview-status\"") && poor.body.contains("status-ngheo"))
            #expect(poor.body.contains("250.000 đ"))
            #expect(!poor.body.contains("<html"))  // a fragment for the page's script
            let bad = try await web.post("/reviews/preview", pairs: Self.fields(code: "HOFORM01", unit: unit, income: "nhiều", csrf: csrf, action: "preview"))
            #expect(bad.body.contains("id=\"preview-problems\"") && bad.body.contains("Tổng thu nhập của hộ trong 12 tháng"))
            #expect(try await web.post("/reviews/preview", pairs: Self.fields(code: "HOFORM01", unit: unit, income: "1", csrf: "wrong")).status == .forbidden)
            // Nothing is written by a preview.
            #expect(try await store.sql.raw("SELECT COUNT(*) AS n FROM households WHERE code = 'HOFORM01'").first()!.decode(column: "n", as: Int.self) == 0)

            // Without the script, "Xem trước" posts the form: the page comes back with the class, the code still to type.
            let previewed = try await web.post("/reviews", pairs: Self.fields(code: "HOFORM01", unit: unit, income: "12.000.000", csrf: csrf, action: "preview"))
            #expect(previewed.status == .ok && previewed.body.contains("status-ngheo") && !previewed.body.contains("readonly"))
            // A year no standard covers is a problem of the year field, answered at once (not a loop over years).
            var huge = Self.fields(code: "HOFORM01", unit: unit, income: "12.000.000", csrf: csrf, action: "preview")
            huge = huge.map { $0.0 == "year" ? ("year", "9223372036854775807") : $0 }
            let farYear = try await web.post("/reviews", pairs: huge)
            #expect(farYear.status == .ok && farYear.body.contains("<strong>Năm rà soát</strong>"))
            #expect(ListDownload.inert("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")" && ListDownload.inert("+84 912") == "'+84 912"
                    && ListDownload.inert("Nguyễn Văn A") == "Nguyễn Văn A")
            // A refused save shows the form again with what was typed and the problem by field.
            let refused = try await web.post("/reviews", pairs: Self.fields(code: "HOFORM01", unit: unit, income: "nhiều", csrf: csrf, action: "save"))
            #expect(refused.status == .badRequest)
            #expect(refused.body.contains("value=\"nhiều\"") && refused.body.contains("value=\"HOFORM01\""))
            #expect(refused.body.contains("checked") && refused.body.contains("id=\"preview-problems\""))

            // Saving by form and importing the same row as a file store the same review.
            let saved = try await web.post("/reviews", pairs: Self.fields(code: "HOFORM01", unit: unit, income: "12.000.000", csrf: csrf, action: "save"))
            #expect(saved.status == .seeOther)
            #expect(saved.location == "/households/HOFORM01?notice=review_saved")
            let sheet = ReviewSheet(householdCode: "HOFORM02", year: "2025", area: "nong_thon", householdSize: "4", yearlyIncome: "12.000.000",
                                    deprived: ["bhyt", "nha_tieu", "viec_lam"], unitCode: unit)
            let actor = try await store.actor(for: account, via: .cli)
            _ = try await SurveyImporter(store: store, actor: actor, fileName: "mot-dong.csv").run(InMemoryRows(sheet.table()))
            let byForm = try await Self.stored(store, "HOFORM01", 2025)
            #expect(byForm == (try await Self.stored(store, "HOFORM02", 2025)))
            #expect(byForm.contains("ngheo"))
            let page = try await web.get("/households/HOFORM01?notice=review_saved")
            #expect(page.body.contains("Đã lưu kết quả rà soát.") && page.body.contains("status-ngheo"))
            #expect(try await store.rollups.check(try await store.op).isEmpty)

            // Correcting it: the form starts from what is stored, and the audit log keeps what it was.
            let edit = try await web.get("/households/HOFORM01/review?year=2025")
            #expect(edit.status == .ok)
            #expect(edit.body.contains("id=\"review-note\"") && edit.body.contains("value=\"12.000.000\"") && edit.body.contains("readonly"))
            // Two officers open it; the first saves, the second's sheet is stale: refused, the first's kept.
            let drawn = try Self.revision(edit)
            #expect(drawn.hasPrefix("2025:") && drawn.count > 5)
            let corrected = try await web.post("/reviews", pairs: Self.fields(code: "HOFORM01", unit: unit, income: "120.000.000", deprived: [], csrf: csrf,
                                                                              mode: "edit", revision: drawn))
            #expect(corrected.status == .seeOther)
            #expect(try await Self.stored(store, "HOFORM01", 2025).contains("khong_ngheo"))
            let kept = try await Self.stored(store, "HOFORM01", 2025)
            let stale = try await web.post("/reviews", pairs: Self.fields(code: "HOFORM01", unit: unit, income: "13.000.000", csrf: csrf, mode: "edit", revision: drawn))
            #expect(stale.status == .badRequest && stale.body.contains("vừa được người khác sửa sau khi bạn mở") && stale.body.contains("value=\"13.000.000\""))
            // A new sheet naming a year already reviewed does not overwrite it either.
            let again = try await web.post("/reviews", pairs: Self.fields(code: "HOFORM01", unit: unit, income: "13.000.000", csrf: csrf))
            #expect(again.status == .badRequest && again.body.contains("đã có phiếu rà soát năm 2025"))
            #expect(try await Self.stored(store, "HOFORM01", 2025) == kept)
            // The page opened again carries the new revision, and saves.
            let reopened = try Self.revision(try await web.get("/households/HOFORM01/review?year=2025"))
            #expect(reopened != drawn)
            let audit = try await store.sql.raw("""
                SELECT detail, actor, channel FROM audit_log WHERE action = 'sua_ra_soat' AND detail LIKE 'HOFORM01 năm 2025%'
                """).all()
            #expect(audit.count == 1)
            #expect(try audit.first?.decode(column: "detail", as: String.self).contains("phân loại ngheo → khong_ngheo") == true)
            // Each answer that changed, old → new: the indicators by code, the income as typed.
            let detail = try #require(try audit.first?.decode(column: "detail", as: String.self))
            #expect(detail.contains("chỉ số thiếu hụt viec_lam, bhyt, nha_tieu → –") && detail.contains("tổng thu nhập năm 12.000.000 → 120.000.000"), "\(detail)")
            #expect(try audit.first?.decode(column: "actor", as: String.self) == "coso")
            #expect(try audit.first?.decode(column: "channel", as: String.self) == "web")
            // Saved from the sheet opened again: a correction like any other.
            let resaved = try await web.post("/reviews", pairs: Self.fields(code: "HOFORM01", unit: unit, income: "120.000.000", deprived: ["bhyt"], csrf: csrf,
                                                                            mode: "edit", revision: reopened))
            #expect(resaved.status == .seeOther)
            #expect(try await Self.stored(store, "HOFORM01", 2025) != kept)
            // Next year's sheet starts from this one.
            let next = try await web.get("/households/HOFORM01/review?year=2026")
            #expect(next.body.contains("Điền sẵn theo kết quả rà soát năm 2025") && next.body.contains("value=\"120.000.000\""))
            #expect(try await store.rollups.check(try await store.op).isEmpty)
        }
    }

    @Test("another branch's household is not found, cannot be overwritten by a sheet, and the auditor enters nothing",
          arguments: WebDatabase.available)
    func branch(db: WebDatabase) async throws {
        try await db.withApp { app, _ in
            let store = app.web.store
            let account = try await store.account(named: "coso")
            let actor = try await store.actor(for: account, via: .cli)
            let unit = try #require(actor.history.units[account.unitID]?.code)
            // The latest review of a household outside the grassroots officer's branch.
            let outside = try await store.sql.raw("SELECT h.code, r.year, r.unit_id FROM reviews r JOIN households h ON h.id = r.household_id ORDER BY r.year DESC, h.code")
                .all().first { !actor.scope.contains((try? $0.decode(column: "unit_id", as: Int.self)) ?? 0) }
            let code = try #require(try outside?.decode(column: "code", as: String.self))
            let year = try #require(try outside?.decode(column: "year", as: Int.self))
            let before = try await Self.stored(store, code, year)
            let web = WebClient(app)
            try await web.login("coso")
            #expect(try await web.get("/households/\(code)/review?year=\(year)").status == .notFound)
            #expect(try await web.get("/reviews/new?code=\(code)&year=\(year)").status == .notFound)
            let csrf = try #require(try await web.get("/reviews/new").csrf)
            let overwrite = try await web.post("/reviews", pairs: Self.fields(code: code, year: year, unit: unit, income: "1.000.000", csrf: csrf, action: "save"))
            #expect(overwrite.status == .badRequest)
            #expect(overwrite.body.contains("id=\"preview-problems\"") && overwrite.body.contains("<strong>Mã hộ</strong>"))
            #expect(try await Self.stored(store, code, year) == before)
            // A unit outside the branch is a problem of the unit field.
            let root = DemoProvince.rootCode
            let elsewhere = try await web.post("/reviews", pairs: Self.fields(code: "HOFORM09", unit: root, income: "1.000.000", csrf: csrf, action: "save"))
            #expect(elsewhere.status == .badRequest && elsewhere.body.contains("<strong>Công đoàn quản lý</strong>"))

            let auditor = WebClient(app)
            try await auditor.login("kiemtra")
            #expect(try await auditor.get("/reviews/new").status == .forbidden)
            let token = try #require(try await auditor.get("/").csrf)
            #expect(try await auditor.post("/reviews", pairs: Self.fields(code: "HOFORM09", unit: root, income: "1", csrf: token)).status == .forbidden)
            #expect(try await auditor.post("/reviews/preview", pairs: Self.fields(code: "HOFORM09", unit: root, income: "1", csrf: token)).status == .forbidden)
        }
    }
}
