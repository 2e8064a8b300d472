import ChatRuntime
import DynamicServices
import Foundation
import Logging

// Hybrid bot search at scale, run as `swift run -c release search-bench [sizes…]` (default 10000
// 50000 200000) with the test PostgreSQL running (`scripts/postgres.sh start`). For each size it
// seeds bots with 1,024-dimension embeddings clustered around 64 topics, of which the searching
// user may see one in ten (the rest are other users' private bots), then reports the p50 and p95 of
// `SearchStore.searchBots` (limit 10) over 200 queries on the postgres backend, the recall@10 of its
// vector ranking against an exact scan of the visible bots, and the plan of the slowest query.
// With `--languages [bots per language]` (default 715: 10,010 bots), the text rankings in every
// language instead (`MultilingualBench`). With `--keep`, the database is left in place for
// inspection with psql, and its name printed.

let dimension = ChatContract.BotVectors.embeddingDimension
let queryCount = 200

/// The query's embedding is chosen by the bench (a point near a topic), not computed from its text.
struct ChosenVectors: Embedder {
    let dimension: Int
    let vectors: [String: [Float]]
    func embed(_ text: String) async throws -> [Float] {
        guard let vector = vectors[text] else { throw ChatStoreError.invalid("no vector chosen for \(text)") }
        return vector
    }
}

func say(_ text: String) { FileHandle.standardOutput.write(Data((text + "\n").utf8)) }

func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
}

func port() throws -> Int {
    let state = try String(contentsOfFile: ".build/test-postgres.env", encoding: .utf8)
    for line in state.split(separator: "\n") where line.hasPrefix("TEST_POSTGRES_PORT=") {
        if let port = Int(line.dropFirst("TEST_POSTGRES_PORT=".count)) { return port }
    }
    throw CocoaError(.fileReadCorruptFile)
}

let words = ["travel", "recipe", "budget", "contract", "symptom", "guitar", "training", "swift", "garden", "empire",
             "lantern", "noodle", "ledger", "poetry", "camera", "tennis", "chemistry", "robot", "weather", "history",
             "planner", "coach", "tutor", "helper", "guide", "advisor", "writer", "critic", "scout", "mentor"]

func seed(_ sql: PostgresExecutor, bots: Int) async throws {
    let start = ContinuousClock.now
    // The HNSW indexes are built once the rows are in, as a backfill into a new table would.
    let hnsw = try StageContract.named("prod").schema.statements.filter { $0.contains("ON bot_vectors USING hnsw") }
    let names = hnsw.compactMap { $0.split(separator: " ").first { $0.hasPrefix("bot_vectors_") }.map(String.init) }
    let vocabulary = "ARRAY[" + words.map { "'\($0)'" }.joined(separator: ",") + "]"
    for statement in [
        "DROP INDEX IF EXISTS " + names.joined(separator: ", "),
        "CREATE TABLE IF NOT EXISTS bench_topics AS SELECT t, array_agg((random() * 2 - 1)::float4 ORDER BY d) AS v FROM generate_series(0, 63) t, generate_series(1, \(dimension)) d GROUP BY t",
        """
        INSERT INTO bot_vectors (bot_id, owner_id, title, description, visibility, usage_count, embedding)
        SELECT 'bot-' || i, 'owner-' || (i % 500), w[1 + i % 30] || ' ' || w[1 + (i / 30) % 30] || ' ' || i,
               'Helps with ' || w[1 + (i / 7) % 30] || ' and ' || w[1 + (i / 11) % 30],
               CASE WHEN i % 10 = 0 THEN 'public' ELSE 'private' END, i % 997,
               (SELECT array_agg(b.v[d] + (random() * 2 - 1)::float4 * 0.8 ORDER BY d) FROM generate_series(1, \(dimension)) d)::vector(\(dimension))
          FROM generate_series(1, \(bots)) i JOIN bench_topics b ON b.t = i % 64 CROSS JOIN (SELECT \(vocabulary) AS w) words
        """,
    ] {
        _ = try await sql.execute(SQLStatement(statement, runsLong: true))
    }
    // The whole graph in memory while it is built (about 5 GB at 200,000 bots would spill otherwise).
    try await sql.transaction { inner in
        _ = try await inner.execute(SQLStatement("SET LOCAL maintenance_work_mem = '4GB'"))
        for index in hnsw { _ = try await inner.execute(SQLStatement(index, runsLong: true)) }
    }
    // VACUUM as autovacuum would soon after: it also moves the GIN indexes' pending entries, which
    // every search would otherwise read one by one, into the indexes proper.
    _ = try await sql.execute(SQLStatement("VACUUM (ANALYZE) bot_vectors", runsLong: true))
    say(String(format: "  seeded %d bots and built the HNSW indexes in %.0f s", bots, milliseconds(ContinuousClock.now - start) / 1000))
}

func queries(_ sql: PostgresExecutor) async throws -> [(text: String, vector: [Float])] {
    let rows = try await sql.execute(SQLStatement("""
        SELECT q, (SELECT array_agg(b.v[d] + (random() * 2 - 1)::float4 * 0.8 ORDER BY d) FROM generate_series(1, \(dimension)) d)::text
          FROM generate_series(1, \(queryCount)) q JOIN bench_topics b ON b.t = (q * 7) % 64
        """)).rows
    return rows.enumerated().map { index, row in
        let numbers = (row[1].text ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "{}")).split(separator: ",").compactMap { Float($0) }
        return ("\(words[index % 30]) \(words[(index * 7) % 30]) #\(index)", numbers)
    }
}

func percentile(_ sorted: [Double], _ fraction: Double) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))] }

/// A new database `name` with the prod stage's schema, for `body` (its URL, the stage, and a pool whose
/// statements may run an hour); dropped afterwards whatever happens, while the pools still run.
func withBenchDatabase(_ name: String, server: Int, logger: Logger, services: ServiceSet,
                       _ body: (_ url: String, _ stage: StageContract, _ setup: PostgresExecutor) async throws -> Void) async throws {
    let admin = try PostgresExecutor(.init(url: "postgresql://postgres@127.0.0.1:\(server)/postgres"), logger: logger)
    services.add(admin)
    _ = try await admin.execute(SQLStatement("CREATE DATABASE \(name)"))
    let dropDatabase = {
        if CommandLine.arguments.contains("--keep") { return say("kept database \(name)") }
        _ = try? await admin.execute(SQLStatement("DROP DATABASE \(name) WITH (FORCE)"))
    }
    do {
        let url = "postgresql://postgres@127.0.0.1:\(server)/\(name)"
        let stage = try StageContract.named("prod")
        let setup = try PostgresExecutor(.init(url: url), timeouts: .init(statement: .seconds(3600)), logger: logger)
        services.add(setup)
        try await SchemaMigrator(executor: setup, schema: stage.schema, logger: logger).migrate()
        try await body(url, stage, setup)
    } catch {
        await dropDatabase()
        throw error
    }
    await dropDatabase()
}

func run(size: Int, server: Int, logger: Logger, services: ServiceSet) async throws {
    say("\(size) bots:")
    try await withBenchDatabase("search_bench_\(size)_\(getpid())", server: server, logger: logger, services: services) { url, stage, setup in
        try await seed(setup, bots: size)
        let chosen = try await queries(setup)

        // A fresh pool, so its sessions start with the database's settings.
        let sql = try PostgresExecutor(.init(url: url), logger: logger)
        services.add(sql)
        let embedder = ChosenVectors(dimension: dimension, vectors: Dictionary(uniqueKeysWithValues: chosen.map { ($0.text, $0.vector) }))
        let chat = try ChatDatabase(executor: sql, embedder: embedder, stage: stage)
        for query in chosen.prefix(10) { _ = try await chat.search.searchBots(query.text, user: "searcher", limit: 10) }  // warm-up
        var samples: [(Double, String)] = []
        for query in chosen {
            let start = ContinuousClock.now
            _ = try await chat.search.searchBots(query.text, user: "searcher", limit: 10)
            samples.append((milliseconds(ContinuousClock.now - start), query.text))
        }
        let sorted = samples.map(\.0).sorted()
        say(String(format: "  hybrid search, limit 10, 1 in 10 bots visible: p50 %.2f ms  p95 %.2f ms  (%d queries)",
                   percentile(sorted, 0.5), percentile(sorted, 0.95), samples.count))

        // What a statement costs before any search: a round trip, and one carrying the query vector.
        func p50(_ body: () async throws -> Void) async throws -> Double {
            var times: [Double] = []
            for _ in 0..<100 {
                let start = ContinuousClock.now
                try await body()
                times.append(milliseconds(ContinuousClock.now - start))
            }
            return percentile(times.sorted(), 0.5)
        }
        let roundTrip = try await p50 { _ = try await sql.execute(SQLStatement("SELECT 1")) }
        let withVector = try await p50 {
            let literal = try await embedder.vectorLiteral(chosen[0].text)
            _ = try await sql.execute(SQLStatement("SELECT CAST(:v AS vector(\(dimension))) IS NOT NULL", ["v": .text(literal)]))
        }
        say(String(format: "  for comparison: a round trip p50 %.2f ms, one sending the query vector p50 %.2f ms", roundTrip, withVector))

        // Recall@10 of the vector ranking bot search runs (its branches, its indexes, the database's
        // settings) against an exact scan of the bots the searcher may see.
        var recall = 0.0
        for query in chosen.prefix(50) {
            let approximate = Set(try await chat.search.nearestBots(query.text, user: "searcher", limit: 10))
            let vector = "[" + query.vector.map { "\($0)" }.joined(separator: ",") + "]"
            let exact = try await sql.transaction { inner in
                _ = try await inner.execute(SQLStatement("SET LOCAL enable_indexscan = off"))
                return Set(try await inner.execute(SQLStatement("""
                    SELECT bot_id FROM bot_vectors WHERE visibility = 'public' OR owner_id = 'searcher'
                     ORDER BY embedding <=> CAST(:v AS vector(\(dimension))) LIMIT 10
                    """, ["v": .text(vector)])).rows.compactMap { $0[0].text })
            }
            recall += Double(approximate.intersection(exact).count) / Double(max(exact.count, 1))
        }
        say(String(format: "  recall@10 of the vector ranking against an exact scan: %.3f (50 queries)", recall / 50))

        // The plan of the slowest query.
        if let slowest = samples.max(by: { $0.0 < $1.0 }) {
            say("  plan of the slowest query (\(slowest.1), \(String(format: "%.1f", slowest.0)) ms):")
            for line in try await chat.search.explainBotSearch(slowest.1, user: "searcher", limit: 10) { say("    " + line) }
        }
    }
}

var logger = Logger(label: "search-bench")
logger.logLevel = .error
guard let server = try? port() else {
    say("search-bench: no PostgreSQL; run scripts/postgres.sh start first")
    exit(1)
}
let sizes = CommandLine.arguments.dropFirst().compactMap { Int($0) }
do {
    if CommandLine.arguments.contains("--languages") {
        try await ServiceSet.withRunning { try await MultilingualBench.run(perLanguage: sizes.first ?? 715, server: server, logger: logger, services: $0) }
        exit(0)
    }
    for size in sizes.isEmpty ? [10_000, 50_000, 200_000] : sizes {
        try await ServiceSet.withRunning { try await run(size: size, server: server, logger: logger, services: $0) }
    }
} catch {
    say("search-bench: \(error)")
    exit(1)
}
