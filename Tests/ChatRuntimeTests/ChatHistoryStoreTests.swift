import ChatRuntime
import Foundation
import Testing
import TestSupport

/// The same assertions on both backends.
@Suite(.serialized, .timeLimit(.minutes(5))) struct ChatHistoryStoreTests {
    @Test(arguments: BackendKind.allCases)
    func appendsAndReadsInOrder(_ kind: BackendKind) async throws {
        let harness = try await Harness.make(kind)
        defer { harness.close() }
        let history = harness.chat.history
        let conversation = newConversationId()
        let first = try await history.append([NewMessage(clientMessageId: "m1", role: "user", content: "Hello"),
                                              NewMessage(clientMessageId: "m2", role: "assistant", content: "Hi!")],
                                             to: conversation, ownerId: "alice")
        #expect(first.map(\.seq) == [1, 2])
        #expect(first.allSatisfy { $0.createdAt.hasSuffix("Z") })
        try await history.append([NewMessage(clientMessageId: "m3", role: "user", content: "Tell me more")], to: conversation, ownerId: "alice")
        let all = try await history.history(of: conversation)
        #expect(all.map(\.content) == ["Hello", "Hi!", "Tell me more"])
        #expect(all.map(\.seq) == [1, 2, 3])
        #expect(try await history.history(of: conversation, newest: 2).map(\.seq) == [2, 3])
        #expect(try await history.history(of: conversation, newest: 10).count == 3)
        #expect(try await history.history(of: newConversationId()).isEmpty)
    }

    @Test(arguments: BackendKind.allCases)
    func aRetriedAppendDoesNotDuplicate(_ kind: BackendKind) async throws {
        let harness = try await Harness.make(kind)
        defer { harness.close() }
        let history = harness.chat.history
        let conversation = newConversationId()
        let batch = (1...3).map { NewMessage(clientMessageId: "c\($0)", role: "user", content: "message \($0)") }
        let first = try await history.append(batch, to: conversation, ownerId: "alice")
        let retried = try await history.append(batch + [NewMessage(clientMessageId: "c4", role: "user", content: "new")], to: conversation, ownerId: "alice")
        #expect(retried.prefix(3).map(\.seq) == first.map(\.seq))
        #expect(retried.last?.seq == 4)
        #expect(try await history.history(of: conversation).map(\.clientMessageId) == ["c1", "c2", "c3", "c4"])
    }

    /// 8 writers × 200 messages into two shared conversations: nothing lost, nothing duplicated,
    /// each conversation numbered 1…n without gaps.
    @Test(arguments: BackendKind.allCases)
    func concurrentAppendsKeepStrictOrder(_ kind: BackendKind) async throws {
        let harness = try await Harness.make(kind)
        defer { harness.close() }
        let history = harness.chat.history
        let conversations = [newConversationId(), newConversationId()]
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<8 {
                group.addTask {
                    for batch in 0..<20 {
                        let messages = (0..<10).map { NewMessage(clientMessageId: "w\(writer)-\(batch)-\($0)", role: "user", content: "writer \(writer) #\(batch * 10 + $0)") }
                        try await history.append(messages, to: conversations[(writer + batch) % 2], ownerId: "shared-owner")
                    }
                }
            }
            try await group.waitForAll()
        }
        var total = 0
        for conversation in conversations {
            let messages = try await history.history(of: conversation)
            #expect(messages.map(\.seq) == Array(1...Int64(messages.count)))
            #expect(Set(messages.map(\.clientMessageId)).count == messages.count)
            // Each writer's messages keep their own order within a conversation.
            for writer in 0..<8 {
                let own = messages.filter { $0.clientMessageId.hasPrefix("w\(writer)-") }.map(\.content)
                let numbers = own.compactMap { Int($0.split(separator: "#").last ?? "") }
                #expect(numbers == numbers.sorted())
            }
            total += messages.count
        }
        #expect(total == 1_600)
    }

    @Test(arguments: BackendKind.allCases)
    func hostileTextIsStoredByteExact(_ kind: BackendKind) async throws {
        let harness = try await Harness.make(kind)
        defer { harness.close() }
        let hostile = [
            "it's \"quoted\"", ":name and :: and ::text", "$1 $2 $$dollar$$", "-- comment\n/* block */", "back\\slash \\n",
            "🚀🔥 emoji", "Tiếng Việt có dấu", "'; DROP TABLE chat_history; --", "tab\there",
        ]
        let conversation = newConversationId()
        try await harness.chat.history.append(hostile.enumerated().map { NewMessage(clientMessageId: "h\($0.offset) :x '", role: "user", content: $0.element) },
                                              to: conversation, ownerId: "o'brien :owner")
        let stored = try await harness.chat.history.history(of: conversation)
        #expect(stored.map(\.content) == hostile)
        #expect(stored.map(\.clientMessageId) == hostile.indices.map { "h\($0) :x '" })
    }

    @Test(arguments: BackendKind.allCases)
    func metadataUpsertReadAndDeleteWithMessages(_ kind: BackendKind) async throws {
        let harness = try await Harness.make(kind)
        defer { harness.close() }
        let history = harness.chat.history
        let id = newConversationId()
        try await history.upsert(Conversation(conversationId: id, ownerId: "alice", botId: "bot-1", title: "Trip", metadata: #"{"lang":"vi","n":1}"#))
        try await history.upsert(Conversation(conversationId: id, ownerId: "alice", botId: "bot-1", title: "Trip to Hội An", metadata: #"{"lang":"vi","n":2}"#))
        let read = try #require(try await history.conversation(id))
        #expect(read.title == "Trip to Hội An" && read.botId == "bot-1")
        #expect(read.metadata.contains(#""n": 2"#))
        await #expect(throws: ChatStoreError.forbidden("conversation \(id) belongs to another user")) {
            try await history.upsert(Conversation(conversationId: id, ownerId: "mallory", title: "mine now"))
        }
        await #expect(throws: ChatStoreError.forbidden("conversation \(id) belongs to another user")) {
            try await history.append([NewMessage(clientMessageId: "x", role: "user", content: "hi")], to: id, ownerId: "mallory")
        }
        try await history.append([NewMessage(clientMessageId: "m1", role: "user", content: "hi")], to: id, ownerId: "alice")
        #expect(try await history.delete(id, ownerId: "mallory") == false)
        #expect(try await history.delete(id, ownerId: "alice"))
        #expect(try await history.conversation(id) == nil)
        #expect(try await history.history(of: id).isEmpty)
    }

    /// A history larger than one Data API response (1 MiB) still reads back whole.
    @Test(arguments: BackendKind.allCases)
    func largeHistoriesAreReadInPages(_ kind: BackendKind) async throws {
        let harness = try await Harness.make(kind)
        defer { harness.close() }
        let conversation = newConversationId()
        let big = String(repeating: "x", count: 60_000)
        for batch in 0..<4 {
            try await harness.chat.history.append((0..<8).map { NewMessage(clientMessageId: "b\(batch)-\($0)", role: "assistant", content: big + "\(batch)-\($0)") },
                                                  to: conversation, ownerId: "alice")
        }
        let messages = try await harness.chat.history.history(of: conversation)
        #expect(messages.count == 32)
        #expect(messages.last?.content.hasSuffix("3-7") == true)
    }

    @Test func badInputIsRefusedBeforeTheDatabase() async throws {
        // An executor that fails any call proves nothing reached the database.
        let history = ChatHistoryStore(executor: UnreachableExecutor())
        let id = newConversationId()
        await #expect(throws: ChatStoreError.self) { try await history.append([], to: id, ownerId: "a") }
        await #expect(throws: ChatStoreError.invalid("ownerId must not be empty")) {
            try await history.append([NewMessage(clientMessageId: "m", role: "user", content: "x")], to: id, ownerId: "")
        }
        await #expect(throws: ChatStoreError.invalid("clientMessageId must not be empty")) {
            try await history.append([NewMessage(clientMessageId: "", role: "user", content: "x")], to: id, ownerId: "a")
        }
        await #expect(throws: ChatStoreError.messageTooLarge(bytes: 70_000, limit: 63 * 1024)) {
            try await history.append([NewMessage(clientMessageId: "m", role: "user", content: String(repeating: "a", count: 70_000))], to: id, ownerId: "a")
        }
        await #expect(throws: ChatStoreError.self) { try await history.history(of: "not-a-uuid") }
        await #expect(throws: ChatStoreError.self) { try await history.history(of: id, newest: 0) }
        await #expect(throws: ChatStoreError.invalid("metadata must be a JSON object")) {
            try await history.upsert(Conversation(conversationId: id, ownerId: "a", metadata: "[1,2]"))
        }
        let search = try SearchStore(executor: UnreachableExecutor(), embedder: LocalEmbedder(dimension: Harness.dimension))
        await #expect(throws: ChatStoreError.invalid("limit must be 1–100 (got 0)")) { try await search.searchBots("x", user: "u", limit: 0) }
        await #expect(throws: ChatStoreError.invalid("limit must be 1–100 (got 100000)")) { try await search.searchBots("x", user: "u", limit: 100_000) }
        #expect(throws: ChatStoreError.wrongDimension(expected: Harness.dimension, got: 3)) {
            try SearchStore(executor: UnreachableExecutor(), embedder: LocalEmbedder(dimension: 3))
        }
    }
}

struct UnreachableExecutor: SQLExecutor {
    struct Reached: Error {}
    func execute(_ statement: SQLStatement) async throws -> SQLResult { throw Reached() }
    func batch(_ sql: String, _ parameterSets: [[String: SQLValue]]) async throws { throw Reached() }
    func transaction<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T { throw Reached() }

    /// A conversation's metadata is read as a JSON object or as its text, and kept as text.
    @Test func metadataIsReadAsAnObjectOrAsText() throws {
        let object = try JSONDecoder().decode(Conversation.self, from: Data(#"{"conversationId":"c","ownerId":"a","metadata":{"topic":"travel","tags":["a",1,true,null]}}"#.utf8))
        #expect(object.metadata == #"{"tags":["a",1,true,null],"topic":"travel"}"#)
        let text = try JSONDecoder().decode(Conversation.self, from: Data(#"{"conversationId":"c","ownerId":"a","metadata":"{\"topic\":\"travel\"}"}"#.utf8))
        #expect(text.metadata == #"{"topic":"travel"}"#)
        #expect(try JSONDecoder().decode(Conversation.self, from: Data(#"{"conversationId":"c","ownerId":"a"}"#.utf8)).metadata == "{}")
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Conversation.self, from: Data(#"{"conversationId":"c","ownerId":"a","metadata":[1]}"#.utf8)) }
    }
}
