import DataAPIWire
import Foundation

/// Bot and conversation search, replacing the OpenSearch bot store: one SQL statement ranks
/// candidates three ways — pgvector cosine KNN (HNSW), weighted full-text (GIN) and title trigram
/// distance (GiST) — and fuses the rankings with Reciprocal Rank Fusion, filtered to what the user
/// may see.
public struct SearchStore: Sendable {
    typealias Bots = ChatContract.BotVectors
    typealias Conversations = ChatContract.ConversationVectors

    public let executor: any SQLExecutor
    public let embedder: any Embedder
    /// The stage's text search configuration and title folding.
    public let textSearch: TextSearchSettings
    /// RRF's constant: a hit at rank r adds 1 / (k + r).
    static let fusionConstant = 60

    public init(executor: any SQLExecutor, embedder: any Embedder, textSearch: TextSearchSettings = StageContract.default.textSearch) throws {
        guard embedder.dimension == Bots.embeddingDimension else {
            throw ChatStoreError.wrongDimension(expected: Bots.embeddingDimension, got: embedder.dimension)
        }
        self.executor = executor
        self.embedder = embedder
        self.textSearch = textSearch
    }

    // MARK: Bots

    /// Creates or replaces a bot's search entry (what the bot repository does on create and update).
    public func upsert(_ bot: Bot) async throws {
        try Validate.id(bot.botId, "botId")
        try Validate.id(bot.ownerId, "ownerId")
        guard !bot.title.isEmpty else { throw ChatStoreError.invalid("title must not be empty") }
        for user in bot.sharedWith { try Validate.id(user, "sharedWith entry") }
        for group in bot.allowedGroups { try Validate.id(group, "allowedGroups entry") }
        let embedding = try await embedder.vectorLiteral(bot.title + "\n" + bot.description)
        let shared = String(decoding: try JSONEncoder().encode(bot.sharedWith), as: UTF8.self)
        let groups = String(decoding: try JSONEncoder().encode(bot.allowedGroups), as: UTF8.self)
        let result = try await executor.execute(SQLStatement("""
            INSERT INTO \(Bots.table) (\(Bots.botId), \(Bots.ownerId), \(Bots.title), \(Bots.description), \(Bots.instruction),
                                      \(Bots.visibility), \(Bots.sharedWith), \(Bots.allowedGroups), \(Bots.embedding), \(Bots.updatedAt))
            VALUES (:bot, :owner, :title, :description, :instruction, :visibility,
                    ARRAY(SELECT jsonb_array_elements_text(CAST(:shared AS jsonb))), ARRAY(SELECT jsonb_array_elements_text(CAST(:groups AS jsonb))),
                    CAST(:embedding AS \(Bots.embeddingType)), now())
            ON CONFLICT (\(Bots.botId)) DO UPDATE SET
              \(Bots.title) = EXCLUDED.\(Bots.title), \(Bots.description) = EXCLUDED.\(Bots.description),
              \(Bots.instruction) = EXCLUDED.\(Bots.instruction), \(Bots.visibility) = EXCLUDED.\(Bots.visibility),
              \(Bots.sharedWith) = EXCLUDED.\(Bots.sharedWith), \(Bots.allowedGroups) = EXCLUDED.\(Bots.allowedGroups),
              \(Bots.embedding) = EXCLUDED.\(Bots.embedding), \(Bots.updatedAt) = now()
            WHERE \(Bots.table).\(Bots.ownerId) = EXCLUDED.\(Bots.ownerId)
            RETURNING \(Bots.botId)
            """, ["bot": .text(bot.botId), "owner": .text(bot.ownerId), "title": .text(bot.title), "description": .text(bot.description),
                  "instruction": .text(bot.instruction), "visibility": .text(bot.visibility.rawValue), "shared": .text(shared),
                  "groups": .text(groups), "embedding": .text(embedding)]))
        guard !result.rows.isEmpty else { throw ChatStoreError.forbidden("bot \(bot.botId) belongs to another user") }
    }

    /// Removes a bot of `ownerId` from search; false when there was none.
    @discardableResult
    public func deleteBot(_ botId: String, ownerId: String) async throws -> Bool {
        try Validate.id(botId, "botId")
        try Validate.id(ownerId, "ownerId")
        let result = try await executor.execute(SQLStatement(
            "DELETE FROM \(Bots.table) WHERE \(Bots.botId) = :bot AND \(Bots.ownerId) = :owner RETURNING \(Bots.botId)",
            ["bot": .text(botId), "owner": .text(ownerId)]))
        return !result.rows.isEmpty
    }

    /// Bots `user`, a member of `groups`, may see, best first, by the store search's rule (`BotVisibility`).
    public func searchBots(_ query: String, user: String, groups: [String] = [], limit: Int) async throws -> [BotHit] {
        let result = try await executor.execute(try await botSearch(query, user: user, groups: groups, limit: limit))
        return try result.rows.map { values in
            let row = ResultRow(values, "bot search hit")
            return BotHit(botId: try row.text(0, Bots.botId), ownerId: try row.text(1, Bots.ownerId), title: try row.text(2, Bots.title),
                          description: try row.text(3, Bots.description), visibility: try row.text(4, Bots.visibility),
                          score: try row.double(5, "score"), ranks: try Self.ranks(row, from: 6))
        }
    }

    /// The vector ranking of bot search alone: the ids of the `limit` visible bots nearest to the
    /// query's embedding, nearest first, found as `searchBots` finds them (for measuring its recall).
    public func nearestBots(_ query: String, user: String, groups: [String] = [], limit: Int) async throws -> [String] {
        try Validate.id(user, "user")
        try Validate.limit(limit)
        let distance = "b.\(Bots.embedding) <=> CAST(:embedding AS \(Bots.embeddingType))"
        let sql = Self.nearestVisibleBots(distance: distance, matching: "true", matchingAmongFew: "true", byVector: true,
                                          visibility: BotVisibility(.botSearch, groups: groups))
        let parameters = try await parameters(query, user: user, limit: limit).merging(try Self.visibilityParameters(user: user, groups: groups)) { $1 }
            .merging(["candidates": .int(Int64(limit))]) { $1 }
        return try await executor.execute(try Self.statement(sql, parameters)).rows.map { try ResultRow($0, "nearest bot").text(0, Bots.botId) }
    }

    /// The text rankings of bot search alone (full text and title trigrams, fused as `searchBots`
    /// fuses them, without the embedding): the ids of the best `limit` visible bots, for measuring
    /// what text finds in each language.
    public func textSearchBots(_ query: String, user: String, groups: [String] = [], limit: Int) async throws -> [String] {
        try await executor.execute(try await botSearch(query, user: user, groups: groups, limit: limit, byVector: false)).rows.map {
            try ResultRow($0, "text hit").text(0, Bots.botId)
        }
    }

    /// PostgreSQL's plan of `searchBots` (or, without `byVector`, of `textSearchBots`) with what it did
    /// (`EXPLAIN (ANALYZE, BUFFERS)`), one line per row.
    public func explainBotSearch(_ query: String, user: String, groups: [String] = [], limit: Int, byVector: Bool = true) async throws -> [String] {
        let statement = try await botSearch(query, user: user, groups: groups, limit: limit, byVector: byVector)
        return try await executor.execute(SQLStatement("EXPLAIN (ANALYZE, BUFFERS) " + statement.sql, statement.parameters)).rows.map { values in
            try ResultRow(values, "plan line").text(0, "QUERY PLAN")
        }
    }

    private func botSearch(_ query: String, user: String, groups: [String], limit: Int, byVector: Bool = true) async throws -> SQLStatement {
        try Validate.id(user, "user")
        for group in groups { try Validate.id(group, "group") }
        try Validate.limit(limit)
        guard !query.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw ChatStoreError.invalid("query must not be empty") }
        let columns = byVector ? "b.\(Bots.botId), b.\(Bots.ownerId), b.\(Bots.title), b.\(Bots.description), b.\(Bots.visibility)" : "b.\(Bots.botId)"
        let sql = hybrid(Self.searchedBots, select: columns, visibility: BotVisibility(.botSearch, groups: groups), byVector: byVector)
        return try Self.statement(sql, try await parameters(query, user: user, limit: limit, embedding: byVector)
            .merging(try Self.visibilityParameters(user: user, groups: groups)) { $1 })
    }

    /// `sql` with the parameters it names: a search written for its caller leaves out the parts of
    /// the visibility rule that cannot apply, and with them some of the parameters.
    static func statement(_ sql: String, _ parameters: [String: SQLValue]) throws -> SQLStatement {
        let named = Set(try SQLScanner.rewrite(sql).names)
        return SQLStatement(sql, parameters.filter { named.contains($0.key) })
    }

    static func visibilityParameters(user: String, groups: [String]) throws -> [String: SQLValue] {
        ["user": .text(user), "groups": .text(String(decoding: try JSONEncoder().encode(groups), as: UTF8.self))]
    }

    /// The `:candidates` bots nearest by `distance` among those `matching` that the caller may see,
    /// found by the parts of the visibility rule, each on the indexes that serve it: public bots on
    /// their own partial indexes (HNSW for vectors, GiST trigram for titles); for members of Admin in
    /// a search, every shared bot on theirs; the caller's own and those shared with them or their
    /// groups exactly (they are few), found by a bitmap OR of the owner btree and the sharing GIN
    /// indexes. One filtered scan would do worse when most bots are hidden: the index's nearest
    /// candidates are mostly invisible, and the planner turns to an exact scan of every visible bot.
    /// `matchingAmongFew` is `matching` written so that no index serves it, for the part whose own
    /// indexes find few bots. `byVector`: `distance` is the query vector's, and the public and shared
    /// parts walk their HNSW graphs through the schema's functions, which plan and search them as a
    /// statement cannot. Only what can apply to the caller is written: each part costs planning time.
    static func nearestVisibleBots(distance: String, matching: String, matchingAmongFew: String, byVector: Bool, visibility: BotVisibility) -> String {
        func scan(_ bots: String) -> String {
            "SELECT b.\(Bots.botId), \(distance) FROM \(Bots.table) b WHERE \(bots) AND \(matching) ORDER BY \(distance) LIMIT :candidates"
        }
        func few(_ bots: String) -> String {
            "SELECT b.\(Bots.botId), \(distance) FROM \(Bots.table) b WHERE (\(bots)) AND \(matchingAmongFew) ORDER BY 2 LIMIT :candidates"
        }
        let publicBots = byVector ? "SELECT \(Bots.botId), distance FROM \(nearest(ChatContract.Functions.nearestPublicBots))" : scan(BotVisibility.publicBot)
        let sharedBots = byVector ? "SELECT \(Bots.botId), distance FROM \(nearest(ChatContract.Functions.nearestSharedBots))" : scan(BotVisibility.sharedBot)
        let own = "b.\(Bots.ownerId) = :user"
        // Public, shared and private: no two parts hold the same bot.
        let parts = switch visibility.reach {
        case .listed:
            [publicBots, few("\(own) AND NOT \(BotVisibility.publicBot) OR \(BotVisibility.sharedBot) AND NOT \(own) AND (\(visibility.listsCaller))")]
        case .everyShared: [publicBots, sharedBots, few("\(own) AND \(BotVisibility.privateBot)")]
        case .every: [publicBots, sharedBots, few(BotVisibility.privateBot)]
        }
        return "SELECT id, distance FROM (\n  " + parts.map { "(\($0))" }.joined(separator: "\n  UNION ALL\n  ")
            + "\n) AS parts (id, distance) ORDER BY distance LIMIT :candidates"
    }

    /// A call of one of the schema's nearest-bots functions with the query's embedding.
    static func nearest(_ function: String) -> String {
        "public.\(function)(CAST(:embedding AS \(Bots.embeddingType)), CAST(:candidates AS integer)) AS nearest"
    }

    static let searchedBots = Searched(table: Bots.table, id: Bots.botId, embedding: Bots.embedding, embeddingType: Bots.embeddingType,
                                       tsv: Bots.tsv, title: Bots.title, spelling: Bots.spelling)

    // MARK: Conversations

    /// Creates or replaces a conversation's search entry.
    public func upsert(_ summary: ConversationSummary) async throws {
        try Validate.uuid(summary.conversationId, "conversationId")
        try Validate.id(summary.userId, "userId")
        if let bot = summary.botId { try Validate.id(bot, "botId") }
        let embedding = try await embedder.vectorLiteral(summary.title + "\n" + summary.excerpt)
        let result = try await executor.execute(SQLStatement("""
            INSERT INTO \(Conversations.table) (\(Conversations.conversationId), \(Conversations.userId), \(Conversations.botId),
                                               \(Conversations.title), \(Conversations.excerpt), \(Conversations.embedding), \(Conversations.updatedAt))
            VALUES (:conversation, :user, :bot, :title, :excerpt, CAST(:embedding AS \(Conversations.embeddingType)), now())
            ON CONFLICT (\(Conversations.conversationId)) DO UPDATE SET
              \(Conversations.botId) = EXCLUDED.\(Conversations.botId), \(Conversations.title) = EXCLUDED.\(Conversations.title),
              \(Conversations.excerpt) = EXCLUDED.\(Conversations.excerpt), \(Conversations.embedding) = EXCLUDED.\(Conversations.embedding),
              \(Conversations.updatedAt) = now()
            WHERE \(Conversations.table).\(Conversations.userId) = EXCLUDED.\(Conversations.userId)
            RETURNING \(Conversations.conversationId)::text
            """, ["conversation": .uuid(summary.conversationId), "user": .text(summary.userId),
                  "bot": summary.botId.map(SQLValue.text) ?? .null, "title": .text(summary.title),
                  "excerpt": .text(summary.excerpt), "embedding": .text(embedding)]))
        guard !result.rows.isEmpty else { throw ChatStoreError.forbidden("conversation \(summary.conversationId) belongs to another user") }
    }

    /// One user's conversations, best first.
    public func searchConversations(_ query: String, user: String, limit: Int) async throws -> [ConversationHit] {
        try Validate.id(user, "user")
        try Validate.limit(limit)
        guard !query.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw ChatStoreError.invalid("query must not be empty") }
        let sql = hybrid(Searched(table: Conversations.table, id: Conversations.conversationId, embedding: Conversations.embedding,
                                       embeddingType: Conversations.embeddingType, tsv: Conversations.tsv, title: Conversations.title),
                              filter: "b.\(Conversations.userId) = :user",
                              select: "b.\(Conversations.conversationId)::text, b.\(Conversations.botId), b.\(Conversations.title), b.\(Conversations.excerpt)")
        let result = try await executor.execute(SQLStatement(sql, try await parameters(query, user: user, limit: limit)))
        return try result.rows.map { values in
            let row = ResultRow(values, "conversation search hit")
            return ConversationHit(conversationId: try row.text(0, Conversations.conversationId), botId: try row.optionalText(1, Conversations.botId),
                                   title: try row.text(2, Conversations.title), excerpt: try row.text(3, Conversations.excerpt),
                                   score: try row.double(4, "score"), ranks: try Self.ranks(row, from: 5))
        }
    }

    // MARK: The hybrid query

    /// The rankings a hit reports its place in, in the order the query selects their columns.
    static let rankSources = ["vector", "text", "title", "spelling"]

    /// Each rank is NULL when the hit did not come from that list.
    static func ranks(_ row: ResultRow, from index: Int) throws -> HitRanks {
        HitRanks(vector: try row.optionalInt(index, "vector rank"), text: try row.optionalInt(index + 1, "text rank"),
                 title: try row.optionalInt(index + 2, "title rank"), spelling: try row.optionalInt(index + 3, "spelling rank"))
    }

    /// The query, the caller and how many; with `embedding`, the query's vector (the text rankings
    /// alone need none, and none is computed).
    func parameters(_ query: String, user: String, limit: Int, embedding: Bool = true) async throws -> [String: SQLValue] {
        var parameters: [String: SQLValue] = ["query": .text(query), "user": .text(user), "limit": .int(Int64(limit)),
                                              "candidates": .int(Int64(max(limit * 4, 40)))]
        if embedding { parameters["embedding"] = .text(try await embedder.vectorLiteral(query)) }
        return parameters
    }

    /// The searched table's columns, from the contract.
    struct Searched {
        var table: String
        var id: String
        var embedding: String
        var embeddingType: String
        var tsv: String
        var title: String
        /// The column of its words' spellings, if it has one.
        var spelling: String? = nil
    }

    /// A title ranks when the query's word similarity to it is above 0.4: a prefix of two thirds of a
    /// word, or a word with two letters swapped, still reaches it; unrelated titles do not.
    static let titleDistanceLimit = 0.6

    /// Each ranking is an index-ordered `LIMIT :candidates` scan (HNSW `<=>`, GIN `@@`, GiST `<<->`),
    /// numbered afterwards so the ordering stays on the index; RRF adds up 1 / (60 + rank). Text is
    /// parsed in the stage's configuration, and titles compared folded as the stage's index folds them.
    /// Bots: each ranking finds them by the parts of `visibility`'s rule (see `nearestVisibleBots`).
    /// Other tables: by one scan filtered by `filter`. Without `byVector`, the text rankings alone.
    func hybrid(_ searched: Searched, filter: String = "true", select: String, visibility: BotVisibility? = nil, byVector: Bool = true) -> String {
        let (table, id, tsv, embedding) = (searched.table, searched.id, searched.tsv, searched.embedding)
        let title = textSearch.fold("b.\(searched.title)"), query = textSearch.fold("CAST(:query AS text)")
        // The query vector and text are the parameters themselves, not columns of a CTE: an index can
        // order by a distance to a value known when the scan starts (never to another relation's
        // column), and the planner estimates a match of a known tsquery, not a default guess.
        let tsquery = textSearch.query(":query")
        let vectorDistance = "b.\(embedding) <=> CAST(:embedding AS \(searched.embeddingType))"
        // Titles by word similarity (`<<->`: how well the query matches the closest stretch of the
        // title), so a prefix or a misspelled word finds the title it is part of; the GiST index orders
        // by it, and what is farther than `titleDistanceLimit` is dropped once the nearest are found.
        let titleDistance = "\(query) <<-> \(title)"
        // Full text ranks by relevance, highest first: as a distance, its negation. Bots are found by
        // the parts of the visibility rule as the other rankings are; one scan filtered by the whole
        // rule has no index path (its admin flag and group list are no index conditions) and read
        // every row.
        let textDistance = "-ts_rank_cd(b.\(tsv), \(tsquery))", textMatch = "b.\(tsv) @@ \(tsquery)"
        // `@@` as the function it stands for, which no index serves: the GIN scan for a query's common
        // words costs more than testing the few bots found by owner or sharing.
        let textMatchAmongFew = "ts_match_vq(b.\(tsv), \(tsquery))"
        func nearest(_ distance: String, matching: String = "true", amongFew: String = "true", byVector: Bool = false) -> String {
            if let visibility {
                return Self.nearestVisibleBots(distance: distance, matching: matching, matchingAmongFew: amongFew,
                                               byVector: byVector, visibility: visibility)
            }
            return """
                SELECT b.\(id) AS id, \(distance) AS distance FROM \(table) b
                    WHERE \(matching) AND \(filter) ORDER BY \(distance) LIMIT :candidates
                """
        }
        // Each ranking: its source, its scan, and what its rows must also meet (rows, or the scan as a whole).
        var rankings: [(source: String, scan: String, condition: String)] = []
        if byVector { rankings.append(("vector", nearest(vectorDistance, byVector: true), "true")) }
        rankings.append(("text", nearest(textDistance, matching: textMatch, amongFew: textMatchAmongFew), "true"))
        rankings.append(("title", nearest(titleDistance), "distance < \(Self.titleDistanceLimit)"))
        // Words one letter away from the query's (`TextSearchSettings.spellingQuery`), ranked as full
        // text is, looked for only when the words as written find fewer than `limit`: a query's
        // common word is one letter away from thousands of bots' words, and ranking them all would
        // double the cost of every search that needs no correction. (The condition refers to no row,
        // so PostgreSQL tests it once and skips the scans when it fails.)
        if let spelling = searched.spelling, let spellingQuery = textSearch.spellingQuery {
            let query = "public.\(spellingQuery)(CAST(:query AS text))"
            rankings.append(("spelling", nearest("-ts_rank(b.\(spelling), \(query))", matching: "b.\(spelling) @@ \(query)",
                                                 amongFew: "ts_match_vq(b.\(spelling), \(query))"),
                             "(SELECT count(*) FROM text_ranking) < :limit"))
        }
        let ranked = rankings.map { ranking in
            """
            \(ranking.source)_ranking AS (
              SELECT id, '\(ranking.source)' AS source, row_number() OVER (ORDER BY distance) AS rank FROM (
                \(ranking.scan)) AS found WHERE \(ranking.condition)),

            """
        }
        // Every rank column, NULL where the ranking did not run, so hits are read the same way (`ranks`).
        let rankColumns = Self.rankSources.map { "min(rank) FILTER (WHERE source = '\($0)')::int8 AS \($0)_rank" }
        return """
            WITH \(ranked.joined())fused AS (
              SELECT id, sum(1.0 / (\(Self.fusionConstant) + rank))::float8 AS score,
                     \(rankColumns.joined(separator: ",\n         "))
              FROM (\(rankings.map { "SELECT * FROM \($0.source)_ranking" }.joined(separator: " UNION ALL "))) AS rankings GROUP BY id)
            SELECT \(select), fused.score, \(Self.rankSources.map { "fused.\($0)_rank" }.joined(separator: ", "))
            FROM fused JOIN \(table) b ON b.\(id) = fused.id
            ORDER BY fused.score DESC, b.\(id) LIMIT :limit
            """
    }
}
