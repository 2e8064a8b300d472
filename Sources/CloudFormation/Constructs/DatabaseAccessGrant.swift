/// An IAM policy on a role for reaching an Aurora cluster as one of its users: the five `rds-data`
/// actions on the cluster (the Data API path) and reading that user's secret, or the secret alone
/// (direct PostgreSQL). A role may also read further secrets without signing in with them (the
/// migrator sets the application role's password from its secret). Never a `*` action or resource;
/// `kms:Decrypt` only through Secrets Manager.
public struct DatabaseAccessGrant: StackContent {
    public enum Scope: Sendable { case dataAPI, secretOnly }

    /// The actions the Data API path needs, no more.
    public static let dataAPIActions = [
        "rds-data:BatchExecuteStatement", "rds-data:BeginTransaction", "rds-data:CommitTransaction",
        "rds-data:ExecuteStatement", "rds-data:RollbackTransaction",
    ]
    public static let secretActions = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]

    public let policy: Policy

    public init(_ scope: Scope, to role: Role, on cluster: AuroraServerlessCluster, as user: AuroraServerlessCluster.User,
                alsoReading others: [AuroraServerlessCluster.User] = []) {
        let secrets = ([user] + others).map { cluster.secret(of: $0).ref }
        policy = Policy("\(role.logicalId)\(scope == .dataAPI ? "DataApiAccess" : "DatabaseSecretAccess")") {
            $0.policyName = scope == .dataAPI ? "data-api-access" : "database-secret-access"
            $0.policyDocument = PolicyDocument {
                if scope == .dataAPI {
                    Statement(sid: "DataApi", actions: Self.dataAPIActions, resources: [cluster.arn])
                }
                Statement(sid: "ReadClusterSecret", actions: Self.secretActions, resources: secrets)
                Statement(sid: "DecryptClusterSecret", actions: ["kms:Decrypt"], resources: [cluster.key.arn],
                          condition: ["StringEquals": ["kms:ViaService": .sub("secretsmanager.${AWS::Region}.amazonaws.com")]])
            }
            $0.roles = [role.ref]
        }
    }

    public var elements: [StackElement] { policy.elements }
}

extension AuroraServerlessCluster {
    /// Lets `role` call the Data API on this cluster signed in as `user`, and read `others`' secrets.
    public func grantDataAPIAccess(to role: Role, as user: User, alsoReading others: [User] = []) -> DatabaseAccessGrant {
        DatabaseAccessGrant(.dataAPI, to: role, on: self, as: user, alsoReading: others)
    }

    /// Lets `role` read `user`'s credentials (and `others`'), for direct PostgreSQL connections.
    public func grantSecretRead(to role: Role, as user: User, alsoReading others: [User] = []) -> DatabaseAccessGrant {
        DatabaseAccessGrant(.secretOnly, to: role, on: self, as: user, alsoReading: others)
    }
}
