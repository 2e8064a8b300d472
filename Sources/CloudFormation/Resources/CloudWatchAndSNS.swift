/// A CloudWatch alarm on one metric (`MetricName`…) or on metric math (`Metrics`).
public struct Alarm: TypedResource {
    public let resourceType = "AWS::CloudWatch::Alarm"
    public let logicalId: String
    public var attributes = ResourceAttributes()
    public var alarmDescription: Value?
    public var namespace: Value?
    public var metricName: Value?
    public var dimensions: Value?
    public var statistic: Value?
    public var extendedStatistic: Value?
    public var period: Value?
    public var metrics: Value?
    public var evaluationPeriods: Value?
    public var datapointsToAlarm: Value?
    public var threshold: Value?
    public var comparisonOperator: Value?
    public var treatMissingData: Value?
    public var alarmActions: Value?
    public var okActions: Value?

    public init(logicalId: String) { self.logicalId = logicalId }

    public var properties: [Field] {
        fields(("AlarmDescription", alarmDescription), ("Namespace", namespace), ("MetricName", metricName), ("Dimensions", dimensions),
               ("Statistic", statistic), ("ExtendedStatistic", extendedStatistic), ("Period", period), ("Metrics", metrics),
               ("EvaluationPeriods", evaluationPeriods), ("DatapointsToAlarm", datapointsToAlarm), ("Threshold", threshold),
               ("ComparisonOperator", comparisonOperator), ("TreatMissingData", treatMissingData),
               ("AlarmActions", alarmActions), ("OKActions", okActions))
    }
}

public struct Dashboard: TypedResource {
    public let resourceType = "AWS::CloudWatch::Dashboard"
    public let logicalId: String
    public var attributes = ResourceAttributes()
    public var dashboardBody: Value?

    public init(logicalId: String) { self.logicalId = logicalId }

    public var properties: [Field] { fields(("DashboardBody", dashboardBody)) }
}

public struct Topic: TypedResource {
    public let resourceType = "AWS::SNS::Topic"
    public let logicalId: String
    public var attributes = ResourceAttributes()
    public var displayName: Value?
    public var kmsMasterKeyId: Value?

    public init(logicalId: String) { self.logicalId = logicalId }

    public var properties: [Field] { fields(("DisplayName", displayName), ("KmsMasterKeyId", kmsMasterKeyId)) }
}

public struct Subscription: TypedResource {
    public let resourceType = "AWS::SNS::Subscription"
    public let logicalId: String
    public var attributes = ResourceAttributes()
    public var topicArn: Value?
    public var `protocol`: Value?
    public var endpoint: Value?

    public init(logicalId: String) { self.logicalId = logicalId }

    public var properties: [Field] { fields(("TopicArn", topicArn), ("Protocol", `protocol`), ("Endpoint", endpoint)) }
}
