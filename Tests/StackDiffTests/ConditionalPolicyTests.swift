import Testing
import YAML
@testable import StackDiff

/// Statements CloudFormation may or may not deploy: each `Fn::If` branch is judged as the statement
/// it would be, named by its condition, and `AWS::NoValue` branches drop out.
@Suite struct ConditionalPolicyTests {
    static func template(_ statements: String) -> String {
        """
        Parameters:
          Extra: {Type: String}
        Conditions:
          C: !Equals [!Ref Extra, "yes"]
          D: !Equals [!Ref Extra, "more"]
        Resources:

        """ + PolicyTemplates.managedPolicy([#"- {Sid: Read, Effect: Allow, Action: s3:GetObject, Resource: "arn:aws:s3:::bucket/*"}"#]
                                             + PolicyTemplates.lines(statements))
    }

    static let base = template("")

    func iam(_ old: String, _ new: String) throws -> [IAMChange] {
        StackDiffer.diff(name: "test", old: try Parser.parse(old), new: try Parser.parse(new)).iam
    }

    @Test func aConditionalAdminStatementIsJudgedInTheBranchThatGrantsIt() throws {
        let changes = try iam(Self.base, Self.template(#"- !If [C, {Sid: Admin, Effect: Allow, Action: "*", Resource: "*"}, !Ref AWS::NoValue]"#))
        #expect(changes.count == 1, "\(changes)")
        let admin = try #require(changes.first)
        #expect(admin.change == .added && admin.when == "when C" && admin.actions == ["*"] && admin.resources == ["*"])
        #expect(admin.broadening.contains("wildcard action") && admin.broadening.contains("Resource \"*\""), "\(admin.broadening)")
        // The other branch is AWS::NoValue: nothing to grant, nothing listed.
        #expect(!changes.contains { $0.when == "when not C" })
    }

    @Test func anActionListUnderIfIsJudgedInEachBranch() throws {
        let changes = try iam(Self.base, Self.template(#"- {Sid: Write, Effect: Allow, Action: !If [C, [s3:PutObject], ["s3:*"]], Resource: "arn:aws:s3:::bucket/*"}"#))
        let byBranch = Dictionary(uniqueKeysWithValues: changes.map { ($0.when ?? "", $0) })
        #expect(byBranch.keys.sorted() == ["when C", "when not C"], "\(changes)")
        #expect(byBranch["when C"]?.actions == ["s3:PutObject"] && byBranch["when C"]?.broadening == ["new actions: s3:PutObject"])
        #expect(byBranch["when not C"]?.broadening.contains("wildcard action") == true)
    }

    @Test func aWholeDocumentUnderIfIsJudgedInEachBranch() throws {
        let old = "Conditions:\n  C: !Equals [a, b]\nResources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n"
            + "        Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]\n"
        let new = old.replacingOccurrences(of: "      AssumeRolePolicyDocument:\n        Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]\n",
            with: "      AssumeRolePolicyDocument: !If\n        - C\n        - Statement: [{Effect: Allow, Principal: {AWS: \"*\"}, Action: sts:AssumeRole}]\n"
                + "        - Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]\n")
        let changes = try iam(old, new)
        let anyone = try #require(changes.first { $0.change == .added && $0.when == "when C" }, "\(changes)")
        #expect(anyone.broadening.contains("new principal: AWS: *"), "\(anyone.broadening)")
    }

    @Test func branchesThatContradictEachOtherAreNotJudged() throws {
        // The inner If asks C again inside C's true branch: only its true branch can be deployed.
        let changes = try iam(Self.base, Self.template(#"- !If [C, {Effect: Allow, Action: !If [C, [s3:PutObject], ["*"]], Resource: "arn:aws:s3:::bucket/*"}, !Ref AWS::NoValue]"#))
        #expect(changes.map(\.actions) == [["s3:PutObject"]], "\(changes)")
    }

    @Test func anActionOrPrincipalTheTemplateComputesCannotBeJudgedAndSaysSo() throws {
        let changes = try iam(Self.base, Self.template(#"- {Effect: Allow, Action: !Ref Extra, Resource: "arn:aws:s3:::bucket/*"}"#))
        #expect(changes.first?.broadening.contains("cannot judge: computed in the template: !Ref Extra") == true, "\(changes)")
    }

    @Test func tooManyBranchesCannotBeJudgedAndSaySo() throws {
        // Seven independent conditions on one statement: 128 ways to resolve it.
        let actions = (1...7).map { #"!If [C\#($0), [s3:Get\#($0)], [s3:Put\#($0)]]"# }.joined(separator: ", ")
        let statement = "- {Effect: Allow, Action: [\(actions)], Resource: \"arn:aws:s3:::bucket/*\"}"
        let changes = try iam(Self.base, Self.template(statement))
        #expect(changes.contains { $0.broadening.contains { $0.hasPrefix("cannot judge: its policies resolve more than 64 ways") } }, "\(changes)")
    }

    @Test func reorderingAndAnUnchangedConditionalStatementAreNotChanges() throws {
        let conditional = #"- !If [C, {Sid: Admin, Effect: Allow, Action: "*", Resource: "*"}, !Ref AWS::NoValue]"#
        let with = Self.template(conditional)
        #expect(try iam(with, with).isEmpty)
        let reordered = with.replacingOccurrences(of: #"Action: s3:GetObject, Resource: "arn:aws:s3:::bucket/*""#,
                                                  with: #"Resource: "arn:aws:s3:::bucket/*", Action: s3:GetObject"#)
        #expect(try iam(with, reordered).isEmpty)
    }
}

/// What counts as widening, judged on IAM's own terms: actions and resources as patterns, Deny and
/// Condition as limits, NotAction and `*` principals as grants of everything else.
@Suite struct PolicySemanticsTests {
    static func policy(_ statements: String) -> String {
        "Resources:\n" + PolicyTemplates.managedPolicy(PolicyTemplates.lines(statements))
    }

    func reasons(_ old: String, _ new: String) throws -> [String] {
        StackDiffer.diff(name: "test", old: try Parser.parse(Self.policy(old)), new: try Parser.parse(Self.policy(new))).iam.flatMap(\.broadening)
    }

    static let read = #"- {Effect: Allow, Action: "s3:*", Resource: "arn:aws:s3:::bucket/*"}"#

    @Test(arguments: [
        // Narrowed actions, by name or by a narrower wildcard, and case does not matter.
        ("narrowed action", #"- {Effect: Allow, Action: s3:GetObject, Resource: "arn:aws:s3:::bucket/*"}"#),
        ("narrower wildcard", #"- {Effect: Allow, Action: "s3:Get*", Resource: "arn:aws:s3:::bucket/*"}"#),
        ("other case", #"- {Effect: Allow, Action: S3:GETOBJECT, Resource: "arn:aws:s3:::bucket/*"}"#),
        ("narrowed resource", #"- {Effect: Allow, Action: "s3:*", Resource: "arn:aws:s3:::bucket/reports/*"}"#),
        ("a Deny added", read + "\n" + #"- {Effect: Deny, Action: s3:DeleteObject, Resource: "*"}"#),
        ("a Condition added", #"- {Effect: Allow, Action: "s3:*", Resource: "arn:aws:s3:::bucket/*", Condition: {Bool: {aws:SecureTransport: "true"}}}"#),
        ("a Sid named", #"- {Sid: Reads, Effect: Allow, Action: "s3:*", Resource: "arn:aws:s3:::bucket/*"}"#),
    ])
    func narrowingIsNotWidening(_ name: String, _ new: String) throws {
        #expect(try reasons(Self.read, new).isEmpty, "\(name)")
    }

    @Test func aSubResourceNarrowedIsNotWidening() throws {
        let old = #"- {Effect: Allow, Action: s3:GetObject, Resource: !Sub "arn:${AWS::Partition}:s3:::${Bucket}/*"}"#
        let new = #"- {Effect: Allow, Action: s3:GetObject, Resource: !Sub "arn:${AWS::Partition}:s3:::${Bucket}/reports/*"}"#
        #expect(try reasons(old, new).isEmpty)
        #expect(try reasons(new, old) == [#"new resources: !Sub arn:${AWS::Partition}:s3:::${Bucket}/*"#])
    }

    @Test(arguments: [
        ("another bucket", #"- {Effect: Allow, Action: "s3:*", Resource: "arn:aws:s3:::other/*"}"#, "new resources: arn:aws:s3:::other/*"),
        ("a wider wildcard", #"- {Effect: Allow, Action: "s*", Resource: "arn:aws:s3:::bucket/*"}"#, "wildcard action"),
        ("every resource", #"- {Effect: Allow, Action: "s3:*", Resource: "*"}"#, "Resource \"*\""),
        ("NotAction", #"- {Effect: Allow, NotAction: "s3:DeleteObject", Resource: "arn:aws:s3:::bucket/*"}"#, "Allow with NotAction grants everything not listed"),
        ("NotResource", #"- {Effect: Allow, Action: "s3:*", NotResource: "arn:aws:s3:::secret/*"}"#, "Allow with NotResource grants everything not listed"),
    ])
    func wideningIsFlagged(_ name: String, _ new: String, _ reason: String) throws {
        let found = try reasons(Self.read, new)
        #expect(found.contains(reason), "\(name): \(found)")
    }

    @Test func removingADenyOrAConditionWidens() throws {
        let deny = #"- {Effect: Deny, Action: s3:DeleteObject, Resource: "*"}"#
        #expect(try reasons(Self.read + "\n" + deny, Self.read) == ["a Deny removed"])
        let guarded = #"- {Effect: Allow, Action: "s3:*", Resource: "arn:aws:s3:::bucket/*", Condition: {Bool: {aws:SecureTransport: "true"}}}"#
        #expect(try reasons(guarded, Self.read) == ["its Condition removed"])
    }

    @Test func aPrincipalOfAnyoneWidens() throws {
        let old = #"- {Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}"#
        for anyone in [#"Principal: "*""#, #"Principal: {AWS: "*"}"#] {
            let new = old.replacingOccurrences(of: "Principal: {Service: lambda.amazonaws.com}", with: anyone)
            #expect(try reasons(old, new).contains("anyone may use it (principal *)"), "\(anyone)")
        }
    }

    @Test func patternsMatchAsIAMDoes() {
        #expect(IAMPattern.covers("s3:Get*", "s3:getobject", caseInsensitive: true))
        #expect(IAMPattern.covers("*", "anything:at-all", caseInsensitive: true))
        #expect(!IAMPattern.covers("s3:Get*", "s3:PutObject", caseInsensitive: true))
        #expect(IAMPattern.covers("arn:aws:s3:::*", "arn:aws:s3:::b/*", caseInsensitive: false))
        #expect(!IAMPattern.covers("arn:aws:s3:::b/*", "arn:aws:s3:::*", caseInsensitive: false))
        #expect(IAMPattern.covers("a?c", "abc", caseInsensitive: false) && !IAMPattern.covers("a?c", "ac", caseInsensitive: false))
        // Many stars against a long value stay fast (no exponential backtracking).
        #expect(!IAMPattern.covers(String(repeating: "*a", count: 200) + "b", String(repeating: "a", count: 5_000), caseInsensitive: false))
    }
}
