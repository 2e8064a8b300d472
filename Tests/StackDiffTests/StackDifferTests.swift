import Foundation
import Testing
import YAML
@testable import StackDiff

/// Each rule of the diff on a hand-written pair of templates.
@Suite struct StackDifferTests {
    static let cluster = """
        AWSTemplateFormatVersion: '2010-09-09'
        Resources:
          Cluster:
            Type: AWS::RDS::DBCluster
            DeletionPolicy: Snapshot
            UpdateReplacePolicy: Snapshot
            Properties:
              Engine: aurora-postgresql
              DatabaseName: chat
              DBSubnetGroupName: !Ref Subnets
              ServerlessV2ScalingConfiguration:
                MinCapacity: 0
                MaxCapacity: 4
              Tags:
              - Key: team
                Value: chat
              - Key: stage
                Value: dev
          Writer:
            Type: AWS::RDS::DBInstance
            Properties:
              DBInstanceClass: db.serverless
              DBClusterIdentifier: !Ref Cluster
          Attachment:
            Type: AWS::SecretsManager::SecretTargetAttachment
            Properties:
              SecretId: !Ref Secret
              TargetId: !Ref Cluster
              TargetType: AWS::RDS::DBCluster
          Secret:
            Type: AWS::SecretsManager::Secret
            Properties:
              Description: credentials
          Subnets:
            Type: AWS::RDS::DBSubnetGroup
            Properties:
              DBSubnetGroupDescription: private
              SubnetIds: [subnet-1, subnet-2]
          Policy:
            Type: AWS::IAM::Policy
            Properties:
              PolicyName: data-api
              Roles: [!Ref Role]
              PolicyDocument:
                Version: '2012-10-17'
                Statement:
                - Sid: DataApi
                  Effect: Allow
                  Action: [rds-data:ExecuteStatement, rds-data:BatchExecuteStatement]
                  Resource: !GetAtt Cluster.DBClusterArn
                - Sid: Secret
                  Effect: Allow
                  Action: secretsmanager:GetSecretValue
                  Resource: !Ref Secret
          Role:
            Type: AWS::IAM::Role
            Properties:
              AssumeRolePolicyDocument:
                Statement:
                - Effect: Allow
                  Principal: {Service: lambda.amazonaws.com}
                  Action: sts:AssumeRole
          Group:
            Type: AWS::EC2::SecurityGroup
            Properties:
              GroupDescription: db
              VpcId: vpc-1
              SecurityGroupIngress:
              - {IpProtocol: tcp, FromPort: 5432, ToPort: 5432, SourceSecurityGroupId: sg-app, Description: app}
        """

    func diff(_ old: String, _ new: String) throws -> StackDiffResult {
        StackDiffer.diff(name: "test", old: try Parser.parse(old), new: try Parser.parse(new))
    }

    func edited(_ replacements: [(String, String)]) -> String {
        replacements.reduce(Self.cluster) { $0.replacingOccurrences(of: $1.0, with: $1.1) }
    }

    func resource(_ result: StackDiffResult, _ id: String) throws -> ResourceChange {
        try #require(result.resources.first { $0.logicalId == id }, "\(result.resources.map(\.logicalId))")
    }

    /// A transform is a macro CloudFormation runs over the template: adding or removing one is shown,
    /// whether the template names one or a list.
    @Test func transformsAreShownAddedAndRemoved() throws {
        let plain = "Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n"
        let one = "Transform: AWS::SecretsManager-2020-07-23\n" + plain
        let two = "Transform: [AWS::SecretsManager-2020-07-23, AWS::LanguageExtensions]\n" + plain
        #expect(try diff(plain, one).transforms.map { "\($0.change) \($0.name)" } == ["added AWS::SecretsManager-2020-07-23"])
        #expect(try diff(one, two).transforms.map { "\($0.change) \($0.name)" } == ["added AWS::LanguageExtensions"])
        #expect(try diff(two, plain).transforms.count == 2 && (try diff(one, one).isEmpty))
        let report = DiffReport(stacks: [try diff(plain, one)], schema: [])
        #expect(report.text(color: false).contains("Transforms:\n    + AWS::SecretsManager-2020-07-23"))
        #expect(report.markdown().contains("Transforms:\n\n- + `AWS::SecretsManager-2020-07-23`"))
    }

    @Test func aDatabaseNameChangeReplacesTheClusterAndKeepsASnapshot() throws {
        let result = try diff(Self.cluster, edited([("DatabaseName: chat", "DatabaseName: chat2")]))
        let cluster = try resource(result, "Cluster")
        #expect(cluster.replacement == .always)
        #expect(cluster.properties.first { $0.path == "Properties.DatabaseName" }?.replacement == .always)
        #expect(cluster.dataLoss == "replaced: the old resource is deleted after a final snapshot (policy Snapshot)")
    }

    @Test func minCapacityIsAnInPlaceUpdate() throws {
        let result = try diff(Self.cluster, edited([("MinCapacity: 0", "MinCapacity: 0.5")]))
        #expect(result.resources.map(\.logicalId) == ["Cluster"])
        let cluster = try resource(result, "Cluster")
        #expect(cluster.replacement == .none && cluster.dataLoss == nil)
        #expect(cluster.properties.map(\.path) == ["Properties.ServerlessV2ScalingConfiguration.MinCapacity"])
    }

    @Test func anEngineChangeMayReplace() throws {
        let cluster = try resource(try diff(Self.cluster, edited([("Engine: aurora-postgresql", "Engine: aurora-mysql")])), "Cluster")
        #expect(cluster.replacement == .conditional)
        #expect(cluster.dataLoss?.hasPrefix("may be replaced") == true)
    }

    @Test func nestedCreateOnlyPathsAreClassifiedByTheirFullPath() {
        #expect(ReplacementRules.classify(type: "AWS::EC2::VPCEndpoint", path: ["DnsOptions", "PrivateDnsPreference"]) == .always)
        #expect(ReplacementRules.classify(type: "AWS::EC2::VPCEndpoint", path: ["DnsOptions", "DnsRecordIpType"]) == .none)
        #expect(ReplacementRules.classify(type: "AWS::EC2::VPCEndpoint", path: ["DnsOptions"]) == .always)
        #expect(ReplacementRules.classify(type: "AWS::EC2::VPCEndpoint", path: ["PolicyDocument"]) == .none)
        #expect(ReplacementRules.typeCount > 1_000)
    }

    @Test func aSubnetGroupChangeReplacesTheClusterAndWhatRefersToIt() throws {
        let result = try diff(Self.cluster, edited([("DBSubnetGroupName: !Ref Subnets", "DBSubnetGroupName: other-group")]))
        #expect(try resource(result, "Cluster").replacement == .always)
        let writer = try resource(result, "Writer")
        #expect(writer.replacement == .always)
        #expect(writer.properties.first?.causedBy == "Cluster")
        #expect(writer.dataLoss == nil)
        let attachment = try resource(result, "Attachment")
        #expect(attachment.properties.map(\.path) == ["Properties.TargetId"])
        let policy = try resource(result, "Policy")
        #expect(policy.replacement == .none && policy.properties.first?.causedBy == "Cluster")
    }

    @Test func removingTheSecretLosesData() throws {
        let removed = Self.cluster.replacingOccurrences(of: """
              Secret:
                Type: AWS::SecretsManager::Secret
                Properties:
                  Description: credentials

            """, with: "")
        let secret = try resource(try diff(Self.cluster, removed), "Secret")
        #expect(secret.change == .removed)
        #expect(secret.dataLoss == "removed: the old resource and its data are deleted (policy Delete)")
    }

    @Test(arguments: [
        ("Action: [rds-data:ExecuteStatement, rds-data:BatchExecuteStatement]", "Action: rds-data:*", "wildcard action"),
        ("Resource: !GetAtt Cluster.DBClusterArn", "Resource: '*'", "Resource \"*\""),
    ])
    func widenedStatementsAreFlagged(old: String, new: String, reason: String) throws {
        let result = try diff(Self.cluster, edited([(old, new)]))
        let added = try #require(result.iam.first { $0.change == .added })
        #expect(added.broadening.contains(reason), "\(added.broadening)")
        #expect(result.iam.contains { $0.change == .removed })
    }

    @Test func aNewPrincipalIsFlagged() throws {
        let result = try diff(Self.cluster, edited([("Principal: {Service: lambda.amazonaws.com}", "Principal: {Service: [lambda.amazonaws.com, ec2.amazonaws.com]}")]))
        #expect(result.iam.contains { $0.broadening.contains("new principal: Service: ec2.amazonaws.com") })
    }

    @Test func aRuleOpenedToTheWorldIsFlagged() throws {
        let result = try diff(Self.cluster, edited([("SourceSecurityGroupId: sg-app", "CidrIp: 0.0.0.0/0")]))
        let opened = try #require(result.securityGroups.first { $0.change == .added })
        #expect(opened.openToWorld && opened.ports == "5432" && opened.direction == "ingress")
        #expect(try diff(Self.cluster, edited([("SourceSecurityGroupId: sg-app", "CidrIp: 10.0.0.0/8")])).securityGroups.allSatisfy { !$0.openToWorld })
    }

    @Test func reorderedTagsStatementsAndIdListsAreNotChanges() throws {
        let reordered = edited([
            ("""
              - Key: team
                    Value: chat
                  - Key: stage
                    Value: dev
            """, """
              - Key: stage
                    Value: dev
                  - Key: team
                    Value: chat
            """),
            ("SubnetIds: [subnet-1, subnet-2]", "SubnetIds: [subnet-2, subnet-1]"),
            ("Action: [rds-data:ExecuteStatement, rds-data:BatchExecuteStatement]", "Action: [rds-data:BatchExecuteStatement, rds-data:ExecuteStatement]"),
        ])
        #expect(reordered != Self.cluster)
        let result = try diff(Self.cluster, reordered)
        #expect(result.isEmpty && result.iam.isEmpty, "\(result.resources)")
    }

    @Test func jsonLongFormAndYAMLShortFormOfTheSameTemplateAreEqual() throws {
        let yaml = """
            Resources:
              Fn:
                Type: AWS::Lambda::Function
                Properties:
                  Role: !GetAtt Role.Arn
                  Timeout: 30
                  Description: !Sub "${AWS::StackName} function"
                  Environment:
                    Variables:
                      TABLE: !Ref Table
                      ENABLED: 'true'
            """
        let json = """
            {"Resources": {"Fn": {"Type": "AWS::Lambda::Function", "Properties": {
              "Role": {"Fn::GetAtt": ["Role", "Arn"]}, "Timeout": "30",
              "Description": {"Fn::Sub": "${AWS::StackName} function"},
              "Environment": {"Variables": {"TABLE": {"Ref": "Table"}, "ENABLED": true}}}}}}
            """
        let longYAML = yaml.replacingOccurrences(of: "!GetAtt Role.Arn", with: "{'Fn::GetAtt': Role.Arn}")
        #expect(try diff(yaml, json).isEmpty)
        #expect(try diff(yaml, longYAML).isEmpty)
        #expect(try !diff(yaml, json.replacingOccurrences(of: "\"30\"", with: "31")).isEmpty)
    }

    @Test func typeChangesAndAttributeChanges() throws {
        let result = try diff(Self.cluster, edited([("Type: AWS::RDS::DBSubnetGroup", "Type: AWS::EC2::SubnetGroup"),
                                                    ("UpdateReplacePolicy: Snapshot", "UpdateReplacePolicy: Retain")]))
        let subnets = try resource(result, "Subnets")
        #expect(subnets.replacement == .always && subnets.oldType == "AWS::RDS::DBSubnetGroup")
        // The cluster's subnet group reference now points at a replaced resource.
        let cluster = try resource(result, "Cluster")
        #expect(cluster.properties.map(\.path) == ["UpdateReplacePolicy", "Properties.DBSubnetGroupName"])
        #expect(cluster.properties.last?.causedBy == "Subnets" && cluster.replacement == .always)
    }
}

@Suite struct NestedPathTests {
    static let endpoint = """
        Resources:
          Endpoint:
            Type: AWS::EC2::VPCEndpoint
            Properties:
              VpcId: vpc-1
              ServiceName: com.amazonaws.us-east-1.secretsmanager
              VpcEndpointType: Interface
              DnsOptions:
                DnsRecordIpType: ipv4
                PrivateDnsPreference: ALL_DOMAINS
        """

    func endpointChange(_ from: String, _ to: String) throws -> ResourceChange? {
        let edited = Self.endpoint.replacingOccurrences(of: from, with: to)
        return StackDiffer.diff(name: "t", old: try Parser.parse(Self.endpoint), new: try Parser.parse(edited)).resources.first
    }

    /// `DnsOptions/PrivateDnsPreference` is create-only; its sibling `DnsOptions/DnsRecordIpType` is not.
    @Test func aNestedCreateOnlyPathReplacesOnlyWhenItChanges() throws {
        let nested = try #require(try endpointChange("PrivateDnsPreference: ALL_DOMAINS", "PrivateDnsPreference: VERIFIED_DOMAINS_ONLY"))
        #expect(nested.replacement == .always)
        #expect(nested.properties.map(\.path) == ["Properties.DnsOptions.PrivateDnsPreference"])
        let sibling = try #require(try endpointChange("DnsRecordIpType: ipv4", "DnsRecordIpType: dualstack"))
        #expect(sibling.replacement == .none)
    }
}
