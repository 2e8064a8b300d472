/// What full-text and fuzzy search need for a language beyond PostgreSQL's built-in configurations:
/// a text search configuration of the schema's own (e.g. `simple` with `unaccent`, so "hoi an" and
/// "Hội An" are the same words) and immutable functions that generated columns and expression
/// indexes may call.

/// A text search configuration copied from a built-in one, optionally folding accents with the
/// `unaccent` dictionary (which needs the `unaccent` extension) before its own dictionary.
public struct TextSearchConfiguration: Sendable, Codable, Equatable {
    public var name: String
    public var copying: String
    public var foldsAccents: Bool
    /// The dictionary words go to after `unaccent` (`english_stem` for `english`); nil: the one named as the configuration copied.
    public var dictionary: String?

    public init(_ name: String, copying: String, foldsAccents: Bool, dictionary: String? = nil) {
        self.name = name
        self.copying = copying
        self.foldsAccents = foldsAccents
        self.dictionary = dictionary
    }

    /// Idempotent: creating a configuration has no `IF NOT EXISTS`, so a `DO` block checks first;
    /// the mapping is set again every time, which is harmless.
    var statements: [String] {
        var statements = ["""
            DO $$
            BEGIN
              IF NOT EXISTS (SELECT FROM pg_catalog.pg_ts_config WHERE cfgname = '\(name)' AND cfgnamespace = 'public'::regnamespace) THEN
                CREATE TEXT SEARCH CONFIGURATION public.\(Identifier.quoted(name)) (COPY = pg_catalog.\(Identifier.quoted(copying)));
              END IF;
            END
            $$
            """]
        if foldsAccents {
            statements.append("ALTER TEXT SEARCH CONFIGURATION public.\(Identifier.quoted(name)) ALTER MAPPING FOR hword, hword_part, word "
                              + "WITH public.unaccent, pg_catalog.\(Identifier.quoted(dictionary ?? copying))")
        }
        return statements
    }

    var dropStatement: String { "DROP TEXT SEARCH CONFIGURATION IF EXISTS public.\(Identifier.quoted(name))" }
}

/// A SQL function PostgreSQL may call from a generated column or an index: `IMMUTABLE`, so the
/// declaration promises its result depends on its argument alone. `body` is one SQL expression of
/// `$1`.
public struct ImmutableFunction: Sendable, Codable, Equatable {
    public var name: String
    public var argument: String
    public var returns: String
    public var body: String

    public init(_ name: String, argument: String, returns: String, body: String) {
        self.name = name
        self.argument = argument
        self.returns = returns
        self.body = body
    }

    /// `unaccent()` is only `STABLE`: it reads whichever dictionary the search path finds. Naming the
    /// dictionary fixes it, which makes the result depend on the text alone, as `IMMUTABLE` says.
    public static let unaccent = ImmutableFunction("immutable_unaccent", argument: "text", returns: "text",
                                                   body: "public.unaccent('public.unaccent'::regdictionary, $1)")

    var statement: String {
        "CREATE OR REPLACE FUNCTION public.\(Identifier.quoted(name))(\(argument)) RETURNS \(returns) "
            + "LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$ SELECT \(body) $$"
    }

    var dropStatement: String { "DROP FUNCTION IF EXISTS public.\(Identifier.quoted(name))(\(argument))" }

    /// A call of the function on `column`, as generated columns and indexes write it.
    public func call(_ column: String) -> String { "public.\(Identifier.quoted(name))(\(Identifier.quoted(column)))" }
}
