extension Duration {
    /// The duration in whole nanoseconds, for APIs that take them (NIO's TimeAmount, Dispatch),
    /// clamped at `Int64.max` (292 years) rather than overflowing.
    public var clampedNanoseconds: Int64 {
        let (seconds, overflow) = components.seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return components.seconds < 0 ? .min : .max }
        let (total, overflowAgain) = seconds.addingReportingOverflow(components.attoseconds / 1_000_000_000)
        return overflowAgain ? .max : total
    }
}
