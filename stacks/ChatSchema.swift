import DSLCore
import SQLSchema

/// The chat database: history and per-conversation metadata, and the search tables that replace
/// the OpenSearch bot store (pgvector embeddings, weighted full-text, trigram titles). Title
/// trigram indexes are GiST: hybrid search ranks by trigram distance (`<->`), which GIN cannot order by.
public enum ChatSchema {
    public static let roles = ["user", "assistant", "system", "tool"]
    public static let visibilities = ["private", "shared", "public"]

    /// HNSW indexes `vector` up to 2,000 dimensions; larger embeddings are stored as `halfvec`.
    static func embedding(_ dimension: Int) -> ColumnType {
        dimension <= SchemaValidator.maximumIndexedVectorDimension ? .vector(dimension: dimension) : .halfvec(dimension: dimension)
    }

    static let publicBots = "visibility = 'public'", sharedBots = "visibility = 'shared'"

    /// Bot search's vector ranking: the `candidates` bots nearest to `query`, public ones or shared
    /// ones (which members of Admin search), each along its own HNSW graph. Their settings are why they are functions: the planner
    /// costs an HNSW scan above sorting a few thousand bots by exact distance, which is the slower by
    /// far once each bot's 4 KB vector comes out of TOAST (uncounted), so sorting is off while their
    /// query is planned; and the scan keeps more candidates than pgvector's 40 (`hnsw.ef_search`).
    /// How many grows with the graph, one for every 25 bots in it, from 100 to 400: recall at a fixed
    /// depth falls as a graph grows, and each candidate costs a distance. In search-bench, 400 takes
    /// the recall@10 at 20,000 public bots from 0.73 to 0.99; at 1,000, 100 keeps it at 0.998 in 2 ms,
    /// where 400 took 3.4 ms. (A fixed 300 from migration 6 on dev, 5 on staging and prod; a fixed
    /// 400 from migration 7 and 6.) The graph's size is its index's row estimate, which PostgreSQL
    /// keeps up to date; while the index is missing (a rebuild), 100.
    static func nearestBots(embedding: ColumnType) -> [QueryFunction] {
        let type = SchemaRenderer.typeName(embedding).prefix { $0 != "(" }
        let graphs = [("nearest_public_bots", publicBots, "bot_vectors_public_embedding_idx"),
                      ("nearest_shared_bots", sharedBots, "bot_vectors_shared_embedding_idx")]
        return graphs.map { name, predicate, index in
            QueryFunction(name, arguments: [.init("query", String(type)), .init("candidates", "integer")],
                          returns: "TABLE (bot_id text, distance double precision)",
                          settings: [.init("enable_sort", "off"), .init("hnsw.ef_search", "400")],
                          body: "SELECT set_config('hnsw.ef_search', least(400, greatest(100, (SELECT c.reltuples FROM pg_catalog.pg_class c "
                              + "WHERE c.oid = to_regclass('public.\(index)')) / 25))::integer::text, true); "
                              + "SELECT b.bot_id, b.embedding <=> query FROM bot_vectors b WHERE b.\(predicate) "
                              + "ORDER BY b.embedding <=> query LIMIT candidates")
        }
    }

    /// The role the chat function connects as (its secret is the app stack's `DB_SECRET_ARN`); only
    /// the migrator signs in as the master user.
    public static let applicationRole = "chat_app"

    /// The stage's schema: its embedding dimension and search language.
    public static func schema(for stage: StageSettings) -> Schema {
        schema(embeddingDimension: stage.embeddingDimension, languages: stage.searchLanguages)
    }

    public static func schema(embeddingDimension: Int, languages: SearchLanguages = .all) -> Schema {
        declared.result(for: Settings(embeddingDimension: embeddingDimension, languages: languages)) {
            declare(embeddingDimension: $0.embeddingDimension, languages: $0.languages)
        }
    }

    /// What a schema is declared from.
    private struct Settings: Equatable, Sendable {
        var embeddingDimension: Int
        var languages: SearchLanguages
    }

    /// The schemas declared last: a synth run asks for each stage's three times (its stacks, its
    /// migrations, the runtime contract), and declaring one costs 1.7 M instructions.
    private static let declared = RecentResults<Settings, Schema>()

    private static func declare(embeddingDimension: Int, languages: SearchLanguages) -> Schema {
        func titleTrigrams(_ name: String, where predicate: String? = nil) -> Index {
            languages.foldsAccents ? Index(name, .foldedTrigramGiST("title", function: .unaccent), where: predicate)
                : Index(name, .trigramGiST("title"), where: predicate)
        }
        return Schema(extensions: ["vector", "pg_trgm"] + (languages.foldsAccents ? ["unaccent"] : []),
                      functions: (languages.foldsAccents ? [.unaccent] : []) + [SearchLanguages.ngrams, languages.detector,
                                                                                 languages.spellings, languages.spellingQuery],
                      textSearchConfigurations: languages.configurations,
                      queryFunctions: nearestBots(embedding: embedding(embeddingDimension)),
                      applicationRole: applicationRole) {
            Table("conversations") {
                Column("conversation_id", .uuid).primaryKey()
                Column("owner_id", .text).notNull()
                Column("bot_id", .text)
                Column("title", .text).notNull().default(.emptyText)
                Column("metadata", .jsonb).notNull().default(.emptyJSONObject)
                // The last sequence number handed out; appends lock this row to number messages in order.
                Column("last_seq", .bigint).notNull().default(.integer(0))
                Column("created_at", .timestamptz).notNull().default(.now)
                Column("updated_at", .timestamptz).notNull().default(.now)
                Index.btree("conversations_owner_updated_idx", "owner_id", .desc("updated_at"))
            }
            Table("chat_history") {
                Column("conversation_id", .uuid).notNull().references("conversations", "conversation_id", onDelete: .cascade)
                Column("seq", .bigint).notNull()
                Column("role", .text).notNull()
                Column("content", .text).notNull()
                // Chosen by the client, so a retried append is recognised and not stored twice.
                Column("client_message_id", .text).notNull()
                Column("created_at", .timestamptz).notNull().default(.now)
                TableElement.primaryKey("conversation_id", "seq")
                TableElement.unique("conversation_id", "client_message_id")
                Check("chat_history_role_check", "role IN (\(roles.map { "'\($0)'" }.joined(separator: ", ")))")
                Check("chat_history_seq_check", "seq > 0")
            }
            Table("bot_vectors") {
                Column("bot_id", .text).primaryKey()
                Column("owner_id", .text).notNull()
                Column("title", .text).notNull()
                Column("description", .text).notNull().default(.emptyText)
                Column("instruction", .text).notNull().default(.emptyText)
                Column("visibility", .text).notNull().default(.sql("'private'"))
                // Users a `shared` bot is shared with.
                Column("shared_with", .textArray).notNull().default(.sql("'{}'::text[]"))
                Column("embedding", embedding(embeddingDimension)).notNull()
                // Bedrock Chat's store searches the instruction too, weighted below title and description.
                Column("tsv", languages.tsvector([.init("title", weight: "A"), .init("description", weight: "B"), .init("instruction", weight: "C")]))
                Column("updated_at", .timestamptz).notNull().default(.now)
                // Added by migration 2, for the bot store's model (Bedrock Chat's bot items): the
                // groups a bot is shared with, its sharing status, how often and when it was used,
                // whether its sources are synced, and the owner's star.
                Column("allowed_groups", .textArray).notNull().default(.sql("'{}'::text[]"))
                Column("shared_status", .text).notNull().default(.sql("'unshared'"))
                Column("usage_count", .bigint).notNull().default(.integer(0))
                Column("created_at", .timestamptz).notNull().default(.now)
                Column("last_used_at", .timestamptz)
                Column("sync_status", .text)
                Column("is_starred", .boolean).notNull().default(.boolean(false))
                // Added by migration 3: the stream sequence number of the record last applied, so an
                // older record delivered late never overwrites a newer one (NULL: written by a backfill).
                Column("source_sequence", .numeric)
                // Added by migration 12 on dev, 11 on staging and prod: the title's and description's
                // words with their one-letter deletions, by which a misspelled query finds them.
                Column("spelling", languages.spellingVector([.init("title", weight: "A"), .init("description", weight: "B")]))
                Check("bot_vectors_visibility_check", "visibility IN (\(visibilities.map { "'\($0)'" }.joined(separator: ", ")))")
                // Two graphs, public bots and shared ones, each walked by its function (`nearestBots`): a
                // search that may see only a few of the bots finds the nearest public ones without filtering
                // a whole graph's candidates, and admins, who see every shared bot in a search, walk both.
                // Private bots are found exactly: only their owners see them. (Until migration 6 on dev, 5 on
                // staging and prod, the second graph held every bot, and the planner took it, filtered, for
                // public bots; until migration 9 on dev, 8 on staging and prod, every bot not public.) The public graph is denser than the default (m 24, ef_construction
                // 256): with the functions' deeper scans it finds the nearest ten of 20,000 public bots
                // with a recall of about 0.98, where the default graph reached 0.91.
                Index("bot_vectors_shared_embedding_idx", .hnsw("embedding", .cosine, m: 16, efConstruction: 64), where: sharedBots)
                Index("bot_vectors_public_embedding_idx", .hnsw("embedding", .cosine, m: 24, efConstruction: 256), where: publicBots)
                titleTrigrams("bot_vectors_public_title_trgm_idx", where: publicBots)
                Index("bot_vectors_tsv_idx", .fullText("tsv"))
                Index("bot_vectors_spelling_idx", .fullText("spelling"))
                titleTrigrams("bot_vectors_title_trgm_idx")
                Index.btree("bot_vectors_owner_idx", "owner_id")
                Index("bot_vectors_shared_with_idx", .arrayGIN("shared_with"))
                Index("bot_vectors_allowed_groups_idx", .arrayGIN("allowed_groups"))
                Index.btree("bot_vectors_popular_idx", .desc("usage_count"))
            }
            Table("conversation_vectors") {
                Column("conversation_id", .uuid).primaryKey().references("conversations", "conversation_id", onDelete: .cascade)
                Column("user_id", .text).notNull()
                Column("bot_id", .text)
                Column("title", .text).notNull().default(.emptyText)
                Column("excerpt", .text).notNull().default(.emptyText)
                Column("embedding", embedding(embeddingDimension)).notNull()
                Column("tsv", languages.tsvector([.init("title", weight: "A"), .init("excerpt", weight: "B")]))
                Column("updated_at", .timestamptz).notNull().default(.now)
                Index("conversation_vectors_embedding_idx", .hnsw("embedding", .cosine, m: 16, efConstruction: 64))
                Index("conversation_vectors_tsv_idx", .fullText("tsv"))
                titleTrigrams("conversation_vectors_title_trgm_idx")
                Index.btree("conversation_vectors_user_idx", "user_id", .desc("updated_at"))
            }
            // Conversations that live in another application's table (Bedrock Chat's
            // ConversationTableV3), kept in step by the backfill and the stream sync: the title and
            // the text of the messages, searchable for their user only.
            Table("synced_conversations") {
                Column("user_id", .text).notNull()
                Column("conversation_id", .text).notNull()
                Column("bot_id", .text)
                Column("title", .text).notNull().default(.emptyText)
                // The text bodies of the messages, one per line, in the order they were written.
                Column("body", .text).notNull().default(.emptyText)
                Column("created_at", .timestamptz).notNull().default(.now)
                Column("last_message_at", .timestamptz).notNull().default(.now)
                Column("source_sequence", .numeric)
                Column("tsv", languages.tsvector([.init("title", weight: "A"), .init("body", weight: "B")]))
                Column("updated_at", .timestamptz).notNull().default(.now)
                TableElement.primaryKey("user_id", "conversation_id")
                Index("synced_conversations_tsv_idx", .fullText("tsv"))
                Index.btree("synced_conversations_user_idx", "user_id", .desc("last_message_at"))
            }
            // Where each segment of a backfill scan stopped, so an interrupted `chat-store sync` resumes.
            Table("sync_checkpoints") {
                Column("source_table", .text).notNull()
                Column("total_segments", .integer).notNull()
                Column("segment", .integer).notNull()
                // DynamoDB's LastEvaluatedKey to continue from; NULL before the first page.
                Column("resume_key", .jsonb)
                Column("finished", .boolean).notNull().default(.boolean(false))
                Column("scanned", .bigint).notNull().default(.integer(0))
                Column("indexed", .bigint).notNull().default(.integer(0))
                Column("skipped", .bigint).notNull().default(.integer(0))
                Column("failed", .bigint).notNull().default(.integer(0))
                Column("updated_at", .timestamptz).notNull().default(.now)
                TableElement.primaryKey("source_table", "total_segments", "segment")
            }
            // Items removed (bots by owner and bot id, conversations by user and conversation id), so
            // an older INSERT or MODIFY delivered afterwards does not bring the item back: by the
            // stream, with the REMOVE's sequence number; by a backfill that found the item gone from
            // the source, with no sequence (NULL, since migration 10 on dev, 9 on staging and prod)
            // and `removed_at` the time it looked.
            Table("sync_tombstones") {
                Column("kind", .text).notNull()
                Column("owner_id", .text).notNull()
                Column("item_id", .text).notNull()
                Column("source_sequence", .numeric)
                Column("removed_at", .timestamptz).notNull().default(.now)
                TableElement.primaryKey("kind", "owner_id", "item_id")
                Check("sync_tombstones_kind_check", "kind IN ('bot', 'conversation')")
            }
        }
    }
}

