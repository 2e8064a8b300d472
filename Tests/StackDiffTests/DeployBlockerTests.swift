import Foundation
import Testing
import TestSupport
import YAML
@testable import StackDiff

/// The deploys CloudFormation would stop part-way through, predicted on template pairs of a
/// two-stack stage (the committed dev database and app stacks, edited), one case each.
@Suite(.timeLimit(.minutes(5))) struct DeployBlockerTests {
    static let root = TestPostgres.repositoryRoot
    static let database = try! String(contentsOf: root.appendingPathComponent("out/dev/database.yaml"), encoding: .utf8)
    static let app = try! String(contentsOf: root.appendingPathComponent("out/dev/app.yaml"), encoding: .utf8)

    /// A stage of `dev/database` and `dev/app`, old and new, as `synth diff` reads it.
    func stage(from oldDatabase: String = database, database newDatabase: String = database, app newApp: String = app) throws -> DiffReport {
        let stacks = try [("dev/database", oldDatabase, newDatabase), ("dev/app", Self.app, newApp)].map { name, old, new in
            StackTemplates(name: name, stackName: "chat-" + name.replacingOccurrences(of: "/", with: "-"),
                           old: TemplateTree(try Parser.parse(old)), new: TemplateTree(try Parser.parse(new)))
        }
        return DiffReport(stage: stacks, schema: [], usage: .idle, name: "dev")
    }

    func single(_ old: String, _ new: String) throws -> DiffReport {
        DiffReport(stacks: [StackDiffer.diff(name: "test", old: try Parser.parse(old), new: try Parser.parse(new))], schema: [])
    }

    func edit(_ text: String, _ old: String, _ new: String) throws -> String {
        #expect(text.contains(old), "the template no longer contains \(old)")
        return text.replacingOccurrences(of: old, with: new)
    }

    @Test func aDatabaseNameChangeReplacesTheClusterBehindAnExportTheAppImports() throws {
        let report = try stage(database: try edit(Self.database, "DatabaseName: chat", "DatabaseName: chat2"))
        let blocker = try #require(report.blockers.first { $0.export == "chat-dev-database-ChatDB-DBClusterArn" }, "\(report.blockers)")
        #expect(blocker.kind == .exportInUse && blocker.stack == "dev/database" && blocker.resource == "ChatDB")
        #expect(blocker.detail.contains("because ChatDB, which it refers to, is replaced") && blocker.detail.contains("dev/app imports it"))
        #expect(blocker.fix.contains("first make dev/app stop importing chat-dev-database-ChatDB-DBClusterArn"))
        // The cluster's name (its Ref, which the alarms watch) changes with it; the secret and the key
        // are not replaced, so their exports are free to stay.
        #expect(report.blockers.map(\.export) == ["chat-dev-database-ChatDB", "chat-dev-database-ChatDB-DBClusterArn"])
        #expect(report.fails(.blocker) && report.verdict.hasPrefix("2 deploy blockers, "))
    }

    @Test func aRemovedExportThatIsStillImportedBlocks() throws {
        let removed = try edit(Self.database, """
              ExportChatDBSecret:
                Description: ChatDBSecret for the app stack
                Value: !Ref ChatDBSecret
                Export:
                  Name: chat-dev-database-ChatDBSecret

            """, "")
        let report = try stage(database: removed)
        let blocker = try #require(report.blockers.first, "\(report.blockers)")
        #expect(report.blockers.count == 1)
        #expect(blocker.kind == .exportInUse && blocker.export == "chat-dev-database-ChatDBSecret" && blocker.resource == "ExportChatDBSecret")
        #expect(blocker.detail.contains("is removed, but dev/app imports it"))
        #expect(blocker.fix == "keep the export, or stop importing it in dev/app first")
    }

    @Test func aChangedExportThatNobodyImportsIsNoBlocker() throws {
        let exported = try edit(Self.database, "Outputs:\n", """
            Outputs:
              ExportSpare:
                Value: !GetAtt ChatDB.DBClusterArn
                Export:
                  Name: chat-dev-database-Spare

            """)
        let changed = try edit(exported, "    Value: !GetAtt ChatDB.DBClusterArn\n    Export:\n      Name: chat-dev-database-Spare",
                               "    Value: !GetAtt ChatDB.Endpoint.Address\n    Export:\n      Name: chat-dev-database-Spare")
        #expect(ExportsInUse.exports(TemplateTree(try Parser.parse(changed)), stackName: nil)["chat-dev-database-Spare"] != nil)
        #expect(try stage(from: exported, database: changed).blockers.isEmpty)
        // The same change to an export the app imports is a blocker.
        let imported = try edit(Self.database, "Value: !GetAtt ChatDB.DBClusterArn", "Value: !GetAtt ChatDB.Endpoint.Address")
        #expect(try stage(database: imported).blockers.map(\.export) == ["chat-dev-database-ChatDB-DBClusterArn"])
    }

    @Test func exportNamesWithTheStackNameResolve() throws {
        let name = TemplateTree.map(["Fn::Sub": .scalar("${AWS::StackName}-ClusterArn")])
        #expect(ExportsInUse.resolve(name, stackName: "chat-dev-database") == "chat-dev-database-ClusterArn")
        #expect(ExportsInUse.resolve(.map(["Fn::Sub": .scalar("${Cluster}-Arn")]), stackName: "x") == nil)
    }

    static let namedCluster = """
        Resources:
          Cluster:
            Type: AWS::RDS::DBCluster
            Properties:
              DBClusterIdentifier: !Sub ${AWS::StackName}-chat
              Engine: aurora-postgresql
              DatabaseName: chat
          Logs:
            Type: AWS::Logs::LogGroup
            DeletionPolicy: Retain
            Properties:
              LogGroupName: /aws/chat/dev
              KmsKeyId: arn:aws:kms:us-east-1:123456789012:key/old
              RetentionInDays: 30
        """

    @Test func aReplacedResourceThatKeepsItsCustomNameBlocks() throws {
        let report = try single(Self.namedCluster, try edit(Self.namedCluster, "DatabaseName: chat", "DatabaseName: chat2"))
        let blocker = try #require(report.blockers.first, "\(report.blockers)")
        #expect(report.blockers.count == 1)
        #expect(blocker.kind == .customNameReplacement && blocker.resource == "Cluster")
        #expect(blocker.detail.contains("keeps DBClusterIdentifier !Sub ${AWS::StackName}-chat"))
        #expect(blocker.detail.contains("Properties.DatabaseName"))
        // Renaming it in the same change is the fix, and then nothing blocks.
        let renamed = try edit(try edit(Self.namedCluster, "DatabaseName: chat", "DatabaseName: chat2"), "-chat\n", "-chat2\n")
        #expect(try single(Self.namedCluster, renamed).blockers.isEmpty)
    }

    @Test func aLogGroupKeyChangeIsAnUpdateInPlaceSoItsNameIsNoProblem() throws {
        // The Logs provider schema makes only LogGroupName create-only: a new KmsKeyId is associated in place.
        let report = try single(Self.namedCluster, try edit(Self.namedCluster, "key/old", "key/new"))
        let logs = try #require(report.stacks[0].resources.first { $0.logicalId == "Logs" })
        #expect(logs.replacement == .none && report.blockers.isEmpty)
        #expect(ReplacementRules.nameProperty(of: "AWS::Logs::LogGroup") == "LogGroupName")
        #expect(ReplacementRules.nameProperty(of: "AWS::SecretsManager::Secret") == "Name")
        #expect(ReplacementRules.nameProperty(of: "AWS::Lambda::Permission") == nil)
    }

    @Test func aRetainedResourceThatIsRemovedIsLeftBehindAndItsNameStaysTaken() throws {
        let withoutLogs = String(Self.namedCluster[..<Self.namedCluster.range(of: "  Logs:")!.lowerBound])
        let removed = try single(Self.namedCluster, withoutLogs)
        #expect(removed.orphans == [RetainedOrphan(stack: "test", resource: "Logs", type: "AWS::Logs::LogGroup", reason: "removed",
                                                    policy: "Retain", name: "/aws/chat/dev")])
        #expect(removed.blockers.isEmpty && removed.dataLoss == 0)
        #expect(removed.text(color: false).contains("Logs (AWS::Logs::LogGroup /aws/chat/dev) is removed; its policy Retain keeps it"))

        // The same name under a new logical ID collides with the retained group.
        let moved = try edit(Self.namedCluster, "  Logs:\n", "  ChatLogs:\n")
        let blocker = try #require(try single(Self.namedCluster, moved).blockers.first)
        #expect(blocker.kind == .nameCollision && blocker.resource == "ChatLogs")
        #expect(blocker.detail.contains("which Logs still holds: it is removed with DeletionPolicy Retain"))
        // Without a Retain policy the collision is the same: the new group is created before the old one is deleted.
        let deleted = try edit(Self.namedCluster, "    DeletionPolicy: Retain\n", "")
        #expect(try single(deleted, try edit(deleted, "  Logs:\n", "  ChatLogs:\n")).blockers.map(\.kind) == [.nameCollision])
    }

    static let secretsEndpoint = """
        Resources:
          RagFunctionSecretsManagerEndpoint:
            Type: AWS::EC2::VPCEndpoint
            Properties:
              VpcId: !ImportValue chat-staging-database-Network
              ServiceName: !Sub com.amazonaws.${AWS::Region}.secretsmanager
              VpcEndpointType: Interface
              PrivateDnsEnabled: true

        """

    @Test func aNewInterfaceEndpointCannotTakePrivateDNSARemovedOneStillHolds() throws {
        let moved = try edit(Self.secretsEndpoint, "  RagFunctionSecretsManagerEndpoint:\n", "  SecretsManagerEndpoint:\n")
        let blocker = try #require(try single(Self.secretsEndpoint, moved).blockers.first)
        #expect(blocker.kind == .nameCollision && blocker.resource == "SecretsManagerEndpoint")
        #expect(blocker.detail.contains("which RagFunctionSecretsManagerEndpoint still holds") && blocker.fix.contains("PrivateDnsEnabled false"))
        // Without private DNS, or for another service, two endpoints live side by side.
        let quiet = try edit(moved, "PrivateDnsEnabled: true", "PrivateDnsEnabled: false")
        #expect(try single(Self.secretsEndpoint, quiet).blockers.isEmpty)
        let other = try edit(moved, ".secretsmanager", ".logs")
        #expect(try single(Self.secretsEndpoint, other).blockers.isEmpty)
    }

    @Test func retainExceptOnCreateKeepsTheResource() throws {
        let policy = try edit(Self.namedCluster, "DeletionPolicy: Retain", "DeletionPolicy: RetainExceptOnCreate")
        let report = try single(policy, String(policy[..<policy.range(of: "  Logs:")!.lowerBound]))
        #expect(report.orphans.map(\.policy) == ["RetainExceptOnCreate"])
        #expect(report.dataLoss == 0 && report.stacks[0].resources.first?.dataLoss == nil)
        #expect(StatefulResources.note(type: "AWS::Logs::LogGroup", change: "removed", policy: "RetainExceptOnCreate") == nil)
        #expect(StatefulResources.note(type: "AWS::Logs::LogGroup", change: "removed", policy: "Delete") != nil)
    }

    @Test func blockersLeadEveryFormat() throws {
        let report = try stage(database: try edit(Self.database, "DatabaseName: chat", "DatabaseName: chat2"))
        let text = report.text(color: false)
        #expect(text.split(separator: "\n").dropFirst(2).first?.hasPrefix("  ✗ [export-in-use] dev/database:") == true, "\(text)")
        let markdown = report.markdown()
        #expect(markdown.contains("⛔ **2 deploy blockers,"))
        #expect(markdown.range(of: "#### Deploy blockers")!.lowerBound < markdown.range(of: "#### Stack")!.lowerBound)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(try report.json().utf8)) as? [String: Any])
        let blockers = try #require(json["blockers"] as? [[String: String]])
        #expect(blockers.first?["kind"] == "export-in-use" && blockers.first?["export"] == "chat-dev-database-ChatDB")
        #expect(Set(blockers.first?.keys.map { $0 } ?? []) == ["kind", "stack", "resource", "export", "detail", "fix"])
    }

    @Test func failOnBlockerExitsOneWhenThereIsOne() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("blocker-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let old = directory.appendingPathComponent("old.yaml").path, new = directory.appendingPathComponent("new.yaml").path
        try Self.namedCluster.write(toFile: old, atomically: true, encoding: .utf8)
        try Self.namedCluster.replacingOccurrences(of: "DatabaseName: chat", with: "DatabaseName: chat2").write(toFile: new, atomically: true, encoding: .utf8)
        let synth = Self.root.appendingPathComponent(".build/debug/synth")
        let blocked = try runProgram(synth, ["diff", old, new, "--fail-on", "blocker"], in: Self.root)
        #expect(blocked.status == 1 && blocked.output.contains("✗ [custom-name-replacement]"), "\(blocked.output)")
        // A change is not a blocker: the same pair with the name changed too passes.
        try Self.namedCluster.replacingOccurrences(of: "DatabaseName: chat", with: "DatabaseName: chat2")
            .replacingOccurrences(of: "-chat\n", with: "-chat2\n").write(toFile: new, atomically: true, encoding: .utf8)
        #expect(try runProgram(synth, ["diff", old, new, "--fail-on", "blocker"], in: Self.root).status == 0)
    }

    @Test func theCommittedStacksHaveNoBlocker() throws {
        let result = try runProgram(Self.root.appendingPathComponent(".build/debug/synth"), ["diff", "--all", "--fail-on", "blocker", "--format", "json"],
                                    in: Self.root)
        #expect(result.status == 0, "\(result.output)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        #expect((report["blockers"] as? [Any])?.isEmpty == true, "\(result.output.prefix(500))")
    }
}
