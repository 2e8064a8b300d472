import AWSServices
import AWSSigV4
import AsyncHTTPClient
import Foundation
import NIOCore

/// Amazon Titan Text Embeddings v2 through Bedrock's InvokeModel, signed with the same SigV4 signer.
public struct BedrockEmbedder: Embedder {
    public static let modelId = "amazon.titan-embed-text-v2:0"
    /// Titan v2 produces 256, 512 or 1024 dimensions.
    public static let dimensions: Set<Int> = [256, 512, 1024]

    public let dimension: Int
    public let endpoint: String
    let signer: SigV4
    let credentials: any AWSCredentialProvider
    let http: HTTPClient

    public init(region: String, credentials: any AWSCredentialProvider, dimension: Int = 1024, endpoint: String? = nil, http: HTTPClient = .aws) throws {
        guard Self.dimensions.contains(dimension) else { throw ChatStoreError.wrongDimension(expected: 1024, got: dimension) }
        self.dimension = dimension
        self.endpoint = endpoint ?? "https://bedrock-runtime.\(region).amazonaws.com"
        signer = SigV4(service: "bedrock", region: region)
        self.credentials = credentials
        self.http = http
    }

    /// The model path as sent: the `:` of the model id percent-encoded, which SigV4 then encodes again.
    public static var invokePath: String { "/model/" + PercentEncoding.encode(modelId) + "/invoke" }

    /// The signed InvokeModel request for `text` (exposed so tests can check it against botocore).
    public func request(for text: String, amzDate: String, credentials: AWSCredentials) throws -> (headers: [(name: String, value: String)], body: [UInt8]) {
        struct Body: Encodable { var inputText: String; var dimensions: Int; var normalize: Bool }
        let body = Array(try JSONEncoder().encode(Body(inputText: text, dimensions: dimension, normalize: true)))
        guard let url = URL(string: endpoint), let host = url.host else { throw ChatStoreError.invalid("Bedrock endpoint \(endpoint)") }
        let headers: [(name: String, value: String)] = [
            ("Content-Type", "application/json"), ("Accept", "application/json"), ("Host", url.port.map { "\(host):\($0)" } ?? host),
        ]
        let signing = SigningRequest(method: "POST", path: Self.invokePath, headers: headers, body: body)
        return (headers + signer.sign(signing, credentials: credentials, amzDate: amzDate), body)
    }

    public func embed(_ text: String) async throws -> [Float] {
        let (headers, body) = try request(for: text, amzDate: AMZDate.now(), credentials: try await credentials.credentials())
        var request = HTTPClientRequest(url: endpoint + Self.invokePath)
        request.method = .POST
        for (name, value) in headers where name != "Host" { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await http.execute(request, within: .seconds(30))
        let data = try await response.body.collect(upTo: 4 << 20)
        guard response.status == .ok else {
            let code = response.headers.first(name: "x-amzn-ErrorType")?.split(separator: ":").first.map(String.init) ?? ""
            throw ChatStoreError.embedding(CredentialRejection.describe(
                code: code, message: "Bedrock InvokeModel failed with HTTP \(response.status.code): \(String(buffer: data))", source: credentials.source))
        }
        struct Answer: Decodable { var embedding: [Float] }
        return try JSONDecoder().decode(Answer.self, from: Data(data.readableBytesView)).embedding
    }
}
