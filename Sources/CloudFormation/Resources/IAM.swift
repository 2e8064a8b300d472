public struct Role: TypedResource {
    public let resourceType = "AWS::IAM::Role"
    public let logicalId: String
    public var attributes = ResourceAttributes()
    public var assumeRolePolicyDocument: PolicyDocument?
    public var description: Value?
    public var managedPolicyArns: Value?
    public var policies: Value?
    public var permissionsBoundary: Value?
    public var path: Value?
    public var tags: Tags?

    public init(logicalId: String) { self.logicalId = logicalId }

    public var properties: [Field] {
        fields(("AssumeRolePolicyDocument", assumeRolePolicyDocument), ("Description", description),
               ("ManagedPolicyArns", managedPolicyArns), ("Policies", policies),
               ("PermissionsBoundary", permissionsBoundary), ("Path", path), ("Tags", tags))
    }

    public var arn: Value { getAtt("Arn") }

    /// An AWS managed policy's ARN in the current partition.
    public static func managedPolicy(_ name: String) -> Value {
        .sub("arn:${AWS::Partition}:iam::aws:policy/\(name)")
    }
}

/// An inline policy attached to roles.
public struct Policy: TypedResource {
    public let resourceType = "AWS::IAM::Policy"
    public let logicalId: String
    public var attributes = ResourceAttributes()
    public var policyName: Value?
    public var policyDocument: PolicyDocument?
    public var roles: Value?

    public init(logicalId: String) { self.logicalId = logicalId }

    public var properties: [Field] {
        fields(("PolicyName", policyName), ("PolicyDocument", policyDocument), ("Roles", roles))
    }
}

public struct ManagedPolicy: TypedResource {
    public let resourceType = "AWS::IAM::ManagedPolicy"
    public let logicalId: String
    public var attributes = ResourceAttributes()
    public var description: Value?
    public var policyDocument: PolicyDocument?
    public var roles: Value?

    public init(logicalId: String) { self.logicalId = logicalId }

    public var properties: [Field] {
        fields(("Description", description), ("PolicyDocument", policyDocument), ("Roles", roles))
    }
}
