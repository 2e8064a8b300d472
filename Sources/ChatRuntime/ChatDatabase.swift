import AWSServices
import AsyncHTTPClient
import Logging
import ServiceLifecycle

/// The runtime assembled from configuration: the executor for the chosen backend and the stores on it.
public struct ChatDatabase: Sendable {
    public let executor: any SQLExecutor
    public let history: ChatHistoryStore
    public let search: SearchStore
    /// Bedrock Chat's bot store and conversation search over the synced tables.
    public let botStore: BotStore
    public let conversationText: ConversationTextSearch
    public let migrator: SchemaMigrator
    /// What must run for as long as the stores are used (the PostgreSQL pools; the Data API needs
    /// none): put them in the process's `ServiceGroup`, or use `whileRunning`.
    public var services: [any Service] { (executor as? PostgresExecutor).map { [$0] } ?? [] }

    public init(executor: any SQLExecutor, embedder: any Embedder, stage: StageContract = .default) throws {
        self.executor = executor
        history = ChatHistoryStore(executor: executor)
        search = try SearchStore(executor: executor, embedder: embedder, textSearch: stage.textSearch)
        botStore = BotStore(search: search)
        conversationText = ConversationTextSearch(executor: executor, textSearch: stage.textSearch)
        migrator = SchemaMigrator(executor: executor, schema: stage.schema)
    }

    /// Runs `body` with `services` running, and closes the database connections once it returns or throws.
    public func whileRunning<T: Sendable>(_ body: (ChatDatabase) async throws -> T) async throws -> T {
        guard let postgres = executor as? PostgresExecutor else { return try await body(self) }
        return try await postgres.whileRunning { try await body(self) }
    }

    /// The embedder the environment asks for: Amazon Bedrock with `EMBEDDER=bedrock`, else the local
    /// deterministic one, at the schema's dimension.
    public static func embedder(_ configuration: RuntimeConfiguration, environment: [String: String],
                                dimension: Int = ChatContract.BotVectors.embeddingDimension) async throws -> any Embedder {
        guard environment["EMBEDDER"] == "bedrock" else { return LocalEmbedder(dimension: dimension) }
        let aws = try await configuration.aws(for: "EMBEDDER=bedrock")
        return try BedrockEmbedder(region: aws.region, credentials: aws.credentials, dimension: dimension)
    }

    /// Connects as `configuration` says. On `postgres` without DATABASE_URL the credentials come from
    /// the cluster secret (Secrets Manager; `AWS_ENDPOINT_URL_SECRETS_MANAGER` overrides its endpoint),
    /// read again if PostgreSQL refuses them after a rotation, and the connection uses TLS unless
    /// `PGSSLMODE=disable` (a local server without TLS).
    public static func connect(_ configuration: RuntimeConfiguration, embedder: any Embedder,
                               environment: [String: String] = [:], postgresTimeouts: PostgresExecutor.Timeouts = .init(),
                               postgresPool: PostgresExecutor.PoolShape = .onDemand, logger: Logger) async throws -> ChatDatabase {
        let executor: any SQLExecutor
        switch configuration.backend {
        case .dataAPI(let endpoint):
            let aws = try await configuration.dataAPIAccess()
            executor = DataAPIExecutor(endpoint: endpoint, region: aws.region, clusterArn: configuration.clusterArn,
                                       secretArn: configuration.secretArn, database: configuration.databaseName,
                                       credentials: aws.credentials, logger: logger)
        case .postgres(let host, let port, let databaseURL):
            if let databaseURL {
                executor = try PostgresExecutor(try PostgresExecutor.Endpoint(url: databaseURL), pool: postgresPool, timeouts: postgresTimeouts, logger: logger)
            } else {
                let secrets = try await secretsManager(configuration, environment: environment)
                let secret = try await secrets.databaseSecret(arn: configuration.secretArn)
                let endpoint = PostgresExecutor.Endpoint(
                    host: host ?? secret.host ?? "", port: secret.port ?? port, username: secret.username, password: secret.password,
                    database: configuration.databaseName, tls: environment["PGSSLMODE"] != "disable")
                let arn = configuration.secretArn
                executor = try PostgresExecutor(endpoint, pool: postgresPool, timeouts: postgresTimeouts, credentials: {
                    try await secrets.databaseSecret(arn: arn).credentials
                }, logger: logger)
            }
        }
        return try ChatDatabase(executor: executor, embedder: embedder, stage: configuration.stage)
    }

    /// Secrets Manager in the configured region (`AWS_ENDPOINT_URL_SECRETS_MANAGER` overrides its endpoint).
    public static func secretsManager(_ configuration: RuntimeConfiguration, environment: [String: String]) async throws -> SecretsManagerClient {
        let aws = try await configuration.aws(for: "Secrets Manager")
        return SecretsManagerClient(region: aws.region, credentials: aws.credentials, endpoint: environment["AWS_ENDPOINT_URL_SECRETS_MANAGER"])
    }

    /// DynamoDB in the configured region (`AWS_ENDPOINT_URL_DYNAMODB` overrides its endpoint).
    public static func dynamoDB(_ configuration: RuntimeConfiguration, environment: [String: String]) async throws -> DynamoDBClient {
        let aws = try await configuration.aws(for: "reading Bedrock Chat's DynamoDB tables")
        return DynamoDBClient(region: aws.region, credentials: aws.credentials, endpoint: environment["AWS_ENDPOINT_URL_DYNAMODB"])
    }

    /// S3 in the configured region (`AWS_ENDPOINT_URL_S3` overrides its endpoint, path-style).
    public static func s3(_ configuration: RuntimeConfiguration, environment: [String: String]) async throws -> S3Client {
        let aws = try await configuration.aws(for: "reading large messages from S3")
        return S3Client(region: aws.region, credentials: aws.credentials, endpoint: environment["AWS_ENDPOINT_URL_S3"])
    }
}
