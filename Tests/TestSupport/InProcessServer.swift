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
    /// stopping a test server mid-request is expected, not worth an error line.
    static func serve(_ router: Router<BasicRequestContext>, port: Int, name: String) async throws -> Task<Void, Error> {
        var logger = Logger(label: "test-server")
        logger.logLevel = .critical
        let (running, signal) = AsyncStream<Void>.makeStream()
        let application = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: nil),
                                      onServerRunning: { _ in signal.yield(); signal.finish() }, logger: logger)
        let task = Task { try await application.runService(gracefulShutdownSignals: []) }
        let timeout = Task {
            try await Task.sleep(for: .seconds(5))
            signal.finish()
        }
        defer { timeout.cancel() }
        for await _ in running { return task }
        task.cancel()
        throw NotListening(description: "\(name) did not listen on \(port) within 5 s")
    }
}
