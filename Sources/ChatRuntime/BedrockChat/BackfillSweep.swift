import AWSServices
import Foundation

/// The reconciling half of a backfill: after a complete scan, the search rows whose items are gone.
extension Backfill {
    /// An item's key in Bedrock Chat's tables.
    struct SourceKey: Hashable, Sendable {
        var partition: String
        var sort: String

        var item: DynamoDBClient.Item { ["PK": .string(partition), "SK": .string(sort)] }
    }

    /// A search row as the sweep lists it: its source key, and `updated_at` to remove it only unchanged.
    struct ListedRow {
        var owner: String
        var id: String
        var updatedAt: String
    }

    /// Removes the rows of `kind` whose items a consistent read of `table` no longer finds, among
    /// those whose keys are not in `seen` (the items this process scanned: most rows are, and cost no
    /// read). A row written while the scan ran has its item in the source and stays; one changed
    /// between the read and the removal is left alone. Returns the number removed (on a dry run,
    /// that would be).
    func sweep(table: String, kind: Kind, seen: Set<SourceKey>, dryRun: Bool) async throws -> Int64 {
        var removed: Int64 = 0
        var after: ListedRow?
        while true {
            try Task.checkCancellation()
            let rows = try await listRows(kind, after: after)
            guard let last = rows.last else { return removed }
            for row in rows {
                let key = SourceKey(partition: row.owner, sort: kind == .bots ? "BOT#\(row.id)" : "\(row.owner)#CONV#\(row.id)")
                guard !seen.contains(key) else { continue }
                let looked = Date()
                guard try await dynamoDB.getItem(table: table, key: key.item, consistentRead: true) == nil else { continue }
                if dryRun {
                    removed += 1
                    continue
                }
                let outcome = switch kind {
                case .bots: try await bots.removeMissing(ownerId: row.owner, botId: row.id, listed: row.updatedAt, observed: looked)
                case .conversations: try await conversations.removeMissing(userId: row.owner, conversationId: row.id, listed: row.updatedAt, observed: looked)
                }
                if outcome == .removed { removed += 1 }
            }
            after = last
        }
    }

    /// The next 500 rows of `kind` after `after`, in key order.
    private func listRows(_ kind: Kind, after: ListedRow?) async throws -> [ListedRow] {
        typealias Bots = ChatContract.BotVectors
        typealias Conversations = ChatContract.SyncedConversations
        let statement = switch kind {
        case .bots:
            SQLStatement("""
                SELECT \(Bots.ownerId), \(Bots.botId), \(Bots.updatedAt)::text FROM \(Bots.table)
                 WHERE \(Bots.botId) > :after ORDER BY \(Bots.botId) LIMIT 500
                """, ["after": .text(after?.id ?? "")])
        case .conversations:
            SQLStatement("""
                SELECT \(Conversations.userId), \(Conversations.conversationId), \(Conversations.updatedAt)::text FROM \(Conversations.table)
                 WHERE (\(Conversations.userId), \(Conversations.conversationId)) > (:afterOwner, :after)
                 ORDER BY \(Conversations.userId), \(Conversations.conversationId) LIMIT 500
                """, ["afterOwner": .text(after?.owner ?? ""), "after": .text(after?.id ?? "")])
        }
        return try await executor.execute(statement).rows.map { values in
            let row = ResultRow(values, "listed search row")
            return ListedRow(owner: try row.text(0, "owner"), id: try row.text(1, "id"), updatedAt: try row.text(2, "updated_at"))
        }
    }
}

// In an extension, so the key keeps its memberwise initializer.
extension Backfill.SourceKey {
    /// The key of a scanned item; nil when it has no string `PK` and `SK`.
    init?(_ item: DynamoDBClient.Item) {
        guard let partition = item["PK"]?.string, let sort = item["SK"]?.string else { return nil }
        self.init(partition: partition, sort: sort)
    }
}
