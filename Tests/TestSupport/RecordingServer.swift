import HTTPTypes
import Hummingbird
import NIOCore

/// An HTTP server on loopback that records every request it gets and answers 200 (or what a test
/// queues): the stand-in for a pre-signed S3 `ResponseURL`, or for a service that fails.
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
        try await InProcessServer.retryingPorts {
            let recorder = RecordingServer(port: try LoopbackServer.freePort())
            await recorder.started(try await InProcessServer.serve(recorder.router(), port: recorder.port, name: "the recording server"))
            return recorder
        }
    }

    private func started(_ server: Task<Void, Error>) { self.server = server }

    public func stop() { server?.cancel() }

    /// An answer other than an empty 200, for the next requests (a service that throttles, say).
    public struct Answer: Sendable {
        public var status: Int
        public var body: String
        public init(status: Int, body: String) {
            self.status = status
            self.body = body
        }
    }

    private var answers: [Answer] = []

    /// The next requests get these answers, in order; after them, 200 again.
    public func answerNext(_ answers: [Answer]) { self.answers += answers }

    func record(_ request: Recorded) -> Answer? {
        requests.append(request)
        return answers.isEmpty ? nil : answers.removeFirst()
    }

    private nonisolated func router() -> Router<BasicRequestContext> {
        let router = Router()
        let handler: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            let body = try await request.body.collect(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let answer = await self.record(Recorded(method: request.method.rawValue, path: request.uri.path, headers: headers,
                                                    body: Array(body.readableBytesView)))
            guard let answer else { return Response(status: .ok) }
            return Response(status: .init(code: answer.status), body: .init(byteBuffer: ByteBuffer(string: answer.body)))
        }
        router.put("**", use: handler)
        router.post("**", use: handler)
        router.post("/", use: handler)
        return router
    }
}
