import Foundation

/// Rows of a `RowSource` as an async sequence of batches, read on a thread of their own.
///
/// The reader blocks while `capacity` batches wait to be consumed, so memory stays
/// bounded however slow the consumer (a database) is. If the consumer stops early,
/// the reader is told to stop at its next batch.
public struct RowBatches: AsyncSequence, Sendable {
    public typealias Element = [(row: Int, cells: [String])]

    let source: any RowSource & Sendable
    let batchSize: Int
    let capacity: Int

    public init(_ source: any RowSource & Sendable, batchSize: Int = 1000, capacity: Int = 2) {
        self.source = source
        self.batchSize = Swift.max(1, batchSize)
        self.capacity = Swift.max(1, capacity)
    }

    public func makeAsyncIterator() -> Iterator {
        Iterator(channel: start())
    }

    /// The same batches for a synchronous consumer: the reader thread parses while
    /// `body` works on the previous batch, so two cores share the job.
    public func forEachBatch(_ body: (Element) throws -> Void) throws {
        let channel = start()
        defer { channel.stop() }
        while let batch = try channel.receiveBlocking() { try body(batch) }
    }

    private func start() -> Channel {
        let channel = Channel(capacity: capacity)
        let source = self.source
        let batchSize = self.batchSize
        let thread = Thread {
            var batch: Element = []
            batch.reserveCapacity(batchSize)
            do {
                try source.forEachRow { row, cells in
                    batch.append((row, cells))
                    if batch.count >= batchSize {
                        try channel.send(batch)
                        batch.removeAll(keepingCapacity: true)
                    }
                }
                if !batch.isEmpty { try channel.send(batch) }
                channel.finish(nil)
            } catch {
                channel.finish(error)
            }
        }
        thread.stackSize = 8 << 20
        thread.start()
        return channel
    }

    public struct Iterator: AsyncIteratorProtocol {
        let channel: Channel
        public mutating func next() async throws -> Element? {
            try await channel.receive()
        }
    }

    struct Stopped: Error {}

    /// A one-producer, one-consumer queue: blocking on the producer side, suspending on the consumer side.
    final class Channel: @unchecked Sendable {
        private let condition = NSCondition()
        private var queue: [Element] = []
        private var waiting: CheckedContinuation<Element?, any Error>?
        private var done = false
        private var failure: (any Error)?
        private var stopped = false
        private let capacity: Int

        init(capacity: Int) { self.capacity = capacity }

        deinit {
            // The consumer is gone: let a blocked reader finish.
            condition.lock(); stopped = true; condition.broadcast(); condition.unlock()
        }

        func send(_ batch: Element) throws {
            condition.lock()
            if let w = waiting {
                waiting = nil
                condition.unlock()
                w.resume(returning: batch)
                return
            }
            while queue.count >= capacity && !stopped { condition.wait() }
            if stopped { condition.unlock(); throw Stopped() }
            queue.append(batch)
            condition.broadcast()
            condition.unlock()
        }

        /// Tells the reader to stop at its next batch.
        func stop() {
            condition.lock(); stopped = true; condition.broadcast(); condition.unlock()
        }

        /// Waits for the next batch; nil at the end.
        func receiveBlocking() throws -> Element? {
            condition.lock()
            while queue.isEmpty && !done { condition.wait() }
            if !queue.isEmpty {
                let batch = queue.removeFirst()
                condition.broadcast()
                condition.unlock()
                return batch
            }
            let failure = self.failure
            condition.unlock()
            if let failure { throw failure }
            return nil
        }

        func finish(_ error: (any Error)?) {
            condition.lock()
            done = true
            failure = error is Stopped ? nil : error
            condition.broadcast()
            if let w = waiting {
                waiting = nil
                condition.unlock()
                if let failure { w.resume(throwing: failure) } else { w.resume(returning: nil) }
                return
            }
            condition.unlock()
        }

        func receive() async throws -> Element? {
            try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (c: CheckedContinuation<Element?, any Error>) in
                    condition.lock()
                    if !queue.isEmpty {
                        let batch = queue.removeFirst()
                        condition.signal()
                        condition.unlock()
                        c.resume(returning: batch)
                    } else if done {
                        let failure = self.failure
                        condition.unlock()
                        if let failure { c.resume(throwing: failure) } else { c.resume(returning: nil) }
                    } else {
                        waiting = c
                        condition.unlock()
                    }
                }
            } onCancel: {
                condition.lock(); stopped = true; condition.broadcast(); condition.unlock()
            }
        }
    }
}

extension RowBatches {
    /// A stage that runs on a thread of its own over every batch, with state of its own.
    public struct Stage<State: Sendable, Output: Sendable>: Sendable {
        /// The stage's results, in order. Take until nil; on giving up early, `cancelAndDrain()`.
        public let results: BlockingQueue<Output>
        fileprivate let box: StateBox<State>
        /// The stage's state after the last batch; read it once `results` has returned nil.
        public var finalState: State { box.value }
    }

    /// Runs `stage` over every batch on a thread of its own and hands its results, in order,
    /// through a bounded queue: while the caller works on one result, the reader parses and
    /// `stage` prepares the next, so three threads share the cores.
    public func mapOnThread<State: Sendable, Output: Sendable>(
        state: State, capacity: Int = 4,
        _ stage: @escaping @Sendable (inout State, Element) throws -> Output
    ) -> Stage<State, Output> {
        let results = BlockingQueue<Output>(capacity: capacity)
        let box = StateBox(state)
        let thread = Thread {
            var state = box.value
            do {
                try self.forEachBatch { batch in try results.put(stage(&state, batch)) }
                box.value = state
                results.close()
            } catch {
                box.value = state
                results.close(error)
            }
        }
        thread.stackSize = 8 << 20
        thread.start()
        return Stage(results: results, box: box)
    }
}

/// Carries a stage's state from its thread back to the caller. The hand-over is ordered by
/// the queue: the thread writes before it closes the queue, the caller reads after the
/// queue has returned nil.
final class StateBox<Value>: @unchecked Sendable {
    var value: Value
    init(_ value: Value) { self.value = value }
}
