import AWSServices
import AWSSigV4
import ArgumentParser
import ChatRuntime
import CommandLineExit
import DataAPILocal
import Foundation
import Logging
import ServiceLifecycle
import Spawn

@main
struct DataAPILocalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data-api-local",
        abstract: "Serve the RDS Data API on loopback against PostgreSQL, for development and tests.",
        discussion: """
            Point any Data API client at it: `aws rds-data execute-statement --endpoint-url http://127.0.0.1:8080 …`
            or boto3's `endpoint_url`, with any credentials (checked only with --verify-signatures).
            Without --database-url (or DATABASE_URL) it starts a throwaway PostgreSQL with pgvector and pg_trgm,
            applies out/<stage>/schema.sql, and stops it on exit.
            """
    )

    /// The project's exit-code table (`UsageExitStatus`).
    static func main() async { await mainExitingTwoOnUsageErrors() }

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on.") var port = 8080
    @Option(name: .customLong("database-url"), help: "postgresql://user:password@host:port/database (or env DATABASE_URL).")
    var databaseURL: String?
    @Option(name: .customLong("resource-arn"), help: "Accept only this cluster ARN.") var resourceArn: String?
    @Option(name: .customLong("secret-arn"), help: "Accept only this secret ARN.") var secretArn: String?
    @Option(name: .customLong("secrets-manager-endpoint"),
            help: "Read each request's secret from this Secrets Manager endpoint (moto, say) and sign in as the user it names, as the Data API does; without it every request signs in as the --database-url user.")
    var secretsManagerEndpoint: String?
    @Option(help: "Region of the secrets (signing the Secrets Manager calls).") var region = "us-east-1"
    @Flag(name: .customLong("verify-signatures"), help: "Require SigV4 signatures (service rds-data) made with the keys below.")
    var verifySignatures = false
    @Option(name: .customLong("access-key-id")) var accessKeyId = LocalDataAPI.credentials.accessKeyId
    @Option(name: .customLong("secret-access-key")) var secretAccessKey = LocalDataAPI.credentials.secretAccessKey
    @Option(name: .customLong("auto-pause-after"), help: "Simulate auto-pause after this many idle seconds.")
    var autoPauseAfter: Double?
    @Option(name: .customLong("resume-seconds"), help: "How long a simulated resume lasts.") var resumeSeconds: Double = 15
    @Option(name: .customLong("transaction-idle-timeout"), help: "Seconds before an idle transaction is rolled back.")
    var transactionIdleTimeout: Double = 180
    @Option(name: .customLong("statement-wait"),
            help: "Seconds a call waits for its statement (45 on AWS): past it, StatementTimeoutException; the statement is cancelled unless sent with continueAfterTimeout.")
    var statementWait: Double = 45
    @Option(name: .customLong("connect-timeout"), help: "Seconds to wait for a PostgreSQL connection before answering DatabaseUnavailableException.")
    var connectTimeout: Double = 10
    @Option(help: "Stage whose out/<stage>/schema.sql a throwaway database gets.") var stage = "dev"

    func run() async throws {
        var logger = Logger(label: "data-api-local")
        logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        var throwaway: ThrowawayPostgres?
        let url: DatabaseURL
        if let text = databaseURL ?? ProcessInfo.processInfo.environment["DATABASE_URL"] {
            url = try DatabaseURL(text)
        } else {
            let started = try ThrowawayPostgres.start(schemaFile: "out/\(stage)/schema.sql")
            throwaway = started
            url = started.url
        }
        defer { throwaway?.stop() }

        var settings = DataAPIService.Settings(host: url.host, port: url.port, username: url.username, password: url.password,
                                               defaultDatabase: url.database)
        settings.resourceArn = resourceArn
        settings.secretArn = secretArn
        if let secretsManagerEndpoint {
            let secrets = SecretsManagerClient(region: region, credentials: AWSCredentials(accessKeyId: accessKeyId, secretAccessKey: secretAccessKey),
                                               endpoint: secretsManagerEndpoint)
            settings.secrets = { arn in try await secrets.databaseSecret(arn: arn).credentials }
        }
        settings.transactionIdleTimeout = .milliseconds(Int(transactionIdleTimeout * 1000))
        guard statementWait > 0 else { throw ValidationError("--statement-wait must be more than 0 seconds") }
        settings.statementTimeout = .milliseconds(Int(statementWait * 1000))
        settings.connectTimeout = .milliseconds(Int(connectTimeout * 1000))
        let resume = autoPauseAfter.map { (pauseAfter: Duration.milliseconds(Int($0 * 1000)), duration: Duration.milliseconds(Int(resumeSeconds * 1000))) }
        let service = DataAPIService(settings: settings, resume: resume, logger: logger)
        let credentials = AWSCredentials(accessKeyId: accessKeyId, secretAccessKey: secretAccessKey)
        let verifier = verifySignatures ? SignatureVerifier(credentials: credentials, service: "rds-data") : nil
        let server = DataAPIServer(service: service, verifier: verifier, logger: logger)

        // Said once the port is bound, so a script that waits for these lines can use the endpoint at
        // once, and a port already taken is reported without them.
        let announcement = environmentAnnouncement(database: url)
        let application = server.application(host: host, port: port) {
            print(announcement, terminator: "")
            fflush(nil)
        }
        // On SIGTERM or SIGINT the server stops first (no new calls, those under way finish), then the
        // service rolls back open transactions and closes its connections.
        let services = ServiceGroup(configuration: .init(
            services: [.init(service: service), .init(service: application)],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await services.run()
        } catch where "\(error)".contains("Address already in use") {
            throw ThrowawayPostgres.StepFailed(description: "port \(port) on \(host) is already in use: stop what listens there, or pass another --port")
        }
    }

    /// What a runtime needs to use this endpoint: the listening line, then the exports. On this
    /// machine the runtime takes `LocalDataAPI`'s defaults for whatever is not exported, so only what
    /// differs from them is.
    func environmentAnnouncement(database: DatabaseURL) -> String {
        var lines = [
            "\(ChatContract.Environment.backendType)=\(ChatContract.Backend.dataAPI)",
            "\(ChatContract.Environment.dataAPIEndpoint)=http://\(host):\(port)",
        ]
        if let resourceArn { lines.append("\(ChatContract.Environment.clusterArn)=\(resourceArn)") }
        if let secretArn { lines.append("\(ChatContract.Environment.secretArn)=\(secretArn)") }
        if accessKeyId != LocalDataAPI.credentials.accessKeyId || secretAccessKey != LocalDataAPI.credentials.secretAccessKey {
            lines += ["AWS_ACCESS_KEY_ID=\(accessKeyId)", "AWS_SECRET_ACCESS_KEY=\(secretAccessKey)"]
        }
        return "data-api-local: listening on http://\(host):\(port), database \(database.redacted)\n" + lines.map { "export \($0)\n" }.joined()
    }
}

struct DatabaseURL {
    var host: String
    var port: Int
    var username: String
    var password: String?
    var database: String

    init(_ text: String) throws {
        guard let components = URLComponents(string: text), ["postgres", "postgresql"].contains(components.scheme ?? ""),
              let host = components.host else {
            throw ValidationError("--database-url must look like postgresql://user:password@host:5432/database (got \(text))")
        }
        self.host = host
        port = components.port ?? 5432
        username = components.user ?? "postgres"
        password = components.password
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? username : path
    }

    init(host: String, port: Int, username: String, database: String) {
        self.host = host
        self.port = port
        self.username = username
        self.database = database
    }

    var redacted: String { "postgresql://\(username)\(password == nil ? "" : ":***")@\(host):\(port)/\(database)" }
}

/// A PostgreSQL of its own, through the project's scripts/postgres.sh, with the stage's schema applied.
struct ThrowawayPostgres {
    let stateFile: String
    let url: DatabaseURL

    static func start(schemaFile: String) throws -> ThrowawayPostgres {
        let script = "scripts/postgres.sh"
        guard FileManager.default.isExecutableFile(atPath: script), FileManager.default.fileExists(atPath: schemaFile) else {
            throw ValidationError("without --database-url, run from the repository root (needs \(script) and \(schemaFile)); or pass --database-url")
        }
        let stateFile = FileManager.default.temporaryDirectory.appendingPathComponent("data-api-local-\(getpid()).env").path
        try run("/bin/bash", [script, "start"], environment: ["POSTGRES_STATE_FILE": stateFile])
        let state = try String(contentsOfFile: stateFile, encoding: .utf8)
        var values: [String: String] = [:]
        for line in state.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { values[parts[0]] = parts[1] }
        }
        guard let port = values["TEST_POSTGRES_PORT"].flatMap(Int.init), let bin = values["TEST_POSTGRES_BIN"] else {
            throw ValidationError("scripts/postgres.sh did not report a port")
        }
        let postgres = ThrowawayPostgres(stateFile: stateFile, url: DatabaseURL(host: "127.0.0.1", port: port, username: "postgres", database: "postgres"))
        do {
            try run(bin + "/psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", String(port), "-U", "postgres",
                                    "-d", "postgres", "-f", schemaFile])
        } catch {
            postgres.stop()
            throw error
        }
        return postgres
    }

    func stop() {
        try? Self.run("/bin/bash", ["scripts/postgres.sh", "stop"], environment: ["POSTGRES_STATE_FILE": stateFile])
    }

    /// A step that failed, with what the step itself said (the script's message says what to do).
    struct StepFailed: Error, CustomStringConvertible {
        var description: String
    }

    private static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws {
        let result = try ChildProcess.run(executable, arguments, environment: environment,
                                          standardError: .combinedWithOutput, timeLimitSeconds: 300)
        guard result.status == 0 else {
            let said = result.outputText.split(separator: "\n").suffix(5).joined(separator: "\n")
            throw StepFailed(description: "\(executable) \(arguments.joined(separator: " ")) failed (status \(result.status))"
                                 + (said.isEmpty ? "" : ":\n" + said))
        }
    }
}

