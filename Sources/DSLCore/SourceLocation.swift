/// Where a declaration of either DSL (a construct of the stacks, a table or column of the schema)
/// was written, captured from `#fileID` and `#line`, so an error can point at the line to change.
public struct SourceLocation: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int

    public init(file: String, line: Int) {
        self.file = file
        self.line = line
    }

    public var description: String { "\(file):\(line)" }
}
