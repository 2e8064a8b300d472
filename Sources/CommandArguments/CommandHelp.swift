/// Help and usage text, laid out as argument-parser lays out its own: an overview, the usage line,
/// then each operand and option with its help wrapped at 80 columns beside a 26-column gutter.
public enum CommandHelp {
    static let width = 80
    static let gutter = 26

    /// `synth --help`: the tool's overview and its subcommands.
    public static func text(for tool: CommandLineTool) -> String {
        var text = wrapped("OVERVIEW: " + tool.abstract, indent: 0) + "\n\n"
        text += "USAGE: \(tool.name) <subcommand>\n\nOPTIONS:\n"
        text += entry("-h, --help", "Show help information.")
        text += "\nSUBCOMMANDS:\n"
        for command in tool.subcommands {
            text += entry(command.name == tool.defaultSubcommand ? "\(command.name) (default)" : command.name, command.abstract)
        }
        text += "\n  See '\(tool.name) help <subcommand>' for detailed help.\n"
        return text
    }

    /// `synth diff --help`: the subcommand's overview, its notes as written, usage, operands and options.
    public static func text(for command: CommandSpec, in tool: CommandLineTool) -> String {
        var text = wrapped("OVERVIEW: " + command.abstract, indent: 0) + "\n\n"
        if !command.discussion.isEmpty { text += command.discussion + "\n\n" }
        text += "USAGE: " + usage(of: command, in: tool) + "\n\n"
        if let operands = command.operands {
            text += "ARGUMENTS:\n" + entry("<\(operands.name)>", operands.help) + "\n"
        }
        text += "OPTIONS:\n"
        for option in command.options { text += entry(option.synopsis, optionHelp(option)) }
        text += entry("-h, --help", "Show help information.")
        return text
    }

    /// What a usage error prints: the message, the option's help when one is at fault, and the usage line.
    public static func errorText(for error: UsageError, in tool: CommandLineTool) -> String {
        var text = "Error: \(error.message)\n"
        guard let name = error.subcommand, let command = tool.subcommand(named: name) else {
            return text + "Usage: \(tool.name) <subcommand>\n  See '\(tool.name) --help' for more information.\n"
        }
        if let optionName = error.option, let option = command.option(named: optionName), !option.help.isEmpty {
            text += "Help:  \(option.synopsis)  \(option.help)\n"
        }
        text += "Usage: " + usage(of: command, in: tool) + "\n"
        text += "  See '\(tool.name) \(command.name) --help' for more information.\n"
        return text
    }

    /// `synth diff [<targets> ...] [--all] [--base <base>]`.
    static func usage(of command: CommandSpec, in tool: CommandLineTool) -> String {
        var parts = ["\(tool.name) \(command.name)"]
        if let operands = command.operands { parts.append("[<\(operands.name)> ...]") }
        parts += command.options.map { "[\($0.synopsis)]" }
        return parts.joined(separator: " ")
    }

    static func optionHelp(_ option: OptionSpec) -> String {
        guard case .value(_, let allowed, let defaultValue) = option.kind else { return option.help }
        var notes: [String] = []
        if let allowed { notes.append("values: " + allowed.joined(separator: ", ")) }
        if let defaultValue { notes.append("default: " + defaultValue) }
        guard !notes.isEmpty else { return option.help }
        let note = "(" + notes.joined(separator: "; ") + ")"
        return option.help.isEmpty ? note : option.help + " " + note
    }

    /// `  name                    help`, the help wrapped beside the gutter; a name too long for the
    /// gutter has its help on the lines below.
    static func entry(_ name: String, _ help: String) -> String {
        let label = "  " + name
        guard !help.isEmpty else { return label + "\n" }
        let body = wrapped(help, indent: gutter)
        if label.count <= gutter - 2 {
            return label + String(repeating: " ", count: gutter - label.count) + body.dropFirst(gutter) + "\n"
        }
        return label + "\n" + body + "\n"
    }

    /// The words of `text` in lines of at most `width` columns, each indented by `indent` spaces.
    static func wrapped(_ text: String, indent: Int) -> String {
        let margin = String(repeating: " ", count: indent)
        var lines: [String] = []
        var line = margin
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            if line.count > indent && line.count + 1 + word.count > width {
                lines.append(line)
                line = margin
            }
            line += (line.count > indent ? " " : "") + word
        }
        lines.append(line)
        return lines.joined(separator: "\n")
    }
}
