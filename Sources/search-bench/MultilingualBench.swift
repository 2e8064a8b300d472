import ChatRuntime
import DynamicServices
import Foundation
import Logging

/// `search-bench --languages [bots per language]`: the text rankings (full text and title trigrams,
/// without the embedding) over `MultilingualCorpus` in one database of every stage's languages:
/// recall@10 per language and per query kind, the p50 and p95 of the search, and what each
/// language's text costs in the full-text column.
enum MultilingualBench {
    static func run(perLanguage: Int, server: Int, logger: Logger, services: ServiceSet) async throws {
        let corpus = MultilingualCorpus(perLanguage: perLanguage)
        say("\(corpus.bots.count) bots in \(MultilingualCorpus.languages.count) languages (\(perLanguage) each), \(corpus.queries.count) queries:")
        try await withBenchDatabase("search_bench_languages_\(getpid())", server: server, logger: logger, services: services) { _, stage, sql in
            try await seed(sql, corpus)
            let chat = try ChatDatabase(executor: sql, embedder: LocalEmbedder(dimension: dimension), stage: stage)

            for query in corpus.queries.prefix(20) { _ = try await chat.search.textSearchBots(query.text, user: "searcher", limit: 10) }  // warm-up
            var times: [Double] = []
            var recall: [String: [Double]] = [:], byKind: [String: [Double]] = [:]
            var slowest = (0.0, "")
            var misses: [(share: Double, query: MultilingualCorpus.Query)] = []
            var prefixesAimedAt: [Double] = []
            for query in corpus.queries {
                let start = ContinuousClock.now
                let found = try await chat.search.textSearchBots(query.text, user: "searcher", limit: 10)
                times.append(milliseconds(ContinuousClock.now - start))
                if times.last! > slowest.0 { slowest = (times.last!, query.text) }
                let share = Double(Set(found).intersection(query.relevant).count) / Double(max(1, min(10, query.relevant.count)))
                recall[query.language, default: []].append(share)
                if share < 1 { misses.append((share, query)) }
                if query.kind == .prefix {
                    prefixesAimedAt.append(Double(Set(found).intersection(query.aimedAt).count) / Double(max(1, min(10, query.aimedAt.count))))
                }
                byKind[query.kind.rawValue, default: []].append(share)
            }
            func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(max(values.count, 1)) }
            let sorted = times.sorted()
            say(String(format: "  text rankings, limit 10: p50 %.2f ms  p95 %.2f ms", percentile(sorted, 0.5), percentile(sorted, 0.95)))
            say("  recall@10 by language: " + MultilingualCorpus.languages.map { String(format: "%@ %.2f", $0.code, mean(recall[$0.code] ?? [])) }.joined(separator: ", "))
            say("  recall@10 by kind: " + MultilingualCorpus.Query.Kind.allCases.compactMap { kind in
                byKind[kind.rawValue].map { String(format: "%@ %.2f (%d)", kind.rawValue, mean($0), $0.count) }
            }.joined(separator: ", ") + String(format: "; prefixes counting only the word aimed at %.2f", mean(prefixesAimedAt)))
            say("  queries that missed relevant bots (\(misses.count)), worst first: " + misses.sorted { $0.share < $1.share }.prefix(12)
                .map { String(format: "%@ %@ \"%@\" %.1f", $0.query.language, $0.query.kind.rawValue, $0.query.text, $0.share) }.joined(separator: ", "))
            // What each language's text costs: the generated column's size per bot.
            let sizes = try await sql.execute(SQLStatement("""
                SELECT split_part(bot_id, '-', 1), round(avg(pg_column_size(tsv)))::int8, round(avg(pg_column_size(spelling)))::int8,
                       round(avg(octet_length(title) + octet_length(description)))::int8
                  FROM bot_vectors GROUP BY 1 ORDER BY 1
                """)).rows
            say("  text columns per bot (bytes of full text / of spellings / of title and description): "
                + sizes.map { "\($0[0].text ?? "?") \($0[1].int ?? 0)/\($0[2].int ?? 0)/\($0[3].int ?? 0)" }.joined(separator: ", "))
            let indexes = try await sql.execute(SQLStatement(
                "SELECT pg_size_pretty(pg_relation_size('bot_vectors_tsv_idx')), pg_size_pretty(pg_relation_size('bot_vectors_spelling_idx'))")).rows.first
            say("  indexes for \(corpus.bots.count) bots: full text \(indexes?[0].text ?? "?"), spellings \(indexes?[1].text ?? "?")")
            say("  plan of the slowest query (\(slowest.1), \(String(format: "%.1f", slowest.0)) ms):")
            for line in try await chat.search.explainBotSearch(slowest.1, user: "searcher", limit: 10, byVector: false) { say("    " + line) }
        }
    }

    /// Public bots, written a thousand at a time; every bot has the same embedding, since only the
    /// text rankings are measured.
    static func seed(_ sql: PostgresExecutor, _ corpus: MultilingualCorpus) async throws {
        let vector = "[" + (0..<dimension).map { String(format: "%.3f", sin(Double($0))) }.joined(separator: ",") + "]"
        for start in stride(from: 0, to: corpus.bots.count, by: 1000) {
            let rows = corpus.bots[start..<min(start + 1000, corpus.bots.count)].map { ["id": $0.id, "t": $0.title, "d": $0.description] }
            let json = String(decoding: try JSONSerialization.data(withJSONObject: rows), as: UTF8.self)
            _ = try await sql.execute(SQLStatement("""
                INSERT INTO bot_vectors (bot_id, owner_id, title, description, visibility, embedding)
                SELECT r.id, 'owner', r.t, r.d, 'public', CAST(:vector AS vector(\(dimension)))
                  FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS r(id text, t text, d text)
                """, ["rows": .text(json), "vector": .text(vector)], runsLong: true))
        }
        // VACUUM as autovacuum would soon after: it also moves the GIN indexes' pending entries, which
        // every search would otherwise read one by one, into the indexes proper.
        _ = try await sql.execute(SQLStatement("VACUUM (ANALYZE) bot_vectors", runsLong: true))
    }
}
