import AsyncHTTPClient
import Deadline

extension HTTPClient {
    /// The client the runtime calls AWS with (the Data API, Secrets Manager, Bedrock, STS). `.shared`
    /// has no read timeout, so an endpoint that accepts a request and never answers would hang the
    /// caller; this one gives up on a silent connection after 50 s (the Data API itself stops
    /// waiting for a statement after 45 s). It keeps trying to connect (AsyncHTTPClient retries a
    /// refused or failed connection with backoff) for 3 s: an AWS endpoint connects in milliseconds,
    /// and a wrong endpoint or a name that does not resolve is reported within 5 s, not after a
    /// minute of retries. It lives as long as the process.
    public static let aws = HTTPClient(
        eventLoopGroup: HTTPClient.defaultEventLoopGroup,
        configuration: HTTPClient.Configuration(timeout: .init(connect: .seconds(3), read: .seconds(50))))
}

extension HTTPClient {
    /// Sends `request` and waits at most `limit` for its answer's head, or until the invocation's
    /// deadline (`WorkDeadline`) when that comes first.
    public func execute(_ request: HTTPClientRequest, within limit: Duration) async throws -> HTTPClientResponse {
        let bounded = WorkDeadline.bounded(limit)
        // Nothing left: the invocation's deadline has passed, which is what to report.
        guard bounded > .zero else { throw DeadlineExceeded(limit: .zero) }
        return try await execute(request, timeout: .nanoseconds(bounded.clampedNanoseconds))
    }
}
