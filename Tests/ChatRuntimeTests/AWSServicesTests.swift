import AWSSigV4
import ChatRuntime
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Logging
import Testing
import TestSupport

/// The AWS services the runtime calls besides the Data API: Secrets Manager (against moto's server
/// on loopback) and Bedrock (the signed request, checked against botocore).
@Suite(.serialized) struct AWSServicesTests {
    /// The postgres backend as deployed: DB_HOST from the template, credentials from the cluster secret.
    @Test func thePostgresBackendReadsItsCredentialsFromSecretsManager() async throws {
        let moto = try await MotoServer.start()
        defer { moto.stop() }
        let server = try TestPostgres.server()
        let database = try server.createDatabase(prefix: "secret")
        defer { database.drop() }
        let secret = #"{"username":"postgres","password":"unused-with-trust-auth","engine":"postgres","host":"127.0.0.1","port":\#(server.port),"dbname":"\#(database.name)"}"#
        let created = try PythonTool.run(script: "moto_create_secret.py", arguments: [moto.url, "chat-cluster-secret", secret])
        #expect(created.status == 0, "\(created.output)")
        let arn = created.output.trimmingCharacters(in: .whitespacesAndNewlines)

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
        let (headers, body) = try embedder.request(for: "Plan a holiday in Hội An", amzDate: "20240115T123456Z")
        #expect(BedrockEmbedder.invokePath == "/model/amazon.titan-embed-text-v2%3A0/invoke")
        let signed = headers.filter { ["Content-Type", "Accept", "Host"].contains($0.name) }.map { "\($0.name)=\($0.value)" }
        let result = try PythonTool.run(script: "sigv4_botocore_sign.py", arguments: [
            "bedrock", "us-west-2", embedder.endpoint + BedrockEmbedder.invokePath, "20240115T123456Z", Data(body).base64EncodedString(),
        ] + signed)
        #expect(result.status == 0, "\(result.output)")
        #expect(headers.first { $0.name == "Authorization" }?.value == result.output.trimmingCharacters(in: .whitespacesAndNewlines))
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
    }
}

/// moto's server mode (`moto_server` from the project's virtualenv) on a loopback port.
final class MotoServer: Sendable {
    let process: Process
    let url: String

    struct Failure: Error, CustomStringConvertible { var description: String }

    private init(process: Process, url: String) {
        self.process = process
        self.url = url
    }

    static func start() async throws -> MotoServer {
        let binary = TestPostgres.repositoryRoot.appendingPathComponent(".venv/bin/moto_server")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw Failure(description: "\(binary.path) is missing: run scripts/bootstrap.sh (installs moto[server] into .venv)")
        }
        let port = 50_000 + Int.random(in: 0..<10_000)
        let process = Process()
        process.executableURL = binary
        process.arguments = ["-H", "127.0.0.1", "-p", String(port)]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let server = MotoServer(process: process, url: "http://127.0.0.1:\(port)")
        for _ in 0..<200 {
            if let socket = try? Socket.connect(port: port) { socket.close(); return server }
            if !process.isRunning { throw Failure(description: "moto_server exited") }
            try await Task.sleep(for: .milliseconds(50))
        }
        server.stop()
        throw Failure(description: "moto_server did not start on \(port)")
    }

    func stop() { if process.isRunning { process.terminate() } }
}

/// Just enough of a TCP client to see whether a loopback port accepts connections.
struct Socket {
    let descriptor: Int32

    static func connect(port: Int) throws -> Socket {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            Glibc.close(descriptor)
            throw MotoServer.Failure(description: "connection refused")
        }
        return Socket(descriptor: descriptor)
    }

    func close() { Glibc.close(descriptor) }
}
