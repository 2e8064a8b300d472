import ChatRuntime
import Foundation
import Testing
import TestSupport

/// The packaged `bootstrap` (scripts/package.sh's zip, unzipped) as Lambda runs it: its own
/// process, talking to the Runtime API emulator, over data-api-local or the test PostgreSQL.
@Suite(.serialized, .timeLimit(.minutes(10))) struct PackagedFunctionTests {
    struct Reply {
        var status: Int
        var headers: [String: String]
        var body: [String: Any]
    }

    /// Invokes with an HTTP API event and reads the proxy response.
    static func call(_ emulator: LambdaEmulator, _ method: String, _ path: String, user: String? = "alice",
                     query: [String: String] = [:], body: String? = nil) async throws -> Reply {
        let outcome = try await emulator.invoke(try ChatAPITests.eventJSON(method, path, user: user, query: query, body: body))
        guard case .response(let bytes) = outcome else { throw LambdaEmulator.Failure(description: "\(method) \(path): \(outcome)") }
        let response = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        let text = response["body"] as? String ?? ""
        let body = text.isEmpty ? [:] : try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text)")
        return Reply(status: response["statusCode"] as? Int ?? 0, headers: response["headers"] as? [String: String] ?? [:], body: body)
    }

    /// Starts the packaged function, runs `body`, and stops it; on a failure the function's log is
    /// attached. Every line the function wrote must be a JSON object with a level and a message.
    func withPackagedFunction(_ environment: [String: String], _ body: (PackagedFunction) async throws -> Void) async throws {
        let function = try PackagedFunction.start(environment: environment)
        defer { function.stop() }
        do {
            try await body(function)
        } catch {
            Issue.record("the function's log:\n\(function.log)")
            throw error
        }
        #expect(function.process.isRunning, "the function exited: \(function.log)")
        Self.expectJSONLines(function.log)
    }

    /// What Lambda's JSON log format and level filtering read: one object a line, with `level`
    /// (Lambda's spelling), `message` and an RFC 3339 `timestamp`.
    static func expectJSONLines(_ log: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for line in log.split(separator: "\n", omittingEmptySubsequences: true) {
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object != nil, "not a JSON object: \(line)", sourceLocation: sourceLocation)
            guard let object else { continue }
            #expect(["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"].contains(object["level"] as? String ?? ""), "\(line)", sourceLocation: sourceLocation)
            #expect(object["message"] is String && object["timestamp"] is String, "\(line)", sourceLocation: sourceLocation)
        }
    }

    /// The package links ICU's core and English data only (scripts/icu_data.py); Foundation's full
    /// package, with every locale's collation, would put the zip over its 25 MB budget.
    @Test func thePackageCarriesTrimmedICUDataAndFitsItsBudget() throws {
        let zipSize = try #require(try FileManager.default.attributesOfItem(atPath: PackagedFunction.zip.path)[.size] as? Int)
        #expect(zipSize < 25_000_000, "the zip is \(zipSize) bytes")
        let binary = try Data(contentsOf: try PackagedFunction.bootstrap())
        #expect(binary.range(of: Data("/coll/root.res".utf8)) != nil, "no ICU collation root in the binary")
        #expect(binary.range(of: Data("/coll/zh.res".utf8)) == nil, "the binary carries ICU's full locale data")
    }

    @Test(arguments: BackendKind.allCases)
    func theWholeAPIAnswersThroughThePackagedBootstrap(_ kind: BackendKind) async throws {
        let harness = try await Harness.make(kind)
        defer { harness.close() }
        let emulator = try await LambdaEmulator.start()
        defer { Task { await emulator.stop() } }
        try await withPackagedFunction(ChatFunctionTests.environment(harness, kind, emulator: emulator)) { _ in
            let conversation = newConversationId()
            let batch = #"{"messages":[{"clientMessageId":"m1","role":"user","content":"Plan a trip to Hanoi"},"#
                + #"{"clientMessageId":"m2","role":"assistant","content":"Hanoi in autumn is mild"}]}"#
            let appended = try await Self.call(emulator, "POST", "/conversations/\(conversation)/messages", body: batch)
            #expect(appended.status == 200 && (appended.body["messages"] as? [Any])?.count == 2, "\(appended.body)")
            // A retried append stores nothing twice.
            let retried = try await Self.call(emulator, "POST", "/conversations/\(conversation)/messages", body: batch)
            #expect(retried.status == 200)
            let all = try await Self.call(emulator, "GET", "/conversations/\(conversation)/messages")
            #expect((all.body["messages"] as? [[String: Any]])?.map { $0["clientMessageId"] as? String } == ["m1", "m2"], "\(all.body)")
            let newest = try await Self.call(emulator, "GET", "/conversations/\(conversation)/messages", query: ["newest": "1"])
            #expect((newest.body["messages"] as? [[String: Any]])?.map { $0["content"] as? String } == ["Hanoi in autumn is mild"])

            #expect(try await Self.call(emulator, "PUT", "/conversations/\(conversation)", body: #"{"title":"Hanoi trip","excerpt":"autumn travel"}"#).status == 200)
            let conversations = try await Self.call(emulator, "GET", "/conversations/search", query: ["q": "Hanoi", "limit": "5"])
            #expect("\(conversations.body)".contains(conversation), "\(conversations.body)")
            let bot = "bot-\(UUID().uuidString.prefix(8).lowercased())"
            #expect(try await Self.call(emulator, "PUT", "/bots/\(bot)", body: #"{"title":"Travel planner","description":"plans trips"}"#).status == 200)
            let bots = try await Self.call(emulator, "GET", "/bots/search", query: ["q": "travel planner", "limit": "5"])
            #expect("\(bots.body)".contains(bot), "\(bots.body)")

            // Each error status, with a JSON message and nothing else.
            let errors: [(Reply, Int)] = [
                (try await Self.call(emulator, "GET", "/bots/search", user: nil, query: ["q": "x"]), 401),
                (try await Self.call(emulator, "POST", "/conversations/\(conversation)/messages", body: "{not json"), 400),
                (try await Self.call(emulator, "POST", "/conversations/\(conversation)/messages", body: #"{"messages":[],"userId":"mallory"}"#), 400),
                (try await Self.call(emulator, "PUT", "/conversations/not-a-uuid", body: "{}"), 400),
                (try await Self.call(emulator, "PUT", "/bots/\(bot)", user: "bob", body: #"{"title":"Mine now"}"#), 403),
                (try await Self.call(emulator, "GET", "/conversations/\(conversation)/messages", user: "bob"), 404),
                (try await Self.call(emulator, "POST", "/conversations/\(conversation)/messages",
                                     body: String(repeating: "x", count: 256 * 1024 + 1)), 413),
            ]
            for (reply, status) in errors {
                #expect(reply.status == status && reply.body.keys.sorted() == ["message"], "\(status): \(reply.status) \(reply.body)")
                #expect(!"\(reply.body)".contains("SELECT") && !"\(reply.body)".contains("INSERT"))
            }

            #expect(try await Self.call(emulator, "DELETE", "/conversations/\(conversation)").status == 204)
            #expect(try await Self.call(emulator, "GET", "/conversations/\(conversation)/messages").status == 404)
            #expect(try await Self.call(emulator, "DELETE", "/bots/\(bot)").status == 204)

            // An event that is neither kind is a function error, and the loop goes on.
            let malformed = try await emulator.invoke("[1, 2, 3]")
            guard case .error(let type, _) = malformed else { Issue.record("expected an error, got \(malformed)"); return }
            #expect(type == "Chat.UnknownEvent")
            #expect(try await Self.call(emulator, "GET", "/bots/search", query: ["q": "x"]).status == 200)
            try await emulator.waitUntilIdle()
        }
    }

    /// A cluster resuming for longer than the function may run (60 s against a 30 s timeout): the
    /// retries stop in time for the function itself to answer 503 with Retry-After, as the README
    /// promises, instead of Lambda ending it with `Function.Timeout`.
    @Test func aResumeLongerThanTheTimeoutIs503WithRetryAfterBeforeTheDeadline() async throws {
        let harness = try await Harness.make(.dataAPI, endpointFlags: ["--auto-pause-after", "2", "--resume-seconds", "60"])
        defer { harness.close() }
        let emulator = try await LambdaEmulator.start()
        defer { Task { await emulator.stop() } }
        try await withPackagedFunction(ChatFunctionTests.environment(harness, .dataAPI, emulator: emulator)) { _ in
            #expect(try await Self.call(emulator, "GET", "/bots/search", query: ["q": "x"]).status == 200)
            try await emulator.waitUntilIdle()
            // Idle past the auto-pause: the next call starts a 60 s resume.
            try await Task.sleep(for: .seconds(3))
            let conversation = newConversationId()
            let started = ContinuousClock.now
            let outcome = try await emulator.invoke(try ChatAPITests.eventJSON("GET", "/conversations/\(conversation)/messages"), timeout: .seconds(30))
            let waited = ContinuousClock.now - started
            guard case .response(let bytes) = outcome,
                  let response = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
                Issue.record("expected the function's own answer, got \(outcome.text) after \(waited)")
                return
            }
            #expect(response["statusCode"] as? Int == 503, "\(response)")
            #expect((response["headers"] as? [String: String])?["retry-after"] == "5", "\(response)")
            // It used the time it had (the resume was retried), and answered before the deadline.
            #expect(waited > .seconds(20) && waited < .seconds(30), "answered after \(waited)")
            try await emulator.waitUntilIdle()
        }
    }

    /// Memory stays flat over many warm invocations of a realistic mix (the function-bench soak runs
    /// 10,000; this is a shorter one with a generous bound): a leak of even 3 KiB an invocation fails it.
    @Test(arguments: BackendKind.allCases)
    func memoryStaysFlatOverTwoThousandInvocations(_ kind: BackendKind) async throws {
        let harness = try await Harness.make(kind)
        defer { harness.close() }
        let emulator = try await LambdaEmulator.start()
        defer { Task { await emulator.stop() } }
        try await withPackagedFunction(ChatFunctionTests.environment(harness, kind, emulator: emulator)) { function in
            let mix = SoakMix()
            var warm = 0
            for invocation in 0..<2_000 {
                let outcome = try await emulator.invoke(try mix.event(invocation))
                let status = (try? JSONSerialization.jsonObject(with: Data(outcome.text.utf8)) as? [String: Any])?["statusCode"] as? Int
                #expect(status == mix.expectedStatus(invocation), "invocation \(invocation): \(outcome.text)")
                if invocation == 499 { warm = try function.residentKiB }
            }
            let end = try function.residentKiB
            print("\(kind): RSS \(warm) KiB after 500 invocations, \(end) KiB after 2,000")
            #expect(end - warm < 4_096, "RSS grew \(end - warm) KiB over 1,500 warm invocations")
            try await emulator.waitUntilIdle()
        }
    }

    /// An API function started before the application role exists (or with a password that is
    /// not the role's) says so in its init error, at once, instead of after its connect timeout.
    @Test func aStartUpBeforeTheRoleExistsNamesTheCauseInItsInitError() async throws {
        let harness = try await Harness.make(.postgres, migrate: false)
        defer { harness.close() }
        let emulator = try await LambdaEmulator.start()
        defer { Task { await emulator.stop() } }
        var environment = ChatFunctionTests.environment(harness, .postgres, emulator: emulator)
        environment["DATABASE_URL"] = "postgresql://chat_app_not_yet:secret-password@\(harness.database.server.host):\(harness.database.server.port)/\(harness.database.name)"
        let function = try PackagedFunction.start(environment: environment)
        defer { function.stop() }
        let started = ContinuousClock.now
        let status = try await function.waitForExit(within: .seconds(30))
        #expect(status != nil && status != 0, "the function should exit after an init error: \(function.log)")
        #expect(ContinuousClock.now - started < .seconds(8), "the init error took \(ContinuousClock.now - started)")
        let posted = await emulator.initializationError?.text ?? ""
        #expect(posted.contains("refused the sign-in as \\\"chat_app_not_yet\\\"") && posted.contains("the role does not exist yet"), "\(posted)")
        #expect(!posted.contains("secret-password") && !function.log.contains("secret-password"))
        Self.expectJSONLines(function.log)
    }

    @Test func aStartUpWithoutTheBackendVariableIsAnInitErrorNamingIt() async throws {
        let emulator = try await LambdaEmulator.start()
        defer { Task { await emulator.stop() } }
        let function = try PackagedFunction.start(environment: ["AWS_LAMBDA_RUNTIME_API": emulator.address, "AWS_REGION": "us-east-1"])
        defer { function.stop() }
        let status = try await function.waitForExit(within: .seconds(20))
        #expect(status != nil && status != 0, "the function should exit after an init error: \(function.log)")
        let posted = await emulator.initializationError
        #expect(posted?.text.contains("\(ChatContract.Environment.backendType): is not set") == true, "\(String(describing: posted))")
        #expect(await emulator.nextRequests == 0)
    }

    /// A statement held up by a lock outlives the invocation's deadline: the function answers a
    /// timeout before Lambda would give up, and the next invocation is served as usual.
    @Test(arguments: BackendKind.allCases)
    func aSlowStatementIsAnsweredAsATimeoutAndTheNextInvocationIsUnaffected(_ kind: BackendKind) async throws {
        let harness = try await Harness.make(kind)
        defer { harness.close() }
        let emulator = try await LambdaEmulator.start()
        defer { Task { await emulator.stop() } }
        try await withPackagedFunction(ChatFunctionTests.environment(harness, kind, emulator: emulator)) { _ in
            let warm = try await Self.call(emulator, "GET", "/bots/search", query: ["q": "x"])
            #expect(warm.status == 200)
            let blocker = try harness.database.holdLock(on: ChatContract.Conversations.table, forSeconds: 8)
            defer { blocker.stop() }
            let started = ContinuousClock.now
            let body = #"{"messages":[{"clientMessageId":"m1","role":"user","content":"held up"}]}"#
            let outcome = try await emulator.invoke(try ChatAPITests.eventJSON("POST", "/conversations/\(newConversationId())/messages", body: body),
                                                    timeout: .seconds(3))
            let waited = ContinuousClock.now - started
            guard case .error(let type, let errorBody) = outcome else { Issue.record("expected a timeout, got \(outcome.text)"); return }
            #expect(type == "Function.Timeout" && String(decoding: errorBody, as: UTF8.self).contains("deadline"), "\(outcome.text)")
            // Answered by the function itself (the emulator gives up 5 s past the deadline); how close to
            // the deadline depends on the machine's load, which a test does not time.
            #expect(waited < .seconds(8), "answered after \(waited)")
            // The lock is still held: other tables are not, and the function serves them at once.
            let next = ContinuousClock.now
            #expect(try await Self.call(emulator, "GET", "/bots/search", query: ["q": "x"]).status == 200)
            #expect(ContinuousClock.now - next < .seconds(8), "the next invocation waited for the lock")
            try await emulator.waitUntilIdle()
        }
    }

    @Test(arguments: BackendKind.allCases)
    func theSchemaResourceWorksThroughThePackagedMigrator(_ kind: BackendKind) async throws {
        let harness = try await Harness.make(kind, migrate: false)
        defer { harness.close() }
        let moto = try await MotoServer.start()
        defer { moto.stop() }
        // The application role's own password, which every test shares (ChatFunctionTests proves a new one is set).
        let secret = try ChatFunctionTests.applicationSecret(in: moto, harness, username: ChatContract.Schema.applicationRole,
                                                             password: Harness.applicationPassword)
        let emulator = try await LambdaEmulator.start()
        let s3 = try await RecordingServer.start()
        defer { Task { await emulator.stop(); await s3.stop() } }
        try await withPackagedFunction(ChatFunctionTests.environment(harness, kind, emulator: emulator, role: "migrator", applicationSecret: secret)) { _ in
            try await ChatFunctionTests.schemaResourceLifecycle(harness, emulator: emulator, s3: s3)
            try await emulator.waitUntilIdle()
        }
    }

    @Test func aFailingMigrationIsReportedFailedByThePackagedMigrator() async throws {
        let harness = try await Harness.make(.postgres, migrate: false)
        defer { harness.close() }
        try harness.database.run("CREATE TABLE conversations (nothing int)")
        let emulator = try await LambdaEmulator.start()
        let s3 = try await RecordingServer.start()
        defer { Task { await emulator.stop(); await s3.stop() } }
        try await withPackagedFunction(ChatFunctionTests.environment(harness, .postgres, emulator: emulator, role: "migrator")) { _ in
            try await ChatFunctionTests.failedMigration(harness, emulator: emulator, s3: s3)
            try await emulator.waitUntilIdle()
        }
    }

    @Test func anUnavailableDatabaseIs503WithRetryAfterThroughThePackagedBootstrap() async throws {
        let postgres = try PrivateTestPostgres.start()
        defer { postgres.stop() }
        let harness = try await Harness.make(.postgres, server: postgres.server)
        defer { harness.close() }
        let emulator = try await LambdaEmulator.start()
        defer { Task { await emulator.stop() } }
        try await withPackagedFunction(ChatFunctionTests.environment(harness, .postgres, emulator: emulator)) { _ in
            #expect(try await Self.call(emulator, "GET", "/bots/search", query: ["q": "x"]).status == 200)
            postgres.stop()
            let reply = try await Self.call(emulator, "GET", "/bots/search", query: ["q": "x"])
            #expect(reply.status == 503 && reply.headers["retry-after"] == "5", "\(reply.status) \(reply.body)")
            try await emulator.waitUntilIdle()
        }
    }
}
