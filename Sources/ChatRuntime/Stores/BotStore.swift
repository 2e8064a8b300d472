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
        let sql = search.hybrid(SearchStore.searchedBots, filter: SearchStore.visibleBots, select: Self.columns,
                                visibleTo: SearchStore.Caller(groups: groups))
        let statement = try SearchStore.statement(sql, try await search.parameters(query, user: user, limit: limit)
            .merging(try SearchStore.visibilityParameters(user: user, groups: groups)) { $1 })
        return try await bots(statement.sql, statement.parameters, user: user)
    }

    /// The most used bots first (Bedrock Chat's `usage_count`).
    public func popular(user: String, groups: [String], limit: Int) async throws -> [StoreBot] {
        try validate(user: user, groups: groups, limit: limit)
        return try await bots("SELECT \(Self.columns) FROM \(Bots.table) b WHERE \(SearchStore.visibleBots) ORDER BY b.\(Bots.usageCount) DESC, b.\(Bots.botId) LIMIT :limit",
                              try SearchStore.visibilityParameters(user: user, groups: groups).merging(["limit": .int(Int64(limit))]) { $1 }, user: user)
    }

    /// A random sample of the bots shared with the caller (not their own), as the store's "pick up".
    public func pickup(user: String, groups: [String], limit: Int) async throws -> [StoreBot] {
        try validate(user: user, groups: groups, limit: limit)
        return try await bots("""
            SELECT \(Self.columns) FROM \(Bots.table) b
             WHERE \(SearchStore.visibleBots) AND b.\(Bots.ownerId) <> :user AND b.\(Bots.visibility) <> '\(Visibility.private.rawValue)'
             ORDER BY random() LIMIT :limit
            """, try SearchStore.visibilityParameters(user: user, groups: groups).merging(["limit": .int(Int64(limit))]) { $1 }, user: user)
    }

    static let columns = ["b.\(Bots.botId)", "b.\(Bots.ownerId)", "b.\(Bots.title)", "b.\(Bots.description)", "b.\(Bots.visibility)",
                          "(extract(epoch FROM b.\(Bots.createdAt)) * 1000)::float8", "(extract(epoch FROM b.\(Bots.lastUsedAt)) * 1000)::float8",
                          "b.\(Bots.isStarred)", "b.\(Bots.syncStatus)", "b.\(Bots.sharedStatus)"].joined(separator: ", ")

    private func validate(user: String, groups: [String], limit: Int) throws {
        try Validate.id(user, "user")
        for group in groups { try Validate.id(group, "group") }
        try Validate.limit(limit)
    }

    private func bots(_ sql: String, _ parameters: [String: SQLValue], user: String) async throws -> [StoreBot] {
        try await search.executor.execute(SQLStatement(sql, parameters)).rows.map { values in
            let row = ResultRow(values, "bot store entry")
            let owner = try row.text(1, Bots.ownerId)
            let starred = try row.bool(7, Bots.isStarred)
            return StoreBot(id: try row.text(0, Bots.botId), title: try row.text(2, Bots.title), description: try row.text(3, Bots.description),
                            createTime: try row.double(5, Bots.createdAt), lastUsedTime: try row.optionalDouble(6, Bots.lastUsedAt),
                            isStarred: owner == user && starred, owned: owner == user, available: true,
                            syncStatus: try row.optionalText(8, Bots.syncStatus) ?? "", sharedScope: try Self.scope(row.text(4, Bots.visibility)),
                            sharedStatus: try row.text(9, Bots.sharedStatus))
        }
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

/// A bot as Bedrock Chat's bot store returns it (camelCase; times in epoch milliseconds).
public struct StoreBot: Codable, Sendable, Equatable {
    public var id: String
    public var title: String
    public var description: String
    public var createTime: Double
    public var lastUsedTime: Double?
    /// The caller's own star: only an owner stars a bot in Bedrock Chat's items.
    public var isStarred: Bool
    public var owned: Bool
    public var available: Bool
    public var syncStatus: String
    /// `private`, `partial` or `all`.
    public var sharedScope: String
    public var sharedStatus: String

    enum CodingKeys: String, CodingKey {
        case id, title, description, createTime, lastUsedTime, isStarred, owned, available, syncStatus, sharedScope, sharedStatus
    }

    /// Every field is written, a bot never used with `lastUsedTime: null`, as Bedrock Chat's API does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(title, forKey: .title)
        try container.encode(description, forKey: .description)
        try container.encode(createTime, forKey: .createTime)
        try container.encode(lastUsedTime, forKey: .lastUsedTime)
        try container.encode(isStarred, forKey: .isStarred)
        try container.encode(owned, forKey: .owned)
        try container.encode(available, forKey: .available)
        try container.encode(syncStatus, forKey: .syncStatus)
        try container.encode(sharedScope, forKey: .sharedScope)
        try container.encode(sharedStatus, forKey: .sharedStatus)
    }
}
