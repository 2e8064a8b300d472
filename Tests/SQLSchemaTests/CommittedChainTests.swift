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

    static func catalog(_ database: TestDatabase) throws -> [String] {
        try database.run(SchemaCatalog.introspectionQuery).split(separator: "\n").map(String.init).sorted()
    }

    @Test(arguments: StageSettings.all.map(\.name))
    func theChainBuildsWhatSchemaSQLBuilds(_ stage: String) throws {
        let settings = try #require(StageSettings.all.first { $0.name == stage })
        let server = try TestPostgres.server()
        let fromFile = try server.createDatabase(prefix: "schema_sql")
        defer { fromFile.drop() }
        let byChain = try server.createDatabase(prefix: "chain")
        defer { byChain.drop() }
        let output = Self.root.appendingPathComponent("out/\(stage)")
        try fromFile.runFile(output.appendingPathComponent("schema.sql").path)
        let folder = output.appendingPathComponent(Migration.directory)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".sql") }.sorted()
        #expect(files.count >= 10, "\(files)")
        for file in files { try byChain.runFile(folder.appendingPathComponent(file).path) }

        let declared = SchemaCatalog.lines(ChatSchema.schema(for: settings))
        #expect(try Self.catalog(fromFile) == declared)
        #expect(try Self.catalog(byChain) == declared, "after \(files.last ?? "")")
        let forward = try Self.differences(from: byChain, to: fromFile), backward = try Self.differences(from: fromFile, to: byChain)
        #expect(forward.isEmpty, "migra: the chain misses \(forward)")
        #expect(backward.isEmpty, "migra: schema.sql misses \(backward)")
    }

    /// The comparison is not empty by construction: a chain with one step taken out of a committed
    /// migration (the drop of an index) is told apart, by the catalog and by migra alike.
    @Test func aStepTakenOutOfTheChainIsFound() throws {
        let server = try TestPostgres.server()
        let fromFile = try server.createDatabase(prefix: "schema_sql")
        defer { fromFile.drop() }
        let byChain = try server.createDatabase(prefix: "chain")
        defer { byChain.drop() }
        let output = Self.root.appendingPathComponent("out/dev")
        try fromFile.runFile(output.appendingPathComponent("schema.sql").path)
        let folder = output.appendingPathComponent(Migration.directory)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".sql") }.sorted()
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("chain-\(UUID().uuidString).sql")
        defer { try? FileManager.default.removeItem(at: scratch) }
        var removed = false
        for file in files {
            var text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            if !removed, let range = text.range(of: "DROP INDEX IF EXISTS bot_vectors_visibility_idx;") {
                text.removeSubrange(range)
                removed = true
            }
            try text.write(to: scratch, atomically: true, encoding: .utf8)
            try byChain.runFile(scratch.path)
        }
        #expect(removed, "the dev chain drops bot_vectors_visibility_idx in some migration")
        #expect(try Self.catalog(byChain).contains { $0.hasPrefix("index bot_vectors.bot_vectors_visibility_idx ") })
        #expect(try Self.differences(from: byChain, to: fromFile).contains { $0.contains("bot_vectors_visibility_idx") })
    }
}
