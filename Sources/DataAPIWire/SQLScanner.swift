// Named `:parameters` are the Data API's placeholder syntax; the local endpoint and the runtime's
// PostgreSQL backend both turn them into positions with this scanner.

/// Reads SQL the way PostgreSQL's lexer does, enough to find what the Data API cares about: named
/// `:parameters` (rewritten to `$1`, `$2`, …) and statement separators, while leaving string literals
/// (standard, `E'…'` escapes, `$tag$…$tag$`), quoted identifiers, comments and `::` casts alone.
public enum SQLScanner {
    public struct Rewritten: Equatable, Sendable {
        /// The SQL with each `:name` replaced by its position, `$n`.
        public var sql: String
        /// The parameter names in position order (each once; a repeated name reuses its position).
        public var names: [String]
    }

    public enum Problem: Error, Equatable, Sendable {
        /// More than one statement in one call.
        case multipleStatements
        /// A literal, quoted identifier or comment that never closes.
        case unterminated(String)
    }

    /// `casts` appends `::type` to a parameter's placeholders (`$1::uuid`), for typeHints.
    public static func rewrite(_ sql: String, casts: [String: String] = [:]) throws(Problem) -> Rewritten {
        let bytes = Array(sql.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var names: [String] = []
        var i = 0
        var sawStatementEnd = false

        func isIdentStart(_ c: UInt8) -> Bool { c == 95 || (65...90).contains(c) || (97...122).contains(c) || c >= 0x80 }
        func isIdentChar(_ c: UInt8) -> Bool { isIdentStart(c) || (48...57).contains(c) }

        while i < bytes.count {
            let c = bytes[i]
            if sawStatementEnd {
                // Only whitespace, further semicolons and comments may follow the last statement.
                if c == 32 || c == 9 || c == 10 || c == 13 || c == 59 { out.append(c); i += 1; continue }
                if c == UInt8(ascii: "-"), i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "-") {
                    while i < bytes.count, bytes[i] != 10 { out.append(bytes[i]); i += 1 }
                    continue
                }
                if c == UInt8(ascii: "/"), i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "*") {
                    let end = try blockCommentEnd(bytes, from: i)
                    out += bytes[i..<end]
                    i = end
                    continue
                }
                throw .multipleStatements
            }
            switch c {
            case UInt8(ascii: "'"):
                let escapes = i > 0 && (bytes[i - 1] == UInt8(ascii: "E") || bytes[i - 1] == UInt8(ascii: "e"))
                    && (i < 2 || !isIdentChar(bytes[i - 2]))
                let end = try quotedEnd(bytes, from: i, quote: UInt8(ascii: "'"), backslashEscapes: escapes, what: "string literal")
                out += bytes[i..<end]
                i = end
            case UInt8(ascii: "\""):
                let end = try quotedEnd(bytes, from: i, quote: UInt8(ascii: "\""), backslashEscapes: false, what: "quoted identifier")
                out += bytes[i..<end]
                i = end
            case UInt8(ascii: "-") where i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "-"):
                while i < bytes.count, bytes[i] != 10 { out.append(bytes[i]); i += 1 }
            case UInt8(ascii: "/") where i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "*"):
                let end = try blockCommentEnd(bytes, from: i)
                out += bytes[i..<end]
                i = end
            case UInt8(ascii: "$"):
                // $tag$ … $tag$ (tag empty or an identifier not starting with a digit); `$1` stays as it is.
                var j = i + 1
                while j < bytes.count, isIdentChar(bytes[j]), !(j == i + 1 && (48...57).contains(bytes[j])) { j += 1 }
                if j < bytes.count, bytes[j] == UInt8(ascii: "$"), !(i > 0 && isIdentChar(bytes[i - 1])) {
                    let delimiter = Array(bytes[i...j])
                    var k = j + 1
                    var close: Int?
                    while k + delimiter.count <= bytes.count {
                        if bytes[k] == UInt8(ascii: "$"), Array(bytes[k..<(k + delimiter.count)]) == delimiter { close = k; break }
                        k += 1
                    }
                    guard let close else { throw .unterminated("dollar-quoted string") }
                    let end = close + delimiter.count
                    out += bytes[i..<end]
                    i = end
                } else {
                    out.append(c)
                    i += 1
                }
            case UInt8(ascii: ":"):
                if i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: ":") {
                    out += [c, c]
                    i += 2
                } else if i + 1 < bytes.count, isIdentStart(bytes[i + 1]), !(i > 0 && bytes[i - 1] == UInt8(ascii: ":")) {
                    var j = i + 1
                    while j < bytes.count, isIdentChar(bytes[j]) { j += 1 }
                    let name = String(decoding: bytes[(i + 1)..<j], as: UTF8.self)
                    let position: Int
                    if let existing = names.firstIndex(of: name) {
                        position = existing + 1
                    } else {
                        names.append(name)
                        position = names.count
                    }
                    out += Array("$\(position)".utf8)
                    if let cast = casts[name] { out += Array("::\(cast)".utf8) }
                    i = j
                } else {
                    out.append(c)
                    i += 1
                }
            case UInt8(ascii: ";"):
                sawStatementEnd = true
                i += 1
            default:
                out.append(c)
                i += 1
            }
        }
        return Rewritten(sql: String(decoding: out, as: UTF8.self), names: names)
    }

    /// The first keyword of the statement, upper-cased, after comments, whitespace and parentheses.
    public static func leadingKeyword(_ sql: String) -> String {
        let bytes = Array(sql.utf8)
        var i = 0
        while i < bytes.count {
            let c = bytes[i]
            if c == 32 || c == 9 || c == 10 || c == 13 || c == UInt8(ascii: "(") { i += 1; continue }
            if c == UInt8(ascii: "-"), i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "-") {
                while i < bytes.count, bytes[i] != 10 { i += 1 }
                continue
            }
            if c == UInt8(ascii: "/"), i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "*") {
                i = (try? blockCommentEnd(bytes, from: i)) ?? bytes.count
                continue
            }
            break
        }
        var j = i
        while j < bytes.count, (65...90).contains(bytes[j]) || (97...122).contains(bytes[j]) { j += 1 }
        return String(decoding: bytes[i..<j], as: UTF8.self).uppercased()
    }

    private static func quotedEnd(_ bytes: [UInt8], from start: Int, quote: UInt8, backslashEscapes: Bool, what: String) throws(Problem) -> Int {
        var i = start + 1
        while i < bytes.count {
            if backslashEscapes && bytes[i] == UInt8(ascii: "\\") { i += 2; continue }
            if bytes[i] == quote {
                if i + 1 < bytes.count && bytes[i + 1] == quote { i += 2; continue }
                return i + 1
            }
            i += 1
        }
        throw .unterminated(what)
    }

    /// Block comments nest in PostgreSQL.
    private static func blockCommentEnd(_ bytes: [UInt8], from start: Int) throws(Problem) -> Int {
        var depth = 0
        var i = start
        while i + 1 < bytes.count {
            if bytes[i] == UInt8(ascii: "/") && bytes[i + 1] == UInt8(ascii: "*") { depth += 1; i += 2; continue }
            if bytes[i] == UInt8(ascii: "*") && bytes[i + 1] == UInt8(ascii: "/") {
                depth -= 1
                i += 2
                if depth == 0 { return i }
                continue
            }
            i += 1
        }
        throw .unterminated("comment")
    }
}
