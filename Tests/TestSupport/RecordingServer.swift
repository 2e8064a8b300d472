import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// An HTTP server on loopback that records every request it gets and answers 200: the stand-in
/// for a pre-signed S3 `ResponseURL`.
public actor RecordingServer {
    public struct Recorded: Sendable {
        public var method: String
        public var path: String
        /// Header values by lower-cased name; a header sent empty is recorded as "".
        public var headers: [String: String]
        public var body: [UInt8]
    }

    public nonisolated let port: Int
    public nonisolated var url: String { "http://127.0.0.1:\(port)" }
    public private(set) var requests: [Recorded] = []
    private var server: Task<Void, Error>?

    private init(port: Int) { self.port = port }

    public static func start() async throws -> RecordingServer {
        let recorder = RecordingServer(port: try LoopbackServer.freePort())
        await recorder.serve()
        for _ in 0..<200 {
            if LoopbackServer.accepts(port: recorder.port) { return recorder }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw LambdaEmulator.Failure(description: "the recording server did not listen on \(recorder.port) within 5 s")
    }

    public func stop() { server?.cancel() }

    func record(_ request: Recorded) { requests.append(request) }

    private func serve() {
        let router = Router()
        router.put("**") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            await self.record(Recorded(method: request.method.rawValue, path: request.uri.path, headers: headers, body: Array(body.readableBytesView)))
            return Response(status: .ok)
        }
        // Quiet: stopping a test server mid-request is expected, not worth an error line in the test output.
        var logger = Logger(label: "test-server")
        logger.logLevel = .critical
        let application = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: nil),
                                      logger: logger)
        server = Task { try await application.runService(gracefulShutdownSignals: []) }
    }
}
