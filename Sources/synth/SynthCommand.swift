#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CloudFormation
import CommandArguments
import CostEstimate
import DiffSources
import StackDiff
import SQLSchema
import Stacks
import SynthCore

@main
enum Synth {
    static let commands: [any SynthCommand.Type] = [Generate.self, List.self, Check.self, Diff.self, Cost.self]

    static let tool = CommandLineTool(
        name: "synth",
        abstract: "Turns the stack definitions in stacks/ into CloudFormation templates under out/<stage>/.",
        subcommands: commands.map { $0.spec },
        defaultSubcommand: Generate.spec.name
    )

    /// Reads the arguments against the commands' own declarations (`CommandArguments`), moves to the
    /// repository's root and runs the command; `CommandOutcome` turns what it threw into the exit status.
    static func main() {
        let invocation: Invocation
        do {
            invocation = try tool.invocation(of: Array(CommandLine.arguments.dropFirst()))
        } catch {
            CommandOutcome.exit(after: error)
        }
        switch invocation {
        case .help(let name):
            let command = name.flatMap(tool.subcommand(named:))
            print(command.map { CommandHelp.text(for: $0, in: tool) } ?? CommandHelp.text(for: tool), terminator: "")
        case .run(let name, let arguments):
            RepositoryRoot.enter(for: name, arguments)
            do {
                let command = try commands.first { $0.spec.name == name }!.init(arguments)
                try command.run()
            } catch {
                CommandOutcome.exit(after: error)
            }
        }
    }
}

/// A subcommand of synth: its declaration, read into its typed settings, and what it does.
protocol SynthCommand: Sendable {
    static var spec: CommandSpec { get }
    init(_ arguments: ParsedArguments) throws(UsageError)
    func run() throws
}

/// `--output-dir`, which every command that reads or writes out/ takes.
struct OutputOptions {
    static let spec = OptionSpec.value("output-dir", defaultValue: Synthesizer.defaultOutputDirectory,
                                       help: "Directory the stage folders are written to (relative to where synth is run).")

    var outputDirectory = Synthesizer.defaultOutputDirectory

    init(_ arguments: ParsedArguments) {
        if let directory = arguments.value(Self.spec.name), directory != Synthesizer.defaultOutputDirectory {
            outputDirectory = RepositoryRoot.fromStart(directory)
        }
    }
}

let synthesizer = Synthesizer(project: chatProject)

struct Generate: SynthCommand {
    static let spec = CommandSpec(
        name: "generate",
        abstract: "Write out/<stage>/<stack>.yaml and out/<stage>/manifest.json (the default command: `synth dev`).",
        operands: .init("stages", help: "Stages to synthesize (see `synth list`)."),
        options: [.flag("all", help: "Synthesize every stage."), OutputOptions.spec]
    )

    var stages: [String]
    var all: Bool
    var output: OutputOptions

    init(_ arguments: ParsedArguments) throws(UsageError) {
        stages = arguments.operands
        all = arguments.flag("all")
        output = OutputOptions(arguments)
        if stages.isEmpty && !all {
            throw UsageError("name a stage (\(synthesizer.stageNames.joined(separator: ", "))) or pass --all", subcommand: Self.spec.name)
        }
        if !stages.isEmpty && all { throw UsageError("pass stage names or --all, not both", subcommand: Self.spec.name) }
    }

    func run() throws {
        let names = all ? synthesizer.stageNames : stages
        let definitions = try names.map { name in try reported { try synthesizer.stage(named: name) } }
        // The generated sources follow the migrations committed in `out`: chains written elsewhere
        // are not theirs, so only those written to `out` spare reading them again.
        var writtenToOut: [String: [Migration]] = [:]
        for stage in definitions {
            let written = try reported { try synthesizer.write(stage, to: output.outputDirectory) }
            if output.outputDirectory == Synthesizer.defaultOutputDirectory, let migrations = written.migrations { writtenToOut[stage.name] = migrations }
            for warning in written.warnings { printError(warning.within("stage \"\(stage.name)\"").printed) }
            let summary = written.changed.isEmpty ? "up to date" : "wrote " + written.changed.joined(separator: ", ")
            print("\(stage.name): \(summary)")
        }
        let sources = try reported { try synthesizer.writeGeneratedSources(knownMigrations: writtenToOut) }
        if !sources.isEmpty { print("generated: wrote " + sources.joined(separator: ", ")) }
    }
}

struct List: SynthCommand {
    static let spec = CommandSpec(name: "list", abstract: "List the stages and their stacks in deploy order.")

    init(_ arguments: ParsedArguments) {}

    func run() throws {
        for stage in synthesizer.app.stages {
            let stacks = try reported { try StageSynthesizer.synthesize(app: synthesizer.app, stage: stage) }
            print("\(stage.name): \(stacks.map(\.deployName).joined(separator: " → "))")
        }
    }
}

struct Check: SynthCommand {
    static let spec = CommandSpec(
        name: "check",
        abstract: "Fail when any file under out/ differs from what the stacks produce (for CI).",
        options: [OutputOptions.spec]
    )

    var output: OutputOptions

    init(_ arguments: ParsedArguments) { output = OutputOptions(arguments) }

    func run() throws {
        let stale = try reported {
            try synthesizer.staleFiles(in: output.outputDirectory).map { file in
                var file = file
                file.path = "\(output.outputDirectory)/\(file.path)"
                return file
            } + synthesizer.staleGeneratedSources()
        }
        guard stale.isEmpty else {
            printError("synth check: \(stale.count) generated file(s) are stale:")
            for file in stale { printError("  \(file)") }
            printError("run `swift run synth --all` and commit the result")
            throw CommandOutcome.findings
        }
        print("synth check: \(output.outputDirectory)/ and the generated sources are up to date for \(synthesizer.stageNames.joined(separator: ", "))")
    }
}

struct Diff: SynthCommand {
    static let spec = CommandSpec(
        name: "diff",
        abstract: "Show what a change does to the stacks and the schema: replacements, data loss, widened access.",
        discussion: """
            synth diff dev                        what the code produces now vs the committed out/dev/
            synth diff dev --base origin/main     out/dev/ at that revision vs the working tree (a pull request)
            synth diff --all --base origin/main   every stage
            synth diff OLD.yaml NEW.json          any two templates (YAML short or long form, JSON), or two schema.sql files
            Deploy blockers (an export in use that changes, a replaced resource that keeps its custom name, a name
            still taken) lead the report: CloudFormation would stop part-way through such a deploy.
            Exit status: 0 whatever changed; 1 when --fail-on finds what it names; 2 for bad usage or an unreadable file.
            """,
        operands: .init("targets", help: "A stage, or two files."),
        options: [
            .flag("all", help: "Every stage."),
            .value("base", help: "Compare out/<stage>/ at this git revision with the working tree."),
            .value("format", allowed: Format.allCases.map(\.rawValue), defaultValue: Format.text.rawValue,
                   help: "text (default; colour on a terminal unless NO_COLOR), markdown, or json."),
            .value("fail-on", allowed: DiffReport.FailOn.allCases.map(\.rawValue),
                   help: "Exit 1 when the diff has: any, blocker, replacement, data-loss, broadening."),
            .flag("full", help: "Markdown: every detail, even past GitHub's 65,536-character comment limit (findings are always complete)."),
            OutputOptions.spec,
        ]
    )

    enum Format: String, CaseIterable { case text, markdown, json }

    var targets: [String]
    var all: Bool
    var base: String?
    var format: Format
    var failOn: DiffReport.FailOn?
    var full: Bool
    var output: OutputOptions

    init(_ arguments: ParsedArguments) {
        targets = arguments.operands
        all = arguments.flag("all")
        base = arguments.value("base")
        // The parser accepts only the declared values, so these readings cannot fail.
        format = arguments.value("format").flatMap(Format.init(rawValue:)) ?? .text
        failOn = arguments.value("fail-on").flatMap(DiffReport.FailOn.init(rawValue:))
        full = arguments.flag("full")
        output = OutputOptions(arguments)
    }

    func run() throws {
        let report: DiffReport
        do {
            report = try makeReport()
        } catch let error as DiffInputs.Unreadable {
            printError("error: \(error)")
            throw CommandOutcome.usage
        }
        switch format {
        case .json: print(try report.json(), terminator: "")
        case .markdown: print(report.markdown(limit: full ? nil : DiffReport.commentLimit), terminator: "")
        case .text:
            let color = isatty(1) == 1 && getenv("NO_COLOR") == nil
            print(report.text(color: color), terminator: "")
        }
        if let failOn, report.fails(failOn) { throw CommandOutcome.findings }
    }

    func makeReport() throws -> DiffReport {
        if targets.count == 2, targets.allSatisfy(namesAFile) {
            return try DiffInputs.files(old: RepositoryRoot.fromStart(targets[0]), new: RepositoryRoot.fromStart(targets[1]))
        }
        guard all || !targets.isEmpty else {
            throw UsageError("name a stage (\(synthesizer.stageNames.joined(separator: ", "))), pass --all, or give two files",
                             subcommand: Self.spec.name)
        }
        let names = all ? synthesizer.stageNames : targets
        var stacks: [StackDiffResult] = [], schema: [SchemaObjectChange] = [], blockers: [DeployBlocker] = [], costs: [CostChange] = []
        var migrations: [MigrationChange] = []
        var baselines: [String] = []
        for name in names {
            let stage = try reported { try synthesizer.stage(named: name) }
            let report = try reported {
                try DiffInputs.stage(stage, synthesizer: synthesizer, outputDirectory: output.outputDirectory, base: base,
                                     usage: chatUsageProfiles[name] ?? .idle)
            }
            if let baseline = report.baseline { baselines.append(names.count > 1 ? "\(name): \(baseline)" : baseline) }
            stacks += report.stacks
            blockers += report.stageBlockers
            if let cost = report.cost { costs.append(cost) }
            schema += report.schema.map { change in
                var change = change
                change.name = "\(name): \(change.name)"
                return change
            }
            migrations += report.migrations.map { migration in
                var migration = migration
                migration.file = "\(name)/\(StageSchema.directory)/\(migration.file)"
                return migration
            }
        }
        var report = DiffReport(stacks: stacks, schema: schema, stageBlockers: blockers)
        report.baseline = baselines.isEmpty ? nil : baselines.joined(separator: "; ")
        report.migrations = migrations
        report.cost = CostChange.merged(costs)
        return report
    }
}

/// An operand that names a file rather than a stage: stage names have neither a slash nor a dot.
func namesAFile(_ operand: String) -> Bool { operand.contains("/") || operand.contains(".") }

/// Prints synth-time errors one per line, each naming what to change, and exits non-zero.
func reported<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let errors as Diagnostics {
        for error in errors.all { printError(error.printed) }
        throw CommandOutcome.findings
    } catch let error as UnknownStage {
        printError("error: \(error)")
        throw CommandOutcome.usage
    }
}
