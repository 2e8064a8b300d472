import Testing
@testable import YAML

@Suite struct ParserTests {
    @Test func plainScalarsGetTheirYAML11Meaning() throws {
        let node = try Parser.parse("a: yes\nb: 0755\nc: '0755'\nd: ~\ne: 16.10\nf: !Ref Cluster\ng: 2012-10-17\n")
        #expect(node["a"] == .scalar(Scalar("yes", kind: .bool)))
        #expect(node["b"] == .scalar(Scalar("0755", kind: .int)))
        #expect(node["c"] == .string("0755"))
        #expect(node["d"] == .scalar(Scalar("~", kind: .null)))
        #expect(node["e"] == .scalar(Scalar("16.10", kind: .float)))
        #expect(node["f"] == .string("Cluster", tag: "!Ref"))
        #expect(node["g"] == .string("2012-10-17"))
    }

    @Test func flowCollectionsAndAliases() throws {
        let node = try Parser.parse("base: &b {x: 1}\nlist: [a, *b]\n")
        #expect(node["list"] == .sequence([.string("a"), .mapping([.init("x", .scalar(Scalar("1", kind: .int)))])]))
    }

    @Test func errorsCarryLineAndColumn() {
        #expect {
            try Parser.parse("a: 1\nb: [unclosed\nc: 2\n")
        } throws: { error in
            guard let error = error as? YAMLError else { return false }
            return error.line != nil && error.column != nil && error.description.hasPrefix("line ")
        }
    }

    @Test func duplicateKeysAreRejected() {
        #expect(throws: YAMLError.self) { try Parser.parse("a: 1\na: 2\n") }
    }

    @Test func jsonIsYAML() throws {
        let node = try Parser.parse(#"{"Resources": {"Fn": {"Type": "AWS::Lambda::Function", "Properties": {"Role": {"Fn::GetAtt": ["Role", "Arn"]}}}}}"#)
        #expect(node["Resources"]?["Fn"]?["Type"] == .string("AWS::Lambda::Function"))
    }
}
