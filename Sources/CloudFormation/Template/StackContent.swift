/// What a stack is made of. Resources, parameters, outputs and conditions are elements; a construct
/// is content that expands to several elements and can report mistakes in how it was configured.
public enum StackElement: Sendable {
    case resource(any Resource)
    case parameter(Parameter)
    case output(Output)
    case condition(ConditionDeclaration)
    case mapping(MappingDeclaration)
    /// A macro CloudFormation runs over the template before deploying it (Secrets Manager's hosted
    /// rotation functions need `AWS::SecretsManager-2020-07-23`); declared once however many ask for it.
    case transform(String)
    /// A value of another stack this stack imported until now and no longer uses (`KeepExported`):
    /// the producer keeps exporting it, and nothing is written into this stack's template.
    case keptImport(Value)
}

public protocol StackContent: Sendable {
    var elements: [StackElement] { get }
    /// Configuration mistakes found when the content was declared, reported at synth time.
    var diagnostics: [Diagnostic] { get }
}

extension StackContent {
    public var diagnostics: [Diagnostic] { [] }
}

@resultBuilder
public enum StackBuilder {
    public static func buildExpression(_ content: any StackContent) -> [any StackContent] { [content] }
    public static func buildExpression(_ contents: [any StackContent]) -> [any StackContent] { contents }
    public static func buildBlock(_ parts: [any StackContent]...) -> [any StackContent] { parts.flatMap { $0 } }
    public static func buildOptional(_ part: [any StackContent]?) -> [any StackContent] { part ?? [] }
    public static func buildEither(first part: [any StackContent]) -> [any StackContent] { part }
    public static func buildEither(second part: [any StackContent]) -> [any StackContent] { part }
    public static func buildArray(_ parts: [[any StackContent]]) -> [any StackContent] { parts.flatMap { $0 } }
}

/// A group of elements declared together, for constructs built from smaller pieces.
public struct ContentGroup: StackContent {
    public var contents: [any StackContent]
    public init(@StackBuilder _ build: () -> [any StackContent]) { contents = build() }
    public init(_ contents: [any StackContent]) { self.contents = contents }
    public var elements: [StackElement] { contents.flatMap(\.elements) }
    public var diagnostics: [Diagnostic] { contents.flatMap(\.diagnostics) }
}
