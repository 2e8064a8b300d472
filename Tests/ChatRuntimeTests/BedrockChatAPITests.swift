import AWSServices
import ChatFunction
import ChatRuntime
import Foundation
import Testing
import TestSupport

/// The routes a Bedrock Chat front end calls, over bots and conversations the backfill and the
/// stream sync write: the bot store's fields in its camelCase, popularity order, a random pick,
/// conversation search with highlights ordered by score then latest message, and searches that
/// fail soft when the database is gone.
@Suite(.serialized, .timeLimit(.minutes(5))) struct BedrockChatAPITests {
    typealias Fixture = BedrockChatFixture

    static func call(_ api: ChatAPI, _ path: String, user: String = "sub-4", groups: String? = nil, query: [String: String] = [:]) async throws
        -> (status: Int, body: Any) {
        let response = await api.handle(try ChatAPITests.event("GET", path, user: user, groups: groups, query: query))
        return (response.statusCode, try JSONSerialization.jsonObject(with: Data(response.body.utf8)))
    }

    @Test(arguments: BackendKind.allCases)
    func theBotStoreAndConversationSearchAnswerInBedrockChatsShape(_ kind: BackendKind) async throws {
        let harness = try await Harness.make(kind, signingInAs: .application)
        defer { harness.close() }
        let bots = try BotIndex(executor: harness.executor, embedder: LocalEmbedder(dimension: Harness.dimension))
        for index in [4, 14, 24, 2, 10] {
            guard case .bot(let bot) = BotItem.read(Fixture.bot(index)) else { Issue.record("bot \(index)"); continue }
            _ = try await bots.apply(bot)
        }
        let api = ChatAPI(chat: harness.chat)

        // Bot 4 is sub-4's own, shared with everyone; 14 and 24 are others' public bots; 2 is shared with sub-guest-2 only; 10 is private.
        let (status, body) = try await Self.call(api, "/store/search", query: ["query": "Phở và bánh mì", "limit": "5"])
        let found = try #require(body as? [[String: Any]], "\(body)")
        #expect(status == 200 && Set(found.compactMap { $0["id"] as? String }) == Set([4, 14, 24].map(Fixture.botId)))
        let own = try #require(found.first { $0["id"] as? String == Fixture.botId(4) })
        #expect(own["owned"] as? Bool == true && own["sharedScope"] as? String == "all" && own["sharedStatus"] as? String == "pinned@004")
        #expect(own["createTime"] as? Double == 1_700_000_004_000 && own["title"] as? String == Fixture.storedTitle(4))
        #expect(own["lastUsedTime"] as? Double == 1_700_000_004_000, "never used: last used when created, as Bedrock Chat falls back")
        let others = found.filter { $0["id"] as? String != Fixture.botId(4) }
        #expect(others.allSatisfy { $0["owned"] as? Bool == false }, "\(others)")
        // The item's star, as Bedrock Chat's store returns it (`BotMeta.from_opensearch_response`): bot 24's owner starred it.
        #expect(found.allSatisfy { ($0["isStarred"] as? Bool) == ($0["id"] as? String == Fixture.botId(24)) }, "\(found)")

        let popular = try #require(try await Self.call(api, "/store/popular").body as? [[String: Any]])
        #expect(popular.compactMap { $0["id"] as? String } == [24, 14, 4].map(Fixture.botId), "by usage count: 24, 14, 4")
        let pickup = try #require(try await Self.call(api, "/store/pickup", query: ["limit": "10"]).body as? [[String: Any]])
        #expect(Set(pickup.compactMap { $0["id"] as? String }) == Set([4, 14, 24].map(Fixture.botId)), "the same bots as popular, the caller's own included")
        let guest = try #require(try await Self.call(api, "/store/popular", user: "sub-guest-2").body as? [[String: Any]])
        #expect(Set(guest.compactMap { $0["id"] as? String }) == Set([2, 4, 14, 24].map(Fixture.botId)), "a bot shared with a user by name")
        for (path, user, query) in [("/store/search", "sub-4", ["query": "Phở và bánh mì"]), ("/store/popular", "sub-4", [:]),
                                    ("/store/pickup", "sub-4", [:]), ("/store/popular", "sub-guest-2", [:])] {
            let response = await api.handle(try ChatAPITests.event("GET", path, user: user, query: query))
            let entries = try JSONDecoder().decode([[String: JSONKind]].self, from: Data(response.body.utf8))
            #expect(!entries.isEmpty, "\(path)")
            for entry in entries { try Self.expectBotMetaOutput(entry, "\(path) for \(user)") }
        }
        // One bot opened by id: the same BotMetaOutput; another user's private bot is refused, a missing one not found.
        let opened = await api.handle(try ChatAPITests.event("GET", "/store/bots/\(Fixture.botId(2))", user: "sub-guest-2"))
        #expect(opened.statusCode == 200, "\(opened.body)")
        try Self.expectBotMetaOutput(try JSONDecoder().decode([String: JSONKind].self, from: Data(opened.body.utf8)), "/store/bots/{id}")
        #expect(await api.handle(try ChatAPITests.event("GET", "/store/bots/\(Fixture.botId(10))", user: "sub-4")).statusCode == 403)
        #expect(await api.handle(try ChatAPITests.event("GET", "/store/bots/no-such-bot", user: "sub-4")).statusCode == 404)

        // Conversations: sub-2's only, with highlights; the title outweighs the messages.
        let conversations = ConversationIndex(executor: harness.executor)
        let items = Fixture.conversationItems().items
        for index in [2, 4, 42, 1] {
            guard case .conversation(let conversation) = ConversationItem.read(items[index]) else { Issue.record("conversation \(index)"); continue }
            _ = try await conversations.apply(conversation, text: try await conversation.messageText(nil))
        }
        let hits = try #require(try await Self.call(api, "/conversations/search", user: "sub-2", query: ["query": "lanterns"]).body as? [[String: Any]])
        #expect(hits.compactMap { $0["id"] as? String } == [42, 2].map(Fixture.conversationId), "sub-2's, the latest first at equal score: \(hits)")
        let highlights = try #require(hits.first?["highlights"] as? [[String: Any]])
        let content = try #require(highlights.first { $0["fieldName"] as? String == "content" }?["fragments"] as? [String])
        #expect(content.contains { $0.contains("<em>lanterns</em>") } && content.allSatisfy { $0.count <= 151 }, "\(content)")
        #expect((try await Self.call(api, "/conversations/search", user: "sub-9", query: ["query": "lanterns"]).body as? [Any])?.isEmpty == true,
                "no one else's conversations")
        let titled = try #require(try await Self.call(api, "/conversations/search", user: "sub-1", query: ["query": "\"Robert\""]).body as? [[String: Any]])
        let titleHighlight = (titled.first?["highlights"] as? [[String: Any]])?.first { $0["fieldName"] as? String == "title" }
        #expect((titleHighlight?["fragments"] as? [String])?.first?.hasPrefix("<em>Robert</em>'); DROP TABLE") == true, "\(titled)")

        #expect(try await Self.call(api, "/store/search", query: [:]).status == 400, "bad input is still an error")
    }

    /// Bedrock Chat's `BotMetaOutput`, field by field (Tests/Fixtures/bedrock-chat/bot-meta-output.json).
    struct Schema: Decodable {
        struct Field: Decodable {
            var type: String
            var `enum`: [String]?
        }

        var fields: [String: Field]
    }

    static func botMetaOutput() throws -> [String: Schema.Field] {
        let url = TestPostgres.repositoryRoot.appendingPathComponent("Tests/Fixtures/bedrock-chat/bot-meta-output.json")
        return try JSONDecoder().decode(Schema.self, from: Data(contentsOf: url)).fields
    }

    /// A JSON value's kind, as JSONDecoder tells them apart (a number is never a bool).
    enum JSONKind: Decodable {
        case string(String), number, boolean, null, other

        init(from decoder: any Decoder) throws {
            let value = try decoder.singleValueContainer()
            if value.decodeNil() { self = .null }
            else if (try? value.decode(Bool.self)) != nil { self = .boolean }
            else if (try? value.decode(Double.self)) != nil { self = .number }
            else if let text = try? value.decode(String.self) { self = .string(text) }
            else { self = .other }
        }

        var name: String {
            switch self {
            case .string: "string"
            case .number: "number"
            case .boolean: "boolean"
            case .null: "null"
            case .other: "other"
            }
        }
    }

    /// Every field of the schema, no other, each of its JSON type and, for an enumeration, one of its values.
    static func expectBotMetaOutput(_ entry: [String: JSONKind], _ route: String) throws {
        let fields = try botMetaOutput()
        #expect(Set(entry.keys) == Set(fields.keys), "\(route): \(entry.keys.sorted())")
        for (name, field) in fields {
            let kind = entry[name] ?? .null
            #expect(kind.name == field.type, "\(route): \(name) is a \(kind.name), not a \(field.type)")
            if let allowed = field.enum, case .string(let value) = kind {
                #expect(allowed.contains(value), "\(route): \(name) \(value) is none of \(allowed)")
            }
        }
    }

    @Test func bedrockChatSearchesFailSoftWhenTheDatabaseIsGone() async throws {
        let postgres = try PrivateTestPostgres.start()
        defer { postgres.stop() }
        let harness = try await Harness.make(.postgres, postgresTimeouts: .init(connect: .seconds(5), statement: .seconds(10)), server: postgres.server)
        defer { harness.close() }
        let lines = LogLines()
        let api = ChatAPI(chat: harness.chat, log: lines.append)
        postgres.stop()
        for (path, query) in [("/store/search", ["query": "x"]), ("/store/popular", [:]), ("/store/pickup", [:]), ("/conversations/search", ["query": "x"])] {
            let response = await api.handle(try ChatAPITests.event("GET", path, query: query))
            #expect(response.statusCode == 200 && response.body == "[]", "\(path): \(response.statusCode) \(response.body)")
        }
        let metrics = lines.all.filter { $0.contains(#""SearchFailedSoft":1"#) }
        #expect(metrics.count == 4 && metrics.allSatisfy { $0.contains(#""Namespace":"ChatApi""#) }, "\(lines.all)")
        // Writes still fail loudly.
        let write = await api.handle(try ChatAPITests.event("PUT", "/bots/b1", body: #"{"title":"x"}"#))
        #expect(write.statusCode == 503)
    }
}

final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    var all: [String] { lock.withLock { lines } }
    func append(_ line: String) { lock.withLock { lines.append(line) } }
}
