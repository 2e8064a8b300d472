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
