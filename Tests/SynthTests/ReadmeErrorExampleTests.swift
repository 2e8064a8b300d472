import CloudFormation
import Foundation
import Stacks
import Testing

/// The error the README opens with is what synth prints for that mistake today: dev's settings with
/// an engine version too old for the capacity it scales to. If the message or the line it points
/// at changes, this names the README line to write.
@Suite struct ReadmeErrorExampleTests {
    @Test func theReadmesOpeningErrorIsWhatSynthPrints() throws {
        var changed = StageSettings.dev
        changed.engineVersion = AuroraEngineVersion(major: 16, minor: 2)
        let settings = changed
        let stage = StageDefinition("dev") {
            let database = DatabaseStack(settings)
            return [database.stack, AppStack(settings, database: database).stack]
        }
        var printed: [String] = []
        do {
            _ = try StageSynthesizer.synthesize(app: chatApp, stage: stage)
        } catch {
            printed = error.all.map(\.printed)
        }
        let scaleToZero = try #require(printed.first { $0.contains("MinCapacity 0 needs") }, "synth no longer refuses it: \(printed)")
        #expect(scaleToZero.hasPrefix("error[cluster.capacity]: stacks/Stages.swift:"), "it points at dev's capacity setting: \(scaleToZero)")
        let readme = try String(contentsOfFile: SynthCheckTests.repositoryRoot + "/README.md", encoding: .utf8)
        #expect(readme.components(separatedBy: "\n").contains(scaleToZero), "README.md's opening example should read:\n\(scaleToZero)")
    }
}
