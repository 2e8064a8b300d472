import Foundation

/// Chat history: messages of a conversation in per-conversation sequence order, and the
/// conversation's metadata. Identical on both backends; every value travels as a parameter.
public struct ChatHistoryStore: Sendable {
    typealias History = ChatContract.ChatHistory
    typealias Conversations = ChatContract.Conversations

    public let executor: any SQLExecutor
    public static let roles = Set(ChatContract.Values.roles)
    /// Client ids looked up per statement when finding messages already stored.
    static let lookupChunk = 200

    public init(executor: any SQLExecutor) { self.executor = executor }

    /// Appends messages in order, numbering them after the conversation's last message. Messages whose
    /// client id is already stored are not stored again: a retried append returns the same sequence
    /// numbers. The conversation is created for `ownerId` if new; another owner's conversation is refused.
    @discardableResult
    public func append(_ messages: [NewMessage], to conversationId: String, ownerId: String) async throws -> [StoredMessage] {
        try Validate.uuid(conversationId, "conversationId")
        try Validate.id(ownerId, "ownerId")
        guard !messages.isEmpty else { throw ChatStoreError.invalid("no messages to append") }
        for message in messages {
            try Validate.id(message.clientMessageId, "clientMessageId")
            guard Self.roles.contains(message.role) else {
                throw ChatStoreError.invalid("role must be one of \(Self.roles.sorted().joined(separator: ", ")) (got \(message.role.debugDescription))")
            }
            let bytes = message.content.utf8.count
            guard bytes <= Validate.maximumMessageBytes else { throw ChatStoreError.messageTooLarge(bytes: bytes, limit: Validate.maximumMessageBytes) }
        }
        let conversation = SQLValue.uuid(conversationId)
        return try await executor.transaction { sql in
            _ = try await sql.execute(SQLStatement("""
                INSERT INTO \(Conversations.table) (\(Conversations.conversationId), \(Conversations.ownerId))
                VALUES (:conversation, :owner) ON CONFLICT (\(Conversations.conversationId)) DO NOTHING
                """, ["conversation": conversation, "owner": .text(ownerId)]))
            let locked = try await sql.execute(SQLStatement("""
                SELECT \(Conversations.ownerId), \(Conversations.lastSeq), \(Self.utc("now()")) FROM \(Conversations.table)
                WHERE \(Conversations.conversationId) = :conversation FOR UPDATE
                """, ["conversation": conversation]))
            // now() is the transaction's start, which is what the inserted rows' created_at default to.
            guard let row = locked.rows.first, let owner = row[0].text, let lastSeq = row[1].int, let now = row[2].text else {
                throw ChatStoreError.notFound("conversation \(conversationId)")
            }
            guard owner == ownerId else { throw ChatStoreError.forbidden("conversation \(conversationId) belongs to another user") }

            var known: [String: StoredMessage] = [:]
            let ids = Array(Set(messages.map(\.clientMessageId)))
            for start in stride(from: 0, to: ids.count, by: Self.lookupChunk) {
                let chunk = Array(ids[start..<min(start + Self.lookupChunk, ids.count)])
                var parameters: [String: SQLValue] = ["conversation": conversation]
                for (index, id) in chunk.enumerated() { parameters["m\(index)"] = .text(id) }
                let found = try await sql.execute(SQLStatement("""
                    SELECT \(Self.messageColumns) FROM \(History.table)
                    WHERE \(History.conversationId) = :conversation
                      AND \(History.clientMessageId) IN (\(chunk.indices.map { ":m\($0)" }.joined(separator: ", ")))
                    """, parameters))
                for row in found.rows { let message = try Self.message(row); known[message.clientMessageId] = message }
            }

            var next = lastSeq
            var stored: [StoredMessage] = []
            var inserts: [[String: SQLValue]] = []
            for message in messages {
                if let existing = known[message.clientMessageId] {
                    stored.append(existing)
                    continue
                }
                next += 1
                let new = StoredMessage(seq: next, clientMessageId: message.clientMessageId, role: message.role, content: message.content, createdAt: now)
                known[message.clientMessageId] = new
                stored.append(new)
                inserts.append(["conversation": conversation, "seq": .int(next), "role": .text(message.role),
                                "content": .text(message.content), "client": .text(message.clientMessageId)])
            }
            guard !inserts.isEmpty else { return stored }
            try await sql.batch("""
                INSERT INTO \(History.table) (\(History.conversationId), \(History.seq), \(History.role), \(History.content), \(History.clientMessageId))
                VALUES (:conversation, :seq, :role, :content, :client)
                """, inserts)
            _ = try await sql.execute(SQLStatement("""
                UPDATE \(Conversations.table) SET \(Conversations.lastSeq) = :last, \(Conversations.updatedAt) = now()
                WHERE \(Conversations.conversationId) = :conversation
                """, ["last": .int(next), "conversation": conversation]))
            return stored
        }
    }

    /// The conversation's messages in order: all of them, or the newest `newest`. Read in pages, so a
    /// history larger than one Data API response (1 MiB) still comes back whole.
    public func history(of conversationId: String, newest: Int? = nil) async throws -> [StoredMessage] {
        try Validate.uuid(conversationId, "conversationId")
        if let newest, newest < 1 { throw ChatStoreError.invalid("newest must be at least 1 (got \(newest))") }
        let conversation = SQLValue.uuid(conversationId)
        var after: Int64 = 0
        if let newest {
            let start = try await executor.execute(SQLStatement("""
                SELECT coalesce(min(\(History.seq)), 1) - 1 FROM (
                  SELECT \(History.seq) FROM \(History.table) WHERE \(History.conversationId) = :conversation
                  ORDER BY \(History.seq) DESC LIMIT :newest) AS newest
                """, ["conversation": conversation, "newest": .int(Int64(newest))]))
            after = try start.onlyRow("start of the newest messages").int(0, "seq")
        }
        var messages: [StoredMessage] = []
        var pageSize = 500
        while true {
            let page: SQLResult
            do {
                page = try await executor.execute(SQLStatement("""
                    SELECT \(Self.messageColumns) FROM \(History.table)
                    WHERE \(History.conversationId) = :conversation AND \(History.seq) > :after
                    ORDER BY \(History.seq) LIMIT :page
                    """, ["conversation": conversation, "after": .int(after), "page": .int(Int64(pageSize))]))
            } catch SQLExecutionError.resultTooLarge where pageSize > 1 {
                pageSize = max(1, pageSize / 4)
                continue
            }
            let rows = try page.rows.map(Self.message)
            messages += rows
            guard rows.count == pageSize, let last = rows.last else { break }
            after = last.seq
        }
        return messages
    }

    /// Creates or updates a conversation's metadata; another owner's conversation is refused.
    public func upsert(_ conversation: Conversation) async throws {
        try Validate.uuid(conversation.conversationId, "conversationId")
        try Validate.id(conversation.ownerId, "ownerId")
        if let bot = conversation.botId { try Validate.id(bot, "botId") }
        guard let object = try? JSONSerialization.jsonObject(with: Data(conversation.metadata.utf8)), object is [String: Any] else {
            throw ChatStoreError.invalid("metadata must be a JSON object")
        }
        let result = try await executor.execute(SQLStatement("""
            INSERT INTO \(Conversations.table) (\(Conversations.conversationId), \(Conversations.ownerId), \(Conversations.botId), \(Conversations.title), \(Conversations.metadata))
            VALUES (:conversation, :owner, :bot, :title, :metadata)
            ON CONFLICT (\(Conversations.conversationId)) DO UPDATE SET
              \(Conversations.botId) = EXCLUDED.\(Conversations.botId), \(Conversations.title) = EXCLUDED.\(Conversations.title),
              \(Conversations.metadata) = EXCLUDED.\(Conversations.metadata), \(Conversations.updatedAt) = now()
            WHERE \(Conversations.table).\(Conversations.ownerId) = EXCLUDED.\(Conversations.ownerId)
            RETURNING \(Conversations.conversationId)::text
            """, ["conversation": .uuid(conversation.conversationId), "owner": .text(conversation.ownerId),
                  "bot": conversation.botId.map(SQLValue.text) ?? .null, "title": .text(conversation.title),
                  "metadata": .json(conversation.metadata)]))
        guard !result.rows.isEmpty else { throw ChatStoreError.forbidden("conversation \(conversation.conversationId) belongs to another user") }
    }

    public func conversation(_ conversationId: String) async throws -> Conversation? {
        try Validate.uuid(conversationId, "conversationId")
        let result = try await executor.execute(SQLStatement("""
            SELECT \(Conversations.conversationId)::text, \(Conversations.ownerId), \(Conversations.botId), \(Conversations.title),
                   \(Conversations.metadata)::text, \(Self.utc(Conversations.updatedAt))
            FROM \(Conversations.table) WHERE \(Conversations.conversationId) = :conversation
            """, ["conversation": .uuid(conversationId)]))
        guard let values = result.rows.first else { return nil }
        let row = ResultRow(values, "conversation")
        var conversation = Conversation(conversationId: try row.text(0, Conversations.conversationId), ownerId: try row.text(1, Conversations.ownerId),
                                        botId: try row.optionalText(2, Conversations.botId), title: try row.text(3, Conversations.title),
                                        metadata: try row.text(4, Conversations.metadata))
        conversation.updatedAt = try row.text(5, Conversations.updatedAt)
        return conversation
    }

    /// Deletes a conversation of `ownerId` with its messages and search entry; false when there was none.
    @discardableResult
    public func delete(_ conversationId: String, ownerId: String) async throws -> Bool {
        try Validate.uuid(conversationId, "conversationId")
        try Validate.id(ownerId, "ownerId")
        let result = try await executor.execute(SQLStatement("""
            DELETE FROM \(Conversations.table) WHERE \(Conversations.conversationId) = :conversation AND \(Conversations.ownerId) = :owner
            RETURNING \(Conversations.conversationId)::text
            """, ["conversation": .uuid(conversationId), "owner": .text(ownerId)]))
        return !result.rows.isEmpty
    }

    static let messageColumns = "\(History.seq), \(History.clientMessageId), \(History.role), \(History.content), \(utc(History.createdAt))"

    /// A timestamptz column as UTC text, so both backends return the same string.
    static func utc(_ column: String) -> String {
        "to_char(\(column) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
    }

    static func message(_ values: [SQLValue]) throws -> StoredMessage {
        let row = ResultRow(values, "chat_history row")
        return StoredMessage(seq: try row.int(0, History.seq), clientMessageId: try row.text(1, History.clientMessageId),
                             role: try row.text(2, History.role), content: try row.text(3, History.content),
                             createdAt: try row.text(4, History.createdAt))
    }
}
