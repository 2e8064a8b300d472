import ChatRuntime
import Foundation
import SQLSchema
import Stacks
import Testing
import TestSupport

/// Versioned migrations on a real PostgreSQL, over both backends: a database created before
/// versioned migrations (from the schema.sql of that time) and holding data is upgraded in place
/// with nothing lost; the migrator refuses what it must, leaving the database as it was; and an
/// index build that outlasts the Data API's wait finishes through continueAfterTimeout.
@Suite(.serialized, .timeLimit(.minutes(10))) struct SchemaEvolutionTests {
    static let legacySchema = TestPostgres.repositoryRoot.appendingPathComponent("Tests/Fixtures/legacy-schema/dev-schema-before-migrations.sql").path

    static func migrator(_ harness: Harness, _ schema: SchemaDefinition = .contract) -> SchemaMigrator {
        var settings = SchemaMigrator.Settings()
        settings.pollInterval = .milliseconds(100)
        return SchemaMigrator(executor: harness.executor, schema: schema, settings: settings, logger: Harness.logger)
    }

    /// The database as it was before versioned migrations, with conversations, messages,
    /// conversation vectors and `bots` bots. The bots' HNSW index is built after they are inserted
    /// (as a restore would), which is much faster than inserting into it.
    static func legacyDatabase(_ harness: Harness, bots: Int) throws {
        try harness.database.runFile(legacySchema)
        try harness.database.run("""
            DROP INDEX bot_vectors_embedding_idx;
            INSERT INTO bot_vectors (bot_id, owner_id, title, description, instruction, visibility, shared_with, embedding)
            SELECT 'bot-' || g, 'owner-' || (g % 50), 'Bot ' || g || ' for Hội An trips', 'Helps with task ' || g, 'Be brief',
                   (ARRAY['private', 'shared', 'public'])[1 + g % 3], CASE WHEN g % 3 = 1 THEN ARRAY['user-' || g] ELSE '{}' END,
                   (SELECT array_agg(sin(g * 0.001 + i))::vector FROM generate_series(1, \(Harness.dimension)) i)
              FROM generate_series(1, \(bots)) g;
            CREATE INDEX bot_vectors_embedding_idx ON bot_vectors USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64);
            INSERT INTO conversations (conversation_id, owner_id, bot_id, title, metadata, last_seq)
            SELECT md5('conversation ' || g)::uuid, 'owner-' || (g % 7), 'bot-' || g, 'Trip ' || g, jsonb_build_object('n', g), 3
              FROM generate_series(1, 200) g;
            INSERT INTO chat_history (conversation_id, seq, role, content, client_message_id)
            SELECT md5('conversation ' || g)::uuid, s, (ARRAY['user', 'assistant', 'tool'])[s], 'message ' || s || ' of ' || g, 'm' || s
              FROM generate_series(1, 200) g, generate_series(1, 3) s;
            INSERT INTO conversation_vectors (conversation_id, user_id, bot_id, title, excerpt, embedding)
            SELECT md5('conversation ' || g)::uuid, 'owner-' || (g % 7), 'bot-' || g, 'Trip ' || g, 'excerpt ' || g,
                   (SELECT array_agg(cos(g * 0.01 + i))::vector FROM generate_series(1, \(Harness.dimension)) i)
              FROM generate_series(1, 200) g;
            """)
    }

    /// Row counts and checksums of every column the migrations do not touch.
    /// The stored values (generated search columns left out: a migration may rebuild them in another
    /// text search configuration, which loses nothing).
    static func contents(_ harness: Harness) throws -> String {
        try harness.database.run("""
            SELECT 'conversations', count(*), md5(coalesce(string_agg(c::text, ',' ORDER BY conversation_id), '')) FROM conversations c
            UNION ALL SELECT 'chat_history', count(*), md5(coalesce(string_agg(h::text, ',' ORDER BY conversation_id, seq), '')) FROM chat_history h
            UNION ALL SELECT 'conversation_vectors', count(*), md5(coalesce(string_agg(concat_ws('|', conversation_id, user_id, bot_id, title, excerpt,
                   embedding::text, updated_at::text), ',' ORDER BY conversation_id), '')) FROM conversation_vectors
            UNION ALL SELECT 'bot_vectors', count(*), md5(coalesce(string_agg(concat_ws('|', bot_id, owner_id, title, description, instruction, visibility,
                   shared_with::text, embedding::text, updated_at::text), ',' ORDER BY bot_id), '')) FROM bot_vectors
            """)
    }

    /// A query's answer, without psql's final newline.
    static func value(_ harness: Harness, _ sql: String) throws -> String {
        try harness.database.run(sql).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func history(_ harness: Harness) throws -> String {
        try harness.database.run("SELECT version, name, checksum, fingerprint, how, started_at, finished_at FROM schema_version ORDER BY version NULLS FIRST, applied_at")
    }

    /// The database's catalog description, as the migrator reads it.
    static func catalog(_ harness: Harness) throws -> [String] {
        try harness.database.lines(SchemaCatalog.introspectionQuery)
    }

    @Test(arguments: BackendKind.allCases)
    func aDatabaseFromBeforeMigrationsIsUpgradedWithItsDataAndASecondRunChangesNothing(_ kind: BackendKind) async throws {
        let harness = try await Harness.make(kind, migrate: false)
        defer { harness.close() }
        try Self.legacyDatabase(harness, bots: 10_000)
        let before = try Self.contents(harness)
        #expect(before.contains("bot_vectors|10000|"))
        await #expect(throws: SchemaMigrator.Mismatch.databaseBehind(database: 0, runtime: SchemaDefinition.contract.version)) {
            try await harness.chat.migrator.checkDatabase()
        }

        let plan = try await Self.migrator(harness).migrate(dryRun: true)
        #expect(plan.description.contains("would bring the database from version 0 to \(SchemaDefinition.contract.version)"), "\(plan)")
        #expect(plan.description.contains("about 10000 rows"), "the plan gives each index build's table size: \(plan)")
        #expect(try Self.contents(harness) == before)
        #expect(try Self.value(harness, "SELECT count(*) FROM schema_version") == "1", "a dry run changes nothing")
        #expect(try Self.value(harness, "SELECT count(*) FROM pg_attribute WHERE attrelid = 'schema_version'::regclass AND attnum > 0") == "2")

        let report = try await Self.migrator(harness).migrate()
        #expect(report.from == 0 && report.to == SchemaDefinition.contract.version, "\(report)")
        #expect(try Self.contents(harness) == before, "the upgrade loses nothing")
        #expect(try Self.catalog(harness) == SchemaDefinition.contract.catalog, "the database has the declared schema")
        // And by a peer's reading: migra finds nothing between it and a database made from schema.sql
        // but the migrator's bookkeeping.
        let reference = try TestPostgres.server().createDatabase(prefix: "schema_sql")
        defer { reference.drop() }
        try reference.runFile(TestPostgres.repositoryRoot.appendingPathComponent("out/dev/schema.sql").path)
        let differences = try Migra.differences(from: harness.database.url, to: reference.url, ignoring: [SchemaCatalog.versionTable, SchemaCatalog.lockTable])
        #expect(differences.isEmpty, "migra: \(differences)")
        let versions = try Self.value(harness, "SELECT version, how FROM schema_version WHERE version IS NOT NULL ORDER BY version")
        #expect(versions == "1|adopted\n" + (2...SchemaDefinition.contract.version).map { "\($0)|applied" }.joined(separator: "\n"))
        #expect(try Self.value(harness, "SELECT count(*) FROM schema_version WHERE version IS NULL") == "1", "the history from before stays")
        #expect(try Self.value(harness, "SELECT count(*) FROM bot_vectors WHERE usage_count = 0 AND allowed_groups = '{}' AND NOT is_starred") == "10000")
        try await harness.chat.migrator.checkDatabase()

        let history = try Self.history(harness)
        let again = try await Self.migrator(harness).migrate()
        #expect(again.from == SchemaDefinition.contract.version && again.actions.isEmpty, "\(again)")
        #expect(try Self.history(harness) == history)
        #expect(try Self.contents(harness) == before)
    }

    @Test(arguments: BackendKind.allCases)
    func twoMigratorsAtOnceApplyOnce(_ kind: BackendKind) async throws {
        let harness = try await Harness.make(kind, migrate: false)
        defer { harness.close() }
        try Self.legacyDatabase(harness, bots: 50)
        async let first = Self.migrator(harness).migrate()
        async let second = Self.migrator(harness).migrate()
        let reports = try await [first, second]
        #expect(reports.filter { $0.from == 0 }.count == 1, "exactly one applies: \(reports)")
        #expect(reports.filter { $0.from == SchemaDefinition.contract.version && $0.actions.isEmpty }.count == 1, "the other finds nothing to do: \(reports)")
        #expect(try Self.value(harness, "SELECT count(*), count(DISTINCT version) FROM schema_version WHERE version IS NOT NULL")
                == "\(SchemaDefinition.contract.version)|\(SchemaDefinition.contract.version)")
    }

    /// The migrator refuses before changing anything: the catalog and the history stay as they were.
    @Test(arguments: BackendKind.allCases)
    func refusalsLeaveTheDatabaseUnchanged(_ kind: BackendKind) async throws {
        let harness = try await Harness.make(kind, migrate: false)
        defer { harness.close() }
        try Self.legacyDatabase(harness, bots: 20)
        try await Self.migrator(harness).migrate()
        let (catalog, history) = (try Self.catalog(harness), try Self.history(harness))

        // A migration edited after it ran.
        var edited = SchemaDefinition.contract
        let last = edited.migrations.count - 1
        edited.migrations[last].body += "\n-- an edit\n"
        edited.migrations[last].checksum = edited.migrations[last].computedChecksum
        await #expect(throws: MigrationError.checksumDiffers(version: last + 1, recorded: SchemaDefinition.contract.migrations[last].checksum,
                                                             expected: edited.migrations[last].checksum)) {
            try await Self.migrator(harness, edited).migrate()
        }

        // A migration this runtime does not have.
        let next = SchemaDefinition.contract.version + 1
        try harness.database.run("INSERT INTO schema_version (version, name, checksum, fingerprint, how, started_at, finished_at) "
                                 + "VALUES (\(next), '\(next)_from_the_future', 'sha256:x', 'sha256:y', 'applied', now(), now())")
        let withFuture = try Self.history(harness)
        do {
            try await Self.migrator(harness).migrate()
            Issue.record("a database with an unknown migration was migrated")
        } catch let error as MigrationError {
            #expect(error == .unknownMigrations(recorded: [next], known: SchemaDefinition.contract.version))
            #expect(error.description.contains("nothing was changed") && error.exitCode == 3)
        }
        #expect(try Self.catalog(harness) == catalog)
        #expect(try Self.history(harness) == withFuture)
        try harness.database.run("DELETE FROM schema_version WHERE version = \(next)")
        #expect(try Self.history(harness) == history)
    }

    @Test func tablesNotMadeByTheMigrationsAreRefused() async throws {
        let harness = try await Harness.make(.postgres, migrate: false)
        defer { harness.close() }
        try harness.database.run("CREATE TABLE notes (id int PRIMARY KEY)")
        await #expect(throws: MigrationError.unversionedTables(["notes"])) { try await Self.migrator(harness).migrate() }

        // From before versioned migrations, but changed by hand: not migration 1's tables.
        let legacy = try await Harness.make(.postgres, migrate: false)
        defer { legacy.close() }
        try Self.legacyDatabase(legacy, bots: 5)
        try legacy.database.run("ALTER TABLE conversations ADD COLUMN added_by_hand text")
        let catalog = try Self.catalog(legacy)
        do {
            try await Self.migrator(legacy).migrate()
            Issue.record("a changed database was adopted")
        } catch let error as MigrationError {
            guard case .notAdoptable = error else { throw error }
            #expect(error.exitCode == 3)
        }
        #expect(try Self.catalog(legacy) == catalog)
    }

    /// The declared schema, as the last committed migration leaves it.
    static func committedSchema() throws -> Schema {
        let path = TestPostgres.repositoryRoot.appendingPathComponent("out/dev/migrations/latest-schema.json")
        return try JSONDecoder().decode(Schema.self, from: Data(contentsOf: path))
    }

    /// Migrations of the test's own after the committed ones, one per change, planned as synth plans them.
    static func nextMigrations(_ changes: [(inout Schema) -> Void]) throws -> [SchemaDefinition] {
        var current = try committedSchema()
        var migrations = SchemaDefinition.contract.migrations
        var definitions: [SchemaDefinition] = []
        for change in changes {
            var next = current
            change(&next)
            let plan = MigrationPlanner.plan(from: current, to: next)
            #expect(plan.problems.isEmpty, "\(plan.problems)")
            migrations.append(Migration(version: migrations.count + 1, slug: plan.slug, before: SchemaRenderer.fingerprint(current),
                                        after: SchemaRenderer.fingerprint(next), checksum: Migration.checksum(of: plan.body), body: plan.body))
            definitions.append(SchemaDefinition(next, migrations: migrations))
            current = next
        }
        return definitions
    }

    /// Switching dev's search languages, Vietnamese alone → English alone → Vietnamese alone, as an
    /// operator edits `searchLanguages`: each migration synth plans applies through the migrator on
    /// this backend, keeps the rows, and leaves exactly the declared catalog, so what a setting no
    /// longer needs (the unaccent extension, its function, a configuration) is dropped.
    @Test(arguments: BackendKind.allCases)
    func theSearchLanguageSwitchMigratesAndVerifies(_ kind: BackendKind) async throws {
        let harness = try await Harness.make(kind)
        defer { harness.close() }
        try await harness.chat.search.upsert(Bot(botId: "hoi-an", ownerId: "o", title: "Hướng dẫn du lịch Hội An", description: "Phố cổ", visibility: .public))
        func setting(_ languages: [SearchLanguage]) -> (inout Schema) -> Void {
            var settings = StageSettings.dev
            settings.searchLanguages = SearchLanguages(languages)
            return { $0 = ChatSchema.schema(for: settings) }
        }
        let steps = try Self.nextMigrations([setting([.vietnamese]), setting([.english]), setting([.vietnamese])])
        for (index, step) in steps.enumerated() {
            let report = try await Self.migrator(harness, step).migrate()
            #expect(report.to == step.version, "step \(index + 1): \(report)")
            #expect(try Self.catalog(harness) == step.catalog, "step \(index + 1): the database has the declared schema")
            #expect(try Self.value(harness, "SELECT count(*) FROM bot_vectors WHERE tsv IS NOT NULL AND title LIKE '%Hội An'") == "1")
        }
        #expect(!(try Self.catalog(harness)).contains("text search configuration chat_english"))
    }

    /// MIG-08 on this backend: a denser public-bot graph is built beside the old one and swapped in;
    /// the migration verifies, and search finds the same bots afterwards.
    @Test(arguments: BackendKind.allCases)
    func aChangedVectorIndexIsSwappedIn(_ kind: BackendKind) async throws {
        let harness = try await Harness.make(kind)
        defer { harness.close() }
        try await harness.chat.search.upsert(Bot(botId: "lantern", ownerId: "o", title: "Lantern festival planner", visibility: .public))
        let step = try Self.nextMigration { schema in
            Self.botsTable(&schema) { table in
                guard let index = table.indexes.firstIndex(where: { $0.name == "bot_vectors_public_embedding_idx" }) else { return }
                table.indexes[index].method = .hnsw("embedding", .cosine, m: 32, efConstruction: 128)
            }
        }
        #expect(step.migrations.last?.body.contains("RENAME TO bot_vectors_public_embedding_idx") == true)
        _ = try await Self.migrator(harness, step).migrate()
        #expect(try Self.catalog(harness) == step.catalog)
        #expect(try await harness.chat.search.searchBots("lantern festival", user: "u", limit: 3).first?.botId == "lantern")
    }

    /// A database changed by hand after its last migration: the pending one would start from a
    /// schema it does not expect, so both a dry run and a real run refuse before anything is applied.
    @Test(arguments: BackendKind.allCases)
    func aDatabaseChangedByHandIsRefusedBeforeMigrating(_ kind: BackendKind) async throws {
        let harness = try await Harness.make(kind)
        defer { harness.close() }
        let next = try Self.nextMigration(Self.addIndex(.btree("bot_vectors_created_idx", .desc("created_at"))))
        try harness.database.run("CREATE INDEX by_hand ON conversations (title)")
        let history = try Self.history(harness)
        for dryRun in [true, false] {
            do {
                _ = try await Self.migrator(harness, next).migrate(dryRun: dryRun)
                Issue.record("a drifted database was migrated (dry run: \(dryRun))")
            } catch let error as MigrationError {
                guard case .drifted(let version, _, let expected) = error else { throw error }
                #expect(version == next.version - 1 && expected == next.migrations[version - 1].after && error.exitCode == 3)
                #expect(error.description.contains("Nothing was changed"))
            }
        }
        #expect(try Self.history(harness) == history)
        #expect(try Self.catalog(harness).contains { $0.hasPrefix("index conversations.by_hand ") })
        #expect(!(try Self.catalog(harness)).contains { $0.hasPrefix("index bot_vectors.bot_vectors_created_idx ") })
    }

    static func nextMigration(_ change: @escaping (inout Schema) -> Void) throws -> SchemaDefinition {
        try nextMigrations([change])[0]
    }

    static func botsTable(_ schema: inout Schema, _ change: (inout Table) -> Void) {
        if let bots = schema.tables.firstIndex(where: { $0.name == "bot_vectors" }) { change(&schema.tables[bots]) }
    }

    /// A new embedding model with 256 dimensions: expand (a nullable column beside the old one, with
    /// its index), backfill (re-embed every bot), contract (drop the old column, rename the new one in
    /// its place, NOT NULL). Each is its own migration; the runtime of the version before works
    /// with the expanded database.
    @Test(arguments: BackendKind.allCases)
    func anEmbeddingDimensionChangesByExpandBackfillContract(_ kind: BackendKind) async throws {
        let harness = try await Harness.make(kind, migrate: false)
        defer { harness.close() }
        try Self.legacyDatabase(harness, bots: 120)
        try await Self.migrator(harness).migrate()
        let hnsw = Index.Method.hnsw("embedding_next", .cosine, m: 16, efConstruction: 64)
        let steps = try Self.nextMigrations([
            { schema in
                Self.botsTable(&schema) { table in
                    table.columns.append(Column("embedding_next", .vector(dimension: 256)))
                    // Built as the index it replaces is (over the shared bots), so the contract renames it.
                    let replaced = table.indexes.first { $0.name == "bot_vectors_shared_embedding_idx" }
                    table.indexes.append(Index("bot_vectors_shared_embedding_next_idx", hnsw, where: replaced?.predicate))
                }
            },
            { schema in
                Self.botsTable(&schema) { table in
                    table.columns.removeAll { $0.name == "embedding_next" }
                    table.indexes.removeAll { $0.name == "bot_vectors_shared_embedding_next_idx" }
                    let position = table.columns.firstIndex { $0.name == "embedding" }!
                    table.columns[position] = Column("embedding", .vector(dimension: 256)).notNull().renamed(from: "embedding_next")
                    table.droppedColumns.append(.column("embedding", because: "the 1024-dimension model is retired"))
                }
            },
        ])
        let (expand, contract) = (steps[0], steps[1])
        try await Self.migrator(harness, expand).migrate()
        try await harness.chat.migrator.checkDatabase()

        let backfill = EmbeddingBackfill(executor: harness.executor, embedder: LocalEmbedder(dimension: 256))
        #expect(try await backfill.run(.bots, column: "embedding_next", batchSize: 50) == 120)
        #expect(try await backfill.run(.bots, column: "embedding_next") == 0, "a second run has nothing left to fill")
        await #expect(throws: EmbeddingBackfill.Problem.self) { try await backfill.run(.bots, column: "embedding") }
        let filled = try Self.value(harness, "SELECT md5(string_agg(embedding_next::text, ',' ORDER BY bot_id)) FROM bot_vectors")

        let body = try #require(contract.migrations.last?.body)
        #expect(body.contains("ALTER TABLE bot_vectors DROP COLUMN IF EXISTS embedding;"))
        #expect(body.contains("ALTER TABLE bot_vectors RENAME COLUMN embedding_next TO embedding;"))
        #expect(body.contains("ALTER INDEX bot_vectors_shared_embedding_next_idx RENAME TO bot_vectors_shared_embedding_idx;"), "the index is renamed, not rebuilt")
        #expect(body.contains(MigrationPlanner.dataLossMarker + "the 1024-dimension model is retired"))
        try await Self.migrator(harness, contract).migrate()
        #expect(try Self.catalog(harness) == contract.catalog)
        #expect(try Self.value(harness, "SELECT md5(string_agg(embedding::text, ',' ORDER BY bot_id)) FROM bot_vectors") == filled)
        #expect(try Self.value(harness, "SELECT count(*) FROM bot_vectors") == "120")
    }

    static func addIndex(_ index: Index) -> (inout Schema) -> Void {
        { schema in
            if let bots = schema.tables.firstIndex(where: { $0.name == "bot_vectors" }) { schema.tables[bots].indexes.append(index) }
        }
    }

    /// The Data API stops waiting for a statement after 45 s (here 1 s): an HNSW build on 10,000 bots
    /// outlasts it, goes on in the database (continueAfterTimeout), and the migrator follows it to the end.
    @Test func anIndexBuildLongerThanTheDataAPIsWaitCompletes() async throws {
        let harness = try await Harness.make(.dataAPI, migrate: false, endpointFlags: ["--statement-wait", "1"])
        defer { harness.close() }
        try Self.legacyDatabase(harness, bots: 10_000)
        // Brought to the current schema directly: its migrations rewrite the table in a transaction,
        // which a one-second wait would cut short.
        let owner = try PostgresExecutor(.init(url: harness.database.url), logger: Harness.logger)
        try await owner.whileRunning { _ = try await SchemaMigrator(executor: owner, logger: Harness.logger).migrate() }

        let next = try Self.nextMigration(Self.addIndex(Index("bot_vectors_embedding_l2_idx", .hnsw("embedding", .l2, m: 16, efConstruction: 200))))
        #expect(next.migrations.last?.outsideStatements.count == 1)
        let clock = ContinuousClock()
        let start = clock.now
        let report = try await Self.migrator(harness, next).migrate()
        #expect(clock.now - start > .seconds(1))
        #expect(report.description.contains("index bot_vectors_embedding_l2_idx outlived its call's wait"), "\(report)")
        #expect(try Self.catalog(harness) == next.catalog)
        #expect(try Self.value(harness, "SELECT how, finished_at IS NOT NULL FROM schema_version WHERE version = \(next.version)") == "applied|t")
    }

    /// A failed concurrent build leaves an INVALID index: the migrator drops it, records nothing,
    /// says where the database is, and the next run picks up at the index builds.
    @Test(arguments: BackendKind.allCases)
    func aFailedIndexBuildIsCleanedUpAndTheNextRunResumes(_ kind: BackendKind) async throws {
        let harness = try await Harness.make(kind, migrate: false)
        defer { harness.close() }
        try Self.legacyDatabase(harness, bots: 30)
        try await Self.migrator(harness).migrate()
        try harness.database.run("UPDATE bot_vectors SET title = 'same' WHERE bot_id IN ('bot-1', 'bot-2')")
        let next = try Self.nextMigration(Self.addIndex(.btree("bot_vectors_title_key", "title", unique: true)))
        do {
            try await Self.migrator(harness, next).migrate()
            Issue.record("a unique index over duplicates was built")
        } catch let error as MigrationError {
            guard case .indexBuildFailed(let version, "bot_vectors_title_key", _, let at) = error else { throw error }
            #expect(version == next.version && at == next.version - 1)
            #expect(error.exitCode == 4)
        }
        #expect(try Self.value(harness, "SELECT count(*) FROM pg_index WHERE indexrelid = to_regclass('bot_vectors_title_key')") == "0",
                "no invalid index is left behind")
        #expect(try Self.value(harness, "SELECT finished_at IS NULL FROM schema_version WHERE version = \(next.version)") == "t")
        await #expect(throws: SchemaMigrator.Mismatch.self) { try await SchemaMigrator(executor: harness.executor, schema: next).checkDatabase() }

        try harness.database.run("UPDATE bot_vectors SET title = 'Bot 2' WHERE bot_id = 'bot-2'")
        let resumed = try await Self.migrator(harness, next).migrate()
        #expect(resumed.description.contains("its transaction already ran"), "\(resumed)")
        #expect(try Self.catalog(harness) == next.catalog)
        try await SchemaMigrator(executor: harness.executor, schema: next).checkDatabase()
    }

    @Test(arguments: BackendKind.allCases)
    func anEmptyDatabaseIsCreatedAtTheLatestVersion(_ kind: BackendKind) async throws {
        let harness = try await Harness.make(kind, migrate: false)
        defer { harness.close() }
        let report = try await Self.migrator(harness).migrate()
        #expect(report.from == 0 && report.to == SchemaDefinition.contract.version)
        #expect(try Self.catalog(harness) == SchemaDefinition.contract.catalog)
        #expect(try Self.value(harness, "SELECT string_agg(how, ',' ORDER BY version) FROM schema_version")
                == Array(repeating: "created", count: SchemaDefinition.contract.version).joined(separator: ","))
        // schema.sql is for empty databases only.
        let schemaFile = TestPostgres.repositoryRoot.appendingPathComponent("out/dev/schema.sql").path
        #expect(throws: (any Error).self) { try harness.database.runFile(schemaFile) }
    }
}
