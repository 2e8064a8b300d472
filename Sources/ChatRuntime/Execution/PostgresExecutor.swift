import DataAPIWire
import Deadline
import DynamicServices
import PostgresTimeLimits
import ServiceLifecycle
import Foundation
import Logging
import NIOCore
import PostgresNIO
import Synchronization

/// Runs SQL on PostgreSQL through a postgres-nio connection pool, with the same `:named`
/// parameters the Data API takes (rewritten to `$n` by the shared scanner). Waiting for a
/// connection and each statement are bounded (`Timeouts`), so a database that is gone or stops
/// answering is reported as unavailable instead of hanging the caller.
///
/// A connection that does not come is diagnosed on a connection of its own (the pool retries
/// quietly and never says why): refused credentials, a missing role or database, or nothing
/// listening is thrown as `SQLExecutionError.cannotConnect`, naming the cause, as soon as the server
/// gives it. Inside a Lambda invocation the wait for a connection ends before the invocation's
/// deadline (`WorkDeadline`), so a database that is away is answered 503 in time.
///
/// Given a `CredentialsSource` (the secret the credentials came from), it survives a rotation: when
/// the server refuses the credentials (SQLSTATE 28P01 or 28000), it reads the secret once more,
/// signs in with what it holds now in a new pool, and retries. Connections
/// already open stay as they are (PostgreSQL keeps sessions when a password changes); the old pool
/// closes once nothing uses it. Neither credential is ever logged.
///
/// It is a `Service`: its pools run inside `run()`, in a `ServiceGroup` beside what uses it, or around
/// a piece of work with `whileRunning`. Shutting it down closes every connection.
public final class PostgresExecutor: SQLExecutor, Service, Sendable {
    /// Reads the credentials afresh, for instance from a Secrets Manager secret.
    public typealias CredentialsSource = @Sendable () async throws -> (username: String, password: String)

    let logger: Logger
    let timeouts: Timeouts
    let shape: PoolShape
    let credentials: CredentialsSource?
    private let pool: Mutex<SignedInPool>
    private let renewal: Mutex<Task<SignedInPool?, any Error>?> = Mutex(nil)
    /// The pools, run by `run()`.
    private let poolServices = ServiceSet()

    /// Where it connects now (after a renewal, as the new credentials).
    public var endpoint: Endpoint { pool.withLock { $0.endpoint } }
    /// How many times it signed in again with renewed credentials.
    public var credentialRenewals: Int { pool.withLock { $0.generation } }

    public struct Timeouts: Sendable {
        /// Waiting for a pooled connection, connecting included.
        public var connect: Duration
        /// One statement; past it the connection is closed, since the server may never answer.
        public var statement: Duration
        /// A statement marked `runsLong` (an index build on a big table).
        public var longStatement: Duration

        public init(connect: Duration = .seconds(10), statement: Duration = .seconds(60), longStatement: Duration = .seconds(6 * 3600)) {
            self.connect = connect
            self.statement = statement
            self.longStatement = longStatement
        }
    }

    /// How a pool keeps its connections.
    public struct PoolShape: Sendable {
        /// Connections kept open while idle; postgres-nio gives them no idle timer.
        public var minimumConnections: Int
        public var maximumConnections: Int
        /// A keep-alive query on idle connections (postgres-nio's default, every 30 s).
        public var keepsIdleConnectionsAlive: Bool

        public init(minimumConnections: Int, maximumConnections: Int, keepsIdleConnectionsAlive: Bool) {
            self.minimumConnections = minimumConnections
            self.maximumConnections = maximumConnections
            self.keepsIdleConnectionsAlive = keepsIdleConnectionsAlive
        }

        /// The CLI and servers: connections opened on demand, closed after a minute idle, kept alive meanwhile.
        public static let onDemand = PoolShape(minimumConnections: 0, maximumConnections: 10, keepsIdleConnectionsAlive: true)

        /// A Lambda function: one invocation at a time, frozen between them. One connection stays
        /// open, with no timers. postgres-nio starts an idle timer and a keep-alive timer each time a
        /// connection goes back to the pool and cancels them when it is leased again, and a
        /// cancelled timer keeps its memory until it would have fired (60 s and 30 s on): a warm
        /// function grew by kilobytes an invocation (function-bench --soak). A keep-alive cannot
        /// run while the sandbox is frozen anyway.
        public static let lambda = PoolShape(minimumConnections: 1, maximumConnections: 10, keepsIdleConnectionsAlive: false)
    }

    public struct Endpoint: Sendable {
        public var host: String
        public var port: Int
        public var username: String
        public var password: String?
        public var database: String
        public var tls: Bool

        public init(host: String, port: Int, username: String, password: String?, database: String, tls: Bool) {
            self.host = host
            self.port = port
            self.username = username
            self.password = password
            self.database = database
            self.tls = tls
        }

        /// `postgresql://user:password@host:port/database`, without TLS (local use).
        public init(url: String) throws {
            guard let components = URLComponents(string: url), ["postgres", "postgresql"].contains(components.scheme ?? ""),
                  let host = components.host else {
                throw RuntimeConfiguration.Invalid(variable: "DATABASE_URL", problem: "must look like postgresql://user:password@host:5432/database")
            }
            let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
            self.init(host: host, port: components.port ?? 5432, username: components.user ?? "postgres",
                      password: components.password, database: path.isEmpty ? "postgres" : path, tls: false)
        }
    }

    public init(_ endpoint: Endpoint, pool shape: PoolShape = .onDemand, timeouts: Timeouts = Timeouts(),
                credentials: CredentialsSource? = nil, logger: Logger) throws {
        self.logger = logger
        self.timeouts = timeouts
        self.shape = shape
        self.credentials = credentials
        pool = Mutex(SignedInPool(endpoint, generation: 0, shape: shape, timeouts: timeouts,
                                  pools: poolServices, logger: logger))
    }

    /// Runs the connection pools until a graceful shutdown or cancellation, then closes their connections.
    public func run() async throws {
        try await poolServices.run()
    }

    /// Runs `body` with the pools running, and closes every connection once it returns or throws.
    public func whileRunning<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        // Its pools cannot start again once they have run: say so before `body` waits for them.
        guard poolServices.state == .notStarted else { throw ServiceSet.AlreadyRun() }
        return try await ServiceSet.withRunning { services in
            services.add(self)
            return try await body()
        }
    }

    public func execute(_ statement: SQLStatement) async throws -> SQLResult {
        try await withConnection { executor in try await executor.execute(statement) }
    }

    public func batch(_ sql: String, _ parameterSets: [[String: SQLValue]]) async throws {
        try await inTransaction { executor in try await executor.batch(sql, parameterSets) }
    }

    public func transaction<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        try await inTransaction { executor in try await body(executor) }
    }

    /// Leases a connection within `timeouts.connect`; the statements run on it are bounded one by one.
    /// A connection closed under an earlier caller (its deadline passed) can still be in the pool for
    /// a moment: the work is then tried once more on another. Work whose connection is lost while a
    /// statement runs is not: it may have taken effect.
    private func withConnection<T: Sendable>(_ body: @Sendable (ConnectionExecutor) async throws -> T) async throws -> T {
        do {
            do {
                return try await leased(body)
            } catch is PostgresConnectionClosed where !Task.isCancelled {}
            return try await leased(body)
        } catch is PostgresConnectionClosed {
            throw SQLExecutionError.unavailable("the connection to PostgreSQL was closed")
        } catch let lost as PostgresConnectionLost {
            throw SQLExecutionError.unavailable(lost.description)
        }
    }

    private func leased<T: Sendable>(_ body: @Sendable (ConnectionExecutor) async throws -> T) async throws -> T {
        do {
            return try await leased(on: pool.withLock { $0 }, body)
        } catch is SignedInPool.Retired {
            // A renewal replaced the pool between reading it and leasing from it.
            return try await leased(on: pool.withLock { $0 }, body)
        }
    }

    private func leased<T: Sendable>(on current: SignedInPool, _ body: @Sendable (ConnectionExecutor) async throws -> T) async throws -> T {
        let limit = WorkDeadline.bounded(timeouts.connect)
        do {
            do {
                return try await lease(on: current, within: limit, body)
            } catch let failure as ConnectionFailure where failure.refusesCredentials {
                // The secret may have been rotated since these credentials were read.
                guard let renewed = try await renewedAfterRefusal(of: current) else { throw failure }
                return try await lease(on: renewed, within: WorkDeadline.bounded(timeouts.connect), body)
            }
        } catch let failure as ConnectionFailure {
            throw SQLExecutionError.cannotConnect(failure)
        } catch is DeadlineExceeded {
            if poolServices.state == .notStarted {
                throw SQLExecutionError.unavailable("the PostgreSQL executor is not running: run it in a ServiceGroup or call work inside whileRunning")
            }
            if poolServices.state == .stopped { throw Self.shutDown }
            let cut = limit < timeouts.connect ? " (all the invocation had left)" : ""
            throw SQLExecutionError.unavailable(
                "no connection to PostgreSQL at \(current.endpoint.host):\(current.endpoint.port) within \(limit)\(cut); is the server running and reachable?")
        } catch where poolServices.state == .stopped && !(error is SQLExecutionError) {
            // postgres-nio refuses leases of a pool whose run has ended, in its own words.
            throw Self.shutDown
        }
    }

    static let shutDown = SQLExecutionError.unavailable("the PostgreSQL executor has shut down; create a new one to connect again")

    private func lease<T: Sendable>(on pool: SignedInPool, within limit: Duration,
                                    _ body: @Sendable (ConnectionExecutor) async throws -> T) async throws -> T {
        let (timeouts, logger) = (timeouts, logger)
        return try await pool.leasing {
            try await pool.client.withConnection(within: limit, probes: pool.probes, probe: { await pool.diagnose(within: limit, logger: logger) }) { connection in
                try await body(ConnectionExecutor(connection: connection, timeouts: timeouts, logger: logger))
            }
        }
    }

    /// A pool signed in with the credentials the source holds now, if it holds others than the
    /// ones the server refused (`stale`'s). Callers stuck at once share one renewal.
    private func renewedAfterRefusal(of stale: SignedInPool) async throws -> SignedInPool? {
        guard let credentials else { return nil }
        let task = renewal.withLock { running -> Task<SignedInPool?, any Error> in
            if let running { return running }
            let task = Task { () async throws -> SignedInPool? in
                defer { renewal.withLock { $0 = nil } }
                let current = pool.withLock { $0 }
                if current !== stale { return current }
                let fresh = try await credentials()
                guard fresh.username != stale.endpoint.username || fresh.password != stale.endpoint.password else { return nil }
                var endpoint = stale.endpoint
                endpoint.username = fresh.username
                endpoint.password = fresh.password
                let renewed = SignedInPool(endpoint, generation: stale.generation + 1, shape: shape,
                                           timeouts: timeouts, pools: poolServices, logger: logger)
                pool.withLock { $0 = renewed }
                stale.retireWhenIdle()
                logger.notice("PostgreSQL refused the credentials; signed in again with the secret's current ones",
                              metadata: ["username": .string(fresh.username)])
                return renewed
            }
            running = task
            return task
        }
        return try await task.value
    }

    private func inTransaction<T: Sendable>(_ body: @Sendable (ConnectionExecutor) async throws -> T) async throws -> T {
        try await withConnection { executor in
            _ = try await executor.run("BEGIN")
            do {
                let result = try await body(executor)
                _ = try await executor.run("COMMIT")
                return result
            } catch {
                _ = try? await executor.run("ROLLBACK")
                throw error
            }
        }
    }
}

/// One pinned connection, already inside the caller's transaction.
struct ConnectionExecutor: SQLExecutor {
    let connection: PostgresConnection
    let timeouts: PostgresExecutor.Timeouts
    let logger: Logger

    func execute(_ statement: SQLStatement) async throws -> SQLResult {
        let rewritten = try SQLScanner.rewrite(statement.sql)
        var bindings = PostgresBindings(capacity: rewritten.names.count)
        for name in rewritten.names {
            guard let value = statement.parameters[name] else {
                throw SQLExecutionError.statement(message: "no value for parameter :\(name)", sqlState: nil)
            }
            try Self.bind(value, into: &bindings)
        }
        return try await run(rewritten.sql, bindings, within: statement.runsLong ? timeouts.longStatement : timeouts.statement)
    }

    func batch(_ sql: String, _ parameterSets: [[String: SQLValue]]) async throws {
        for parameters in parameterSets { _ = try await execute(SQLStatement(sql, parameters)) }
    }

    func transaction<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        try await body(self)
    }

    /// A statement past its time closes the connection (a postgres-nio query ignores cancellation).
    func run(_ sql: String, _ bindings: PostgresBindings = PostgresBindings(), within statementTimeout: Duration? = nil) async throws -> SQLResult {
        let logger = logger
        let statementTimeout = statementTimeout ?? timeouts.statement
        do {
            return try await connection.bounded(by: statementTimeout) { connection in
                let rows = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger)
                var result: [[SQLValue]] = []
                for try await row in rows { result.append(try row.map(Self.value)) }
                return SQLResult(rows: result, updatedCount: Int64(result.count))
            }
        } catch let error as PSQLError {
            throw Self.translate(error)
        } catch is DeadlineExceeded {
            throw SQLExecutionError.unavailable("PostgreSQL did not answer within \(statementTimeout); the connection was closed")
        }
    }

    static func translate(_ error: PSQLError) -> SQLExecutionError {
        if let info = error.serverInfo, let state = info[.sqlState] {
            // Connection exceptions (08) and operator intervention (57: the session was ended, the
            // server is shutting down or starting) say nothing about the statement: try later.
            if state.hasPrefix("08") || (state.hasPrefix("57") && state != "57014") {
                return .unavailable("PostgreSQL ended the session (SQLSTATE \(state)): \(info[.message] ?? "")")
            }
            return .statement(message: info[.message] ?? "database error", sqlState: state)
        }
        return .unavailable("\(error.code)")
    }

    static func bind(_ value: SQLValue, into bindings: inout PostgresBindings) throws {
        switch value {
        case .null: bindings.appendNull()
        case .bool(let flag): bindings.append(flag)
        case .int(let number): bindings.append(number)
        case .double(let number): bindings.append(number)
        case .text(let text): try bindings.append(TypedText(text: text, psqlType: .varchar))
        case .bytes(let bytes): bindings.append(ByteBuffer(bytes: bytes))
        case .uuid(let text): try bindings.append(TypedText(text: text, psqlType: .uuid))
        case .timestamp(let text): try bindings.append(TypedText(text: text, psqlType: .timestamp))
        case .json(let text): try bindings.append(TypedText(text: text, psqlType: .jsonb))
        case .decimal(let text): try bindings.append(TypedText(text: text, psqlType: .numeric))
        }
    }

    static func value(_ cell: PostgresCell) throws -> SQLValue {
        guard var bytes = cell.bytes else { return .null }
        switch cell.dataType {
        case .bool: return .bool(bytes.readInteger(as: UInt8.self) == 1)
        case .int2: return .int(Int64(bytes.readInteger(as: Int16.self) ?? 0))
        case .int4: return .int(Int64(bytes.readInteger(as: Int32.self) ?? 0))
        case .int8: return .int(bytes.readInteger(as: Int64.self) ?? 0)
        case .float4: return .double(Double(Float(bitPattern: bytes.readInteger(as: UInt32.self) ?? 0)))
        case .float8: return .double(Double(bitPattern: bytes.readInteger(as: UInt64.self) ?? 0))
        case .text, .varchar, .name, .bpchar, .json: return .text(bytes.readString(length: bytes.readableBytes) ?? "")
        case .jsonb:
            _ = bytes.readInteger(as: UInt8.self)
            return .text(bytes.readString(length: bytes.readableBytes) ?? "")
        case .uuid: return .text(try cell.decode(UUID.self).uuidString.lowercased())
        case .bytea: return .bytes(bytes.readBytes(length: bytes.readableBytes) ?? [])
        default:
            throw SQLExecutionError.unsupportedValue("column \(cell.columnName) has type \(cell.dataType); cast it to text, int8, float8 or bool in SQL")
        }
    }
}

/// A string sent in PostgreSQL's text format with a declared type (`uuid`, `jsonb`, …).
struct TypedText: PostgresThrowingDynamicTypeEncodable {
    var text: String
    var psqlType: PostgresDataType
    var psqlFormat: PostgresFormat { .text }

    func encode<JSONEncoder: PostgresJSONEncoder>(into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) throws {
        byteBuffer.writeString(text)
    }
}
