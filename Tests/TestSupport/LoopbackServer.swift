import Foundation
import Spawn
#if canImport(Glibc)
import Glibc
#endif

/// A server the tests run as a child process on a free loopback port: started, waited for until it
/// listens on the port, and terminated. A start that loses its port to another process is retried
/// on a new one.
public final class LoopbackServer: Sendable {
    public let process: BackgroundProcess
    public let port: Int
    public var url: String { "http://127.0.0.1:\(port)" }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    private init(process: BackgroundProcess, port: Int) {
        self.process = process
        self.port = port
    }

    /// Runs `executable` with `arguments(port)` (and `environment` on top of this process's); fails,
    /// saying how to get it, when it is missing.
    public static func start(_ executable: URL, missingHint: String, environment: [String: String] = [:],
                             arguments: @Sendable (Int) -> [String]) async throws -> LoopbackServer {
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw Failure(description: "\(executable.path) is missing: \(missingHint)")
        }
        var lastProblem = ""
        for _ in 0..<3 {
            let port = try freePort()
            let process = try BackgroundProcess.start(executable.path, arguments(port), environment: environment)
            let server = LoopbackServer(process: process, port: port)
            for _ in 0..<400 {
                if listening(port: port) { return server }
                if !process.isRunning { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            lastProblem = process.isRunning ? "did not listen on \(port) within 20 s" : "exited (status \(process.status ?? 0))"
            server.stop()
        }
        throw Failure(description: "\(executable.lastPathComponent) \(lastProblem)")
    }

    /// SIGTERM, then SIGKILL if it is still there after two seconds: a child can inherit an ignored
    /// SIGTERM from the test runner (moto's server was seen surviving it).
    public func stop() { process.stop() }

    /// A port the kernel just had free on 127.0.0.1.
    public static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
        }
        guard bound else { throw Failure(description: "cannot find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Whether something listens on 127.0.0.1:`port`. On Linux the kernel's socket table says so
    /// without connecting: a probe connection that closes at once can crash a debug build of a
    /// Hummingbird server (NIO traps on a connection closed before the server took it in).
    static func listening(port: Int) -> Bool {
        guard let table = try? String(contentsOfFile: "/proc/net/tcp", encoding: .utf8) else { return accepts(port: port) }
        let local = String(format: "0100007F:%04X", port)
        return table.split(separator: "\n").contains { line in
            let columns = line.split(separator: " ")
            return columns.count > 3 && columns[1] == local && columns[3] == "0A"
        }
    }

    static func accepts(port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = loopback(port: port)
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }
}
