import ChatFunction
import ChatRuntime
import DynamicServices
import Foundation
import HTTPTypes
import Hummingbird
import LambdaRuntime
import Logging
import NIOCore
import ServiceLifecycle

/// `chat-function serve --port N`: the same routes over plain HTTP on 127.0.0.1, for local
/// development. There is no JWT here: the `X-Dev-User` header names the user (and `X-Dev-Groups`
/// the groups), which only this loopback-only mode reads.
enum LocalServer {
    static let userHeader = HTTPField.Name("X-Dev-User")!
    static let groupsHeader = HTTPField.Name("X-Dev-Groups")!

    /// Starts the handler and serves it until SIGTERM or SIGINT: then the server stops taking
    /// requests, finishes those under way, and the database connections close, in that order.
    static func run(port: Int, environment: [String: String]) async throws {
        let services = ServiceSet()
        var logger = Logger(label: "chat-function")
        logger.logLevel = .notice
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: services), .init(service: Server(port: port, environment: environment, services: services))],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }

    /// The handler's start-up and the HTTP server, as one service after the database's.
    struct Server: Service {
        let port: Int
        let environment: [String: String]
        let services: ServiceSet

        func run() async throws {
            let handler = try await ChatFunctionHandler.start(environment: environment, services: services)
            guard let api = handler.api else {
                throw FunctionError(type: "Runtime.InvalidConfiguration",
                                    message: "\(ChatContract.Environment.functionRole): serve runs the api role (got \(handler.role.rawValue))")
            }
            try await LocalServer.application(port: port, api: api).run()
        }
    }

    static func application(port: Int, api: ChatAPI) -> some ApplicationProtocol & Service {
        let router = Router()
        // The API's contract, for a client generator or a viewer (no user needed).
        router.get("/openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: ChatContract.openAPIDocument)))
        }
        router.on("**", method: .get) { request, _ in try await answer(request, api) }
        router.on("**", method: .post) { request, _ in try await answer(request, api) }
        router.on("**", method: .put) { request, _ in try await answer(request, api) }
        router.on("**", method: .delete) { request, _ in try await answer(request, api) }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: nil),
                           onServerRunning: { _ in
                               FileHandle.standardOutput.write(Data("chat-function: serving the chat routes on http://127.0.0.1:\(port) (name the user with the X-Dev-User header or Authorization: Bearer <user>; the OpenAPI document at /openapi.json)\n".utf8))
                           })
    }

    static func answer(_ request: Request, _ api: ChatAPI) async throws -> Response {
        let body = try await request.body.collect(upTo: ChatAPI.maximumBodyBytes + 1)
        var query: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { query[String(key)] = String(value).removingPercentEncoding ?? String(value) }
        var claims: [String: String] = [:]
        // The user: X-Dev-User, or a bearer token standing for the JWT API Gateway checks (the token
        // is the user's name; nothing is verified on this machine), so OpenAPI clients can sign in as
        // the document says.
        let bearer = request.headers[.authorization].flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
        if let user = request.headers[userHeader] ?? bearer, !user.isEmpty { claims["sub"] = user }
        if let groups = request.headers[groupsHeader] { claims["cognito:groups"] = "[\(groups)]" }
        let event = HTTPAPIEvent(method: request.method.rawValue, path: request.uri.path, query: query,
                                 body: body.readableBytes == 0 ? nil : String(buffer: body), claims: claims)
        let answer = await api.handle(event)
        var headers = HTTPFields()
        for (name, value) in answer.headers { if let field = HTTPField.Name(name) { headers[field] = value } }
        return Response(status: .init(code: answer.statusCode), headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: answer.body)))
    }
}
