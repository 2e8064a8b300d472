/// The security-relevant part of a diff, as reviewers want it: IAM statements added and removed (a
/// changed statement is both), flagged when they widen access, and security-group rules, flagged
/// when open to the world.
enum SecurityView {
    struct Statement: Equatable {
        var resource: String
        var effect: String
        var actions: [String]
        var resources: [String]
        var principals: [String]
        var condition: String?
        /// The template conditions that choose this statement ("when C"), if `Fn::If` does.
        var when: String?
        /// Why what it grants cannot be read from the template, if it cannot.
        var cannotJudge: String?
        var canonical: String
    }

    typealias Branch = ConditionalBranches.Branch

    static func statements(in resources: [String: TemplateTree]) -> [Statement] {
        var found: [Statement] = []
        for (id, body) in resources.sorted(by: { $0.key < $1.key }) {
            let properties = body["Properties"]
            do {
                var documents = [properties?["PolicyDocument"], properties?["AssumeRolePolicyDocument"], properties?["KeyPolicy"]]
                    .compactMap { $0 }.map { Branch(conditions: [:], value: $0) }
                if let policies = properties?["Policies"] {
                    documents += try ConditionalBranches.items(policies).compactMap { policy in
                        policy.value?["PolicyDocument"].map { Branch(conditions: policy.conditions, value: $0) }
                    }
                }
                for document in documents {
                    for item in try conditionalStatements(document) {
                        found.append(statement(item.value!, resource: id, when: item.label))
                    }
                }
                if let arns = properties?["ManagedPolicyArns"] {
                    for arn in try ConditionalBranches.items(arns) {
                        found.append(Statement(resource: id, effect: "Allow", actions: ["managed policy " + arn.value!.display], resources: [],
                                               principals: [], condition: nil, when: arn.label, canonical: "managed:\(arn.label ?? ""):" + arn.value!.canonical))
                    }
                }
            } catch {
                found.append(Statement(resource: id, effect: "Allow", actions: [], resources: [], principals: [], condition: nil, when: nil,
                                       cannotJudge: "its policies resolve more than \(ConditionalBranches.limit) ways (Fn::If)",
                                       canonical: "unjudgeable:" + (properties?.canonical ?? "")))
            }
        }
        return found
    }

    /// A policy document's statements, each with the conditions that choose it: the document, its
    /// `Statement` list and each statement may be under `Fn::If`.
    static func conditionalStatements(_ document: Branch) throws -> [Branch] {
        guard let tree = document.value else { return [] }
        if let (condition, whenTrue, whenFalse) = ConditionalBranches.ifParts(tree) {
            let chosen = [ConditionalBranches.add(condition, true, to: Branch(conditions: document.conditions, value: whenTrue)),
                          ConditionalBranches.add(condition, false, to: Branch(conditions: document.conditions, value: whenFalse))]
            return try chosen.compactMap { $0 }.flatMap(conditionalStatements)
        }
        guard let list = tree["Statement"] else { return [] }
        return try ConditionalBranches.items(list).compactMap { item in
            var combined = item
            for (condition, holds) in document.conditions {
                guard let next = ConditionalBranches.add(condition, holds, to: combined) else { return nil }
                combined = next
            }
            return combined
        }
    }

    static func strings(_ tree: TemplateTree?) -> [String] {
        switch tree {
        case .list(let items)?: items.map(\.display)
        case let single?: [single.display]
        case nil: []
        }
    }

    static func statement(_ item: TemplateTree, resource: String, when: String? = nil) -> Statement {
        var principals: [String] = []
        if let principal = item["Principal"] {
            if case .map(let map) = principal, !PropertyDiffer.isIntrinsic(map) {
                for (kind, value) in map.sorted(by: { $0.key < $1.key }) { principals += strings(value).map { "\(kind): \($0)" } }
            } else {
                principals = [principal.display]
            }
        }
        let effect = item["Effect"]?.text ?? "Allow"
        let actions = strings(item["Action"] ?? item["NotAction"]), resources = strings(item["Resource"] ?? item["NotResource"])
        // Order inside Action, Resource and Principal lists means nothing to IAM.
        let canonical = [effect, actions.sorted().joined(separator: ","), resources.sorted().joined(separator: ","),
                         principals.sorted().joined(separator: ","), item["Condition"]?.canonical ?? "",
                         item["NotAction"] == nil ? "" : "not-action", item["NotResource"] == nil ? "" : "not-resource", when ?? ""].joined(separator: "|")
        // An action or principal the template computes (a parameter, an import) says nothing of what it grants.
        let computed = (strings(item["Action"] ?? item["NotAction"]) + principals).filter { $0.hasPrefix("!") }
        return Statement(resource: resource, effect: effect, actions: actions, resources: resources, principals: principals,
                         condition: item["Condition"]?.display, when: when,
                         cannotJudge: computed.isEmpty ? nil : "computed in the template: " + computed.joined(separator: ", "), canonical: canonical)
    }

    static func iamChanges(old: [String: TemplateTree], new: [String: TemplateTree]) -> [IAMChange] {
        let before = statements(in: old), after = statements(in: new)
        let beforeKeys = Set(before.map { $0.resource + "|" + $0.canonical }), afterKeys = Set(after.map { $0.resource + "|" + $0.canonical })
        var changes: [IAMChange] = []
        for statement in before where !afterKeys.contains(statement.resource + "|" + statement.canonical) {
            changes.append(change(statement, .removed, broadening: []))
        }
        for statement in after where !beforeKeys.contains(statement.resource + "|" + statement.canonical) {
            let previous = before.filter { $0.resource == statement.resource && $0.effect == "Allow" }
            var reasons: [String] = []
            if let reason = statement.cannotJudge { reasons.append("cannot judge: " + reason) }
            if statement.effect == "Allow" {
                let knownActions = Set(previous.flatMap(\.actions)), knownPrincipals = Set(previous.flatMap(\.principals))
                let newActions = statement.actions.filter { !knownActions.contains($0) }
                if !newActions.isEmpty { reasons.append("new actions: " + newActions.joined(separator: ", ")) }
                if statement.actions.contains(where: { $0 == "*" || $0.hasSuffix(":*") }) { reasons.append("wildcard action") }
                if statement.resources.contains("*") { reasons.append("Resource \"*\"") }
                let newPrincipals = statement.principals.filter { !knownPrincipals.contains($0) }
                if !newPrincipals.isEmpty { reasons.append("new principal: " + newPrincipals.joined(separator: ", ")) }
            }
            changes.append(change(statement, .added, broadening: reasons))
        }
        return changes
    }

    static func change(_ statement: Statement, _ kind: Change, broadening: [String]) -> IAMChange {
        IAMChange(resource: statement.resource, change: kind, effect: statement.effect, actions: statement.actions,
                  resources: statement.resources, principals: statement.principals, condition: statement.condition, when: statement.when,
                  broadening: broadening)
    }

    struct Rule: Equatable {
        var resource: String
        var direction: String
        var proto: String
        var ports: String
        var peer: String
        var canonical: String
    }

    static func rules(in resources: [String: TemplateTree]) -> [Rule] {
        var found: [Rule] = []
        for (id, body) in resources.sorted(by: { $0.key < $1.key }) {
            let type = body["Type"]?.text ?? ""
            let properties = body["Properties"]
            switch type {
            case "AWS::EC2::SecurityGroup":
                for (key, direction) in [("SecurityGroupIngress", "ingress"), ("SecurityGroupEgress", "egress")] {
                    if case .list(let items)? = properties?[key] { found += items.map { rule($0, resource: id, direction: direction) } }
                }
            case "AWS::EC2::SecurityGroupIngress": if let properties { found.append(rule(properties, resource: id, direction: "ingress")) }
            case "AWS::EC2::SecurityGroupEgress": if let properties { found.append(rule(properties, resource: id, direction: "egress")) }
            default: break
            }
        }
        return found
    }

    static func rule(_ item: TemplateTree, resource: String, direction: String) -> Rule {
        let proto = item["IpProtocol"]?.display ?? "?"
        let from = item["FromPort"]?.display, to = item["ToPort"]?.display
        let ports = proto == "-1" ? "all" : from == to ? (from ?? "all") : "\(from ?? "?")-\(to ?? "?")"
        let peerKeys = ["CidrIp", "CidrIpv6", "SourceSecurityGroupId", "DestinationSecurityGroupId", "SourcePrefixListId", "DestinationPrefixListId"]
        let peer = peerKeys.compactMap { item[$0]?.display }.first ?? "?"
        var identity = item
        if case .map(var map) = identity { map["Description"] = nil; identity = .map(map) }
        return Rule(resource: resource, direction: direction, proto: proto == "-1" ? "all" : proto, ports: ports, peer: peer, canonical: identity.canonical)
    }

    static func securityGroupChanges(old: [String: TemplateTree], new: [String: TemplateTree]) -> [SecurityGroupRuleChange] {
        let before = rules(in: old), after = rules(in: new)
        func key(_ rule: Rule) -> String { rule.resource + "|" + rule.direction + "|" + rule.canonical }
        let beforeKeys = Set(before.map(key)), afterKeys = Set(after.map(key))
        func change(_ rule: Rule, _ kind: Change) -> SecurityGroupRuleChange {
            SecurityGroupRuleChange(resource: rule.resource, change: kind, direction: rule.direction, proto: rule.proto, ports: rule.ports,
                                    peer: rule.peer, openToWorld: rule.peer == "0.0.0.0/0" || rule.peer == "::/0")
        }
        return before.filter { !afterKeys.contains(key($0)) }.map { change($0, .removed) }
            + after.filter { !beforeKeys.contains(key($0)) }.map { change($0, .added) }
    }
}
