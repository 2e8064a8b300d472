import AWSServices
import AsyncHTTPClient
import ChatRuntime
import Foundation
import NIOCore

/// `Custom::ChatSchema`: CloudFormation asks the migrator function to apply the schema on Create
/// and Update (its properties carry the schema fingerprint, so a schema change is an Update) and to
/// set the application role's password from its secret, and does nothing on Delete, which never
/// drops data. Every outcome is answered, so a stack never waits an hour for a reply.
public struct SchemaResource: Sendable {
    public let migrator: SchemaMigrator
    /// The application role's credentials (its secret), read afresh on each Create and Update.
    public let applicationCredentials: (@Sendable () async throws -> SecretsManagerClient.DatabaseSecret)?
    public let http: HTTPClient
    /// Where a failure's full text goes; the stack's events get only `reason(for:)`.
    public let log: @Sendable (String) -> Void
    public static let physicalResourceId = "chat-schema"

    public init(migrator: SchemaMigrator, applicationCredentials: (@Sendable () async throws -> SecretsManagerClient.DatabaseSecret)? = nil,
                http: HTTPClient = .aws, log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.migrator = migrator
        self.applicationCredentials = applicationCredentials
        self.http = http
        self.log = log
    }

    /// A CloudFormation custom resource request.
    public struct Request: Decodable, Sendable {
        public var RequestType: String
        public var ResponseURL: String
        public var StackId: String
        public var RequestId: String
        public var LogicalResourceId: String
        public var PhysicalResourceId: String?
        public var ResourceProperties: [String: String]?
    }

    struct Reply: Encodable {
        var Status: String
        var Reason: String
        var PhysicalResourceId: String
        var StackId: String
        var RequestId: String
        var LogicalResourceId: String
        var Data: [String: String]
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Applies (or leaves) the schema and PUTs the outcome to the pre-signed `ResponseURL`.
    public func handle(_ request: Request) async throws {
        var reply = Reply(Status: "SUCCESS", Reason: "", PhysicalResourceId: request.PhysicalResourceId ?? Self.physicalResourceId,
                          StackId: request.StackId, RequestId: request.RequestId, LogicalResourceId: request.LogicalResourceId,
                          Data: ["Fingerprint": migrator.schema.fingerprint])
        do {
            switch request.RequestType {
            case "Create", "Update":
                let wanted = request.ResourceProperties?["Fingerprint"]
                guard wanted == nil || wanted == migrator.schema.fingerprint else {
                    throw Failure(description: "the template asks for schema \(wanted ?? "") but this artifact carries \(migrator.schema.fingerprint): "
                        + "deploy the artifact built from the same commit as the template")
                }
                let report = try await migrator.migrate()
                var applied = "schema version \(report.to) (\(migrator.schema.fingerprint)), from version \(report.from)"
                if let applicationCredentials {
                    let credentials: SecretsManagerClient.DatabaseSecret
                    do {
                        credentials = try await applicationCredentials()
                    } catch {
                        throw Failure(description: "the application role's secret could not be read: \(error)")
                    }
                    try await migrator.setPassword(of: credentials.username, to: credentials.password)
                    applied += "; \(credentials.username) signs in with its secret"
                }
                try await migrator.checkDatabase()
                reply.Reason = applied
            case "Delete":
                reply.Reason = "nothing deleted: the schema and its data stay"
            default:
                throw Failure(description: "unknown RequestType \(request.RequestType)")
            }
        } catch {
            log("\(request.RequestType) of \(request.LogicalResourceId) failed: \(error)")
            reply.Status = "FAILED"
            reply.Reason = Self.reason(for: error)
        }
        try await send(reply, to: request.ResponseURL)
    }

    /// What the stack's events show: the store's own words, never SQL.
    static func reason(for error: any Error) -> String {
        switch error {
        case let error as Failure: error.description
        case let error as SchemaMigrator.Mismatch: error.description
        case MigrationError.statementFailed(let version, _, _, let databaseVersion):
            "migration \(version) failed and was rolled back; the database is at version \(databaseVersion); the function's log has the details"
        case let error as MigrationError: String(error.description.prefix(2000))
        case let error as SchemaMigrator.UnknownUser: error.description
        case SQLExecutionError.unavailable(let detail): "the database is unavailable: \(detail)"
        case SQLExecutionError.cannotConnect(let failure): "cannot connect to the database: \(failure)"
        case SQLExecutionError.statement(_, let state): "the schema could not be applied (SQLSTATE \(state ?? "unknown")); the function's log has the details"
        default: "the schema could not be applied: \(type(of: error)); the function's log has the details"
        }
    }

    /// A PUT with an empty Content-Type, which the pre-signed S3 URL was signed for.
    func send(_ reply: Reply, to url: String) async throws {
        var request = HTTPClientRequest(url: url)
        request.method = .PUT
        request.headers.add(name: "Content-Type", value: "")
        request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(reply)))
        let response = try await http.execute(request, timeout: .seconds(30))
        _ = try await response.body.collect(upTo: 1 << 20)
        guard (200..<300).contains(Int(response.status.code)) else {
            throw Failure(description: "the ResponseURL answered \(response.status.code)")
        }
    }
}
