import ChatRuntime
import Foundation
import PostgresTimeLimits
import Testing
import TestSupport

/// A connection the database refuses is reported with its cause (refused credentials, a role that
/// does not exist yet, a database that does not exist, nothing listening) as soon as the server
/// says so, on both backends, rather than as a connect timeout. The limits below are long (20 s)
/// so that a cause reported in a few seconds can only have come from the server's answer.
@Suite(.serialized, .timeLimit(.minutes(3))) struct ConnectionCauseTests {
    static let connectLimit: Duration = .seconds(20)

    enum Case: String, CaseIterable, CustomStringConvertible {
        case wrongPassword, roleMissing, databaseMissing, nothingListening
        var description: String { rawValue }
    }

    /// Where and as whom each case signs in, on the shared test server.
    static func target(_ testCase: Case, _ database: TestDatabase) throws -> (url: String, database: String) {
        let server = database.server
        switch testCase {
        case .wrongPassword:
            return ("postgresql://\(ChatContract.Schema.applicationRole):not-the-password@\(server.host):\(server.port)/\(database.name)", database.name)
        case .roleMissing:
            return ("postgresql://chat_app_never_created:any-password@\(server.host):\(server.port)/\(database.name)", database.name)
        case .databaseMissing:
            return ("postgresql://postgres@\(server.host):\(server.port)/no_such_database", "no_such_database")
        case .nothingListening:
            return ("postgresql://postgres@127.0.0.1:\(try LoopbackServer.freePort())/\(database.name)", database.name)
        }
    }

    static func expectedCause(_ testCase: Case) -> ConnectionFailure.Cause {
        switch testCase {
        // Under password authentication (Aurora's, and the test server's for every role but its
        // superuser) PostgreSQL answers a missing role exactly like a wrong password.
        case .wrongPassword, .roleMissing: .passwordRefused
        case .databaseMissing: .databaseMissing
        case .nothingListening: .connectionRefused
        }
    }

    @Test(arguments: BackendKind.allCases, Case.allCases)
    func aRefusedConnectionIsReportedWithItsCauseAtOnce(_ kind: BackendKind, _ testCase: Case) async throws {
        // The schema (which creates the application role) and the role's password, so that only what each case breaks is wrong.
        let harness = try await Harness.make(.postgres, signingInAs: .application)
        defer { harness.close() }
        let (url, databaseName) = try Self.target(testCase, harness.database)
        let endpoint: LoopbackServer?
        let executor: any SQLExecutor
        switch kind {
        case .postgres:
            endpoint = nil
            executor = try PostgresExecutor(.init(url: url), timeouts: .init(connect: Self.connectLimit), logger: Harness.logger)
        case .dataAPI:
            if testCase == .nothingListening {
                // Over the Data API, what the function connects to is the endpoint itself.
                endpoint = nil
                executor = Self.dataAPIExecutor(endpoint: "http://127.0.0.1:\(try LoopbackServer.freePort())", database: databaseName)
            } else {
                let server = try await DataAPILocalProcess.start(databaseURL: url, flags: ["--connect-timeout", "20"])
                endpoint = server
                executor = Self.dataAPIExecutor(endpoint: server.url, database: databaseName)
            }
        }
        defer { endpoint?.stop() }
        let chat = try ChatDatabase(executor: executor, embedder: LocalEmbedder(dimension: Harness.dimension))
        let clock = ContinuousClock()
        let start = clock.now
        let error = await #expect(throws: SQLExecutionError.self) {
            try await chat.whileRunning { chat in try await chat.history.conversation(newConversationId()) }
        }
        let elapsed = clock.now - start
        guard case .cannotConnect(let failure)? = error else {
            Issue.record("\(kind) \(testCase): expected the cause, got \(String(describing: error)) after \(elapsed)")
            return
        }
        #expect(failure.cause == Self.expectedCause(testCase), "\(failure)")
        #expect(elapsed < .seconds(8), "reported after \(elapsed); the connect limit is \(Self.connectLimit)")
        let text = "\(error!)"
        switch testCase {
        case .wrongPassword, .roleMissing:
            let role = testCase == .roleMissing ? "chat_app_never_created" : ChatContract.Schema.applicationRole
            #expect(text.contains("\"\(role)\"") && text.contains("28P01") && text.contains("the role does not exist yet"), "\(text)")
            #expect(!text.contains("not-the-password") && !text.contains("any-password"), "a password in \(text)")
        case .databaseMissing:
            #expect(text.contains("no database \"no_such_database\"") && text.contains("3D000"), "\(text)")
        case .nothingListening:
            #expect(text.contains("connection refused"), "\(text)")
        }
    }

    static func dataAPIExecutor(endpoint: String, database: String) -> DataAPIExecutor {
        Harness.dataAPIExecutor(endpoint: endpoint, database: database,
                                retry: RetryPolicy(initialDelay: .milliseconds(100), maximumDelay: .seconds(1), budget: .seconds(15)))
    }

    /// PostgreSQL's words as the Data API hands them on are read back into the same causes; a role
    /// a trusting server names as missing is that cause, not a refused password.
    @Test func theDataAPIsWordingIsReadBackIntoTheCause() {
        let target = "arn:aws:rds:us-east-1:123456789012:cluster:c"
        #expect(ConnectionFailure(dataAPIMessage: #"FATAL: password authentication failed for user "chat_app""#, target: target)
            == ConnectionFailure(cause: .passwordRefused, target: target, username: "chat_app", serverMessage: #"password authentication failed for user "chat_app""#))
        #expect(ConnectionFailure(dataAPIMessage: #"FATAL: role "chat_app" does not exist"#, target: target)?.cause == .roleMissing)
        #expect(ConnectionFailure(dataAPIMessage: #"FATAL: database "chat" does not exist"#, target: target)?.database == "chat")
        #expect(ConnectionFailure(dataAPIMessage: #"FATAL: role "chat_app" is not permitted to log in"#, target: target)?.cause == .signInRefused)
        let noEntry = ConnectionFailure(dataAPIMessage: #"FATAL: no pg_hba.conf entry for host "10.0.0.7", user "chat_app", database "chat", no encryption"#, target: target)
        #expect(noEntry?.cause == .signInRefused && noEntry?.username == "chat_app")
        #expect(ConnectionFailure(dataAPIMessage: #"ERROR: relation "x" does not exist"#, target: target) == nil)
        let missingRole = ConnectionFailure(cause: .roleMissing, target: "db:5432", username: "chat_app")
        #expect(missingRole.description.contains("has no role \"chat_app\"") && missingRole.refusesCredentials)
        #expect(!ConnectionFailure(cause: .databaseMissing, target: "db:5432").refusesCredentials)
    }
}
