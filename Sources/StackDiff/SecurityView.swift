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
        var canonical: String
    }

    static func statements(in resources: [String: TemplateTree]) -> [Statement] {
        var found: [Statement] = []
        for (id, body) in resources.sorted(by: { $0.key < $1.key }) {
            let properties = body["Properties"]
            var documents: [TemplateTree?] = [properties?["PolicyDocument"], properties?["AssumeRolePolicyDocument"], properties?["KeyPolicy"]]
            if case .list(let policies)? = properties?["Policies"] { documents += policies.map { $0["PolicyDocument"] } }
            for document in documents.compactMap({ $0 }) {
                var list: [TemplateTree] = []
                switch document["Statement"] {
                case .list(let items)?: list = items
                case let single?: list = [single]
                case nil: break
                }
                for item in list { found.append(statement(item, resource: id)) }
            }
            if case .list(let arns)? = properties?["ManagedPolicyArns"] {
                for arn in arns {
                    found.append(Statement(resource: id, effect: "Allow", actions: ["managed policy " + arn.display], resources: [],
                                           principals: [], condition: nil, canonical: "managed:" + arn.canonical))
                }
            }
        }
        return found
    }

    static func strings(_ tree: TemplateTree?) -> [String] {
        switch tree {
        case .list(let items)?: items.map(\.display)
        case let single?: [single.display]
        case nil: []
        }
    }

    static func statement(_ item: TemplateTree, resource: String) -> Statement {
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
                         item["NotAction"] == nil ? "" : "not-action", item["NotResource"] == nil ? "" : "not-resource"].joined(separator: "|")
        return Statement(resource: resource, effect: effect, actions: actions, resources: resources, principals: principals,
                         condition: item["Condition"]?.display, canonical: canonical)
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
                  resources: statement.resources, principals: statement.principals, condition: statement.condition, broadening: broadening)
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
