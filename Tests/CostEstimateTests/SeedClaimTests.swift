import CostEstimate
import Foundation
import Stacks
import Templates
import Testing
import TestSupport
import YAML

/// The seeds' own figures, reproduced from templates: the Data API path saves a NAT gateway and
/// VPC endpoints (~$32 + ~$14 a month), and moving the bot store off OpenSearch Serverless saves
/// hundreds a month.
@Suite(.timeLimit(.minutes(5))) struct SeedClaimTests {
    static let root = TestPostgres.repositoryRoot
    static func committed(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    /// The dev app stack moved into the VPC with a NAT gateway and a Secrets Manager endpoint in two zones.
    static func devInAVPC() throws -> String {
        try committed("out/dev/app.yaml").replacingEvery("Resources:\n", with: """
            Resources:
              Nat:
                Type: AWS::EC2::NatGateway
                Properties:
                  SubnetId: !ImportValue chat-dev-database-NetworkPrivateSubnet1
                  ConnectivityType: private
              SecretsEndpoint:
                Type: AWS::EC2::VPCEndpoint
                Properties:
                  VpcEndpointType: Interface
                  ServiceName: !Sub com.amazonaws.${AWS::Region}.secretsmanager
                  VpcId: vpc-1
                  SubnetIds: [subnet-a, subnet-b]

            """)
    }

    func change(_ old: String, _ new: String, stack: String, profile: UsageProfile) throws -> (CostChange, Estimate, Estimate) {
        let models = CostModels(prices: .usEast1, profile: profile)
        let before = models.estimate(name: "dev", stacks: [(stack, TemplateTree(try Parser.parse(old)))])
        let after = models.estimate(name: "dev", stacks: [(stack, TemplateTree(try Parser.parse(new)))])
        return (CostChange.between(before, after), before, after)
    }

    @Test func leavingTheDataAPIForAVPCCostsANATGatewayAndAnEndpoint() throws {
        let profile = try #require(chatUsageProfiles["dev"])
        let (cost, _, _) = try change(try Self.committed("out/dev/app.yaml"), try Self.devInAVPC(), stack: "app", profile: profile)
        // NAT: 730 h × $0.045 = $32.85. Endpoint: 2 AZs × 730 h × $0.01 = $14.60. Together $47.45,
        // the seed's "~$46" ($32 + $14) within its rounding.
        #expect(abs(cost.fixedDelta - (730 * 0.045 + 2 * 730 * 0.01)) < 1e-9)
        #expect(abs(cost.fixedDelta - 46) < 2)
        #expect(cost.headline == "+$47.45/month: adds NAT gateway `Nat`, adds VPC endpoint `SecretsEndpoint`")
    }

    @Test func synthDiffLeadsWithTheCostChange() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cost-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let old = directory.appendingPathComponent("app.yaml").path, new = directory.appendingPathComponent("app-in-vpc.yaml").path
        try Self.committed("out/dev/app.yaml").write(toFile: old, atomically: true, encoding: .utf8)
        try Self.devInAVPC().write(toFile: new, atomically: true, encoding: .utf8)
        let synth = Self.root.appendingPathComponent(".build/debug/synth")
        let markdown = try runProgram(synth, ["diff", old, new, "--format", "markdown"], in: Self.root)
        #expect(markdown.status == 0)
        #expect(markdown.output.contains("#### Cost\n\n+$47.45/month: adds NAT gateway `Nat`, adds VPC endpoint `SecretsEndpoint`\n"), "\(markdown.output)")
        let text = try runProgram(synth, ["diff", old, new], in: Self.root)
        #expect(text.output.contains("+$47.45/month floor, +$47.45/month at the usage profile"), "\(text.output)")
        let json = try runProgram(synth, ["diff", old, new, "--format", "json"], in: Self.root)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
        #expect((report["cost"] as? [String: Any])?["fixedDelta"] as? Double == 47.45, "\(json.output)")
    }

    @Test func replacingOpenSearchServerlessWithTheAuroraSearchTablesSavesHundreds() throws {
        let profile = try #require(chatUsageProfiles["dev"])
        let aurora = try Self.committed("out/dev/database.yaml")
        let withOpenSearch = aurora.replacingEvery("Resources:\n", with: """
            Resources:
              BotStore:
                Type: AWS::OpenSearchServerless::Collection
                Properties: {Name: bots, Type: VECTORSEARCH}
              BotStoreEncryption:
                Type: AWS::OpenSearchServerless::SecurityPolicy
                Properties: {Name: bots, Type: encryption, Policy: '{}'}

            """)
        let (cost, before, after) = try change(withOpenSearch, aurora, stack: "database", profile: profile)
        // 2 OCU × 730 h × $0.24 = $350.40, plus 2 GB × $0.024 of its storage: the seed's bot store
        // moved from $430–630 to $130–200 a month, a saving of $230–500.
        #expect(abs(cost.fixedDelta + (2 * 730 * 0.24 + 2 * 0.024)) < 1e-9)
        #expect(cost.atProfileDelta < -230 && cost.atProfileDelta > -500)
        #expect(cost.headline?.hasPrefix("-$350.45/month: removes OpenSearch Serverless collection `BotStore`") == true)
        print("OpenSearch bot store: \(Money.dollars(before.atProfile))/month; Aurora search tables: \(Money.dollars(after.atProfile))/month")
    }
}
