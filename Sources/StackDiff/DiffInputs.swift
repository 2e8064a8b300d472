#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import CloudFormation
import SynthCore
import YAML

/// Where the two sides of a diff come from: the templates the code produces now, the committed
/// out/<stage>/, out/<stage>/ at a git revision, or any two files.
public enum DiffInputs {
    public struct Unreadable: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// A stage, old side vs new side. Without `base`: committed files (old) vs what the stacks
    /// produce now (new). With `base`: out/<stage>/ at that git revision (old) vs the working tree (new).
    public static func stage(_ stage: StageDefinition, synthesizer: Synthesizer, outputDirectory: String, base: String?) throws -> DiffReport {
        let directory = outputDirectory + "/" + stage.name
        var old: [String: String] = [:], new: [String: String] = [:]
        if let base {
            for name in try gitFiles(revision: base, directory: directory) { old[name] = try git(["show", "\(base):\(directory)/\(name)"]) }
            for name in listDirectory(directory) { new[name] = try readFile(directory + "/" + name) }
        } else {
            for name in listDirectory(directory) { old[name] = try readFile(directory + "/" + name) }
            for artifact in try synthesizer.artifacts(for: stage) {
                new[String(artifact.path.dropFirst(stage.name.count + 1))] = artifact.contents
            }
        }
        var stacks: [StackDiffResult] = []
        for name in Set(old.keys).union(new.keys).sorted() where (name.hasSuffix(".yaml") || name.hasSuffix(".json")) && name != "manifest.json" {
            let stack = "\(stage.name)/" + name.split(separator: ".").dropLast().joined(separator: ".")
            stacks.append(StackDiffer.diff(name: stack, old: try old[name].map { try parse($0, file: "\(directory)/\(name) (old)") },
                                           new: try new[name].map { try parse($0, file: "\(directory)/\(name)") }))
        }
        let schema = SchemaDiff.diff(old: old["schema.sql"] ?? "", new: new["schema.sql"] ?? "")
        return DiffReport(stacks: stacks, schema: schema)
    }

    /// Any two files: CloudFormation templates (YAML in short or long form, or JSON), or two schema.sql files.
    public static func files(old: String, new: String) throws -> DiffReport {
        let before = try readFile(old), after = try readFile(new)
        if old.hasSuffix(".sql") && new.hasSuffix(".sql") {
            return DiffReport(stacks: [], schema: SchemaDiff.diff(old: before, new: after))
        }
        let stack = StackDiffer.diff(name: new, old: try parse(before, file: old), new: try parse(after, file: new))
        return DiffReport(stacks: [stack], schema: [])
    }

    static func parse(_ text: String, file: String) throws -> Node {
        do {
            let node = try Parser.parse(text)
            guard case .mapping = node, node["Resources"] != nil || node["AWSTemplateFormatVersion"] != nil else {
                throw Unreadable(description: "\(file): not a CloudFormation template (no Resources section)")
            }
            return node
        } catch let error as YAMLError {
            throw Unreadable(description: "\(file):\(error.line.map(String.init) ?? "?"):\(error.column.map(String.init) ?? "?"): \(error.message)")
        }
    }

    static func readFile(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else { throw Unreadable(description: "\(path): cannot be read") }
        return String(decoding: data, as: UTF8.self)
    }

    static func listDirectory(_ path: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    static func gitFiles(revision: String, directory: String) throws -> [String] {
        try git(["ls-tree", "--name-only", "\(revision):\(directory)"]).split(separator: "\n").map(String.init)
    }

    /// Runs git and returns its standard output; a failure names the command and git's message.
    static func git(_ arguments: [String]) throws -> String {
        var output: [Int32] = [0, 0]
        guard pipe(&output) == 0 else { throw Unreadable(description: "cannot create a pipe for git") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, output[1], 1)
        posix_spawn_file_actions_addclose(&actions, output[0])
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = (["git"] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, "git", &actions, nil, argv, environ)
        close(output[1])
        defer { close(output[0]) }
        guard spawned == 0 else { throw Unreadable(description: "cannot run git (error \(spawned)); is it installed?") }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = read(output[0], &buffer, buffer.count)
            if count <= 0 { break }
            bytes += buffer[0..<count]
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        guard status == 0 else { throw Unreadable(description: "git \(arguments.joined(separator: " ")) failed; is \(arguments.last ?? "") a revision with that path?") }
        return String(decoding: bytes, as: UTF8.self)
    }
}
