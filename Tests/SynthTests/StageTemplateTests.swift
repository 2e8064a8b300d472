import CloudFormation
import SQLSchema
import Stacks
import Testing
import YAML

/// The chat stacks as synthesized, read back from the rendered YAML the way a reviewer sees them.
@Suite struct StageTemplateTests {
    static func templates(_ stage: String) throws -> [String: Node] {
        let definition = try #require(chatApp.stage(named: stage))
        let stacks = try StageSynthesizer.synthesize(app: chatApp, stage: definition)
        var nodes: [String: Node] = [:]
        for stack in stacks { nodes[stack.name] = try Parser.parse(TemplateRenderer.yaml(stack.template)) }
        return nodes
    }

    static func resources(ofType type: String, in template: Node?) -> [Node.Entry] {
        guard case .mapping(let entries, _)? = template?["Resources"] else { return [] }
        return entries.filter { $0.value["Type"] == .string(type) }
    }

    static func resource(_ logicalId: String, in template: Node?) throws -> Node {
        try #require(template?["Resources"]?[logicalId], "no resource \(logicalId)")
    }

    @Test func devFunctionsAreOutsideTheVPCAndUseOnlyTheDataAPIGrant() throws {
        let app = try Self.templates("dev")["app"]
        let functions = Self.resources(ofType: "AWS::Lambda::Function", in: app)
        #expect(functions.map(\.key) == ["SchemaMigrator", "SecretRotationFunction", "RagFunction", "StreamSyncFunction"])
        for function in functions.map(\.value) {
            #expect(function["Properties"]?["VpcConfig"] == nil)
            let variables = function["Properties"]?["Environment"]?["Variables"]
            #expect(variables?["MEMORY_BACKEND_TYPE"] == .string("aurora_data_api"))
            #expect(variables?["DB_HOST"] == nil)
        }
        // Nothing of the app runs in the VPC, the secret rotation included: no security group, no endpoint.
        #expect(Self.resources(ofType: "AWS::EC2::SecurityGroup", in: app).isEmpty)
        #expect(Self.resources(ofType: "AWS::EC2::VPCEndpoint", in: app).isEmpty)
        let policies = Self.resources(ofType: "AWS::IAM::Policy", in: app).map(\.key)
        #expect(policies == ["SchemaMigratorRoleEnvironmentKey", "SchemaMigratorRoleDataApiAccess",
                             "SecretRotationFunctionRoleEnvironmentKey", "SecretRotationAccess", "RagFunctionRoleEnvironmentKey", "RagFunctionRoleDataApiAccess",
                             "StreamSyncFunctionRoleEnvironmentKey", "StreamSyncFunctionRoleDataApiAccess", "StreamSyncStreamAccess", "StreamSyncLargeMessageReads"])
        let grant = try Self.resource("RagFunctionRoleDataApiAccess", in: app)["Properties"]?["PolicyDocument"]?["Statement"]
        guard case .sequence(let statements, _)? = grant else { Issue.record("no statements"); return }
        #expect(statements.first?["Resource"] == .string("chat-dev-database-ChatDB-DBClusterArn", tag: "!ImportValue"))
        // No function in a VPC, so no S3 gateway endpoint either.
        #expect(Self.resources(ofType: "AWS::EC2::VPCEndpoint", in: try Self.templates("dev")["database"]).isEmpty)
    }

    /// Lambda filters a custom runtime's lines by their JSON `level` only under `LogFormat: JSON`,
    /// and passes the application level to the function as `AWS_LAMBDA_LOG_LEVEL`.
    @Test(arguments: ["dev", "staging", "prod"])
    func everyFunctionLogsJSONToItsOwnGroupWithLevels(_ stage: String) throws {
        let app = try Self.templates(stage)["app"]
        let functions = Self.resources(ofType: "AWS::Lambda::Function", in: app)
        #expect(!functions.isEmpty)
        for (name, function) in functions.map({ ($0.key, $0.value) }) {
            let logging = function["Properties"]?["LoggingConfig"]
            #expect(logging?["LogFormat"] == .string("JSON") && logging?["ApplicationLogLevel"] == .string("INFO")
                    && logging?["SystemLogLevel"] == .string("INFO"), "\(name)")
            #expect(logging?["LogGroup"] == .string("\(name)LogGroup", tag: "!Ref"), "\(name)")
        }
    }

    @Test(arguments: ["staging", "prod"])
    func vpcStagesReachTheDatabaseSecretsAndS3FromTheirFunctionsOnly(_ stage: String) throws {
        let templates = try Self.templates(stage)
        let app = templates["app"]
        for name in ["RagFunction", "SchemaMigrator"] {
            let function = try Self.resource(name, in: app)
            #expect(function["Properties"]?["VpcConfig"]?["SubnetIds"] != nil)
            #expect(function["Properties"]?["Environment"]?["Variables"]?["MEMORY_BACKEND_TYPE"] == .string("postgres"))
            let ingress = try Self.resource("ChatDBIngressFrom\(name)", in: app)["Properties"]
            #expect(ingress?["FromPort"] == .int(5432) && ingress?["ToPort"] == .int(5432))
            #expect(ingress?["SourceSecurityGroupId"] == .string("\(name)SecurityGroup.GroupId", tag: "!GetAtt"))
            #expect(ingress?["GroupId"] == .string("chat-\(stage)-database-ChatDBSecurityGroup-GroupId", tag: "!ImportValue"))
            #expect(ingress?["CidrIp"] == nil)
        }
        // One Secrets Manager endpoint for both functions (a second with private DNS would conflict).
        let endpoints = Self.resources(ofType: "AWS::EC2::VPCEndpoint", in: app)
        #expect(endpoints.count == 1)
        #expect(endpoints.first?.value["Properties"]?["ServiceName"] == .string("com.amazonaws.${AWS::Region}.secretsmanager", tag: "!Sub"))
        // Only the migrator, which answers CloudFormation through S3, may send HTTPS beyond the VPC's endpoints.
        #expect(try Self.resource("SchemaMigratorEgressToS3", in: app)["Properties"]?["FromPort"] == .int(443))
        #expect(app?["Resources"]?["RagFunctionEgressToS3"] == nil)
        let gateway = try Self.resource("NetworkS3GatewayEndpoint", in: templates["database"])["Properties"]
        #expect(gateway?["VpcEndpointType"] == .string("Gateway"))
        #expect(gateway?["RouteTableIds"]?[0] == .string("NetworkPrivateRouteTable1", tag: "!Ref"))
        #expect(!Self.resources(ofType: "AWS::IAM::Policy", in: app).contains { $0.key.hasSuffix("DataApiAccess") })
        let cluster = try #require(Self.resources(ofType: "AWS::RDS::DBCluster", in: templates["database"]).first?.value["Properties"])
        #expect(cluster["DeletionProtection"] == .bool(true))
        #expect(cluster["EnableHttpEndpoint"] == .bool(true))
    }

    @Test(arguments: ["dev", "staging", "prod"])
    func everyRouteIsAuthorizedByTheJWTAuthorizerAndOnlyThisAPIMayInvokeTheFunction(_ stage: String) throws {
        let settings = try #require(StageSettings.all.first { $0.name == stage })
        let app = try Self.templates(stage)["app"]
        let routes = Self.resources(ofType: "AWS::ApiGatewayV2::Route", in: app).map(\.value)
        #expect(routes.compactMap { $0["Properties"]?["RouteKey"]?.scalarText } == ChatRoutes.all)
        for route in routes {
            #expect(route["Properties"]?["AuthorizationType"] == .string("JWT"))
            #expect(route["Properties"]?["AuthorizerId"] == .string("ChatApiAuthorizer", tag: "!Ref"))
            #expect(route["Properties"]?["Target"] == .string("integrations/${ChatApiIntegration}", tag: "!Sub"))
        }
        let authorizer = try Self.resource("ChatApiAuthorizer", in: app)["Properties"]
        #expect(authorizer?["JwtConfiguration"]?["Issuer"] == .string("JwtIssuer", tag: "!Ref"))
        #expect(authorizer?["JwtConfiguration"]?["Audience"] == .string("JwtAudience", tag: "!Ref"))
        #expect(app?["Parameters"]?["JwtIssuer"]?["Default"]?.scalarText == settings.authentication.issuer)
        let integration = try Self.resource("ChatApiIntegration", in: app)["Properties"]
        #expect(integration?["IntegrationType"] == .string("AWS_PROXY") && integration?["PayloadFormatVersion"]?.scalarText == "2.0")
        #expect(integration?["IntegrationUri"] == .string("RagFunction.Arn", tag: "!GetAtt"))
        let permission = try Self.resource("ChatApiInvokesFunction", in: app)["Properties"]
        #expect(permission?["Principal"] == .string("apigateway.amazonaws.com"))
        #expect(permission?["SourceArn"] == .string("arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${ChatApi}/*/*/*", tag: "!Sub"))
        let stageResource = try Self.resource("ChatApiDefaultStage", in: app)["Properties"]
        #expect(stageResource?["AccessLogSettings"]?["DestinationArn"] == .string("ChatApiAccessLogs.Arn", tag: "!GetAtt"))
        #expect(stageResource?["DefaultRouteSettings"]?["ThrottlingBurstLimit"] == .int(settings.throttling.burstLimit))
        let logs = try Self.resource("ChatApiAccessLogs", in: app)["Properties"]
        #expect(logs?["KmsKeyId"] == .string("AppKey.Arn", tag: "!GetAtt") && logs?["RetentionInDays"] == .int(settings.logRetentionDays))
        #expect(app?["Outputs"]?["ApiUrl"]?["Value"] == .string("ChatApi.ApiEndpoint", tag: "!GetAtt"))
    }

    @Test(arguments: ["dev", "staging", "prod"])
    func theSchemaIsMigratedAtDeployTimeBeforeTheAPIFunctionStarts(_ stage: String) throws {
        let settings = try #require(StageSettings.all.first { $0.name == stage })
        let app = try Self.templates(stage)["app"]
        let schema = try Self.resource("ChatSchema", in: app)
        #expect(schema["Type"] == .string("Custom::ChatSchema"))
        #expect(schema["Properties"]?["ServiceToken"] == .string("SchemaMigrator.Arn", tag: "!GetAtt"))
        let fingerprint = SchemaRenderer.fingerprint(ChatSchema.schema(for: settings))
        #expect(schema["Properties"]?["Fingerprint"]?.scalarText == fingerprint)
        #expect(schema["Properties"]?["Definition"]?.scalarText == SchemaRenderer.definitionDigest(ChatSchema.schema(for: settings)))
        let dependsOn = try Self.resource("RagFunction", in: app)["DependsOn"]
        #expect(dependsOn == .string("ChatSchema") || (0..<20).contains { dependsOn?[$0] == .string("ChatSchema") }, "\(String(describing: dependsOn))")
        let migrator = try Self.resource("SchemaMigrator", in: app)["Properties"]
        #expect(migrator?["Environment"]?["Variables"]?["CHAT_FUNCTION_ROLE"] == .string("migrator"))
        #expect(migrator?["ReservedConcurrentExecutions"] == .int(1))
        // Both functions run the one artifact, built for the stage's architecture.
        for name in ["RagFunction", "SchemaMigrator"] {
            let properties = try Self.resource(name, in: app)["Properties"]
            #expect(properties?["Architectures"]?[0]?.scalarText == settings.architecture.rawValue)
            #expect(properties?["Code"]?["S3Key"] == .string("ArtifactKey", tag: "!Ref"))
        }
    }

    /// The API function signs in as the application role and can read only that role's secret; the
    /// master secret is read by the migrator (which also reads the application secret, to set the
    /// role's password) and by the rotator, which rotates both and the short-lived secrets it tests
    /// new credentials with, and no one else.
    @Test(arguments: ["dev", "staging", "prod"])
    func onlyTheMigratorReadsTheMasterSecret(_ stage: String) throws {
        let templates = try Self.templates(stage)
        let master = "chat-\(stage)-database-ChatDBSecret", application = "chat-\(stage)-database-ChatDBAppSecret"
        func texts(_ node: Node?) -> [String] {
            if case .sequence(let items, _)? = node { return items.compactMap(\.scalarText) }
            return node?.scalarText.map { [$0] } ?? []
        }
        var secretsByRole: [String: [String]] = [:]
        for policy in Self.resources(ofType: "AWS::IAM::Policy", in: templates["app"]).map(\.value) {
            let role = try #require(policy["Properties"]?["Roles"]?[0]?.scalarText)
            guard case .sequence(let statements, _)? = policy["Properties"]?["PolicyDocument"]?["Statement"] else { continue }
            for statement in statements where texts(statement["Action"]).contains("secretsmanager:GetSecretValue") {
                secretsByRole[role, default: []] += texts(statement["Resource"])
            }
        }
        let tests = "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:${Prefix}*"
        #expect(secretsByRole == ["RagFunctionRole": [application], "StreamSyncFunctionRole": [application], "SchemaMigratorRole": [master, application],
                                  "SecretRotationFunctionRole": [master, application, tests]])
        let api = try Self.resource("RagFunction", in: templates["app"])["Properties"]?["Environment"]?["Variables"]
        #expect(api?["DB_SECRET_ARN"]?.scalarText == application && api?["DB_APP_SECRET_ARN"] == nil)
        let migrator = try Self.resource("SchemaMigrator", in: templates["app"])["Properties"]?["Environment"]?["Variables"]
        #expect(migrator?["DB_SECRET_ARN"]?.scalarText == master && migrator?["DB_APP_SECRET_ARN"]?.scalarText == application)
        // The application secret: generated, encrypted with the database key, for the schema's role.
        let secret = try Self.resource("ChatDBAppSecret", in: templates["database"])["Properties"]
        #expect(secret?["KmsKeyId"] == .string("DatabaseKey.Arn", tag: "!GetAtt"))
        #expect(secret?["GenerateSecretString"]?["SecretStringTemplate"]?.scalarText?.contains(#""username":"\#(ChatSchema.applicationRole)""#) == true)
        #expect(secret?["GenerateSecretString"]?["SecretStringTemplate"]?.scalarText?.contains(#""masterarn":"${ChatDBSecret}""#) == true)
    }

    /// Both secrets rotate on the stage's schedule, through the rotator (the chat function in its
    /// `rotator` role, outside any VPC, on the Data API), once the schema has created the application role.
    @Test(arguments: ["dev", "staging", "prod"])
    func bothSecretsRotateOnTheStageSchedule(_ stage: String) throws {
        let settings = try #require(StageSettings.all.first { $0.name == stage })
        let app = try Self.templates(stage)["app"]
        #expect(app?["Transform"] == nil)
        let schedules = Self.resources(ofType: "AWS::SecretsManager::RotationSchedule", in: app)
        #expect(schedules.map(\.key) == ["SecretRotationMaster", "SecretRotationApplication"])
        for (schedule, secret) in zip(schedules.map(\.value), ["chat-\(stage)-database-ChatDBSecret", "chat-\(stage)-database-ChatDBAppSecret"]) {
            let properties = schedule["Properties"]
            #expect(properties?["SecretId"]?.scalarText == secret)
            #expect(properties?["RotationLambdaARN"] == .string("SecretRotationFunction.Arn", tag: "!GetAtt"))
            #expect(properties?["RotationRules"]?["AutomaticallyAfterDays"] == .int(settings.secretRotationDays))
            #expect(schedule["DependsOn"]?[0] == .string("ChatSchema"))
        }
        let rotator = Self.resources(ofType: "AWS::Lambda::Function", in: app).first { $0.key == "SecretRotationFunction" }?.value["Properties"]
        #expect(rotator?["VpcConfig"] == nil)
        #expect(rotator?["Environment"]?["Variables"]?["CHAT_FUNCTION_ROLE"] == .string("rotator"))
        #expect(rotator?["Environment"]?["Variables"]?["MEMORY_BACKEND_TYPE"] == .string("aurora_data_api"))
        // Only the VPC stages keep a Secrets Manager endpoint: their functions read their secrets through it.
        #expect(Self.resources(ofType: "AWS::EC2::VPCEndpoint", in: app).map(\.key) == (settings.backend == .postgres ? ["RagFunctionSecretsManagerEndpoint"] : []))
    }

    /// Every stage is watched: Aurora, the API function and the HTTP API, with the stage's thresholds,
    /// notifying an encrypted topic, never alarming on missing data (a paused cluster sends none).
    @Test(arguments: ["dev", "staging", "prod"])
    func eachStageHasItsAlarmsAndDashboard(_ stage: String) throws {
        let settings = try #require(StageSettings.all.first { $0.name == stage })
        let app = try Self.templates(stage)["app"]
        let alarms = Self.resources(ofType: "AWS::CloudWatch::Alarm", in: app)
        #expect(alarms.map(\.key) == ["AuroraACUUtilization", "AuroraCPU", "AuroraConnections", "AuroraFreeableMemory", "AuroraCapacityAtMaximum",
                                     "FunctionErrors", "FunctionThrottles", "FunctionDuration", "Api5xxRate", "ApiLatency"].map { "ChatAlarms\($0)" }
                                     + ["StreamSyncFailuresWaiting"])
        for alarm in alarms.map(\.value) {
            #expect(alarm["Properties"]?["TreatMissingData"]?.scalarText == "notBreaching")
            #expect(alarm["Properties"]?["AlarmActions"]?[0] == .string("ChatAlarmsTopic", tag: "!Ref"))
        }
        let cpu = try Self.resource("ChatAlarmsAuroraCPU", in: app)["Properties"]
        #expect(cpu?["Threshold"] == .int(Int(settings.alarms.cpuUtilizationPercent)))
        #expect(cpu?["Dimensions"]?[0]?["Value"]?.scalarText == "chat-\(stage)-database-ChatDB")
        let capacity = try Self.resource("ChatAlarmsAuroraCapacityAtMaximum", in: app)["Properties"]
        #expect(capacity?["Threshold"]?.scalarText.flatMap(Double.init) == settings.capacity.maximum)
        let duration = try Self.resource("ChatAlarmsFunctionDuration", in: app)["Properties"]
        #expect(duration?["ExtendedStatistic"]?.scalarText == "p95" && duration?["Threshold"] == .int(24_000))
        let topic = try Self.resource("ChatAlarmsTopic", in: app)["Properties"]
        #expect(topic?["KmsMasterKeyId"] == .string("AppKey.Arn", tag: "!GetAtt"))
        #expect(try Self.resource("ChatAlarmsEmailSubscription", in: app)["Condition"]?.scalarText == "HasAlarmEmail")
        #expect(app?["Parameters"]?["AlarmEmail"]?["Default"]?.scalarText == "")
        let dashboard = try Self.resource("ChatAlarmsDashboard", in: app)["Properties"]?["DashboardBody"]?[0]?.scalarText ?? ""
        for metric in ["ACUUtilization", "CPUUtilization", "DatabaseConnections", "FreeableMemory", "ServerlessDatabaseCapacity",
                       "\"Errors\"", "Throttles", "Duration", "5xx", "Latency"] {
            #expect(dashboard.contains(metric), "the dashboard lacks \(metric)")
        }
    }

    @Test func noTemplateHoldsAPasswordOrAWildcardGrant() throws {
        for stage in chatApp.stages.map(\.name) {
            for (name, template) in try Self.templates(stage) {
                let yaml = try Emitter.emit(template)
                #expect(!yaml.contains("MasterUserPassword: '") && !yaml.contains("rds-data:*"), "\(stage)/\(name)")
                for policy in Self.resources(ofType: "AWS::IAM::Policy", in: template) {
                    let text = try Emitter.emit(policy.value)
                    #expect(!text.contains("Resource: '*'") && !text.contains("Action: '*'"), "\(stage)/\(name)/\(policy.key)")
                }
            }
        }
    }

    @Test func stacksDeployDatabaseFirst() throws {
        for stage in chatApp.stages {
            let stacks = try StageSynthesizer.synthesize(app: chatApp, stage: stage)
            #expect(stacks.map(\.name) == ["database", "app"])
            #expect(stacks[1].dependencies == ["database"])
        }
    }

    /// Bedrock Chat's tables are optional parameters: without them no mapping, queue or grant exists;
    /// with them each stream gets a mapping that bisects, retries a bounded number of times, reports
    /// partial batch failures and sends what keeps failing to an encrypted queue. The sync function
    /// reads only the streams named, and only the backfill policy may scan.
    @Test(arguments: ["dev", "prod"])
    func bedrockChatSourcesAreOptionalAndLeastPrivileged(_ stage: String) throws {
        let app = try #require(try Self.templates(stage)["app"])
        for parameter in ["BedrockChatBotTableName", "BedrockChatConversationTableName", "BedrockChatBotTableStreamArn",
                          "BedrockChatConversationTableStreamArn", "BedrockChatLargeMessageBucket"] {
            #expect(app["Parameters"]?[parameter]?["Default"]?.scalarText == "", "\(parameter) may stay empty")
        }
        let mappings = Self.resources(ofType: "AWS::Lambda::EventSourceMapping", in: app)
        #expect(mappings.map { $0.value["Condition"]?.scalarText } == ["HasBedrockChatBotStream", "HasBedrockChatConversationStream"])
        for mapping in mappings.map({ $0.value["Properties"] }) {
            #expect(mapping?["BisectBatchOnFunctionError"]?.scalarText == "true" && mapping?["MaximumRetryAttempts"]?.scalarText == "5")
            #expect(mapping?["FunctionResponseTypes"]?[0]?.scalarText == "ReportBatchItemFailures" && mapping?["ParallelizationFactor"]?.scalarText == "1")
            #expect(mapping?["DestinationConfig"]?["OnFailure"]?["Destination"]?.scalarText == "StreamSyncFailures.Arn")
        }
        let queue = try Self.resource("StreamSyncFailures", in: app)
        #expect(queue["Condition"]?.scalarText == "HasBedrockChatStream" && queue["Properties"]?["KmsMasterKeyId"] != nil)
        // A record in the queue is one the search tables missed: the alarms topic hears of the first.
        let waiting = try Self.resource("StreamSyncFailuresWaiting", in: app)
        #expect(waiting["Condition"]?.scalarText == "HasBedrockChatStream")
        #expect(waiting["Properties"]?["MetricName"]?.scalarText == "ApproximateNumberOfMessagesVisible")
        #expect(waiting["Properties"]?["Dimensions"]?[0]?["Value"]?.scalarText == "StreamSyncFailures.QueueName")
        #expect(waiting["Properties"]?["Threshold"]?.scalarText == "0" && waiting["Properties"]?["ComparisonOperator"]?.scalarText == "GreaterThanThreshold")
        #expect(waiting["Properties"]?["AlarmActions"]?[0]?.scalarText == "ChatAlarmsTopic")

        // Which DynamoDB actions each policy grants, across the template.
        var dynamoActions: [String: Set<String>] = [:]
        for type in ["AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"] {
            for (name, policy) in Self.resources(ofType: type, in: app).map({ ($0.key, $0.value) }) {
                guard case .sequence(let statements, _)? = policy["Properties"]?["PolicyDocument"]?["Statement"] else { continue }
                for statement in statements {
                    // A statement under a template condition is `!If [condition, statement, !Ref AWS::NoValue]`.
                    let body: Node = if case .sequence(let parts, "!If") = statement, parts.count == 3 { parts[1] } else { statement }
                    let action = body["Action"]
                    let actions: [String] = if case .sequence(let items, _)? = action { items.compactMap(\.scalarText) } else { [action?.scalarText].compactMap { $0 } }
                    dynamoActions[name, default: []].formUnion(actions.filter { $0.hasPrefix("dynamodb:") })
                }
            }
        }
        #expect(dynamoActions.filter { !$0.value.isEmpty } == [
            "StreamSyncStreamAccess": ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"],
            "BackfillPolicy": ["dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:Scan"],
        ])
        let function = try Self.resource("StreamSyncFunction", in: app)["Properties"]?["Environment"]?["Variables"]
        #expect(function?["CHAT_FUNCTION_ROLE"]?.scalarText == "sync" && function?["LARGE_MESSAGE_BUCKET"] != nil)
    }
}
