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

    static let logger: Logger = {
        var logger = Logger(label: "chat-runtime-tests")
        logger.logLevel = .error
        return logger
    }()

    static let dimension = ChatContract.BotVectors.embeddingDimension

    private init(database: TestDatabase, executor: any SQLExecutor, endpoint: LoopbackServer?) throws {
        self.database = database
        self.executor = executor
        self.endpoint = endpoint
        chat = try ChatDatabase(executor: executor, embedder: LocalEmbedder(dimension: Self.dimension))
    }

    static func make(_ kind: BackendKind, migrate: Bool = true, endpointFlags: [String] = [], retry: RetryPolicy = .standard,
                     postgresTimeouts: PostgresExecutor.Timeouts = .init(), server: TestPostgres? = nil) async throws -> Harness {
        let database = try (server ?? TestPostgres.server()).createDatabase(prefix: "chat")
        let harness: Harness
        switch kind {
        case .postgres:
            let executor = try PostgresExecutor(.init(url: database.url), timeouts: postgresTimeouts, logger: logger)
            harness = try Harness(database: database, executor: executor, endpoint: nil)
        case .dataAPI:
            let endpoint = try await DataAPILocalProcess.start(databaseURL: database.url, flags: endpointFlags)
            let executor = DataAPIExecutor(
                endpoint: endpoint.url, region: "us-east-1", clusterArn: "arn:aws:rds:us-east-1:123456789012:cluster:chat-test",
                secretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:chat-test", database: database.name,
                credentials: AWSCredentials(accessKeyId: "AKIDTEST", secretAccessKey: "test-secret"), retry: retry, logger: logger)
            harness = try Harness(database: database, executor: executor, endpoint: endpoint)
        }
        if migrate { try await harness.chat.migrator.migrate() }
        return harness
    }

    func close() {
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
