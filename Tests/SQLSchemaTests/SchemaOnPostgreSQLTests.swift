import Foundation
import SQLSchema
import Stacks
import Testing
import TestSupport

/// The generated schema.sql on a real PostgreSQL 18 with pgvector and pg_trgm.
@Suite(.serialized, .timeLimit(.minutes(5))) struct SchemaOnPostgreSQLTests {
    static let schemaFile = TestPostgres.repositoryRoot.appendingPathComponent("out/dev/schema.sql").path
    static let expectedFingerprint = SchemaRenderer.fingerprint(ChatSchema.schema(for: .dev))

    /// schema.sql creates exactly the declared catalog and records every migration as done; on a
    /// database that has a schema it refuses, changing nothing (migrations upgrade those).
    @Test func createsTheDeclaredCatalogOnAnEmptyDatabaseAndRefusesAnyOther() throws {
        let database = try TestPostgres.server().createDatabase(prefix: "schema")
        defer { database.drop() }
        try database.runFile(Self.schemaFile)
        let tables = try database.run("SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'")
        let declared = ChatSchema.schema(for: .dev)
        #expect(tables.trimmingCharacters(in: .whitespacesAndNewlines) == (declared.tables.map(\.name) + ["schema_version"]).sorted().joined(separator: ","))
        let catalog = try database.lines(SchemaCatalog.introspectionQuery)
        #expect(catalog == SchemaCatalog.lines(declared), "the catalog PostgreSQL reports is the one synth computes")
        #expect(SchemaCatalog.digest(catalog) == Self.expectedFingerprint)
        let migrations = try FileManager.default.contentsOfDirectory(atPath: TestPostgres.repositoryRoot.appendingPathComponent("out/dev/migrations").path)
            .filter { $0.hasSuffix(".sql") }.count
        let recorded = try database.run("SELECT count(*), max(version), min(how), max(how) FROM schema_version WHERE finished_at IS NOT NULL")
        #expect(recorded.trimmingCharacters(in: .whitespacesAndNewlines) == "\(migrations)|\(migrations)|created|created")
        let before = try database.schemaDump()

        #expect(throws: TestPostgres.PSQLFailure.self) { try database.runFile(Self.schemaFile) }
        #expect(try database.schemaDump() == before)
        #expect(try String(contentsOfFile: Self.schemaFile, encoding: .utf8).contains("-- fingerprint: \(Self.expectedFingerprint)\n"))
    }

    @Test func constraintsHoldOnTheRealDatabase() throws {
        let database = try TestPostgres.server().createDatabase(prefix: "schema")
        defer { database.drop() }
        try database.runFile(Self.schemaFile)
        let conversation = "11111111-1111-1111-1111-111111111111"
        try database.run("INSERT INTO conversations (conversation_id, owner_id) VALUES ('\(conversation)', 'u1')")
        try database.run("INSERT INTO chat_history (conversation_id, seq, role, content, client_message_id) VALUES ('\(conversation)', 1, 'user', 'hi', 'm1')")
        #expect(throws: TestPostgres.PSQLFailure.self) {
            try database.run("INSERT INTO chat_history (conversation_id, seq, role, content, client_message_id) VALUES ('\(conversation)', 2, 'user', 'again', 'm1')")
        }
        #expect(throws: TestPostgres.PSQLFailure.self) {
            try database.run("INSERT INTO chat_history (conversation_id, seq, role, content, client_message_id) VALUES ('\(conversation)', 3, 'robot', 'x', 'm3')")
        }
        try database.run("DELETE FROM conversations WHERE conversation_id = '\(conversation)'")
        #expect(try database.run("SELECT count(*) FROM chat_history").trimmingCharacters(in: .whitespacesAndNewlines) == "0")
    }

    /// With a few thousand bots and statistics, the planner picks each index family for the query
    /// shape it exists for, as the stage's search settings write the queries: dev folds accents,
    /// staging does not.
    @Test(arguments: [StageSettings.dev, .staging])
    func searchQueriesUseTheirIndexes(_ stage: StageSettings) throws {
        let database = try TestPostgres.server().createDatabase(prefix: "plans")
        defer { database.drop() }
        try database.runFile(TestPostgres.repositoryRoot.appendingPathComponent("out/\(stage.name)/schema.sql").path)
        let configuration = "chat_english"
        let fold = { (text: String) in stage.searchLanguages.foldingFunction.map { "public.\($0)(\(text))" } ?? text }
        let dimension = stage.embeddingDimension
        try database.run("""
            INSERT INTO bot_vectors (bot_id, owner_id, title, description, instruction, visibility, embedding)
            SELECT 'bot-' || i, 'user-' || (i % 50),
              (ARRAY['travel','cooking','finance','legal','medical','music','sports','coding','gardening','history'])[1 + i % 10]
                || ' ' || substr(md5(i::text), 1, 8),
              'helps with ' || (ARRAY['flights','recipes','taxes','contracts','symptoms','chords','training','swift','roses','empires'])[1 + i % 10]
                || ' and ' || substr(md5('d' || i), 1, 10),
              repeat('Answer briefly and cite your sources. ', 20) || i,
              (ARRAY['private','shared','public'])[1 + i % 3],
              (SELECT array_agg(random() - 0.5 + i * 0 + g * 0)::vector(\(dimension)) FROM generate_series(1, \(dimension)) AS g)
            FROM generate_series(1, 3000) AS i;
            ANALYZE bot_vectors;
            """)
        let probe = try database.run("SELECT title || '|' || description FROM bot_vectors WHERE bot_id = 'bot-1238'")
            .trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "|").map(String.init)
        let title = probe[0], uniqueWord = String(probe[1].split(separator: " ").last ?? "")
        let typo = title.replacingOccurrences(of: "ening", with: "ning")

        // Each nearest-bots function's query, planned under the function's settings, walks its own graph
        // (an exact sort of 1,000 bots would be the planner's choice without them).
        let functions = ChatSchema.schema(for: stage).queryFunctions
        #expect(functions.map(\.name) == ["nearest_public_bots", "nearest_shared_bots"])
        for (function, graph) in zip(functions, ["bot_vectors_public_embedding_idx", "bot_vectors_shared_embedding_idx"]) {
            let settings = function.settings.map { "SET \($0.name) = '\($0.value)';\n" }.joined()
            let query = function.body.components(separatedBy: "; ").last!.replacingOccurrences(of: "candidates", with: "10")
                .replacingOccurrences(of: "query", with: "(SELECT embedding FROM bot_vectors WHERE bot_id = 'bot-7')")
            let knn = try database.run(settings + "EXPLAIN " + query)
            #expect(knn.contains("Index Scan using \(graph)"), "\(function.name): \(knn)")
            // The search depth grows with the graph's row estimate, one candidate for every 25 bots,
            // from 100 to 400 (the estimate is set here as ANALYZE would find it).
            let depth = "SELECT " + function.body.components(separatedBy: "; ").first!.dropFirst("SELECT ".count)
            for (rows, expected) in [(1_000, "100"), (5_000, "200"), (20_000, "400"), (200_000, "400")] {
                let set = try database.run("UPDATE pg_catalog.pg_class SET reltuples = \(rows) WHERE relname = '\(graph)'; \(depth)")
                #expect(set.trimmingCharacters(in: .whitespacesAndNewlines).hasSuffix(expected), "\(graph) with \(rows) rows: \(set)")
            }
        }
        // The calls themselves, over the graphs: each finds the nearest bots of its part.
        let nearest = try database.run("""
            SELECT count(*) FROM public.nearest_public_bots((SELECT embedding FROM bot_vectors WHERE bot_id = 'bot-7'), 10) n
              JOIN bot_vectors b USING (bot_id) WHERE b.visibility = 'public'
            """)
        #expect(nearest.trimmingCharacters(in: .whitespacesAndNewlines).hasSuffix("10"), "\(nearest)")

        let fullText = try database.run("EXPLAIN SELECT bot_id FROM bot_vectors WHERE tsv @@ websearch_to_tsquery('\(configuration)', 'roses \(uniqueWord)')")
        #expect(fullText.contains("Bitmap Index Scan on bot_vectors_tsv_idx"), "\(fullText)")

        let fuzzy = try database.run("EXPLAIN SELECT bot_id FROM bot_vectors WHERE \(fold("title")) % \(fold("'\(typo)'"))")
        #expect(fuzzy.contains("bot_vectors_title_trgm_idx"), "\(fuzzy)")
        let found = try database.run("SELECT bot_id FROM bot_vectors WHERE \(fold("title")) % \(fold("'\(typo)'"))")
        #expect(found.contains("bot-1238"), "typo \(typo) of \(title) found \(found)")
    }
}
