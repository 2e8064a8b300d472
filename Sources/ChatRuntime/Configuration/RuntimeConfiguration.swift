import AWSServices
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
    /// `AWS_REGION`, `AWS_DEFAULT_REGION` or the profile's; empty when none says (`aws(for:)` then
    /// asks instance metadata).
    public var region: String
    /// The AWS SDKs' credential chain (`AWSCredentialChain`): environment variables, web identity,
    /// profiles, container endpoints, instance metadata. Nothing is fetched until something signs.
    public var credentials: AWSCredentialChain
    /// The stage served (`CHAT_STAGE`; the contract's default stage when unset).
    public var stage = StageContract.default
    /// `DATA_API_ENDPOINT` is on this machine (data-api-local): what is not set takes `LocalDataAPI`'s defaults.
    public var localDataAPI = false

    public init(backend: Backend, clusterArn: String, secretArn: String, databaseName: String, region: String, credentials: AWSCredentialChain) {
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

    /// Equal settings; the credential chains compare by the source they chose.
    public static func == (a: RuntimeConfiguration, b: RuntimeConfiguration) -> Bool {
        (a.backend, a.clusterArn, a.secretArn, a.applicationSecretArn, a.databaseName) == (b.backend, b.clusterArn, b.secretArn, b.applicationSecretArn, b.databaseName)
            && (a.region, a.stage, a.localDataAPI) == (b.region, b.stage, b.localDataAPI) && a.credentials.selection == b.credentials.selection
    }

    /// The region and credentials, for `use` (`Amazon Bedrock embeddings`, `DynamoDB`, …): a clear
    /// error naming the use when the chain finds no source of credentials, or no region is set
    /// (instance metadata is asked for the region when the credentials come from it).
    public func aws(for use: String) async throws(Invalid) -> (region: String, credentials: AWSCredentialChain) {
        if case .failure(let error) = credentials.selection {
            throw Invalid(variable: error.setting, problem: "\(error.problem); \(use) needs AWS credentials")
        }
        if !region.isEmpty { return (region, credentials) }
        guard let found = await credentials.resolvedRegion() else {
            throw Invalid(variable: "AWS_REGION", problem: "is not set (nor AWS_DEFAULT_REGION, nor region in the profile); \(use) needs it")
        }
        return (found.region, credentials)
    }

    /// The region and credentials the Data API is called with. An endpoint on this machine with
    /// nothing configured gets data-api-local's defaults; credentials that are configured (keys,
    /// a profile) are used as they would be against AWS.
    public func dataAPIAccess() async throws(Invalid) -> (region: String, credentials: any AWSCredentialProvider) {
        guard localDataAPI else {
            let aws = try await aws(for: "the Data API")
            return (aws.region, aws.credentials)
        }
        let region = region.isEmpty ? LocalDataAPI.region : region
        switch credentials.selection {
        case .failure, .success(.instanceMetadata): return (region, LocalDataAPI.credentials)
        case .success: return (region, credentials)
        }
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
        let endpoint = environment.nonEmpty(ChatContract.Environment.dataAPIEndpoint)
        // The local Data API (data-api-local): the endpoint alone is enough.
        let localDataAPI = type == ChatContract.Backend.dataAPI && endpoint.map(LocalDataAPI.isLocal) == true
        func setting(_ name: String, locally fallback: String = "") throws(Invalid) -> String {
            if local { return environment[name] ?? "" }
            if localDataAPI { return environment.nonEmpty(name) ?? fallback }
            return try required(name)
        }
        let credentials = AWSCredentialChain(environment: environment)
        let region = credentials.configuredRegion?.region ?? ""
        let backend: Backend
        switch type {
        case ChatContract.Backend.dataAPI:
            if let endpoint, !(endpoint.hasPrefix("http://") || endpoint.hasPrefix("https://")) {
                throw Invalid(variable: ChatContract.Environment.dataAPIEndpoint, problem: "must be an http:// or https:// URL (got \(endpoint))")
            }
            backend = .dataAPI(endpoint: endpoint)
        case ChatContract.Backend.postgres:
            let portText = environment[ChatContract.Environment.port] ?? "5432"
            guard let port = Int(portText), (1...65_535).contains(port) else {
                throw Invalid(variable: ChatContract.Environment.port, problem: "must be a port number (got \(portText))")
            }
            let url = environment.nonEmpty("DATABASE_URL")
            let host = environment.nonEmpty(ChatContract.Environment.host)
            if url == nil && host == nil {
                throw Invalid(variable: ChatContract.Environment.host, problem: "is not set (nor DATABASE_URL); the postgres backend needs one")
            }
            backend = .postgres(host: host, port: port, databaseURL: url)
        default:
            throw Invalid(variable: ChatContract.Environment.backendType,
                          problem: "must be \(ChatContract.Backend.dataAPI) or \(ChatContract.Backend.postgres) (got \(type))")
        }
        var configuration = RuntimeConfiguration(backend: backend, clusterArn: try setting(ChatContract.Environment.clusterArn, locally: LocalDataAPI.clusterArn),
                                                 secretArn: try setting(ChatContract.Environment.secretArn, locally: LocalDataAPI.secretArn),
                                                 databaseName: try setting(ChatContract.Environment.databaseName), region: region,
                                                 credentials: credentials)
        configuration.localDataAPI = localDataAPI
        configuration.applicationSecretArn = environment.nonEmpty(ChatContract.Environment.applicationSecretArn)
        if let stage = environment.nonEmpty(ChatContract.Environment.stage) {
            configuration.stage = try StageContract.named(stage)
        }
        return configuration
    }
}
