/// A regular expression of the kind provider schemas and `AllowedPattern`s use, matched without
/// Swift's Regex: compiling one Swift Regex costs about 700 k instructions and matching one up to
/// a tenth of that, for a few dozen values a stage that are nearly all printable ASCII.
///
/// It reads literals, `.`, classes (ranges, negation, `\d \w \s \S \D \W \p{L} \p{Z} \p{N}`,
/// `\xHH`, `\uHHHH`), groups (`(…)`, `(?:…)`) with alternation, the quantifiers `* + ? {n} {n,}
/// {n,m}` (lazy or not: only whether there is a match is asked), and the anchors `^`, `$`, `\Z`,
/// and matches by following the set of positions a match can have reached, node by node, without
/// backtracking. Text of printable ASCII only is matched here (`matches` answers nil for any other), where
/// every class means the same whatever Unicode's rules say: a letter is `A-Z a-z`, a digit `0-9`, a
/// space ` `. A pattern using anything else (look-arounds, back-references, possessive quantifiers,
/// other escapes) is not read (`init` fails); both are left to Swift's Regex. `SimplePatternTests`
/// checks the two agree: every pattern the rules and stacks use, and random patterns, on random text.
struct SimplePattern: Sendable {
    /// The printable ASCII characters (0x20–0x7E) a step matches, as a bit set.
    struct CharacterSet: Sendable, Equatable {
        var low: UInt64 = 0, high: UInt64 = 0

        static let all = CharacterSet(low: ~0, high: ~0)

        mutating func insert(_ byte: UInt8) {
            guard byte < 128 else { return }
            if byte < 64 { low |= 1 << UInt64(byte) } else { high |= 1 << UInt64(byte - 64) }
        }

        mutating func insert(_ range: ClosedRange<UInt8>) {
            for byte in range where byte < 128 { insert(byte) }
        }

        mutating func formUnion(_ other: CharacterSet) {
            low |= other.low
            high |= other.high
        }

        var inverted: CharacterSet { CharacterSet(low: ~low, high: ~high) }

        func contains(_ byte: UInt8) -> Bool {
            byte < 64 ? low & (1 << UInt64(byte)) != 0 : byte < 128 && high & (1 << UInt64(byte - 64)) != 0
        }
    }

    /// The pattern read.
    indirect enum Node: Sendable, Equatable {
        case characters(CharacterSet)
        case start, end
        case sequence([Node])
        case alternatives([Node])
        case repeated(Node, minimum: Int, maximum: Int?)
    }

    let root: Node

    /// Reads `pattern`; nil when it uses anything beyond what is described above.
    init?(_ pattern: String) {
        var reader = Reader(Array(pattern.utf8))
        guard let root = reader.alternatives(), reader.peek == nil else { return nil }
        self.root = root
    }

    /// Whether `text` holds a match (`whole`: is one); nil for text that is not all printable ASCII.
    func matches(_ text: String, whole: Bool) -> Bool? {
        var text = text
        return text.withUTF8 { bytes -> Bool? in
            guard bytes.allSatisfy({ $0 >= 0x20 && $0 <= 0x7E }) else { return nil }
            // Nearly every value is short enough for its positions to be bits held inline.
            return bytes.count < PositionBits.capacity ? Self.matches(root, bytes, whole: whole, as: PositionBits.self)
                : Self.matches(root, bytes, whole: whole, as: PositionFlags.self)
        }
    }

    private static func matches<Positions: PositionSet>(_ root: Node, _ text: UnsafeBufferPointer<UInt8>, whole: Bool, as: Positions.Type) -> Bool {
        // A whole match starts at 0 and must end at the end; a match anywhere starts and ends anywhere.
        let starts = whole ? Positions.none(count: text.count).adding(0) : Positions.all(count: text.count)
        let ends = self.ends(of: root, in: text, from: starts)
        return whole ? ends.contains(text.count) : !ends.isEmpty
    }

    /// The positions a match of `node` can end at, having started at one of `starts` (positions 0
    /// through the text's length). What a node can match from a position does not depend on how the
    /// text before it was matched, so this composes node by node, without backtracking.
    static func ends<Positions: PositionSet>(of node: Node, in text: UnsafeBufferPointer<UInt8>, from starts: Positions) -> Positions {
        switch node {
        case .start:
            return starts.keeping(0)
        case .end:
            return starts.keeping(text.count)
        case .characters(let set):
            return starts.after(set, in: text)
        case .sequence(let nodes):
            return nodes.reduce(starts) { ends(of: $1, in: text, from: $0) }
        case .alternatives(let nodes):
            return nodes.reduce(Positions.none(count: text.count)) { $0.union(ends(of: $1, in: text, from: starts)) }
        case .repeated(.characters(let set), let minimum, let maximum):
            return starts.runs(of: set, in: text, minimum: minimum, maximum: maximum)
        case .repeated(let operand, let minimum, let maximum):
            var current = starts
            for _ in 0..<minimum { current = ends(of: operand, in: text, from: current) }
            var union = current
            var times = minimum
            while maximum.map({ times < $0 }) ?? true {
                current = ends(of: operand, in: text, from: current)
                times += 1
                // Once a round reaches nothing new, no later round can: whatever follows a position
                // reached before has been reached already.
                let grown = union.union(current)
                if grown == union { break }
                union = grown
            }
            return union
        }
    }

    private struct Reader {
        let bytes: [UInt8]
        var index = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var peek: UInt8? { index < bytes.count ? bytes[index] : nil }
        func peek(_ offset: Int) -> UInt8? { index + offset < bytes.count ? bytes[index + offset] : nil }
        mutating func advance(_ count: Int = 1) { index += count }
        mutating func take(_ byte: UInt8) -> Bool {
            guard peek == byte else { return false }
            advance()
            return true
        }

        /// `a|b|…`, up to the end or a `)`.
        mutating func alternatives() -> Node? {
            var options: [Node] = []
            repeat {
                guard let sequence = sequence() else { return nil }
                options.append(sequence)
            } while take(UInt8(ascii: "|"))
            return options.count == 1 ? options[0] : .alternatives(options)
        }

        /// Quantified atoms and anchors, up to `|`, `)` or the end.
        mutating func sequence() -> Node? {
            var nodes: [Node] = []
            while let byte = peek, byte != UInt8(ascii: "|"), byte != UInt8(ascii: ")") {
                switch byte {
                case UInt8(ascii: "^"):
                    advance()
                    nodes.append(.start)
                    continue
                case UInt8(ascii: "$"):
                    advance()
                    nodes.append(.end)
                    continue
                case UInt8(ascii: "\\") where peek(1) == UInt8(ascii: "Z"):
                    advance(2)
                    nodes.append(.end)
                    continue
                default:
                    break
                }
                guard let atom = atom(), let (minimum, maximum) = quantifier() else { return nil }
                nodes.append(minimum == 1 && maximum == 1 ? atom : .repeated(atom, minimum: minimum, maximum: maximum))
            }
            return .sequence(nodes)
        }

        /// One character, `.`, an escape, a class or a group.
        mutating func atom() -> Node? {
            guard let byte = peek else { return nil }
            advance()
            switch byte {
            case UInt8(ascii: "."): return .characters(CharacterSet.all)
            case UInt8(ascii: "["): return characterClass().map(Node.characters)
            case UInt8(ascii: "\\"): return escape().map(Node.characters)
            case UInt8(ascii: "("):
                // `(?:…)` groups only; look-arounds, named groups and flags are not read.
                if take(UInt8(ascii: "?")) { guard take(UInt8(ascii: ":")) else { return nil } }
                guard let inner = alternatives(), take(UInt8(ascii: ")")) else { return nil }
                return inner
            case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"),
                 UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "?"):
                return nil
            default:
                guard byte >= 0x20 && byte <= 0x7E else { return nil }
                var set = CharacterSet()
                set.insert(byte)
                return .characters(set)
            }
        }

        /// `* + ? {n} {n,} {n,m}` (a lazy `?` after one changes nothing here) or none, as (minimum,
        /// maximum, nil for no bound); nil for a possessive one or a malformed count.
        mutating func quantifier() -> (Int, Int?)? {
            let bounds: (Int, Int?)
            switch peek {
            case UInt8(ascii: "*"): advance(); bounds = (0, nil)
            case UInt8(ascii: "+"): advance(); bounds = (1, nil)
            case UInt8(ascii: "?"): advance(); bounds = (0, 1)
            case UInt8(ascii: "{"):
                advance()
                guard let minimum = number() else { return nil }
                var maximum: Int? = minimum
                if take(UInt8(ascii: ",")) { maximum = number() }
                guard take(UInt8(ascii: "}")), maximum.map({ minimum <= $0 }) ?? true else { return nil }
                bounds = (minimum, maximum)
            default: return (1, 1)
            }
            _ = take(UInt8(ascii: "?"))
            if let next = peek, next == UInt8(ascii: "?") || next == UInt8(ascii: "+") || next == UInt8(ascii: "*") || next == UInt8(ascii: "{") { return nil }
            return bounds
        }

        mutating func number() -> Int? {
            var value: Int?
            while let byte = peek, byte >= 0x30 && byte <= 0x39, (value ?? 0) < 10_000 {
                value = (value ?? 0) * 10 + Int(byte - 0x30)
                advance()
            }
            return value
        }

        /// After `[`: members, ranges, class escapes, `^` negating; up to `]`.
        mutating func characterClass() -> CharacterSet? {
            let negated = take(UInt8(ascii: "^"))
            // Swift's Regex reads `[:…:]` at a class's start as a POSIX class (and refuses `[::]`); a
            // colon that no other one follows before the class closes is itself (`[^:]`).
            if peek == UInt8(ascii: ":") {
                var offset = 1
                while let byte = peek(offset), byte != UInt8(ascii: "]") {
                    if byte == UInt8(ascii: ":") { return nil }
                    offset += 1
                }
            }
            var set = CharacterSet()
            var first = true
            while true {
                guard let byte = peek else { return nil }
                if byte == UInt8(ascii: "]") && !first { advance(); break }
                first = false
                let start: UInt8
                if byte == UInt8(ascii: "\\") {
                    advance()
                    if let single = singleEscape() {
                        start = single
                    } else {
                        guard let members = escape() else { return nil }
                        set.formUnion(members)
                        // A class escape cannot start a range.
                        if peek == UInt8(ascii: "-") && peek(1) != UInt8(ascii: "]") { return nil }
                        continue
                    }
                } else {
                    // Nested classes and set operations are not read.
                    if byte == UInt8(ascii: "[") || (byte == UInt8(ascii: "&") && peek(1) == UInt8(ascii: "&"))
                        || (byte == UInt8(ascii: "-") && peek(1) == UInt8(ascii: "-")) { return nil }
                    advance()
                    start = byte
                }
                // `a-z`; a `-` first, last or straight after a range is itself (`[0-9-_]`), as Swift's Regex reads it.
                if peek == UInt8(ascii: "-"), let after = peek(1), after != UInt8(ascii: "]") {
                    // `--` is a set operation in some readers; Swift's Regex refuses `[\---]`.
                    if after == UInt8(ascii: "-") { return nil }
                    advance()
                    let end: UInt8
                    if after == UInt8(ascii: "\\") {
                        advance()
                        guard let single = singleEscape() else { return nil }
                        end = single
                    } else {
                        if after == UInt8(ascii: "[") { return nil }
                        advance()
                        end = after
                    }
                    guard start <= end else { return nil }
                    set.insert(start...end)
                } else {
                    set.insert(start)
                }
            }
            return negated ? set.inverted : set
        }

        /// After `\`: a character escape (`\.`, `\x22`, `\u0009`, `\n`), consumed; nil, consuming
        /// nothing, for anything else.
        mutating func singleEscape() -> UInt8? {
            guard let byte = peek else { return nil }
            switch byte {
            case UInt8(ascii: "x"):
                guard let value = hex(digits: 2, from: 1) else { return nil }
                advance(3)
                return value
            case UInt8(ascii: "u"):
                guard let high = hex(digits: 2, from: 1), let low = hex(digits: 2, from: 3) else { return nil }
                advance(5)
                // A character beyond ASCII matches nothing printable-ASCII text holds.
                return high == 0 && low < 128 ? low : 0xFF
            case UInt8(ascii: "n"): advance(); return 0x0A
            case UInt8(ascii: "t"): advance(); return 0x09
            case UInt8(ascii: "r"): advance(); return 0x0D
            default:
                // Escaped punctuation is itself.
                guard byte >= 0x21 && byte <= 0x7E, !Self.isAlphanumeric(byte) else { return nil }
                advance()
                return byte
            }
        }

        func hex(digits: Int, from offset: Int) -> UInt8? {
            var value: UInt8 = 0
            for position in offset..<(offset + digits) {
                guard let byte = peek(position) else { return nil }
                let digit: UInt8
                switch byte {
                case 0x30...0x39: digit = byte - 0x30
                case 0x41...0x46: digit = byte - 0x41 + 10
                case 0x61...0x66: digit = byte - 0x61 + 10
                default: return nil
                }
                value = value << 4 | digit
            }
            return value
        }

        /// After `\`: a character escape or a class escape (`\d \w \s \S \D \W \p{L} \p{Z} \p{N}`).
        mutating func escape() -> CharacterSet? {
            if let single = singleEscape() {
                var set = CharacterSet()
                set.insert(single)
                return set
            }
            guard let byte = peek else { return nil }
            advance()
            var set = CharacterSet()
            switch byte {
            case UInt8(ascii: "d"), UInt8(ascii: "D"):
                set.insert(0x30...0x39)
            case UInt8(ascii: "w"), UInt8(ascii: "W"):
                set.insert(0x30...0x39); set.insert(0x41...0x5A); set.insert(0x61...0x7A); set.insert(UInt8(ascii: "_"))
            case UInt8(ascii: "s"), UInt8(ascii: "S"):
                set.insert(0x09...0x0D); set.insert(0x20)
            case UInt8(ascii: "p"):
                guard take(UInt8(ascii: "{")), let name = peek, take(name), take(UInt8(ascii: "}")) else { return nil }
                switch name {
                case UInt8(ascii: "L"): set.insert(0x41...0x5A); set.insert(0x61...0x7A)
                case UInt8(ascii: "Z"): set.insert(0x20)
                case UInt8(ascii: "N"): set.insert(0x30...0x39)
                default: return nil
                }
                return set
            default:
                return nil
            }
            return byte >= 0x41 && byte <= 0x5A ? set.inverted : set
        }

        static func isAlphanumeric(_ byte: UInt8) -> Bool {
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
        }
    }
}

/// The positions 0 through a text's length that a match can have reached.
protocol PositionSet: Equatable {
    static func none(count: Int) -> Self
    static func all(count: Int) -> Self
    func adding(_ position: Int) -> Self
    /// The position, if it is in the set.
    func keeping(_ position: Int) -> Self
    func union(_ other: Self) -> Self
    func contains(_ position: Int) -> Bool
    var isEmpty: Bool { get }
    /// The positions after one character of `set`, from these.
    func after(_ set: SimplePattern.CharacterSet, in text: UnsafeBufferPointer<UInt8>) -> Self
    /// Where runs of `minimum` to `maximum` characters of `set` end, from these.
    func runs(of set: SimplePattern.CharacterSet, in text: UnsafeBufferPointer<UInt8>, minimum: Int, maximum: Int?) -> Self
}

/// A text of up to 255 characters, nearly every value a rule meets: a position is a bit of four
/// words held inline, so following a pattern allocates nothing.
struct PositionBits: PositionSet {
    static let capacity = 256
    private var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    static func == (a: PositionBits, b: PositionBits) -> Bool { a.words == b.words }

    private subscript(word index: Int) -> UInt64 {
        get {
            switch index {
            case 0: words.0
            case 1: words.1
            case 2: words.2
            default: words.3
            }
        }
        set {
            switch index {
            case 0: words.0 = newValue
            case 1: words.1 = newValue
            case 2: words.2 = newValue
            default: words.3 = newValue
            }
        }
    }

    static func none(count: Int) -> PositionBits { PositionBits() }

    static func all(count: Int) -> PositionBits {
        var all = PositionBits()
        for position in 0...count { all = all.adding(position) }
        return all
    }

    func adding(_ position: Int) -> PositionBits {
        var added = self
        added[word: position >> 6] |= 1 << UInt64(position & 63)
        return added
    }

    func keeping(_ position: Int) -> PositionBits { contains(position) ? PositionBits().adding(position) : PositionBits() }
    func union(_ other: PositionBits) -> PositionBits {
        var union = self
        union.words = (words.0 | other.words.0, words.1 | other.words.1, words.2 | other.words.2, words.3 | other.words.3)
        return union
    }
    func contains(_ position: Int) -> Bool { self[word: position >> 6] & 1 << UInt64(position & 63) != 0 }
    var isEmpty: Bool { words == (0, 0, 0, 0) }

    func after(_ set: SimplePattern.CharacterSet, in text: UnsafeBufferPointer<UInt8>) -> PositionBits {
        var next = PositionBits()
        for index in 0..<4 {
            var remaining = self[word: index]
            while remaining != 0 {
                let position = index << 6 | remaining.trailingZeroBitCount
                remaining &= remaining - 1
                if position < text.count && set.contains(text[position]) { next = next.adding(position + 1) }
            }
        }
        return next
    }

    func runs(of set: SimplePattern.CharacterSet, in text: UnsafeBufferPointer<UInt8>, minimum: Int, maximum: Int?) -> PositionBits {
        var current = self
        var reached = minimum == 0 ? self : PositionBits()
        var length = 0
        while !current.isEmpty, maximum.map({ length < $0 }) ?? true {
            current = current.after(set, in: text)
            length += 1
            if length >= minimum { reached = reached.union(current) }
        }
        return reached
    }
}

/// A longer text: a flag a position.
struct PositionFlags: PositionSet {
    var flags: [Bool]

    static func none(count: Int) -> PositionFlags { PositionFlags(flags: [Bool](repeating: false, count: count + 1)) }
    static func all(count: Int) -> PositionFlags { PositionFlags(flags: [Bool](repeating: true, count: count + 1)) }

    func adding(_ position: Int) -> PositionFlags {
        var flags = flags
        flags[position] = true
        return PositionFlags(flags: flags)
    }

    func keeping(_ position: Int) -> PositionFlags {
        var kept = [Bool](repeating: false, count: flags.count)
        kept[position] = flags[position]
        return PositionFlags(flags: kept)
    }

    func union(_ other: PositionFlags) -> PositionFlags { PositionFlags(flags: zip(flags, other.flags).map { $0 || $1 }) }
    func contains(_ position: Int) -> Bool { flags[position] }
    var isEmpty: Bool { !flags.contains(true) }

    func after(_ set: SimplePattern.CharacterSet, in text: UnsafeBufferPointer<UInt8>) -> PositionFlags {
        runs(of: set, in: text, minimum: 1, maximum: 1)
    }

    func runs(of set: SimplePattern.CharacterSet, in text: UnsafeBufferPointer<UInt8>, minimum: Int, maximum: Int?) -> PositionFlags {
        let count = text.count
        var ends = [Bool](repeating: false, count: count + 1)
        for start in 0...count where flags[start] {
            var length = 0
            while true {
                if length >= minimum { ends[start + length] = true }
                guard maximum.map({ length < $0 }) ?? true, start + length < count, set.contains(text[start + length]) else { break }
                length += 1
            }
        }
        return PositionFlags(flags: ends)
    }
}
