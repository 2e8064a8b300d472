import AWSServices
import ChatRuntime
import Testing

/// Reading Bedrock Chat's bot items: every sharing variant, aliases and other items skipped, NULLs
/// and items from older versions with attributes missing, and items that cannot be read reported
/// with their keys.
@Suite struct BotItemTests {
    static let full: DynamoDBClient.Item = [
        "PK": .string("sub-alice"), "SK": .string("BOT#01HZX"), "BotId": .string("01HZX"), "ItemType": .string("sub-alice#BOT"),
        "Title": .string("Hướng dẫn viên Hội An"), "Description": .string("Gợi ý lịch trình phố cổ"), "Instruction": .string("Trả lời ngắn gọn"),
        "CreateTime": .number("1717000000000"), "LastUsedTime": .number("1718000000000"),
        "UsageStats": .map(["usage_count": .number("42")]), "SyncStatus": .string("SUCCEEDED"), "IsStarred": .string("TRUE"),
        "SharedScope": .string("partial"), "SharedStatus": .string("pinned@001"),
        "AllowedCognitoUsers": .list([.string("sub-bob")]), "AllowedCognitoGroups": .list([.string("Finance"), .string("Ops")]),
    ]

    struct NotABot: Error { var reading: BotItem.Reading }

    func bot(_ item: DynamoDBClient.Item) throws -> BotItem {
        let reading = BotItem.read(item)
        guard case .bot(let bot) = reading else { throw NotABot(reading: reading) }
        return bot
    }

    @Test func aFullBotReadsEveryAttribute() throws {
        let bot = try bot(Self.full)
        #expect(bot == BotItem(botId: "01HZX", ownerId: "sub-alice", title: "Hướng dẫn viên Hội An", description: "Gợi ý lịch trình phố cổ",
                               instruction: "Trả lời ngắn gọn", scope: .partial, sharedStatus: "pinned@001", allowedUsers: ["sub-bob"],
                               allowedGroups: ["Finance", "Ops"], usageCount: 42, createTime: 1_717_000_000_000, lastUsedTime: 1_718_000_000_000,
                               syncStatus: "SUCCEEDED", isStarred: true))
    }

    @Test func eachSharingVariant() throws {
        var item = Self.full
        item["SharedScope"] = nil
        #expect(try bot(item).scope == .private)
        item["SharedScope"] = .null
        #expect(try bot(item).scope == .private)
        item["SharedScope"] = .string("all")
        #expect(try bot(item).scope == .all)
        item["AllowedCognitoUsers"] = .stringSet(["u1", "u2"])
        item["AllowedCognitoGroups"] = .null
        #expect(try bot(item).allowedUsers == ["u1", "u2"] && bot(item).allowedGroups.isEmpty)
        item["SharedScope"] = .string("everyone")
        #expect(BotItem.read(item) == .unreadable(keys: "PK=sub-alice SK=BOT#01HZX", problem: "SharedScope everyone is neither partial nor all"))
    }

    @Test func aliasesAndOtherItemsAreSkipped() {
        #expect(BotItem.read(["PK": .string("sub-bob"), "SK": .string("ALIAS#01HZX"), "Title": .string("pinned")])
                == .skipped("an alias of a shared bot, not a bot"))
        guard case .skipped = BotItem.read(["PK": .string("sub-bob"), "SK": .string("sub-bob#CONV#c1")]) else {
            Issue.record("a conversation item was not skipped")
            return
        }
    }

    /// An item from an older version: no BotId, no sharing, no usage, no times, NULLs where unset.
    @Test func anOlderItemWithAttributesMissingGetsDefaults() throws {
        let bot = try bot(["PK": .string("sub-carol"), "SK": .string("BOT#old-1"), "Title": .string("Old bot"),
                           "Description": .null, "IsStarred": .null, "UsageStats": .null])
        #expect(bot == BotItem(botId: "old-1", ownerId: "sub-carol", title: "Old bot", description: "", instruction: "", scope: .private,
                               sharedStatus: "unshared", allowedUsers: [], allowedGroups: [], usageCount: 0, createTime: nil,
                               lastUsedTime: nil, syncStatus: nil, isStarred: false))
    }

    @Test func hostileTextIsKeptAsIs() throws {
        var item = Self.full
        let hostile = "'); DROP TABLE bot_vectors; -- \u{0}\u{202E} 🤖 <script>alert(1)</script> \\ \" %s"
        item["Title"] = .string(hostile)
        #expect(try bot(item).title == hostile)
    }

    @Test func itemsThatCannotBeReadAreReportedWithTheirKeys() {
        func problem(_ change: (inout DynamoDBClient.Item) -> Void) -> String? {
            var item = Self.full
            change(&item)
            if case .unreadable(let keys, let problem) = BotItem.read(item) {
                #expect(keys == "PK=sub-alice SK=BOT#01HZX")
                return problem
            }
            return nil
        }
        #expect(problem { $0["Title"] = nil } == "a bot needs a Title (a string)")
        #expect(problem { $0["Title"] = .number("7") } == "Title is a number, not a string")
        #expect(problem { $0["BotId"] = .string("other") } == "BotId other is not the id in SK (01HZX)")
        #expect(problem { $0["CreateTime"] = .number("1e30") } == "CreateTime is 1e30, not a number of milliseconds")
        #expect(problem { $0["UsageStats"] = .map(["usage_count": .string("many")]) } == "UsageStats.usage_count is a string, not a number")
        #expect(problem { $0["AllowedCognitoGroups"] = .list([.string("a"), .number("1")]) } == "AllowedCognitoGroups is a list, not a list of strings")
        #expect(BotItem.read(["SK": .string("BOT#x")]) == .unreadable(keys: "PK=? SK=BOT#x", problem: "PK and SK must be strings"))
    }
}
