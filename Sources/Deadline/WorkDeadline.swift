/// The instant by which the work under way must have its answer ready: a Lambda invocation's
/// deadline, less the time to post the answer and to turn a failure into one. The runtime loop sets
/// it for each invocation; retry loops and connection waits read it, so a database that is resuming
/// for longer than the function may run ends in an answer (503, try again) rather than in Lambda's
/// `Function.Timeout`. Outside an invocation (the CLI, the local server) it is unset and each wait
/// keeps its own, longer budget.
public enum WorkDeadline {
    @TaskLocal public static var current: ContinuousClock.Instant?

    /// Time left before `current`, never negative; nil when no deadline is set.
    public static var remaining: Duration? {
        current.map { max(.zero, $0 - ContinuousClock.now) }
    }

    /// `limit`, or less when the deadline comes sooner.
    public static func bounded(_ limit: Duration) -> Duration {
        guard let remaining else { return limit }
        return min(limit, remaining)
    }

    /// Whether waiting `delay` still leaves `then` before the deadline (always, without one): a
    /// retry is worth its wait only when the attempt after it can still complete.
    public static func allows(waiting delay: Duration, then work: Duration) -> Bool {
        guard let remaining else { return true }
        return delay + work < remaining
    }
}
