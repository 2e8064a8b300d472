import AsyncHTTPClient
import JSONText
import NIOCore
import NIOHTTP1

/// The Lambda Runtime API (`AWS_LAMBDA_RUNTIME_API`): fetch the next event, post its response or
/// error, or report a failed start-up. Only the `next` request waits without a limit: Lambda
/// freezes the process between events, so that wait can last any time. Every other call has one.
public struct RuntimeAPIClient: Sendable {
    public static let version = "2018-06-01"

    let base: String
    let http: HTTPClient
    /// The limit on every call but `next`.
    let callTimeout: TimeAmount

    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// - Parameter address: `host:port`, as `AWS_LAMBDA_RUNTIME_API` gives it.
    public init(address: String, http: HTTPClient = .runtimeAPI, callTimeout: TimeAmount = .seconds(5)) {
        base = "http://\(address)/\(Self.version)/runtime"
        self.http = http
        self.callTimeout = callTimeout
    }

    /// Waits for the next event, however long that takes.
    public func next() async throws -> Invocation {
        let response = try await http.execute(HTTPClientRequest(url: base + "/invocation/next"), deadline: .distantFuture)
        let body = try await response.body.collect(upTo: 6 << 20)
        guard response.status == .ok else {
            throw Failure(description: "GET invocation/next answered \(response.status.code)")
        }
        return try Invocation(headers: response.headers, body: Array(body.readableBytesView))
    }

    public func respond(to requestId: String, with body: [UInt8]) async throws {
        try await post("/invocation/\(requestId)/response", body: body)
    }

    /// Posts `{"errorMessage","errorType"}` with the `Lambda-Runtime-Function-Error-Type` header.
    public func fail(_ requestId: String, _ error: FunctionError) async throws {
        try await post("/invocation/\(requestId)/error", body: error.json, errorType: error.type)
    }

    /// A start-up that failed: Lambda reports it to the caller and does not send events.
    public func failInitialization(_ error: FunctionError) async throws {
        try await post("/init/error", body: error.json, errorType: error.type)
    }

    private func post(_ path: String, body: [UInt8], errorType: String? = nil) async throws {
        var request = HTTPClientRequest(url: base + path)
        request.method = .POST
        request.body = .bytes(ByteBuffer(bytes: body))
        request.headers.add(name: "Content-Type", value: "application/json")
        if let errorType { request.headers.add(name: "Lambda-Runtime-Function-Error-Type", value: errorType) }
        let response = try await http.execute(request, timeout: callTimeout)
        _ = try await response.body.collect(upTo: 1 << 20)
        guard (200..<300).contains(Int(response.status.code)) else {
            throw Failure(description: "POST \(path) answered \(response.status.code)")
        }
    }
}

extension HTTPClient {
    /// For the Runtime API on loopback: connecting is bounded; reading is not, for `next`'s sake
    /// (each other call passes its own limit).
    public static let runtimeAPI = HTTPClient(
        eventLoopGroup: HTTPClient.defaultEventLoopGroup,
        configuration: HTTPClient.Configuration(timeout: .init(connect: .seconds(2))))
}

/// An error as Lambda reports it: a type and a message, never a stack trace.
public struct FunctionError: Error, Sendable, Equatable {
    public var type: String
    public var message: String

    public init(type: String, message: String) {
        self.type = type
        self.message = message
    }

    var json: [UInt8] {
        Array(JSON.object([("errorMessage", .string(message)), ("errorType", .string(type))]).compact().utf8)
    }
}
