/// One lexical token of a SQL statement: a word (keyword or identifier), a quoted identifier, a
/// string literal, a dollar-quoted body, or a symbol.
struct Token: Sendable, Equatable {
    enum Kind: Sendable, Equatable { case word, quotedIdentifier, string, dollarQuoted, symbol }

    var kind: Kind
    /// The identifier without its quotes, the string's or body's contents, or the symbol.
    var text: String

    init(kind: Kind, text: String) {
        self.kind = kind
        self.text = text
    }

    /// Whether this is the keyword (written in capitals) or the symbol: a bare word is whatever its
    /// case, compared byte by byte rather than upper-cased into a string of its own; a quoted
    /// identifier is never a keyword.
    func `is`(_ keyword: String) -> Bool {
        switch kind {
        case .symbol: return text == keyword
        case .word:
            let (word, wanted) = (text.utf8, keyword.utf8)
            guard word.count == wanted.count else { return false }
            var (index, other) = (word.startIndex, wanted.startIndex)
            while index < word.endIndex {
                let byte = word[index]
                guard ((97...122).contains(byte) ? byte - 32 : byte) == wanted[other] else { return false }
                word.formIndex(after: &index)
                wanted.formIndex(after: &other)
            }
            return true
        default: return false
        }
    }

    var isName: Bool { kind == .word || kind == .quotedIdentifier }

    /// Tokens written back as a type or an argument is: a space only between two words (`double precision`, `vector(3)`, `text[]`).
    static func joined(_ tokens: [Token]) -> String {
        var text = ""
        for (index, token) in tokens.enumerated() {
            if index > 0, token.isName, tokens[index - 1].isName { text += " " }
            text += token.text
        }
        return text
    }

    /// Splits `sql` into tokens, reading its UTF-8 bytes: every byte that matters to SQL's syntax is
    /// ASCII, and a letter outside ASCII belongs to a word.
    static func tokenize(_ sql: String) throws(ReadError) -> [Token] {
        let bytes = Array(sql.utf8)
        var tokens: [Token] = []
        var position = 0
        func text(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }
        func isWordByte(_ byte: UInt8) -> Bool {
            (97...122).contains(byte) || (65...90).contains(byte) || (48...57).contains(byte) || byte == 95 || byte >= 0x80
        }
        while position < bytes.count {
            let byte = bytes[position]
            if byte == 32 || (9...13).contains(byte) {
                position += 1
            } else if byte == 45, position + 1 < bytes.count, bytes[position + 1] == 45 {  // -- comment
                while position < bytes.count, bytes[position] != 10 { position += 1 }
            } else if byte == 39 || byte == 34 {  // 'string' or "identifier", the quote doubled inside
                var contents: [UInt8] = []
                position += 1
                while true {
                    guard position < bytes.count else { throw ReadError("a quote is never closed") }
                    if bytes[position] == byte {
                        if position + 1 < bytes.count, bytes[position + 1] == byte {
                            contents.append(byte)
                            position += 2
                            continue
                        }
                        position += 1
                        break
                    }
                    contents.append(bytes[position])
                    position += 1
                }
                tokens.append(Token(kind: byte == 39 ? .string : .quotedIdentifier, text: String(decoding: contents, as: UTF8.self)))
            } else if byte == 36, position + 1 < bytes.count, bytes[position + 1] == 36 {  // $$ body $$
                var end = position + 2
                while end + 1 < bytes.count, !(bytes[end] == 36 && bytes[end + 1] == 36) { end += 1 }
                guard end + 1 < bytes.count else { throw ReadError("a $$ body is never closed") }
                tokens.append(Token(kind: .dollarQuoted, text: text((position + 2)..<end)))
                position = end + 2
            } else if isWordByte(byte) {
                let start = position
                while position < bytes.count, isWordByte(bytes[position]) { position += 1 }
                tokens.append(Token(kind: .word, text: text(start..<position)))
            } else {
                // `::`, `<>`, `||`, `<=`, `>=` and `!=` are one symbol.
                let next = position + 1 < bytes.count ? bytes[position + 1] : 0
                let length = switch (byte, next) {
                case (58, 58), (60, 62), (124, 124), (60, 61), (62, 61), (33, 61): 2
                default: 1
                }
                tokens.append(Token(kind: .symbol, text: text(position..<(position + length))))
                position += length
            }
        }
        return tokens
    }
}

struct ReadError: Error, Sendable {
    var message: String
    init(_ message: String) { self.message = message }
}

/// Walks the tokens of one statement: keywords taken in sequence, names, parenthesized lists.
struct StatementReader {
    var tokens: [Token]
    var position = 0
    /// A statement that could not be split into tokens; reported by the first read.
    var tokenizeError: ReadError?

    init(_ sql: String) {
        do {
            tokens = try Token.tokenize(sql)
        } catch {
            tokens = []
            tokenizeError = error
        }
    }

    init(_ tokens: [Token]) {
        self.tokens = tokens
    }

    var peek: Token? { position < tokens.count ? tokens[position] : nil }
    var atEnd: Bool { position >= tokens.count }
    mutating func advance() { position += 1 }

    /// Takes the keywords (or symbols) if the statement goes on with all of them, in order.
    mutating func take(_ words: String...) -> Bool { take(words) }

    mutating func take(_ words: [String]) -> Bool {
        guard position + words.count <= tokens.count else { return false }
        for (offset, word) in words.enumerated() where !tokens[position + offset].is(word) { return false }
        position += words.count
        return true
    }

    mutating func expect(_ words: String...) throws(ReadError) {
        if let tokenizeError { throw tokenizeError }
        guard take(words) else { throw ReadError("expected \(words.joined(separator: " ")), found \(peek?.text ?? "the end")") }
    }

    mutating func expectEnd() throws(ReadError) {
        if let tokenizeError { throw tokenizeError }
        guard atEnd else { throw ReadError("cannot read what follows: \(tokens[position...].prefix(6).map(\.text).joined(separator: " "))") }
    }

    /// A name, its schema (`public.`, `pg_catalog.`) left off.
    mutating func name() throws(ReadError) -> String {
        if let tokenizeError { throw tokenizeError }
        guard let token = peek, token.isName else { throw ReadError("expected a name, found \(peek?.text ?? "the end")") }
        advance()
        if peek?.text == ".", position + 1 < tokens.count, tokens[position + 1].isName {
            advance()
            return try name()
        }
        return token.text
    }

    /// `(a, b)`: the names in the parentheses.
    mutating func names() throws(ReadError) -> [String] {
        try parenthesized().map { item throws(ReadError) in
            var reader = StatementReader(item)
            let name = try reader.name()
            try reader.expectEnd()
            return name
        }
    }

    /// The comma-separated items of the parenthesized list that comes next.
    mutating func parenthesized() throws(ReadError) -> [[Token]] {
        if let tokenizeError { throw tokenizeError }
        guard peek?.text == "(", peek?.kind == .symbol else { throw ReadError("expected (, found \(peek?.text ?? "the end")") }
        advance()
        let (items, closed) = splitAtCommas(closing: true)
        guard closed else { throw ReadError("a ( is never closed") }
        return items == [[]] ? [] : items
    }

    /// The rest of the statement, split at its top-level commas.
    mutating func list() throws(ReadError) -> [[Token]] {
        if let tokenizeError { throw tokenizeError }
        return splitAtCommas(closing: false).items
    }

    /// Items up to the end, or (`closing`) up to and past the `)` that closes the list, split at the
    /// commas outside any parentheses; `closed` says whether that `)` came.
    private mutating func splitAtCommas(closing: Bool) -> (items: [[Token]], closed: Bool) {
        var items: [[Token]] = [[]]
        var depth = 0
        while let token = peek {
            advance()
            if token.kind == .symbol {
                if token.text == "(" { depth += 1 }
                if token.text == ")" {
                    if depth == 0 && closing { return (items, true) }
                    depth -= 1
                }
                if token.text == ",", depth == 0 {
                    items.append([])
                    continue
                }
            }
            items[items.count - 1].append(token)
        }
        return (items, false)
    }

    /// Skips an expression: up to the end, or to one of `keywords` outside parentheses.
    mutating func skipExpression(until keywords: [String]) {
        var depth = 0
        while let token = peek {
            if depth == 0, token.kind == .word, keywords.contains(where: token.is) { return }
            if token.kind == .symbol, token.text == "(" { depth += 1 }
            if token.kind == .symbol, token.text == ")" { depth -= 1 }
            advance()
        }
    }

    /// The body of the `$$ … $$` that comes next.
    mutating func dollarQuoted() throws(ReadError) -> String {
        if let tokenizeError { throw tokenizeError }
        guard let token = peek, token.kind == .dollarQuoted else { throw ReadError("expected a $$ body, found \(peek?.text ?? "the end")") }
        advance()
        return token.text
    }
}
