public struct Queue: TypedResource {
    public let resourceType = "AWS::SQS::Queue"
    public let logicalId: String
    public var attributes = ResourceAttributes()
    public var kmsMasterKeyId: Value?
    public var kmsDataKeyReusePeriodSeconds: Value?
    public var messageRetentionPeriod: Value?
    public var visibilityTimeout: Value?
    public var tags: Tags?

    public init(logicalId: String) { self.logicalId = logicalId }

    public var properties: [Field] {
        fields(("KmsMasterKeyId", kmsMasterKeyId), ("KmsDataKeyReusePeriodSeconds", kmsDataKeyReusePeriodSeconds),
               ("MessageRetentionPeriod", messageRetentionPeriod), ("VisibilityTimeout", visibilityTimeout), ("Tags", tags))
    }

    public var arn: Value { getAtt("Arn") }
    public var queueName: Value { getAtt("QueueName") }
}
