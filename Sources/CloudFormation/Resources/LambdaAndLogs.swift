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

    /// The retentions CloudWatch Logs offers, in days.
    public static let retentionDays = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]
}

/// Lets a service invoke a function, from one source ARN.
public struct LambdaPermission: TypedResource {
    public let resourceType = "AWS::Lambda::Permission"
    public let logicalId: String
    public var attributes = ResourceAttributes()
    public var action: Value?
    public var functionName: Value?
    public var principal: Value?
    public var sourceArn: Value?
    public var sourceAccount: Value?

    public init(logicalId: String) { self.logicalId = logicalId }

    public var properties: [Field] {
        fields(("Action", action), ("FunctionName", functionName), ("Principal", principal), ("SourceArn", sourceArn),
               ("SourceAccount", sourceAccount))
    }
}

/// A custom resource (`Custom::Name`) served by a Lambda function. CloudFormation sends the
/// properties to the function on Create, on Update when one of them changes, and on Delete.
public struct CustomResource: Resource {
    public let resourceType: String
    public let logicalId: String
    public var attributes = ResourceAttributes()
    public var serviceToken: Value
    public var customProperties: [Field]

    public init(_ logicalId: String, type: String, serviceToken: Value, properties: [Field] = []) {
        self.logicalId = logicalId
        self.resourceType = type
        self.serviceToken = serviceToken
        self.customProperties = properties
    }

    public var properties: [Field] { [Field("ServiceToken", serviceToken)] + customProperties }
}

/// Lambda reading a stream (DynamoDB, Kinesis) or a queue and invoking a function with batches.
public struct EventSourceMapping: TypedResource {
    public let resourceType = "AWS::Lambda::EventSourceMapping"
    public let logicalId: String
    public var attributes = ResourceAttributes()
    public var functionName: Value?
    public var eventSourceArn: Value?
    public var startingPosition: Value?
    public var batchSize: Value?
    public var maximumBatchingWindowInSeconds: Value?
    public var bisectBatchOnFunctionError: Value?
    public var maximumRetryAttempts: Value?
    public var maximumRecordAgeInSeconds: Value?
    public var parallelizationFactor: Value?
    public var functionResponseTypes: Value?
    public var destinationConfig: Value?
    public var enabled: Value?

    public init(logicalId: String) { self.logicalId = logicalId }

    public var properties: [Field] {
        fields(("FunctionName", functionName), ("EventSourceArn", eventSourceArn), ("StartingPosition", startingPosition),
               ("BatchSize", batchSize), ("MaximumBatchingWindowInSeconds", maximumBatchingWindowInSeconds),
               ("BisectBatchOnFunctionError", bisectBatchOnFunctionError), ("MaximumRetryAttempts", maximumRetryAttempts),
               ("MaximumRecordAgeInSeconds", maximumRecordAgeInSeconds), ("ParallelizationFactor", parallelizationFactor),
               ("FunctionResponseTypes", functionResponseTypes), ("DestinationConfig", destinationConfig), ("Enabled", enabled))
    }
}
