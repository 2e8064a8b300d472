import Foundation
import Spawn
import Testing

/// The typed resources turn wrong property values into compile errors. Each snippet is type-checked
/// by `swiftc` against the CloudFormation module this test target was built with; a control snippet
/// that must compile shows the command works, so a failure below is the type error and nothing else.
@Suite(.timeLimit(.minutes(3))) struct TypeErrorTests {
    /// `.build/<triple>/debug`, where the test bundle and the built modules are.
    static let buildDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    func typecheck(_ body: String) throws -> (ok: Bool, errors: String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("typecheck-\(UUID().uuidString).swift")
        try ("import CloudFormation\n" + body + "\n").write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let modules = Self.buildDirectory + "/Modules"
        #expect(FileManager.default.fileExists(atPath: modules + "/CloudFormation.swiftmodule"), "no CloudFormation module in \(modules)")
        let result = try ChildProcess.run("swiftc", [
            "-typecheck", "-I", modules, "-Xcc", "-fmodule-map-file=\(Self.repository)/Sources/CYAML/module.modulemap", file.path,
        ], standardError: .combinedWithOutput, timeLimitSeconds: 120)
        return (result.status == 0, result.outputText)
    }

    @Test func wellTypedPropertiesCompile() throws {
        let result = try typecheck("""
            let cluster = DBCluster("Cluster") {
                $0.enableHttpEndpoint = true
                $0.port = 5432
                $0.serverlessV2ScalingConfiguration = .init { $0.minCapacity = 0.5; $0.maxCapacity = 4 }
            }
            let endpoint = VPCEndpoint("Endpoint") { $0.vpcEndpointType = .gateway }
            let function = Function("Fn") { $0.environment = .init { $0.variables = ["HOST": .init(cluster.endpointAddress)] } }
            """)
        #expect(result.ok, "\(result.errors)")
    }

    /// The compiler says "'Int' conform to 'StringLiteralKind'" for `$0.port = "5432"`; the property's
    /// own documentation, which editors show beside it, says plainly what it takes.
    @Test func eachPropertysDocumentationSaysWhatItTakes() throws {
        let rds = try String(contentsOfFile: Self.repository + "/Sources/CloudFormation/Generated/RDS.swift", encoding: .utf8)
        let port = try #require(rds.range(of: "public var port: Typed<Int>?"))
        let before = rds[..<port.lowerBound].components(separatedBy: "\n").suffix(4).joined(separator: "\n")
        #expect(before.contains("/// Takes: an integer (`5432`, not `\"5432\"`)"), "\(before)")
        let ec2 = try String(contentsOfFile: Self.repository + "/Sources/CloudFormation/Generated/EC2.swift", encoding: .utf8)
        #expect(ec2.contains("/// Takes: one of the cases of `VpcEndpointType` (`.interface`)"))
    }

    @Test(arguments: [
        (#"DBCluster("C") { $0.enableHttpEndpoint = "yes" }"#, "requires that 'Bool' conform to 'StringLiteralKind'"),
        (#"DBCluster("C") { $0.port = "5432" }"#, "requires that 'Int' conform to 'StringLiteralKind'"),
        ("let c = DBCluster(\"C\")\nlet d = DBCluster(\"D\") { $0.port = c.endpointAddress }", "cannot assign value of type 'Typed<String>' to type 'Typed<Int>'"),
        (#"VPCEndpoint("E") { $0.vpcEndpointType = "Gateway" }"#, "conform to 'StringLiteralKind'"),
        ("let g = SecurityGroup(\"G\")\nlet e = VPCEndpoint(\"E\") { $0.securityGroupIds = g.groupId }", "cannot assign value of type 'Typed<String>' to type 'Typed<[String]>'"),
        (#"Alarm("A") { $0.comparisonOperator = .notBreaching }"#, "notBreaching"),
    ])
    func wrongTypesDoNotCompile(snippet: String, diagnostic: String) throws {
        let result = try typecheck("let _ = {\n\(snippet)\n}")
        #expect(!result.ok, "compiled: \(snippet)")
        #expect(result.errors.contains(diagnostic), "\(result.errors)")
    }
}
