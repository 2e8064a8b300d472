import AWSServices
import AWSSigV4
@testable import ChatFunction
@testable import ChatRuntime
import CloudFormation
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import LambdaRuntime
import Stacks
import Testing
import TestSupport

/// The rotator role, driven step by step as Secrets Manager drives a rotation (the request of
/// "Lambda rotation functions" in the Secrets Manager user guide), through the Runtime API emulator,
/// against data-api-local reading its secrets from moto, as the Data API reads them. Both secrets
/// rotate while writers keep appending as the application role; in each rotation one step fails
/// half-way (a fault proxy forwards its key request, then answers it with an error), and running
/// the step again completes it. After every invocation AWSCURRENT must sign in to PostgreSQL (the
/// master user, one user, signs in with AWSPENDING from its setSecret to its finishSecret).
@Suite(.serialized, .timeLimit(.minutes(10))) struct SecretRotationTests {
    static let master = "chat_master"
    static let application = ChatContract.Schema.applicationRole

    /// The request of each step whose answer the proxy replaces with a failure, after forwarding it.
    static let faults: [SecretRotator.Step: String] = [
        .createSecret: #"{"match": "secretsmanager.PutSecretValue", "after": true}"#,
        .setSecret: #"{"match": "/Execute", "contains": "ALTER ROLE", "after": true}"#,
        .testSecret: #"{"match": "secretsmanager.CreateSecret", "after": true}"#,
        .finishSecret: #"{"match": "secretsmanager.UpdateSecretVersionStage", "after": true}"#,
    ]

    @Test func bothSecretsRotateThroughTheDataAPIWhileWritersAppendAndEveryStepSurvivesAFailure() async throws {
        let postgres = try PrivateTestPostgres.start()
        defer { postgres.stop() }
        let database = try postgres.server.createDatabase(prefix: "rotation")
        // The schema, as the migrator leaves it, and a master user as Aurora's: it creates roles and
        // administers the application role, with passwords checked (scram-sha-256 on 127.0.0.1).
        let owner = try PostgresExecutor(.init(url: database.url), logger: Harness.logger)
        try await owner.whileRunning {
            try await SchemaMigrator(executor: owner).migrate()
            try await SchemaMigrator(executor: owner).setPassword(of: Self.application, to: "application-0")
        }
        _ = try database.run("""
            CREATE ROLE \(Self.master) LOGIN CREATEROLE PASSWORD 'master-0';
            GRANT \(Self.application) TO \(Self.master) WITH ADMIN OPTION;
            """)
        let moto = try await MotoServer.start()
        defer { moto.stop() }
        func secret(_ user: String, _ password: String, extra: String = "") -> String {
            #"{"engine":"postgres","host":"127.0.0.1","port":\#(database.server.port),"dbname":"\#(database.name)","username":"\#(user)","password":"\#(password)"\#(extra)}"#
        }
        let masterArn = try MotoServer.create(moto, name: "chat-master", secret: secret(Self.master, "master-0"))
        let applicationArn = try MotoServer.create(moto, name: "chat-app", secret: secret(Self.application, "application-0", extra: #","masterarn":"\#(masterArn)""#))
        let dataAPI = try await DataAPILocalProcess.start(databaseURL: database.url, flags: ["--secrets-manager-endpoint", moto.url, "--connect-timeout", "2"])
        defer { dataAPI.stop() }
        let proxy = try await LoopbackServer.start(TestPostgres.repositoryRoot.appendingPathComponent(".venv/bin/python"),
                                                   missingHint: "run scripts/bootstrap.sh") { port in
            [TestPostgres.repositoryRoot.appendingPathComponent("scripts/fault_proxy.py").path, String(port), moto.url, dataAPI.url]
        }
        defer { proxy.stop() }
        let secrets = SecretsManagerClient(region: "us-east-1", credentials: AWSCredentials(accessKeyId: "testing", secretAccessKey: "testing"), endpoint: moto.url)

        // The writers: the application role, through the Data API, reading its secret on every call.
        let executor = DataAPIExecutor(endpoint: dataAPI.url, region: "us-east-1", clusterArn: "arn:aws:rds:us-east-1:123456789012:cluster:chat",
                                       secretArn: applicationArn, database: database.name,
                                       credentials: AWSCredentials(accessKeyId: "AKIDTEST", secretAccessKey: "test-secret"), logger: Harness.logger)
        let chat = try ChatDatabase(executor: executor, embedder: LocalEmbedder(dimension: Harness.dimension))
        let conversation = newConversationId()
        let writing = Task { () -> (appended: Int, failures: [String]) in
            var (appended, failures) = (0, [String]())
            while !Task.isCancelled {
                do {
                    _ = try await chat.history.append([NewMessage(clientMessageId: "m\(appended + 1)", role: "user", content: "message \(appended + 1)")],
                                                      to: conversation, ownerId: "alice")
                    appended += 1
                } catch {
                    if Task.isCancelled { break }
                    failures.append("\(error)")
                }
                try? await Task.sleep(for: .milliseconds(20))
            }
            return (appended, failures)
        }

        let emulator = try await LambdaEmulator.start()
        defer { Task { await emulator.stop() } }
        let environment = [
            "AWS_LAMBDA_RUNTIME_API": emulator.address, "CHAT_FUNCTION_ROLE": "rotator",
            ChatContract.Environment.backendType: ChatContract.Backend.dataAPI, ChatContract.Environment.dataAPIEndpoint: proxy.url,
            ChatContract.Environment.clusterArn: "arn:aws:rds:us-east-1:123456789012:cluster:chat", ChatContract.Environment.secretArn: masterArn,
            ChatContract.Environment.applicationSecretArn: applicationArn, ChatContract.Environment.databaseName: database.name,
            ChatContract.Environment.testSecretPrefix: "chat-test-app-rt-",
            "AWS_ENDPOINT_URL_SECRETS_MANAGER": proxy.url, "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "AKIDTEST",
            "AWS_SECRET_ACCESS_KEY": "test-secret", "HOME": "/nonexistent", "AWS_EC2_METADATA_DISABLED": "true",
        ]

        /// The version staged `stage` signs in to PostgreSQL itself, with its password; its user.
        func signsIn(_ arn: String, stage: String) async throws -> (works: Bool, user: String) {
            let version = try #require(try await secrets.value(of: arn, stage: stage))
            let value = try JSONDecoder().decode(SecretsManagerClient.DatabaseSecret.self, from: Data(version.string.utf8))
            let direct = try PostgresExecutor(.init(host: "127.0.0.1", port: database.server.port, username: value.username, password: value.password,
                                                    database: database.name, tls: false), logger: Harness.logger)
            do {
                try await direct.whileRunning { _ = try await direct.execute(SQLStatement("SELECT 1")) }
                return (true, value.username)
            } catch {
                return (false, value.username)
            }
        }
        /// AWSCURRENT works at every instant. The master user is one user (single-user rotation): from
        /// its setSecret to its finishSecret its password is the pending one, which must work then.
        func check(_ arn: String, passwordSet: Bool, _ when: String) async throws -> String {
            let current = try await signsIn(arn, stage: "AWSCURRENT")
            if current.works { return current.user }
            if arn == masterArn, passwordSet, try await signsIn(arn, stage: "AWSPENDING").works { return current.user }
            Issue.record("\(when): neither AWSCURRENT of \(arn) (\(current.user)) signs in\(arn == masterArn ? ", nor AWSPENDING" : "")")
            return current.user
        }

        var usersOfTheApplicationSecret: [String] = []
        try await ChatFunctionTests().withFunction(environment, on: emulator) {
            for (arn, name) in [(applicationArn, "application"), (masterArn, "master")] {
                for failing in SecretRotator.Step.allCases {
                    let token = UUID().uuidString
                    var passwordSet = false
                    for step in SecretRotator.Step.allCases {
                        let event = #"{"Step":"\#(step.rawValue)","SecretId":"\#(arn)","ClientRequestToken":"\#(token)","RotationToken":"\#(UUID().uuidString)"}"#
                        if step == failing {
                            try await Self.arm(proxy, Self.faults[step]!)
                            let failed = try await emulator.invoke(event)
                            guard case .error = failed else { Issue.record("\(name) \(step): the injected fault did not fail the step: \(failed)"); continue }
                            #expect(try await Self.hits(proxy) > 0, "\(name) \(step): the fault was never reached")
                            // The fault hits setSecret after its ALTER ROLE ran. Connections come and go:
                            // the retry signs in afresh, with what the secrets say now.
                            passwordSet = passwordSet || step == .setSecret
                            _ = try database.run("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '\(Self.master)'")
                            _ = try await check(arn, passwordSet: passwordSet, "\(name) rotation failing at \(step), after the failure")
                        }
                        let outcome = try await emulator.invoke(event)
                        guard case .response = outcome else { Issue.record("\(name) rotation failing at \(failing): \(step) failed again: \(outcome.text)"); continue }
                        passwordSet = passwordSet || step == .setSecret
                        let user = try await check(arn, passwordSet: passwordSet && step != .finishSecret, "\(name) rotation failing at \(failing), after \(step)")
                        if step == .finishSecret, arn == applicationArn { usersOfTheApplicationSecret.append(user) }
                    }
                    let described = try await secrets.describe(arn)
                    #expect(described.version(staged: "AWSCURRENT") == token, "\(name) rotation failing at \(failing) ended with \(described.VersionIdsToStages ?? [:])")
                }
            }
        }
        // The application secret alternates between the role and its clone, which has the role's grants.
        #expect(usersOfTheApplicationSecret == [Self.application + "_clone", Self.application, Self.application + "_clone", Self.application])
        // The short-lived secrets the test step signs in with are gone.
        let listing = try PythonTool.run(script: "moto_secret.py", arguments: ["list", moto.url])
        #expect(!listing.output.contains("chat-test-app-rt-"), "\(listing.output)")

        try await Task.sleep(for: .milliseconds(200))
        writing.cancel()
        let written = await writing.value
        #expect(written.failures.isEmpty, "\(written.failures.count) appends failed during the rotations, the first: \(written.failures.first ?? "")")
        #expect(written.appended > 20, "the writers appended only \(written.appended) messages")
        let stored = try await chat.history.history(of: conversation)
        #expect(stored.count == written.appended, "nothing lost: \(stored.count) stored of \(written.appended) appended")
    }

    static func arm(_ proxy: LoopbackServer, _ fault: String) async throws {
        var request = URLRequest(url: URL(string: proxy.url + "/_fault")!)
        request.httpMethod = "POST"
        request.httpBody = Data(fault.utf8)
        request.timeoutInterval = 10
        _ = try await URLSession.shared.data(for: request)
    }

    static func hits(_ proxy: LoopbackServer) async throws -> Int {
        let (data, _) = try await URLSession.shared.data(from: URL(string: proxy.url + "/_fault")!)
        return (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["hits"] as? Int ?? 0
    }

    /// The rotator's characters left out of passwords are the cluster's.
    @Test func theRotatorLeavesOutWhatTheClusterLeavesOut() {
        #expect(SecretRotator.excludedCharacters == AuroraServerlessCluster.excludedPasswordCharacters)
        let password = SecretRotator.newPassword()
        #expect(password.count == 32 && !password.contains { SecretRotator.excludedCharacters.contains($0) })
    }

    /// The verifier of RFC 7677's example password and salt ("pencil", W22ZaJ0SNY7soEsUEjb6gQ==), its
    /// keys as Python's hashlib.pbkdf2_hmac and hmac compute them. (That PostgreSQL accepts what the
    /// rotator sets is the rotation test's: every AWSCURRENT signs in.)
    @Test func theScramVerifierIsRFC7677s() {
        let salt = Array(Data(base64Encoded: "W22ZaJ0SNY7soEsUEjb6gQ==")!)
        let verifier = ScramVerifier.verifier(for: "pencil", salt: salt)
        #expect(verifier == "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=")
    }
}
