import Foundation
import Logging
import SQLSchema

/// Brings a database to the schema this runtime was built with (`SchemaDefinition.contract`) and
/// checks at start-up that the database has it.
///
/// - An empty database is created from the schema's statements and recorded at the latest version.
/// - A database from before versioned migrations (a history without versions) is adopted as
///   version 1 when its catalog is migration 1's.
/// - Otherwise pending migrations run in order: each in a transaction, then its index builds
///   `CONCURRENTLY`, each on its own. A version is recorded only after the catalog matches the
///   fingerprint the migration promises.
///
/// It holds a lock for the whole run (a lease in `schema_version_lock`), and refuses a database
/// that records migrations it does not have or with other checksums.
public struct SchemaMigrator: Sendable {
    public let executor: any SQLExecutor
    public let schema: SchemaDefinition
    public let settings: Settings
    let logger: Logger

    public struct Settings: Sendable {
        /// How long to wait for another migrator to finish.
        public var lockWait: Duration = .seconds(300)
        /// How long to wait for an index build that outlived its call.
        public var indexBuildWait: Duration = .seconds(6 * 3600)
        public var pollInterval: Duration = .seconds(2)
        /// How long the lock lasts unless renewed (a quarter of it before it runs out).
        public var lease: Duration = .seconds(120)
        public init() {}

        /// In the deploy's custom resource: the function has 15 minutes, and must answer CloudFormation
        /// before they run out, so it follows an index build for 12 at most (a build still going is
        /// followed by the next run).
        public static var deployTime: Settings {
            var settings = Settings()
            settings.indexBuildWait = .seconds(720)
            return settings
        }
    }

    public init(executor: any SQLExecutor, schema: SchemaDefinition = .contract, settings: Settings = Settings(),
                logger: Logger = Logger(label: "schema-migrator")) {
        self.executor = executor
        self.schema = schema
        self.settings = settings
        self.logger = logger
    }

    // MARK: Migrating

    /// What a run did, or (dry run) would do.
    public struct Report: Sendable, CustomStringConvertible {
        /// The version the database was at (0: empty or before versioned migrations).
        public var from: Int
        public var to: Int
        public var dryRun: Bool
        public var actions: [String]

        public var description: String {
            let verb = dryRun ? "would bring" : "brought"
            let head = from == to && actions.isEmpty ? "the database is at version \(to), the latest; nothing to do"
                : "\(verb) the database from version \(from) to \(to)"
            return ([head] + actions.map { "  " + $0 }).joined(separator: "\n")
        }
    }

    /// Applies what is pending; with `dryRun`, only says what that would be.
    @discardableResult
    public func migrate(dryRun: Bool = false) async throws -> Report {
        if dryRun { return try await run(dryRun: true) }
        return try await holdingLock { try await run(dryRun: false) }
    }

    private func run(dryRun: Bool) async throws -> Report {
        let state = try await readState()
        var report = Report(from: 0, to: schema.version, dryRun: dryRun, actions: [])
        var done = 0
        switch state {
        case .unversioned(let tables):
            throw MigrationError.unversionedTables(tables)
        case .empty:
            report.actions.append("creates the schema (\(schema.statements.count) statements) in the empty database and records versions 1–\(schema.version) as created")
            if !dryRun { try await create() }
            report.actions.append(contentsOf: roleAction)
            if !dryRun { try await applyRoles() }
            return report
        case .beforeVersions:
            guard let first = schema.migration(1) else { return report }
            report.actions.append("adopts the database, created before versioned migrations, as version 1 (\(first.name)) if its tables are migration 1's")
            if !dryRun { try await adopt(first) }
            done = 1
        case .versioned(let recorded):
            let unknown = recorded.map(\.version).filter { $0 > schema.version }
            guard unknown.isEmpty else { throw MigrationError.unknownMigrations(recorded: unknown, known: schema.version) }
            for row in recorded {
                guard let migration = schema.migration(row.version) else { continue }
                if row.checksum != migration.checksum {
                    throw MigrationError.checksumDiffers(version: row.version, recorded: row.checksum, expected: migration.checksum)
                }
            }
            done = recorded.filter(\.finished).map(\.version).max() ?? 0
            report.from = done
        }
        let started = Set(state.startedButUnfinished)
        // Before anything is applied (or said, in a dry run): the pending migrations expect the
        // catalog the last finished one left. A migration interrupted part-way is resumed instead.
        if started.isEmpty, done >= 1, done < schema.version, let expected = schema.migration(done)?.after {
            let (actual, _) = try await catalog(on: executor)
            guard actual == expected else { throw MigrationError.drifted(version: done, actual: actual, expected: expected) }
        }
        for migration in schema.migrations where migration.version > done {
            let resumes = started.contains(migration.version)
            report.actions.append(try await describe(migration, resuming: resumes))
            if !dryRun { report.actions += try await apply(migration, resuming: resumes, databaseVersion: migration.version - 1) }
        }
        if report.actions.isEmpty {
            // Nothing pending; the role statements still run, putting back a grant or role changed by hand.
            if !dryRun { try await applyRoles() }
            return report
        }
        report.actions.append(contentsOf: roleAction)
        if !dryRun { try await applyRoles() }
        return report
    }

    private var roleAction: [String] {
        schema.roleStatements.isEmpty ? [] : ["sets up the application role and its grants (\(schema.roleStatements.count) statements)"]
    }

    /// The plan line for a migration: its statements, and for each index build the table's size.
    private func describe(_ migration: Migration, resuming: Bool) async throws -> String {
        var line = "applies \(migration.name): "
        line += resuming ? "its transaction already ran; " : "\(migration.transactionalStatements.count) statement(s) in a transaction"
        let builds = migration.outsideStatements.compactMap(Migration.concurrentIndexBuild)
        if !builds.isEmpty {
            var parts: [String] = []
            for build in builds {
                let rows = try await executor.execute(SQLStatement(
                    "SELECT coalesce((SELECT greatest(reltuples, 0)::int8 FROM pg_catalog.pg_class WHERE oid = to_regclass(:table)), 0)",
                    ["table": .text(build.table)])).onlyRow("size of \(build.table)").int(0, "reltuples")
                parts.append("\(build.index) on \(build.table) (about \(rows) rows)")
            }
            line += (resuming ? "" : ", then ") + "builds " + parts.joined(separator: ", ") + " concurrently"
        }
        return line
    }

    // MARK: State

    struct Recorded: Sendable {
        var version: Int
        var checksum: String
        var finished: Bool
    }

    enum State {
        case empty
        case unversioned([String])
        /// A history table from before versioned migrations: fingerprints, no versions.
        case beforeVersions
        case versioned([Recorded])

        var startedButUnfinished: [Int] {
            if case .versioned(let rows) = self { return rows.filter { !$0.finished }.map(\.version) }
            return []
        }
    }

    private func readState() async throws -> State {
        let table = SchemaCatalog.versionTable
        let found = try await executor.execute(SQLStatement("""
            SELECT to_regclass(:table) IS NOT NULL,
                   EXISTS (SELECT FROM pg_catalog.pg_attribute WHERE attrelid = to_regclass(:table) AND attname = 'version' AND NOT attisdropped)
            """, ["table": .text(table)]))
        let row = try found.onlyRow("history table lookup")
        guard try row.bool(0, "exists") else {
            let tables = try await executor.execute(SQLStatement("""
                SELECT c.relname::text FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> '\(SchemaCatalog.lockTable)' ORDER BY 1
                """)).rows.map { try ResultRow($0, "table of the public schema").text(0, "relname") }
            return tables.isEmpty ? .empty : .unversioned(tables)
        }
        guard try row.bool(1, "has versions") else { return .beforeVersions }
        let rows = try await executor.execute(SQLStatement(
            "SELECT version::int8, coalesce(checksum, ''), finished_at IS NOT NULL FROM \(table) WHERE version IS NOT NULL ORDER BY version"))
        if rows.rows.isEmpty { return .beforeVersions }
        return .versioned(try rows.rows.map { values in
            let row = ResultRow(values, "recorded migration")
            return Recorded(version: Int(try row.int(0, "version")), checksum: try row.text(1, "checksum"), finished: try row.bool(2, "finished"))
        })
    }

    // MARK: Steps

    private func create() async throws {
        try await executor.transaction { sql in
            for statement in schema.statements + SchemaRenderer.historyStatements {
                try await run(statement, on: sql, version: schema.version, databaseVersion: 0)
            }
            try await verify(on: sql, expected: schema.fingerprint, version: schema.version, databaseVersion: 0)
            let rows = schema.migrations.map {
                SchemaRenderer.HistoryRow(version: $0.version, name: $0.name, checksum: $0.checksum, fingerprint: $0.after)
            }
            if !rows.isEmpty { _ = try await sql.execute(SQLStatement(SchemaRenderer.recordFinished(rows, how: .created))) }
        }
        logger.info("created the schema at version \(schema.version)")
    }

    private func adopt(_ first: Migration) async throws {
        try await executor.transaction { sql in
            let (actual, lines) = try await catalog(on: sql)
            guard actual == first.after else {
                let expected = first.version == schema.version ? schema.catalog : []
                let (missing, unexpected) = SchemaCatalog.differences(expected: expected, actual: expected.isEmpty ? [] : lines)
                throw MigrationError.notAdoptable(actual: actual, expected: first.after, missing: missing, unexpected: unexpected)
            }
            for statement in SchemaRenderer.historyStatements { try await run(statement, on: sql, version: 1, databaseVersion: 0) }
            let row = SchemaRenderer.HistoryRow(version: 1, name: first.name, checksum: first.checksum, fingerprint: first.after)
            _ = try await sql.execute(SQLStatement(SchemaRenderer.recordFinished([row], how: .adopted)))
        }
        logger.info("adopted the database as version 1")
    }

    /// Runs a migration: its transaction (recording the version as started, or finished when it
    /// has nothing else), then its index builds, then the check that records it as finished.
    /// Returns what the report should add: index builds that outlived their call.
    private func apply(_ migration: Migration, resuming: Bool, databaseVersion: Int) async throws -> [String] {
        let outside = migration.outsideStatements
        let record = "INSERT INTO \(SchemaCatalog.versionTable) (version, name, checksum, fingerprint, how, started_at, finished_at) "
            + "VALUES (:version, :name, :checksum, :fingerprint, 'applied', now(), CASE WHEN :finished THEN clock_timestamp() END)"
        if !resuming {
            try await executor.transaction { sql in
                for statement in migration.transactionalStatements {
                    try await run(statement, on: sql, version: migration.version, databaseVersion: databaseVersion)
                }
                if outside.isEmpty {
                    try await verify(on: sql, expected: migration.after, version: migration.version, databaseVersion: databaseVersion)
                }
                _ = try await sql.execute(SQLStatement(record, [
                    "version": .int(Int64(migration.version)), "name": .text(migration.name), "checksum": .text(migration.checksum),
                    "fingerprint": outside.isEmpty ? .text(migration.after) : .null, "finished": .bool(outside.isEmpty),
                ]))
            }
        }
        guard !outside.isEmpty else {
            logger.info("applied \(migration.name)")
            return []
        }
        var notes: [String] = []
        for statement in outside {
            if let build = Migration.concurrentIndexBuild(statement) {
                if try await buildIndex(statement, index: build.index, table: build.table, migration: migration, databaseVersion: databaseVersion) {
                    notes.append("  index \(build.index) outlived its call's wait; it went on building and was followed until it was valid")
                }
            } else {
                try await run(statement, on: executor, version: migration.version, databaseVersion: databaseVersion)
            }
        }
        try await verify(on: executor, expected: migration.after, version: migration.version, databaseVersion: databaseVersion)
        _ = try await executor.execute(SQLStatement(
            "UPDATE \(SchemaCatalog.versionTable) SET finished_at = clock_timestamp(), fingerprint = :fingerprint WHERE version = :version",
            ["fingerprint": .text(migration.after), "version": .int(Int64(migration.version))]))
        logger.info("applied \(migration.name)")
        return notes
    }

    /// `CREATE INDEX CONCURRENTLY`, which may outlast the Data API's wait: then the build goes on
    /// in the database and this polls its progress until it ends. A failed build leaves an INVALID
    /// index (which `IF NOT EXISTS` would take for done), so one is dropped before and after.
    /// Returns whether the build outlived its call.
    private func buildIndex(_ statement: String, index: String, table: String, migration: Migration, databaseVersion: Int) async throws -> Bool {
        func failed(_ reason: String) async -> MigrationError {
            // The failed build's backend may show in pg_stat_progress_create_index a moment longer
            // than its error takes to arrive: wait for it to go (within the build wait) before the
            // invalid index it left is dropped.
            if (try? await indexValidity(index)) == false, (try? await followBuilds(on: table, index: index)) == true {
                _ = try? await executor.execute(SQLStatement("DROP INDEX CONCURRENTLY IF EXISTS \(Identifier.quoted(index))"))
            }
            return .indexBuildFailed(version: migration.version, index: index, reason: reason, databaseVersion: databaseVersion)
        }
        // A build an earlier run left going (its call gave up waiting) is followed, not dropped.
        if try await buildsRunning(on: table) {
            logger.info("an index build on \(table) is still running from an earlier run; following it")
            guard try await followBuilds(on: table, index: index) else { throw await failed("still building after \(settings.indexBuildWait)") }
        }
        if try await indexValidity(index) == false {
            logger.notice("dropping index \(index), left invalid by an earlier build")
            try await run("DROP INDEX CONCURRENTLY IF EXISTS \(Identifier.quoted(index))", on: executor, version: migration.version, databaseVersion: databaseVersion)
        }
        var outlived = false
        do {
            _ = try await executor.execute(SQLStatement(statement, runsLong: true))
        } catch SQLExecutionError.stillRunning {
            outlived = true
            logger.info("building index \(index) on \(table) goes on past the call's wait; following its progress")
            guard try await followBuilds(on: table, index: index) else { throw await failed("still building after \(settings.indexBuildWait); migrate again to follow it") }
        } catch let error as SQLExecutionError {
            throw await failed(error.description)
        }
        switch try await indexValidity(index) {
        case true?: return outlived
        case false?: throw await failed("the build ended with the index invalid")
        case nil: throw await failed("the build ended without creating the index")
        }
    }

    private func buildsRunning(on table: String) async throws -> Bool {
        let result = try await executor.execute(SQLStatement(
            "SELECT count(*)::int8 FROM pg_catalog.pg_stat_progress_create_index WHERE relid = to_regclass(:table)", ["table": .text(table)]))
        return try ResultRow(result.rows.first ?? [], "index builds").int(0, "count") > 0
    }

    /// Polls the index builds on `table` until none is left; false when `indexBuildWait` ran out first.
    private func followBuilds(on table: String, index: String) async throws -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + settings.indexBuildWait
        while true {
            let progress = try await executor.execute(SQLStatement("""
                SELECT count(*)::int8, coalesce(max(phase), ''), coalesce(max(blocks_done), 0)::int8, coalesce(max(blocks_total), 0)::int8
                  FROM pg_catalog.pg_stat_progress_create_index WHERE relid = to_regclass(:table)
                """, ["table": .text(table)]))
            let row = ResultRow(progress.rows.first ?? [], "index build progress")
            if try row.int(0, "builds") == 0 { return true }
            let (phase, done, total) = (try row.text(1, "phase"), try row.int(2, "blocks_done"), try row.int(3, "blocks_total"))
            logger.info("index \(index): \(phase), \(done) of \(total) blocks")
            guard clock.now < deadline else { return false }
            try await Task.sleep(for: settings.pollInterval)
        }
    }

    /// Whether the index is valid; nil when there is no such index.
    private func indexValidity(_ index: String) async throws -> Bool? {
        let result = try await executor.execute(SQLStatement(
            "SELECT x.indisvalid FROM pg_catalog.pg_index x WHERE x.indexrelid = to_regclass(:index)", ["index": .text(index)]))
        return result.rows.first?.first?.bool
    }

    private func run(_ statement: String, on sql: any SQLExecutor, version: Int, databaseVersion: Int) async throws {
        do {
            _ = try await sql.execute(SQLStatement(statement))
        } catch let error as SQLExecutionError {
            throw MigrationError.statementFailed(version: version, statement: statement, error: error.description, databaseVersion: databaseVersion)
        }
    }

    /// The database's catalog description and its digest.
    private func catalog(on sql: any SQLExecutor) async throws -> (digest: String, lines: [String]) {
        let lines = try await sql.execute(SQLStatement(SchemaCatalog.introspectionQuery)).rows.map { try ResultRow($0, "catalog line").text(0, "line") }
        return (SchemaCatalog.digest(lines), lines.sorted())
    }

    private func verify(on sql: any SQLExecutor, expected: String, version: Int, databaseVersion: Int) async throws {
        let (actual, lines) = try await catalog(on: sql)
        guard actual != expected else { return }
        // The lines are known for the latest version only; earlier ones are known by their digest.
        let declared = version == schema.version ? schema.catalog : []
        let (missing, unexpected) = declared.isEmpty ? ([], []) : SchemaCatalog.differences(expected: declared, actual: lines)
        throw MigrationError.catalogDiffers(version: version, actual: actual, expected: expected, missing: missing, unexpected: unexpected,
                                            databaseVersion: databaseVersion)
    }

    private func applyRoles() async throws {
        guard !schema.roleStatements.isEmpty else { return }
        try await executor.transaction { sql in
            for statement in schema.roleStatements { try await run(statement, on: sql, version: schema.version, databaseVersion: schema.version) }
        }
    }

    // MARK: Lock

    /// Runs `body` while holding the migration lock: a lease in a one-row table, renewed while the
    /// body runs and released after it. Not an advisory lock: the Data API keeps no session between
    /// calls, and a transaction held open for the lock would hold back its snapshot horizon, which
    /// `CREATE INDEX CONCURRENTLY` waits on forever. A migrator that dies leaves a lease that
    /// expires after `lease`.
    private func holdingLock<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let table = SchemaCatalog.lockTable
        let create = "CREATE TABLE IF NOT EXISTS \(table) (id integer PRIMARY KEY CHECK (id = 1), holder text NOT NULL, expires_at timestamptz NOT NULL)"
        do {
            _ = try await executor.execute(SQLStatement(create))
        } catch SQLExecutionError.statement {
            // Two migrators creating it at once: one gets a unique violation on the catalog; it exists now.
            _ = try await executor.execute(SQLStatement(create))
        }
        let holder = UUID().uuidString
        let lease = Int64(settings.lease.components.seconds)
        let take = SQLStatement("""
            INSERT INTO \(table) (id, holder, expires_at) VALUES (1, :holder, clock_timestamp() + make_interval(secs => :lease))
            ON CONFLICT (id) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
            WHERE \(table).expires_at < clock_timestamp() OR \(table).holder = EXCLUDED.holder
            RETURNING holder
            """, ["holder": .text(holder), "lease": .int(lease)])
        let clock = ContinuousClock()
        let start = clock.now
        while try await executor.execute(take).rows.isEmpty {
            guard clock.now - start < settings.lockWait else { throw MigrationError.locked(waitedSeconds: Int((clock.now - start).components.seconds)) }
            try await Task.sleep(for: settings.pollInterval)
        }
        let (executor, renewal) = (executor, settings.lease / 4)
        let renew = SQLStatement("UPDATE \(table) SET expires_at = clock_timestamp() + make_interval(secs => :lease) WHERE id = 1 AND holder = :holder RETURNING 1",
                                 ["holder": .text(holder), "lease": .int(lease)])
        do {
            let result = try await withThrowingTaskGroup(of: T?.self) { group in
                group.addTask {
                    while true {
                        do { try await Task.sleep(for: renewal) } catch { return nil }
                        if try await executor.execute(renew).rows.isEmpty { throw MigrationError.lockLost }
                    }
                }
                group.addTask { try await body() }
                defer { group.cancelAll() }
                while let next = try await group.next() {
                    if let value = next { return value }
                }
                throw CancellationError()
            }
            try await release(holder)
            return result
        } catch {
            try? await release(holder)
            throw error
        }
    }

    private func release(_ holder: String) async throws {
        _ = try await executor.execute(SQLStatement("DELETE FROM \(SchemaCatalog.lockTable) WHERE id = 1 AND holder = :holder", ["holder": .text(holder)]))
    }

    // MARK: Application role

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

    // MARK: Start-up check

    public enum Mismatch: Error, Sendable, Equatable, CustomStringConvertible {
        /// No history table: nothing was ever migrated.
        case notMigrated
        /// The database is at an older version than this runtime needs: run migrate.
        case databaseBehind(database: Int, runtime: Int)
        /// The database moved on more than one version past this runtime.
        case runtimeBehind(database: Int, runtime: Int)

        public var description: String {
            switch self {
            case .notMigrated:
                "the database has no schema yet: run `chat-store migrate`"
            case .databaseBehind(let database, let runtime):
                "the database is behind: it is at schema version \(database == 0 ? "0 (from before versioned migrations)" : String(database)), "
                    + "this runtime needs \(runtime); run `chat-store migrate`"
            case .runtimeBehind(let database, let runtime):
                "this runtime is behind: it was built for schema version \(runtime) (and works with \(runtime + 1), which only adds to it), "
                    + "but the database is at version \(database); deploy the runtime built from the same commit as the schema"
            }
        }
    }

    /// Throws `Mismatch` unless the database is at this runtime's version or the next one (a
    /// migration only adds what an older runtime ignores; removals come a version later).
    public func checkDatabase() async throws {
        let table = SchemaCatalog.versionTable
        let found = try await executor.execute(SQLStatement("""
            SELECT to_regclass(:table) IS NOT NULL,
                   EXISTS (SELECT FROM pg_catalog.pg_attribute WHERE attrelid = to_regclass(:table) AND attname = 'version' AND NOT attisdropped)
            """, ["table": .text(table)]))
        let row = try found.onlyRow("history table lookup")
        guard try row.bool(0, "exists") else { throw Mismatch.notMigrated }
        guard try row.bool(1, "has versions") else { throw Mismatch.databaseBehind(database: 0, runtime: schema.version) }
        let latest = try await executor.execute(SQLStatement("SELECT coalesce(max(version), 0)::int8 FROM \(table) WHERE finished_at IS NOT NULL"))
        let version = Int(try ResultRow(latest.rows.first ?? [], "latest version").int(0, "version"))
        if version == schema.version || version == schema.version + 1 { return }
        if version < schema.version { throw Mismatch.databaseBehind(database: version, runtime: schema.version) }
        throw Mismatch.runtimeBehind(database: version, runtime: schema.version)
    }
}
