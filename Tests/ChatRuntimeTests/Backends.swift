import AWSSigV4
import ChatRuntime
import Foundation
import Logging
import TestSupport

/// The two backends every store test runs on: PostgreSQL directly, and the Data API through a
/// data-api-local process in front of the same kind of database.
enum BackendKind: String, CaseIterable, Sendable, CustomStringConvertible {
    case postgres
    case dataAPI = "aurora_data_api"
    var description: String { rawValue }
}

/// A fresh, migrated database reached through one backend.
final class Harness: Sendable {
    let database: TestDatabase
    let executor: any SQLExecutor
    let endpoint: LoopbackServer?
    let chat: ChatDatabase
    /// The executor's connection pools, run until `close()`.
    private let running: Task<Void, Never>

    static let logger: Logger = {
        var logger = Logger(label: "chat-runtime-tests")
        logger.logLevel = .error
        return logger
    }()

    static let dimension = ChatContract.BotVectors.embeddingDimension

    private init(database: TestDatabase, executor: any SQLExecutor, endpoint: LoopbackServer?, stage: StageContract) throws {
        self.database = database
        self.executor = executor
        self.endpoint = endpoint
        chat = try ChatDatabase(executor: executor, embedder: LocalEmbedder(dimension: Self.dimension), stage: stage)
        running = runningInBackground(chat.services)
    }

    /// Who the stores sign in as: the database owner (the test server's superuser), or the
    /// application role the schema creates, as the deployed function does.
    enum SignIn: Sendable { case owner, application }

    /// The application role's password on the test server: the same for every test, so setting it
    /// again (each harness does, as the migrator would) never breaks another test's connections.
    static let applicationPassword = "chat-app-test-password"

    static func make(_ kind: BackendKind, migrate: Bool = true, signingInAs signIn: SignIn = .owner, endpointFlags: [String] = [],
                     retry: RetryPolicy = .standard, postgresTimeouts: PostgresExecutor.Timeouts = .init(),
                     server: TestPostgres? = nil, stage: StageContract = .default) async throws -> Harness {
        let database = try (server ?? TestPostgres.server()).createDatabase(prefix: "chat")
        var url = database.url
        if signIn == .application {
            // The migrator's part, as the owner: the schema (which creates the role) and its password.
            let owner = try PostgresExecutor(.init(url: database.url), logger: logger)
            try await owner.whileRunning {
                let migrator = SchemaMigrator(executor: owner, schema: stage.schema)
                try await migrator.migrate()
                try await migrator.setPassword(of: ChatContract.Schema.applicationRole, to: applicationPassword)
            }
            url = "postgresql://\(ChatContract.Schema.applicationRole):\(applicationPassword)@\(database.server.host):\(database.server.port)/\(database.name)"
        }
        let harness: Harness
        switch kind {
        case .postgres:
            let executor = try PostgresExecutor(.init(url: url), timeouts: postgresTimeouts, logger: logger)
            harness = try Harness(database: database, executor: executor, endpoint: nil, stage: stage)
        case .dataAPI:
            let endpoint = try await DataAPILocalProcess.start(databaseURL: url, flags: endpointFlags)
            let executor = dataAPIExecutor(endpoint: endpoint.url, database: database.name, retry: retry)
            harness = try Harness(database: database, executor: executor, endpoint: endpoint, stage: stage)
        }
        if migrate && signIn == .owner { try await harness.chat.migrator.migrate() }
        return harness
    }

    /// A Data API executor with the test cluster, secret and keys, against `endpoint`.
    static func dataAPIExecutor(endpoint: String, database: String, retry: RetryPolicy = .standard, logger: Logger = Harness.logger) -> DataAPIExecutor {
        DataAPIExecutor(endpoint: endpoint, region: "us-east-1", clusterArn: "arn:aws:rds:us-east-1:123456789012:cluster:chat-test",
                        secretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:chat-test", database: database,
                        credentials: AWSCredentials(accessKeyId: "AKIDTEST", secretAccessKey: "test-secret"), retry: retry, logger: logger)
    }

    func close() {
        running.cancel()
        endpoint?.stop()
        database.drop()
    }
}

/// `data-api-local` as a child process on a free loopback port.
enum DataAPILocalProcess {
    static func start(databaseURL: String, flags: [String]) async throws -> LoopbackServer {
        try await LoopbackServer.start(TestPostgres.repositoryRoot.appendingPathComponent(".build/debug/data-api-local"),
                                       missingHint: "run swift build first") { port in
            ["--port", String(port), "--database-url", databaseURL] + flags
        }
    }
}

func newConversationId() -> String { UUID().uuidString.lowercased() }
