import YAML

/// Turns a template into the YAML written to `out/`: sections in CloudFormation's customary order,
/// intrinsic functions in short form. The template is described once, node by node
/// (`TemplateDocument`): `yaml` writes it without building a tree, `node` builds the tree.
public enum TemplateRenderer {
    public static func node(_ template: Template) -> Node { NodeBuilder.node(TemplateDocument(template: template)) }

    public static func yaml(_ template: Template) throws -> String {
        try Emitter.emit(TemplateDocument(template: template))
    }
}

/// A template as a YAML document.
struct TemplateDocument: NodeSource {
    let template: Template

    func write<Sink: NodeSink>(to sink: inout Sink) throws {
        let template = template
        try sink.mapping(tag: nil, isEmpty: false) { sink in
            try sink.entry("AWSTemplateFormatVersion", string: "2010-09-09")
            if let description = template.description { try sink.entry("Description", string: description) }
            if let only = template.transforms.first, template.transforms.count == 1 {
                try sink.entry("Transform", string: only)
            } else if !template.transforms.isEmpty {
                try sink.entry("Transform", value: .list(template.transforms.map(Value.string)))
            }
            if !template.metadata.isEmpty { try sink.entry("Metadata", value: .object(template.metadata)) }
            try sink.section("Parameters", template.parameters, name: { $0.name }) { try Self.parameter($0, to: &$1) }
            try sink.section("Mappings", template.mappings, name: { $0.name }) { try ValueRenderer.write(.object($0.entries), to: &$1) }
            try sink.section("Conditions", template.conditions, name: { $0.name }) { try ValueRenderer.write($0.expression, to: &$1) }
            try sink.section("Resources", template.resources, name: { $0.logicalId }, always: true) { try Self.resource($0, to: &$1) }
            try sink.section("Outputs", template.outputs, name: { $0.name }) { try Self.output($0, to: &$1) }
        }
    }

    static func parameter<Sink: NodeSink>(_ parameter: Parameter, to sink: inout Sink) throws {
        try sink.mapping(tag: nil, isEmpty: false) { sink in
            try sink.entry("Type", string: parameter.type)
            if let description = parameter.description { try sink.entry("Description", string: description) }
            if let value = parameter.defaultValue { try sink.entry("Default", value: value) }
            if !parameter.allowedValues.isEmpty { try sink.entry("AllowedValues", value: .list(parameter.allowedValues)) }
            if let pattern = parameter.allowedPattern { try sink.entry("AllowedPattern", string: pattern) }
            if parameter.noEcho { try sink.entry("NoEcho", value: .bool(true)) }
        }
    }

    static func resource<Sink: NodeSink>(_ resource: any Resource, to sink: inout Sink) throws {
        let attributes = resource.attributes
        let properties = resource.properties
        try sink.mapping(tag: nil, isEmpty: false) { sink in
            try sink.entry("Type", string: resource.resourceType)
            if let condition = attributes.condition { try sink.entry("Condition", string: condition) }
            switch attributes.dependsOn.count {
            case 0: break
            case 1: try sink.entry("DependsOn", string: attributes.dependsOn[0])
            default: try sink.entry("DependsOn", value: .list(attributes.dependsOn.map(Value.string)))
            }
            if let policy = attributes.deletionPolicy { try sink.entry("DeletionPolicy", string: policy.rawValue) }
            if let policy = attributes.updateReplacePolicy { try sink.entry("UpdateReplacePolicy", string: policy.rawValue) }
            if !attributes.metadata.isEmpty { try sink.entry("Metadata", value: .object(attributes.metadata)) }
            if !properties.isEmpty { try sink.entry("Properties", value: .object(properties)) }
        }
    }

    static func output<Sink: NodeSink>(_ output: Output, to sink: inout Sink) throws {
        try sink.mapping(tag: nil, isEmpty: false) { sink in
            if let description = output.description { try sink.entry("Description", string: description) }
            if let condition = output.condition { try sink.entry("Condition", string: condition) }
            try sink.entry("Value", value: output.value)
            if let name = output.exportName { try sink.entry("Export", value: .object([Field("Name", name)])) }
        }
    }
}

extension NodeSink {
    /// `key: text`, the text a string.
    mutating func entry(_ key: String, string text: String) throws {
        try self.key(key)
        try scalar(Scalar(text))
    }

    /// `key: value`, the value as `ValueRenderer` writes it.
    mutating func entry(_ key: String, value: Value) throws {
        try self.key(key)
        try ValueRenderer.write(value, to: &self)
    }

    /// A template section, `key:` and each item under its name; a section without items is left
    /// out unless it is written `always` (`Resources`).
    mutating func section<Item>(_ key: String, _ items: [Item], name: (Item) -> String, always: Bool = false,
                                _ write: (Item, inout Self) throws -> Void) throws {
        guard always || !items.isEmpty else { return }
        try self.key(key)
        try mapping(tag: nil, isEmpty: items.isEmpty) { sink in
            for item in items {
                try sink.key(name(item))
                try write(item, &sink)
            }
        }
    }
}

/// Renders values; intrinsic functions use the short-form tags (`!Ref`, `!GetAtt A.B`, `!Sub`), and
/// the long form (`Fn::Base64: !Sub …`) where YAML cannot put two tags on one node.
public enum ValueRenderer {
    public static func node(_ value: Value) -> Node { NodeBuilder.node(ValueDocument(value: value)) }

    private struct ValueDocument: NodeSource {
        let value: Value
        func write<Sink: NodeSink>(to sink: inout Sink) throws { try ValueRenderer.write(value, to: &sink) }
    }

    /// Writes the value's node; `retagged` replaces the node's own tag (a scalar then reads as a string).
    static func write<Sink: NodeSink>(_ value: Value, retagged: String? = nil, to sink: inout Sink) throws {
        func scalar(_ text: String, _ kind: ScalarKind, tag: String? = nil) throws {
            try sink.scalar(retagged.map { Scalar(text, kind: .string, tag: $0) } ?? Scalar(text, kind: kind, tag: tag))
        }
        switch value {
        case .string(let text): try scalar(text, .string)
        case .number(let text): try scalar(text, text.contains(".") ? .float : .int)
        case .bool(let flag): try scalar(flag ? "true" : "false", .bool)
        case .list(let items): try sequence(items, tag: retagged, to: &sink)
        case .object(let fields):
            try sink.mapping(tag: retagged, isEmpty: fields.isEmpty) { sink in
                for field in fields { try sink.entry(field.key, value: field.value) }
            }
        case .intrinsic(let function): try intrinsic(function, retagged: retagged, to: &sink)
        }
    }

    private static func sequence<Sink: NodeSink>(_ items: [Value], tag: String?, to sink: inout Sink) throws {
        try sink.sequence(tag: tag, isEmpty: items.isEmpty) { sink in
            for item in items { try write(item, to: &sink) }
        }
    }

    private static func intrinsic<Sink: NodeSink>(_ function: Intrinsic, retagged: String?, to sink: inout Sink) throws {
        func tagged(_ tag: String, _ items: [Value]) throws { try sequence(items, tag: retagged ?? tag, to: &sink) }
        func scalar(_ text: String, _ tag: String) throws { try sink.scalar(Scalar(text, kind: .string, tag: retagged ?? tag)) }
        switch function {
        case .ref(let name): try scalar(name, "!Ref")
        case .getAtt(let name, let attribute): try scalar("\(name).\(attribute)", "!GetAtt")
        case .sub(let text, let variables):
            if variables.isEmpty { try scalar(text, "!Sub") } else { try tagged("!Sub", [.string(text), .object(variables)]) }
        case .join(let delimiter, let list): try tagged("!Join", [.string(delimiter), list])
        case .select(let index, let list): try tagged("!Select", [.string(String(index)), list])
        case .split(let delimiter, let text): try tagged("!Split", [.string(delimiter), text])
        case .getAZs(let region): try single("GetAZs", region, retagged: retagged, to: &sink)
        case .importValue(let name): try single("ImportValue", name, retagged: retagged, to: &sink)
        case .base64(let text): try single("Base64", text, retagged: retagged, to: &sink)
        case .findInMap(let map, let top, let second): try tagged("!FindInMap", [.string(map), top, second])
        case .cidr(let block, let count, let bits):
            try sink.sequence(tag: retagged ?? "!Cidr", isEmpty: false) { sink in
                try write(block, to: &sink)
                try sink.scalar(Scalar(String(count), kind: .int))
                try sink.scalar(Scalar(String(bits), kind: .int))
            }
        case .if(let condition, let a, let b): try tagged("!If", [.string(condition), a, b])
        case .equals(let a, let b): try tagged("!Equals", [a, b])
        case .not(let list): try write(list, retagged: retagged ?? "!Not", to: &sink)
        case .and(let values): try tagged("!And", values)
        case .or(let values): try tagged("!Or", values)
        case .condition(let name): try scalar(name, "!Condition")
        }
    }

    /// A one-argument function: short form unless the argument is itself tagged, then the long form
    /// (`Fn::Base64: !Sub …`).
    private static func single<Sink: NodeSink>(_ name: String, _ argument: Value, retagged: String?, to sink: inout Sink) throws {
        guard tag(of: argument) != nil else { return try write(argument, retagged: retagged ?? "!\(name)", to: &sink) }
        try sink.mapping(tag: retagged, isEmpty: false) { sink in try sink.entry("Fn::\(name)", value: argument) }
    }

    /// The tag of the node `write` writes for the value.
    static func tag(of value: Value) -> String? {
        guard case .intrinsic(let function) = value else { return nil }
        switch function {
        case .ref: return "!Ref"
        case .getAtt: return "!GetAtt"
        case .sub: return "!Sub"
        case .join: return "!Join"
        case .select: return "!Select"
        case .split: return "!Split"
        case .getAZs(let argument): return tag(of: argument) == nil ? "!GetAZs" : nil
        case .importValue(let argument): return tag(of: argument) == nil ? "!ImportValue" : nil
        case .base64(let argument): return tag(of: argument) == nil ? "!Base64" : nil
        case .findInMap: return "!FindInMap"
        case .cidr: return "!Cidr"
        case .if: return "!If"
        case .equals: return "!Equals"
        case .not: return "!Not"
        case .and: return "!And"
        case .or: return "!Or"
        case .condition: return "!Condition"
        }
    }
}
