import Deadline
import DynamicServices
import Logging
import NIOPosix
import PostgresNIO
import PostgresTimeLimits
import ServiceLifecycle
import Synchronization

/// One postgres-nio pool, signed in with one set of credentials. It runs in its executor's
/// `ServiceSet`, so it stops with the executor. A pool replaced by a renewal keeps the leases
/// running on it, and is shut down, closing its connections, once the last of them ends (a pool
/// that keeps a connection open would otherwise sign in again with the old credentials whenever it
/// lost it).
final class SignedInPool: Sendable {
    let client: PostgresClient
    let endpoint: PostgresExecutor.Endpoint
    /// 0 for the first credentials, one more for each renewal.
    let generation: Int
    /// The diagnoses of this pool's connections, one at a time.
    let probes = ProbeGate()
    private let use = Mutex<(leases: Int, replaced: Bool)>((0, false))
    private let retirement: AsyncStream<Void>.Continuation

    init(_ endpoint: PostgresExecutor.Endpoint, generation: Int, shape: PostgresExecutor.PoolShape, timeouts: PostgresExecutor.Timeouts,
         pools: ServiceSet, logger: Logger) {
        var configuration = PostgresClient.Configuration(host: endpoint.host, port: endpoint.port, username: endpoint.username,
                                                         password: endpoint.password, database: endpoint.database, tls: Self.tls(endpoint))
        configuration.options.minimumConnections = shape.minimumConnections
        configuration.options.maximumConnections = shape.maximumConnections
        if !shape.keepsIdleConnectionsAlive { configuration.options.keepAliveBehavior = nil }
        configuration.options.connectTimeout = timeouts.connect
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        self.endpoint = endpoint
        self.generation = generation
        let (retired, retirement) = AsyncStream<Void>.makeStream()
        self.retirement = retirement
        pools.add(RetirablePool(client: client, retired: retired))
    }

    /// A pool a renewal replaced takes no new leases: the caller leases from the current pool.
    struct Retired: Error {}

    /// Runs `body` as one of this pool's leases (so a retirement waits for it).
    func leasing<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        let taken = use.withLock { use in
            guard !use.replaced else { return false }
            use.leases += 1
            return true
        }
        guard taken else { throw Retired() }
        defer {
            let idle = use.withLock { use in
                use.leases -= 1
                return use.replaced && use.leases == 0
            }
            if idle { retirement.finish() }
        }
        return try await body()
    }

    /// A renewal replaced this pool: shut it down once no lease uses it.
    func retireWhenIdle() {
        let idle = use.withLock { use in
            use.replaced = true
            return use.leases == 0
        }
        if idle { retirement.finish() }
    }

    /// The pool's run, which ends once the pool is retired.
    private struct RetirablePool: Service {
        let client: PostgresClient
        let retired: AsyncStream<Void>

        func run() async throws {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await client.run() }
                group.addTask { for await _ in retired {} }
                _ = try await group.next()
                group.cancelAll()
            }
        }
    }

    static func tls(_ endpoint: PostgresExecutor.Endpoint) -> PostgresClient.Configuration.TLS {
        endpoint.tls ? .require(.makeClientConfiguration()) : .disable
    }

    /// Why the server, reached on a connection of its own (the pool hides why its connections
    /// fail), refuses this pool's connections; nil when it connects, or fails in another way.
    func diagnose(within limit: Duration, logger: Logger) async -> ConnectionFailure? {
        let endpoint = endpoint
        let configuration: PostgresConnection.Configuration
        do { configuration = try Self.connectionConfiguration(endpoint, within: limit) } catch { return nil }
        do {
            // Bounded by the configuration's connect timeout (the sign-in included) and ended by
            // cancellation; not by withDeadline, which would drop a connection made just as its
            // limit passed without closing it.
            let connection = try await PostgresConnection.connect(on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration,
                                                                  id: 0, logger: logger)
            try? await connection.close()
            return nil
        } catch {
            return ConnectionFailure(error, host: endpoint.host, port: endpoint.port, username: endpoint.username, database: endpoint.database)
        }
    }

    static func connectionConfiguration(_ endpoint: PostgresExecutor.Endpoint, within limit: Duration) throws -> PostgresConnection.Configuration {
        var configuration = PostgresConnection.Configuration(host: endpoint.host, port: endpoint.port, username: endpoint.username,
                                                             password: endpoint.password, database: endpoint.database,
                                                             tls: endpoint.tls ? .require(try .init(configuration: .makeClientConfiguration())) : .disable)
        // postgres-nio's connect timeout covers the sign-in too.
        configuration.options.connectTimeout = .nanoseconds(limit.clampedNanoseconds)
        return configuration
    }
}
