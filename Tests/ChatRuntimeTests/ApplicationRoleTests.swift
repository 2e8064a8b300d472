import ChatRuntime
import Testing
import TestSupport

/// The application role the schema creates, signed in through both backends: it does the stores'
/// work (the whole API runs as it in ChatAPITests) and the start-up schema check, and nothing an
/// administrator does.
@Suite(.serialized, .timeLimit(.minutes(5))) struct ApplicationRoleTests {
    @Test(arguments: BackendKind.allCases)
    func theApplicationRoleReadsAndWritesRowsAndCanDoNothingElse(_ kind: BackendKind) async throws {
        let harness = try await Harness.make(kind, signingInAs: .application)
        defer { harness.close() }
        let whoAmI = try await harness.executor.execute(SQLStatement("SELECT current_user::text"))
        #expect(whoAmI.rows.first?.first?.text == ChatContract.Schema.applicationRole)
        try await harness.chat.migrator.checkDatabase()
        let conversation = newConversationId()
        try await harness.chat.history.append([NewMessage(clientMessageId: "m1", role: "user", content: "least privilege")],
                                              to: conversation, ownerId: "alice")
        #expect(try await harness.chat.history.delete(conversation, ownerId: "alice"))

        let forbidden = [
            "DROP TABLE conversations", "ALTER TABLE chat_history ADD COLUMN note text", "CREATE TABLE intruder (x int)",
            "CREATE ROLE intruder LOGIN", "SELECT rolpassword FROM pg_authid", "DELETE FROM schema_version",
            "TRUNCATE chat_history",
        ]
        for sql in forbidden {
            do {
                _ = try await harness.executor.execute(SQLStatement(sql))
                Issue.record("\(kind): the application role ran \(sql)")
            } catch {
                let text = "\(error)"
                #expect(text.contains("permission denied") || text.contains("must be owner"), "\(kind): \(sql) failed otherwise: \(text)")
            }
        }
        // Passing its access on is no error in PostgreSQL (only a warning), but grants nothing.
        _ = try await harness.executor.execute(SQLStatement("GRANT SELECT ON conversations TO PUBLIC"))
        let granted = try await harness.executor.execute(SQLStatement(
            "SELECT count(*)::int8 FROM information_schema.role_table_grants WHERE grantee = 'PUBLIC' AND table_name = 'conversations'"))
        #expect(granted.rows.first?.first?.int == 0)
    }

    @Test func theMigratorRefusesAUserThatIsNotTheApplicationRole() async throws {
        let harness = try await Harness.make(.postgres)
        defer { harness.close() }
        await #expect(throws: SchemaMigrator.UnknownUser(username: "postgres")) {
            try await harness.chat.migrator.setPassword(of: "postgres", to: "taken over")
        }
        // Setting the password again is harmless: the role still signs in with it.
        try await harness.chat.migrator.setPassword(of: ChatContract.Schema.applicationRole, to: Harness.applicationPassword)
        let again = try await Harness.make(.postgres, signingInAs: .application)
        defer { again.close() }
        #expect(try await again.chat.history.history(of: newConversationId()).isEmpty)
    }

    @Test func aWrongPasswordIsRefused() async throws {
        let harness = try await Harness.make(.postgres, signingInAs: .application)
        defer { harness.close() }
        let server = harness.database.server
        let wrong = try PostgresExecutor(.init(url: "postgresql://\(ChatContract.Schema.applicationRole):not-the-password@\(server.host):\(server.port)/\(harness.database.name)"),
                                         timeouts: .init(connect: .seconds(5)), logger: Harness.logger)
        // Refused by the server, not for want of a running pool.
        await #expect(throws: (any Error).self) { try await wrong.whileRunning { _ = try await wrong.execute(SQLStatement("SELECT 1")) } }
    }
}
