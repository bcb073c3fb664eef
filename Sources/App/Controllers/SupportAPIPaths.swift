import Foundation
import PovertyCore
import Storage

/// The OpenAPI description of the support, fund, loan and campaign routes (`OpenAPIDocument`).
extension SupportAPIController {
    static var paths: [String: Any] {
        typealias D = OpenAPIDocument
        let money: [String: Any] = ["type": "integer", "minimum": 1, "maximum": 1_000_000_000_000, "description": "đồng"]
        let entry: [String: Any] = ["type": "object", "required": ["unit", "amount"], "properties": [
            "unit": ["type": "string"], "toUnit": ["type": "string"], "date": ["type": "string", "format": "date"], "amount": money,
            "contributor": ["type": "string"], "household": ["type": "string"], "note": ["type": "string"]]]
        let loanAction: [String: Any] = ["type": "object", "properties": [
            "date": ["type": "string", "format": "date"], "note": ["type": "string"], "reason": ["type": "string"], "amount": money,
            "months": ["type": "integer"], "jobsCreated": ["type": "integer"], "repayment": ["type": "integer"]]]
        return [
            "/api/v1/coverage": ["get": D.op("Bao phủ chính sách hộ nghèo / policy coverage of poor households", params: [
                D.year("năm rà soát / review year"), D.query("near", "string", "1: gồm hộ cận nghèo / include near-poor"),
                D.query("limit", "integer", "số hộ còn thiếu tối đa / most gaps listed")])],
            "/api/v1/households/{code}/support": [
                "get": D.op("Hỗ trợ hộ đã nhận / a household's support", params: [D.path("code")], returns: .array),
                "post": D.op("Ghi nhận hỗ trợ / record support", params: [D.path("code")], body: ["type": "object", "required": ["policy", "value", "source", "unit"],
                    "properties": ["policy": ["type": "string"], "date": ["type": "string", "format": "date"], "value": money, "inKind": ["type": "string"],
                                   "source": ["type": "string", "enum": ["fund", "partner", "state"]], "sourceName": ["type": "string"],
                                   "unit": ["type": "string"], "fund": ["type": "string"]]])],
            "/api/v1/funds": ["get": D.op("Số dư quỹ theo đơn vị / fund balances by unit", returns: .array)],
            "/api/v1/funds/{fund}/{unit}": ["get": D.op("Sổ quỹ / a fund's ledger at a unit", params: [
                D.path("fund"), D.path("unit"), D.query("from", "string", "từ ngày / from"), D.query("to", "string", "đến ngày / to")])],
            "/api/v1/funds/{fund}/contributions": ["post": D.op("Ghi đóng góp / record a contribution", params: [D.path("fund")], body: entry)],
            "/api/v1/funds/{fund}/allocations": ["post": D.op("Phân bổ giữa đơn vị / allocate between units", params: [D.path("fund")], body: entry)],
            "/api/v1/funds/{fund}/disbursements": ["post": D.op("Chi quỹ (không vượt số dư) / disburse (never beyond the balance)", params: [D.path("fund")], body: entry)],
            "/api/v1/funds/entries/{id}/reversal": ["post": D.op("Đảo bút toán / reverse an entry", params: [D.path("id")],
                                                                 body: ["type": "object", "required": ["reason"], "properties": ["reason": ["type": "string"], "date": ["type": "string"]]])],
            "/api/v1/loans": [
                "get": D.op("Khoản vay và nhóm nợ / loans with their ageing", params: [D.query("state", "string", "trạng thái / state"),
                                                                                     D.query("date", "string", "mỗi khoản như tại ngày này; không có: như sổ hiện nay / each loan as it stood that day; absent: the book as it stands")], returns: .array),
                "post": D.op("Nhận hồ sơ vay / file an application", body: ["type": "object",
                    "required": ["member", "unit", "purpose", "jobsPlanned", "amount", "termMonths"],
                    "properties": ["member": ["type": "string"], "household": ["type": "string"], "unit": ["type": "string"], "purpose": ["type": "string"],
                                   "workers": ["type": "integer"], "jobsPlanned": ["type": "integer"], "amount": money, "termMonths": ["type": "integer"],
                                   "everyMonths": ["type": "integer"], "appliedOn": ["type": "string", "format": "date"],
                                   "borrower": ["type": "string", "enum": BorrowerKind.allCases.map(\.rawValue)], "contractCost": money,
                                   "contractMonths": ["type": "integer"]]])],
            "/api/v1/loans/ageing": ["get": D.op("Phân loại nợ quá hạn và các khoản quá hạn / overdue loans by age", params: [D.query("date", "string", "ngày tính / as of")])],
            "/api/v1/loans/{code}": ["get": D.op("Một khoản vay với lịch trả nợ / one loan with its schedule", params: [D.path("code"), D.query("date", "string", "như tại ngày này / as it stood that day")])],
            "/api/v1/loans/{code}/{action}": ["post": D.op("approval, rejection, disbursement, repayments, extensions, write-off, jobs; repayment-reversal (repayment: its id), disbursement-reversal: undo one recorded by mistake, with a reason", params: [
                D.path("code"), ["name": "action", "in": "path", "required": true,
                                 "schema": ["type": "string", "enum": ["approval", "rejection", "disbursement", "repayments", "extensions", "write-off", "jobs",
                                                                              "repayment-reversal", "disbursement-reversal"]]]],
                body: loanAction)],
            "/api/v1/campaigns": ["get": D.op("Các đợt quà / campaigns", returns: .array)],
            "/api/v1/campaigns/{code}": ["get": D.op("Một đợt và danh sách của nhánh / one campaign with the branch's list", params: [D.path("code")])],
            "/api/v1/campaigns/{code}/approval": ["post": D.op("Cấp trên phê duyệt danh sách của một đơn vị / approve a unit's list", params: [D.path("code")],
                                                                body: ["type": "object", "required": ["unit"], "properties": ["unit": ["type": "string"], "date": ["type": "string"]]])],
        ]
    }
}
