/// IAM's wildcards: in an action or a resource ARN, `*` matches any run of characters and `?` any
/// one; action names are case-insensitive, ARNs are not. A `!Sub` string is compared with its
/// placeholders as written: `${Bucket}` is one bucket, not any, so an earlier grant on `${Bucket}/*`
/// covers `${Bucket}/reports/*` but not another bucket (treating it as a wildcard would hide a widening).
enum IAMPattern {
    /// Whether everything `value` names is also named by `pattern`.
    static func covers(_ pattern: String, _ value: String, caseInsensitive: Bool) -> Bool {
        let pattern = Array((caseInsensitive ? pattern.lowercased() : pattern).unicodeScalars)
        let value = Array((caseInsensitive ? value.lowercased() : value).unicodeScalars)
        // Greedy matching with backtracking to the last `*`: linear in practice, never exponential.
        var p = 0, v = 0, star = -1, resume = 0
        while v < value.count {
            if p < pattern.count && (pattern[p] == "?" || pattern[p] == value[v]) {
                p += 1
                v += 1
            } else if p < pattern.count && pattern[p] == "*" {
                star = p
                resume = v
                p += 1
            } else if star >= 0 {
                p = star + 1
                resume += 1
                v = resume
            } else {
                return false
            }
        }
        while p < pattern.count && pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }

    /// A resource's text as a pattern: a `!Sub` string without its tag.
    static func resourceText(_ display: String) -> String {
        display.hasPrefix("!Sub ") ? String(display.dropFirst(5)) : display
    }

    static func coversAction(_ known: [String], _ action: String) -> Bool {
        known.contains { covers($0, action, caseInsensitive: true) }
    }

    static func coversResource(_ known: [String], _ resource: String) -> Bool {
        known.contains { $0 == resource || covers(resourceText($0), resourceText(resource), caseInsensitive: false) }
    }
}
