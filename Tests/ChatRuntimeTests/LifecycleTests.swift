import ChatRuntime
import DynamicServices
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The long-running processes stopped as a service manager stops them: on SIGTERM they stop
/// listening, finish, close their PostgreSQL connections and exit 0. `data-api-local`, and the store
/// behind the chat routes (`chat-function serve`, on the postgres backend, whose pools run under
/// swift-service-lifecycle).
@Suite(.timeLimit(.minutes(3))) struct LifecycleTests {
    @Test func dataAPILocalClosesItsConnectionsAndExitsZeroOnSIGTERM() async throws {
        let database = try TestPostgres.server().createDatabase(prefix: "lifecycle")
        defer { database.drop() }
        let endpoint = try await DataAPILocalProcess.start(databaseURL: database.url, flags: [])
        defer { endpoint.stop() }
        let executor = Harness.dataAPIExecutor(endpoint: endpoint.url, database: database.name, logger: Logger(label: "lifecycle"))
        #expect(try await executor.execute(SQLStatement("SELECT 1")).rows.first?.first?.int == 1)
        try await Self.expectCleanExit(endpoint, database)
    }

    @Test func theStoreServerClosesItsConnectionsAndExitsZeroOnSIGTERM() async throws {
        let database = try TestPostgres.server().createDatabase(prefix: "lifecycle")
        defer { database.drop() }
        let owner = try PostgresExecutor(.init(url: database.url), logger: Harness.logger)
        try await owner.whileRunning { _ = try await SchemaMigrator(executor: owner).migrate() }
        // Its backends end a moment after whileRunning closed them (longer on a loaded machine); wait,
        // so that every session counted below is the server's.
        for _ in 0..<600 {
            let left = Int(try database.run("SELECT count(*) FROM pg_catalog.pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
                .trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
            if left == 0 { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        let environment = [
            ChatContract.Environment.backendType: ChatContract.Backend.postgres, "DATABASE_URL": database.url,
            ChatContract.Environment.clusterArn: "arn:aws:rds:us-east-1:123456789012:cluster:chat-test",
            ChatContract.Environment.secretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:chat-test",
            ChatContract.Environment.databaseName: database.name,
            "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
        ]
        let server = try await LoopbackServer.start(TestPostgres.repositoryRoot.appendingPathComponent(".build/debug/chat-function"),
                                                    missingHint: "run swift build first", environment: environment) { port in
            ["serve", "--port", String(port)]
        }
        defer { server.stop() }
        // A write and a read through the store, so its pool holds connections.
        let conversation = newConversationId()
        let (status, _) = try await Self.request(server, "POST", "/conversations/\(conversation)/messages",
                                                 body: #"{"messages":[{"clientMessageId":"m1","role":"user","content":"hello"}]}"#)
        #expect(status == 200, "append answered \(status)")
        let (readStatus, body) = try await Self.request(server, "GET", "/conversations/\(conversation)/messages")
        #expect(readStatus == 200 && body.contains("hello"), "\(readStatus) \(body)")
        try await Self.expectCleanExit(server, database)
    }

    @Test func anExecutorRunsOnceAndSaysSoAfterwards() async throws {
        let database = try TestPostgres.server().createDatabase(prefix: "lifecycle")
        defer { database.drop() }
        let executor = try PostgresExecutor(.init(url: database.url), logger: Harness.logger)
        let one = try await executor.whileRunning { try await executor.execute(SQLStatement("SELECT 1")).rows.first?.first?.int }
        #expect(one == 1)
        // Its pools cannot start again: running it again is an error that says so, not a crash.
        await #expect(throws: ServiceSet.AlreadyRun.self) { try await executor.whileRunning {} }
        // A statement after the end names the cause instead of waiting for a pool nobody runs.
        do {
            _ = try await executor.execute(SQLStatement("SELECT 1"))
            Issue.record("a statement ran on an executor that has shut down")
        } catch let error as SQLExecutionError {
            #expect("\(error)".contains("has shut down"), "\(error)")
        }
    }

    /// SIGTERM: the process exits 0 within 15 s, and none of its sessions is left on the database.
    static func expectCleanExit(_ server: LoopbackServer, _ database: TestDatabase) async throws {
        // The sessions on the database, psql's own left out: all of them the server's (the test's own
        // connections are closed by now; a moment's wait lets their backends end).
        func sessions() throws -> Set<String> {
            Set(try database.run("SELECT pid FROM pg_catalog.pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
                .split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        }
        let servers = try sessions()
        #expect(!servers.isEmpty, "the calls left no pooled connection open")

        kill(server.process.pid, SIGTERM)
        let deadline = ContinuousClock.now + .seconds(15)
        while server.process.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(server.process.status == 0, "exit status \(String(describing: server.process.status)) after SIGTERM")

        // A backend ends a moment after its client has gone.
        var open = try sessions().intersection(servers)
        for _ in 0..<200 where !open.isEmpty {
            try await Task.sleep(for: .milliseconds(50))
            open = try sessions().intersection(servers)
        }
        #expect(open.isEmpty, "\(open.count) of the process's connections still open after it exited")
    }

    static func request(_ server: LoopbackServer, _ method: String, _ path: String, body: String? = nil) async throws -> (Int, String) {
        var request = URLRequest(url: URL(string: server.url + path)!, timeoutInterval: 10)
        request.httpMethod = method
        request.setValue("alice", forHTTPHeaderField: "X-Dev-User")
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }
}
