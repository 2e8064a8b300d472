import Templates
import YAML

/// The security-relevant part of a diff, as reviewers want it: IAM statements added and removed (a
/// changed statement is both), flagged when they widen access (and, in SecurityGroupView.swift,
/// security-group rules, flagged when they let more traffic through).
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
        /// `NotAction` / `NotResource`: everything but what is listed.
        var negatesActions = false
        var negatesResources = false
        var canonical: String

        /// The same statement in the same resource, before and after.
        var key: String { resource + "|" + canonical }
    }

    typealias Branch = ConditionalBranches.Branch

    static func statements(in resources: [String: TemplateTree]) -> [Statement] {
        var found: [Statement] = []
        for (id, body) in resources.sorted(by: { $0.key < $1.key }) {
            let properties = body["Properties"]
            do {
                // Identity, trust and resource policies: every property the provider schemas give the
                // type a policy document in (a value without a Statement is some other JSON, and is skipped).
                var documents = PolicyProperties.documents(of: body["Type"]?.text ?? "").compactMap { properties?[$0] }
                    .map { Branch(conditions: [:], value: $0) }
                if body["Type"]?.text == "AWS::Lambda::Permission", let properties {
                    found += try ConditionalBranches.branches(properties).compactMap { branch in branch.value.map { lambdaPermission($0, resource: id, when: branch.label) } }
                }
                if let boundary = properties?["PermissionsBoundary"] {
                    for branch in try ConditionalBranches.branches(boundary) where branch.value != nil {
                        found.append(Statement(resource: id, effect: "Boundary", actions: ["permissions boundary " + branch.value!.display], resources: [],
                                               principals: [], condition: nil, when: branch.label,
                                               canonical: "boundary:\(branch.label ?? ""):" + branch.value!.canonical))
                    }
                }
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

    /// What an `AWS::Lambda::Permission` grants, as a statement: its principal may call its action on
    /// the function, limited by `SourceArn`, `SourceAccount`, `PrincipalOrgID` (its conditions).
    static func lambdaPermission(_ properties: TemplateTree, resource: String, when: String?) -> Statement {
        let limits = ["SourceArn", "SourceAccount", "PrincipalOrgID", "FunctionUrlAuthType"].compactMap { key in properties[key].map { "\(key) \($0.display)" } }
        let principal = properties["Principal"]?.display ?? "?"
        let action = properties["Action"]?.display ?? "?"
        let computed = [principal, action].filter { $0.hasPrefix("!") }
        return Statement(resource: resource, effect: "Allow", actions: [action], resources: [properties["FunctionName"]?.display ?? "?"],
                         principals: [principal], condition: limits.isEmpty ? nil : limits.joined(separator: ", "), when: when,
                         cannotJudge: computed.isEmpty ? nil : "computed in the template: " + computed.joined(separator: ", "),
                         canonical: "permission:\(when ?? ""):" + properties.canonical)
    }

    /// A policy document's statements, each with the conditions that choose it: the document, its
    /// `Statement` list and each statement may be under `Fn::If`.
    static func conditionalStatements(_ document: Branch) throws -> [Branch] {
        guard let tree = document.value else { return [] }
        if let (condition, whenTrue, whenFalse) = ConditionalBranches.ifParts(tree) {
            let chosen = [(whenTrue, true), (whenFalse, false)].compactMap { value, holds in
                Branch(conditions: document.conditions, value: value).adding([condition: holds])
            }
            return try chosen.flatMap(conditionalStatements)
        }
        // A document written as JSON text (the schemas allow a string): read it as the JSON it is.
        if case .scalar(let text) = tree, text.hasPrefix("{"), let parsed = try? Parser.parse(text, rules: .cloudFormation) {
            return try conditionalStatements(Branch(conditions: document.conditions, value: TemplateTree(parsed)))
        }
        guard let list = tree["Statement"] else { return [] }
        return try ConditionalBranches.items(list).compactMap { $0.adding(document.conditions) }
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
                         cannotJudge: computed.isEmpty ? nil : "computed in the template: " + computed.joined(separator: ", "),
                         negatesActions: item["NotAction"] != nil, negatesResources: item["NotResource"] != nil, canonical: canonical)
    }

    static func iamChanges(old: [String: TemplateTree], new: [String: TemplateTree]) -> [IAMChange] {
        let before = statements(in: old), after = statements(in: new)
        let beforeKeys = Set(before.map(\.key)), afterKeys = Set(after.map(\.key))
        let removed = before.filter { !afterKeys.contains($0.key) }
        var changes: [IAMChange] = []
        for statement in removed {
            // A Deny or a permissions boundary taken away lets through what it stopped.
            let reasons = statement.effect == "Deny" ? ["a Deny removed"]
                : statement.effect == "Boundary" && !after.contains(where: { $0.resource == statement.resource && $0.effect == "Boundary" })
                ? ["permissions boundary removed"] : []
            changes.append(change(statement, .removed, broadening: reasons))
        }
        for statement in after where !beforeKeys.contains(statement.key) {
            let previous = before.filter { $0.resource == statement.resource && $0.effect == "Allow" }
            changes.append(change(statement, .added, broadening: wideningReasons(statement, previous: previous,
                                                                                 removed: removed.filter { $0.resource == statement.resource })))
        }
        return changes
    }

    /// Why an added statement widens what its policy allowed before (`previous`: that policy's Allow
    /// statements then). Actions and resources are compared as IAM patterns, so a narrowed statement
    /// is not a widening; a wildcard, `Resource: "*"`, a principal or NotAction/NotResource is one
    /// only when nothing before already granted it.
    static func wideningReasons(_ statement: Statement, previous: [Statement], removed: [Statement]) -> [String] {
        var reasons: [String] = []
        if let reason = statement.cannotJudge { reasons.append("cannot judge: " + reason) }
        if statement.effect == "Boundary" {
            // A different boundary may allow more; only its policy says, and that is not in the template.
            return removed.contains { $0.effect == "Boundary" } ? reasons + ["permissions boundary changed"] : reasons
        }
        for action in statement.actions where action.hasPrefix("managed policy ") {
            if let broad = BroadManagedPolicies.grant(of: action) {
                reasons.append("attaches the AWS-managed \(broad.name): \(broad.grants)")
            }
        }
        guard statement.effect == "Allow" else { return reasons }
        let plain = previous.filter { !$0.negatesActions && !$0.negatesResources }
        let knownActions = plain.flatMap(\.actions), knownResources = plain.flatMap(\.resources), knownPrincipals = Set(previous.flatMap(\.principals))
        if statement.negatesActions || statement.negatesResources {
            let same = previous.contains { $0.negatesActions == statement.negatesActions && $0.negatesResources == statement.negatesResources
                && Set($0.actions) == Set(statement.actions) && Set($0.resources) == Set(statement.resources) }
            if !same { reasons.append("Allow with \(statement.negatesActions ? "NotAction" : "NotResource") grants everything not listed") }
        } else {
            let newActions = statement.actions.filter { !IAMPattern.coversAction(knownActions, $0) }
            if !newActions.isEmpty { reasons.append("new actions: " + newActions.joined(separator: ", ")) }
            if newActions.contains(where: { $0.contains("*") || $0.contains("?") }) { reasons.append("wildcard action") }
            if statement.resources.contains("*") && !knownResources.contains("*") { reasons.append("Resource \"*\"") }
            let newResources = statement.resources.filter { $0 != "*" && !IAMPattern.coversResource(knownResources, $0) }
            if !newResources.isEmpty && newActions.isEmpty && !previous.isEmpty { reasons.append("new resources: " + newResources.joined(separator: ", ")) }
        }
        let newPrincipals = statement.principals.filter { !knownPrincipals.contains($0) }
        if !newPrincipals.isEmpty { reasons.append("new principal: " + newPrincipals.joined(separator: ", ")) }
        if statement.principals.contains(where: { $0 == "*" || $0 == "AWS: *" }) && !knownPrincipals.contains(where: { $0 == "*" || $0 == "AWS: *" }) {
            reasons.append("anyone may use it (principal *)")
        }
        // The same grant as a removed statement, but without its Condition (or with another one).
        let sameGrant = removed.filter { $0.effect == "Allow" && Set($0.actions) == Set(statement.actions) && Set($0.resources) == Set(statement.resources)
            && Set($0.principals) == Set(statement.principals) && $0.condition != nil && $0.condition != statement.condition }
        if !sameGrant.isEmpty { reasons.append(statement.condition == nil ? "its Condition removed" : "its Condition changed") }
        return reasons
    }

    static func change(_ statement: Statement, _ kind: Change, broadening: [String]) -> IAMChange {
        IAMChange(resource: statement.resource, change: kind, effect: statement.effect, actions: statement.actions,
                  resources: statement.resources, principals: statement.principals, condition: statement.condition, when: statement.when,
                  broadening: broadening)
    }
}
