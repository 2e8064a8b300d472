/// The environment variables the chat Lambda gets, named once here: the templates set them and the
/// runtime reads them through the contract synth generates from this list.
public enum RuntimeEnvironment {
    /// `aurora_data_api` or `postgres` (`DatabaseBackend`).
    public static let backendType = "MEMORY_BACKEND_TYPE"
    public static let clusterArn = "DB_CLUSTER_ARN"
    /// The secret of the user the function signs in as: the application role's for the API
    /// function, the master user's for the migrator.
    public static let secretArn = "DB_SECRET_ARN"
    /// The migrator's only: the application role's secret, whose password it sets on the role.
    public static let applicationSecretArn = "DB_APP_SECRET_ARN"
    public static let databaseName = "DB_NAME"
    /// Only on the `postgres` backend.
    public static let host = "DB_HOST"
    public static let port = "DB_PORT"

    /// `api` (the HTTP API function), `migrator` (the function behind `Custom::ChatSchema`), `sync`
    /// (the function Bedrock Chat's DynamoDB streams invoke) or `rotator` (the one Secrets Manager
    /// invokes to rotate the cluster's secrets).
    public static let functionRole = "CHAT_FUNCTION_ROLE"

    /// The stage the function serves, whose schema (in the contract) it migrates to and searches.
    public static let stage = "CHAT_STAGE"

    /// The sync function's only: the bucket Bedrock Chat keeps large message maps in.
    public static let largeMessageBucket = "LARGE_MESSAGE_BUCKET"

    /// The rotator's only: what the names of the short-lived secrets it signs in with to test new
    /// credentials start with (its IAM policy allows it those names only).
    public static let testSecretPrefix = "ROTATION_TEST_SECRET_PREFIX"

    /// Set outside AWS only: where a local Data API endpoint (`data-api-local`) listens.
    public static let dataAPIEndpoint = "DATA_API_ENDPOINT"

    /// What the templates set; `dataAPIEndpoint` is never set on AWS.
    public static let all = [backendType, clusterArn, secretArn, applicationSecretArn, databaseName, host, port, functionRole, stage, largeMessageBucket,
                             testSecretPrefix]
}
