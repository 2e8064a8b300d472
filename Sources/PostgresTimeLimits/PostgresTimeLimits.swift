import Deadline
import PostgresNIO

// postgres-nio waits forever for a pooled connection when the server is gone, and a query ignores
// cancellation, so a server that stops answering would hang its caller. Both clients of PostgreSQL
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

extension PostgresConnection {
    /// Runs `body` on this connection for at most `limit`; past it, or when the caller is cancelled
    /// (a Lambda invocation reaching its deadline), the connection is closed (the only way to end a
    /// query) and the wait ends: `DeadlineExceeded` or the cancellation.
    public func bounded<T: Sendable>(by limit: Duration, _ body: @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await withDeadline(limit, onExpiry: { self.close().whenComplete { _ in } }) {
            try await withTaskCancellationHandler {
                try await body(self)
            } onCancel: {
                self.close().whenComplete { _ in }
            }
        }
    }
}
