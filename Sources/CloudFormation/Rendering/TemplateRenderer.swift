import YAML

/// Turns a template into the YAML node tree that is written to `out/`: sections in CloudFormation's
/// customary order, intrinsic functions in short form.
public enum TemplateRenderer {
    public static func node(_ template: Template) -> Node {
        var sections: [Node.Entry] = [.init("AWSTemplateFormatVersion", .string("2010-09-09"))]
        if let description = template.description { sections.append(.init("Description", .string(description))) }
        if let only = template.transforms.first, template.transforms.count == 1 {
            sections.append(.init("Transform", .string(only)))
        } else if !template.transforms.isEmpty {
            sections.append(.init("Transform", .sequence(template.transforms.map { .string($0) })))
        }
        if !template.metadata.isEmpty { sections.append(.init("Metadata", ValueRenderer.node(.object(template.metadata)))) }
        if !template.parameters.isEmpty {
            sections.append(.init("Parameters", .mapping(template.parameters.map { .init($0.name, parameter($0)) })))
        }
        if !template.mappings.isEmpty {
            sections.append(.init("Mappings", .mapping(template.mappings.map { .init($0.name, ValueRenderer.node(.object($0.entries))) })))
        }
        if !template.conditions.isEmpty {
            sections.append(.init("Conditions", .mapping(template.conditions.map { .init($0.name, ValueRenderer.node($0.expression)) })))
        }
        sections.append(.init("Resources", .mapping(template.resources.map { .init($0.logicalId, resource($0)) })))
        if !template.outputs.isEmpty {
            sections.append(.init("Outputs", .mapping(template.outputs.map { .init($0.name, output($0)) })))
        }
        return .mapping(sections)
    }

    public static func yaml(_ template: Template) throws -> String {
        try Emitter.emit(node(template))
    }

    static func parameter(_ parameter: Parameter) -> Node {
        var entries: [Node.Entry] = [.init("Type", .string(parameter.type))]
        if let description = parameter.description { entries.append(.init("Description", .string(description))) }
        if let value = parameter.defaultValue { entries.append(.init("Default", ValueRenderer.node(value))) }
        if !parameter.allowedValues.isEmpty { entries.append(.init("AllowedValues", ValueRenderer.node(.list(parameter.allowedValues)))) }
        if let pattern = parameter.allowedPattern { entries.append(.init("AllowedPattern", .string(pattern))) }
        if parameter.noEcho { entries.append(.init("NoEcho", .bool(true))) }
        return .mapping(entries)
    }

    static func resource(_ resource: any Resource) -> Node {
        var entries: [Node.Entry] = [.init("Type", .string(resource.resourceType))]
        let attributes = resource.attributes
        if let condition = attributes.condition { entries.append(.init("Condition", .string(condition))) }
        switch attributes.dependsOn.count {
        case 0: break
        case 1: entries.append(.init("DependsOn", .string(attributes.dependsOn[0])))
        default: entries.append(.init("DependsOn", .sequence(attributes.dependsOn.map { .string($0) })))
        }
        if let policy = attributes.deletionPolicy { entries.append(.init("DeletionPolicy", .string(policy.rawValue))) }
        if let policy = attributes.updateReplacePolicy { entries.append(.init("UpdateReplacePolicy", .string(policy.rawValue))) }
        if !attributes.metadata.isEmpty { entries.append(.init("Metadata", ValueRenderer.node(.object(attributes.metadata)))) }
        let properties = resource.properties
        if !properties.isEmpty { entries.append(.init("Properties", ValueRenderer.node(.object(properties)))) }
        return .mapping(entries)
    }

    static func output(_ output: Output) -> Node {
        var entries: [Node.Entry] = []
        if let description = output.description { entries.append(.init("Description", .string(description))) }
        if let condition = output.condition { entries.append(.init("Condition", .string(condition))) }
        entries.append(.init("Value", ValueRenderer.node(output.value)))
        if let name = output.exportName { entries.append(.init("Export", .mapping([.init("Name", ValueRenderer.node(name))]))) }
        return .mapping(entries)
    }
}

/// Renders values; intrinsic functions use the short-form tags (`!Ref`, `!GetAtt A.B`, `!Sub`), and
/// the long form (`Fn::Base64: !Sub …`) where YAML cannot put two tags on one node.
public enum ValueRenderer {
    public static func node(_ value: Value) -> Node {
        switch value {
        case .string(let text): .string(text)
        case .number(let text): .number(text)
        case .bool(let flag): .bool(flag)
        case .list(let items): .sequence(items.map(node))
        case .object(let fields): .mapping(fields.map { .init($0.key, node($0.value)) })
        case .intrinsic(let function): intrinsic(function)
        }
    }

    static func intrinsic(_ function: Intrinsic) -> Node {
        switch function {
        case .ref(let name): .string(name, tag: "!Ref")
        case .getAtt(let name, let attribute): .string("\(name).\(attribute)", tag: "!GetAtt")
        case .sub(let text, let variables):
            variables.isEmpty
                ? .string(text, tag: "!Sub")
                : .sequence([.string(text), node(.object(variables))], tag: "!Sub")
        case .join(let delimiter, let list): .sequence([.string(delimiter), node(list)], tag: "!Join")
        case .select(let index, let list): .sequence([.string(String(index)), node(list)], tag: "!Select")
        case .split(let delimiter, let text): .sequence([.string(delimiter), node(text)], tag: "!Split")
        case .getAZs(let region): single("GetAZs", region)
        case .importValue(let name): single("ImportValue", name)
        case .base64(let text): single("Base64", text)
        case .findInMap(let map, let top, let second): .sequence([.string(map), node(top), node(second)], tag: "!FindInMap")
        case .cidr(let block, let count, let bits): .sequence([node(block), .int(count), .int(bits)], tag: "!Cidr")
        case .if(let condition, let a, let b): .sequence([.string(condition), node(a), node(b)], tag: "!If")
        case .equals(let a, let b): .sequence([node(a), node(b)], tag: "!Equals")
        case .not(let list): retagged(node(list), "!Not")
        case .and(let values): .sequence(values.map(node), tag: "!And")
        case .or(let values): .sequence(values.map(node), tag: "!Or")
        case .condition(let name): .string(name, tag: "!Condition")
        }
    }

    /// A one-argument function: short form unless the argument is itself tagged.
    private static func single(_ name: String, _ argument: Value) -> Node {
        let inner = node(argument)
        if inner.tag != nil { return .mapping([.init("Fn::\(name)", inner)]) }
        return retagged(inner, "!\(name)")
    }

    private static func retagged(_ node: Node, _ tag: String) -> Node {
        switch node {
        case .scalar(var scalar):
            scalar.tag = tag
            scalar.kind = .string
            return .scalar(scalar)
        case .sequence(let items, _): return .sequence(items, tag: tag)
        case .mapping(let entries, _): return .mapping(entries, tag: tag)
        }
    }
}
