import AWSSigV4
import AsyncHTTPClient
import Foundation
import NIOCore

extension SigV4 {
    /// A signed POST of an AWS JSON-protocol operation (`X-Amz-Target`) to `endpoint`'s root, as
    /// Secrets Manager and DynamoDB take them; nil when `endpoint` is no URL with a host.
    func jsonRequest(to endpoint: String, target: String, protocolVersion: String, payload: [UInt8],
                     credentials: AWSCredentials) -> HTTPClientRequest? {
        guard let url = URL(string: endpoint), let host = url.host else { return nil }
        let headers: [(name: String, value: String)] = [
            ("Content-Type", "application/x-amz-json-\(protocolVersion)"), ("X-Amz-Target", target),
            ("Host", url.port.map { "\(host):\($0)" } ?? host),
        ]
        var request = HTTPClientRequest(url: endpoint + "/")
        request.method = .POST
        for (name, value) in headers where name != "Host" { request.headers.add(name: name, value: value) }
        let signing = SigningRequest(method: "POST", path: "/", headers: headers, body: payload)
        for (name, value) in sign(signing, credentials: credentials, amzDate: AMZDate.now()) { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: payload))
        return request
    }
}
