import Testing
@testable import CloudFormation

@Suite struct TemplateValidationTests {
    func errors(@StackBuilder _ build: () -> [any StackContent]) -> [String] {
        TemplateValidator.validate(Stack("test", description: "t", build).template, stack: "test").map { "\($0.subject): \($0.message)" }
    }

    /// A stage's JWT issuer once became a parameter default its own AllowedPattern refuses (cfn-lint
    /// E2015, found by GenerativeStageLintTests); synth now refuses it at the parameter's line.
    @Test func aParameterDefaultMustPassItsOwnRules() {
        let line = #line + 2
        let messages = errors {
            Parameter("Issuer", default: "http://insecure.example.com", allowedPattern: "^https://[^\\s]+$")
            Parameter("Size", default: "large", allowedValues: ["small", "medium"])
            Parameter("Audience", type: "CommaDelimitedList", default: "web,", allowedPattern: "^[a-z]+$")
            Parameter("Fine", default: "https://example.com", allowedPattern: "^https://[^\\s]+$")
        }
        #expect(messages.count == 3, "\(messages)")
        #expect(messages.contains("stack \"test\": parameter \"Issuer\": its default "
                                  + "\"http://insecure.example.com\" does not match its AllowedPattern ^https://[^\\s]+$; change the setting it comes from"), "\(messages)")
        let issuer = TemplateValidator.validate(Stack("test", description: "t") {
            Parameter("Issuer", default: "http://insecure.example.com", allowedPattern: "^https://[^\\s]+$")
        }.template, stack: "test")
        #expect(issuer.map(\.id) == ["parameter.default"])
        #expect(issuer.first?.location?.description == "Tests/CloudFormationTests/TemplateValidationTests.swift:\(line + 9)")
        #expect(messages.contains { $0.contains("parameter \"Size\": its default \"large\" is not one of its AllowedValues") })
        #expect(messages.contains { $0.contains("parameter \"Audience\": its default \"\" does not match") })
    }

    @Test func aReferenceToAMissingResourceNamesItAndSuggestsTheClosest() {
        let messages = errors {
            Role("AppRole")
            Policy("P") { $0.roles = [Typed(unchecked: .intrinsic(.ref("ApRole")))] }
        }
        #expect(messages == [#"stack "test": resource "P": Ref ApRole refers to no resource, parameter or pseudo parameter named "ApRole"; did you mean "AppRole"?"#])
    }

    @Test func getAttOnAParameterOrUnknownResourceIsAnError() {
        let parameter = Parameter("Bucket")
        let messages = errors {
            parameter
            Function("Fn") {
                $0.role = Typed(unchecked: .intrinsic(.getAtt("Missing", attribute: "Arn")))
                $0.code = .init { $0.s3Bucket = Typed(unchecked: .intrinsic(.getAtt("Bucket", attribute: "Arn"))) }
            }
        }
        #expect(messages.count == 2)
        #expect(messages.allSatisfy { $0.contains("refers to no resource named") })
    }

    @Test func subPlaceholdersAreChecked() {
        let messages = errors {
            Role("AppRole") { $0.description = .sub("role ${AppRole} in ${AWS::Region} for ${Missing.Arn}, literal ${!Escaped}") }
            Role("Other") { $0.description = .sub("${Local}", [Field("Local", "x")]) }
        }
        #expect(messages == [#"stack "test": resource "AppRole": ${Missing.Arn} in Fn::Sub refers to no resource, parameter or pseudo parameter named "Missing""#])
    }

    @Test func duplicateAndInvalidLogicalIds() {
        let first = #line + 2
        let messages = errors {
            Role("Same")
            Role("Same")
            Role("has-dash")
        }
        // A duplicate names both places it was declared.
        let file = "Tests/CloudFormationTests/TemplateValidationTests.swift"
        #expect(messages.contains("stack \"test\": resource or parameter \"Same\": declared twice (at \(file):\(first) and \(file):\(first + 1)); "
                                  + "give each resource or parameter its own logical ID"), "\(messages)")
        #expect(messages.contains { $0.contains(#""has-dash": a logical ID must be 1–255 ASCII letters and digits"#) })
    }

    @Test func missingConditionsMappingsAndDependencies() {
        let isProd = ConditionDeclaration("IsProd", .equals("a", "b"))
        let messages = errors {
            Role("A").condition(isProd)
            Role("B") { $0.description = .findInMap(MappingDeclaration("Nope", []), "x", "y") }.dependsOn(Role("Ghost"))
        }
        #expect(messages.contains(#"stack "test": resource "A": condition "IsProd" is not declared"#))
        #expect(messages.contains { $0.contains(#"mapping "Nope" is not declared"#) })
        #expect(messages.contains { $0.contains(#"DependsOn "Ghost" names no resource in this stack"#) })
    }

    @Test func declaredConditionsAndPseudoParametersPass() {
        let isProd = ConditionDeclaration("IsProd", .equals(Pseudo.stackName, "prod"))
        #expect(errors {
            isProd
            Role("A") { $0.description = .if(isProd, Pseudo.region, else: .noValue) }.condition(isProd)
        }.isEmpty)
    }
}

@Suite struct CrossStackTests {
    static func stage(_ build: @escaping @Sendable () -> [Stack]) -> StageDefinition { StageDefinition("test", build: build) }
    static let app = App(name: "demo", stages: [])

    @Test func aReferenceToAnotherStackBecomesAnExportAndAnImport() throws {
        let stacks = try StageSynthesizer.synthesize(app: Self.app, stage: Self.stage {
            let role = Role("SharedRole") { $0.assumeRolePolicyDocument = PolicyDocument { Statement(principal: Statement.service("lambda.amazonaws.com"), actions: ["sts:AssumeRole"]) } }
            let consumer = Stack("consumer", description: "c") {
                Policy("P") {
                    $0.policyName = .sub("p-${SharedRole.Arn}-${AWS::Region}")
                    $0.roles = [role.ref]
                    $0.policyDocument = PolicyDocument { Statement(actions: ["logs:CreateLogGroup"], resources: ["*"]) }
                }
            }
            return [consumer, Stack("producer", description: "p") { role }]
        })
        #expect(stacks.map(\.name) == ["producer", "consumer"])
        #expect(stacks[1].dependencies == ["producer"])
        let policy = try #require(stacks[1].template.resource("P"))
        #expect(policy.properties.first { $0.key == "Roles" }?.value == [.importValue("demo-test-producer-SharedRole")])
        #expect(policy.properties.first { $0.key == "PolicyName" }?.value
            == .sub("p-${SharedRoleArn}-${AWS::Region}", [Field("SharedRoleArn", .importValue("demo-test-producer-SharedRole-Arn"))]))
        let outputs = stacks[0].template.outputs
        // In the order the consumer's properties use them (PolicyName is set before Roles).
        #expect(outputs.map(\.name) == ["ExportSharedRoleArn", "ExportSharedRole"])
        #expect(outputs.map(\.exportName) == [.string("demo-test-producer-SharedRole-Arn"), .string("demo-test-producer-SharedRole")])
    }

    @Test func aCycleBetweenStacksIsAnError() {
        #expect {
            _ = try StageSynthesizer.synthesize(app: Self.app, stage: Self.stage {
                let a = Role("RoleA") { $0.description = Typed(unchecked: .intrinsic(.ref("RoleB"))) }
                let b = Role("RoleB") { $0.description = Typed(unchecked: .intrinsic(.ref("RoleA"))) }
                return [Stack("one", description: "1") { a }, Stack("two", description: "2") { b }]
            })
        } throws: { error in
            (error as? Diagnostics)?.description.contains("stacks refer to each other in a cycle (") == true
        }
    }

    @Test func constructDiagnosticsStopSynthesisAndNameTheStack() {
        #expect {
            _ = try StageSynthesizer.synthesize(app: Self.app, stage: Self.stage {
                [Stack("database", description: "d") { Fixtures.cluster(version: .init(major: 15, minor: 2)) }]
            })
        } throws: { error in
            (error as? Diagnostics)?.description.contains(#"stage "test": stack "database": AuroraServerlessCluster "ChatDB": the Data API"#) == true
        }
    }
}

@Suite struct RenderingTests {
    @Test func shortFormTagsAndLongFormWhereTagsWouldNest() throws {
        let yaml = try TemplateRenderer.yaml(Stack("s", description: "d") {
            Role("R") {
                $0.description = .importValue(.sub("${AWS::StackName}-x"))
                $0.path = .base64("plain")
            }
        }.template)
        #expect(yaml.contains("Description:\n        Fn::ImportValue: !Sub ${AWS::StackName}-x\n"), "\(yaml)")
        #expect(yaml.contains("Path: !Base64 plain\n"), "\(yaml)")
    }

    @Test func tagsAreSortedByKey() throws {
        let tags: Tags = ["b": "2", "a": "1"]
        #expect(tags.value == [["Key": "a", "Value": "1"], ["Key": "b", "Value": "2"]])
    }
}
