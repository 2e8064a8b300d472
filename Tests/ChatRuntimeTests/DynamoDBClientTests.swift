import AWSServices
import AWSSigV4
import Foundation
import Testing
import TestSupport

/// The DynamoDB client against moto's server: parallel-segment scans with paging read every item
/// exactly once and decode every attribute type; GetItem; errors DynamoDB answers; and throttling,
/// retried with backoff, from a server that throttles on purpose.
@Suite(.serialized, .timeLimit(.minutes(3))) struct DynamoDBClientTests {
    static let credentials = AWSCredentials(accessKeyId: "testing", secretAccessKey: "testing")

    /// Items shaped like Bedrock Chat's bot table: bots, aliases, NULLs, lists, maps, numbers, Vietnamese text.
    static func items(_ count: Int) -> [DynamoDBClient.Item] {
        (0..<count).map { index in
            var item: DynamoDBClient.Item = [
                "PK": .string("user-\(index % 9)"), "SK": .string(index % 10 == 0 ? "ALIAS#bot-\(index)" : "BOT#bot-\(index)"),
                "Title": .string(index % 3 == 0 ? "Hướng dẫn Hội An \(index)" : "Bot \(index)"),
                "CreateTime": .number(String(1_700_000_000_000 + index)),
                "UsageStats": .map(["usage_count": .number(String(index * 3))]),
                "AllowedCognitoUsers": .list([.string("u-\(index)"), .string("u-\(index + 1)")]),
                "IsStarred": index % 2 == 0 ? .string("TRUE") : .null,
                "Flags": .stringSet(["a", "b"]),
                "Pinned": .bool(index % 5 == 0),
            ]
            if index % 7 == 0 { item["SharedScope"] = .null }
            return item
        }
    }

    @Test func aParallelScanWithPagingReadsEveryItemOnceWithEveryType() async throws {
        let moto = try await MotoServer.start()
        defer { moto.stop() }
        let items = Self.items(230)
        try MotoServer.seed(moto, tables: ["BotTableV3": items])
        let client = DynamoDBClient(region: "us-east-1", credentials: Self.credentials, endpoint: moto.url)

        var read: [DynamoDBClient.Item] = []
        var pages = 0
        for segment in 0..<4 {
            var start: DynamoDBClient.Item?
            repeat {
                let page = try await client.scan(table: "BotTableV3", segment: segment, of: 4, from: start, limit: 25)
                read += page.items
                start = page.lastEvaluatedKey
                pages += 1
            } while start != nil
        }
        #expect(pages > 4 + 230 / 25 - 1, "every segment pages: \(pages) pages")
        let key = { (item: DynamoDBClient.Item) in "\(item["PK"]?.string ?? "")|\(item["SK"]?.string ?? "")" }
        #expect(read.count == 230 && Set(read.map(key)).count == 230, "each item exactly once")
        let byKey = Dictionary(uniqueKeysWithValues: read.map { (key($0), $0) })
        for item in items { #expect(byKey[key(item)] == item, "\(key(item)) reads back as written") }

        let bot = try #require(try await client.getItem(table: "BotTableV3", key: ["PK": .string("user-3"), "SK": .string("BOT#bot-3")]))
        #expect(bot["Title"]?.string == "Hướng dẫn Hội An 3" && bot["AllowedCognitoUsers"]?.strings == ["u-3", "u-4"])
        #expect(bot["UsageStats"] == .map(["usage_count": .number("9")]) && bot["CreateTime"]?.integer == 1_700_000_000_003)
        #expect(try await client.getItem(table: "BotTableV3", key: ["PK": .string("nobody"), "SK": .string("BOT#none")]) == nil)

        await #expect(throws: DynamoDBClient.Failure.self) { _ = try await client.scan(table: "NoSuchTable") }
        do {
            _ = try await client.scan(table: "NoSuchTable")
        } catch let failure as DynamoDBClient.Failure {
            #expect(failure.code == "ResourceNotFoundException", "\(failure)")
        }
    }

    @Test func throttlingIsRetriedWithBackoffAndOtherErrorsAreNot() async throws {
        let server = try await RecordingServer.start()
        defer { Task { await server.stop() } }
        let throttled = RecordingServer.Answer(status: 400, body: #"{"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException","message":"slow down"}"#)
        let client = DynamoDBClient(region: "us-east-1", credentials: Self.credentials, endpoint: server.url,
                                    retry: .init(attempts: 5, base: .milliseconds(5), cap: .milliseconds(20)))
        await server.answerNext([throttled, throttled, .init(status: 500, body: ""), .init(status: 200, body: #"{"Items":[{"PK":{"S":"a"}}]}"#)])
        let page = try await client.scan(table: "T")
        #expect(page.items == [["PK": .string("a")]] && page.lastEvaluatedKey == nil)
        let requests = await server.requests
        #expect(requests.count == 4 && requests.allSatisfy { $0.headers["x-amz-target"] == "DynamoDB_20120810.Scan" })
        #expect(requests.allSatisfy { $0.headers["authorization"]?.contains("/us-east-1/dynamodb/aws4_request") == true })

        // Throttled past the attempts: the last code, and how many tries.
        await server.answerNext(Array(repeating: throttled, count: 5))
        do {
            _ = try await client.scan(table: "T")
            Issue.record("a call throttled five times succeeded")
        } catch let failure as DynamoDBClient.Failure {
            #expect(failure.code == "ProvisionedThroughputExceededException" && failure.message.contains("after 5 attempts"))
        }
        // A validation error is final at once.
        await server.answerNext([.init(status: 400, body: #"{"__type":"com.amazon.coral.validate#ValidationException","message":"bad key"}"#)])
        let before = await server.requests.count
        await #expect(throws: DynamoDBClient.Failure(code: "ValidationException", message: "bad key")) {
            _ = try await client.getItem(table: "T", key: ["PK": .string("a")])
        }
        #expect(await server.requests.count == before + 1)
    }
}
