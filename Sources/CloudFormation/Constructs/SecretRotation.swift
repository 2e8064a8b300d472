import DSLCore

/// Secrets Manager's hosted rotation of an Aurora cluster's secrets, on one schedule: the master
/// user's on its own (single user), and the application role's alternating between the role and a
/// clone of it (multi-user: the rotation signs in as the master user to change them, and
/// connections opened with the previous credentials keep working until the rotation after next).
///
/// The rotation functions run in the cluster's private subnets. The network has no route out, so
/// they reach Secrets Manager through its interface endpoint, and the cluster on its port; their
/// security group allows exactly those two and nothing else, and the cluster's and the endpoint's
/// groups each admit it. The hosted functions come from the `AWS::SecretsManager-2020-07-23`
/// transform, which the stack declares because this content asks for it.
///
/// The master secret is not left to RDS (`ManageMasterUserPassword`), which would rotate it without
/// a function: neither "Password management with Amazon Aurora and AWS Secrets Manager" nor "Using
/// the Amazon RDS Data API" (Aurora user guide) says the Data API accepts an RDS-managed secret, and
/// the migrator signs in through the Data API on the Data API stages.
public struct SecretRotation: StackContent {
    public static let transform = "AWS::SecretsManager-2020-07-23"

    public let securityGroup: SecurityGroup
    public let ingress: [SecurityGroupIngress]
    public let egress: [SecurityGroupEgress]
    public let masterSchedule: RotationSchedule
    public let applicationSchedule: RotationSchedule?
    let logicalId: String
    let everyDays: Int
    let location: SourceLocation
    let cluster: AuroraServerlessCluster
    let network: PrivateNetwork
    let endpoint: SecretsManagerEndpoint

    /// - Parameter after: what must exist before the first rotation, which runs as soon as a schedule
    ///   is created: the application role itself (the schema resource that creates it).
    public init(_ logicalId: String, cluster: AuroraServerlessCluster, network: PrivateNetwork, endpoint: SecretsManagerEndpoint,
                everyDays: Int, after: [any Resource] = [], filePath: String = #filePath, line: Int = #line) {
        self.logicalId = logicalId
        self.everyDays = everyDays
        self.cluster = cluster
        self.network = network
        self.endpoint = endpoint
        location = SourceLocation(filePath: filePath, line: line)
        let group = SecurityGroup("\(logicalId)SecurityGroup") {
            $0.groupDescription = "Secret rotation functions: outbound to the cluster and the Secrets Manager endpoint only"
            $0.vpcId = network.vpcId
            $0.securityGroupEgress = [SecurityGroup.noOutboundTraffic]
        }
        securityGroup = group
        let who = "the secret rotation functions"
        let paths = [SecurityGroupPath.toCluster(cluster, from: logicalId, group: group.groupId, who: who),
                     SecurityGroupPath.toSecretsManager(endpoint, from: logicalId, group: group.groupId, who: who)]
        ingress = paths.map(\.ingress)
        egress = paths.map(\.egress)
        // Rotation needs its network path in place, and the users it rotates.
        let prerequisites = after.map(\.logicalId) + [endpoint.endpoint.logicalId] + ingress.map(\.logicalId) + egress.map(\.logicalId)
        func hosted(_ type: String, signsInAsMaster: Bool) -> Typed<RotationSchedule.HostedRotationLambda> {
            .init {
                $0.rotationType = .string(type)
                $0.vpcSubnetIds = .join(",", list: network.subnetIds)
                $0.vpcSecurityGroupIds = group.groupId
                $0.kmsKeyArn = cluster.key.arn
                $0.excludeCharacters = .string(AuroraServerlessCluster.excludedPasswordCharacters)
                if signsInAsMaster {
                    $0.masterSecretArn = cluster.secretArn
                    $0.masterSecretKmsKeyArn = cluster.key.arn
                }
            }
        }
        let rules = Typed<RotationSchedule.RotationRules> { $0.automaticallyAfterDays = .int(everyDays) }
        var masterSchedule = RotationSchedule("\(logicalId)Master") {
            $0.secretId = cluster.secretArn
            $0.hostedRotationLambda = hosted("PostgreSQLSingleUser", signsInAsMaster: false)
            $0.rotationRules = rules
        }
        masterSchedule.attributes.dependsOn += prerequisites
        self.masterSchedule = masterSchedule
        if let appSecret = cluster.applicationSecret {
            var schedule = RotationSchedule("\(logicalId)Application") {
                $0.secretId = appSecret.ref
                $0.hostedRotationLambda = hosted("PostgreSQLMultiUser", signsInAsMaster: true)
                $0.rotationRules = rules
            }
            schedule.attributes.dependsOn += prerequisites
            applicationSchedule = schedule
        } else {
            applicationSchedule = nil
        }
    }

    public var elements: [StackElement] {
        let resources: [any Resource] = [securityGroup] + ingress + egress + [masterSchedule] + (applicationSchedule.map { [$0] } ?? [])
        return [.transform(Self.transform)] + resources.flatMap(\.elements)
    }

    /// Secrets Manager rotates at most every 1,000 days; the functions need the cluster's own network.
    public var diagnostics: [Diagnostic] {
        let subject = "SecretRotation \"\(logicalId)\""
        var errors: [Diagnostic] = []
        if !(1...1000).contains(everyDays) {
            errors.append(Diagnostic("rotation.settings", location: location, subject: subject,
                                     message: "everyDays \(everyDays) is outside 1–1,000, the schedules Secrets Manager accepts"))
        }
        if network.vpcId != cluster.network.vpcId || endpoint.vpcId != cluster.network.vpcId {
            errors.append(Diagnostic("rotation.settings", location: location, subject: subject,
                                     message: "the rotation functions, the Secrets Manager endpoint and the cluster must share one VPC; give them the cluster's network"))
        }
        return errors
    }
}
