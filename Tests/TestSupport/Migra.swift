import Foundation

/// migra (PyPI, installed into `.venv` by scripts/bootstrap.sh), a schema differ of PostgreSQL's
/// own, as the peer that checks two databases have the same schema. A missing install is a failure
/// that says how to make one, never a skipped check.
public enum Migra {
    public static let executable = TestPostgres.repositoryRoot.appendingPathComponent(".venv/bin/migra")

    /// The statements migra would run to turn the database at `from` into the one at `to`, leaving
    /// out those about one of the tables `ignoring` (both sides may hold them differently) or their
    /// indexes and keys, which PostgreSQL names after them (`<table>_pkey`).
    public static func differences(from: String, to: String, ignoring: [String] = []) throws -> [String] {
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw PythonTool.Failure(description: "\(executable.path) is missing: run scripts/bootstrap.sh to install migra from scripts/requirements.txt")
        }
        // SQLAlchemy 2 reads a bare postgresql:// URL as psycopg 3's; migra's stack speaks psycopg2.
        func url(_ text: String) -> String { text.replacingOccurrences(of: "postgresql://", with: "postgresql+psycopg2://") }
        let (status, output) = try runProgram(executable, ["--unsafe", url(from), url(to)])
        // 0: the same; 2: it printed the statements that differ; anything else is migra failing.
        guard status == 0 || status == 2 else { throw PythonTool.Failure(description: "migra exited \(status): \(output)") }
        return output.components(separatedBy: "\n\n").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .filter { statement in !statement.isEmpty && !ignoring.contains { table in
                ["\"\(table)\"", "\"\(table)_", ".\(table) "].contains { statement.contains($0) }
            } }
    }
}
