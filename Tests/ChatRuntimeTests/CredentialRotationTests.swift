import AWSServices
import AWSSigV4
import ChatRuntime
import Foundation
import Testing
import TestSupport

/// A rotation of the application role's credentials while the store is busy: the role's password
/// changes, the secret in (moto's) Secrets Manager gets the new one, and the role's sessions are cut,
/// as connections come and go in a real pool. On a server of its own, so the other tests' chat_app
/// keeps its password. The postgres backend reads the secret again itself; on the Data API backend
/// the endpoint reads the secret on every call (data-api-local with --secrets-manager-endpoint, as
/// the Data API does), so the runtime needs nothing.
@Suite(.serialized, .timeLimit(.minutes(5))) struct CredentialRotationTests {
    static let role = ChatContract.Schema.applicationRole

    @Test(arguments: BackendKind.allCases)
    func appendsSurviveARotation(_ kind: BackendKind) async throws {
        let postgres = try PrivateTestPostgres.start()
        defer { postgres.stop() }
        let database = try postgres.server.createDatabase(prefix: "rotation")
        // The migrator's part: the schema, which creates the role, and the role's first password.
        let owner = try PostgresExecutor(.init(url: database.url), logger: Harness.logger)
        try await owner.whileRunning {
            let migrator = SchemaMigrator(executor: owner)
            try await migrator.migrate()
            try await migrator.setPassword(of: Self.role, to: "before-rotation")
        }
        let moto = try await MotoServer.start()
        defer { moto.stop() }
        let arn = try MotoServer.create(moto, name: "chat-app-rotation",
                                        secret: MotoServer.databaseSecret(username: Self.role, password: "before-rotation", for: database))

        let chat: ChatDatabase
        var endpoint: LoopbackServer?
        defer { endpoint?.stop() }
        switch kind {
        case .postgres:
            let environment = [
                ChatContract.Environment.backendType: ChatContract.Backend.postgres, ChatContract.Environment.host: "127.0.0.1",
                ChatContract.Environment.port: String(database.server.port), ChatContract.Environment.secretArn: arn,
                ChatContract.Environment.clusterArn: "arn:aws:rds:us-east-1:123456789012:cluster:chat", ChatContract.Environment.databaseName: database.name,
                "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                "AWS_ENDPOINT_URL_SECRETS_MANAGER": moto.url, "PGSSLMODE": "disable",
            ]
            chat = try await ChatDatabase.connect(try RuntimeConfiguration.fromEnvironment(environment), embedder: LocalEmbedder(dimension: Harness.dimension),
                                                  environment: environment, postgresTimeouts: .init(connect: .seconds(5)), logger: Harness.logger)
        case .dataAPI:
            let started = try await DataAPILocalProcess.start(databaseURL: database.url, flags: ["--secrets-manager-endpoint", moto.url, "--connect-timeout", "2"])
            endpoint = started
            let executor = DataAPIExecutor(endpoint: started.url, region: "us-east-1", clusterArn: "arn:aws:rds:us-east-1:123456789012:cluster:chat",
                                           secretArn: arn, database: database.name,
                                           credentials: AWSCredentials(accessKeyId: "AKIDTEST", secretAccessKey: "test-secret"), logger: Harness.logger)
            chat = try ChatDatabase(executor: executor, embedder: LocalEmbedder(dimension: Harness.dimension))
        }
        let running = runningInBackground(chat.services)
        defer { running.cancel() }
        // Signed in as the application role, with the secret's password.
        let whoAmI = try await chat.executor.execute(SQLStatement("SELECT current_user::text"))
        #expect(whoAmI.rows.first?.first?.text == Self.role)

        // The load: writers appending to conversations of their own, one message at a time; a failed
        // append (its session cut under it) is sent again, as a client would: appends are idempotent
        // on clientMessageId.
        let (writers, messages) = (6, 60)
        let conversations = (0..<writers).map { _ in newConversationId() }
        let load = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (writer, conversation) in conversations.enumerated() {
                    group.addTask {
                        for index in 1...messages {
                            let message = NewMessage(clientMessageId: "w\(writer)-m\(index)", role: "user", content: "message \(index)")
                            // Retried for up to 30 s: signing in again takes a connect timeout (5 s here) and more on a busy machine.
                            let giveUp = ContinuousClock.now + .seconds(30)
                            while true {
                                do {
                                    _ = try await chat.history.append([message], to: conversation, ownerId: "alice")
                                    break
                                } catch where ContinuousClock.now < giveUp {
                                    try await Task.sleep(for: .milliseconds(200))
                                }
                            }
                            try await Task.sleep(for: .milliseconds(15))
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        // Mid-load, the rotation: the new password, the secret's new version, and every session cut.
        try await Task.sleep(for: .milliseconds(400))
        try database.run("ALTER ROLE \(Self.role) PASSWORD 'after-rotation'")
        try MotoServer.put(moto, arn: arn, secret: MotoServer.databaseSecret(username: Self.role, password: "after-rotation", for: database))
        let cut = try database.run("SELECT count(*) FILTER (WHERE ended) FROM (SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE usename = '\(Self.role)') sessions")
        #expect((Int(cut.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0) > 0, "no session of \(Self.role) was open to cut")
        try await load.value

        // Nothing lost, nothing twice, in order.
        for (writer, conversation) in conversations.enumerated() {
            let stored = try await chat.history.history(of: conversation)
            #expect(stored.map(\.clientMessageId) == (1...messages).map { "w\(writer)-m\($0)" })
            #expect(stored.map(\.seq) == (1...Int64(messages)).map { $0 })
        }
        if case .postgres = kind {
            // Signed in again once, with the secret's new password: at most one new sign-in per connection.
            let executor = try #require(chat.executor as? PostgresExecutor)
            #expect(executor.credentialRenewals == 1)
            #expect(executor.endpoint.password == "after-rotation")
        }
    }
}

