@testable import CloudFormation
import Stacks
import Testing
@testable import YAML

/// Every stage's templates are written without libyaml and without a tree, and exactly as libyaml
/// writes the tree the same description builds: the committed templates were written by libyaml,
/// and `synth check` compares them byte for byte.
@Suite struct TemplateWritingTests {
    @Test func everyStageTemplateIsWrittenAsLibyamlWritesIt() throws {
        for stage in chatApp.stages {
            for stack in try StageSynthesizer.synthesize(app: chatApp, stage: stage) {
                let document = TemplateDocument(template: stack.template)
                let ours = try #require(BlockWriter.write(document), "\(stage.name)/\(stack.name) was left to libyaml")
                #expect(ours == (try Emitter.emitThroughLibyaml(NodeBuilder.node(document))), "\(stage.name)/\(stack.name)")
                #expect(ours == BlockWriter.write(TemplateRenderer.node(stack.template)), "\(stage.name)/\(stack.name): the tree's writing differs")
            }
        }
    }

    /// Every intrinsic function, nested in the ways that change its form: a one-argument function
    /// of a tagged argument takes the long form (`Fn::Base64: !Sub …`), `!Not` takes its list's place.
    /// Written straight, written through the tree by libyaml, and as CloudFormation's short form reads.
    @Test func intrinsicsAreWrittenInTheirShortForm() throws {
        let sub: Value = .intrinsic(.sub("${AWS::Region}-${A}", variables: [Field("A", .intrinsic(.ref("P")))]))
        var template = Template()
        template.resources = [GenericResource("R", type: "AWS::X::Y", properties: [
            Field("LongForm", .intrinsic(.base64(sub))),
            Field("ShortForm", .intrinsic(.base64("plain"))),
            Field("Zones", .intrinsic(.getAZs(.intrinsic(.ref("AWS::Region"))))),
            Field("Not", .intrinsic(.not([.intrinsic(.equals(.intrinsic(.ref("E")), "prod"))]))),
            Field("Cidr", .intrinsic(.cidr(.intrinsic(.getAtt("V", attribute: "CidrBlock")), count: 4, cidrBits: 8))),
            Field("Join", .intrinsic(.join(delimiter: ",", [.intrinsic(.select(index: 0, .intrinsic(.split(delimiter: ",", "a,b")))), 5, 0.5, true]))),
            Field("If", .intrinsic(.if(condition: "C", .intrinsic(.findInMap(map: "M", "k", .intrinsic(.ref("AWS::Region")))), .intrinsic(.importValue("x"))))),
            Field("And", .intrinsic(.and([.intrinsic(.or([.intrinsic(.condition("A")), .intrinsic(.condition("B"))])), .intrinsic(.condition("C"))]))),
            Field("Empty", .object([Field("List", []), Field("Map", [:])])),
        ])]
        let expected = """
            AWSTemplateFormatVersion: '2010-09-09'
            Resources:
              R:
                Type: AWS::X::Y
                Properties:
                  LongForm:
                    Fn::Base64: !Sub
                    - ${AWS::Region}-${A}
                    - A: !Ref P
                  ShortForm: !Base64 plain
                  Zones:
                    Fn::GetAZs: !Ref AWS::Region
                  Not: !Not
                  - !Equals
                    - !Ref E
                    - prod
                  Cidr: !Cidr
                  - !GetAtt V.CidrBlock
                  - 4
                  - 8
                  Join: !Join
                  - ','
                  - - !Select
                      - '0'
                      - !Split
                        - ','
                        - a,b
                    - 5
                    - 0.5
                    - true
                  If: !If
                  - C
                  - !FindInMap
                    - M
                    - k
                    - !Ref AWS::Region
                  - !ImportValue x
                  And: !And
                  - !Or
                    - !Condition A
                    - !Condition B
                  - !Condition C
                  Empty:
                    List: []
                    Map: {}

            """
        let document = TemplateDocument(template: template)
        #expect(BlockWriter.write(document) == expected)
        #expect(try Emitter.emitThroughLibyaml(NodeBuilder.node(document)) == expected)
    }
}
