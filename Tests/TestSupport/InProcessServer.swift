import Hummingbird
import Logging
import NIOCore

/// Test servers that run inside the test process (the Lambda emulator, a stand-in for S3).
enum InProcessServer {
    struct NotListening: Error, CustomStringConvertible {
        var description: String
    }

    /// Serves `router` on 127.0.0.1:`port` in the background and returns once the server says it is
    /// listening. Readiness is not probed with a connection of its own: NIO traps (NIOAsyncWriter
    /// deinited without finish) when a connection closes before the server has taken it in. Quiet:
    /// stopping a test server mid-request is expected, not worth an error line. A server that cannot
    /// bind (another test took the port between `freePort()` and here) fails at once, not after the wait.
    static func serve(_ router: Router<BasicRequestContext>, port: Int, name: String) async throws -> Task<Void, Error> {
        var logger = Logger(label: "test-server")
        logger.logLevel = .critical
        let (running, signal) = AsyncStream<Void>.makeStream()
        let application = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: nil),
                                      onServerRunning: { _ in signal.yield(); signal.finish() }, logger: logger)
        let task = Task {
            defer { signal.finish() }
            try await application.runService(gracefulShutdownSignals: [])
        }
        // Generous: on two busy cores a parallel test run can take seconds to schedule the server.
        let timeout = Task {
            try await Task.sleep(for: .seconds(20))
            signal.finish()
        }
        defer { timeout.cancel() }
        for await _ in running { return task }
        task.cancel()
        throw NotListening(description: "\(name) did not listen on \(port): it could not bind the port, or took over 20 s")
    }

    /// Runs `start` up to three times: a port found free may be taken by another test before it is bound.
    static func retryingPorts<Server>(_ start: () async throws -> Server) async throws -> Server {
        var lastProblem: (any Error)?
        for _ in 0..<3 {
            do { return try await start() } catch { lastProblem = error }
        }
        throw lastProblem ?? NotListening(description: "no server started")
    }
}
