import Synchronization

/// The results of a pure function for the last few arguments it met, kept for the process.
///
/// One synth run asks for the same things of equal values many times: each stage declares the
/// same schema, and its statements, catalog, fingerprint, snapshot and problems were each worked out
/// again for every stage and every place that needed them. Comparing two values costs a fraction
/// of working a result out. Only a few are kept, so a process that meets thousands of values (the
/// generative tests) holds no more than that.
///
/// `Argument`'s equality is taken when the memo is made, not required of the class's parameter: a
/// generic requirement would be looked up in the runtime's conformance tables, a scan of every
/// conformance in the binary, once for each argument type.
public final class RecentResults<Argument: Sendable, Result: Sendable>: Sendable {
    private let capacity: Int
    private let equal: @Sendable (Argument, Argument) -> Bool
    private let entries = Mutex<[(argument: Argument, result: Result)]>([])

    public init(capacity: Int = 8) where Argument: Equatable {
        self.capacity = capacity
        equal = { $0 == $1 }
    }

    /// The result for `argument`: one kept for an equal argument, or `compute`'s, then kept.
    public func result(for argument: Argument, _ compute: (Argument) -> Result) -> Result {
        if let known = entries.withLock({ entries in entries.first { equal($0.argument, argument) }?.result }) { return known }
        let result = compute(argument)
        entries.withLock { entries in
            entries.insert((argument, result), at: 0)
            if entries.count > capacity { entries.removeLast() }
        }
        return result
    }
}
