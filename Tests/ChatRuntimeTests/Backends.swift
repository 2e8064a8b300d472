import AWSSigV4
import AsyncHTTPClient
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
    let endpoint: DataAPILocalProcess?
    let chat: ChatDatabase

    static let logger: Logger = {
        var logger = Logger(label: "chat-runtime-tests")
        logger.logLevel = .error
        return logger
    }()

    static let dimension = ChatContract.BotVectors.embeddingDimension

    private init(database: TestDatabase, executor: any SQLExecutor, endpoint: DataAPILocalProcess?) throws {
        self.database = database
        self.executor = executor
        self.endpoint = endpoint
        chat = try ChatDatabase(executor: executor, embedder: LocalEmbedder(dimension: Self.dimension))
    }

    static func make(_ kind: BackendKind, migrate: Bool = true, endpointFlags: [String] = [], retry: RetryPolicy = .standard) async throws -> Harness {
        let database = try TestPostgres.server().createDatabase(prefix: "chat")
        let harness: Harness
        switch kind {
        case .postgres:
            harness = try Harness(database: database, executor: try PostgresExecutor(.init(url: database.url), logger: logger), endpoint: nil)
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

/// `data-api-local` as a child process on a free port.
final class DataAPILocalProcess: Sendable {
    let process: Process
    let url: String

    struct Failure: Error, CustomStringConvertible { var description: String }

    private init(process: Process, url: String) {
        self.process = process
        self.url = url
    }

    static func start(databaseURL: String, flags: [String]) async throws -> DataAPILocalProcess {
        let binary = TestPostgres.repositoryRoot.appendingPathComponent(".build/debug/data-api-local")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw Failure(description: "\(binary.path) is missing: run swift build first")
        }
        let port = 30_000 + Int.random(in: 0..<20_000)
        let process = Process()
        process.executableURL = binary
        process.arguments = ["--port", String(port), "--database-url", databaseURL] + flags
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let started = DataAPILocalProcess(process: process, url: "http://127.0.0.1:\(port)")
        for _ in 0..<200 {
            if !process.isRunning { throw Failure(description: "data-api-local exited (port \(port) taken?)") }
            if (try? await HTTPClient.shared.execute(HTTPClientRequest(url: started.url + "/"), timeout: .seconds(1))) != nil { return started }
            try await Task.sleep(for: .milliseconds(50))
        }
        started.stop()
        throw Failure(description: "data-api-local did not start listening on \(port)")
    }

    func stop() {
        if process.isRunning { process.terminate() }
    }
}

func newConversationId() -> String { UUID().uuidString.lowercased() }
