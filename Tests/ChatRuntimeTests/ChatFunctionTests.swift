import ChatFunction
import ChatRuntime
import Foundation
import LambdaRuntime
import Testing
import TestSupport

/// The chat function as Lambda runs it: start-up, HTTP API events and the schema custom resource,
/// through the Runtime API emulator, on both backends.
@Suite(.serialized, .timeLimit(.minutes(5))) struct ChatFunctionTests {
    /// What the app stack's template sets, pointed at the harness's database.
    /// A migrator also gets the application role's secret; `applicationSecret` is where it lives
    /// (moto's Secrets Manager and the secret's ARN). Without one, it points at a Secrets Manager
    /// nobody answers on, for tests that fail before the secret is read.
    static func environment(_ harness: Harness, _ kind: BackendKind, emulator: LambdaEmulator, role: String = "api",
                            applicationSecret: (endpoint: String, arn: String)? = nil) -> [String: String] {
        var environment = [
            "AWS_LAMBDA_RUNTIME_API": emulator.address, "CHAT_FUNCTION_ROLE": role, "AWS_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "AKIDTEST", "AWS_SECRET_ACCESS_KEY": "test-secret",
            ChatContract.Environment.backendType: kind.rawValue,
            ChatContract.Environment.clusterArn: "arn:aws:rds:us-east-1:123456789012:cluster:chat-test",
            ChatContract.Environment.secretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:chat-test",
            ChatContract.Environment.databaseName: harness.database.name,
        ]
        switch kind {
        case .postgres: environment["DATABASE_URL"] = harness.database.url
        case .dataAPI: environment[ChatContract.Environment.dataAPIEndpoint] = harness.endpoint?.url
        }
        if role == "migrator" {
            environment[ChatContract.Environment.applicationSecretArn] = applicationSecret?.arn ?? "arn:aws:secretsmanager:us-east-1:123456789012:secret:chat-app-unread"
            environment["AWS_ENDPOINT_URL_SECRETS_MANAGER"] = applicationSecret?.endpoint ?? "http://127.0.0.1:9"
        }
        return environment
    }

    /// The user the migrator must give a password: the application role's rotation clone, which no
    /// other test signs in as (a password the whole test server's chat_app shares cannot be changed
    /// under the other tests). Created here as a rotation creates it, without a password.
    static func cloneWithoutPassword(_ harness: Harness) throws -> String {
        let clone = ChatContract.Schema.applicationRole + "_clone"
        try harness.database.run("""
            DO $$ BEGIN
              CREATE ROLE \(clone) LOGIN IN ROLE \(ChatContract.Schema.applicationRole);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
            END $$;
            ALTER ROLE \(clone) PASSWORD NULL;
            """)
        return clone
    }

    /// The application secret, as the database stack's SecretTargetAttachment completes it, in moto.
    static func applicationSecret(in moto: LoopbackServer, _ harness: Harness, username: String, password: String) throws -> (endpoint: String, arn: String) {
        let secret = MotoServer.databaseSecret(username: username, password: password, for: harness.database)
        return (moto.url, try MotoServer.create(moto, name: "chat-app-\(UUID().uuidString)", secret: secret))
    }

    /// Runs the function's loop for the length of `body`, and stops it once it is idle again.
    func withFunction(_ environment: [String: String], on emulator: LambdaEmulator, _ body: () async throws -> Void) async throws {
        let loop = Task {
            try await LambdaRuntime.run(environment: environment, log: RuntimeLog(sink: { _ in })) { services in
                try await ChatFunctionHandler.start(environment: environment, services: services, log: RuntimeLog(sink: { _ in }))
            }
        }
        defer { loop.cancel() }
        try await body()
        try await emulator.waitUntilIdle()
    }

    func response(_ outcome: LambdaEmulator.Outcome) throws -> [String: Any] {
        guard case .response(let bytes) = outcome else { throw LambdaEmulator.Failure(description: "expected a response, got \(outcome)") }
        return try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    @Test(arguments: BackendKind.allCases)
    func theAPIAnswersThroughTheRuntimeLoop(_ kind: BackendKind) async throws {
        let harness = try await Harness.make(kind)
        defer { harness.close() }
        let emulator = try await LambdaEmulator.start()
        defer { Task { await emulator.stop() } }
        try await withFunction(Self.environment(harness, kind, emulator: emulator), on: emulator) {
            let conversation = newConversationId()
            let appended = try response(try await emulator.invoke(try ChatAPITests.eventJSON(
                "POST", "/conversations/\(conversation)/messages", body: #"{"messages":[{"clientMessageId":"m1","role":"user","content":"hi"}]}"#)))
            #expect(appended["statusCode"] as? Int == 200, "\(appended)")
            let read = try response(try await emulator.invoke(try ChatAPITests.eventJSON("GET", "/conversations/\(conversation)/messages")))
            #expect((read["body"] as? String)?.contains(#""content":"hi""#) == true, "\(read)")
            let unknown = try await emulator.invoke(#"{"hello":"world"}"#)
            guard case .error(let type, _) = unknown else { Issue.record("expected an error, got \(unknown)"); return }
            #expect(type == "Chat.UnknownEvent")
        }
    }

    @Test func aStartUpWithoutTheBackendVariableIsAnInitErrorNamingIt() async throws {
        let emulator = try await LambdaEmulator.start()
        defer { Task { await emulator.stop() } }
        let environment = ["AWS_LAMBDA_RUNTIME_API": emulator.address, "AWS_REGION": "us-east-1"]
        let outcome = try await LambdaRuntime.run(environment: environment, log: RuntimeLog(sink: { _ in })) { services in
            try await ChatFunctionHandler.start(environment: environment, services: services)
        }
        guard case .initializationFailed(let error) = outcome else { Issue.record("expected a failed start-up, got \(outcome)"); return }
        #expect(error == FunctionError(type: "Runtime.InvalidConfiguration", message: "\(ChatContract.Environment.backendType): is not set"))
        let posted = await emulator.initializationError
        #expect(posted?.text.contains("\(ChatContract.Environment.backendType): is not set") == true)
    }

    static func customResource(_ type: String, responseURL: String, fingerprint: String = SchemaDefinition.contract.fingerprint) -> String {
        """
        {"RequestType":"\(type)","ServiceToken":"arn:aws:lambda:us-east-1:123456789012:function:chat-migrator",
         "ResponseURL":"\(responseURL)/cloudformation-custom-resource-response?X-Amz-Signature=abc",
         "StackId":"arn:aws:cloudformation:us-east-1:123456789012:stack/chat-dev-app/guid","RequestId":"request-\(type)",
         "LogicalResourceId":"ChatSchema","ResourceType":"Custom::ChatSchema",\(type == "Create" ? "" : #""PhysicalResourceId":"chat-schema","#)
         "ResourceProperties":{"ServiceToken":"arn:aws:lambda:us-east-1:123456789012:function:chat-migrator","Fingerprint":"\(fingerprint)"}}
        """
    }

    /// Create (the schema appears), Update (applied again), Update for a schema the artifact does not
    /// carry (FAILED, saying why), Delete (nothing dropped): the migrator function, however it runs.
    static func schemaResourceLifecycle(_ harness: Harness, emulator: LambdaEmulator, s3: RecordingServer,
                                        signsIn user: (username: String, password: String)? = nil) async throws {
        func reply(_ index: Int) async throws -> (status: String, reason: String, headers: [String: String]) {
            let recorded = await s3.requests
            let request = try #require(recorded.count > index ? recorded[index] : nil, "no reply \(index) to the ResponseURL")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
            #expect(request.method == "PUT" && request.path == "/cloudformation-custom-resource-response")
            #expect(object["PhysicalResourceId"] as? String == "chat-schema" && object["LogicalResourceId"] as? String == "ChatSchema")
            #expect((object["StackId"] as? String)?.hasSuffix("stack/chat-dev-app/guid") == true && (object["RequestId"] as? String)?.hasPrefix("request-") == true)
            return (object["Status"] as? String ?? "", object["Reason"] as? String ?? "", request.headers)
        }
        // Create: the schema appears.
        _ = try await emulator.invoke(customResource("Create", responseURL: s3.url), timeout: .seconds(30))
        let created = try await reply(0)
        #expect(created.status == "SUCCESS" && created.headers["content-type"] == "", "\(created)")
        try await harness.chat.migrator.checkDatabase()
        if let user {
            // The user in the application secret now signs in with the secret's password, with the application's rights.
            #expect(created.reason.contains("\(user.username) signs in with its secret"), "\(created.reason)")
            let server = harness.database.server
            let signedIn = try PostgresExecutor(.init(host: server.host, port: server.port, username: user.username, password: user.password,
                                                      database: harness.database.name, tls: false), logger: Harness.logger)
            let count = try await signedIn.whileRunning { try await signedIn.execute(SQLStatement("SELECT count(*)::int8 FROM chat_history")).rows.first?.first?.int }
            #expect(count == 0)
        }
        try await harness.chat.history.append([NewMessage(clientMessageId: "m1", role: "user", content: "kept")], to: newConversationId(), ownerId: "alice")
        // Update with this artifact's fingerprint: applied again, idempotently.
        _ = try await emulator.invoke(customResource("Update", responseURL: s3.url), timeout: .seconds(30))
        #expect(try await reply(1).status == "SUCCESS")
        // Update asking for a schema this artifact does not carry: FAILED, saying why.
        _ = try await emulator.invoke(customResource("Update", responseURL: s3.url, fingerprint: "sha256:other"), timeout: .seconds(30))
        let refused = try await reply(2)
        #expect(refused.status == "FAILED" && refused.reason.contains("asks for schema sha256:other"), "\(refused)")
        // Delete: nothing dropped.
        _ = try await emulator.invoke(customResource("Delete", responseURL: s3.url), timeout: .seconds(30))
        #expect(try await reply(3).status == "SUCCESS")
        #expect(try harness.database.run("SELECT count(*) FROM chat_history").trimmingCharacters(in: .whitespacesAndNewlines) == "1")
    }

    /// A first Create against a database that has tables these migrations did not make: FAILED with the store's reason, no SQL.
    static func failedMigration(_ harness: Harness, emulator: LambdaEmulator, s3: RecordingServer) async throws {
        _ = try await emulator.invoke(customResource("Create", responseURL: s3.url), timeout: .seconds(30))
        let recorded = await s3.requests
        let first = try #require(recorded.first, "no reply to the ResponseURL")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(first.body)) as? [String: Any])
        #expect(object["Status"] as? String == "FAILED")
        let reason = object["Reason"] as? String ?? ""
        #expect(reason.contains("the database has tables (conversations) but no schema_version table") && reason.contains("nothing was changed")
                && !reason.contains("CREATE"), "\(reason)")
    }

    @Test(arguments: BackendKind.allCases)
    func theSchemaResourceCreatesUpdatesKeepsDataOnDeleteAndReportsFailures(_ kind: BackendKind) async throws {
        let harness = try await Harness.make(kind, migrate: false)
        defer { harness.close() }
        let moto = try await MotoServer.start()
        defer { moto.stop() }
        // The role must exist for its clone; a first migration creates it.
        let owner = try PostgresExecutor(.init(url: harness.database.url), logger: Harness.logger)
        try await owner.whileRunning { _ = try await SchemaMigrator(executor: owner).migrate() }
        let clone = try Self.cloneWithoutPassword(harness)
        let password = "migrated-\(UUID().uuidString)"
        let secret = try Self.applicationSecret(in: moto, harness, username: clone, password: password)
        let emulator = try await LambdaEmulator.start()
        let s3 = try await RecordingServer.start()
        defer { Task { await emulator.stop(); await s3.stop() } }
        try await withFunction(Self.environment(harness, kind, emulator: emulator, role: "migrator", applicationSecret: secret), on: emulator) {
            try await Self.schemaResourceLifecycle(harness, emulator: emulator, s3: s3, signsIn: (clone, password))
        }
    }

    @Test func aMigratorWithoutTheApplicationSecretIsAnInitErrorNamingIt() async throws {
        let harness = try await Harness.make(.postgres, migrate: false)
        defer { harness.close() }
        let emulator = try await LambdaEmulator.start()
        defer { Task { await emulator.stop() } }
        let environment = Self.environment(harness, .postgres, emulator: emulator, role: "migrator")
            .filter { $0.key != ChatContract.Environment.applicationSecretArn }
        let outcome = try await LambdaRuntime.run(environment: environment, log: RuntimeLog(sink: { _ in })) { services in
            try await ChatFunctionHandler.start(environment: environment, services: services)
        }
        guard case .initializationFailed(let error) = outcome else { Issue.record("expected a failed start-up, got \(outcome)"); return }
        #expect(error.message.hasPrefix("\(ChatContract.Environment.applicationSecretArn): is not set"), "\(error)")
    }

    @Test func aMigrationThatFailsIsReportedFailedWithItsReason() async throws {
        let harness = try await Harness.make(.postgres, migrate: false)
        defer { harness.close() }
        // A table in the way, which no migration made: the migrator refuses to touch the database.
        try harness.database.run("CREATE TABLE conversations (nothing int)")
        let emulator = try await LambdaEmulator.start()
        let s3 = try await RecordingServer.start()
        defer { Task { await emulator.stop(); await s3.stop() } }
        try await withFunction(Self.environment(harness, .postgres, emulator: emulator, role: "migrator"), on: emulator) {
            try await Self.failedMigration(harness, emulator: emulator, s3: s3)
        }
    }
}
