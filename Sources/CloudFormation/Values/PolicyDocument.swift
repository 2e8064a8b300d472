/// An IAM policy document. Statements are listed with a result builder:
///
///     PolicyDocument {
///         Statement(sid: "DataApi", actions: DataAPIAccess.actions, resources: [cluster.arn])
///     }
public struct PolicyDocument: ValueConvertible, Equatable {
    public var statements: [Statement]

    public init(@PolicyBuilder _ build: () -> [Statement]) { statements = build() }
    public init(statements: [Statement]) { self.statements = statements }

    public var value: Value {
        .object([Field("Version", "2012-10-17"), Field("Statement", .list(statements.map(\.value)))])
    }
}

public struct Statement: ValueConvertible, Equatable {
    public enum Effect: String, Sendable { case allow = "Allow", deny = "Deny" }

    public var sid: String?
    public var effect: Effect
    public var principal: Value?
    public var actions: [String]
    public var resources: [Typed<String>]
    public var condition: Value?
    /// The template condition the statement exists under (`!If [name, statement, !Ref AWS::NoValue]`),
    /// for a grant on something a parameter may leave out.
    public var templateCondition: String?

    public init(sid: String? = nil, effect: Effect = .allow, principal: Value? = nil, actions: [String],
                resources: [Typed<String>] = [], condition: Value? = nil) {
        self.sid = sid
        self.effect = effect
        self.principal = principal
        self.actions = actions
        self.resources = resources
        self.condition = condition
    }

    /// This statement, present only where `condition` holds.
    public func onlyWhere(_ condition: ConditionDeclaration) -> Statement {
        var copy = self
        copy.templateCondition = condition.name
        return copy
    }

    public var value: Value {
        let statement = Value.object(fields(
            ("Sid", sid.map(Value.string)),
            ("Effect", Value.string(effect.rawValue)),
            ("Principal", principal),
            ("Action", actions.count == 1 ? Value.string(actions[0]) : Value.list(actions.map(Value.string))),
            ("Resource", resources.isEmpty ? nil : resources.count == 1 ? resources[0].value : Value.list(resources.map(\.value))),
            ("Condition", condition)
        ))
        return templateCondition.map { .intrinsic(.if(condition: $0, statement, .noValue)) } ?? statement
    }

    /// A service principal, for trust policies: `Statement.service("lambda.amazonaws.com")`.
    public static func service(_ name: String) -> Value { ["Service": .string(name)] }
}

@resultBuilder
public enum PolicyBuilder {
    public static func buildExpression(_ statement: Statement) -> [Statement] { [statement] }
    public static func buildBlock(_ parts: [Statement]...) -> [Statement] { parts.flatMap { $0 } }
    public static func buildOptional(_ part: [Statement]?) -> [Statement] { part ?? [] }
    public static func buildEither(first part: [Statement]) -> [Statement] { part }
    public static func buildEither(second part: [Statement]) -> [Statement] { part }
    public static func buildArray(_ parts: [[Statement]]) -> [Statement] { parts.flatMap { $0 } }
}

/// Resource tags, sorted by key when rendered so declaration order never shows up as a change.
public struct Tags: ValueConvertible, Equatable, ExpressibleByDictionaryLiteral {
    public var pairs: [(key: String, value: Value)]

    public init(dictionaryLiteral elements: (String, Value)...) { pairs = elements.map { ($0.0, $0.1) } }
    public init(_ pairs: [(String, Value)]) { self.pairs = pairs.map { ($0.0, $0.1) } }

    public var value: Value {
        .list(pairs.sorted { $0.key < $1.key }.map { .object([Field("Key", .string($0.key)), Field("Value", $0.value)]) })
    }

    public static func == (a: Tags, b: Tags) -> Bool { a.value == b.value }
}
