/// Full-text search over one user's Bedrock Chat conversations (`synced_conversations`), as its
/// conversation search answers: the title counts more than the message text (3 to 2, as the seed
/// boosts them), words written together ("…" in the query) more than scattered ones, then the
/// latest conversation first; each hit carries highlights of where the words are.
public struct ConversationTextSearch: Sendable {
    typealias Conversations = ChatContract.SyncedConversations

    let executor: any SQLExecutor
    let textSearch: TextSearchSettings

    public init(executor: any SQLExecutor, textSearch: TextSearchSettings = StageContract.default.textSearch) {
        self.executor = executor
        self.textSearch = textSearch
    }

    /// Highlight fragments are cut to this many characters, like the seed's.
    static let fragmentCharacters = 150

    /// `ts_rank_cd` weights for D, C, B, A: the title (A) 1.0, the messages (B) two thirds of it.
    static let weights = "{0.1, 0.2, 0.667, 1.0}"

    public func search(_ query: String, user: String, limit: Int = 20) async throws -> [ConversationTextHit] {
        try Validate.id(user, "user")
        try Validate.limit(limit)
        guard !query.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw ChatStoreError.invalid("query must not be empty") }
        // The text is HTML-escaped before highlighting: only the <em> marks are markup.
        func escaped(_ column: String) -> String { "replace(replace(replace(c.\(column), '&', '&amp;'), '<', '&lt;'), '>', '&gt;')" }
        let configuration = textSearch.configuration(of: [Conversations.title, Conversations.body], table: "c")
        let options = "StartSel=<em>, StopSel=</em>, MaxFragments=3, MaxWords=24, MinWords=8, FragmentDelimiter=\u{1F}"
        let result = try await executor.execute(SQLStatement("""
            WITH q AS (SELECT \(textSearch.query(":query")) AS tsq),
            hits AS (
              SELECT c.*, ts_rank_cd(CAST('\(Self.weights)' AS float4[]), c.\(Conversations.tsv), q.tsq) AS score
                FROM \(Conversations.table) c, q
               WHERE c.\(Conversations.userId) = :user AND c.\(Conversations.tsv) @@ q.tsq
               ORDER BY score DESC, c.\(Conversations.lastMessageAt) DESC, c.\(Conversations.conversationId) LIMIT :limit)
            SELECT c.\(Conversations.conversationId), c.\(Conversations.title), c.\(Conversations.botId),
                   (extract(epoch FROM c.\(Conversations.createdAt)) * 1000)::float8, (extract(epoch FROM c.\(Conversations.lastMessageAt)) * 1000)::float8,
                   c.score::float8,
                   CASE WHEN to_tsvector(\(configuration), \(textSearch.normalized("c.\(Conversations.title)"))) @@ q.tsq
                        THEN ts_headline(\(configuration), \(escaped(Conversations.title)), q.tsq, '\(options)') END,
                   CASE WHEN to_tsvector(\(configuration), \(textSearch.normalized("c.\(Conversations.body)"))) @@ q.tsq
                        THEN ts_headline(\(configuration), \(escaped(Conversations.body)), q.tsq, '\(options)') END
              FROM hits c, q
             ORDER BY c.score DESC, c.\(Conversations.lastMessageAt) DESC, c.\(Conversations.conversationId)
            """, ["query": .text(query), "user": .text(user), "limit": .int(Int64(limit))]))
        return try result.rows.map { values in
            let row = ResultRow(values, "conversation search hit")
            var highlights: [ConversationTextHit.Highlight] = []
            for (index, field) in [(6, "title"), (7, "content")] {
                guard let text = try row.optionalText(index, field) else { continue }
                let fragments = text.split(separator: "\u{1F}").map { Self.cut(String($0).trimmingCharacters(in: .whitespacesAndNewlines)) }
                highlights.append(.init(fieldName: field, fragments: fragments))
            }
            return ConversationTextHit(id: try row.text(0, Conversations.conversationId), title: try row.text(1, Conversations.title),
                                       botId: try row.optionalText(2, Conversations.botId), createTime: try row.double(3, Conversations.createdAt),
                                       lastMessageTime: try row.double(4, Conversations.lastMessageAt), score: try row.double(5, "score"),
                                       highlights: highlights)
        }
    }

    /// At most `fragmentCharacters` characters, never inside a mark or an escape.
    static func cut(_ fragment: String) -> String {
        guard fragment.count > fragmentCharacters else { return fragment }
        var text = String(fragment.prefix(fragmentCharacters))
        if let open = text.range(of: "<em>", options: .backwards), text[open.upperBound...].range(of: "</em>") == nil {
            text = String(text[..<open.lowerBound])
        }
        if let amp = text.range(of: "&", options: .backwards), !text[amp.upperBound...].contains(";") { text = String(text[..<amp.lowerBound]) }
        if let lt = text.range(of: "<", options: .backwards), !text[lt.upperBound...].contains(">") { text = String(text[..<lt.lowerBound]) }
        return text + "…"
    }
}

/// A conversation found by `ConversationTextSearch`, shaped like Bedrock Chat's search results.
public struct ConversationTextHit: Codable, Sendable, Equatable {
    public struct Highlight: Codable, Sendable, Equatable {
        /// `title` or `content`.
        public var fieldName: String
        /// Up to three passages, the matched words in `<em>…</em>`, the rest HTML-escaped.
        public var fragments: [String]
    }
    public var id: String
    public var title: String
    public var botId: String?
    public var createTime: Double
    public var lastMessageTime: Double
    public var score: Double
    public var highlights: [Highlight]
}
