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
}
