import DSLCore

/// An Aurora Serverless v2 PostgreSQL cluster with the Data API on, done the way careful engineers
/// do it by hand: credentials generated into a Secrets Manager secret (never in the template) and
/// attached to the cluster, storage and secret encrypted with a customer key, TLS enforced, IAM
/// authentication, PostgreSQL logs exported, enhanced monitoring, a snapshot kept on delete or
/// replace, and a security group that admits nobody until a grant adds a rule.
public struct AuroraServerlessCluster: StackContent {
    public struct Settings: Sendable {
        public var engineVersion: AuroraEngineVersion
        public var capacity: ServerlessCapacity
        public var databaseName: String
        public var masterUsername = "chatadmin"
        /// Declares the log group RDS exports the PostgreSQL log to, with this retention and the
        /// cluster's key, instead of leaving RDS to create it unencrypted and kept forever. The group's
        /// name holds the cluster's, so the cluster gets a fixed identifier (`<stack name>-<logical ID>`):
        /// on a cluster that exists, that is a replacement (`synth diff` shows it). The key must let
        /// CloudWatch Logs use it.
        public var postgresLogRetentionDays: Int?
        /// CloudWatch Database Insights, set on the cluster for all its instances.
        public var insights: DatabaseInsights = .standard()
        /// The database role the application signs in as (the schema creates it and the migrator sets
        /// its password); when set, the cluster gets a second secret for it.
        public var applicationUsername: String?
        public var deletionProtection: Bool
        public var backupRetentionDays: Int
        public var readers = 0
        public var port = 5432

        public init(engineVersion: AuroraEngineVersion, capacity: ServerlessCapacity, databaseName: String,
                    deletionProtection: Bool, backupRetentionDays: Int) {
            self.engineVersion = engineVersion
            self.capacity = capacity
            self.databaseName = databaseName
            self.deletionProtection = deletionProtection
            self.backupRetentionDays = backupRetentionDays
        }
    }

    /// Characters generated passwords leave out (PostgreSQL connection strings and the Data API
    /// stumble on them); rotation generates its passwords without them too.
    public static let excludedPasswordCharacters = #""@/\' "#

    public let settings: Settings
    public let location: SourceLocation
    public let secret: Secret
    public let subnetGroup: DBSubnetGroup
    public let securityGroup: SecurityGroup
    public let parameterGroup: DBClusterParameterGroup
    public let monitoringRole: Role
    public let cluster: DBCluster
    public let instances: [DBInstance]
    public let secretAttachment: SecretTargetAttachment
    /// The application role's credentials (`applicationUsername`), completed with the cluster's
    /// endpoint like the master secret, and naming the master secret (`masterarn`) as Secrets
    /// Manager's alternating-users rotation expects.
    public let applicationSecret: Secret?
    public let applicationSecretAttachment: SecretTargetAttachment?
    /// The customer key encrypting storage, the secret and Performance Insights.
    public let key: EncryptionKey
    /// The private network the cluster lives in.
    public let network: PrivateNetwork
    /// The log group of the PostgreSQL log, when the settings declare it.
    public let postgresLogGroup: LogGroup?

    public init(_ logicalId: String, _ settings: Settings, network: PrivateNetwork, key: EncryptionKey,
                filePath: String = #filePath, line: Int = #line) {
        self.settings = settings
        self.key = key
        self.network = network
        location = SourceLocation(filePath: filePath, line: line)
        let secret = Secret("\(logicalId)Secret") {
            $0.description = .sub("Master credentials of the ${AWS::StackName} Aurora cluster")
            $0.generateSecretString = .init {
                $0.secretStringTemplate = .string(#"{"username":"\#(settings.masterUsername)"}"#)
                $0.generateStringKey = "password"
                $0.passwordLength = 30
                $0.excludeCharacters = .string(Self.excludedPasswordCharacters)
            }
            $0.kmsKeyId = key.arn
        }.retention(onDelete: .delete)
        let subnetGroup = DBSubnetGroup("\(logicalId)SubnetGroup") {
            $0.dbSubnetGroupDescription = .sub("Private subnets of the ${AWS::StackName} Aurora cluster")
            $0.subnetIds = network.subnetIds
        }
        let securityGroup = SecurityGroup("\(logicalId)SecurityGroup") {
            $0.groupDescription = "Aurora cluster; ingress only from grants"
            $0.vpcId = network.vpcId
            $0.securityGroupEgress = [SecurityGroup.noOutboundTraffic]
        }
        let parameterGroup = DBClusterParameterGroup("\(logicalId)ParameterGroup") {
            $0.description = .sub("TLS-only connections for the ${AWS::StackName} Aurora cluster")
            $0.family = .string(settings.engineVersion.parameterGroupFamily)
            $0.parameters = ["rds.force_ssl": "1"]
        }
        let monitoringRole = Role("\(logicalId)MonitoringRole") {
            $0.assumeRolePolicyDocument = PolicyDocument {
                Statement(principal: Statement.service("monitoring.rds.amazonaws.com"), actions: ["sts:AssumeRole"])
            }
            $0.description = "Enhanced monitoring of the Aurora cluster"
            $0.managedPolicyArns = [Role.managedPolicy("service-role/AmazonRDSEnhancedMonitoringRole")]
        }
        (self.secret, self.subnetGroup, self.securityGroup, self.parameterGroup, self.monitoringRole) =
            (secret, subnetGroup, securityGroup, parameterGroup, monitoringRole)
        // RDS names the group after the cluster; the cluster is named after its stack.
        let identifier = "${AWS::StackName}-\(logicalId.lowercased())"
        postgresLogGroup = settings.postgresLogRetentionDays.map { days in
            LogGroup("\(logicalId)PostgresLogGroup") {
                $0.logGroupName = .sub("/aws/rds/cluster/\(identifier)/postgresql")
                $0.retentionInDays = .int(days)
                $0.kmsKeyId = key.arn
            }.retention(onDelete: .retain)
        }
        var cluster = DBCluster(logicalId) {
            if settings.postgresLogRetentionDays != nil { $0.dbClusterIdentifier = .sub(identifier) }
            $0.engine = "aurora-postgresql"
            $0.engineVersion = .string(settings.engineVersion.description)
            $0.databaseName = .string(settings.databaseName)
            $0.masterUsername = secret.resolve(jsonKey: "username")
            $0.masterUserPassword = secret.resolve(jsonKey: "password")
            $0.enableHttpEndpoint = true
            $0.serverlessV2ScalingConfiguration = settings.capacity.scaling
            $0.storageEncrypted = true
            $0.kmsKeyId = key.arn
            $0.port = .int(settings.port)
            $0.dbSubnetGroupName = subnetGroup.ref
            $0.vpcSecurityGroupIds = [securityGroup.groupId]
            $0.dbClusterParameterGroupName = parameterGroup.ref
            $0.deletionProtection = .bool(settings.deletionProtection)
            $0.backupRetentionPeriod = .int(settings.backupRetentionDays)
            $0.preferredBackupWindow = "03:00-04:00"
            $0.preferredMaintenanceWindow = "sun:04:30-sun:05:30"
            $0.enableCloudwatchLogsExports = ["postgresql"]
            $0.enableIAMDatabaseAuthentication = true
            $0.copyTagsToSnapshot = true
            $0.autoMinorVersionUpgrade = true
            // Database Insights replaced Performance Insights (end of life 2026-07-31, Aurora user guide,
            // "Turning Performance Insights on and off for Aurora"); it is a cluster setting.
            $0.databaseInsightsMode = Typed(settings.insights.mode)
            $0.performanceInsightsEnabled = true
            $0.performanceInsightsKmsKeyId = key.arn
            $0.performanceInsightsRetentionPeriod = .int(settings.insights.retentionDays)
        }.retention(onDelete: .snapshot)
        // The group must exist before the cluster exports to it, or RDS creates its own.
        if let group = postgresLogGroup { cluster.attributes.dependsOn.append(group.logicalId) }
        self.cluster = cluster
        instances = (0...max(settings.readers, 0)).map { index in
            DBInstance(index == 0 ? "\(logicalId)Writer" : "\(logicalId)Reader\(index)") {
                $0.dbInstanceClass = "db.serverless"
                $0.engine = "aurora-postgresql"
                $0.dbClusterIdentifier = cluster.ref
                $0.publiclyAccessible = false
                $0.autoMinorVersionUpgrade = true
                $0.monitoringInterval = 60
                $0.monitoringRoleArn = monitoringRole.arn
                // The cluster's settings, mirrored: every instance must match them, and dropping the key
                // from an instance that has one is a (conditional) replacement of that instance.
                $0.enablePerformanceInsights = true
                $0.performanceInsightsKMSKeyId = key.arn
                $0.performanceInsightsRetentionPeriod = .int(settings.insights.retentionDays)
            }.retention(onDelete: .delete)
        }
        secretAttachment = SecretTargetAttachment("\(logicalId)SecretAttachment") {
            $0.secretId = secret.ref
            $0.targetId = cluster.ref
            $0.targetType = "AWS::RDS::DBCluster"
        }
        if let username = settings.applicationUsername {
            let appSecret = Secret("\(logicalId)AppSecret") {
                $0.description = .sub("Credentials of the application role \(username) in the ${AWS::StackName} Aurora cluster")
                $0.generateSecretString = .init {
                    $0.secretStringTemplate = .sub(#"{"username":"\#(username)","dbname":"\#(settings.databaseName)","masterarn":"${\#(secret.logicalId)}"}"#)
                    $0.generateStringKey = "password"
                    $0.passwordLength = 30
                    $0.excludeCharacters = .string(Self.excludedPasswordCharacters)
                }
                $0.kmsKeyId = key.arn
            }.retention(onDelete: .delete)
            applicationSecret = appSecret
            applicationSecretAttachment = SecretTargetAttachment("\(logicalId)AppSecretAttachment") {
                $0.secretId = appSecret.ref
                $0.targetId = cluster.ref
                $0.targetType = "AWS::RDS::DBCluster"
            }
        } else {
            applicationSecret = nil
            applicationSecretAttachment = nil
        }
    }

    public var logicalId: String { cluster.logicalId }
    /// The cluster ARN, what `rds-data` calls name as `resourceArn`.
    public var arn: Typed<String> { cluster.dbClusterArn }
    /// The master secret's ARN (`Ref` of a secret), what `rds-data` calls name as `secretArn`.
    public var secretArn: Typed<String> { secret.ref }

    /// The users that sign in to the cluster, each with its secret.
    public enum User: Sendable {
        /// The master user: the schema migrator only.
        case master
        /// `applicationUsername`: the application.
        case application
    }

    /// The secret `user` signs in with (the master secret when the cluster has no application role).
    public func secret(of user: User) -> Secret {
        switch user {
        case .master: secret
        case .application: applicationSecret ?? secret
        }
    }
    public var endpointAddress: Typed<String> { cluster.endpointAddress }
    public var endpointPort: Typed<String> { cluster.endpointPort }
    public var securityGroupId: Typed<String> { securityGroup.groupId }

    public var elements: [StackElement] {
        let resources: [any Resource] = [secret, subnetGroup, securityGroup, parameterGroup, monitoringRole]
            + (postgresLogGroup.map { [$0] } ?? []) + [cluster]
        return resources.flatMap(\.elements)
            + instances.flatMap(\.elements) + secretAttachment.elements
            + (applicationSecret?.elements ?? []) + (applicationSecretAttachment?.elements ?? [])
    }

    public var diagnostics: [Diagnostic] {
        let subject = "AuroraServerlessCluster \"\(cluster.logicalId)\""
        func error(_ id: String, _ message: String, at place: SourceLocation? = nil) -> Diagnostic {
            Diagnostic("cluster.\(id)", location: place ?? location, subject: subject, message: message)
        }
        let version = settings.engineVersion
        // A problem with a setting points at the line that set it (a stage's settings), the cluster's otherwise.
        func versionError(_ message: String) -> Diagnostic { error("engine-version", message, at: version.location) }
        guard AuroraEngineVersion.supportedMajors.contains(version.major), let dataAPI = version.dataAPIMinimum else {
            return [versionError("aurora-postgresql \(version) has no Serverless v2 Data API; use major 13–17 (for example \"16.6\")")]
        }
        guard version.release != nil else {
            return [versionError("aurora-postgresql \(version) does not exist (releases known as of \(AuroraEngineVersion.releasesAsOf)); the nearest are "
                          + version.nearestReleases.map(\.description).joined(separator: " and "))]
        }
        var errors: [Diagnostic] = []
        if version < dataAPI {
            errors.append(versionError("the Data API on Serverless v2 needs aurora-postgresql ≥ \(dataAPI) (got \(version)); raise engineVersion"))
        }
        errors += settings.capacity.problems(on: version).map { error("capacity", $0, at: settings.capacity.location) }
        errors += settings.insights.problems.map { error("insights", $0) }
        if let days = settings.postgresLogRetentionDays {
            if !LogGroup.allowedRetentionInDays.contains(days) {
                errors.append(error("log-retention", "postgresLogRetentionDays \(days) is not a retention CloudWatch Logs offers (\(LogGroup.allowedRetentionInDays.map(String.init).joined(separator: ", ")))"))
            }
            if !key.services.contains(.cloudWatchLogs) {
                errors.append(error("log-key", "the PostgreSQL log group is encrypted with the cluster's key, whose policy does not let CloudWatch Logs use it; build the EncryptionKey allowing: [.cloudWatchLogs]"))
            }
        }
        if !(1...35).contains(settings.backupRetentionDays) {
            errors.append(error("backup-retention", "backupRetentionDays \(settings.backupRetentionDays) is outside 1–35 days"))
        }
        if !TemplateValidator.isValidDatabaseName(settings.databaseName) {
            errors.append(error("database-name", "databaseName \"\(settings.databaseName)\" must start with a letter and hold 1–63 letters, digits or underscores"))
        }
        if let username = settings.applicationUsername {
            if !TemplateValidator.isValidDatabaseName(username) {
                errors.append(error("application-user", "applicationUsername \"\(username)\" must start with a letter and hold 1–63 letters, digits or underscores"))
            }
            if username == settings.masterUsername {
                errors.append(error("application-user", "applicationUsername \"\(username)\" is the master user; the application needs a role of its own"))
            }
        }
        return errors
    }
}

extension TemplateValidator {
    static func isValidDatabaseName(_ name: String) -> Bool {
        guard let first = name.utf8.first, name.utf8.count <= 63 else { return false }
        let isLetter = { (c: UInt8) in (65...90).contains(c) || (97...122).contains(c) }
        return isLetter(first) && name.utf8.allSatisfy { isLetter($0) || (48...57).contains($0) || $0 == 95 }
    }
}
