import PostgresTimeLimits

/// A value bound to a named `:parameter`. The hinted cases tell the Data API the SQL type of a
/// string (its typeHint); on PostgreSQL they are sent with that type.
public enum SQLValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case text(String)
    case bytes([UInt8])
    case uuid(String)
    case timestamp(String)
    case json(String)
    case decimal(String)

    public var text: String? {
        if case .text(let value) = self { return value }
        return nil
    }

    public var int: Int64? {
        if case .int(let value) = self { return value }
        return nil
    }

    public var double: Double? {
        switch self {
        case .double(let value): value
        case .int(let value): Double(value)
        default: nil
        }
    }

    public var bool: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }
}

/// One SQL statement with `:named` parameters; never built by pasting values into the text.
public struct SQLStatement: Sendable {
    public var sql: String
    public var parameters: [String: SQLValue]
    /// May run longer than a call waits (an index build): over the Data API it is sent with
    /// `continueAfterTimeout`, and a call that stops waiting throws `SQLExecutionError.stillRunning`
    /// while the statement goes on; on PostgreSQL it gets the long statement time limit.
    public var runsLong = false

    public init(_ sql: String, _ parameters: [String: SQLValue] = [:], runsLong: Bool = false) {
        self.sql = sql
        self.parameters = parameters
        self.runsLong = runsLong
    }
}

/// Rows of a result, values in column order (the stores cast to text, int8, float8 or bool in SQL).
public struct SQLResult: Sendable {
    public var rows: [[SQLValue]]
    /// The Data API's numberOfRecordsUpdated; on PostgreSQL the number of rows returned. The stores
    /// use `RETURNING` wherever a count matters, so both backends agree.
    public var updatedCount: Int64

    public init(rows: [[SQLValue]], updatedCount: Int64) {
        self.rows = rows
        self.updatedCount = updatedCount
    }
}

/// Where SQL runs: the Data API or a PostgreSQL connection pool. The stores see only this.
public protocol SQLExecutor: Sendable {
    func execute(_ statement: SQLStatement) async throws -> SQLResult
    /// The same statement once per parameter set, as one request where the backend allows.
    func batch(_ sql: String, _ parameterSets: [[String: SQLValue]]) async throws
    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    func transaction<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T
}

/// Errors from either backend, typed so callers can tell a statement error from an unavailable database.
public enum SQLExecutionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The database rejected the statement (SQLSTATE when known).
    case statement(message: String, sqlState: String?)
    /// The result exceeded what the backend returns in one response (the Data API's 1 MiB).
    case resultTooLarge
    /// The Data API answered with an error code (and message).
    case dataAPI(code: String, message: String)
    /// The database could not be reached, after retries where they apply.
    case unavailable(String)
    /// The database refused the connection, and said why: credentials, a missing role or
    /// database, nothing listening. Reported at once rather than retried until a timeout: the
    /// credentials and names need changing, and nothing listening may be a server restarting, for
    /// the caller to try again later.
    case cannotConnect(ConnectionFailure)
    /// A value in a result that the runtime cannot read.
    case unsupportedValue(String)
    /// The call stopped waiting for a `runsLong` statement, which goes on running in the database.
    case stillRunning(String)

    public var description: String {
        switch self {
        case .statement(let message, let state): "database error: \(message)" + (state.map { " (SQLSTATE \($0))" } ?? "")
        case .resultTooLarge: "the result is larger than one response may carry"
        case .dataAPI(let code, let message): "\(code): \(message)"
        case .unavailable(let message): "database unavailable: \(message)"
        case .cannotConnect(let failure): "cannot connect to the database: \(failure)"
        case .unsupportedValue(let message): message
        case .stillRunning(let message): "the statement is still running in the database: \(message)"
        }
    }
}
