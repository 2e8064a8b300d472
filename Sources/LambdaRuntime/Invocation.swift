import NIOHTTP1

/// One event from the Runtime API, with what its headers say about it.
public struct Invocation: Sendable {
    public var requestId: String
    /// When Lambda stops waiting, in milliseconds since 1970 (`Lambda-Runtime-Deadline-Ms`).
    public var deadlineMilliseconds: Int64
    public var invokedFunctionArn: String?
    /// `Lambda-Runtime-Trace-Id`, which the runtime hands on as `_X_AMZN_TRACE_ID`.
    public var traceId: String?
    public var body: [UInt8]

    public struct Malformed: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    init(headers: HTTPHeaders, body: [UInt8]) throws {
        guard let requestId = headers.first(name: "Lambda-Runtime-Aws-Request-Id"), !requestId.isEmpty else {
            throw Malformed(description: "the event has no Lambda-Runtime-Aws-Request-Id header")
        }
        guard let deadline = headers.first(name: "Lambda-Runtime-Deadline-Ms").flatMap(Int64.init) else {
            throw Malformed(description: "event \(requestId) has no valid Lambda-Runtime-Deadline-Ms header")
        }
        self.init(requestId: requestId, deadlineMilliseconds: deadline, invokedFunctionArn: headers.first(name: "Lambda-Runtime-Invoked-Function-Arn"),
                  traceId: headers.first(name: "Lambda-Runtime-Trace-Id"), body: body)
    }

    public init(requestId: String, deadlineMilliseconds: Int64, invokedFunctionArn: String? = nil, traceId: String? = nil, body: [UInt8]) {
        self.requestId = requestId
        self.deadlineMilliseconds = deadlineMilliseconds
        self.invokedFunctionArn = invokedFunctionArn
        self.traceId = traceId
        self.body = body
    }
}
