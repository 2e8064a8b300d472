import SQLSchema

/// The backfill of expand, backfill, contract for a new embedding (another model, another
/// dimension): a migration adds a nullable embedding column beside the old one, this fills it by
/// embedding each row's text again, and a later migration drops the old column and renames the new
/// one into its place. It fills only rows whose new column is NULL, in batches, so it can stop and
/// run again, and running it right before the contract migration catches rows written meanwhile.
public struct EmbeddingBackfill: Sendable {
    /// The tables with embeddings, and the text the stores embed for a row (the same as they do).
    public enum Source: String, Sendable, CaseIterable {
        case bots = "bot_vectors"
        case conversations = "conversation_vectors"

        var key: String {
            switch self {
            case .bots: ChatContract.BotVectors.botId
            case .conversations: ChatContract.ConversationVectors.conversationId
            }
        }

        /// `title || E'\n' || description`: what `SearchStore` embeds (title, newline, description or excerpt).
        var text: String {
            switch self {
            case .bots: "\(ChatContract.BotVectors.title) || E'\\n' || \(ChatContract.BotVectors.description)"
            case .conversations: "\(ChatContract.ConversationVectors.title) || E'\\n' || \(ChatContract.ConversationVectors.excerpt)"
            }
        }
    }

    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
    }

    public let executor: any SQLExecutor
    public let embedder: any Embedder

    public init(executor: any SQLExecutor, embedder: any Embedder) {
        self.executor = executor
        self.embedder = embedder
    }

    /// The column's type (`vector(1536)`), checked to be a nullable embedding column of `source`.
    public func columnType(_ source: Source, column: String) async throws -> (type: String, dimension: Int) {
        let found = try await executor.execute(SQLStatement("""
            SELECT pg_catalog.format_type(atttypid, atttypmod), attnotnull FROM pg_catalog.pg_attribute
             WHERE attrelid = to_regclass(:table) AND attname = :column AND attnum > 0 AND NOT attisdropped
            """, ["table": .text(source.rawValue), "column": .text(column)]))
        guard let values = found.rows.first else {
            throw Problem(description: "\(source.rawValue) has no column \(column); the expand migration adds it")
        }
        let row = ResultRow(values, "embedding column")
        let type = try row.text(0, "type")
        guard (type.hasPrefix("vector(") || type.hasPrefix("halfvec(")) && type.hasSuffix(")"),
              let open = type.firstIndex(of: "("), let dimension = Int(type[type.index(after: open)..<type.index(before: type.endIndex)]) else {
            throw Problem(description: "\(source.rawValue).\(column) is \(type), not a vector or halfvec column")
        }
        guard try !row.bool(1, "not null") else {
            throw Problem(description: "\(source.rawValue).\(column) is NOT NULL, so it is no column being filled: the backfill fills a nullable column the expand migration added")
        }
        return (type, dimension)
    }

    /// Embeds the rows whose `column` is NULL, `batchSize` at a time; returns how many it filled.
    /// `progress` gets the running count after each batch.
    @discardableResult
    public func run(_ source: Source, column: String, batchSize: Int = 100, progress: @Sendable (Int) -> Void = { _ in }) async throws -> Int {
        let (type, dimension) = try await columnType(source, column: column)
        guard embedder.dimension == dimension else {
            throw Problem(description: "\(source.rawValue).\(column) holds \(dimension) dimensions, the embedder makes \(embedder.dimension)")
        }
        let target = Identifier.quoted(column)
        let pending = SQLStatement("SELECT \(source.key)::text, \(source.text) FROM \(source.rawValue) WHERE \(target) IS NULL ORDER BY \(source.key) LIMIT :limit",
                                   ["limit": .int(Int64(batchSize))])
        let update = "UPDATE \(source.rawValue) SET \(target) = CAST(:embedding AS \(type)) WHERE \(source.key)::text = :key AND \(target) IS NULL"
        var filled = 0
        var done = Set<String>()
        while true {
            let rows = try await executor.execute(pending).rows.map { values in
                let row = ResultRow(values, "row to embed")
                return (key: try row.text(0, "key"), text: try row.text(1, "text"))
            }
            guard !rows.isEmpty else { return filled }
            // A row that comes back after it was filled would make this loop forever.
            if let again = rows.first(where: { done.contains($0.key) }) {
                throw Problem(description: "\(source.rawValue) row \(again.key) still has no \(column) after it was filled")
            }
            done.formUnion(rows.map(\.key))
            var parameterSets: [[String: SQLValue]] = []
            for row in rows {
                parameterSets.append(["key": .text(row.key), "embedding": .text(try await embedder.vectorLiteral(row.text))])
            }
            try await executor.batch(update, parameterSets)
            filled += rows.count
            progress(filled)
        }
    }
}
