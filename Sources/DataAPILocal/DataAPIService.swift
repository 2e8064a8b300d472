import DataAPIWire
import Deadline
import DynamicServices
import Logging
import NIOCore
import PostgresNIO
import PostgresTimeLimits
import ServiceLifecycle
import Synchronization

/// The five Data API operations over PostgreSQL. Calls outside a transaction autocommit on a pooled
/// connection of the requested database; a transaction pins a connection of its own.
///
/// It is a `Service`: its connection pools and the reaper of idle transactions run inside `run()`;
/// on shutdown open transactions are rolled back and every connection closed.
public final class DataAPIService: Service, Sendable {
    public struct Settings: Sendable {
        public var host: String
        public var port: Int
        public var username: String
        public var password: String?
        /// Used when a request names no `database`.
        public var defaultDatabase: String
        /// When set, only these ARNs are accepted.
        public var resourceArn: String?
        public var secretArn: String?
        /// Reads a request's secret, as the Data API does from Secrets Manager, to sign in as the user it
        /// names; the connection then uses that user and password. Without it every request signs in
        /// as `username`. A secret is read again after `secretLifetime`, or at once when the database
        /// refuses what it held (it was rotated).
        public var secrets: SecretReader?
        public var secretLifetime: Duration = .seconds(5)
        /// Idle time after which an open transaction is rolled back (3 minutes on AWS).
        public var transactionIdleTimeout: Duration = .seconds(180)
        /// The service's call timeout; longer statements fail with StatementTimeoutException, and are
        /// cancelled unless sent with `continueAfterTimeout` (outside a transaction), which lets them finish.
        public var statementTimeout: Duration = .seconds(45)
        /// Waiting for a connection to PostgreSQL; past it a call fails with DatabaseUnavailableException.
        public var connectTimeout: Duration = .seconds(10)
        public var maximumConnections = 16

        public init(host: String, port: Int, username: String, password: String?, defaultDatabase: String) {
            self.host = host
            self.port = port
            self.username = username
            self.password = password
            self.defaultDatabase = defaultDatabase
        }
    }

    /// A secret's user name and password, looked up by the secret's ARN.
    public typealias SecretReader = @Sendable (String) async throws -> (username: String, password: String)

    struct Credentials: Sendable, Hashable {
        var username: String
        var password: String?
    }

    let settings: Settings
    let logger: Logger
    let transactions = TransactionRegistry()
    let resume: ResumeSimulator?
    private let secretCache: SecretCache?
    /// One pool per database and credentials: a rotated secret signs in with a pool of its own.
    private let pools: Mutex<[PoolKey: (client: PostgresClient, probes: ProbeGate)]> = Mutex([:])
    /// The pools, run by `run()`.
    private let poolServices = ServiceSet()
    private var runner: StatementRunner { StatementRunner(logger: logger) }

    public init(settings: Settings, resume: (pauseAfter: Duration, duration: Duration)? = nil, logger: Logger) {
        self.settings = settings
        self.logger = logger
        self.resume = resume.map { ResumeSimulator(pauseAfter: $0.pauseAfter, resumeDuration: $0.duration) }
        secretCache = settings.secrets.map { SecretCache(lifetime: settings.secretLifetime, read: $0) }
    }

    // MARK: Operations

    public func execute(_ request: ExecuteStatementRequest) async throws(DataAPIError) -> ExecuteStatementResponse {
        try checkArns(request.resourceArn, request.secretArn)
        let prepared = try StatementRunner.prepare(sql: request.sql, parameters: request.parameters ?? [])
        let options = StatementRunner.ResponseOptions(
            includeMetadata: request.includeResultMetadata ?? false, formatAsJSON: request.formatRecordsAs == .json,
            resultSetOptions: request.resultSetOptions ?? ResultSetOptions())
        if let id = request.transactionId {
            return try await inTransaction(id) { connection in
                let raw = try await self.runner.run(prepared, on: connection)
                return try await self.runner.response(raw, request: options, on: connection)
            }
        }
        try await admit()
        if request.continueAfterTimeout == true { return try await continuingAfterTimeout(prepared, options: options, request: request) }
        return try await withPooledConnection(database: request.database, secretArn: request.secretArn) { connection in
            let raw = try await self.runner.run(prepared, on: connection)
            return try await self.runner.response(raw, request: options, on: connection)
        }
    }

    /// Runs the statement on a connection of its own with no statement timeout, and answers
    /// StatementTimeoutException once the call has waited `statementTimeout`, as the service does,
    /// while the statement runs on to its end; the connection closes then.
    private func continuingAfterTimeout(_ prepared: StatementRunner.Prepared, options: StatementRunner.ResponseOptions,
                                        request: ExecuteStatementRequest) async throws(DataAPIError) -> ExecuteStatementResponse {
        let credentials = try await credentials(request.secretArn)
        let connection: PostgresConnection
        do {
            connection = try await connect(database: request.database ?? settings.defaultDatabase, as: credentials, cancelsAtTimeout: false)
        } catch {
            throw DataAPIError.from(error)
        }
        let (runner, logger) = (runner, logger)
        let statement = Task { () async throws -> ExecuteStatementResponse in
            do {
                let raw = try await runner.run(prepared, on: connection)
                let response = try await runner.response(raw, request: options, on: connection)
                try? await connection.close()
                return response
            } catch {
                try? await connection.close()
                throw error
            }
        }
        do {
            return try await withDeadline(settings.statementTimeout) { try await statement.value }
        } catch is DeadlineExceeded {
            logger.info("a statement sent with continueAfterTimeout runs on past the call's \(settings.statementTimeout)")
            throw DataAPIError(.statementTimeout, "Request timed out")
        } catch {
            throw DataAPIError.from(error)
        }
    }

    public func batchExecute(_ request: BatchExecuteStatementRequest) async throws(DataAPIError) -> BatchExecuteStatementResponse {
        try checkArns(request.resourceArn, request.secretArn)
        let sets = request.parameterSets ?? []
        let prepared = try (sets.isEmpty ? [[]] : sets).map { parameters throws(DataAPIError) in
            try StatementRunner.prepare(sql: request.sql, parameters: parameters)
        }
        // All parameter sets run in one transaction, so a failing set leaves nothing behind.
        let body: @Sendable (PostgresConnection) async throws -> BatchExecuteStatementResponse = { connection in
            var results: [UpdateResult] = []
            for statement in prepared {
                _ = try await self.runner.run(statement, on: connection)
                results.append(UpdateResult(generatedFields: []))
            }
            return BatchExecuteStatementResponse(updateResults: results)
        }
        if let id = request.transactionId { return try await inTransaction(id, body) }
        try await admit()
        return try await withPooledConnection(database: request.database, secretArn: request.secretArn) { connection in
            try await connection.query("BEGIN", logger: self.logger)
            do {
                let response = try await body(connection)
                try await connection.query("COMMIT", logger: self.logger)
                return response
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: self.logger)
                throw error
            }
        }
    }

    public func beginTransaction(_ request: BeginTransactionRequest) async throws(DataAPIError) -> BeginTransactionResponse {
        try checkArns(request.resourceArn, request.secretArn)
        let credentials = try await credentials(request.secretArn)
        try await admit()
        do {
            let database = request.database ?? settings.defaultDatabase
            let connection: PostgresConnection
            do {
                connection = try await connect(database: database, as: credentials)
            } catch let failure as ConnectionFailure where failure.refusesCredentials {
                guard let renewed = try await renewed(request.secretArn, after: credentials) else { throw failure }
                connection = try await connect(database: database, as: renewed)
            }
            do {
                try await connection.query("BEGIN", logger: logger)
            } catch {
                try? await connection.close()
                throw error
            }
            return BeginTransactionResponse(transactionId: await transactions.add(connection))
        } catch {
            throw DataAPIError.from(error)
        }
    }

    public func commitTransaction(_ request: EndTransactionRequest) async throws(DataAPIError) -> EndTransactionResponse {
        try checkArns(request.resourceArn, request.secretArn)
        try await end(request.transactionId, with: "COMMIT")
        return EndTransactionResponse(transactionStatus: "Transaction Committed")
    }

    public func rollbackTransaction(_ request: EndTransactionRequest) async throws(DataAPIError) -> EndTransactionResponse {
        try checkArns(request.resourceArn, request.secretArn)
        try await end(request.transactionId, with: "ROLLBACK")
        return EndTransactionResponse(transactionStatus: "Rollback Complete")
    }

    // MARK: Lifecycle

    /// Runs the pools and the reaper until a graceful shutdown or cancellation, then rolls back the
    /// transactions still open and closes their connections.
    public func run() async throws {
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await self.poolServices.run() }
            group.addTask { await cancelWhenGracefulShutdown { await self.reapIdleTransactions() } }
        }
        await rollBackOpenTransactions()
    }

    /// Rolls back transactions idle past the limit, until cancelled.
    func reapIdleTransactions() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(1))
            for connection in await transactions.expired(idleLongerThan: settings.transactionIdleTimeout) {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                try? await connection.close()
                logger.info("rolled back a transaction idle for more than \(settings.transactionIdleTimeout)")
            }
        }
    }

    private func rollBackOpenTransactions() async {
        for connection in await transactions.removeAll() {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            try? await connection.close()
        }
    }

    // MARK: Helpers

    private func checkArns(_ resourceArn: String, _ secretArn: String) throws(DataAPIError) {
        for (name, value) in [("resourceArn", resourceArn), ("secretArn", secretArn)] where value.count < 11 || value.count > 100 {
            throw .badRequest("1 validation error detected: Value '\(value)' at '\(name)' failed to satisfy constraint: Member must have length between 11 and 100")
        }
        if let expected = settings.resourceArn, resourceArn != expected {
            throw DataAPIError(.notFound, "DB cluster \(resourceArn) not found")
        }
        if let expected = settings.secretArn, secretArn != expected {
            throw DataAPIError(.secretsError, "Secrets Manager can't find the specified secret. (Service: SecretsManager, Status Code: 400, Error Code: ResourceNotFoundException)")
        }
    }

    /// Who a request signs in as: its secret's user when secrets are read, else the configured user.
    private func credentials(_ secretArn: String) async throws(DataAPIError) -> Credentials {
        guard let secretCache else { return Credentials(username: settings.username, password: settings.password) }
        do {
            return try await secretCache.credentials(for: secretArn)
        } catch {
            throw DataAPIError(.secretsError, "Secrets Manager could not give the secret \(secretArn): \(error)")
        }
    }

    /// The secret read again, when its credentials stopped working; nil if it holds the same ones.
    private func renewed(_ secretArn: String, after stale: Credentials) async throws(DataAPIError) -> Credentials? {
        guard let secretCache else { return nil }
        secretCache.forget(secretArn)
        let fresh = try await credentials(secretArn)
        return fresh == stale ? nil : fresh
    }

    private func admit() async throws(DataAPIError) {
        guard let resume else { return }
        try await resume.admit()
    }

    private func inTransaction<T: Sendable>(_ id: String, _ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws(DataAPIError) -> T {
        let connection = try await transactions.acquire(id)
        do {
            let result = try await bounded(connection, body)
            await transactions.release(id)
            await resume?.touch()
            return result
        } catch {
            await transactions.release(id)
            throw DataAPIError.from(error)
        }
    }

    private func end(_ id: String, with command: String) async throws(DataAPIError) {
        let connection = try await transactions.remove(id)
        do {
            try await bounded(connection) { connection in try await connection.query(PostgresQuery(unsafeSQL: command), logger: self.logger) }
            try? await connection.close()
            await resume?.touch()
        } catch {
            try? await connection.close()
            throw DataAPIError.from(error)
        }
    }

    /// A pool hides why it cannot connect, so a connection of its own finds out (`ConnectionFailure`);
    /// when the server refuses the credentials and the secret now holds others, the work is tried
    /// once with those.
    private func withPooledConnection<T: Sendable>(database: String?, secretArn: String,
                                                   _ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws(DataAPIError) -> T {
        let name = database ?? settings.defaultDatabase
        guard name.count <= 64, !name.isEmpty else { throw .badRequest("Database name must be 1–64 characters") }
        let credentials = try await credentials(secretArn)
        do {
            do {
                return try await pooled(PoolKey(database: name, credentials: credentials), body)
            } catch let failure as ConnectionFailure where failure.refusesCredentials {
                guard let renewed = try await renewed(secretArn, after: credentials) else { throw failure }
                return try await pooled(PoolKey(database: name, credentials: renewed), body)
            }
        } catch is DeadlineExceeded {
            throw Self.noConnection(within: settings.connectTimeout)
        } catch {
            throw DataAPIError.from(error)
        }
    }

    private func pooled<T: Sendable>(_ key: PoolKey, _ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let limit = settings.connectTimeout
        let pool = pool(for: key)
        return try await pool.client.withConnection(within: limit, probes: pool.probes, probe: {
            do {
                try await self.connect(database: key.database, as: key.credentials).close()
                return nil
            } catch {
                return error as? ConnectionFailure
            }
        }) { connection in
            try await self.bounded(connection, body)
        }
    }

    /// Work on one connection, bounded a little past the server's own statement_timeout, so a
    /// server that stops answering gets its connection closed.
    private func bounded<T: Sendable>(_ connection: PostgresConnection, _ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await connection.bounded(by: settings.statementTimeout + .seconds(5), body)
        } catch is DeadlineExceeded {
            throw DataAPIError(.databaseUnavailable, "The database did not answer within \(settings.statementTimeout + .seconds(5)); the connection was closed")
        }
    }

    private static func noConnection(within limit: Duration) -> DataAPIError {
        DataAPIError(.databaseUnavailable, "The database is unavailable: no connection within \(limit)")
    }

    struct PoolKey: Hashable {
        var database: String
        var credentials: Credentials
    }

    private func pool(for key: PoolKey) -> (client: PostgresClient, probes: ProbeGate) {
        pools.withLock { pools in
            if let existing = pools[key] { return existing }
            var configuration = PostgresClient.Configuration(host: settings.host, port: settings.port, username: key.credentials.username,
                                                             password: key.credentials.password, database: key.database, tls: .disable)
            configuration.options.maximumConnections = settings.maximumConnections
            configuration.options.connectTimeout = settings.connectTimeout
            configuration.options.additionalStartupParameters = startupParameters
            let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
            pools[key] = (client, ProbeGate())
            poolServices.add(client)
            return (client, pools[key]!.probes)
        }
    }

    /// PostgreSQL cancels a statement at the call's timeout (0: never).
    private func startupParameters(statementTimeout: Duration?) -> [(String, String)] {
        let milliseconds = statementTimeout.map { $0.components.seconds * 1000 + $0.components.attoseconds / 1_000_000_000_000_000 } ?? 0
        return [("statement_timeout", String(milliseconds)), ("TimeZone", "UTC")]
    }

    private var startupParameters: [(String, String)] { startupParameters(statementTimeout: settings.statementTimeout) }

    private func connect(database: String, as credentials: Credentials, cancelsAtTimeout: Bool = true) async throws -> PostgresConnection {
        var configuration = PostgresConnection.Configuration(host: settings.host, port: settings.port, username: credentials.username,
                                                             password: credentials.password, database: database, tls: .disable)
        configuration.options.additionalStartupParameters = startupParameters(statementTimeout: cancelsAtTimeout ? settings.statementTimeout : nil)
        // postgres-nio's connect timeout covers the sign-in too, and cancellation ends the connect;
        // withDeadline would drop a connection made just as its limit passed without closing it.
        configuration.options.connectTimeout = .nanoseconds(settings.connectTimeout.clampedNanoseconds)
        do {
            return try await PostgresConnection.connect(configuration: configuration, id: Int.random(in: 1...Int(Int32.max)), logger: logger)
        } catch let error as PSQLError where { if case .connectTimeout? = error.underlying as? ChannelError { true } else { false } }() {
            throw Self.noConnection(within: settings.connectTimeout)
        } catch {
            throw ConnectionFailure(error, host: settings.host, port: settings.port, username: credentials.username, database: database) ?? error
        }
    }
}
