import AWSServices
import Foundation

/// 2,000 items in the exact shape of Bedrock Chat's tables, for the backfill and the stream sync:
/// bots with every sharing variant, aliases, `NULL` attributes, items from older versions missing
/// fields, hostile and Vietnamese text, items that cannot be read; conversations with every kind of
/// message body, related-document items, and large conversations whose message map is in S3.
enum BedrockChatFixture {
    static let botsTable = "BotTableV3"
    static let conversationsTable = "ConversationTableV3"
    static let bucket = "bedrock-chat-large-messages"

    static let botCount = 900
    static let aliasCount = 100
    static let unreadableBots = 2
    static let conversationCount = 900
    static let largeConversationCount = 3
    static let relatedDocumentCount = 95

    static func owner(_ index: Int) -> String { "sub-\(index % 40)" }
    static func botId(_ index: Int) -> String { String(format: "01J0BOT%019d", index) }
    static func conversationId(_ index: Int) -> String { String(format: "01J0CNV%019d", index) }

    /// Titles no one should trip over: SQL, quotes, a NUL (PostgreSQL cannot store it), emoji,
    /// right-to-left text, and Vietnamese with its stacked diacritics.
    static func title(_ index: Int) -> String {
        switch index % 6 {
        case 0: "Hướng dẫn du lịch Hội An \(index)"
        case 1: "Robert'); DROP TABLE bot_vectors; -- \(index)"
        case 2: "Tax\u{0}helper \(index) \u{1F4B8}"
        case 3: "مساعد \(index) \"quoted\" \\back\\slash"
        case 4: "Phở và bánh mì \(index)"
        default: "Travel planner \(index)"
        }
    }

    /// What `title(_:)` is stored as.
    static func storedTitle(_ index: Int) -> String { title(index).replacingOccurrences(of: "\u{0}", with: "") }

    static func bot(_ index: Int) -> DynamoDBClient.Item {
        var item: DynamoDBClient.Item = [
            "PK": .string(owner(index)), "SK": .string("BOT#\(botId(index))"), "Title": .string(title(index)),
            "Description": .string(index % 50 == 0 ? String(repeating: "dài ", count: 2500) : "Bot \(index) answers questions"),
            "CreateTime": .number(String(1_700_000_000_000 + index * 1000)),
        ]
        // Items from older versions have only the basics.
        guard index % 9 != 0 else { return item }
        item["BotId"] = .string(botId(index))
        item["ItemType"] = .string("\(owner(index))#BOT")
        item["Instruction"] = index % 7 == 0 ? .null : .string("Be helpful.")
        item["LastUsedTime"] = index % 4 == 0 ? .null : .number(String(1_710_000_000_000 + index))
        item["UsageStats"] = .map(["usage_count": .number(String(index % 97))])
        item["SyncStatus"] = index % 8 == 0 ? .null : .string("SUCCEEDED")
        item["IsStarred"] = index % 3 == 0 ? .string("TRUE") : .null
        switch index % 5 {
        case 0: break  // private: no SharedScope
        case 1: item["SharedScope"] = .null  // private, written as NULL
        case 2:
            item["SharedScope"] = .string("partial")
            item["AllowedCognitoUsers"] = .list([.string("sub-guest-\(index % 3)")])
            item["AllowedCognitoGroups"] = .null
        case 3:
            item["SharedScope"] = .string("partial")
            item["AllowedCognitoUsers"] = .list([])
            item["AllowedCognitoGroups"] = .list([.string("Finance")])
        default:
            item["SharedScope"] = .string("all")
            item["SharedStatus"] = .string(index % 10 == 4 ? "pinned@\(String(format: "%03d", index % 1000))" : "shared")
        }
        return item
    }

    /// The visibility `bot(index)` is stored with.
    static func visibility(_ index: Int) -> String {
        guard index % 9 != 0 else { return "private" }
        switch index % 5 {
        case 0, 1: return "private"
        case 2, 3: return "shared"
        default: return "public"
        }
    }

    static func botItems() -> [DynamoDBClient.Item] {
        var items = (0..<botCount).map(bot)
        items += (0..<aliasCount).map { index in
            ["PK": .string("sub-guest-\(index)"), "SK": .string("ALIAS#\(botId(index))"), "Title": .string("an alias"),
             "OriginalBotId": .string(botId(index))]
        }
        items.append(["PK": .string("sub-bad"), "SK": .string("BOT#01J0BADTITLE"), "Title": .number("42")])
        items.append(["PK": .string("sub-bad"), "SK": .string("BOT#01J0BADSCOPE"), "Title": .string("Scoped"), "SharedScope": .string("everyone")])
        return items
    }

    /// A message map in Bedrock Chat's JSON: the system message, then user and assistant messages
    /// with text, an image (base64), and a tool use (structured).
    static func messageMap(_ index: Int, topic: String) -> String {
        let map: [String: Any] = [
            "system": ["role": "system", "content": [["content_type": "text", "body": "SYSTEMPROMPT never searched"]], "create_time": 1_700_000_000_000.0,
                       "model": "claude-v3.5-sonnet", "children": ["m1"], "parent": NSNull()],
            "m1": ["role": "user", "content": [["content_type": "text", "body": "Tell me about \(topic) (\(index))"],
                                               ["content_type": "image", "media_type": "image/png", "body": "SU1BR0VEQVRBbm90dGV4dA=="]],
                   "create_time": 1_700_000_100_000.0 + Double(index), "model": "claude-v3.5-sonnet", "children": ["m2"], "parent": "system"],
            "m2": ["role": "assistant", "content": [["content_type": "toolUse", "body": ["tool_use_id": "t1", "name": "search", "input": ["q": "TOOLINPUT"]]],
                                                    ["content_type": "text", "body": "Here is what I know about \(topic)."]],
                   "create_time": 1_700_000_200_000.5 + Double(index), "model": "claude-v3.5-sonnet", "children": [], "parent": "m1"],
        ]
        return String(decoding: try! JSONSerialization.data(withJSONObject: map, options: [.sortedKeys]), as: UTF8.self)
    }

    static func topic(_ index: Int) -> String { index % 2 == 0 ? "Hội An lanterns" : "tax returns" }

    static func conversationItems() -> (items: [DynamoDBClient.Item], objects: [(key: String, body: String)]) {
        var items: [DynamoDBClient.Item] = []
        var objects: [(String, String)] = []
        for index in 0..<(conversationCount + largeConversationCount) {
            let user = owner(index)
            var item: DynamoDBClient.Item = [
                "PK": .string(user), "SK": .string("\(user)#CONV#\(conversationId(index))"), "Title": .string(title(index)),
                "CreateTime": .number(String(1_700_000_000_000 + index)), "TotalPrice": .number("0.0042"),
                "LastMessageId": .string("m2"), "ShouldContinue": .bool(false),
            ]
            if index % 3 != 0 { item["BotId"] = .string(botId(index)) }
            if index % 9 != 0 { item["LastUpdateTime"] = .number(String(1_700_000_300_000 + index)) }
            if index >= conversationCount {
                let path = "\(user)/\(conversationId(index))/message_map.json"
                item["IsLargeMessage"] = .bool(true)
                item["LargeMessagePath"] = .string(path)
                item["MessageMap"] = .string(#"{"system": {"role": "system", "content": [], "create_time": 1700000000000}}"#)
                objects.append((path, messageMap(index, topic: "the lantern festival of Hội An, told at great length")))
            } else {
                item["IsLargeMessage"] = .bool(false)
                item["MessageMap"] = .string(messageMap(index, topic: topic(index)))
            }
            items.append(item)
        }
        items += (0..<relatedDocumentCount).map { index in
            let user = owner(index)
            return ["PK": .string(user), "SK": .string("\(user)#RELATED_DOCUMENT#\(conversationId(index))#src-\(index)"),
                    "SourceName": .string("doc.pdf"), "SourceLink": .string("s3://docs/doc.pdf"), "Content": .map(["text": .string("related")])]
        }
        return (items, objects)
    }
}
