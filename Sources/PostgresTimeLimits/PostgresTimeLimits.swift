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

extension PostgresClient {
    /// `withConnection(within:)`, but when no connection has come after `diagnosisDelay` it also
    /// connects once on its own through `probe` (the pool retries a failing connection quietly and
    /// never says why): a `ConnectionFailure` it finds (refused credentials, a missing database,
    /// nothing listening) is thrown at once, and the lease still waiting is given up. A probe that
    /// connects, or fails for another reason, leaves the lease to its limit. The pool's `probes`
    /// run one at a time and share what they find, so callers waiting on a busy pool do not each
    /// open a connection.
    public func withConnection<T: Sendable>(
        within limit: Duration, diagnosisDelay: Duration = .milliseconds(300),
        probes: ProbeGate, probe: @escaping @Sendable () async -> ConnectionFailure?,
        _ body: @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        let race = LeaseRace()
        // The body runs in a child task of a group this call awaits, so it does not outlive the call.
        return try await withoutActuallyEscaping(body) { body in try await withThrowingTaskGroup(of: LeaseRace.Result<T>.self) { group in
            group.addTask {
                .leased(try await self.withConnection(within: limit) { connection in
                    // The probe has already reported a failure: the caller has moved on.
                    guard race.claimLease() else { throw LeaseRace.Abandoned() }
                    return try await body(connection)
                })
            }
            group.addTask {
                // Cancelled on every lease that comes in time: a sleep that frees itself when cancelled.
                await CancellableSleep.sleep(for: diagnosisDelay)
                while !Task.isCancelled && race.isOpen {
                    let finding = await probes.finding(probe)
                    if case .refused(let failure) = finding, race.claimFailure() { return .failed(failure) }
                    guard case .underWay = finding else { break }
                    // Another caller's probe is connecting: see what it finds.
                    await CancellableSleep.sleep(for: .milliseconds(50))
                }
                // Nothing to report: the lease decides (it ends within its limit, which ends this wait).
                await CancellableSleep.sleep(for: limit + .seconds(1))
                return .undecided
            }
            defer { group.cancelAll() }
            while true {
                let next: LeaseRace.Result<T>?
                do { next = try await group.next() } catch is LeaseRace.Abandoned { continue }
                switch next {
                case .leased(let value)?: return value
                case .failed(let failure)?: throw failure
                case .undecided?: continue
                case nil: throw CancellationError()
                }
            }
        } }
    }
}

/// One pool's probes: one connects at a time, and what it found holds for a moment, for every
/// caller waiting on the pool.
public final class ProbeGate: Sendable {
    public enum Finding: Sendable {
        case refused(ConnectionFailure)
        /// The probe connected, or failed for a reason that names nothing to fix.
        case connects
        /// Another caller's probe is connecting now.
        case underWay
    }

    private struct State {
        var probing = false
        var last: (at: ContinuousClock.Instant, failure: ConnectionFailure?)?
    }
    private let state = Mutex(State())
    private let memory: Duration

    public init(remembering memory: Duration = .seconds(1)) {
        self.memory = memory
    }

    /// What a probe found within the last moment; else what `probe` finds now, unless another is under way.
    public func finding(_ probe: @Sendable () async -> ConnectionFailure?) async -> Finding {
        enum Step { case found(ConnectionFailure?), run, wait }
        let step = state.withLock { state -> Step in
            if let last = state.last, ContinuousClock.now - last.at < memory { return .found(last.failure) }
            if state.probing { return .wait }
            state.probing = true
            return .run
        }
        switch step {
        case .found(let failure): return failure.map(Finding.refused) ?? .connects
        case .wait: return .underWay
        case .run:
            let failure = await probe()
            // A probe cut short by cancellation found nothing to share.
            let cancelled = Task.isCancelled
            state.withLock { state in
                state.probing = false
                if !cancelled { state.last = (ContinuousClock.now, failure) }
            }
            return failure.map(Finding.refused) ?? .connects
        }
    }
}

/// Which of a lease and its probe decides: the first to claim.
private final class LeaseRace: Sendable {
    enum Result<T: Sendable>: Sendable {
        case leased(T)
        case failed(ConnectionFailure)
        case undecided
    }
    /// The lease came after the probe had reported a failure.
    struct Abandoned: Error {}
    private enum State { case open, leased, failed }
    private let state = Mutex(State.open)

    var isOpen: Bool { state.withLock { $0 == .open } }
    func claimLease() -> Bool { claim(.leased) }
    func claimFailure() -> Bool { claim(.failed) }

    private func claim(_ outcome: State) -> Bool {
        state.withLock { state in
            guard state == .open else { return false }
            state = outcome
            return true
        }
    }
}

/// A statement on a connection that is already closed, or closing: this process closed it (a
/// deadline passed) and nothing more was sent on it.
public struct PostgresConnectionClosed: Error, CustomStringConvertible {
    public init() {}
    public var description: String { "the connection to PostgreSQL is closed" }
}

/// The connection closed while a statement ran on it (the server ended the session, or the network
/// dropped it): whether the statement took effect is unknown, so it is not sent again.
public struct PostgresConnectionLost: Error, CustomStringConvertible {
    public init() {}
    public var description: String { "the connection to PostgreSQL was lost during a statement, which may or may not have taken effect" }
}

extension PostgresConnection {
    /// Runs `body` on this connection for at most `limit`; past it, or when the caller is cancelled
    /// (a Lambda invocation reaching its deadline), the connection is closed (the only way to end a
    /// query) and the wait ends at once: `DeadlineExceeded` or `CancellationError`. A connection
    /// found closed or closing is `PostgresConnectionClosed`; one that closes while `body` runs ends
    /// the wait at once too, with `PostgresConnectionLost`.
    public func bounded<T: Sendable>(by limit: Duration, _ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        guard !isClosed else { throw PostgresConnectionClosed() }
        if Abandoned.shared.contains(self) {
            // Its close is under way (a local socket's, quick): once it is done the pool drops the
            // connection, so the caller's one retry leases another.
            try? await closeFuture.get()
            throw PostgresConnectionClosed()
        }
        do {
            return try await withDeadline(limit, onExpiry: { self.abandon() }) {
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
        ClosingWatch.shared.begin(self) { outcome.finish(.failure(PostgresConnectionLost())) }
        defer { ClosingWatch.shared.end(self) }
        let task = Task {
            do { outcome.finish(.success(try await work())) } catch { outcome.finish(.failure(error)) }
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { outcome.wait(with: $0) }
        } onCancel: {
            // Settled before the close, whose notice would otherwise report the connection lost.
            outcome.finish(.failure(CancellationError()))
            task.cancel()
            self.abandon()
        }
    }

    /// Closes the connection, and until it is closed marks it abandoned: the caller gives up at once
    /// and the pool may lease the connection again before its close completes, which must then find
    /// it closing (`PostgresConnectionClosed`, tried again on another) rather than start a statement
    /// the close will cut off.
    private func abandon() {
        Abandoned.shared.insert(self)
        close().whenComplete { _ in Abandoned.shared.remove(self) }
    }
}

/// The connections whose close was asked for and has not completed.
private final class Abandoned: Sendable {
    static let shared = Abandoned()
    private let connections = Mutex(Set<ObjectIdentifier>())

    func insert(_ connection: PostgresConnection) { _ = connections.withLock { $0.insert(ObjectIdentifier(connection)) } }
    func remove(_ connection: PostgresConnection) { _ = connections.withLock { $0.remove(ObjectIdentifier(connection)) } }
    func contains(_ connection: PostgresConnection) -> Bool { connections.withLock { $0.contains(ObjectIdentifier(connection)) } }
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

/// Fails the statement running on a connection when that connection closes. One close callback a
/// connection, however many statements it runs (a callback a statement would pile up on a
/// long-lived connection), and one statement a connection at a time, as postgres-nio runs them.
private final class ClosingWatch: Sendable {
    static let shared = ClosingWatch()

    private struct State {
        /// What to do if the connection closes now: fail its running statement.
        var running: [ObjectIdentifier: @Sendable () -> Void] = [:]
        /// Connections whose close is already watched.
        var watched: Set<ObjectIdentifier> = []
    }
    private let state = Mutex(State())

    func begin(_ connection: PostgresConnection, onClose: @escaping @Sendable () -> Void) {
        let id = ObjectIdentifier(connection)
        let first = state.withLock { state in
            state.running[id] = onClose
            return state.watched.insert(id).inserted
        }
        guard first else { return }
        // Runs at once if the connection is already closed.
        connection.closeFuture.whenComplete { _ in
            let running = self.state.withLock { state in
                state.watched.remove(id)
                return state.running.removeValue(forKey: id)
            }
            running?()
        }
    }

    func end(_ connection: PostgresConnection) {
        _ = state.withLock { $0.running.removeValue(forKey: ObjectIdentifier(connection)) }
    }
}
