import ChatRuntime
import DynamicServices
import Foundation
import Logging
import TestSupport

// Benchmark of the packaged chat function (`scripts/package.sh dev`, then
// `swift build -c release --static-swift-stdlib --product function-bench && .build/release/function-bench`,
// or with `--soak [N]` (data-api-local built in release too) the memory soak on both backends),
// with the test PostgreSQL running): the zip's size; cold start, from starting the process to its first `invocation/next` and to its first
// response (an event already queued, as on a cold invoke); and the warm overhead of an invocation
// over the store calls its route makes (the conversation's owner, then its messages), both on the
// postgres backend against the same database.

func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
}

func percentiles(_ samples: [Double]) -> (p50: Double, p95: Double) {
    let sorted = samples.sorted()
    return (sorted[sorted.count / 2], sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.95))])
}

func say(_ text: String) { FileHandle.standardOutput.write(Data((text + "\n").utf8)) }

struct BenchFailure: Error, CustomStringConvertible { var description: String }

/// The API function's environment: on the postgres backend, or over the Data API at `dataAPIEndpoint`.
func environment(_ database: TestDatabase, runtimeAPI: String, dataAPIEndpoint: String? = nil) -> [String: String] {
    var environment = [
        "AWS_LAMBDA_RUNTIME_API": runtimeAPI, "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "AKIDBENCH", "AWS_SECRET_ACCESS_KEY": "bench-secret",
        ChatContract.Environment.functionRole: "api", ChatContract.Environment.backendType: ChatContract.Backend.postgres,
        ChatContract.Environment.clusterArn: "arn:aws:rds:us-east-1:123456789012:cluster:chat-bench",
        ChatContract.Environment.secretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:chat-bench",
        ChatContract.Environment.databaseName: database.name, "DATABASE_URL": database.url,
    ]
    if let dataAPIEndpoint {
        environment["DATABASE_URL"] = nil
        environment[ChatContract.Environment.backendType] = ChatContract.Backend.dataAPI
        environment[ChatContract.Environment.dataAPIEndpoint] = dataAPIEndpoint
    }
    return environment
}

/// A new database with the schema, and the stores on it (their pool runs in `services`).
func migratedDatabase(prefix: String, services: ServiceSet) async throws -> (TestDatabase, ChatDatabase) {
    let database = try TestPostgres.server().createDatabase(prefix: prefix)
    var logger = Logger(label: "function-bench")
    logger.logLevel = .error
    let executor = try PostgresExecutor(.init(url: database.url), logger: logger)
    services.add(executor)
    let chat = try ChatDatabase(executor: executor, embedder: LocalEmbedder(dimension: ChatContract.BotVectors.embeddingDimension))
    try await chat.migrator.migrate()
    return (database, chat)
}

func historyEvent(_ conversation: String) -> String {
    #"{"version":"2.0","routeKey":"GET /conversations/{id}/messages","rawPath":"/conversations/\#(conversation)/messages","#
        + #""rawQueryString":"newest=20","queryStringParameters":{"newest":"20"},"headers":{},"isBase64Encoded":false,"#
        + #""requestContext":{"http":{"method":"GET","path":"/conversations/\#(conversation)/messages"},"#
        + #""authorizer":{"jwt":{"claims":{"sub":"bench-user"},"scopes":null}}}}"#
}

func run(services: ServiceSet) async throws {
    let zip = PackagedFunction.zip
    let attributes = try FileManager.default.attributesOfItem(atPath: zip.path)
    let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
    say(String(format: "zip: %@  %.1f MiB (%d bytes)", zip.path, Double(size) / 1_048_576, size))

    let (database, chat) = try await migratedDatabase(prefix: "function_bench", services: services)
    defer { database.drop() }
    let conversation = UUID().uuidString.lowercased()
    try await chat.history.append((1...40).map { NewMessage(clientMessageId: "m\($0)", role: $0 % 2 == 0 ? "assistant" : "user", content: "message \($0) of the bench") },
                                  to: conversation, ownerId: "bench-user")

    // Cold starts: a new process each, the event queued before it starts.
    var toNext: [Double] = [], toResponse: [Double] = []
    for _ in 0..<15 {
        let emulator = try await LambdaEmulator.start()
        let answer = Task { try await emulator.invoke(historyEvent(conversation)) }
        try await Task.sleep(for: .milliseconds(100))
        let start = ContinuousClock.now
        let function = try PackagedFunction.start(environment: environment(database, runtimeAPI: emulator.address))
        let outcome = try await answer.value
        let answered = ContinuousClock.now
        guard case .response = outcome, let firstNext = await emulator.firstNextRequest else {
            function.stop()
            throw BenchFailure(description: "cold start failed: \(outcome)\n\(function.log)")
        }
        toNext.append(milliseconds(firstNext - start))
        toResponse.append(milliseconds(answered - start))
        try await emulator.waitUntilIdle()
        function.stop()
        await emulator.stop()
    }
    let next = percentiles(toNext), response = percentiles(toResponse)
    say(String(format: "cold start to first invocation/next   p50 %7.2f ms   p95 %7.2f ms   (%d starts)", next.p50, next.p95, toNext.count))
    say(String(format: "cold start to first response          p50 %7.2f ms   p95 %7.2f ms", response.p50, response.p95))
    if let slowest = toResponse.indices.max(by: { toResponse[$0] < toResponse[$1] }) {
        say(String(format: "  slowest: start %d of %d, %.2f ms",
                   slowest + 1, toResponse.count, toResponse[slowest]))
    }

    // Warm: the same read through the function and straight from the store.
    let emulator = try await LambdaEmulator.start()
    let function = try PackagedFunction.start(environment: environment(database, runtimeAPI: emulator.address))
    defer { function.stop() }
    let iterations = 1_000
    var invoked: [Double] = [], turnaround: [Double] = [], direct: [Double] = [], bare: [Double] = [], bareTurnaround: [Double] = []
    for round in 0..<(iterations + 100) {
        var start = ContinuousClock.now
        guard case .response = try await emulator.invoke(historyEvent(conversation)) else { throw BenchFailure(description: "warm invocation failed") }
        if round >= 100 {
            invoked.append(milliseconds(ContinuousClock.now - start))
            turnaround.append(milliseconds(try await lastTurnaround(emulator)))
        }
        // The store calls the route makes: the ownership check, then the read.
        start = ContinuousClock.now
        guard try await chat.history.conversation(conversation)?.ownerId == "bench-user" else { throw BenchFailure(description: "the conversation is gone") }
        _ = try await chat.history.history(of: conversation, newest: 20)
        if round >= 100 { direct.append(milliseconds(ContinuousClock.now - start)) }
        // The Runtime API round trip alone: an event the function turns down before any work.
        start = ContinuousClock.now
        guard case .error = try await emulator.invoke("[]") else { throw BenchFailure(description: "the empty event was not refused") }
        if round >= 100 {
            bare.append(milliseconds(ContinuousClock.now - start))
            bareTurnaround.append(milliseconds(try await lastTurnaround(emulator)))
        }
    }
    try await emulator.waitUntilIdle()
    await emulator.stop()
    let warm = percentiles(invoked), inFunction = percentiles(turnaround), store = percentiles(direct)
    let loop = percentiles(bare), loopInFunction = percentiles(bareTurnaround)
    say(String(format: "warm invocation (GET 20 messages)     p50 %7.3f ms   p95 %7.3f ms   (%d runs; invoke to answer, emulator included)", warm.p50, warm.p95, iterations))
    say(String(format: "  in the function                     p50 %7.3f ms   p95 %7.3f ms   (event handed out to answer received)", inFunction.p50, inFunction.p95))
    say(String(format: "its store calls alone (owner, read)   p50 %7.3f ms   p95 %7.3f ms", store.p50, store.p95))
    say(String(format: "warm overhead in the function (p50)       %7.3f ms   (in the function minus the store calls)", inFunction.p50 - store.p50))
    say(String(format: "warm overhead with the emulator (p50)     %7.3f ms", warm.p50 - store.p50))
    say(String(format: "an event refused before any work      p50 %7.3f ms   in the function p50 %7.3f ms   (the Runtime API round trip)", loop.p50, loopInFunction.p50))
}

func lastTurnaround(_ emulator: LambdaEmulator) async throws -> Duration {
    guard let turnaround = await emulator.lastTurnaround else { throw BenchFailure(description: "the emulator timed no turnaround") }
    return turnaround
}

/// The soak: `invocations` warm invocations of `SoakMix` against the packaged function on each
/// backend (the Data API through data-api-local, built beside this benchmark), with the function's
/// resident memory after its first invocation, after 1,000, and at the end.
func soak(invocations: Int, services: ServiceSet) async throws {
    for backend in [ChatContract.Backend.postgres, ChatContract.Backend.dataAPI] {
        let (database, _) = try await migratedDatabase(prefix: "function_soak", services: services)
        defer { database.drop() }
        var endpoint: LoopbackServer?
        if backend == ChatContract.Backend.dataAPI {
            let binary = TestPostgres.repositoryRoot.appendingPathComponent(".build/release/data-api-local")
            endpoint = try await LoopbackServer.start(binary, missingHint: "build it: swift build -c release --product data-api-local") { port in
                ["--port", String(port), "--database-url", database.url]
            }
        }
        defer { endpoint?.stop() }
        let emulator = try await LambdaEmulator.start()
        let function = try PackagedFunction.start(environment: environment(database, runtimeAPI: emulator.address, dataAPIEndpoint: endpoint?.url))
        defer { function.stop() }
        let mix = SoakMix()
        var samples: [(Int, Int)] = []
        for n in 0..<invocations {
            let outcome = try await emulator.invoke(try mix.event(n))
            let status = (try? JSONSerialization.jsonObject(with: Data(outcome.text.utf8)) as? [String: Any])?["statusCode"] as? Int
            guard status == mix.expectedStatus(n) else { throw BenchFailure(description: "\(backend) invocation \(n): \(outcome.text)\n\(function.log)") }
            if n == 0 || (n + 1) % 1_000 == 0 { samples.append((n + 1, try function.residentKiB)) }
        }
        try await emulator.waitUntilIdle()
        await emulator.stop()
        let mib = { (kib: Int) in String(format: "%.1f MiB", Double(kib) / 1024) }
        let afterFirst = samples[0].1, afterThousand = samples.first { $0.0 == 1_000 }?.1 ?? afterFirst, end = samples.last!.1
        say("soak \(backend): RSS \(mib(afterFirst)) after the first invocation, \(mib(afterThousand)) after 1,000, \(mib(end)) after \(invocations)"
            + String(format: "  (growth after 1,000: %.2f MiB)", Double(end - afterThousand) / 1024))
        say("  every 1,000: " + samples.dropFirst().map { "\($0.0 / 1_000)k \(mib($0.1))" }.joined(separator: ", "))
    }
}

do {
    if let flag = CommandLine.arguments.firstIndex(of: "--soak") {
        let count = CommandLine.arguments.dropFirst(flag + 1).first.flatMap(Int.init) ?? 10_000
        try await ServiceSet.withRunning { try await soak(invocations: count, services: $0) }
        exit(0)
    }
    try await ServiceSet.withRunning { try await run(services: $0) }
} catch {
    FileHandle.standardError.write(Data("function-bench: \(error)\n".utf8))
    exit(1)
}
