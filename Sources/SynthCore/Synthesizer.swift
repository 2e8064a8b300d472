import CloudFormation
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A file synth produces, by path relative to the output directory (`dev/database.yaml`).
public struct Artifact: Sendable, Equatable {
    public var path: String
    public var contents: String
}

/// Renders stages to files and compares them with what is on disk. Everything it writes is a pure
/// function of the stack definitions, so two runs on any machine give the same bytes.
public struct Synthesizer: Sendable {
    public let app: App

    public init(app: App) { self.app = app }

    public var stageNames: [String] { app.stages.map(\.name) }

    public func stage(named name: String) throws(SynthCommandError) -> StageDefinition {
        guard let stage = app.stage(named: name) else {
            throw SynthCommandError("unknown stage \"\(name)\"; known stages: \(stageNames.joined(separator: ", "))")
        }
        return stage
    }

    /// The files of one stage: a template per stack and the manifest.
    public func artifacts(for stage: StageDefinition) throws -> [Artifact] {
        let stacks = try StageSynthesizer.synthesize(app: app, stage: stage)
        var artifacts = try stacks.map { stack in
            Artifact(path: "\(stage.name)/\(stack.name).yaml", contents: try TemplateRenderer.yaml(stack.template))
        }
        artifacts.append(Artifact(path: "\(stage.name)/manifest.json",
                                  contents: Manifest.json(app: app, stage: stage.name, stacks: stacks).rendered()))
        return artifacts
    }

    /// Writes a stage's files under `outputDirectory`, removing files of that stage it no longer makes.
    /// Returns the paths that changed.
    @discardableResult
    public func write(_ stage: StageDefinition, to outputDirectory: String) throws -> [String] {
        let artifacts = try artifacts(for: stage)
        let files = FileManager.default
        let stageDirectory = outputDirectory + "/" + stage.name
        try files.createDirectory(atPath: stageDirectory, withIntermediateDirectories: true)
        var changed: [String] = []
        for artifact in artifacts {
            let path = outputDirectory + "/" + artifact.path
            let bytes = Data(artifact.contents.utf8)
            if files.contents(atPath: path) != bytes {
                try bytes.write(to: URL(fileURLWithPath: path))
                changed.append(artifact.path)
            }
        }
        let produced = Set(artifacts.map(\.path))
        for name in (try? files.contentsOfDirectory(atPath: stageDirectory)) ?? [] where !produced.contains("\(stage.name)/\(name)") {
            try files.removeItem(atPath: stageDirectory + "/" + name)
            changed.append("\(stage.name)/\(name) (removed)")
        }
        return changed.sorted()
    }

    /// Every file under `outputDirectory` that differs from what synth would write now, is missing, or
    /// should not be there.
    public func staleFiles(in outputDirectory: String) throws -> [StaleFile] {
        let files = FileManager.default
        var stale: [StaleFile] = []
        for stage in app.stages {
            let artifacts = try artifacts(for: stage)
            for artifact in artifacts {
                let path = outputDirectory + "/" + artifact.path
                guard let bytes = files.contents(atPath: path) else {
                    stale.append(StaleFile(path: artifact.path, reason: .missing))
                    continue
                }
                if bytes != Data(artifact.contents.utf8) { stale.append(StaleFile(path: artifact.path, reason: .outdated)) }
            }
            let produced = Set(artifacts.map(\.path))
            for name in (try? files.contentsOfDirectory(atPath: outputDirectory + "/" + stage.name)) ?? []
            where !produced.contains("\(stage.name)/\(name)") {
                stale.append(StaleFile(path: "\(stage.name)/\(name)", reason: .unexpected))
            }
        }
        let known = Set(stageNames)
        for name in (try? files.contentsOfDirectory(atPath: outputDirectory)) ?? [] where !known.contains(name) && !name.hasPrefix(".") {
            stale.append(StaleFile(path: name, reason: .unexpected))
        }
        return stale.sorted { $0.path < $1.path }
    }
}

public struct StaleFile: Sendable, Equatable, CustomStringConvertible {
    public enum Reason: String, Sendable {
        case missing = "missing"
        case outdated = "differs from what the stacks produce"
        case unexpected = "is not produced by any stage"
    }
    public var path: String
    public var reason: Reason
    public var description: String { "\(path): \(reason.rawValue)" }
}

public struct SynthCommandError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
