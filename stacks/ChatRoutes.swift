import HTTPAPIContract
import JSONText

/// The chat API's routes, declared once with their parameters and the shapes they take and answer:
/// the app stack creates one authorized API Gateway route for each, synth writes them as
/// `out/<stage>/openapi.json` (OpenAPI 3.1), and the runtime's contract lists them and carries the
/// document, which `chat-function serve` serves at `/openapi.json`.
public enum ChatRoutes {
    /// `METHOD /path` of every route, as API Gateway keys them.
    public static var all: [String] { routes.map(\.key) }

    /// An id or a name a user chooses: 1–63 characters (at most 255 bytes), no control character.
    static let identifier = JSONSchema.string(pattern: JSONSchema.Pattern.noControlCharacters, minLength: 1, maxLength: 63)
    /// Text PostgreSQL stores or searches: anything but NUL, which its text cannot hold.
    static func text(minLength: Int? = nil, maxLength: Int) -> JSONSchema { .string(pattern: JSONSchema.Pattern.noNUL, minLength: minLength, maxLength: maxLength) }

    static let id = APIRoute.Parameter("id", .uuid, "The conversation's id (a UUID the client chooses)")
    static let botId = APIRoute.Parameter("id", identifier, "The bot's id")
    static func limit(default value: Int) -> APIRoute.Parameter {
        .init("limit", .integer(minimum: 1, maximum: 50), required: false, "How many to return, 1–50 (\(value) when left out)")
    }
    /// What to search for: something besides white space, and no NUL.
    static let searchText = JSONSchema.string(pattern: JSONSchema.Pattern.searchable, minLength: 1, maxLength: 1000)

    /// What every authorized route may answer besides its own success.
    static let common: [APIRoute.Response] = [
        .init(400, "The request breaks a rule of this document; the message says which", .reference("Error")),
        .init(401, "No user: the token carries no `sub` claim", .reference("Error")),
        .init(503, "The database or the embedding model is away (resuming from pause); retry after Retry-After seconds", .reference("Error")),
    ]

    static func answers(_ responses: APIRoute.Response...) -> [APIRoute.Response] { responses + common }
    static func list(_ key: String, of schema: String) -> JSONSchema { .object([.init(key, .array(.reference(schema)))]) }

    public static let routes: [APIRoute] = [
        APIRoute(.POST, "/conversations/{id}/messages", operationId: "appendMessages",
                 summary: "Append messages to one of the caller's conversations (creating it), numbered in order; a repeated clientMessageId is stored once",
                 pathParameters: [id], body: .object([.init("messages", .array(.reference("NewMessage"), minItems: 1, maxItems: 100))]),
                 responses: answers(.init(200, "The messages as stored", list("messages", of: "Message"),
                                          links: [.init("readMessages", ["id": "$request.path.id"]), .init("deleteConversation", ["id": "$request.path.id"])]),
                                    .init(404, "The conversation is another user's", .reference("Error")),
                                    .init(413, "The body or a message is too large", .reference("Error")))),
        APIRoute(.GET, "/conversations/{id}/messages", operationId: "readMessages", summary: "A conversation's messages in order, all or the newest N",
                 pathParameters: [id], query: [.init("newest", .integer(minimum: 1, maximum: 1_000_000), required: false, "Only the newest N messages")],
                 responses: answers(.init(200, "The messages, oldest first", list("messages", of: "Message")),
                                    .init(404, "No conversation of the caller's has this id", .reference("Error")))),
        APIRoute(.PUT, "/conversations/{id}", operationId: "putConversation", summary: "Create or update one of the caller's conversations, and make it searchable",
                 pathParameters: [id],
                 body: .object([.init("botId", identifier, required: false), .init("title", text(maxLength: 1000), required: false),
                                .init("metadata", .reference("Metadata"), required: false), .init("excerpt", text(maxLength: 10000), required: false)]),
                 responses: answers(.init(200, "The conversation as stored", .reference("Conversation"),
                                          links: ["appendMessages", "readMessages", "deleteConversation"].map { .init($0, ["id": "$response.body#/conversationId"]) }),
                                    .init(404, "The conversation is another user's", .reference("Error")))),
        APIRoute(.DELETE, "/conversations/{id}", operationId: "deleteConversation", summary: "Delete one of the caller's conversations and its messages",
                 pathParameters: [id],
                 responses: answers(.init(204, "Deleted"), .init(404, "No conversation of the caller's has this id", .reference("Error")))),
        APIRoute(.PUT, "/bots/{id}", operationId: "putBot", summary: "Create or update one of the caller's bots, and make it searchable",
                 pathParameters: [botId],
                 body: .object([.init("title", text(minLength: 1, maxLength: 1000)), .init("description", text(maxLength: 10000), required: false),
                                .init("instruction", text(maxLength: 10000), required: false),
                                .init("visibility", .string(values: ChatSchema.visibilities), required: false),
                                .init("sharedWith", .array(identifier, maxItems: 100), required: false),
                                .init("allowedGroups", .array(identifier, maxItems: 100), required: false)]),
                 responses: answers(.init(200, "The bot as stored", .reference("Bot"),
                                          links: ["storeBot", "deleteBot"].map { .init($0, ["id": "$response.body#/botId"]) }),
                                    .init(403, "The bot is another user's", .reference("Error")))),
        APIRoute(.DELETE, "/bots/{id}", operationId: "deleteBot", summary: "Delete one of the caller's bots",
                 pathParameters: [botId],
                 responses: answers(.init(204, "Deleted"), .init(403, "The bot is another user's", .reference("Error")),
                                    .init(404, "No bot has this id", .reference("Error")))),
        APIRoute(.GET, "/bots/search", operationId: "searchBots", summary: "Bots the caller may see, ranked by meaning, words, title and spelling",
                 query: [.init("q", searchText, "What to search for"), limit(default: 10)],
                 responses: answers(.init(200, "The best bots first", list("bots", of: "BotHit")))),
        APIRoute(.GET, "/conversations/search", operationId: "searchConversations",
                 summary: "The caller's conversations, by `q` (ranked hits) or, as Bedrock Chat's front end asks, by `query` (hits with highlights)",
                 query: [.init("q", searchText, required: false, "What to search for (ranked hits)"),
                         .init("query", searchText, required: false, "What to search for (Bedrock Chat's shape, with highlights)"), limit(default: 10)],
                 responses: answers(.init(200, "The best conversations first", .oneOf([list("conversations", of: "ConversationHit"),
                                                                                       .array(.reference("ConversationTextHit"))])))),
        APIRoute(.GET, "/store/search", operationId: "storeSearch", summary: "Bedrock Chat's bot store: bots the caller may see, by text",
                 query: [.init("query", searchText, "What to search for"), limit(default: 20)],
                 responses: answers(.init(200, "The best bots first", .array(.reference("StoreBot"))))),
        APIRoute(.GET, "/store/popular", operationId: "storePopular", summary: "Bedrock Chat's bot store: the most used bots the caller may see",
                 query: [limit(default: 20)], responses: answers(.init(200, "The most used first", .array(.reference("StoreBot"))))),
        APIRoute(.GET, "/store/pickup", operationId: "storePickup", summary: "Bedrock Chat's bot store: bots picked up for the caller",
                 query: [limit(default: 20)], responses: answers(.init(200, "The bots", .array(.reference("StoreBot"))))),
        APIRoute(.GET, "/store/bots/{id}", operationId: "storeBot", summary: "Bedrock Chat's bot store: one bot the caller may see",
                 pathParameters: [botId],
                 responses: answers(.init(200, "The bot", .reference("StoreBot")), .init(403, "The bot is not shared with the caller", .reference("Error")),
                                    .init(404, "No bot has this id", .reference("Error")))),
    ]

    static let ranks = JSONSchema.object([.init("vector", .integer(), required: false), .init("text", .integer(), required: false),
                                          .init("title", .integer(), required: false), .init("spelling", .integer(), required: false)])

    /// The shapes the routes name, as the runtime's stores encode them.
    public static let schemas: [(name: String, schema: JSONSchema)] = [
        ("Error", .object([.init("message", .string())])),
        // Any JSON object whose keys and strings hold no NUL, which PostgreSQL's jsonb cannot store.
        ("Metadata", .map(keys: text(maxLength: 1000), values: .reference("MetadataValue"))),
        ("MetadataValue", .oneOf([text(maxLength: 10000), .number, .boolean, .null, .array(.reference("MetadataValue")),
                                  .reference("Metadata")])),
        ("NewMessage", .object([.init("clientMessageId", identifier), .init("role", .string(values: ChatSchema.roles)),
                                .init("content", text(maxLength: 16 * 1024))])),
        ("Message", .object([.init("seq", .integer(minimum: 1)), .init("clientMessageId", .string()), .init("role", .string(values: ChatSchema.roles)),
                             .init("content", .string()), .init("createdAt", .string())])),
        ("Conversation", .object([.init("conversationId", .uuid), .init("ownerId", .string()), .init("botId", .string(), required: false),
                                  .init("title", .string()), .init("metadata", .string()), .init("updatedAt", .string(), required: false)])),
        ("Bot", .object([.init("botId", .string()), .init("ownerId", .string()), .init("title", .string()), .init("description", .string()),
                         .init("instruction", .string()), .init("visibility", .string(values: ChatSchema.visibilities)),
                         .init("sharedWith", .array(.string())), .init("allowedGroups", .array(.string()))])),
        ("BotHit", .object([.init("botId", .string()), .init("ownerId", .string()), .init("title", .string()), .init("description", .string()),
                            .init("visibility", .string()), .init("score", .number), .init("ranks", ranks)])),
        ("ConversationHit", .object([.init("conversationId", .string()), .init("botId", .string(), required: false), .init("title", .string()),
                                     .init("excerpt", .string()), .init("score", .number), .init("ranks", ranks)])),
        ("ConversationTextHit", .object([.init("id", .string()), .init("title", .string()), .init("botId", .string(), required: false),
                                         .init("createTime", .number), .init("lastMessageTime", .number), .init("score", .number),
                                         .init("highlights", .array(.object([.init("fieldName", .string()), .init("fragments", .array(.string()))])))])),
        ("StoreBot", .object([.init("id", .string()), .init("title", .string()), .init("description", .string()), .init("createTime", .number),
                              .init("lastUsedTime", .number), .init("isStarred", .boolean), .init("owned", .boolean), .init("available", .boolean),
                              .init("syncStatus", .string()), .init("sharedScope", .string()), .init("sharedStatus", .string())])),
    ]

    /// The OpenAPI 3.1 document of the chat API, as written: once per process, for every stage and the contract.
    public static let openAPI: String = OpenAPIDocument.json(
        title: "Chat API", version: "1",
        description: "Chat history and bot and conversation search on Aurora. Every route needs a JWT whose `sub` is the caller.",
        routes: routes, schemas: schemas).rendered()
}
