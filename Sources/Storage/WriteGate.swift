import Foundation
import NIOConcurrencyHelpers

/// One writer at a time per SQLite file, in this process, waited for without holding a thread.
///
/// SQLite lets one connection write at a time. SQLiteNIO answers a busy database by retrying at
/// once, on a thread of the shared blocking pool (as many threads as cores): two writers waiting
/// so keep two cores spinning, and when every thread of the pool spins, the transaction holding
/// the lock never gets a thread to finish on — nothing moves again. Transactions of this process
/// therefore queue here, in order, before they take a connection; only another process (the
/// command line beside a running server) can still make a connection wait inside SQLite.
/// PostgreSQL locks rows and needs none of this.
final class WriteGate: Sendable {
    private struct State {
        var busy = false
        var waiting: [CheckedContinuation<Void, Never>] = []
        var head = 0
    }
    private let state = NIOLockedValueBox(State())
    let key: String

    private init(key: String) { self.key = key }

    /// The gate of the SQLite file at `path` (one per file, however many stores open it).
    static func gate(forFile path: String) -> WriteGate {
        let key = URL(fileURLWithPath: path).standardizedFileURL.path
        return gates.withLockedValue { all in
            if let gate = all[key] { return gate }
            let gate = WriteGate(key: key)
            all[key] = gate
            return gate
        }
    }
    private static let gates = NIOLockedValueBox<[String: WriteGate]>([:])

    /// The gates this task (and its child tasks) already holds: a transaction begun inside
    /// another on the same file passes instead of waiting for itself.
    @TaskLocal static var held: Set<String> = []

    /// Runs `body` holding the gate (at once when this task holds it already).
    func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        if Self.held.contains(key) { return try await body() }
        await acquire()
        defer { release() }
        return try await Self.$held.withValue(Self.held.union([key])) { try await body() }
    }

    /// Runs `body` holding the gate if it is free now (or this task holds it); nil, without
    /// running it, when another writer has it.
    func runIfFree<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T? {
        if Self.held.contains(key) { return try await body() }
        let taken = state.withLockedValue { s -> Bool in
            if s.busy { return false }
            s.busy = true
            return true
        }
        guard taken else { return nil }
        defer { release() }
        return try await Self.$held.withValue(Self.held.union([key])) { try await body() }
    }

    private func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now: Bool = state.withLockedValue { s in
                if s.busy { s.waiting.append(continuation); return false }
                s.busy = true
                return true
            }
            if now { continuation.resume() }
        }
    }

    private func release() {
        let next: CheckedContinuation<Void, Never>? = state.withLockedValue { s in
            guard s.head < s.waiting.count else {
                s.busy = false
                s.waiting.removeAll(keepingCapacity: true)
                s.head = 0
                return nil
            }
            let c = s.waiting[s.head]
            s.head += 1
            if s.head > 1024, s.head * 2 > s.waiting.count {
                s.waiting.removeFirst(s.head)
                s.head = 0
            }
            return c   // the gate passes straight to the next in line: it stays busy
        }
        next?.resume()
    }

    /// How many wait now (tests).
    var waitingCount: Int { state.withLockedValue { $0.waiting.count - $0.head } }
}
