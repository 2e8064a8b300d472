/// One route of an HTTP API, declared once: what API Gateway creates, what the OpenAPI document
/// describes, and what the handler answers.
public struct APIRoute: Sendable, Equatable {
    public enum Method: String, Sendable { case GET, POST, PUT, DELETE }

    /// A path or query parameter.
    public struct Parameter: Sendable, Equatable {
        public var name: String
        public var schema: JSONSchema
        public var required: Bool
        public var description: String

        public init(_ name: String, _ schema: JSONSchema, required: Bool = true, _ description: String) {
            self.name = name
            self.schema = schema
            self.required = required
            self.description = description
        }
    }

    /// A status the route answers, the body it answers with (none for 204), and the operations a
    /// client goes on to with values of this answer (OpenAPI links: what a stateful fuzzer follows).
    public struct Response: Sendable, Equatable {
        public var status: Int
        public var description: String
        public var body: JSONSchema?
        public var links: [Link]

        public init(_ status: Int, _ description: String, _ body: JSONSchema? = nil, links: [Link] = []) {
            self.status = status
            self.description = description
            self.body = body
            self.links = links
        }
    }

    /// `operationId`, with its parameters taken from runtime expressions (`$response.body#/botId`).
    public struct Link: Sendable, Equatable {
        public var operationId: String
        public var parameters: [String: String]

        public init(_ operationId: String, _ parameters: [String: String]) {
            self.operationId = operationId
            self.parameters = parameters
        }
    }

    public var method: Method
    /// `/conversations/{id}/messages`: API Gateway's route key and OpenAPI's path are the same text.
    public var path: String
    public var operationId: String
    public var summary: String
    public var pathParameters: [Parameter]
    public var query: [Parameter]
    public var body: JSONSchema?
    public var responses: [Response]
    /// Behind the JWT authorizer; the caller is the token's `sub`.
    public var authorized: Bool

    public init(_ method: Method, _ path: String, operationId: String, summary: String, pathParameters: [Parameter] = [], query: [Parameter] = [],
                body: JSONSchema? = nil, responses: [Response], authorized: Bool = true) {
        self.method = method
        self.path = path
        self.operationId = operationId
        self.summary = summary
        self.pathParameters = pathParameters
        self.query = query
        self.body = body
        self.responses = responses
        self.authorized = authorized
    }

    /// `GET /bots/search`: API Gateway's route key.
    public var key: String { "\(method.rawValue) \(path)" }
}
