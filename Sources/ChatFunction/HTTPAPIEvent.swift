import Foundation

/// An API Gateway HTTP API event, payload format 2.0: what the chat routes read of it.
public struct HTTPAPIEvent: Decodable, Sendable {
    public var rawPath: String
    public var queryStringParameters: [String: String]?
    public var body: String?
    public var isBase64Encoded: Bool?
    public var requestContext: RequestContext

    public struct RequestContext: Decodable, Sendable {
        public var http: HTTPContext
        public var authorizer: Authorizer?
    }

    public struct HTTPContext: Decodable, Sendable {
        public var method: String
    }

    public struct Authorizer: Decodable, Sendable {
        public var jwt: JWT?
    }

    /// The JWT authorizer's view of the token. HTTP APIs pass every claim as a string, lists
    /// included (`"[Admin Finance]"`).
    public struct JWT: Decodable, Sendable {
        public var claims: [String: ClaimValue]?
    }

    /// A claim as text, whatever JSON type it arrived as.
    public struct ClaimValue: Decodable, Sendable {
        public var text: String

        public init(text: String) { self.text = text }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) { self.text = text }
            else if let number = try? container.decode(Double.self) { self.text = String(number) }
            else if let flag = try? container.decode(Bool.self) { self.text = String(flag) }
            else if let list = try? container.decode([String].self) { self.text = "[" + list.joined(separator: " ") + "]" }
            else { self.text = "" }
        }
    }

    /// An event as API Gateway would build it (`chat-function serve` makes one for each local request).
    public init(method: String, path: String, query: [String: String], body: String?, claims: [String: String]) {
        rawPath = path
        queryStringParameters = query.isEmpty ? nil : query
        self.body = body
        isBase64Encoded = false
        requestContext = RequestContext(http: HTTPContext(method: method),
                                        authorizer: Authorizer(jwt: JWT(claims: claims.mapValues { ClaimValue(text: $0) })))
    }

    /// The request body's bytes, decoded from base64 when API Gateway encoded it.
    public var bodyBytes: [UInt8] {
        guard let body else { return [] }
        if isBase64Encoded == true { return Array(Data(base64Encoded: body) ?? Data()) }
        return Array(body.utf8)
    }
}

/// Who is asking: the authorizer's `sub` claim, never a field of the body.
public struct Caller: Sendable, Equatable {
    public var userId: String
    public var groups: [String]

    /// Nil when the request carries no `sub` claim.
    public init?(_ event: HTTPAPIEvent) {
        guard let claims = event.requestContext.authorizer?.jwt?.claims, let sub = claims["sub"]?.text, !sub.isEmpty else { return nil }
        userId = sub
        groups = Self.groups(claims["cognito:groups"]?.text ?? "")
    }

    public init(userId: String, groups: [String] = []) {
        self.userId = userId
        self.groups = groups
    }

    /// `"[Admin Finance]"` (how HTTP APIs pass Cognito's list) or `"Admin,Finance"` → `["Admin", "Finance"]`.
    static func groups(_ text: String) -> [String] {
        var trimmed = Substring(text)
        if trimmed.hasPrefix("[") && trimmed.hasSuffix("]") { trimmed = trimmed.dropFirst().dropLast() }
        return trimmed.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init).filter { !$0.isEmpty }
    }
}

/// An HTTP API response, payload format 2.0. Bodies are JSON; errors are `{"message": …}`.
public struct HTTPAPIResponse: Encodable, Sendable, Equatable {
    public var statusCode: Int
    public var headers: [String: String]
    public var body: String
    public var isBase64Encoded = false

    public static func json(_ status: Int, _ body: some Encodable, headers: [String: String] = [:]) -> HTTPAPIResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let text = (try? encoder.encode(body)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return HTTPAPIResponse(statusCode: status, headers: ["content-type": "application/json"].merging(headers) { $1 }, body: text)
    }

    public static func message(_ status: Int, _ message: String, headers: [String: String] = [:]) -> HTTPAPIResponse {
        json(status, ["message": message], headers: headers)
    }
}
