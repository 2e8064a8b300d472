import HTTPTypes
import Hummingbird
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
        await recorder.started(try await InProcessServer.serve(recorder.router(), port: recorder.port, name: "the recording server"))
        return recorder
    }

    private func started(_ server: Task<Void, Error>) { self.server = server }

    public func stop() { server?.cancel() }

    func record(_ request: Recorded) { requests.append(request) }

    private nonisolated func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.put("**") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            await self.record(Recorded(method: request.method.rawValue, path: request.uri.path, headers: headers, body: Array(body.readableBytesView)))
            return Response(status: .ok)
        }
        return router
    }
}
