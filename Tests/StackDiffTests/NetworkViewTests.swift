import Testing
import YAML
@testable import StackDiff

/// Security-group rules judged for what traffic they let through: inline and standalone, ingress
/// and egress, IPv4, IPv6 and prefix lists, every protocol, port ranges, and `Fn::If` branches.
@Suite struct NetworkViewTests {
    static func template(inline: String, standalone: String = "") -> String {
        """
        Parameters:
          Cidr: {Type: String}
        Conditions:
          C: !Equals [!Ref Cidr, "10.0.0.0/8"]
        Resources:
          Group:
            Type: AWS::EC2::SecurityGroup
            Properties:
              GroupDescription: database
              SecurityGroupIngress:
        \(inline.split(separator: "\n").map { "        " + $0 }.joined(separator: "\n"))
        \(standalone)
        """
    }

    static let app = "- {IpProtocol: tcp, FromPort: 5432, ToPort: 5432, SourceSecurityGroupId: sg-app}"

    func rules(_ old: String, _ new: String) throws -> [SecurityGroupRuleChange] {
        StackDiffer.diff(name: "test", old: try Parser.parse(old), new: try Parser.parse(new)).securityGroups
    }

    func reasons(_ inline: String, standalone: String = "") throws -> [String] {
        try rules(Self.template(inline: Self.app), Self.template(inline: Self.app + "\n" + inline, standalone: standalone)).flatMap(\.broadening)
    }

    @Test(arguments: [
        ("IPv4 world", "- {IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0}", "open to the world (0.0.0.0/0)"),
        ("IPv6 world", "- {IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIpv6: \"::/0\"}", "open to the world (::/0)"),
        ("every protocol", "- {IpProtocol: \"-1\", SourceSecurityGroupId: sg-app}", "every protocol and port"),
        ("a wider port range", "- {IpProtocol: tcp, FromPort: 5000, ToPort: 6000, SourceSecurityGroupId: sg-app}", "new reach: tcp 5000-6000 from sg-app"),
        ("a prefix list", "- {IpProtocol: tcp, FromPort: 5432, ToPort: 5432, SourcePrefixListId: pl-123}", "new reach: tcp 5432 from pl-123"),
        ("a computed range", "- {IpProtocol: tcp, FromPort: 5432, ToPort: 5432, CidrIp: !Ref Cidr}", "cannot judge: the peer is computed in the template: !Ref Cidr"),
    ])
    func wideningRulesAreFlagged(_ name: String, _ rule: String, _ reason: String) throws {
        let found = try reasons(rule)
        #expect(found.contains(reason), "\(name): \(found)")
    }

    @Test func aConditionalRuleIsJudgedInItsBranch() throws {
        let changes = try rules(Self.template(inline: Self.app),
                                Self.template(inline: Self.app + "\n- !If [C, {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}, !Ref AWS::NoValue]"))
        #expect(changes.count == 1 && changes[0].when == "when C" && changes[0].broadening.contains("open to the world (0.0.0.0/0)"), "\(changes)")
    }

    @Test func aStandaloneRuleUnderIfIsJudgedAgainstItsGroup() throws {
        let standalone = """
          Open:
            Type: AWS::EC2::SecurityGroupIngress
            Properties:
              GroupId: !GetAtt Group.GroupId
              IpProtocol: tcp
              FromPort: 5432
              ToPort: 5432
              CidrIp: !If [C, 0.0.0.0/0, 10.0.0.0/8]
        """
        let changes = try rules(Self.template(inline: Self.app), Self.template(inline: Self.app, standalone: standalone))
        let byBranch = Dictionary(uniqueKeysWithValues: changes.map { ($0.when ?? "", $0) })
        #expect(byBranch["when C"]?.broadening.contains("open to the world (0.0.0.0/0)") == true, "\(changes)")
        #expect(byBranch["when not C"]?.broadening == ["new reach: tcp 5432 from 10.0.0.0/8"], "\(changes)")
    }

    @Test func narrowedOrRepeatedReachIsNotWidening() throws {
        let wide = "- {IpProtocol: tcp, FromPort: 5000, ToPort: 6000, SourceSecurityGroupId: sg-app}"
        let narrow = "- {IpProtocol: tcp, FromPort: 5432, ToPort: 5432, SourceSecurityGroupId: sg-app, Description: only the database}"
        #expect(try rules(Self.template(inline: wide), Self.template(inline: narrow)).allSatisfy(\.broadening.isEmpty))
        let everything = "- {IpProtocol: \"-1\", SourceSecurityGroupId: sg-app}"
        #expect(try rules(Self.template(inline: everything), Self.template(inline: narrow)).allSatisfy(\.broadening.isEmpty))
        // A description is not part of what a rule allows.
        #expect(try rules(Self.template(inline: Self.app), Self.template(inline: narrow)).isEmpty)
    }
}

/// Every place a policy lives: resource policies, Lambda permissions, boundaries, managed policies.
@Suite struct PolicyPlacesTests {
    func broadening(_ old: String, _ new: String) throws -> [String] {
        StackDiffer.diff(name: "test", old: try Parser.parse("Resources:\n" + old), new: try Parser.parse("Resources:\n" + new)).iam.flatMap(\.broadening)
    }

    static let permission = """
          Invoke:
            Type: AWS::Lambda::Permission
            Properties:
              Action: lambda:InvokeFunction
              FunctionName: !Ref Function
              Principal: apigateway.amazonaws.com
              SourceArn: !Sub arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*

        """

    @Test func aLambdaPermissionLosingItsSourceArnOrOpenedToAnyoneWidens() throws {
        let unlimited = Self.permission.split(separator: "\n").filter { !$0.contains("SourceArn") }.joined(separator: "\n") + "\n"
        #expect(try broadening(Self.permission, unlimited) == ["its Condition removed"])
        let anyone = Self.permission.replacingOccurrences(of: "Principal: apigateway.amazonaws.com", with: "Principal: \"*\"")
        let reasons = try broadening(Self.permission, anyone)
        #expect(reasons.contains("anyone may use it (principal *)"), "\(reasons)")
        #expect(try broadening(Self.permission, Self.permission).isEmpty)
    }

    static func role(_ extra: String) -> String {
        """
          Role:
            Type: AWS::IAM::Role
            Properties:
              AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]}
        \(extra)
        """
    }

    @Test func aPermissionsBoundaryRemovedOrChangedWidens() throws {
        let bounded = Self.role("      PermissionsBoundary: arn:aws:iam::123456789012:policy/boundary")
        #expect(try broadening(bounded, Self.role("")) == ["permissions boundary removed"])
        #expect(try broadening(bounded, Self.role("      PermissionsBoundary: arn:aws:iam::123456789012:policy/other")) == ["permissions boundary changed"])
        #expect(try broadening(Self.role(""), bounded).isEmpty, "adding a boundary narrows")
    }

    @Test func attachingABroadAWSManagedPolicyIsNamed() throws {
        let admin = Self.role("      ManagedPolicyArns: [!Sub \"arn:${AWS::Partition}:iam::aws:policy/AdministratorAccess\"]")
        let reasons = try broadening(Self.role(""), admin)
        #expect(reasons.contains("attaches the AWS-managed AdministratorAccess: full access to every service and resource"), "\(reasons)")
    }

    @Test func aSecretOrBucketPolicyOpenedToAnyoneWidens() throws {
        let secret = """
          Policy:
            Type: AWS::SecretsManager::ResourcePolicy
            Properties:
              SecretId: !Ref Secret
              ResourcePolicy: {Statement: [{Effect: Allow, Principal: {AWS: PRINCIPAL}, Action: secretsmanager:GetSecretValue, Resource: "*"}]}

        """
        let account = secret.replacingOccurrences(of: "PRINCIPAL", with: "arn:aws:iam::123456789012:root")
        let anyone = secret.replacingOccurrences(of: "PRINCIPAL", with: "\"*\"")
        #expect(try broadening(account, anyone).contains("anyone may use it (principal *)"))
        let bucket = """
          BucketPolicy:
            Type: AWS::S3::BucketPolicy
            Properties:
              Bucket: !Ref Bucket
              PolicyDocument: {Statement: [{Effect: Allow, Principal: "*", Action: s3:GetObject, Resource: "arn:aws:s3:::b/*"}]}

        """
        #expect(try broadening("", bucket).contains("anyone may use it (principal *)"))
    }
}

/// Resource policies the schemas name, beyond the usual IAM, KMS and S3 ones, and documents written as JSON text.
@Suite struct SchemaPolicyPlacesTests {
    @Test func aSearchDomainOpenedToAnyoneWidens() throws {
        let domain = """
            Resources:
              Search:
                Type: AWS::OpenSearchService::Domain
                Properties:
                  AccessPolicies: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {AWS: PRINCIPAL}, Action: "es:ESHttpGet", Resource: "*"}]}

            """
        let account = domain.replacingOccurrences(of: "PRINCIPAL", with: "arn:aws:iam::123456789012:root")
        let anyone = domain.replacingOccurrences(of: "PRINCIPAL", with: "\"*\"")
        let reasons = StackDiffer.diff(name: "test", old: try Parser.parse(account), new: try Parser.parse(anyone)).iam.flatMap(\.broadening)
        #expect(reasons.contains("anyone may use it (principal *)"), "\(reasons)")
    }

    @Test func aDocumentWrittenAsJSONTextIsRead() throws {
        let queue = """
            Resources:
              QueuePolicy:
                Type: AWS::SQS::QueuePolicy
                Properties:
                  Queues: [https://sqs.us-east-1.amazonaws.com/123456789012/q]
                  PolicyDocument: '{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": "*"}]}'

            """
        let changes = StackDiffer.diff(name: "test", old: try Parser.parse("Resources: {}\n"), new: try Parser.parse(queue)).iam
        #expect(changes.first?.actions == ["sqs:SendMessage"] && changes.first?.broadening.contains("anyone may use it (principal *)") == true, "\(changes)")
    }

    @Test func anSNSFilterPolicyIsNotAPolicyDocument() throws {
        let subscription = """
            Resources:
              Sub:
                Type: AWS::SNS::Subscription
                Properties:
                  Protocol: sqs
                  TopicArn: arn:aws:sns:us-east-1:123456789012:t
                  Endpoint: arn:aws:sqs:us-east-1:123456789012:q
                  FilterPolicy: {store: [example_corp]}

            """
        #expect(StackDiffer.diff(name: "test", old: try Parser.parse("Resources: {}\n"), new: try Parser.parse(subscription)).iam.isEmpty)
    }
}
