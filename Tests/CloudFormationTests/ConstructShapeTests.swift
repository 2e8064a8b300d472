import Testing
@testable import CloudFormation

/// What the constructs promise, checked on the resources they produce.
@Suite struct ConstructShapeTests {
    let cluster = Fixtures.cluster()

    @Test func clusterHasTheDataAPIAndNoPasswordInTheTemplate() throws {
        let properties = cluster.cluster.properties
        #expect(properties.first { $0.key == "EnableHttpEndpoint" }?.value == .bool(true))
        #expect(properties.first { $0.key == "StorageEncrypted" }?.value == .bool(true))
        #expect(!properties.contains { $0.key == "EngineMode" })
        let password = try #require(properties.first { $0.key == "MasterUserPassword" }?.value)
        #expect(password == .sub("{{resolve:secretsmanager:${ChatDBSecret}:SecretString:password}}"))
        #expect(cluster.cluster.attributes.deletionPolicy == .snapshot)
        #expect(cluster.cluster.attributes.updateReplacePolicy == .snapshot)
        #expect(cluster.instances.allSatisfy { $0.properties.contains { $0.key == "DBInstanceClass" && $0.value == "db.serverless" } })
        #expect(cluster.secretAttachment.properties.contains { $0.key == "TargetType" && $0.value == "AWS::RDS::DBCluster" })
    }

    @Test func dataAPIGrantIsExactlyTheFiveActionsOnTheClusterAndTheSecret() throws {
        let role = Role("AppRole")
        let grant = cluster.grantDataAPIAccess(to: role, as: .master)
        let statements = try #require(grant.policy.policyDocument?.statements)
        #expect(statements.map(\.sid) == ["DataApi", "ReadClusterSecret", "DecryptClusterSecret"])
        #expect(statements[0].actions == ["rds-data:BatchExecuteStatement", "rds-data:BeginTransaction",
                                          "rds-data:CommitTransaction", "rds-data:ExecuteStatement", "rds-data:RollbackTransaction"])
        #expect(statements[0].resources == [cluster.arn])
        #expect(statements[1].actions == ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"])
        #expect(statements[1].resources == [cluster.secretArn])
        for statement in statements {
            #expect(!statement.actions.contains { $0.contains("*") })
            #expect(!statement.resources.contains(.string("*")))
        }
    }

    @Test func secretOnlyGrantHasNoDataAPIActions() throws {
        let statements = try #require(cluster.grantSecretRead(to: Role("AppRole"), as: .master).policy.policyDocument?.statements)
        #expect(!statements.flatMap(\.actions).contains { $0.hasPrefix("rds-data:") })
    }

    @Test func theApplicationUserSignsInWithItsOwnSecretAndTheMigratorReadsBoth() throws {
        var settings = cluster.settings
        settings.applicationUsername = "chat_app"
        let withApplication = AuroraServerlessCluster("ChatDB", settings, network: PrivateNetwork("Network", cidr: "10.0.0.0/16", zones: 2),
                                                      key: EncryptionKey("DatabaseKey", description: "k", alias: "alias/k"))
        let appSecret = try #require(withApplication.applicationSecret)
        #expect(appSecret.logicalId == "ChatDBAppSecret" && withApplication.secret(of: .application).logicalId == "ChatDBAppSecret")
        #expect(appSecret.kmsKeyId == withApplication.key.arn)
        #expect(withApplication.applicationSecretAttachment?.secretId == appSecret.ref)
        let application = try #require(withApplication.grantDataAPIAccess(to: Role("ApiRole"), as: .application).policy.policyDocument?.statements)
        #expect(application[1].resources == [appSecret.ref], "the application reads its own secret only")
        let migrator = try #require(withApplication.grantSecretRead(to: Role("MigratorRole"), as: .master, alsoReading: [.application])
            .policy.policyDocument?.statements)
        #expect(migrator[0].resources == [withApplication.secretArn, appSecret.ref])
        // Without an application role, everyone signs in as the master user.
        #expect(cluster.applicationSecret == nil && cluster.secret(of: .application).logicalId == "ChatDBSecret")
        settings.applicationUsername = settings.masterUsername
        let clash = AuroraServerlessCluster("ChatDB", settings, network: PrivateNetwork("Network", cidr: "10.0.0.0/16", zones: 2),
                                            key: EncryptionKey("DatabaseKey", description: "k", alias: "alias/k"))
        #expect(clash.diagnostics.map(\.message).contains { $0.contains("is the master user; the application needs a role of its own") })
    }

    @Test func secretRotationRunsOutsideTheVPCWithRightsOnItsSecretsAndTheDataAPIOnly() throws {
        var settings = cluster.settings
        settings.applicationUsername = "chat_app"
        let network = PrivateNetwork("Network", cidr: "10.0.0.0/16", zones: 2)
        let withApplication = AuroraServerlessCluster("ChatDB", settings, network: network, key: EncryptionKey("DatabaseKey", description: "k", alias: "alias/k"))
        let schema = CustomResource("ChatSchema", type: "Custom::ChatSchema", serviceToken: "arn", properties: [])
        let key = EncryptionKey("AppKey", description: "k", alias: "alias/app")
        let function = ServerlessFunction.Settings(description: "rotator", codeBucket: "bucket", codeKey: "key.zip", reservedConcurrency: 2, logRetentionDays: 30)
        let rotation = SecretRotation("SecretRotation", cluster: withApplication, settings: function, key: key, testSecretPrefix: "chat-dev-app-rotation-test-",
                                      everyDays: 30, after: [schema])
        // No transform, no network: the function has no VpcConfig and the content no security group.
        #expect(!rotation.elements.contains { if case .transform = $0 { true } else { false } })
        #expect(rotation.function.securityGroup == nil && rotation.function.function.vpcConfig == nil)
        let statements = try #require(rotation.policy.policyDocument?.statements)
        #expect(statements.map(\.sid) == ["RotateClusterSecrets", "SignInTestSecrets", "SecretsKey", "DataApi"])
        #expect(statements[0].resources == [withApplication.secretArn, withApplication.applicationSecret!.ref])
        #expect(statements[3].actions == ["rds-data:ExecuteStatement"] && statements[3].resources == [withApplication.arn])
        #expect(statements.allSatisfy { !$0.actions.contains { $0.hasSuffix("*") } })
        // Secrets Manager may invoke it for the two secrets only.
        #expect(rotation.permissions.map(\.principal) == ["secretsmanager.amazonaws.com", "secretsmanager.amazonaws.com"])
        #expect(rotation.permissions.map(\.sourceArn) == [withApplication.secretArn, withApplication.applicationSecret!.ref])
        let application = try #require(rotation.applicationSchedule)
        for schedule in [rotation.masterSchedule, application] {
            #expect(schedule.rotationLambdaARN == rotation.function.function.arn && schedule.hostedRotationLambda == nil)
            // The first rotation runs at once: after the role exists and the function may run.
            #expect(Set(schedule.attributes.dependsOn) == Set(["ChatSchema", rotation.policy.logicalId]
                                                                + rotation.permissions.map(\.logicalId)))
        }
        #expect(rotation.masterSchedule.secretId == withApplication.secretArn && application.secretId == withApplication.applicationSecret?.ref)
        #expect(rotation.diagnostics.isEmpty)
        let never = SecretRotation("SecretRotation", cluster: withApplication, settings: function, key: key, testSecretPrefix: "p-", everyDays: 0)
        #expect(never.diagnostics.map(\.message) == ["everyDays 0 is outside 1–1,000, the schedules Secrets Manager accepts"])
    }

    @Test func alarmThresholdsFollowTheSettingsAndBadOnesAreNamed() throws {
        #expect(ServiceAlarms.maximumConnections(atACU: 4) == 901 && ServiceAlarms.maximumConnections(atACU: 256) == 5_000)
        let fn = function(.outsideVPC)
        var thresholds = AlarmThresholds()
        let watches = ServiceAlarms.watches(thresholds, cluster: cluster, function: fn)
        #expect(watches.first { $0.name == "AuroraConnections" }?.threshold == (901 * 0.8).rounded(.down))
        #expect(watches.first { $0.name == "FunctionDuration" }?.threshold == Double(fn.settings.timeoutSeconds * 1000) * 0.8)
        #expect(watches.first { $0.name == "AuroraCapacityAtMaximum" }?.periods == 3)
        thresholds.capacityAtMaximumMinutes = 7
        thresholds.cpuUtilizationPercent = 0
        thresholds.durationFractionOfTimeout = 1.5
        let api = AuthenticatedHTTPAPI("Api", AuthenticatedHTTPAPI.Settings(routes: ["GET /x"], issuer: "https://issuer", audience: ["a"],
            throttlingBurstLimit: 1, throttlingRateLimit: 1, logRetentionDays: 7), function: fn.function, key: EncryptionKey("K", description: "k", alias: "alias/k"))
        let alarms = ServiceAlarms("Alarms", thresholds: thresholds, cluster: cluster, function: fn, api: api, key: EncryptionKey("K", description: "k", alias: "alias/k"))
        #expect(Set(alarms.diagnostics.map(\.message)) == [
            "capacityAtMaximumMinutes 7 must be a positive multiple of 5 (the alarms' period)",
            "durationFractionOfTimeout 1.5 must be above 0 and at most 1",
            "cpuUtilizationPercent 0 must be a percentage above 0",
        ])
    }

    @Test func databaseInsightsIsSetOnTheClusterAndItsRulesAreChecked() throws {
        let properties = cluster.cluster.properties
        func property(_ key: String) -> Value? { properties.first { $0.key == key }?.value }
        #expect(property("DatabaseInsightsMode") == "standard" && property("PerformanceInsightsEnabled") == true)
        #expect(property("PerformanceInsightsKmsKeyId") == cluster.key.arn.value && property("PerformanceInsightsRetentionPeriod") == 7)
        // Instances mirror the cluster's settings, which is no retired use: synth warns only of
        // Performance Insights on an instance whose cluster has no Database Insights.
        #expect(cluster.instances.allSatisfy { instance in
            instance.properties.contains { $0.key == "PerformanceInsightsRetentionPeriod" && $0.value == 7 }
        })
        var template = Template()
        template.resources = [cluster.cluster] + cluster.instances
        #expect(RetiredSettings.warnings(template, stack: "database").isEmpty)
        template.resources.append(DBInstance("Legacy") { $0.enablePerformanceInsights = true; $0.performanceInsightsRetentionPeriod = 7 })
        let warnings = RetiredSettings.warnings(template, stack: "database")
        #expect(warnings.map(\.subject) == ["stack \"database\": DBInstance \"Legacy\""])
        #expect(warnings.first?.message.hasPrefix("EnablePerformanceInsights, PerformanceInsightsRetentionPeriod configure Performance Insights, retired on 2026-07-31") == true)

        for (insights, message) in [
            (DatabaseInsights.advanced(retentionDays: 31), "advanced Database Insights needs at least 465 days of retention (got 31); use .advanced() or more months"),
            (.standard(retentionDays: 10), "Database Insights retention 10 days is not one Aurora accepts: 7, a number of 31-day months (31, 62, … 713) or 731"),
        ] {
            var settings = cluster.settings
            settings.insights = insights
            let bent = AuroraServerlessCluster("ChatDB", settings, network: cluster.network, key: cluster.key)
            #expect(bent.diagnostics.map(\.message) == [message])
        }
        var advanced = cluster.settings
        advanced.insights = .advanced()
        #expect(AuroraServerlessCluster("ChatDB", advanced, network: cluster.network, key: cluster.key).diagnostics.isEmpty)
    }

    @Test func aDeclaredPostgresLogGroupNamesTheClusterAndIsEncrypted() throws {
        var settings = cluster.settings
        settings.postgresLogRetentionDays = 30
        let key = EncryptionKey("DatabaseKey", description: "k", alias: "alias/k", allowing: [.cloudWatchLogs])
        let declared = AuroraServerlessCluster("ChatDB", settings, network: cluster.network, key: key)
        let group = try #require(declared.postgresLogGroup)
        #expect(group.logGroupName == .sub("/aws/rds/cluster/${AWS::StackName}-chatdb/postgresql"))
        #expect(group.retentionInDays == 30 && group.kmsKeyId == key.arn)
        #expect(declared.cluster.dbClusterIdentifier == .sub("${AWS::StackName}-chatdb"))
        #expect(declared.cluster.attributes.dependsOn == ["ChatDBPostgresLogGroup"])
        #expect(declared.diagnostics.isEmpty)
        // Without it, RDS names the cluster and makes its own group.
        #expect(cluster.postgresLogGroup == nil && cluster.cluster.dbClusterIdentifier == nil)
        settings.postgresLogRetentionDays = 10
        let wrong = AuroraServerlessCluster("ChatDB", settings, network: cluster.network, key: cluster.key)
        #expect(wrong.diagnostics.map(\.message) == [
            "postgresLogRetentionDays 10 is not a retention CloudWatch Logs offers (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)",
            "the PostgreSQL log group is encrypted with the cluster's key, whose policy does not let CloudWatch Logs use it; build the EncryptionKey allowing: [.cloudWatchLogs]",
        ])
    }

    func function(_ placement: ServerlessFunction.Placement, logicalId: String = "Fn", answersCustomResources: Bool = false) -> ServerlessFunction {
        var settings = ServerlessFunction.Settings(description: "test", codeBucket: "bucket", codeKey: "key", reservedConcurrency: 1, logRetentionDays: 7)
        if answersCustomResources { settings.invokedBy = .customResources }
        return ServerlessFunction(logicalId, settings, placement: placement, key: EncryptionKey("AppKey", description: "k", alias: "alias/k"))
    }

    func property(_ resource: any Resource, _ key: String) -> Value? { resource.properties.first { $0.key == key }?.value }

    @Test func outsideAVPCThereIsNoVpcConfigAtAll() {
        let function = function(.outsideVPC)
        #expect(!function.function.properties.contains { $0.key == "VpcConfig" })
        #expect(function.securityGroup == nil && function.ingress.isEmpty && function.egress.isEmpty)
    }

    @Test func insideAVPCTheDatabaseAdmitsOnlyThisFunctionOn5432() throws {
        let network = PrivateNetwork("Network", cidr: "10.0.0.0/16", zones: 2)
        let endpoint = SecretsManagerEndpoint("SecretsManagerEndpoint", network: network)
        let function = function(.inVPC(network, databases: [cluster], secrets: endpoint))
        #expect(function.function.properties.contains { $0.key == "VpcConfig" })
        let ingress = try #require(function.ingress.first)
        let properties = Dictionary(uniqueKeysWithValues: ingress.properties.map { ($0.key, $0.value) })
        #expect(properties["GroupId"] == cluster.securityGroupId.value)
        #expect(properties["SourceSecurityGroupId"] == function.securityGroup?.groupId.value)
        #expect(properties["FromPort"] == 5432 && properties["ToPort"] == 5432)
        #expect(properties["CidrIp"] == nil)
        #expect(endpoint.endpoint.properties.contains { $0.key == "ServiceName" && $0.value == .sub("com.amazonaws.${AWS::Region}.secretsmanager") })
        #expect(function.role.properties.contains { field in
            guard field.key == "ManagedPolicyArns", case .list(let arns) = field.value else { return false }
            return arns.contains(Role.managedPolicy("service-role/AWSLambdaVPCAccessExecutionRole").value)
        })
    }

    @Test func functionsInOneVPCShareTheSecretsEndpointAndExistOnlyOnceTheirPathDoes() throws {
        let network = PrivateNetwork("Network", cidr: "10.0.0.0/16", zones: 2)
        let endpoint = SecretsManagerEndpoint("SecretsManagerEndpoint", network: network)
        let first = function(.inVPC(network, databases: [cluster], secrets: endpoint), logicalId: "First")
        let second = function(.inVPC(network, databases: [cluster], secrets: endpoint), logicalId: "Second")
        // Neither function brings an endpoint of its own: two with private DNS for one service conflict.
        for function in [first, second] {
            #expect(!function.elements.contains { element in
                guard case .resource(let resource) = element else { return false }
                return resource.resourceType == "AWS::EC2::VPCEndpoint"
            })
            let rule = try #require(function.ingress.first { property($0, "GroupId") == endpoint.securityGroup.groupId.value })
            #expect(property(rule, "SourceSecurityGroupId") == function.securityGroup?.groupId.value && property(rule, "FromPort") == 443)
            // Invoked before its egress and ingress exist, it could not read its secret.
            let needed = Set([endpoint.endpoint.logicalId] + function.egress.map(\.logicalId) + function.ingress.map(\.logicalId))
            #expect(needed.isSubset(of: Set(function.function.attributes.dependsOn)))
        }
    }

    @Test func aCustomResourceFunctionInAVPCNeedsTheS3GatewayEndpoint() throws {
        let bare = PrivateNetwork("Network", cidr: "10.0.0.0/16", zones: 2)
        let withoutS3 = function(.inVPC(bare, databases: [cluster], secrets: SecretsManagerEndpoint("Endpoint", network: bare)), answersCustomResources: true)
        #expect(withoutS3.diagnostics.contains { $0.message.contains("s3Access: .customResourceResponses") })

        let network = PrivateNetwork("Network", cidr: "10.0.0.0/16", zones: 2, s3Access: .customResourceResponses)
        let gateway = try #require(network.s3Endpoint)
        #expect(property(gateway, "VpcEndpointType") == "Gateway")
        #expect(property(gateway, "RouteTableIds") == .list(network.routeTables.map(\.ref.value)))
        let statements = try #require(gateway.policyDocument?.statements)
        #expect(statements.flatMap(\.actions) == ["s3:PutObject"])
        let migrator = function(.inVPC(network, databases: [cluster], secrets: SecretsManagerEndpoint("Endpoint", network: network)),
                                answersCustomResources: true)
        #expect(migrator.diagnostics.isEmpty)
        #expect(migrator.egress.contains { property($0, "FromPort") == 443 && property($0, "CidrIp") == "0.0.0.0/0" })
        // A function that answers no custom resource gets no S3 egress.
        let api = function(.inVPC(network, databases: [cluster], secrets: SecretsManagerEndpoint("Endpoint", network: network)))
        #expect(!api.egress.contains { property($0, "CidrIp") != nil })
    }
}
