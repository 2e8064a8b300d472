import Foundation
import SQLSchema
import Stacks
import Testing

/// The second reading of a migration: its SQL replayed on a model of the catalog. It must agree
/// with the renderer on every declared schema, follow PostgreSQL's rules where they matter to the
/// catalog, and name a migration whose statements do not lead where its header says.
@Suite struct CatalogReplayTests {
    static func schema(_ languages: [SearchLanguage]) -> Schema { ChatSchema.schema(embeddingDimension: 8, languages: SearchLanguages(languages)) }

    func replay(_ statements: [String]) throws -> [String] {
        var replay = CatalogReplay()
        for statement in statements { try replay.replay(statement) }
        return replay.lines
    }

    /// A chain as synth writes it, from the empty database through each schema in turn.
    static func chain(_ schemas: [Schema]) -> [Migration] {
        var chain: [Migration] = []
        var previous: Schema?
        for schema in schemas {
            let body = MigrationPlanner.plan(from: previous, to: schema).body
            chain.append(Migration(version: chain.count + 1, slug: "step", before: chain.last?.after, after: SchemaRenderer.fingerprint(schema),
                                   checksum: Migration.checksum(of: body), body: body))
            previous = schema
        }
        return chain
    }

    /// The body without the paragraphs (steps) that contain any of `needles`.
    static func removingSteps(containing needles: [String], from body: String) -> String {
        body.components(separatedBy: "\n\n").filter { paragraph in !needles.contains { paragraph.contains($0) } }.joined(separator: "\n\n")
    }

    @Test func theRenderedSchemaOfEveryStageAndLanguageReplaysToItsCatalog() throws {
        for stage in [StageSettings.dev, .staging, .prod] {
            let schema = ChatSchema.schema(for: stage)
            #expect(try replay(SchemaRenderer.statements(schema)) == SchemaCatalog.lines(schema), "\(stage)")
        }
        for languages in [[SearchLanguage.english], [.vietnamese], [.japanese, .thai], SearchLanguages.all.languages] {
            let schema = Self.schema(languages)
            #expect(try replay(SchemaRenderer.statements(schema)) == SchemaCatalog.lines(schema), "\(languages)")
        }
    }

    @Test func planLanguageSwitchesReplayToTheirDeclarations() {
        let chain = Self.chain([Self.schema([.vietnamese]), Self.schema([.english]), Self.schema([.vietnamese]), Self.schema([.japanese, .german])])
        #expect(CatalogReplay.firstBreak(in: chain, declared: SchemaCatalog.lines(Self.schema([.japanese, .german]))) == nil)
    }

    /// The case that once stopped the migrator on every run: a language switch written without its
    /// drops. Its header promised the declared schema; its SQL leaves three objects behind.
    @Test func aSwitchWithoutItsDropsIsNamedOffline() throws {
        var chain = Self.chain([Self.schema([.vietnamese]), Self.schema([.japanese])])
        let forgetful = Self.removingSteps(containing: ["DROP EXTENSION", "DROP FUNCTION IF EXISTS public.immutable_unaccent", "DROP TEXT SEARCH"],
                                           from: chain[1].body)
        #expect(forgetful != chain[1].body)
        chain[1].body = forgetful
        let chainBreak = try #require(CatalogReplay.firstBreak(in: chain, declared: SchemaCatalog.lines(Self.schema([.japanese]))))
        #expect(chainBreak.fileName == chain[1].fileName)
        for object in ["extension unaccent", "function immutable_unaccent(text)", "text search configuration chat_vietnamese"] {
            #expect(chainBreak.message.contains("left behind: \(object)"), "\(chainBreak)")
        }
    }

    @Test func ifNotExistsKeepsWhatIsThereWhateverItsShape() throws {
        let lines = try replay([
            "CREATE TABLE IF NOT EXISTS t (a text, b text)",
            "CREATE INDEX IF NOT EXISTS t_idx ON t (a)",
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS t_idx ON t (b DESC)",
            "CREATE TABLE IF NOT EXISTS t (c integer)",
        ])
        #expect(lines.contains("index t.t_idx btree (a)"))
        #expect(!lines.contains { $0.hasPrefix("column t.c") })
    }

    @Test func aPrimaryKeyMakesItsColumnsNotNullAndDroppingAColumnDropsWhatIsOverIt() throws {
        let lines = try replay([
            "CREATE TABLE IF NOT EXISTS t (id text, body tsvector, CONSTRAINT t_pkey PRIMARY KEY (id))",
            "CREATE INDEX IF NOT EXISTS t_body_idx ON t USING gin (body)",
            "ALTER TABLE t DROP COLUMN IF EXISTS body",
        ])
        #expect(lines == ["column t.id text not null", "constraint t.t_pkey primary key (id)", "table t"])
        let indexed = try replay(["CREATE TABLE t (tags text[] NOT NULL DEFAULT '{}'::text[])", "CREATE INDEX t_tags_idx ON t USING gin (tags)"])
        #expect(indexed.contains("index t.t_tags_idx gin (tags array_ops)"))
        #expect(indexed.contains("column t.tags text[] not null default"))
    }

    @Test func renamesFollowTheObjectAndConstraintsStayUnvalidatedUntilValidated() throws {
        let lines = try replay([
            "CREATE TABLE parent (id uuid, CONSTRAINT parent_pkey PRIMARY KEY (id))",
            "CREATE TABLE child (parent_id uuid NOT NULL, at timestamptz)",
            "ALTER TABLE child ADD CONSTRAINT child_parent_id_fkey FOREIGN KEY (parent_id) REFERENCES parent (id) ON DELETE CASCADE NOT VALID",
            "ALTER TABLE parent RENAME COLUMN id TO parent_id",
            "ALTER TABLE parent RENAME TO parents",
        ])
        #expect(lines.contains("constraint child.child_parent_id_fkey foreign key (parent_id) references parents (parent_id) on delete cascade not valid"))
        #expect(lines.contains("column child.at timestamp with time zone"))
        let validated = try replay([
            "CREATE TABLE t (n integer)", "ALTER TABLE t ADD CONSTRAINT t_n_check CHECK (n > 0) NOT VALID", "ALTER TABLE t VALIDATE CONSTRAINT t_n_check",
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS t_n_idx__next ON t (n)", "DROP INDEX CONCURRENTLY IF EXISTS t_n_idx", "ALTER INDEX IF EXISTS t_n_idx__next RENAME TO t_n_idx",
        ])
        #expect(validated.contains("constraint t.t_n_check check"))
        #expect(validated.contains("index t.t_n_idx btree (n)"))
    }

    @Test func whatPostgreSQLWouldRefuseOrSynthNeverWritesIsRefusedByName() {
        func failure(_ statements: [String]) -> String? {
            do {
                _ = try replay(statements)
                return nil
            } catch {
                return "\(error)"
            }
        }
        #expect(failure(["UPDATE bot_vectors SET title = ''"])?.contains("not a statement synth writes") == true)
        #expect(failure(["DROP INDEX missing_idx"])?.contains("index missing_idx does not exist") == true)
        #expect(failure(["CREATE TABLE t (a text)", "ALTER TABLE t ALTER COLUMN b DROP NOT NULL"])?.contains("column t.b does not exist") == true)
        #expect(failure(["CREATE TABLE t (a text)", "CREATE INDEX t_idx ON t (b)"])?.contains("column t.b does not exist") == true)
        #expect(failure(["CREATE TABLE t (a text", ])?.contains("never closed") == true)
    }
}
