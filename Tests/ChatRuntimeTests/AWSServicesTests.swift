import AWSServices
import AWSSigV4
import ChatRuntime
import Foundation
import Logging
import Testing
import TestSupport

/// The AWS services the runtime calls besides the Data API: Secrets Manager (against moto's server
/// on loopback) and Bedrock (the signed request, checked against botocore).
@Suite(.serialized, .timeLimit(.minutes(5))) struct AWSServicesTests {
    /// The postgres backend as deployed: DB_HOST from the template, credentials from the cluster secret.
    @Test func thePostgresBackendReadsItsCredentialsFromSecretsManager() async throws {
        let moto = try await MotoServer.start()
        defer { moto.stop() }
        let server = try TestPostgres.server()
        let database = try server.createDatabase(prefix: "secret")
        defer { database.drop() }
        let arn = try MotoServer.create(moto, name: "chat-cluster-secret",
                                        secret: MotoServer.databaseSecret(username: "postgres", password: "unused-with-trust-auth", for: database))

        let environment = [
            ChatContract.Environment.backendType: ChatContract.Backend.postgres, ChatContract.Environment.host: "127.0.0.1",
            ChatContract.Environment.port: String(server.port), ChatContract.Environment.clusterArn: "arn:aws:rds:us-east-1:123456789012:cluster:chat",
            ChatContract.Environment.secretArn: arn, ChatContract.Environment.databaseName: database.name,
            "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "token",
            "AWS_ENDPOINT_URL_SECRETS_MANAGER": moto.url, "PGSSLMODE": "disable",
        ]
        let configuration = try RuntimeConfiguration.fromEnvironment(environment)
        let chat = try await ChatDatabase.connect(configuration, embedder: LocalEmbedder(dimension: Harness.dimension),
                                                  environment: environment, logger: Harness.logger)
        let running = runningInBackground(chat.services)
        defer { running.cancel() }
        try await chat.migrator.migrate()
        let conversation = newConversationId()
        try await chat.history.append([NewMessage(clientMessageId: "m1", role: "user", content: "via the secret")], to: conversation, ownerId: "alice")
        #expect(try await chat.history.history(of: conversation).map(\.content) == ["via the secret"])

        let secrets = SecretsManagerClient(region: "us-east-1", credentials: AWSCredentials(accessKeyId: "testing", secretAccessKey: "testing"), endpoint: moto.url)
        await #expect(throws: SecretsManagerClient.Failure.self) { try await secrets.databaseSecret(arn: arn + "-missing") }
    }

    @Test func theBedrockRequestIsSignedLikeBotocore() throws {
        let credentials = AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
        let embedder = try BedrockEmbedder(region: "us-west-2", credentials: credentials)
        let (headers, body) = try embedder.request(for: "Plan a holiday in Hội An", amzDate: "20240115T123456Z", credentials: credentials)
        #expect(BedrockEmbedder.invokePath == "/model/amazon.titan-embed-text-v2%3A0/invoke")
        let signed = headers.filter { ["Content-Type", "Accept", "Host"].contains($0.name) }.map { "\($0.name)=\($0.value)" }
        let result = try PythonTool.run(script: "sigv4_botocore_sign.py", arguments: [
            "bedrock", "us-west-2", embedder.endpoint + BedrockEmbedder.invokePath, "20240115T123456Z", Data(body).base64EncodedString(),
        ] + signed)
        #expect(result.status == 0, "\(result.output)")
        #expect(headers.first { $0.name == "Authorization" }?.value == result.output.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// PostgreSQL at DATABASE_URL is the local mode: nothing of AWS is needed until something uses it,
    /// and then the error names what wanted it. (No shared files and no instance metadata here, so
    /// the credential chain finds nothing.)
    @Test func databaseURLAloneIsEnoughForThePostgresBackend() async throws {
        let noAWS = ["HOME": "/nonexistent", "AWS_EC2_METADATA_DISABLED": "true"]
        let local = try RuntimeConfiguration.fromEnvironment(noAWS.merging(["MEMORY_BACKEND_TYPE": "postgres", "DATABASE_URL": "postgresql://chat@127.0.0.1:5432/chat"]) { $1 })
        #expect(local.backend == .postgres(host: nil, port: 5432, databaseURL: "postgresql://chat@127.0.0.1:5432/chat"))
        await #expect(throws: RuntimeConfiguration.Invalid.self) { _ = try await ChatDatabase.dynamoDB(local, environment: [:]) }
        do {
            _ = try await ChatDatabase.dynamoDB(local, environment: [:])
        } catch let error as RuntimeConfiguration.Invalid {
            #expect(error.variable == "AWS_ACCESS_KEY_ID")
            #expect(error.problem.hasPrefix("no AWS credentials: none in environment variables"))
            #expect(error.problem.hasSuffix("reading Bedrock Chat's DynamoDB tables needs AWS credentials"))
        }
        let withKeys = try RuntimeConfiguration.fromEnvironment(noAWS.merging(["MEMORY_BACKEND_TYPE": "postgres", "DATABASE_URL": "postgresql://h/db",
                                                                               "AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "secret"]) { $1 })
        await #expect(throws: RuntimeConfiguration.Invalid(variable: "AWS_REGION", problem: "is not set (nor AWS_DEFAULT_REGION, nor region in the profile); EMBEDDER=bedrock needs it")) {
            _ = try await ChatDatabase.embedder(withKeys, environment: ["EMBEDDER": "bedrock"])
        }
        // Without DATABASE_URL the postgres backend reads its credentials from the cluster secret, so it needs AWS.
        let secretBacked = try RuntimeConfiguration.fromEnvironment(noAWS.merging(["MEMORY_BACKEND_TYPE": "postgres", "DB_HOST": "h", "DB_CLUSTER_ARN": "arn",
                                                                                   "DB_SECRET_ARN": "arn", "DB_NAME": "chat"]) { $1 })
        await #expect(throws: RuntimeConfiguration.Invalid.self) { _ = try await ChatDatabase.secretsManager(secretBacked, environment: [:]) }
    }

    /// A Data API endpoint on this machine (data-api-local) needs nothing but itself: the ARNs, the
    /// region and the keys take what data-api-local accepts, and no database name is sent. Anywhere
    /// else the ARNs are required, and keys that are configured are used even locally.
    @Test func aLocalDataAPIEndpointIsEnoughForTheDataAPIBackend() async throws {
        let noAWS = ["HOME": "/nonexistent", "AWS_EC2_METADATA_DISABLED": "true", "MEMORY_BACKEND_TYPE": "aurora_data_api"]
        let local = try RuntimeConfiguration.fromEnvironment(noAWS.merging(["DATA_API_ENDPOINT": "http://127.0.0.1:8080"]) { $1 })
        #expect((local.clusterArn, local.secretArn, local.databaseName, local.localDataAPI) == (LocalDataAPI.clusterArn, LocalDataAPI.secretArn, "", true))
        let access = try await local.dataAPIAccess()
        #expect(access.region == "us-east-1")
        #expect(try await access.credentials.credentials() == LocalDataAPI.credentials)
        let withKeys = try RuntimeConfiguration.fromEnvironment(noAWS.merging(["DATA_API_ENDPOINT": "http://localhost:8080", "AWS_ACCESS_KEY_ID": "AKIAMINE",
                                                                               "AWS_SECRET_ACCESS_KEY": "mine", "AWS_REGION": "eu-west-1"]) { $1 })
        let mine = try await withKeys.dataAPIAccess()
        #expect(mine.region == "eu-west-1")
        #expect(try await mine.credentials.credentials().accessKeyId == "AKIAMINE")
        #expect(throws: RuntimeConfiguration.Invalid(variable: "DB_CLUSTER_ARN", problem: "is not set")) {
            try RuntimeConfiguration.fromEnvironment(noAWS.merging(["DATA_API_ENDPOINT": "https://rds-data.eu-west-1.amazonaws.com"]) { $1 })
        }
    }

    @Test func configurationErrorsNameTheVariable() {
        #expect(throws: RuntimeConfiguration.Invalid(variable: "MEMORY_BACKEND_TYPE", problem: "is not set")) {
            try RuntimeConfiguration.fromEnvironment([:])
        }
        let base = ["MEMORY_BACKEND_TYPE": "aurora_data_api", "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b",
                    "DB_CLUSTER_ARN": "c", "DB_SECRET_ARN": "d", "DB_NAME": "e"]
        #expect(throws: RuntimeConfiguration.Invalid(variable: "MEMORY_BACKEND_TYPE", problem: "must be aurora_data_api or postgres (got dynamo)")) {
            try RuntimeConfiguration.fromEnvironment(base.merging(["MEMORY_BACKEND_TYPE": "dynamo"]) { $1 })
        }
        #expect(throws: RuntimeConfiguration.Invalid(variable: "DB_SECRET_ARN", problem: "is not set")) {
            try RuntimeConfiguration.fromEnvironment(base.filter { $0.key != "DB_SECRET_ARN" })
        }
        #expect(throws: RuntimeConfiguration.Invalid(variable: "DB_PORT", problem: "must be a port number (got five)")) {
            try RuntimeConfiguration.fromEnvironment(base.merging(["MEMORY_BACKEND_TYPE": "postgres", "DB_HOST": "h", "DB_PORT": "five"]) { $1 })
        }
        #expect(throws: RuntimeConfiguration.Invalid(variable: "DATA_API_ENDPOINT", problem: "must be an http:// or https:// URL (got localhost:8080)")) {
            try RuntimeConfiguration.fromEnvironment(base.merging(["DATA_API_ENDPOINT": "localhost:8080"]) { $1 })
        }
        #expect((try? RuntimeConfiguration.fromEnvironment(base))?.backend == .dataAPI(endpoint: nil))
        #expect(throws: RuntimeConfiguration.Invalid(variable: "CHAT_STAGE", problem: "must be one of dev, prod, staging (got qa)")) {
            try RuntimeConfiguration.fromEnvironment(base.merging(["CHAT_STAGE": "qa"]) { $1 })
        }
        #expect((try? RuntimeConfiguration.fromEnvironment(base.merging(["CHAT_STAGE": "prod"]) { $1 }))?.stage.textSearch.configurations.first == "chat_english")
        #expect((try? RuntimeConfiguration.fromEnvironment(base))?.stage.name == "dev", "the contract's default stage when unset")
    }

    /// S3 signs the path as sent (no second encoding): keys with spaces, `+`, `//` and Vietnamese
    /// are read back byte for byte, and a missing key is S3's `NoSuchKey`, not retried.
    @Test func s3ReadsObjectsWhateverTheirKeysAndNamesMissingOnes() async throws {
        let moto = try await MotoServer.start()
        defer { moto.stop() }
        let keys = ["sub-1/01HZ/message_map.json", "sub 2/Hội An+phở/map.json", "a//b/./c.json"]
        try MotoServer.seed(moto, tables: [:], objects: keys.map { .init(bucket: "large-messages", key: $0, body: "{\"key\": \"\($0)\"}") })
        let s3 = S3Client(region: "us-east-1", credentials: AWSCredentials(accessKeyId: "testing", secretAccessKey: "testing"), endpoint: moto.url)
        for key in keys {
            #expect(String(decoding: try await s3.getObject(bucket: "large-messages", key: key), as: UTF8.self) == "{\"key\": \"\(key)\"}")
        }
        do {
            _ = try await s3.getObject(bucket: "large-messages", key: "sub-1/none.json")
            Issue.record("a missing object is an error")
        } catch let failure as S3Client.Failure {
            #expect(failure.code == "NoSuchKey" && !failure.message.contains("gave up"), "\(failure)")
        }
        await #expect(throws: S3Client.Failure.self) { _ = try await s3.getObject(bucket: "large-messages", key: keys[0], limit: 4) }
    }
}

/// moto's server mode (`moto_server` from the project's virtualenv) on a loopback port.
enum MotoServer {
    struct Failure: Error, CustomStringConvertible { var description: String }

    static func start() async throws -> LoopbackServer {
        try await LoopbackServer.start(TestPostgres.repositoryRoot.appendingPathComponent(".venv/bin/moto_server"),
                                       missingHint: "run scripts/bootstrap.sh (installs moto[server] into .venv)") { port in
            ["-H", "127.0.0.1", "-p", String(port)]
        }
    }

    /// A database secret for `database`, as the SecretTargetAttachment completes it.
    static func databaseSecret(username: String, password: String, for database: TestDatabase) -> String {
        #"{"username":"\#(username)","password":"\#(password)","engine":"postgres","host":"\#(database.server.host)","port":\#(database.server.port),"dbname":"\#(database.name)"}"#
    }

    /// Creates a secret in `moto`; its ARN.
    static func create(_ moto: LoopbackServer, name: String, secret: String) throws -> String {
        try run(["create", moto.url, name, secret])
    }

    /// A new current version of the secret, as a rotation leaves it.
    static func put(_ moto: LoopbackServer, arn: String, secret: String) throws {
        _ = try run(["put", moto.url, arn, secret])
    }

    /// An S3 object for `seed`.
    struct Object: Encodable {
        var bucket: String
        var key: String
        var body: String
    }

    /// Creates DynamoDB tables (Bedrock Chat's keys, PK and SK) with `tables`' items, and S3 objects.
    /// With `deletions`, deletes those keys from tables that exist.
    static func seed(_ moto: LoopbackServer, tables: [String: [DynamoDBClient.Item]], objects: [Object] = [],
                     deletions: [String: [DynamoDBClient.Item]] = [:]) throws {
        struct Spec: Encodable {
            var tables: [String: [DynamoDBClient.Item]]
            var objects: [Object]
            var deletions: [String: [DynamoDBClient.Item]]
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("moto-seed-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try JSONEncoder().encode(Spec(tables: tables, objects: objects, deletions: deletions)).write(to: file)
        let result = try PythonTool.run(script: "moto_seed.py", arguments: [moto.url, file.path])
        guard result.status == 0 else { throw Failure(description: "moto_seed.py: \(result.output)") }
    }

    private static func run(_ arguments: [String]) throws -> String {
        let result = try PythonTool.run(script: "moto_secret.py", arguments: arguments)
        guard result.status == 0 else { throw Failure(description: "moto_secret.py \(arguments[0]): \(result.output)") }
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
