import DSLCore

/// The rotation of an Aurora cluster's secrets, on one schedule, by this repository's own rotation
/// function (the chat function in its `rotator` role), which works through the Data API and so runs
/// outside any VPC: no interface endpoint, no security group, no route to the cluster's port, and no
/// `AWS::SecretsManager-2020-07-23` transform (whose hosted functions run in the VPC). The master
/// user's secret rotates on its own (single user); the application role's alternates between the
/// role and a clone of it (multi-user), signed in as the master user.
///
/// The function may read and write only the two secrets and the short-lived secrets its `testSecret`
/// step signs in with (named after `testSecretPrefix`, since the Data API reads only a secret's
/// current version), decrypt and encrypt them with the cluster's key through Secrets Manager, and
/// call only `rds-data:ExecuteStatement` on its cluster. Secrets Manager may invoke it for these two
/// secrets only (`SourceArn`).
///
/// The master secret is not left to RDS (`ManageMasterUserPassword`), which would rotate it without
/// a function: neither "Password management with Amazon Aurora and AWS Secrets Manager" nor "Using
/// the Amazon RDS Data API" (Aurora user guide) says the Data API accepts an RDS-managed secret, and
/// the migrator signs in through the Data API on the Data API stages.
public struct SecretRotation: StackContent {
    public let function: ServerlessFunction
    public let policy: Policy
    public let permissions: [LambdaPermission]
    public let masterSchedule: RotationSchedule
    public let applicationSchedule: RotationSchedule?
    let logicalId: String
    let everyDays: Int
    let location: SourceLocation

    /// `settings` are the function's (its environment names the rotator role and the secrets);
    /// `testSecretPrefix` is what its short-lived secrets' names start with.
    /// - Parameter after: what must exist before the first rotation, which runs as soon as a schedule
    ///   is created: the application role itself (the schema resource that creates it).
    public init(_ logicalId: String, cluster: AuroraServerlessCluster, settings: ServerlessFunction.Settings, key: EncryptionKey,
                testSecretPrefix: Typed<String>, everyDays: Int, after: [any Resource] = [], filePath: String = #filePath, line: Int = #line) {
        self.logicalId = logicalId
        self.everyDays = everyDays
        location = SourceLocation(filePath: filePath, line: line)
        let function = ServerlessFunction("\(logicalId)Function", settings, placement: .outsideVPC, key: key, filePath: filePath, line: line)
        self.function = function
        let secrets: [Secret] = [cluster.secret] + (cluster.applicationSecret.map { [$0] } ?? [])
        let testSecrets: Typed<String> = .sub("arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:${Prefix}*",
                                              [Field("Prefix", testSecretPrefix.value)])
        policy = Policy("\(logicalId)Access") {
            $0.policyName = "secret-rotation"
            $0.policyDocument = PolicyDocument {
                Statement(sid: "RotateClusterSecrets", actions: Self.rotationActions, resources: secrets.map(\.ref))
                Statement(sid: "SignInTestSecrets", actions: Self.testSecretActions, resources: [testSecrets])
                Statement(sid: "SecretsKey", actions: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"], resources: [cluster.key.arn],
                          condition: ["StringEquals": ["kms:ViaService": .sub("secretsmanager.${AWS::Region}.amazonaws.com")]])
                Statement(sid: "DataApi", actions: ["rds-data:ExecuteStatement"], resources: [cluster.arn])
            }
            $0.roles = [function.role.ref]
        }
        permissions = secrets.map { secret in
            LambdaPermission("\(logicalId)InvokedFor\(secret.logicalId)") {
                $0.action = "lambda:InvokeFunction"
                $0.functionName = function.function.arn
                $0.principal = "secretsmanager.amazonaws.com"
                $0.sourceArn = secret.ref
            }
        }
        // Rotation needs the function's rights, and the users it rotates (the function itself, the
        // schedule's RotationLambdaARN names).
        let prerequisites = after.map(\.logicalId) + [policy.logicalId] + permissions.map(\.logicalId)
        let rules = Typed<RotationSchedule.RotationRules> { $0.automaticallyAfterDays = .int(everyDays) }
        func schedule(_ name: String, for secret: Secret) -> RotationSchedule {
            var schedule = RotationSchedule("\(logicalId)\(name)") {
                $0.secretId = secret.ref
                $0.rotationLambdaARN = function.function.arn
                $0.rotationRules = rules
            }
            schedule.attributes.dependsOn += prerequisites
            return schedule
        }
        masterSchedule = schedule("Master", for: cluster.secret)
        applicationSchedule = cluster.applicationSecret.map { schedule("Application", for: $0) }
    }

    /// What a rotation does with the two secrets.
    public static let rotationActions = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret",
                                         "secretsmanager:PutSecretValue", "secretsmanager:UpdateSecretVersionStage"]
    /// What `testSecret` does with its short-lived secret (the Data API reads it as the caller).
    public static let testSecretActions = ["secretsmanager:CreateSecret", "secretsmanager:DeleteSecret", "secretsmanager:GetSecretValue",
                                           "secretsmanager:DescribeSecret", "secretsmanager:PutSecretValue"]

    public var elements: [StackElement] {
        let resources: [any Resource] = [policy] + permissions + [masterSchedule] + (applicationSchedule.map { [$0] } ?? [])
        return function.elements + resources.flatMap(\.elements)
    }

    /// Secrets Manager rotates at most every 1,000 days.
    public var diagnostics: [Diagnostic] {
        guard !(1...1000).contains(everyDays) else { return function.diagnostics }
        return function.diagnostics + [Diagnostic("rotation.settings", location: location, subject: "SecretRotation \"\(logicalId)\"",
                                                  message: "everyDays \(everyDays) is outside 1–1,000, the schedules Secrets Manager accepts")]
    }
}
