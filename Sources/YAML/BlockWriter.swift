/// Writes a document node by node, as a `NodeSink` (a `Node`, or a template describing itself),
/// byte for byte as libyaml's emitter does with `Emitter`'s settings (block style, indent 2, no
/// folding, raw UTF-8), without libyaml's event queue: handing libyaml a template event by event
/// cost 32 M instructions of `synth --all`, several times what writing the bytes costs.
///
/// It follows libyaml's emitter function for function (`write_indent`, `write_indicator`,
/// `analyze_scalar`, `select_scalar_style`, the plain, single-quoted and literal writers), keeping the
/// same column, whitespace and indention state, for the documents templates are made of. What it
/// does not model it leaves to libyaml, for the whole document: a root scalar, a tag other than
/// `!Name`, a key over 128 bytes or on several lines, text with a character libyaml escapes (tabs,
/// control characters, characters beyond the Basic Multilingual Plane, breaks other than `\n`), and
/// scalars libyaml would write double-quoted or as literal blocks with indentation or keep hints.
/// `TemplateWritingTests` and `BlockWriterTests` check it against libyaml: every stage's templates,
/// random strings in every place a scalar goes, and random documents.
@usableFromInline
struct BlockWriter: NodeSink {
    /// Something this writer leaves to libyaml.
    struct Unsupported: Error {}

    private enum Style { case plain, singleQuoted, literal }
    /// What holds the node being written: what comes before it, and how a sequence in it is indented.
    private enum Container { case root, sequence, mapping }

    private var out: [UInt8] = []
    private var column = 0
    private var whitespace = true
    private var indention = true
    private var indent = -1
    private var container = Container.root

    @usableFromInline
    init() { out.reserveCapacity(64 * 1024) }

    /// The document as libyaml writes it; nil when it holds something left to libyaml.
    static func write(_ document: some NodeSource) -> String? {
        var writer = BlockWriter()
        do {
            try document.write(to: &writer)
        } catch {
            return nil
        }
        return writer.finished()
    }

    /// The bytes written, once the whole document has been: with the document's implicit end, a
    /// line break unless one was just written.
    @usableFromInline
    mutating func finished() -> String {
        writeIndent()
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: Nodes (libyaml's emit_node and the block collection states)

    @usableFromInline
    mutating func scalar(_ scalar: Scalar) throws {
        // A root scalar is left to libyaml.
        guard container != .root else { throw Unsupported() }
        _ = beginNode()
        try self.scalar(scalar.text, isString: scalar.kind == .string, tag: scalar.tag, simpleKey: false)
    }

    @usableFromInline
    mutating func sequence(tag: String?, isEmpty: Bool, _ items: (inout BlockWriter) throws -> Void) throws {
        let mappingContext = beginNode()
        try writeTag(tag)
        guard !isEmpty else { return emptyFlowCollection("[", "]") }
        let (savedIndent, savedContainer) = (indent, container)
        increaseIndent(indentless: mappingContext && !indention)
        container = .sequence
        try items(&self)
        (indent, container) = (savedIndent, savedContainer)
    }

    @usableFromInline
    mutating func mapping(tag: String?, isEmpty: Bool, _ entries: (inout BlockWriter) throws -> Void) throws {
        _ = beginNode()
        try writeTag(tag)
        guard !isEmpty else { return emptyFlowCollection("{", "}") }
        let (savedIndent, savedContainer) = (indent, container)
        increaseIndent(indentless: false)
        container = .mapping
        try entries(&self)
        (indent, container) = (savedIndent, savedContainer)
    }

    @usableFromInline
    mutating func key(_ key: String) throws {
        writeIndent()
        // libyaml writes a key over 128 bytes, or on several lines, as a complex key (`? `).
        guard key.utf8.count <= 128 else { throw Unsupported() }
        try scalar(key, isString: true, tag: nil, simpleKey: true)
        writeIndicator(":", needWhitespace: false, isWhitespace: false, isIndention: false)
    }

    /// What comes before a node: in a sequence, its item's indicator on a line of its own. Says
    /// whether the node is a mapping's value (a sequence there is indented as its key is).
    private mutating func beginNode() -> Bool {
        switch container {
        case .root: return false
        case .sequence:
            writeIndent()
            writeIndicator("-", needWhitespace: true, isWhitespace: false, isIndention: true)
            return false
        case .mapping: return true
        }
    }

    private mutating func emptyFlowCollection(_ open: StaticString, _ close: StaticString) {
        writeIndicator(open, needWhitespace: true, isWhitespace: true, isIndention: false)
        writeIndicator(close, needWhitespace: false, isWhitespace: false, isIndention: false)
    }

    /// A block collection's indentation: the first at column 0, a nested one two further, and a
    /// sequence that is a mapping's value (on the line after its key) at the key's.
    private mutating func increaseIndent(indentless: Bool) {
        if indent < 0 {
            indent = 0
        } else if !indentless {
            indent += 2
        }
    }

    /// `!Name`, written after a space: libyaml's `!` handle with an alphanumeric suffix.
    private mutating func writeTag(_ tag: String?) throws(Unsupported) {
        guard let tag else { return }
        let bytes = Array(tag.utf8)
        guard bytes.count > 1, bytes[0] == UInt8(ascii: "!"), bytes.dropFirst().allSatisfy(Self.isAlphanumeric) else { throw Unsupported() }
        if !whitespace { put(UInt8(ascii: " ")) }
        for byte in bytes { put(byte) }
        whitespace = false
        indention = false
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }

    // MARK: Scalars

    private mutating func scalar(_ text: String, isString: Bool, tag: String?, simpleKey: Bool) throws(Unsupported) {
        var text = text
        let written = text.withUTF8 { bytes in
            do {
                try scalar(bytes, isString: isString, tag: tag, simpleKey: simpleKey)
                return true
            } catch {
                return false
            }
        }
        guard written else { throw Unsupported() }
    }

    private mutating func scalar(_ bytes: UnsafeBufferPointer<UInt8>, isString: Bool, tag: String?, simpleKey: Bool) throws(Unsupported) {
        guard let analysis = ScalarAnalysis(bytes) else { throw Unsupported() }
        if simpleKey && analysis.multiline { throw Unsupported() }
        // What `Emitter` asks of libyaml: a string on several lines (here, with `\n`) as a literal
        // block, one a reader could take for something else quoted; libyaml may still change it.
        var style: Style = !isString ? .plain : analysis.multiline ? .literal
            : PlainScalarResolver.needsQuotes(bytes) ? .singleQuoted : .plain
        if style == .plain && (!analysis.blockPlainAllowed || (bytes.isEmpty && simpleKey)) { style = .singleQuoted }
        if style == .singleQuoted && (!analysis.singleQuotedAllowed || analysis.multiline) { throw Unsupported() }
        if style == .literal && (!analysis.blockAllowed || simpleKey) { throw Unsupported() }
        try writeTag(tag)
        // A scalar's own lines (a literal block's) are indented two past its container.
        let saved = indent
        indent = indent < 0 ? 2 : indent + 2
        defer { indent = saved }
        switch style {
        case .plain: writePlain(bytes, isASCII: analysis.isASCII)
        case .singleQuoted: writeSingleQuoted(bytes)
        case .literal: try writeLiteral(bytes)
        }
    }

    private mutating func writePlain(_ bytes: UnsafeBufferPointer<UInt8>, isASCII: Bool) {
        if !whitespace && !bytes.isEmpty { put(UInt8(ascii: " ")) }
        if isASCII {
            out.append(contentsOf: bytes)
            column += bytes.count
        } else {
            append(bytes)
        }
        whitespace = false
        indention = false
    }

    private mutating func writeSingleQuoted(_ bytes: UnsafeBufferPointer<UInt8>) {
        writeIndicator("'", needWhitespace: true, isWhitespace: false, isIndention: false)
        for byte in bytes {
            if byte == UInt8(ascii: "'") { put(byte) }
            out.append(byte)
            if byte & 0xC0 != 0x80 { column += 1 }
        }
        writeIndicator("'", needWhitespace: false, isWhitespace: false, isIndention: false)
        whitespace = false
        indention = false
    }

    private mutating func writeLiteral(_ bytes: UnsafeBufferPointer<UInt8>) throws(Unsupported) {
        let newline = UInt8(ascii: "\n")
        // libyaml adds an indentation hint for text that starts with a space or a break, and keeps
        // (`+`) trailing breaks beyond one, ending the document explicitly after it.
        guard let first = bytes.first, first != UInt8(ascii: " "), first != newline else { throw Unsupported() }
        let endsWithBreak = bytes.last == newline
        if endsWithBreak && bytes.count >= 2 && bytes[bytes.count - 2] == newline { throw Unsupported() }
        writeIndicator("|", needWhitespace: true, isWhitespace: false, isIndention: false)
        if !endsWithBreak { writeIndicator("-", needWhitespace: false, isWhitespace: false, isIndention: false) }
        putBreak()
        indention = true
        whitespace = true
        var breaks = true
        var start = 0
        // Line by line: a break as it is, the text of a line after the block's indentation.
        while start < bytes.count {
            if bytes[start] == newline {
                putBreak()
                indention = true
                breaks = true
                start += 1
                continue
            }
            var end = start
            while end < bytes.count && bytes[end] != newline { end += 1 }
            if breaks { writeIndent() }
            append(UnsafeBufferPointer(rebasing: bytes[start..<end]))
            indention = false
            breaks = false
            start = end
        }
    }

    // MARK: Output (libyaml's write_indent, write_indicator, PUT and PUT_BREAK)

    private mutating func writeIndent() {
        let target = max(indent, 0)
        if !indention || column > target || (column == target && !whitespace) { putBreak() }
        if column < target {
            out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: target - column))
            column = target
        }
        whitespace = true
        indention = true
    }

    private mutating func writeIndicator(_ indicator: StaticString, needWhitespace: Bool, isWhitespace: Bool, isIndention: Bool) {
        if needWhitespace && !whitespace { put(UInt8(ascii: " ")) }
        indicator.withUTF8Buffer { append($0) }
        whitespace = isWhitespace
        indention = indention && isIndention
    }

    private mutating func put(_ byte: UInt8) {
        out.append(byte)
        column += 1
    }

    private mutating func putBreak() {
        out.append(UInt8(ascii: "\n"))
        column = 0
    }

    /// Text without breaks; the column counts characters, as libyaml's does.
    private mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        out.append(contentsOf: bytes)
        for byte in bytes where byte & 0xC0 != 0x80 { column += 1 }
    }
}

/// What libyaml's `analyze_scalar` decides about a scalar's text, for text of printable characters
/// and `\n`; nil for any other character (libyaml escapes them in double quotes, left to libyaml).
struct ScalarAnalysis {
    var multiline = false
    var blockPlainAllowed = true
    var singleQuotedAllowed = true
    var blockAllowed = true
    /// All of it ASCII: each byte a column.
    var isASCII = false

    init?(_ bytes: UnsafeBufferPointer<UInt8>) {
        if let line = Self.asciiLine(bytes) {
            self = line
            return
        }
        let count = bytes.count
        guard count > 0 else {
            blockAllowed = false
            return
        }
        let space = UInt8(ascii: " "), newline = UInt8(ascii: "\n")
        func at(_ index: Int) -> UInt8 { index < count ? bytes[index] : 0 }
        // Blank, break or the end (libyaml's IS_BLANKZ), for the characters admitted here.
        func blankOrEnd(_ index: Int) -> Bool { index >= count || bytes[index] == space || bytes[index] == newline }
        var blockIndicators = false
        var lineBreaks = false
        var leadingSpace = false, leadingBreak = false, trailingSpace = false, trailingBreak = false
        var breakSpace = false, spaceBreak = false
        var previousSpace = false, previousBreak = false
        if (at(0) == UInt8(ascii: "-") && at(1) == UInt8(ascii: "-") && at(2) == UInt8(ascii: "-"))
            || (at(0) == UInt8(ascii: ".") && at(1) == UInt8(ascii: ".") && at(2) == UInt8(ascii: ".")) {
            blockIndicators = true
        }
        var precededByWhitespace = true
        var index = 0
        guard let firstWidth = Self.printableWidth(bytes, at: 0) else { return nil }
        var width = firstWidth
        var followedByWhitespace = blankOrEnd(width)
        while index < count {
            let byte = bytes[index]
            if index == 0 {
                switch byte {
                case UInt8(ascii: "#"), UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"),
                     UInt8(ascii: "&"), UInt8(ascii: "*"), UInt8(ascii: "!"), UInt8(ascii: "|"), UInt8(ascii: ">"), UInt8(ascii: "'"),
                     UInt8(ascii: "\""), UInt8(ascii: "%"), UInt8(ascii: "@"), UInt8(ascii: "`"):
                    blockIndicators = true
                case UInt8(ascii: "?"), UInt8(ascii: ":"), UInt8(ascii: "-"):
                    if followedByWhitespace { blockIndicators = true }
                default: break
                }
            } else if (byte == UInt8(ascii: ":") && followedByWhitespace) || (byte == UInt8(ascii: "#") && precededByWhitespace) {
                blockIndicators = true
            }
            if byte == space {
                if index == 0 { leadingSpace = true }
                if index + width == count { trailingSpace = true }
                if previousBreak { breakSpace = true }
                previousSpace = true
                previousBreak = false
            } else if byte == newline {
                lineBreaks = true
                if index == 0 { leadingBreak = true }
                if index + width == count { trailingBreak = true }
                if previousSpace { spaceBreak = true }
                previousSpace = false
                previousBreak = true
            } else {
                previousSpace = false
                previousBreak = false
            }
            precededByWhitespace = byte == space || byte == newline
            index += width
            if index < count {
                guard let next = Self.printableWidth(bytes, at: index) else { return nil }
                width = next
                followedByWhitespace = blankOrEnd(index + width)
            }
        }
        multiline = lineBreaks
        if leadingSpace || leadingBreak || trailingSpace || trailingBreak || lineBreaks || blockIndicators { blockPlainAllowed = false }
        if trailingSpace { blockAllowed = false }
        if breakSpace {
            blockPlainAllowed = false
            singleQuotedAllowed = false
        }
        if spaceBreak {
            blockPlainAllowed = false
            singleQuotedAllowed = false
            blockAllowed = false
        }
    }

    /// The same decision in one pass for text of printable ASCII on one line, which nearly every
    /// template scalar is; nil for any other text.
    private static func asciiLine(_ bytes: UnsafeBufferPointer<UInt8>) -> ScalarAnalysis? {
        let count = bytes.count
        guard count > 0 else { return nil }
        let space = UInt8(ascii: " ")
        var indicators = false
        // Most bytes are printable characters of no account: one table lookup tells them from `:`, `#`
        // and the bytes this reading leaves to the general one.
        let classes = asciiClasses
        var index = 0
        while index < count {
            let byte = bytes[index]
            switch classes[Int(byte)] {
            case 0: break
            case 1: return nil
            case 2: if index + 1 == count || bytes[index + 1] == space { indicators = true }
            default: if index > 0 && bytes[index - 1] == space { indicators = true }
            }
            index += 1
        }
        let first = bytes[0]
        switch first {
        case UInt8(ascii: "#"), UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"),
             UInt8(ascii: "&"), UInt8(ascii: "*"), UInt8(ascii: "!"), UInt8(ascii: "|"), UInt8(ascii: ">"), UInt8(ascii: "'"),
             UInt8(ascii: "\""), UInt8(ascii: "%"), UInt8(ascii: "@"), UInt8(ascii: "`"):
            indicators = true
        case UInt8(ascii: "?"), UInt8(ascii: "-"):
            if count == 1 || bytes[1] == space { indicators = true }
            if count >= 3 && first == UInt8(ascii: "-") && bytes[1] == first && bytes[2] == first { indicators = true }
        case UInt8(ascii: "."):
            if count >= 3 && bytes[1] == first && bytes[2] == first { indicators = true }
        default: break
        }
        let leadingSpace = first == space, trailingSpace = bytes[count - 1] == space
        var analysis = ScalarAnalysis()
        analysis.isASCII = true
        analysis.blockPlainAllowed = !(indicators || leadingSpace || trailingSpace)
        analysis.blockAllowed = !trailingSpace
        return analysis
    }

    private init() {}

    /// For each byte: 0 printable ASCII of no account, 1 anything else (not on a plain ASCII line),
    /// 2 `:`, 3 `#`.
    private static let asciiClasses: [UInt8] = (0...255).map { byte in
        switch byte {
        case 0x3A: 2
        case 0x23: 3
        case 0x20...0x7E: 0
        default: 1
        }
    }

    /// The width of the character at `index` when libyaml writes it as it is (IS_PRINTABLE, not a
    /// break other than `\n`, not a byte-order mark); nil otherwise.
    static func printableWidth(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Int? {
        let lead = bytes[index]
        func continuation(_ offset: Int) -> UInt8? {
            let position = index + offset
            guard position < bytes.count, bytes[position] & 0xC0 == 0x80 else { return nil }
            return bytes[position]
        }
        switch lead {
        case 0x0A, 0x20...0x7E:
            return 1
        case 0xC2:
            // U+00A0 and on; U+0085 (NEL) is a break, the rest below it control characters.
            guard let second = continuation(1), second >= 0xA0 else { return nil }
            return 2
        case 0xC3...0xDF:
            return continuation(1) == nil ? nil : 2
        case 0xE0...0xEC, 0xEE:
            guard let second = continuation(1), continuation(2) != nil else { return nil }
            // U+2028 and U+2029 are breaks.
            if lead == 0xE2 && second == 0x80 && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9) { return nil }
            return 3
        case 0xED:
            guard let second = continuation(1), second < 0xA0, continuation(2) != nil else { return nil }
            return 3
        case 0xEF:
            guard let second = continuation(1), let third = continuation(2) else { return nil }
            // U+FEFF (byte-order mark), U+FFFE and U+FFFF.
            if (second == 0xBB && third == 0xBF) || (second == 0xBF && (third == 0xBE || third == 0xBF)) { return nil }
            return 3
        default:
            return nil
        }
    }
}
