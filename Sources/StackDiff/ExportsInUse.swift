import TemplateSyntax

/// Exports another stack of the stage imports, which CloudFormation refuses to change or remove
/// ("Cannot update export … as it is in use by …"). Stacks deploy in manifest order, exporters
/// first, so an import still in the deployed (old) template of an importer blocks the exporter's
/// update as much as one in its new template.
public enum ExportsInUse {
    public static func find(_ stacks: [StackTemplates]) -> [DeployBlocker] {
        var blockers: [DeployBlocker] = []
        let imported = stacks.map { (name: $0.name, deployed: imports($0.old), kept: imports($0.new)) }
        for stack in stacks {
            let before = exports(stack.old, stackName: stack.stackName), after = exports(stack.new, stackName: stack.stackName)
            let replaced = Set(stack.diff.resources.filter { $0.change == .modified && $0.replacement == .always }.map(\.logicalId))
            for name in before.keys.sorted() {
                guard let was = before[name] else { continue }
                let change: String, cause: String?
                if let now = after[name] {
                    if now.value != was.value {
                        (change, cause) = ("changes from \(was.value.display) to \(now.value.display)", nil)
                    } else if let target = now.value.referencedIds.intersection(replaced).sorted().first {
                        (change, cause) = ("changes because \(target), which it refers to, is replaced", target)
                    } else {
                        continue
                    }
                } else {
                    (change, cause) = ("is removed", nil)
                }
                let importers = imported.filter { $0.name != stack.name }.compactMap { other -> (name: String, stillImports: Bool)? in
                    let deployed = other.deployed.contains(name), kept = other.kept.contains(name)
                    return deployed || kept ? (other.name, kept) : nil
                }
                guard !importers.isEmpty else { continue }
                let names = importers.map(\.name).joined(separator: ", ")
                let fix = if after[name] == nil && importers.contains(where: \.stillImports) {
                    "keep the export, or stop importing it in \(importers.filter(\.stillImports).map(\.name).joined(separator: ", ")) first"
                } else if after[name] == nil {
                    "keep it exported for this deploy: declare KeepExported([…]) with the value in \(names), and remove that once "
                        + "\(names) \(importers.count == 1 ? "is" : "are") deployed without the import"
                } else {
                    "deploy in two steps: first make \(names) stop importing \(name) (pass the value another way, such as a parameter) "
                        + "and deploy \(importers.count == 1 ? "it" : "them"); then deploy this change to \(stack.name) and restore the import. "
                        + "synth does not generate that transition yet"
                }
                blockers.append(DeployBlocker(
                    kind: .exportInUse, stack: stack.name, resource: cause ?? was.output, export: name,
                    detail: "export \(name) (output \(was.output)) \(change), but \(names) import\(importers.count == 1 ? "s" : "") it: "
                        + "CloudFormation refuses to update an export that is in use",
                    fix: fix))
            }
        }
        return blockers
    }

    /// Export name → the output that exports it and its value.
    static func exports(_ template: TemplateTree?, stackName: String?) -> [String: (output: String, value: TemplateTree)] {
        guard case .map(let outputs)? = template?["Outputs"] else { return [:] }
        var found: [String: (output: String, value: TemplateTree)] = [:]
        for (output, body) in outputs {
            guard let exported = body["Export"]?["Name"], let name = resolve(exported, stackName: stackName), let value = body["Value"] else { continue }
            found[name] = (output, value)
        }
        return found
    }

    /// Export names `Fn::ImportValue` reads with a literal name.
    static func imports(_ template: TemplateTree?) -> Set<String> {
        var found = Set<String>()
        template?["Resources"]?.visit { tree in
            if let name = tree["Fn::ImportValue"]?.text { found.insert(name) }
        }
        template?["Outputs"]?.visit { tree in
            if let name = tree["Fn::ImportValue"]?.text { found.insert(name) }
        }
        return found
    }

    /// A literal name, or a `Sub` whose only placeholder is `${AWS::StackName}`.
    static func resolve(_ name: TemplateTree, stackName: String?) -> String? {
        if let text = name.text { return text }
        guard let template = name["Fn::Sub"]?.text, let stackName else { return nil }
        let placeholders = SubPlaceholder.all(in: template)
        guard placeholders.allSatisfy({ $0.target == "AWS::StackName" }) else { return nil }
        return template.replacingEvery("${AWS::StackName}", with: stackName)
    }
}
