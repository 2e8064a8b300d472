import Testing
@testable import YAML

/// The strings from the CloudFormation YAML 1.1 reference that must be quoted, and some that must not.
enum ReferenceCases {
    static let mustQuote = [
        "yes", "no", "on", "off", "true", "false", "True", "TRUE", "No", "Yes", "YES", "ON", "Off",
        "null", "Null", "NULL", "~", "",
        "0755", "0x1F", "0b101", "1_000", "+1", "-1", "12:30", "1:20:30", "16.10", "1.0", "1.0e+3",
        ".inf", "-.inf", ".nan", "2024-01-01", "2024-01-01T10:00:00Z", "[a]", "{a}", "a #b", " lead", "trail ",
        "<<", "=", "-", "- x", "? q", "key:", "a: b", "*star", "&anchor", "!bang", "%percent", "@at", "`tick",
        "|pipe", ">fold", "'single", "\"double", "#hash", "y", "n", "Y", "N", "1e3", "012345678901", "08", "0o17",
        "5432", "0.5", "-0.5", ".5", "1.", "1e-3", "1E+3",
    ]
    static let staysPlain = [
        "03:00-04:00", "a:b", "a#b", "Tiếng Việt có dấu", "aurora-postgresql", "db.serverless", "AWS::RDS::DBCluster",
        "provided.al2023", "bootstrap", "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
        "10.40.0.0/16", "16.6a", "yesno", "nulls", "0x", "1a", "v16.6", "rds.force_ssl", "sun:04:00-sun:05:00",
    ]
}

@Suite struct ReferenceCasesTests {
    @Test(arguments: ReferenceCases.mustQuote)
    func quotedAndReadBackAsTheSameString(_ text: String) throws {
        let yaml = try Emitter.emit(.mapping([.init("Value", .string(text))]))
        #expect(yaml != "Value: \(text)\n", "emitted plain: \(yaml)")
        #expect(try Parser.parse(yaml)["Value"] == .string(text), "\(yaml)")
    }

    @Test(arguments: ReferenceCases.mustQuote)
    func resolverFlagsIt(_ text: String) {
        #expect(PlainScalarResolver.needsQuotes(text) || !Self.isPlainSyntaxSafe(text), "\(text)")
    }

    @Test(arguments: ReferenceCases.staysPlain)
    func safeStringsStayPlain(_ text: String) throws {
        let yaml = try Emitter.emit(.mapping([.init("Value", .string(text))]))
        #expect(yaml == "Value: \(text)\n")
        #expect(try Parser.parse(yaml)["Value"] == .string(text))
    }

    @Test func yaml11PlainScalarsResolveLikePyYAML() {
        #expect(PlainScalarResolver.kind(of: "0755") == .int)
        #expect(PlainScalarResolver.kind(of: "12:30") == .int)
        #expect(PlainScalarResolver.kind(of: "16.10") == .float)
        #expect(PlainScalarResolver.kind(of: "1.0e+3") == .float)
        #expect(PlainScalarResolver.kind(of: "1e3") == .string)
        #expect(PlainScalarResolver.kind(of: "on") == .bool)
        // YAML 1.1 bools are lower case, capitalized or upper case; mixed case is a string.
        #expect(["False", "OFF", "Yes", "no", "TRUE"].allSatisfy { PlainScalarResolver.kind(of: $0) == .bool })
        #expect(["tRUE", "oN", "FaLse", "nO", "onn", "yess", "t", "Owner"].allSatisfy { PlainScalarResolver.kind(of: $0) == .string })
        #expect(PlainScalarResolver.kind(of: "y") == .string)
        #expect(PlainScalarResolver.kind(of: "~") == .null)
        #expect(PlainScalarResolver.kind(of: "1:77") == .string)
        #expect(PlainScalarResolver.kind(of: "08") == .string)
        #expect(PlainScalarResolver.kind(of: "2024-01-01") == .string)
    }

    /// Strings libyaml cannot write plain (indicators, comments, edge spaces): it quotes those itself.
    static func isPlainSyntaxSafe(_ text: String) -> Bool {
        guard let first = text.first, let last = text.last else { return false }
        if "-?:,[]{}#&*!|>'\"%@`".contains(first) || first == " " || last == " " { return false }
        return !text.contains(": ") && !text.contains(" #") && !text.hasSuffix(":")
    }
}
