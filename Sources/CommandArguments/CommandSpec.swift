/// A command as its user sees it: a name, what it does, the operands it takes and its options.
/// The same description parses the arguments (`CommandLineTool.invocation(of:)`) and writes the help
/// (`CommandHelp`), so neither can describe an option the other does not know.
public struct CommandSpec: Sendable {
    public var name: String
    public var abstract: String
    /// Examples and notes, printed as written below the overview.
    public var discussion: String
    /// The operands (`synth diff dev`), zero or more; nil when the command takes none.
    public var operands: Operands?
    public var options: [OptionSpec]

    public init(name: String, abstract: String, discussion: String = "", operands: Operands? = nil, options: [OptionSpec] = []) {
        self.name = name
        self.abstract = abstract
        self.discussion = discussion
        self.operands = operands
        self.options = options
    }

    public struct Operands: Sendable {
        /// How help names them: `<stages>`.
        public var name: String
        public var help: String

        public init(_ name: String, help: String) {
            self.name = name
            self.help = help
        }
    }

    func option(named name: String) -> OptionSpec? { options.first { $0.name == name } }
}

/// A `--name` option: a flag, or one that takes a value.
public struct OptionSpec: Sendable {
    /// The long name, without its dashes.
    public var name: String
    public var help: String
    public var kind: Kind

    public enum Kind: Sendable {
        case flag
        /// `--name <placeholder>`; `allowed` lists the only values accepted, `defaultValue` is what
        /// help shows when the option is left out.
        case value(placeholder: String, allowed: [String]?, defaultValue: String?)
    }

    public static func flag(_ name: String, help: String) -> OptionSpec { OptionSpec(name: name, help: help, kind: .flag) }

    public static func value(_ name: String, placeholder: String? = nil, allowed: [String]? = nil, defaultValue: String? = nil,
                             help: String = "") -> OptionSpec {
        OptionSpec(name: name, help: help, kind: .value(placeholder: placeholder ?? name, allowed: allowed, defaultValue: defaultValue))
    }

    /// `--format <format>`, or `--all`.
    var synopsis: String {
        switch kind {
        case .flag: "--\(name)"
        case .value(let placeholder, _, _): "--\(name) <\(placeholder)>"
        }
    }

    var takesValue: Bool {
        if case .flag = kind { return false }
        return true
    }
}

/// A program with subcommands, one of which runs when none is named (`synth dev` is `synth generate dev`).
public struct CommandLineTool: Sendable {
    public var name: String
    public var abstract: String
    public var subcommands: [CommandSpec]
    public var defaultSubcommand: String

    public init(name: String, abstract: String, subcommands: [CommandSpec], defaultSubcommand: String) {
        precondition(subcommands.contains { $0.name == defaultSubcommand }, "the default subcommand \(defaultSubcommand) is not among the subcommands")
        self.name = name
        self.abstract = abstract
        self.subcommands = subcommands
        self.defaultSubcommand = defaultSubcommand
    }

    public func subcommand(named name: String) -> CommandSpec? { subcommands.first { $0.name == name } }
}
