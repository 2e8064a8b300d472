import CloudFormation
import SQLSchema
import Stacks
import SynthCore
import Testing

/// Bad schema declarations are synth-time errors that say what to change.
@Suite struct SchemaValidatorTests {
    /// A problem without its location, for the tests that read what it says.
    static func prose(_ problem: Diagnostic) -> String { "\(problem.subject): \(problem.message)" }

    /// Each problem is located at the declaration it concerns (not the `Schema(` line) and carries
    /// an id that says what kind it is.
    @Test func problemsAreLocatedAtTheirTableOrColumnWithAStableId() throws {
        let tableLine = #line + 2
        let schema = Schema(extensions: ["vector"]) {
            Table("bots") {
                Column("id", .text).primaryKey()
                Column("embedding", .vector(dimension: 0))
            }
        }
        let columnLine = tableLine + 2
        let problems = SchemaValidator.problems(in: schema)
        let dimension = try #require(problems.first { $0.message.contains("dimension 0") })
        #expect(dimension.id == "schema.column")
        #expect(dimension.location?.description == "Tests/SQLSchemaTests/SchemaValidatorTests.swift:\(columnLine)")
        #expect(dimension.location != schema.location)
    }
    func problems(@TableListBuilder _ tables: () -> [TableListElement]) -> [String] {
        SchemaValidator.problems(in: Schema(extensions: ["vector", "pg_trgm"], tables: tables)).map(Self.prose)
    }

    @Test func unknownColumnInAnIndex() {
        let found = problems {
            Table("bots") {
                Column("id", .text).primaryKey()
                Index.btree("bots_owner_idx", "owner_id")
            }
        }
        #expect(found == [#"index "bots_owner_idx" on bots: names column "owner_id", which bots does not have"#])
    }

    /// A query function's name, argument and settings are checked as the catalog and PostgreSQL will read them.
    @Test func queryFunctionsWithABadArgumentOrSetting() {
        var schema = Schema(extensions: ["vector"]) { Table("bots") { Column("id", .text).primaryKey() } }
        schema.queryFunctions = [QueryFunction("Nearest", arguments: [.init("query", "vector(1024)")], returns: "TABLE (id text)",
                                               settings: [.init("hnsw.ef_search; DROP", "1")], body: "SELECT id FROM bots")]
        let found = SchemaValidator.problems(in: schema).map(Self.prose)
        #expect(found == [
            #"function "Nearest": must be a plain lower-case name"#,
            #"function "Nearest": argument query vector(1024): give a plain lower-case name and a type without modifiers (vector, not vector(1024))"#,
            #"function "Nearest": setting hnsw.ef_search; DROP is no configuration parameter name"#,
        ], "\(found)")
    }

    @Test(arguments: [0, -3, 16_001])
    func dimensionOutsideWhatPgvectorStores(dimension: Int) {
        let found = problems { Table("bots") { Column("embedding", .vector(dimension: dimension)) } }
        #expect(found == [#"column "bots.embedding": dimension \#(dimension) is outside 1–16,000, the range pgvector stores"#])
    }

    @Test func hnswOnAVectorAbove2000Dimensions() {
        let found = problems {
            Table("bots") {
                Column("embedding", .vector(dimension: 3072))
                Index("bots_embedding_idx", .hnsw("embedding", .cosine, m: 16, efConstruction: 64))
            }
        }
        #expect(found == [#"index "bots_embedding_idx" on bots: HNSW indexes vector columns of at most 2,000 dimensions; embedding has 3072: declare it halfvec(3072) (up to 4,000) or use a smaller embedding"#])
    }

    @Test func hnswOnAHalfvecAbove4000Dimensions() {
        let found = problems {
            Table("bots") {
                Column("embedding", .halfvec(dimension: 4001))
                Index("bots_embedding_idx", .hnsw("embedding", .l2, m: 16, efConstruction: 64))
            }
        }
        #expect(found == [#"index "bots_embedding_idx" on bots: HNSW indexes halfvec columns of at most 4,000 dimensions; embedding has 4001"#])
    }

    @Test func duplicateNames() {
        let found = problems {
            Table("bots") {
                Column("id", .text)
                Column("id", .text)
                Index.btree("shared_name", "id")
            }
            Table("bots") { Column("x", .text) }
            Table("shared_name") { Column("y", .text) }
        }
        #expect(found.contains(#"column "bots.id": declared twice"#))
        #expect(found.contains(#"table "bots": declared twice; table and index names share one namespace"#))
        #expect(found.contains(#"table "shared_name": declared twice; table and index names share one namespace"#))
    }

    @Test func identifiersWithQuotesOrTooLong() {
        let found = problems {
            Table("bo\"ts") { Column("it's", .text) }
            Table(String(repeating: "t", count: 64)) { Column("x", .text) }
        }
        #expect(found.contains(#"table "bo"ts": the name contains a quote; use letters, digits and underscores"#))
        #expect(found.contains(#"column "bo"ts.it's": the name contains a quote; use letters, digits and underscores"#))
        #expect(found.contains { $0.hasSuffix("the name is 64 bytes; PostgreSQL keeps only 63") })
    }

    @Test func wrongColumnTypesForIndexesAndMissingReferences() {
        let found = problems {
            Table("bots") {
                Column("id", .integer).references("owners", "id")
                Column("title", .integer)
                Column("tsv", .generatedTSVector(config: "english", sources: [.init("summary", weight: "A")]))
                Index("bots_title_idx", .trigramGiST("title"))
                Index("bots_id_fts", .fullText("id"))
                Index("bots_id_hnsw", .hnsw("id", .cosine, m: 16, efConstruction: 64))
            }
        }
        #expect(found.contains(#"table "bots": a foreign key references table "owners", which the schema does not declare"#))
        #expect(found.contains(#"index "bots_title_idx" on bots: a trigram index needs a text column; title is not text"#))
        #expect(found.contains(#"index "bots_id_fts" on bots: full-text GIN needs a tsvector column; id is not one"#))
        #expect(found.contains(#"index "bots_id_hnsw" on bots: HNSW needs a vector or halfvec column; id is neither"#))
        #expect(found.contains(#"column "bots.tsv": source column "summary" is not a column of bots"#))
    }

    /// A language's configuration and its folding function are checked too.
    @Test func textSearchDeclarationsAreChecked() {
        let unknown = Schema(extensions: ["pg_trgm"], textSearchConfigurations: [TextSearchConfiguration("folded", copying: "klingon", foldsAccents: true)]) {
            Table("notes") {
                Column("id", .text).primaryKey()
                Column("title", .text).notNull()
                Column("tsv", .generatedTSVector(config: "vietnamese", sources: [.init("title", weight: "A")]))
                Index("notes_title_idx", .foldedTrigramGiST("title", function: .unaccent))
            }
        }
        let found = SchemaValidator.problems(in: unknown).map(Self.prose)
        #expect(found.contains { $0.hasPrefix(#"column "notes.tsv": text search configuration "vietnamese" is neither built in ("#) })
        #expect(found.contains(#"text search configuration "folded": copies klingon, which is no built-in configuration"#))
        #expect(found.contains(#"text search configuration "folded": folds accents with the unaccent dictionary; add the unaccent extension to the schema"#))
        #expect(found.contains(#"index "notes_title_idx" on notes: calls immutable_unaccent, which the schema does not declare; add it to the schema's functions"#))
        #expect(found.count == 4, "\(found)")
        for languages in [SearchLanguages.all, SearchLanguages([.vietnamese]), SearchLanguages([.japanese]), SearchLanguages([.english, .malay])] {
            #expect(SchemaValidator.problems(in: ChatSchema.schema(embeddingDimension: 1024, languages: languages)).isEmpty, "\(languages)")
        }
        // A per-row tsvector names functions the schema declares, of the right kinds.
        let undeclared = Schema(extensions: []) {
            Table("notes") {
                Column("id", .text).primaryKey()
                Column("title", .text).notNull()
                Column("tsv", .generatedTSVectorPerRow(detector: "pick", normalizer: "prepare", sources: [.init("title", weight: "A")]))
                Column("spelling", .generatedTSVector(config: "simple", normalizer: "spell", sources: [.init("title", weight: "A")]))
            }
        }
        #expect(SchemaValidator.problems(in: undeclared).map(Self.prose) == [
            #"column "notes.tsv": detector "pick" is not one of the schema's immutable functions returning regconfig; declare it in functions"#,
            #"column "notes.tsv": normalizer "prepare" is not one of the schema's immutable functions returning text; declare it in functions"#,
            #"column "notes.spelling": normalizer "spell" is not one of the schema's immutable functions returning text; declare it in functions"#,
        ])
    }

    @Test func theChatSchemaIsValidAndSwitchesToHalfvecAbove2000() throws {
        #expect(SchemaValidator.problems(in: ChatSchema.schema(embeddingDimension: 1024)).isEmpty)
        let large = ChatSchema.schema(embeddingDimension: 3072)
        #expect(SchemaValidator.problems(in: large).isEmpty)
        #expect(large.table("bot_vectors")?.column("embedding")?.type == .halfvec(dimension: 3072))
        #expect(!SchemaValidator.problems(in: ChatSchema.schema(embeddingDimension: 0)).isEmpty)
        #expect(!SchemaValidator.problems(in: ChatSchema.schema(embeddingDimension: 4001)).isEmpty)
    }

    /// Through synth: the stage's schema errors stop synthesis and name where the schema was declared.
    @Test func synthReportsSchemaErrorsWithTheirLocation() throws {
        var project = chatProject
        project.schemas["dev"] = { ChatSchema.schema(embeddingDimension: 0) }
        let stage = try #require(chatApp.stage(named: "dev"))
        #expect {
            _ = try Synthesizer(project: project).artifacts(for: stage)
        } throws: { error in
            let text = (error as? Diagnostics)?.description ?? ""
            return text.contains(#"stacks/ChatSchema.swift:"#)
                && text.contains(#"schema of stage "dev": column "bot_vectors.embedding": dimension 0 is outside 1–16,000"#)
        }
    }
}

@Suite struct SchemaRendererTests {
    @Test func reservedAndMixedCaseIdentifiersAreQuoted() {
        let schema = Schema(extensions: []) {
            Table("user") {
                Column("Order", .text)
                Column("plain_name", .text)
            }
        }
        let sql = SchemaRenderer.statements(schema).joined(separator: "\n")
        #expect(sql.contains(#"CREATE TABLE IF NOT EXISTS "user" ("#))
        #expect(sql.contains(#"  "Order" text,"#))
        #expect(sql.contains("  plain_name text\n"))
    }

    @Test func everyIndexFamilyRenders() {
        let schema = Schema(extensions: ["vector", "pg_trgm"]) {
            Table("docs") {
                Column("id", .bigint).primaryKey()
                Column("title", .text).notNull()
                Column("tags", .textArray)
                Column("embedding", .halfvec(dimension: 3000))
                Column("tsv", .generatedTSVector(config: "simple", sources: [.init("title", weight: "A")]))
                Index.btree("docs_title_idx", "title", .desc("id"), unique: true, where: "title <> ''")
                Index("docs_tsv_idx", .fullText("tsv"))
                Index("docs_title_gin", .trigramGIN("title"))
                Index("docs_title_gist", .trigramGiST("title"))
                Index("docs_tags_idx", .arrayGIN("tags"))
                Index("docs_embedding_idx", .hnsw("embedding", .innerProduct, m: 24, efConstruction: 100))
            }
        }
        let sql = SchemaRenderer.statements(schema)
        #expect(sql.contains("CREATE UNIQUE INDEX IF NOT EXISTS docs_title_idx ON docs (title, id DESC) WHERE title <> ''"))
        #expect(sql.contains("CREATE INDEX IF NOT EXISTS docs_tsv_idx ON docs USING gin (tsv)"))
        #expect(sql.contains("CREATE INDEX IF NOT EXISTS docs_title_gin ON docs USING gin (title gin_trgm_ops)"))
        #expect(sql.contains("CREATE INDEX IF NOT EXISTS docs_title_gist ON docs USING gist (title gist_trgm_ops)"))
        #expect(sql.contains("CREATE INDEX IF NOT EXISTS docs_embedding_idx ON docs USING hnsw (embedding halfvec_ip_ops) WITH (m = 24, ef_construction = 100)"))
        #expect(SchemaValidator.problems(in: schema).isEmpty)
    }

    @Test func theFingerprintIsStableAndFollowsEveryChange() {
        let a = SchemaRenderer.fingerprint(ChatSchema.schema(embeddingDimension: 1024))
        #expect(a == SchemaRenderer.fingerprint(ChatSchema.schema(embeddingDimension: 1024)))
        #expect(a != SchemaRenderer.fingerprint(ChatSchema.schema(embeddingDimension: 768)))
        #expect(a.hasPrefix("sha256:") && a.count == 7 + 64)
    }
}
