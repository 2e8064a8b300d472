import Foundation

/// The bot store as Bedrock Chat's front end reads it (`/store/search`, `/store/popular`,
/// `/store/pickup`): bots the caller may see, with the fields its bot store returns.
public struct BotStore: Sendable {
    typealias Bots = ChatContract.BotVectors

    let search: SearchStore

    public init(search: SearchStore) {
        self.search = search
    }

    /// Hybrid search, best first.
    public func search(_ query: String, user: String, groups: [String], limit: Int) async throws -> [StoreBot] {
        try validate(user: user, groups: groups, limit: limit)
        guard !query.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw ChatStoreError.invalid("query must not be empty") }
        let sql = search.hybrid(SearchStore.searchedBots, select: Self.columns, visibility: BotVisibility(.storeSearch, groups: groups))
        let statement = try SearchStore.statement(sql, try await search.parameters(query, user: user, limit: limit)
            .merging(try SearchStore.visibilityParameters(user: user, groups: groups)) { $1 })
        return try await bots(statement, user: user)
    }

    /// The most used bots first (Bedrock Chat's `usage_count`).
    public func popular(user: String, groups: [String], limit: Int) async throws -> [StoreBot] {
        try await listing(.popular, order: "b.\(Bots.usageCount) DESC, b.\(Bots.botId)", user: user, groups: groups, limit: limit)
    }

    /// A random sample of the bots the caller may see, as the store's "pick up" (Bedrock Chat's
    /// `find_random_bots`, whose rule includes the caller's own bots).
    public func pickup(user: String, groups: [String], limit: Int) async throws -> [StoreBot] {
        try await listing(.pickup, order: "random()", user: user, groups: groups, limit: limit)
    }

    /// One bot, as Bedrock Chat's `fetch_bot` opens it: not found when there is no such bot, forbidden
    /// when the caller may not see it (`BotModel.is_accessible_by_user`).
    public func bot(_ id: String, user: String, groups: [String]) async throws -> StoreBot {
        try Validate.id(id, "bot id")
        try validate(user: user, groups: groups, limit: 1)
        let sql = "SELECT \(Self.columns), \(BotVisibility(.byId, groups: groups).condition) FROM \(Bots.table) b WHERE b.\(Bots.botId) = :id"
        let statement = try SearchStore.statement(sql, try SearchStore.visibilityParameters(user: user, groups: groups).merging(["id": .text(id)]) { $1 })
        guard let row = try await search.executor.execute(statement).rows.first else { throw ChatStoreError.notFound("no bot \(id)") }
        guard try ResultRow(row, "bot").bool(10, "visible") else { throw ChatStoreError.forbidden("bot \(id) is not shared with \(user)") }
        return try Self.storeBot(row, user: user)
    }

    private func listing(_ listing: BotListing, order: String, user: String, groups: [String], limit: Int) async throws -> [StoreBot] {
        try validate(user: user, groups: groups, limit: limit)
        let sql = "SELECT \(Self.columns) FROM \(Bots.table) b WHERE \(BotVisibility(listing, groups: groups).condition) ORDER BY \(order) LIMIT :limit"
        return try await bots(try SearchStore.statement(sql, try SearchStore.visibilityParameters(user: user, groups: groups)
            .merging(["limit": .int(Int64(limit))]) { $1 }), user: user)
    }

    static let columns = ["b.\(Bots.botId)", "b.\(Bots.ownerId)", "b.\(Bots.title)", "b.\(Bots.description)", "b.\(Bots.visibility)",
                          "(extract(epoch FROM b.\(Bots.createdAt)) * 1000)::float8", "(extract(epoch FROM b.\(Bots.lastUsedAt)) * 1000)::float8",
                          "b.\(Bots.isStarred)", "b.\(Bots.syncStatus)", "b.\(Bots.sharedStatus)"].joined(separator: ", ")

    private func validate(user: String, groups: [String], limit: Int) throws {
        try Validate.id(user, "user")
        for group in groups { try Validate.id(group, "group") }
        try Validate.limit(limit)
    }

    private func bots(_ statement: SQLStatement, user: String) async throws -> [StoreBot] {
        try await search.executor.execute(statement).rows.map { try Self.storeBot($0, user: user) }
    }

    /// A row of `columns` as the store returns it.
    private static func storeBot(_ values: [SQLValue], user: String) throws -> StoreBot {
        let row = ResultRow(values, "bot store entry")
        let created = try row.double(5, Bots.createdAt)
        // Bedrock Chat's `BotMeta.from_opensearch_response`: a bot never used was last used when it
        // was created; the star is the item's; the store search finds only bots the caller may use.
        return StoreBot(id: try row.text(0, Bots.botId), title: try row.text(2, Bots.title), description: try row.text(3, Bots.description),
                        createTime: created, lastUsedTime: try row.optionalDouble(6, Bots.lastUsedAt) ?? created,
                        isStarred: try row.bool(7, Bots.isStarred), owned: try row.text(1, Bots.ownerId) == user, available: true,
                        syncStatus: try row.optionalText(8, Bots.syncStatus) ?? StoreBot.syncedStatus,
                        sharedScope: try Self.scope(row.text(4, Bots.visibility)), sharedStatus: try row.text(9, Bots.sharedStatus))
    }

    /// Bedrock Chat's `SharedScope` for a stored visibility.
    static func scope(_ visibility: String) throws -> String {
        switch Visibility(rawValue: visibility) {
        case .private?: "private"
        case .shared?: "partial"
        case .public?: "all"
        case nil: throw SQLExecutionError.unsupportedValue("bot store entry: visibility \(visibility) is none of \(Visibility.allCases.map(\.rawValue))")
        }
    }
}

/// A bot as Bedrock Chat's bot store returns it: its `BotMetaOutput` (`backend/app/routes/schemas/bot.py`),
/// camelCase, every field required, times in epoch milliseconds.
public struct StoreBot: Codable, Sendable, Equatable {
    public var id: String
    public var title: String
    public var description: String
    public var createTime: Double
    /// The creation time for a bot never used.
    public var lastUsedTime: Double
    /// The bot item's star, as Bedrock Chat's store returns it.
    public var isStarred: Bool
    public var owned: Bool
    public var available: Bool
    /// One of Bedrock Chat's `type_sync_status`.
    public var syncStatus: String
    /// `private`, `partial` or `all`.
    public var sharedScope: String
    /// `unshared`, `shared` or `pinned@NNN`.
    public var sharedStatus: String

    /// What Bedrock Chat gives a bot with no knowledge to sync (`BotModel.from_input`), for a bot
    /// indexed here with no sync status.
    public static let syncedStatus = "SUCCEEDED"
}
