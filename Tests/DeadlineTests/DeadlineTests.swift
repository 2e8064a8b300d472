import Deadline
import Synchronization
import Testing

/// The time limits every database wait runs under.
@Suite(.timeLimit(.minutes(1))) struct DeadlineTests {
    @Test func aFinishedOperationReturnsItsValue() async throws {
        #expect(try await withDeadline(.seconds(5)) { 42 } == 42)
    }

    @Test func aSlowOperationIsCancelledAndReportedWithinTheLimit() async throws {
        let clock = ContinuousClock()
        let start = clock.now
        await #expect(throws: DeadlineExceeded.self) {
            try await withDeadline(.milliseconds(100)) { try await Task.sleep(for: .seconds(300)) }
        }
        // Far below the operation's 300 s, with room for a suite run that keeps both cores busy.
        #expect(clock.now - start < .seconds(60))
    }

    @Test func anOperationThatIgnoresCancellationIsEndedByOnExpiry() async throws {
        // Like a postgres-nio query: only closing what it waits on makes it return.
        let gate = Gate()
        await #expect(throws: DeadlineExceeded.self) {
            try await withDeadline(.milliseconds(100), onExpiry: { gate.open() }) { await gate.wait() }
        }
        #expect(gate.opened)
    }

    @Test func aSwitchedOffDeadlineNoLongerApplies() async throws {
        let leased = DeadlineSwitch()
        let value = try await withDeadline(.milliseconds(100), disarm: leased) {
            leased.switchOff()
            try await Task.sleep(for: .milliseconds(400))
            return "finished"
        }
        #expect(value == "finished")
    }

    @Test func theOperationsOwnErrorPassesThrough() async throws {
        struct Failure: Error, Equatable {}
        await #expect(throws: Failure()) { try await withDeadline(.seconds(5)) { throw Failure() } }
    }
}

/// Waits until opened, ignoring cancellation.
final class Gate: Sendable {
    private let state = Mutex<(opened: Bool, waiter: CheckedContinuation<Void, Never>?)>((false, nil))

    var opened: Bool { state.withLock { $0.opened } }

    func open() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.opened = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    func wait() async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state -> Bool in
                if state.opened { return true }
                state.waiter = continuation
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    @Test func aCancellableSleepEndsAtItsTimeOrAtOnceWhenCancelled() async throws {
        let clock = ContinuousClock()
        let start = clock.now
        await CancellableSleep.sleep(for: .milliseconds(50))
        #expect(clock.now - start >= .milliseconds(50))
        // Timed inside the task: on a busy machine the task itself may wait its turn to start.
        let sleeper = Task {
            let begun = clock.now
            await CancellableSleep.sleep(for: .seconds(30))
            return clock.now - begun
        }
        sleeper.cancel()
        #expect(await sleeper.value < .seconds(10))
        // Cancelled before it begins: it does not wait at all.
        let early = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            let begun = clock.now
            await CancellableSleep.sleep(for: .seconds(30))
            return clock.now - begun
        }
        #expect(await early.value < .seconds(1))
    }
}
