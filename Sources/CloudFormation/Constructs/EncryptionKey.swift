/// A customer managed KMS key with rotation on, administered by the account, and usable by the AWS
/// services named (CloudWatch Logs needs its own statement to encrypt a log group, CloudWatch alarms
/// one to publish to a topic it encrypts).
public struct EncryptionKey: StackContent {
    public enum ServiceUse: Sendable { case cloudWatchLogs, cloudWatchAlarms }

    public let key: Key
    public let alias: Alias
    /// The services its policy lets use it.
    public let services: [ServiceUse]

    public init(_ logicalId: String, description: String, alias: Typed<String>, allowing services: [ServiceUse] = []) {
        self.services = services
        let key = Key(logicalId) {
            $0.description = .string(description)
            $0.enableKeyRotation = true
            $0.keyPolicy = PolicyDocument {
                Statement(sid: "AccountAdministersKey", principal: ["AWS": .sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")],
                          actions: ["kms:*"], resources: ["*"])
                for service in services {
                    switch service {
                    case .cloudWatchLogs:
                        Statement(
                            sid: "CloudWatchLogsEncryptsLogGroups",
                            principal: ["Service": .sub("logs.${AWS::Region}.amazonaws.com")],
                            actions: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                            resources: ["*"],
                            condition: ["ArnLike": ["kms:EncryptionContext:aws:logs:arn": .sub("arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:*")]])
                    case .cloudWatchAlarms:
                        Statement(
                            sid: "CloudWatchAlarmsPublishToEncryptedTopics",
                            principal: ["Service": "cloudwatch.amazonaws.com"],
                            actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
                            resources: ["*"],
                            condition: ["StringEquals": ["aws:SourceAccount": .sub("${AWS::AccountId}")]])
                    }
                }
            }
            $0.pendingWindowInDays = 30
        }.retention(onDelete: .retain)
        self.key = key
        self.alias = Alias("\(logicalId)Alias") {
            $0.aliasName = alias
            $0.targetKeyId = key.ref
        }
    }

    public var arn: Typed<String> { key.arn }
    public var elements: [StackElement] { key.elements + alias.elements }
}
