import Synchronization

/// The regular expressions of provider schemas and parameters' `AllowedPattern`s, read once per
/// process. Most are matched as `SimplePattern`s; the rest, and text beyond printable ASCII, by
/// Swift's Regex, compiled the first time it is needed (about 700 k instructions a pattern).
enum CompiledPatterns {
    /// A pattern as read. `Regex` is not declared `Sendable`, but a compiled one is never mutated,
    /// only matched.
    private struct Entry: @unchecked Sendable {
        let simple: SimplePattern?
        /// Nil until needed; then `.some(nil)` when Swift's Regex cannot read the pattern.
        var regex: Regex<AnyRegexOutput>??
    }

    private static let cache = Mutex<[String: Entry]>([:])

    /// Whether `pattern` matches somewhere in `text` (or all of it, for `whole`); nil when the
    /// pattern cannot be read (the check is then left to CloudFormation).
    static func matches(_ pattern: String, _ text: String, whole: Bool = false) -> Bool? {
        let known = cache.withLock { cache in
            if let entry = cache[pattern] { return entry }
            let entry = Entry(simple: SimplePattern(pattern))
            cache[pattern] = entry
            return entry
        }
        if let answer = known.simple?.matches(text, whole: whole) { return answer }
        guard let regex = regex(pattern, known) else { return nil }
        return whole ? (try? regex.wholeMatch(in: text)) != nil : (try? regex.firstMatch(in: text)) != nil
    }

    private static func regex(_ pattern: String, _ entry: Entry) -> Regex<AnyRegexOutput>? {
        if let compiled = entry.regex { return compiled }
        let compiled = try? Regex(pattern)
        cache.withLock { $0[pattern]?.regex = .some(compiled) }
        return compiled
    }
}
