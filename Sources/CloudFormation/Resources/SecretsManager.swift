public struct Secret: TypedResource {
    public let resourceType = "AWS::SecretsManager::Secret"
    public let logicalId: String
    public var attributes = ResourceAttributes()
    public var name: Value?
    public var description: Value?
    public var generateSecretString: Value?
    public var kmsKeyId: Value?
    public var tags: Tags?

    public init(logicalId: String) { self.logicalId = logicalId }

    public var properties: [Field] {
        fields(("Name", name), ("Description", description), ("GenerateSecretString", generateSecretString),
               ("KmsKeyId", kmsKeyId), ("Tags", tags))
    }

    /// A `{{resolve:secretsmanager:…}}` dynamic reference to one key of this secret's JSON, resolved by
    /// CloudFormation at deploy time so the value never appears in the template.
    public func resolve(jsonKey: String) -> Value {
        .sub("{{resolve:secretsmanager:${\(logicalId)}:SecretString:\(jsonKey)}}")
    }
}

public struct SecretTargetAttachment: TypedResource {
    public let resourceType = "AWS::SecretsManager::SecretTargetAttachment"
    public let logicalId: String
    public var attributes = ResourceAttributes()
    public var secretId: Value?
    public var targetId: Value?
    public var targetType: Value?

    public init(logicalId: String) { self.logicalId = logicalId }

    public var properties: [Field] {
        fields(("SecretId", secretId), ("TargetId", targetId), ("TargetType", targetType))
    }
}

public struct RotationSchedule: TypedResource {
    public let resourceType = "AWS::SecretsManager::RotationSchedule"
    public let logicalId: String
    public var attributes = ResourceAttributes()
    public var secretId: Value?
    public var hostedRotationLambda: Value?
    public var rotationLambdaARN: Value?
    public var rotationRules: Value?
    public var rotateImmediatelyOnUpdate: Value?

    public init(logicalId: String) { self.logicalId = logicalId }

    public var properties: [Field] {
        fields(("SecretId", secretId), ("HostedRotationLambda", hostedRotationLambda),
               ("RotationLambdaARN", rotationLambdaARN), ("RotationRules", rotationRules),
               ("RotateImmediatelyOnUpdate", rotateImmediatelyOnUpdate))
    }
}
