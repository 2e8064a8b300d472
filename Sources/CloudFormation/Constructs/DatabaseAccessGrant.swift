/// An IAM policy on a role for reaching an Aurora cluster. `.dataAPI` gives exactly the five
/// `rds-data` actions on the cluster plus reading its secret; `.secretOnly` (direct PostgreSQL) gives
/// only the secret. Never a `*` action or resource; `kms:Decrypt` only through Secrets Manager.
public struct DatabaseAccessGrant: StackContent {
    public enum Scope: Sendable { case dataAPI, secretOnly }

    /// The actions the Data API path needs, no more.
    public static let dataAPIActions = [
        "rds-data:BatchExecuteStatement", "rds-data:BeginTransaction", "rds-data:CommitTransaction",
        "rds-data:ExecuteStatement", "rds-data:RollbackTransaction",
    ]
    public static let secretActions = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]

    public let policy: Policy

    public init(_ scope: Scope, to role: Role, on cluster: AuroraServerlessCluster) {
        policy = Policy("\(role.logicalId)\(scope == .dataAPI ? "DataApiAccess" : "DatabaseSecretAccess")") {
            $0.policyName = scope == .dataAPI ? "data-api-access" : "database-secret-access"
            $0.roles = [role.ref]
            $0.policyDocument = PolicyDocument {
                if scope == .dataAPI {
                    Statement(sid: "DataApi", actions: Self.dataAPIActions, resources: [cluster.arn])
                }
                Statement(sid: "ReadClusterSecret", actions: Self.secretActions, resources: [cluster.secretArn])
                Statement(sid: "DecryptClusterSecret", actions: ["kms:Decrypt"], resources: [cluster.key.arn],
                          condition: ["StringEquals": ["kms:ViaService": .sub("secretsmanager.${AWS::Region}.amazonaws.com")]])
            }
        }
    }

    public var elements: [StackElement] { policy.elements }
}

extension AuroraServerlessCluster {
    /// Lets `role` call the Data API on this cluster with its secret.
    public func grantDataAPIAccess(to role: Role) -> DatabaseAccessGrant { DatabaseAccessGrant(.dataAPI, to: role, on: self) }

    /// Lets `role` read this cluster's credentials, for direct PostgreSQL connections.
    public func grantSecretRead(to role: Role) -> DatabaseAccessGrant { DatabaseAccessGrant(.secretOnly, to: role, on: self) }
}
