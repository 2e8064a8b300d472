import AsyncHTTPClient
import AWSSigV4
import Deadline
import Foundation
import NIOCore
import PostgresTimeLimits

/// DynamoDB's JSON protocol (1.0, SigV4) for reading a table another application owns: `Scan` by
/// parallel segments with `LastEvaluatedKey` paging, and `GetItem`. Throttling
/// (`ProvisionedThroughputExceededException`, `ThrottlingException`, `RequestLimitExceeded`) and
/// server errors are retried with capped, jittered exponential backoff; anything else is final.
public struct DynamoDBClient: Sendable {
    public let endpoint: String
    let signer: SigV4
    let credentials: any AWSCredentialProvider
    let http: HTTPClient
    let retry: AWSRetry

    /// `endpoint` overrides AWS's (the SDKs' `AWS_ENDPOINT_URL_DYNAMODB`), e.g. moto on loopback.
    public init(region: String, credentials: any AWSCredentialProvider, endpoint: String? = nil, retry: AWSRetry = AWSRetry(), http: HTTPClient = .aws) {
        self.endpoint = endpoint ?? "https://dynamodb.\(region).amazonaws.com"
        signer = SigV4(service: "dynamodb", region: region)
        self.credentials = credentials
        self.retry = retry
        self.http = http
    }

    public typealias Item = [String: AttributeValue]

    /// An error DynamoDB answered (its code, e.g. `ResourceNotFoundException`), or a call that failed
    /// after its retries.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var code: String
        public var message: String
        public init(code: String, message: String) {
            self.code = code
            self.message = message
        }
        public var description: String { "DynamoDB \(code): \(message)" }

        /// The code of an endpoint that cannot be reached (refused, or its name does not resolve).
        public static let unreachable = "EndpointUnreachable"

        /// Whether nothing further can succeed: the endpoint cannot be reached, or it refuses the credentials.
        public var stopsEverything: Bool { code == Self.unreachable || CredentialRejection.codes.contains(code) || code == "AccessDeniedException" }
    }

    /// One page of a scan: the items, and the key to continue from (nil on the last page).
    public struct Page: Sendable, Equatable {
        public var items: [Item]
        public var lastEvaluatedKey: Item?
    }

    /// One page of segment `segment` of `segments`, from `start` (nil: the beginning).
    public func scan(table: String, segment: Int = 0, of segments: Int = 1, from start: Item? = nil, limit: Int? = nil) async throws -> Page {
        struct Request: Encodable {
            var TableName: String
            var Segment: Int?
            var TotalSegments: Int?
            var ExclusiveStartKey: Item?
            var Limit: Int?
        }
        struct Response: Decodable {
            var Items: [Item]?
            var LastEvaluatedKey: Item?
        }
        guard segments >= 1, (0..<segments).contains(segment) else {
            throw Failure(code: "ValidationException", message: "segment \(segment) of \(segments): segments are numbered 0 to TotalSegments - 1")
        }
        let request = Request(TableName: table, Segment: segments > 1 ? segment : nil, TotalSegments: segments > 1 ? segments : nil,
                              ExclusiveStartKey: start, Limit: limit)
        let response: Response = try await call("Scan", request)
        return Page(items: response.Items ?? [], lastEvaluatedKey: response.LastEvaluatedKey)
    }

    /// The item with `key`, or nil when there is none.
    public func getItem(table: String, key: Item, consistentRead: Bool = false) async throws -> Item? {
        struct Request: Encodable {
            var TableName: String
            var Key: Item
            var ConsistentRead: Bool
        }
        struct Response: Decodable { var Item: Item? }
        let response: Response = try await call("GetItem", Request(TableName: table, Key: key, ConsistentRead: consistentRead))
        return response.Item
    }

    /// The table's approximate item count (DynamoDB refreshes it about every six hours), for an ETA.
    public func approximateItemCount(table: String) async throws -> Int64 {
        struct Request: Encodable { var TableName: String }
        struct Response: Decodable {
            struct Table: Decodable { var ItemCount: Int64? }
            var Table: Table
        }
        let response: Response = try await call("DescribeTable", Request(TableName: table))
        return response.Table.ItemCount ?? 0
    }

    static let retriedCodes: Set<String> = [
        "ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded",
        "InternalServerError", "ServiceUnavailable", "TransactionInProgressException",
    ]

    func call<Request: Encodable, Response: Decodable>(_ operation: String, _ body: Request) async throws -> Response {
        let payload = Array(try JSONEncoder().encode(body))
        return try await retry.run(retrying: { error in
            guard let failure = error as? Failure else { return false }
            return Self.retriedCodes.contains(failure.code) || failure.code.hasPrefix("HTTP5") || failure.code == "ConnectionError"
        }, exhausted: { error, attempts in
            let failure = error as? Failure ?? Failure(code: "Unknown", message: "\(error)")
            return Failure(code: failure.code, message: "\(failure.message) (gave up after \(attempts) attempts)")
        }) {
            try await send(operation, payload)
        }
    }

    private func send<Response: Decodable>(_ operation: String, _ payload: [UInt8]) async throws -> Response {
        guard let request = signer.jsonRequest(to: endpoint, target: "DynamoDB_20120810.\(operation)", protocolVersion: "1.0",
                                               payload: payload, credentials: try await credentials.credentials()) else {
            throw Failure(code: "InvalidEndpoint", message: endpoint)
        }
        let response: HTTPClientResponse
        let body: ByteBuffer
        do {
            response = try await http.execute(request, within: .seconds(30))
            body = try await response.body.collect(upTo: 32 << 20)
        } catch let expired as DeadlineExceeded {
            throw expired
        } catch {
            // Refused, or a name that does not resolve: retrying cannot help, so it is said at once.
            if let unreachable = ConnectionFailure(unreachable: endpoint, error) { throw Failure(code: Failure.unreachable, message: "\(operation): \(unreachable)") }
            throw Failure(code: "ConnectionError", message: "\(operation) to \(endpoint): \(error)")
        }
        let data = Data(body.readableBytesView)
        guard response.status == .ok else {
            let decoded = try? JSONDecoder().decode(ErrorBody.self, from: data)
            // `com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException` → the part after `#`.
            let code = decoded?.__type.map { String($0.split(separator: "#").last ?? Substring($0)) } ?? "HTTP\(response.status.code)"
            throw Failure(code: response.status.code >= 500 && decoded?.__type == nil ? "HTTP\(response.status.code)" : code,
                          message: CredentialRejection.describe(code: code, message: decoded?.message ?? decoded?.Message ?? String(decoding: data.prefix(300), as: UTF8.self),
                                                                source: credentials.source))
        }
        do {
            return try JSONDecoder().decode(Response.self, from: data)
        } catch {
            throw Failure(code: "UnreadableResponse", message: "\(operation): \(error)")
        }
    }
}

/// DynamoDB's error body: `__type` ends in the error code; the message is `message` or `Message`.
private struct ErrorBody: Decodable {
    var __type: String?
    var message: String?
    var Message: String?
}

/// A DynamoDB attribute value in the service's JSON: `{"S": "text"}`, `{"N": "12"}`, `{"M": {…}}`, ….
/// Numbers stay the decimal text DynamoDB sends; binary stays base64.
public indirect enum AttributeValue: Sendable, Equatable, Codable {
    case string(String)
    case number(String)
    case binary(String)
    case bool(Bool)
    case null
    case map([String: AttributeValue])
    case list([AttributeValue])
    case stringSet([String])
    case numberSet([String])
    case binarySet([String])

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        guard container.allKeys.count == 1, let key = container.allKeys.first else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "an attribute value has exactly one type key"))
        }
        switch key.stringValue {
        case "S": self = .string(try container.decode(String.self, forKey: key))
        case "N": self = .number(try container.decode(String.self, forKey: key))
        case "B": self = .binary(try container.decode(String.self, forKey: key))
        case "BOOL": self = .bool(try container.decode(Bool.self, forKey: key))
        case "NULL": self = .null
        case "M": self = .map(try container.decode([String: AttributeValue].self, forKey: key))
        case "L": self = .list(try container.decode([AttributeValue].self, forKey: key))
        case "SS": self = .stringSet(try container.decode([String].self, forKey: key))
        case "NS": self = .numberSet(try container.decode([String].self, forKey: key))
        case "BS": self = .binarySet(try container.decode([String].self, forKey: key))
        default:
            throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "unknown attribute type \(key.stringValue)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        switch self {
        case .string(let value): try container.encode(value, forKey: Key("S"))
        case .number(let value): try container.encode(value, forKey: Key("N"))
        case .binary(let value): try container.encode(value, forKey: Key("B"))
        case .bool(let value): try container.encode(value, forKey: Key("BOOL"))
        case .null: try container.encode(true, forKey: Key("NULL"))
        case .map(let value): try container.encode(value, forKey: Key("M"))
        case .list(let value): try container.encode(value, forKey: Key("L"))
        case .stringSet(let value): try container.encode(value, forKey: Key("SS"))
        case .numberSet(let value): try container.encode(value, forKey: Key("NS"))
        case .binarySet(let value): try container.encode(value, forKey: Key("BS"))
        }
    }

    /// The text of an `S`; nil for any other type (a `NULL` included).
    public var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// An `N` as an integer; nil for other types or a number with a fraction.
    public var integer: Int64? {
        if case .number(let value) = self { return Int64(value) }
        return nil
    }

    /// The strings of an `L` of `S` (Bedrock Chat stores lists, not sets) or of an `SS`.
    public var strings: [String]? {
        switch self {
        case .list(let values): values.allSatisfy { $0.string != nil } ? values.compactMap(\.string) : nil
        case .stringSet(let values): values
        default: nil
        }
    }
}
