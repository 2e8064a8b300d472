import Foundation
import SQLSchema
import Stacks
import Testing
import TestSupport

/// Moving a stage between language settings, on a real PostgreSQL: each migration the planner writes
/// applies to a database with rows and leaves exactly the declared catalog, including what a setting
/// no longer needs (configurations, functions, the unaccent extension), which is dropped.
@Suite(.serialized, .timeLimit(.minutes(5))) struct SearchLanguageMigrationTests {
    static func schema(_ languages: [SearchLanguage]) -> Schema { ChatSchema.schema(embeddingDimension: 8, languages: SearchLanguages(languages)) }

    @Test func everySettingMigratesToEveryOtherAndKeepsTheRows() throws {
        let database = try TestPostgres.server().createDatabase(prefix: "languages")
        defer { database.drop() }
        let chain: [[SearchLanguage]] = [SearchLanguages.all.languages, [.english], [.vietnamese], [.japanese, .thai], SearchLanguages.all.languages]
        var current = Self.schema(chain[0])
        for statement in SchemaRenderer.statements(current) { _ = try database.run(statement + ";") }
        _ = try database.run("""
            INSERT INTO bot_vectors (bot_id, owner_id, title, description, visibility, embedding)
            VALUES ('ja', 'o', '京都観光ガイド', 'お寺と庭園', 'public', '[1,0,0,0,0,0,0,0]'),
                   ('vi', 'o', 'Hướng dẫn du lịch Hội An', 'Phố cổ', 'public', '[0,1,0,0,0,0,0,0]'),
                   ('de', 'o', 'Reiseplaner für Familien', 'Hilft bei der Planung von Reisen', 'public', '[0,0,1,0,0,0,0,0]');
            """)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("languages-\(UUID().uuidString).sql")
        defer { try? FileManager.default.removeItem(at: file) }
        for languages in chain.dropFirst() {
            let next = Self.schema(languages)
            let plan = MigrationPlanner.plan(from: current, to: next)
            #expect(plan.problems.isEmpty, "\(languages): \(plan.problems)")
            #expect(!plan.body.contains("DATA LOSS"), "changing languages loses nothing: \(languages)")
            try plan.body.write(to: file, atomically: true, encoding: .utf8)
            _ = try database.runFile(file.path)
            let catalog = try database.lines(SchemaCatalog.introspectionQuery)
            #expect(catalog == SchemaCatalog.lines(next), "after moving to \(languages.map(\.rawValue)): \(Set(catalog).symmetricDifference(SchemaCatalog.lines(next)))")
            #expect(try database.run("SELECT count(*) FROM bot_vectors WHERE tsv IS NOT NULL").trimmingCharacters(in: .whitespacesAndNewlines) == "3")
            current = next
        }
        // Back to every language: each row is parsed in its own again.
        let configurations = try database.run("SELECT bot_id || ' ' || public.chat_search_config(title || ' ' || description) FROM bot_vectors ORDER BY bot_id")
        #expect(configurations.split(separator: "\n") == ["de chat_german", "ja simple", "vi chat_vietnamese"], "\(configurations)")
    }
}
