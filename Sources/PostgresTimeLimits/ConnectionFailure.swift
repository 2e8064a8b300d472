import Foundation
import NIOCore
import NIOPosix
import PostgresNIO

/// Why no connection to the database could be made, in terms of what to change. PostgreSQL says
/// why it refuses a sign-in on the connection it refuses; a pool retries quietly and hides it, so
/// the clients here connect once on their own to learn the cause (`PostgresClient.withConnection`)
/// and report it as soon as the server gives it, instead of after their connect timeout.
///
/// The same causes arrive through the Data API as its `BadRequestException` with PostgreSQL's
/// `FATAL:` text, which `init(dataAPIMessage:)` reads back.
public struct ConnectionFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Cause: String, Sendable {
        /// SQLSTATE 28P01. Under password authentication PostgreSQL also answers this for a role
        /// that does not exist (it does not tell a client which), so both are named.
        case passwordRefused
        /// SQLSTATE 28000 naming a role that does not exist (servers that trust the client).
        case roleMissing
        /// SQLSTATE 28000 for another reason: no pg_hba.conf entry, a role without LOGIN.
        case signInRefused
        /// SQLSTATE 3D000.
        case databaseMissing
        /// Nothing listens at the address (ECONNREFUSED).
        case connectionRefused
        /// The host name does not resolve (DNS).
        case nameUnresolved
    }

    public var cause: Cause
    /// Where it tried: `host:port`, or the endpoint's URL.
    public var target: String
    public var username: String?
    public var database: String?
    /// The server's own words, when it gave any.
    public var serverMessage: String?

    public init(cause: Cause, target: String, username: String? = nil, database: String? = nil, serverMessage: String? = nil) {
        self.cause = cause
        self.target = target
        self.username = username
        self.database = database
        self.serverMessage = serverMessage
    }

    public var description: String {
        let role = username.map { "\"\($0)\"" } ?? "the role"
        let server = serverMessage.map { " (\($0))" } ?? ""
        switch cause {
        case .passwordRefused:
            return "PostgreSQL at \(target) refused the sign-in as \(role) (SQLSTATE 28P01)\(server): the password is not that role's, "
                + "or the role does not exist yet (PostgreSQL does not tell which); check the secret's credentials, "
                + "and that the schema migration that creates the role has run"
        case .roleMissing:
            return "PostgreSQL at \(target) has no role \(role) (SQLSTATE 28000)\(server): create it (the schema migration creates "
                + "the application role) or sign in as a role that exists"
        case .signInRefused:
            return "PostgreSQL at \(target) refused the sign-in as \(role) (SQLSTATE 28000)\(server): the role may not log in "
                + "from here (pg_hba.conf, LOGIN)"
        case .databaseMissing:
            return "PostgreSQL at \(target) has no database \(database.map { "\"\($0)\"" } ?? "of that name") (SQLSTATE 3D000): "
                + "create it, or set the database name to one that exists"
        case .connectionRefused:
            return "nothing accepts connections at \(target) (connection refused): is the server running, and is that its address and port?"
        case .nameUnresolved:
            return "the host name of \(target) does not resolve (DNS): check its spelling, and that this machine's DNS can see it"
        }
    }

    /// Whether other credentials (a rotated secret) could fix it.
    public var refusesCredentials: Bool { [.passwordRefused, .roleMissing, .signInRefused].contains(cause) }

    /// The cause of a failed `PostgresConnection.connect`, if it is one of these.
    public init?(_ error: any Error, host: String, port: Int, username: String, database: String) {
        let target = "\(host):\(port)"
        if let error = error as? PSQLError, let info = error.serverInfo, let state = info[.sqlState] {
            let message = info[.message]
            switch state {
            case "28P01": self.init(cause: .passwordRefused, target: target, username: username, serverMessage: message)
            case "28000" where message?.contains("does not exist") == true:
                self.init(cause: .roleMissing, target: target, username: username, serverMessage: message)
            case "28000": self.init(cause: .signInRefused, target: target, username: username, serverMessage: message)
            case "3D000": self.init(cause: .databaseMissing, target: target, username: username, database: database, serverMessage: message)
            default: return nil
            }
            return
        }
        guard let cause = Self.unreachable(error) else { return nil }
        self.init(cause: cause, target: target, username: username, database: database)
    }

    /// A connection to an HTTP endpoint (the Data API's) that cannot be made: refused, or its name
    /// does not resolve. Neither gets better by retrying, so it is reported at once.
    public init?(unreachable endpoint: String, _ error: any Error) {
        guard let cause = Self.unreachable(error) else { return nil }
        self.init(cause: cause, target: endpoint)
    }

    static func unreachable(_ error: any Error) -> Cause? {
        if isRefusedConnection(error) { return .connectionRefused }
        if isUnresolvedName(error) { return .nameUnresolved }
        return nil
    }

    /// PostgreSQL's `FATAL:` text as the Data API returns it in a `BadRequestException`
    /// (`FATAL: password authentication failed for user "chat_app"`), or nil for any other message.
    public init?(dataAPIMessage message: String, target: String) {
        let text = message.hasPrefix("FATAL: ") ? String(message.dropFirst(7)) : message
        if let user = Self.quoted(in: text, after: "password authentication failed for user ") {
            self.init(cause: .passwordRefused, target: target, username: user, serverMessage: text)
        } else if let user = Self.quoted(in: text, after: "role "), text.hasSuffix("does not exist") {
            self.init(cause: .roleMissing, target: target, username: user, serverMessage: text)
        } else if let name = Self.quoted(in: text, after: "database "), text.hasSuffix("does not exist") {
            self.init(cause: .databaseMissing, target: target, database: name, serverMessage: text)
        } else if let user = Self.quoted(in: text, after: "role "), text.hasSuffix("is not permitted to log in") {
            self.init(cause: .signInRefused, target: target, username: user, serverMessage: text)
        } else if text.hasPrefix("no pg_hba.conf entry for host ") {
            self.init(cause: .signInRefused, target: target, username: Self.quoted(after: "user ", anywhereIn: text), serverMessage: text)
        } else {
            return nil
        }
    }

    /// The text PostgreSQL gave, as the Data API hands it on (`FATAL: …`).
    public var dataAPIMessage: String {
        if let serverMessage { return "FATAL: \(serverMessage)" }
        return description
    }

    /// The quoted word after `marker` wherever it appears (`…, user "chat_app", database "chat", …`).
    private static func quoted(after marker: String, anywhereIn text: String) -> String? {
        guard let range = text.range(of: marker + "\"") else { return nil }
        let rest = text[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    /// The quoted word right after `prefix`, when `text` starts with it.
    private static func quoted(in text: String, after prefix: String) -> String? {
        text.hasPrefix(prefix + "\"") ? quoted(after: prefix, anywhereIn: text) : nil
    }

    /// Every lookup of the name failed and no address was tried.
    static func isUnresolvedName(_ error: any Error) -> Bool {
        switch error {
        case let error as NIOConnectionError: return error.connectionErrors.isEmpty && (error.dnsAError ?? error.dnsAAAAError) != nil
        case let error as PSQLError: return error.underlying.map(isUnresolvedName) ?? false
        default: return false
        }
    }

    static func isRefusedConnection(_ error: any Error) -> Bool {
        switch error {
        case let error as IOError: return error.errnoCode == ECONNREFUSED
        case let error as NIOConnectionError:
            return !error.connectionErrors.isEmpty && error.connectionErrors.allSatisfy { isRefusedConnection($0.error) }
        case let error as PSQLError: return error.underlying.map(isRefusedConnection) ?? false
        default: return false
        }
    }
}
