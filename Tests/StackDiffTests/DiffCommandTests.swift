import Foundation
import Testing
import TestSupport

/// `synth diff` as a reviewer or CI runs it: formats, exit codes, unreadable input.
@Suite(.timeLimit(.minutes(5))) struct DiffCommandTests {
    static let root = TestPostgres.repositoryRoot

    func synth(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let binary = Self.root.appendingPathComponent(".build/debug/synth")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else { throw PythonTool.Failure(description: "\(binary.path) is missing: run swift build first") }
        return try runProgram(binary, arguments, in: Self.root)
    }

    func pair(_ edit: (String) -> String) throws -> (String, String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("diff-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let template = try String(contentsOf: Self.root.appendingPathComponent("out/dev/database.yaml"), encoding: .utf8)
        let old = directory.appendingPathComponent("old.yaml").path, new = directory.appendingPathComponent("new.yaml").path
        try template.write(toFile: old, atomically: true, encoding: .utf8)
        try edit(template).write(toFile: new, atomically: true, encoding: .utf8)
        return (old, new)
    }

    @Test func formatsAndFailOn() throws {
        let (old, new) = try pair { $0.replacingOccurrences(of: "DatabaseName: chat", with: "DatabaseName: chat2") }
        let text = try synth(["diff", old, new])
        #expect(text.status == 0)
        #expect(text.output.contains("~ ChatDB (AWS::RDS::DBCluster) REPLACED"), "\(text.output)")
        #expect(!text.output.contains("\u{1B}["), "no colour when not on a terminal")
        let markdown = try synth(["diff", old, new, "--format", "markdown"])
        #expect(markdown.output.contains("| ~ | `ChatDB` | AWS::RDS::DBCluster | always |"), "\(markdown.output)")
        #expect(markdown.output.contains("<details>"))
        let json = try synth(["diff", old, new, "--format", "json"])
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
        let stacks = try #require(parsed["stacks"] as? [[String: Any]])
        let resources = try #require(stacks.first?["resources"] as? [[String: Any]])
        let cluster = try #require(resources.first { $0["logicalId"] as? String == "ChatDB" })
        #expect(cluster["replacement"] as? String == "always" && cluster["dataLoss"] as? Bool == true && cluster["change"] as? String == "modified")
        #expect(((cluster["properties"] as? [[String: Any]])?.first?["path"] as? String) == "Properties.DatabaseName")
        for key in ["iam", "securityGroups", "parameters", "outputs"] { #expect(stacks.first?[key] is [Any]) }
        #expect(parsed["schema"] is [Any])

        let statuses = try [["replacement"], ["data-loss"], ["broadening"], ["sometimes"]].map { try synth(["diff", old, new, "--fail-on"] + $0).status }
        #expect(statuses == [1, 1, 0, 2])
        let unchanged = try synth(["diff", old, old, "--fail-on", "any"])
        #expect(unchanged.status == 0)
    }

    @Test func anUnreadableTemplateExitsTwoWithFileLineAndColumn() throws {
        let (old, new) = try pair { $0 + "  Broken: [unclosed\n" }
        let result = try synth(["diff", old, new])
        #expect(result.status == 2)
        #expect(result.output.contains("\(new):"), "\(result.output)")
        #expect(result.output.range(of: #"new\.yaml:\d+:\d+: "#, options: .regularExpression) != nil, "\(result.output)")
    }

    @Test func theCommittedStagesDiffCleanAgainstTheirOwnRevision() throws {
        let result = try synth(["diff", "--all", "--base", "HEAD", "--fail-on", "any"])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.hasPrefix("No changes."))
        let unknown = try synth(["diff", "qa"])
        #expect(unknown.status == 2)
    }
}
