import AWSSigV4

/// Which backend the runtime talks to and where, read from the environment the generated Lambda gets
/// (names from `ChatContract.Environment`). Anything missing or unknown fails at start-up, naming the
/// variable.
public struct RuntimeConfiguration: Sendable, Equatable {
    public enum Backend: Sendable, Equatable {
        /// The RDS Data API; `endpoint` overrides AWS's (for data-api-local).
        case dataAPI(endpoint: String?)
        /// PostgreSQL: straight to `databaseURL` when set (local use), else to `host`:`port` with the
        /// credentials from the cluster secret, over TLS.
        case postgres(host: String?, port: Int, databaseURL: String?)
    }

    public var backend: Backend
    public var clusterArn: String
    public var secretArn: String
    /// The migrator's only: the application role's secret (`DB_APP_SECRET_ARN`).
    public var applicationSecretArn: String?
    public var databaseName: String
    public var region: String
    public var credentials: AWSCredentials
    /// The stage served (`CHAT_STAGE`; the contract's default stage when unset).
    public var stage = StageContract.default

    public init(backend: Backend, clusterArn: String, secretArn: String, databaseName: String, region: String, credentials: AWSCredentials) {
        self.backend = backend
        self.clusterArn = clusterArn
        self.secretArn = secretArn
        self.databaseName = databaseName
        self.region = region
        self.credentials = credentials
    }

    public struct Invalid: Error, CustomStringConvertible, Equatable, Sendable {
        public var variable: String
        public var problem: String

        public init(variable: String, problem: String) {
            self.variable = variable
            self.problem = problem
        }

        public var description: String { "\(variable): \(problem)" }
    }

    /// The region and credentials, for `use` (`Amazon Bedrock embeddings`, `DynamoDB`, …); in the local
    /// mode, where nothing else needs them, a clear error naming the use when they are not given.
    public func aws(for use: String) throws(Invalid) -> (region: String, credentials: AWSCredentials) {
        guard !region.isEmpty else { throw Invalid(variable: "AWS_REGION", problem: "is not set (nor AWS_DEFAULT_REGION); \(use) needs it") }
        guard !credentials.accessKeyId.isEmpty, !credentials.secretAccessKey.isEmpty else {
            throw Invalid(variable: "AWS_ACCESS_KEY_ID", problem: "and AWS_SECRET_ACCESS_KEY are not set; \(use) needs AWS credentials")
        }
        return (region, credentials)
    }

    public static func fromEnvironment(_ environment: [String: String]) throws(Invalid) -> RuntimeConfiguration {
        func required(_ name: String) throws(Invalid) -> String {
            guard let value = environment[name], !value.isEmpty else { throw Invalid(variable: name, problem: "is not set") }
            return value
        }
        let type = try required(ChatContract.Environment.backendType)
        // The local mode: PostgreSQL at DATABASE_URL needs nothing of AWS, so its region, credentials,
        // ARNs and database name are read when given and asked for only by what uses them (`aws(for:)`).
        let local = type == ChatContract.Backend.postgres && !(environment["DATABASE_URL"] ?? "").isEmpty
        func setting(_ name: String) throws(Invalid) -> String { local ? environment[name] ?? "" : try required(name) }
        let region = environment["AWS_REGION"].flatMap { $0.isEmpty ? nil : $0 } ?? environment["AWS_DEFAULT_REGION"] ?? ""
        if region.isEmpty && !local { throw Invalid(variable: "AWS_REGION", problem: "is not set (nor AWS_DEFAULT_REGION)") }
        let credentials = AWSCredentials(
            accessKeyId: try setting("AWS_ACCESS_KEY_ID"), secretAccessKey: try setting("AWS_SECRET_ACCESS_KEY"),
            sessionToken: environment["AWS_SESSION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 })
        let backend: Backend
        switch type {
        case ChatContract.Backend.dataAPI:
            let endpoint = environment[ChatContract.Environment.dataAPIEndpoint].flatMap { $0.isEmpty ? nil : $0 }
            if let endpoint, !(endpoint.hasPrefix("http://") || endpoint.hasPrefix("https://")) {
                throw Invalid(variable: ChatContract.Environment.dataAPIEndpoint, problem: "must be an http:// or https:// URL (got \(endpoint))")
            }
            backend = .dataAPI(endpoint: endpoint)
        case ChatContract.Backend.postgres:
            let portText = environment[ChatContract.Environment.port] ?? "5432"
            guard let port = Int(portText), (1...65_535).contains(port) else {
                throw Invalid(variable: ChatContract.Environment.port, problem: "must be a port number (got \(portText))")
            }
            let url = environment["DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
            let host = environment[ChatContract.Environment.host].flatMap { $0.isEmpty ? nil : $0 }
            if url == nil && host == nil {
                throw Invalid(variable: ChatContract.Environment.host, problem: "is not set (nor DATABASE_URL); the postgres backend needs one")
            }
            backend = .postgres(host: host, port: port, databaseURL: url)
        default:
            throw Invalid(variable: ChatContract.Environment.backendType,
                          problem: "must be \(ChatContract.Backend.dataAPI) or \(ChatContract.Backend.postgres) (got \(type))")
        }
        var configuration = RuntimeConfiguration(backend: backend, clusterArn: try setting(ChatContract.Environment.clusterArn),
                                                 secretArn: try setting(ChatContract.Environment.secretArn),
                                                 databaseName: try setting(ChatContract.Environment.databaseName), region: region,
                                                 credentials: credentials)
        configuration.applicationSecretArn = environment[ChatContract.Environment.applicationSecretArn].flatMap { $0.isEmpty ? nil : $0 }
        if let stage = environment[ChatContract.Environment.stage].flatMap({ $0.isEmpty ? nil : $0 }) {
            configuration.stage = try StageContract.named(stage)
        }
        return configuration
    }
}
