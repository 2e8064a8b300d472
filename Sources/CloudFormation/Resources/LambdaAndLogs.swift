public struct Function: TypedResource {
    public let resourceType = "AWS::Lambda::Function"
    public let logicalId: String
    public var attributes = ResourceAttributes()
    public var description: Value?
    public var runtime: Value?
    public var handler: Value?
    public var code: Value?
    public var role: Value?
    public var architectures: Value?
    public var memorySize: Value?
    public var timeout: Value?
    public var environment: Value?
    public var vpcConfig: Value?
    public var reservedConcurrentExecutions: Value?
    public var kmsKeyArn: Value?
    public var loggingConfig: Value?
    public var tracingConfig: Value?
    public var deadLetterConfig: Value?
    public var tags: Tags?

    public init(logicalId: String) { self.logicalId = logicalId }

    public var properties: [Field] {
        fields(("Description", description), ("Runtime", runtime), ("Handler", handler), ("Code", code),
               ("Role", role), ("Architectures", architectures), ("MemorySize", memorySize), ("Timeout", timeout),
               ("Environment", environment), ("VpcConfig", vpcConfig),
               ("ReservedConcurrentExecutions", reservedConcurrentExecutions), ("KmsKeyArn", kmsKeyArn),
               ("LoggingConfig", loggingConfig), ("TracingConfig", tracingConfig),
               ("DeadLetterConfig", deadLetterConfig), ("Tags", tags))
    }

    public var arn: Value { getAtt("Arn") }
}

public struct LogGroup: TypedResource {
    public let resourceType = "AWS::Logs::LogGroup"
    public let logicalId: String
    public var attributes = ResourceAttributes()
    public var logGroupName: Value?
    public var retentionInDays: Value?
    public var kmsKeyId: Value?
    public var tags: Tags?

    public init(logicalId: String) { self.logicalId = logicalId }

    public var properties: [Field] {
        fields(("LogGroupName", logGroupName), ("RetentionInDays", retentionInDays), ("KmsKeyId", kmsKeyId), ("Tags", tags))
    }

    public var arn: Value { getAtt("Arn") }
}
