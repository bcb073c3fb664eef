import Foundation

/// Why a document could not be written or converted. Every message is bilingual,
/// "tiếng Việt / English", ready to show to an officer or to log.
public enum DocumentError: Error, Equatable, CustomStringConvertible {
    /// The DOCX or PDF could not be written at `path`.
    case cannotWrite(path: String, reason: String)
    /// The DOCX to convert could not be read at `path`.
    case cannotRead(path: String, reason: String)
    /// The committed DOCX skeleton is unreadable (a broken build, not a user error).
    case invalidSkeleton(reason: String)
    /// A table's rows or header groups do not add up to its columns.
    case invalidTable(reason: String)
    /// No LibreOffice executable: `searched` lists the paths tried.
    case officeNotInstalled(searched: [String])
    /// LibreOffice ran but produced no PDF; `output` is what it printed.
    case conversionFailed(status: Int32, output: String)
    /// LibreOffice did not finish within `seconds` and was killed.
    case conversionTimedOut(seconds: Int)
    /// Too many conversions are already waiting for LibreOffice.
    case busy(waiting: Int)

    /// A short message for a web page, without paths or LibreOffice's own output (those go
    /// to the log through `description`).
    public var publicDescription: String {
        switch self {
        case .officeNotInstalled:
            return "máy chủ chưa cài LibreOffice nên chưa tạo được PDF (hãy tải bản Word); quản trị viên cài gói libreoffice-writer-nogui / "
                + "LibreOffice is not installed on the server, so no PDF can be made (download the Word file); an administrator installs libreoffice-writer-nogui"
        case .busy:
            return "máy chủ đang tạo nhiều tệp PDF, hãy thử lại sau ít phút / the server is busy making PDF files, try again in a few minutes"
        case .conversionFailed, .conversionTimedOut:
            return "không tạo được PDF lúc này (hãy tải bản Word) / the PDF could not be made now (download the Word file)"
        case .cannotWrite, .cannotRead:
            // The server's folders and the system's words stay in the log.
            return "máy chủ không ghi hoặc đọc được tệp tạm của văn bản, hãy thử lại sau; nếu vẫn lỗi, báo quản trị viên / "
                + "the server could not write or read the document's working file; try again later, and tell an administrator if it persists"
        case .invalidSkeleton, .invalidTable:
            return description
        }
    }

    public var description: String {
        switch self {
        case let .cannotWrite(path, reason):
            return "không ghi được tệp \(path): \(reason) / cannot write \(path): \(reason)"
        case let .cannotRead(path, reason):
            return "không đọc được tệp \(path): \(reason) / cannot read \(path): \(reason)"
        case let .invalidSkeleton(reason):
            return "mẫu DOCX đi kèm chương trình bị hỏng: \(reason) / the bundled DOCX skeleton is broken: \(reason)"
        case let .invalidTable(reason):
            return "bảng không hợp lệ / invalid table: \(reason)"
        case let .officeNotInstalled(searched):
            let list = searched.isEmpty ? "PATH" : searched.joined(separator: ", ")
            return "không tìm thấy LibreOffice (đã tìm: \(list)); hãy cài libreoffice-writer-nogui "
                + "(apt-get install libreoffice-writer-nogui) / LibreOffice not found (looked in: \(list)); "
                + "install libreoffice-writer-nogui"
        case let .conversionFailed(status, output):
            let detail = output.isEmpty ? "" : ": \(output)"
            return "LibreOffice không chuyển được sang PDF (mã thoát \(status))\(detail) / "
                + "LibreOffice failed to convert to PDF (exit status \(status))\(detail)"
        case let .conversionTimedOut(seconds):
            return "LibreOffice chạy quá \(seconds) giây nên đã bị dừng / "
                + "LibreOffice took longer than \(seconds) s and was killed"
        case let .busy(waiting):
            return "đã có \(waiting) tệp chờ chuyển sang PDF / \(waiting) conversions are already waiting"
        }
    }
}
