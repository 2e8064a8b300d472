import SQLSchema
import Testing

/// The planner: what each kind of change becomes, in which order, and what it refuses.
@Suite struct MigrationPlannerTests {
    static func bots(@TableBuilder _ extra: () -> [TableElement] = { [] }) -> Schema {
        Schema(extensions: ["vector", "pg_trgm"]) {
            Table("bots") {
                Column("bot_id", .text).primaryKey()
                Column("owner_id", .text).notNull()
                Column("title", .text).notNull()
                Column("embedding", .vector(dimension: 8)).notNull()
                Index.btree("bots_owner_idx", "owner_id")
                for element in extra() { element }
            }
        }
    }

    static func plan(_ old: Schema?, _ new: Schema) -> MigrationPlanner.Plan { MigrationPlanner.plan(from: old, to: new) }
    static func sql(_ plan: MigrationPlanner.Plan) -> [String] { plan.steps.flatMap(\.statements) }

    @Test func theFirstMigrationCreatesEverythingInOneTransaction() {
        let plan = Self.plan(nil, Self.bots())
        #expect(plan.problems.isEmpty)
        #expect(plan.steps.allSatisfy { !$0.outsideTransaction })
        // MIG-03 and MIG-07: the transaction opens with its lock and statement timeouts.
        #expect(plan.body.hasPrefix("BEGIN;\n\n-- [MIG-03] [MIG-07] a step waiting for a lock fails instead of blocking every query behind it, "
                                    + "and no step outlasts one Data API call\nSET LOCAL lock_timeout = '5s';\n\nSET LOCAL statement_timeout = '40s';\n\n"
                                    + "-- adds extension vector\nCREATE EXTENSION IF NOT EXISTS vector;\n"), "\(plan.body)")
        #expect(Self.sql(plan).contains("CREATE INDEX IF NOT EXISTS bots_owner_idx ON bots (owner_id)"))
        #expect(Self.plan(Self.bots(), Self.bots()).isEmpty)
    }

    @Test func addedColumnsAndIndexesOnAnExistingTableAreOnline() {
        let new = Self.bots {
            Column("usage_count", .bigint).notNull().default(.integer(0))
            Column("note", .text)
            Index.btree("bots_usage_idx", .desc("usage_count"))
            Index("bots_title_trgm_idx", .trigramGIN("title"))
        }
        let plan = Self.plan(Self.bots(), new)
        #expect(plan.problems.isEmpty)
        #expect(Self.sql(plan) == [
            "ALTER TABLE bots ADD COLUMN IF NOT EXISTS usage_count bigint NOT NULL DEFAULT 0",
            "ALTER TABLE bots ADD COLUMN IF NOT EXISTS note text",
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS bots_usage_idx ON bots (usage_count DESC)",
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS bots_title_trgm_idx ON bots USING gin (title gin_trgm_ops)",
        ])
        #expect(plan.steps.map(\.outsideTransaction) == [false, false, true, true])
        #expect(plan.slug == "alter_bots")
        // The body: the transaction, then the builds, which the migration file reads back the same way.
        let migration = Migration(version: 2, slug: plan.slug, before: "sha256:a", after: "sha256:b", checksum: Migration.checksum(of: plan.body), body: plan.body)
        #expect(migration.transactionalStatements == ["SET LOCAL lock_timeout = '5s'", "SET LOCAL statement_timeout = '40s'"] + Self.sql(plan).prefix(2))
        #expect(migration.outsideStatements == Array(Self.sql(plan).suffix(2)))
        #expect(Migration.concurrentIndexBuild(migration.outsideStatements[0])! == ("bots_usage_idx", "bots"))
    }

    /// A query function comes after the tables it reads, is dropped and created again when it
    /// changes (its return type may not be replaceable in place), and is dropped when removed.
    @Test func queryFunctionsFollowTheTablesAndAreReplacedWhole() {
        func withNearest(depth: String?) -> Schema {
            var schema = Self.bots()
            if let depth {
                schema.queryFunctions = [QueryFunction("nearest_bots", arguments: [.init("query", "vector"), .init("candidates", "integer")],
                                                       returns: "TABLE (bot_id text)", settings: [.init("hnsw.ef_search", depth)],
                                                       body: "SELECT bot_id FROM bots ORDER BY embedding <=> query LIMIT candidates")]
            }
            return schema
        }
        let created = Self.sql(Self.plan(nil, withNearest(depth: "100")))
        let create = "CREATE OR REPLACE FUNCTION public.nearest_bots(query vector, candidates integer) RETURNS TABLE (bot_id text) "
            + "LANGUAGE sql STABLE SET hnsw.ef_search = '100' AS $$ SELECT bot_id FROM bots ORDER BY embedding <=> query LIMIT candidates $$"
        #expect(created.last == create)
        #expect(created.firstIndex { $0.hasPrefix("CREATE TABLE") }! < created.count - 1)
        #expect(Self.plan(withNearest(depth: "100"), withNearest(depth: "100")).isEmpty)
        #expect(Self.sql(Self.plan(withNearest(depth: "100"), withNearest(depth: "300")))
                == ["DROP FUNCTION IF EXISTS public.nearest_bots(vector, integer)", create.replacingOccurrences(of: "'100'", with: "'300'")])
        #expect(Self.sql(Self.plan(withNearest(depth: "100"), withNearest(depth: nil))) == ["DROP FUNCTION IF EXISTS public.nearest_bots(vector, integer)"])
        #expect(SchemaCatalog.lines(withNearest(depth: "100")).contains("function nearest_bots(query vector, candidates integer)"))
        // The catalog shows no settings, so the fingerprint stays; the definition digest, which a
        // deploy runs the migrator by, moves.
        #expect(SchemaRenderer.fingerprint(withNearest(depth: "100")) == SchemaRenderer.fingerprint(withNearest(depth: "300")))
        #expect(SchemaRenderer.definitionDigest(withNearest(depth: "100")) != SchemaRenderer.definitionDigest(withNearest(depth: "300")))
    }

    @Test func aNotNullColumnWithoutADefaultIsRefusedWhereItIsDeclared() {
        let plan = Self.plan(Self.bots(), Self.bots { Column("language", .text).notNull() })
        #expect(plan.problems.count == 1)
        let problem = plan.problems[0]
        #expect(problem.location?.file == "Tests/SQLSchemaTests/MigrationPlannerTests.swift")
        #expect(problem.subject == "column bots.language")
        #expect(problem.message.contains("Give it a default, or add it nullable, fill it, and declare it notNull() in a later migration"))
    }

    @Test func droppingNeedsAnAcknowledgementAndIsFlagged() {
        let withNote = Self.bots { Column("note", .text) }
        let refused = Self.plan(withNote, Self.bots())
        #expect(refused.problems.map(\.subject) == ["column bots.note"])
        #expect(refused.problems[0].message.contains(#"Dropped.column("note", because: "…")"#))

        let acknowledged = Self.plan(withNote, Self.bots { Dropped.column("note", because: "nobody wrote notes") })
        #expect(acknowledged.problems.isEmpty)
        #expect(Self.sql(acknowledged) == ["ALTER TABLE bots DROP COLUMN IF EXISTS note"])
        #expect(acknowledged.body.contains(MigrationPlanner.dataLossMarker + "nobody wrote notes (Tests/SQLSchemaTests/MigrationPlannerTests.swift:"))

        let twoTables = Schema(extensions: []) {
            Table("a") { Column("id", .integer).primaryKey() }
            Table("b") { Column("id", .integer).primaryKey() }
        }
        let oneTable = Schema(extensions: []) { Table("a") { Column("id", .integer).primaryKey() } }
        #expect(Self.plan(twoTables, oneTable).problems.map(\.subject) == ["table b"])
        let dropped = Schema(extensions: []) {
            Table("a") { Column("id", .integer).primaryKey() }
            Dropped.table("b", because: "replaced by a")
        }
        #expect(Self.sql(Self.plan(twoTables, dropped)) == ["DROP TABLE IF EXISTS b"])
    }

    @Test func renamesKeepTheDataAndTheirConstraintsFollow() {
        let old = Schema(extensions: []) {
            Table("users") {
                Column("id", .integer).primaryKey()
                Column("mail", .text).notNull()
                TableElement.unique("mail")
                Index.btree("users_mail_idx", "mail")
            }
        }
        let new = Schema(extensions: []) {
            Table("members") {
                Column("id", .integer).primaryKey()
                Column("email", .text).notNull().renamed(from: "mail")
                TableElement.unique("email")
                Index.btree("users_mail_idx", "email")
            }.renamed(from: "users")
        }
        let plan = Self.plan(old, new)
        #expect(plan.problems.isEmpty)
        #expect(Self.sql(plan) == [
            "ALTER TABLE users RENAME TO members",
            "ALTER TABLE members RENAME COLUMN mail TO email",
            "ALTER TABLE members RENAME CONSTRAINT users_pkey TO members_pkey",
            "ALTER TABLE members RENAME CONSTRAINT users_mail_key TO members_email_key",
        ])
        #expect(SchemaCatalog.lines(new).contains("constraint members.members_email_key unique (email)"))
    }

    @Test func anIndexDeclaredUnderANewNameIsRenamedNotRebuilt() {
        let renamed = Schema(extensions: ["vector", "pg_trgm"]) {
            Table("bots") {
                Column("bot_id", .text).primaryKey()
                Column("owner_id", .text).notNull()
                Column("title", .text).notNull()
                Column("embedding", .vector(dimension: 8)).notNull()
                Index.btree("bots_by_owner_idx", "owner_id")
            }
        }
        #expect(Self.sql(Self.plan(Self.bots(), renamed)) == ["ALTER INDEX bots_owner_idx RENAME TO bots_by_owner_idx"])
    }

    @Test func typeChangesNeedAConversionAndNarrowingNeedsAnAcknowledgement() {
        func schema(_ type: ColumnType, _ change: (Column) -> Column = { $0 }) -> Schema {
            Schema(extensions: ["vector"]) { Table("t") { change(Column("n", type)) } }
        }
        // MIG-04: even a widening rewrites the table, so it is planned only as declared.
        #expect(Self.plan(schema(.integer), schema(.bigint)).problems.first?.message.hasPrefix("[MIG-04] changing integer to bigint rewrites the table") == true)
        #expect(Self.sql(Self.plan(schema(.integer), schema(.bigint) { $0.changingType(using: "n::bigint") })) == ["ALTER TABLE t ALTER COLUMN n TYPE bigint USING n::bigint"])
        #expect(Self.plan(schema(.text), schema(.integer)).problems.first?.message.contains(".changingType(using:") == true)
        #expect(Self.plan(schema(.text), schema(.integer) { $0.changingType(using: "n::integer") }).problems.first?.message
                    .contains("can lose information") == true)
        let acknowledged = Self.plan(schema(.text), schema(.integer) { $0.changingType(using: "n::integer", acknowledgingDataLoss: "all numbers") })
        #expect(Self.sql(acknowledged) == ["ALTER TABLE t ALTER COLUMN n TYPE integer USING n::integer"])
        #expect(acknowledged.steps.first?.dataLoss?.hasPrefix("all numbers") == true)
        // A new embedding dimension is expand, backfill, contract, never an in-place cast.
        #expect(Self.plan(schema(.vector(dimension: 8)), schema(.vector(dimension: 16))).problems.first?.message.contains("Expand, backfill, contract") == true)
    }

    @Test func nullabilityDefaultsAndConstraintsChangeInPlace() {
        let old = Schema(extensions: []) {
            Table("parents") { Column("id", .integer).primaryKey() }
            Table("t") {
                Column("id", .integer).primaryKey()
                Column("parent", .integer)
                Column("state", .text).default(.sql("'new'"))
            }
        }
        let new = Schema(extensions: []) {
            Table("parents") { Column("id", .integer).primaryKey() }
            Table("t") {
                Column("id", .integer).primaryKey()
                Column("parent", .integer).notNull().references("parents", "id")
                Column("state", .text)
                Check("t_state_check", "state <> ''")
            }
        }
        #expect(Self.sql(Self.plan(old, new)) == [
            "ALTER TABLE t ALTER COLUMN parent SET NOT NULL",
            "ALTER TABLE t ALTER COLUMN state DROP DEFAULT",
            "ALTER TABLE t ADD CONSTRAINT t_parent_fkey FOREIGN KEY (parent) REFERENCES parents (id) ON DELETE NO ACTION NOT VALID",
            "ALTER TABLE t VALIDATE CONSTRAINT t_parent_fkey",
            "ALTER TABLE t ADD CONSTRAINT t_state_check CHECK (state <> '') NOT VALID",
            "ALTER TABLE t VALIDATE CONSTRAINT t_state_check",
        ])
        #expect(Self.sql(Self.plan(new, old)) == [
            "ALTER TABLE t DROP CONSTRAINT IF EXISTS t_parent_fkey",
            "ALTER TABLE t DROP CONSTRAINT IF EXISTS t_state_check",
            "ALTER TABLE t ALTER COLUMN parent DROP NOT NULL",
            "ALTER TABLE t ALTER COLUMN state SET DEFAULT 'new'",
        ])
    }

    @Test func aNewTextSearchConfigurationRebuildsTheGeneratedColumnAndItsIndex() {
        func schema(_ config: String) -> Schema {
            Schema(extensions: []) {
                Table("docs") {
                    Column("id", .integer).primaryKey()
                    Column("title", .text).notNull()
                    Column("tsv", .generatedTSVector(config: config, sources: [.init("title", weight: "A")]))
                    Index("docs_tsv_idx", .fullText("tsv"))
                }
            }
        }
        let plan = Self.plan(schema("english"), schema("simple"))
        #expect(plan.problems.isEmpty)
        #expect(Self.sql(plan) == [
            "ALTER TABLE docs DROP COLUMN IF EXISTS tsv",
            "ALTER TABLE docs ADD COLUMN tsv tsvector GENERATED ALWAYS AS (setweight(to_tsvector('simple', coalesce(title, '')), 'A')) STORED",
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS docs_tsv_idx ON docs USING gin (tsv)",
        ])
        #expect(plan.steps.allSatisfy { $0.dataLoss == nil }, "a generated column's values are derived")
    }

    @Test func anHNSWBuildSaysWhatItCosts() {
        let plan = Self.plan(Self.bots(), Self.bots { Index("bots_embedding_idx", .hnsw("embedding", .cosine, m: 16, efConstruction: 64)) })
        #expect(plan.steps.first?.summary.contains("HNSW build cost") == true)
        #expect(plan.body.contains("-- builds index bots_embedding_idx on bots. HNSW build cost:"))
    }

    @Test func aMigrationFileRoundTripsAndItsChecksumCoversTheBody() throws {
        let plan = Self.plan(nil, Self.bots())
        let migration = Migration(version: 1, slug: "initial", before: nil, after: "sha256:after", checksum: Migration.checksum(of: plan.body), body: plan.body)
        let text = migration.file(stage: "dev")
        let read = try Migration.parse(fileName: "0001_initial.sql", text: text)
        #expect(read == migration)
        #expect(read.computedChecksum == read.checksum)
        let edited = try Migration.parse(fileName: "0001_initial.sql", text: text.replacingOccurrences(of: "owner_id text NOT NULL", with: "owner_id text"))
        #expect(edited.computedChecksum != edited.checksum)
        #expect(throws: Migration.Unreadable.self) { try Migration.parse(fileName: "1_initial.sql", text: text) }
        #expect(throws: Migration.Unreadable.self) { try Migration.parse(fileName: "0001_initial.sql", text: "BEGIN;\n") }
    }
}
