/// What the arguments ask for: help, or a subcommand with its operands and options.
public enum Invocation: Sendable, Equatable {
    /// Help for the tool (nil) or for one subcommand.
    case help(subcommand: String?)
    case run(subcommand: String, ParsedArguments)
}

/// A subcommand's arguments, read against its `CommandSpec`: every option named is one it declares,
/// and every value is one it accepts.
public struct ParsedArguments: Sendable, Equatable {
    public var operands: [String] = []
    var flags: Set<String> = []
    var values: [String: String] = [:]

    public init() {}

    public func flag(_ name: String) -> Bool { flags.contains(name) }

    /// The option's value, the last one given when it was given more than once.
    public func value(_ name: String) -> String? { values[name] }

    /// The value as `convert` reads it; a value it cannot read is a usage error naming the option.
    public func value<T>(_ name: String, of command: CommandSpec, as kind: String, _ convert: (String) -> T?) throws(UsageError) -> T? {
        guard let text = values[name] else { return nil }
        guard let value = convert(text) else {
            let synopsis = command.option(named: name)?.synopsis ?? "--\(name)"
            throw UsageError("The value '\(text)' is invalid for '\(synopsis)': it must be \(kind)", subcommand: command.name, option: name)
        }
        return value
    }
}

/// Arguments that do not fit the command: exit 2, with the message and the command's usage.
public struct UsageError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    /// The subcommand whose usage line follows the message; nil for the tool's.
    public var subcommand: String?
    /// The option whose help follows the message.
    public var option: String?

    public init(_ message: String, subcommand: String? = nil, option: String? = nil) {
        self.message = message
        self.subcommand = subcommand
        self.option = option
    }

    public var description: String { message }
}

extension CommandLineTool {
    /// Reads the arguments (without the program's name) as argument-parser reads the same
    /// declarations: `--name value` or `--name=value`, `--` before operands that begin with a dash,
    /// `help <subcommand>`, and the default subcommand when none is named. Like argument-parser, it
    /// answers `-h`/`--help` anywhere unless an option's value is missing, given to a flag, or not one
    /// the option accepts; an unknown option or an operand the command does not take is reported only
    /// when help was not asked for.
    public func invocation(of arguments: [String]) throws(UsageError) -> Invocation {
        var rest = arguments[...]
        if rest.first == "help" {
            rest.removeFirst()
            return try helpInvocation(rest)
        }
        let named = rest.first.flatMap { subcommand(named: $0) }
        if named != nil { rest.removeFirst() }
        let command = named ?? subcommand(named: defaultSubcommand)!
        var parsed = ParsedArguments()
        var onlyOperands = false
        var helpAsked = false
        var deferred: UsageError?
        while let argument = rest.popFirst() {
            if onlyOperands || argument == "-" || !argument.hasPrefix("-") {
                if command.operands == nil {
                    deferred = deferred ?? UsageError("Unexpected argument '\(argument)'", subcommand: command.name)
                } else {
                    parsed.operands.append(argument)
                }
                continue
            }
            if argument == "--" { onlyOperands = true; continue }
            if argument == "-h" || argument == "--help" { helpAsked = true; continue }
            let (name, inline) = Self.split(argument)
            guard argument.hasPrefix("--"), let option = command.option(named: name) else {
                deferred = deferred ?? UsageError("Unknown option '\(argument)'", subcommand: command.name)
                continue
            }
            switch option.kind {
            case .flag:
                if inline != nil { throw UsageError("'--\(name)' takes no value", subcommand: command.name, option: name) }
                parsed.flags.insert(name)
            case .value(_, let allowed, _):
                let value: String
                if let inline {
                    value = inline
                } else if let next = rest.first, next == "-" || !next.hasPrefix("-") {
                    value = rest.removeFirst()
                } else {
                    throw UsageError("Missing value for '\(option.synopsis)'", subcommand: command.name, option: name)
                }
                if let allowed, !allowed.contains(value) {
                    throw UsageError("The value '\(value)' is invalid for '\(option.synopsis)'. Please provide one of \(Self.quotedList(allowed)).",
                                     subcommand: command.name, option: name)
                }
                parsed.values[name] = value
            }
        }
        if helpAsked { return .help(subcommand: named?.name) }
        if let deferred { throw deferred }
        return .run(subcommand: command.name, parsed)
    }

    /// `help [<subcommand>]`: help for the subcommand named, or for the tool when the name is none of
    /// them; `help` itself takes no option but `-h`.
    private func helpInvocation(_ arguments: ArraySlice<String>) throws(UsageError) -> Invocation {
        var words: [String] = []
        var onlyOperands = false
        for argument in arguments {
            if onlyOperands || argument == "-" || !argument.hasPrefix("-") { words.append(argument); continue }
            if argument == "--" { onlyOperands = true; continue }
            if argument == "-h" || argument == "--help" { continue }
            throw UsageError("Unknown option '\(argument)' for help: `\(name) help <subcommand>`")
        }
        return .help(subcommand: words.first.flatMap { subcommand(named: $0)?.name })
    }

    /// `--name=value` as its name and value; `--name` as its name alone.
    private static func split(_ argument: String) -> (name: String, value: String?) {
        let body = argument.drop { $0 == "-" }
        guard let equals = body.firstIndex(of: "=") else { return (String(body), nil) }
        return (String(body[..<equals]), String(body[body.index(after: equals)...]))
    }

    /// `'a', 'b' or 'c'`.
    static func quotedList(_ values: [String]) -> String {
        let quoted = values.map { "'\($0)'" }
        guard quoted.count > 1 else { return quoted.first ?? "" }
        return quoted.dropLast().joined(separator: ", ") + " or " + quoted.last!
    }
}
