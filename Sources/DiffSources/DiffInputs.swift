#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import CloudFormation
import CostEstimate
import SQLSchema
import Spawn
import StackDiff
import SynthCore
import Templates
import YAML

/// Where the two sides of a diff come from: the templates the code produces now, the committed
/// out/<stage>/, out/<stage>/ at a git revision, or any two files.
public enum DiffInputs {
    public struct Unreadable: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// A stage, old side vs new side. Without `base`: committed files (old) vs what the stacks
    /// produce now (new). With `base`: out/<stage>/ at that git revision (old) vs the working tree (new).
    public static func stage(_ stage: StageDefinition, synthesizer: Synthesizer, outputDirectory: String, base: String?,
                             usage: UsageProfile) throws -> DiffReport {
        let directory = outputDirectory + "/" + stage.name
        var old: [String: String] = [:], new: [String: String] = [:]
        let baseline: String
        if let base {
            for name in try gitFiles(revision: base, directory: directory) { old[name] = try git(["show", "\(base):\(directory)/\(name)"]) }
            for name in stageFiles(directory) { new[name] = try readFile(directory + "/" + name) }
            baseline = "\(directory)/ at \(base) against the working tree"
        } else {
            // What the code produces now against the committed out/<stage>/ (HEAD's), as a reviewer
            // means it; on disk only where nothing is committed (a new stage, no git, another --output-dir).
            let head = outputDirectory == Synthesizer.defaultOutputDirectory ? committedAtHead(directory) : nil
            if let head {
                for name in head.files { old[name] = try git(["show", "HEAD:\(directory)/\(name)"]) }
                baseline = "the stacks now against \(directory)/ as committed at HEAD (\(head.commit))"
            } else {
                for name in stageFiles(directory) { old[name] = try readFile(directory + "/" + name) }
                baseline = "the stacks now against \(directory)/ as on disk"
            }
            for artifact in try synthesizer.artifacts(for: stage, committedIn: outputDirectory) {
                new[String(artifact.path.dropFirst(stage.name.count + 1))] = artifact.contents
            }
        }
        let stackNames = cloudFormationStackNames(manifest: new["manifest.json"] ?? old["manifest.json"])
        // The templates are the files the manifests list (a stage folder holds other JSON, openapi.json);
        // without a manifest, every YAML or JSON file at the top of the folder.
        let listed = Set(cloudFormationStackNames(manifest: old["manifest.json"]).keys).union(stackNames.keys)
        var versions: [StackTemplates] = []
        for name in Set(old.keys).union(new.keys).sorted()
        where listed.isEmpty ? (name.hasSuffix(".yaml") || name.hasSuffix(".json")) && name != "manifest.json" && !name.contains("/") : listed.contains(name) {
            let stack = "\(stage.name)/" + name.split(separator: ".").dropLast().joined(separator: ".")
            let before = try old[name].map { TemplateTree(try parse($0, file: "\(directory)/\(name) (old)")) }
            let after = try new[name].map { TemplateTree(try parse($0, file: "\(directory)/\(name)")) }
            versions.append(StackTemplates(name: stack, stackName: stackNames[name], old: before, new: after))
        }
        let schemas = try declaredSchemas(old: old, new: new, directory: directory)
        // One plan between the declared schemas, read by the schema section and the migrations' data loss.
        let plan = schemas.new.map { MigrationPlanner.plan(from: schemas.old, to: $0) }
        var report = DiffReport(stage: versions, schema: schemaChanges(schemas, plan: plan, old: old, new: new), usage: usage, name: stage.name)
        report.migrations = MigrationChange.changes(old: old, new: new, dataLoss: (plan?.changes ?? []).compactMap(\.dataLoss).map(\.description))
        report.baseline = baseline
        return report
    }

    /// HEAD's short commit and the files it has under `directory`; nil without git, a commit, or files there.
    static func committedAtHead(_ directory: String) -> (commit: String, files: [String])? {
        guard let commit = (try? git(["rev-parse", "--short", "HEAD"]))?.split(separator: "\n").first.map(String.init),
              let files = try? gitFiles(revision: "HEAD", directory: directory), !files.isEmpty else { return nil }
        return (commit, files)
    }

    /// The schema diff from the declared schemas both sides record; a side from before they were
    /// recorded (no `latest-schema.json`) is compared by its schema.sql text instead.
    static func schemaChanges(_ schemas: (old: Schema?, new: Schema?), plan: MigrationPlanner.Plan?,
                              old: [String: String], new: [String: String]) -> [SchemaObjectChange] {
        if (schemas.old != nil || old["schema.sql"] == nil) && (schemas.new != nil || new["schema.sql"] == nil) {
            return SchemaDiff.diff(old: schemas.old, new: schemas.new, plan: plan)
        }
        return SchemaDiff.diffText(old: old["schema.sql"] ?? "", new: new["schema.sql"] ?? "")
    }

    /// The declared schemas both sides record in `latest-schema.json`, each nil where there is none.
    static func declaredSchemas(old: [String: String], new: [String: String], directory: String) throws -> (old: Schema?, new: Schema?) {
        let snapshot = StageSchema.directory + "/" + StageSchema.snapshotFile
        func decoded(_ text: String?, side: String) throws -> Schema? {
            guard let text else { return nil }
            do {
                return try JSONDecoder().decode(Schema.self, from: Data(text.utf8))
            } catch {
                throw Unreadable(description: "\(directory)/\(snapshot) (\(side)): not a schema synth wrote (\(error))")
            }
        }
        return (try decoded(old[snapshot], side: "old"), try decoded(new[snapshot], side: "new"))
    }

    /// A stage folder's files and its migrations folder's, by path relative to it.
    static func stageFiles(_ directory: String) -> [String] {
        listDirectory(directory).filter { $0 != StageSchema.directory }
            + listDirectory(directory + "/" + StageSchema.directory).map { StageSchema.directory + "/" + $0 }
    }

    /// Any two files: CloudFormation templates (YAML in short or long form, or JSON), or two schema.sql files.
    public static func files(old: String, new: String) throws -> DiffReport {
        let before = try readFile(old), after = try readFile(new)
        if old.hasSuffix(".sql") && new.hasSuffix(".sql") {
            return DiffReport(stacks: [], schema: SchemaDiff.diffText(old: before, new: after))
        }
        let stack = StackTemplates(name: new, stackName: nil, old: TemplateTree(try parse(before, file: old)),
                                   new: TemplateTree(try parse(after, file: new)))
        return DiffReport(stage: [stack], schema: [], usage: .idle, name: new)
    }

    /// One template file, parsed; an unreadable one names the file, line and column.
    public static func template(at path: String) throws -> Node {
        try parse(try readFile(path), file: path)
    }

    /// Template file → CloudFormation stack name, from a stage's manifest.json.
    static func cloudFormationStackNames(manifest: String?) -> [String: String] {
        guard let manifest, let node = try? Parser.parse(manifest), case .sequence(let stacks, _)? = node["stacks"] else { return [:] }
        var names: [String: String] = [:]
        for stack in stacks {
            if let template = stack["template"]?.scalarText, let name = stack["stackName"]?.scalarText { names[template] = name }
        }
        return names
    }

    /// A template as CloudFormation reads it (`Parser.Rules.cloudFormation`): what it would refuse,
    /// or what is not a template at all, is an error naming the file, line and what to change.
    static func parse(_ text: String, file: String) throws -> Node {
        guard text.contains(where: { !$0.isWhitespace }) else {
            throw Unreadable(description: "\(file): is empty; a CloudFormation template is a mapping with a Resources section")
        }
        do {
            let node = try Parser.parse(text, rules: .cloudFormation)
            guard case .mapping = node, node["Resources"] != nil || node["AWSTemplateFormatVersion"] != nil else {
                throw Unreadable(description: "\(file): not a CloudFormation template (no Resources section)")
            }
            if let resources = node["Resources"] {
                guard case .mapping = resources else {
                    throw Unreadable(description: "\(file): Resources must be a mapping of logical IDs to resources, not a list or a value")
                }
            }
            return node
        } catch let error as YAMLError {
            throw Unreadable(description: "\(file):\(error.line.map(String.init) ?? "?"):\(error.column.map(String.init) ?? "?"): \(error.message)")
        }
    }

    /// Larger than any template or schema file (CloudFormation takes templates up to 1 MB), and small
    /// enough that reading one cannot exhaust the review's memory.
    static let maximumFileBytes = 64 << 20

    /// A file's text; one too large, not UTF-8 or binary is an error saying so, with the line.
    static func readFile(_ path: String) throws -> String {
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size > maximumFileBytes {
            throw Unreadable(description: "\(path): \(size) bytes, over the \(maximumFileBytes >> 20) MiB a template or schema file may have")
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw Unreadable(description: "\(path): cannot be read") }
        return try text(Array(data), file: path)
    }

    /// UTF-8 text without NUL bytes: CloudFormation reads templates as UTF-8, and a NUL means a binary file.
    static func text(_ bytes: [UInt8], file: String) throws -> String {
        // The usual case in one pass each; the slow walk below only finds the line of what is wrong.
        // memchr, not `contains`: an unoptimized build (the review workflow's) walks 20 MB in seconds with the generic one.
        let hasNUL = bytes.withUnsafeBufferPointer { $0.baseAddress.map { memchr($0, 0, bytes.count) != nil } ?? false }
        if !hasNUL, let text = String(validating: bytes, as: UTF8.self) { return text }
        var line = 1
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        decoding: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                if scalar == "\n" { line += 1 }
                if scalar == "\0" { throw Unreadable(description: "\(file):\(line): a NUL byte: this is a binary file, not a template") }
            case .emptyInput: break decoding
            case .error: throw Unreadable(description: "\(file):\(line): not UTF-8 text; save the template as UTF-8")
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func listDirectory(_ path: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    static func gitFiles(revision: String, directory: String) throws -> [String] {
        try git(["ls-tree", "-r", "--name-only", "\(revision):\(directory)"]).split(separator: "\n").map(String.init)
    }

    /// Runs git and returns its standard output; a failure names the command and git's message.
    static func git(_ arguments: [String]) throws -> String {
        let result: ChildProcess.Result
        do {
            result = try ChildProcess.run("git", arguments, timeLimitSeconds: 120)
        } catch {
            throw Unreadable(description: "cannot run git (\(error)); is it installed?")
        }
        guard result.status == 0 else {
            throw Unreadable(description: "git \(arguments.joined(separator: " ")) failed; is \(arguments.last ?? "") a revision with that path?")
        }
        return result.outputText
    }
}
