#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CommandArguments

/// How a command's end becomes synth's exit status, in one place, by the project's table: 0 success;
/// 1 findings (stale files, synth-time errors, what `--fail-on` names); 2 usage or input errors.
enum CommandOutcome: Error {
    /// Exit 1; the command has said what it found.
    case findings
    /// Exit 2; the command has said what was wrong with its input.
    case usage

    static func exit(after error: any Error) -> Never {
        switch error {
        case let error as UsageError:
            printError(CommandHelp.errorText(for: error, in: Synth.tool), terminator: "")
            terminate(2)
        case CommandOutcome.findings: terminate(1)
        case CommandOutcome.usage: terminate(2)
        default:
            printError("error: \(error)")
            terminate(1)
        }
    }

    private static func terminate(_ status: Int32) -> Never {
        #if canImport(Glibc)
        Glibc.exit(status)
        #else
        Darwin.exit(status)
        #endif
    }
}

/// Writes to standard error, unbuffered, so it keeps its place among what the command prints.
func printError(_ text: String, terminator: String = "\n") {
    var line = text + terminator
    line.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
}
