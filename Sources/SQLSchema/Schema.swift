import DSLCore

/// A PostgreSQL schema declared in Swift: extensions and tables with their columns, constraints and
/// indexes. Rendered by `SchemaRenderer` into idempotent DDL; checked by `SchemaValidator`.
public struct Schema: Sendable, Codable, Equatable {
    public var extensions: [String]
    public var tables: [Table]
    /// The login role the application connects as: it reads and writes the tables' rows and reads
    /// the applied fingerprints, and can do nothing else (no DDL, no roles). The migrator, as the
    /// cluster's master user, creates it and grants exactly that; nil declares no such role.
    public var applicationRole: String?
    /// Functions generated columns and indexes call, created before the tables.
    public var functions: [ImmutableFunction] = []
    /// Text search configurations of the schema's own, created before the tables.
    public var textSearchConfigurations: [TextSearchConfiguration] = []
    /// Functions that query the tables under settings of their own, created after the tables.
    public var queryFunctions: [QueryFunction] = []
    /// Tables the schema used to have and drops knowingly (with their rows); see `Dropped`.
    public var droppedTables: [Dropped] = []
    public var location: SourceLocation?

    public init(extensions: [String], functions: [ImmutableFunction] = [], textSearchConfigurations: [TextSearchConfiguration] = [],
                queryFunctions: [QueryFunction] = [], applicationRole: String? = nil, filePath: String = #filePath, line: Int = #line,
                @TableListBuilder tables: () -> [TableListElement]) {
        self.extensions = extensions
        self.functions = functions
        self.queryFunctions = queryFunctions
        self.textSearchConfigurations = textSearchConfigurations
        self.applicationRole = applicationRole
        self.tables = []
        for element in tables() {
            switch element {
            case .table(let table): self.tables.append(table)
            case .dropped(let dropped): droppedTables.append(dropped)
            }
        }
        location = SourceLocation(filePath: filePath, line: line)
    }

    /// What a migration snapshot keeps: the shape of the database, and the declarations that say
    /// how to reach it (drops acknowledged, renames, type conversions), so the typed changes between
    /// two snapshots carry them. Functions, configurations and those declarations are written only
    /// when there are some, so snapshots from before they existed read (and write) the same.
    enum CodingKeys: String, CodingKey { case extensions, functions, textSearchConfigurations, tables, queryFunctions, applicationRole, droppedTables }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        extensions = try container.decode([String].self, forKey: .extensions)
        functions = try container.decodeIfPresent([ImmutableFunction].self, forKey: .functions) ?? []
        textSearchConfigurations = try container.decodeIfPresent([TextSearchConfiguration].self, forKey: .textSearchConfigurations) ?? []
        tables = try container.decode([Table].self, forKey: .tables)
        queryFunctions = try container.decodeIfPresent([QueryFunction].self, forKey: .queryFunctions) ?? []
        applicationRole = try container.decodeIfPresent(String.self, forKey: .applicationRole)
        droppedTables = try container.decodeIfPresent([Dropped].self, forKey: .droppedTables) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(extensions, forKey: .extensions)
        if !functions.isEmpty { try container.encode(functions, forKey: .functions) }
        if !textSearchConfigurations.isEmpty { try container.encode(textSearchConfigurations, forKey: .textSearchConfigurations) }
        try container.encode(tables, forKey: .tables)
        if !queryFunctions.isEmpty { try container.encode(queryFunctions, forKey: .queryFunctions) }
        try container.encodeIfPresent(applicationRole, forKey: .applicationRole)
        if !droppedTables.isEmpty { try container.encode(droppedTables, forKey: .droppedTables) }
    }

    public func table(_ name: String) -> Table? { tables.first { $0.name == name } }
}

public struct Table: Sendable, Codable, Equatable {
    public var name: String
    public var columns: [Column] = []
    public var primaryKey: [String] = []
    public var uniques: [[String]] = []
    public var foreignKeys: [ForeignKey] = []
    public var checks: [Check] = []
    public var indexes: [Index] = []
    /// The table's name before a rename this declaration asks for; see `renamed(from:)`.
    public var previousName: String?
    /// Columns the table used to have and drops knowingly (with their values).
    public var droppedColumns: [Dropped] = []
    public var location: SourceLocation?

    enum CodingKeys: String, CodingKey { case name, columns, primaryKey, uniques, foreignKeys, checks, indexes, previousName, droppedColumns }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        columns = try container.decode([Column].self, forKey: .columns)
        primaryKey = try container.decode([String].self, forKey: .primaryKey)
        uniques = try container.decode([[String]].self, forKey: .uniques)
        foreignKeys = try container.decode([ForeignKey].self, forKey: .foreignKeys)
        checks = try container.decode([Check].self, forKey: .checks)
        indexes = try container.decode([Index].self, forKey: .indexes)
        previousName = try container.decodeIfPresent(String.self, forKey: .previousName)
        droppedColumns = try container.decodeIfPresent([Dropped].self, forKey: .droppedColumns) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(columns, forKey: .columns)
        try container.encode(primaryKey, forKey: .primaryKey)
        try container.encode(uniques, forKey: .uniques)
        try container.encode(foreignKeys, forKey: .foreignKeys)
        try container.encode(checks, forKey: .checks)
        try container.encode(indexes, forKey: .indexes)
        try container.encodeIfPresent(previousName, forKey: .previousName)
        if !droppedColumns.isEmpty { try container.encode(droppedColumns, forKey: .droppedColumns) }
    }

    public init(_ name: String, filePath: String = #filePath, line: Int = #line, @TableBuilder _ build: () -> [TableElement]) {
        self.name = name
        location = SourceLocation(filePath: filePath, line: line)
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
            case .dropped(let dropped): droppedColumns.append(dropped)
            }
        }
    }

    public func column(_ name: String) -> Column? { columns.first { $0.name == name } }

    /// Declares that this table is the one called `previousName` until now: the migration renames it
    /// (rows kept) instead of dropping one table and creating another.
    public func renamed(from previousName: String) -> Table {
        var copy = self
        copy.previousName = previousName
        return copy
    }
}

/// A table or column the schema no longer declares, dropped on purpose: without one, a migration
/// that would drop it (and the data in it) is refused at synth time. `reason` is for the reviewer.
public struct Dropped: Sendable, Equatable, Codable {
    public var name: String
    public var reason: String
    public var location: SourceLocation

    enum CodingKeys: String, CodingKey { case name, reason, location }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        reason = try container.decode(String.self, forKey: .reason)
        let place = try container.decode(String.self, forKey: .location)
        guard let colon = place.lastIndex(of: ":"), let line = Int(place[place.index(after: colon)...]) else {
            throw DecodingError.dataCorruptedError(forKey: .location, in: container, debugDescription: "a location is file:line")
        }
        location = SourceLocation(file: String(place[..<colon]), line: line)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(reason, forKey: .reason)
        try container.encode(location.description, forKey: .location)
    }

    init(name: String, reason: String, location: SourceLocation) {
        self.name = name
        self.reason = reason
        self.location = location
    }

    public static func table(_ name: String, because reason: String, filePath: String = #filePath, line: Int = #line) -> Dropped {
        Dropped(name: name, reason: reason, location: SourceLocation(filePath: filePath, line: line))
    }

    public static func column(_ name: String, because reason: String, filePath: String = #filePath, line: Int = #line) -> Dropped {
        Dropped(name: name, reason: reason, location: SourceLocation(filePath: filePath, line: line))
    }
}

public enum TableListElement: Sendable {
    case table(Table)
    case dropped(Dropped)
}

public enum TableElement: Sendable {
    case column(Column)
    case primaryKey([String])
    case unique([String])
    case foreignKey(ForeignKey)
    case check(Check)
    case index(Index)
    case dropped(Dropped)
}

public struct Column: Sendable, Equatable, Codable {
    public var name: String
    public var type: ColumnType
    public var isNullable = true
    public var defaultValue: DefaultValue?
    public var isPrimaryKey = false
    public var reference: ColumnReference?
    /// The column's name before a rename this declaration asks for.
    public var previousName: String?
    /// How to convert existing values when the type changes; see `changingType(using:)`.
    public var typeChange: TypeChange?
    public var location: SourceLocation?

    enum CodingKeys: String, CodingKey { case name, type, isNullable, defaultValue, isPrimaryKey, reference, previousName, typeChange }

    public init(_ name: String, _ type: ColumnType, filePath: String = #filePath, line: Int = #line) {
        self.name = name
        self.type = type
        location = SourceLocation(filePath: filePath, line: line)
    }

    /// The shape the database sees; how and where the column was declared does not count.
    public static func == (a: Column, b: Column) -> Bool {
        a.name == b.name && a.type == b.type && a.isNullable == b.isNullable && a.defaultValue == b.defaultValue
            && a.isPrimaryKey == b.isPrimaryKey && a.reference == b.reference
    }

    /// Declares that this column is the one called `previousName` until now: renamed, values kept.
    public func renamed(from previousName: String) -> Column { with { $0.previousName = previousName } }

    /// Converts existing values with `expression` (SQL over the column's old value, as in
    /// `ALTER COLUMN … TYPE … USING`) when the declared type differs from the stored one. A change
    /// that can lose information (anything but integer → bigint or → text) must also say
    /// `acknowledgingDataLoss`, or synth refuses it.
    public func changingType(using expression: String, acknowledgingDataLoss reason: String? = nil) -> Column {
        with { $0.typeChange = TypeChange(using: expression, dataLossReason: reason) }
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

public struct TypeChange: Sendable, Equatable, Codable {
    public var using: String
    public var dataLossReason: String?
}

/// A single-column foreign key declared on the column itself.
public struct ColumnReference: Sendable, Equatable, Codable {
    public var table: String
    public var column: String
    public var onDelete: ForeignKey.Action
}

public enum ColumnType: Sendable, Equatable, Codable {
    case uuid, text, bigint, integer, boolean, jsonb, timestamptz
    /// Arbitrary-precision decimal, e.g. a DynamoDB stream sequence number (up to 40 digits).
    case numeric
    case textArray
    case vector(dimension: Int)
    case halfvec(dimension: Int)
    /// `tsvector GENERATED ALWAYS AS (setweight(to_tsvector(config, normalizer(coalesce(col, ''))), 'A') || …) STORED`,
    /// where `normalizer` (an immutable function of the schema returning text, or none) prepares each source first.
    case generatedTSVector(config: String, normalizer: String? = nil, sources: [WeightedSource])
    /// Each row's words in its own language: `tsvector GENERATED ALWAYS AS (setweight(to_tsvector(detector(all
    /// sources), normalizer(coalesce(col, ''))), 'A') || …) STORED`, where `detector` (an immutable function of
    /// the schema returning `regconfig`) picks the configuration from the row's text and `normalizer` (another,
    /// or none) prepares each source first.
    case generatedTSVectorPerRow(detector: String, normalizer: String?, sources: [WeightedSource])

    /// The weighted source columns of a generated tsvector, of either kind; nil for any other type.
    public var tsvectorSources: [WeightedSource]? {
        switch self {
        case .generatedTSVector(_, _, let sources), .generatedTSVectorPerRow(_, _, let sources): sources
        default: nil
        }
    }

    /// The same type with its source columns renamed by `rename`.
    func renamingSources(_ rename: (String) -> String) -> ColumnType {
        switch self {
        case .generatedTSVector(let config, let normalizer, let sources):
            .generatedTSVector(config: config, normalizer: normalizer, sources: sources.map { .init(rename($0.column), weight: $0.weight) })
        case .generatedTSVectorPerRow(let detector, let normalizer, let sources):
            .generatedTSVectorPerRow(detector: detector, normalizer: normalizer, sources: sources.map { .init(rename($0.column), weight: $0.weight) })
        default: self
        }
    }

    public struct WeightedSource: Sendable, Equatable, Codable {
        public var column: String
        public var weight: Character
        public init(_ column: String, weight: Character) {
            self.column = column
            self.weight = weight
        }

        enum CodingKeys: String, CodingKey { case column, weight }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            column = try container.decode(String.self, forKey: .column)
            let text = try container.decode(String.self, forKey: .weight)
            guard text.count == 1, let weight = text.first else {
                throw DecodingError.dataCorruptedError(forKey: .weight, in: container, debugDescription: "a weight is one letter, A–D")
            }
            self.weight = weight
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(column, forKey: .column)
            try container.encode(String(weight), forKey: .weight)
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
public enum DefaultValue: Sendable, Equatable, Codable {
    case now
    case randomUUID
    case integer(Int)
    case boolean(Bool)
    case emptyText
    case emptyJSONObject
    case sql(String)

    public var expression: String {
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

public struct ForeignKey: Sendable, Equatable, Codable {
    public enum Action: String, Sendable, Codable { case noAction = "NO ACTION", cascade = "CASCADE", setNull = "SET NULL", restrict = "RESTRICT" }
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
public struct Check: Sendable, Equatable, Codable {
    public var name: String
    public var expression: String
    public init(_ name: String, _ expression: String) {
        self.name = name
        self.expression = expression
    }
}

public struct Index: Sendable, Equatable, Codable {
    public enum Method: Sendable, Equatable, Codable {
        /// btree over columns; each may carry `DESC`.
        case btree([IndexColumn], unique: Bool)
        /// GIN over a tsvector column, for `@@` full-text queries.
        case fullText(String)
        /// GIN with `gin_trgm_ops`, for `%`, `LIKE`/`ILIKE` and `word_similarity` on text.
        case trigramGIN(String)
        /// GiST with `gist_trgm_ops`, when results are ordered by trigram distance (`<->`).
        case trigramGiST(String)
        /// The same over `function(column)`, e.g. the column with its accents folded; queries must
        /// compare `function(column)` to use it.
        case foldedTrigramGiST(String, function: ImmutableFunction)
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

    public var columns: [String] {
        switch method {
        case .btree(let columns, _): columns.map(\.name)
        case .fullText(let column), .trigramGIN(let column), .trigramGiST(let column), .arrayGIN(let column),
             .hnsw(let column, _, _, _), .foldedTrigramGiST(let column, _): [column]
        }
    }
}

public struct IndexColumn: Sendable, Equatable, Codable, ExpressibleByStringLiteral {
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
public enum VectorOperator: String, Sendable, Codable {
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
    public static func buildExpression(_ dropped: Dropped) -> [TableElement] { [.dropped(dropped)] }
    public static func buildBlock(_ parts: [TableElement]...) -> [TableElement] { parts.flatMap { $0 } }
    public static func buildOptional(_ part: [TableElement]?) -> [TableElement] { part ?? [] }
    public static func buildArray(_ parts: [[TableElement]]) -> [TableElement] { parts.flatMap { $0 } }
    public static func buildEither(first part: [TableElement]) -> [TableElement] { part }
    public static func buildEither(second part: [TableElement]) -> [TableElement] { part }
}

@resultBuilder
public enum TableListBuilder {
    public static func buildExpression(_ table: Table) -> [TableListElement] { [.table(table)] }
    public static func buildExpression(_ dropped: Dropped) -> [TableListElement] { [.dropped(dropped)] }
    public static func buildBlock(_ parts: [TableListElement]...) -> [TableListElement] { parts.flatMap { $0 } }
    public static func buildOptional(_ part: [TableListElement]?) -> [TableListElement] { part ?? [] }
    public static func buildEither(first part: [TableListElement]) -> [TableListElement] { part }
    public static func buildEither(second part: [TableListElement]) -> [TableListElement] { part }
}

extension TableElement {
    public static func primaryKey(_ columns: String...) -> TableElement { .primaryKey(columns) }
    public static func unique(_ columns: String...) -> TableElement { .unique(columns) }
}
