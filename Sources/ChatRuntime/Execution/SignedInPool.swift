import Deadline
import DynamicServices
import Logging
import NIOPosix
import PostgresNIO
import PostgresTimeLimits

/// One postgres-nio pool, signed in with one set of credentials. It runs in its executor's
/// `ServiceSet`, so it stops with the executor. A pool replaced by a renewal keeps the
/// leases running on it; its connections close as they fall idle (postgres-nio's idle timeout).
final class SignedInPool: Sendable {
    let client: PostgresClient
    let endpoint: PostgresExecutor.Endpoint
    /// 0 for the first credentials, one more for each renewal.
    let generation: Int

    init(_ endpoint: PostgresExecutor.Endpoint, generation: Int, maximumConnections: Int, timeouts: PostgresExecutor.Timeouts,
         pools: ServiceSet, logger: Logger) {
        var configuration = PostgresClient.Configuration(host: endpoint.host, port: endpoint.port, username: endpoint.username,
                                                         password: endpoint.password, database: endpoint.database, tls: Self.tls(endpoint))
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectTimeout = timeouts.connect
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        self.endpoint = endpoint
        self.generation = generation
        pools.add(client)
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
            let connection = try await withDeadline(limit) {
                try await PostgresConnection.connect(on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration,
                                                     id: 0, logger: logger)
            }
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
        // NIO bounds the connect itself; the deadline covers the sign-in after it.
        configuration.options.connectTimeout = .nanoseconds(limit.components.seconds * 1_000_000_000 + limit.components.attoseconds / 1_000_000_000)
        return configuration
    }
}
