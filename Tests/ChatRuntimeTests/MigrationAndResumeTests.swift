import ChatRuntime
import Testing
import TestSupport

@Suite(.serialized, .timeLimit(.minutes(5))) struct MigrationTests {
    @Test(arguments: BackendKind.allCases)
    func migrateIsIdempotentAndTheStartupCheckSaysWhichSideIsBehind(_ kind: BackendKind) async throws {
        let harness = try await Harness.make(kind, migrate: false)
        defer { harness.close() }
        let migrator = harness.chat.migrator
        await #expect(throws: SchemaMigrator.Mismatch.notMigrated) { try await migrator.checkDatabase() }
        try await migrator.migrate()
        let again = try await migrator.migrate()
        #expect(again.from == again.to && again.actions.isEmpty, "a second run finds nothing to do")
        try await migrator.checkDatabase()
        let version = SchemaDefinition.contract.version
        let recorded = try harness.database.run("SELECT version, how FROM schema_version ORDER BY version").split(separator: "\n").map(String.init)
        #expect(recorded == (1...version).map { "\($0)|created" })

        // The next version only adds to this one (expand first, contract a version later), so this runtime works with it.
        let record = "INSERT INTO schema_version (version, name, checksum, fingerprint, how, started_at, finished_at) VALUES "
        try harness.database.run(record + "(\(version + 1), 'next', 'sha256:x', 'sha256:y', 'applied', now(), now())")
        try await migrator.checkDatabase()
        try harness.database.run(record + "(\(version + 2), 'after_next', 'sha256:x', 'sha256:y', 'applied', now(), now())")
        await #expect(throws: SchemaMigrator.Mismatch.runtimeBehind(database: version + 2, runtime: version)) {
            try await migrator.checkDatabase()
        }
        try harness.database.run("DELETE FROM schema_version WHERE version >= \(version)")
        await #expect(throws: SchemaMigrator.Mismatch.databaseBehind(database: version - 1, runtime: version)) {
            try await migrator.checkDatabase()
        }
    }
}

/// The Data API path while the cluster resumes from auto-pause (data-api-local's simulation).
@Suite(.serialized, .timeLimit(.minutes(5))) struct ResumeTests {
    @Test func aCallMadeWhileResumingSucceedsAfterRetries() async throws {
        let harness = try await Harness.make(.dataAPI, endpointFlags: ["--auto-pause-after", "1", "--resume-seconds", "2"],
                                             retry: RetryPolicy(initialDelay: .milliseconds(100), maximumDelay: .milliseconds(500), budget: .seconds(20)))
        defer { harness.close() }
        let executor = try #require(harness.executor as? DataAPIExecutor)
        try await Task.sleep(for: .milliseconds(1_500))
        let before = executor.requestCounter.count
        let conversation = newConversationId()
        try await harness.chat.history.append([NewMessage(clientMessageId: "m1", role: "user", content: "wake up")], to: conversation, ownerId: "alice")
        #expect(executor.requestCounter.count - before > 7, "the first call should have been answered 'resuming' and retried")
        #expect(try await harness.chat.history.history(of: conversation).map(\.content) == ["wake up"])
    }

    @Test func aStatementErrorIsNotRetried() async throws {
        let harness = try await Harness.make(.dataAPI)
        defer { harness.close() }
        let executor = try #require(harness.executor as? DataAPIExecutor)
        let before = executor.requestCounter.count
        await #expect {
            _ = try await executor.execute(SQLStatement("SELECT * FROM no_such_table"))
        } throws: { error in
            guard case SQLExecutionError.statement(_, let state) = error else { return false }
            return state == "42P01"
        }
        #expect(executor.requestCounter.count - before == 1)
    }
}
