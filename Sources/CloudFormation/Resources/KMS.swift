public struct Key: TypedResource {
    public let resourceType = "AWS::KMS::Key"
    public let logicalId: String
    public var attributes = ResourceAttributes()
    public var description: Value?
    public var enableKeyRotation: Value?
    public var keyPolicy: PolicyDocument?
    public var pendingWindowInDays: Value?
    public var tags: Tags?

    public init(logicalId: String) { self.logicalId = logicalId }

    public var properties: [Field] {
        fields(("Description", description), ("EnableKeyRotation", enableKeyRotation), ("KeyPolicy", keyPolicy),
               ("PendingWindowInDays", pendingWindowInDays), ("Tags", tags))
    }

    public var arn: Value { getAtt("Arn") }
}

public struct Alias: TypedResource {
    public let resourceType = "AWS::KMS::Alias"
    public let logicalId: String
    public var attributes = ResourceAttributes()
    public var aliasName: Value?
    public var targetKeyId: Value?

    public init(logicalId: String) { self.logicalId = logicalId }

    public var properties: [Field] { fields(("AliasName", aliasName), ("TargetKeyId", targetKeyId)) }
}
