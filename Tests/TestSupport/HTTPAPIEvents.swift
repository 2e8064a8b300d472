import Foundation

/// HTTP API (payload 2.0) events as API Gateway sends them to the function, for the tests and the
/// function benchmark.
public enum HTTPAPIEvents {
    /// The event for one request by `user` (the JWT's `sub`; no authorizer claims when nil).
    public static func json(_ method: String, _ path: String, user: String? = "alice", groups: String? = nil,
                            query: [String: String] = [:], body: String? = nil) throws -> String {
        var claims: [String: Any] = [:]
        if let user { claims["sub"] = user }
        if let groups { claims["cognito:groups"] = groups }
        var object: [String: Any] = [
            "version": "2.0", "routeKey": "\(method) \(path)", "rawPath": path,
            "rawQueryString": query.map { "\($0.key)=\($0.value)" }.joined(separator: "&"),
            "headers": ["content-type": "application/json"], "isBase64Encoded": false,
            "requestContext": ["http": ["method": method, "path": path], "authorizer": ["jwt": ["claims": claims, "scopes": NSNull()]]],
        ]
        if !query.isEmpty { object["queryStringParameters"] = query }
        if let body { object["body"] = body }
        return String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }
}

/// A realistic mix of warm invocations for memory soaks, in a cycle of ten: an append, four
/// history reads, a bot search, the popular bots, a conversation search, another user's
/// conversation (404) and a bot update. Every append and bot is new, as in real traffic.
public struct SoakMix: Sendable {
    public let user: String
    public let conversation: String

    public init(user: String = "soak-user", conversation: String = UUID().uuidString.lowercased()) {
        self.user = user
        self.conversation = conversation
    }

    /// The event for invocation `n` (from 0; the first is an append, so the reads find the conversation).
    public func event(_ n: Int) throws -> String {
        switch n % 10 {
        case 0:
            let message = #"{"messages":[{"clientMessageId":"soak-\#(n)","role":"user","content":"Soak message \#(n): plan a trip to Hội An"}]}"#
            return try HTTPAPIEvents.json("POST", "/conversations/\(conversation)/messages", user: user, body: message)
        case 1, 2, 3, 4:
            return try HTTPAPIEvents.json("GET", "/conversations/\(conversation)/messages", user: user, query: ["newest": "5"])
        case 5: return try HTTPAPIEvents.json("GET", "/bots/search", user: user, query: ["q": "trip planner", "limit": "5"])
        case 6: return try HTTPAPIEvents.json("GET", "/store/popular", user: user, query: ["limit": "5"])
        case 7: return try HTTPAPIEvents.json("GET", "/conversations/search", user: user, query: ["q": "trip", "limit": "5"])
        case 8: return try HTTPAPIEvents.json("GET", "/conversations/\(conversation)/messages", user: "someone-else")
        default:
            return try HTTPAPIEvents.json("PUT", "/bots/soak-bot-\(n % 50)", user: user,
                                          body: #"{"title":"Trip planner \#(n)","description":"plans trips","visibility":"public"}"#)
        }
    }

    /// The status invocation `n` should get.
    public func expectedStatus(_ n: Int) -> Int { n % 10 == 8 ? 404 : 200 }
}
