/// Where a unit's annual report stands: written (draft), sent to the unit above
/// (submitted), sent back with comments (returned, to be corrected and sent again), or
/// accepted by the unit above (final).
public enum AnnualReportStatus: String, Sendable, Codable, CaseIterable {
    case draft, submitted, returned, accepted

    public var vietnamese: String {
        switch self {
        case .draft: "đang soạn"
        case .submitted: "đã gửi, chờ duyệt"
        case .returned: "trả lại để sửa"
        case .accepted: "đã chấp nhận"
        }
    }

    public var english: String {
        switch self {
        case .draft: "draft"
        case .submitted: "submitted, awaiting review"
        case .returned: "returned for correction"
        case .accepted: "accepted"
        }
    }

    /// The unit itself may still change its narrative.
    public var isEditable: Bool { self == .draft || self == .returned }
}
