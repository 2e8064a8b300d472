/// Each typed change as the migration file writes it: a reviewer's summary, its statements, whether
/// it runs after the transaction, the acknowledged data loss, and the tag the file's name is made of.
extension SchemaChange {
    public var step: MigrationPlanner.Step {
        func step(_ summary: String, _ statements: [String], tag: String) -> MigrationPlanner.Step {
            MigrationPlanner.Step(summary: summary, statements: statements, outsideTransaction: runsAfterTransaction,
                                  dataLoss: dataLoss?.description, tag: tag)
        }
        func q(_ name: String) -> String { Identifier.quoted(name) }
        func alter(_ table: String, _ column: String) -> String { "ALTER TABLE \(q(table)) ALTER COLUMN \(q(column))" }
        switch self {
        case .addExtension(let name):
            return step("adds extension \(name)", [SchemaRenderer.createExtension(name)], tag: "add_extension_\(name)")
        case .dropExtension(let name):
            return step("drops extension \(name)", ["DROP EXTENSION IF EXISTS \(q(name))"], tag: "drop_extension_\(name)")
        case .createTextSearchConfiguration(let configuration):
            return step("creates text search configuration \(configuration.name)", configuration.statements, tag: "text_search_\(configuration.name)")
        case .dropTextSearchConfiguration(let configuration):
            return step("drops text search configuration \(configuration.name)", [configuration.dropStatement], tag: "drop_text_search_\(configuration.name)")
        case .createFunction(let function):
            return step("creates function \(function.name)", [function.statement], tag: "function_\(function.name)")
        case .dropFunction(let function):
            return step("drops function \(function.name)", [function.dropStatement], tag: "drop_function_\(function.name)")
        case .createQueryFunction(let function, let replacing):
            return step("creates function \(function.name)", (replacing.map { [$0.dropStatement] } ?? []) + [function.statement], tag: "function_\(function.name)")
        case .dropQueryFunction(let function):
            return step("drops function \(function.name)", [function.dropStatement], tag: "drop_function_\(function.name)")
        case .renameTable(let from, let to):
            return step("renames table \(from) to \(to)", ["ALTER TABLE \(q(from)) RENAME TO \(q(to))"], tag: "rename_\(from)")
        case .createTable(let table):
            return step("creates table \(table.name)", [SchemaRenderer.createTable(table)] + table.indexes.map { SchemaRenderer.createIndex($0, on: table) },
                        tag: "create_\(table.name)")
        case .dropTable(let name, _):
            return step("drops table \(name) with its rows", ["DROP TABLE IF EXISTS \(q(name))"], tag: "drop_\(name)")
        case .dropConstraint(let table, let name):
            return step("drops constraint \(name) on \(table)", ["ALTER TABLE \(q(table)) DROP CONSTRAINT IF EXISTS \(q(name))"], tag: "alter_\(table)")
        case .dropIndex(let table, let name):
            return step("drops index \(name)", ["DROP INDEX CONCURRENTLY IF EXISTS \(q(name))"], tag: "alter_\(table)")
        case .dropColumn(let table, let name, _, let replacing):
            let summary = "drops column \(table).\(name) with its values" + (replacing == nil ? "" : ", for the column renamed into its place")
            return step(summary, ["ALTER TABLE \(q(table)) DROP COLUMN IF EXISTS \(q(name))"], tag: "alter_\(table)")
        case .renameColumn(let table, let from, let to):
            return step("renames column \(table).\(from) to \(to) (values kept)", ["ALTER TABLE \(q(table)) RENAME COLUMN \(q(from)) TO \(q(to))"],
                        tag: "alter_\(table)")
        case .renameIndex(let table, let from, let to):
            return step("renames index \(from) to \(to)", ["ALTER INDEX \(q(from)) RENAME TO \(q(to))"], tag: "alter_\(table)")
        case .renameConstraint(let table, let from, let to):
            return step("renames constraint \(from) to \(to)", ["ALTER TABLE \(q(table)) RENAME CONSTRAINT \(q(from)) TO \(q(to))"], tag: "alter_\(table)")
        case .rebuildGeneratedColumn(let table, let column):
            return step("rebuilds generated column \(table).\(column.name), whose expression or a function it calls changed (rewrites the table; its values are derived, so nothing is lost)",
                        ["ALTER TABLE \(q(table)) DROP COLUMN IF EXISTS \(q(column.name))", "ALTER TABLE \(q(table)) ADD COLUMN \(SchemaRenderer.columnDefinition(column))"],
                        tag: "alter_\(table)")
        case .addColumn(let table, let column):
            let summary = "adds column \(table).\(column.name)" + (column.type.tsvectorSources != nil ? " (a stored generated column: rewrites the table)" : "")
            return step(summary, ["ALTER TABLE \(q(table)) ADD COLUMN IF NOT EXISTS \(SchemaRenderer.columnDefinition(column))"], tag: "alter_\(table)")
        case .changeType(let table, let column, let from, let using, _):
            let (was, now) = (SchemaRenderer.typeName(from), SchemaRenderer.typeName(column.type))
            return step("\(MigrationRule.noSilentRewrite.tag) changes the type of \(table).\(column.name) from \(was) to \(now) (rewrites the table, as declared)",
                        ["\(alter(table, column.name)) TYPE \(now) USING \(using)"], tag: "alter_\(table)")
        case .dropNotNull(let table, let column):
            return step("lets \(table).\(column) hold NULL", ["\(alter(table, column)) DROP NOT NULL"], tag: "alter_\(table)")
        case .setNotNull(let table, let column):
            return step("makes \(table).\(column) NOT NULL (scans the table under an exclusive lock; fails if a row holds NULL)",
                        ["\(alter(table, column)) SET NOT NULL"], tag: "alter_\(table)")
        case .setDefault(let table, let column, let value):
            return step("sets the default of \(table).\(column) to \(value.expression)", ["\(alter(table, column)) SET DEFAULT \(value.expression)"], tag: "alter_\(table)")
        case .dropDefault(let table, let column):
            return step("drops the default of \(table).\(column)", ["\(alter(table, column)) DROP DEFAULT"], tag: "alter_\(table)")
        case .addConstraint(let table, let element):
            let constraint = SchemaCatalog.constraint(element, of: table)
            let add = "ALTER TABLE \(q(table)) ADD CONSTRAINT \(q(constraint.name)) \(constraint.definition)"
            switch element {
            case .foreignKey, .check:
                // NOT VALID takes a brief lock; VALIDATE then checks the rows without blocking writes.
                return step("adds constraint \(constraint.name) on \(table) (\(MigrationRule.notValidThenValidate.tag) checked against existing rows without blocking writes)",
                            [add + " NOT VALID", "ALTER TABLE \(q(table)) VALIDATE CONSTRAINT \(q(constraint.name))"], tag: "alter_\(table)")
            case .primaryKey, .unique:
                return step("adds constraint \(constraint.name) on \(table)", [add], tag: "alter_\(table)")
            }
        case .createIndex(let index, let table):
            return step("builds index \(index.name) on \(table.name)" + Self.buildCost(of: index, on: table),
                        [SchemaRenderer.createIndex(index, on: table, concurrently: true)], tag: "alter_\(table.name)")
        case .swapIndex(let index, let table):
            var building = index
            building.name = SchemaChange.swapName(for: index.name)
            let summary = "\(MigrationRule.hnswSwap.tag) rebuilds index \(index.name) on \(table.name) as \(building.name) beside it, then swaps it in"
                + Self.buildCost(of: index, on: table)
            return step(summary, [SchemaRenderer.createIndex(building, on: table, concurrently: true),
                                  "DROP INDEX CONCURRENTLY IF EXISTS \(q(index.name))",
                                  "ALTER INDEX IF EXISTS \(q(building.name)) RENAME TO \(q(index.name))"], tag: "alter_\(table.name)")
        }
    }

    /// What building an HNSW index costs, for the reviewer (". HNSW build cost: …"); nothing for other indexes.
    static func buildCost(of index: Index, on table: Table) -> String {
        guard case .hnsw(let column, _, let m, let efConstruction) = index.method, let type = table.column(column)?.type else { return "" }
        return ". " + MigrationPlanner.hnswCost(type: type, m: m, efConstruction: efConstruction)
    }

    /// The table the change rewrites, copying every row under an exclusive lock, as its summary tells
    /// the reviewer; nil for a change that leaves the table's storage alone (MIG-04).
    public var rewrittenTable: String? {
        switch self {
        case .rebuildGeneratedColumn(let table, _), .changeType(let table, _, _, _, _): table
        case .addColumn(let table, let column) where column.type.tsvectorSources != nil: table
        default: nil
        }
    }

    /// Index builds and drops run `CONCURRENTLY`, which no transaction may hold (MIG-01); the
    /// functions, configurations and extensions nothing uses any more are dropped after them, once
    /// the indexes over them are gone.
    public var runsAfterTransaction: Bool {
        switch self {
        case .createIndex, .swapIndex, .dropIndex, .dropFunction, .dropTextSearchConfiguration, .dropExtension: true
        default: false
        }
    }
}
