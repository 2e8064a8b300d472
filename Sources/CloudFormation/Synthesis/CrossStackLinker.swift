import TemplateSyntax

/// Turns references between stacks of one stage into CloudFormation exports and imports: the
/// producer gets an `Output` with an `Export`, the consumer an `Fn::ImportValue`, and the consumer
/// is recorded as depending on the producer. A name is looked up in the consumer's own stack first.
struct CrossStackLinker {
    private(set) var templates: [Template]
    private(set) var dependencies: [[Int]]
    private(set) var errors: [Diagnostic] = []
    private let names: [String]
    private let naming: ExportNaming

    init(stacks: [(name: String, template: Template)], deployNames: [String]) {
        templates = stacks.map(\.template)
        names = stacks.map(\.name)
        dependencies = Array(repeating: [], count: stacks.count)
        var owners: [String: [Int]] = [:]
        for (index, template) in templates.enumerated() {
            for resource in template.resources { owners[resource.logicalId, default: []].append(index) }
        }
        naming = ExportNaming(owners: owners, deployNames: deployNames)
    }

    mutating func link() {
        for consumer in templates.indices {
            var template = templates[consumer]
            let local = Set(template.resources.map(\.logicalId) + template.parameters.map(\.name))
            var imports: [Import] = []
            template.resources = template.resources.map { resource in
                let properties = resource.properties.map { field in
                    Field(field.key, field.value.rewritten { naming.imported($0, into: consumer, local: local, imports: &imports) })
                }
                return PropertyOverride(base: resource, properties: properties)
            }
            template.outputs = template.outputs.map { output in
                var output = output
                output.value = output.value.rewritten { naming.imported($0, into: consumer, local: local, imports: &imports) }
                return output
            }
            // Kept imports only keep the producers' exports: what they rewrite to is not written anywhere.
            for value in template.keptImports {
                var kept: [Import] = []
                _ = value.rewritten { naming.imported($0, into: consumer, local: local, imports: &kept) }
                if kept.isEmpty {
                    errors.append(Diagnostic("stack.kept-export", subject: "stack \"\(names[consumer])\"",
                        message: "KeepExported names \(value), which no other stack of the stage declares; keep only values of other stacks"))
                }
                imports += kept
            }
            for resource in template.resources {
                for dependency in resource.attributes.dependsOn where !local.contains(dependency) && naming.owners[dependency] != nil {
                    errors.append(Diagnostic("stack.depends-on-other-stack", location: resource.attributes.location,
                        subject: "stack \"\(names[consumer])\": resource \"\(resource.logicalId)\"",
                        message: "DependsOn \"\(dependency)\" names a resource of another stack; reference it instead and the stacks deploy in order"))
                }
            }
            templates[consumer] = template
            for item in imports { export(item, to: consumer) }
        }
    }

    /// Adds the producer's exported output for an import, once.
    private mutating func export(_ item: Import, to consumer: Int) {
        if !dependencies[consumer].contains(item.producer) { dependencies[consumer].append(item.producer) }
        let outputName = "Export" + item.logicalId + (item.attribute?.filter { $0 != "." } ?? "")
        guard !templates[item.producer].outputs.contains(where: { $0.name == outputName }) else { return }
        let value: Value = item.attribute.map { .intrinsic(.getAtt(item.logicalId, attribute: $0)) } ?? .intrinsic(.ref(item.logicalId))
        templates[item.producer].outputs.append(Output(
            outputName, value,
            description: "\(item.logicalId)\(item.attribute.map { ".\($0)" } ?? "") for the \(names[consumer]) stack",
            exportName: .string(naming.exportName(item))))
    }
}

/// A value one stack imports from another.
struct Import: Equatable {
    var producer: Int
    var logicalId: String
    var attribute: String?
}

/// Which stack owns a name, and what its exports are called: `<deploy name>-<LogicalId>[-<Attribute>]`.
struct ExportNaming {
    let owners: [String: [Int]]
    let deployNames: [String]

    /// The producer stack of a name not declared in `consumer`, when exactly one other stack has it.
    func producer(of name: String, for consumer: Int, local: Set<String>) -> Int? {
        guard !local.contains(name), let candidates = owners[name], candidates.count == 1, candidates[0] != consumer else { return nil }
        return candidates[0]
    }

    func exportName(_ item: Import) -> String {
        let suffix = item.attribute.map { "-" + $0.filter { $0 != "." } } ?? ""
        return "\(deployNames[item.producer])-\(item.logicalId)\(suffix)"
    }

    func imported(_ value: Value, into consumer: Int, local: Set<String>, imports: inout [Import]) -> Value? {
        guard case .intrinsic(let function) = value else { return nil }
        switch function {
        case .ref(let name), .getAtt(let name, _):
            guard let producer = producer(of: name, for: consumer, local: local) else { return nil }
            var attribute: String?
            if case .getAtt(_, let name) = function { attribute = name }
            let item = Import(producer: producer, logicalId: name, attribute: attribute)
            imports.append(item)
            return .importValue(.string(exportName(item)))
        case .sub(var text, var variables):
            let declared = variables.map(\.key)
            var changed = false
            for placeholder in SubPlaceholder.all(in: text) where !declared.contains(placeholder.name) {
                guard let producer = producer(of: placeholder.target, for: consumer, local: local) else { continue }
                let item = Import(producer: producer, logicalId: placeholder.target, attribute: placeholder.attribute)
                imports.append(item)
                changed = true
                let variable = placeholder.name.filter { $0 != "." }
                text = text.replacingAll("${\(placeholder.name)}", with: "${\(variable)}")
                if !variables.contains(where: { $0.key == variable }) {
                    variables.append(Field(variable, .importValue(.string(exportName(item)))))
                }
            }
            return changed ? .intrinsic(.sub(text, variables: variables)) : nil
        default:
            return nil
        }
    }
}

/// A resource seen through different property values: the linker's rewritten copy.
struct PropertyOverride: Resource {
    var base: any Resource
    let properties: [Field]
    var resourceType: String { base.resourceType }
    var logicalId: String { base.logicalId }
    var attributes: ResourceAttributes {
        get { base.attributes }
        set { base.attributes = newValue }
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = Substring(self)
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
