/// PostgreSQL identifiers as this generator writes them: lower-case names stay bare, anything else
/// (upper case, a reserved word) is double-quoted. A name holding a quote, a NUL or more than 63
/// bytes is refused, since PostgreSQL would truncate or misread it.
public enum Identifier {
    public static let maximumLength = 63

    /// Why `name` cannot be an identifier, or nil when it can.
    public static func problem(with name: String) -> String? {
        if name.isEmpty { return "is empty" }
        if name.utf8.count > maximumLength { return "is \(name.utf8.count) bytes; PostgreSQL keeps only \(maximumLength)" }
        // Byte by byte: a quote and every control character are ASCII.
        if name.utf8.contains(where: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "'") }) {
            return "contains a quote; use letters, digits and underscores"
        }
        if name.utf8.contains(where: { $0 < 0x20 }) { return "contains a control character" }
        return nil
    }

    public static func quoted(_ name: String) -> String {
        isBare(name) ? name : "\"\(name)\""
    }

    static func isBare(_ name: String) -> Bool {
        guard let first = name.utf8.first, first == 95 || (97...122).contains(first) else { return false }
        let simple = name.utf8.allSatisfy { $0 == 95 || (97...122).contains($0) || (48...57).contains($0) }
        return simple && !reservedWords.contains(name)
    }

    /// PostgreSQL's reserved key words (and those that cannot be column or table names).
    static let reservedWords: Set<String> = [
        "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "authorization", "binary", "both",
        "case", "cast", "check", "collate", "collation", "column", "concurrently", "constraint", "create", "cross",
        "current_catalog", "current_date", "current_role", "current_schema", "current_time", "current_timestamp",
        "current_user", "default", "deferrable", "desc", "distinct", "do", "else", "end", "except", "false", "fetch",
        "for", "foreign", "freeze", "from", "full", "grant", "group", "having", "ilike", "in", "initially", "inner",
        "intersect", "into", "is", "isnull", "join", "lateral", "leading", "left", "like", "limit", "localtime",
        "localtimestamp", "natural", "not", "notnull", "null", "offset", "on", "only", "or", "order", "outer",
        "overlaps", "placing", "primary", "references", "returning", "right", "select", "session_user", "similar",
        "some", "symmetric", "system_user", "table", "tablesample", "then", "to", "trailing", "true", "union", "unique",
        "user", "using", "variadic", "verbose", "when", "where", "window", "with",
    ]
}
