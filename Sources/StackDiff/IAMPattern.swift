/// IAM's wildcards: in an action or a resource ARN, `*` matches any run of characters and `?` any
/// one; action names are case-insensitive, ARNs are not. A `!Sub` string is a pattern too: each
/// `${…}` may stand for anything.
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

    /// A resource as a pattern: a `!Sub` string with its placeholders as wildcards.
    static func resourcePattern(_ display: String) -> String {
        guard display.hasPrefix("!Sub ") else { return display }
        var text = String(display.dropFirst(5)), out = ""
        while let open = text.range(of: "${") {
            out += text[..<open.lowerBound]
            guard let close = text[open.upperBound...].firstIndex(of: "}") else { break }
            out += "*"
            text = String(text[text.index(after: close)...])
        }
        return out + text
    }

    static func resourceValue(_ display: String) -> String {
        display.hasPrefix("!Sub ") ? String(display.dropFirst(5)) : display
    }

    static func coversAction(_ known: [String], _ action: String) -> Bool {
        known.contains { covers($0, action, caseInsensitive: true) }
    }

    static func coversResource(_ known: [String], _ resource: String) -> Bool {
        known.contains { $0 == resource || covers(resourcePattern($0), resourceValue(resource), caseInsensitive: false) }
    }
}
