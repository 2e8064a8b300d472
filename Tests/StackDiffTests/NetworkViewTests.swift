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
