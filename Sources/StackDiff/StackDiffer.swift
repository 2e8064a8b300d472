import YAML

/// Diffs two versions of one stack's template: sections entry by entry, resources property by
/// property with CloudFormation's replacement rules, replacement propagated through references to a
/// fixpoint, data loss on stateful resources, and the IAM and security-group view.
public enum StackDiffer {
    struct Resource {
        var type: String
        var properties: TemplateTree?
        var attributes: [String: TemplateTree]
        var whole: TemplateTree
    }

    static let attributeKeys = ["Condition", "DependsOn", "DeletionPolicy", "UpdateReplacePolicy", "Metadata"]

    public static func diff(name: String, old: Node?, new: Node?) -> StackDiffResult {
        diff(name: name, old: old.map(TemplateTree.init), new: new.map(TemplateTree.init))
    }

    /// The same, on templates already read into trees (which synth cost reads too).
    public static func diff(name: String, old: TemplateTree?, new: TemplateTree?) -> StackDiffResult {
        let before = old ?? .map([:]), after = new ?? .map([:])
        let oldResources = resources(before), newResources = resources(after)
        var changes: [String: ResourceChange] = [:]

        for id in Set(oldResources.keys).union(newResources.keys) {
            switch (oldResources[id], newResources[id]) {
            case (let was?, nil):
                let loss = StatefulResources.holdsData(was.type, properties: was.properties)
                    ? StatefulResources.note(type: was.type, change: "removed", policy: was.attributes["DeletionPolicy"]?.text) : nil
                changes[id] = ResourceChange(logicalId: id, type: was.type, change: .removed, replacement: .none, properties: [], dataLoss: loss)
            case (nil, let now?):
                changes[id] = ResourceChange(logicalId: id, type: now.type, change: .added, replacement: .none, properties: [], dataLoss: nil)
            case (let was?, let now?):
                if let change = modified(id, was, now) { changes[id] = change }
            default: break
            }
        }
        propagate(&changes, newResources: newResources)
        for (id, change) in changes where change.change == .modified && change.replacement != .none {
            guard let resource = newResources[id], StatefulResources.holdsData(resource.type, properties: resource.properties) else { continue }
            let what = change.replacement == .always ? "replaced" : "may be replaced"
            changes[id]?.dataLoss = StatefulResources.note(type: change.type, change: what, policy: resource.attributes["UpdateReplacePolicy"]?.text)
        }
        let found = NameCollisions.find(stack: name, old: oldResources, new: newResources, changes: changes)
        var result = StackDiffResult(
            name: name, resources: changes.values.sorted { $0.logicalId < $1.logicalId },
            parameters: entries(before["Parameters"], after["Parameters"]), outputs: entries(before["Outputs"], after["Outputs"]),
            conditions: entries(before["Conditions"], after["Conditions"]), mappings: entries(before["Mappings"], after["Mappings"]),
            iam: SecurityView.iamChanges(old: oldResources.mapValues(\.whole), new: newResources.mapValues(\.whole)),
            securityGroups: SecurityView.securityGroupChanges(old: oldResources.mapValues(\.whole), new: newResources.mapValues(\.whole)),
            blockers: found.blockers, orphans: found.orphans)
        result.transforms = transformChanges(before["Transform"], after["Transform"])
        return result
    }

    /// `Transform` is one name or a list of them.
    static func transformChanges(_ old: TemplateTree?, _ new: TemplateTree?) -> [EntryChange] {
        func names(_ tree: TemplateTree?) -> Set<String> {
            switch tree {
            case .list(let items)?: Set(items.compactMap(\.text))
            case let tree?: tree.text.map { [$0] } ?? []
            case nil: []
            }
        }
        let (was, now) = (names(old), names(new))
        return now.subtracting(was).sorted().map { EntryChange(name: $0, change: .added, old: nil, new: .scalar($0)) }
            + was.subtracting(now).sorted().map { EntryChange(name: $0, change: .removed, old: .scalar($0), new: nil) }
    }

    static func resources(_ template: TemplateTree) -> [String: Resource] {
        guard case .map(let map)? = template["Resources"] else { return [:] }
        var result: [String: Resource] = [:]
        for (id, body) in map {
            var attributes: [String: TemplateTree] = [:]
            for key in attributeKeys { attributes[key] = body[key] }
            if case .scalar(let single)? = attributes["DependsOn"] { attributes["DependsOn"] = .list([.scalar(single)]) }
            result[id] = Resource(type: body["Type"]?.text ?? "?", properties: body["Properties"], attributes: attributes, whole: body)
        }
        return result
    }

    static func modified(_ id: String, _ was: Resource, _ now: Resource) -> ResourceChange? {
        var properties = PropertyDiffer.diff(was.properties, now.properties).map { found in
            PropertyChange(path: (["Properties"] + found.path).joined(separator: "."), change: found.change, old: found.old, new: found.new,
                           replacement: ReplacementRules.classify(type: now.type, path: found.schemaPath))
        }
        for key in attributeKeys {
            properties += PropertyDiffer.diff(was.attributes[key], now.attributes[key], path: [key]).map { found in
                PropertyChange(path: found.path.joined(separator: "."), change: found.change, old: found.old, new: found.new, replacement: .none)
            }
        }
        let typeChanged = was.type != now.type
        guard typeChanged || !properties.isEmpty else { return nil }
        let worst = properties.map(\.replacement).max() ?? .none
        return ResourceChange(logicalId: id, type: now.type, oldType: typeChanged ? was.type : nil, change: .modified,
                              replacement: typeChanged ? .always : worst, properties: properties, dataLoss: nil)
    }

    /// A resource whose property refers to a replaced resource gets a new value there too (the new
    /// physical ID or attribute), which may replace it in turn; repeated until nothing changes.
    static func propagate(_ changes: inout [String: ResourceChange], newResources: [String: Resource]) {
        var pending = changes.values.filter { $0.change == .modified && $0.replacement == .always }.map(\.logicalId).sorted()
        guard !pending.isEmpty else { return }
        // Who refers to whom, computed once: referenced ID → (resource, property) pairs.
        var referrers: [String: [(id: String, key: String, value: TemplateTree)]] = [:]
        for (id, resource) in newResources.sorted(by: { $0.key < $1.key }) {
            guard case .map(let properties)? = resource.properties else { continue }
            for (key, value) in properties.sorted(by: { $0.key < $1.key }) {
                for target in value.referencedIds where target != id { referrers[target, default: []].append((id, key, value)) }
            }
        }
        var handled = Set(pending)
        while !pending.isEmpty {
            let next = pending.removeFirst()
            for (id, key, value) in referrers[next] ?? [] {
                guard let resource = newResources[id] else { continue }
                let path = "Properties.\(key)"
                var change = changes[id] ?? ResourceChange(logicalId: id, type: resource.type, change: .modified, replacement: .none,
                                                           properties: [], dataLoss: nil)
                guard change.change == .modified, !change.properties.contains(where: { $0.path == path && $0.causedBy == next }) else { continue }
                let replacement = ReplacementRules.classify(type: resource.type, path: [key])
                change.properties.append(PropertyChange(path: path, change: .modified, old: value, new: value, replacement: replacement, causedBy: next))
                change.replacement = max(change.replacement, replacement)
                changes[id] = change
                if change.replacement == .always, handled.insert(id).inserted { pending.append(id) }
            }
        }
    }

    static func entries(_ old: TemplateTree?, _ new: TemplateTree?) -> [EntryChange] {
        let a: [String: TemplateTree] = { if case .map(let map)? = old { return map }; return [:] }()
        let b: [String: TemplateTree] = { if case .map(let map)? = new { return map }; return [:] }()
        return Set(a.keys).union(b.keys).sorted().compactMap { key in
            switch (a[key], b[key]) {
            case (nil, let now?): EntryChange(name: key, change: .added, old: nil, new: now)
            case (let was?, nil): EntryChange(name: key, change: .removed, old: was, new: nil)
            case (let was?, let now?) where was != now: EntryChange(name: key, change: .modified, old: was, new: now)
            default: nil
            }
        }
    }
}
