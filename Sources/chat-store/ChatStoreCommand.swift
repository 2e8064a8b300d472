import ArgumentParser
import ChatRuntime
import CommandLineExit
import Foundation
import Logging

/// The operator CLI over the runtime, configured by the same environment variables the Lambda gets.
@main
struct ChatStoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chat-store",
        abstract: "Chat history and bot/conversation search on Aurora, over the Data API or PostgreSQL.",
        discussion: """
            Configured like the Lambda: \(ChatContract.Environment.backendType) (\(ChatContract.Backend.dataAPI) or \(ChatContract.Backend.postgres)), \
            \(ChatContract.Environment.clusterArn), \(ChatContract.Environment.secretArn), \(ChatContract.Environment.databaseName), the region and \
            AWS credentials (the AWS SDKs' chain: environment, web identity, profiles and SSO, containers, instance metadata; \
            `chat-store credentials` shows which). A local PostgreSQL needs only \(ChatContract.Environment.backendType)=\(ChatContract.Backend.postgres) \
            and DATABASE_URL; a local Data API (data-api-local) only \(ChatContract.Environment.backendType)=\(ChatContract.Backend.dataAPI) and \
            \(ChatContract.Environment.dataAPIEndpoint). AWS settings are asked for only by what uses them (sync, EMBEDDER=bedrock). \
            Embeddings come from the local deterministic embedder unless EMBEDDER=bedrock. Output is JSON.
            """,
        subcommands: [Migrate.self, Reembed.self, Append.self, History.self, UpsertConversation.self, DeleteConversation.self,
                      UpsertBot.self, DeleteBot.self, SearchBots.self, IndexConversation.self, SearchConversations.self, Sync.self, Credentials.self]
    )

    /// The project's exit-code table (`UsageExitStatus`), with `migrate`'s 3 and 4 above it.
    static func main() async { await mainExitingTwoOnUsageErrors() }
}

/// Opens the database the environment describes (configuration errors name the variable), runs
/// `body` on it, and closes its connections when `body` is done.
func withDatabase<T: Sendable>(checkSchema: Bool = true, _ body: (ChatDatabase) async throws -> T) async throws -> T {
    try await withConfiguredDatabase(checkSchema: checkSchema) { database, _ in try await body(database) }
}

/// `withDatabase`, with the configuration it was opened with: what else the command calls (Secrets
/// Manager, DynamoDB, Bedrock) shares its credential chain, so credentials are fetched once.
func withConfiguredDatabase<T: Sendable>(checkSchema: Bool = true, _ body: (ChatDatabase, RuntimeConfiguration) async throws -> T) async throws -> T {
    var logger = Logger(label: "chat-store")
    logger.logLevel = .error
    let environment = ProcessInfo.processInfo.environment
    let configuration: RuntimeConfiguration
    do {
        configuration = try RuntimeConfiguration.fromEnvironment(environment)
    } catch {
        throw ValidationError("configuration: \(error)")
    }
    let database = try await ChatDatabase.connect(configuration, embedder: try await ChatDatabase.embedder(configuration, environment: environment),
                                                  environment: environment, logger: logger)
    return try await database.whileRunning { database in
        if checkSchema {
            do {
                try await database.migrator.checkDatabase()
            } catch let mismatch as SchemaMigrator.Mismatch {
                throw ValidationError(mismatch.description)
            }
        }
        return try await body(database, configuration)
    }
}

func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

/// JSON from a file, `-` for standard input, or the argument itself when it starts with `{` or `[`.
func jsonData(_ source: String) throws -> Data {
    if source == "-" { return FileHandle.standardInput.readDataToEndOfFile() }
    if source.hasPrefix("{") || source.hasPrefix("[") { return Data(source.utf8) }
    return try Data(contentsOf: URL(fileURLWithPath: source))
}

func readJSON<T: Decodable>(_ type: T.Type, from source: String) throws -> T {
    try decodeJSON(type, from: try jsonData(source), source: source)
}

func decodeJSON<T: Decodable>(_ type: T.Type, from data: Data, source: String) throws -> T {
    do {
        return try JSONDecoder().decode(T.self, from: data)
    } catch let error as DecodingError {
        let origin = source == "-" ? "standard input" : source.hasPrefix("{") || source.hasPrefix("[") ? "the JSON given" : source
        throw ValidationError("\(origin): \(InputProblem.describe(error))")
    }
}

/// Input mistakes in the words of the input: the field and what it should hold, never a Swift type's name.
enum InputProblem {
    static func describe(_ error: DecodingError) -> String {
        func field(_ path: [any CodingKey], _ key: (any CodingKey)? = nil) -> String {
            let names = (path + (key.map { [$0] } ?? [])).map { $0.intValue.map { "item \($0 + 1)" } ?? $0.stringValue }
            return names.isEmpty ? "the input" : "\"" + names.joined(separator: ".") + "\""
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(field(context.codingPath, key)) is missing; add it"
        case .valueNotFound(_, let context): return "\(field(context.codingPath)) is null; give it a value"
        case .typeMismatch(let type, let context): return "\(field(context.codingPath)) should be \(JSONKind.name(of: type))"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "is not valid JSON" : "\(field(context.codingPath)) is not valid: \(context.debugDescription)"
        @unknown default: return "cannot be read"
        }
    }

    /// A search: words to look for, and a limit the API would take too.
    static func requireSearch(_ query: String, limit: Int) throws {
        if query.allSatisfy(\.isWhitespace) { throw ValidationError("the query is empty; give the words to search for") }
        guard (1...100).contains(limit) else { throw ValidationError("--limit must be 1–100, not \(limit)") }
    }

    /// `--conversation`, and the like: a UUID.
    static func requireUUID(_ value: String, _ option: String) throws {
        guard UUID(uuidString: value) != nil else {
            throw ValidationError("\(option) must be a UUID such as \(UUID().uuidString.lowercased()), not \"\(value)\"")
        }
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Bring the database to the schema version this build carries, applying its pending migrations in order.",
        discussion: """
            An empty database is created at the latest version; one created before versioned migrations is adopted as version 1 \
            when its tables match. With \(ChatContract.Environment.applicationSecretArn) set, it also sets the application role's \
            password from that secret. Exit status: 0 the database is at the version of the stage's schema (CHAT_STAGE); 3 refused, nothing \
            changed (another migrator holds the lock, unknown or edited migrations, tables not made by these migrations); \
            4 a migration failed part-way, the message says which version the database is at, and running again continues.
            """)

    @Flag(name: .customLong("dry-run"), help: "Print the plan (and each index build's table size) without changing anything.")
    var dryRun = false

    func run() async throws {
        try await withConfiguredDatabase(checkSchema: false) { database, configuration in
            let report: SchemaMigrator.Report
            do {
                report = try await database.migrator.migrate(dryRun: dryRun)
            } catch let error as MigrationError {
                FileHandle.standardError.write(Data("chat-store migrate: \(error)\n".utf8))
                throw ExitCode(error.exitCode)
            }
            FileHandle.standardError.write(Data((report.description + "\n").utf8))
            var result: [String: String] = ["fingerprint": database.migrator.schema.fingerprint, "from": String(report.from), "to": String(report.to),
                                            "dryRun": String(dryRun)]
            let environment = ProcessInfo.processInfo.environment
            if !dryRun, let arn = configuration.applicationSecretArn {
                let secret = try await ChatDatabase.secretsManager(configuration, environment: environment).databaseSecret(arn: arn)
                try await database.migrator.setPassword(of: secret.username, to: secret.password)
                result["applicationUser"] = secret.username
            }
            try printJSON(result)
        }
    }
}

struct Reembed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fill a new embedding column (the backfill of expand, backfill, contract) by embedding each row's text again.",
        discussion: """
            Fills only the rows whose column is NULL, in batches, so it can stop and run again; run it once more right before \
            the migration that drops the old column, to catch rows written meanwhile. The embedder is the one the environment \
            names (EMBEDDER=bedrock, else the local one), at the column's dimension.
            """)

    @Option(help: "bot_vectors or conversation_vectors.") var table: String
    @Option(help: "The nullable embedding column the expand migration added.") var column: String
    @Option(name: .customLong("batch-size"), help: "Rows embedded and written per batch.") var batchSize = 100

    func validate() throws {
        guard EmbeddingBackfill.Source(rawValue: table) != nil else {
            throw ValidationError("--table must be \(EmbeddingBackfill.Source.allCases.map(\.rawValue).joined(separator: " or ")), not \(table)")
        }
        guard (1...1000).contains(batchSize) else { throw ValidationError("--batch-size must be 1–1000") }
    }

    func run() async throws {
        let source = EmbeddingBackfill.Source(rawValue: table)!
        try await withConfiguredDatabase { database, configuration in
            let environment = ProcessInfo.processInfo.environment
            do {
                let probe = EmbeddingBackfill(executor: database.executor, embedder: LocalEmbedder(dimension: 1))
                let dimension = try await probe.columnType(source, column: column).dimension
                let backfill = EmbeddingBackfill(executor: database.executor,
                                                 embedder: try await ChatDatabase.embedder(configuration, environment: environment, dimension: dimension))
                let filled = try await backfill.run(source, column: column, batchSize: batchSize) { count in
                    FileHandle.standardError.write(Data("reembed: \(count) rows filled\n".utf8))
                }
                try printJSON(["table": table, "column": column, "filled": String(filled)])
            } catch let problem as EmbeddingBackfill.Problem {
                throw ValidationError(problem.description)
            }
        }
    }
}

struct Append: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Append messages (a JSON object or array of {clientMessageId, role, content}).")
    @Option(help: "Conversation UUID.") var conversation: String
    @Option(help: "The conversation's owner.") var owner: String
    @Argument(help: "JSON, a file, or - for standard input.") var messages: String

    func validate() throws { try InputProblem.requireUUID(conversation, "--conversation") }

    func run() async throws {
        let data = try jsonData(messages)
        let parsed: [NewMessage]
        if data.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) == UInt8(ascii: "[") {
            parsed = try decodeJSON([NewMessage].self, from: data, source: messages)
        } else {
            parsed = [try decodeJSON(NewMessage.self, from: data, source: messages)]
        }
        for (index, message) in parsed.enumerated() where !ChatContract.Values.roles.contains(message.role) {
            let roles = ChatContract.Values.roles
            throw ValidationError("message \(index + 1): role must be \(roles.dropLast().joined(separator: ", ")) or \(roles.last ?? ""), not \"\(message.role)\"")
        }
        try printJSON(try await withDatabase { try await $0.history.append(parsed, to: conversation, ownerId: owner) })
    }
}

struct History: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "A conversation's messages in order.")
    @Option(help: "Conversation UUID.") var conversation: String
    @Option(help: "Only the newest N messages.") var newest: Int?
    func validate() throws {
        try InputProblem.requireUUID(conversation, "--conversation")
        if let newest, newest < 1 { throw ValidationError("--newest must be at least 1, not \(newest)") }
    }
    func run() async throws { try printJSON(try await withDatabase { try await $0.history.history(of: conversation, newest: newest) }) }
}

struct UpsertConversation: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create or update a conversation's metadata ({conversationId, ownerId, botId, title, metadata}).")
    @Argument(help: "JSON, a file, or - for standard input.") var conversation: String
    func run() async throws {
        let value = try readJSON(Conversation.self, from: conversation)
        try await withDatabase { database in
            try await database.history.upsert(value)
            try printJSON(try await database.history.conversation(value.conversationId))
        }
    }
}

struct DeleteConversation: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Delete a conversation with its messages.")
    @Option(help: "Conversation UUID.") var conversation: String
    @Option(help: "The conversation's owner.") var owner: String
    func validate() throws { try InputProblem.requireUUID(conversation, "--conversation") }
    func run() async throws {
        try printJSON(["deleted": try await withDatabase { try await $0.history.delete(conversation, ownerId: owner) }])
    }
}

struct UpsertBot: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create or replace a bot's search entry ({botId, ownerId, title, description, instruction, visibility, sharedWith}).")
    @Argument(help: "JSON, a file, or - for standard input.") var bot: String
    func run() async throws {
        let value = try readJSON(Bot.self, from: bot)
        try await withDatabase { try await $0.search.upsert(value) }
        try printJSON(["upserted": value.botId])
    }
}

struct DeleteBot: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Remove a bot from search.")
    @Option var bot: String
    @Option var owner: String
    func run() async throws { try printJSON(["deleted": try await withDatabase { try await $0.search.deleteBot(bot, ownerId: owner) }]) }
}

struct SearchBots: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Hybrid search over the bots a user may see.")
    @Option var user: String
    @Option(name: .customLong("group"), help: "A Cognito group the user is in (repeat for several; Admin also sees every shared bot).") var groups: [String] = []
    @Option var limit = 10
    @Argument var query: String
    func validate() throws { try InputProblem.requireSearch(query, limit: limit) }
    func run() async throws { try printJSON(try await withDatabase { try await $0.search.searchBots(query, user: user, groups: groups, limit: limit) }) }
}

struct IndexConversation: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create or replace a conversation's search entry ({conversationId, userId, botId, title, excerpt}).")
    @Argument(help: "JSON, a file, or - for standard input.") var summary: String
    func run() async throws {
        let value = try readJSON(ConversationSummary.self, from: summary)
        try await withDatabase { try await $0.search.upsert(value) }
        try printJSON(["indexed": value.conversationId])
    }
}

struct SearchConversations: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Hybrid search over one user's conversations.")
    @Option var user: String
    @Option var limit = 10
    @Argument var query: String
    func validate() throws { try InputProblem.requireSearch(query, limit: limit) }
    func run() async throws { try printJSON(try await withDatabase { try await $0.search.searchConversations(query, user: user, limit: limit) }) }
}
