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
        #expect(markdown.output.contains("- ~ `ChatDB` (AWS::RDS::DBCluster) **REPLACED**"), "\(markdown.output)")
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

    /// A large legitimate template (20,000 queues, 20 MB) on both sides with one change: read, diffed and
    /// answered in the debug build the review workflow runs, within 10 s of processor time (a kernel
    /// limit, which a busy machine's waiting does not count against) and a 400 MB data cap.
    @Test func aTwentyMegabyteTemplateOfTwentyThousandResourcesIsDiffedWithinBounds() async throws {
        func template(visibility: (Int) -> Int) -> String {
            var text = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n"
            text.reserveCapacity(21 << 20)
            for index in 0..<20_000 {
                let id = String(index + 100_000).dropFirst()
                text += """
                  Queue\(id):
                    Type: AWS::SQS::Queue
                    Properties:
                      QueueName: !Sub "${AWS::StackName}-queue-\(id)"
                      VisibilityTimeout: \(visibility(index))
                      MessageRetentionPeriod: 1209600
                      DelaySeconds: 0
                      MaximumMessageSize: 262144
                      ReceiveMessageWaitTimeSeconds: 20
                      SqsManagedSseEnabled: true
                      Tags:
                        - Key: Owner
                          Value: team-\(index % 97)
                        - Key: Purpose
                          Value: "One of twenty thousand queues that make this template as large as a big real one, number \(index)"
                        - Key: Description
                          Value: "Generated to measure how synth diff reads, diffs and reports a large legitimate template"
                        - Key: CostCentre
                          Value: cc-\(index % 13)
                        - Key: Runbook
                          Value: "https://runbooks.example.com/messaging/queues/\(id)/what-to-do-when-the-dead-letter-queue-fills-up"
                        - Key: Escalation
                          Value: "Page the owning team's on-call engineer, then the platform team if no one answers within 15 minutes"
                      RedrivePolicy:
                        deadLetterTargetArn: !Sub "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:dead-letters-\(index % 10)"
                        maxReceiveCount: 5

                """
            }
            return text
        }
        let old = template { _ in 60 }, new = template { $0 == 12_345 ? 90 : 60 }
        #expect(old.utf8.count > 20_000_000, "\(old.utf8.count) bytes")
        let (oldPath, newPath) = try pair { _ in "" }
        defer { try? FileManager.default.removeItem(at: URL(fileURLWithPath: oldPath).deletingLastPathComponent()) }
        try old.write(toFile: oldPath, atomically: false, encoding: .utf8)
        try new.write(toFile: newPath, atomically: false, encoding: .utf8)
        let binary = Self.root.appendingPathComponent(".build/debug/synth")
        let result = try await runProgramOffThePool(URL(fileURLWithPath: "/usr/bin/prlimit"),
                                                    ["--cpu=10", "--data=400000000", binary.path, "diff", oldPath, newPath], in: Self.root)
        #expect(result.status == 0, "exit \(result.status) (killed past 10 s of processor time or 400 MB): \(result.output.prefix(2000))")
        #expect(result.output.hasPrefix("1 resource change in 1 stack.")
                && result.output.contains("~ Queue12345 (AWS::SQS::Queue)\n      ~ Properties.VisibilityTimeout: 60 → 90\n"), "\(result.output.prefix(2000))")
    }

    /// Input a pull request could carry to stall or crash the review.
    enum HostileInput: String, CaseIterable, CustomStringConvertible {
        case aliasBomb, deepNesting, invalidUTF8, binary, duplicateKeys, empty, unknownTag, resourcesNotAMapping
        var description: String { rawValue }

        var bytes: [UInt8] {
            switch self {
            case .aliasBomb:
                // Nine levels of nine aliases: 387 bytes that expand to 9⁹ (387 million) scalars.
                var text = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n"
                for level in 1..<9 { text += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", ") + "]\n" }
                return Array((text + "Resources: {}\n").utf8)
            case .deepNesting:
                return Array(("Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n      Tags: "
                    + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "\n").utf8)
            case .invalidUTF8: return Array("Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: caf".utf8) + [0xC3, 0x28, 0x0A]
            case .binary: return [0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00] + Array(repeating: 0, count: 54)
            case .duplicateKeys: return Array("Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n  Topic:\n    Type: AWS::SQS::Queue\n".utf8)
            case .empty: return []
            case .unknownTag: return Array("Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: !Bogus name\n".utf8)
            case .resourcesNotAMapping: return Array("Resources:\n  - Topic\n".utf8)
            }
        }

        /// What the message must say, after the file's name.
        var message: String {
            switch self {
            case .aliasBomb: ":1:5: anchor &a0: CloudFormation does not accept YAML anchors or aliases"
            case .deepNesting: ":5:209: collections nested more than 200 deep; no CloudFormation template nests this far"
            case .invalidUTF8: ":5: not UTF-8 text; save the template as UTF-8"
            case .binary: ":1: a NUL byte: this is a binary file, not a template"
            case .duplicateKeys: ":4:3: duplicate mapping key 'Topic'"
            case .empty: ": is empty; a CloudFormation template is a mapping with a Resources section"
            case .unknownTag: ":5:18: unknown tag !Bogus; CloudFormation's short forms are"
            case .resourcesNotAMapping: ": Resources must be a mapping of logical IDs to resources"
            }
        }
    }

    /// Each is refused with exit 2, naming the file, the line and what to change, at once, and within
    /// a data segment capped at 400 MB (prlimit): an alias bomb expanded, or nesting followed
    /// 10,000 deep, would break the cap or the time instead of answering.
    @Test(arguments: HostileInput.allCases)
    func hostileInputIsRefusedAtOnceWithinBoundedMemory(_ input: HostileInput) throws {
        let (old, new) = try pair { $0 }
        try Data(input.bytes).write(to: URL(fileURLWithPath: new))
        let binary = Self.root.appendingPathComponent(".build/debug/synth")
        let start = ContinuousClock.now
        let result = try runProgram(URL(fileURLWithPath: "/usr/bin/prlimit"), ["--data=400000000", binary.path, "diff", old, new, "--fail-on", "broadening"],
                                    in: Self.root)
        let elapsed = ContinuousClock.now - start
        #expect(result.status == 2, "\(input): exit \(result.status): \(result.output.prefix(2000))")
        #expect(result.output.contains("error: \(new)" + input.message), "\(input): \(result.output.prefix(2000))")
        #expect(elapsed < .seconds(10), "\(input) took \(elapsed)")
    }

    /// The largest real change there is, every stage from the first commit that had an out/ to
    /// today: its comment fits GitHub's 65,536 characters and still carries every finding the JSON
    /// report has; with --full nothing is cut.
    @Test func theCommentOfTheWholeHistoryFitsGitHubAndListsEveryFinding() throws {
        let revisions = try runProgram(URL(fileURLWithPath: "/usr/bin/env"), ["git", "rev-list", "--reverse", "HEAD"], in: Self.root)
        var first: String?
        for revision in revisions.output.split(separator: "\n").map(String.init) {
            let probe = try runProgram(URL(fileURLWithPath: "/usr/bin/env"), ["git", "cat-file", "-e", "\(revision):out/dev"], in: Self.root)
            if probe.status == 0 { first = revision; break }
        }
        let base = try #require(first, "no revision of this clone has out/dev (a shallow clone?): \(revisions.output.prefix(200))")
        let markdown = try synth(["diff", "--all", "--base", base, "--format", "markdown"])
        let json = try synth(["diff", "--all", "--base", base, "--format", "json"])
        let full = try synth(["diff", "--all", "--base", base, "--format", "markdown", "--full"])
        #expect(markdown.status == 0 && json.status == 0 && full.status == 0)
        let comment = markdown.output
        #expect(comment.unicodeScalars.count <= 65_536, "\(comment.unicodeScalars.count) characters")
        #expect(full.output.unicodeScalars.count > comment.unicodeScalars.count && !full.output.contains("was cut"))
        #expect(comment.contains("every finding above is complete"), "a change this large is cut, and says so")
        #expect(comment.components(separatedBy: "<details>").count == comment.components(separatedBy: "</details>").count)

        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
        let stacks = try #require(report["stacks"] as? [[String: Any]])
        var widening = 0
        for stack in stacks {
            let name = try #require(stack["name"] as? String)
            let section = try #require(comment.components(separatedBy: "#### Stack `\(name)`").dropFirst().first, "no section for \(name)")
            let own = section.components(separatedBy: "#### ").first ?? section
            for resource in stack["resources"] as? [[String: Any]] ?? [] {
                let id = try #require(resource["logicalId"] as? String)
                let symbol = ["added": "+", "removed": "-", "modified": "~"][resource["change"] as? String ?? ""] ?? "?"
                #expect(own.contains("- \(symbol) `\(id)` (\(resource["type"] as? String ?? ""))"),
                        "\(name): \(id) is not listed")
                if let loss = resource["dataLossNote"] as? String { #expect(own.contains(loss), "\(name): \(id)'s data loss is not shown") }
            }
            widening += (stack["iam"] as? [[String: Any]] ?? []).filter { !(($0["broadening"] as? [String]) ?? []).isEmpty }.count
            widening += (stack["securityGroups"] as? [[String: Any]] ?? []).filter { !(($0["broadening"] as? [String]) ?? []).isEmpty }.count
        }
        #expect(widening > 0 && comment.components(separatedBy: "**⚠ widens access:").count - 1 == widening)
        let blockers = report["blockers"] as? [[String: Any]] ?? []
        #expect(comment.components(separatedBy: "- ⛔ **").count - 1 == blockers.count)
        for migration in report["migrations"] as? [[String: Any]] ?? [] {
            #expect(comment.contains("`\(migration["file"] as? String ?? "?")`"))
        }
    }

    /// A statement added under `Fn::If` is judged as the statement it would be, and fails the check.
    @Test func aConditionalWideningFailsOnBroadening() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("diff-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let header = "Conditions:\n  C: !Equals [!Ref \"AWS::Region\", us-east-1]\nResources:\n"
        let read = #"- {Effect: Allow, Action: s3:GetObject, Resource: "arn:aws:s3:::bucket/*"}"#
        let old = header + PolicyTemplates.managedPolicy([read])
        let new = header + PolicyTemplates.managedPolicy([read, #"- !If [C, {Sid: Admin, Effect: Allow, Action: "*", Resource: "*"}, !Ref AWS::NoValue]"#])
        let oldPath = directory.appendingPathComponent("old.yaml").path, newPath = directory.appendingPathComponent("new.yaml").path
        try old.write(toFile: oldPath, atomically: true, encoding: .utf8)
        try new.write(toFile: newPath, atomically: true, encoding: .utf8)
        let result = try synth(["diff", oldPath, newPath, "--fail-on", "broadening"])
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.contains("+ when C: Allow * on * (P) ⚠ widens access: new actions: *; wildcard action; Resource \"*\""), "\(result.output)")
        let json = try synth(["diff", oldPath, newPath, "--format", "json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
        let iam = try #require((report["stacks"] as? [[String: Any]])?.first?["iam"] as? [[String: Any]])
        #expect(iam.count == 1 && iam[0]["when"] as? String == "when C" && !((iam[0]["broadening"] as? [String]) ?? []).isEmpty, "\(iam)")
    }

    /// Without --base, synth diff compares what the stacks produce now with out/<stage>/ as committed
    /// at HEAD (what the README promises, and what a reviewer means), and says so; a folder given with
    /// --output-dir is compared as it is on disk.
    @Test func diffSaysWhatItComparesWith() throws {
        let committed = try synth(["diff", "dev"])
        #expect(committed.status == 0 && committed.output.hasPrefix("No changes."), "\(committed.output)")
        #expect(committed.output.contains("Compared: the stacks now against out/dev/ as committed at HEAD ("), "\(committed.output)")
        let json = try synth(["diff", "dev", "--format", "json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any], "\(json.output)")
        #expect((report["baseline"] as? String)?.contains("as committed at HEAD") == true)
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("out-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: Self.root.appendingPathComponent("out"), to: copy)
        defer { try? FileManager.default.removeItem(at: copy) }
        let onDisk = try synth(["diff", "dev", "--output-dir", copy.path])
        #expect(onDisk.output.contains("as on disk"), "\(onDisk.output)")
    }

    /// docs/synth-diff.md's stage example (the database renamed) is what synth prints for it today:
    /// out/dev/ as the stacks wrote it with DatabaseName chat2, compared with the stacks now.
    static let documentation = "docs/synth-diff.md"

    @Test func theDocumentedStageExampleIsWhatSynthPrints() throws {
        let readme = try String(contentsOf: Self.root.appendingPathComponent(Self.documentation), encoding: .utf8)
        let intro = try #require(readme.range(of: "Example: the database renamed."))
        let blockStart = try #require(readme.range(of: "```text\n", range: intro.upperBound..<readme.endIndex))
        let blockEnd = try #require(readme.range(of: "```", range: blockStart.upperBound..<readme.endIndex))
        let shown = String(readme[blockStart.upperBound..<blockEnd.lowerBound])
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("renamed-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: Self.root.appendingPathComponent("out"), to: copy)
        defer { try? FileManager.default.removeItem(at: copy) }
        for stack in ["database", "app"] {
            let path = copy.appendingPathComponent("dev/\(stack).yaml")
            try String(contentsOf: path, encoding: .utf8).replacingOccurrences(of: "DatabaseName: chat\n", with: "DatabaseName: chat2\n")
                .replacingOccurrences(of: "DB_NAME: chat\n", with: "DB_NAME: chat2\n").write(to: path, atomically: true, encoding: .utf8)
        }
        let result = try synth(["diff", "dev", "--output-dir", copy.path, "--fail-on", "blocker"])
        #expect(result.status == 1, "\(result.output)")
        let printed = result.output.replacingOccurrences(of: copy.path + "/", with: "<folder>/")
        #expect(printed == shown, "\(Self.documentation)'s example should read:\n\(printed)")
    }

    /// docs/synth-diff.md's `synth diff old.yaml new.yaml` examples, text, Markdown and JSON, are what
    /// synth prints for them today, run as the page says: in a folder of its own (outside the
    /// repository), on a copy of out/dev/database.yaml whose DatabaseName changed.
    @Test func theDocumentedTwoFileExamplesAreWhatSynthPrints() throws {
        let page = try String(contentsOf: Self.root.appendingPathComponent(Self.documentation), encoding: .utf8)
        let intro = try #require(page.range(of: "Example: `DatabaseName: chat` → `chat2` in a copy of out/dev/database.yaml"))
        func block(_ fence: String) throws -> String {
            let start = try #require(page.range(of: "```\(fence)\n", range: intro.upperBound..<page.endIndex), "no ```\(fence) block after the example")
            let end = try #require(page.range(of: "```", range: start.upperBound..<page.endIndex))
            return String(page[start.upperBound..<end.lowerBound])
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("readme-diff-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let template = try String(contentsOf: Self.root.appendingPathComponent("out/dev/database.yaml"), encoding: .utf8)
        try template.write(to: folder.appendingPathComponent("old.yaml"), atomically: true, encoding: .utf8)
        try template.replacingOccurrences(of: "DatabaseName: chat\n", with: "DatabaseName: chat2\n")
            .write(to: folder.appendingPathComponent("new.yaml"), atomically: true, encoding: .utf8)
        for (fence, format) in [("text", "text"), ("markdown", "markdown"), ("json", "json")] {
            let result = try runProgram(Self.root.appendingPathComponent(".build/debug/synth"), ["diff", "old.yaml", "new.yaml", "--format", format], in: folder)
            #expect(result.status == 0, "\(result.output)")
            #expect(result.output == (try block(fence)), "\(Self.documentation)'s \(format) example should read:\n\(result.output)")
        }
    }

    @Test func theCommittedStagesDiffCleanAgainstTheirOwnRevision() throws {
        let result = try synth(["diff", "--all", "--base", "HEAD", "--fail-on", "any"])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.hasPrefix("No changes."))
        let unknown = try synth(["diff", "qa"])
        #expect(unknown.status == 2)
    }
}
