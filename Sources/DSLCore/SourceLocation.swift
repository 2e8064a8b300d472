/// Where a declaration of either DSL (a construct of the stacks, a table or column of the schema)
/// was written, so an error can point at the line to change: the file as the repository names it
/// (`stacks/DatabaseStack.swift`), which a reader can open, not the module's name for it. A
/// location may be a whole file (a committed migration).
public struct SourceLocation: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int?

    public init(file: String, line: Int? = nil) {
        self.file = file
        self.line = line
    }

    /// From `#filePath`, made relative to the package the file belongs to; a path outside this
    /// package (a dependency's) is kept whole.
    public init(filePath: String, line: Int) {
        self.init(file: Self.repositoryPath(filePath), line: line)
    }

    public var description: String { line.map { "\(file):\($0)" } ?? file }

    /// The package's root as this file was compiled: its own path without `Sources/DSLCore/SourceLocation.swift`.
    static let packageRoot: String = {
        let own = #filePath
        let suffix = "Sources/DSLCore/SourceLocation.swift"
        return own.hasSuffix(suffix) ? String(own.dropLast(suffix.count)) : ""
    }()

    static func repositoryPath(_ filePath: String) -> String {
        let root = packageRoot
        guard !root.isEmpty, filePath.hasPrefix(root) else { return filePath }
        return String(filePath.dropFirst(root.count))
    }
}
