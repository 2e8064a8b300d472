import CloudFormation
import CostEstimate

/// How the chat Lambda reaches Aurora. The raw values are what the runtime reads from
/// `MEMORY_BACKEND_TYPE`.
public enum DatabaseBackend: String, Sendable {
    /// HTTPS to the RDS Data API: no VPC, no NAT gateway, no VPC endpoints.
    case dataAPI = "aurora_data_api"
    /// A PostgreSQL connection from inside the VPC.
    case postgres = "postgres"
}

/// Who may call the API: JWTs from this issuer for one of these audiences. For a Cognito user
/// pool the issuer is `https://cognito-idp.{region}.amazonaws.com/{user-pool-id}` and the audience
/// its app client ids. Both become stack parameters whose defaults are these values.
public struct JWTAuthentication: Sendable {
    public var issuer: String
    public var audience: [String]
}

/// API Gateway's default route throttling for the stage.
public struct APIThrottling: Sendable {
    public var burstLimit: Int
    public var requestsPerSecond: Double
}

/// Everything that differs between stages, in one place. Add a stage by adding a value to `all`.
public struct StageSettings: Sendable {
    public var name: String
    public var backend: DatabaseBackend
    public var engineVersion = AuroraEngineVersion(major: 16, minor: 10)
    public var capacity: ServerlessCapacity
    public var deletionProtection: Bool
    public var backupRetentionDays: Int
    public var logRetentionDays: Int
    public var reservedConcurrency: Int
    /// What the chat function runs on; `scripts/package.sh` builds for the same (read from the manifest).
    public var architecture: ServerlessFunction.Architecture = .arm64
    public var authentication: JWTAuthentication
    public var throttling: APIThrottling
    public var readers = 0
    /// Dimension of the embedding vectors (Amazon Titan Text Embeddings v2: 1024).
    public var embeddingDimension = 1024
    public var networkCidr = "10.40.0.0/16"
    /// CloudWatch Database Insights on the cluster: standard (7 days free) unless a stage pays for
    /// `.advanced()` (execution plans, lock analysis; 465 days of retention).
    public var databaseInsights: DatabaseInsights = .standard()
    /// Whether the stack declares the PostgreSQL log's group (retention `logRetentionDays`, the
    /// database key) rather than leave RDS to create it, unencrypted and kept forever. Declaring it
    /// names the cluster after its stack, which replaces a cluster that exists: new stages declare
    /// it; the stages below, whose clusters exist, do not (README: "The PostgreSQL log group").
    public var declaresPostgresLogGroup = true
    /// How often Secrets Manager rotates the master and the application secrets.
    public var secretRotationDays = 30
    /// Where the stage's alarms go off (defaults in `AlarmThresholds`: CPU over the seed's 50 %,
    /// capacity over 90 % or at its maximum for 15 minutes, and so on).
    public var alarms = AlarmThresholds()
    /// The languages full-text and fuzzy search understand, each row in its own; changing them
    /// rebuilds the search columns and title indexes (a migration).
    public var searchLanguages: SearchLanguages = .all
    /// How the stream sync reads Bedrock Chat's streams (when the stage is given them).
    public var streamSync = StreamSyncSettings()
    /// The traffic `synth cost` prices the stage at (and `synth diff` its cost change).
    public var usage: UsageProfile

    public static let dev = StageSettings(
        name: "dev", backend: .dataAPI,
        capacity: ServerlessCapacity(minimum: 0, maximum: 4, secondsUntilAutoPause: 1800),
        deletionProtection: false, backupRetentionDays: 1, logRetentionDays: 14, reservedConcurrency: 5,
        // x86-64 like the machines that build and test it, so the packaged artifact runs under the local emulator.
        architecture: .x86_64,
        authentication: JWTAuthentication(issuer: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_ChatDev01", audience: ["chat-dev-web"]),
        throttling: APIThrottling(burstLimit: 20, requestsPerSecond: 10),
        // A few developers: mostly idle, so the cluster is paused most of the month.
        usage: UsageProfile(requestsPerMonth: 20_000, averageDurationMs: 250, statementsPerRequest: 4, averagePayloadBytes: 6_000,
                            storedGB: 2, averageACU: 0.1, logGBPerMonth: 0.5),
        declaresPostgresLogGroup: false)

    public static let staging = StageSettings(
        name: "staging", backend: .postgres,
        capacity: ServerlessCapacity(minimum: 0.5, maximum: 8),
        deletionProtection: true, backupRetentionDays: 7, logRetentionDays: 30, reservedConcurrency: 20,
        authentication: JWTAuthentication(issuer: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_ChatStg01", audience: ["chat-staging-web"]),
        throttling: APIThrottling(burstLimit: 100, requestsPerSecond: 50),
        usage: UsageProfile(requestsPerMonth: 200_000, averageDurationMs: 200, statementsPerRequest: 4, averagePayloadBytes: 6_000,
                            storedGB: 10, averageACU: 0.75, logGBPerMonth: 2),
        networkCidr: "10.41.0.0/16", declaresPostgresLogGroup: false)

    public static let prod = StageSettings(
        name: "prod", backend: .postgres,
        capacity: ServerlessCapacity(minimum: 1, maximum: 32),
        deletionProtection: true, backupRetentionDays: 30, logRetentionDays: 365, reservedConcurrency: 100,
        authentication: JWTAuthentication(issuer: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_ChatPrd01", audience: ["chat-prod-web"]),
        throttling: APIThrottling(burstLimit: 500, requestsPerSecond: 200),
        usage: UsageProfile(requestsPerMonth: 3_000_000, averageDurationMs: 180, statementsPerRequest: 4, averagePayloadBytes: 6_000,
                            storedGB: 50, averageACU: 2, logGBPerMonth: 20),
        readers: 1, networkCidr: "10.42.0.0/16", declaresPostgresLogGroup: false)

    public static let all = [dev, staging, prod]

    init(name: String, backend: DatabaseBackend, capacity: ServerlessCapacity, deletionProtection: Bool,
         backupRetentionDays: Int, logRetentionDays: Int, reservedConcurrency: Int,
         architecture: ServerlessFunction.Architecture = .arm64, authentication: JWTAuthentication, throttling: APIThrottling,
         usage: UsageProfile, readers: Int = 0, networkCidr: String = "10.40.0.0/16", declaresPostgresLogGroup: Bool = true,
         searchLanguages: SearchLanguages = .all) {
        self.name = name
        self.backend = backend
        self.capacity = capacity
        self.deletionProtection = deletionProtection
        self.backupRetentionDays = backupRetentionDays
        self.logRetentionDays = logRetentionDays
        self.reservedConcurrency = reservedConcurrency
        self.architecture = architecture
        self.authentication = authentication
        self.throttling = throttling
        self.usage = usage
        self.readers = readers
        self.networkCidr = networkCidr
        self.declaresPostgresLogGroup = declaresPostgresLogGroup
        self.searchLanguages = searchLanguages
    }
}
