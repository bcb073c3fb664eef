import Foundation
import ZIPFoundation

extension OfficialDocument {
    /// The media type of a `.docx` file, for `Content-Type`.
    public static let docxMediaType = DOCXPackage.mediaType

    /// The document as a `.docx` file's bytes, e.g. for an HTTP download
    /// (`application/vnd.openxmlformats-officedocument.wordprocessingml.document`).
    public func docxData() throws -> Data {
        try DOCXPackage.make(documentXML: DocumentXML.make(self))
    }

    /// Writes the document as a `.docx` file at `url`, replacing any file there. The file
    /// appears only when complete, in one atomic rename; a failure leaves nothing behind.
    public func write(to url: URL) throws {
        let data = try docxData()
        try AtomicFile.write(data, to: url)
    }
}

/// Builds a `.docx` from the committed skeleton (`Resources/skeleton.docx`, made from the
/// parts in `Skeleton/` by `Skeleton/make-skeleton.sh`): every part of the skeleton is
/// copied as it is, except `word/document.xml`, which is replaced whole.
enum DOCXPackage {
    static let mediaType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    static let documentPart = "word/document.xml"

    /// The skeleton's parts in their order, read once.
    private static let skeleton: Result<[(path: String, data: Data)], DocumentError> = {
        do {
            let archive = try Archive(data: Data(PackageResources.skeleton_docx), accessMode: .read)
            var parts: [(path: String, data: Data)] = []
            for entry in archive where entry.type == .file {
                var data = Data()
                _ = try archive.extract(entry) { data.append($0) }
                parts.append((entry.path, data))
            }
            guard parts.contains(where: { $0.path == documentPart }),
                  parts.contains(where: { $0.path == "[Content_Types].xml" }) else {
                return .failure(.invalidSkeleton(
                    reason: "thiếu [Content_Types].xml hoặc word/document.xml / "
                        + "[Content_Types].xml or word/document.xml is missing"))
            }
            return .success(parts)
        } catch {
            return .failure(.invalidSkeleton(reason: "\(error)"))
        }
    }()

    static func make(documentXML: Data) throws -> Data {
        let parts = try skeleton.get()
        do {
            let archive = try Archive(accessMode: .create)
            for part in parts {
                let data = part.path == documentPart ? documentXML : part.data
                try archive.addEntry(
                    with: part.path, type: .file, uncompressedSize: Int64(data.count),
                    compressionMethod: .deflate,
                    provider: { position, size in
                        let start = Int(position)
                        return data.subdata(in: start..<min(start + size, data.count))
                    })
            }
            guard let data = archive.data else {
                throw DocumentError.cannotWrite(path: "docx", reason: "ZIP rỗng / empty ZIP archive")
            }
            return data
        } catch let error as DocumentError {
            throw error
        } catch {
            throw DocumentError.cannotWrite(path: "docx", reason: "\(error)")
        }
    }
}

/// Writes through a temporary file beside the destination and one rename.
enum AtomicFile {
    static func write(_ data: Data, to url: URL) throws {
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            try data.write(to: temporary)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw DocumentError.cannotWrite(path: url.path, reason: "\(error)")
        }
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw DocumentError.cannotWrite(path: url.path, reason: reason)
        }
    }
}
