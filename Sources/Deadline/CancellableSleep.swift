import Dispatch
import Synchronization

/// A wait that gives back what it holds as soon as it is cancelled.
///
/// `Task.sleep` schedules a wake-up for its end time and keeps it (a task allocation of about
/// 250 bytes) until that time even when the sleeping task is cancelled long before. A deadline
/// timer started for every statement, lease and invocation and cancelled when the work finishes
/// therefore piles up one allocation per use for the length of its limit: under a steady load a
/// warm function held rate × limit of them (60 s for a statement, the invocation's timeout for an
/// invocation), and its memory grew by kilobytes an invocation. This one is a Dispatch timer
/// source, which cancelling removes at once.
public enum CancellableSleep {
    /// Returns after `duration`, or as soon as the calling task is cancelled (which it does not throw).
    public static func sleep(for duration: Duration) async {
        let wait = Wait()
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                wait.start(continuation, after: duration)
            }
        } onCancel: {
            wait.finish()
        }
    }

    private final class Wait: Sendable {
        // Unchecked: a DispatchSourceTimer is thread-safe to cancel, and it is only touched under the lock.
        private struct State: @unchecked Sendable {
            var continuation: CheckedContinuation<Void, Never>?
            var timer: DispatchSourceTimer?
            var finished = false
        }
        private let state = Mutex(State())

        func start(_ continuation: CheckedContinuation<Void, Never>, after duration: Duration) {
            let interval = Int(max(0, duration.clampedNanoseconds))
            let started = state.withLock { state in
                guard !state.finished else { return false }
                // Made and resumed only once it will run: Dispatch traps when a source that was never
                // resumed is released.
                let timer = DispatchSource.makeTimerSource(queue: .global())
                timer.setEventHandler { [self] in finish() }
                timer.schedule(deadline: .now() + .nanoseconds(interval))
                timer.resume()
                state.continuation = continuation
                state.timer = timer
                return true
            }
            // Cancelled before it began.
            if !started { continuation.resume() }
        }

        func finish() {
            let (continuation, timer) = state.withLock { state -> (CheckedContinuation<Void, Never>?, DispatchSourceTimer?) in
                guard !state.finished else { return (nil, nil) }
                state.finished = true
                defer { state.continuation = nil; state.timer = nil }
                return (state.continuation, state.timer)
            }
            timer?.cancel()
            continuation?.resume()
        }
    }
}
