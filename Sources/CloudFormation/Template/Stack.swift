/// One CloudFormation stack of a stage: a name and the content declared in it.
public struct Stack: Sendable {
    public let name: String
    public var description: String
    public var contents: [any StackContent]

    public init(_ name: String, description: String, @StackBuilder _ build: () -> [any StackContent]) {
        self.name = name
        self.description = description
        self.contents = build()
    }

    public var template: Template {
        var template = Template(description: description)
        for element in contents.flatMap(\.elements) {
            switch element {
            case .resource(let resource): template.resources.append(resource)
            case .parameter(let parameter): template.parameters.append(parameter)
            case .output(let output): template.outputs.append(output)
            case .condition(let condition): template.conditions.append(condition)
            case .mapping(let mapping): template.mappings.append(mapping)
            case .transform(let name): if !template.transforms.contains(name) { template.transforms.append(name) }
            case .keptImport(let value): template.keptImports.append(value)
            }
        }
        return template
    }

    public var diagnostics: [Diagnostic] { contents.flatMap(\.diagnostics) }
}

/// A whole CloudFormation template, section by section, in the order it is written.
public struct Template: Sendable {
    public var description: String?
    public var transforms: [String] = []
    public var metadata: [Field] = []
    public var parameters: [Parameter] = []
    public var mappings: [MappingDeclaration] = []
    public var conditions: [ConditionDeclaration] = []
    public var resources: [any Resource] = []
    public var outputs: [Output] = []
    /// Values of other stacks kept exported for this one though it no longer imports them (`KeepExported`).
    public var keptImports: [Value] = []

    public init(description: String? = nil) { self.description = description }

    public func resource(_ logicalId: String) -> (any Resource)? {
        resources.first { $0.logicalId == logicalId }
    }
}
