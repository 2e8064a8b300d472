import DSLCore

/// A CloudFormation resource: a type, a logical ID, its properties in CloudFormation's own names, and
/// the resource attributes. Typed resources conform to this; `GenericResource` covers any other type.
public protocol Resource: StackContent {
    var resourceType: String { get }
    var logicalId: String { get }
    var attributes: ResourceAttributes { get set }
    /// The `Properties` block, in the order it is written.
    var properties: [Field] { get }
}

/// `DependsOn`, `Condition`, `DeletionPolicy`, `UpdateReplacePolicy` and `Metadata`.
public struct ResourceAttributes: Sendable, Equatable {
    public var dependsOn: [String] = []
    public var condition: String?
    public var deletionPolicy: Policy?
    public var updateReplacePolicy: Policy?
    public var metadata: [Field] = []
    /// Where the resource was declared, for synth's errors; no part of the template.
    public var location: SourceLocation?

    public init() {}

    public enum Policy: String, Sendable {
        case delete = "Delete", retain = "Retain", snapshot = "Snapshot", retainExceptOnCreate = "RetainExceptOnCreate"
    }
}

extension Resource {
    public var elements: [StackElement] { [.resource(self)] }

    /// `!Ref LogicalId`: the physical ID, an ARN or a name as the type defines it.
    public var ref: Typed<String> { Typed(unchecked: .intrinsic(.ref(logicalId))) }

    /// `!GetAtt LogicalId.Attribute`. Generated resources name theirs (`cluster.endpointAddress`);
    /// this is for `GenericResource` and custom resources.
    public func attribute<Kind>(_ name: String) -> Typed<Kind> { Typed(unchecked: .intrinsic(.getAtt(logicalId, attribute: name))) }

    public func dependsOn(_ others: any Resource...) -> Self {
        var copy = self
        copy.attributes.dependsOn += others.map(\.logicalId)
        return copy
    }

    public func condition(_ condition: ConditionDeclaration) -> Self {
        var copy = self
        copy.attributes.condition = condition.name
        return copy
    }

    /// Sets both policies, as cfn-lint (W3011) asks once either is set.
    public func retention(onDelete: ResourceAttributes.Policy, onReplace: ResourceAttributes.Policy? = nil) -> Self {
        var copy = self
        copy.attributes.deletionPolicy = onDelete
        copy.attributes.updateReplacePolicy = onReplace ?? onDelete
        return copy
    }

    /// Records a checkov check that does not fit this resource, with the reason reviewers will read.
    public func skippingCheckov(_ id: String, because reason: String) -> Self {
        var copy = self
        let skip = Value.object([Field("id", .string(id)), Field("comment", .string(reason))])
        if let index = copy.attributes.metadata.firstIndex(where: { $0.key == "checkov" }),
           case .object(var checkov) = copy.attributes.metadata[index].value,
           let skipIndex = checkov.firstIndex(where: { $0.key == "skip" }),
           case .list(let skips) = checkov[skipIndex].value {
            checkov[skipIndex] = Field("skip", .list(skips + [skip]))
            copy.attributes.metadata[index] = Field("checkov", .object(checkov))
        } else {
            copy.attributes.metadata.append(Field("checkov", .object([Field("skip", .list([skip]))])))
        }
        return copy
    }
}

/// Any resource type, for what the typed resources do not cover yet.
public struct GenericResource: Resource {
    public let resourceType: String
    public let logicalId: String
    public var attributes = ResourceAttributes()
    public var properties: [Field]

    public init(_ logicalId: String, type: String, properties: [Field] = []) {
        self.logicalId = logicalId
        self.resourceType = type
        self.properties = properties
    }
}

/// Typed resources start from a logical ID and are filled in by a closure, so each property reads
/// like the template line it becomes: `$0.enableHttpEndpoint = true`.
public protocol TypedResource: Resource {
    init(logicalId: String)
}

extension TypedResource {
    public init(_ logicalId: String, filePath: String = #filePath, line: Int = #line, _ configure: (inout Self) -> Void = { _ in }) {
        self.init(logicalId: logicalId)
        attributes.location = SourceLocation(filePath: filePath, line: line)
        configure(&self)
    }
}
