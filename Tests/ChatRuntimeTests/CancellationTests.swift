import ChatRuntime
import Foundation
import Testing
import TestSupport

/// A store call whose statement waits on a lock ends promptly when its task is cancelled (a Lambda
/// invocation reaching its deadline), on both backends, and leaves the executor usable.
@Suite(.serialized, .timeLimit(.minutes(3))) struct CancellationTests {
    @Test(arguments: BackendKind.allCases)
    func aCancelledCallOnALockedTableEndsAtOnce(_ kind: BackendKind) async throws {
        let harness = try await Harness.make(kind)
        defer { harness.close() }
        let lock = try harness.database.holdLock(on: ChatContract.Conversations.table, forSeconds: 20)
        defer { lock.stop() }
        let chat = harness.chat
        let call = Task {
            try await chat.history.append([NewMessage(clientMessageId: "m1", role: "user", content: "held up")],
                                          to: newConversationId(), ownerId: "alice")
        }
        try await Task.sleep(for: .seconds(1))
        let cancelled = ContinuousClock.now
        call.cancel()
        let outcome = await call.result
        let took = ContinuousClock.now - cancelled
        #expect(took < .seconds(3), "the cancelled call took \(took) to end")
        if case .success = outcome { Issue.record("the call succeeded although its table was locked") }
        // Other tables are not locked, and the executor still serves them.
        _ = try await chat.search.searchBots("x", user: "alice", limit: 5)
    }
}
