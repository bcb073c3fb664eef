import Documents
import Foundation
import PovertyCore
import Storage

extension ReportDocuments {
    /// A campaign's list to sign on receipt (danh sách ký nhận): the approved households in
    /// order, STT from 1, the receiving member, unit, household, gift value and a column to
    /// sign, the total in figures and in words, and the signatures of whoever draws up the
    /// list, hands the gifts out and approves it.
    static func signList(campaign c: Campaign, kind: String, recipients: [Proposal], history: OrgHistory, today: Day) -> OfficialDocument {
        let who = issuer(c.unitID, history: history, on: today)
        let total = recipients.reduce(0) { $0 + $1.amount }
        var rows: [Table.Row] = recipients.enumerated().map { i, p in
            Table.Row([String(i + 1), p.primaryName, unitName(p.unitID, history, today), p.householdCode, Format.number(p.amount, .vi), ""])
        }
        rows.append(Table.Row(["Tổng cộng", "\(Format.number(recipients.count, .vi)) người", "", Format.number(total, .vi), ""], bold: true, leadingSpan: 2))
        let table = Table(columns: [
            Table.Column("STT", width: 0.8, alignment: .center), Table.Column("Họ và tên người nhận", width: 2.1),
            Table.Column("Đơn vị", width: 2.3), Table.Column("Mã hộ", width: 1.4, alignment: .center),
            Table.Column("Giá trị quà (đồng)", width: 1.3, alignment: .right), Table.Column("Ký nhận", width: 1.5),
        ], rows: rows)
        let signers = Table(columns: [
            Table.Column("NGƯỜI LẬP DANH SÁCH", alignment: .center), Table.Column("NGƯỜI TRAO QUÀ", alignment: .center),
        ], rows: [Table.Row(["(Ký, ghi rõ họ tên)\n\n\n\n", "(Ký, ghi rõ họ tên)\n\n\n\n"], italic: true)])
        return OfficialDocument(
            parentBody: who.parentBody, issuingBody: who.issuingBody, number: "Số:       /DS-\(who.symbol)", place: who.place,
            date: date(today), kind: "DANH SÁCH",
            subject: "Ký nhận quà \(kind.lowercased() == c.name.lowercased() || c.name.hasPrefix(kind) ? "" : kind + " — ")đợt “\(c.name)”",
            body: [
                .paragraph("Đợt: \(c.name) (\(c.startsOn.vietnamese) – \(c.endsOn.vietnamese)); đơn vị tổ chức: \(unitName(c.unitID, history, today))."),
                .table(table),
                .paragraph("Tổng số \(Format.number(recipients.count, .vi)) người nhận; tổng giá trị \(Format.number(total, .vi)) đồng (bằng chữ: \(VietnameseNumberWords.dong(total)))."),
                .table(signers),
            ],
            recipients: ["Lưu: VT."], signature: who.signature)
    }
}
