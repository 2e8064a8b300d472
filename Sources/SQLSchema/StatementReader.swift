/// One lexical token of a SQL statement: a word (keyword or identifier), a quoted identifier, a
/// string literal, a dollar-quoted body, or a symbol.
struct Token: Sendable, Equatable {
    enum Kind: Sendable, Equatable { case word, quotedIdentifier, string, dollarQuoted, symbol }

    var kind: Kind
    /// The identifier without its quotes, the string's or body's contents, or the symbol.
    var text: String

    /// Upper-cased for a bare word, so keywords compare whatever their case; a quoted identifier is never a keyword.
    var keyword: String {
        switch kind {
        case .word: text.uppercased()
        case .symbol: text
        default: ""
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

    static func tokenize(_ sql: String) throws(ReadError) -> [Token] {
        let characters = Array(sql)
        var tokens: [Token] = []
        var position = 0
        func isWordCharacter(_ character: Character) -> Bool { character.isLetter || character.isNumber || character == "_" }
        while position < characters.count {
            let character = characters[position]
            if character.isWhitespace {
                position += 1
            } else if character == "-", position + 1 < characters.count, characters[position + 1] == "-" {
                while position < characters.count, characters[position] != "\n" { position += 1 }
            } else if character == "'" || character == "\"" {
                var text = ""
                position += 1
                while true {
                    guard position < characters.count else { throw ReadError("a quote is never closed") }
                    if characters[position] == character {
                        if position + 1 < characters.count, characters[position + 1] == character {
                            text.append(character)
                            position += 2
                            continue
                        }
                        position += 1
                        break
                    }
                    text.append(characters[position])
                    position += 1
                }
                tokens.append(Token(kind: character == "'" ? .string : .quotedIdentifier, text: text))
            } else if character == "$", position + 1 < characters.count, characters[position + 1] == "$" {
                var end = position + 2
                while end + 1 < characters.count, !(characters[end] == "$" && characters[end + 1] == "$") { end += 1 }
                guard end + 1 < characters.count else { throw ReadError("a $$ body is never closed") }
                tokens.append(Token(kind: .dollarQuoted, text: String(characters[(position + 2)..<end])))
                position = end + 2
            } else if isWordCharacter(character) {
                let start = position
                while position < characters.count, isWordCharacter(characters[position]) { position += 1 }
                tokens.append(Token(kind: .word, text: String(characters[start..<position])))
            } else {
                let pair = position + 1 < characters.count ? String(characters[position...(position + 1)]) : ""
                let symbol = ["::", "<>", "||", "<=", ">=", "!="].contains(pair) ? pair : String(character)
                tokens.append(Token(kind: .symbol, text: symbol))
                position += symbol.count
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
        guard position + words.count <= tokens.count,
              zip(tokens[position...], words).allSatisfy({ $0.keyword == $1 }) else { return false }
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
        var items: [[Token]] = [[]]
        var depth = 0
        while let token = peek {
            advance()
            if token.kind == .symbol {
                if token.text == "(" { depth += 1 }
                if token.text == ")" {
                    if depth == 0 { return items == [[]] ? [] : items }
                    depth -= 1
                }
                if token.text == ",", depth == 0 {
                    items.append([])
                    continue
                }
            }
            items[items.count - 1].append(token)
        }
        throw ReadError("a ( is never closed")
    }

    /// The rest of the statement, split at its top-level commas.
    mutating func list() throws(ReadError) -> [[Token]] {
        if let tokenizeError { throw tokenizeError }
        var items: [[Token]] = [[]]
        var depth = 0
        while let token = peek {
            advance()
            if token.kind == .symbol {
                if token.text == "(" { depth += 1 }
                if token.text == ")" { depth -= 1 }
                if token.text == ",", depth == 0 {
                    items.append([])
                    continue
                }
            }
            items[items.count - 1].append(token)
        }
        return items
    }

    /// Skips an expression: up to the end, or to one of `keywords` outside parentheses.
    mutating func skipExpression(until keywords: Set<String>) {
        var depth = 0
        while let token = peek {
            if depth == 0, token.kind == .word, keywords.contains(token.keyword) { return }
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
