import Foundation
import JSONText
import SQLSchema
import Stacks
@testable import SynthCore
import Testing

/// `latest-schema.json` is written without JSONEncoder, and must stay byte for byte what JSONEncoder
/// wrote: every stage's schema, and values with the shapes a schema may grow (empty lists and
/// objects, absent optionals, numbers, text that needs escaping).
@Suite struct SnapshotEncodingTests {
    static func foundation(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    @Test func everyStageSchemaIsWrittenAsJSONEncoderWritesIt() throws {
        for stage in StageSettings.all {
            let schema = ChatSchema.schema(for: stage)
            #expect(try StageSchema.snapshot(schema) == Self.foundation(schema) + "\n", "stage \(stage.name)")
        }
    }

    struct Shapes: Encodable {
        var emptyList: [Int] = []
        var emptyObject: [String: Int] = [:]
        var nestedEmpty: [[String]] = [[], ["a"]]
        var absent: String?
        var present: String? = "here"
        var half = 0.5
        var whole = 4.0
        var negative: Int64 = -3
        var flag = true
        var text = "a/b \"q\" \\ \n\t\r \u{1} é 漢"
        var map = ["b": 2, "a": 1, "B": 3]
        var items = [Item(name: "x", tags: []), Item(name: "y", tags: ["t"])]

        struct Item: Encodable { var name: String; var tags: [String] }
    }

    @Test func everyShapeIsWrittenAsJSONEncoderWritesIt() throws {
        #expect(try JSONTreeEncoder.prettyPrinted(Shapes()) == Self.foundation(Shapes()))
    }

    @Test func aNumberJSONCannotHoldIsAnError() {
        struct Bad: Encodable { var value = Double.nan }
        #expect(throws: EncodingError.self) { try JSONTreeEncoder.prettyPrinted(Bad()) }
    }
}
