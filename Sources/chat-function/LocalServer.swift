import ChatFunction
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// `chat-function serve --port N`: the same routes over plain HTTP on 127.0.0.1, for local
/// development. There is no JWT here: the `X-Dev-User` header names the user (and `X-Dev-Groups`
/// the groups), which only this loopback-only mode reads.
enum LocalServer {
    static let userHeader = HTTPField.Name("X-Dev-User")!
    static let groupsHeader = HTTPField.Name("X-Dev-Groups")!

    static func run(port: Int, api: ChatAPI) async throws {
        let router = Router()
        router.on("**", method: .get) { request, _ in try await answer(request, api) }
        router.on("**", method: .post) { request, _ in try await answer(request, api) }
        router.on("**", method: .put) { request, _ in try await answer(request, api) }
        router.on("**", method: .delete) { request, _ in try await answer(request, api) }
        let application = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: nil))
        print("chat-function: serving the chat routes on http://127.0.0.1:\(port) (name the user with the X-Dev-User header)")
        try await application.runService()
    }

    static func answer(_ request: Request, _ api: ChatAPI) async throws -> Response {
        let body = try await request.body.collect(upTo: ChatAPI.maximumBodyBytes + 1)
        var query: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { query[String(key)] = String(value).removingPercentEncoding ?? String(value) }
        var claims: [String: String] = [:]
        if let user = request.headers[userHeader], !user.isEmpty { claims["sub"] = user }
        if let groups = request.headers[groupsHeader] { claims["cognito:groups"] = "[\(groups)]" }
        let event = HTTPAPIEvent(method: request.method.rawValue, path: request.uri.path, query: query,
                                 body: body.readableBytes == 0 ? nil : String(buffer: body), claims: claims)
        let answer = await api.handle(event)
        var headers = HTTPFields()
        for (name, value) in answer.headers { if let field = HTTPField.Name(name) { headers[field] = value } }
        return Response(status: .init(code: answer.statusCode), headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: answer.body)))
    }
}
