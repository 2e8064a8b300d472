import DSLCore

/// A Lambda function with what it always needs: an execution role with the basic execution policy,
/// its own log group with a retention, environment encrypted with a customer key, reserved
/// concurrency. `placement` decides the network: `.outsideVPC` writes no `VpcConfig` at all;
/// `.inVPC` adds subnets, a security group, the VPC access policy, PostgreSQL ingress on each database
/// it may reach (from this function only), and HTTPS to the VPC's Secrets Manager endpoint, since
/// private subnets have no route to the internet. The function is created only once that path is
/// in place, so nothing invokes it before it can reach what it needs.
public struct ServerlessFunction: StackContent {
    public enum Placement: Sendable {
        case outsideVPC
        /// `secrets` is shared by every function of the VPC: a second endpoint with private DNS for
        /// the same service would conflict with the first.
        case inVPC(PrivateNetwork, databases: [AuroraServerlessCluster], secrets: SecretsManagerEndpoint)
    }

    /// The instruction set the function runs on; its artifact must be built for the same one.
    public typealias Architecture = Function.Architectures

    /// Who invokes the function, which decides what a failed invocation needs.
    public enum Invoker: Sendable {
        /// A caller that waits for the result (an API): it sees and retries failures, so a
        /// dead-letter queue, which only asynchronous invocations use, has no role.
        case synchronousCaller
        /// CloudFormation, for a custom resource. Its answer is a PUT to a pre-signed S3 URL, so in a
        /// VPC the function needs the network's S3 gateway endpoint and HTTPS egress.
        case customResources
        /// Lambda's event source mappings (streams): they retry a failing batch and send what keeps
        /// failing to the mapping's on-failure destination. The function reads S3 (objects the
        /// records point to), so in a VPC it needs the S3 gateway endpoint and HTTPS egress too.
        case eventSourceMappings
    }

    public struct Settings: Sendable {
        public var description: String
        public var runtime = Function.Runtime.providedAl2023
        public var handler = "bootstrap"
        public var architecture = Architecture.arm64
        public var codeBucket: Typed<String>
        public var codeKey: Typed<String>
        public var memorySize = 512
        public var timeoutSeconds = 30
        public var reservedConcurrency: Int
        public var logRetentionDays: Int
        public var environment: [Field] = []
        public var invokedBy = Invoker.synchronousCaller
        /// What Lambda passes on of the function's own JSON lines (it reads their `level`) and of its
        /// own platform lines (`LogFormat: JSON` is what makes both filters apply). The platform's
        /// START and REPORT lines (duration, billed duration, memory used) are INFO: WARN would drop them.
        public var applicationLogLevel = Function.LoggingConfig.ApplicationLogLevel.info
        public var systemLogLevel = Function.LoggingConfig.SystemLogLevel.info

        public init(description: String, codeBucket: Typed<String>, codeKey: Typed<String>, reservedConcurrency: Int, logRetentionDays: Int) {
            self.description = description
            self.codeBucket = codeBucket
            self.codeKey = codeKey
            self.reservedConcurrency = reservedConcurrency
            self.logRetentionDays = logRetentionDays
        }
    }

    public let settings: Settings
    public let role: Role
    public let rolePolicy: Policy
    public let logGroup: LogGroup
    public private(set) var function: Function
    public let securityGroup: SecurityGroup?
    /// Rules on the databases' and the endpoint's groups that let this function in.
    public let ingress: [SecurityGroupIngress]
    public let egress: [SecurityGroupEgress]
    let extras: [any StackContent]
    let location: SourceLocation
    let missingS3Path: Bool

    public init(_ logicalId: String, _ settings: Settings, placement: Placement, key: EncryptionKey,
                filePath: String = #filePath, line: Int = #line, @StackBuilder grants: (Role) -> [any StackContent] = { _ in [] }) {
        location = SourceLocation(filePath: filePath, line: line)
        self.settings = settings
        var managedPolicies: [Typed<String>] = [Role.managedPolicy("service-role/AWSLambdaBasicExecutionRole")]
        if case .inVPC = placement { managedPolicies.append(Role.managedPolicy("service-role/AWSLambdaVPCAccessExecutionRole")) }
        let role = Role("\(logicalId)Role") {
            $0.assumeRolePolicyDocument = PolicyDocument {
                Statement(principal: Statement.service("lambda.amazonaws.com"), actions: ["sts:AssumeRole"])
            }
            $0.description = .string("Execution role of \(logicalId)")
            $0.managedPolicyArns = .list(managedPolicies)
        }
        self.role = role
        rolePolicy = Policy("\(logicalId)RoleEnvironmentKey") {
            $0.policyName = "environment-key"
            $0.policyDocument = PolicyDocument {
                Statement(sid: "DecryptEnvironment", actions: ["kms:Decrypt"], resources: [key.arn])
            }
            $0.roles = [role.ref]
        }
        let logGroup = LogGroup("\(logicalId)LogGroup") {
            $0.retentionInDays = .int(settings.logRetentionDays)
            $0.kmsKeyId = key.arn
        }.retention(onDelete: .delete)
        self.logGroup = logGroup

        switch placement {
        case .outsideVPC:
            missingS3Path = false
            securityGroup = nil
            ingress = []
            egress = []
        case .inVPC(let network, let databases, let endpoint):
            let s3Use: PrivateNetwork.S3Access = switch settings.invokedBy {
            case .synchronousCaller: []
            case .customResources: .customResourceResponses
            case .eventSourceMappings: .objectReadsInThisAccount
            }
            let reachesS3 = !s3Use.isEmpty
            missingS3Path = !network.s3Access.isSuperset(of: s3Use)
            let group = SecurityGroup("\(logicalId)SecurityGroup") {
                $0.groupDescription = .string("\(logicalId): outbound to its databases\(reachesS3 ? ", S3" : "") and the Secrets Manager endpoint only")
                $0.vpcId = network.vpcId
                $0.securityGroupEgress = [SecurityGroup.noOutboundTraffic]
            }
            securityGroup = group
            let paths = databases.map { SecurityGroupPath.toCluster($0, from: logicalId, group: group.groupId, who: logicalId) }
                + [SecurityGroupPath.toSecretsManager(endpoint, from: logicalId, group: group.groupId, who: logicalId)]
            ingress = paths.map(\.ingress)
            egress = paths.map(\.egress) + (reachesS3 ? [SecurityGroupEgress("\(logicalId)EgressToS3") {
                // S3's addresses are a managed prefix list whose id CloudFormation cannot look up;
                // the private subnets' only route out is the S3 gateway endpoint, so this reaches S3 alone.
                $0.groupId = group.groupId
                $0.ipProtocol = "tcp"
                $0.fromPort = 443
                $0.toPort = 443
                $0.cidrIp = "0.0.0.0/0"
                $0.description = settings.invokedBy == .customResources
                    ? "HTTPS to S3 (custom resource responses) through the gateway endpoint" : "HTTPS to S3 (objects stream records point to) through the gateway endpoint"
            }] : [])
        }

        let vpcConfig: Typed<Function.VpcConfig>? = securityGroup.map { group in
            guard case .inVPC(let network, _, _) = placement else { return nil }
            return .init {
                $0.subnetIds = network.subnetIds
                $0.securityGroupIds = [group.groupId]
            }
        } ?? nil
        function = Function(logicalId) {
            $0.description = .string(settings.description)
            $0.runtime = Typed(settings.runtime)
            $0.handler = .string(settings.handler)
            $0.code = .init {
                $0.s3Bucket = settings.codeBucket
                $0.s3Key = settings.codeKey
            }
            $0.role = role.arn
            $0.architectures = [Typed(settings.architecture)]
            $0.memorySize = .int(settings.memorySize)
            $0.timeout = .int(settings.timeoutSeconds)
            if !settings.environment.isEmpty { $0.environment = .init { $0.variables = .init(settings.environment) } }
            $0.vpcConfig = vpcConfig
            $0.reservedConcurrentExecutions = .int(settings.reservedConcurrency)
            $0.kmsKeyArn = key.arn
            $0.loggingConfig = .init {
                $0.logFormat = .json
                $0.applicationLogLevel = Typed(settings.applicationLogLevel)
                $0.systemLogLevel = Typed(settings.systemLogLevel)
                $0.logGroup = logGroup.ref
            }
            $0.tracingConfig = .init { $0.mode = .active }
        }
        switch settings.invokedBy {
        case .synchronousCaller:
            function = function.skippingCheckov("CKV_AWS_116", because: "invoked synchronously; a dead-letter queue applies to asynchronous invocations only")
        case .customResources:
            function = function.skippingCheckov("CKV_AWS_116", because: "serves a custom resource: every outcome, failures included, is answered to CloudFormation, which shows it in the stack's events")
        case .eventSourceMappings:
            function = function.skippingCheckov("CKV_AWS_116", because: "invoked by event source mappings, whose on-failure destination receives the records that keep failing")
        }
        if case .outsideVPC = placement {
            function = function.skippingCheckov("CKV_AWS_117", because: "reaches its database over the RDS Data API (HTTPS); running outside a VPC avoids NAT and endpoint costs by design")
        }
        if case .inVPC(_, _, let endpoint) = placement {
            function.attributes.dependsOn += [endpoint.endpoint.logicalId] + egress.map(\.logicalId) + ingress.map(\.logicalId)
        }
        extras = grants(role)
    }

    public var elements: [StackElement] {
        var resources: [any Resource] = [role, rolePolicy, logGroup]
        if let securityGroup { resources.append(securityGroup) }
        resources += egress
        resources += ingress
        return resources.flatMap(\.elements) + function.elements + extras.flatMap(\.elements)
    }

    /// This function, created only after `others` (a schema it needs, say).
    public func dependsOn(_ others: any Resource...) -> ServerlessFunction {
        var copy = self
        copy.function.attributes.dependsOn += others.map(\.logicalId)
        return copy
    }

    public var diagnostics: [Diagnostic] {
        let path = missingS3Path ? [Diagnostic("function.code-path", location: location, subject: "ServerlessFunction \"\(function.logicalId)\"",
            message: "it reaches S3 (custom resource answers, objects stream records point to) from inside a VPC whose S3 gateway endpoint does not let that through, so those calls would never arrive; build the PrivateNetwork with s3Access: .customResourceResponses (custom resources) or .objectReadsInThisAccount (event source mappings)")] : []
        return path + extras.flatMap(\.diagnostics)
    }
}

/// An interface VPC endpoint for Secrets Manager with private DNS. Its group lets nothing in by
/// itself: each function placed in the VPC (and the secret rotation) adds an ingress rule from its
/// own group. Each zone it serves costs an hour's charge around the clock; `zones` limits it to the
/// network's first few, where nothing that must stay up in a zone outage depends on it.
public struct SecretsManagerEndpoint: StackContent, Sendable {
    public let securityGroup: SecurityGroup
    public let endpoint: VPCEndpoint
    public let vpcId: Typed<String>

    public init(_ logicalId: String, network: PrivateNetwork, zones: Int? = nil) {
        vpcId = network.vpcId
        let securityGroup = SecurityGroup("\(logicalId)SecurityGroup") {
            $0.groupDescription = "Secrets Manager endpoint: HTTPS from the functions that are given a rule"
            $0.vpcId = network.vpcId
            $0.securityGroupEgress = [SecurityGroup.noOutboundTraffic]
        }
        self.securityGroup = securityGroup
        endpoint = VPCEndpoint(logicalId) {
            $0.vpcId = network.vpcId
            $0.serviceName = .sub("com.amazonaws.${AWS::Region}.secretsmanager")
            $0.vpcEndpointType = .interface
            $0.subnetIds = zones.map { .list(network.subnets.prefix($0).map(\.ref)) } ?? network.subnetIds
            $0.securityGroupIds = [securityGroup.groupId]
            $0.privateDnsEnabled = true
        }
    }

    public var elements: [StackElement] { securityGroup.elements + endpoint.elements }
}
