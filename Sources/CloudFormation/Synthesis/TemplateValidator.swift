import DSLCore

/// Checks a template's names and references before it is written: every logical ID valid and unique,
/// every `Ref`, `GetAtt`, `Sub` placeholder, `DependsOn`, condition and mapping pointing at something
/// that exists, and functions that share an artifact sharing its architecture. Cross-stack
/// references have already become imports by the time this runs.
public enum TemplateValidator {
    /// CloudFormation's limit on resources in one template.
    public static let maximumResources = 500

    public static func validate(_ template: Template, stack: String, resourceLimit: Int = maximumResources) -> [Diagnostic] {
        var errors: [Diagnostic] = []
        let subject = "stack \"\(stack)\""
        func report(_ id: String, _ what: String, _ message: String, at location: SourceLocation? = nil) {
            errors.append(Diagnostic("template.\(id)", location: location, subject: "\(subject): \(what)", message: message))
        }
        // Where a resource or parameter was declared (several places when it is declared twice); looked
        // up only for a name in a diagnostic.
        func declared(_ name: String) -> [SourceLocation] {
            template.resources.compactMap { $0.logicalId == name ? $0.attributes.location : nil }
                + template.parameters.compactMap { $0.name == name ? $0.location : nil }
        }

        let resourceIds = template.resources.map(\.logicalId)
        let parameterNames = template.parameters.map(\.name)
        let conditions = Set(template.conditions.map(\.name))
        let mappings = Set(template.mappings.map(\.name))
        let resources = Set(resourceIds)
        let parameters = Set(parameterNames)

        for (kind, names, distinct) in [("resource or parameter", resourceIds + parameterNames, resources.union(parameters).count),
                                        ("output", template.outputs.map(\.name), Set(template.outputs.map(\.name)).count),
                                        ("condition", template.conditions.map(\.name), conditions.count),
                                        ("mapping", template.mappings.map(\.name), mappings.count)] {
            for name in names where !isValidLogicalId(name) {
                report("logical-id", "\(kind) \"\(name)\"", "a logical ID must be 1–255 ASCII letters and digits; rename it", at: declared(name).first)
            }
            // Names are told apart one by one only when their set is smaller than their list.
            guard distinct < names.count else { continue }
            var seen = Set<String>()
            for name in names where !seen.insert(name).inserted {
                let places = declared(name)
                let both = places.count > 1 ? " (at \(places.map(\.description).joined(separator: " and ")))" : ""
                report("duplicate-id", "\(kind) \"\(name)\"", "declared twice\(both); give each \(kind) its own logical ID", at: places.last)
            }
        }
        if template.resources.count > resourceLimit {
            report("resource-limit", "resources", "\(template.resources.count) resources exceed the limit of \(resourceLimit) per template; split the stack")
        }

        // `what` is written only for a value that has a problem.
        func check(_ value: Value, in what: @autoclosure () -> String, at location: SourceLocation? = nil) {
            func report(_ id: String, _ what: String, _ message: String) { errors.append(Diagnostic("template.\(id)", location: location, subject: "\(subject): \(what)", message: message)) }
            let used = value.namesUsed
            for reference in used.references {
                let target = reference.target
                switch reference.kind {
                case .getAtt:
                    if !resources.contains(target) {
                        report("reference", what(), "GetAtt \(target).\(reference.attribute ?? "") refers to no resource named \"\(target)\"" + hint(target, among: resources))
                    }
                case .ref, .sub:
                    let known = resources.contains(target) || Pseudo.names.contains(target)
                        || (parameters.contains(target) && reference.attribute == nil)
                    if !known {
                        let form = reference.kind == .ref ? "Ref \(target)" : "${\(reference.attribute.map { "\(target).\($0)" } ?? target)} in Fn::Sub"
                        report("reference", what(), "\(form) refers to no resource, parameter or pseudo parameter named \"\(target)\"" + hint(target, among: resources.union(parameters)))
                    }
                }
            }
            for name in used.conditions where !conditions.contains(name) {
                report("condition", what(), "condition \"\(name)\" is not declared" + hint(name, among: conditions))
            }
            for name in used.mappings where !mappings.contains(name) {
                report("mapping", what(), "mapping \"\(name)\" is not declared" + hint(name, among: mappings))
            }
        }

        for resource in template.resources {
            let what = { "resource \"\(resource.logicalId)\"" }
            let attributes = resource.attributes
            let location = attributes.location
            check(.object(resource.properties), in: what(), at: location)
            check(.object(attributes.metadata), in: what(), at: location)
            for dependency in attributes.dependsOn where !resources.contains(dependency) {
                report("depends-on", what(), "DependsOn \"\(dependency)\" names no resource in this stack" + hint(dependency, among: resources), at: location)
            }
            if let condition = attributes.condition, !conditions.contains(condition) {
                report("condition", what(), "condition \"\(condition)\" is not declared" + hint(condition, among: conditions), at: location)
            }
        }
        for output in template.outputs {
            let what = "output \"\(output.name)\""
            check(output.value, in: what)
            if let exportName = output.exportName { check(exportName, in: what) }
            if let condition = output.condition, !conditions.contains(condition) {
                report("condition", what, "condition \"\(condition)\" is not declared")
            }
        }
        for condition in template.conditions {
            check(condition.expression, in: "condition \"\(condition.name)\"")
        }
        // CloudFormation refuses a stack whose parameter default breaks the parameter's own rules (cfn-lint E2015).
        for parameter in template.parameters {
            guard let problem = defaultProblem(of: parameter) else { continue }
            errors.append(Diagnostic("parameter.default", location: parameter.location, subject: "\(subject): parameter \"\(parameter.name)\"", message: problem))
        }
        return errors + FunctionArtifact.all(in: template, stack: stack).errors
    }

    /// What is wrong with a parameter's literal default: a value outside AllowedValues, or one that
    /// AllowedPattern does not match whole (each element, for a comma-delimited list).
    static func defaultProblem(of parameter: Parameter) -> String? {
        guard let value = parameter.defaultValue else { return nil }
        let text: String
        switch value {
        case .string(let string), .number(let string): text = string
        default: return nil
        }
        if !parameter.allowedValues.isEmpty, !parameter.allowedValues.contains(value) {
            return "its default \"\(text)\" is not one of its AllowedValues; change the setting it comes from"
        }
        if let pattern = parameter.allowedPattern {
            let values = parameter.type == "CommaDelimitedList" ? text.split(separator: ",", omittingEmptySubsequences: false).map(String.init) : [text]
            if let bad = values.first(where: { CompiledPatterns.matches(pattern, $0, whole: true) == false }) {
                return "its default \"\(bad)\" does not match its AllowedPattern \(pattern); change the setting it comes from"
            }
        }
        return nil
    }

    static func isValidLogicalId(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 255 && name.utf8.allSatisfy { (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) }
    }

    /// "; did you mean \"ChatDB\"?" when a declared name differs only in case or by one edit.
    static func hint(_ name: String, among candidates: Set<String>) -> String {
        let lowered = name.lowercased()
        let close = candidates.sorted().first { candidate in
            candidate.lowercased() == lowered || editDistance(candidate, name) <= 2
        }
        return close.map { "; did you mean \"\($0)\"?" } ?? ""
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
