/// Applies the schema this runtime was built with (`ChatContract.Schema`) and checks at start-up that
/// the database has it.
public struct SchemaMigrator: Sendable {
    public let executor: any SQLExecutor

    public init(executor: any SQLExecutor) { self.executor = executor }

    /// Runs every statement (one per call: the Data API takes one statement at a time) in one
    /// transaction and records the fingerprint. Idempotent.
    public func migrate() async throws {
        try await executor.transaction { sql in
            for statement in ChatContract.Schema.statements { _ = try await sql.execute(SQLStatement(statement)) }
            _ = try await sql.execute(SQLStatement(ChatContract.Schema.recordFingerprint))
        }
    }

    /// The users the application may sign in as: its role, and the second user Secrets Manager's
    /// alternating-users rotation clones from it.
    public static let applicationUsers = [ChatContract.Schema.applicationRole, ChatContract.Schema.applicationRole + "_clone"]

    public struct UnknownUser: Error, Sendable, Equatable, CustomStringConvertible {
        public var username: String
        public init(username: String) { self.username = username }
        public var description: String {
            "the application secret names user \(username), but the schema's application role is \(ChatContract.Schema.applicationRole) "
                + "(or \(ChatContract.Schema.applicationRole)_clone after a rotation); fix the secret's username"
        }
    }

    /// Sets the password of the application role (or its rotation clone) to what its secret holds.
    /// Idempotent. The password never appears in SQL text, where the statement log would keep it:
    /// it is bound to a transaction-local setting that the `ALTER ROLE` reads. A role is one row of
    /// a catalog the whole cluster shares, so a concurrent change to it (a rotation, another
    /// migrator) fails this one with "tuple concurrently updated"; it is tried again, up to 5 times.
    public func setPassword(of username: String, to password: String) async throws {
        guard Self.applicationUsers.contains(username) else { throw UnknownUser(username: username) }
        try await executor.transaction { sql in
            _ = try await sql.execute(SQLStatement("SELECT set_config('chat.role_password', :password, true)", ["password": .text(password)]))
            _ = try await sql.execute(SQLStatement("""
                DO $$
                BEGIN
                  FOR attempt IN 1..5 LOOP
                    BEGIN
                      EXECUTE format('ALTER ROLE %I PASSWORD %L', '\(username)', current_setting('chat.role_password'));
                      RETURN;
                    EXCEPTION WHEN internal_error THEN
                      IF SQLERRM <> 'tuple concurrently updated' OR attempt = 5 THEN RAISE; END IF;
                      PERFORM pg_sleep(0.05 * attempt);
                    END;
                  END LOOP;
                END
                $$
                """))
        }
    }

    public enum Mismatch: Error, Sendable, Equatable, CustomStringConvertible {
        /// No schema_version table: nothing was ever migrated.
        case notMigrated
        /// The database never had this runtime's schema: run migrate.
        case databaseBehind(database: String, runtime: String)
        /// The database moved on to a newer schema than this runtime was built with: deploy a newer runtime.
        case runtimeBehind(database: String, runtime: String)

        public var description: String {
            switch self {
            case .notMigrated:
                "the database has no schema yet: run `chat-store migrate`"
            case .databaseBehind(let database, let runtime):
                "the database is behind: it has schema \(database), this runtime needs \(runtime); run `chat-store migrate`"
            case .runtimeBehind(let database, let runtime):
                "this runtime is behind: it was built for schema \(runtime), the database was migrated on to \(database); deploy the runtime built from the same commit as the schema"
            }
        }
    }

    /// Throws `Mismatch` unless the database's latest applied schema is this runtime's.
    public func checkDatabase() async throws {
        let runtime = ChatContract.Schema.fingerprint
        let exists = try await executor.execute(SQLStatement("SELECT to_regclass(:table) IS NOT NULL", ["table": .text(ChatContract.Schema.versionTable)]))
        guard exists.rows.first?.first?.bool == true else { throw Mismatch.notMigrated }
        let applied = try await executor.execute(SQLStatement(
            "SELECT fingerprint FROM \(ChatContract.Schema.versionTable) ORDER BY applied_at DESC, fingerprint"))
        let fingerprints = applied.rows.compactMap { $0.first?.text }
        guard let latest = fingerprints.first else { throw Mismatch.notMigrated }
        if latest == runtime { return }
        if fingerprints.contains(runtime) { throw Mismatch.runtimeBehind(database: latest, runtime: runtime) }
        throw Mismatch.databaseBehind(database: latest, runtime: runtime)
    }
}
