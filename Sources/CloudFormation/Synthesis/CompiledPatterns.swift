import Synchronization

/// The regular expressions of provider schemas and parameters' `AllowedPattern`s, compiled once per
/// process: compiling one costs about 700 k instructions and matching it a tenth of that, and the
/// same few dozen patterns meet every stage.
enum CompiledPatterns {
    /// A compiled pattern, or nil when Swift's Regex cannot read it. `Regex` is not declared
    /// `Sendable`, but a compiled one is never mutated, only matched.
    private struct Entry: @unchecked Sendable { let regex: Regex<AnyRegexOutput>? }

    private static let cache = Mutex<[String: Entry]>([:])

    /// The pattern compiled; nil when Swift's Regex cannot read it (the check is then left to CloudFormation).
    static func regex(_ pattern: String) -> Regex<AnyRegexOutput>? {
        if let known = cache.withLock({ $0[pattern] }) { return known.regex }
        let entry = Entry(regex: try? Regex(pattern))
        cache.withLock { $0[pattern] = entry }
        return entry.regex
    }
}
