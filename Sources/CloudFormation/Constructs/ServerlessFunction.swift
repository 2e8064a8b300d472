/// A Lambda function with what it always needs: an execution role with the basic execution policy,
/// its own log group with a retention, environment encrypted with a customer key, reserved
/// concurrency. `placement` decides the network: `.outsideVPC` writes no `VpcConfig` at all;
/// `.inVPC` adds subnets, a security group, the VPC access policy, PostgreSQL ingress on each database
/// it may reach (from this function only), and an interface endpoint for Secrets Manager, since
/// private subnets have no route to the internet.
public struct ServerlessFunction: StackContent {
    public enum Placement: Sendable {
        case outsideVPC
        case inVPC(PrivateNetwork, databases: [AuroraServerlessCluster])
    }

    public struct Settings: Sendable {
        public var description: String
        public var runtime = "provided.al2023"
        public var handler = "bootstrap"
        public var architecture = "arm64"
        public var codeBucket: Value
        public var codeKey: Value
        public var memorySize = 512
        public var timeoutSeconds = 30
        public var reservedConcurrency: Int
        public var logRetentionDays: Int
        public var environment: [Field] = []
        /// Callers wait for the result (an API behind it), so failed invocations are retried by the
        /// caller and a dead-letter queue, which only asynchronous invocations use, has no role.
        public var invokedSynchronously = true

        public init(description: String, codeBucket: Value, codeKey: Value, reservedConcurrency: Int, logRetentionDays: Int) {
            self.description = description
            self.codeBucket = codeBucket
            self.codeKey = codeKey
            self.reservedConcurrency = reservedConcurrency
            self.logRetentionDays = logRetentionDays
        }
    }

    public let role: Role
    public let rolePolicy: Policy
    public let logGroup: LogGroup
    public private(set) var function: Function
    public let securityGroup: SecurityGroup?
    public let databaseIngress: [SecurityGroupIngress]
    public let databaseEgress: [SecurityGroupEgress]
    public let secretsEndpoint: SecretsManagerEndpoint?
    let extras: [any StackContent]

    public init(_ logicalId: String, _ settings: Settings, placement: Placement, key: EncryptionKey,
                @StackBuilder grants: (Role) -> [any StackContent] = { _ in [] }) {
        var managedPolicies: [Value] = [Role.managedPolicy("service-role/AWSLambdaBasicExecutionRole")]
        if case .inVPC = placement { managedPolicies.append(Role.managedPolicy("service-role/AWSLambdaVPCAccessExecutionRole")) }
        role = Role("\(logicalId)Role") {
            $0.description = .string("Execution role of \(logicalId)")
            $0.assumeRolePolicyDocument = PolicyDocument {
                Statement(principal: Statement.service("lambda.amazonaws.com"), actions: ["sts:AssumeRole"])
            }
            $0.managedPolicyArns = .list(managedPolicies)
        }
        rolePolicy = Policy("\(logicalId)RoleEnvironmentKey") {
            $0.policyName = "environment-key"
            $0.roles = [.intrinsic(.ref("\(logicalId)Role"))]
            $0.policyDocument = PolicyDocument {
                Statement(sid: "DecryptEnvironment", actions: ["kms:Decrypt"], resources: [key.arn])
            }
        }
        logGroup = LogGroup("\(logicalId)LogGroup") {
            $0.retentionInDays = .int(settings.logRetentionDays)
            $0.kmsKeyId = key.arn
        }.retention(onDelete: .delete)

        switch placement {
        case .outsideVPC:
            securityGroup = nil
            databaseIngress = []
            databaseEgress = []
            secretsEndpoint = nil
        case .inVPC(let network, let databases):
            let group = SecurityGroup("\(logicalId)SecurityGroup") {
                $0.groupDescription = .string("\(logicalId): outbound to its databases and the Secrets Manager endpoint only")
                $0.vpcId = network.vpcId
                $0.securityGroupEgress = [SecurityGroup.noOutboundTraffic]
            }
            securityGroup = group
            let endpoint = SecretsManagerEndpoint("\(logicalId)SecretsManagerEndpoint", network: network, clients: group)
            secretsEndpoint = endpoint
            databaseIngress = databases.map { database in
                SecurityGroupIngress("\(database.logicalId)IngressFrom\(logicalId)") {
                    $0.groupId = database.securityGroupId
                    $0.ipProtocol = "tcp"
                    $0.fromPort = .int(database.settings.port)
                    $0.toPort = .int(database.settings.port)
                    $0.sourceSecurityGroupId = group.groupId
                    $0.description = .string("PostgreSQL from \(logicalId)")
                }
            }
            databaseEgress = databases.map { database in
                SecurityGroupEgress("\(logicalId)EgressTo\(database.logicalId)") {
                    $0.groupId = group.groupId
                    $0.ipProtocol = "tcp"
                    $0.fromPort = .int(database.settings.port)
                    $0.toPort = .int(database.settings.port)
                    $0.destinationSecurityGroupId = database.securityGroupId
                    $0.description = .string("PostgreSQL to \(database.logicalId)")
                }
            } + [SecurityGroupEgress("\(logicalId)EgressToSecretsManager") {
                $0.groupId = group.groupId
                $0.ipProtocol = "tcp"
                $0.fromPort = 443
                $0.toPort = 443
                $0.destinationSecurityGroupId = endpoint.securityGroup.groupId
                $0.description = "HTTPS to the Secrets Manager endpoint"
            }]
        }

        let vpcConfig: Value? = securityGroup.map { group in
            guard case .inVPC(let network, _) = placement else { return nil }
            return ["SubnetIds": network.subnetIds, "SecurityGroupIds": [group.groupId]]
        } ?? nil
        let roleId = role.logicalId
        function = Function(logicalId) {
            $0.description = .string(settings.description)
            $0.runtime = .string(settings.runtime)
            $0.handler = .string(settings.handler)
            $0.architectures = [.string(settings.architecture)]
            $0.code = ["S3Bucket": settings.codeBucket, "S3Key": settings.codeKey]
            $0.role = .intrinsic(.getAtt(roleId, attribute: "Arn"))
            $0.memorySize = .int(settings.memorySize)
            $0.timeout = .int(settings.timeoutSeconds)
            $0.reservedConcurrentExecutions = .int(settings.reservedConcurrency)
            $0.kmsKeyArn = key.arn
            $0.loggingConfig = ["LogGroup": .intrinsic(.ref("\(logicalId)LogGroup"))]
            $0.tracingConfig = ["Mode": "Active"]
            if !settings.environment.isEmpty { $0.environment = ["Variables": .object(settings.environment)] }
            $0.vpcConfig = vpcConfig
        }
        if settings.invokedSynchronously {
            function = function.skippingCheckov("CKV_AWS_116", because: "invoked synchronously; a dead-letter queue applies to asynchronous invocations only")
        }
        if case .outsideVPC = placement {
            function = function.skippingCheckov("CKV_AWS_117", because: "reaches its database over the RDS Data API (HTTPS); running outside a VPC avoids NAT and endpoint costs by design")
        }
        extras = grants(role)
    }

    public var elements: [StackElement] {
        var resources: [any Resource] = [role, rolePolicy, logGroup]
        if let securityGroup { resources.append(securityGroup) }
        resources += databaseEgress
        resources += databaseIngress
        var elements = resources.flatMap(\.elements)
        if let secretsEndpoint { elements += secretsEndpoint.elements }
        return elements + function.elements + extras.flatMap(\.elements)
    }

    public var diagnostics: [SynthError] { extras.flatMap(\.diagnostics) }
}

/// An interface VPC endpoint for Secrets Manager with private DNS, reachable on 443 from one client
/// security group only.
public struct SecretsManagerEndpoint: StackContent {
    public let securityGroup: SecurityGroup
    public let endpoint: VPCEndpoint

    public init(_ logicalId: String, network: PrivateNetwork, clients: SecurityGroup) {
        securityGroup = SecurityGroup("\(logicalId)SecurityGroup") {
            $0.groupDescription = "Secrets Manager endpoint: HTTPS from the function only"
            $0.vpcId = network.vpcId
            $0.securityGroupIngress = [[
                "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "SourceSecurityGroupId": clients.groupId,
                "Description": "HTTPS from the function",
            ]]
            $0.securityGroupEgress = [SecurityGroup.noOutboundTraffic]
        }
        endpoint = VPCEndpoint(logicalId) {
            $0.vpcId = network.vpcId
            $0.serviceName = .sub("com.amazonaws.${AWS::Region}.secretsmanager")
            $0.vpcEndpointType = "Interface"
            $0.privateDnsEnabled = true
            $0.subnetIds = network.subnetIds
            $0.securityGroupIds = [.intrinsic(.getAtt("\(logicalId)SecurityGroup", attribute: "GroupId"))]
        }
    }

    public var elements: [StackElement] { securityGroup.elements + endpoint.elements }
}
