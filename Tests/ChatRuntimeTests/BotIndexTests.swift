import AWSServices
import ChatRuntime
import Testing

/// Bedrock Chat's bot items written into the search table: a second write of the same item changes
/// nothing, only a new title or description is embedded again, sharing lands where search reads it,
/// and text PostgreSQL cannot hold is made storable. On both backends.
@Suite(.serialized, .timeLimit(.minutes(5))) struct BotIndexTests {
    static func bot(_ change: (inout BotItem) -> Void = { _ in }) -> BotItem {
        guard case .bot(var bot) = BotItem.read(BotItemTests.full) else { fatalError("the fixture is a bot") }
        change(&bot)
        return bot
    }

    static func row(_ harness: Harness) throws -> String {
        try harness.database.run("""
            SELECT title, visibility, shared_with, allowed_groups, shared_status, usage_count, created_at, last_used_at, sync_status, is_starred,
                   md5(embedding::text), updated_at FROM bot_vectors WHERE bot_id = '01HZX'
            """).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test(arguments: BackendKind.allCases)
    func applyingIsIdempotentAndEmbedsOnlyChangedText(_ kind: BackendKind) async throws {
        let harness = try await Harness.make(kind)
        defer { harness.close() }
        let index = try BotIndex(executor: harness.executor, embedder: LocalEmbedder(dimension: Harness.dimension))

        #expect(try await index.apply(Self.bot()) == .inserted)
        let first = try Self.row(harness)
        #expect(first.hasPrefix("Hướng dẫn viên Hội An|shared|{sub-bob}|{Finance,Ops}|pinned@001|42|2024-05-29 16:26:40+00|2024-06-10 06:13:20+00|SUCCEEDED|t|"),
                "\(first)")
        #expect(try await index.apply(Self.bot()) == .unchanged)
        #expect(try Self.row(harness) == first, "nothing written the second time, updated_at included")

        #expect(try await index.apply(Self.bot { $0.usageCount = 43; $0.createTime = nil }) == .updated)
        let counted = try Self.row(harness).split(separator: "|").map(String.init)
        let before = first.split(separator: "|").map(String.init)
        #expect(counted[5] == "43" && counted[6] == before[6], "a missing CreateTime keeps the stored one")
        #expect(counted[10] == before[10], "same text, same embedding")

        #expect(try await index.apply(Self.bot { $0.usageCount = 43; $0.title = "Hội An by night" }) == .updated)
        #expect(try Self.row(harness).split(separator: "|").map(String.init)[10] != before[10], "a new title is embedded again")
    }

    @Test(arguments: BackendKind.allCases)
    func sharingIsWhereSearchReadsItAndOtherOwnersAreRefused(_ kind: BackendKind) async throws {
        let harness = try await Harness.make(kind)
        defer { harness.close() }
        let index = try BotIndex(executor: harness.executor, embedder: LocalEmbedder(dimension: Harness.dimension))
        try await index.apply(Self.bot { $0.title = "Ledger \u{0}helper"; $0.allowedUsers = [] })
        let search = harness.chat.search
        #expect(try await search.searchBots("ledger helper", user: "fay", groups: ["Finance"], limit: 5).first?.title == "Ledger helper")
        #expect(try await search.searchBots("ledger helper", user: "bob", limit: 5).isEmpty)
        try await index.apply(Self.bot { $0.title = "Ledger helper"; $0.scope = .all })
        #expect(try await search.searchBots("ledger helper", user: "bob", limit: 5).first?.botId == "01HZX")
        await #expect(throws: ChatStoreError.forbidden("bot 01HZX is indexed for another owner")) {
            try await index.apply(Self.bot { $0.ownerId = "sub-mallory" })
        }
    }
}
