import AWSServices
import ChatRuntime
import DynamicServices
import Foundation
import LambdaRuntime
import Logging

/// The chat function: one artifact, three roles. The API function answers HTTP API events; the
/// migrator function (its own role, the only one that reads what migrating needs) answers the
/// `Custom::ChatSchema` resource; the sync function applies Bedrock Chat's DynamoDB stream records.
/// `CHAT_FUNCTION_ROLE` (`api`, the default, `migrator` or `sync`), which the app stack sets on
/// each, says which.
public struct ChatFunctionHandler: LambdaHandler {
    public enum Role: String, Sendable, CaseIterable {
        case api, migrator, sync

        /// `api, migrator or sync`, for messages that list them.
        public static var allNames: String {
            let names = allCases.map(\.rawValue)
            return names.dropLast().joined(separator: ", ") + " or " + names.last!
        }
    }

    public let role: Role
    public let api: ChatAPI
    public let schema: SchemaResource
    public let streams: StreamSync

    /// Start-up, once a process: configuration, connection, and (for the API) the schema check.
    /// Every failure names what to fix, for Lambda's `init/error`.
    /// The database's connection pools are added to `services`, which must be running (the runtime
    /// loop's, or the local server's `ServiceGroup`): the schema check needs them.
    public static func start(environment: [String: String], services: ServiceSet, log: RuntimeLog = RuntimeLog()) async throws -> ChatFunctionHandler {
        let roleText = environment[ChatContract.Environment.functionRole] ?? Role.api.rawValue
        guard let role = Role(rawValue: roleText) else {
            throw FunctionError(type: "Runtime.InvalidConfiguration",
                                message: "\(ChatContract.Environment.functionRole): must be \(Role.allNames) (got \(roleText))")
        }
        let configuration: RuntimeConfiguration
        do {
            configuration = try RuntimeConfiguration.fromEnvironment(environment)
        } catch {
            throw FunctionError(type: "Runtime.InvalidConfiguration", message: error.description)
        }
        var applicationCredentials: (@Sendable () async throws -> SecretsManagerClient.DatabaseSecret)?
        if role == .migrator {
            guard let arn = configuration.applicationSecretArn else {
                throw FunctionError(type: "Runtime.InvalidConfiguration",
                                    message: "\(ChatContract.Environment.applicationSecretArn): is not set; the migrator sets the application role's password from that secret")
            }
            let secrets = try await ChatDatabase.secretsManager(configuration, environment: environment)
            applicationCredentials = { try await secrets.databaseSecret(arn: arn) }
        }
        var logger = Logger(label: "chat-function")
        logger.logLevel = .error
        let database = try await ChatDatabase.connect(configuration, embedder: try await ChatDatabase.embedder(configuration, environment: environment),
                                                      environment: environment, postgresPool: .lambda, logger: logger)
        database.services.forEach(services.add)
        if role != .migrator {
            do {
                try await database.migrator.checkDatabase()
            } catch let mismatch as SchemaMigrator.Mismatch {
                throw FunctionError(type: "Runtime.SchemaMismatch", message: mismatch.description)
            }
        }
        var largeMessages: LargeMessageBucket?
        if let bucket = environment[ChatContract.Environment.largeMessageBucket].flatMap({ $0.isEmpty ? nil : $0 }) {
            largeMessages = LargeMessageBucket(s3: try await ChatDatabase.s3(configuration, environment: environment), bucket: bucket)
        }
        return ChatFunctionHandler(role: role, api: ChatAPI(chat: database, log: { log.write(.warning, $0) }),
                                   schema: SchemaResource(migrator: SchemaMigrator(executor: database.migrator.executor, settings: .deployTime), applicationCredentials: applicationCredentials,
                                                          log: { log.write(.error, $0) }),
                                   streams: try StreamSync(database: database, largeMessages: largeMessages, log: { log.write(.warning, $0) }))
    }

    /// Each event is parsed once on the way that succeeds (an HTTP API request is the hot path);
    /// only an event that fits neither shape is looked at again, to say what is wrong with it.
    public func handle(_ invocation: Invocation) async throws -> [UInt8] {
        let data = Data(invocation.body)
        if let event = try? JSONDecoder().decode(HTTPAPIEvent.self, from: data) {
            guard role == .api else { throw FunctionError(type: "Chat.WrongRole", message: "the migrator function does not serve HTTP requests") }
            return Array(try JSONEncoder().encode(await api.handle(event)))
        }
        if let request = try? JSONDecoder().decode(SchemaResource.Request.self, from: data) {
            guard role == .migrator else { throw FunctionError(type: "Chat.WrongRole", message: "only the migrator function applies the schema") }
            try await schema.handle(request)
            return Array("{}".utf8)
        }
        if let event = try? JSONDecoder().decode(StreamSync.Event.self, from: data), event.Records.allSatisfy({ $0.eventSource == "aws:dynamodb" }) {
            guard role == .sync else { throw FunctionError(type: "Chat.WrongRole", message: "only the sync function applies DynamoDB stream records") }
            return Array(try JSONEncoder().encode(await streams.handle(event)))
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw FunctionError(type: "Chat.UnknownEvent", message: "the event is not a JSON object")
        }
        if object["requestContext"] != nil && object["rawPath"] != nil {
            throw FunctionError(type: "Chat.UnknownEvent", message: "the HTTP API event is not payload format 2.0")
        }
        if object["RequestType"] != nil && object["ResponseURL"] != nil {
            throw FunctionError(type: "Chat.UnknownEvent", message: "the custom resource request lacks a field CloudFormation always sends")
        }
        if object["Records"] != nil {
            throw FunctionError(type: "Chat.UnknownEvent", message: "the Records are not DynamoDB stream records (eventSource aws:dynamodb, with dynamodb.Keys and SequenceNumber)")
        }
        throw FunctionError(type: "Chat.UnknownEvent",
                            message: "the event is neither an HTTP API request (payload 2.0), a CloudFormation custom resource request, nor a DynamoDB stream event")
    }
}
