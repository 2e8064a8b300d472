/// A PostgreSQL schema declared in Swift: extensions and tables with their columns, constraints and
/// indexes. Rendered by `SchemaRenderer` into idempotent DDL; checked by `SchemaValidator`.
public struct Schema: Sendable {
    public var extensions: [String]
    public var tables: [Table]
    /// The login role the application connects as: it reads and writes the tables' rows and reads
    /// the applied fingerprints, and can do nothing else (no DDL, no roles). The migrator, as the
    /// cluster's master user, creates it and grants exactly that; nil declares no such role.
    public var applicationRole: String?
    public var location: SourceLocation?

    public init(extensions: [String], applicationRole: String? = nil, fileID: String = #fileID, line: Int = #line,
                @TableListBuilder tables: () -> [Table]) {
        self.extensions = extensions
        self.applicationRole = applicationRole
        self.tables = tables()
        location = SourceLocation(file: fileID, line: line)
    }

    public func table(_ name: String) -> Table? { tables.first { $0.name == name } }
}

public struct SourceLocation: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var description: String { "\(file):\(line)" }
}

public struct Table: Sendable {
    public var name: String
    public var columns: [Column] = []
    public var primaryKey: [String] = []
    public var uniques: [[String]] = []
    public var foreignKeys: [ForeignKey] = []
    public var checks: [Check] = []
    public var indexes: [Index] = []

    public init(_ name: String, @TableBuilder _ build: () -> [TableElement]) {
        self.name = name
        for element in build() {
            switch element {
            case .column(let column):
                columns.append(column)
                if column.isPrimaryKey { primaryKey.append(column.name) }
                if let reference = column.reference {
                    foreignKeys.append(ForeignKey(columns: [column.name], table: reference.table, referencedColumns: [reference.column], onDelete: reference.onDelete))
                }
            case .primaryKey(let columns): primaryKey = columns
            case .unique(let columns): uniques.append(columns)
            case .foreignKey(let key): foreignKeys.append(key)
            case .check(let check): checks.append(check)
            case .index(let index): indexes.append(index)
            }
        }
    }

    public func column(_ name: String) -> Column? { columns.first { $0.name == name } }
}

public enum TableElement: Sendable {
    case column(Column)
    case primaryKey([String])
    case unique([String])
    case foreignKey(ForeignKey)
    case check(Check)
    case index(Index)
}

public struct Column: Sendable, Equatable {
    public var name: String
    public var type: ColumnType
    public var isNullable = true
    public var defaultValue: DefaultValue?
    public var isPrimaryKey = false
    public var reference: ColumnReference?

    public init(_ name: String, _ type: ColumnType) {
        self.name = name
        self.type = type
    }

    public func notNull() -> Column { with { $0.isNullable = false } }
    public func `default`(_ value: DefaultValue) -> Column { with { $0.defaultValue = value } }
    public func primaryKey() -> Column { with { $0.isPrimaryKey = true; $0.isNullable = false } }
    public func references(_ table: String, _ column: String, onDelete: ForeignKey.Action = .noAction) -> Column {
        with { $0.reference = ColumnReference(table: table, column: column, onDelete: onDelete) }
    }

    private func with(_ change: (inout Column) -> Void) -> Column {
        var copy = self
        change(&copy)
        return copy
    }
}

/// A single-column foreign key declared on the column itself.
public struct ColumnReference: Sendable, Equatable {
    public var table: String
    public var column: String
    public var onDelete: ForeignKey.Action
}

public enum ColumnType: Sendable, Equatable {
    case uuid, text, bigint, integer, boolean, jsonb, timestamptz
    case textArray
    case vector(dimension: Int)
    case halfvec(dimension: Int)
    /// `tsvector GENERATED ALWAYS AS (setweight(to_tsvector(config, coalesce(col, '')), 'A') || …) STORED`.
    case generatedTSVector(config: String, sources: [WeightedSource])

    public struct WeightedSource: Sendable, Equatable {
        public var column: String
        public var weight: Character
        public init(_ column: String, weight: Character) {
            self.column = column
            self.weight = weight
        }
    }

    var isText: Bool { self == .text }
    var isVector: Bool {
        switch self {
        case .vector, .halfvec: true
        default: false
        }
    }
}

/// A column default. `sql` is an expression written by the schema's author, never user input.
public enum DefaultValue: Sendable, Equatable {
    case now
    case randomUUID
    case integer(Int)
    case boolean(Bool)
    case emptyText
    case emptyJSONObject
    case sql(String)

    var expression: String {
        switch self {
        case .now: "now()"
        case .randomUUID: "gen_random_uuid()"
        case .integer(let value): String(value)
        case .boolean(let value): value ? "true" : "false"
        case .emptyText: "''"
        case .emptyJSONObject: "'{}'::jsonb"
        case .sql(let text): text
        }
    }
}

public struct ForeignKey: Sendable, Equatable {
    public enum Action: String, Sendable { case noAction = "NO ACTION", cascade = "CASCADE", setNull = "SET NULL", restrict = "RESTRICT" }
    public var columns: [String]
    public var table: String
    public var referencedColumns: [String]
    public var onDelete: Action

    public init(columns: [String], table: String, referencedColumns: [String], onDelete: Action = .noAction) {
        self.columns = columns
        self.table = table
        self.referencedColumns = referencedColumns
        self.onDelete = onDelete
    }
}

/// A named CHECK constraint; the expression is the schema author's SQL.
public struct Check: Sendable, Equatable {
    public var name: String
    public var expression: String
    public init(_ name: String, _ expression: String) {
        self.name = name
        self.expression = expression
    }
}

public struct Index: Sendable, Equatable {
    public enum Method: Sendable, Equatable {
        /// btree over columns; each may carry `DESC`.
        case btree([IndexColumn], unique: Bool)
        /// GIN over a tsvector column, for `@@` full-text queries.
        case fullText(String)
        /// GIN with `gin_trgm_ops`, for `%`, `LIKE`/`ILIKE` and `word_similarity` on text.
        case trigramGIN(String)
        /// GiST with `gist_trgm_ops`, when results are ordered by trigram distance (`<->`).
        case trigramGiST(String)
        /// GIN over an array column, for `@>` / `&&` membership tests.
        case arrayGIN(String)
        /// HNSW over a vector column.
        case hnsw(String, VectorOperator, m: Int, efConstruction: Int)
    }

    public var name: String
    public var method: Method
    /// A partial index's predicate, in the schema author's SQL.
    public var predicate: String?

    public init(_ name: String, _ method: Method, where predicate: String? = nil) {
        self.name = name
        self.method = method
        self.predicate = predicate
    }

    public static func btree(_ name: String, _ columns: IndexColumn..., unique: Bool = false, where predicate: String? = nil) -> Index {
        Index(name, .btree(columns, unique: unique), where: predicate)
    }

    var columns: [String] {
        switch method {
        case .btree(let columns, _): columns.map(\.name)
        case .fullText(let column), .trigramGIN(let column), .trigramGiST(let column), .arrayGIN(let column),
             .hnsw(let column, _, _, _): [column]
        }
    }
}

public struct IndexColumn: Sendable, Equatable, ExpressibleByStringLiteral {
    public var name: String
    public var descending: Bool
    public init(_ name: String, descending: Bool = false) {
        self.name = name
        self.descending = descending
    }
    public init(stringLiteral value: String) { self.init(value) }
    public static func desc(_ name: String) -> IndexColumn { IndexColumn(name, descending: true) }
}

/// pgvector distance operators and their HNSW operator classes.
public enum VectorOperator: String, Sendable {
    case cosine, l2, innerProduct

    /// The operator class for `type` (`vector_cosine_ops`, `halfvec_l2_ops`, …).
    func operatorClass(for type: ColumnType) -> String {
        let prefix = if case .halfvec = type { "halfvec" } else { "vector" }
        let suffix = switch self {
        case .cosine: "cosine_ops"
        case .l2: "l2_ops"
        case .innerProduct: "ip_ops"
        }
        return "\(prefix)_\(suffix)"
    }

    /// The SQL operator a query orders by so the planner can use the index.
    public var sqlOperator: String {
        switch self {
        case .cosine: "<=>"
        case .l2: "<->"
        case .innerProduct: "<#>"
        }
    }
}

@resultBuilder
public enum TableBuilder {
    public static func buildExpression(_ column: Column) -> [TableElement] { [.column(column)] }
    public static func buildExpression(_ index: Index) -> [TableElement] { [.index(index)] }
    public static func buildExpression(_ check: Check) -> [TableElement] { [.check(check)] }
    public static func buildExpression(_ key: ForeignKey) -> [TableElement] { [.foreignKey(key)] }
    public static func buildExpression(_ element: TableElement) -> [TableElement] { [element] }
    public static func buildBlock(_ parts: [TableElement]...) -> [TableElement] { parts.flatMap { $0 } }
    public static func buildOptional(_ part: [TableElement]?) -> [TableElement] { part ?? [] }
    public static func buildEither(first part: [TableElement]) -> [TableElement] { part }
    public static func buildEither(second part: [TableElement]) -> [TableElement] { part }
}

@resultBuilder
public enum TableListBuilder {
    public static func buildExpression(_ table: Table) -> [Table] { [table] }
    public static func buildBlock(_ parts: [Table]...) -> [Table] { parts.flatMap { $0 } }
    public static func buildOptional(_ part: [Table]?) -> [Table] { part ?? [] }
    public static func buildEither(first part: [Table]) -> [Table] { part }
    public static func buildEither(second part: [Table]) -> [Table] { part }
}

extension TableElement {
    public static func primaryKey(_ columns: String...) -> TableElement { .primaryKey(columns) }
    public static func unique(_ columns: String...) -> TableElement { .unique(columns) }
}
