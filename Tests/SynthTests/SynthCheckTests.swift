import CloudFormation
import Foundation
import SQLSchema
import Stacks
import SynthCore
import Testing

@Suite struct SynthCheckTests {
    static var repositoryRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }

    func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("synth-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func outputIsByteIdenticalAcrossRuns() throws {
        let synthesizer = Synthesizer(project: chatProject)
        for stage in chatApp.stages {
            #expect(try synthesizer.artifacts(for: stage) == synthesizer.artifacts(for: stage))
        }
    }

    @Test func writeThenCheckIsCleanAndWritingAgainChangesNothing() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let synthesizer = Synthesizer(project: chatProject)
        for stage in chatApp.stages { try synthesizer.write(stage, to: directory) }
        #expect(try synthesizer.staleFiles(in: directory).isEmpty)
        for stage in chatApp.stages { let written = try synthesizer.write(stage, to: directory); #expect(written.changed.isEmpty && written.warnings.isEmpty) }
    }

    /// `synth` hands the generated sources the chains it has just written instead of reading them
    /// again: those must be the chains on disk, new migrations included, or the sources go stale.
    @Test func theChainsWrittenAreTheOnesTheGeneratedSourcesReadBack() throws {
        let directory = try temporaryDirectory(), packageRoot = try temporaryDirectory()
        defer { for path in [directory, packageRoot] { try? FileManager.default.removeItem(atPath: path) } }
        let synthesizer = Synthesizer(project: chatProject)
        var written: [String: [Migration]] = [:]
        for stage in chatApp.stages {
            let result = try synthesizer.write(stage, to: directory)
            // An empty folder: each stage's first migration is planned and written in this run.
            #expect(result.changed.contains("\(stage.name)/migrations/0001_initial.sql"), "\(result.changed)")
            written[stage.name] = try #require(result.migrations)
        }
        let fromWritten = try synthesizer.writeGeneratedSources(packageRoot: packageRoot, committedIn: directory, knownMigrations: written)
        #expect(!fromWritten.isEmpty)
        #expect(try synthesizer.staleGeneratedSources(packageRoot: packageRoot, committedIn: directory).isEmpty)
    }

    @Test func checkNamesOutdatedMissingAndUnexpectedFiles() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let synthesizer = Synthesizer(project: chatProject)
        for stage in chatApp.stages { try synthesizer.write(stage, to: directory) }
        try "edited by hand\n".write(toFile: directory + "/dev/app.yaml", atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(atPath: directory + "/prod/manifest.json")
        try "x".write(toFile: directory + "/staging/old.yaml", atomically: true, encoding: .utf8)
        let stale = try synthesizer.staleFiles(in: directory).map(\.description)
        #expect(stale == [
            "dev/app.yaml: differs from what the stacks produce",
            "prod/manifest.json: missing",
            "staging/old.yaml: is not produced by any stage",
        ])
    }

    /// The committed out/ against the stacks with one setting changed: what CI sees when someone edits
    /// a stack and forgets to re-run synth.
    @Test func editingAStackWithoutSynthesizingMakesTheCommittedOutputStale() throws {
        var devSettings = StageSettings.dev
        devSettings.capacity = ServerlessCapacity(minimum: 0, maximum: 8, secondsUntilAutoPause: 1800)
        let settings = devSettings
        var edited = chatApp
        edited.stages[0] = StageDefinition("dev") {
            let database = DatabaseStack(settings)
            return [database.stack, AppStack(settings, database: database).stack]
        }
        let out = Self.repositoryRoot + "/out"
        #expect(try Synthesizer(project: chatProject).staleFiles(in: out).isEmpty, "out/ is stale: run swift run synth --all")
        #expect(try Synthesizer(project: SynthProject(app: edited, schemas: chatProject.schemas, stageDocuments: chatProject.stageDocuments)).staleFiles(in: out).map(\.path)
            == ["dev/app.yaml", "dev/database.yaml"], "the capacity and the alarms on it")
    }
}
