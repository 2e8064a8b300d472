/// Time limits for work that waits on another process (a database, the Lambda Runtime API), so a
/// peer that is gone or stops answering fails the caller instead of hanging it.

import Synchronization

/// A wait that ran out of time.
public struct DeadlineExceeded: Error, Sendable, CustomStringConvertible {
    public var limit: Duration
    public init(limit: Duration) { self.limit = limit }
    public var description: String { "no answer within \(limit)" }
}

/// Runs `operation` in a child task; if it has not finished after `limit`, cancels it, calls
/// `onExpiry` and throws `DeadlineExceeded`. When `disarm` is given and the operation has switched
/// it off by then, the limit no longer applies (a limit on waiting for a connection, say, that
/// does not also limit the work done on it).
///
/// `onExpiry` is how an operation that ignores cancellation is made to end (closing the
/// connection a query waits on, for example); the call returns only once the operation has ended,
/// so nothing it touches outlives the call.
public func withDeadline<T: Sendable>(
    _ limit: Duration,
    disarm: DeadlineSwitch? = nil,
    onExpiry: @Sendable () -> Void = {},
    _ operation: @Sendable () async throws -> T
) async throws -> T {
    try await withoutActuallyEscaping(operation) { operation in
        try await withThrowingTaskGroup(of: Outcome<T>.self) { group in
            group.addTask { .finished(try await operation()) }
            group.addTask {
                // Not Task.sleep: the timer is cancelled whenever the operation finishes first,
                // and a cancelled Task.sleep holds its memory until its end time (CancellableSleep).
                await CancellableSleep.sleep(for: limit)
                return .expired
            }
            // The first child to end decides; a cancelled timer (the caller was cancelled) ends
            // early too, and then the operation sees the same cancellation.
            let first = try await group.next()
            if case .finished = first { group.cancelAll() }
            switch first {
            case .finished(let value):
                return value
            case .expired where disarm?.isOff == true:
                guard case .finished(let value)? = try await group.next() else { throw CancellationError() }
                return value
            case .expired, nil:
                if Task.isCancelled { throw CancellationError() }
                group.cancelAll()
                onExpiry()
                // Wait for the operation to wind down, whatever it ends with.
                while (try? await group.next()) != nil {}
                throw DeadlineExceeded(limit: limit)
            }
        }
    }
}

private enum Outcome<T: Sendable>: Sendable {
    case finished(T)
    case expired
}

/// Switched off by an operation once it is past the part a deadline was for.
public final class DeadlineSwitch: Sendable {
    private let off = Mutex(false)
    public init() {}
    public func switchOff() { off.withLock { $0 = true } }
    public var isOff: Bool { off.withLock { $0 } }
}
