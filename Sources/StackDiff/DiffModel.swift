/// The pure diff model: what changes between two versions of a stack, with CloudFormation's view of
/// each change (replacement, data loss) and the security-relevant parts. Formatters render it.

public enum Change: String, Sendable, Codable { case added, removed, modified }

/// Whether a change makes CloudFormation replace the resource, worst first when combined.
public enum Replacement: String, Sendable, Codable, Comparable {
    case none, conditional, always

    public static func < (a: Replacement, b: Replacement) -> Bool {
        let order: [Replacement] = [.none, .conditional, .always]
        return order.firstIndex(of: a)! < order.firstIndex(of: b)!
    }
}

public struct PropertyChange: Sendable, Equatable {
    /// `Properties.ServerlessV2ScalingConfiguration.MinCapacity`, list items by key: `Tags[Name]`.
    public var path: String
    public var change: Change
    public var old: TemplateTree?
    public var new: TemplateTree?
    public var replacement: Replacement
    /// Set when the value changes only because a referenced resource is replaced.
    public var causedBy: String?
}

public struct ResourceChange: Sendable, Equatable {
    public var logicalId: String
    public var type: String
    public var oldType: String?
    public var change: Change
    public var replacement: Replacement
    public var properties: [PropertyChange]
    /// Set when removing or replacing this resource can lose data; says what the policies keep.
    public var dataLoss: String?
}

public struct EntryChange: Sendable, Equatable {
    public var name: String
    public var change: Change
    public var old: TemplateTree?
    public var new: TemplateTree?
}

public struct StackDiffResult: Sendable, Equatable, Encodable {
    public var name: String
    public var resources: [ResourceChange]
    public var parameters: [EntryChange]
    public var outputs: [EntryChange]
    public var conditions: [EntryChange]
    public var mappings: [EntryChange]
    /// Macros CloudFormation runs over the template (`Transform`), each by name.
    public var transforms: [EntryChange] = []
    public var iam: [IAMChange]
    public var securityGroups: [SecurityGroupRuleChange]
    /// Changes CloudFormation refuses part-way through this stack's update (custom names, collisions).
    public var blockers: [DeployBlocker] = []
    /// Resources this update stops managing without deleting them.
    public var orphans: [RetainedOrphan] = []

    /// Blockers and orphans are written once for the whole report (`DiffReport`), not per stack.
    enum CodingKeys: String, CodingKey { case name, resources, iam, securityGroups, parameters, outputs, transforms, conditions, mappings }

    /// The template's sections other than its resources, each with its changed entries.
    public var templateSections: [(title: String, entries: [EntryChange])] {
        [("Parameters", parameters), ("Outputs", outputs), ("Conditions", conditions), ("Mappings", mappings), ("Transforms", transforms)]
    }

    public var isEmpty: Bool {
        resources.isEmpty && parameters.isEmpty && outputs.isEmpty && conditions.isEmpty && mappings.isEmpty && transforms.isEmpty
    }
}

/// An IAM statement added or removed (a changed statement is one of each).
public struct IAMChange: Sendable, Equatable, Encodable {
    public var resource: String
    public var change: Change
    public var effect: String
    public var actions: [String]
    public var resources: [String]
    public var principals: [String]
    public var condition: String?
    /// The template conditions under which the statement exists ("when C"), when `Fn::If` chooses it.
    public var when: String?
    /// Why this widens access: new actions, a wildcard, a new principal, or what cannot be judged.
    public var broadening: [String]
}

public struct SecurityGroupRuleChange: Sendable, Equatable, Encodable {
    public var resource: String
    public var change: Change
    public var direction: String
    public var proto: String
    public var ports: String
    public var peer: String
    /// Open to the whole internet (0.0.0.0/0 or ::/0).
    public var openToWorld: Bool
    /// The template conditions under which the rule exists ("when C"), when `Fn::If` chooses it.
    public var when: String?
    /// Why this lets more traffic through than before: a new peer or ports, the internet, every protocol, or what cannot be judged.
    public var broadening: [String]

    enum CodingKeys: String, CodingKey {
        case resource, change, direction, proto = "protocol", ports, peer, openToWorld, when, broadening
    }
}

/// A change CloudFormation will refuse part-way through a deploy, predicted from the templates.
public struct DeployBlocker: Sendable, Equatable, Encodable {
    public enum Kind: String, Sendable, CaseIterable, Encodable {
        /// An export that another stack imports changes value or disappears.
        case exportInUse = "export-in-use"
        /// A replaced resource keeps its custom name, which the old one still holds.
        case customNameReplacement = "custom-name-replacement"
        /// A new resource takes a name that an existing or retained resource of the same type holds.
        case nameCollision = "name-collision"
    }

    public var kind: Kind
    /// The stack whose update fails.
    public var stack: String
    public var resource: String?
    public var export: String?
    public var detail: String
    /// The way out.
    public var fix: String
}

/// A resource an update stops managing without deleting it (`Retain`, `RetainExceptOnCreate`).
public struct RetainedOrphan: Sendable, Equatable, Encodable {
    public var stack: String
    public var resource: String
    public var type: String
    /// `removed` or `replaced`.
    public var reason: String
    public var policy: String
    /// The physical name, when the template sets one.
    public var name: String?
}

/// One stack of a stage: both versions of its template and their diff.
public struct StackTemplates: Sendable {
    public var name: String
    /// The CloudFormation stack name, for `${AWS::StackName}` in export names.
    public var stackName: String?
    public var old: TemplateTree?
    public var new: TemplateTree?
    public var diff: StackDiffResult

    /// Both versions, diffed.
    public init(name: String, stackName: String?, old: TemplateTree?, new: TemplateTree?) {
        self.name = name
        self.stackName = stackName
        self.old = old
        self.new = new
        diff = StackDiffer.diff(name: name, old: old, new: new)
    }
}
