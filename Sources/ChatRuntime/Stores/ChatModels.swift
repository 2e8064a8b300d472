import Foundation
/// What the stores take and return. JSON-friendly: the operator CLI reads and prints these.

public struct NewMessage: Codable, Sendable, Equatable {
    /// Chosen by the client; a retried append with the same id is recognised, not stored twice.
    public var clientMessageId: String
    public var role: String
    public var content: String

    public init(clientMessageId: String, role: String, content: String) {
        self.clientMessageId = clientMessageId
        self.role = role
        self.content = content
    }
}

public struct StoredMessage: Codable, Sendable, Equatable {
    public var seq: Int64
    public var clientMessageId: String
    public var role: String
    public var content: String
    /// UTC, `YYYY-MM-DDTHH:MM:SS.ffffffZ`.
    public var createdAt: String
}

public struct Conversation: Codable, Sendable, Equatable {
    public var conversationId: String
    public var ownerId: String
    public var botId: String?
    public var title: String
    /// Arbitrary JSON object, as text.
    public var metadata: String
    public var updatedAt: String?

    public init(conversationId: String, ownerId: String, botId: String? = nil, title: String = "", metadata: String = "{}") {
        self.conversationId = conversationId
        self.ownerId = ownerId
        self.botId = botId
        self.title = title
        self.metadata = metadata
    }

    enum CodingKeys: String, CodingKey { case conversationId, ownerId, botId, title, metadata, updatedAt }

    /// `metadata` is read as a JSON object or as its text (`{"metadata": {"topic": "travel"}}` or
    /// `{"metadata": "{\"topic\": \"travel\"}"}`), and kept as text; it is written as text.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        conversationId = try container.decode(String.self, forKey: .conversationId)
        ownerId = try container.decode(String.self, forKey: .ownerId)
        botId = try container.decodeIfPresent(String.self, forKey: .botId)
        title = try container.decodeIfPresent(String.self, forKey: .title) ?? ""
        updatedAt = try container.decodeIfPresent(String.self, forKey: .updatedAt)
        if let text = try? container.decodeIfPresent(String.self, forKey: .metadata) {
            metadata = text
        } else if let object = try container.decodeIfPresent([String: JSONValue].self, forKey: .metadata) {
            metadata = try JSONValue.text(of: object)
        } else {
            metadata = "{}"
        }
    }
}

/// Any JSON value, kept as it came (conversation metadata).
public enum JSONValue: Codable, Sendable, Equatable {
    case string(String), number(Double), bool(Bool), null, array([JSONValue]), object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .null: try container.encodeNil()
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// An object's JSON text, keys sorted: how metadata given as an object is kept.
    public static func text(of object: [String: JSONValue]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(object), as: UTF8.self)
    }
}

/// Who may see a bot; the raw values are the contract's (`ChatContract.Values.visibilities`, which
/// the table's check constraint allows), as a test holds them to.
public enum Visibility: String, Codable, Sendable, CaseIterable {
    case `private`, shared, `public`
}

public struct Bot: Codable, Sendable, Equatable {
    public var botId: String
    public var ownerId: String
    public var title: String
    public var description: String
    public var instruction: String
    public var visibility: Visibility
    /// Users a `shared` bot is shared with.
    public var sharedWith: [String]
    /// Cognito groups a `shared` bot is shared with: their members see it.
    public var allowedGroups: [String]

    public init(botId: String, ownerId: String, title: String, description: String = "", instruction: String = "",
                visibility: Visibility = .private, sharedWith: [String] = [], allowedGroups: [String] = []) {
        self.botId = botId
        self.ownerId = ownerId
        self.title = title
        self.description = description
        self.instruction = instruction
        self.visibility = visibility
        self.sharedWith = sharedWith
        self.allowedGroups = allowedGroups
    }

    enum CodingKeys: String, CodingKey { case botId, ownerId, title, description, instruction, visibility, sharedWith, allowedGroups }

    /// `allowedGroups` may be left out (bots written before groups could be named).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(botId: try container.decode(String.self, forKey: .botId), ownerId: try container.decode(String.self, forKey: .ownerId),
                  title: try container.decode(String.self, forKey: .title), description: try container.decode(String.self, forKey: .description),
                  instruction: try container.decode(String.self, forKey: .instruction), visibility: try container.decode(Visibility.self, forKey: .visibility),
                  sharedWith: try container.decode([String].self, forKey: .sharedWith),
                  allowedGroups: try container.decodeIfPresent([String].self, forKey: .allowedGroups) ?? [])
    }
}

public struct BotHit: Codable, Sendable, Equatable {
    public var botId: String
    public var ownerId: String
    public var title: String
    public var description: String
    public var visibility: String
    /// Reciprocal Rank Fusion score of the vector, full-text and trigram rankings.
    public var score: Double
    public var ranks: HitRanks
}

/// Where a hit placed in each ranking (1 = first), nil where that ranking did not find it.
public struct HitRanks: Codable, Sendable, Equatable {
    public var vector: Int64?
    public var text: Int64?
    public var title: Int64?
    /// The ranking by words one letter away from the query's (bots only).
    public var spelling: Int64?

    public init(vector: Int64?, text: Int64?, title: Int64?, spelling: Int64? = nil) {
        self.vector = vector
        self.text = text
        self.title = title
        self.spelling = spelling
    }
}

public struct ConversationSummary: Codable, Sendable, Equatable {
    public var conversationId: String
    public var userId: String
    public var botId: String?
    public var title: String
    public var excerpt: String

    public init(conversationId: String, userId: String, botId: String? = nil, title: String, excerpt: String) {
        self.conversationId = conversationId
        self.userId = userId
        self.botId = botId
        self.title = title
        self.excerpt = excerpt
    }
}

public struct ConversationHit: Codable, Sendable, Equatable {
    public var conversationId: String
    public var botId: String?
    public var title: String
    public var excerpt: String
    public var score: Double
    public var ranks: HitRanks
}

/// Bad input, refused before the database is touched; or a conflict the stores detect.
public enum ChatStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalid(String)
    case messageTooLarge(bytes: Int, limit: Int)
    case wrongDimension(expected: Int, got: Int)
    case notFound(String)
    case forbidden(String)
    case embedding(String)

    public var description: String {
        switch self {
        case .invalid(let message): message
        case .messageTooLarge(let bytes, let limit):
            "message content is \(bytes) bytes; the limit is \(limit) (the Data API returns rows of at most 64 KB)"
        case .wrongDimension(let expected, let got): "embedding has \(got) dimensions; the schema stores \(expected)"
        case .notFound(let what): "\(what) not found"
        case .forbidden(let message): message
        case .embedding(let message): message
        }
    }
}

/// Checks shared by the stores.
enum Validate {
    /// Room for the other columns of a chat_history row within the Data API's 64 KB.
    static let maximumMessageBytes = 63 * 1024
    static let maximumLimit = 100

    static func id(_ value: String, _ name: String) throws(ChatStoreError) {
        if value.isEmpty { throw .invalid("\(name) must not be empty") }
        if value.utf8.count > 255 { throw .invalid("\(name) is longer than 255 bytes") }
        if value.unicodeScalars.contains(where: { $0.value < 0x20 }) { throw .invalid("\(name) contains control characters") }
    }

    static func uuid(_ value: String, _ name: String) throws(ChatStoreError) {
        let hex = value.lowercased().split(separator: "-", omittingEmptySubsequences: false)
        let lengths = hex.map(\.count)
        guard lengths == [8, 4, 4, 4, 12], hex.allSatisfy({ $0.allSatisfy(\.isHexDigit) }) else {
            throw .invalid("\(name) must be a UUID like 6f1c2a8e-0000-4000-8000-000000000001 (got \(value.debugDescription))")
        }
    }

    static func limit(_ value: Int) throws(ChatStoreError) {
        guard (1...maximumLimit).contains(value) else { throw .invalid("limit must be 1–\(maximumLimit) (got \(value))") }
    }
}
