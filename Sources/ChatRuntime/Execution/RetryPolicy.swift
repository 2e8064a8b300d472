import Deadline

/// Capped exponential backoff with full jitter, bounded by a total time budget. Serverless v2
/// takes ≈15–30 s to resume from auto-pause, so the default budget is the Data API's 45 s call limit.
public struct RetryPolicy: Sendable {
    public var initialDelay: Duration
    public var maximumDelay: Duration
    public var budget: Duration

    public init(initialDelay: Duration = .milliseconds(250), maximumDelay: Duration = .seconds(5), budget: Duration = .seconds(45)) {
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.budget = budget
    }

    public static let standard = RetryPolicy()
    public static let never = RetryPolicy(initialDelay: .zero, maximumDelay: .zero, budget: .zero)

    /// The delay before retry number `attempt` (1-based): a random point below min(cap, initial × 2^(attempt-1)).
    func delay(beforeRetry attempt: Int) -> Duration {
        let exponent = min(attempt - 1, 20)
        let ceiling = min(maximumDelay, initialDelay * (1 << exponent))
        let nanoseconds = ceiling.clampedNanoseconds
        return .nanoseconds(nanoseconds > 0 ? Int64.random(in: 0...nanoseconds) : 0)
    }
}
