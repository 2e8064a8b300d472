import AsyncHTTPClient
import AWSSigV4
import Deadline
import Foundation
import NIOCore
import PostgresTimeLimits

/// S3's `GetObject`, for reading objects another application wrote (Bedrock Chat's large message
/// maps). Virtual-hosted addressing on AWS; path-style (`endpoint/bucket/key`) when an endpoint is
/// given, as moto and other local S3s want it. Throttling (`SlowDown`) and server errors are retried.
public struct S3Client: Sendable {
    public let region: String
    public let endpoint: String?
    let signer: SigV4
    let credentials: any AWSCredentialProvider
    let http: HTTPClient
    let retry: AWSRetry

    /// `endpoint` overrides AWS's (the SDKs' `AWS_ENDPOINT_URL_S3`).
    public init(region: String, credentials: any AWSCredentialProvider, endpoint: String? = nil, retry: AWSRetry = AWSRetry(attempts: 5), http: HTTPClient = .aws) {
        self.region = region
        self.endpoint = endpoint
        signer = SigV4(service: "s3", region: region)
        self.credentials = credentials
        self.retry = retry
        self.http = http
    }

    /// An error S3 answered (its code, e.g. `NoSuchKey`), or a call that failed after its retries.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var code: String
        public var message: String
        public var description: String { "S3 \(code): \(message)" }
    }

    /// The whole object, up to `limit` bytes (a larger one is an error, not a truncated body).
    public func getObject(bucket: String, key: String, limit: Int = 64 << 20) async throws -> [UInt8] {
        guard !bucket.isEmpty, !key.isEmpty else { throw Failure(code: "InvalidRequest", message: "a bucket and a key are needed (got \"\(bucket)\", \"\(key)\")") }
        let retried: Set<String> = ["SlowDown", "InternalError", "ServiceUnavailable", "RequestTimeout", "ConnectionError"]
        return try await retry.run(retrying: { error in
            guard let failure = error as? Failure else { return false }
            return retried.contains(failure.code) || failure.code.hasPrefix("HTTP5")
        }, exhausted: { error, attempts in
            let failure = error as? Failure ?? Failure(code: "Unknown", message: "\(error)")
            return Failure(code: failure.code, message: "\(failure.message) (gave up after \(attempts) attempts)")
        }) {
            try await send(bucket: bucket, key: key, limit: limit)
        }
    }

    /// The key as it goes on the wire: every byte but unreserved characters and `/` percent-encoded.
    static func encodedKey(_ key: String) -> String {
        key.split(separator: "/", omittingEmptySubsequences: false).map { PercentEncoding.encode(String($0)) }.joined(separator: "/")
    }

    private func send(bucket: String, key: String, limit: Int) async throws -> [UInt8] {
        let path: String
        let base: String
        if let endpoint {
            path = "/\(PercentEncoding.encode(bucket))/\(Self.encodedKey(key))"
            base = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
        } else {
            path = "/\(Self.encodedKey(key))"
            base = "https://\(bucket).s3.\(region).amazonaws.com"
        }
        guard let url = URL(string: base), let host = url.host else { throw Failure(code: "InvalidEndpoint", message: base) }
        // S3 wants the payload's hash in a header; a GET has none.
        let emptyPayload = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        let headers: [(name: String, value: String)] = [("Host", url.port.map { "\(host):\($0)" } ?? host), ("x-amz-content-sha256", emptyPayload)]
        var request = HTTPClientRequest(url: base + path)
        request.method = .GET
        request.headers.add(name: "x-amz-content-sha256", value: emptyPayload)
        for (name, value) in signer.sign(SigningRequest(method: "GET", path: path, headers: headers, body: []), credentials: try await credentials.credentials(), amzDate: AMZDate.now()) {
            request.headers.add(name: name, value: value)
        }
        let response: HTTPClientResponse
        let body: ByteBuffer
        do {
            response = try await http.execute(request, within: .seconds(30))
            body = try await response.body.collect(upTo: limit)
        } catch let expired as DeadlineExceeded {
            throw expired
        } catch let error as NIOTooManyBytesError {
            throw Failure(code: "TooLarge", message: "s3://\(bucket)/\(key) is larger than \(limit) bytes: \(error)")
        } catch {
            if let unreachable = ConnectionFailure(unreachable: base, error) { throw Failure(code: "EndpointUnreachable", message: "GetObject s3://\(bucket)/\(key): \(unreachable)") }
            throw Failure(code: "ConnectionError", message: "GetObject s3://\(bucket)/\(key): \(error)")
        }
        let bytes = Array(body.readableBytesView)
        guard response.status == .ok else {
            let text = String(decoding: bytes.prefix(2000), as: UTF8.self)
            let code = text.xmlElement("Code") ?? "HTTP\(response.status.code)"
            throw Failure(code: code, message: CredentialRejection.describe(
                code: code, message: "s3://\(bucket)/\(key): \(text.xmlElement("Message") ?? String(text.prefix(300)))", source: credentials.source))
        }
        return bytes
    }
}
