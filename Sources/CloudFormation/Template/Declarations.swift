import DSLCore

/// A template parameter. `ref` is how other values use it.
public struct Parameter: StackContent, Equatable {
    public var name: String
    public var type: String
    public var description: String?
    public var defaultValue: Value?
    public var allowedValues: [Value] = []
    public var allowedPattern: String?
    public var noEcho = false
    /// Where it was declared, for synth's errors; no part of the template or of its value.
    public var location: SourceLocation?

    public init(_ name: String, type: String = "String", description: String? = nil, default defaultValue: Value? = nil,
                allowedValues: [Value] = [], allowedPattern: String? = nil, noEcho: Bool = false, filePath: String = #filePath, line: Int = #line) {
        location = SourceLocation(filePath: filePath, line: line)
        self.name = name
        self.type = type
        self.description = description
        self.defaultValue = defaultValue
        self.allowedValues = allowedValues
        self.allowedPattern = allowedPattern
        self.noEcho = noEcho
    }

    public static func == (a: Self, b: Self) -> Bool {
        (a.name, a.type, a.description, a.allowedPattern, a.noEcho) == (b.name, b.type, b.description, b.allowedPattern, b.noEcho)
            && a.defaultValue == b.defaultValue && a.allowedValues == b.allowedValues
    }

    /// `!Ref Name` of a `String` parameter (the default).
    public var ref: Typed<String> { Typed(unchecked: .intrinsic(.ref(name))) }
    /// `!Ref Name` of a list parameter (`CommaDelimitedList`, `List<AWS::EC2::Subnet::Id>`).
    public var listRef: Typed<[String]> { Typed(unchecked: .intrinsic(.ref(name))) }
    public var elements: [StackElement] { [.parameter(self)] }
}

/// A template output, optionally exported for other stacks.
public struct Output: StackContent, Equatable {
    public var name: String
    public var value: Value
    public var description: String?
    public var exportName: Value?
    public var condition: String?

    public init(_ name: String, _ value: some ValueConvertible, description: String? = nil, exportName: Value? = nil) {
        self.name = name
        self.value = value.value
        self.description = description
        self.exportName = exportName
    }

    public var elements: [StackElement] { [.output(self)] }

    /// Declared only where `condition` holds (its value may name resources that exist only then).
    public func condition(_ condition: ConditionDeclaration) -> Output {
        var copy = self
        copy.condition = condition.name
        return copy
    }
}

/// A named condition (`Conditions:` section), used by `Value.if` and `Resource.condition(_:)`.
public struct ConditionDeclaration: StackContent, Equatable {
    public var name: String
    public var expression: Value

    public init(_ name: String, _ expression: Value) {
        self.name = name
        self.expression = expression
    }

    public var elements: [StackElement] { [.condition(self)] }
}

/// A `Mappings:` entry: top-level key → second-level key → value.
public struct MappingDeclaration: StackContent, Equatable {
    public var name: String
    public var entries: [Field]

    public init(_ name: String, _ entries: [Field]) {
        self.name = name
        self.entries = entries
    }

    public var elements: [StackElement] { [.mapping(self)] }
}
