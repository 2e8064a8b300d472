/// Reads the SQL of migrations and replays it, statement by statement, on a model of PostgreSQL's
/// catalog, giving the lines `SchemaCatalog` describes a database by.
///
/// This is the second, independent reading of a migration: the planner proves that its typed
/// changes reach the declared schema, and this proves that the SQL the file holds (what the
/// migrator will run) does, whichever planner wrote it. It knows the statements synth writes and
/// PostgreSQL's rules for them that change the catalog: `IF NOT EXISTS` keeps an object that is
/// already there whatever its shape, a primary key makes its columns NOT NULL, dropping a column
/// drops the indexes and constraints over it, and renames follow objects, not names. Any other
/// statement is refused by name, so nothing in a file goes unread.
public struct CatalogReplay: Sendable {
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// The statement, as the file writes it (shortened).
        public var statement: String
        public var message: String
        public var description: String { "\(message): \(statement)" }
    }

    struct Column: Sendable, Equatable {
        var name: String
        var type: String
        var notNull: Bool
        var generated: Bool
        var hasDefault: Bool
    }

    enum ConstraintKind: Sendable, Equatable {
        case primaryKey([String]), unique([String]), foreignKey([String], table: String, columns: [String], onDelete: String), check
    }

    struct Constraint: Sendable, Equatable {
        var kind: ConstraintKind
        var valid = true
    }

    struct IndexKey: Sendable, Equatable {
        /// Nil for an expression.
        var column: String?
        var operatorClass: String?
        var descending = false
    }

    struct Index: Sendable, Equatable {
        var table: String
        var method: String
        var unique: Bool
        var keys: [IndexKey]
        var storage: String?
        var partial: Bool
    }

    struct Table: Sendable, Equatable {
        var columns: [Column] = []
        var constraints: [String: Constraint] = [:]
    }

    var extensions: Set<String> = []
    /// By name, the argument lists as the catalog writes them (`query vector, candidates integer`).
    var functions: [String: Set<String>] = [:]
    var textSearchConfigurations: Set<String> = []
    var tables: [String: Table] = [:]
    var indexes: [String: Index] = [:]

    public init() {}

    /// The catalog's lines, as `SchemaCatalog.lines` and the introspection query write them.
    public var lines: [String] {
        var memo = LineMemo()
        return lines(reusing: &memo)
    }

    /// The lines of tables and indexes already described, kept while a chain is replayed: a
    /// migration changes a few objects, and describing every one again after each migration was
    /// half the cost of proving the chain.
    struct LineMemo {
        var tables: [String: (table: Table, columns: [String], constraints: [String])] = [:]
        var indexes: [String: (index: Index, line: String)] = [:]
    }

    /// The lines, sorted. They are put together in the order sorting gives (each kind of line in
    /// turn, `column` to `text search configuration`, tables by name: an identifier's characters
    /// all sort after the `.` that follows a table's name), so the sort only confirms it, in one
    /// pass; sorting them from any order was most of the cost of describing a catalog.
    func lines(reusing memo: inout LineMemo) -> [String] {
        var columns: [String] = [], constraints: [String] = [], tableLines: [String] = []
        for name in tables.keys.sorted() {
            let table = tables[name]!
            if let known = memo.tables[name], known.table == table {
                columns += known.columns
                constraints += known.constraints
            } else {
                let described = (
                    columns: table.columns.map { column in
                        "column \(name).\(column.name) \(column.type)" + (column.notNull ? " not null" : "")
                            + (column.generated ? " generated" : column.hasDefault ? " default" : "")
                    }.sorted(),
                    constraints: table.constraints.map { "constraint \(name).\($0.key) \(Self.shape($0.value))" }.sorted())
                memo.tables[name] = (table, described.columns, described.constraints)
                columns += described.columns
                constraints += described.constraints
            }
            tableLines.append("table \(name)")
        }
        var indexLines: [String] = []
        for (name, index) in indexes {
            if let known = memo.indexes[name], known.index == index {
                indexLines.append(known.line)
                continue
            }
            let line = "index \(index.table).\(name) \(Self.shape(index))"
            memo.indexes[name] = (index, line)
            indexLines.append(line)
        }
        var lines = columns
        lines += constraints
        lines += extensions.map { "extension \($0)" }.sorted()
        lines += functions.flatMap { name, arguments in arguments.map { "function \(name)(\($0))" } }.sorted()
        lines += indexLines.sorted()
        lines += tableLines
        lines += textSearchConfigurations.map { "text search configuration \($0)" }.sorted()
        return lines.sorted()
    }

    /// Where a chain of migrations, read as SQL, stops leading where it says it does.
    public struct ChainBreak: Sendable, Equatable, CustomStringConvertible {
        /// The migration whose statements fail or lead elsewhere than its header's `after:`.
        public var fileName: String
        public var message: String
        public var description: String { "\(fileName): \(message)" }
    }

    /// Replays `chain` from an empty database: each migration must lead to the catalog its header
    /// promises, and the last to `declared` (the declared schema's lines). Nil when every one does.
    /// A migration that falls short is named with what the chain's end lacks or keeps compared
    /// with the declaration, which is the step missing from it (or a step a later one lacks too).
    public static func firstBreak(in chain: [Migration], declared: [String]) -> ChainBreak? {
        var step = ReplayedSteps.start
        var broken: (Migration, String)?
        for migration in chain {
            do {
                step = try ReplayedSteps.after(step, replaying: migration)
            } catch {
                return ChainBreak(fileName: migration.fileName, message: "a statement cannot be replayed offline (\(error))")
            }
            if broken == nil, step.digest != migration.after {
                broken = (migration, "its statements lead to \(step.digest), not to \(migration.after) as its header says")
            }
        }
        let reached = step.lines
        guard broken != nil || reached != declared, let last = chain.last else { return nil }
        let (migration, message) = broken ?? (last, "the chain ends short of the declared schema")
        let missing = declared.filter { !reached.contains($0) }.map { "never made: \($0)" }
        let extra = reached.filter { !declared.contains($0) }.map { "left behind: \($0)" }
        let differences = missing + extra
        return ChainBreak(fileName: migration.fileName, message: message + (differences.isEmpty ? "" : "; after the whole chain, compared with the declaration: "
                                                                               + differences.joined(separator: "; ")))
    }

    /// Replays every statement the migration runs, in the order the migrator runs them.
    public mutating func replay(_ migration: Migration) throws(Failure) {
        let sections = migration.sections
        for statement in sections.transactional + sections.outside { try replay(statement) }
    }

    /// Replays one statement.
    public mutating func replay(_ statement: String) throws(Failure) {
        var reader = StatementReader(statement)
        do {
            try apply(&reader)
        } catch let error as ReadError {
            throw Failure(statement: Self.shortened(statement), message: error.message)
        } catch {
            throw Failure(statement: Self.shortened(statement), message: "\(error)")
        }
    }

    static func shortened(_ statement: String) -> String {
        let line = statement.split(separator: "\n").map { $0.drop(while: { $0 == " " }) }.joined(separator: " ")
        return line.count > 160 ? String(line.prefix(157)) + "…" : line
    }

    // MARK: Statements

    mutating func apply(_ reader: inout StatementReader) throws {
        if reader.take("SET", "LOCAL") || reader.take("SET") { return }
        if reader.take("CREATE", "EXTENSION") {
            let ifNotExists = reader.take("IF", "NOT", "EXISTS")
            let name = try reader.name()
            if extensions.contains(name), !ifNotExists { throw ReadError("extension \(name) already exists") }
            extensions.insert(name)
        } else if reader.take("DROP", "EXTENSION") {
            let ifExists = reader.take("IF", "EXISTS")
            try Self.drop(try reader.name(), from: &extensions, what: "extension", ifExists: ifExists)
        } else if reader.take("CREATE", "OR", "REPLACE", "FUNCTION") || reader.take("CREATE", "FUNCTION") {
            let name = try reader.name()
            let arguments = try reader.parenthesized().map(Token.joined)
            let types = arguments.map(Self.argumentType)
            // A function is one per name and argument types: replacing keeps it, a new one is added.
            if let same = functions[name]?.first(where: { Self.argumentTypes($0) == types }) { functions[name]?.remove(same) }
            functions[name, default: []].insert(arguments.joined(separator: ", "))
            // What it returns, its attributes and body leave the catalog's line as it is.
            reader.skipExpression(until: [])
        } else if reader.take("DROP", "FUNCTION") {
            let ifExists = reader.take("IF", "EXISTS")
            let name = try reader.name()
            let types = try reader.parenthesized().map(Token.joined)
            guard let existing = functions[name]?.first(where: { Self.argumentTypes($0) == types }) else {
                if ifExists { return }
                throw ReadError("function \(name)(\(types.joined(separator: ", "))) does not exist")
            }
            functions[name]?.remove(existing)
            if functions[name]?.isEmpty == true { functions[name] = nil }
        } else if reader.take("DO") {
            try applyBlock(try reader.dollarQuoted())
        } else if reader.take("ALTER", "TEXT", "SEARCH", "CONFIGURATION") {
            let name = try reader.name()
            guard textSearchConfigurations.contains(name) else { throw ReadError("text search configuration \(name) does not exist") }
            // Its mappings are no part of the catalog's lines.
            reader.skipExpression(until: [])
        } else if reader.take("DROP", "TEXT", "SEARCH", "CONFIGURATION") {
            let ifExists = reader.take("IF", "EXISTS")
            try Self.drop(try reader.name(), from: &textSearchConfigurations, what: "text search configuration", ifExists: ifExists)
        } else if reader.take("CREATE", "TABLE") {
            try createTable(&reader)
        } else if reader.take("DROP", "TABLE") {
            let ifExists = reader.take("IF", "EXISTS")
            let name = try reader.name()
            guard tables[name] != nil else {
                if ifExists { return }
                throw ReadError("table \(name) does not exist")
            }
            tables[name] = nil
            indexes = indexes.filter { $0.value.table != name }
        } else if reader.take("ALTER", "TABLE") {
            _ = reader.take("IF", "EXISTS")
            let name = try reader.name()
            guard tables[name] != nil else { throw ReadError("table \(name) does not exist") }
            for action in try reader.list() { try alterTable(name, action) }
        } else if reader.take("CREATE", "UNIQUE", "INDEX") {
            try createIndex(&reader, unique: true)
        } else if reader.take("CREATE", "INDEX") {
            try createIndex(&reader, unique: false)
        } else if reader.take("DROP", "INDEX") {
            _ = reader.take("CONCURRENTLY")
            let ifExists = reader.take("IF", "EXISTS")
            let name = try reader.name()
            guard indexes[name] != nil else {
                if ifExists { return }
                throw ReadError("index \(name) does not exist")
            }
            indexes[name] = nil
        } else if reader.take("ALTER", "INDEX") {
            let ifExists = reader.take("IF", "EXISTS")
            let name = try reader.name()
            try reader.expect("RENAME", "TO")
            let newName = try reader.name()
            guard let index = indexes[name] else {
                if ifExists { return }
                throw ReadError("index \(name) does not exist")
            }
            guard indexes[newName] == nil else { throw ReadError("index \(newName) already exists") }
            indexes[name] = nil
            indexes[newName] = index
        } else {
            throw ReadError("not a statement synth writes, so it cannot be checked offline")
        }
        try reader.expectEnd()
    }

    /// The `DO` blocks synth writes create a text search configuration when there is none.
    mutating func applyBlock(_ body: String) throws {
        var reader = StatementReader(body)
        try reader.expect("BEGIN", "IF", "NOT", "EXISTS")
        _ = try reader.parenthesized()
        try reader.expect("THEN", "CREATE", "TEXT", "SEARCH", "CONFIGURATION")
        let name = try reader.name()
        _ = try reader.parenthesized()
        try reader.expect(";", "END", "IF", ";", "END")
        try reader.expectEnd()
        textSearchConfigurations.insert(name)
    }

    static func drop(_ name: String, from set: inout Set<String>, what: String, ifExists: Bool) throws {
        guard set.remove(name) != nil || ifExists else { throw ReadError("\(what) \(name) does not exist") }
    }

    mutating func createTable(_ reader: inout StatementReader) throws {
        let ifNotExists = reader.take("IF", "NOT", "EXISTS")
        let name = try reader.name()
        let items = try reader.parenthesized()
        if tables[name] != nil {
            if ifNotExists { return }
            throw ReadError("table \(name) already exists")
        }
        tables[name] = Table()
        for item in items {
            var part = StatementReader(item)
            if part.take("CONSTRAINT") {
                let constraintName = try part.name()
                try addConstraint(constraintName, to: name, &part)
            } else {
                try addColumn(to: name, &part, ifNotExists: false)
            }
        }
    }

    mutating func addColumn(to table: String, _ reader: inout StatementReader, ifNotExists: Bool) throws {
        let name = try reader.name()
        var type: [Token] = []
        while let token = reader.peek, !["NOT", "NULL", "DEFAULT", "GENERATED"].contains(where: token.is) {
            reader.advance()
            type.append(token)
        }
        var column = Column(name: name, type: Self.catalogType(Token.joined(type)), notNull: false, generated: false, hasDefault: false)
        while !reader.atEnd {
            if reader.take("NOT", "NULL") {
                column.notNull = true
            } else if reader.take("NULL") {
                column.notNull = false
            } else if reader.take("DEFAULT") {
                column.hasDefault = true
                reader.skipExpression(until: ["NOT", "NULL", "GENERATED"])
            } else if reader.take("GENERATED", "ALWAYS", "AS") {
                _ = try reader.parenthesized()
                try reader.expect("STORED")
                column.generated = true
            } else {
                throw ReadError("column \(table).\(name): cannot read \(reader.peek?.text ?? "the end")")
            }
        }
        if tables[table]?.columns.contains(where: { $0.name == name }) == true {
            if ifNotExists { return }
            throw ReadError("column \(table).\(name) already exists")
        }
        tables[table]?.columns.append(column)
    }

    mutating func addConstraint(_ name: String, to table: String, _ reader: inout StatementReader) throws {
        let kind: ConstraintKind
        if reader.take("PRIMARY", "KEY") {
            kind = .primaryKey(try reader.names())
        } else if reader.take("UNIQUE") {
            kind = .unique(try reader.names())
        } else if reader.take("FOREIGN", "KEY") {
            let columns = try reader.names()
            try reader.expect("REFERENCES")
            let referenced = try reader.name()
            let referencedColumns = try reader.names()
            try reader.expect("ON", "DELETE")
            var action: [String] = []
            while let token = reader.peek, !token.is("NOT") { reader.advance(); action.append(token.text.lowercased()) }
            guard tables[referenced] != nil else { throw ReadError("constraint \(name) references table \(referenced), which does not exist") }
            kind = .foreignKey(columns, table: referenced, columns: referencedColumns, onDelete: action.joined(separator: " "))
        } else if reader.take("CHECK") {
            _ = try reader.parenthesized()
            kind = .check
        } else {
            throw ReadError("constraint \(name): cannot read \(reader.peek?.text ?? "the end")")
        }
        let valid = !reader.take("NOT", "VALID")
        guard tables[table]?.constraints[name] == nil else { throw ReadError("constraint \(name) on \(table) already exists") }
        tables[table]?.constraints[name] = Constraint(kind: kind, valid: valid)
        if case .primaryKey(let columns) = kind {
            for column in columns { try updateColumn(table, column) { $0.notNull = true } }
        }
    }

    mutating func updateColumn(_ table: String, _ name: String, _ change: (inout Column) -> Void) throws {
        guard let position = tables[table]?.columns.firstIndex(where: { $0.name == name }) else {
            throw ReadError("column \(table).\(name) does not exist")
        }
        change(&tables[table]!.columns[position])
    }

    mutating func alterTable(_ table: String, _ action: [Token]) throws {
        var reader = StatementReader(action)
        if reader.take("ADD", "COLUMN") {
            let ifNotExists = reader.take("IF", "NOT", "EXISTS")
            try addColumn(to: table, &reader, ifNotExists: ifNotExists)
        } else if reader.take("DROP", "COLUMN") {
            let ifExists = reader.take("IF", "EXISTS")
            let name = try reader.name()
            guard tables[table]?.columns.contains(where: { $0.name == name }) == true else {
                if ifExists { return }
                throw ReadError("column \(table).\(name) does not exist")
            }
            dropColumn(name, of: table)
        } else if reader.take("ALTER", "COLUMN") {
            let name = try reader.name()
            if reader.take("DROP", "NOT", "NULL") {
                try updateColumn(table, name) { $0.notNull = false }
            } else if reader.take("SET", "NOT", "NULL") {
                try updateColumn(table, name) { $0.notNull = true }
            } else if reader.take("DROP", "DEFAULT") {
                try updateColumn(table, name) { $0.hasDefault = false }
            } else if reader.take("SET", "DEFAULT") {
                reader.skipExpression(until: [])
                try updateColumn(table, name) { $0.hasDefault = true }
            } else if reader.take("TYPE") || reader.take("SET", "DATA", "TYPE") {
                var type: [Token] = []
                while let token = reader.peek, !token.is("USING") { reader.advance(); type.append(token) }
                reader.skipExpression(until: [])
                let catalogType = Self.catalogType(Token.joined(type))
                try updateColumn(table, name) { $0.type = catalogType }
            } else {
                throw ReadError("ALTER COLUMN \(name): cannot read \(reader.peek?.text ?? "the end")")
            }
        } else if reader.take("RENAME", "COLUMN") {
            let from = try reader.name()
            try reader.expect("TO")
            try renameColumn(table, from: from, to: try reader.name())
        } else if reader.take("RENAME", "CONSTRAINT") {
            let from = try reader.name()
            try reader.expect("TO")
            let to = try reader.name()
            guard let constraint = tables[table]?.constraints[from] else { throw ReadError("constraint \(from) on \(table) does not exist") }
            tables[table]?.constraints[from] = nil
            tables[table]?.constraints[to] = constraint
        } else if reader.take("RENAME", "TO") {
            try renameTable(table, to: try reader.name())
        } else if reader.take("ADD", "CONSTRAINT") {
            let name = try reader.name()
            try addConstraint(name, to: table, &reader)
        } else if reader.take("VALIDATE", "CONSTRAINT") {
            let name = try reader.name()
            guard tables[table]?.constraints[name] != nil else { throw ReadError("constraint \(name) on \(table) does not exist") }
            tables[table]?.constraints[name]?.valid = true
        } else if reader.take("DROP", "CONSTRAINT") {
            let ifExists = reader.take("IF", "EXISTS")
            let name = try reader.name()
            guard tables[table]?.constraints.removeValue(forKey: name) != nil || ifExists else {
                throw ReadError("constraint \(name) on \(table) does not exist")
            }
        } else {
            throw ReadError("ALTER TABLE \(table): cannot read \(reader.peek?.text ?? "the end")")
        }
        try reader.expectEnd()
    }

    /// PostgreSQL drops what depends on the column: the indexes over it, and the constraints of its
    /// table over it. (Expressions are not read, so an index or check that only mentions the column
    /// in an expression stays here; synth drops those explicitly first.)
    mutating func dropColumn(_ name: String, of table: String) {
        tables[table]?.columns.removeAll { $0.name == name }
        let kept = tables[table]?.constraints.filter { !Self.columns(of: $0.value.kind).contains(name) } ?? [:]
        tables[table]?.constraints = kept
        indexes = indexes.filter { $0.value.table != table || !$0.value.keys.contains { $0.column == name } }
    }

    mutating func renameColumn(_ table: String, from: String, to: String) throws {
        try updateColumn(table, from) { $0.name = to }
        func rename(_ columns: [String]) -> [String] { columns.map { $0 == from ? to : $0 } }
        for (tableName, var other) in tables {
            for (constraintName, var constraint) in other.constraints {
                switch constraint.kind {
                case .primaryKey(let columns) where tableName == table: constraint.kind = .primaryKey(rename(columns))
                case .unique(let columns) where tableName == table: constraint.kind = .unique(rename(columns))
                case .foreignKey(var columns, let referenced, var referencedColumns, let onDelete):
                    if tableName == table { columns = rename(columns) }
                    if referenced == table { referencedColumns = rename(referencedColumns) }
                    constraint.kind = .foreignKey(columns, table: referenced, columns: referencedColumns, onDelete: onDelete)
                default: break
                }
                other.constraints[constraintName] = constraint
            }
            tables[tableName] = other
        }
        for (name, var index) in indexes where index.table == table {
            index.keys = index.keys.map { key in var key = key; if key.column == from { key.column = to }; return key }
            indexes[name] = index
        }
    }

    mutating func renameTable(_ table: String, to newName: String) throws {
        guard tables[newName] == nil else { throw ReadError("table \(newName) already exists") }
        let moved = tables.removeValue(forKey: table)
        tables[newName] = moved
        for (tableName, var other) in tables {
            for (constraintName, var constraint) in other.constraints {
                if case .foreignKey(let columns, table, let referencedColumns, let onDelete) = constraint.kind {
                    constraint.kind = .foreignKey(columns, table: newName, columns: referencedColumns, onDelete: onDelete)
                    other.constraints[constraintName] = constraint
                }
            }
            tables[tableName] = other
        }
        for (name, var index) in indexes where index.table == table {
            index.table = newName
            indexes[name] = index
        }
    }

    mutating func createIndex(_ reader: inout StatementReader, unique: Bool) throws {
        _ = reader.take("CONCURRENTLY")
        let ifNotExists = reader.take("IF", "NOT", "EXISTS")
        let name = try reader.name()
        try reader.expect("ON")
        let table = try reader.name()
        guard let columns = tables[table]?.columns else { throw ReadError("table \(table) does not exist") }
        let method = reader.take("USING") ? try reader.name().lowercased() : "btree"
        var keys: [IndexKey] = []
        for item in try reader.parenthesized() {
            var part = StatementReader(item)
            var key = IndexKey()
            if part.peek?.text == "(" {
                _ = try part.parenthesized()
            } else {
                let column = try part.name()
                guard let type = columns.first(where: { $0.name == column })?.type else {
                    throw ReadError("index \(name): column \(table).\(column) does not exist")
                }
                key.column = column
                if method == "gin" { key.operatorClass = type == "tsvector" ? "tsvector_ops" : type.hasSuffix("[]") ? "array_ops" : nil }
            }
            if let token = part.peek, !token.is("DESC"), !token.is("ASC") {
                part.advance()
                key.operatorClass = token.text
            }
            key.descending = part.take("DESC")
            _ = part.take("ASC")
            try part.expectEnd()
            if method != "btree", key.operatorClass == nil { throw ReadError("index \(name): no operator class for its \(method) key") }
            keys.append(key)
        }
        var storage: String?
        if reader.take("WITH") {
            let settings = try reader.parenthesized().map { $0.map(\.text).joined().lowercased() }
            storage = settings.sorted().joined(separator: ", ")
        }
        let partial = reader.take("WHERE")
        if partial { reader.skipExpression(until: []) }
        if indexes[name] != nil {
            if ifNotExists { return }
            throw ReadError("index \(name) already exists")
        }
        indexes[name] = Index(table: table, method: method, unique: unique, keys: keys, storage: storage, partial: partial)
    }

    // MARK: Lines

    static func columns(of kind: ConstraintKind) -> [String] {
        switch kind {
        case .primaryKey(let columns), .unique(let columns), .foreignKey(let columns, _, _, _): columns
        case .check: []
        }
    }

    static func shape(_ constraint: Constraint) -> String {
        let text = switch constraint.kind {
        case .primaryKey(let columns): "primary key (\(columns.joined(separator: ", ")))"
        case .unique(let columns): "unique (\(columns.joined(separator: ", ")))"
        case .foreignKey(let columns, let table, let referenced, let onDelete):
            "foreign key (\(columns.joined(separator: ", "))) references \(table) (\(referenced.joined(separator: ", "))) on delete \(onDelete)"
        case .check: "check"
        }
        return text + (constraint.valid ? "" : " not valid")
    }

    static func shape(_ index: Index) -> String {
        let keys = index.keys.map { key in
            [key.column ?? "expression", key.operatorClass, key.descending ? "desc" : nil].compactMap { $0 }.joined(separator: " ")
        }
        return index.method + (index.unique ? " unique" : "") + " (\(keys.joined(separator: ", ")))"
            + (index.storage.map { " with (\($0))" } ?? "") + (index.partial ? " where" : "")
    }

    /// The type as `format_type` writes it.
    static func catalogType(_ sql: String) -> String {
        let type = sql.lowercased()
        return type == "timestamptz" ? "timestamp with time zone" : type
    }

    /// `query vector` → `vector`; `text` → `text`; `double precision` stays whole.
    static func argumentType(_ argument: String) -> String {
        let words = argument.split(separator: " ")
        guard words.count > 1, !argument.hasPrefix("double precision") else { return argument }
        return words.dropFirst().joined(separator: " ")
    }

    static func argumentTypes(_ arguments: String) -> [String] {
        arguments.isEmpty ? [] : arguments.split(separator: ",").map { argumentType(String($0.drop(while: { $0 == " " }))) }
    }
}
