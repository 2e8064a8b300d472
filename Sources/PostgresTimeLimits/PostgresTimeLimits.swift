import Deadline
import PostgresNIO
import Synchronization

// postgres-nio waits forever for a pooled connection when the server is gone, a query ignores
// cancellation, and a query written to a connection that has just been closed never completes (the
// write's failure is dropped). Any of these would hang its caller, so both clients of PostgreSQL
// here (the runtime's executor and data-api-local) wait through these two.

extension PostgresClient {
    /// Leases a connection, waiting at most `limit` for one; the limit does not apply to `body`.
    /// Throws `DeadlineExceeded` when no connection came in time.
    public func withConnection<T: Sendable>(within limit: Duration, _ body: @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let leased = DeadlineSwitch()
        return try await withDeadline(limit, disarm: leased) {
            try await withConnection { connection in
                leased.switchOff()
                return try await body(connection)
            }
        }
    }
}

/// A statement on a connection that is already closed, or closing: this process closed it (a
/// deadline passed) and nothing more was sent on it.
public struct PostgresConnectionClosed: Error, CustomStringConvertible {
    public init() {}
    public var description: String { "the connection to PostgreSQL is closed" }
}

extension PostgresConnection {
    /// Runs `body` on this connection for at most `limit`; past it, or when the caller is cancelled
    /// (a Lambda invocation reaching its deadline), the connection is closed (the only way to end a
    /// query) and the wait ends at once: `DeadlineExceeded` or `CancellationError`. A connection
    /// found closed or closing is `PostgresConnectionClosed`.
    public func bounded<T: Sendable>(by limit: Duration, _ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        guard !isClosed else { throw PostgresConnectionClosed() }
        do {
            return try await withDeadline(limit, onExpiry: { self.close().whenComplete { _ in } }) {
                try await self.abandonedOnCancellation { try await body(self) }
            }
        } catch let error as PSQLError where error.code == .clientClosedConnection {
            throw PostgresConnectionClosed()
        }
    }

    /// Runs `work` in a task of its own and waits for it, but stops waiting when the caller is
    /// cancelled, closing the connection: a query that can no longer complete is left to the closed
    /// connection rather than awaited.
    private func abandonedOnCancellation<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) async throws -> T {
        let outcome = Outcome<T>()
        let task = Task {
            do { outcome.finish(.success(try await work())) } catch { outcome.finish(.failure(error)) }
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { outcome.wait(with: $0) }
        } onCancel: {
            task.cancel()
            self.close().whenComplete { _ in }
            outcome.finish(.failure(CancellationError()))
        }
    }
}

/// The first result of a race between work finishing and its caller giving up, handed to whoever
/// waits, once.
private final class Outcome<T: Sendable>: Sendable {
    private struct State {
        var waiter: CheckedContinuation<T, any Error>?
        var result: Result<T, any Error>?
        var delivered = false
    }
    private let state = Mutex(State())

    func wait(with continuation: CheckedContinuation<T, any Error>) {
        let ready: Result<T, any Error>? = state.withLock { state in
            guard let result = state.result, !state.delivered else {
                state.waiter = continuation
                return nil
            }
            state.delivered = true
            return result
        }
        if let ready { continuation.resume(with: ready) }
    }

    func finish(_ result: Result<T, any Error>) {
        let waiter: CheckedContinuation<T, any Error>? = state.withLock { state in
            guard state.result == nil else { return nil }
            state.result = result
            guard let waiter = state.waiter, !state.delivered else { return nil }
            state.delivered = true
            return waiter
        }
        waiter?.resume(with: result)
    }
}
