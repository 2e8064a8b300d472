import Foundation
import Testing
@testable import YAML
import TestSupport

/// Every generated string, written by the emitter, must read back as the same string: through this
/// project's parser and through PyYAML with CloudFormation's tags registered, which is how
/// CloudFormation tooling reads templates.
@Suite(.timeLimit(.minutes(5))) struct RoundTripPropertyTests {
    static let count = 10_000

    static func corpus() -> [String] {
        var generator = StringGenerator(seed: 0x5EED_CAFE)
        return ReferenceCases.mustQuote + ReferenceCases.staysPlain + (0..<count).map { _ in generator.string() }
    }

    static func document(_ strings: [String]) -> Node {
        // Strings as values, as mapping keys and under a short-form tag.
        .mapping([
            .init("values", .sequence(strings.map { .string($0) })),
            .init("keys", .mapping(strings.enumerated().map { .init("\($0.offset)|\($0.element)", .int($0.offset)) })),
            .init("tagged", .sequence(strings.map { .string($0, tag: "!Sub") })),
        ])
    }

    @Test func swiftParserReadsBackEveryString() throws {
        let strings = Self.corpus()
        let yaml = try Emitter.emit(Self.document(strings))
        let parsed = try Parser.parse(yaml)
        guard case .sequence(let values, _)? = parsed["values"], case .mapping(let keys, _)? = parsed["keys"],
              case .sequence(let tagged, _)? = parsed["tagged"] else {
            Issue.record("unexpected document shape")
            return
        }
        #expect(values.count == strings.count)
        for (index, text) in strings.enumerated() {
            #expect(values[index] == .string(text), "value \(index): \(text.debugDescription)")
            #expect(keys[index].key == "\(index)|\(text)", "key \(index): \(text.debugDescription)")
            #expect(tagged[index] == .string(text, tag: "!Sub"), "tagged \(index): \(text.debugDescription)")
        }
    }

    @Test func pyYAMLReadsBackEveryString() throws {
        let strings = Self.corpus()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("yaml-roundtrip-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let yamlFile = directory.appendingPathComponent("doc.yaml")
        let expectedFile = directory.appendingPathComponent("expected.hex")
        try Emitter.emit(Self.document(strings)).write(to: yamlFile, atomically: true, encoding: .utf8)
        let hex = strings.map { $0.utf8.map { String(format: "%02x", $0) }.joined() }.joined(separator: "\n")
        try hex.write(to: expectedFile, atomically: true, encoding: .utf8)

        let result = try PythonTool.run(script: "yaml_roundtrip_check.py", arguments: [yamlFile.path, expectedFile.path])
        #expect(result.status == 0, "PyYAML disagreed:\n\(result.output)")
        #expect(result.output.contains("\(strings.count) strings read back"), "\(result.output)")
    }
}
