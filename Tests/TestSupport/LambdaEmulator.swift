import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The Lambda Runtime API on loopback, as Lambda serves it to a function: `invocation/next` hands
/// out queued events with their request id, deadline and trace headers, and the function's
/// response, error or start-up failure comes back to whoever invoked.
public actor LambdaEmulator {
    public enum Outcome: Sendable, Equatable {
        case response([UInt8])
        /// The `Lambda-Runtime-Function-Error-Type` header and the body.
        case error(type: String?, body: [UInt8])

        public var text: String {
            switch self {
            case .response(let body), .error(_, let body): String(decoding: body, as: UTF8.self)
            }
        }
    }

    struct Event: Sendable {
        var id: String
        var body: [UInt8]
        var deadlineMilliseconds: Int64
        var traceId: String
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    public nonisolated let port: Int
    public nonisolated var address: String { "127.0.0.1:\(port)" }
    private var queued: [Event] = []
    private var fetchers: [CheckedContinuation<Event, Never>] = []
    private var waiting: [String: CheckedContinuation<Outcome, Never>] = [:]
    private var answered: [String: Outcome] = [:]
    /// What the function posted to `init/error`, if it did.
    public private(set) var initializationError: Outcome?
    /// How many times `invocation/next` was called, and when first (cold-start benchmarks).
    public private(set) var nextRequests = 0
    public private(set) var firstNextRequest: ContinuousClock.Instant?
    /// For the last answered event: from handing it to the function to receiving its answer, the
    /// part of an invocation the function itself spends (benchmarks).
    public private(set) var lastTurnaround: Duration?
    private var handedOut: [String: ContinuousClock.Instant] = [:]
    private var server: Task<Void, Error>?

    private init(port: Int) { self.port = port }

    public static func start() async throws -> LambdaEmulator {
        try await InProcessServer.retryingPorts {
            let emulator = LambdaEmulator(port: try LoopbackServer.freePort())
            await emulator.started(try await InProcessServer.serve(emulator.router(), port: emulator.port, name: "the Lambda emulator"))
            return emulator
        }
    }

    private func started(_ server: Task<Void, Error>) { self.server = server }

    /// Waits (up to 10 s) until the function is back in `invocation/next`, so stopping it does not
    /// cut short a response it is still posting: AsyncHTTPClient traps when a request with a body is
    /// cancelled part-way (NIOAsyncWriter deinited without finish).
    public func waitUntilIdle() async throws {
        for _ in 0..<400 where fetchers.isEmpty { try await Task.sleep(for: .milliseconds(25)) }
        guard !fetchers.isEmpty else { throw Failure(description: "the function did not come back to invocation/next within 10 s") }
    }

    public func stop() {
        server?.cancel()
        for fetcher in fetchers { fetcher.resume(returning: Event(id: "", body: [], deadlineMilliseconds: 0, traceId: "")) }
        fetchers = []
    }

    /// Queues an event, as an invoke does, and waits for the function's answer.
    public func invoke(_ body: [UInt8], timeout: Duration = .seconds(30), traceId: String? = nil) async throws -> Outcome {
        let id = UUID().uuidString.lowercased()
        let deadline = Int64((Date().timeIntervalSince1970 * 1000).rounded()) + Int64(timeout.components.seconds * 1000)
            + timeout.components.attoseconds / 1_000_000_000_000_000
        enqueue(Event(id: id, body: body, deadlineMilliseconds: deadline,
                      traceId: traceId ?? "Root=1-\(String(UInt32.random(in: 0...UInt32.max), radix: 16));Sampled=0"))
        // The answer normally comes before the deadline; allow a margin, then give up loudly.
        let guardTask = Task {
            try await Task.sleep(for: timeout + .seconds(5))
            await self.complete(id, .error(type: "Emulator.NoAnswer", body: Array("no answer within the deadline and 5 s".utf8)))
        }
        defer { guardTask.cancel() }
        return await withCheckedContinuation { continuation in
            if let outcome = answered.removeValue(forKey: id) { continuation.resume(returning: outcome) } else { waiting[id] = continuation }
        }
    }

    public func invoke(_ text: String, timeout: Duration = .seconds(30), traceId: String? = nil) async throws -> Outcome {
        try await invoke(Array(text.utf8), timeout: timeout, traceId: traceId)
    }

    private func enqueue(_ event: Event) {
        if fetchers.isEmpty {
            queued.append(event)
        } else {
            handedOut[event.id] = .now
            fetchers.removeFirst().resume(returning: event)
        }
    }

    func nextEvent() async -> Event {
        nextRequests += 1
        if firstNextRequest == nil { firstNextRequest = .now }
        if !queued.isEmpty {
            let event = queued.removeFirst()
            handedOut[event.id] = .now
            return event
        }
        return await withCheckedContinuation { fetchers.append($0) }
    }

    func complete(_ id: String, _ outcome: Outcome) {
        if let start = handedOut.removeValue(forKey: id) { lastTurnaround = .now - start }
        if let continuation = waiting.removeValue(forKey: id) { continuation.resume(returning: outcome) }
        else if answered[id] == nil { answered[id] = outcome }
    }

    func recordInitializationError(_ outcome: Outcome) { initializationError = outcome }

    private nonisolated func router() -> Router<BasicRequestContext> {
        let router = Router()
        let prefix = "/2018-06-01/runtime"
        router.get("\(prefix)/invocation/next") { _, _ -> Response in
            let event = await self.nextEvent()
            var headers = HTTPFields()
            headers[HTTPField.Name("Lambda-Runtime-Aws-Request-Id")!] = event.id
            headers[HTTPField.Name("Lambda-Runtime-Deadline-Ms")!] = String(event.deadlineMilliseconds)
            headers[HTTPField.Name("Lambda-Runtime-Trace-Id")!] = event.traceId
            headers[HTTPField.Name("Lambda-Runtime-Invoked-Function-Arn")!] = "arn:aws:lambda:us-east-1:123456789012:function:emulated"
            headers[.contentType] = "application/json"
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: event.body)))
        }
        router.post("\(prefix)/invocation/:id/response") { request, context -> Response in
            let body = try await request.body.collect(upTo: 6 << 20)
            await self.complete(context.parameters.get("id") ?? "", .response(Array(body.readableBytesView)))
            return Response(status: .accepted)
        }
        router.post("\(prefix)/invocation/:id/error") { request, context -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            let type = request.headers[HTTPField.Name("Lambda-Runtime-Function-Error-Type")!]
            await self.complete(context.parameters.get("id") ?? "", .error(type: type, body: Array(body.readableBytesView)))
            return Response(status: .accepted)
        }
        router.post("\(prefix)/init/error") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            let type = request.headers[HTTPField.Name("Lambda-Runtime-Function-Error-Type")!]
            await self.recordInitializationError(.error(type: type, body: Array(body.readableBytesView)))
            return Response(status: .accepted)
        }
        return router
    }
}
