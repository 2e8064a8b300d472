import CloudFormation

/// Bedrock Chat's DynamoDB tables as the source of the search tables: the backfill reads them once
/// (`chat-store sync`, with the `BackfillPolicy` this stack outputs), and the sync function keeps up
/// with their streams.
///
/// Everything about them is a parameter that may stay empty, so a stage runs without Bedrock Chat:
/// each stream's event source mapping exists only when its ARN is given, and each grant only when
/// what it names is. The grants are the least each part needs: the sync function reads the streams
/// (`DescribeStream`, `GetRecords`, `GetShardIterator`, `ListStreams` on those ARNs) and the large
/// message bucket's objects, and sends what keeps failing to its encrypted queue; only the backfill
/// policy scans and gets items.
struct BedrockChatSources {
    let botTable = Parameter("BedrockChatBotTableName", description: "Bedrock Chat's bot table (its CDK output BotTableName); empty: none",
                             default: "", allowedPattern: "^[A-Za-z0-9_.-]{0,255}$")
    let conversationTable = Parameter("BedrockChatConversationTableName", description: "Bedrock Chat's conversation table; empty: none",
                                      default: "", allowedPattern: "^[A-Za-z0-9_.-]{0,255}$")
    let botStream = Parameter("BedrockChatBotTableStreamArn", description: "The bot table's stream ARN (view type NEW_IMAGE); empty: no stream sync",
                              default: "", allowedPattern: Self.streamArnPattern)
    let conversationStream = Parameter("BedrockChatConversationTableStreamArn", description: "The conversation table's stream ARN; empty: no stream sync",
                                       default: "", allowedPattern: Self.streamArnPattern)
    let largeMessageBucket = Parameter("BedrockChatLargeMessageBucket", description: "The bucket Bedrock Chat keeps large message maps in; empty: none",
                                       default: "", allowedPattern: "^$|^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")

    static let streamArnPattern = "^$|^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:[0-9]{12}:table/[A-Za-z0-9_.-]+/stream/[0-9T:.-]+$"

    func given(_ name: String, _ parameter: Parameter) -> ConditionDeclaration {
        ConditionDeclaration(name, .not(.equals(parameter.ref, "")))
    }
    var hasBotTable: ConditionDeclaration { given("HasBedrockChatBotTable", botTable) }
    var hasConversationTable: ConditionDeclaration { given("HasBedrockChatConversationTable", conversationTable) }
    var hasBotStream: ConditionDeclaration { given("HasBedrockChatBotStream", botStream) }
    var hasConversationStream: ConditionDeclaration { given("HasBedrockChatConversationStream", conversationStream) }
    var hasLargeMessageBucket: ConditionDeclaration { given("HasBedrockChatLargeMessageBucket", largeMessageBucket) }
    var hasStream: ConditionDeclaration {
        ConditionDeclaration("HasBedrockChatStream", .or([.intrinsic(.condition(hasBotStream.name)), .intrinsic(.condition(hasConversationStream.name))]))
    }

    /// The parameters' values where a condition holds, for lists of ARNs.
    func whereGiven(_ pairs: [(ConditionDeclaration, Typed<String>)]) -> [Typed<String>] {
        pairs.map { .if($0.0, $0.1, else: .noValue) }
    }

    var largeMessageObjects: Typed<String> { .sub("arn:${AWS::Partition}:s3:::${\(largeMessageBucket.name)}/*") }

    func tableArn(_ table: Parameter) -> Typed<String> {
        .sub("arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${\(table.name)}")
    }

    /// The mappings, the queue and the grants around `function` (the sync role of the chat function),
    /// and an alarm to `alarmTopic` once a record has given up.
    func wiring(to function: ServerlessFunction, key: EncryptionKey, settings: StreamSyncSettings, alarmTopic: Topic) -> ContentGroup {
        let deadLetters = Queue("StreamSyncFailures") {
            $0.kmsMasterKeyId = key.arn
            // Lambda keeps a failed batch's description (shard, sequence numbers), not the records: a
            // reviewer reads them back from the stream within its 24 hours, or from the table.
            $0.messageRetentionPeriod = .int(14 * 24 * 3600)
        }.condition(hasStream)
        // Anything in the queue is a record the search tables missed: someone should look the same day.
        let failuresWaiting = Alarm("StreamSyncFailuresWaiting") {
            $0.alarmDescription = "Stream records Bedrock Chat's sync gave up on are waiting in the StreamSyncFailures queue"
            $0.namespace = "AWS/SQS"
            $0.metricName = "ApproximateNumberOfMessagesVisible"
            $0.dimensions = [.init {
                $0.name = "QueueName"
                $0.valueProperty = deadLetters.queueNameAttribute
            }]
            $0.statistic = .maximum
            $0.period = .int(300)
            $0.evaluationPeriods = .int(1)
            $0.threshold = 0
            $0.comparisonOperator = .greaterThanThreshold
            $0.treatMissingData = .notBreaching
            $0.alarmActions = [alarmTopic.ref]
            $0.okActions = [alarmTopic.ref]
        }.condition(hasStream)
        let mappings = [("BotTable", botStream, hasBotStream), ("ConversationTable", conversationStream, hasConversationStream)].map { name, stream, condition in
            EventSourceMapping("StreamSync\(name)") {
                $0.functionName = function.function.ref
                $0.eventSourceArn = stream.ref
                $0.startingPosition = "TRIM_HORIZON"
                $0.batchSize = .int(settings.batchSize)
                $0.maximumBatchingWindowInSeconds = .int(settings.batchingWindowSeconds)
                // A failing batch is split until the failing record is alone, retried, then sent to the queue.
                $0.bisectBatchOnFunctionError = true
                $0.maximumRetryAttempts = .int(settings.maximumRetryAttempts)
                // One batch at a time per shard keeps a shard's records in order.
                $0.parallelizationFactor = 1
                $0.functionResponseTypes = [.reportBatchItemFailures]
                $0.destinationConfig = .init { $0.onFailure = .init { $0.destination = deadLetters.arn } }
            }.condition(condition).dependsOn(streamAccess(function, deadLetters: deadLetters, key: key))
        }
        let backfillPolicy = ManagedPolicy("BackfillPolicy") {
            $0.description = .string("What chat-store sync needs besides the database: scan and read Bedrock Chat's tables, and its large message maps")
            $0.policyDocument = PolicyDocument {
                Statement(sid: "ScanBedrockChatTables", actions: ["dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:Scan"],
                          resources: [tableArn(botTable)] + whereGiven([(hasConversationTable, tableArn(conversationTable))]))
                Statement(sid: "ReadLargeMessageMaps", actions: ["s3:GetObject"], resources: [largeMessageObjects]).onlyWhere(hasLargeMessageBucket)
            }
        }.condition(hasBotTable)
        return ContentGroup {
            botTable
            conversationTable
            botStream
            conversationStream
            largeMessageBucket
            hasBotTable
            hasConversationTable
            hasBotStream
            hasConversationStream
            hasStream
            hasLargeMessageBucket
            deadLetters
            failuresWaiting
            streamAccess(function, deadLetters: deadLetters, key: key)
            Policy("StreamSyncLargeMessageReads") {
                $0.policyName = "large-message-reads"
                $0.policyDocument = PolicyDocument {
                    Statement(sid: "ReadLargeMessageMaps", actions: ["s3:GetObject"], resources: [largeMessageObjects])
                }
                $0.roles = [function.role.ref]
            }.condition(hasLargeMessageBucket)
            mappings
            backfillPolicy
            Output("BackfillPolicyArn", backfillPolicy.ref, description: "Attach to whoever runs chat-store sync").condition(hasBotTable)
            Output("StreamSyncFunctionName", function.function.ref, description: "Name of the function that applies Bedrock Chat's stream records")
            Output("StreamSyncFailureQueueUrl", deadLetters.ref, description: "Where stream records that keep failing are described").condition(hasStream)
        }
    }

    /// The sync function's stream reads, its queue sends, and the queue key's use.
    func streamAccess(_ function: ServerlessFunction, deadLetters: Queue, key: EncryptionKey) -> Policy {
        Policy("StreamSyncStreamAccess") {
            $0.policyName = "stream-access"
            $0.policyDocument = PolicyDocument {
                Statement(sid: "ReadStreams", actions: ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"],
                          resources: whereGiven([(hasBotStream, botStream.ref), (hasConversationStream, conversationStream.ref)]))
                Statement(sid: "SendFailures", actions: ["sqs:SendMessage"], resources: [deadLetters.arn])
                Statement(sid: "EncryptFailures", actions: ["kms:Decrypt", "kms:GenerateDataKey"], resources: [key.arn])
            }
            $0.roles = [function.role.ref]
        }.condition(hasStream)
    }
}

/// How the stream sync reads its streams.
public struct StreamSyncSettings: Sendable {
    public var batchSize = 100
    public var batchingWindowSeconds = 1
    /// After these retries (each of a smaller batch) a record is described in the failure queue.
    public var maximumRetryAttempts = 5
    public var reservedConcurrency = 2
    public init() {}
}
