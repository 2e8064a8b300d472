import ChatRuntime
import Foundation

/// The chat routes of the HTTP API, each mapped to a store call. The caller is the JWT's `sub`;
/// nothing in a response carries SQL, a stack trace or a secret.
public struct ChatAPI: Sendable {
    public let chat: ChatDatabase
    public let log: @Sendable (String) -> Void

    /// Bodies above this are refused with 413 before they are read into a model.
    public static let maximumBodyBytes = 256 * 1024
    /// Seconds a client should wait before retrying while the database is away (resuming from pause).
    public static let retryAfterSeconds = 5

    public init(chat: ChatDatabase, log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.chat = chat
        self.log = log
    }

    public func handle(_ event: HTTPAPIEvent) async -> HTTPAPIResponse {
        guard let caller = Caller(event) else { return .message(401, "sign in: the request carries no user (sub) claim") }
        let body = event.bodyBytes
        guard body.count <= Self.maximumBodyBytes else {
            return .message(413, "the body is \(body.count) bytes; the limit is \(Self.maximumBodyBytes)")
        }
        let method = event.requestContext.http.method.uppercased()
        // The route, as the document declares it; what breaks the document is refused before any work.
        guard let matched = RequestContract.chat.matched(method: method, path: event.rawPath,
                                                         query: event.queryStringParameters ?? [:], body: body) else {
            return .message(404, "no route \(method) \(event.rawPath)")
        }
        let (operation, path, problem) = matched
        if let problem { return .message(400, problem) }
        let id = path["id"] ?? ""
        do {
            switch operation {
            case "searchBots":
                return .json(200, ["bots": try await chat.search.searchBots(try query(event), user: caller.userId, groups: caller.groups, limit: limit(event))])
            case "searchConversations":
                if event.queryStringParameters?["query"] != nil {
                    // Bedrock Chat's front end asks with `query`: its conversations, with highlights.
                    let (text, limit) = (try query(event, name: "query"), limit(event, default: 20))
                    return await failingSoft(event, empty: [ConversationTextHit]()) {
                        try await chat.conversationText.search(text, user: caller.userId, limit: limit)
                    }
                }
                // No words find nothing: the document lets both q and query be left out.
                guard event.queryStringParameters?["q"] != nil else { return .json(200, ["conversations": [ConversationHit]()]) }
                return .json(200, ["conversations": try await chat.search.searchConversations(try query(event), user: caller.userId, limit: limit(event))])
            case "storeSearch", "storePopular", "storePickup":
                let limit = limit(event, default: 20)
                let store = chat.botStore
                if operation == "storeSearch" {
                    let text = try query(event, name: "query")
                    return await failingSoft(event, empty: [StoreBot]()) { try await store.search(text, user: caller.userId, groups: caller.groups, limit: limit) }
                }
                let popular = operation == "storePopular"
                return await failingSoft(event, empty: [StoreBot]()) {
                    popular ? try await store.popular(user: caller.userId, groups: caller.groups, limit: limit)
                        : try await store.pickup(user: caller.userId, groups: caller.groups, limit: limit)
                }
            case "storeBot":
                return .json(200, try await chat.botStore.bot(id, user: caller.userId, groups: caller.groups))
            case "appendMessages":
                let append = try Strict.decode(AppendBody.self, body, allowed: ["messages"])
                let stored = try await chat.history.append(append.messages, to: id, ownerId: caller.userId)
                return .json(200, ["messages": stored])
            case "readMessages":
                guard let conversation = try await chat.history.conversation(id), conversation.ownerId == caller.userId else {
                    return .message(404, "no conversation \(id)")
                }
                // The document bounds `newest` (a whole number, 1–1,000,000), and the contract has checked it.
                let newest = event.queryStringParameters?["newest"].flatMap { Int($0) }
                return .json(200, ["messages": try await chat.history.history(of: id, newest: newest)])
            case "putConversation":
                let fields = try Strict.decode(ConversationBody.self, body, allowed: ["botId", "title", "metadata", "excerpt"])
                let conversation = Conversation(conversationId: id, ownerId: caller.userId, botId: fields.botId, title: fields.title ?? "",
                                                metadata: try fields.metadataText())
                try await chat.history.upsert(conversation)
                try await chat.search.upsert(ConversationSummary(conversationId: id, userId: caller.userId, botId: fields.botId,
                                                                 title: fields.title ?? "", excerpt: fields.excerpt ?? ""))
                return .json(200, conversation)
            case "deleteConversation":
                return try await chat.history.delete(id, ownerId: caller.userId)
                    ? HTTPAPIResponse(statusCode: 204, headers: [:], body: "") : .message(404, "no conversation \(id)")
            case "putBot":
                let fields = try Strict.decode(BotBody.self, body, allowed: ["title", "description", "instruction", "visibility", "sharedWith", "allowedGroups"])
                let bot = Bot(botId: id, ownerId: caller.userId, title: fields.title, description: fields.description ?? "",
                              instruction: fields.instruction ?? "", visibility: fields.visibility ?? .private, sharedWith: fields.sharedWith ?? [],
                              allowedGroups: fields.allowedGroups ?? [])
                try await chat.search.upsert(bot)
                return .json(200, bot)
            case "deleteBot":
                return try await chat.search.deleteBot(id, ownerId: caller.userId)
                    ? HTTPAPIResponse(statusCode: 204, headers: [:], body: "") : .message(404, "no bot \(id)")
            default:
                // An operation the document declares and no case here serves: the test of every route catches it.
                return .message(500, "the route \(operation) has no handler")
            }
        } catch {
            return response(for: error, path: event.rawPath)
        }
    }

    /// Store errors as statuses. Another user's conversation is a 404 (its existence must not
    /// leak); another user's bot, whose id is public, a 403.
    func response(for error: any Error, path: String) -> HTTPAPIResponse {
        switch error {
        case let error as ChatStoreError:
            switch error {
            case .invalid, .wrongDimension: return .message(400, error.description)
            case .messageTooLarge: return .message(413, error.description)
            case .notFound: return .message(404, error.description)
            case .forbidden where path.hasPrefix("/store/bots/"): return .message(403, "the bot is not shared with you")
            case .forbidden: return path.hasPrefix("/bots/") ? .message(403, "bot belongs to another user") : .message(404, "no such conversation")
            case .embedding:
                log("embedding failed: \(error.description)")
                return .message(503, "search is unavailable; try again", headers: ["retry-after": String(Self.retryAfterSeconds)])
            }
        case let error as Strict.Invalid:
            return .message(400, error.description)
        case SQLExecutionError.unavailable(let detail):
            log("database unavailable: \(detail)")
            return .message(503, "the database is unavailable (it may be resuming); try again", headers: ["retry-after": String(Self.retryAfterSeconds)])
        case SQLExecutionError.cannotConnect(let failure):
            // The cause is the operator's to fix (a secret, a role, an address) or a server restarting;
            // the log names it, and the caller learns only that the database is away.
            log("cannot connect to the database: \(failure)")
            let resuming = failure.cause == .connectionRefused ? " (it may be resuming)" : ""
            return .message(503, "the database is unavailable\(resuming); try again", headers: ["retry-after": String(Self.retryAfterSeconds)])
        default:
            log("request failed: \(error)")
            return .message(500, "the request failed; the function's log has the details")
        }
    }

    /// The Bedrock Chat-shaped searches fail soft, as its own do: a database error gives an empty
    /// result (a page that still renders), a warning, and a count in the log as a CloudWatch embedded
    /// metric (`ChatApi/SearchFailedSoft` by route). Bad input is still a 400.
    func failingSoft<Result: Encodable>(_ event: HTTPAPIEvent, empty: Result, _ search: () async throws -> Result) async -> HTTPAPIResponse {
        do {
            return .json(200, try await search())
        } catch let error as ChatStoreError {
            if case .embedding = error {} else { return response(for: error, path: event.rawPath) }
            logSoftFailure(event, error)
        } catch {
            logSoftFailure(event, error)
        }
        return .json(200, empty)
    }

    private func logSoftFailure(_ event: HTTPAPIEvent, _ error: any Error) {
        let route = "\(event.requestContext.http.method.uppercased()) \(event.rawPath)"
        log("search failed soft on \(route), answering an empty result: \(error)")
        let milliseconds = Int(Date().timeIntervalSince1970 * 1000)
        log(#"{"_aws":{"Timestamp":\#(milliseconds),"CloudWatchMetrics":[{"Namespace":"ChatApi","Dimensions":[["Route"]],"#
            + #""Metrics":[{"Name":"SearchFailedSoft","Unit":"Count"}]}]},"Route":"\#(route)","SearchFailedSoft":1}"#)
    }

    func query(_ event: HTTPAPIEvent, name: String = "q") throws -> String {
        guard let text = event.queryStringParameters?[name], !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ChatStoreError.invalid("\(name) (the search text) is required")
        }
        return text
    }

    /// `limit`, which the document bounds (1–50) and the contract has checked, or the route's default.
    func limit(_ event: HTTPAPIEvent, default fallback: Int = 10) -> Int {
        event.queryStringParameters?["limit"].flatMap { Int($0) } ?? fallback
    }

    struct AppendBody: Decodable { var messages: [NewMessage] }

    struct ConversationBody: Decodable {
        var botId: String?
        var title: String?
        var metadata: [String: JSONValue]?
        var excerpt: String?

        func metadataText() throws -> String { try metadata.map(JSONValue.text(of:)) ?? "{}" }
    }

    struct BotBody: Decodable {
        var title: String
        var description: String?
        var instruction: String?
        var visibility: Visibility?
        var sharedWith: [String]?
        var allowedGroups: [String]?
    }
}
