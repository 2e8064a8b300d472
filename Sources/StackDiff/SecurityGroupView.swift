import Templates

/// Security-group rules added and removed, judged for what traffic they let through.
extension SecurityView {
    struct Rule: Equatable {
        var resource: String
        /// The security group the rule belongs to: the group's logical ID for an inline rule, the
        /// group its `GroupId` names for a standalone one.
        var group: String
        var direction: String
        var proto: String
        var ports: String
        var portRange: ClosedRange<Int>?
        var peer: String
        /// The address range is a parameter, an import or another value the template computes.
        var computedAddress = false
        var when: String?
        var canonical: String
    }

    static func rules(in resources: [String: TemplateTree]) -> [Rule] {
        var found: [Rule] = []
        let groupTypes: Set = ["AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress", "AWS::EC2::SecurityGroupEgress"]
        for (id, body) in resources.filter({ groupTypes.contains($0.value["Type"]?.text ?? "") }).sorted(by: { $0.key < $1.key }) {
            let type = body["Type"]?.text ?? ""
            let properties = body["Properties"]
            do {
                switch type {
                case "AWS::EC2::SecurityGroup":
                    for (key, direction) in [("SecurityGroupIngress", "ingress"), ("SecurityGroupEgress", "egress")] {
                        guard let list = properties?[key] else { continue }
                        found += try ConditionalBranches.items(list).map { rule($0.value!, resource: id, group: id, direction: direction, when: $0.label) }
                    }
                case "AWS::EC2::SecurityGroupIngress", "AWS::EC2::SecurityGroupEgress":
                    guard let properties else { break }
                    let direction = type.hasSuffix("Ingress") ? "ingress" : "egress"
                    for branch in try ConditionalBranches.branches(properties) where branch.value != nil {
                        let group = branch.value?["GroupId"].map(groupName) ?? branch.value?["GroupName"]?.display ?? id
                        found.append(rule(branch.value!, resource: id, group: group, direction: direction, when: branch.label))
                    }
                default: break
                }
            } catch {
                found.append(Rule(resource: id, group: id, direction: "?", proto: "?", ports: "?", portRange: nil, peer: "?", when: nil,
                                  canonical: "unjudgeable:" + (properties?.canonical ?? "")))
            }
        }
        return found
    }

    /// `!Ref G` and `!GetAtt G.GroupId` name the same group.
    static func groupName(_ tree: TemplateTree) -> String {
        if let ref = tree["Ref"]?.text { return ref }
        if case .list(let parts)? = tree["Fn::GetAtt"], parts.count == 2, parts[1].text == "GroupId", let name = parts[0].text { return name }
        return tree.display
    }

    static func rule(_ item: TemplateTree, resource: String, group: String, direction: String, when: String?) -> Rule {
        let proto = item["IpProtocol"]?.display ?? "?"
        let from = item["FromPort"]?.display, to = item["ToPort"]?.display
        let all = proto == "-1" || proto.lowercased() == "all"
        let ports = all ? "all" : from == to ? (from ?? "all") : "\(from ?? "?")-\(to ?? "?")"
        // ICMP's -1 means every type; a missing port on TCP or UDP means every port.
        let range: ClosedRange<Int>? = all ? 0...65_535 : {
            guard let low = Int(from ?? "0"), let high = Int(to ?? from ?? "65535") else { return nil }
            return low < 0 || high < 0 ? 0...65_535 : min(low, high)...max(low, high)
        }()
        let peerKeys = ["CidrIp", "CidrIpv6", "SourceSecurityGroupId", "DestinationSecurityGroupId", "SourcePrefixListId", "DestinationPrefixListId",
                        "SourceSecurityGroupName"]
        let peer = peerKeys.compactMap { item[$0]?.display }.first ?? "?"
        var identity = item
        if case .map(var map) = identity { map["Description"] = nil; identity = .map(map) }
        let address = item["CidrIp"] ?? item["CidrIpv6"]
        return Rule(resource: resource, group: group, direction: direction, proto: all ? "all" : proto.lowercased(), ports: ports, portRange: range,
                    peer: peer, computedAddress: address != nil && address?.text == nil, when: when, canonical: identity.canonical + "|" + (when ?? ""))
    }

    static func securityGroupChanges(old: [String: TemplateTree], new: [String: TemplateTree]) -> [SecurityGroupRuleChange] {
        let before = rules(in: old), after = rules(in: new)
        func key(_ rule: Rule) -> String { rule.resource + "|" + rule.direction + "|" + rule.canonical }
        let beforeKeys = Set(before.map(key)), afterKeys = Set(after.map(key))
        func change(_ rule: Rule, _ kind: Change, broadening: [String]) -> SecurityGroupRuleChange {
            SecurityGroupRuleChange(resource: rule.resource, change: kind, direction: rule.direction, proto: rule.proto, ports: rule.ports,
                                    peer: rule.peer, openToWorld: isWorld(rule.peer), when: rule.when, broadening: broadening)
        }
        return before.filter { !afterKeys.contains(key($0)) }.map { change($0, .removed, broadening: []) }
            + after.filter { !beforeKeys.contains(key($0)) }.map { rule in
                change(rule, .added, broadening: wideningReasons(rule, previous: before.filter { $0.group == rule.group && $0.direction == rule.direction }))
            }
    }

    static func isWorld(_ peer: String) -> Bool { peer == "0.0.0.0/0" || peer == "::/0" }

    /// Why an added rule lets more traffic through its group than before: traffic from (or to) a peer
    /// on ports no earlier rule of the group and direction allowed that peer, the whole internet, or
    /// every protocol; a peer or port the template computes cannot be judged.
    static func wideningReasons(_ rule: Rule, previous: [Rule]) -> [String] {
        var reasons: [String] = []
        if rule.computedAddress || rule.peer == "?" {
            reasons.append("cannot judge: the peer is \(rule.peer == "?" ? "not given" : "computed in the template: " + rule.peer)")
        }
        guard let range = rule.portRange else { return reasons + ["cannot judge: the ports are computed in the template"] }
        let covered = previous.contains { old in
            old.peer == rule.peer && (old.proto == "all" || old.proto == rule.proto) && (old.portRange.map { $0.contains(range.lowerBound) && $0.contains(range.upperBound) } ?? false)
        }
        guard !covered else { return reasons }
        if isWorld(rule.peer) { reasons.append("open to the world (\(rule.peer))") }
        if rule.proto == "all" { reasons.append("every protocol and port") }
        reasons.append("new reach: \(rule.proto) \(rule.ports) \(rule.direction == "ingress" ? "from" : "to") \(rule.peer)")
        return reasons
    }
}
