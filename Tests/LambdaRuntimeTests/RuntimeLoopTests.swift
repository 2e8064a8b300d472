import Deadline
import Foundation
import LambdaRuntime
import Logging
import NIOPosix
import Synchronization
import Testing
import TestSupport

/// The Runtime API loop against the emulator: answers, errors, deadlines, start-up failures.
@Suite(.serialized, .timeLimit(.minutes(2))) struct RuntimeLoopTests {
    /// Echoes the event, fails on request, or sleeps past its deadline, recording what it saw.
    struct ScriptedHandler: LambdaHandler {
        let seen: Seen

        func handle(_ invocation: Invocation) async throws -> [UInt8] {
            let text = String(decoding: invocation.body, as: UTF8.self)
            seen.record(trace: ProcessInfo.processInfo.environment["_X_AMZN_TRACE_ID"], requestId: invocation.requestId,
                        onEventLoop: MultiThreadedEventLoopGroup.currentEventLoop != nil)
            switch text {
            case "fail": throw FunctionError(type: "Chat.BadRequest", message: "no such route")
            case "crash": throw CocoaError(.fileNoSuchFile)
            case "deadline":
                // What the handler's waits may use, and the request id its log lines carry.
                let remaining = WorkDeadline.remaining.map { Int($0.components.seconds * 1000 + $0.components.attoseconds / 1_000_000_000_000_000) }
                return Array("\(remaining ?? -1) \(RuntimeLog.requestId ?? "none")".utf8)
            case "slow":
                do {
                    try await Task.sleep(for: .seconds(30))
                } catch {
                    seen.record(cancelled: true)
                    throw error
                }
                return Array("too late".utf8)
            default: return Array("echo: \(text)".utf8)
            }
        }
    }

    final class Seen: Sendable {
        private let state = Mutex<(traces: [String?], requestIds: [String], onEventLoop: [Bool], cancelled: Bool)>(([], [], [], false))
        func record(trace: String?, requestId: String, onEventLoop: Bool) {
            state.withLock { $0.traces.append(trace); $0.requestIds.append(requestId); $0.onEventLoop.append(onEventLoop) }
        }
        func record(cancelled: Bool) { state.withLock { $0.cancelled = cancelled } }
        var traces: [String?] { state.withLock { $0.traces } }
        var requestIds: [String] { state.withLock { $0.requestIds } }
        var onEventLoop: [Bool] { state.withLock { $0.onEventLoop } }
        var cancelled: Bool { state.withLock { $0.cancelled } }
    }

    final class Lines: Sendable {
        private let lines = Mutex<[String]>([])
        func append(_ line: String) { lines.withLock { $0.append(line) } }
        var all: [String] { lines.withLock { $0 } }
    }

    /// Runs the loop in the background for the length of `body`, then stops it.
    func withRuntime(_ seen: Seen, log: Lines = Lines(), _ body: (LambdaEmulator) async throws -> Void) async throws {
        let emulator = try await LambdaEmulator.start()
        let environment = ["AWS_LAMBDA_RUNTIME_API": emulator.address]
        let loop = Task {
            try await LambdaRuntime.run(environment: environment, log: RuntimeLog(sink: log.append)) { ScriptedHandler(seen: seen) }
        }
        defer { loop.cancel() }
        try await body(emulator)
        try await emulator.waitUntilIdle()
        loop.cancel()
        await emulator.stop()
        let outcome = try await loop.value
        guard case .stopped = outcome else { Issue.record("the loop ended with \(outcome)"); return }
    }

    @Test func answersEachEventInTurnWithItsTraceId() async throws {
        let seen = Seen()
        try await withRuntime(seen) { emulator in
            let first = try await emulator.invoke("hello", traceId: "Root=1-abc;Sampled=1")
            let second = try await emulator.invoke("again", traceId: "Root=1-def;Sampled=0")
            #expect(first == .response(Array("echo: hello".utf8)) && second == .response(Array("echo: again".utf8)))
        }
        #expect(seen.traces == ["Root=1-abc;Sampled=1", "Root=1-def;Sampled=0"])
        #expect(Set(seen.requestIds).count == 2)
        // The handler runs on the event loop the clients do their I/O on, not on Swift's cooperative pool.
        #expect(seen.onEventLoop == [true, true])
    }

    @Test func aFunctionErrorIsPostedWithItsTypeHeaderAndJSONBody() async throws {
        try await withRuntime(Seen()) { emulator in
            let outcome = try await emulator.invoke("fail")
            #expect(outcome == .error(type: "Chat.BadRequest", body: Array(#"{"errorMessage":"no such route","errorType":"Chat.BadRequest"}"#.utf8)))
        }
    }

    @Test func anyOtherErrorIsReportedByTypeAndItsTextGoesOnlyToTheLog() async throws {
        let log = Lines()
        try await withRuntime(Seen(), log: log) { emulator in
            let outcome = try await emulator.invoke("crash")
            guard case .error(let type, _) = outcome else { Issue.record("expected an error, got \(outcome)"); return }
            #expect(type == "CocoaError")
            #expect(outcome.text.contains("its log has the details") && !outcome.text.contains("fileNoSuchFile"))
        }
        #expect(log.all.contains { $0.contains("\"level\":\"ERROR\"") && $0.contains("\"errorType\":\"CocoaError\"") })
    }

    @Test func workPastTheDeadlineIsCancelledAndTheNextInvocationIsUnaffected() async throws {
        let seen = Seen()
        let clock = ContinuousClock()
        try await withRuntime(seen) { emulator in
            let start = clock.now
            // 3 s, not 1: on a loaded machine the loop can fetch the event late enough that a 1 s
            // deadline has already passed, and then the handler is rightly never started.
            let outcome = try await emulator.invoke("slow", timeout: .seconds(3))
            // Answered long before the handler's 30 s sleep would end (the bound leaves room for a busy machine).
            #expect(clock.now - start < .seconds(20))
            #expect(outcome == .error(type: "Function.Timeout",
                                      body: Array(#"{"errorMessage":"the invocation did not finish before its deadline","errorType":"Function.Timeout"}"#.utf8)))
            #expect(seen.cancelled, "the slow handler was not cancelled")
            let next = try await emulator.invoke("next one")
            #expect(next == .response(Array("echo: next one".utf8)))
        }
    }

    /// Inside an invocation the handler's waits end before its deadline, leaving time to answer;
    /// outside one there is no such limit.
    @Test func theHandlerSeesTheTimeItsWaitsMayTakeAndItsRequestId() async throws {
        try await withRuntime(Seen()) { emulator in
            let outcome = try await emulator.invoke("deadline", timeout: .seconds(10))
            let parts = outcome.text.split(separator: " ")
            let remaining = try #require(parts.first.flatMap { Int($0) }, "\(outcome.text)")
            // 10 s less the answer margin and the wind-down (and whatever the machine took to hand it over).
            #expect(remaining > 5_000 && remaining <= 10_000 - 500, "\(remaining) ms")
            #expect(parts.count == 2 && parts[1] != "none")
        }
        #expect(WorkDeadline.current == nil && WorkDeadline.bounded(.seconds(45)) == .seconds(45))
    }

    /// swift-log's lines through `JSONLogHandler` are the runtime's JSON, with the invocation's
    /// request id, the logger's label and metadata; lines below the configured level are dropped.
    @Test func swiftLogLinesAreJSONWithTheRequestIdAndRespectTheLevel() throws {
        let lines = Lines()
        let log = RuntimeLog(minimumLevel: .warning, sink: lines.append)
        var logger = Logger(label: "schema-migrator") { JSONLogHandler(label: $0, log: log) }
        logger[metadataKey: "version"] = "8"
        // Metadata cannot stand in for the line's own level.
        logger[metadataKey: "level"] = "debug"
        RuntimeLog.$requestId.withValue("req-1") {
            logger.info("created the schema at version 8")
            logger.warning("the database is resuming", metadata: ["attempt": "2"])
        }
        logger.critical("gave up")
        #expect(lines.all.count == 2, "\(lines.all)")
        let objects = try lines.all.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String]) }
        #expect(objects[0]["level"] == "WARN" && objects[0]["message"] == "the database is resuming" && objects[0]["requestId"] == "req-1")
        #expect(objects[0]["logger"] == "schema-migrator" && objects[0]["version"] == "8" && objects[0]["attempt"] == "2")
        #expect(objects[0]["field.level"] == "debug" && lines.all[0].components(separatedBy: "\"level\"").count == 2, "\(lines.all[0])")
        #expect(objects[1]["level"] == "FATAL" && objects[1]["requestId"] == nil)
        // RFC 3339 in UTC with milliseconds, which Lambda reads as the line's time.
        #expect(objects.allSatisfy { $0["timestamp"]?.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/) != nil }, "\(objects)")
        #expect(RuntimeLog(environment: ["AWS_LAMBDA_LOG_LEVEL": "DEBUG"]).minimumLevel == .debug)
        #expect(RuntimeLog(environment: [:]).minimumLevel == .info)
    }

    @Test func theNextRequestWaitsLongerThanAnyOtherCallMay() async throws {
        // Other calls give up after 5 s; the loop's `next` must outwait an idle spell longer than that.
        try await withRuntime(Seen()) { emulator in
            try await Task.sleep(for: .seconds(6))
            // Still the first request: it was neither timed out nor sent again.
            let fetched = await emulator.nextRequests
            let answer = try await emulator.invoke("after a pause")
            #expect(fetched == 1 && answer == .response(Array("echo: after a pause".utf8)))
        }
    }

    @Test func aFailedStartUpIsPostedToInitErrorNamingTheVariable() async throws {
        let emulator = try await LambdaEmulator.start()
        defer { Task { await emulator.stop() } }
        struct Never: LambdaHandler { func handle(_ invocation: Invocation) async throws -> [UInt8] { [] } }
        let outcome = try await LambdaRuntime.run(environment: ["AWS_LAMBDA_RUNTIME_API": emulator.address], log: RuntimeLog(sink: { _ in })) { () -> Never in
            throw FunctionError(type: "Runtime.InvalidConfiguration", message: "DB_CLUSTER_ARN is not set")
        }
        #expect(outcome == .initializationFailed(FunctionError(type: "Runtime.InvalidConfiguration", message: "DB_CLUSTER_ARN is not set")))
        let posted = await emulator.initializationError
        #expect(posted == .error(type: "Runtime.InvalidConfiguration",
                                 body: Array(#"{"errorMessage":"DB_CLUSTER_ARN is not set","errorType":"Runtime.InvalidConfiguration"}"#.utf8)))
        let fetched = await emulator.nextRequests
        #expect(fetched == 0)
    }

    @Test func withoutTheRuntimeAPIVariableItSaysWhereItMustRun() async throws {
        struct Never: LambdaHandler { func handle(_ invocation: Invocation) async throws -> [UInt8] { [] } }
        await #expect(throws: FunctionError(type: "Runtime.NoRuntimeAPI",
                                            message: "AWS_LAMBDA_RUNTIME_API is not set: this runs inside Lambda or its emulator")) {
            _ = try await LambdaRuntime.run(environment: [:]) { Never() }
        }
    }
}
