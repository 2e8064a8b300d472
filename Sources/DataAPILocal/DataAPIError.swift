import DataAPIWire
import PostgresNIO
import PostgresTimeLimits

/// An error as the Data API reports it: a code (which decides the HTTP status and the exception
/// botocore raises) and a message.
public struct DataAPIError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: DataAPIErrorCode
    public var message: String

    public init(_ code: DataAPIErrorCode, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }

    static func badRequest(_ message: String) -> DataAPIError { DataAPIError(.badRequest, message) }

    /// A PostgreSQL error: `DatabaseErrorException` with the server's message and SQLSTATE, as the
    /// service words it; a cancelled statement is a timeout; a broken connection is unavailability.
    static func from(_ error: any Error) -> DataAPIError {
        if let error = error as? DataAPIError { return error }
        if let failure = error as? ConnectionFailure {
            // The service hands on PostgreSQL's refusal of the secret's credentials or database as a
            // bad request in the server's words; a server that cannot be reached is unavailability.
            if [.connectionRefused, .nameUnresolved].contains(failure.cause) { return DataAPIError(.databaseUnavailable, "The database is unavailable: \(failure)") }
            return .badRequest(failure.dataAPIMessage)
        }
        if let error = error as? PSQLError {
            if let info = error.serverInfo, let state = info[.sqlState] {
                return database(state: state, message: info[.message], detail: info[.detail], position: info[.position])
            }
            return DataAPIError(.databaseUnavailable, "The database is unavailable: \(error.code)")
        }
        // The callback-style query API reports server errors in its older error type.
        if case PostgresError.server(let server) = error, let state = server.fields[.sqlState] {
            return database(state: state, message: server.fields[.message], detail: server.fields[.detail], position: server.fields[.position])
        }
        if error is PostgresConnectionClosed || error is PostgresConnectionLost
            || { if case PostgresError.connectionClosed = error { true } else { false } }() {
            return DataAPIError(.databaseUnavailable, "The database connection closed")
        }
        return DataAPIError(.internalServerError, "\(error)")
    }

    private static func database(state: String, message: String?, detail: String?, position: String?) -> DataAPIError {
        if state == "57014" { return DataAPIError(.statementTimeout, "Request timed out") }
        var text = "ERROR: \(message ?? "database error")"
        if let detail { text += "\n  Detail: \(detail)" }
        if let position { text += "\n  Position: \(position)" }
        return DataAPIError(.databaseError, "\(text); SQLState: \(state)")
    }
}
