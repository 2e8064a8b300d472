import Testing
@testable import YAML

@Suite struct EmitterTests {
    @Test func blockStyleWithShortFormTags() throws {
        let node = Node.mapping([
            .init("Resources", .mapping([
                .init("Function", .mapping([
                    .init("Type", .string("AWS::Lambda::Function")),
                    .init("Properties", .mapping([
                        .init("Role", .string("Role.Arn", tag: "!GetAtt")),
                        .init("Name", .string("${AWS::StackName}-fn", tag: "!Sub")),
                        .init("Zones", .sequence([.string("0"), .string("", tag: "!GetAZs")], tag: "!Select")),
                        .init("Memory", .int(512)),
                        .init("Enabled", .bool(true)),
                        .init("Empty", .mapping([])),
                    ])),
                ])),
            ])),
        ])
        let yaml = try Emitter.emit(node)
        #expect(yaml == """
            Resources:
              Function:
                Type: AWS::Lambda::Function
                Properties:
                  Role: !GetAtt Role.Arn
                  Name: !Sub ${AWS::StackName}-fn
                  Zones: !Select
                  - '0'
                  - !GetAZs ''
                  Memory: 512
                  Enabled: true
                  Empty: {}

            """)
        #expect(try Parser.parse(yaml) == node)
    }

    @Test func multiLineStringsAreLiteralBlocks() throws {
        let text = "SELECT 1;\nSELECT 2;\n"
        let yaml = try Emitter.emit(.mapping([.init("Sql", .string(text))]))
        #expect(yaml == "Sql: |\n  SELECT 1;\n  SELECT 2;\n")
        #expect(try Parser.parse(yaml)["Sql"] == .string(text))
    }

    @Test func longStringsAreNotFolded() throws {
        let text = String(repeating: "word ", count: 60) + "end"
        let yaml = try Emitter.emit(.mapping([.init("Long", .string(text))]))
        #expect(yaml == "Long: \(text)\n")
    }

    @Test func emojiAndControlCharactersSurvive() throws {
        for text in ["rocket 🚀", "tab\there", "nel\u{85}x", "bell\u{7}", "crlf\r\nline", "\u{2028}sep"] {
            let yaml = try Emitter.emit(.sequence([.string(text)]))
            #expect(try Parser.parse(yaml) == .sequence([.string(text)]), "\(yaml)")
        }
    }
}
