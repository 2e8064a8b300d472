import AWSServices
import Foundation

/// Applies Bedrock Chat's DynamoDB stream records (view type `NEW_IMAGE`) to the search tables:
/// `INSERT` and `MODIFY` write the new image through `BotIndex` or `ConversationIndex` (a bot is
/// embedded again only when its title or description changed), `REMOVE` (which carries only the
/// keys) deletes. Which table a record is from shows in its sort key: `BOT#…` and `ALIAS#…` in the
/// bot table, `<user>#CONV#…` and `<user>#RELATED_DOCUMENT#…` in the conversation table.
///
/// Records are applied in order, each with its sequence number, so a record older than what is
/// stored changes nothing (`SyncOrder`). A record that fails (an item that cannot be read, a large
/// message map that is missing, a database error) is reported in `batchItemFailures` and the
/// others are still applied, so one bad record does not hold up its shard: Lambda retries from it,
/// splits the batch, and finally sends it to the on-failure destination.
public struct StreamSync: Sendable {
    let bots: BotIndex
    let conversations: ConversationIndex
    let largeMessages: LargeMessageBucket?
    let log: @Sendable (String) -> Void

    public init(database: ChatDatabase, largeMessages: LargeMessageBucket?, log: @escaping @Sendable (String) -> Void) throws {
        bots = try BotIndex(executor: database.executor, embedder: database.search.embedder)
        conversations = ConversationIndex(executor: database.executor)
        self.largeMessages = largeMessages
        self.log = log
    }

    /// The event Lambda sends for a DynamoDB stream.
    public struct Event: Decodable, Sendable {
        public var Records: [Record]
    }

    public struct Record: Decodable, Sendable {
        public var eventID: String?
        public var eventName: String
        public var eventSource: String?
        public var eventSourceARN: String?
        public var dynamodb: Change
    }

    public struct Change: Decodable, Sendable {
        public var Keys: DynamoDBClient.Item
        public var NewImage: DynamoDBClient.Item?
        public var SequenceNumber: String
        /// When the change was made, in epoch seconds (to the second).
        public var ApproximateCreationDateTime: Double?

        /// Ordered against a backfill's removals by when the change was made; now, if the record lacks the time.
        var observed: Date { ApproximateCreationDateTime.map(Date.init(timeIntervalSince1970:)) ?? Date() }
    }

    /// Lambda's partial batch response: the sequence numbers of the records that failed.
    public struct Response: Codable, Sendable, Equatable {
        public struct ItemFailure: Codable, Sendable, Equatable {
            public var itemIdentifier: String
        }
        public var batchItemFailures: [ItemFailure]
    }

    public func handle(_ event: Event) async -> Response {
        var failures: [Response.ItemFailure] = []
        var counts: [String: Int] = [:]
        for record in event.Records {
            do {
                let outcome = try await apply(record)
                counts[outcome, default: 0] += 1
            } catch {
                failures.append(.init(itemIdentifier: record.dynamodb.SequenceNumber))
                counts["failed", default: 0] += 1
                let keys = "PK=\(record.dynamodb.Keys["PK"]?.string ?? "?") SK=\(record.dynamodb.Keys["SK"]?.string ?? "?")"
                log("stream record \(record.dynamodb.SequenceNumber) (\(record.eventName) \(keys)) failed: \(error)")
            }
        }
        let fields = [#""streamRecords":\#(event.Records.count)"#] + counts.sorted { $0.key < $1.key }.map { #""\#($0.key)":\#($0.value)"# }
        log("{" + fields.joined(separator: ",") + "}")
        return Response(batchItemFailures: failures)
    }

    struct Unusable: Error, CustomStringConvertible {
        var description: String
    }

    /// One record; what happened, for the log line (`inserted`, `updated`, `removed`, `unchanged`, `skipped`).
    func apply(_ record: Record) async throws -> String {
        let change = record.dynamodb
        guard let owner = change.Keys["PK"]?.string, let sortKey = change.Keys["SK"]?.string else {
            throw Unusable(description: "its keys are not PK and SK strings")
        }
        let sequence = change.SequenceNumber
        switch record.eventName {
        case "REMOVE":
            if sortKey.hasPrefix("BOT#") {
                return try await bots.remove(ownerId: owner, botId: String(sortKey.dropFirst(4)), sequence: sequence).rawValue
            }
            let conversationPrefix = "\(owner)#CONV#"
            if sortKey.hasPrefix(conversationPrefix) {
                return try await conversations.remove(userId: owner, conversationId: String(sortKey.dropFirst(conversationPrefix.count)),
                                                      sequence: sequence).rawValue
            }
            return "skipped"
        case "INSERT", "MODIFY":
            guard let image = change.NewImage else {
                throw Unusable(description: "\(record.eventName) without NewImage: the stream's view type must be NEW_IMAGE or NEW_AND_OLD_IMAGES")
            }
            if sortKey.hasPrefix("BOT#") || sortKey.hasPrefix("ALIAS#") {
                switch BotItem.read(image) {
                case .bot(let bot): return try await bots.apply(bot, sequence: sequence, observed: change.observed).rawValue
                case .skipped: return "skipped"
                case .unreadable(_, let problem): throw Unusable(description: problem)
                }
            }
            switch ConversationItem.read(image) {
            case .conversation(let conversation):
                return try await conversations.apply(conversation, text: try await conversation.messageText(largeMessages), sequence: sequence,
                                                     observed: change.observed).rawValue
            case .skipped: return "skipped"
            case .unreadable(_, let problem): throw Unusable(description: problem)
            }
        default:
            throw Unusable(description: "eventName \(record.eventName) is none of INSERT, MODIFY, REMOVE")
        }
    }
}
