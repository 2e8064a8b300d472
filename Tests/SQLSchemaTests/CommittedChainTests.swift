import Foundation
import SQLSchema
import Stacks
import Testing
import TestSupport

/// Each stage's committed chain of migrations on a real PostgreSQL: applied in order to an empty
/// database, it must build what `schema.sql` builds, by the project's catalog (the declared schema's
/// lines) and by a peer schema differ, migra (PyPI, in `.venv`). The one accepted difference is the
/// migrator's bookkeeping: `schema.sql` creates `schema_version` with the chain's history in it, so a
/// database made from it is recorded as migrated; the chain applied by hand records nothing.
@Suite(.serialized, .timeLimit(.minutes(10))) struct CommittedChainTests {
    static let root = TestPostgres.repositoryRoot
    static let bookkeeping = [SchemaCatalog.versionTable, SchemaCatalog.lockTable]

    static func differences(from: TestDatabase, to: TestDatabase) throws -> [String] {
        try Migra.differences(from: from.url, to: to.url, ignoring: bookkeeping)
    }

    /// A database made from `stage`'s schema.sql, and one made by its committed migrations applied
    /// in order, with `removing` (a statement) taken out of the first migration that has it. The
    /// caller drops both.
    static func databases(_ stage: String, removing statement: String? = nil) throws
        -> (fromFile: TestDatabase, byChain: TestDatabase, migrations: [String], removed: Bool) {
        let server = try TestPostgres.server()
        let fromFile = try server.createDatabase(prefix: "schema_sql"), byChain = try server.createDatabase(prefix: "chain")
        let output = root.appendingPathComponent("out/\(stage)")
        try fromFile.runFile(output.appendingPathComponent("schema.sql").path)
        let folder = output.appendingPathComponent(Migration.directory)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".sql") }.sorted()
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("chain-\(UUID().uuidString).sql")
        defer { try? FileManager.default.removeItem(at: scratch) }
        var removed = false
        for file in files {
            var text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            if !removed, let statement, let range = text.range(of: statement) {
                text.removeSubrange(range)
                removed = true
            }
            try text.write(to: scratch, atomically: true, encoding: .utf8)
            try byChain.runFile(scratch.path)
        }
        return (fromFile, byChain, files, removed)
    }

    @Test(arguments: StageSettings.all.map(\.name))
    func theChainBuildsWhatSchemaSQLBuilds(_ stage: String) throws {
        let settings = try #require(StageSettings.all.first { $0.name == stage })
        let (fromFile, byChain, files, _) = try Self.databases(stage)
        defer { fromFile.drop(); byChain.drop() }
        #expect(files.count >= 10, "\(files)")

        let declared = SchemaCatalog.lines(ChatSchema.schema(for: settings))
        #expect(try fromFile.lines(SchemaCatalog.introspectionQuery) == declared)
        #expect(try byChain.lines(SchemaCatalog.introspectionQuery) == declared, "after \(files.last ?? "")")
        let forward = try Self.differences(from: byChain, to: fromFile), backward = try Self.differences(from: fromFile, to: byChain)
        #expect(forward.isEmpty, "migra: the chain misses \(forward)")
        #expect(backward.isEmpty, "migra: schema.sql misses \(backward)")
    }

    /// The comparison is not empty by construction: a chain with one step taken out of a committed
    /// migration (the drop of an index) is told apart, by the catalog and by migra alike.
    @Test func aStepTakenOutOfTheChainIsFound() throws {
        let (fromFile, byChain, _, removed) = try Self.databases("dev", removing: "DROP INDEX IF EXISTS bot_vectors_visibility_idx;")
        defer { fromFile.drop(); byChain.drop() }
        #expect(removed, "the dev chain drops bot_vectors_visibility_idx in some migration")
        #expect(try byChain.lines(SchemaCatalog.introspectionQuery).contains { $0.hasPrefix("index bot_vectors.bot_vectors_visibility_idx ") })
        #expect(try Self.differences(from: byChain, to: fromFile).contains { $0.contains("bot_vectors_visibility_idx") })
    }
}
