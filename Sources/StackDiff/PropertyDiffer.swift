/// Compares two property values and lists the changes by path. Lists whose order CloudFormation
/// ignores (tags, policy statements, security-group rules, ID lists) are matched by key or content,
/// so a reorder is not a change.
enum PropertyDiffer {
    struct Found {
        var path: [String]
        /// The schema form of the path: list items as `*`, for the replacement rules.
        var schemaPath: [String]
        var change: Change
        var old: TemplateTree?
        var new: TemplateTree?
    }

    /// Lists compared as sets of their items' contents.
    static let unorderedLists: Set<String> = [
        "SecurityGroupIngress", "SecurityGroupEgress", "ManagedPolicyArns", "SubnetIds", "SecurityGroupIds",
        "VpcSecurityGroupIds", "EnableCloudwatchLogsExports", "Action", "NotAction", "Resource", "NotResource",
        "Architectures", "AllowedValues", "Roles", "DependsOn",
    ]

    static func diff(_ old: TemplateTree?, _ new: TemplateTree?, path: [String] = [], schemaPath: [String] = []) -> [Found] {
        if old == new { return [] }
        guard let old, let new else {
            return [Found(path: path, schemaPath: schemaPath, change: old == nil ? .added : .removed, old: old, new: new)]
        }
        switch (old, new) {
        case (.map(let a), .map(let b)) where !isIntrinsic(a) && !isIntrinsic(b):
            return Set(a.keys).union(b.keys).sorted().flatMap { key in
                diff(a[key], b[key], path: path + [key], schemaPath: schemaPath + [key])
            }
        case (.list(let a), .list(let b)):
            return diffLists(a, b, path: path, schemaPath: schemaPath)
        default:
            return [Found(path: path, schemaPath: schemaPath, change: .modified, old: old, new: new)]
        }
    }

    static func isIntrinsic(_ map: [String: TemplateTree]) -> Bool {
        map.count == 1 && map.keys.contains { $0 == "Ref" || $0 == "Condition" || $0.hasPrefix("Fn::") }
    }

    private static func diffLists(_ a: [TemplateTree], _ b: [TemplateTree], path: [String], schemaPath: [String]) -> [Found] {
        let last = path.last ?? ""
        let itemPath = schemaPath + ["*"]
        // Items that carry their own identity: tags by Key, statements by Sid.
        for identity in ["Key", "Sid"] {
            let keysA = a.map { $0[identity]?.text }, keysB = b.map { $0[identity]?.text }
            if !a.isEmpty || !b.isEmpty, (keysA + keysB).allSatisfy({ $0 != nil }),
               Set(keysA.compactMap { $0 }).count == a.count, Set(keysB.compactMap { $0 }).count == b.count {
                let left = Dictionary(uniqueKeysWithValues: zip(keysA.compactMap { $0 }, a))
                let right = Dictionary(uniqueKeysWithValues: zip(keysB.compactMap { $0 }, b))
                return Set(left.keys).union(right.keys).sorted().flatMap { key in
                    diff(left[key], right[key], path: path.dropLast() + ["\(last)[\(key)]"], schemaPath: itemPath)
                }
            }
        }
        if unorderedLists.contains(last) || last == "Statement" || last.hasSuffix("Ids") {
            let left = counted(a), right = counted(b)
            var found: [Found] = []
            for item in unique(a) where left[item.canonical, default: 0] > right[item.canonical, default: 0] {
                found.append(Found(path: path + ["[\(item.display)]"], schemaPath: itemPath, change: .removed, old: item, new: nil))
            }
            for item in unique(b) where right[item.canonical, default: 0] > left[item.canonical, default: 0] {
                found.append(Found(path: path + ["[\(item.display)]"], schemaPath: itemPath, change: .added, old: nil, new: item))
            }
            return found
        }
        if a.count == b.count {
            return zip(a, b).enumerated().flatMap { index, pair in
                diff(pair.0, pair.1, path: path + ["[\(index)]"], schemaPath: itemPath)
            }
        }
        return [Found(path: path, schemaPath: schemaPath, change: .modified, old: .list(a), new: .list(b))]
    }

    private static func unique(_ items: [TemplateTree]) -> [TemplateTree] {
        var seen = Set<String>()
        return items.filter { seen.insert($0.canonical).inserted }
    }

    private static func counted(_ items: [TemplateTree]) -> [String: Int] {
        items.reduce(into: [:]) { $0[$1.canonical, default: 0] += 1 }
    }
}
