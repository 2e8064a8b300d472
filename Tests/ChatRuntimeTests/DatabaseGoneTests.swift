import ChatRuntime
import PostgresTimeLimits
import Foundation
import Testing
import TestSupport

/// A database that goes away under a running store: the next call fails within its limit, saying
/// the database is unavailable, on both backends. It never hangs the caller.
@Suite(.serialized, .timeLimit(.minutes(2))) struct DatabaseGoneTests {
    @Test(arguments: BackendKind.allCases)
    func aStoppedServerFailsTheNextCallQuicklyAndClearly(_ kind: BackendKind) async throws {
        let postgres = try PrivateTestPostgres.start()
        defer { postgres.stop() }
        let harness = try await Harness.make(
            kind, endpointFlags: ["--connect-timeout", "15"], retry: RetryPolicy(initialDelay: .milliseconds(100), maximumDelay: .seconds(1), budget: .seconds(4)),
            // 15 s to connect, on both paths: a refused connection fails at once anyway (the call after the
            // stop), and a busy two-core machine running the other suites (the generative ones among them)
            // once took more than 5 s to hand the set-up its first connection.
            // The statement limit bounds only the set-up (creating the schema), which took over 10 s on a
            // cold clone's first run with every suite going; the call after the stop fails by refusal.
            postgresTimeouts: .init(connect: .seconds(15), statement: .seconds(30)), server: postgres.server)
        defer { harness.close() }
        let history = harness.chat.history
        let conversation = newConversationId()
        try await history.append([NewMessage(clientMessageId: "m1", role: "user", content: "before")], to: conversation, ownerId: "alice")

        postgres.stop()
        let clock = ContinuousClock()
        let start = clock.now
        let error = await #expect(throws: SQLExecutionError.self) {
            try await history.append([NewMessage(clientMessageId: "m2", role: "user", content: "after")], to: conversation, ownerId: "alice")
        }
        let elapsed = clock.now - start
        print("\(kind): failed after \(elapsed): \(error.map { "\($0)" } ?? "no error")")
        #expect(elapsed < .seconds(20))
        switch (kind, error) {
        case (.postgres, .cannotConnect(let failure)?):
            // Nothing listens on the port any more: said as such, not as a connect timeout.
            #expect(failure.cause == .connectionRefused && failure.target == "127.0.0.1:\(postgres.server.port)", "\(failure)")
        case (.dataAPI, .unavailable(let message)?):
            // The Data API reports the cluster unavailable, which the executor retries within its budget.
            #expect(message.contains("DatabaseUnavailableException") && message.contains("connection refused"), "\(message)")
        default:
            Issue.record("expected the database to be reported gone, got \(String(describing: error))")
        }
    }
}
