/// Decides what a plain (unquoted) scalar means to the readers CloudFormation templates meet:
/// CloudFormation and cfn-lint read YAML 1.1 (PyYAML's resolver), other tools YAML 1.2's core schema.
///
/// The emitter quotes every string a reader could take for something else; the parser gives a plain
/// scalar its YAML 1.1 meaning. Hand-written matchers over UTF-8 bytes (not regexes) keep this cheap
/// enough to run on every scalar of a large template.
public enum PlainScalarResolver {
    /// The kind a YAML 1.1 reader (PyYAML, cfn-lint) gives this text written plain. Timestamps read as
    /// strings, as CloudFormation treats them.
    public static func kind(of text: String) -> ScalarKind {
        var text = text
        return text.withUTF8 { kind(of: $0) }
    }

    /// True when writing `text` plain would not read back as the same string in every reader that
    /// matters: any YAML 1.1 or 1.2 non-string, timestamps, `y`/`n`, the merge key `<<` and `=`.
    public static func needsQuotes(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { needsQuotes($0) }
    }

    static func needsQuotes(_ bytes: Bytes) -> Bool {
        kind(of: bytes) != .string || isAmbiguousString(bytes)
    }

    private static func kind(of b: Bytes) -> ScalarKind {
        guard let first = b.first else { return .null }
        // Every non-string starts with one of these; most template strings bail out here.
        switch first {
        case UInt8(ascii: "~"), UInt8(ascii: "n"), UInt8(ascii: "N"):
            if isNull(b) { return .null }
        default: break
        }
        if isBool(b) { return .bool }
        // Numbers start with a digit, a sign or a dot; most template strings start with a letter.
        guard first < 65 || (first > 90 && first < 97) || first > 122 else { return .string }
        if isInt11(b) { return .int }
        if isFloat11(b) { return .float }
        return .string
    }

    private static func isNull(_ b: Bytes) -> Bool {
        b.equals("~") || b.equals("null") || b.equals("Null") || b.equals("NULL")
    }

    /// yes, no, true, false, on, off: each folded to lower case and packed into an integer, so a
    /// scalar is tested with one pass over at most five bytes instead of eighteen string comparisons.
    private static let boolWords: Set<UInt64> = Set(["yes", "no", "true", "false", "on", "off"].map { packed($0.utf8) })

    private static func packed(_ bytes: some Sequence<UInt8>) -> UInt64 {
        bytes.reduce(0) { $0 << 8 | UInt64($1 | 0x20) }
    }

    /// A bool word written all lower case, all upper case or capitalized (`True`, not `tRUE`).
    private static func isBool(_ b: Bytes) -> Bool {
        guard b.count >= 2, b.count <= 5, b.allSatisfy({ (65...90).contains($0) || (97...122).contains($0) }),
              boolWords.contains(packed(b)) else { return false }
        let rest = b.dropFirst()
        return rest.allSatisfy { (97...122).contains($0) } || b.allSatisfy { (65...90).contains($0) }
    }

    /// Strings PyYAML keeps as strings that another reader would not: YAML 1.1's `y`/`n` booleans,
    /// YAML 1.2 numbers (`1e3`, `0o17`, `08`), timestamps, the merge key and the value key.
    private static func isAmbiguousString(_ b: Bytes) -> Bool {
        guard let first = b.first else { return false }
        if b.count == 1 && (first == UInt8(ascii: "y") || first == UInt8(ascii: "Y") || first == UInt8(ascii: "n")
                            || first == UInt8(ascii: "N") || first == UInt8(ascii: "=")) { return true }
        // Numbers and timestamps start with a digit, a sign or a dot; most template strings with a letter.
        if (first >= 65 && first <= 90) || (first >= 97 && first <= 122) { return false }
        if b.equals("<<") { return true }
        return isCoreInt12(b) || isCoreFloat12(b) || startsLikeTimestamp(b)
    }

    // MARK: YAML 1.1 int
    // [-+]?0b[0-1_]+ | [-+]?0[0-7_]+ | [-+]?(0|[1-9][0-9_]*) | [-+]?0x[0-9a-fA-F_]+ | [-+]?[1-9][0-9_]*(:[0-5]?[0-9])+
    private static func isInt11(_ b: Bytes) -> Bool {
        var c = Cursor(b)
        c.skipSign()
        guard let head = c.peek else { return false }
        if head == UInt8(ascii: "0") {
            c.advance()
            if c.atEnd { return true }
            if c.skip("b") { return c.consumeAll(where: { $0 == 48 || $0 == 49 || $0 == 95 }) }
            if c.skip("x") { return c.consumeAll(where: { isHex($0) || $0 == 95 }) }
            return c.consumeAll(where: { (48...55).contains($0) || $0 == 95 })
        }
        guard (49...57).contains(head) else { return false }
        c.skipWhile { isDigit($0) || $0 == 95 }
        if c.atEnd { return true }
        return c.skipSexagesimalGroups() && c.atEnd
    }

    // MARK: YAML 1.1 float
    private static func isFloat11(_ b: Bytes) -> Bool {
        var c = Cursor(b)
        // \.(nan|NaN|NAN) and \.[0-9_]+([eE][-+][0-9]+)? take no sign.
        if c.peek == UInt8(ascii: ".") {
            var rest = c
            rest.advance()
            if rest.remainingEquals("nan") || rest.remainingEquals("NaN") || rest.remainingEquals("NAN") { return true }
            if rest.remainingEquals("inf") || rest.remainingEquals("Inf") || rest.remainingEquals("INF") { return true }
            guard let d = rest.peek, isDigit(d) || d == 95 else { return false }
            rest.skipWhile { isDigit($0) || $0 == 95 }
            return rest.skipExponent11() && rest.atEnd
        }
        c.skipSign()
        if c.peek == UInt8(ascii: ".") {
            c.advance()
            return c.remainingEquals("inf") || c.remainingEquals("Inf") || c.remainingEquals("INF")
        }
        guard let d = c.peek, isDigit(d) else { return false }
        c.skipWhile { isDigit($0) || $0 == 95 }
        if c.peek == UInt8(ascii: ":") {
            // [-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*
            guard c.skipSexagesimalGroups(), c.skip(".") else { return false }
            c.skipWhile { isDigit($0) || $0 == 95 }
            return c.atEnd
        }
        // [-+]?[0-9][0-9_]*\.[0-9_]*([eE][-+][0-9]+)?
        guard c.skip(".") else { return false }
        c.skipWhile { isDigit($0) || $0 == 95 }
        return c.skipExponent11() && c.atEnd
    }

    // MARK: YAML 1.2 core schema
    // [-+]?[0-9]+ | 0o[0-7]+ | 0x[0-9a-fA-F]+
    private static func isCoreInt12(_ b: Bytes) -> Bool {
        var c = Cursor(b)
        if c.skip("0o") { return c.consumeAll(where: { (48...55).contains($0) }) && b.count > 2 }
        c = Cursor(b)
        if c.skip("0x") { return c.consumeAll(where: isHex) && b.count > 2 }
        c = Cursor(b)
        c.skipSign()
        return !c.atEnd && c.consumeAll(where: isDigit)
    }

    // [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
    private static func isCoreFloat12(_ b: Bytes) -> Bool {
        var c = Cursor(b)
        c.skipSign()
        if c.skip(".") {
            guard c.skipWhile(isDigit) > 0 else { return false }
        } else {
            guard c.skipWhile(isDigit) > 0 else { return false }
            if c.skip(".") { c.skipWhile(isDigit) }
        }
        if c.skip("e") || c.skip("E") {
            c.skipSign()
            guard c.skipWhile(isDigit) > 0 else { return false }
        }
        return c.atEnd
    }

    /// `YYYY-M-D…`: a superset of PyYAML's timestamp pattern, quoted rather than parsed precisely.
    private static func startsLikeTimestamp(_ b: Bytes) -> Bool {
        var c = Cursor(b)
        return c.skipWhile(isDigit) == 4 && c.skip("-") && c.skipWhile(isDigit) > 0
    }

    static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
    static func isHex(_ c: UInt8) -> Bool {
        isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70)
    }
}

typealias Bytes = UnsafeBufferPointer<UInt8>

extension UnsafeBufferPointer<UInt8> {
    func equals(_ literal: StaticString) -> Bool {
        guard count == literal.utf8CodeUnitCount else { return false }
        let other = UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        return elementsEqual(other)
    }
    func equals(_ text: String) -> Bool { elementsEqual(text.utf8) }
}

/// A forward-only reader over a scalar's bytes for the matchers above.
private struct Cursor {
    let bytes: Bytes
    var index = 0

    init(_ bytes: Bytes) { self.bytes = bytes }

    var atEnd: Bool { index >= bytes.count }
    var peek: UInt8? { atEnd ? nil : bytes[index] }
    mutating func advance() { index += 1 }

    mutating func skipSign() {
        if peek == UInt8(ascii: "-") || peek == UInt8(ascii: "+") { advance() }
    }

    mutating func skip(_ literal: String) -> Bool {
        let end = index + literal.utf8.count
        guard end <= bytes.count, bytes[index..<end].elementsEqual(literal.utf8) else { return false }
        index = end
        return true
    }

    @discardableResult
    mutating func skipWhile(_ predicate: (UInt8) -> Bool) -> Int {
        let start = index
        while let c = peek, predicate(c) { advance() }
        return index - start
    }

    /// At least one more byte, all of which match.
    mutating func consumeAll(where predicate: (UInt8) -> Bool) -> Bool {
        skipWhile(predicate) > 0 && atEnd
    }

    func remainingEquals(_ literal: String) -> Bool {
        bytes[index...].elementsEqual(literal.utf8)
    }

    /// (:[0-5]?[0-9])+
    mutating func skipSexagesimalGroups() -> Bool {
        var groups = 0
        while peek == UInt8(ascii: ":") {
            advance()
            guard let d = peek, PlainScalarResolver.isDigit(d) else { return false }
            advance()
            if let next = peek, PlainScalarResolver.isDigit(next) {
                guard d <= UInt8(ascii: "5") else { return false }
                advance()
            }
            groups += 1
        }
        return groups > 0
    }

    /// ([eE][-+][0-9]+)? — YAML 1.1 requires the exponent's sign.
    mutating func skipExponent11() -> Bool {
        guard peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") else { return true }
        advance()
        guard peek == UInt8(ascii: "-") || peek == UInt8(ascii: "+") else { return false }
        advance()
        return skipWhile(PlainScalarResolver.isDigit) > 0
    }
}
