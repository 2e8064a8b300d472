/// What in one stack's update CloudFormation refuses half-way, and what the update leaves behind:
/// a replaced resource that keeps its custom name (the replacement is created before the old
/// resource is deleted, so the name is still taken), a new resource that takes the name of a removed
/// or retained one (an interface endpoint's private DNS name for its service in its VPC included),
/// and resources whose `Retain` policies keep them after the stack lets go.
enum NameCollisions {
    static let retainingPolicies: Set<String> = ["Retain", "RetainExceptOnCreate"]

    static func find(stack: String, old: [String: StackDiffer.Resource], new: [String: StackDiffer.Resource],
                     changes: [String: ResourceChange]) -> (blockers: [DeployBlocker], orphans: [RetainedOrphan]) {
        var blockers: [DeployBlocker] = [], orphans: [RetainedOrphan] = []
        let replaced = Set(changes.values.filter { $0.change == .modified && $0.replacement == .always }.map(\.logicalId))

        for id in replaced.sorted() {
            guard let change = changes[id], let was = old[id], let now = new[id] else { continue }
            if let policy = now.attributes["UpdateReplacePolicy"]?.text, retainingPolicies.contains(policy) {
                orphans.append(RetainedOrphan(stack: stack, resource: id, type: was.type, reason: "replaced", policy: policy,
                                              name: name(of: was)?.display))
            }
            guard change.oldType == nil, let property = ReplacementRules.nameProperty(of: now.type),
                  let oldName = was.properties?[property], let newName = now.properties?[property],
                  oldName == newName, newName.referencedIds.isDisjoint(with: replaced) else { continue }
            let causes = change.properties.filter { $0.replacement == .always }.map { $0.causedBy.map { "\($0) is replaced" } ?? $0.path }
            blockers.append(DeployBlocker(
                kind: .customNameReplacement, stack: stack, resource: id, export: nil,
                detail: "\(id) (\(now.type)) is replaced (\(causes.joined(separator: "; "))) but keeps \(property) \(newName.display): "
                    + "CloudFormation creates the replacement before it deletes the old resource, which still holds that name",
                fix: "change \(property) in the same change, or remove it so CloudFormation names the resource; "
                    + "or avoid the change that replaces \(id)"))
        }

        for id in old.keys.sorted() where new[id] == nil {
            guard let was = old[id], let policy = was.attributes["DeletionPolicy"]?.text, retainingPolicies.contains(policy) else { continue }
            orphans.append(RetainedOrphan(stack: stack, resource: id, type: was.type, reason: "removed", policy: policy, name: name(of: was)?.display))
        }

        // A new logical ID that takes the name of a removed one: new resources are created before
        // removed ones are deleted, and a retained one is never deleted.
        let removed = old.filter { new[$0.key] == nil }
        for id in new.keys.sorted() where old[id] == nil {
            guard let now = new[id], let taken = name(of: now) else { continue }
            for (oldId, was) in removed.sorted(by: { $0.key < $1.key }) where was.type == now.type && name(of: was) == taken {
                let policy = was.attributes["DeletionPolicy"]?.text ?? "Delete"
                let retained = retainingPolicies.contains(policy)
                blockers.append(DeployBlocker(
                    kind: .nameCollision, stack: stack, resource: id, export: nil,
                    detail: "\(id) (\(now.type)) takes the name \(taken.display), which \(oldId) still holds: "
                        + (retained ? "it is removed with DeletionPolicy \(policy), so it stays after the update"
                                    : "CloudFormation creates new resources before it deletes removed ones"),
                    fix: retained
                        ? "give \(id) another name, or delete the retained \(taken.display) by hand before deploying"
                        : "keep the logical ID \(oldId) instead of adding \(id), or give \(id) another name"))
            }
        }
        // Private DNS for a service is one per VPC: a new interface endpoint that enables it while a
        // removed one still has it fails to create.
        for id in new.keys.sorted() where old[id] == nil {
            guard let now = new[id], let claim = privateDNS(of: now) else { continue }
            for (oldId, was) in removed.sorted(by: { $0.key < $1.key }) where privateDNS(of: was) == claim {
                blockers.append(DeployBlocker(
                    kind: .nameCollision, stack: stack, resource: id, export: nil,
                    detail: "\(id) (AWS::EC2::VPCEndpoint) enables private DNS for \(claim.service.display) in \(claim.vpc.display), "
                        + "which \(oldId) still holds: CloudFormation creates new resources before it deletes removed ones, "
                        + "and a VPC takes one private DNS name per service",
                    fix: "keep the logical ID \(oldId) for the endpoint instead of adding \(id), or deploy once with "
                        + "PrivateDnsEnabled false on \(id) and turn it on in the next deploy"))
            }
        }
        return (blockers, orphans)
    }

    struct PrivateDNSClaim: Equatable {
        var service: TemplateTree
        var vpc: TemplateTree
    }

    /// The service and VPC an interface endpoint with private DNS answers for.
    static func privateDNS(of resource: StackDiffer.Resource) -> PrivateDNSClaim? {
        guard resource.type == "AWS::EC2::VPCEndpoint", let properties = resource.properties,
              properties["VpcEndpointType"]?.text == "Interface", properties["PrivateDnsEnabled"]?.text == "true",
              let service = properties["ServiceName"], let vpc = properties["VpcId"] else { return nil }
        return PrivateDNSClaim(service: service, vpc: vpc)
    }

    /// The physical name a template gives the resource, when its type has one and it is set.
    static func name(of resource: StackDiffer.Resource) -> TemplateTree? {
        guard let property = ReplacementRules.nameProperty(of: resource.type), let value = resource.properties?[property],
              value != .null, value["Ref"]?.text != "AWS::NoValue" else { return nil }
        return value
    }
}
