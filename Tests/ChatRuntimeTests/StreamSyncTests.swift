import AWSServices
import ChatFunction
import ChatRuntime
import Foundation
import LambdaRuntime
import Testing
import TestSupport

/// Bedrock Chat's DynamoDB stream records, in the event JSON Lambda sends, applied by the chat
/// function in its `sync` role through the Runtime API emulator: inserts, modifies (embedding again
/// only on new text), removes, an out-of-order pair, and a poison record reported in
/// `batchItemFailures` while the records around it are applied. On both backends.
@Suite(.serialized, .timeLimit(.minutes(5))) struct StreamSyncTests {
    typealias Fixture = BedrockChatFixture

    /// One stream record as Lambda delivers it (stream view type NEW_IMAGE: a REMOVE has only keys).
    /// `created`: its `ApproximateCreationDateTime`, in epoch seconds.
    static func record(_ name: String, _ item: DynamoDBClient.Item, sequence: Int, table: String = Fixture.botsTable,
                       created: Int = 1_717_171_717) throws -> String {
        let keys: DynamoDBClient.Item = ["PK": item["PK"] ?? .null, "SK": item["SK"] ?? .null]
        let encode = { (value: DynamoDBClient.Item) in String(decoding: try JSONEncoder().encode(value), as: UTF8.self) }
        return """
            {"eventID":"\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased())","eventName":"\(name)","eventVersion":"1.1",
             "eventSource":"aws:dynamodb","awsRegion":"us-east-1",
             "dynamodb":{"ApproximateCreationDateTime":\(created),"Keys":\(try encode(keys)),\(name == "REMOVE" ? "" : #""NewImage":\#(try encode(item)),"#)
                         "SequenceNumber":"\(String(format: "%026d", sequence))","SizeBytes":512,"StreamViewType":"NEW_IMAGE"},
             "eventSourceARN":"arn:aws:dynamodb:us-east-1:123456789012:table/\(table)/stream/2024-06-01T00:00:00.000"}
            """
    }

    static func event(_ records: [String]) -> String { #"{"Records":[\#(records.joined(separator: ","))]}"# }

    static func failures(_ outcome: LambdaEmulator.Outcome) throws -> [String] {
        guard case .response(let bytes) = outcome else { throw LambdaEmulator.Failure(description: "expected a response, got \(outcome)") }
        return try JSONDecoder().decode(StreamSync.Response.self, from: Data(bytes)).batchItemFailures.map(\.itemIdentifier)
    }

    static func bot(_ index: Int, _ change: (inout DynamoDBClient.Item) -> Void = { _ in }) -> DynamoDBClient.Item {
        var item = Fixture.bot(index)
        change(&item)
        return item
    }

    @Test(arguments: BackendKind.allCases)
    func recordsAreAppliedInOrderAndAPoisonRecordIsReported(_ kind: BackendKind) async throws {
        let harness = try await Harness.make(kind)
        defer { harness.close() }
        let emulator = try await LambdaEmulator.start()
        defer { Task { await emulator.stop() } }
        let search = harness.chat.search
        // Bot 4 is shared with everyone (the fixture's `all` scope), bot 14 too.
        let (first, second) = (4, 14)
        func titles(_ query: String) async throws -> [String] { try await search.searchBots(query, user: "sub-reader", limit: 10).map(\.title) }
        func embedding(_ index: Int) throws -> String {
            try harness.database.run("SELECT md5(embedding::text) FROM bot_vectors WHERE bot_id = '\(Fixture.botId(index))'")
        }
        let conversation = Fixture.conversationItems().items[2]

        try await ChatFunctionTests().withFunction(ChatFunctionTests.environment(harness, kind, emulator: emulator, role: "sync"), on: emulator) {
            // Inserts, an alias (skipped), a conversation, and a poison bot between them.
            let poison = ["PK": .string("sub-bad"), "SK": .string("BOT#01J0POISON"), "Title": .number("7")] as DynamoDBClient.Item
            let inserted = try await emulator.invoke(Self.event([
                try Self.record("INSERT", Self.bot(first) { $0["Title"] = .string("Lantern guide") }, sequence: 100),
                try Self.record("INSERT", ["PK": .string("sub-guest"), "SK": .string("ALIAS#\(Fixture.botId(first))")], sequence: 101),
                try Self.record("INSERT", poison, sequence: 102),
                try Self.record("INSERT", conversation, sequence: 103, table: Fixture.conversationsTable),
                try Self.record("INSERT", Self.bot(second) { $0["Title"] = .string("Noodle guide") }, sequence: 104),
            ]))
            #expect(try Self.failures(inserted) == [String(format: "%026d", 102)], "only the poison record fails")
            #expect(try await titles("lantern guide").first == "Lantern guide")
            #expect(try await titles("noodle guide").first == "Noodle guide", "the record after the poison one is applied")
            #expect(try harness.database.run("SELECT count(*) FROM synced_conversations").hasPrefix("1"))

            // A new title is embedded again; a new usage count alone is not.
            let before = try embedding(first)
            #expect(try Self.failures(try await emulator.invoke(Self.event([
                try Self.record("MODIFY", Self.bot(first) { $0["Title"] = .string("Paper lantern workshop") }, sequence: 200),
            ]))).isEmpty)
            let retitled = try embedding(first)
            #expect(retitled != before)
            #expect(try await titles("paper lantern workshop").first == "Paper lantern workshop")
            _ = try await emulator.invoke(Self.event([
                try Self.record("MODIFY", Self.bot(first) { $0["Title"] = .string("Paper lantern workshop"); $0["UsageStats"] = .map(["usage_count": .number("500")]) },
                                sequence: 201),
            ]))
            #expect(try embedding(first) == retitled)
            #expect(try harness.database.run("SELECT usage_count FROM bot_vectors WHERE bot_id = '\(Fixture.botId(first))'").hasPrefix("500"))

            // An out-of-order pair: the newer record arrives first; the older one changes nothing.
            _ = try await emulator.invoke(Self.event([try Self.record("MODIFY", Self.bot(second) { $0["Title"] = .string("Newer noodle guide") }, sequence: 310)]))
            _ = try await emulator.invoke(Self.event([try Self.record("MODIFY", Self.bot(second) { $0["Title"] = .string("Older noodle guide") }, sequence: 305)]))
            #expect(try await titles("noodle guide").first == "Newer noodle guide")

            // Removes, and an older MODIFY delivered after the REMOVE does not bring the bot back.
            _ = try await emulator.invoke(Self.event([
                try Self.record("REMOVE", Self.bot(first), sequence: 400),
                try Self.record("REMOVE", conversation, sequence: 401, table: Fixture.conversationsTable),
            ]))
            #expect(try await !titles("paper lantern workshop").contains("Paper lantern workshop"))
            #expect(try harness.database.run("SELECT count(*) FROM synced_conversations").hasPrefix("0"))
            _ = try await emulator.invoke(Self.event([try Self.record("MODIFY", Self.bot(first) { $0["Title"] = .string("Paper lantern workshop") }, sequence: 350)]))
            #expect(try await !titles("paper lantern workshop").contains("Paper lantern workshop"), "a removed bot stays removed")
            // A newer INSERT under the same key brings it back.
            _ = try await emulator.invoke(Self.event([try Self.record("INSERT", Self.bot(first) { $0["Title"] = .string("Lantern guide again") }, sequence: 500)]))
            #expect(try await titles("lantern guide again").first == "Lantern guide again")
        }
        let apiEmulator = try await LambdaEmulator.start()
        defer { Task { await apiEmulator.stop() } }
        try await ChatFunctionTests().withFunction(ChatFunctionTests.environment(harness, kind, emulator: apiEmulator), on: apiEmulator) {
            let outcome = try await apiEmulator.invoke(Self.event([try Self.record("INSERT", Self.bot(first), sequence: 700)]))
            guard case .error(let type?, let body) = outcome else { Issue.record("the API function refuses stream records, got \(outcome)"); return }
            #expect(type == "Chat.WrongRole")
            #expect(String(decoding: body, as: UTF8.self).contains("this is a DynamoDB stream event, which the sync function takes; the api function takes an HTTP API request"))
        }
    }
}
