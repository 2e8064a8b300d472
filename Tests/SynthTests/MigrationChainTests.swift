import CloudFormation
import Foundation
import SQLSchema
import Stacks
import SynthCore
import Testing

/// The committed migrations as synth sees them: a schema change becomes the next migration, the
/// committed ones are never rewritten, and a chain someone edited or broke stops synth and check.
@Suite struct MigrationChainTests {
    /// A copy of the committed out/, to change without touching the repository.
    func committedOutput() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("synth-\(UUID().uuidString)").path
        try FileManager.default.copyItem(atPath: SynthCheckTests.repositoryRoot + "/out", toPath: path)
        return path
    }

    /// The chat project with dev's schema changed.
    func project(_ change: @escaping @Sendable (inout Schema) -> Void) -> SynthProject {
        var project = chatProject
        project.schemas["dev"] = {
            var schema = ChatSchema.schema(for: .dev)
            change(&schema)
            return schema
        }
        return project
    }

    static func addLanguage(_ schema: inout Schema) {
        guard let index = schema.tables.firstIndex(where: { $0.name == "conversations" }) else { return }
        schema.tables[index].columns.append(Column("language", .text).notNull().default(.sql("'en'")))
    }

    func read(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    @Test func aSchemaChangeWritesTheNextMigrationAndLeavesTheCommittedOnes() throws {
        let out = try committedOutput()
        defer { try? FileManager.default.removeItem(atPath: out) }
        let committed = try FileManager.default.contentsOfDirectory(atPath: out + "/dev/migrations").filter { $0.hasSuffix(".sql") }.sorted()
        let before = try committed.map { try read(out + "/dev/migrations/" + $0) }
        let synthesizer = Synthesizer(project: project(Self.addLanguage))
        let dev = try #require(chatApp.stage(named: "dev"))
        let next = String(format: "%04d_alter_conversations.sql", committed.count + 1)

        #expect(try synthesizer.staleFiles(in: out).map(\.description).contains("dev/migrations/\(next): missing"),
                "check fails until the migration is written")
        let written = try synthesizer.write(dev, to: out)
        #expect(written.changed == ["dev/manifest.json", "dev/migrations/\(next)", "dev/migrations/latest-schema.json", "dev/schema.sql"])
        #expect(try committed.map { try read(out + "/dev/migrations/" + $0) } == before, "committed migrations are never rewritten")
        let migration = try read(out + "/dev/migrations/\(next)")
        #expect(migration.contains("ALTER TABLE conversations ADD COLUMN IF NOT EXISTS language text NOT NULL DEFAULT 'en';"))
        let parsed = try Migration.parse(fileName: next, text: migration)
        #expect(parsed.before == (try Migration.parse(fileName: committed.last!, text: before.last!)).after)
        #expect(try read(out + "/dev/schema.sql").contains("-- version: \(committed.count + 1)"))
        #expect(try synthesizer.write(dev, to: out).changed.isEmpty, "writing again changes nothing")
        #expect(try synthesizer.staleFiles(in: out).filter { $0.path.hasPrefix("dev/") }.isEmpty)
    }

    @Test func anEditedMigrationStopsSynthNamingTheFile() throws {
        let out = try committedOutput()
        defer { try? FileManager.default.removeItem(atPath: out) }
        let file = try #require(try FileManager.default.contentsOfDirectory(atPath: out + "/dev/migrations").filter { $0.hasPrefix("0002_") }.first)
        let path = out + "/dev/migrations/" + file
        try (try read(path)).replacingOccurrences(of: "DEFAULT 0", with: "DEFAULT 1").write(toFile: path, atomically: true, encoding: .utf8)
        #expect {
            _ = try Synthesizer(project: chatProject).staleFiles(in: out)
        } throws: { error in
            let text = "\(error)"
            return text.contains("out/dev/migrations/\(file)") && text.contains("was edited after it was written") && text.contains("git checkout")
        }
    }

    @Test func aMissingSnapshotOrAGapInTheChainIsNamed() throws {
        let out = try committedOutput()
        defer { try? FileManager.default.removeItem(atPath: out) }
        try FileManager.default.removeItem(atPath: out + "/staging/migrations/latest-schema.json")
        let first = try #require(try FileManager.default.contentsOfDirectory(atPath: out + "/prod/migrations").filter { $0.hasPrefix("0001_") }.first)
        try FileManager.default.removeItem(atPath: out + "/prod/migrations/" + first)
        #expect {
            _ = try Synthesizer(project: chatProject).staleFiles(in: out)
        } throws: { error in
            let text = "\(error)"
            return text.contains("out/staging/migrations/latest-schema.json") && text.contains("is missing")
                && text.contains("out/prod/migrations/") && text.contains("without gaps")
        }
    }

    /// Dropping a column the committed schema has, without saying so, is refused where the table is declared.
    @Test func aDestructiveChangeIsRefusedAtSynthTimeWithTheDeclarationsLine() throws {
        let synthesizer = Synthesizer(project: project { schema in
            guard let bots = schema.tables.firstIndex(where: { $0.name == "bot_vectors" }) else { return }
            schema.tables[bots].columns.removeAll { $0.name == "is_starred" }
        })
        let dev = try #require(chatApp.stage(named: "dev"))
        #expect {
            _ = try synthesizer.artifacts(for: dev, committedIn: SynthCheckTests.repositoryRoot + "/out")
        } throws: { error in
            let text = "\(error)"
            return text.contains("stacks/ChatSchema.swift:") && text.contains("column bot_vectors.is_starred")
                && text.contains(#"Dropped.column("is_starred", because: "…")"#)
        }
    }

    /// A step removed from a committed migration, its checksum rewritten to match (as a planner that
    /// forgot the step would have written it): the header still promises the declared catalog, but
    /// the SQL, read and replayed offline, does not get there, and check names the file and the index.
    @Test func aCommittedMigrationMissingAStepFailsCheckNamingIt() throws {
        let out = try committedOutput()
        defer { try? FileManager.default.removeItem(atPath: out) }
        let folder = out + "/dev/migrations/"
        let file = try #require(try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".sql") }.sorted().last)
        var migration = try Migration.parse(fileName: file, text: try read(folder + file))
        let paragraphs = migration.body.components(separatedBy: "\n\n")
        let step = try #require(paragraphs.firstIndex { $0.contains("CREATE INDEX CONCURRENTLY IF NOT EXISTS bot_vectors_spelling_idx") })
        migration.body = paragraphs.enumerated().filter { $0.offset != step }.map(\.element).joined(separator: "\n\n")
        migration.checksum = migration.computedChecksum
        try migration.file(stage: "dev").write(toFile: folder + file, atomically: true, encoding: .utf8)
        #expect {
            _ = try Synthesizer(project: chatProject).staleFiles(in: out)
        } throws: { error in
            let text = "\(error)"
            return text.contains("out/dev/migrations/\(file)") && text.contains("not to \(migration.after) as its header says")
                && text.contains("never made: index bot_vectors.bot_vectors_spelling_idx gin (spelling tsvector_ops)")
                && !text.contains("was edited")
        }
    }
}
