import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One exit-code table for every command of this project: 0 success, 1 findings (or a failure the
/// command reports), 2 usage or input errors. argument-parser exits 64 on a usage error of its own
/// (an unknown flag, a value of the wrong type); these entry points make that 2 as well. A command
/// with more to say adds codes above 2 (`chat-store migrate`: 3 refused, 4 failed part way).
public enum UsageExitStatus {
    public static let usage: Int32 = 2

    /// Prints argument-parser's message for a usage error and exits 2; any other error exits as
    /// argument-parser would.
    static func exit<Command: ParsableCommand>(_ command: Command.Type, after error: any Error) -> Never {
        if Command.exitCode(for: error) == .validationFailure { fail(Command.fullMessage(for: error)) }
        Command.exit(withError: error)
    }

    /// The same for an error the command's `run()` threw: a setting or an input it found wrong is
    /// said in one line (`chat-store: …`), without the usage text, which the arguments were not at fault for.
    static func exit<Command: ParsableCommand>(_ command: Command.Type, afterRunning error: any Error) -> Never {
        if Command.exitCode(for: error) == .validationFailure {
            fail("\(Command.configuration.commandName ?? "error"): \(Command.message(for: error))")
        }
        Command.exit(withError: error)
    }

    private static func fail(_ message: String) -> Never {
        let bytes = Array((message + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        #if canImport(Glibc)
        Glibc.exit(usage)
        #else
        Darwin.exit(usage)
        #endif
    }
}

extension ParsableCommand {
    /// `main()`, with usage errors exiting 2.
    public static func mainExitingTwoOnUsageErrors() {
        var command: any ParsableCommand
        do { command = try parseAsRoot() } catch { UsageExitStatus.exit(Self.self, after: error) }
        do { try command.run() } catch { UsageExitStatus.exit(Self.self, afterRunning: error) }
    }
}

extension AsyncParsableCommand {
    /// `main()` of an async command, with usage errors exiting 2.
    public static func mainExitingTwoOnUsageErrors() async {
        var command: any ParsableCommand
        do { command = try parseAsRoot() } catch { UsageExitStatus.exit(Self.self, after: error) }
        do {
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch {
            UsageExitStatus.exit(Self.self, afterRunning: error)
        }
    }
}
