import AWSServices
import AWSSigV4
import ChatRuntime
import Foundation
import Testing
import TestSupport

/// The backfill against moto's DynamoDB and S3, on Bedrock Chat's items (`BedrockChatFixture`):
/// an interrupted run resumes from its checkpoints and indexes exactly the bots and conversations;
/// the next run, through the `chat-store sync` command, changes nothing and reports the items it
/// cannot read by their keys.
@Suite(.serialized, .timeLimit(.minutes(8))) struct BackfillTests {
    typealias Fixture = BedrockChatFixture
    static let credentials = AWSCredentials(accessKeyId: "testing", secretAccessKey: "testing")

    /// Cancels a run once it has scanned `after` items.
    final class Interrupter: @unchecked Sendable {
        let after: Int64
        private let lock = NSLock()
        private var task: Task<Backfill.Summary, any Error>?
        private var fired = false
        init(after: Int64) { self.after = after }

        func watch(_ task: Task<Backfill.Summary, any Error>) {
            lock.withLock {
                self.task = task
                if fired { task.cancel() }
            }
        }

        func progress(_ progress: Backfill.Progress) {
            guard progress.counts.scanned >= after else { return }
            lock.withLock {
                fired = true
                task?.cancel()
            }
        }
    }

    static func snapshot(_ harness: Harness) throws -> String {
        try harness.database.run("""
            SELECT (SELECT md5(string_agg(b::text, '|' ORDER BY bot_id)) FROM bot_vectors b),
                   (SELECT md5(string_agg(c::text, '|' ORDER BY user_id, conversation_id)) FROM synced_conversations c)
            """)
    }

    @Test func anInterruptedBackfillResumesAndASecondRunChangesNothing() async throws {
        let moto = try await MotoServer.start()
        defer { moto.stop() }
        let conversations = Fixture.conversationItems()
        try MotoServer.seed(moto, tables: [Fixture.botsTable: Fixture.botItems(), Fixture.conversationsTable: conversations.items],
                            objects: conversations.objects.map { .init(bucket: Fixture.bucket, key: $0.key, body: $0.body) })
        let harness = try await Harness.make(.postgres)
        defer { harness.close() }
        let backfill = try Backfill(
            dynamoDB: DynamoDBClient(region: "us-east-1", credentials: Self.credentials, endpoint: moto.url), database: harness.chat,
            largeMessages: LargeMessageBucket(s3: S3Client(region: "us-east-1", credentials: Self.credentials, endpoint: moto.url), bucket: Fixture.bucket))
        let options = Backfill.Options(segments: 4, pageSize: 40)

        // Interrupted part-way through the bots.
        let interrupter = Interrupter(after: 400)
        let interrupted = Task { try await backfill.run(table: Fixture.botsTable, kind: .bots, options: options, progress: interrupter.progress) }
        interrupter.watch(interrupted)
        await #expect(throws: (any Error).self) { _ = try await interrupted.value }
        let partial = try harness.database.run("SELECT count(*) FILTER (WHERE finished), count(*), coalesce(sum(scanned), 0) FROM sync_checkpoints")
        let saved = partial.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "|").compactMap { Int($0) }
        #expect(saved.count == 3 && saved[0] < 4 && saved[1] > 0 && saved[2] >= 400 && saved[2] < 1002, "checkpoints of an unfinished run: \(partial)")

        // Resumed: the counts carry over, and exactly the bots are indexed.
        let bots = try await backfill.run(table: Fixture.botsTable, kind: .bots, options: options)
        #expect(bots.resumedSegments > 0)
        #expect(bots.counts.scanned == 1002 && bots.counts.skipped == Int64(Fixture.aliasCount) && bots.counts.failed == 2, "\(bots.counts)")
        #expect(bots.counts.indexed + bots.counts.unchanged == Int64(Fixture.botCount), "a page redone after the interruption finds its rows written")
        #expect(Set(bots.failures.map(\.keys)) == ["PK=sub-bad SK=BOT#01J0BADTITLE", "PK=sub-bad SK=BOT#01J0BADSCOPE"])
        #expect(bots.failures.contains { $0.problem == "Title is a number, not a string" })
        let indexedBots = try harness.database.run("SELECT bot_id FROM bot_vectors ORDER BY bot_id").split(separator: "\n").map(String.init)
        #expect(indexedBots == (0..<Fixture.botCount).map(Fixture.botId), "exactly the bots, each once")

        let conversationSummary = try await backfill.run(table: Fixture.conversationsTable, kind: .conversations, options: options)
        let expectedConversations = Int64(Fixture.conversationCount + Fixture.largeConversationCount)
        #expect(conversationSummary.counts.indexed == expectedConversations && conversationSummary.counts.skipped == Int64(Fixture.relatedDocumentCount)
                && conversationSummary.counts.failed == 0 && conversationSummary.resumedSegments == 0, "\(conversationSummary.counts)")

        // What landed: sharing, hostile and Vietnamese text, and message text from the item and from S3.
        for index in [0, 1, 2, 3, 4, 9, 12, 14] {
            let row = try harness.database.run("SELECT visibility, title FROM bot_vectors WHERE bot_id = '\(Fixture.botId(index))'")
            #expect(row.trimmingCharacters(in: .newlines) == "\(Fixture.visibility(index))|\(Fixture.storedTitle(index))", "bot \(index): \(row)")
        }
        let body = try harness.database.run("SELECT body FROM synced_conversations WHERE conversation_id = '\(Fixture.conversationId(2))'")
        #expect(body.contains("Tell me about Hội An lanterns (2)") && body.contains("Here is what I know about Hội An lanterns."))
        #expect(!body.contains("SYSTEMPROMPT") && !body.contains("SU1BR0VE") && !body.contains("TOOLINPUT"), "only text bodies of user and assistant messages")
        let large = try harness.database.run("SELECT body FROM synced_conversations WHERE conversation_id = '\(Fixture.conversationId(Fixture.conversationCount))'")
        #expect(large.contains("the lantern festival of Hội An"), "a large message map is read from S3: \(large)")
        let times = try harness.database.run("SELECT extract(epoch FROM last_message_at)::bigint FROM synced_conversations WHERE conversation_id IN ('\(Fixture.conversationId(9))', '\(Fixture.conversationId(10))') ORDER BY conversation_id")
        #expect(times.split(separator: "\n") == ["1700000200", "1700000300"], "LastUpdateTime, else the newest message: \(times)")

        // A second full run, through the command: nothing changes.
        let before = try Self.snapshot(harness)
        let environment = [
            "MEMORY_BACKEND_TYPE": "postgres", "DATABASE_URL": harness.database.url, "DB_NAME": harness.database.name, "AWS_REGION": "us-east-1",
            "DB_CLUSTER_ARN": "arn:aws:rds:us-east-1:000000000000:cluster:local", "DB_SECRET_ARN": "arn:aws:secretsmanager:us-east-1:000000000000:secret:local",
            "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_ENDPOINT_URL_DYNAMODB": moto.url, "AWS_ENDPOINT_URL_S3": moto.url,
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
        ]
        let run = try runProgram(TestPostgres.repositoryRoot.appendingPathComponent(".build/debug/chat-store"),
                                 ["sync", "--bots-table", Fixture.botsTable, "--conversations-table", Fixture.conversationsTable,
                                  "--large-message-bucket", Fixture.bucket, "--segments", "3"], environment: environment)
        #expect(run.status == 1, "two bot items cannot be read: \(run.output)")
        #expect(run.output.contains("BotTableV3: scanned 1002, indexed 0, unchanged 900, skipped 100, failed 2"), "\(run.output)")
        #expect(run.output.contains("ConversationTableV3: scanned 998, indexed 0, unchanged 903, skipped 95, failed 0"), "\(run.output)")
        #expect(run.output.contains("failed PK=sub-bad SK=BOT#01J0BADSCOPE: SharedScope everyone is neither partial nor all"))
        #expect(run.output.contains("sync BotTableV3: scanned"), "plain progress lines when standard error is no terminal")
        #expect(try Self.snapshot(harness) == before, "a second run writes nothing")
    }

    @Test func aDryRunWritesNothingAndALargeMessageWithoutItsBucketIsReported() async throws {
        let moto = try await MotoServer.start()
        defer { moto.stop() }
        let conversations = Fixture.conversationItems()
        try MotoServer.seed(moto, tables: [Fixture.conversationsTable: conversations.items])
        let harness = try await Harness.make(.postgres)
        defer { harness.close() }
        let backfill = try Backfill(dynamoDB: DynamoDBClient(region: "us-east-1", credentials: Self.credentials, endpoint: moto.url),
                                    database: harness.chat, largeMessages: nil)
        let dry = try await backfill.run(table: Fixture.conversationsTable, kind: .conversations, options: .init(segments: 2, dryRun: true))
        #expect(dry.counts.indexed == Int64(Fixture.conversationCount) && dry.counts.failed == Int64(Fixture.largeConversationCount))
        #expect(dry.failures.first?.problem.contains("give the large-message bucket (LARGE_MESSAGE_BUCKET)") == true, "\(dry.failures)")
        #expect(try harness.database.run("SELECT (SELECT count(*) FROM synced_conversations) + (SELECT count(*) FROM sync_checkpoints)")
            .trimmingCharacters(in: .whitespacesAndNewlines) == "0")
    }

    /// A backfill reconciles: a bot or conversation deleted in the source while the stream was away is
    /// removed by the next run (a dry run counts it first), and its tombstone keeps a stream record
    /// from before the sweep (one redriven from the dead-letter queue) from bringing it back, while a
    /// newer one re-creates it; `--keep-missing` (`removeMissing: false`) keeps what is gone.
    @Test func aBackfillRemovesWhatTheSourceNoLongerHas() async throws {
        let moto = try await MotoServer.start()
        defer { moto.stop() }
        let conversations = Fixture.conversationItems()
        let bots = (0..<60).map(Fixture.bot)
        let someConversations = Array(conversations.items.prefix(40))
        try MotoServer.seed(moto, tables: [Fixture.botsTable: bots, Fixture.conversationsTable: someConversations])
        let harness = try await Harness.make(.postgres)
        defer { harness.close() }
        let backfill = try Backfill(dynamoDB: DynamoDBClient(region: "us-east-1", credentials: Self.credentials, endpoint: moto.url),
                                    database: harness.chat, largeMessages: nil)
        let options = Backfill.Options(segments: 2, pageSize: 25)
        func count(_ sql: String) throws -> String { try harness.database.run(sql).trimmingCharacters(in: .whitespacesAndNewlines) }
        #expect(try await backfill.run(table: Fixture.botsTable, kind: .bots, options: options).counts.indexed == 60)
        let synced = try await backfill.run(table: Fixture.conversationsTable, kind: .conversations, options: options)
        #expect(synced.counts.indexed > 0 && synced.counts.removed == 0, "\(synced.counts)")
        let conversationKey = try #require(someConversations.first { ConversationItem.read($0).isConversation }).sourceKey
        let conversationId = String(try #require(conversationKey["SK"]?.string).split(separator: "#").last ?? "")

        // Deleted in the source while the stream was away.
        try MotoServer.seed(moto, tables: [:], deletions: [Fixture.botsTable: [Fixture.bot(3).sourceKey, Fixture.bot(7).sourceKey],
                                                            Fixture.conversationsTable: [conversationKey]])
        let dry = try await backfill.run(table: Fixture.botsTable, kind: .bots, options: .init(segments: 2, pageSize: 25, dryRun: true))
        let botRows = try count("SELECT count(*) FROM bot_vectors")
        #expect(dry.counts.removed == 2 && botRows == "60", "a dry run counts, removes nothing: \(dry.counts), \(botRows) rows")
        let reconciled = try await backfill.run(table: Fixture.botsTable, kind: .bots, options: options)
        #expect(reconciled.counts.removed == 2 && reconciled.counts.unchanged == 58, "\(reconciled.counts)")
        #expect(try count("SELECT string_agg(bot_id, ',') FROM bot_vectors WHERE bot_id IN ('\(Fixture.botId(3))', '\(Fixture.botId(7))')").isEmpty)
        #expect(try count("SELECT count(*) FROM sync_tombstones WHERE kind = 'bot' AND source_sequence IS NULL") == "2")
        let conversationsAgain = try await backfill.run(table: Fixture.conversationsTable, kind: .conversations, options: options)
        #expect(conversationsAgain.counts.removed == 1, "\(conversationsAgain.counts)")
        #expect(try count("SELECT count(*) FROM synced_conversations WHERE conversation_id = '\(conversationId)'") == "0")

        // A record made before the sweep, delivered after it, changes nothing; a newer one re-creates the bot.
        let sync = try StreamSync(database: harness.chat, largeMessages: nil, log: { _ in })
        func deliver(_ records: [String]) async throws -> StreamSync.Response {
            await sync.handle(try JSONDecoder().decode(StreamSync.Event.self, from: Data(StreamSyncTests.event(records).utf8)))
        }
        let now = Int(Date().timeIntervalSince1970)
        #expect(try await deliver([StreamSyncTests.record("MODIFY", Fixture.bot(3), sequence: 900, created: now - 600)]).batchItemFailures.isEmpty)
        #expect(try count("SELECT count(*) FROM bot_vectors WHERE bot_id = '\(Fixture.botId(3))'") == "0", "an older record does not bring it back")
        _ = try await deliver([StreamSyncTests.record("INSERT", Fixture.bot(7), sequence: 901, created: now + 5)])
        #expect(try count("SELECT count(*) FROM bot_vectors WHERE bot_id = '\(Fixture.botId(7))'") == "1", "created again after the sweep")
        // The stream's own tombstones hold the same way: a REMOVE, then an older INSERT.
        _ = try await deliver([StreamSyncTests.record("REMOVE", Fixture.bot(7), sequence: 950, created: now + 6),
                               StreamSyncTests.record("INSERT", Fixture.bot(7), sequence: 940, created: now + 6)])
        #expect(try count("SELECT count(*) FROM bot_vectors WHERE bot_id = '\(Fixture.botId(7))'") == "0", "an older INSERT after a REMOVE")

        // A partial source: nothing is removed.
        try MotoServer.seed(moto, tables: [:], deletions: [Fixture.botsTable: [Fixture.bot(11).sourceKey]])
        let kept = try await backfill.run(table: Fixture.botsTable, kind: .bots, options: .init(segments: 2, pageSize: 25, removeMissing: false))
        let keptRows = try count("SELECT count(*) FROM bot_vectors WHERE bot_id = '\(Fixture.botId(11))'")
        #expect(kept.counts.removed == 0 && keptRows == "1", "\(kept.counts)")
    }
}

extension DynamoDBClient.Item {
    /// The item's key in Bedrock Chat's tables.
    var sourceKey: DynamoDBClient.Item { ["PK": self["PK"] ?? .null, "SK": self["SK"] ?? .null] }
}

extension ConversationItem.Reading {
    var isConversation: Bool {
        if case .conversation = self { return true }
        return false
    }
}
