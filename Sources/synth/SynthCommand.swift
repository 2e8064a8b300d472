#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import CloudFormation
import Stacks
import SynthCore

@main
struct Synth: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Turns the stack definitions in stacks/ into CloudFormation templates under out/<stage>/.",
        subcommands: [Generate.self, List.self, Check.self],
        defaultSubcommand: Generate.self
    )
}

struct OutputOptions: ParsableArguments {
    @Option(name: .customLong("output-dir"), help: "Directory the stage folders are written to.")
    var outputDirectory = "out"
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

    func validate() throws {
        if stages.isEmpty && !all { throw ValidationError("name a stage (\(synthesizer.stageNames.joined(separator: ", "))) or pass --all") }
        if !stages.isEmpty && all { throw ValidationError("pass stage names or --all, not both") }
    }

    func run() throws {
        let names = all ? synthesizer.stageNames : stages
        let definitions = try names.map { name in try reported { try synthesizer.stage(named: name) } }
        for stage in definitions {
            let changed = try reported { try synthesizer.write(stage, to: output.outputDirectory) }
            let summary = changed.isEmpty ? "up to date" : "wrote " + changed.joined(separator: ", ")
            print("\(stage.name): \(summary)")
        }
        let sources = try reported { try synthesizer.writeGeneratedSources() }
        if !sources.isEmpty { print("generated: wrote " + sources.joined(separator: ", ")) }
    }
}

struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the stages and their stacks in deploy order.")

    func run() throws {
        for stage in synthesizer.app.stages {
            let stacks = try reported { try StageSynthesizer.synthesize(app: synthesizer.app, stage: stage) }
            print("\(stage.name): \(stacks.map(\.deployName).joined(separator: " → "))")
        }
    }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
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

/// Prints synth-time errors one per line, each naming what to change, and exits non-zero.
func reported<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let errors as SynthErrors {
        for error in errors.errors { printError("error: \(error)") }
        throw ExitCode.failure
    } catch let error as SynthCommandError {
        printError("error: \(error)")
        throw ExitCode(2)
    }
}

func printError(_ text: String) {
    var line = text + "\n"
    line.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
}
