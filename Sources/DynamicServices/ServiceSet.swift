import ServiceLifecycle
import Synchronization

/// Runs the services added to it over time (a connection pool per set of credentials, the pools a
/// function's start-up opens) inside its own `run()`, so they live exactly as long as whoever runs
/// the set: a graceful shutdown (SIGTERM, SIGINT in a `ServiceGroup`) or a cancellation stops each of
/// them, and no task outlives it.
///
/// A service added before `run()` starts waits for it; one added after `run()` has returned never
/// runs, and `state` tells its owner why. A set runs once: running it again throws `AlreadyRun`.
public final class ServiceSet: Service, Sendable {
    public enum State: Sendable { case notStarted, running, stopped }

    private let added: AsyncStream<any Service>
    private let intake: AsyncStream<any Service>.Continuation
    private let current = Mutex(State.notStarted)

    public init() {
        (added, intake) = AsyncStream.makeStream()
    }

    public var state: State { current.withLock { $0 } }

    public func add(_ service: any Service) {
        intake.yield(service)
    }

    /// Runs `body` with a set of its own running, and stops what `body` added to it once `body`
    /// returns or throws.
    public static func withRunning<T: Sendable>(_ body: (ServiceSet) async throws -> T) async throws -> T {
        let services = ServiceSet()
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            do {
                let result = try await body(services)
                group.cancelAll()
                try await group.waitForAll()
                return result
            } catch {
                group.cancelAll()
                try? await group.waitForAll()
                throw error
            }
        }
    }

    /// Running a set (or what owns one, such as a `PostgresExecutor`) a second time.
    public struct AlreadyRun: Error, CustomStringConvertible {
        public init() {}

        public var description: String {
            "this ServiceSet has already run, and what it ran (connection pools) cannot start again: create a new one (or a new executor) instead"
        }
    }

    public func run() async throws {
        let first = current.withLock { state in
            defer { if state == .notStarted { state = .running } }
            return state == .notStarted
        }
        guard first else { throw AlreadyRun() }
        defer {
            current.withLock { $0 = .stopped }
            intake.finish()
        }
        try await withThrowingDiscardingTaskGroup { group in
            // Each service sees the graceful shutdown itself (it is task-local), and the cancellation with the group.
            for await service in added.cancelOnGracefulShutdown() {
                group.addTask { try await service.run() }
            }
        }
    }
}
