import Foundation

/// Keeps `synced_conversations` in step with Bedrock Chat's conversation items: the title and the
/// text of the messages, searchable for their user only. Like `BotIndex`, a row whose values are all
/// the same is not written, and stream records keep their order (`SyncOrder`). Nothing is embedded:
/// conversation search is full-text, as the source's is.
public struct ConversationIndex: Sendable {
    typealias Conversations = ChatContract.SyncedConversations

    public let executor: any SQLExecutor

    public init(executor: any SQLExecutor) {
        self.executor = executor
    }

    /// Writes `conversation` with its message text (read from the item, or from S3 for a large
    /// message map); `sequence` is the stream record's sequence number (nil for a backfill), and
    /// `observed` when the item was seen as it is (the record's creation, the backfill's page read).
    public func apply(_ conversation: ConversationItem, text: MessageText, sequence: String? = nil, observed: Date = Date()) async throws
        -> BotIndex.Outcome {
        try Validate.id(conversation.userId, "userId")
        try Validate.id(conversation.conversationId, "conversationId")
        try SyncOrder.validate(sequence)
        func time(_ milliseconds: Int64?) -> SQLValue { milliseconds.map { .int($0) } ?? .null }
        let fromMilliseconds = { (name: String) in "to_timestamp(CAST(:\(name) AS bigint) / 1000.0)" }
        // Missing times keep the stored ones (or now, for a new row), so a second run finds nothing changed.
        let created = "coalesce(\(fromMilliseconds("created")), \(Conversations.table).\(Conversations.createdAt))"
        let lastMessage = "coalesce(\(fromMilliseconds("lastMessage")), \(Conversations.table).\(Conversations.lastMessageAt))"
        let columns = [Conversations.botId, Conversations.title, Conversations.body, Conversations.sourceSequence]
        let result = try await executor.execute(SQLStatement("""
            WITH \(SyncOrder.clearOlderTombstone(.conversation, owner: ":user", item: ":conversation"))
            INSERT INTO \(Conversations.table) (\(Conversations.userId), \(Conversations.conversationId), \(columns.joined(separator: ", ")),
                        \(Conversations.createdAt), \(Conversations.lastMessageAt), \(Conversations.updatedAt))
            SELECT :user, :conversation, :bot, :title, :body, CAST(:sequence AS numeric),
                   coalesce(\(fromMilliseconds("created")), now()), coalesce(\(fromMilliseconds("lastMessage")), \(fromMilliseconds("created")), now()), now()
             WHERE \(SyncOrder.notRemoved(.conversation, owner: ":user", item: ":conversation"))
            ON CONFLICT (\(Conversations.userId), \(Conversations.conversationId)) DO UPDATE SET
              \(columns.map { "\($0) = EXCLUDED.\($0)" }.joined(separator: ", ")),
              \(Conversations.createdAt) = \(created), \(Conversations.lastMessageAt) = \(lastMessage), \(Conversations.updatedAt) = now()
            WHERE \(SyncOrder.newer(than: Conversations.table))
              AND (\(columns.map { "\(Conversations.table).\($0)" }.joined(separator: ", ")), \(Conversations.table).\(Conversations.createdAt), \(Conversations.table).\(Conversations.lastMessageAt))
                  IS DISTINCT FROM (\(columns.map { "EXCLUDED.\($0)" }.joined(separator: ", ")), \(created), \(lastMessage))
            RETURNING xmax::text = '0'
            """, [
                "user": .text(conversation.userId), "conversation": .text(conversation.conversationId),
                "bot": conversation.botId.map { .text(BotIndex.storable($0)) } ?? .null, "title": .text(BotIndex.storable(conversation.title)),
                "body": .text(text.text), "sequence": sequence.map { .text($0) } ?? .null, "observed": .double(observed.timeIntervalSince1970),
                "created": time(conversation.createTime), "lastMessage": time(conversation.lastUpdateTime ?? text.latest),
            ]))
        guard let row = result.rows.first else { return .unchanged }
        return try ResultRow(row, "synced conversation").bool(0, "inserted") ? .inserted : .updated
    }

    /// Removes the conversation (a stream `REMOVE`) unless the row is newer than the record.
    public func remove(userId: String, conversationId: String, sequence: String) async throws -> BotIndex.Outcome {
        try Validate.id(conversationId, "conversationId")
        try SyncOrder.validate(sequence)
        let match = "\(Conversations.userId) = :user AND \(Conversations.conversationId) = :conversation"
        let result = try await executor.execute(SQLStatement(
            SyncOrder.remove(.conversation, from: Conversations.table, where: match, owner: ":user", item: ":conversation"),
            ["user": .text(userId), "conversation": .text(conversationId), "sequence": .text(sequence)]))
        guard let row = result.rows.first else { return .unchanged }
        return try ResultRow(row, "removed conversation").int(0, "removed") > 0 ? .removed : .unchanged
    }

    /// Removes the conversation a backfill found gone from the source at `observed`, if its row is
    /// still as it was when listed (`listed`: its `updated_at`), and remembers the removal from then.
    public func removeMissing(userId: String, conversationId: String, listed: String, observed: Date) async throws -> BotIndex.Outcome {
        let match = "\(Conversations.userId) = :user AND \(Conversations.conversationId) = :conversation"
        let result = try await executor.execute(SQLStatement(
            SyncOrder.removeMissing(.conversation, from: Conversations.table, where: match, owner: ":user", item: ":conversation"),
            ["user": .text(userId), "conversation": .text(conversationId), "listed": .text(listed), "observed": .double(observed.timeIntervalSince1970)]))
        let removed = try result.rows.first.map { try ResultRow($0, "removed conversation").int(0, "removed") } ?? 0
        return removed > 0 ? .removed : .unchanged
    }
}
