import Foundation

/// Keeps the bot search table in step with Bedrock Chat's bot items; the backfill and the stream
/// sync both write through `apply`. A bot is embedded again only when its title or description
/// (the text its embedding is made from) changed, and a row whose values are all the same is not
/// written at all, so applying an item twice changes nothing. Stream records keep their order
/// (`SyncOrder`): an older record never overwrites a newer one.
public struct BotIndex: Sendable {
    typealias Bots = ChatContract.BotVectors

    public let executor: any SQLExecutor
    public let embedder: any Embedder

    public init(executor: any SQLExecutor, embedder: any Embedder) throws {
        guard embedder.dimension == Bots.embeddingDimension else {
            throw ChatStoreError.wrongDimension(expected: Bots.embeddingDimension, got: embedder.dimension)
        }
        self.executor = executor
        self.embedder = embedder
    }

    public enum Outcome: String, Sendable, Equatable {
        case inserted, updated, removed
        /// Nothing written: the same values, or a record older than what is stored.
        case unchanged
    }

    /// How Bedrock Chat's sharing scope is stored: no scope is `private`, `partial` is `shared`
    /// (with the listed users and groups), `all` is `public`.
    static func visibility(_ scope: BotItem.Scope) -> Visibility {
        switch scope {
        case .private: .private
        case .partial: .shared
        case .all: .public
        }
    }

    /// PostgreSQL text cannot hold NUL; everything else is stored as the source has it.
    static func storable(_ text: String) -> String {
        text.contains("\u{0}") ? String(text.unicodeScalars.filter { $0 != "\u{0}" }.map(Character.init)) : text
    }

    /// Writes `bot`; `sequence` is the stream record's sequence number (nil for a backfill), and
    /// `observed` when the item was seen as it is (the record's creation, the backfill's page read).
    public func apply(_ bot: BotItem, sequence: String? = nil, observed: Date = Date()) async throws -> Outcome {
        try Validate.id(bot.botId, "botId")
        try Validate.id(bot.ownerId, "ownerId")
        try SyncOrder.validate(sequence)
        let (title, description) = (Self.storable(bot.title), Self.storable(bot.description))
        let existing = try await executor.execute(SQLStatement(
            "SELECT \(Bots.ownerId), \(Bots.title), \(Bots.description), \(Bots.embedding)::text FROM \(Bots.table) WHERE \(Bots.botId) = :bot",
            ["bot": .text(bot.botId)])).rows.first.map { ResultRow($0, "indexed bot") }
        if let existing, try existing.text(0, Bots.ownerId) != bot.ownerId {
            throw ChatStoreError.forbidden("bot \(bot.botId) is indexed for another owner")
        }
        let embedding: String
        if let existing, try existing.text(1, Bots.title) == title, try existing.text(2, Bots.description) == description {
            embedding = try existing.text(3, Bots.embedding)
        } else {
            embedding = try await embedder.vectorLiteral(title + "\n" + description)
        }
        func list(_ values: [String]) throws -> SQLValue {
            .text(String(decoding: try JSONEncoder().encode(values.map(Self.storable)), as: UTF8.self))
        }
        func time(_ milliseconds: Int64?) -> SQLValue { milliseconds.map { .int($0) } ?? .null }
        // A missing CreateTime keeps the stored one (or now, for a new row), so a second run finds nothing changed.
        let created = "coalesce(to_timestamp(CAST(:created AS bigint) / 1000.0), \(Bots.table).\(Bots.createdAt))"
        let lastUsed = "to_timestamp(CAST(:lastUsed AS bigint) / 1000.0)"
        let columns = [Bots.title, Bots.description, Bots.instruction, Bots.visibility, Bots.sharedWith, Bots.allowedGroups, Bots.sharedStatus,
                       Bots.usageCount, Bots.lastUsedAt, Bots.syncStatus, Bots.isStarred, Bots.embedding]
        let guarded = columns + [Bots.sourceSequence]
        let result = try await executor.execute(SQLStatement("""
            WITH \(SyncOrder.clearOlderTombstone(.bot, owner: ":owner", item: ":bot"))
            INSERT INTO \(Bots.table) (\(Bots.botId), \(Bots.ownerId), \(guarded.joined(separator: ", ")), \(Bots.createdAt), \(Bots.updatedAt))
            SELECT :bot, :owner, :title, :description, :instruction, :visibility,
                   ARRAY(SELECT jsonb_array_elements_text(CAST(:users AS jsonb))), ARRAY(SELECT jsonb_array_elements_text(CAST(:groups AS jsonb))),
                   :sharedStatus, CAST(:usage AS bigint), \(lastUsed), :syncStatus, CAST(:starred AS boolean), CAST(:embedding AS \(Bots.embeddingType)),
                   CAST(:sequence AS numeric), coalesce(to_timestamp(CAST(:created AS bigint) / 1000.0), now()), now()
             WHERE \(SyncOrder.notRemoved(.bot, owner: ":owner", item: ":bot"))
            ON CONFLICT (\(Bots.botId)) DO UPDATE SET
              \(guarded.map { "\($0) = EXCLUDED.\($0)" }.joined(separator: ", ")), \(Bots.createdAt) = \(created), \(Bots.updatedAt) = now()
            WHERE \(Bots.table).\(Bots.ownerId) = EXCLUDED.\(Bots.ownerId) AND \(SyncOrder.newer(than: Bots.table))
              AND (\(guarded.map { "\(Bots.table).\($0)" }.joined(separator: ", ")), \(Bots.table).\(Bots.createdAt))
                  IS DISTINCT FROM (\(guarded.map { "EXCLUDED.\($0)" }.joined(separator: ", ")), \(created))
            RETURNING xmax::text = '0'
            """, [
                "bot": .text(bot.botId), "owner": .text(bot.ownerId), "title": .text(title), "description": .text(description),
                "instruction": .text(Self.storable(bot.instruction)), "visibility": .text(Self.visibility(bot.scope).rawValue),
                "users": try list(bot.allowedUsers), "groups": try list(bot.allowedGroups), "sharedStatus": .text(Self.storable(bot.sharedStatus)),
                "usage": .int(bot.usageCount), "lastUsed": time(bot.lastUsedTime), "syncStatus": bot.syncStatus.map { .text(Self.storable($0)) } ?? .null,
                "starred": .bool(bot.isStarred), "embedding": .text(embedding), "created": time(bot.createTime),
                "sequence": sequence.map { .text($0) } ?? .null, "observed": .double(observed.timeIntervalSince1970),
            ]))
        guard let row = result.rows.first else { return .unchanged }
        return try ResultRow(row, "indexed bot").bool(0, "inserted") ? .inserted : .updated
    }

    /// Removes the bot (a stream `REMOVE`, whose keys are all it carries) unless the row is newer
    /// than the record, and remembers the removal so an older record cannot bring it back.
    public func remove(ownerId: String, botId: String, sequence: String) async throws -> Outcome {
        try Validate.id(botId, "botId")
        try SyncOrder.validate(sequence)
        let result = try await executor.execute(SQLStatement(
            SyncOrder.remove(.bot, from: Bots.table, where: "\(Bots.botId) = :bot AND \(Bots.ownerId) = :owner", owner: ":owner", item: ":bot"),
            ["bot": .text(botId), "owner": .text(ownerId), "sequence": .text(sequence)]))
        guard let row = result.rows.first else { return .unchanged }
        return try ResultRow(row, "removed bot").int(0, "removed") > 0 ? .removed : .unchanged
    }

    /// Removes the bot a backfill found gone from the source at `observed`, if its row is still as
    /// it was when listed (`listed`: its `updated_at`), and remembers the removal from then.
    public func removeMissing(ownerId: String, botId: String, listed: String, observed: Date) async throws -> Outcome {
        let result = try await executor.execute(SQLStatement(
            SyncOrder.removeMissing(.bot, from: Bots.table, where: "\(Bots.botId) = :bot AND \(Bots.ownerId) = :owner", owner: ":owner", item: ":bot"),
            ["bot": .text(botId), "owner": .text(ownerId), "listed": .text(listed), "observed": .double(observed.timeIntervalSince1970)]))
        let removed = try result.rows.first.map { try ResultRow($0, "removed bot").int(0, "removed") } ?? 0
        return removed > 0 ? .removed : .unchanged
    }
}
