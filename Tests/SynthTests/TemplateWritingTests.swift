import CloudFormation
import Stacks
import Testing
@testable import YAML

/// Every stage's templates are written without libyaml, and exactly as libyaml writes them: the
/// committed templates were written by libyaml, and `synth check` compares them byte for byte.
@Suite struct TemplateWritingTests {
    @Test func everyStageTemplateIsWrittenAsLibyamlWritesIt() throws {
        for stage in chatApp.stages {
            for stack in try StageSynthesizer.synthesize(app: chatApp, stage: stage) {
                let node = TemplateRenderer.node(stack.template)
                let ours = try #require(BlockWriter.write(node), "\(stage.name)/\(stack.name) was left to libyaml")
                #expect(ours == (try Emitter.emitThroughLibyaml(node)), "\(stage.name)/\(stack.name)")
            }
        }
    }
}
