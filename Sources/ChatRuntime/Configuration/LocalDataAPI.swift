import AWSSigV4
import Foundation

/// What a Data API endpoint on this machine (data-api-local) accepts when nothing else is said, so
/// a local session needs only `MEMORY_BACKEND_TYPE` and `DATA_API_ENDPOINT`: data-api-local's
/// default cluster and secret ARNs, its default keys (checked only with `--verify-signatures`),
/// a region, and no database name (the endpoint's own database).
public enum LocalDataAPI {
    public static let clusterArn = "arn:aws:rds:us-east-1:000000000000:cluster:local"
    public static let secretArn = "arn:aws:secretsmanager:us-east-1:000000000000:secret:local"
    public static let region = "us-east-1"
    public static let credentials = AWSCredentials(accessKeyId: "AKIDLOCAL", secretAccessKey: "local-secret-access-key")

    /// Whether `endpoint` is on this machine: a loopback address or `localhost`.
    public static func isLocal(_ endpoint: String) -> Bool {
        guard let host = URL(string: endpoint)?.host?.trimmingCharacters(in: CharacterSet(charactersIn: "[]")) else { return false }
        return host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}
