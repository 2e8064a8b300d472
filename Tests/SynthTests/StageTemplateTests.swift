import CloudFormation
import Stacks
import Testing
import YAML

/// The chat stacks as synthesized, read back from the rendered YAML the way a reviewer sees them.
@Suite struct StageTemplateTests {
    static func templates(_ stage: String) throws -> [String: Node] {
        let definition = try #require(chatApp.stage(named: stage))
        let stacks = try StageSynthesizer.synthesize(app: chatApp, stage: definition)
        var nodes: [String: Node] = [:]
        for stack in stacks { nodes[stack.name] = try Parser.parse(TemplateRenderer.yaml(stack.template)) }
        return nodes
    }

    static func resources(ofType type: String, in template: Node?) -> [Node.Entry] {
        guard case .mapping(let entries, _)? = template?["Resources"] else { return [] }
        return entries.filter { $0.value["Type"] == .string(type) }
    }

    @Test func devFunctionIsOutsideTheVPCAndUsesOnlyTheDataAPIGrant() throws {
        let app = try Self.templates("dev")["app"]
        let function = try #require(Self.resources(ofType: "AWS::Lambda::Function", in: app).first?.value)
        #expect(function["Properties"]?["VpcConfig"] == nil)
        let variables = function["Properties"]?["Environment"]?["Variables"]
        #expect(variables?["MEMORY_BACKEND_TYPE"] == .string("aurora_data_api"))
        #expect(variables?["DB_HOST"] == nil)
        #expect(Self.resources(ofType: "AWS::EC2::SecurityGroup", in: app).isEmpty)
        #expect(Self.resources(ofType: "AWS::EC2::VPCEndpoint", in: app).isEmpty)
        let policies = Self.resources(ofType: "AWS::IAM::Policy", in: app).map(\.key)
        #expect(policies == ["RagFunctionRoleEnvironmentKey", "RagFunctionRoleDataApiAccess"])
        let grant = Self.resources(ofType: "AWS::IAM::Policy", in: app).last?.value["Properties"]?["PolicyDocument"]?["Statement"]
        guard case .sequence(let statements, _)? = grant else { Issue.record("no statements"); return }
        #expect(statements.first?["Resource"] == .string("chat-dev-database-ChatDB-DBClusterArn", tag: "!ImportValue"))
    }

    @Test func prodFunctionIsInTheVPCWithTheIngressRuleAndSecretsManagerEndpoint() throws {
        let templates = try Self.templates("prod")
        let app = templates["app"]
        let function = try #require(Self.resources(ofType: "AWS::Lambda::Function", in: app).first?.value)
        #expect(function["Properties"]?["VpcConfig"]?["SubnetIds"] != nil)
        #expect(function["Properties"]?["Environment"]?["Variables"]?["MEMORY_BACKEND_TYPE"] == .string("postgres"))
        let ingress = try #require(Self.resources(ofType: "AWS::EC2::SecurityGroupIngress", in: app).first?.value["Properties"])
        #expect(ingress["FromPort"] == .int(5432) && ingress["ToPort"] == .int(5432))
        #expect(ingress["SourceSecurityGroupId"] == .string("RagFunctionSecurityGroup.GroupId", tag: "!GetAtt"))
        #expect(ingress["GroupId"] == .string("chat-prod-database-ChatDBSecurityGroup-GroupId", tag: "!ImportValue"))
        #expect(ingress["CidrIp"] == nil)
        let endpoint = try #require(Self.resources(ofType: "AWS::EC2::VPCEndpoint", in: app).first?.value["Properties"])
        #expect(endpoint["ServiceName"] == .string("com.amazonaws.${AWS::Region}.secretsmanager", tag: "!Sub"))
        #expect(!Self.resources(ofType: "AWS::IAM::Policy", in: app).contains { $0.key.hasSuffix("DataApiAccess") })
        let cluster = try #require(Self.resources(ofType: "AWS::RDS::DBCluster", in: templates["database"]).first?.value["Properties"])
        #expect(cluster["DeletionProtection"] == .bool(true))
        #expect(cluster["EnableHttpEndpoint"] == .bool(true))
    }

    @Test func noTemplateHoldsAPasswordOrAWildcardGrant() throws {
        for stage in chatApp.stages.map(\.name) {
            for (name, template) in try Self.templates(stage) {
                let yaml = try Emitter.emit(template)
                #expect(!yaml.contains("MasterUserPassword: '") && !yaml.contains("rds-data:*"), "\(stage)/\(name)")
                for policy in Self.resources(ofType: "AWS::IAM::Policy", in: template) {
                    let text = try Emitter.emit(policy.value)
                    #expect(!text.contains("Resource: '*'") && !text.contains("Action: '*'"), "\(stage)/\(name)/\(policy.key)")
                }
            }
        }
    }

    @Test func stacksDeployDatabaseFirst() throws {
        for stage in chatApp.stages {
            let stacks = try StageSynthesizer.synthesize(app: chatApp, stage: stage)
            #expect(stacks.map(\.name) == ["database", "app"])
            #expect(stacks[1].dependencies == ["database"])
        }
    }
}
