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
        let grant = cluster.grantDataAPIAccess(to: role)
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
        let statements = try #require(cluster.grantSecretRead(to: Role("AppRole")).policy.policyDocument?.statements)
        #expect(!statements.flatMap(\.actions).contains { $0.hasPrefix("rds-data:") })
    }

    func function(_ placement: ServerlessFunction.Placement) -> ServerlessFunction {
        ServerlessFunction("Fn", .init(description: "test", codeBucket: "bucket", codeKey: "key", reservedConcurrency: 1, logRetentionDays: 7),
                           placement: placement, key: EncryptionKey("AppKey", description: "k", alias: "alias/k"))
    }

    @Test func outsideAVPCThereIsNoVpcConfigAtAll() {
        let function = function(.outsideVPC)
        #expect(!function.function.properties.contains { $0.key == "VpcConfig" })
        #expect(function.securityGroup == nil && function.secretsEndpoint == nil && function.databaseIngress.isEmpty)
    }

    @Test func insideAVPCTheDatabaseAdmitsOnlyThisFunctionOn5432() throws {
        let network = PrivateNetwork("Network", cidr: "10.0.0.0/16", zones: 2)
        let function = function(.inVPC(network, databases: [cluster]))
        #expect(function.function.properties.contains { $0.key == "VpcConfig" })
        let ingress = try #require(function.databaseIngress.first)
        let properties = Dictionary(uniqueKeysWithValues: ingress.properties.map { ($0.key, $0.value) })
        #expect(properties["GroupId"] == cluster.securityGroupId)
        #expect(properties["SourceSecurityGroupId"] == function.securityGroup?.groupId)
        #expect(properties["FromPort"] == 5432 && properties["ToPort"] == 5432)
        #expect(properties["CidrIp"] == nil)
        let endpoint = try #require(function.secretsEndpoint)
        #expect(endpoint.endpoint.properties.contains { $0.key == "ServiceName" && $0.value == .sub("com.amazonaws.${AWS::Region}.secretsmanager") })
        #expect(function.role.properties.contains { field in
            guard field.key == "ManagedPolicyArns", case .list(let arns) = field.value else { return false }
            return arns.contains(Role.managedPolicy("service-role/AWSLambdaVPCAccessExecutionRole"))
        })
    }
}
