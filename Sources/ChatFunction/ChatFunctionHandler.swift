import AWSServices
import ChatRuntime
import DynamicServices
import Foundation
import LambdaRuntime
import Logging

/// The chat function: one artifact, four roles. The API function answers HTTP API events; the
/// migrator function (its own role, the only one that reads what migrating needs) answers the
/// `Custom::ChatSchema` resource; the sync function applies Bedrock Chat's DynamoDB stream records;
/// the rotator is Secrets Manager's rotation function for the cluster's two secrets.
/// `CHAT_FUNCTION_ROLE` (`api`, the default, `migrator`, `sync` or `rotator`), which the app stack
/// sets on each, says which, and with it the one kind of event the function reads: the role is
/// decided once, at start-up, and each event is decoded once, as that role's event.
public struct ChatFunctionHandler: LambdaHandler {
    public enum Role: String, Sendable, CaseIterable {
        case api, migrator, sync, rotator

        /// `api, migrator, sync or rotator`, for messages that list them.
        public static var allNames: String {
            let names = allCases.map(\.rawValue)
            return names.dropLast().joined(separator: ", ") + " or " + names.last!
        }

        /// The event the role takes, for messages.
        var event: String {
            switch self {
            case .api: "an HTTP API request (payload format 2.0)"
            case .migrator: "a CloudFormation custom resource request"
            case .sync: "a DynamoDB stream event"
            case .rotator: "a Secrets Manager rotation request (Step, SecretId, ClientRequestToken)"
            }
        }
    }

    /// What the function does, with what it needs for it.
    public enum Work: Sendable {
        case api(ChatAPI)
        case migrator(SchemaResource)
        case sync(StreamSync)
        case rotator(SecretRotator)
    }

    public let work: Work

    public var role: Role {
        switch work {
        case .api: .api
        case .migrator: .migrator
        case .sync: .sync
        case .rotator: .rotator
        }
    }

    /// The API, for `chat-function serve`; nil in the other roles.
    public var api: ChatAPI? { if case .api(let api) = work { api } else { nil } }

    /// Start-up, once a process: configuration, connection, and (for the API and the sync) the
    /// schema check. Every failure names what to fix, for Lambda's `init/error`.
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
        func applicationSecretArn(_ use: String) throws -> String {
            guard let arn = configuration.applicationSecretArn else {
                throw FunctionError(type: "Runtime.InvalidConfiguration",
                                    message: "\(ChatContract.Environment.applicationSecretArn): is not set; the \(role.rawValue) \(use)")
            }
            return arn
        }
        switch role {
        case .rotator:
            return ChatFunctionHandler(work: .rotator(try await rotator(configuration, environment: environment,
                                                                       applicationSecretArn: try applicationSecretArn("rotates that secret"), log: log)))
        case .migrator:
            let arn = try applicationSecretArn("sets the application role's password from that secret")
            let secrets = try await ChatDatabase.secretsManager(configuration, environment: environment)
            let database = try await connected(configuration, environment: environment, services: services, checkingTheSchema: false)
            return ChatFunctionHandler(work: .migrator(SchemaResource(
                migrator: SchemaMigrator(executor: database.migrator.executor, settings: .deployTime),
                applicationCredentials: { try await secrets.databaseSecret(arn: arn) }, log: { log.write(.error, $0) })))
        case .api:
            let database = try await connected(configuration, environment: environment, services: services, checkingTheSchema: true)
            return ChatFunctionHandler(work: .api(ChatAPI(chat: database, log: { log.write(.warning, $0) })))
        case .sync:
            let database = try await connected(configuration, environment: environment, services: services, checkingTheSchema: true)
            var largeMessages: LargeMessageBucket?
            if let bucket = environment.nonEmpty(ChatContract.Environment.largeMessageBucket) {
                largeMessages = LargeMessageBucket(s3: try await ChatDatabase.s3(configuration, environment: environment), bucket: bucket)
            }
            return ChatFunctionHandler(work: .sync(try StreamSync(database: database, largeMessages: largeMessages, log: { log.write(.warning, $0) })))
        }
    }

    /// The chat database, its pools running in `services`, and its schema checked against the
    /// runtime's (not by the migrator, which is what brings it there).
    static func connected(_ configuration: RuntimeConfiguration, environment: [String: String], services: ServiceSet,
                          checkingTheSchema: Bool) async throws -> ChatDatabase {
        var logger = Logger(label: "chat-function")
        logger.logLevel = .error
        let database = try await ChatDatabase.connect(configuration, embedder: try await ChatDatabase.embedder(configuration, environment: environment),
                                                      environment: environment, postgresPool: .lambda, logger: logger)
        database.services.forEach(services.add)
        if checkingTheSchema {
            do {
                try await database.migrator.checkDatabase()
            } catch let mismatch as SchemaMigrator.Mismatch {
                throw FunctionError(type: "Runtime.SchemaMismatch", message: mismatch.description)
            }
        }
        return database
    }

    /// The rotator needs no schema and no pool: Secrets Manager, and Data API calls signed in with
    /// whichever secret a step needs (the master's, or a short-lived one holding pending credentials).
    static func rotator(_ configuration: RuntimeConfiguration, environment: [String: String], applicationSecretArn: String,
                        log: RuntimeLog) async throws -> SecretRotator {
        guard case .dataAPI(let endpoint) = configuration.backend else {
            throw FunctionError(type: "Runtime.InvalidConfiguration",
                                message: "\(ChatContract.Environment.backendType): the rotator works through the Data API; set it to \(ChatContract.Backend.dataAPI)")
        }
        guard let prefix = environment.nonEmpty(ChatContract.Environment.testSecretPrefix) else {
            throw FunctionError(type: "Runtime.InvalidConfiguration",
                                message: "\(ChatContract.Environment.testSecretPrefix): is not set; the rotator names the secrets it tests new credentials with after it")
        }
        let secrets = try await ChatDatabase.secretsManager(configuration, environment: environment)
        let access = try await configuration.dataAPIAccess()
        let logger = { var logger = Logger(label: "chat-function"); logger.logLevel = .error; return logger }()
        return SecretRotator(secrets: secrets, masterSecretArn: configuration.secretArn, applicationSecretArn: applicationSecretArn,
                             testSecretPrefix: prefix, executor: { secretArn in
                                 DataAPIExecutor(endpoint: endpoint, region: access.region, clusterArn: configuration.clusterArn, secretArn: secretArn,
                                                 database: configuration.databaseName, credentials: access.credentials, logger: logger)
                             },
                             log: { log.write(.info, $0) })
    }

    /// The event is decoded once, as the role's; one that is not is described, to say what it is instead.
    public func handle(_ invocation: Invocation) async throws -> [UInt8] {
        let data = Data(invocation.body)
        func decoded<Event: Decodable>(_ type: Event.Type) throws -> Event {
            guard let event = try? JSONDecoder().decode(Event.self, from: data) else { throw Self.unexpected(data, role: role) }
            return event
        }
        switch work {
        case .api(let api):
            return Array(try JSONEncoder().encode(await api.handle(try decoded(HTTPAPIEvent.self))))
        case .migrator(let schema):
            try await schema.handle(try decoded(SchemaResource.Request.self))
            return Array("{}".utf8)
        case .sync(let streams):
            let event = try decoded(StreamSync.Event.self)
            guard event.Records.allSatisfy({ $0.eventSource == "aws:dynamodb" }) else { throw Self.unexpected(data, role: role) }
            return Array(try JSONEncoder().encode(await streams.handle(event)))
        case .rotator(let rotator):
            do {
                try await rotator.handle(try decoded(SecretRotator.Event.self))
            } catch let failure as SecretRotator.Failure {
                throw FunctionError(type: "Chat.RotationFailed", message: failure.description)
            }
            return Array("{}".utf8)
        }
    }

    /// What is wrong with an event the role cannot read: another role's event, or none at all.
    static func unexpected(_ data: Data, role: Role) -> FunctionError {
        let takes = "the \(role.rawValue) function takes \(role.event)"
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            return FunctionError(type: "Chat.UnknownEvent", message: "the event is not a JSON object; \(takes)")
        }
        let looksLike: Role? = if object["requestContext"] != nil && object["rawPath"] != nil { .api }
            else if object["RequestType"] != nil && object["ResponseURL"] != nil { .migrator }
            else if object["Records"] != nil { .sync }
            else if object["Step"] != nil && object["SecretId"] != nil { .rotator }
            else { nil }
        guard let other = looksLike else {
            return FunctionError(type: "Chat.UnknownEvent", message: "the event is none of the four kinds the roles take; \(takes)")
        }
        if other == role {
            let missing = switch role {
            case .api: "the HTTP API event is not payload format 2.0"
            case .migrator: "the custom resource request lacks a field CloudFormation always sends"
            case .sync: "the Records are not DynamoDB stream records (eventSource aws:dynamodb, with dynamodb.Keys and SequenceNumber)"
            case .rotator: "the rotation request lacks Step, SecretId or ClientRequestToken"
            }
            return FunctionError(type: "Chat.UnknownEvent", message: missing)
        }
        return FunctionError(type: "Chat.WrongRole", message: "this is \(other.event), which the \(other.rawValue) function takes; \(takes)")
    }
}
