import AWSSigV4
import ChatRuntime
import DataAPILocal
import DynamicServices
import Foundation
import Logging
import ServiceLifecycle

// Benchmark of the runtime on both backends, run as `swift run -c release chat-bench` with the test
// PostgreSQL running (`scripts/postgres.sh start`). The Data API backend goes through data-api-local
// served in-process on loopback. Reports p50/p95 of: appending 100 messages as one batch and one by
// one, reading a 100-message history, and hybrid search over 10,000 bots.


func quietLogger() -> Logger {
    var logger = Logger(label: "chat-bench")
    logger.logLevel = .error
    return logger
}

func port() throws -> Int {
    let state = try String(contentsOfFile: ".build/test-postgres.env", encoding: .utf8)
    for line in state.split(separator: "\n") where line.hasPrefix("TEST_POSTGRES_PORT=") {
        if let port = Int(line.dropFirst("TEST_POSTGRES_PORT=".count)) { return port }
    }
    throw CocoaError(.fileReadCorruptFile)
}

func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
}

func measure(_ label: String, _ iterations: Int, _ body: () async throws -> Void) async throws {
    try await body()  // warm-up
    var samples: [Double] = []
    for _ in 0..<iterations {
        let start = ContinuousClock.now
        try await body()
        samples.append(milliseconds(ContinuousClock.now - start))
    }
    samples.sort()
    let p50 = samples[samples.count / 2], p95 = samples[min(samples.count - 1, Int(Double(samples.count) * 0.95))]
    say(String(format: "  %-44@ p50 %8.2f ms   p95 %8.2f ms   (%d runs)", label as NSString, p50, p95, iterations))
}

func run(services: ServiceSet) async throws {
    let logger = quietLogger()
    guard let postgresPort = try? port() else {
        say("chat-bench: no PostgreSQL; run scripts/postgres.sh start first")
        return
    }
    let databaseName = "chat_bench_\(getpid())"
    let admin = try PostgresExecutor(.init(url: "postgresql://postgres@127.0.0.1:\(postgresPort)/postgres"), logger: logger)
    services.add(admin)
    _ = try await admin.execute(SQLStatement("CREATE DATABASE \(databaseName)"))
    let direct = try PostgresExecutor(.init(url: "postgresql://postgres@127.0.0.1:\(postgresPort)/\(databaseName)"), logger: logger)
    services.add(direct)
    let embedder = LocalEmbedder(dimension: ChatContract.BotVectors.embeddingDimension)
    try await SchemaMigrator(executor: direct).migrate()

    // The Data API backend: data-api-local in-process, in front of the same database.
    let settings = DataAPIService.Settings(host: "127.0.0.1", port: postgresPort, username: "postgres", password: nil, defaultDatabase: databaseName)
    let service = DataAPIService(settings: settings, logger: logger)
    let httpPort = 40_000 + Int(getpid() % 10_000)
    let application = DataAPIServer(service: service, verifier: nil, logger: logger).application(host: "127.0.0.1", port: httpPort)
    let server = Task { try await ServiceGroup(configuration: .init(services: [.init(service: service), .init(service: application)], logger: logger)).run() }
    try await Task.sleep(for: .milliseconds(500))
    let dataAPI = DataAPIExecutor(endpoint: "http://127.0.0.1:\(httpPort)", region: "us-east-1",
                                  clusterArn: "arn:aws:rds:us-east-1:123456789012:cluster:bench",
                                  secretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:bench", database: databaseName,
                                  credentials: AWSCredentials(accessKeyId: "AKIDBENCH", secretAccessKey: "bench"), logger: logger)

    // 10,000 bots, written once through the direct connection.
    say("seeding 10,000 bots …")
    let topics = ["travel", "cooking", "finance", "legal", "medical", "music", "sports", "coding", "gardening", "history"]
    let seedStart = ContinuousClock.now
    for chunk in stride(from: 0, to: 10_000, by: 500) {
        var sets: [[String: SQLValue]] = []
        for index in chunk..<(chunk + 500) {
            let topic = topics[index % topics.count]
            let title = "\(topic) helper \(index)", description = "Answers \(topic) questions, number \(index)"
            sets.append(["bot": .text("bot-\(index)"), "owner": .text("owner-\(index % 100)"), "title": .text(title),
                         "description": .text(description), "visibility": .text(index % 3 == 0 ? "private" : "public"),
                         "embedding": .text("[" + (try await embedder.embed(title + "\n" + description)).map { "\($0)" }.joined(separator: ",") + "]")])
        }
        try await direct.batch("""
            INSERT INTO \(ChatContract.BotVectors.table) (bot_id, owner_id, title, description, visibility, embedding)
            VALUES (:bot, :owner, :title, :description, :visibility, CAST(:embedding AS \(ChatContract.BotVectors.embeddingType)))
            """, sets)
    }
    _ = try await direct.execute(SQLStatement("ANALYZE \(ChatContract.BotVectors.table)"))
    say(String(format: "seeded in %.1f s", milliseconds(ContinuousClock.now - seedStart) / 1000))

    for (name, executor) in [("postgres", direct as any SQLExecutor), ("aurora_data_api (data-api-local)", dataAPI as any SQLExecutor)] {
        let chat = try ChatDatabase(executor: executor, embedder: embedder)
        say("\(name):")
        let messages = (0..<100).map { NewMessage(clientMessageId: "m\($0)", role: $0 % 2 == 0 ? "user" : "assistant", content: "message \($0) of the bench") }
        try await measure("append 100 messages, one batch", 20) {
            try await chat.history.append(messages, to: UUID().uuidString.lowercased(), ownerId: "bench")
        }
        try await measure("append 100 messages, one by one", 5) {
            let conversation = UUID().uuidString.lowercased()
            for message in messages { try await chat.history.append([message], to: conversation, ownerId: "bench") }
        }
        let conversation = UUID().uuidString.lowercased()
        try await chat.history.append(messages, to: conversation, ownerId: "bench")
        try await measure("read a 100-message history", 50) {
            guard try await chat.history.history(of: conversation).count == 100 else { throw CocoaError(.coderValueNotFound) }
        }
        let queries = ["gardening roses", "travel helper 42", "legal contracts advice", "musc helpr", "finance number 777"]
        var index = 0
        try await measure("hybrid search over 10,000 bots (limit 10)", 100) {
            index += 1
            _ = try await chat.search.searchBots(queries[index % queries.count], user: "owner-\(index % 100)", limit: 10)
        }
    }

    server.cancel()
    _ = await server.result
    _ = try await admin.execute(SQLStatement("DROP DATABASE \(databaseName) WITH (FORCE)"))
}

try await ServiceSet.withRunning { try await run(services: $0) }

/// Unbuffered output, so progress shows as it happens.
func say(_ text: String) { FileHandle.standardOutput.write(Data((text + "\n").utf8)) }
