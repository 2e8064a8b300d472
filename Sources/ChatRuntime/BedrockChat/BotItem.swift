import AWSServices

/// A bot as Bedrock Chat stores it in its bot table (`BotTableV3`), read from the DynamoDB item.
///
/// The source's rules: a bot has `SK = BOT#<botId>`; `ALIAS#<botId>` items (another user's pin of a
/// shared bot) and anything else are not bots. Unset attributes may be `{"NULL": true}`, and items
/// written by older versions may lack attributes altogether, so everything but the keys and the
/// title has a default. `AllowedCognitoUsers`/`AllowedCognitoGroups` are lists of strings (`L`),
/// never sets. Times are epoch milliseconds.
public struct BotItem: Sendable, Equatable {
    /// Who may see a bot besides its owner: no one (no `SharedScope`), the users and groups listed
    /// (`partial`, and members of `Admin` in a search), or everyone (`all`). See `BotVisibility`.
    public enum Scope: String, Sendable, Equatable {
        case `private`, partial, all
    }

    public var botId: String
    /// The owner's Cognito `sub` (the item's `PK`).
    public var ownerId: String
    public var title: String
    public var description: String
    public var instruction: String
    public var scope: Scope
    /// `unshared`, `shared` or `pinned@NNN`.
    public var sharedStatus: String
    public var allowedUsers: [String]
    public var allowedGroups: [String]
    public var usageCount: Int64
    /// Epoch milliseconds; nil when the item has none.
    public var createTime: Int64?
    public var lastUsedTime: Int64?
    public var syncStatus: String?
    /// The owner's own star (`IsStarred = "TRUE"`).
    public var isStarred: Bool

    public init(botId: String, ownerId: String, title: String, description: String, instruction: String, scope: Scope, sharedStatus: String,
                allowedUsers: [String], allowedGroups: [String], usageCount: Int64, createTime: Int64?, lastUsedTime: Int64?,
                syncStatus: String?, isStarred: Bool) {
        self.botId = botId
        self.ownerId = ownerId
        self.title = title
        self.description = description
        self.instruction = instruction
        self.scope = scope
        self.sharedStatus = sharedStatus
        self.allowedUsers = allowedUsers
        self.allowedGroups = allowedGroups
        self.usageCount = usageCount
        self.createTime = createTime
        self.lastUsedTime = lastUsedTime
        self.syncStatus = syncStatus
        self.isStarred = isStarred
    }

    /// What reading an item gives: a bot, an item that is no bot (skipped, with why), or a bot item
    /// that cannot be read (reported with its keys and what is wrong).
    public enum Reading: Sendable, Equatable {
        case bot(BotItem)
        case skipped(String)
        case unreadable(keys: String, problem: String)
    }

    public static func read(_ item: DynamoDBClient.Item) -> Reading {
        let keys = "PK=\(item["PK"]?.string ?? "?") SK=\(item["SK"]?.string ?? "?")"
        guard let owner = item["PK"]?.string, let sortKey = item["SK"]?.string else {
            return .unreadable(keys: keys, problem: "PK and SK must be strings")
        }
        if sortKey.hasPrefix("ALIAS#") { return .skipped("an alias of a shared bot, not a bot") }
        guard sortKey.hasPrefix("BOT#") else { return .skipped("not a bot item (SK \(sortKey.prefix(40)))") }
        do {
            return .bot(try BotItem(item, owner: owner, botId: String(sortKey.dropFirst(4))))
        } catch let problem as ItemAttributes.Problem {
            return .unreadable(keys: keys, problem: problem.description)
        } catch {
            return .unreadable(keys: keys, problem: "\(error)")
        }
    }


    init(_ item: DynamoDBClient.Item, owner: String, botId: String) throws {
        guard !botId.isEmpty else { throw ItemAttributes.Problem(description: "SK is BOT# with no bot id") }
        if let stored = try ItemAttributes.text(item, "BotId"), stored != botId {
            throw ItemAttributes.Problem(description: "BotId \(stored) is not the id in SK (\(botId))")
        }
        guard let title = try ItemAttributes.text(item, "Title") else { throw ItemAttributes.Problem(description: "a bot needs a Title (a string)") }
        self.botId = botId
        ownerId = owner
        self.title = title
        description = try ItemAttributes.text(item, "Description") ?? ""
        instruction = try ItemAttributes.text(item, "Instruction") ?? ""
        switch try ItemAttributes.text(item, "SharedScope") {
        case nil: scope = .private
        case let value?:
            guard let known = Scope(rawValue: value), known != .private else {
                throw ItemAttributes.Problem(description: "SharedScope \(value) is neither partial nor all")
            }
            scope = known
        }
        sharedStatus = try ItemAttributes.text(item, "SharedStatus") ?? "unshared"
        allowedUsers = try ItemAttributes.strings(item, "AllowedCognitoUsers")
        allowedGroups = try ItemAttributes.strings(item, "AllowedCognitoGroups")
        switch item["UsageStats"] {
        case nil, .null?: usageCount = 0
        case .map(let stats)?:
            usageCount = try ItemAttributes.number(stats["usage_count"], "UsageStats.usage_count") ?? 0
        case let other?:
            throw ItemAttributes.Problem(description: "UsageStats is \(ItemAttributes.kind(other)), not a map")
        }
        createTime = try ItemAttributes.number(item["CreateTime"], "CreateTime")
        lastUsedTime = try ItemAttributes.number(item["LastUsedTime"], "LastUsedTime")
        syncStatus = try ItemAttributes.text(item, "SyncStatus")
        isStarred = try ItemAttributes.text(item, "IsStarred")?.uppercased() == "TRUE"
    }
}
