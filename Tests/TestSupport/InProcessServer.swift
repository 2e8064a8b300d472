import Hummingbird
import Logging

/// Test servers that run inside the test process (the Lambda emulator, a stand-in for S3).
enum InProcessServer {
    struct NotListening: Error, CustomStringConvertible {
        var description: String
    }

    /// Serves `router` on 127.0.0.1:`port` in the background and returns once the port accepts
    /// connections. Quiet: stopping a test server mid-request is expected, not worth an error line.
    static func serve(_ router: Router<BasicRequestContext>, port: Int, name: String) async throws -> Task<Void, Error> {
        var logger = Logger(label: "test-server")
        logger.logLevel = .critical
        let application = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: nil),
                                      logger: logger)
        let task = Task { try await application.runService(gracefulShutdownSignals: []) }
        for _ in 0..<200 {
            if LoopbackServer.accepts(port: port) { return task }
            try await Task.sleep(for: .milliseconds(25))
        }
        task.cancel()
        throw NotListening(description: "\(name) did not listen on \(port) within 5 s")
    }
}
