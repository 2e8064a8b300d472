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
        if Command.exitCode(for: error) == .validationFailure {
            let message = Array((Command.fullMessage(for: error) + "\n").utf8)
            _ = message.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
            #if canImport(Glibc)
            Glibc.exit(usage)
            #else
            Darwin.exit(usage)
            #endif
        }
        Command.exit(withError: error)
    }
}

extension ParsableCommand {
    /// `main()`, with usage errors exiting 2.
    public static func mainExitingTwoOnUsageErrors() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            UsageExitStatus.exit(Self.self, after: error)
        }
    }
}

extension AsyncParsableCommand {
    /// `main()` of an async command, with usage errors exiting 2.
    public static func mainExitingTwoOnUsageErrors() async {
        do {
            var command = try parseAsRoot()
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch {
            UsageExitStatus.exit(Self.self, after: error)
        }
    }
}
