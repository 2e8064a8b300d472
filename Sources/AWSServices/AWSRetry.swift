import Deadline

/// Attempts and backoff for AWS calls that may be throttled: the delay before retry `n` is random in
/// 0…min(cap, base × 2ⁿ) ("full jitter"), so many clients backing off at once spread out. Inside a
/// Lambda invocation (`WorkDeadline`) a retry whose wait and attempt would not fit before the
/// deadline is not made: the last error is reported while there is still time to answer.
public struct AWSRetry: Sendable {
    /// What an attempt is given at least, after its wait, for a retry to be worth making.
    static let attemptAllowance: Duration = .milliseconds(250)

    public var attempts: Int
    public var base: Duration
    public var cap: Duration

    public init(attempts: Int = 10, base: Duration = .milliseconds(50), cap: Duration = .seconds(5)) {
        self.attempts = attempts
        self.base = base
        self.cap = cap
    }

    /// Runs `body` until it succeeds, throws an error `isRetried` refuses, or the attempts run out;
    /// then `exhausted` words the last error with the number of attempts made.
    func run<Result>(retrying isRetried: (any Error) -> Bool, exhausted: (any Error, Int) -> any Error,
                     _ body: () async throws -> Result) async throws -> Result {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await body()
            } catch where isRetried(error) {
                let ceiling = min(cap, base * (1 << min(attempt - 1, 20)))
                let milliseconds = ceiling.components.seconds * 1000 + ceiling.components.attoseconds / 1_000_000_000_000_000
                let delay = Duration.milliseconds(Int64.random(in: 0...max(milliseconds, 1)))
                guard attempt < attempts, WorkDeadline.allows(waiting: delay, then: Self.attemptAllowance) else { throw exhausted(error, attempt) }
                try await Task.sleep(for: delay)
            }
        }
    }
}
