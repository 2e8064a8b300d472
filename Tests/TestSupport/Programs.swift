import Foundation
import Spawn

/// Runs a program to completion, five minutes at most, and returns its exit status and its
/// standard output and error combined.
public func runProgram(_ executable: URL, _ arguments: [String], in directory: URL? = nil,
                       environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
    let result = try ChildProcess.run(executable.path, arguments, directory: directory?.path, environment: environment,
                                      standardError: .combinedWithOutput, timeLimitSeconds: 300)
    return (result.status, result.outputText)
}

/// `runProgram` on a thread of its own, so a long child process does not hold one of the few threads
/// every async test shares (two on a two-core machine) and starve the tests that measure time.
public func runProgramOffThePool(_ executable: URL, _ arguments: [String], in directory: URL? = nil,
                                 environment: [String: String] = [:]) async throws -> (status: Int32, output: String) {
    try await offThePool { try runProgram(executable, arguments, in: directory, environment: environment) }
}

/// Runs blocking work (child processes, psql, minutes of synthesis) on a thread of its own, for the
/// same reason: a long synchronous test body would hold a shared thread for its whole run.
public func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
    }
}
