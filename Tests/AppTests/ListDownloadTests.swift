import App
import Demo
import Foundation
import PovertyCore
import SQLKit
@_spi(Simulation) @testable import Storage
import Testing
import Vapor
import VaporTesting

/// The working lists as files: every row the page's filters select (not one page), opened by
/// openpyxl and python-docx, each download audited as an export.
@Suite("List downloads", .serialized)
struct ListDownloadTests {
    /// Data rows of a list workbook: the rows under the header (row 3) whose STT is a number.
    static func rows(_ cells: [String: (value: String, format: String, type: String)], sheet: String, column: String) -> [String] {
        var out: [String] = []
        var r = 4
        while let stt = cells["\(sheet)!A\(r)"], Int(stt.value) != nil {
            out.append(cells["\(sheet)!\(column)\(r)"]?.value ?? "")
            r += 1
        }
        return out
    }

    static func csvRows(_ page: WebClient.Page) -> Int {
        page.body.split(separator: "\n").count - 1
    }

    @Test("households, coverage gaps, loans, the reporting board and a campaign's list download with their filters, and are audited",
          arguments: WebDatabase.available)
    func lists(db: WebDatabase) async throws {
        guard !Office.skip else { return }
        try await db.withApp { app, _ in
            let store = app.web.store
            let actor = try await store.actor(for: try await store.account(named: "xaphuong"), via: .web)
            let year = try #require(try await store.browse.latestYear(actor))
            let web = WebClient(app)
            try await web.login("xaphuong")

            // Households: the filter applies to every row, all pages of it.
            let expected = try await store.browse.householdCount(actor, HouseholdFilter(year: year, status: .nearPoor))
            #expect(expected > 0)
            let xlsx = try await web.get("/households?year=\(year)&status=can_ngheo&format=xlsx")
            #expect(xlsx.status == .ok)
            #expect(xlsx.headers.first(name: .contentDisposition)?.contains("danh-sach-ho-\(year).xlsx") == true)
            let book = try Office.xlsxCells(xlsx.bytes)
            let sheet = try #require(book.sheets.first)
            #expect(book.cells["\(sheet)!A3"]?.value == "STT" && book.cells["\(sheet)!B3"]?.value == "Mã hộ")
            #expect(book.frozen[sheet] == "A4")
            let statuses = Self.rows(book.cells, sheet: sheet, column: "E")
            #expect(statuses.count == expected)
            #expect(Set(statuses) == ["Hộ cận nghèo"])
            let csv = try await web.get("/households?year=\(year)&status=can_ngheo&format=csv")
            #expect(csv.bytes.prefix(3) == Data([0xEF, 0xBB, 0xBF]) && Self.csvRows(csv) == expected)
            #expect(try await web.get("/households?year=\(year)&format=pdf").status == .badRequest)
            // In English the row number's header is English too, like the others.
            _ = try await web.get("/lang/en")
            let english = String(decoding: try await web.get("/households?year=\(year)&status=can_ngheo&format=csv").bytes.dropFirst(3), as: UTF8.self)
            #expect(english.hasPrefix("No.,Household code"), "\(english.prefix(80))")
            _ = try await web.get("/lang/vi")
            // The page links to both, with its filters.
            let page = try await web.get("/households?year=\(year)&status=can_ngheo")
            #expect(page.body.contains("status=can_ngheo&amp;format=xlsx"))

            // Members: the branch's whole list, whatever was searched.
            let members = try await store.sql.raw("SELECT ms.unit_id FROM memberships ms WHERE ms.left_on IS NULL").all()
                .filter { actor.scope.contains((try? $0.decode(column: "unit_id", as: Int.self)) ?? 0) }.count
            let roster = try await web.get("/members?q=nguyen&format=csv")
            #expect(roster.status == .ok && Self.csvRows(roster) == members && members > 0)
            // Citizen IDs (all begin with 0) are written so that a spreadsheet keeps their zeros.
            #expect(roster.body.contains("\"=\"\"0"), "\(roster.body.prefix(400))")

            // Coverage gaps: all of them, not the page's first 200.
            let coverage = try await store.support.coverage(actor, year: year, limit: 1)
            let gaps = try await web.get("/coverage?year=\(year)&format=csv")
            #expect(gaps.status == .ok && Self.csvRows(gaps) == coverage.gapCount)

            // Loans, with balances as on the day asked for.
            let loans = try await store.loans.loans(actor)
            let loanBook = try Office.xlsxCells(try await web.get("/loans?format=xlsx").bytes)
            #expect(Self.rows(loanBook.cells, sheet: try #require(loanBook.sheets.first), column: "B").count == loans.count)

            // The reporting board of the commune's grassroots unions.
            let board = try await store.reports.board(actor, unit: actor.unitID ?? 0, year: year, direct: true)
            let boardFile = try await web.get("/reports?year=\(year)&format=csv")
            #expect(boardFile.status == .ok && Self.csvRows(boardFile) == board.lines.count)

            // A campaign: its whole list, and the approved recipients as the list to sign.
            // One with households proposed in the commune's branch: the province approves the commune's list.
            var chosen: Campaign?
            for c in try await store.campaigns.campaigns(actor) where try await store.campaigns.proposals(actor, c.code).contains(where: { $0.state != .removed }) {
                chosen = c
                break
            }
            let campaign = try #require(chosen)
            let communeCode = try #require(actor.history.units[actor.unitID ?? 0]?.code)
            if try await !store.campaigns.proposals(actor, campaign.code).contains(where: { $0.state == .approved }) {
                _ = try await store.campaigns.approve(try await store.op, campaign.code, unit: communeCode, day: nil)  // after its end: its last day
            }
            let proposals = try await store.campaigns.proposals(actor, campaign.code)
            #expect(proposals.contains { $0.state == .approved })
            let list = try await web.get("/campaigns/\(campaign.code)?format=csv")
            #expect(list.status == .ok && Self.csvRows(list) == proposals.count)
            let sign = try await web.get("/campaigns/\(campaign.code)?format=docx")
            #expect(sign.status == .ok && sign.headers.first(name: .contentType)?.contains("wordprocessingml") == true)
            let text = try Office.docxText(sign.bytes)
            let approved = proposals.filter { $0.state == .approved }
            let total = approved.reduce(0) { $0 + $1.amount }
            #expect(text.contains("DANH SÁCH") && text.contains("Ký nhận") && text.contains("NGƯỜI TRAO QUÀ"))
            #expect(text.contains("bằng chữ: \(VietnameseNumberWords.dong(total))"))
            #expect(text.contains("1 | \(approved.sorted { ($0.rank, $0.householdCode) < ($1.rank, $1.householdCode) }[0].primaryName)"))
            #expect(text.contains("Tổng cộng") && text.contains(Money.format(total)))

            // Every download left an audit entry naming its file (on SQLite it reaches the log from the journal).
            try await store.flushJournal()
            let exports = try await store.sql.raw("SELECT detail FROM audit_log WHERE action = 'xuat' AND actor = 'xaphuong'").all()
                .map { try $0.decode(column: "detail", as: String.self) }
            for file in ["danh-sach-doan-vien.csv", "danh-sach-ho-\(year).xlsx", "danh-sach-ho-\(year).csv", "ho-chua-du-ho-tro-\(year).csv", "tinh-hinh-bao-cao-\(year).csv",
                         "danh-sach-ky-nhan-\(campaign.code).docx"] {
                #expect(exports.contains { $0.lowercased().hasSuffix("→ \(file)".lowercased()) }, "\(file) not audited: \(exports)")
            }
        }
    }
}
