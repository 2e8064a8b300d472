import Foundation

/// Runs a script from `scripts/` with the project's virtualenv Python. A missing virtualenv is a
/// failure that says how to create it, never a skipped test.
public enum PythonTool {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    public static func run(script: String, arguments: [String]) throws -> (status: Int32, output: String) {
        let python = TestPostgres.repositoryRoot.appendingPathComponent(".venv/bin/python")
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            throw Failure(description: "\(python.path) is missing: run scripts/bootstrap.sh (or scripts/test.sh) to create the virtualenv")
        }
        return try runProgram(python, [TestPostgres.repositoryRoot.appendingPathComponent("scripts/\(script)").path] + arguments)
    }

    /// Runs `source` with the virtualenv's Python (to read what a PyPI peer ships) and returns its
    /// output; a non-zero exit is a failure carrying that output.
    public static func run(_ source: String) throws -> String {
        let python = TestPostgres.repositoryRoot.appendingPathComponent(".venv/bin/python")
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            throw Failure(description: "\(python.path) is missing: run scripts/bootstrap.sh (or scripts/test.sh) to create the virtualenv")
        }
        let result = try runProgram(python, ["-c", source])
        guard result.status == 0 else { throw Failure(description: "python exited \(result.status): \(result.output)") }
        return result.output
    }
}
