import Templates

/// A template value as each deploy may see it. CloudFormation resolves every `Fn::If` to one of its
/// branches (and drops what resolves to `AWS::NoValue`), so what a policy grants is judged branch by
/// branch, each named by the conditions that choose it ("when C", "when not C"); a reviewer must not
/// see a conditional statement as an empty one.
enum ConditionalBranches {
    /// One way the value may resolve: the conditions that choose it, and the value (nil: `AWS::NoValue`).
    struct Branch: Equatable {
        var conditions: [String: Bool]
        var value: TemplateTree?

        /// This branch when `more` also hold; nil when they contradict its own conditions (C and not C).
        func adding(_ more: [String: Bool]) -> Branch? {
            guard more.allSatisfy({ conditions[$0.key] ?? $0.value == $0.value }) else { return nil }
            return Branch(conditions: conditions.merging(more) { own, _ in own }, value: value)
        }

        /// "when C and not D"; nil when no condition applies.
        var label: String? {
            conditions.isEmpty ? nil : "when " + conditions.keys.sorted().map { (conditions[$0]! ? "" : "not ") + $0 }.joined(separator: " and ")
        }
    }

    /// More combinations than this are not enumerated (a hostile template could nest thousands).
    static let limit = 64

    struct TooManyBranches: Error {}

    /// Every way `tree` may resolve, consistent combinations only (a branch chosen by C and by not C
    /// cannot happen).
    static func branches(_ tree: TemplateTree) throws -> [Branch] {
        if let (condition, whenTrue, whenFalse) = ifParts(tree) {
            let chosen = try branches(whenTrue).compactMap { $0.adding([condition: true]) }
                + branches(whenFalse).compactMap { $0.adding([condition: false]) }
            guard chosen.count <= limit else { throw TooManyBranches() }
            return chosen
        }
        switch tree {
        case .map(let map) where map.count == 1 && map["Ref"] == .scalar("AWS::NoValue"):
            return [Branch(conditions: [:], value: nil)]
        case .list(let items):
            return try combine(items.map(branches)).map { combination in
                Branch(conditions: combination.conditions, value: .list(combination.values.compactMap { $0 }))
            }
        case .map(let map):
            let keys = map.keys.sorted()
            return try combine(keys.map { try branches(map[$0]!) }).map { combination in
                var resolved: [String: TemplateTree] = [:]
                for (key, value) in zip(keys, combination.values) where value != nil { resolved[key] = value }
                return Branch(conditions: combination.conditions, value: .map(resolved))
            }
        case .scalar, .null:
            return [Branch(conditions: [:], value: tree)]
        }
    }

    /// The items of a list that may itself be chosen by `Fn::If` (a policy's `Statement`), each item
    /// with its own branches: a condition on one statement does not multiply the others.
    static func items(_ tree: TemplateTree) throws -> [Branch] {
        if let (condition, whenTrue, whenFalse) = ifParts(tree) {
            return try items(whenTrue).compactMap { $0.adding([condition: true]) } + items(whenFalse).compactMap { $0.adding([condition: false]) }
        }
        guard case .list(let elements) = tree else { return try branches(tree).filter { $0.value != nil } }
        return try elements.flatMap { try branches($0) }.filter { $0.value != nil }
    }

    static func ifParts(_ tree: TemplateTree) -> (String, TemplateTree, TemplateTree)? {
        guard case .map(let map) = tree, map.count == 1, case .list(let parts)? = map["Fn::If"], parts.count == 3,
              let condition = parts[0].text else { return nil }
        return (condition, parts[1], parts[2])
    }

    /// The consistent combinations of one branch from each part.
    private static func combine(_ parts: [[Branch]]) throws -> [(conditions: [String: Bool], values: [TemplateTree?])] {
        var combinations: [(conditions: [String: Bool], values: [TemplateTree?])] = [([:], [])]
        for part in parts {
            var next: [(conditions: [String: Bool], values: [TemplateTree?])] = []
            for combination in combinations {
                for branch in part {
                    guard let merged = branch.adding(combination.conditions) else { continue }
                    next.append((merged.conditions, combination.values + [branch.value]))
                }
            }
            guard next.count <= limit else { throw TooManyBranches() }
            combinations = next
        }
        return combinations
    }
}
