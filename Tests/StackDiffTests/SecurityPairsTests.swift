import Foundation
import Testing
import TestSupport

/// Template pairs a pull request could be, each valid for cfn-lint, run through `synth diff` as the
/// review workflow runs it: the JSON report's widening and `--fail-on broadening`'s exit status.
/// Widening in every form the IAM and network views know, and changes that must not be flagged.
@Suite(.timeLimit(.minutes(5))) struct SecurityPairsTests {
    /// A template with a policy, a role, a Lambda permission, bucket and secret policies and a
    /// security group; each pair edits one part of it.
    struct Parts {
        var statements: [String] = []
        var role: [String] = []
        var ingress: [String] = []
        var resources: [String] = []
        var replacing: [(String, String)] = []

        var template: String {
            var text = """
                AWSTemplateFormatVersion: "2010-09-09"
                Parameters:
                  Extra: {Type: String, Default: "no"}
                  ActionName: {Type: String, Default: "s3:GetObject"}
                  Bucket: {Type: String, Default: bucket}
                  Cidr: {Type: String, Default: 10.0.0.0/8}
                Conditions:
                  C: !Equals [!Ref Extra, "yes"]
                Resources:
                \(PolicyTemplates.managedPolicy([SecurityPairsTests.read, SecurityPairsTests.write] + statements))  Role:
                    Type: AWS::IAM::Role
                    Properties:
                      AssumeRolePolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]}
                \(role.map { "      " + $0 + "\n" }.joined())  Invoke:
                    Type: AWS::Lambda::Permission
                    Properties:
                      Action: lambda:InvokeFunction
                      FunctionName: arn:aws:lambda:us-east-1:123456789012:function:chat
                      Principal: apigateway.amazonaws.com
                      SourceArn: arn:aws:execute-api:us-east-1:123456789012:abcdef1234/*
                  BucketPolicy:
                    Type: AWS::S3::BucketPolicy
                    Properties:
                      Bucket: my-bucket
                      PolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {AWS: "arn:aws:iam::123456789012:root"}, Action: s3:GetObject, Resource: "arn:aws:s3:::my-bucket/*"}]}
                  SecretPolicy:
                    Type: AWS::SecretsManager::ResourcePolicy
                    Properties:
                      SecretId: arn:aws:secretsmanager:us-east-1:123456789012:secret:chat-AbCdEf
                      ResourcePolicy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {AWS: "arn:aws:iam::123456789012:root"}, Action: secretsmanager:GetSecretValue, Resource: "*"}]}
                  Group:
                    Type: AWS::EC2::SecurityGroup
                    Properties:
                      GroupDescription: database
                      VpcId: vpc-12345678
                      SecurityGroupIngress:
                        - {IpProtocol: tcp, FromPort: 5432, ToPort: 5432, SourceSecurityGroupId: sg-12345678, Description: app}
                \(ingress.map { "        " + $0 + "\n" }.joined())\(resources.map { "  " + $0 + "\n" }.joined())Outputs:
                  Conditional: {Condition: C, Value: !Ref Extra}
                  Names: {Value: !Join [",", [!Ref ActionName, !Ref Cidr]]}

                """
            for (from, to) in replacing { text = text.replacingOccurrences(of: from, with: to) }
            return text
        }
    }

    static let read = #"- {Sid: Read, Effect: Allow, Action: ["s3:Get*", "s3:List*"], Resource: ["arn:aws:s3:::bucket", "arn:aws:s3:::bucket/*"]}"#
    static let write = #"- {Sid: Write, Effect: Allow, Action: s3:PutObject, Resource: !Sub "arn:${AWS::Partition}:s3:::${Bucket}/*"}"#
    static let deny = #"- {Sid: NoDeletes, Effect: Deny, Action: s3:DeleteObject, Resource: "*"}"#
    static let guarded = #"- {Sid: Secure, Effect: Allow, Action: s3:GetObject, Resource: "arn:aws:s3:::vault/*", Condition: {Bool: {"aws:SecureTransport": "true"}}}"#
    static let unguarded = #"- {Sid: Secure, Effect: Allow, Action: s3:GetObject, Resource: "arn:aws:s3:::vault/*"}"#
    static let boundary = "PermissionsBoundary: arn:aws:iam::123456789012:policy/boundary"
    static let openSSH = "- !If [C, {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}, !Ref AWS::NoValue]"

    /// (name, widens, old, new)
    static let pairs: [(String, Bool, Parts, Parts)] = [
        // IAM: widening in its forms.
        ("admin statement under Fn::If", true, Parts(), Parts(statements: [#"- !If [C, {Sid: Admin, Effect: Allow, Action: "*", Resource: "*"}, !Ref AWS::NoValue]"#])),
        ("action list under Fn::If", true, Parts(), Parts(statements: [#"- {Sid: Maybe, Effect: Allow, Action: !If [C, [s3:GetObject], ["s3:*"]], Resource: "arn:aws:s3:::bucket/*"}"#])),
        ("a wider wildcard action", true, Parts(), Parts(replacing: [(#"Action: ["s3:Get*", "s3:List*"]"#, #"Action: ["s3:*"]"#)])),
        ("another bucket", true, Parts(), Parts(replacing: [(#"Resource: ["arn:aws:s3:::bucket", "arn:aws:s3:::bucket/*"]"#, #"Resource: ["arn:aws:s3:::other/*"]"#)])),
        ("every resource", true, Parts(), Parts(replacing: [(#"Resource: ["arn:aws:s3:::bucket", "arn:aws:s3:::bucket/*"]"#, #"Resource: "*""#)])),
        ("Allow with NotAction", true, Parts(), Parts(statements: [#"- {Sid: AllButDelete, Effect: Allow, NotAction: "s3:DeleteObject", Resource: "arn:aws:s3:::bucket/*"}"#])),
        ("Allow with NotResource", true, Parts(), Parts(statements: [#"- {Sid: AllButVault, Effect: Allow, Action: s3:GetObject, NotResource: "arn:aws:s3:::vault/*"}"#])),
        ("a Deny removed", true, Parts(statements: [deny]), Parts()),
        ("a Condition removed", true, Parts(statements: [guarded]), Parts(statements: [unguarded])),
        ("an action from a parameter", true, Parts(), Parts(statements: [#"- {Sid: Computed, Effect: Allow, Action: !Ref ActionName, Resource: "arn:aws:s3:::bucket/*"}"#])),
        ("a role anyone may assume", true, Parts(), Parts(replacing: [("Principal: {Service: lambda.amazonaws.com}", #"Principal: {AWS: "*"}"#)])),
        ("AdministratorAccess attached", true, Parts(), Parts(role: [#"ManagedPolicyArns: [!Sub "arn:${AWS::Partition}:iam::aws:policy/AdministratorAccess"]"#])),
        ("a permissions boundary removed", true, Parts(role: [boundary]), Parts()),
        ("a permissions boundary changed", true, Parts(role: [boundary]), Parts(role: ["PermissionsBoundary: arn:aws:iam::123456789012:policy/wider"])),
        ("a Lambda permission without its SourceArn", true, Parts(), Parts(replacing: [("      SourceArn: arn:aws:execute-api:us-east-1:123456789012:abcdef1234/*\n", "")])),
        ("a Lambda permission for anyone", true, Parts(), Parts(replacing: [("Principal: apigateway.amazonaws.com", #"Principal: "*""#)])),
        ("a bucket policy for anyone", true, Parts(), Parts(replacing: [(#"PolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {AWS: "arn:aws:iam::123456789012:root"}"#,
                                                                          #"PolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: "*""#)])),
        ("a secret policy for anyone", true, Parts(), Parts(replacing: [(#"ResourcePolicy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {AWS: "arn:aws:iam::123456789012:root"}"#,
                                                                          #"ResourcePolicy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {AWS: "*"}"#)])),
        // Security groups.
        ("ingress from the IPv4 internet", true, Parts(), Parts(ingress: ["- {IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0}"])),
        ("ingress from the IPv6 internet", true, Parts(), Parts(ingress: [#"- {IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIpv6: "::/0"}"#])),
        ("every protocol", true, Parts(), Parts(ingress: [#"- {IpProtocol: "-1", SourceSecurityGroupId: sg-12345678}"#])),
        ("a wider port range", true, Parts(), Parts(replacing: [("FromPort: 5432, ToPort: 5432, SourceSecurityGroupId: sg-12345678", "FromPort: 5000, ToPort: 6000, SourceSecurityGroupId: sg-12345678")])),
        ("a prefix list", true, Parts(), Parts(ingress: ["- {IpProtocol: tcp, FromPort: 5432, ToPort: 5432, SourcePrefixListId: pl-12345678}"])),
        ("SSH from the internet under Fn::If", true, Parts(), Parts(ingress: [openSSH])),
        ("a range from a parameter", true, Parts(), Parts(ingress: ["- {IpProtocol: tcp, FromPort: 5432, ToPort: 5432, CidrIp: !Ref Cidr}"])),
        ("a standalone rule opened under Fn::If", true, Parts(), Parts(resources: [
            "Open:", "  Type: AWS::EC2::SecurityGroupIngress", "  Properties:", "    GroupId: !GetAtt Group.GroupId", "    IpProtocol: tcp",
            "    FromPort: 5432", "    ToPort: 5432", "    CidrIp: !If [C, 0.0.0.0/0, 10.0.0.0/8]",
        ])),
        // Changes that grant nothing new.
        ("nothing changed", false, Parts(), Parts()),
        ("a narrowed action", false, Parts(), Parts(replacing: [(#"Action: ["s3:Get*", "s3:List*"]"#, "Action: [s3:GetObject]")])),
        ("a narrowed resource", false, Parts(), Parts(replacing: [(#"Resource: ["arn:aws:s3:::bucket", "arn:aws:s3:::bucket/*"]"#, #"Resource: ["arn:aws:s3:::bucket/reports/*"]"#)])),
        ("a narrowed !Sub resource", false, Parts(), Parts(replacing: [(#"${Bucket}/*"#, #"${Bucket}/reports/*"#)])),
        ("statements reordered", false, Parts(statements: [deny, guarded]), Parts(statements: [guarded, deny])),
        ("a Deny added", false, Parts(), Parts(statements: [deny])),
        ("a Condition added", false, Parts(statements: [unguarded]), Parts(statements: [guarded])),
        ("a Sid renamed", false, Parts(), Parts(replacing: [("{Sid: Read, ", "{Sid: ReadBucket, ")])),
        ("a permissions boundary added", false, Parts(), Parts(role: [boundary])),
        ("a narrowed port range", false, Parts(replacing: [("FromPort: 5432, ToPort: 5432, SourceSecurityGroupId", "FromPort: 5000, ToPort: 6000, SourceSecurityGroupId")]), Parts()),
        ("a rule's description changed", false, Parts(), Parts(replacing: [("Description: app}", "Description: the chat function}")])),
        ("a conditional rule removed", false, Parts(ingress: [openSSH]), Parts()),
    ]

    func write(_ text: String, _ name: String, in directory: URL) throws -> String {
        let path = directory.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func everyPairIsValidCloudFormationAndJudgedAsExpected() throws {
        #expect(Self.pairs.count >= 30)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("security-pairs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var files: [String] = []
        var written: [(name: String, widens: Bool, old: String, new: String)] = []
        for (index, (name, widens, old, new)) in Self.pairs.enumerated() {
            let oldPath = try write(old.template, "\(index)-old.yaml", in: directory), newPath = try write(new.template, "\(index)-new.yaml", in: directory)
            files += [oldPath, newPath]
            written.append((name, widens, oldPath, newPath))
        }
        // Each side is a template CloudFormation would take (cfn-lint: no errors, no warnings).
        let lint = TestPostgres.repositoryRoot.appendingPathComponent(".venv/bin/cfn-lint")
        guard FileManager.default.isExecutableFile(atPath: lint.path) else {
            throw PythonTool.Failure(description: "\(lint.path) is missing: run scripts/bootstrap.sh to create the virtualenv")
        }
        let linted = try runProgram(lint, ["--format", "parseable", "--"] + files)
        #expect(linted.status == 0, "cfn-lint:\n\(linted.output)")

        let synth = TestPostgres.repositoryRoot.appendingPathComponent(".build/debug/synth")
        for pair in written {
            let json = try runProgram(synth, ["diff", pair.old, pair.new, "--format", "json"])
            let report = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any], "\(pair.name): \(json.output)")
            let stacks = report["stacks"] as? [[String: Any]] ?? []
            let widening = stacks.flatMap { ($0["iam"] as? [[String: Any]] ?? []) + ($0["securityGroups"] as? [[String: Any]] ?? []) }
                .filter { !(($0["broadening"] as? [String]) ?? []).isEmpty }
            #expect(widening.isEmpty != pair.widens, "\(pair.name): widening \(widening)")
            let failOn = try runProgram(synth, ["diff", pair.old, pair.new, "--fail-on", "broadening"])
            #expect(failOn.status == (pair.widens ? 1 : 0), "\(pair.name): exit \(failOn.status)\n\(failOn.output)")
        }
    }
}
