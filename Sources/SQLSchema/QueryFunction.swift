/// A SQL function that runs a query over the schema's tables (after any statements that prepare it)
/// under planner and extension settings of its own. A statement cannot change how it is itself planned; a function's `SET` clauses hold
/// while its query is planned and run, and only then, so a search can walk an index the planner would
/// otherwise pass over, or search it deeper, over any connection (the Data API included) without a
/// transaction for `SET LOCAL`. Created after the tables, since PostgreSQL checks the body against them.
public struct QueryFunction: Sendable, Codable, Equatable {
    public struct Argument: Sendable, Codable, Equatable {
        public var name: String
        /// The type without modifiers (`vector`, not `vector(1024)`): PostgreSQL ignores them on
        /// arguments, and the catalog lists arguments this way.
        public var type: String

        public init(_ name: String, _ type: String) {
            self.name = name
            self.type = type
        }
    }

    public struct Setting: Sendable, Codable, Equatable {
        public var name: String
        public var value: String

        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    public var name: String
    public var arguments: [Argument]
    /// What it returns, as SQL: `TABLE (id text, distance double precision)`.
    public var returns: String
    public var settings: [Setting]
    /// SQL statements naming the arguments, separated by `; `: the last one's rows are returned.
    public var body: String

    public init(_ name: String, arguments: [Argument], returns: String, settings: [Setting], body: String) {
        self.name = name
        self.arguments = arguments
        self.returns = returns
        self.settings = settings
        self.body = body
    }

    /// `name type, …`, as the declaration and the catalog write the arguments.
    private var argumentList: String { arguments.map { "\($0.name) \($0.type)" }.joined(separator: ", ") }

    /// How the catalog names the function: `name(argument type, …)`.
    var signature: String { "\(name)(\(argumentList))" }

    /// `STABLE`: it reads the tables and changes nothing.
    var statement: String {
        let settings = settings.map { " SET \($0.name) = \(SchemaRenderer.literal($0.value))" }.joined()
        return "CREATE OR REPLACE FUNCTION public.\(Identifier.quoted(name))(\(argumentList)) "
            + "RETURNS \(returns) LANGUAGE sql STABLE\(settings) AS $$ \(body) $$"
    }

    /// Drops the function as it was declared before (a changed return type cannot be replaced in place).
    var dropStatement: String {
        "DROP FUNCTION IF EXISTS public.\(Identifier.quoted(name))(\(arguments.map(\.type).joined(separator: ", ")))"
    }
}
