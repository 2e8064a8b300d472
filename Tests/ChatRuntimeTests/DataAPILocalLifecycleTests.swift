import AWSSigV4
import ChatRuntime
import Foundation
import Logging
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// `data-api-local` stopped as a service manager stops it: on SIGTERM it stops listening, closes its
/// PostgreSQL connections and exits 0.
@Suite(.timeLimit(.minutes(2))) struct DataAPILocalLifecycleTests {
    @Test func sigtermClosesTheConnectionsAndExitsZero() async throws {
        let database = try TestPostgres.server().createDatabase(prefix: "lifecycle")
        defer { database.drop() }
        let endpoint = try await DataAPILocalProcess.start(databaseURL: database.url, flags: [])
        defer { endpoint.stop() }
        let executor = DataAPIExecutor(endpoint: endpoint.url, region: "us-east-1", clusterArn: "arn:aws:rds:us-east-1:123456789012:cluster:chat-test",
                                       secretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:chat-test", database: database.name,
                                       credentials: AWSCredentials(accessKeyId: "AKIDTEST", secretAccessKey: "test-secret"), logger: Logger(label: "lifecycle"))
        #expect(try await executor.execute(SQLStatement("SELECT 1")).rows.first?.first?.int == 1)

        // The endpoint's sessions on the database, psql's own left out.
        func sessions() throws -> Int {
            Int(try database.run("SELECT count(*) FROM pg_catalog.pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
                .trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
        }
        #expect(try sessions() > 0, "the call left a pooled connection open")

        kill(endpoint.process.pid, SIGTERM)
        let deadline = ContinuousClock.now + .seconds(15)
        while endpoint.process.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(endpoint.process.status == 0, "exit status \(String(describing: endpoint.process.status)) after SIGTERM")

        // A backend ends a moment after its client has gone.
        var open = try sessions()
        for _ in 0..<100 where open != 0 {
            try await Task.sleep(for: .milliseconds(50))
            open = try sessions()
        }
        #expect(open == 0, "\(open) connections still open after the endpoint exited")
    }
}
