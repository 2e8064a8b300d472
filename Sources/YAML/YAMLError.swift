/// A YAML read or write failure, with the position libyaml reported (1-based) when there is one.
public struct YAMLError: Error, CustomStringConvertible, Sendable, Equatable {
    public var message: String
    public var line: Int?
    public var column: Int?

    public init(_ message: String, line: Int? = nil, column: Int? = nil) {
        self.message = message
        self.line = line
        self.column = column
    }

    public var description: String {
        if let line, let column { return "line \(line), column \(column): \(message)" }
        return message
    }
}
