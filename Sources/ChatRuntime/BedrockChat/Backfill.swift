import AWSServices
import Foundation

/// Copies Bedrock Chat's existing bots and conversations into the search tables: scans the source
/// table by parallel segments, reads each item, and writes it through `BotIndex` or
/// `ConversationIndex` (which embed only what changed and write nothing when nothing did).
///
/// Resumable: after each page, the segment's `LastEvaluatedKey` and counts are saved in
/// `sync_checkpoints`, so a run that stops (interrupted, or a database gone) continues from the
/// last saved page; a page half done is done again, harmlessly. Once every segment of a run has
/// finished, the next run starts over, and finds nothing to change.
///
/// Reconciling: once every segment has finished, rows whose items the source no longer has are
/// removed (`sweep`), each with a tombstone, so a bot deleted while the stream was down is not left
/// searchable; `Options.removeMissing` turns it off for a partial source.
public struct Backfill: Sendable {
    typealias Checkpoints = ChatContract.SyncCheckpoints

    public enum Kind: String, Sendable, Codable {
        case bots, conversations
    }

    public let dynamoDB: DynamoDBClient
    public let executor: any SQLExecutor
    let bots: BotIndex
    let conversations: ConversationIndex
    let largeMessages: LargeMessageBucket?

    public init(dynamoDB: DynamoDBClient, database: ChatDatabase, largeMessages: LargeMessageBucket?) throws {
        self.dynamoDB = dynamoDB
        executor = database.executor
        bots = try BotIndex(executor: database.executor, embedder: database.search.embedder)
        conversations = ConversationIndex(executor: database.executor)
        self.largeMessages = largeMessages
    }

    public struct Options: Sendable {
        public var segments: Int
        public var pageSize: Int
        /// Items of one page written at once (each is an embedding call and a statement).
        public var concurrency: Int
        /// Read and map everything, write nothing (neither rows nor checkpoints); count what would be removed.
        public var dryRun: Bool
        /// Remove rows whose items the source no longer has, once the scan is complete.
        public var removeMissing: Bool
        public init(segments: Int = 4, pageSize: Int = 100, concurrency: Int = 8, dryRun: Bool = false, removeMissing: Bool = true) {
            self.segments = segments
            self.pageSize = pageSize
            self.concurrency = concurrency
            self.dryRun = dryRun
            self.removeMissing = removeMissing
        }
    }

    /// What a run did to one table. `indexed` counts rows written; on a dry run, items that would be.
    public struct Counts: Sendable, Equatable, Codable {
        public var scanned: Int64 = 0
        public var indexed: Int64 = 0
        public var unchanged: Int64 = 0
        public var skipped: Int64 = 0
        public var failed: Int64 = 0
        /// Rows removed because the source no longer has their items (on a dry run, rows that would be).
        public var removed: Int64 = 0
        public init() {}

        static func + (left: Counts, right: Counts) -> Counts {
            var sum = left
            sum.scanned += right.scanned
            sum.indexed += right.indexed
            sum.unchanged += right.unchanged
            sum.skipped += right.skipped
            sum.failed += right.failed
            sum.removed += right.removed
            return sum
        }
    }

    /// An item that could not be indexed, by its keys.
    public struct ItemFailure: Sendable, Equatable, Codable {
        public var keys: String
        public var problem: String
    }

    public struct Summary: Sendable, Codable {
        public var table: String
        public var kind: Kind
        public var counts: Counts
        /// Segments an earlier, interrupted run had started (their counts are included).
        public var resumedSegments: Int
        public var failures: [ItemFailure]
        public var dryRun: Bool
    }

    /// Where a run is, after each page: counts so far (including pages an interrupted run did) and
    /// the table's approximate size.
    public struct Progress: Sendable {
        public var table: String
        public var counts: Counts
        public var approximateTotal: Int64
        public var finishedSegments: Int
        public var segments: Int
    }

    public func run(table: String, kind: Kind, options: Options = Options(),
                    progress: @escaping @Sendable (Progress) -> Void = { _ in }) async throws -> Summary {
        guard (1...1_000_000).contains(options.segments) else { throw ChatStoreError.invalid("segments must be 1–1,000,000 (got \(options.segments))") }
        guard (1...1000).contains(options.pageSize) else { throw ChatStoreError.invalid("the page size must be 1–1000 (got \(options.pageSize))") }
        // The table's size is only for the progress line, but a DynamoDB that cannot be reached or
        // refuses the credentials stops the sync here, in its first second, naming why.
        let total: Int64
        do {
            total = try await dynamoDB.approximateItemCount(table: table)
        } catch let failure as DynamoDBClient.Failure where failure.stopsEverything || failure.code == "ResourceNotFoundException" {
            throw failure
        } catch {
            total = 0
        }
        let saved = options.dryRun ? [:] : try await checkpoints(table: table, segments: options.segments)
        let tally = Tally(table: table, segments: options.segments, approximateTotal: total, report: progress)
        for checkpoint in saved.values { await tally.add(checkpoint.counts, finished: checkpoint.finished) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for segment in 0..<options.segments {
                let checkpoint = saved[segment]
                if checkpoint?.finished == true { continue }
                group.addTask {
                    try await scan(table: table, kind: kind, segment: segment, from: checkpoint, options: options, tally: tally)
                }
            }
            try await group.waitForAll()
        }
        var counts = await tally.counts
        if options.removeMissing {
            counts.removed = try await sweep(table: table, kind: kind, seen: await tally.seen, dryRun: options.dryRun)
        }
        return Summary(table: table, kind: kind, counts: counts, resumedSegments: saved.count, failures: await tally.failures, dryRun: options.dryRun)
    }

    struct Checkpoint: Sendable {
        var resumeKey: DynamoDBClient.Item?
        var finished: Bool
        var counts: Counts
    }

    /// The saved checkpoints of an unfinished run of `segments` segments over `table`; none (and the
    /// old ones deleted) when the last run finished, so this run starts over.
    func checkpoints(table: String, segments: Int) async throws -> [Int: Checkpoint] {
        let rows = try await executor.execute(SQLStatement("""
            SELECT \(Checkpoints.segment), \(Checkpoints.resumeKey)::text, \(Checkpoints.finished), \(Checkpoints.scanned), \(Checkpoints.indexed),
                   \(Checkpoints.skipped), \(Checkpoints.failed)
              FROM \(Checkpoints.table) WHERE \(Checkpoints.sourceTable) = :table AND \(Checkpoints.totalSegments) = CAST(:segments AS integer)
            """, ["table": .text(table), "segments": .int(Int64(segments))])).rows.map { ResultRow($0, "sync checkpoint") }
        var saved: [Int: Checkpoint] = [:]
        for row in rows {
            var counts = Counts()
            counts.scanned = try row.int(3, Checkpoints.scanned)
            counts.indexed = try row.int(4, Checkpoints.indexed)
            counts.skipped = try row.int(5, Checkpoints.skipped)
            counts.failed = try row.int(6, Checkpoints.failed)
            let key = try row.optionalText(1, Checkpoints.resumeKey).map { try JSONDecoder().decode(DynamoDBClient.Item.self, from: Data($0.utf8)) }
            saved[Int(try row.int(0, Checkpoints.segment))] = Checkpoint(resumeKey: key, finished: try row.bool(2, Checkpoints.finished), counts: counts)
        }
        if saved.count == segments, saved.values.allSatisfy(\.finished) {
            _ = try await executor.execute(SQLStatement(
                "DELETE FROM \(Checkpoints.table) WHERE \(Checkpoints.sourceTable) = :table AND \(Checkpoints.totalSegments) = CAST(:segments AS integer)",
                ["table": .text(table), "segments": .int(Int64(segments))]))
            return [:]
        }
        return saved
    }

    private func scan(table: String, kind: Kind, segment: Int, from checkpoint: Checkpoint?, options: Options, tally: Tally) async throws {
        var start = checkpoint?.resumeKey
        var counts = checkpoint?.counts ?? Counts()
        repeat {
            try Task.checkCancellation()
            let read = Date()
            let page = try await dynamoDB.scan(table: table, segment: segment, of: options.segments, from: start, limit: options.pageSize)
            await tally.saw(page.items)
            let pageCounts = try await index(page.items, kind: kind, observed: read, options: options, tally: tally)
            counts = counts + pageCounts
            start = page.lastEvaluatedKey
            if !options.dryRun {
                try await save(table: table, segment: segment, of: options.segments, resumeKey: start, counts: counts)
            }
            await tally.add(pageCounts, finished: start == nil)
        } while start != nil
    }

    private func save(table: String, segment: Int, of segments: Int, resumeKey: DynamoDBClient.Item?, counts: Counts) async throws {
        let key = try resumeKey.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        _ = try await executor.execute(SQLStatement("""
            INSERT INTO \(Checkpoints.table) (\(Checkpoints.sourceTable), \(Checkpoints.totalSegments), \(Checkpoints.segment), \(Checkpoints.resumeKey),
                        \(Checkpoints.finished), \(Checkpoints.scanned), \(Checkpoints.indexed), \(Checkpoints.skipped), \(Checkpoints.failed), \(Checkpoints.updatedAt))
            VALUES (:table, CAST(:segments AS integer), CAST(:segment AS integer), CAST(:key AS jsonb), CAST(:finished AS boolean),
                    CAST(:scanned AS bigint), CAST(:indexed AS bigint), CAST(:skipped AS bigint), CAST(:failed AS bigint), now())
            ON CONFLICT (\(Checkpoints.sourceTable), \(Checkpoints.totalSegments), \(Checkpoints.segment)) DO UPDATE SET
              \([Checkpoints.resumeKey, Checkpoints.finished, Checkpoints.scanned, Checkpoints.indexed, Checkpoints.skipped, Checkpoints.failed]
                  .map { "\($0) = EXCLUDED.\($0)" }.joined(separator: ", ")), \(Checkpoints.updatedAt) = now()
            """, [
                "table": .text(table), "segments": .int(Int64(segments)), "segment": .int(Int64(segment)), "key": key.map { .text($0) } ?? .null,
                "finished": .bool(resumeKey == nil), "scanned": .int(counts.scanned), "indexed": .int(counts.indexed),
                "skipped": .int(counts.skipped), "failed": .int(counts.failed),
            ]))
    }

    /// One page's items, `concurrency` at a time.
    private func index(_ items: [DynamoDBClient.Item], kind: Kind, observed: Date, options: Options, tally: Tally) async throws -> Counts {
        try await withThrowingTaskGroup(of: (Outcome, ItemFailure?).self) { group in
            var counts = Counts()
            var next = items.makeIterator()
            func collect(_ result: (Outcome, ItemFailure?)) async {
                counts.scanned += 1
                switch result.0 {
                case .indexed: counts.indexed += 1
                case .unchanged: counts.unchanged += 1
                case .skipped: counts.skipped += 1
                case .failed: counts.failed += 1
                }
                if let failure = result.1 { await tally.record(failure) }
            }
            for _ in 0..<options.concurrency {
                guard let item = next.next() else { break }
                group.addTask { try await self.index(item, kind: kind, observed: observed, dryRun: options.dryRun) }
            }
            while let result = try await group.next() {
                await collect(result)
                if let item = next.next() { group.addTask { try await self.index(item, kind: kind, observed: observed, dryRun: options.dryRun) } }
            }
            return counts
        }
    }

    enum Outcome {
        case indexed, unchanged, skipped, failed
    }

    /// One item. What is wrong with the item itself (unreadable, refused by validation, a large
    /// message that is missing) is a failure counted against it; anything else (the database or
    /// DynamoDB unavailable) stops the run, to be resumed.
    private func index(_ item: DynamoDBClient.Item, kind: Kind, observed: Date, dryRun: Bool) async throws -> (Outcome, ItemFailure?) {
        let written: BotIndex.Outcome
        switch kind {
        case .bots:
            switch BotItem.read(item) {
            case .skipped: return (.skipped, nil)
            case .unreadable(let keys, let problem): return (.failed, ItemFailure(keys: keys, problem: problem))
            case .bot(let bot):
                if dryRun { return (.indexed, nil) }
                do {
                    written = try await bots.apply(bot, observed: observed)
                } catch let error as ChatStoreError {
                    return (.failed, ItemFailure(keys: "PK=\(bot.ownerId) SK=BOT#\(bot.botId)", problem: error.description))
                }
            }
        case .conversations:
            switch ConversationItem.read(item) {
            case .skipped: return (.skipped, nil)
            case .unreadable(let keys, let problem): return (.failed, ItemFailure(keys: keys, problem: problem))
            case .conversation(let conversation):
                let keys = "PK=\(conversation.userId) SK=\(conversation.userId)#CONV#\(conversation.conversationId)"
                do {
                    let text = try await conversation.messageText(largeMessages)
                    if dryRun { return (.indexed, nil) }
                    written = try await conversations.apply(conversation, text: text, observed: observed)
                } catch let error as ChatStoreError {
                    return (.failed, ItemFailure(keys: keys, problem: error.description))
                } catch let problem as ItemAttributes.Problem {
                    return (.failed, ItemFailure(keys: keys, problem: problem.description))
                } catch let failure as S3Client.Failure where failure.code == "NoSuchKey" {
                    return (.failed, ItemFailure(keys: keys, problem: failure.description))
                }
            }
        }
        return (written == .unchanged ? .unchanged : .indexed, nil)
    }

}

/// Counts across segments, reported after each page.
private actor Tally {
    let table: String
    let segments: Int
    let approximateTotal: Int64
    let report: @Sendable (Backfill.Progress) -> Void
    var counts = Backfill.Counts()
    var finishedSegments = 0
    /// The first 100 failures, with keys; the count has them all.
    var failures: [Backfill.ItemFailure] = []
    /// The keys of every item this process scanned, for the sweep.
    var seen: Set<Backfill.SourceKey> = []

    init(table: String, segments: Int, approximateTotal: Int64, report: @escaping @Sendable (Backfill.Progress) -> Void) {
        self.table = table
        self.segments = segments
        self.approximateTotal = approximateTotal
        self.report = report
    }

    func add(_ more: Backfill.Counts, finished: Bool) {
        counts = counts + more
        if finished { finishedSegments += 1 }
        report(Backfill.Progress(table: table, counts: counts, approximateTotal: approximateTotal, finishedSegments: finishedSegments, segments: segments))
    }

    func record(_ failure: Backfill.ItemFailure) {
        if failures.count < 100 { failures.append(failure) }
    }

    func saw(_ items: [DynamoDBClient.Item]) {
        for item in items {
            if let key = Backfill.SourceKey(item) { seen.insert(key) }
        }
    }
}
