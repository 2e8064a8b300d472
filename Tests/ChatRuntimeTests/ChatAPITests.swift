import ChatFunction
import ChatRuntime
import Foundation
import Testing
import TestSupport

/// The chat routes on both backends, from HTTP API (payload 2.0) events as API Gateway sends them.
@Suite(.serialized, .timeLimit(.minutes(5))) struct ChatAPITests {
    /// An event with the JWT authorizer's claims (`sub` absent when `user` is nil).
    static func event(_ method: String, _ path: String, user: String? = "alice", groups: String? = nil,
                      query: [String: String] = [:], body: String? = nil) throws -> HTTPAPIEvent {
        try JSONDecoder().decode(HTTPAPIEvent.self, from: Data(try eventJSON(method, path, user: user, groups: groups, query: query, body: body).utf8))
    }

    /// The same event as the JSON API Gateway sends.
    static func eventJSON(_ method: String, _ path: String, user: String? = "alice", groups: String? = nil,
                          query: [String: String] = [:], body: String? = nil) throws -> String {
        try HTTPAPIEvents.json(method, path, user: user, groups: groups, query: query, body: body)
    }

    func body(_ response: HTTPAPIResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any], "\(response.body)")
    }

    /// Signed in as the application role, as the deployed function is.
    @Test(arguments: BackendKind.allCases)
    func theWholeAPI(_ kind: BackendKind) async throws {
        let harness = try await Harness.make(kind, signingInAs: .application)
        defer { harness.close() }
        let api = ChatAPI(chat: harness.chat)
        let conversation = newConversationId()
        let messages = #"{"messages":[{"clientMessageId":"m1","role":"user","content":"Plan a trip to Hội An"},{"clientMessageId":"m2","role":"assistant","content":"Lanterns!"}]}"#

        let appended = await api.handle(try Self.event("POST", "/conversations/\(conversation)/messages", body: messages))
        #expect(appended.statusCode == 200, "\(appended.body)")
        let retried = await api.handle(try Self.event("POST", "/conversations/\(conversation)/messages", body: messages))
        #expect(try (body(retried)["messages"] as? [[String: Any]])?.map { $0["seq"] as? Int } == [1, 2], "an idempotent retry")
        let newest = await api.handle(try Self.event("GET", "/conversations/\(conversation)/messages", query: ["newest": "1"]))
        #expect(try (body(newest)["messages"] as? [[String: Any]])?.map { $0["content"] as? String } == ["Lanterns!"])

        let put = await api.handle(try Self.event("PUT", "/conversations/\(conversation)",
                                                  body: #"{"title":"Hội An","metadata":{"lang":"vi"},"excerpt":"lanterns and tailors"}"#))
        #expect(put.statusCode == 200, "\(put.body)")
        let bot = await api.handle(try Self.event("PUT", "/bots/travel-1",
                                                  body: #"{"title":"Wanderlust","description":"plans vacation getaways","visibility":"public"}"#))
        #expect(bot.statusCode == 200, "\(bot.body)")

        let bots = await api.handle(try Self.event("GET", "/bots/search", user: "bob", query: ["q": "holiday trip", "limit": "5"]))
        #expect(try (body(bots)["bots"] as? [[String: Any]])?.first?["botId"] as? String == "travel-1", "\(bots.body)")
        // A bot shared with a group: members of that group (from the JWT's cognito:groups) find it, others do not.
        let grouped = await api.handle(try Self.event("PUT", "/bots/ledger-1",
                                                      body: #"{"title":"Ledger helper","visibility":"shared","allowedGroups":["Finance"]}"#))
        #expect(grouped.statusCode == 200, "\(grouped.body)")
        let member = await api.handle(try Self.event("GET", "/bots/search", user: "fay", groups: "[Finance Ops]", query: ["q": "ledger helper"]))
        #expect(try (body(member)["bots"] as? [[String: Any]])?.first?["botId"] as? String == "ledger-1", "\(member.body)")
        let outsider = await api.handle(try Self.event("GET", "/bots/search", user: "bob", groups: "[Ops]", query: ["q": "ledger helper"]))
        #expect(try (body(outsider)["bots"] as? [[String: Any]])?.contains { $0["botId"] as? String == "ledger-1" } == false, "\(outsider.body)")

        let found = await api.handle(try Self.event("GET", "/conversations/search", query: ["q": "lanterns"]))
        #expect(try (body(found)["conversations"] as? [[String: Any]])?.first?["conversationId"] as? String == conversation)
        let notBobs = await api.handle(try Self.event("GET", "/conversations/search", user: "bob", query: ["q": "lanterns"]))
        #expect(try (body(notBobs)["conversations"] as? [[String: Any]])?.isEmpty == true)

        // Another user: a conversation's existence does not leak (404); a bot's id is public (403).
        #expect(await api.handle(try Self.event("GET", "/conversations/\(conversation)/messages", user: "bob")).statusCode == 404)
        #expect(await api.handle(try Self.event("POST", "/conversations/\(conversation)/messages", user: "bob", body: messages)).statusCode == 404)
        #expect(await api.handle(try Self.event("DELETE", "/conversations/\(conversation)", user: "bob")).statusCode == 404)
        let stolen = await api.handle(try Self.event("PUT", "/bots/travel-1", user: "bob", body: #"{"title":"Mine now"}"#))
        #expect(stolen.statusCode == 403 && stolen.body == #"{"message":"bot belongs to another user"}"#)

        #expect(await api.handle(try Self.event("DELETE", "/bots/travel-1")).statusCode == 204)
        #expect(await api.handle(try Self.event("DELETE", "/conversations/\(conversation)")).statusCode == 204)
        #expect(await api.handle(try Self.event("GET", "/conversations/\(conversation)/messages")).statusCode == 404)
    }

    @Test func badRequestsGetAStatusAndAMessageThatSaysWhatToChange() async throws {
        let harness = try await Harness.make(.postgres)
        defer { harness.close() }
        let api = ChatAPI(chat: harness.chat)
        let id = newConversationId()
        let cases: [(HTTPAPIEvent, Int, String)] = [
            (try Self.event("GET", "/bots/search", user: nil, query: ["q": "x"]), 401, "sign in: the request carries no user (sub) claim"),
            (try Self.event("POST", "/conversations/\(id)/messages", body: "{not json"), 400, "the body is not JSON"),
            (try Self.event("POST", "/conversations/\(id)/messages", body: #"{"messages":[],"userId":"mallory"}"#), 400,
             "body.userId is not a field it takes (it takes messages)"),
            (try Self.event("POST", "/conversations/\(id)/messages", body: #"{"messages":[{"clientMessageId":"m1","role":"user"}]}"#), 400,
             "body.messages[0].content is required"),
            (try Self.event("POST", "/conversations/not-a-uuid/messages", body: #"{"messages":[{"clientMessageId":"m1","role":"user","content":"x"}]}"#),
             400, "id must be a UUID"),
            (try Self.event("PUT", "/bots/b1", body: #"{"title":"t","visibility":"everyone"}"#), 400, "body.visibility must be one of private, shared, public"),
            (try Self.event("GET", "/bots/search", query: ["q": "x", "limit": "500"]), 400, "limit must be at most 50"),
            (try Self.event("POST", "/conversations/\(id)/messages", body: String(repeating: "x", count: ChatAPI.maximumBodyBytes + 1)), 413,
             "the limit is \(ChatAPI.maximumBodyBytes)"),
            (try Self.event("GET", "/nowhere"), 404, "no route GET /nowhere"),
            // Found by fuzzing the OpenAPI document (Tests/DataAPIClients/test_openapi.py): PostgreSQL's text and
            // jsonb cannot hold NUL, which answered 500; the document now forbids it and the contract refuses it.
            (try Self.event("GET", "/bots/search", query: ["q": "a\u{0}b"]), 400, "q needs something to search for besides white space, and no NUL"),
            (try Self.event("GET", "/store/search", query: ["query": "\u{a0}"]), 400, "query needs something to search for besides white space"),
            (try Self.event("PUT", "/conversations/\(id)", body: #"{"metadata":{"k":{"deep":"a\u0000b"}}}"#), 400,
             "body.metadata.k fits 0 of the shapes it may take"),
            (try Self.event("POST", "/conversations/\(id)/messages", body: #"{"messages":[]}"#), 400, "body.messages needs at least 1 item"),
            (try Self.event("GET", "/conversations/\(id)/messages", query: ["newest": "99999999999999999999999"]), 400, "newest must be a whole number"),
        ]
        for (event, status, message) in cases {
            let response = await api.handle(event)
            #expect(response.statusCode == status && response.body.contains(message), "\(event.rawPath): \(response.statusCode) \(response.body)")
            #expect(response.headers["content-type"] == "application/json")
        }
    }

    /// The template creates one API Gateway route per entry of the contract's route list; each must
    /// reach a handler here: not the function's own "no route" answer, nor an operation the document
    /// declares and no handler serves.
    @Test func everyRouteTheTemplateCreatesIsServed() async throws {
        let harness = try await Harness.make(.postgres)
        defer { harness.close() }
        let api = ChatAPI(chat: harness.chat)
        #expect(ChatContract.routes.count == 12)
        for route in ChatContract.routes {
            let parts = route.split(separator: " ", maxSplits: 1).map(String.init)
            let path = parts[1].replacingOccurrences(of: "{id}", with: newConversationId())
            let response = await api.handle(try Self.event(parts[0], path, query: ["q": "x"], body: "{}"))
            #expect(!response.body.contains("no route") && !response.body.contains("has no handler"), "\(route): \(response.statusCode) \(response.body)")
        }
    }

    @Test func anUnavailableDatabaseIs503WithRetryAfterAndNoDetail() async throws {
        let postgres = try PrivateTestPostgres.start()
        defer { postgres.stop() }
        let harness = try await Harness.make(.postgres, postgresTimeouts: .init(connect: .seconds(5), statement: .seconds(10)), server: postgres.server)
        defer { harness.close() }
        postgres.stop()
        let response = await ChatAPI(chat: harness.chat).handle(try Self.event("GET", "/bots/search", query: ["q": "x"]))
        #expect(response.statusCode == 503 && response.headers["retry-after"] == "5")
        #expect(response.body == #"{"message":"the database is unavailable (it may be resuming); try again"}"#)
    }

    @Test func groupsComeFromTheCognitoClaimAsHTTPAPIsPassIt() throws {
        let caller = try #require(Caller(try Self.event("GET", "/bots/search", groups: "[Admin Finance]")))
        #expect(caller == Caller(userId: "alice", groups: ["Admin", "Finance"]))
        #expect(Caller(try Self.event("GET", "/bots/search", user: nil)) == nil)
    }
}
