import AWSServices
import Foundation

/// A conversation as Bedrock Chat stores it in its conversation table (`ConversationTableV3`).
///
/// The source's rules: `PK` is the user and `SK = <userId>#CONV#<conversationId>`; other items under
/// the user (`#RELATED_DOCUMENT#`, …) are not conversations. `MessageMap` is a JSON string, message
/// id → `{role, content: [{content_type, body}], create_time, …}`; when `IsLargeMessage` is true the
/// map is in S3 at `LargeMessagePath` (in the `LARGE_MESSAGE_BUCKET`) and the item keeps only the
/// system message. Times are epoch milliseconds, possibly with a fraction.
public struct ConversationItem: Sendable, Equatable {
    public var userId: String
    public var conversationId: String
    public var botId: String?
    public var title: String
    public var createTime: Int64?
    /// `LastUpdateTime`; older items lack it, and then the latest message's time counts.
    public var lastUpdateTime: Int64?
    public var messages: Messages

    /// Where the message map is: in the item, or in S3 under the item's path.
    public enum Messages: Sendable, Equatable {
        case inline(MessageText)
        case largeMessage(path: String)
    }

    public enum Reading: Sendable, Equatable {
        case conversation(ConversationItem)
        case skipped(String)
        case unreadable(keys: String, problem: String)
    }

    public static func read(_ item: DynamoDBClient.Item) -> Reading {
        let keys = "PK=\(item["PK"]?.string ?? "?") SK=\(item["SK"]?.string ?? "?")"
        guard let user = item["PK"]?.string, let sortKey = item["SK"]?.string else {
            return .unreadable(keys: keys, problem: "PK and SK must be strings")
        }
        let prefix = "\(user)#CONV#"
        guard sortKey.hasPrefix(prefix) else { return .skipped("not a conversation item (SK \(sortKey.prefix(60)))") }
        let conversationId = String(sortKey.dropFirst(prefix.count))
        do {
            guard !conversationId.isEmpty else { throw ItemAttributes.Problem(description: "SK ends in #CONV# with no conversation id") }
            let messages: Messages
            if try ItemAttributes.flag(item, "IsLargeMessage") {
                guard let path = try ItemAttributes.text(item, "LargeMessagePath"), !path.isEmpty else {
                    throw ItemAttributes.Problem(description: "IsLargeMessage is true but LargeMessagePath is missing")
                }
                messages = .largeMessage(path: path)
            } else {
                messages = .inline(try MessageText(messageMap: Array((try ItemAttributes.text(item, "MessageMap") ?? "{}").utf8)))
            }
            return .conversation(ConversationItem(
                userId: user, conversationId: conversationId, botId: try ItemAttributes.text(item, "BotId").flatMap { $0.isEmpty ? nil : $0 },
                title: try ItemAttributes.text(item, "Title") ?? "", createTime: try ItemAttributes.number(item["CreateTime"], "CreateTime"),
                lastUpdateTime: try ItemAttributes.number(item["LastUpdateTime"], "LastUpdateTime"), messages: messages))
        } catch let problem as ItemAttributes.Problem {
            return .unreadable(keys: keys, problem: problem.description)
        } catch {
            return .unreadable(keys: keys, problem: "\(error)")
        }
    }
}

/// Where Bedrock Chat keeps large message maps (its `LARGE_MESSAGE_BUCKET`), read with `s3`.
public struct LargeMessageBucket: Sendable {
    public let s3: S3Client
    public let bucket: String
    public init(s3: S3Client, bucket: String) {
        self.s3 = s3
        self.bucket = bucket
    }
}

extension ConversationItem {
    /// The message text, from the item or, for a large message map, from the bucket.
    public func messageText(_ largeMessages: LargeMessageBucket?) async throws -> MessageText {
        switch messages {
        case .inline(let text): return text
        case .largeMessage(let path):
            guard let largeMessages else {
                throw ItemAttributes.Problem(description: "its message map is in S3 at \(path); give the large-message bucket (LARGE_MESSAGE_BUCKET) to read it")
            }
            return try MessageText(messageMap: try await largeMessages.s3.getObject(bucket: largeMessages.bucket, key: path))
        }
    }
}

/// The searchable text of a message map: the `text` bodies of the user's and the assistant's
/// messages, oldest first, one per line. System and instruction messages are the bot's prompt, not
/// the conversation; image and attachment bodies are base64 and tool bodies are structured, so
/// neither is text anyone searches for.
public struct MessageText: Sendable, Equatable {
    public var text: String
    /// The newest message's `create_time` in milliseconds; nil when there are no messages.
    public var latest: Int64?

    /// PostgreSQL refuses a tsvector over 1 MB; a conversation's first 256 KiB of text is what is searched.
    static let searchableBytes = 256 << 10

    public init(text: String, latest: Int64?) {
        self.text = text
        self.latest = latest
    }

    public init(messageMap json: [UInt8]) throws {
        guard let map = try? JSONSerialization.jsonObject(with: Data(json)) as? [String: Any] else {
            throw ItemAttributes.Problem(description: "MessageMap is not a JSON object")
        }
        var messages: [(time: Double, id: String, text: String)] = []
        var latest: Double?
        for (id, value) in map {
            guard let message = value as? [String: Any] else { throw ItemAttributes.Problem(description: "message \(id.prefix(40)) is not an object") }
            let role = message["role"] as? String ?? ""
            guard id != "system", role == "user" || role == "assistant" else { continue }
            let time = (message["create_time"] as? NSNumber)?.doubleValue ?? 0
            latest = max(latest ?? time, time)
            let bodies = (message["content"] as? [[String: Any]] ?? []).compactMap { part -> String? in
                part["content_type"] as? String == "text" ? part["body"] as? String : nil
            }
            if !bodies.isEmpty { messages.append((time, id, bodies.joined(separator: "\n"))) }
        }
        messages.sort { ($0.time, $0.id) < ($1.time, $1.id) }
        var text = messages.map(\.text).joined(separator: "\n")
        if text.utf8.count > Self.searchableBytes {
            var bytes = 0
            let scalars = text.unicodeScalars
            let cut = scalars.indices.first { index in
                bytes += scalars[index].utf8.count
                return bytes > Self.searchableBytes
            } ?? scalars.endIndex
            text = String(scalars[..<cut])
        }
        self.init(text: BotIndex.storable(text), latest: latest.map { Int64($0.rounded(.down)) })
    }
}
