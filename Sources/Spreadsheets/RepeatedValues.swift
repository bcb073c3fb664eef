import Foundation

/// Finds the 64-bit values that occur more than once in a stream, in bounded memory:
/// values gather in a buffer; a full buffer is sorted and written to a temporary file
/// as a run; at the end the runs are merged and equal neighbours reported.
/// Memory is the buffer (8 bytes a value) plus a small read buffer per run.
public final class RepeatedValues {
    private var buffer: [UInt64] = []
    private let bufferLimit: Int
    private var runs: [URL] = []
    private let directory: URL

    public init(bufferLimit: Int = 1 << 20) {
        self.bufferLimit = Swift.max(2, bufferLimit)
        directory = TemporaryFiles.url("runs")
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    public func add(_ value: UInt64) throws {
        buffer.append(value)
        if buffer.count >= bufferLimit { try spill() }
    }

    private func spill() throws {
        buffer.sort()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent("run-\(runs.count)")
        let data = buffer.withUnsafeBufferPointer { Data(buffer: $0) }
        try data.write(to: url)
        runs.append(url)
        buffer.removeAll(keepingCapacity: true)
    }

    /// The values seen at least twice.
    public func repeated() throws -> Set<UInt64> {
        var found = Set<UInt64>()
        if runs.isEmpty {
            buffer.sort()
            for i in buffer.indices.dropFirst() where buffer[i] == buffer[i - 1] { found.insert(buffer[i]) }
            return found
        }
        if !buffer.isEmpty { try spill() }
        var readers = try runs.map { try RunReader(url: $0) }
        var previous: UInt64?
        while true {
            var best: Int?
            for (i, r) in readers.enumerated() where r.current != nil {
                if best == nil || r.current! < readers[best!].current! { best = i }
            }
            guard let b = best else { break }
            let value = readers[b].current!
            if value == previous { found.insert(value) }
            previous = value
            try readers[b].advance()
        }
        return found
    }

    /// Reads a run file value by value through a small buffer.
    struct RunReader {
        let handle: FileHandle
        var chunk: [UInt64] = []
        var index = 0
        var current: UInt64?

        init(url: URL) throws {
            handle = try FileHandle(forReadingFrom: url)
            try advance()
        }

        mutating func advance() throws {
            if index >= chunk.count {
                let data = try handle.read(upToCount: 64 * 1024) ?? Data()
                guard !data.isEmpty else { current = nil; try? handle.close(); return }
                chunk = data.withUnsafeBytes { Array($0.bindMemory(to: UInt64.self)) }
                index = 0
            }
            current = chunk[index]
            index += 1
        }
    }
}
