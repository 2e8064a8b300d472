import CloudFormation
import Testing

/// The provider schemas' value constraints, checked at synth time where the values are known, with
/// the line of the resource's declaration and the stage.
@Suite struct PropertyRuleTests {
    func errors(_ line: Int = #line, @StackBuilder _ content: @escaping @Sendable () -> [any StackContent]) -> [String] {
        do {
            _ = try StageSynthesizer.synthesize(app: App(name: "demo", stages: []), stage: StageDefinition("prod") {
                [Stack("app", description: "rules", content)]
            })
            return []
        } catch {
            return error.all.map(\.description)
        }
    }

    /// The README once showed this endpoint; cfn-lint then said E3003 'VpcId' is a required property.
    @Test func aMissingRequiredPropertyIsAnErrorAtTheResourcesLine() throws {
        let line = #line + 2
        let found = errors {
            VPCEndpoint("S3") { $0.vpcEndpointType = .gateway }
        }
        #expect(found == ["Tests/CloudFormationTests/PropertyRuleTests.swift:\(line): stage \"prod\": stack \"app\": resource \"S3\" (AWS::EC2::VPCEndpoint): "
                          + "Properties: VpcId is required; set it (the resource provider schema's rule)"], "\(found)")
    }

    @Test func aPatternALengthAndARangeAreCheckedOnLiterals() throws {
        let found = errors {
            LogGroup("Logs") { $0.logGroupName = "chat logs" }
            Queue("Jobs") { $0.delaySeconds = 901 }
            Queue("Tagged") { $0.tags = Tags([("k", .string(String(repeating: "v", count: 257)))]) }
        }
        #expect(found.count == 3, "\(found)")
        #expect(found.contains { $0.contains("resource \"Logs\"") && $0.contains("Properties.LogGroupName: \"chat logs\" does not match the pattern ^[.\\-_/#A-Za-z0-9]{1,512}\\Z") })
        #expect(found.contains { $0.contains("resource \"Jobs\"") && $0.contains("Properties.DelaySeconds: 901 is above the maximum 900") })
        #expect(found.contains { $0.contains("resource \"Tagged\"") && $0.contains("Properties.Tags[0].Value:") && $0.contains("is longer than 256 characters") })
    }

    @Test func exactlyOneOfAGroupAndIntrinsicsLeftToCloudFormation() throws {
        let found = errors {
            let group = SecurityGroup("Group") { $0.groupDescription = "g" }
            group
            SecurityGroupIngress("Both") {
                $0.groupId = group.groupId
                $0.ipProtocol = "tcp"
                $0.cidrIp = "10.0.0.0/8"
                $0.sourceSecurityGroupId = group.groupId
            }
            SecurityGroupIngress("Neither") {
                $0.groupId = group.groupId
                $0.ipProtocol = "tcp"
            }
            LogGroup("Named") { $0.logGroupName = .sub("/chat/${AWS::StackName} logs") }
        }
        #expect(found.count == 2, "\(found)")
        #expect(found.contains { $0.contains("\"Both\"") && $0.contains("exactly one of CidrIp, CidrIpv6, SourcePrefixListId, SourceSecurityGroupId, SourceSecurityGroupName must be set; CidrIp, SourceSecurityGroupId are") })
        #expect(found.contains { $0.contains("\"Neither\"") && $0.contains("exactly one of") })
    }

    /// A pattern Swift's Regex cannot compile would be skipped without a word; every one compiles.
    @Test func everySchemaPatternCompiles() throws {
        var patterns = 0
        for resourceType in PropertyRule.resourceTypes {
            for rule in PropertyRule.rules(for: resourceType) {
                guard case .pattern(let pattern) = rule.check else { continue }
                patterns += 1
                #expect(throws: Never.self, "\(resourceType) \(rule.path): \(pattern)") { _ = try Regex(pattern) }
            }
        }
        #expect(patterns > 50)
        #expect(PropertyRule.uncheckedPatterns == ["AWS::Lambda::Function Code/S3Bucket"], "a new lookbehind pattern is left to cfn-lint; list it here")
    }
}
