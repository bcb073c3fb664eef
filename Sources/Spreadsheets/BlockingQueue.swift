import Foundation

/// A bounded queue between threads: `put` blocks while it is full, `take` while it is
/// empty. The producer closes it (with an error, or none) when done; a consumer that
/// gives up cancels it, which makes the producer's next `put` throw.
public final class BlockingQueue<Element>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [Element] = []
    private var closed = false
    private var cancelled = false
    private var failure: (any Error)?
    private let capacity: Int

    public struct Cancelled: Error {}

    public init(capacity: Int) { self.capacity = Swift.max(1, capacity) }

    public func put(_ item: Element) throws {
        condition.lock(); defer { condition.unlock() }
        while items.count >= capacity && !cancelled { condition.wait() }
        if cancelled { throw Cancelled() }
        items.append(item)
        condition.broadcast()
    }

    /// The next item, or nil once the queue is closed and drained; rethrows the producer's error.
    public func take() throws -> Element? {
        condition.lock(); defer { condition.unlock() }
        while items.isEmpty && !closed { condition.wait() }
        if !items.isEmpty {
            let item = items.removeFirst()
            condition.broadcast()
            return item
        }
        if let failure { throw failure }
        return nil
    }

    /// `take()` for async code: waits on a dispatch thread, not on the caller's executor.
    public func takeAsync() async throws -> Element? where Element: Sendable {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                do { continuation.resume(returning: try self.take()) } catch { continuation.resume(throwing: error) }
            }
        }
    }

    public func close(_ error: (any Error)? = nil) {
        condition.lock(); defer { condition.unlock() }
        closed = true
        if !(error is Cancelled) { failure = error }
        condition.broadcast()
    }

    public func cancel() {
        condition.lock(); defer { condition.unlock() }
        cancelled = true
        condition.broadcast()
    }

    /// Gives up: tells the producer to stop and lets it finish.
    public func cancelAndDrain() {
        cancel()
        while (try? take()) ?? nil != nil {}
    }
}
