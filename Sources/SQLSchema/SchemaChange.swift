import DSLCore

/// One change between two declared schemas, typed: what the planner decides (`MigrationPlanner`),
/// what a migration's SQL is rendered from (`SchemaChange.step`), what `synth diff` and the
/// data-loss rules read, and what the offline proof applies to the schema it starts from
/// (`Schema.applying`). Nothing downstream reads SQL text to learn what a migration does.
public enum SchemaChange: Sendable, Equatable {
    case addExtension(String)
    case dropExtension(String)
    case createTextSearchConfiguration(TextSearchConfiguration)
    case dropTextSearchConfiguration(TextSearchConfiguration)
    /// Created or replaced in place (`CREATE OR REPLACE`).
    case createFunction(ImmutableFunction)
    case dropFunction(ImmutableFunction)
    /// A query function, replacing the one of the same name (dropped first: its return type may differ).
    case createQueryFunction(QueryFunction, replacing: QueryFunction?)
    case dropQueryFunction(QueryFunction)
    case renameTable(from: String, to: String)
    case createTable(Table)
    case dropTable(String, Acknowledgement)
    case dropConstraint(table: String, name: String)
    case dropIndex(table: String, name: String)
    /// `replacing`: the column renamed into its place (the contract step of expand, backfill, contract).
    case dropColumn(table: String, name: String, Acknowledgement, replacing: String? = nil)
    case renameColumn(table: String, from: String, to: String)
    case renameIndex(table: String, from: String, to: String)
    case renameConstraint(table: String, from: String, to: String)
    /// A generated column whose expression changed, dropped and added again (its values are derived).
    case rebuildGeneratedColumn(table: String, Column)
    case addColumn(table: String, Column)
    /// `using` converts the stored values; `dataLoss` is the declaration's acknowledgement, nil for a widening.
    case changeType(table: String, Column, from: ColumnType, using: String, dataLoss: Acknowledgement?)
    case dropNotNull(table: String, column: String)
    case setNotNull(table: String, column: String)
    case setDefault(table: String, column: String, DefaultValue)
    case dropDefault(table: String, column: String)
    case addConstraint(table: String, TableConstraint)
    /// Built `CONCURRENTLY`, outside the migration's transaction; `table` is the table as declared.
    case createIndex(Index, on: Table)
    /// A changed vector index, built under `swapName(for:)` beside the old one, which is then dropped
    /// and replaced by it (MIG-08): searches never lose their index to exact scans while it builds.
    case swapIndex(Index, on: Table)

    /// The name a swapped index is built under.
    public static func swapName(for index: String) -> String { String(index.prefix(58)) + "_next" }

    /// A declaration's reason for a change that loses data, and where it is written.
    public struct Acknowledgement: Sendable, Equatable, CustomStringConvertible {
        public var reason: String
        public var location: String
        /// `<reason> (<file>:<line>)`, as the migration file and `synth diff` cite it.
        public var description: String { "\(reason) (\(location))" }

        public init(reason: String, location: String) {
            self.reason = reason
            self.location = location
        }

        init(_ dropped: Dropped) { self.init(reason: dropped.reason, location: dropped.location.description) }
    }

    /// What loses stored data, with the declaration's reason: dropping a table or a column, or a
    /// narrowing type change.
    public var dataLoss: Acknowledgement? {
        switch self {
        case .dropTable(_, let acknowledgement), .dropColumn(_, _, let acknowledgement, _): acknowledgement
        case .changeType(_, _, _, _, let acknowledgement): acknowledgement
        default: nil
        }
    }
}

/// A table constraint as the DSL declares it; its name and catalog shape are `SchemaCatalog`'s.
public enum TableConstraint: Sendable, Equatable {
    case primaryKey([String])
    case unique([String])
    case foreignKey(ForeignKey)
    case check(Check)
}
