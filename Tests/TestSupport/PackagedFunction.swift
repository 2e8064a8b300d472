import Foundation
import Spawn

/// The chat function as Lambda runs it: the `bootstrap` inside the zip `scripts/package.sh` built,
/// unzipped and started as its own process with the environment a template would give it.
public final class PackagedFunction: Sendable {
    public let process: BackgroundProcess
    /// Its standard output and error: the JSON log lines.
    public let logFile: URL

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// `CHAT_FUNCTION_ZIP`, or the dev stage's package (dev runs on the architecture of the machines
    /// that build and test it).
    public static var zip: URL {
        if let path = ProcessInfo.processInfo.environment["CHAT_FUNCTION_ZIP"], !path.isEmpty { return URL(fileURLWithPath: path) }
        return TestPostgres.repositoryRoot.appendingPathComponent(".build/lambda/dev/bootstrap.zip")
    }

    /// The zip's `bootstrap`, unpacked once a test run into a temporary directory.
    public static func bootstrap() throws -> URL {
        try unpacked.get()
    }

    private static let unpacked: Result<URL, any Error> = Result {
        guard FileManager.default.fileExists(atPath: zip.path) else {
            throw Failure(description: "no packaged function at \(zip.path): run scripts/package.sh dev first (scripts/test.sh does)")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chat-function-\(UUID().uuidString)")
        let extract = "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])"
        let result = try runProgram(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", extract, zip.path, directory.path])
        let bootstrap = directory.appendingPathComponent("bootstrap")
        guard result.status == 0, FileManager.default.fileExists(atPath: bootstrap.path) else {
            throw Failure(description: "cannot unzip \(zip.path): \(result.output)")
        }
        // zipfile does not restore the mode the packager stored.
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bootstrap.path)
        return bootstrap
    }

    private init(process: BackgroundProcess, logFile: URL) {
        self.process = process
        self.logFile = logFile
    }

    /// Starts `bootstrap` with exactly `environment` (plus PATH), as Lambda starts it.
    public static func start(environment: [String: String]) throws -> PackagedFunction {
        let logFile = FileManager.default.temporaryDirectory.appendingPathComponent("chat-function-\(UUID().uuidString).log")
        let process = try BackgroundProcess.start(try bootstrap().path, [], environment: environment.merging(["PATH": "/usr/bin:/bin"]) { given, _ in given },
                                                  inheritEnvironment: false, outputPath: logFile.path)
        return PackagedFunction(process: process, logFile: logFile)
    }

    public var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    /// Its resident memory now, in KiB (VmRSS in /proc).
    public var residentKiB: Int {
        get throws {
            let status = try String(contentsOfFile: "/proc/\(process.pid)/status", encoding: .utf8)
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
                  let kib = Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]) else {
                throw Failure(description: "no VmRSS line in /proc/\(process.pid)/status")
            }
            return kib
        }
    }

    /// Waits up to `limit` for the process to end; its exit status, or nil if it is still running.
    public func waitForExit(within limit: Duration) async throws -> Int32? {
        let deadline = ContinuousClock.now + limit
        while process.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(25)) }
        return process.status
    }

    /// SIGTERM, then SIGKILL after two seconds.
    public func stop() { process.stop() }
}
