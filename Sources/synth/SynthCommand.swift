#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import CloudFormation
import CommandLineExit
import CostEstimate
import DiffSources
import StackDiff
import SQLSchema
import Stacks
import SynthCore

@main
struct Synth: ParsableCommand {
    // Every command here names itself: argument-parser would otherwise derive each name with
    // String(describing:), whose runtime type lookups cost a quarter of `synth --help`.
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Turns the stack definitions in stacks/ into CloudFormation templates under out/<stage>/.",
        subcommands: [Generate.self, List.self, Check.self, Diff.self, Cost.self],
        defaultSubcommand: Generate.self
    )

    /// The project's exit-code table (`UsageExitStatus`): 0 success, 1 findings (stale files, synth
    /// errors, what `--fail-on` names), 2 usage or input errors.
    static func main() {
        RepositoryRoot.enter(arguments: Array(CommandLine.arguments.dropFirst()))
        mainExitingTwoOnUsageErrors()
    }
}

extension DiffReport.FailOn: ExpressibleByArgument {}

struct OutputOptions: ParsableArguments {
    @Option(name: .customLong("output-dir"), help: "Directory the stage folders are written to (relative to where synth is run).")
    var outputDirectory = Synthesizer.defaultOutputDirectory

    mutating func validate() throws {
        if outputDirectory != Synthesizer.defaultOutputDirectory { outputDirectory = RepositoryRoot.fromStart(outputDirectory) }
    }
}

let synthesizer = Synthesizer(project: chatProject)

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write out/<stage>/<stack>.yaml and out/<stage>/manifest.json (the default command: `synth dev`)."
    )

    @Argument(help: "Stages to synthesize (see `synth list`).")
    var stages: [String] = []

    @Flag(help: "Synthesize every stage.")
    var all = false

    @OptionGroup var output: OutputOptions

    func run() throws {
        // Checked here, after parsing, rather than in validate(): argument-parser validates the default
        // command before it reports an unknown option, so `synth --bogus` said "name a stage".
        if stages.isEmpty && !all { throw ValidationError("name a stage (\(synthesizer.stageNames.joined(separator: ", "))) or pass --all") }
        if !stages.isEmpty && all { throw ValidationError("pass stage names or --all, not both") }
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

struct List: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the stages and their stacks in deploy order.")

    func run() throws {
        for stage in synthesizer.app.stages {
            let stacks = try reported { try StageSynthesizer.synthesize(app: synthesizer.app, stage: stage) }
            print("\(stage.name): \(stacks.map(\.deployName).joined(separator: " → "))")
        }
    }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Fail when any file under out/ differs from what the stacks produce (for CI)."
    )

    @OptionGroup var output: OutputOptions

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
            throw ExitCode.failure
        }
        print("synth check: \(output.outputDirectory)/ and the generated sources are up to date for \(synthesizer.stageNames.joined(separator: ", "))")
    }
}

struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show what a change does to the stacks and the schema: replacements, data loss, widened access.",
        discussion: """
            synth diff dev                        what the code produces now vs the committed out/dev/
            synth diff dev --base origin/main     out/dev/ at that revision vs the working tree (a pull request)
            synth diff --all --base origin/main   every stage
            synth diff OLD.yaml NEW.json          any two templates (YAML short or long form, JSON), or two schema.sql files
            Deploy blockers (an export in use that changes, a replaced resource that keeps its custom name, a name
            still taken) lead the report: CloudFormation would stop part-way through such a deploy.
            Exit status: 0 whatever changed; 1 when --fail-on finds what it names; 2 for bad usage or an unreadable file.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, markdown, json }

    @Argument(help: "A stage, or two files.") var targets: [String] = []
    @Flag(help: "Every stage.") var all = false
    @Option(help: "Compare out/<stage>/ at this git revision with the working tree.") var base: String?
    @Option(help: "text (default; colour on a terminal unless NO_COLOR), markdown, or json.") var format: Format = .text
    @Option(name: .customLong("fail-on"), help: "Exit 1 when the diff has: any, blocker, replacement, data-loss, broadening.")
    var failOn: DiffReport.FailOn?
    @Flag(help: "Markdown: every detail, even past GitHub's 65,536-character comment limit (findings are always complete).")
    var full = false
    @OptionGroup var output: OutputOptions

    func run() throws {
        let report: DiffReport
        do {
            report = try makeReport()
        } catch let error as DiffInputs.Unreadable {
            printError("error: \(error)")
            throw ExitCode(2)
        }
        switch format {
        case .json: print(try report.json(), terminator: "")
        case .markdown: print(report.markdown(limit: full ? nil : DiffReport.commentLimit), terminator: "")
        case .text:
            let color = isatty(1) == 1 && getenv("NO_COLOR") == nil
            print(report.text(color: color), terminator: "")
        }
        if let failOn, report.fails(failOn) { throw ExitCode.failure }
    }

    func makeReport() throws -> DiffReport {
        let isFile = { (path: String) in path.contains("/") || path.contains(".") }
        if targets.count == 2, targets.allSatisfy(isFile) {
            return try DiffInputs.files(old: RepositoryRoot.fromStart(targets[0]), new: RepositoryRoot.fromStart(targets[1]))
        }
        guard all || !targets.isEmpty else {
            printError("error: name a stage (\(synthesizer.stageNames.joined(separator: ", "))), pass --all, or give two files")
            throw ExitCode(2)
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

/// Prints synth-time errors one per line, each naming what to change, and exits non-zero.
func reported<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let errors as Diagnostics {
        for error in errors.all { printError(error.printed) }
        throw ExitCode.failure
    } catch let error as UnknownStage {
        printError("error: \(error)")
        throw ExitCode(2)
    }
}

func printError(_ text: String) {
    var line = text + "\n"
    line.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
}
