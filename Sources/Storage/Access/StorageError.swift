import PovertyCore

/// What a "not found" names. An actor gets the same answer for a thing outside their branch
/// as for a thing that does not exist, so a code tells nothing about other branches.
public enum NotFound {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case unit, household, member, loan, campaign, fundEntry, support, report, account, token, fund, policy

        var vietnamese: String {
            switch self {
            case .unit: "đơn vị"
            case .household: "hộ"
            case .member: "đoàn viên"
            case .loan: "khoản vay"
            case .campaign: "đợt hỗ trợ"
            case .fundEntry: "bút toán"
            case .support: "lần hỗ trợ"
            case .report: "báo cáo"
            case .account: "tài khoản"
            case .token: "khoá API"
            case .fund: "quỹ"
            case .policy: "chính sách"
            }
        }
        var english: String {
            switch self {
            case .fundEntry: "ledger entry"
            case .support: "support record"
            case .token: "API token"
            default: rawValue
            }
        }
    }
}

/// Errors of the storage layer, each with a Vietnamese and English message.
public enum StorageError: Error, Equatable, CustomStringConvertible {
    case unknownUnit(String)
    case duplicateUnit(String)
    case unitNotActive(String, Day)
    case kindNotAllowed(UnitKind, Day)
    case cycle(String)
    case retroactive(String, Day)
    case badCitizenID(String, String)
    case corrupt(String)
    case invalid(String)
    /// A thing that does not exist or is outside the actor's branch (pages and the API answer 404, the same either way).
    case notFound(NotFound.Kind, String)
    /// The actor's role may not do this at all, or only a province-wide actor may (403).
    case forbidden(StorageOperation)
    /// Someone else changed the record since it was read (optimistic version): nothing was written.
    case conflict(String)

    public var description: String {
        switch self {
        case .unknownUnit(let c): "không có đơn vị mã '\(c)' / no unit with code '\(c)'"
        case .duplicateUnit(let c): "mã đơn vị '\(c)' đã có / unit code '\(c)' already exists"
        case let .unitNotActive(c, d): "đơn vị '\(c)' không hoạt động ngày \(d.vietnamese) / unit '\(c)' is not active on \(d.iso)"
        case let .kindNotAllowed(k, d): "loại '\(k.vietnamese)' không tồn tại vào ngày \(d.vietnamese) (LĐLĐ huyện kết thúc 30/06/2025; công đoàn xã/phường từ 01/07/2025) / a \(k.english) cannot exist on \(d.iso)"
        case .cycle(let c): "đặt '\(c)' dưới chính nhánh của nó tạo vòng lặp / moving '\(c)' under its own branch makes a cycle"
        case let .retroactive(c, d): "đơn vị '\(c)' đã có thay đổi sau ngày \(d.vietnamese); hãy thao tác theo thứ tự ngày / unit '\(c)' has later changes than \(d.iso); apply changes in date order"
        case let .badCitizenID(id, why): "số CCCD '\(id)' không hợp lệ: \(why) / invalid citizen ID '\(id)': \(why)"
        case .corrupt(let what): "dữ liệu hỏng / corrupt data: \(what)"
        case .invalid(let what): what
        case let .notFound(kind, code):
            "không tìm thấy \(kind.vietnamese) '\(code)' trong phạm vi của bạn / no \(kind.english) '\(code)' in your branch"
        case .forbidden: "tài khoản của bạn không có quyền làm việc này / your account may not do this"
        case .conflict(let what):
            "\(what) vừa được người khác sửa; hãy tải lại trang và làm lại / \(what) was changed by someone else meanwhile; reload and try again"
        }
    }
}
