import DSLCore

/// Computes the migration from one declared schema to the next: the statements, their order, which
/// ones run outside a transaction, and what is refused. Destructive steps need the declaration to
/// acknowledge them (`Dropped`, `changingType(using:acknowledgingDataLoss:)`); steps that would
/// lock or fail on a table with rows are either planned the online way (indexes `CONCURRENTLY`,
/// foreign keys and checks `NOT VALID` then validated) or refused with the way to do it.
public enum MigrationPlanner {
    public struct Step: Sendable, Equatable {
        /// What the step does, for the reviewer (a comment above its SQL).
        public var summary: String
        public var statements: [String]
        /// Runs after the transaction, on its own (`CREATE INDEX CONCURRENTLY`).
        public var outsideTransaction = false
        /// The acknowledged reason when the step loses data.
        public var dataLoss: String?
        /// For the file name.
        public var tag: String
    }

    /// The comment that flags a step losing data in the migration file, before the declaration's reason, for the reviewer.
    public static let dataLossMarker = "-- DATA LOSS, acknowledged: "

    public struct Plan: Sendable {
        /// What the migration does, in the order it does it: the transaction's changes, then what runs after it.
        public var changes: [SchemaChange]
        public var problems: [Diagnostic]
        public var isEmpty: Bool { changes.isEmpty }
        public var steps: [Step] { changes.map(\.step) }

        /// The migration file's body: the transaction, then the statements that run outside one.
        public var body: String {
            var text = ""
            let inside = steps.filter { !$0.outsideTransaction }, outside = steps.filter(\.outsideTransaction)
            if !inside.isEmpty {
                text += "BEGIN;\n\n"
                text += paragraph(Step(summary: "\(MigrationRule.timeouts.tag) \(MigrationRule.dataAPIWait.tag) a step waiting for a lock fails instead of blocking every "
                                           + "query behind it, and no step outlasts one Data API call",
                                       statements: ["SET LOCAL lock_timeout = '\(MigrationRule.lockTimeout)'",
                                                    "SET LOCAL statement_timeout = '\(MigrationRule.statementTimeout)'"], tag: ""))
                for step in inside { text += paragraph(step) }
                text += "COMMIT;\n"
            }
            if !outside.isEmpty {
                if !text.isEmpty { text += "\n" }
                text += "-- Outside the transaction: \(MigrationRule.concurrentIndexes.tag) indexes are dropped and built CONCURRENTLY, which cannot run in one, "
                    + "without blocking writes; then what nothing uses any more is dropped.\n\n"
                for step in outside { text += paragraph(step) }
            }
            return text
        }

        private func paragraph(_ step: Step) -> String {
            var text = "-- \(step.summary)\n"
            if let reason = step.dataLoss { text += MigrationPlanner.dataLossMarker + reason + "\n" }
            return text + step.statements.map { $0 + ";\n" }.joined(separator: "\n") + "\n"
        }

        /// What the migration does to which tables: `alter_bot_vectors`, `create_bots_and_alter_conversations`.
        public var slug: String {
            let tags = steps.map(\.tag).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
            guard !tags.isEmpty else { return "empty" }
            var slug = tags.prefix(3).joined(separator: "_and_")
            if tags.count > 3 { slug += "_and_\(tags.count - 3)_more" }
            return slug
        }
    }

    /// A rough guide for the reviewer: the index is about a row's vector plus its graph links.
    static func hnswCost(type: ColumnType, m: Int, efConstruction: Int) -> String {
        let (dimension, bytes) = switch type {
        case .halfvec(let dimension): (dimension, 2)
        case .vector(let dimension): (dimension, 4)
        default: (0, 4)
        }
        let perRow = dimension * bytes + 2 * m * 8 + 16
        let megabytes = (perRow * 100_000 + 500_000) / 1_000_000
        return "HNSW build cost: it reads every row and links each vector to about \(2 * m) neighbours found among \(efConstruction) candidates; "
            + "about \(megabytes) MB per 100,000 rows, which should fit in maintenance_work_mem or the build slows down many times; "
            + "on a small instance count on minutes per 100,000 rows of \(dimension) dimensions"
    }

    /// The plan from `old` (nil: an empty database) to `new`.
    public static func plan(from old: Schema?, to new: Schema) -> Plan {
        let start = old ?? Schema(extensions: [], tables: { })
        var planner = Planner(old: start, new: new)
        planner.run()
        var plan = Plan(changes: planner.inside + planner.outside, problems: planner.problems)
        if plan.problems.isEmpty, let unreached = unreached(from: start, by: plan.changes, to: new) { plan.problems.append(unreached) }
        return plan
    }

    /// The offline proof: `changes` applied to `start` must give `declared`'s catalog. Nil when they
    /// do; otherwise the objects the migration would leave behind or never make, which is a defect of
    /// the planner, never of the declaration.
    public static func unreached(from start: Schema, by changes: [SchemaChange], to declared: Schema) -> Diagnostic? {
        let reached = SchemaCatalog.lines(start.applying(changes)), wanted = SchemaCatalog.lines(declared)
        guard reached != wanted else { return nil }
        let extra = reached.filter { !wanted.contains($0) }, missing = wanted.filter { !reached.contains($0) }
        let differences = extra.map { "left behind: \($0)" } + missing.map { "never made: \($0)" }
        return Diagnostic("migration.unreached", location: declared.location, subject: "migration",
                       message: "its steps would not reach the declared schema (\(differences.joined(separator: "; "))); "
                           + "the planner has no step for \(differences.count == 1 ? "it" : "them"). Report it with the declaration that caused it")
    }
}

struct Planner {
    let old: Schema
    let new: Schema
    var inside: [SchemaChange] = []
    /// What runs after the transaction (MIG-01), in the order it is planned: index drops and builds
    /// table by table, then what no longer has a use.
    var outside: [SchemaChange] = []
    var problems: [Diagnostic] = []

    /// The functions and text search configurations that keep their name but compute differently:
    /// redefined, or calling (naming) one that is, however deep.
    let changedInPlace: Set<String>

    init(old: Schema, new: Schema) {
        self.old = old
        self.new = new
        var changed = Set(new.functions.filter { function in old.functions.contains { $0.name == function.name && $0 != function } }.map(\.name))
        changed.formUnion(new.textSearchConfigurations.filter { configuration in
            old.textSearchConfigurations.contains { $0.name == configuration.name && $0 != configuration }
        }.map(\.name))
        var grew = true
        while grew {
            let calling = new.functions.filter { !changed.contains($0.name) && !Self.names(in: $0.statement).isDisjoint(with: changed) }
            grew = !calling.isEmpty
            changed.formUnion(calling.map(\.name))
        }
        changedInPlace = changed
    }

    /// Whether `sql` calls or names a function or configuration that changed in place.
    func usesChangedInPlace(_ sql: String) -> Bool { !changedInPlace.isEmpty && !Self.names(in: sql).isDisjoint(with: changedInPlace) }

    /// The names `sql` mentions: its words, and its strings as a qualified name ends
    /// (`'public.chat_english'::regconfig` names chat_english), in `$$` bodies too.
    static func names(in sql: String) -> Set<String> {
        var names = Set<String>()
        for token in (try? Token.tokenize(sql)) ?? [] {
            switch token.kind {
            case .word, .quotedIdentifier: names.insert(token.text)
            case .string: names.insert(String(token.text.split(separator: ".").last ?? ""))
            case .dollarQuoted: names.formUnion(Self.names(in: token.text))
            case .symbol: break
            }
        }
        return names
    }

    mutating func add(_ change: SchemaChange) {
        if change.runsAfterTransaction { outside.append(change) } else { inside.append(change) }
    }

    mutating func refuse(_ id: String, _ location: SourceLocation?, _ subject: String, _ message: String) {
        problems.append(Diagnostic("migration.\(id)", location: location, subject: subject, message: message))
    }

    mutating func run() {
        for name in new.extensions where !old.extensions.contains(name) {
            add(.addExtension(name))
        }
        // Configurations are created once, before the functions, which may name one; functions are
        // replaced in place. PostgreSQL never recomputes what a stored generated column or an index
        // computed with a function's old body, so those over a function or configuration that changes
        // in place are rebuilt (`changedInPlace`), like those whose own declaration changes.
        for configuration in new.textSearchConfigurations where !old.textSearchConfigurations.contains(configuration) {
            add(.createTextSearchConfiguration(configuration))
        }
        for function in new.functions where !old.functions.contains(function) {
            add(.createFunction(function))
        }
        // Which old table each new table is (by name, or by the rename it declares).
        var matched: [(old: Table, new: Table)] = []
        var tableRenames: [String: String] = [:]
        for table in new.tables {
            if let same = old.table(table.name) {
                matched.append((same, table))
            } else if let previous = table.previousName, let before = old.table(previous), new.table(previous) == nil {
                matched.append((before, table))
                tableRenames[previous] = table.name
                add(.renameTable(from: previous, to: table.name))
            }
        }
        let matchedOld = Set(matched.map(\.old.name))
        var laterConstraints: [SchemaChange] = []
        for (before, after) in matched {
            laterConstraints += alter(before, into: after, tableRenames: tableRenames)
        }
        let created = new.tables.filter { table in !matched.contains { $0.new.name == table.name } }
        for table in created { add(.createTable(table)) }
        for change in laterConstraints { add(change) }
        // Query functions last, once the tables they read have their new shape; a changed one is
        // dropped first, since its return type may not be replaceable in place.
        for function in new.queryFunctions where !old.queryFunctions.contains(function) {
            add(.createQueryFunction(function, replacing: old.queryFunctions.first { $0.name == function.name }))
        }
        for function in old.queryFunctions where !new.queryFunctions.contains(where: { $0.name == function.name }) {
            add(.dropQueryFunction(function))
        }
        // What the new schema no longer declares, once no column or index refers to it: functions, then
        // configurations (which may use an extension's dictionary), then extensions. None holds data;
        // an extension something still depends on stops the migration (no CASCADE).
        for function in old.functions where !new.functions.contains(where: { $0.name == function.name }) {
            add(.dropFunction(function))
        }
        for configuration in old.textSearchConfigurations where !new.textSearchConfigurations.contains(where: { $0.name == configuration.name }) {
            add(.dropTextSearchConfiguration(configuration))
        }
        for name in old.extensions where !new.extensions.contains(name) {
            add(.dropExtension(name))
        }
        for table in old.tables.reversed() where !matchedOld.contains(table.name) {
            guard let dropped = new.droppedTables.first(where: { $0.name == table.name }) else {
                refuse("undeclared-drop", new.location, "table \(table.name)",
                       "the schema no longer declares it, so the migration would drop it with every row. If that is intended, declare "
                       + "Dropped.table(\"\(table.name)\", because: \"…\") in the schema; if it was renamed, declare Table(\"new_name\") { … }.renamed(from: \"\(table.name)\")")
                continue
            }
            add(.dropTable(table.name, .init(dropped)))
        }
    }

    /// Alters `before` (already renamed) into `after`; returns the constraint additions, which run
    /// once every table exists.
    mutating func alter(_ before: Table, into after: Table, tableRenames: [String: String]) -> [SchemaChange] {
        let table = after.name
        var columnRenames: [String: String] = [:]
        var replaced: [Dropped] = []
        for column in after.columns {
            guard let previous = column.previousName, before.column(previous) != nil, after.column(previous) == nil else { continue }
            if before.column(column.name) == nil {
                columnRenames[previous] = column.name
            } else if let dropped = after.droppedColumns.first(where: { $0.name == column.name }) {
                // The contract step of expand, backfill, contract: the new column takes the old one's place.
                columnRenames[previous] = column.name
                replaced.append(dropped)
            }
        }
        let base = Self.removing(Set(replaced.map(\.name)), from: before)
        let mapped = Self.renaming(base, tables: tableRenames, columns: columnRenames, to: table)

        // Constraints: kept (renamed when only the derived name moved), dropped, or added.
        let oldConstraints = zip(SchemaCatalog.constraints(of: base), SchemaCatalog.constraints(of: mapped)).map { named, shaped in
            SchemaCatalog.Constraint(name: named.name, shape: shaped.shape, definition: shaped.definition, element: named.element)
        }
        let newConstraints = SchemaCatalog.constraints(of: after)
        var constraintRenames: [(String, String)] = []
        var droppedConstraints: [SchemaCatalog.Constraint] = []
        var addedConstraints = newConstraints.filter { wanted in !oldConstraints.contains { $0.name == wanted.name && $0.definition == wanted.definition } }
        for existing in oldConstraints where !newConstraints.contains(where: { $0.name == existing.name && $0.definition == existing.definition }) {
            if let same = addedConstraints.firstIndex(where: { $0.definition == existing.definition && $0.shape == existing.shape }),
               !oldConstraints.contains(where: { $0.name == addedConstraints[same].name }) {
                constraintRenames.append((existing.name, addedConstraints[same].name))
                addedConstraints.remove(at: same)
            } else {
                droppedConstraints.append(existing)
            }
        }
        for constraint in droppedConstraints {
            add(.dropConstraint(table: table, name: constraint.name))
        }

        // Generated columns whose expression, or a function it calls, changed are rebuilt, which drops their indexes.
        var rebuiltColumns = Set<String>()
        for column in after.columns {
            guard let was = mapped.column(column.name), column.type.tsvectorSources != nil, was.type.tsvectorSources != nil else { continue }
            if was.type != column.type || usesChangedInPlace(SchemaRenderer.columnDefinition(column)) { rebuiltColumns.insert(column.name) }
        }
        var oldIndexes = Dictionary(mapped.indexes.map { ($0.name, SchemaRenderer.createIndex($0, on: mapped)) }, uniquingKeysWith: { a, _ in a })
        // An index declared under a new name with the same definition is renamed, not rebuilt.
        var indexRenames: [(String, String)] = []
        for index in after.indexes where oldIndexes[index.name] == nil {
            let wanted = SchemaRenderer.createIndex(index, on: after)
            if let old = mapped.indexes.first(where: { old in
                after.indexes.allSatisfy { $0.name != old.name } && !indexRenames.contains { $0.0 == old.name }
                    && SchemaRenderer.createIndex(Index(index.name, old.method, where: old.predicate), on: mapped) == wanted
            }) {
                indexRenames.append((old.name, index.name))
                oldIndexes[index.name] = wanted
            }
        }
        // A changed vector index is built beside the old one and swapped in (MIG-08), so searches keep an
        // index while it builds; other changed or removed indexes are dropped before they are built again.
        var swapped = Set<String>()
        for index in mapped.indexes where !indexRenames.contains(where: { $0.0 == index.name }) {
            let replacement = after.indexes.first { $0.name == index.name }
            let changed = replacement.map { SchemaRenderer.createIndex($0, on: after) != oldIndexes[index.name] || usesChangedInPlace(oldIndexes[index.name] ?? "") } ?? true
            guard changed && !index.columns.contains(where: rebuiltColumns.contains) else { continue }
            if let replacement, case .hnsw = replacement.method, case .hnsw = index.method {
                swapped.insert(index.name)
            } else {
                add(.dropIndex(table: table, name: index.name))
            }
        }
        for dropped in replaced {
            add(.dropColumn(table: table, name: dropped.name, .init(dropped), replacing: columnRenames.first { $0.value == dropped.name }?.key))
        }
        for (previous, name) in columnRenames.sorted(by: { $0.key < $1.key }) {
            add(.renameColumn(table: table, from: previous, to: name))
        }
        for (previous, name) in indexRenames {
            add(.renameIndex(table: table, from: previous, to: name))
        }
        for (previous, name) in constraintRenames {
            add(.renameConstraint(table: table, from: previous, to: name))
        }
        for column in mapped.columns where after.column(column.name) == nil {
            let name = column.name
            guard let dropped = after.droppedColumns.first(where: { $0.name == name }) else {
                refuse("undeclared-drop", after.location, "column \(table).\(name)",
                       "the table no longer declares it, so the migration would drop it with its values. If that is intended, declare "
                       + "Dropped.column(\"\(name)\", because: \"…\") in the table; if it was renamed, declare Column(\"new_name\", …).renamed(from: \"\(name)\")")
                continue
            }
            add(.dropColumn(table: table, name: name, .init(dropped)))
        }
        for name in rebuiltColumns.sorted() {
            guard let column = after.column(name) else { continue }
            add(.rebuildGeneratedColumn(table: table, column))
        }
        for column in after.columns {
            guard let was = mapped.column(column.name) else {
                addColumn(column, to: after)
                continue
            }
            if !rebuiltColumns.contains(column.name) { changeColumn(was, into: column, of: after) }
        }

        // Indexes added or changed: built CONCURRENTLY, since the table may be large.
        for index in after.indexes {
            let sql = SchemaRenderer.createIndex(index, on: after)
            guard oldIndexes[index.name] != sql || index.columns.contains(where: rebuiltColumns.contains) || usesChangedInPlace(sql) else { continue }
            add(swapped.contains(index.name) ? .swapIndex(index, on: after) : .createIndex(index, on: after))
        }

        return addedConstraints.map { .addConstraint(table: table, $0.element) }
    }

    mutating func addColumn(_ column: Column, to table: Table) {
        let subject = "column \(table.name).\(column.name)"
        if column.type.tsvectorSources == nil && !column.isNullable && column.defaultValue == nil {
            refuse("not-null-without-default", column.location, subject,
                   "\(MigrationRule.notNullNeedsDefault.tag) adding a NOT NULL column without a default to an existing table fails as soon as the table has a row. Give it a default, "
                   + "or add it nullable, fill it, and declare it notNull() in a later migration")
            return
        }
        add(.addColumn(table: table.name, column))
    }

    mutating func changeColumn(_ was: Column, into column: Column, of table: Table) {
        let name = "\(table.name).\(column.name)"
        if was.type != column.type {
            let from = SchemaRenderer.typeName(was.type), to = SchemaRenderer.typeName(column.type)
            let widening = (was.type == .integer && column.type == .bigint) || (column.type == .text && !Self.isGenerated(was.type))
            if Self.isGenerated(was.type) || Self.isGenerated(column.type) {
                refuse("generated-column", column.location, "column \(name)", "cannot turn a generated column into a stored one or back; declare a new column and drop this one")
            } else if let change = column.typeChange, widening || change.dataLossReason != nil {
                let acknowledgement = SchemaChange.Acknowledgement(reason: change.dataLossReason ?? "", location: column.location.map(\.description) ?? "")
                add(.changeType(table: table.name, column, from: was.type, using: change.using, dataLoss: widening ? nil : acknowledgement))
            } else if widening {
                refuse("type-change", column.location, "column \(name)",
                       "\(MigrationRule.noSilentRewrite.tag) changing \(from) to \(to) rewrites the table under an exclusive lock, blocking reads and writes "
                       + "until it ends. To accept that, declare .changingType(using: \"\(column.name)::\(to)\"); on a large table, expand, backfill, contract instead")
            } else if case .vector = was.type, case .vector = column.type {
                refuse("type-change", column.location, "column \(name)",
                       "changing \(from) to \(to) in place would discard every stored embedding. Expand, backfill, contract: declare a new column "
                       + "of type \(to) beside it (nullable), let the runtime re-embed into it, then drop the old one (Dropped.column) and rename the new one in later migrations")
            } else if column.typeChange == nil {
                refuse("type-change", column.location, "column \(name)",
                       "its type changes from \(from) to \(to); say how to convert the stored values with .changingType(using: \"<SQL over \(column.name)>\", acknowledgingDataLoss: \"…\")")
            } else {
                refuse("type-change", column.location, "column \(name)",
                       "changing \(from) to \(to) can lose information; if that is intended, add acknowledgingDataLoss: \"…\" to .changingType(using:)")
            }
        }
        if was.isNullable != column.isNullable && !column.isPrimaryKey {
            add(column.isNullable ? .dropNotNull(table: table.name, column: column.name) : .setNotNull(table: table.name, column: column.name))
        }
        if was.defaultValue != column.defaultValue && !Self.isGenerated(column.type) {
            add(column.defaultValue.map { .setDefault(table: table.name, column: column.name, $0) } ?? .dropDefault(table: table.name, column: column.name))
        }
    }

    static func isGenerated(_ type: ColumnType) -> Bool {
        type.tsvectorSources != nil
    }

    /// `table` without `columns`, and without the keys and indexes over them (dropping a column drops those).
    static func removing(_ columns: Set<String>, from table: Table) -> Table {
        guard !columns.isEmpty else { return table }
        var copy = table
        copy.columns.removeAll { columns.contains($0.name) }
        if table.primaryKey.contains(where: columns.contains) { copy.primaryKey = [] }
        copy.uniques.removeAll { $0.contains(where: columns.contains) }
        copy.foreignKeys.removeAll { $0.columns.contains(where: columns.contains) }
        copy.indexes.removeAll { $0.columns.contains(where: columns.contains) }
        return copy
    }

    /// `table` as it is after the declared renames, under its new name.
    static func renaming(_ table: Table, tables: [String: String], columns: [String: String], to name: String) -> Table {
        func column(_ old: String) -> String { columns[old] ?? old }
        var copy = table
        copy.name = name
        copy.columns = table.columns.map { original in
            var renamed = original
            renamed.name = column(original.name)
            renamed.type = original.type.renamingSources(column)
            if let reference = original.reference { renamed.reference?.table = tables[reference.table] ?? reference.table }
            return renamed
        }
        copy.primaryKey = table.primaryKey.map(column)
        copy.uniques = table.uniques.map { $0.map(column) }
        copy.foreignKeys = table.foreignKeys.map { key in
            var renamed = key
            renamed.columns = key.columns.map(column)
            renamed.table = tables[key.table] ?? key.table
            return renamed
        }
        copy.indexes = table.indexes.map { index in
            var renamed = index
            switch index.method {
            case .btree(let keys, let unique): renamed.method = .btree(keys.map { IndexColumn(column($0.name), descending: $0.descending) }, unique: unique)
            case .fullText(let name): renamed.method = .fullText(column(name))
            case .trigramGIN(let name): renamed.method = .trigramGIN(column(name))
            case .trigramGiST(let name): renamed.method = .trigramGiST(column(name))
            case .foldedTrigramGiST(let name, let function): renamed.method = .foldedTrigramGiST(column(name), function: function)
            case .arrayGIN(let name): renamed.method = .arrayGIN(column(name))
            case .hnsw(let name, let op, let m, let ef): renamed.method = .hnsw(column(name), op, m: m, efConstruction: ef)
            }
            return renamed
        }
        return copy
    }

    func q(_ name: String) -> String { Identifier.quoted(name) }
}
