import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
import TestSupport

/// The `synth` executable as a user runs it.
@Suite(.timeLimit(.minutes(5))) struct CommandLineTests {
    static func run(_ arguments: [String], in directory: String = SynthCheckTests.repositoryRoot) throws -> (status: Int32, output: String) {
        let binary = URL(fileURLWithPath: SynthCheckTests.repositoryRoot + "/.build/debug/synth")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw CommandLineFailure(description: "\(binary.path) is missing: run `swift build` before `swift test`")
        }
        return try runProgram(binary, arguments, in: URL(fileURLWithPath: directory))
    }

    /// synth works from any folder of the repository (it reads stacks/ and out/ from the root) and
    /// refuses outside one, where it once reported every file stale and a diff of 83 changes.
    @Test func synthRunsFromASubfolderAndRefusesOutsideTheRepository() throws {
        let inside = try Self.run(["check"], in: SynthCheckTests.repositoryRoot + "/stacks")
        #expect(inside.status == 0 && inside.output.contains("up to date"), "\(inside.output)")
        let relative = try Self.run(["diff", "dev/app.yaml", "dev/app.yaml"], in: SynthCheckTests.repositoryRoot + "/out")
        #expect(relative.status == 0 && relative.output.contains("No changes."), "\(relative.output)")
        let outside = FileManager.default.temporaryDirectory.appendingPathComponent("outside-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: outside) }
        for arguments in [["check"], ["diff", "dev"], ["dev"]] {
            let refused = try Self.run(arguments, in: outside.path)
            #expect(refused.status == 2 && refused.output.contains("synth runs inside the repository"), "\(arguments): \(refused.output)")
        }
    }

    struct CommandLineFailure: Error, CustomStringConvertible { var description: String }

    @Test func unknownStageFailsAndListsTheKnownOnes() throws {
        let result = try Self.run(["qa"])
        #expect(result.status == 2)
        #expect(result.output.contains(#"unknown stage "qa"; known stages: dev, staging, prod"#), "\(result.output)")
    }

    /// Usage and input errors exit 2 from every command, whoever detects them (the command-line reader or the command).
    @Test(arguments: [
        (["dev", "--all"], "pass stage names or --all, not both"),
        (["--bogus"], "Unknown option '--bogus'"),
        ([], "name a stage (dev, staging, prod) or pass --all"),
        (["diff", "dev", "--fail-on", "nonsense"], "--fail-on"),
        (["diff", "--format", "xml", "dev"], "--format"),
        (["cost", "dev", "--format", "xml"], "--format"),
        (["cost", "dev", "--no-such-flag"], "--no-such-flag"),
        (["cost", "qa"], "unknown stage"),
    ])
    func usageErrorsExitTwoAndNameTheProblem(_ arguments: [String], _ named: String) throws {
        let result = try Self.run(arguments)
        #expect(result.status == 2, "\(arguments): \(result.status) \(result.output)")
        #expect(result.output.contains(named), "\(result.output)")
    }

    /// The other commands share the table: argument-parser's usage errors exit 2, not its own 64.
    @Test(arguments: [
        ("chat-store", ["--no-such-flag"], "--no-such-flag"),
        ("chat-store", ["search-bots"], "Missing expected argument"),
        ("data-api-local", ["--port", "eighty"], "--port"),
        ("chat-function", ["--bogus"], "unknown argument \"--bogus\""),
        ("chat-function", ["serve", "--port", "eighty"], "usage: chat-function serve --port N"),
    ])
    func theOtherCommandsExitTwoOnUsageErrors(_ command: String, _ arguments: [String], _ named: String) throws {
        let binary = URL(fileURLWithPath: SynthCheckTests.repositoryRoot + "/.build/debug/" + command)
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw CommandLineFailure(description: "\(binary.path) is missing: run `swift build` before `swift test`")
        }
        let result = try runProgram(binary, arguments)
        #expect(result.status == 2, "\(command) \(arguments): \(result.status) \(result.output)")
        #expect(result.output.contains(named), "\(result.output)")
    }

    /// chat-store's input mistakes exit 2 before any database is reached, naming the field and the fix
    /// in the input's own words (no Swift type names such as DecodingError or CodingKeys).
    @Test(arguments: [
        (["history", "--conversation", "not-a-uuid"], "--conversation must be a UUID"),
        (["history", "--conversation", "3f2a0b7c-1234-4e8f-9abc-1234567890ab", "--newest=-1"], "--newest must be at least 1, not -1"),
        (["search-bots", "--user", "u", " "], "the query is empty"),
        (["search-conversations", "--user", "u", "--limit", "500", "lantern"], "--limit must be 1–100, not 500"),
        (["append", "--conversation", "3f2a0b7c-1234-4e8f-9abc-1234567890ab", "--owner", "o", #"{"clientMessageId":"m","role":"robot","content":"x"}"#],
         #"role must be user, assistant, system or tool, not "robot""#),
        (["append", "--conversation", "3f2a0b7c-1234-4e8f-9abc-1234567890ab", "--owner", "o", #"{"clientMessageId":"m","content":"x"}"#],
         #"the JSON given: "role" is missing; add it"#),
        (["append", "--conversation", "3f2a0b7c-1234-4e8f-9abc-1234567890ab", "--owner", "o", #"[{"clientMessageId":"m","role":"user","content":5}]"#],
         #""item 1.content" should be a string"#),
    ])
    func chatStoreInputErrorsExitTwoInPlainWords(_ arguments: [String], _ named: String) throws {
        let binary = URL(fileURLWithPath: SynthCheckTests.repositoryRoot + "/.build/debug/chat-store")
        // A database nobody listens on: each of these must fail before reaching it.
        let result = try runProgram(binary, arguments, environment: ["MEMORY_BACKEND_TYPE": "postgres", "DATABASE_URL": "postgresql://chat@127.0.0.1:1/chat"])
        #expect(result.status == 2, "\(arguments): \(result.status) \(result.output)")
        #expect(result.output.contains(named), "\(result.output)")
        for jargon in ["DecodingError", "CodingKeys", "keyNotFound", "Dictionary<", "NewMessage"] { #expect(!result.output.contains(jargon), "\(result.output)") }
    }

    /// The local mode, as a newcomer runs it: MEMORY_BACKEND_TYPE=postgres and DATABASE_URL, nothing
    /// else (no region, credentials, ARNs or database name), through migrate, append and history.
    @Test func chatStoreNeedsOnlyADatabaseURLForALocalPostgreSQL() throws {
        let database = try TestPostgres.server().createDatabase(prefix: "local_mode")
        defer { database.drop() }
        let binary = URL(fileURLWithPath: SynthCheckTests.repositoryRoot + "/.build/debug/chat-store")
        let environment = ["MEMORY_BACKEND_TYPE": "postgres", "DATABASE_URL": database.url, "PGSSLMODE": "disable"]
        let conversation = "3f2a0b7c-1234-4e8f-9abc-1234567890ab"
        for arguments in [["migrate"], ["append", "--conversation", conversation, "--owner", "alice", #"{"clientMessageId":"m1","role":"user","content":"hello"}"#]] {
            let result = try runProgram(binary, arguments, environment: environment)
            #expect(result.status == 0, "\(arguments): \(result.output)")
        }
        let history = try runProgram(binary, ["history", "--conversation", conversation], environment: environment)
        #expect(history.status == 0 && history.output.contains(#""content" : "hello""#), "\(history.output)")
    }

    /// data-api-local announces itself (the listening line and the exports) only once its port is
    /// bound: on a port already taken it says so, names --port, and prints no exports.
    @Test func dataAPILocalOnABusyPortSaysSoAndExportsNothing() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) == 0 && listen(listener, 1) == 0 && getsockname(listener, $0, &length) == 0 }
        }
        try #require(bound, "could not listen on a port to make it busy")
        let port = Int(UInt16(bigEndian: address.sin_port))
        let binary = URL(fileURLWithPath: SynthCheckTests.repositoryRoot + "/.build/debug/data-api-local")
        let result = try runProgram(binary, ["--port", String(port), "--database-url", "postgresql://postgres@127.0.0.1:1/postgres"])
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.contains("port \(port) on 127.0.0.1 is already in use") && result.output.contains("--port"), "\(result.output)")
        #expect(!result.output.contains("export ") && !result.output.contains("listening"), "\(result.output)")
    }

    /// When its throwaway PostgreSQL cannot start, data-api-local repeats what scripts/postgres.sh said
    /// (here a stand-in script in a folder of its own, which says to bootstrap), not its usage text.
    @Test func dataAPILocalRepeatsWhyItsPostgreSQLDidNotStart() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("no-postgres-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("scripts"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("out/dev"), withIntermediateDirectories: true)
        try "-- empty\n".write(to: folder.appendingPathComponent("out/dev/schema.sql"), atomically: true, encoding: .utf8)
        let script = folder.appendingPathComponent("scripts/postgres.sh")
        try "#!/usr/bin/env bash\necho 'postgres.sh: no embedded PostgreSQL in .venv: run scripts/bootstrap.sh first' >&2\nexit 1\n"
            .write(to: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        let binary = URL(fileURLWithPath: SynthCheckTests.repositoryRoot + "/.build/debug/data-api-local")
        let result = try runProgram(binary, ["--port", "0"], in: folder)
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.contains("run scripts/bootstrap.sh first"), "\(result.output)")
        #expect(!result.output.contains("USAGE") && !result.output.contains("Usage:"), "\(result.output)")
    }

    /// Outside Lambda, the function's binary says what it is instead of failing to reach a runtime API.
    @Test func chatFunctionHasHelpAndAVersion() throws {
        let binary = URL(fileURLWithPath: SynthCheckTests.repositoryRoot + "/.build/debug/chat-function")
        let help = try runProgram(binary, ["--help"])
        #expect(help.status == 0 && help.output.contains("chat-function serve --port N") && help.output.contains("api, migrator, sync or rotator"), "\(help.output)")
        #expect(!help.output.contains("FunctionError"))
        let version = try runProgram(binary, ["--version"])
        #expect(version.status == 0 && version.output.contains("schema versions: dev "), "\(version.output)")
    }

    @Test(arguments: [[], ["generate"], ["list"], ["check"]])
    func everyCommandHasHelp(_ command: [String]) throws {
        let result = try Self.run(command + ["--help"])
        #expect(result.status == 0)
        #expect(result.output.contains("USAGE:"), "\(result.output)")
    }

    @Test func listShowsDeployOrder() throws {
        let result = try Self.run(["list"])
        #expect(result.status == 0)
        #expect(result.output.contains("dev: chat-dev-database → chat-dev-app"), "\(result.output)")
    }

    @Test func checkPassesOnTheCommittedOutput() throws {
        let result = try Self.run(["check"])
        #expect(result.status == 0, "\(result.output)")
    }
}
