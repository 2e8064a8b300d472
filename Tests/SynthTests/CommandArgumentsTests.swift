import ArgumentParser
import Foundation
import Testing
import TestSupport
@testable import CommandArguments

/// synth's command line (`CommandArguments`) reads arguments as argument-parser, the peer it replaced,
/// reads the same declarations: fixed cases, then random argument lists read by both, which must agree
/// on help, refusal, the subcommand and every value. `COMMAND_ARGUMENTS_CASES` and
/// `COMMAND_ARGUMENTS_SEED` run more or replay one; a disagreement prints the seed and the arguments.
@Suite(.timeLimit(.minutes(2))) struct CommandArgumentsTests {
    static let cases = ProcessInfo.processInfo.environment["COMMAND_ARGUMENTS_CASES"].flatMap(Int.init) ?? 3000
    static let seed = ProcessInfo.processInfo.environment["COMMAND_ARGUMENTS_SEED"].flatMap(UInt64.init) ?? 0xC0_FFEE

    static let tool = CommandLineTool(
        name: "tool", abstract: "A tool.",
        subcommands: [
            CommandSpec(name: "make", abstract: "Make.", operands: .init("targets", help: "Targets."), options: [
                .flag("all", help: "All."),
                .value("format", allowed: ["text", "json"], defaultValue: "text", help: "The format."),
                .value("base", help: "A base."),
            ]),
            CommandSpec(name: "show", abstract: "Show.", options: [.value("output-dir", defaultValue: "out")]),
        ],
        defaultSubcommand: "make"
    )

    // The same declarations for argument-parser.
    struct PeerTool: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "tool", subcommands: [PeerMake.self, PeerShow.self], defaultSubcommand: PeerMake.self)
    }
    struct PeerMake: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "make")
        enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }
        @Argument var targets: [String] = []
        @Flag var all = false
        @Option var format: Format?
        @Option var base: String?
    }
    struct PeerShow: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show")
        @Option(name: .customLong("output-dir")) var outputDirectory: String?
    }

    /// What either parser made of the arguments, in one comparable form.
    enum Reading: Equatable, CustomStringConvertible {
        case help, refused
        case run(String, operands: [String], flags: [String], values: [String: String])

        var description: String {
            switch self {
            case .help: "help"
            case .refused: "refused"
            case .run(let name, let operands, let flags, let values): "\(name) operands \(operands) flags \(flags) values \(values.sorted { $0.key < $1.key })"
            }
        }
    }

    static func ours(_ arguments: [String]) -> Reading {
        do {
            switch try tool.invocation(of: arguments) {
            case .help: return .help
            case .run(let name, let parsed):
                return .run(name, operands: parsed.operands, flags: parsed.flags.sorted(), values: parsed.values)
            }
        } catch {
            return .refused
        }
    }

    static func peer(_ arguments: [String]) -> Reading {
        do {
            switch try PeerTool.parseAsRoot(arguments) {
            case let make as PeerMake:
                var values: [String: String] = [:]
                if let format = make.format { values["format"] = format.rawValue }
                if let base = make.base { values["base"] = base }
                return .run("make", operands: make.targets, flags: make.all ? ["all"] : [], values: values)
            case let show as PeerShow:
                return .run("show", operands: [], flags: [], values: show.outputDirectory.map { ["output-dir": $0] } ?? [:])
            default:
                return .help
            }
        } catch {
            return PeerTool.exitCode(for: error) == .success ? .help : .refused
        }
    }

    @Test(arguments: [
        ([], Reading.run("make", operands: [], flags: [], values: [:])),
        (["dev", "--all"], .run("make", operands: ["dev"], flags: ["all"], values: [:])),
        (["make", "--format=json", "--format", "text", "a"], .run("make", operands: ["a"], flags: [], values: ["format": "text"])),
        (["make", "--", "--all", "-x"], .run("make", operands: ["--all", "-x"], flags: [], values: [:])),
        (["show", "--output-dir", "elsewhere"], .run("show", operands: [], flags: [], values: ["output-dir": "elsewhere"])),
        (["make", "a", "--help"], .help),
        (["help", "show"], .help),
        (["--bogus"], .refused),
        (["make", "--format", "xml"], .refused),
        (["make", "--format"], .refused),
        (["make", "--base", "--all"], .refused),
        (["show", "extra"], .refused),
        (["make", "--all=yes"], .refused),
    ])
    func readsAsArgumentParserDoes(_ arguments: [String], _ expected: Reading) {
        #expect(Self.ours(arguments) == expected, "\(arguments)")
        #expect(Self.peer(arguments) == expected, "argument-parser: \(arguments)")
    }

    @Test func randomArgumentListsReadAsArgumentParserReadsThem() {
        let vocabulary = ["make", "show", "help", "dev", "a.yaml", "--all", "--format", "text", "json", "xml", "--format=json",
                          "--base", "origin/main", "--base=v1", "--output-dir", "--output-dir=o", "--", "-h", "--help", "--bogus", "--all=1"]
        var random = SeededRandom(seed: Self.seed)
        var disagreements: [String] = []
        for _ in 0..<Self.cases {
            let arguments = (0..<random.below(6)).map { _ in random.pick(vocabulary)! }
            let (ours, peer) = (Self.ours(arguments), Self.peer(arguments))
            if ours != peer { disagreements.append("\(arguments): ours \(ours), argument-parser \(peer)") }
        }
        #expect(disagreements.count == 0, "seed \(Self.seed), \(disagreements.count) of \(Self.cases) disagree:\n\(disagreements.prefix(10).joined(separator: "\n"))")
    }

    @Test func helpListsEveryOptionWithItsValuesAndDefault() {
        let help = CommandHelp.text(for: Self.tool.subcommands[0], in: Self.tool)
        #expect(help.contains("USAGE: tool make [<targets> ...] [--all] [--format <format>] [--base <base>]"), "\(help)")
        #expect(help.contains("--format <format>       The format. (values: text, json; default: text)"), "\(help)")
        let root = CommandHelp.text(for: Self.tool)
        #expect(root.contains("make (default)") && root.contains("show"), "\(root)")
    }

    @Test func usageErrorsNameTheOptionAndTheCommandsUsage() throws {
        let error = try #require(throws: UsageError.self) { try Self.tool.invocation(of: ["make", "--format", "xml"]) }
        let text = CommandHelp.errorText(for: error, in: Self.tool)
        #expect(text.hasPrefix("Error: The value 'xml' is invalid for '--format <format>'. Please provide one of 'text' or 'json'.\n"), "\(text)")
        #expect(text.contains("Help:  --format <format>  The format.\nUsage: tool make "), "\(text)")
    }
}
